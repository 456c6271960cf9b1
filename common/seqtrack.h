/* UDP arrival accounting by sequence number: received, lost, duplicate,
 * reordered (RFC 4737), reorder extent, RFC 3550 jitter. Bounded memory: a
 * bitmap of the last SEQTRACK_WINDOW sequence numbers below the highest seen.
 *
 * Definitions (DESIGN.md):
 * - received: distinct sequence numbers that arrived (late ones included).
 * - duplicate: a second arrival of a number already received.
 * - reordered: a first arrival whose number is lower than highest seen + 1;
 *   extent = highest + 1 - seq; the largest extent is kept.
 * - too_old: an arrival more than SEQTRACK_WINDOW below the highest seen; it
 *   cannot be told from a duplicate, so it is counted apart and not as
 *   received (it stays lost).
 * - lost (at the end): sent - received, so received + lost == sent always.
 * - jitter: RFC 3550 A.8, J += (|D| - J) / 16 with
 *   D = (Rj - Ri) - (Sj - Si) over consecutive arrivals (duplicates and too_old
 *   included as the RFC uses every arrival; computed in nanoseconds). */
#ifndef TUB_SEQTRACK_H
#define TUB_SEQTRACK_H

#include <stdint.h>

#define SEQTRACK_WINDOW (1u << 20) /* sequence numbers remembered */

struct seqtrack {
	uint64_t received;      /* distinct sequence numbers */
	uint64_t duplicates;
	uint64_t reordered;
	uint64_t reorder_max;   /* largest extent seen */
	uint64_t too_old;
	uint64_t highest;       /* highest sequence number seen (valid if any) */
	int any;                /* nonzero once something arrived */
	double jitter_ns;       /* RFC 3550 J, in nanoseconds */
	int64_t last_transit;   /* R - S of the previous arrival */
	uint64_t *bits;         /* SEQTRACK_WINDOW bits, ring indexed by seq */
};

/* Allocate the window. 0, or -1 (ENOMEM). */
int seqtrack_init(struct seqtrack *t);

/* Release the window. */
void seqtrack_free(struct seqtrack *t);

/* Forget every arrival, keep the window allocated. */
void seqtrack_reset(struct seqtrack *t);

/* Account one arrival: seq, sender timestamp, receiver arrival time (ns,
 * any clock: only differences are used). */
void seqtrack_push(struct seqtrack *t, uint64_t seq, uint64_t send_ns,
		   uint64_t arrival_ns);

/* Loss given the number the sender says it sent: sent - received, or 0 if
 * received >= sent (which only a lying sender can cause). */
uint64_t seqtrack_lost(const struct seqtrack *t, uint64_t sent);

#endif
