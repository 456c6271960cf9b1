/* Unit tests for common/linkem.c: every impairment against an exact or a
 * statistical expectation, with the released stream checked packet by
 * packet (ids, times) rather than trusting the engine's own counters. */
#include "linkem.h"

#include <stdlib.h>

#include "check.h"

#define T0 UINT64_C(1000000000) /* 1 s: any start works */
#define MS UINT64_C(1000000)
#define US UINT64_C(1000)

struct rel {
	uint64_t id;
	uint64_t release_ns;
	uint32_t len;
	int copy;
};

struct sim {
	struct rel *out;  /* released packets, in release order */
	size_t nout, cap;
	int *verdict;     /* per pushed packet */
	uint64_t npush;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	return p;
}

static void sim_init(struct sim *s, size_t npush)
{
	s->cap = 2 * npush + 16;
	s->out = xcalloc(s->cap, sizeof(*s->out));
	s->verdict = xcalloc(npush + 1, sizeof(*s->verdict));
	s->nout = 0;
	s->npush = 0;
}

static void sim_free(struct sim *s)
{
	free(s->out);
	free(s->verdict);
}

/* Pop everything due up to until, each at its own release time. */
static void drain(struct linkem *l, struct sim *s, uint64_t until)
{
	uint64_t r;
	struct linkem_pkt p;

	while ((r = linkem_next_release(l)) <= until) {
		if (linkem_pop(l, r, &p) != 1 || s->nout >= s->cap) {
			CHECK(!"pop of a due packet, room to record it");
			return;
		}
		s->out[s->nout].id = p.id;
		s->out[s->nout].release_ns = p.release_ns;
		s->out[s->nout].len = p.len;
		s->out[s->nout].copy = p.copy;
		s->nout++;
	}
}

/* Push packet number s->npush of len bytes at time t (after releasing
 * what is due before). */
static int push_at(struct linkem *l, struct sim *s, uint64_t t, uint32_t len)
{
	int v;

	drain(l, s, t);
	v = linkem_push(l, t, len, s->npush, 0);
	s->verdict[s->npush++] = v;
	return v;
}

/* The same with flags (LINKEM_EXEMPT). */
static int push_flags(struct linkem *l, struct sim *s, uint64_t t,
		      uint32_t len, unsigned flags)
{
	int v;

	drain(l, s, t);
	v = linkem_push(l, t, len, s->npush, flags);
	s->verdict[s->npush++] = v;
	return v;
}

/* n packets every gap_ns from T0, then everything drained. */
static void run(struct linkem *l, struct sim *s, uint64_t n, uint64_t gap_ns,
		uint32_t len)
{
	for (uint64_t i = 0; i < n; i++)
		push_at(l, s, T0 + i * gap_ns, len);
	drain(l, s, UINT64_MAX - 1);
}

static uint64_t count_verdict(const struct sim *s, int v)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < s->npush; i++)
		n += s->verdict[i] == v;
	return n;
}

/* Packets released after one pushed later (first copies only; ids are the
 * push order). */
static uint64_t count_out_of_order(const struct sim *s)
{
	uint64_t n = 0, top = 0;
	int any = 0;

	for (size_t i = 0; i < s->nout; i++) {
		if (s->out[i].copy)
			continue;
		if (any && s->out[i].id < top)
			n++;
		if (!any || s->out[i].id > top)
			top = s->out[i].id;
		any = 1;
	}
	return n;
}

/* The same among the packets whose id is not marked in skip (first copies
 * only): what a receiver of just those packets counts (RFC 4737). */
static uint64_t count_out_of_order_among(const struct sim *s,
					 const uint8_t *skip)
{
	uint64_t n = 0, top = 0;
	int any = 0;

	for (size_t i = 0; i < s->nout; i++) {
		if (s->out[i].copy || skip[s->out[i].id])
			continue;
		if (any && s->out[i].id < top)
			n++;
		if (!any || s->out[i].id > top)
			top = s->out[i].id;
		any = 1;
	}
	return n;
}

