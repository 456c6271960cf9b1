/* Reliable UDP, part: loss detection. The RTT estimator and the RTO of
 * RFC 6298 (a settable minimum, exponential backoff to a maximum); RACK
 * (RFC 8985): a packet is lost once a packet sent after it was delivered
 * and a reorder window (a quarter of the min RTT, widened while it proves
 * too short) has passed since that one's round trip would have brought
 * it; the tail loss probe's timeout (PTO). Pure functions over small
 * structs and the send ring's flight list; the connection (rudp.c) keeps
 * the timers and acts on what these say. Internal to rudp*.c (and their
 * tests). */
#ifndef TUB_RUDP_LOSS_H
#define TUB_RUDP_LOSS_H

#include <stdint.h>

#include "rudp_ring.h"

#define RUDP_RTO_GRANULARITY_NS 1000ull
#define RUDP_PTO_MIN_NS 2000000ull /* 2 ms: scheduling noise is no tail loss */
#define RUDP_REO_MULT_MAX 16       /* reorder window: up to 4 min RTTs... */
#define RUDP_REO_PERSIST 16        /* ...for 16 recoveries after the last
				      spurious loss */

struct rudp_rtt {
	int have;
	uint64_t srtt, rttvar;
	uint64_t min_rtt;      /* of every sample, ack delay included */
	uint64_t latest;
};

/* One RTT sample into srtt and rttvar (RFC 6298 2.2, 2.3). */
void rudp_rtt_sample(struct rudp_rtt *e, uint64_t rtt);

/* A raw sample (ack delay included) for min_rtt only. */
void rudp_rtt_min(struct rudp_rtt *e, uint64_t rtt);

/* The RTO before backoff: srtt + max(G, 4 rttvar) (or init before any
 * sample), within [min, max]. */
uint64_t rudp_rto_base(const struct rudp_rtt *e, uint64_t init, uint64_t min,
		       uint64_t max);

/* base doubled n times, never over max. */
uint64_t rudp_rto_backoff(uint64_t base, unsigned n, uint64_t max);

/* The tail loss probe's timeout: 2 srtt plus the peer's longest ACK
 * delay, at least RUDP_PTO_MIN_NS; before any sample, init. */
uint64_t rudp_tlp_pto(const struct rudp_rtt *e, uint64_t max_ack_delay,
		      uint64_t init);

struct rudp_rack {
	int have;
	uint64_t tx_order;     /* most recently sent packet known delivered */
	uint64_t xmit_ts;      /* its send time */
	uint64_t rtt;          /* its round trip */
	uint32_t reo_mult;     /* reorder window in quarters of min RTT */
	uint32_t persist;      /* recoveries until reo_mult is 1 again */
};

void rudp_rack_init(struct rudp_rack *k);

/* A packet sent at xmit_ts as transmission tx_order was delivered (its
 * delivery seen at now). Older news than RACK has changes nothing. */
void rudp_rack_delivered(struct rudp_rack *k, uint64_t tx_order,
			 uint64_t xmit_ts, uint64_t now);

/* The reorder window: reo_mult quarters of the min RTT, at most srtt. */
uint64_t rudp_rack_reo_wnd(const struct rudp_rack *k,
			   const struct rudp_rtt *e);

/* RACK on the flight list's head: its slot index if it is lost at now,
 * else RUDP_NIL, with *when the time it will be unless news comes first
 * (UINT64_MAX: only news can make it lost). Call until RUDP_NIL, marking
 * each lost. */
uint32_t rudp_rack_head_lost(const struct rudp_rack *k,
			     const struct rudp_rtt *e,
			     const struct rudp_txq *q, uint64_t now,
			     uint64_t *when);

/* A loss RACK declared proved spurious: widen the window. */
void rudp_rack_spurious(struct rudp_rack *k);

/* A recovery began: the widened window decays after RUDP_REO_PERSIST. */
void rudp_rack_recovery(struct rudp_rack *k);

#endif
