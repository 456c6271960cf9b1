/* Reliable UDP, part: congestion control and pacing (see rudp_cc.h). */
#include "rudp_cc.h"

#include <math.h>

#define NS_PER_S 1e9

static double max_d(double a, double b)
{
	return a > b ? a : b;
}

static double min_d(double a, double b)
{
	return a < b ? a : b;
}

static void clamp(struct rudp_cc *cc)
{
	cc->cwnd = min_d(max_d(cc->cwnd, cc->floor), cc->max);
}

void rudp_cc_init(struct rudp_cc *cc, enum rudp_cc_algo algo, uint32_t max,
		  uint64_t fixed_bps)
{
	*cc = (struct rudp_cc){0};
	cc->algo = algo;
	cc->max = max;
	cc->floor = max < RUDP_CWND_FLOOR ? max : RUDP_CWND_FLOOR;
	cc->cwnd = algo == RUDP_CC_PACED ? max : RUDP_INIT_CWND;
	cc->ssthresh = max;
	cc->fixed_bps = fixed_bps;
	clamp(cc);
}

uint32_t rudp_cc_cwnd(const struct rudp_cc *cc)
{
	return (uint32_t)cc->cwnd;
}

int rudp_cc_in_slow_start(const struct rudp_cc *cc)
{
	return cc->cwnd < cc->ssthresh;
}

/* ---- reno ----------------------------------------------------------------- */

static void reno_avoid(struct rudp_cc *cc, uint32_t delivered)
{
	uint32_t w = rudp_cc_cwnd(cc);

	cc->ca_acc += delivered;
	while (cc->ca_acc >= w) {
		cc->ca_acc -= w;
		cc->cwnd = ++w;
	}
}

/* ---- cubic (RFC 9438) --------------------------------------------------- */

/* W_cubic(t) = C (t - K)^3 + W_max, t in seconds since the epoch. */
static double cubic_w(const struct rudp_cc *cc, double t)
{
	double d = t - cc->k;

	return RUDP_CUBIC_C * d * d * d + cc->w_max;
}

static void cubic_epoch(struct rudp_cc *cc, uint64_t now)
{
	cc->epoch = now ? now : 1;
	if (cc->cwnd < cc->w_max) {
		cc->k = cbrt((cc->w_max - cc->cwnd) / RUDP_CUBIC_C);
	} else {
		cc->k = 0;
		cc->w_max = cc->cwnd;
	}
	cc->w_est = cc->cwnd;
}

static void cubic_avoid(struct rudp_cc *cc, uint32_t delivered, uint64_t now,
			uint64_t srtt)
{
	const double alpha_cubic = 3 * (1 - RUDP_CUBIC_BETA) /
				   (1 + RUDP_CUBIC_BETA);
	double t, target, alpha;

	if (cc->epoch == 0)
		cubic_epoch(cc, now);
	t = (double)(now - cc->epoch) / NS_PER_S;
	/* Reno-friendly estimate (4.3): alpha_cubic until W_max, then 1. */
	alpha = cc->w_est < cc->w_max ? alpha_cubic : 1.0;
	cc->w_est += alpha * delivered / cc->cwnd;
	if (cubic_w(cc, t) < cc->w_est) {
		cc->cwnd = max_d(cc->cwnd, cc->w_est);
		return;
	}
	/* Concave and convex regions (4.4, 4.5): a target one RTT ahead,
	 * between cwnd and 1.5 cwnd, reached over one window of ACKs. */
	target = cubic_w(cc, t + (double)srtt / NS_PER_S);
	target = min_d(max_d(target, cc->cwnd), 1.5 * cc->cwnd);
	cc->cwnd += delivered * (target - cc->cwnd) / cc->cwnd;
}

/* ---- the interface ---------------------------------------------------------- */