static void setup(struct linkem *l, const struct linkem_conf *c, uint64_t seed)
{
	int rc = linkem_init(l, c, seed);

	CHECK(rc == 0);
	if (rc != 0)
		exit(1);
}

static void check_conservation(const struct linkem *l)
{
	const struct linkem_stats *st = &l->st;

	CHECK_EQ_U64(st->in + st->duplicated,
		     st->out + st->dropped_loss + st->dropped_queue +
			     linkem_pending(l));
}

static void test_noop(void)
{
	struct linkem_conf c = {0};
	struct linkem l;
	struct sim s;
	int in_order = 1, exact = 1;

	setup(&l, &c, 1);
	sim_init(&s, 1000);
	run(&l, &s, 1000, 7 * US, 1500);
	CHECK_EQ_U64(s.nout, 1000);
	for (size_t i = 0; i < s.nout; i++) {
		in_order &= s.out[i].id == i;
		exact &= s.out[i].release_ns == T0 + i * 7 * US;
		exact &= s.out[i].len == 1500;
	}
	CHECK(in_order);
	CHECK(exact);
	CHECK_EQ_U64(l.st.in, 1000);
	CHECK_EQ_U64(l.st.out, 1000);
	CHECK_EQ_U64(l.st.bytes_in, 1500000);
	CHECK_EQ_U64(l.st.bytes_out, 1500000);
	CHECK_EQ_U64(l.st.dropped_loss + l.st.dropped_queue, 0);
	CHECK_EQ_U64(l.st.reordered + l.st.duplicated, 0);
	CHECK_EQ_U64(linkem_pending(&l), 0);
	CHECK_EQ_U64(linkem_next_release(&l), UINT64_MAX);
	sim_free(&s);
	linkem_free(&l);
}

static void test_delay(void)
{
	struct linkem_conf c = {.delay_ns = 10 * MS};
	struct linkem l;
	struct linkem_pkt p;
	struct sim s;
	int exact = 1;

	setup(&l, &c, 1);
	CHECK(linkem_push(&l, T0, 100, 42, 0) == LINKEM_QUEUED);
	CHECK_EQ_U64(linkem_next_release(&l), T0 + 10 * MS);
	CHECK(linkem_pop(&l, T0 + 10 * MS - 1, &p) == 0);
	CHECK(linkem_pop(&l, T0 + 10 * MS, &p) == 1);
	CHECK_EQ_U64(p.id, 42);
	CHECK_EQ_U64(p.release_ns, T0 + 10 * MS);
	CHECK(linkem_pop(&l, T0 + 20 * MS, &p) == 0);
	linkem_free(&l);

	setup(&l, &c, 1);
	sim_init(&s, 5000);
	run(&l, &s, 5000, 13 * US, 64);
	CHECK_EQ_U64(s.nout, 5000);
	for (size_t i = 0; i < s.nout; i++)
		exact &= s.out[i].id == i &&
			 s.out[i].release_ns == T0 + i * 13 * US + 10 * MS;
	CHECK(exact);
	sim_free(&s);
	linkem_free(&l);
}

static void test_loss(void)
{
	struct linkem_conf c = {.loss_ppm = 20000};
	struct linkem l;
	struct sim s;
	uint64_t lost, i, j;
	int missing_ok = 1;

	setup(&l, &c, 7);
	sim_init(&s, 100000);
	run(&l, &s, 100000, 10 * US, 1000);
	lost = count_verdict(&s, LINKEM_DROP_LOSS);
	CHECK_NEAR((double)lost / 100000.0, 0.02, 0.002);
	CHECK_EQ_U64(l.st.dropped_loss, lost);
	CHECK_EQ_U64(l.st.in, 100000);
	CHECK_EQ_U64(l.st.out, 100000 - lost);
	CHECK_EQ_U64(s.nout, 100000 - lost);
	CHECK_EQ_U64(l.st.bytes_out, (100000 - lost) * 1000);
	/* The released ids are exactly the ones not reported lost. */
	for (i = 0, j = 0; i < 100000; i++) {
		if (s.verdict[i] == LINKEM_DROP_LOSS)
			continue;
		missing_ok &= j < s.nout && s.out[j].id == i;
		j++;
	}
	CHECK(missing_ok);
	check_conservation(&l);
	sim_free(&s);
	linkem_free(&l);

	/* Exempt packets pass a link that loses everything. */
	c.loss_ppm = LINKEM_PPM;
	setup(&l, &c, 7);
	CHECK(linkem_push(&l, T0, 100, 1, 0) == LINKEM_DROP_LOSS);
	CHECK(linkem_push(&l, T0, 100, 2, LINKEM_EXEMPT) == LINKEM_QUEUED);
	CHECK_EQ_U64(l.st.dropped_loss, 1);
	linkem_free(&l);
}

