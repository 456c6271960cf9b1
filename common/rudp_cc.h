/* Reliable UDP, part: congestion control behind one small interface, and
 * the pacer. reno: slow start and AIMD (halve on loss, +1 packet per
 * window of ACKs); cubic: RFC 9438 (beta 0.7, C 0.4, fast convergence,
 * the Reno-friendly estimate); paced: no window of its own (the whole
 * window open), packets spaced at a fixed rate. Every window is in
 * full-sized packets (the connection counts the bytes in flight against
 * it) and never below a floor of a few (or the window, if smaller), so
 * that loss keeps being found by acknowledgements, not timers. reno and
 * cubic pace at cwnd full-sized packets per srtt. The connection calls
 * in; nothing here knows packets or time beyond what it is given.
 * Internal to rudp*.c (and their tests). */
#ifndef TUB_RUDP_CC_H
#define TUB_RUDP_CC_H

#include <stddef.h>
#include <stdint.h>

#include "rudp.h"

#define RUDP_CWND_FLOOR 4           /* packets */
#define RUDP_CUBIC_C 0.4            /* packets / s^3 */
#define RUDP_CUBIC_BETA 0.7
#define RUDP_PACE_QUANTUM_NS 200000ull /* a packet due this soon goes now */

struct rudp_cc {
	enum rudp_cc_algo algo;
	uint32_t max;          /* the window: cwnd never above */
	uint32_t floor;        /* cwnd never below */
	double cwnd;           /* packets; fractional in cubic */
	uint32_t ssthresh;
	uint32_t ca_acc;       /* reno: packets acknowledged toward +1 */
	/* cubic (RFC 9438 section 4) */
	double w_max;          /* window before the last reduction */
	double k;              /* s: time to get back to w_max */
	double w_est;          /* Reno-friendly estimate */
	uint64_t epoch;        /* start of the congestion-avoidance epoch;
				  0: none yet */
	/* undo (Eifel / DSACK, RFC 4015): before the last reduction */
	double prior_cwnd, prior_w_max, prior_k;
	uint32_t prior_ssthresh;
	uint64_t prior_epoch;
	/* pacer */
	uint64_t fixed_bps;    /* paced: the rate */
	uint64_t pace_next;    /* when the next packet is due */
	uint32_t full_len;     /* bytes of a full-sized packet (0: unknown;
				  every packet counts as full) */
};

/* Start with the initial window (RUDP_INIT_CWND; paced: max). */
void rudp_cc_init(struct rudp_cc *cc, enum rudp_cc_algo algo, uint32_t max,
		  uint64_t fixed_bps);

/* The window in whole packets. */
uint32_t rudp_cc_cwnd(const struct rudp_cc *cc);

/* delivered packets newly acknowledged at now, outside recovery;
 * limited: the window, not the app, held the sender back. */
void rudp_cc_on_ack(struct rudp_cc *cc, uint32_t delivered, int limited,
		    uint64_t now, uint64_t srtt);

/* A loss event (once per round trip of losses): multiplicative
 * decrease, remembering what to undo. */
void rudp_cc_on_loss(struct rudp_cc *cc, uint64_t now);

/* A retransmission timeout: the window to its floor; ssthresh and the
 * undo point only on the first of a streak. */
void rudp_cc_on_rto(struct rudp_cc *cc, int first);

/* Every retransmission since the last reduction proved needless. */
void rudp_cc_undo(struct rudp_cc *cc);

/* In slow start (below ssthresh). */
int rudp_cc_in_slow_start(const struct rudp_cc *cc);

/* Time after a packet of len bytes: fixed rate (paced), srtt / cwnd for a
 * full-sized one and its share of that for a smaller one (reno, cubic; 0
 * before any RTT sample). */
uint64_t rudp_cc_pace_gap(const struct rudp_cc *cc, size_t len,
			  uint64_t srtt);

/* When the next packet may go (the pacer lets it within
 * RUDP_PACE_QUANTUM_NS of this). */
uint64_t rudp_cc_pace_due(const struct rudp_cc *cc);

/* A packet of len bytes went at now. */
void rudp_cc_paced(struct rudp_cc *cc, size_t len, uint64_t srtt,
		   uint64_t now);

/* Name of an algorithm: "reno", "cubic", "paced". */
const char *rudp_cc_name(enum rudp_cc_algo algo);

#endif
