/* Unit tests for stats.c: hand-computed summaries and the t table. */
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

int main(void)
{
	test_empty_and_one();
	test_known_sets();
	test_t95();
	return check_done("test_stats");
}
