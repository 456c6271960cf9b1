/* Unit tests for seqtrack.c: scripted arrival orders with known counts, ring
 * wrap, a randomized comparison with a naive model, RFC 3550 jitter. */
#include "seqtrack.h"

#include <stdlib.h>

#include "check.h"

#define W ((uint64_t)SEQTRACK_WINDOW)

/* Constant transit (500 ns), so jitter stays exactly 0. */
static void push(struct seqtrack *t, uint64_t seq)
{
	seqtrack_push(t, seq, seq * 1000, seq * 1000 + 500);
}

static void push_range(struct seqtrack *t, uint64_t from, uint64_t to_excl)
{
	uint64_t s;

	for (s = from; s < to_excl; s++)
		push(t, s);
}

static void init_or_die(struct seqtrack *t)
{
	if (seqtrack_init(t) != 0) {
		fprintf(stderr, "seqtrack_init failed\n");
		exit(1);
	}
}

/* Expected counters after a scripted run with `sent` packets. */
struct expect {
	uint64_t sent, received, lost, duplicates, reordered, reorder_max,
		too_old;
};

static void check_counts(const struct seqtrack *t, const struct expect *e)
{
	CHECK_EQ_U64(t->received, e->received);
	CHECK_EQ_U64(seqtrack_lost(t, e->sent), e->lost);
	CHECK_EQ_U64(t->duplicates, e->duplicates);
	CHECK_EQ_U64(t->reordered, e->reordered);
	CHECK_EQ_U64(t->reorder_max, e->reorder_max);
	CHECK_EQ_U64(t->too_old, e->too_old);
	CHECK_EQ_U64(t->received + seqtrack_lost(t, e->sent), e->sent);
	CHECK_NEAR(t->jitter_ns, 0.0, 0.0);
}

static void test_in_order(struct seqtrack *t)
{
	struct expect e = {100, 100, 0, 0, 0, 0, 0};

	seqtrack_reset(t);
	CHECK(!t->any);
	push_range(t, 0, 100);
	check_counts(t, &e);
	CHECK(t->any);
	CHECK_EQ_U64(t->highest, 99);
}

static void test_loss(struct seqtrack *t)
{
	struct expect e = {100, 95, 5, 0, 0, 0, 0};
	uint64_t s;

	seqtrack_reset(t);
	for (s = 0; s < 100; s++)
		if (s % 20 != 10) /* 10, 30, 50, 70, 90 */
			push(t, s);
	check_counts(t, &e);

	/* Loss at the tail is seen only through `sent`. */
	seqtrack_reset(t);
	push_range(t, 0, 95);
	check_counts(t, &e);
}

static void test_duplicate(struct seqtrack *t)
{
	struct expect e = {10, 10, 0, 3, 0, 0, 0};

	seqtrack_reset(t);
	push_range(t, 0, 10);
	push(t, 5);
	push(t, 9); /* the highest itself */
	push(t, 0);
	check_counts(t, &e);
}

/* 2 arrives when the highest is 3: extent = highest + 1 - seq = 2 as
 * seqtrack.h defines it (RFC 4737's arrival-position extent would be 1). */
static void test_reorder(struct seqtrack *t)
{
	struct expect e = {5, 5, 0, 0, 1, 2, 0};

	seqtrack_reset(t);
	push(t, 0);
	push(t, 1);
	push(t, 3);
	push(t, 2);
	push(t, 4);
	check_counts(t, &e);
}

static void test_late_arrival(struct seqtrack *t)
{
	struct expect before = {1000, 999, 1, 0, 0, 0, 0};
	struct expect after = {1000, 1000, 0, 0, 1, 900, 0};
	struct expect again = {1000, 1000, 0, 1, 1, 900, 0};

	seqtrack_reset(t);
	push_range(t, 0, 100);
	push_range(t, 101, 1000);
	check_counts(t, &before);
	push(t, 100); /* extent 999 + 1 - 100 */
	check_counts(t, &after);
	push(t, 100); /* once more: a duplicate, loss stays 0 */
	check_counts(t, &again);
	/* A sender claiming fewer than arrived cannot make loss negative. */
	CHECK_EQ_U64(seqtrack_lost(t, 3), 0);
	CHECK_EQ_U64(seqtrack_lost(t, 0), 0);
}

static void test_burst_loss(struct seqtrack *t)
{
	struct expect e = {1200, 200, 1000, 0, 0, 0, 0};
	struct expect late = {1200, 201, 999, 0, 1, 700, 0};

	seqtrack_reset(t);
	push_range(t, 0, 100);
	push_range(t, 1100, 1200);
	check_counts(t, &e);
	push(t, 500); /* extent 1199 + 1 - 500 */
	check_counts(t, &late);
}

/* 0,2,1,1,2,3,5,4,4,0: new 0..5, duplicates 1,2,4,0, reordered 1 and 4
 * (each extent 2). */