/* Everything at once, to compare runs. */
static const struct linkem_conf busy_conf = {
	.delay_ns = 2 * MS,
	.jitter_ns = 500 * US,
	.jitter_reorder = 1,
	.loss_ppm = 10000,
	.ge_p_gb_ppm = 5000,
	.ge_p_bg_ppm = 300000,
	.ge_loss_ppm = 800000,
	.reorder_ppm = 20000,
	.reorder_gap = 3,
	.dup_ppm = 10000,
	.rate_bps = 100000000,
	.queue_pkts = 50,
};

static int same_run(const struct sim *a, const struct sim *b)
{
	if (a->nout != b->nout || a->npush != b->npush)
		return 0;
	for (size_t i = 0; i < a->nout; i++)
		if (a->out[i].id != b->out[i].id ||
		    a->out[i].release_ns != b->out[i].release_ns)
			return 0;
	for (uint64_t i = 0; i < a->npush; i++)
		if (a->verdict[i] != b->verdict[i])
			return 0;
	return 1;
}

static void test_seed(void)
{
	struct linkem l1, l2, l3;
	struct sim s1, s2, s3;

	setup(&l1, &busy_conf, 12345);
	setup(&l2, &busy_conf, 12345);
	setup(&l3, &busy_conf, 12346);
	sim_init(&s1, 20000);
	sim_init(&s2, 20000);
	sim_init(&s3, 20000);
	/* 80 us apart at 1200 B: 96 us to serialize, so the queue fills. */
	run(&l1, &s1, 20000, 80 * US, 1200);
	run(&l2, &s2, 20000, 80 * US, 1200);
	run(&l3, &s3, 20000, 80 * US, 1200);
	CHECK(same_run(&s1, &s2));
	CHECK(!same_run(&s1, &s3));
	CHECK(memcmp(&l1.st, &l2.st, sizeof l1.st) == 0);
	/* Every kind of event happened, and the books balance. */
	CHECK(l1.st.dropped_loss > 0);
	CHECK(l1.st.dropped_queue > 0);
	CHECK(l1.st.reordered > 0);
	CHECK(l1.st.duplicated > 0);
	CHECK_EQ_U64(l1.st.reordered, count_out_of_order(&s1));
	check_conservation(&l1);
	CHECK_EQ_U64(linkem_pending(&l1), 0);
	sim_free(&s1);
	sim_free(&s2);
	sim_free(&s3);
	linkem_free(&l1);
	linkem_free(&l2);
	linkem_free(&l3);
}

/* Runs of consecutive losses: count and mean length. */
static double mean_burst(const struct sim *s, uint64_t *bursts)
{
	uint64_t nb = 0, lost = 0;
	int in_burst = 0;

	for (uint64_t i = 0; i < s->npush; i++) {
		int l = s->verdict[i] == LINKEM_DROP_LOSS;

		if (l && !in_burst)
			nb++;
		lost += l;
		in_burst = l;
	}
	*bursts = nb;
	return nb ? (double)lost / (double)nb : 0;
}

