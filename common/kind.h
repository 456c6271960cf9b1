/* The kinds of test: one row each, with everything a kind is outside its
 * workloads (bench/kinds.c holds those): its name, the transports it runs
 * on with the default message size on each, what -n counts, and how it
 * changes the control sequence. The spec checks, tub-send's defaults,
 * usage and errors, --list-kinds and the CSV read it. */
#ifndef TUB_KIND_H
#define TUB_KIND_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spec.h"

/* How a kind changes the control sequence and what it measures. */
#define KIND_ROUND_TRIPS 0x01u /* requests and replies: RTT histogram, rr
				  columns; a lossy transport's reply
				  timeout (--rr-timeout) applies */
#define KIND_PER_OP 0x02u      /* a fresh connection per operation: the
				  receiver keeps its listener, the sender
				  opens no data socket up front */
#define KIND_DONE_EARLY 0x04u  /* the sender sends DONE itself in the
				  middle of the data phase */
#define KIND_NO_RESULT 0x08u   /* no DONE, no RESULT: the path may be cut;
				  no stall limit (idle is the point) */
#define KIND_REVERSIBLE 0x20u  /* runs with the receiver sending (-R), and
				  both ways at once (--bidir) */
#define KIND_FLOW 0x10u        /* a one-way flow of messages stamped with
				  sequence and send time: rates, loss,
				  order and message delay are measured */

struct kind_info {
	const char *name;
	const char *help;       /* what it measures, one line */
	const char *counts;     /* what -n counts */
	const char *size_is;    /* what -l sizes */
	uint32_t size[TUB_PROTO_COUNT]; /* default -l per transport; 0: the
					   kind does not run there */
	uint64_t count;         /* default -n; 0: run for a duration */
	uint32_t flags;         /* KIND_* */
};

/* The row of kind k, or NULL out of range. */
const struct kind_info *kind_info(int k);

/* Whether kind k runs on transport proto (and in direction dir). */
int kind_runs_on(int k, int proto, int dir);

/* Whether kind k has flag f. */
int kind_has(int k, uint32_t f);

/* The transports kind k runs on, as "tcp, udp, rudp", into buf. */
const char *kind_protos(int k, char *buf, size_t len);

/* The kind names as "stream, rr, ..." into buf (for usage and errors). */
const char *kind_names(char *buf, size_t len);

/* The table, one line a kind: name, then proto=default size for each
 * transport it runs on ("stream tcp=131072 udp=1400 rudp=1400"). */
void kind_list(FILE *f);

#endif