static void test_dup_and_reorder(struct seqtrack *t)
{
	static const uint64_t order[] = {0, 2, 1, 1, 2, 3, 5, 4, 4, 0};
	struct expect e = {6, 6, 0, 4, 2, 2, 0};
	size_t i;

	seqtrack_reset(t);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		push(t, order[i]);
	check_counts(t, &e);
}

/* A jump of more than a window: everything older is too_old, everything in
 * the new window (ring positions that held old bits) is a fresh arrival. */
static void test_jump_past_window(struct seqtrack *t)
{
	uint64_t top = 9 + W + 100;
	struct expect e = {top + 1, 11, top + 1 - 11, 0, 0, 0, 0};

	seqtrack_reset(t);
	push_range(t, 0, 10);
	push(t, top);
	check_counts(t, &e);

	push(t, 3); /* far below: too_old, not received, stays lost */
	push(t, top - W); /* just out of the window */
	e.too_old = 2;
	check_counts(t, &e);

	push(t, W + 3); /* slot 3 held seq 3's bit: must not be a duplicate */
	push(t, top - W + 1); /* oldest in the window */
	e.received += 2;
	e.lost -= 2;
	e.reordered = 2;
	e.reorder_max = W;
	check_counts(t, &e);

	push(t, top - W + 1);
	e.duplicates = 1;
	check_counts(t, &e);
}

/* A jump of less than a window over ring positions still set from the
 * previous lap: the skipped numbers must arrive as new, not duplicates. */
static void test_jump_over_stale_bits(struct seqtrack *t)
{
	uint64_t end = W + 100, top = W + 5000;
	struct expect e = {top + 1, end + 1, top - end, 0, 0, 0, 0};
	uint64_t s;

	seqtrack_reset(t);
	push_range(t, 0, end);
	push(t, top);
	check_counts(t, &e);
	for (s = end; s < top; s += 7)
		push(t, s);
	e.received += (top - end + 6) / 7;
	e.lost = e.sent - e.received;
	e.reordered = (top - end + 6) / 7;
	e.reorder_max = top + 1 - end;
	check_counts(t, &e);
}

/* Three laps of the ring in order, then duplicates near the window edge. */
static void test_ring_wrap(struct seqtrack *t)
{
	struct expect e = {3 * W, 3 * W, 0, 0, 0, 0, 0};

	seqtrack_reset(t);
	push_range(t, 0, 3 * W);
	check_counts(t, &e);
	push(t, 3 * W - 10);
	push(t, 3 * W - 1);
	push(t, 2 * W); /* highest - W + 1: last one remembered */
	e.duplicates = 3;
	check_counts(t, &e);
	push(t, 2 * W - 1); /* highest - W: forgotten */
	e.too_old = 1;
	check_counts(t, &e);
}

/* A naive model with one flag per number (no ring), over a random arrival
 * order with small and large jumps, late and duplicate arrivals: the ring
 * must classify every arrival the same way. */
static void test_random_against_model(struct seqtrack *t)
{
	const uint64_t range = 16 * W;
	unsigned char *seen = calloc(range, 1);
	uint64_t rng = UINT64_C(0x2545f4914f6cdd1d);
	uint64_t hi = 0, any = 0, i, seq = 0, r, x;
	uint64_t received = 0, dups = 0, reord = 0, rmax = 0, old = 0;
	uint64_t jumps = 0;
	int mismatch = 0;

	if (!seen) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	seqtrack_reset(t);
	for (i = 0; i < 300000 && !mismatch; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		r = rng % 100000;
		x = rng >> 24;
		if (!any || r < 70000) {
			seq = any ? hi + 1 : 0; /* in order */
		} else if (r < 80000) {
			seq = hi + 2 + x % 100; /* small gap */
		} else if (r < 80004) {
			seq = hi + 1 + x % (W + W / 2); /* big jump */
			jumps++;
		} else {
			/* recent (late or duplicate), or anywhere in the
			 * window and a little beyond it */
			x %= r < 95000 ? 300 : W + 1000;
			if (x > hi)
				continue;
			seq = hi - x;
		}
		if (seq >= range)
			break;

		push(t, seq);
		if (!any || seq > hi) {
			received++;
			seen[seq] = 1;
			hi = seq;
			any = 1;
		} else if (hi - seq >= W) {
			old++;
		} else if (seen[seq]) {
			dups++;
		} else {
			seen[seq] = 1;
			received++;
			reord++;
			if (hi + 1 - seq > rmax)
				rmax = hi + 1 - seq;
		}
		mismatch = t->received != received || t->duplicates != dups ||
			   t->reordered != reord || t->too_old != old;
	}
	if (mismatch)
		fprintf(stderr, "model mismatch at arrival %llu (seq %llu)\n",
			(unsigned long long)i, (unsigned long long)seq);
	CHECK(!mismatch);
	CHECK(i > 100000); /* the stream was long enough to mean something */
	CHECK(old > 0 && dups > 0 && reord > 0 && jumps > 3);
	CHECK_EQ_U64(t->received, received);
	CHECK_EQ_U64(t->duplicates, dups);
	CHECK_EQ_U64(t->reordered, reord);
	CHECK_EQ_U64(t->reorder_max, rmax);
	CHECK_EQ_U64(t->too_old, old);
	CHECK_EQ_U64(t->highest, hi);
	CHECK_EQ_U64(t->received + seqtrack_lost(t, hi + 1), hi + 1);
	free(seen);
}