static void test_burst_loss(void)
{
	struct linkem_conf c = {.ge_p_gb_ppm = 10000, /* 1% */
				.ge_p_bg_ppm = 250000, /* 25%: mean 4 */
				.ge_loss_ppm = LINKEM_PPM};
	struct linkem l;
	struct sim s;
	uint64_t bursts, lost;
	double mean;

	setup(&l, &c, 99);
	sim_init(&s, 400000);
	run(&l, &s, 400000, 1 * US, 100);
	mean = mean_burst(&s, &bursts);
	lost = count_verdict(&s, LINKEM_DROP_LOSS);
	CHECK_NEAR(mean, 4.0, 0.2);
	/* Stationary share of the bad state: p_gb / (p_gb + p_bg). */
	CHECK_NEAR((double)lost / 400000.0, 0.01 / 0.26, 0.004);
	CHECK_EQ_U64(l.st.dropped_loss, lost);
	CHECK(bursts > 1000);
	sim_free(&s);
	linkem_free(&l);

	/* The same average loss without bursts: runs of about 1. */
	struct linkem_conf r = {.loss_ppm = 38462};

	setup(&l, &r, 99);
	sim_init(&s, 400000);
	run(&l, &s, 400000, 1 * US, 100);
	mean = mean_burst(&s, &bursts);
	CHECK_NEAR(mean, 1.04, 0.03);
	sim_free(&s);
	linkem_free(&l);
}

static void test_rate(void)
{
	/* 10 Mbit/s, 1250 B: exactly 1 ms each. */
	struct linkem_conf c = {.rate_bps = 10000000, .delay_ns = 5 * MS};
	struct linkem l;
	struct sim s;
	int spaced = 1;

	CHECK_EQ_U64(linkem_ser_ns(10000000, 1250), 1 * MS);
	setup(&l, &c, 1);
	sim_init(&s, 50);
	for (int i = 0; i < 50; i++)
		CHECK(linkem_push(&l, T0, 1250, (uint64_t)i, 0) ==
		      LINKEM_QUEUED);
	s.npush = 50;
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 50);
	for (size_t i = 0; i < s.nout; i++)
		spaced &= s.out[i].id == i &&
			  s.out[i].release_ns == T0 + (i + 1) * MS + 5 * MS;
	CHECK(spaced);
	/* Idle link: the next packet starts at once. */
	CHECK(linkem_push(&l, T0 + 1000 * MS, 1250, 50, 0) == LINKEM_QUEUED);
	CHECK_EQ_U64(linkem_next_release(&l), T0 + 1006 * MS);
	sim_free(&s);
	linkem_free(&l);

	/* 7 Mbit/s, 1000 B: 1142857.14 ns; the remainder is carried, so
	 * 7000 packets (56 Mbit) take exactly 8 s. */
	c = (struct linkem_conf){.rate_bps = 7000000};
	setup(&l, &c, 1);
	sim_init(&s, 7000);
	for (uint64_t i = 0; i < 7000; i++)
		linkem_push(&l, T0, 1000, i, 0);
	s.npush = 7000;
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 7000);
	CHECK_EQ_U64(s.out[6999].release_ns, T0 + 8 * UINT64_C(1000000000));
	spaced = 1;
	for (size_t i = 1; i < s.nout; i++) {
		uint64_t d = s.out[i].release_ns - s.out[i - 1].release_ns;

		spaced &= d == 1142857 || d == 1142858;
	}
	CHECK(spaced);
	sim_free(&s);
	linkem_free(&l);
}

