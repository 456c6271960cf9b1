/* Unit tests for stats.c: hand-computed summaries, the t table at each
 * level, and the stopping rule of repeated measurements. */
#include "stats.h"

#include <math.h>

#include "check.h"

static void test_empty_and_one(void)
{
	struct stats_summary s;
	double one = 42.5;

	s.n = 99;
	s.mean = s.stddev = s.min = s.max = s.ci95 = -1.0;
	stats_summarize(NULL, 0, &s);
	CHECK(s.n == 0);
	CHECK(s.mean == 0.0 && s.stddev == 0.0 && s.ci95 == 0.0);
	CHECK(s.min == 0.0 && s.max == 0.0);

	stats_summarize(&one, 1, &s);
	CHECK(s.n == 1);
	CHECK(s.mean == 42.5);
	CHECK(s.min == 42.5 && s.max == 42.5);
	CHECK(s.stddev == 0.0);
	CHECK(s.ci95 == 0.0);
}

static void test_known_sets(void)
{
	/* Mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32; s^2 = 32/7. */
	static const double a[] = {2, 4, 4, 4, 5, 5, 7, 9};
	/* Mean 2; deviations -1, 1: s = sqrt(2); ci = 12.706 * sqrt(2/2). */
	static const double b[] = {3, 1};
	/* Large offset: a one-pass sum of squares would lose these digits. */
	static const double c[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
	/* Negative values and unsorted input. */
	static const double d[] = {-3, 10, -7, 0};
	struct stats_summary s;

	stats_summarize(a, 8, &s);
	CHECK(s.n == 8);
	CHECK_NEAR(s.mean, 5.0, 1e-12);
	CHECK_NEAR(s.stddev, sqrt(32.0 / 7.0), 1e-12);
	CHECK_NEAR(s.stddev, 2.13809, 1e-5);
	CHECK(s.min == 2.0 && s.max == 9.0);
	CHECK_NEAR(s.ci95, 2.3646 * sqrt(32.0 / 7.0) / sqrt(8.0), 1e-9);
	CHECK_NEAR(s.ci95, 1.7875, 1e-3);

	stats_summarize(b, 2, &s);
	CHECK_NEAR(s.mean, 2.0, 1e-12);
	CHECK_NEAR(s.stddev, sqrt(2.0), 1e-12);
	CHECK(s.min == 1.0 && s.max == 3.0);
	CHECK_NEAR(s.ci95, 12.706, 1e-3);

	stats_summarize(c, 3, &s);
	CHECK_NEAR(s.mean, 1e9 + 2, 1e-6);
	CHECK_NEAR(s.stddev, 1.0, 1e-9);
	CHECK_NEAR(s.ci95, 4.3027 / sqrt(3.0), 1e-6);

	stats_summarize(d, 4, &s);
	CHECK_NEAR(s.mean, 0.0, 1e-12);
	/* 9 + 100 + 49 + 0 = 158; s^2 = 158/3. */
	CHECK_NEAR(s.stddev, sqrt(158.0 / 3.0), 1e-12);
	CHECK(s.min == -7.0 && s.max == 10.0);
	CHECK_NEAR(s.ci95, 3.1824 * sqrt(158.0 / 3.0) / 2.0, 1e-9);

	/* All equal: no spread, no interval. */
	{
		static const double e[] = {7, 7, 7, 7, 7};

		stats_summarize(e, 5, &s);
		CHECK(s.mean == 7.0 && s.stddev == 0.0 && s.ci95 == 0.0);
	}
}

static void test_t95(void)
{
	size_t df;
	int rising = 0;

	CHECK_NEAR(stats_t95(1), 12.706, 1e-3);
	CHECK_NEAR(stats_t95(2), 4.303, 1e-3);
	CHECK_NEAR(stats_t95(3), 3.182, 1e-3);
	CHECK_NEAR(stats_t95(4), 2.776, 1e-3);
	CHECK_NEAR(stats_t95(5), 2.571, 1e-3);
	CHECK_NEAR(stats_t95(10), 2.228, 1e-3);
	CHECK_NEAR(stats_t95(20), 2.086, 1e-3);
	CHECK_NEAR(stats_t95(29), 2.045, 1e-3);
	CHECK_NEAR(stats_t95(30), 2.042, 1e-3);
	/* Anchors and interpolated values (exact: 2.0301, 2.0086, 1.9623). */
	CHECK_NEAR(stats_t95(40), 2.021, 1e-3);
	CHECK_NEAR(stats_t95(60), 2.000, 1e-3);
	CHECK_NEAR(stats_t95(120), 1.980, 1e-3);
	CHECK_NEAR(stats_t95(35), 2.0301, 1e-3);
	CHECK_NEAR(stats_t95(50), 2.0086, 1e-3);
	CHECK_NEAR(stats_t95(1000), 1.9623, 1e-3);
	CHECK_NEAR(stats_t95((size_t)1 << 40), 1.960, 1e-4);
	CHECK(stats_t95((size_t)-1) >= 1.96 - 1e-9);
	CHECK(isinf(stats_t95(0)));

	/* Never rises with more degrees of freedom. */
	for (df = 1; df < 5000; df++) {
		if (stats_t95(df + 1) > stats_t95(df))
			rising++;
	}
	CHECK(rising == 0);
}

/* Quantiles from printed tables (two-sided level = one-sided 1 - (1 -
 * level) / 2: t(0.95, 20) = 1.725 is the 90% two-sided one). */
static void test_levels(void)
{
	size_t df, i;
	int level, rising = 0, ordered = 1, nodes = 0, exact = 1;
	double t;

	CHECK_NEAR(stats_t(90, 1), 6.314, 1e-3);
	CHECK_NEAR(stats_t(90, 5), 2.015, 1e-3);
	CHECK_NEAR(stats_t(90, 20), 1.725, 1e-3);
	CHECK_NEAR(stats_t(90, 30), 1.697, 1e-3);
	CHECK_NEAR(stats_t(95, 4), 2.776, 1e-3);
	CHECK_NEAR(stats_t(95, 12), 2.179, 1e-3);
	CHECK_NEAR(stats_t(99, 1), 63.657, 1e-3);
	CHECK_NEAR(stats_t(99, 2), 9.925, 1e-3);
	CHECK_NEAR(stats_t(99, 10), 3.169, 1e-3);
	CHECK_NEAR(stats_t(99, 24), 2.797, 1e-3);
	/* Interpolated in 1/df (exact: 1.6464, 2.7238, 2.5808, 2.6387). */
	CHECK_NEAR(stats_t(90, 1000), 1.6464, 1e-3);
	CHECK_NEAR(stats_t(99, 35), 2.7238, 1e-3);
	CHECK_NEAR(stats_t(99, 1000), 2.5808, 1e-3);
	CHECK_NEAR(stats_t(99, 80), 2.6387, 2e-3);
	/* Infinity: the normal quantiles. */
	CHECK_NEAR(stats_t(90, (size_t)1 << 40), 1.6449, 1e-4);
	CHECK_NEAR(stats_t(99, (size_t)1 << 40), 2.5758, 1e-4);
	CHECK(isinf(stats_t(99, 0)));
	/* Other levels are not in the table. */
	CHECK(isnan(stats_t(80, 5)));
	CHECK(isnan(stats_t(0, 5)));
	CHECK(stats_t95(7) == stats_t(95, 7));

	for (df = 1; df < 5000; df++) {
		if (stats_t(90, df + 1) > stats_t(90, df) ||
		    stats_t(99, df + 1) > stats_t(99, df))
			rising++;
		if (!(stats_t(90, df) < stats_t(95, df) &&
		      stats_t(95, df) < stats_t(99, df)))
			ordered = 0;
	}
	CHECK(rising == 0);
	CHECK(ordered);

	/* The nodes are the table: stats_t gives each back unchanged. */
	for (i = 0; stats_t_node(i, &level, &df, &t) == 0; i++) {
		nodes++;
		/* df 0 is infinity: the largest df is within 1e-12 of it */
		if (fabs(stats_t(level, df ? df : (size_t)-1) - t) > 1e-12)
			exact = 0;
	}
	CHECK(nodes == 3 * 34);
	CHECK(exact);
	CHECK(stats_t_node(0, &level, &df, &t) == 0 && level == 90 && df == 1);
	CHECK(stats_t_node((size_t)nodes, &level, &df, &t) == -1);
}

/* The stopping rule on three values 100 -+ d: the half-width of the 95%
 * interval is t(95, 2) * d / sqrt(3); d chosen to make it 4% and 6% of
 * the mean. */
static void test_ci_within(void)
{
	double d4 = 4.0 * sqrt(3.0) / 4.3027, d6 = 6.0 * sqrt(3.0) / 4.3027;
	double four[] = {100 - d4, 100, 100 + d4};
	double six[] = {100 - d6, 100, 100 + d6};
	double neg[] = {-100 - d4, -100, -100 + d4};
	double same[] = {7, 7, 7};
	struct stats_summary s;

	stats_summarize(four, 3, &s);
	CHECK_NEAR(stats_ci(&s, 95), 4.0, 1e-3);
	CHECK_NEAR(stats_ci(&s, 95), s.ci95, 1e-12);
	CHECK_NEAR(stats_ci(&s, 99), 9.9248 * d4 / sqrt(3.0), 1e-9);
	CHECK_NEAR(stats_ci(&s, 90), 2.9200 * d4 / sqrt(3.0), 1e-9);
	CHECK(isnan(stats_ci(&s, 80)));
	CHECK(stats_ci_within(&s, 95, 5) == 1);
	CHECK(stats_ci_within(&s, 95, 4.1) == 1);
	CHECK(stats_ci_within(&s, 95, 3.9) == 0);
	CHECK(stats_ci_within(&s, 99, 5) == 0);  /* 9.2% at 99% */
	CHECK(stats_ci_within(&s, 90, 5) == 1);  /* 2.7% at 90% */
	CHECK(stats_ci_within(&s, 80, 50) == 0); /* no such level */

	stats_summarize(six, 3, &s);
	CHECK_NEAR(stats_ci(&s, 95), 6.0, 1e-3);
	CHECK(stats_ci_within(&s, 95, 5) == 0);
	CHECK(stats_ci_within(&s, 95, 6.1) == 1);

	stats_summarize(neg, 3, &s); /* |mean| */
	CHECK(stats_ci_within(&s, 95, 5) == 1);

	/* Identical values converge, but not below the minimum count. */
	stats_summarize(same, 3, &s);
	CHECK(stats_ci_within(&s, 95, 0.001) == 1);
	stats_summarize(same, 2, &s);
	CHECK(stats_ci(&s, 95) == 0.0);
	CHECK(stats_ci_within(&s, 95, 50) == 0);
	stats_summarize(NULL, 0, &s);
	CHECK(stats_ci(&s, 95) == 0.0);
	CHECK(stats_ci_within(&s, 95, 50) == 0);
}

int main(void)
{
	test_empty_and_one();
	test_known_sets();
	test_t95();
	test_levels();
	test_ci_within();
	return check_done("test_stats");
}
