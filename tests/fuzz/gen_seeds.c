/* The seed corpus of the fuzz targets, generated from the encoders (and
 * for RUDP from the state machine itself), so that it follows the wire as
 * the wire changes.
 *
 *   gen_seeds OUTDIR [TARGET...]
 *
 * writes OUTDIR/TARGET/NAME for every target named (all when none):
 * frame, hello, test, ready, done, result, error, sockopt, rudp. "ok-*"
 * files are typical valid inputs; "bad-*" ones are hand-picked hostile
 * inputs for the error paths, made by encoding out-of-range values (the
 * encoders do not check them) or by patching an encoded message where a
 * marker string or value shows the field. Frames go whole to "frame" and
 * less their header to the message's own target. Exit status: 0; 1 if a
 * file cannot be written or an encoder refuses a typical message (the
 * seeds would no longer match the wire); 2 usage. */
#include "gen_seeds.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sockopt.h"
#include "spec.h"

int gen_wanted(const struct gen *g, const char *target)
{
	int i;

	if (g->ntargets == 0)
		return 1;
	for (i = 0; i < g->ntargets; i++)
		if (strcmp(g->targets[i], target) == 0)
			return 1;
	return 0;
}

void gen_save(struct gen *g, const char *target, const char *name,
	      const void *p, size_t n)
{
	char path[1024];
	int wrote;
	FILE *f;

	if (!gen_wanted(g, target))
		return;
	snprintf(path, sizeof path, "%s/%s", g->dir, target);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		gen_fail(g, "%s: %s", path, strerror(errno));
		return;
	}
	snprintf(path, sizeof path, "%s/%s/%s", g->dir, target, name);
	f = fopen(path, "wb");
	if (!f) {
		gen_fail(g, "%s: %s", path, strerror(errno));
		return;
	}
	wrote = n == 0 || fwrite(p, n, 1, f) == 1;
	if (fclose(f) != 0 || !wrote) {
		gen_fail(g, "%s: write failed", path);
		return;
	}
	g->count++;
}

void gen_fail(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "gen_seeds: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	g->failed = 1;
}

void gen_put_be(uint8_t *p, uint64_t v, int bytes)
{
	while (bytes-- > 0) {
		p[bytes] = (uint8_t)v;
		v >>= 8;
	}
}

long gen_find(const uint8_t *p, size_t n, const void *needle, size_t k)
{
	const uint8_t *at = memmem(p, n, needle, k);

	return at ? at - p : -1;
}

/* ---- option texts ---------------------------------------------------- */

/* The canonical text of a set, from sockopt_format. */
static void save_set(struct gen *g, const char *name,
		     const struct sockopt_set *set)
{
	char text[TUB_OPTSTR_MAX];

	if (sockopt_format(set, text, sizeof text) < 0) {
		gen_fail(g, "sockopt_format refused %s", name);
		return;
	}
	gen_save(g, "sockopt", name, text, strlen(text));
}

/* Every option at its lowest (or highest) value. */
static void set_every(struct sockopt_set *set, int highest)
{
	int id;

	sockopt_clear(set);
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		const struct sockopt_info *in =
			sockopt_info((enum sockopt_id)id);

		set->mask |= 1u << id;
		set->value[id] = highest ? in->max : in->min;
	}
	snprintf(set->congestion, sizeof set->congestion, "%s",
		 highest ? "abcdefghijklmno" : "c");
}

void gen_sockopt(struct gen *g)
{
	/* As users write them, and hostile ones. */
	static const char *const texts[][2] = {
		{"ok-typical", "sndbuf=256K,rcvbuf=1M,nodelay,linger=0"},
		{"ok-flags", "nodelay=0,cork=on,quickack=off,keepalive=1"},
		{"ok-sizes", "sndbuf=1.5M,rcvbuf=64KiB,notsent_lowat=16KB"},
		{"ok-keepalive", "keepalive,keepidle=5,keepintvl=2,keepcnt=3,"
				 "user_timeout=10000"},
		{"ok-udp", "tos=184,priority=6,mtu_discover=2,busy_poll=50"},
		{"ok-linger-off", "linger=off,congestion=bbr,maxseg=1400"},
		{"bad-twice", "nodelay,nodelay"},
		{"bad-unknown", "frobnicate=1"},
		{"bad-no-value", "sndbuf"},
		{"bad-empty-value", "sndbuf="},
		{"bad-empty-items", ",,"},
		{"bad-trailing-comma", "nodelay,"},
		{"bad-negative", "sndbuf=-1"},
		{"bad-zero", "sndbuf=0"},
		{"bad-over", "sndbuf=2G"},
		{"bad-huge", "sndbuf=99999999999999999999999G"},
		{"bad-huge-int", "keepidle=99999999999999999999"},
		{"bad-linger", "linger=-2"},
		{"bad-minus", "linger=-"},
		{"bad-cc-space", "congestion=bad name"},
		{"bad-cc-long", "congestion=0123456789abcdef"},
		{"bad-flag-2", "nodelay=2"},
		{"bad-flag-yes", "nodelay=yes"},
		{"bad-fraction", "sndbuf=1.5"},
		{"bad-hex", "tos=0xb8"},
		{"bad-control", "tos=\x01,priority=6\n"},
		{"bad-high-bytes", "congestion=\xc3\xa9t\xc3\xa9"},
		{"bad-no-name", "=1"},
		{"bad-two-equals", "sndbuf=1K=2"},
	};
	struct sockopt_set set;
	char longest[600];
	size_t i;

	if (!gen_wanted(g, "sockopt"))
		return;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		gen_save(g, "sockopt", texts[i][0], texts[i][1],
			 strlen(texts[i][1]));
	sockopt_clear(&set);
	save_set(g, "ok-empty", &set);
	set.mask = 1u << SOCKOPT_SNDBUF | 1u << SOCKOPT_NODELAY |
		   1u << SOCKOPT_LINGER;
	set.value[SOCKOPT_SNDBUF] = 262144;
	set.value[SOCKOPT_NODELAY] = 1;
	set.value[SOCKOPT_LINGER] = -1;
	save_set(g, "ok-canonical", &set);
	set_every(&set, 0);
	save_set(g, "ok-every-lowest", &set);
	set_every(&set, 1);
	save_set(g, "ok-every-highest", &set);
	for (i = 0; i + 8 < sizeof longest; i += 8)
		memcpy(longest + i, "nodelay,", 8);
	gen_save(g, "sockopt", "bad-too-long", longest, i);
}

int main(int argc, char **argv)
{
	struct gen g;

	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: gen_seeds OUTDIR [TARGET...]\n");
		return 2;
	}
	memset(&g, 0, sizeof g);
	g.dir = argv[1];
	g.targets = (const char *const *)argv + 2;
	g.ntargets = argc - 2;
	if (mkdir(g.dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "gen_seeds: %s: %s\n", g.dir, strerror(errno));
		return 1;
	}
	gen_wire(&g);
	gen_sockopt(&g);
	gen_rudp(&g);
	printf("gen_seeds: %u files in %s\n", g.count, g.dir);
	return g.failed ? 1 : 0;
}