void rudp_cc_on_ack(struct rudp_cc *cc, uint32_t delivered, int limited,
		    uint64_t now, uint64_t srtt)
{
	if (cc->algo == RUDP_CC_PACED || delivered == 0 || !limited)
		return;
	if (rudp_cc_in_slow_start(cc)) {
		cc->cwnd = min_d(cc->cwnd + delivered,
				 max_d(cc->ssthresh, cc->cwnd));
		if (cc->cwnd >= cc->ssthresh && cc->algo == RUDP_CC_CUBIC)
			cc->epoch = 0; /* the epoch starts now */
	} else if (cc->algo == RUDP_CC_RENO) {
		reno_avoid(cc, delivered);
	} else {
		cubic_avoid(cc, delivered, now, srtt);
	}
	clamp(cc);
}

static void undo_mark(struct rudp_cc *cc)
{
	cc->prior_cwnd = cc->cwnd;
	cc->prior_ssthresh = cc->ssthresh;
	cc->prior_w_max = cc->w_max;
	cc->prior_k = cc->k;
	cc->prior_epoch = cc->epoch;
}

void rudp_cc_on_loss(struct rudp_cc *cc, uint64_t now)
{
	double beta = cc->algo == RUDP_CC_CUBIC ? RUDP_CUBIC_BETA : 0.5;

	(void)now;
	if (cc->algo == RUDP_CC_PACED)
		return;
	undo_mark(cc);
	if (cc->algo == RUDP_CC_CUBIC) {
		/* fast convergence (4.7) */
		cc->w_max = cc->cwnd < cc->w_max
			? cc->cwnd * (1 + RUDP_CUBIC_BETA) / 2 : cc->cwnd;
		cc->epoch = 0;
	}
	cc->ssthresh = (uint32_t)(max_d(cc->cwnd * beta, cc->floor) + 0.5);
	cc->cwnd = cc->ssthresh;
	cc->ca_acc = 0;
	clamp(cc);
}

void rudp_cc_on_rto(struct rudp_cc *cc, int first)
{
	double beta = cc->algo == RUDP_CC_CUBIC ? RUDP_CUBIC_BETA : 0.5;

	if (cc->algo == RUDP_CC_PACED)
		return;
	if (first) {
		undo_mark(cc);
		if (cc->algo == RUDP_CC_CUBIC)
			cc->w_max = cc->cwnd;
		cc->ssthresh = (uint32_t)(max_d(cc->cwnd * beta, cc->floor) + 0.5);
	}
	cc->epoch = 0;
	cc->cwnd = cc->floor;
	cc->ca_acc = 0;
	clamp(cc);
}

void rudp_cc_undo(struct rudp_cc *cc)
{
	if (cc->algo == RUDP_CC_PACED)
		return;
	if (cc->prior_cwnd > cc->cwnd) {
		cc->cwnd = cc->prior_cwnd;
		cc->w_max = cc->prior_w_max;
		cc->k = cc->prior_k;
		cc->epoch = cc->prior_epoch;
	}
	if (cc->prior_ssthresh > cc->ssthresh)
		cc->ssthresh = cc->prior_ssthresh;
	clamp(cc);
}

/* ---- pacing ------------------------------------------------------------------- */

uint64_t rudp_cc_pace_gap(const struct rudp_cc *cc, size_t len,
			  uint64_t srtt)
{
	if (cc->algo == RUDP_CC_PACED)
		return cc->fixed_bps
			? (uint64_t)len * 8 * 1000000000ull / cc->fixed_bps
			: 0;
	if (cc->full_len > 0 && len < cc->full_len)
		return srtt * len / ((uint64_t)rudp_cc_cwnd(cc) * cc->full_len);
	return srtt / rudp_cc_cwnd(cc);
}

uint64_t rudp_cc_pace_due(const struct rudp_cc *cc)
{
	return cc->pace_next;
}

void rudp_cc_paced(struct rudp_cc *cc, size_t len, uint64_t srtt,
		   uint64_t now)
{
	uint64_t gap = rudp_cc_pace_gap(cc, len, srtt);

	/* No credit for time spent idle: at most a quantum ahead. */
	cc->pace_next = gap ? (cc->pace_next > now ? cc->pace_next : now) + gap
			    : 0;
}

const char *rudp_cc_name(enum rudp_cc_algo algo)
{
	static const char *const names[] = {"reno", "cubic", "paced"};

	return (unsigned)algo < sizeof names / sizeof names[0] ? names[algo]
							       : "?";
}
