/* UDP arrival accounting over a ring bitmap of recent sequence numbers.
 * See seqtrack.h for the definitions. */
#include "seqtrack.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WORD_BITS 64u
#define WINDOW_WORDS (SEQTRACK_WINDOW / WORD_BITS)

_Static_assert(SEQTRACK_WINDOW % WORD_BITS == 0,
	       "SEQTRACK_WINDOW must be a multiple of 64");

static size_t slot(uint64_t seq)
{
	return (size_t)(seq % SEQTRACK_WINDOW);
}

static int bit_test(const uint64_t *bits, size_t pos)
{
	return (bits[pos / WORD_BITS] >> (pos % WORD_BITS)) & 1u;
}

static void bit_set(uint64_t *bits, size_t pos)
{
	bits[pos / WORD_BITS] |= UINT64_C(1) << (pos % WORD_BITS);
}

/* Mask of bits lo..hi (inclusive, 0 <= lo <= hi < 64) of a word. */
static uint64_t span_mask(size_t lo, size_t hi)
{
	return (~UINT64_C(0) << lo) & (~UINT64_C(0) >> (WORD_BITS - 1 - hi));
}

/* Clear ring positions [from, from + n) with from + n <= SEQTRACK_WINDOW. */
static void clear_linear(uint64_t *bits, size_t from, size_t n)
{
	size_t last, fw, lw;

	if (n == 0)
		return;
	last = from + n - 1;
	fw = from / WORD_BITS;
	lw = last / WORD_BITS;
	if (fw == lw) {
		bits[fw] &= ~span_mask(from % WORD_BITS, last % WORD_BITS);
		return;
	}
	bits[fw] &= ~span_mask(from % WORD_BITS, WORD_BITS - 1);
	memset(&bits[fw + 1], 0, (lw - fw - 1) * sizeof(bits[0]));
	bits[lw] &= ~span_mask(0, last % WORD_BITS);
}

/* Forget the n (< SEQTRACK_WINDOW) sequence numbers starting at first. */
static void clear_seqs(uint64_t *bits, uint64_t first, uint64_t n)
{
	size_t from = slot(first);
	size_t head = SEQTRACK_WINDOW - from;

	if (n <= head) {
		clear_linear(bits, from, (size_t)n);
	} else {
		clear_linear(bits, from, head);
		clear_linear(bits, 0, (size_t)(n - head));
	}
}

int seqtrack_init(struct seqtrack *t)
{
	memset(t, 0, sizeof(*t));
	t->bits = calloc(WINDOW_WORDS, sizeof(t->bits[0]));
	if (!t->bits) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void seqtrack_free(struct seqtrack *t)
{
	free(t->bits);
	t->bits = NULL;
}

void seqtrack_reset(struct seqtrack *t)
{
	uint64_t *bits = t->bits;

	memset(t, 0, sizeof(*t));
	t->bits = bits;
	if (bits)
		memset(bits, 0, WINDOW_WORDS * sizeof(bits[0]));
}

/* RFC 3550 A.8 over consecutive arrivals; the first only sets the base. */
static void update_jitter(struct seqtrack *t, uint64_t send_ns,
			  uint64_t arrival_ns)
{
	int64_t transit = (int64_t)(arrival_ns - send_ns);
	int64_t d;

	if (t->any) {
		/* Wrapping difference: both transits are signed, this
		 * cannot overflow into undefined behaviour. */
		d = (int64_t)((uint64_t)transit - (uint64_t)t->last_transit);
		t->jitter_ns += (fabs((double)d) - t->jitter_ns) / 16.0;
	}
	t->last_transit = transit;
}

/* A number above the highest: forget the skipped ones, which may still
 * hold bits of numbers one window older. */
static void advance(struct seqtrack *t, uint64_t seq)
{
	uint64_t gap = seq - t->highest; /* >= 1 */

	if (gap >= SEQTRACK_WINDOW)
		memset(t->bits, 0, WINDOW_WORDS * sizeof(t->bits[0]));
	else if (gap > 1)
		clear_seqs(t->bits, t->highest + 1, gap - 1);
	t->highest = seq;
	bit_set(t->bits, slot(seq));
	t->received++;
}

void seqtrack_push(struct seqtrack *t, uint64_t seq, uint64_t send_ns,
		   uint64_t arrival_ns)
{
	uint64_t back, extent;

	update_jitter(t, send_ns, arrival_ns);
	if (!t->any) {
		t->any = 1;
		t->highest = seq;
		bit_set(t->bits, slot(seq));
		t->received++;
		return;
	}
	if (seq > t->highest) {
		advance(t, seq);
		return;
	}
	back = t->highest - seq;
	if (back >= SEQTRACK_WINDOW) {
		t->too_old++;
		return;
	}
	if (bit_test(t->bits, slot(seq))) {
		t->duplicates++;
		return;
	}
	bit_set(t->bits, slot(seq));
	t->received++;
	t->reordered++;
	extent = back + 1;
	if (extent > t->reorder_max)
		t->reorder_max = extent;
}

uint64_t seqtrack_lost(const struct seqtrack *t, uint64_t sent)
{
	return sent > t->received ? sent - t->received : 0;
}
