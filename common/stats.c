/* Summary statistics over repetitions of one measurement. */
#include "stats.h"

#include <math.h>

/* The t table: one row per level, one column per df; df 0 stands for
 * infinity (the normal quantile). Beyond 30, stats_t interpolates linearly
 * in 1/df between columns, which is within 0.001 of the exact quantile. */
static const size_t t_df[] = {
    1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,  13, 14, 15, 16, 17,
    18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 40, 60, 120, 0,
};

#define T_COLS (sizeof t_df / sizeof t_df[0])

static const struct {
	int level;
	double t[T_COLS];
} t_rows[] = {
    {90,
     {6.3138, 2.9200, 2.3534, 2.1318, 2.0150, 1.9432, 1.8946, 1.8595, 1.8331,
      1.8125, 1.7959, 1.7823, 1.7709, 1.7613, 1.7531, 1.7459, 1.7396, 1.7341,
      1.7291, 1.7247, 1.7207, 1.7171, 1.7139, 1.7109, 1.7081, 1.7056, 1.7033,
      1.7011, 1.6991, 1.6973, 1.6839, 1.6706, 1.6577, 1.6449}},
    {95,
     {12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622,
      2.2281, 2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009,
      2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518,
      2.0484, 2.0452, 2.0423, 2.0211, 2.0003, 1.9799, 1.9600}},
    {99,
     {63.6567, 9.9248, 5.8409, 4.6041, 4.0321, 3.7074, 3.4995, 3.3554, 3.2498,
      3.1693, 3.1058, 3.0545, 3.0123, 2.9768, 2.9467, 2.9208, 2.8982, 2.8784,
      2.8609, 2.8453, 2.8314, 2.8188, 2.8073, 2.7969, 2.7874, 2.7787, 2.7707,
      2.7633, 2.7564, 2.7500, 2.7045, 2.6603, 2.6174, 2.5758}},
};

#define T_LEVELS (sizeof t_rows / sizeof t_rows[0])

/* 1/df of column j (0 for infinity). */
static double t_inv_df(size_t j)
{
	return t_df[j] ? 1.0 / (double)t_df[j] : 0.0;
}

double stats_t(int level, size_t df)
{
	const double *t = NULL;
	size_t i, j;

	for (i = 0; i < T_LEVELS; i++)
		if (t_rows[i].level == level)
			t = t_rows[i].t;
	if (!t)
		return NAN;
	if (df == 0)
		return HUGE_VAL; /* no degrees of freedom: no interval */
	for (j = 0; j < T_COLS; j++) {
		double x0, x1, f;

		if (t_df[j] != 0 && df > t_df[j])
			continue;
		if (t_df[j] == df)
			return t[j];
		/* j > 0: the first column is df 1 */
		x0 = t_inv_df(j - 1);
		x1 = t_inv_df(j);
		f = (x0 - 1.0 / (double)df) / (x0 - x1);
		return t[j - 1] + f * (t[j] - t[j - 1]);
	}
	return t[T_COLS - 1]; /* not reached: the last column is infinity */
}

double stats_t95(size_t df)
{
	return stats_t(95, df);
}

int stats_t_node(size_t i, int *level, size_t *df, double *t)
{
	if (i >= T_LEVELS * T_COLS)
		return -1;
	*level = t_rows[i / T_COLS].level;
	*df = t_df[i % T_COLS];
	*t = t_rows[i / T_COLS].t[i % T_COLS];
	return 0;
}

double stats_ci(const struct stats_summary *s, int level)
{
	double t = stats_t(level, s->n > 0 ? s->n - 1 : 0);

	if (isnan(t))
		return t;
	if (s->n < 2)
		return 0.0;
	return t * s->stddev / sqrt((double)s->n);
}

int stats_ci_within(const struct stats_summary *s, int level, double pct)
{
	double hw;

	if (s->n < STATS_CI_MIN_N)
		return 0;
	hw = stats_ci(s, level);
	return !isnan(hw) && hw <= pct / 100.0 * fabs(s->mean);
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
	out->ci95 = stats_ci(out, 95);
}
