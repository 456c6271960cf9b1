/* Unit tests for rudp_loss.c: RACK marks a loss only once the reorder
 * window has passed, and widens it when it proves spurious; the RTO of
 * RFC 6298 doubles up to rto-max and no further; the probe timeout. */
#include "rudp_loss.h"

#include <stdint.h>

#include "check.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* Packet seq sent at t as transmission number order. */
static void sent(struct rudp_txq *q, uint64_t seq, uint64_t order, uint64_t t)
{
	struct rudp_tx_slot *s = &q->slot[rudp_txq_index(q, seq)];

	s->seq = seq;
	s->tx_order = order;
	s->last_ts = t;
	s->tx_count = 1;
	rudp_txq_fly(q, rudp_txq_index(q, seq));
}

static void test_rack_window(void)
{
	struct rudp_txq q;
	struct rudp_rtt e = {0};
	struct rudp_rack k;
	uint64_t when, i;

	CHECK(rudp_txq_init(&q, 16, 100) == 0);
	rudp_rack_init(&k);
	rudp_rtt_sample(&e, 10 * MS);
	for (i = 0; i < 4; i++)
		sent(&q, i, i + 1, i * MS); /* 0..3 at 0, 1, 2, 3 ms */
	/* Nothing delivered yet: nothing can be lost by RACK. */
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 100 * MS, &when),
		     RUDP_NIL);
	CHECK_EQ_U64(when, UINT64_MAX);
	/* 2 (sent at 2 ms) arrives at 12 ms: RACK.rtt 10 ms; the window is
	 * a quarter of the min RTT, 2.5 ms. 0 is lost at 0 + 10 + 2.5. */
	rudp_txq_delivered(&q, 2, 1);
	rudp_rack_delivered(&k, 3, 2 * MS, 12 * MS);
	CHECK_EQ_U64(rudp_rack_reo_wnd(&k, &e), 2500000);
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 12 * MS, &when),
		     RUDP_NIL);
	CHECK_EQ_U64(when, 12500000);
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 12500000 - 1, &when),
		     RUDP_NIL);
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 12500000, &when), 0);
	rudp_txq_lose(&q, 0, RUDP_WHY_RACK);
	CHECK_EQ_U64(q.lost, 1);
	/* 1 is next, a millisecond later. */
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 12500000, &when),
		     RUDP_NIL);
	CHECK_EQ_U64(when, 13500000);
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, 13500000, &when), 1);
	rudp_txq_lose(&q, 1, RUDP_WHY_RACK);
	/* 3 was sent after the newest delivered: only news can lose it. */
	CHECK_EQ_U64(rudp_rack_head_lost(&k, &e, &q, SEC, &when), RUDP_NIL);
	CHECK_EQ_U64(when, UINT64_MAX);
	CHECK_EQ_U64(q.inflight, 1);
	/* Older news changes nothing. */
	rudp_rack_delivered(&k, 1, 0, 20 * MS);
	CHECK_EQ_U64(k.tx_order, 3);
	CHECK_EQ_U64(k.rtt, 10 * MS);
	rudp_txq_free(&q);
}

static void test_rack_adapts(void)
{
	struct rudp_rtt e = {0};
	struct rudp_rack k;
	int i;

	rudp_rack_init(&k);
	rudp_rtt_sample(&e, 8 * MS);
	CHECK_EQ_U64(rudp_rack_reo_wnd(&k, &e), 2 * MS);
	rudp_rack_spurious(&k);
	CHECK_EQ_U64(rudp_rack_reo_wnd(&k, &e), 4 * MS);
	for (i = 0; i < 10; i++)
		rudp_rack_spurious(&k);
	/* never above srtt */
	CHECK_EQ_U64(rudp_rack_reo_wnd(&k, &e), 8 * MS);
	for (i = 0; i < RUDP_REO_PERSIST - 1; i++)
		rudp_rack_recovery(&k);
	CHECK(k.reo_mult > 1);
	rudp_rack_recovery(&k); /* 16 recoveries without one spurious */
	CHECK_EQ_U64(rudp_rack_reo_wnd(&k, &e), 2 * MS);
}

static void test_rto(void)
{
	struct rudp_rtt e = {0};
	uint64_t want = 200 * MS;
	unsigned n;

	/* before a sample: the initial RTO */
	CHECK_EQ_U64(rudp_rto_base(&e, SEC, 200 * MS, 2 * SEC), SEC);
	rudp_rtt_sample(&e, 10 * MS); /* srtt 10, rttvar 5: 30 ms */
	CHECK_EQ_U64(e.srtt, 10 * MS);
	CHECK_EQ_U64(e.rttvar, 5 * MS);
	CHECK_EQ_U64(rudp_rto_base(&e, SEC, 1 * MS, 2 * SEC), 30 * MS);
	/* the minimum holds (TCP's 200 ms) */
	CHECK_EQ_U64(rudp_rto_base(&e, SEC, 200 * MS, 2 * SEC), 200 * MS);
	/* it doubles up to rto-max and no further */
	for (n = 0; n < 12; n++) {
		CHECK_EQ_U64(rudp_rto_backoff(200 * MS, n, 2 * SEC), want);
		want = 2 * want < 2 * SEC ? 2 * want : 2 * SEC;
	}
	CHECK_EQ_U64(rudp_rto_backoff(200 * MS, 4, 2 * SEC), 2 * SEC);
	CHECK_EQ_U64(rudp_rto_backoff(200 * MS, 3, 2 * SEC), 1600 * MS);
	CHECK_EQ_U64(rudp_rto_backoff(UINT64_MAX / 3, 64, UINT64_MAX),
		     UINT64_MAX); /* no overflow */
	/* the base itself is capped */
	CHECK_EQ_U64(rudp_rto_base(&e, SEC, 3 * SEC, 2 * SEC), 2 * SEC);
	/* RFC 6298 2.3 */
	rudp_rtt_sample(&e, 18 * MS);
	CHECK_EQ_U64(e.rttvar, (3 * 5 * MS + 8 * MS) / 4);
	CHECK_EQ_U64(e.srtt, (7 * 10 * MS + 18 * MS) / 8);
	CHECK_EQ_U64(e.min_rtt, 10 * MS);
}

static void test_pto(void)
{
	struct rudp_rtt e = {0};

	CHECK_EQ_U64(rudp_tlp_pto(&e, MS, SEC), SEC);
	rudp_rtt_sample(&e, 10 * MS);
	CHECK_EQ_U64(rudp_tlp_pto(&e, MS, SEC), 21 * MS);
	e = (struct rudp_rtt){0};
	rudp_rtt_sample(&e, 20000); /* loopback: 20 us */
	CHECK_EQ_U64(rudp_tlp_pto(&e, 0, SEC), RUDP_PTO_MIN_NS);
}

int main(void)
{
	test_rack_window();
	test_rack_adapts();
	test_rto();
	test_pto();
	return check_done("test_rudp_loss");
}