static void test_queue(void)
{
	struct linkem_conf c = {.rate_bps = 10000000, .queue_pkts = 10};
	struct linkem l;
	struct sim s;
	uint64_t dropped;

	/* A burst of 100 into a 10-packet queue: 10 pass, 90 tail drops. */
	setup(&l, &c, 1);
	sim_init(&s, 200);
	for (int i = 0; i < 100; i++)
		push_at(&l, &s, T0, 1250);
	CHECK_EQ_U64(count_verdict(&s, LINKEM_QUEUED), 10);
	CHECK_EQ_U64(l.st.dropped_queue, 90);
	/* Which ones: the first 10 (tail drop). */
	CHECK(s.verdict[9] == LINKEM_QUEUED && s.verdict[10] == LINKEM_DROP_QUEUE);
	/* 5.5 ms later 5 have left: room for exactly 5 more. */
	for (int i = 0; i < 8; i++)
		push_at(&l, &s, T0 + 5500 * US, 1250);
	CHECK_EQ_U64(count_verdict(&s, LINKEM_QUEUED), 15);
	CHECK_EQ_U64(l.st.dropped_queue, 93);
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 15);
	check_conservation(&l);
	sim_free(&s);
	linkem_free(&l);

	/* Queue as time: 10 ms at 1 ms per packet holds 10. */
	c = (struct linkem_conf){.rate_bps = 10000000, .queue_ns = 10 * MS};
	setup(&l, &c, 1);
	sim_init(&s, 100);
	for (int i = 0; i < 30; i++)
		push_at(&l, &s, T0, 1250);
	CHECK_EQ_U64(count_verdict(&s, LINKEM_QUEUED), 10);
	CHECK_EQ_U64(l.st.dropped_queue, 20);
	sim_free(&s);
	linkem_free(&l);

	/* Offered at twice the rate for 10 s: out at the rate, the rest
	 * dropped, and the counters agree with the verdicts. */
	c = (struct linkem_conf){.rate_bps = 10000000, .queue_pkts = 20};
	setup(&l, &c, 1);
	sim_init(&s, 20000);
	run(&l, &s, 20000, 500 * US, 1250);
	dropped = count_verdict(&s, LINKEM_DROP_QUEUE);
	CHECK_EQ_U64(l.st.dropped_queue, dropped);
	CHECK_EQ_U64(s.nout, 20000 - dropped);
	CHECK_NEAR((double)dropped, 10000.0, 25.0);
	/* Back to back at exactly 1 ms. */
	CHECK_EQ_U64(s.out[s.nout - 1].release_ns - s.out[0].release_ns,
		     (s.nout - 1) * MS);
	sim_free(&s);
	linkem_free(&l);

	/* Exempt packets are never tail-dropped: they queue past the limit
	 * (and take their time at the rate), so a queue drop is always one
	 * of the impaired packets. */
	c = (struct linkem_conf){.rate_bps = 10000000, .queue_pkts = 10};
	setup(&l, &c, 1);
	sim_init(&s, 40);
	for (int i = 0; i < 20; i++)
		push_at(&l, &s, T0, 1250);
	for (int i = 0; i < 5; i++)
		push_flags(&l, &s, T0, 1250, LINKEM_EXEMPT);
	push_at(&l, &s, T0, 1250);
	CHECK_EQ_U64(l.st.dropped_queue, 11);
	CHECK_EQ_U64(count_verdict(&s, LINKEM_QUEUED), 15);
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 15);
	/* ... all at the rate, back to back: the last leaves after 15 ms */
	CHECK_EQ_U64(s.out[14].release_ns, T0 + 15 * MS);
	sim_free(&s);
	linkem_free(&l);

	/* A full pool is a queue drop too. */
	c = (struct linkem_conf){.delay_ns = 1000 * MS, .capacity = 16};
	setup(&l, &c, 1);
	sim_init(&s, 20);
	for (int i = 0; i < 20; i++)
		push_at(&l, &s, T0, 100);
	CHECK_EQ_U64(l.st.dropped_queue, 4);
	CHECK_EQ_U64(linkem_pending(&l), 16);
	/* ... exempt or not */
	CHECK(linkem_push(&l, T0, 100, 99, LINKEM_EXEMPT) == LINKEM_DROP_QUEUE);
	CHECK_EQ_U64(l.st.dropped_queue, 5);
	sim_free(&s);
	linkem_free(&l);
}

