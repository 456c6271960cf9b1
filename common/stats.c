/* Summary statistics over repetitions of one measurement. */
#include "stats.h"

#include <math.h>

/* Two-sided 95% Student's t quantiles, df 1..30 (index = df). */
static const double t95_small[31] = {
    0.0,    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646,
    2.3060, 2.2622,  2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314,
    2.1199, 2.1098,  2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687,
    2.0639, 2.0595,  2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
};

/* Beyond 30: anchor points; df 0 stands for infinity (the normal 1.96). */
static const struct {
	size_t df;
	double t;
} t95_large[] = {
    {30, 2.0423}, {40, 2.0211}, {60, 2.0003}, {120, 1.9799}, {0, 1.9600},
};

double stats_t95(size_t df)
{
	size_t i;

	if (df == 0)
		return HUGE_VAL; /* no degrees of freedom: no interval */
	if (df <= 30)
		return t95_small[df];
	/* Interpolate linearly in 1/df, which is close to exact for t. */
	for (i = 1; i < sizeof(t95_large) / sizeof(t95_large[0]); i++) {
		size_t hi = t95_large[i].df;
		double x0, x1, x, f;

		if (hi != 0 && df > hi)
			continue;
		x0 = 1.0 / (double)t95_large[i - 1].df;
		x1 = hi ? 1.0 / (double)hi : 0.0;
		x = 1.0 / (double)df;
		f = (x0 - x) / (x0 - x1);
		return t95_large[i - 1].t +
		       f * (t95_large[i].t - t95_large[i - 1].t);
	}
	return 1.96; /* not reached: the last anchor is infinity */
}

void stats_summarize(const double *v, size_t n, struct stats_summary *out)
{
	double sum = 0.0, ss = 0.0;
	size_t i;

	out->n = n;
	out->mean = out->stddev = out->min = out->max = out->ci95 = 0.0;
	if (n == 0)
		return;

	out->min = out->max = v[0];
	for (i = 0; i < n; i++) {
		sum += v[i];
		if (v[i] < out->min)
			out->min = v[i];
		if (v[i] > out->max)
			out->max = v[i];
	}
	out->mean = sum / (double)n;
	if (n < 2)
		return;

	/* Second pass about the mean: no cancellation as in sum-of-squares. */
	for (i = 0; i < n; i++) {
		double d = v[i] - out->mean;

		ss += d * d;
	}
	out->stddev = sqrt(ss / (double)(n - 1));
	out->ci95 = stats_t95(n - 1) * out->stddev / sqrt((double)n);
}