/* RFC 3550 A.8 by hand: J += (|D| - J) / 16 with D the change in transit
 * between consecutive arrivals, every arrival counted. */
static void test_jitter(struct seqtrack *t)
{
	static const int64_t transit[] = {10, 12, 9, 15, 15, 3, 40, 40, 7};
	static const uint64_t seqs[] = {0, 1, 2, 3, 4, 4, 6, 5, 7};
	double j = 0.0, d;
	size_t i;

	seqtrack_reset(t);
	for (i = 0; i < sizeof(transit) / sizeof(transit[0]); i++) {
		uint64_t send = 1000000 + 1000 * i;

		seqtrack_push(t, seqs[i], send, send + (uint64_t)transit[i]);
		if (i > 0) {
			d = (double)(transit[i] - transit[i - 1]);
			j += (fabs(d) - j) / 16.0;
		}
		CHECK_NEAR(t->jitter_ns, j, 1e-9);
		CHECK_EQ_U64(t->last_transit, transit[i]);
	}
	/* Written out for the first steps, independent of the loop above. */
	j = 0.0;
	j += (2.0 - j) / 16.0;
	CHECK_NEAR(j, 0.125, 1e-15);
	j += (3.0 - j) / 16.0;
	CHECK_NEAR(j, 0.125 + 2.875 / 16.0, 1e-15);
	CHECK(t->jitter_ns > 1.0); /* the duplicate at 3 ns and the jumps count */
	CHECK_EQ_U64(t->duplicates, 1);
	CHECK_EQ_U64(t->reordered, 1);

	/* Constant transit, with a clock offset so R < S and a send clock
	 * that wraps: jitter is exactly 0. */
	seqtrack_reset(t);
	for (i = 0; i < 100; i++) {
		uint64_t send = UINT64_MAX - 50000 + 1000 * i;

		seqtrack_push(t, i, send, send - 123456789);
	}
	CHECK_NEAR(t->jitter_ns, 0.0, 0.0);
	CHECK_EQ_U64((uint64_t)t->last_transit, (uint64_t)(int64_t)-123456789);

	/* Transit across the wrap of the clocks is still small: 10 then 20. */
	seqtrack_reset(t);
	seqtrack_push(t, 0, UINT64_MAX - 5, 4);
	CHECK_EQ_U64(t->last_transit, 10);
	seqtrack_push(t, 1, UINT64_MAX, 19);
	CHECK_EQ_U64(t->last_transit, 20);
	CHECK_NEAR(t->jitter_ns, 10.0 / 16.0, 1e-12);

	/* The first arrival only sets the base; too_old arrivals count. */
	seqtrack_reset(t);
	seqtrack_push(t, W + 10, 0, 100);
	CHECK_NEAR(t->jitter_ns, 0.0, 0.0);
	seqtrack_push(t, 1, 0, 132);
	CHECK_EQ_U64(t->too_old, 1);
	CHECK_NEAR(t->jitter_ns, 2.0, 1e-12);
}

static void test_reset(struct seqtrack *t)
{
	struct expect e = {5, 5, 0, 0, 0, 0, 0};

	push_range(t, 0, 1000);
	seqtrack_reset(t);
	CHECK_EQ_U64(t->received, 0);
	CHECK(!t->any);
	CHECK(t->bits != NULL);
	push_range(t, 0, 5); /* no stale bits: not duplicates */
	check_counts(t, &e);
}

int main(void)
{
	struct seqtrack t;

	init_or_die(&t);
	CHECK_EQ_U64(t.received, 0);
	CHECK(!t.any);
	test_in_order(&t);
	test_loss(&t);
	test_duplicate(&t);
	test_reorder(&t);
	test_late_arrival(&t);
	test_burst_loss(&t);
	test_dup_and_reorder(&t);
	test_jump_past_window(&t);
	test_jump_over_stale_bits(&t);
	test_ring_wrap(&t);
	test_random_against_model(&t);
	test_jitter(&t);
	test_reset(&t);
	seqtrack_free(&t);
	CHECK(t.bits == NULL);
	return check_done("test_seqtrack");
}