/* Reordered packets: each has exactly gap later ones released before it. */
static void test_reorder(void)
{
	struct linkem_conf c = {.delay_ns = 1 * MS,
				.reorder_ppm = 30000,
				.reorder_gap = 3};
	struct linkem l;
	struct sim s;
	uint64_t ooo;
	int extent_ok = 1;

	setup(&l, &c, 5);
	sim_init(&s, 50000);
	run(&l, &s, 50000, 100 * US, 500);
	ooo = count_out_of_order(&s);
	CHECK_EQ_U64(l.st.reordered, ooo);
	CHECK_NEAR((double)ooo / 50000.0, 0.03, 0.004);
	CHECK_EQ_U64(s.nout, 50000);
	for (size_t i = 0; i < s.nout; i++) {
		uint64_t later = 0;

		for (size_t j = i >= 10 ? i - 10 : 0; j < i; j++)
			later += s.out[j].id > s.out[i].id;
		/* in order: none later before it; held: exactly 3 */
		extent_ok &= later == 0 || later == 3;
		/* never earlier than its delay */
		extent_ok &= s.out[i].release_ns >=
			     T0 + s.out[i].id * 100 * US + 1 * MS;
	}
	CHECK(extent_ok);
	sim_free(&s);
	linkem_free(&l);

	/* No later packet comes: the hold ends after the timeout, and the
	 * packet is not counted as reordered. */
	c.reorder_ppm = LINKEM_PPM;
	c.reorder_timeout_ns = 4 * MS;
	setup(&l, &c, 5);
	sim_init(&s, 4);
	push_at(&l, &s, T0, 100);
	CHECK_EQ_U64(linkem_next_release(&l), T0 + 5 * MS);
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 1);
	CHECK_EQ_U64(l.st.reordered, 0);
	sim_free(&s);
	linkem_free(&l);
}

/* Exempt packets (control traffic beside the impaired stream) neither make
 * a packet reordered nor count toward a held packet's gap: the engine's
 * reorder count is what a receiver of the impaired packets alone sees. */
static void test_reorder_exempt(void)
{
	struct linkem_conf c = {.delay_ns = 1 * MS,
				.reorder_ppm = LINKEM_PPM,
				.reorder_gap = 1,
				.reorder_timeout_ns = 4 * MS};
	struct linkem l;
	struct sim s;
	uint8_t *ex;
	uint64_t n, all, mine, held_timed_out = 0, held = 0;
	int extent_ok = 1;

	/* One impaired packet, held; two exempt ones pass it. Exempt, they
	 * do not end its hold: it waits out its timeout, and nothing of its
	 * class overtook it, so it is not reordered. */
	setup(&l, &c, 5);
	sim_init(&s, 4);
	push_flags(&l, &s, T0, 500, 0);
	push_flags(&l, &s, T0 + 100 * US, 60, LINKEM_EXEMPT);
	push_flags(&l, &s, T0 + 200 * US, 60, LINKEM_EXEMPT);
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, 3);
	CHECK(s.out[0].id == 1 && s.out[1].id == 2 && s.out[2].id == 0);
	CHECK_EQ_U64(s.out[2].release_ns, T0 + 1 * MS + 4 * MS);
	CHECK_EQ_U64(l.st.reordered, 0);
	sim_free(&s);
	linkem_free(&l);

	/* Sparse impaired packets (every 5 ms), exempt ones every 100 us
	 * between: each held one times out before the next of its class
	 * comes, so it is never reordered among its class, though exempt
	 * packets overtake it every time. */
	c.reorder_ppm = 200000;
	n = 5000;
	setup(&l, &c, 21);
	sim_init(&s, n);
	ex = xcalloc(n, 1);
	for (uint64_t i = 0; i < n; i++) {
		ex[i] = i % 50 != 0;
		push_flags(&l, &s, T0 + i * 100 * US, ex[i] ? 60 : 1200,
			   ex[i] ? LINKEM_EXEMPT : 0);
	}
	drain(&l, &s, UINT64_MAX - 1);
	CHECK_EQ_U64(s.nout, n);
	all = count_out_of_order(&s);
	mine = count_out_of_order_among(&s, ex);
	CHECK_EQ_U64(l.st.reordered, mine);
	CHECK_EQ_U64(mine, 0);
	CHECK(all > 5); /* what the rule without classes would count */
	for (size_t i = 0; i < s.nout; i++) {
		uint64_t id = s.out[i].id, due = T0 + id * 100 * US + 1 * MS;

		if (ex[id])
			continue;
		held += s.out[i].release_ns != due;
		held_timed_out += s.out[i].release_ns == due + 4 * MS;
	}
	CHECK(held > 5);
	CHECK_EQ_U64(held, held_timed_out);
	check_conservation(&l);
	free(ex);
	sim_free(&s);
	linkem_free(&l);

	/* Dense: impaired packets every 100 us with two exempt ones after
	 * each, gap 3, duplicates too. A held packet comes out after exactly
	 * 3 later packets of its class (more of all packets), and the count
	 * is the receiver's. */
	c = (struct linkem_conf){.delay_ns = 1 * MS,
				 .reorder_ppm = 30000,
				 .reorder_gap = 3,
				 .dup_ppm = 10000};
	n = 60000;
	setup(&l, &c, 8);
	sim_init(&s, n);
	ex = xcalloc(n, 1);
	for (uint64_t i = 0; i < n; i++) {
		ex[i] = i % 3 != 0;
		push_flags(&l, &s, T0 + (i / 3) * 100 * US + (i % 3) * 10 * US,
			   ex[i] ? 60 : 1200, ex[i] ? LINKEM_EXEMPT : 0);
	}
	drain(&l, &s, UINT64_MAX - 1);
	mine = count_out_of_order_among(&s, ex);
	CHECK_EQ_U64(l.st.reordered, mine);
	CHECK_NEAR((double)mine / (double)(n / 3), 0.03, 0.005);
	CHECK(l.st.duplicated > 0);
	for (size_t i = 0; i < s.nout; i++) {
		uint64_t later = 0;

		if (ex[s.out[i].id] || s.out[i].copy)
			continue;
		for (size_t j = i >= 40 ? i - 40 : 0; j < i; j++)
			later += !ex[s.out[j].id] && !s.out[j].copy &&
				 s.out[j].id > s.out[i].id;
		extent_ok &= later == 0 || later == 3;
	}
	CHECK(extent_ok);
	check_conservation(&l);
	free(ex);
	sim_free(&s);
	linkem_free(&l);
}

