/* Unit tests for rudp_cc.c: CUBIC's window follows RFC 9438's formula over
 * a simulated epoch (and its Reno-friendly estimate where that is larger);
 * reno halves and adds one packet a round trip; no window falls below the
 * floor; the pacer spaces packets at cwnd per srtt within 5%. */
#include "rudp_cc.h"

#include <math.h>
#include <stdint.h>

#include "check.h"

#define MS 1000000ull
#define SEC 1000000000ull

/* One round trip of ACKs, one per packet, spread over rtt from *now. */
static void round_trip(struct rudp_cc *cc, uint64_t *now, uint64_t rtt)
{
	uint32_t i, w = rudp_cc_cwnd(cc);

	for (i = 0; i < w; i++)
		rudp_cc_on_ack(cc, 1, 1, *now + i * rtt / w, rtt);
	*now += rtt;
}

static double w_cubic(double t, double k, double w_max)
{
	return RUDP_CUBIC_C * pow(t - k, 3) + w_max;
}

static void test_cubic_epoch(void)
{
	struct rudp_cc cc;
	uint64_t now = 5 * SEC, t0, rtt = 100 * MS;
	double k = cbrt((100 - 70) / RUDP_CUBIC_C), t, want;
	int worst_ok = 1;

	rudp_cc_init(&cc, RUDP_CC_CUBIC, 10000, 0);
	cc.cwnd = 100;
	cc.ssthresh = 50; /* in congestion avoidance */
	rudp_cc_on_loss(&cc, now);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 70); /* beta 0.7 */
	CHECK_EQ_U64(cc.ssthresh, 70);
	CHECK_NEAR(cc.w_max, 100, 1e-9);
	t0 = now;
	/* 100 ms RTT: W_cubic outgrows the Reno-friendly estimate, so the
	 * window is the cubic curve, one RTT ahead (the target of 4.4). */
	while (now < t0 + 10 * SEC) {
		round_trip(&cc, &now, rtt);
		t = (double)(now - t0) / SEC;
		want = w_cubic(t, k, 100);
		if (fabs(cc.cwnd - want) > 0.03 * want + 2)
			worst_ok = 0;
	}
	CHECK(worst_ok);
	CHECK_NEAR(cc.k, k, 1e-9);
	/* the plateau at W_max around t = K */
	t = (double)(now - t0) / SEC;
	CHECK(t > 2 * k);
	CHECK_NEAR(cc.cwnd, w_cubic(t, k, 100), 0.03 * cc.cwnd + 2);
	/* fast convergence: a loss below W_max lowers W_max further */
	cc.cwnd = 90;
	cc.w_max = 100;
	rudp_cc_on_loss(&cc, now);
	CHECK_NEAR(cc.w_max, 90 * (1 + RUDP_CUBIC_BETA) / 2, 1e-9);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 63);
}

static void test_cubic_reno_friendly(void)
{
	struct rudp_cc cc;
	uint64_t now = SEC, t0, rtt = 1 * MS;
	double est = 70, a = 3 * (1 - RUDP_CUBIC_BETA) / (1 + RUDP_CUBIC_BETA);
	int i;

	rudp_cc_init(&cc, RUDP_CC_CUBIC, 100000, 0);
	cc.cwnd = 100;
	cc.ssthresh = 50;
	rudp_cc_on_loss(&cc, now);
	t0 = now;
	/* 1 ms RTT: cubic's curve is slow next to Reno's one packet a
	 * round trip (alpha_cubic below W_max, 1 above): W_est rules. */
	for (i = 0; i < 1000; i++) {
		round_trip(&cc, &now, rtt);
		est += est < 100 ? a : 1;
	}
	CHECK(w_cubic((double)(now - t0) / SEC, cc.k, 100) < est);
	CHECK_NEAR(cc.cwnd, est, 0.03 * est);
}

