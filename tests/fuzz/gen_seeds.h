/* Shared by the parts of the seed generator (gen_seeds.c). */
#ifndef TUB_GEN_SEEDS_H
#define TUB_GEN_SEEDS_H

#include <stddef.h>
#include <stdint.h>

struct gen {
	const char *dir;                /* OUTDIR */
	const char *const *targets;     /* the targets asked for */
	int ntargets;                   /* 0: all */
	unsigned count;                 /* files written */
	int failed;
};

/* 1 if seeds of target are to be written. */
int gen_wanted(const struct gen *g, const char *target);

/* Write p[n] as OUTDIR/target/name, if target is wanted. */
void gen_save(struct gen *g, const char *target, const char *name,
	      const void *p, size_t n);

/* Report a seed that cannot be made; the exit status will be 1. */
void gen_fail(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* v as a big-endian field of bytes bytes at p. */
void gen_put_be(uint8_t *p, uint64_t v, int bytes);

/* Offset of needle[k] in p[n], or -1. */
long gen_find(const uint8_t *p, size_t n, const void *needle, size_t k);

/* The seeds of each group of targets. */
void gen_wire(struct gen *g);    /* gen_wire.c: control messages */
void gen_sockopt(struct gen *g); /* gen_seeds.c: option texts */
void gen_rudp(struct gen *g);    /* gen_rudp.c: RUDP datagrams */

#endif