static void test_dup(void)
{
	struct linkem_conf c = {.delay_ns = 1 * MS, .dup_ppm = 10000};
	struct linkem l;
	struct sim s;
	uint64_t dups, twice = 0;
	uint8_t *seen = xcalloc(100000, 1);
	int adjacent = 1;

	setup(&l, &c, 3);
	sim_init(&s, 100000);
	run(&l, &s, 100000, 10 * US, 200);
	dups = count_verdict(&s, LINKEM_DUPLICATED);
	CHECK_EQ_U64(l.st.duplicated, dups);
	CHECK_NEAR((double)dups / 100000.0, 0.01, 0.0015);
	CHECK_EQ_U64(l.st.out, 100000 + dups);
	CHECK_EQ_U64(s.nout, 100000 + dups);
	for (size_t i = 0; i < s.nout; i++) {
		if (++seen[s.out[i].id] == 2) {
			twice++;
			/* the copy right after the original, flagged */
			adjacent &= i > 0 && s.out[i - 1].id == s.out[i].id &&
				    s.out[i].copy && !s.out[i - 1].copy;
		}
	}
	CHECK_EQ_U64(twice, dups);
	CHECK(adjacent);
	CHECK_EQ_U64(l.st.reordered, 0);
	free(seen);
	sim_free(&s);
	linkem_free(&l);
}

