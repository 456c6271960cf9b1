/* Link emulation engine for one direction of a link: loss (random and
 * Gilbert-Elliott bursts), a rate limit with a tail-drop queue, delay and
 * jitter, reordering, duplication. Pure: no sockets, no clock; the caller
 * passes the time in nanoseconds and keeps the packet payloads, the engine
 * keeps only ids and lengths. Deterministic for a given seed and input.
 *
 * The path of a packet: random loss -> queue (tail drop) -> serialization at
 * the rate -> delay + jitter -> maybe held back (reorder) -> released,
 * maybe twice (duplicate, released right after the original).
 *
 * Packets pushed LINKEM_EXEMPT (those a caller does not want impaired, e.g.
 * control traffic beside a measured stream) form a class of their own:
 * reordering is counted, and a held packet's gap is counted, among the
 * other packets only, so the reorder count is what a receiver of just the
 * impaired packets sees. */
#ifndef TUB_LINKEM_H
#define TUB_LINKEM_H

#include <stddef.h>
#include <stdint.h>

#define LINKEM_PPM 1000000u                  /* certainty, in ppm */
#define LINKEM_DEFAULT_CAPACITY 65536u       /* packets in flight */
#define LINKEM_MAX_CAPACITY (1u << 22)
#define LINKEM_MAX_HELD 256u                 /* packets held for reorder */
#define LINKEM_DEFAULT_REORDER_TIMEOUT_NS 10000000ull /* 10 ms */

/* One direction's impairments. All zero: a perfect, instant link. */
struct linkem_conf {
	uint64_t delay_ns;       /* fixed one-way delay */
	uint64_t jitter_ns;      /* delay varies uniformly in +-jitter */
	int jitter_reorder;      /* 0: release = max(own, previous release) */
	uint32_t loss_ppm;       /* independent random loss */
	uint32_t ge_p_gb_ppm;    /* Gilbert-Elliott: good -> bad, per packet */
	uint32_t ge_p_bg_ppm;    /* bad -> good, per packet */
	uint32_t ge_loss_ppm;    /* loss while in the bad state */
	uint32_t reorder_ppm;    /* share of packets held back */
	uint32_t reorder_gap;    /* ... until this many later packets passed */
	uint64_t reorder_timeout_ns; /* hold at most this long past due;
				      * 0: LINKEM_DEFAULT_REORDER_TIMEOUT_NS */
	uint32_t dup_ppm;        /* share of packets released twice */
	uint64_t rate_bps;       /* 0: unlimited */
	uint32_t queue_pkts;     /* packets waiting for (or in) serialization;
				  * 0: no limit but the pool */
	uint64_t queue_ns;       /* queue as time at the rate; 0: no limit */
	uint32_t capacity;       /* pool; 0: LINKEM_DEFAULT_CAPACITY */
};

/* What became of a pushed packet. */
enum linkem_verdict {
	LINKEM_QUEUED = 1,       /* one copy will be released */
	LINKEM_DUPLICATED = 2,   /* two copies will be released */
	LINKEM_DROP_LOSS = -1,   /* lost (random or bursty loss) */
	LINKEM_DROP_QUEUE = -2,  /* tail drop: queue or pool full */
};

/* Flags for linkem_push. */
#define LINKEM_EXEMPT 1u /* no loss, reorder or duplication for this one,
			  * and no tail drop: it still takes its place in
			  * the queue (even past the limit), the rate, delay
			  * and jitter; only a full pool drops it */

struct linkem_stats {
	uint64_t in;             /* packets pushed */
	uint64_t out;            /* packets released, duplicates included */
	uint64_t dropped_loss;
	uint64_t dropped_queue;
	uint64_t reordered;      /* released after a packet pushed later
				  * (neither of them exempt) */
	uint64_t duplicated;     /* extra copies queued */
	uint64_t bytes_in;
	uint64_t bytes_out;
};

/* A released packet. */
struct linkem_pkt {
	uint64_t id;             /* as pushed */
	uint64_t release_ns;     /* when it was due */
	uint32_t len;
	int copy;                /* 1 for the second copy of a duplicate */
};

struct linkem_entry;

/* One direction. Fields are private but for st (read it freely). */
struct linkem {
	struct linkem_conf conf;
	struct linkem_stats st;
	struct linkem_entry *ent; /* pool of conf.capacity */
	uint32_t *free_idx;       /* stack of free entries */
	uint32_t nfree;
	uint32_t *heap;           /* entries by (release, order) */
	uint32_t nheap;
	uint32_t held[LINKEM_MAX_HELD];
	uint32_t nheld;
	uint64_t *dep;            /* ring: departure times of queued packets */
	uint32_t dep_head, dep_len;
	uint64_t busy_until_ns;   /* end of the last serialization */
	uint64_t busy_frac;       /* remainder of bits * 1e9 / rate */
	uint64_t last_release_ns; /* for jitter without reordering */
	uint64_t order;           /* push order of entries, for ties */
	uint64_t seq;             /* push order of accepted packets, not
				   * counting exempt ones */
	uint64_t max_out_seq;     /* highest seq released (+1; 0: none) */
	int ge_bad;               /* Gilbert-Elliott state */
	uint64_t rng_loss, rng_ge, rng_reorder, rng_dup, rng_jitter;
};

/* Check a configuration; 0, or -1 with a reason in err (errno EINVAL). */
int linkem_conf_check(const struct linkem_conf *c, char *err, size_t len);

/* Set up an empty link (allocates the pool). 0, or -1 with errno. */
int linkem_init(struct linkem *l, const struct linkem_conf *c, uint64_t seed);

/* Release the pool. */
void linkem_free(struct linkem *l);

/* A packet of len bytes arrives at now_ns (times must not go backwards).
 * flags: 0 or LINKEM_EXEMPT. */
enum linkem_verdict linkem_push(struct linkem *l, uint64_t now_ns,
				uint32_t len, uint64_t id, unsigned flags);

/* Release time of the next packet, or UINT64_MAX when none is queued. */
uint64_t linkem_next_release(const struct linkem *l);

/* The next packet due at now_ns into *p: 1, or 0 when none is due. */
int linkem_pop(struct linkem *l, uint64_t now_ns, struct linkem_pkt *p);

/* Packets (copies) queued, held ones included. */
uint32_t linkem_pending(const struct linkem *l);

/* Serialization time of len bytes at rate_bps (rounded down); 0 if
 * unlimited. */
uint64_t linkem_ser_ns(uint64_t rate_bps, uint32_t len);

#endif