static void test_reno(void)
{
	struct rudp_cc cc;
	uint64_t now = SEC;
	int i;

	rudp_cc_init(&cc, RUDP_CC_RENO, 1000, 0);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), RUDP_INIT_CWND);
	CHECK(rudp_cc_in_slow_start(&cc));
	round_trip(&cc, &now, 10 * MS); /* slow start: doubles */
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 2 * RUDP_INIT_CWND);
	rudp_cc_on_ack(&cc, 5, 0, now, 10 * MS); /* app-limited: no growth */
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 2 * RUDP_INIT_CWND);
	rudp_cc_on_loss(&cc, now);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), RUDP_INIT_CWND);
	CHECK_EQ_U64(cc.ssthresh, RUDP_INIT_CWND);
	round_trip(&cc, &now, 10 * MS); /* +1 a round trip */
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), RUDP_INIT_CWND + 1);
	rudp_cc_undo(&cc);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 2 * RUDP_INIT_CWND);
	/* the floor, through losses and timeouts */
	for (i = 0; i < 10; i++)
		rudp_cc_on_loss(&cc, now);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), RUDP_CWND_FLOOR);
	rudp_cc_on_rto(&cc, 1);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), RUDP_CWND_FLOOR);
	CHECK_EQ_U64(cc.ssthresh, RUDP_CWND_FLOOR);
	rudp_cc_init(&cc, RUDP_CC_CUBIC, 2, 0); /* window below the floor */
	rudp_cc_on_rto(&cc, 1);
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 2);
	CHECK_STR(rudp_cc_name(RUDP_CC_CUBIC), "cubic");
}

/* Send whenever the pacer lets one go (as rudp_out.c does: within the
 * quantum of the due time); the mean gap over n packets. */
static double mean_gap(struct rudp_cc *cc, uint64_t srtt, int n)
{
	uint64_t now = SEC, first = 0, due;
	int i;

	for (i = 0; i < n; i++) {
		due = rudp_cc_pace_due(cc);
		due = due > RUDP_PACE_QUANTUM_NS ? due - RUDP_PACE_QUANTUM_NS
						 : 0;
		if (due > now)
			now = due;
		if (i == 0)
			first = now;
		rudp_cc_paced(cc, 1400, srtt, now);
	}
	return (double)(now - first) / (n - 1);
}

static void test_pacing(void)
{
	struct rudp_cc cc;
	double gap;

	rudp_cc_init(&cc, RUDP_CC_RENO, 1000, 0);
	cc.cwnd = 20;
	gap = mean_gap(&cc, 10 * MS, 2000); /* 10 ms / 20 = 500 us */
	CHECK_NEAR(gap, 500e3, 0.05 * 500e3);
	rudp_cc_init(&cc, RUDP_CC_CUBIC, 1000, 0);
	cc.cwnd = 250;
	gap = mean_gap(&cc, 50 * MS, 5000); /* 200 us */
	CHECK_NEAR(gap, 200e3, 0.05 * 200e3);
	CHECK_EQ_U64(rudp_cc_pace_gap(&cc, 1400, 0), 0); /* no RTT yet */
	/* A packet of a quarter of the full size takes a quarter of the
	 * gap: the pacer spends the window in bytes. Full ones, or any
	 * before the size is known, the whole. */
	cc.full_len = 1400;
	CHECK_EQ_U64(rudp_cc_pace_gap(&cc, 350, 50 * MS), 50 * MS / 250 / 4);
	CHECK_EQ_U64(rudp_cc_pace_gap(&cc, 1400, 50 * MS), 50 * MS / 250);
	cc.full_len = 0;
	CHECK_EQ_U64(rudp_cc_pace_gap(&cc, 350, 50 * MS), 50 * MS / 250);
	rudp_cc_init(&cc, RUDP_CC_PACED, 1000, 8000000); /* 1 MB/s */
	CHECK_EQ_U64(rudp_cc_cwnd(&cc), 1000);
	gap = mean_gap(&cc, 10 * MS, 1000); /* 1400 B: 1.4 ms */
	CHECK_NEAR(gap, 1.4e6, 0.05 * 1.4e6);
}

int main(void)
{
	test_cubic_epoch();
	test_cubic_reno_friendly();
	test_reno();
	test_pacing();
	return check_done("test_rudp_cc");
}