static void test_jitter(void)
{
	struct linkem_conf c = {.delay_ns = 10 * MS, .jitter_ns = 5 * MS};
	struct linkem l;
	struct sim s;
	int ordered = 1, bounded = 1;
	uint64_t moved = 0;

	setup(&l, &c, 11);
	sim_init(&s, 20000);
	run(&l, &s, 20000, 100 * US, 100);
	CHECK_EQ_U64(s.nout, 20000);
	for (size_t i = 0; i < s.nout; i++) {
		uint64_t sent = T0 + s.out[i].id * 100 * US;

		ordered &= s.out[i].id == i;
		if (i > 0)
			ordered &= s.out[i].release_ns >= s.out[i - 1].release_ns;
		/* never early: at least delay - jitter after sending */
		bounded &= s.out[i].release_ns >= sent + 5 * MS;
		moved += s.out[i].release_ns != sent + 10 * MS;
	}
	CHECK(ordered);
	CHECK(bounded);
	CHECK(moved > 10000);
	CHECK_EQ_U64(l.st.reordered, 0);
	sim_free(&s);
	linkem_free(&l);

	/* Packets further apart than 2 x jitter: keeping order never holds
	 * one back, so consecutive transit differences are differences of two
	 * independent uniforms on +-J, E|D| = 2J/3 (what it_link expects of
	 * the RFC 3550 jitter of a stream paced this way). */
	c = (struct linkem_conf){.delay_ns = 10 * MS, .jitter_ns = 2 * MS};
	setup(&l, &c, 11);
	sim_init(&s, 20000);
	run(&l, &s, 20000, 5 * MS, 1200);
	{
		double sum = 0;
		int64_t prev = 0;

		for (size_t i = 0; i < s.nout; i++) {
			int64_t tr = (int64_t)(s.out[i].release_ns - T0 -
					       s.out[i].id * 5 * MS);

			if (i > 0)
				sum += (double)(tr > prev ? tr - prev : prev - tr);
			prev = tr;
		}
		/* sd of |D| is J sqrt(2)/3: the mean of 20000 is within
		 * 0.5% (1 sd, with the correlation of neighbours) */
		CHECK_NEAR(sum / (double)(s.nout - 1) / 1e3, 2000.0 * 2 / 3,
			   2000.0 * 2 / 3 * 0.02);
	}
	CHECK_EQ_U64(s.nout, 20000);
	CHECK_EQ_U64(l.st.reordered, 0);
	sim_free(&s);
	linkem_free(&l);
	c = (struct linkem_conf){.delay_ns = 10 * MS, .jitter_ns = 5 * MS};

	/* Allowed to reorder: it does, and the count is the truth. */
	c.jitter_reorder = 1;
	setup(&l, &c, 11);
	sim_init(&s, 20000);
	run(&l, &s, 20000, 100 * US, 100);
	CHECK(l.st.reordered > 1000);
	CHECK_EQ_U64(l.st.reordered, count_out_of_order(&s));
	bounded = 1;
	for (size_t i = 0; i < s.nout; i++) {
		uint64_t sent = T0 + s.out[i].id * 100 * US;

		bounded &= s.out[i].release_ns >= sent + 5 * MS &&
			   s.out[i].release_ns <= sent + 15 * MS;
	}
	CHECK(bounded);
	sim_free(&s);
	linkem_free(&l);
}

static void test_conf_check(void)
{
	struct linkem_conf c = {.loss_ppm = LINKEM_PPM + 1};
	struct linkem l;
	char err[128];

	CHECK(linkem_conf_check(&c, err, sizeof err) == -1);
	CHECK(strstr(err, "loss") != NULL);
	CHECK(linkem_init(&l, &c, 1) == -1);
	c = (struct linkem_conf){.reorder_ppm = 1000};
	CHECK(linkem_conf_check(&c, err, sizeof err) == -1);
	c.reorder_gap = 1;
	CHECK(linkem_conf_check(&c, err, sizeof err) == 0);
	c.capacity = LINKEM_MAX_CAPACITY + 1;
	CHECK(linkem_conf_check(&c, err, sizeof err) == -1);
}

int main(void)
{
	test_noop();
	test_delay();
	test_loss();
	test_seed();
	test_burst_loss();
	test_rate();
	test_queue();
	test_reorder();
	test_reorder_exempt();
	test_dup();
	test_jitter();
	test_conf_check();
	return check_done("test_linkem");
}
