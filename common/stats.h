/* Summary statistics over repetitions of one measurement. */
#ifndef TUB_STATS_H
#define TUB_STATS_H

#include <stddef.h>

/* Fewest values stats_ci_within judges: below it nothing has converged. */
#define STATS_CI_MIN_N 3

struct stats_summary {
	size_t n;
	double mean;
	double stddev; /* sample standard deviation (n - 1); 0 when n < 2 */
	double min;
	double max;
	double ci95;   /* half-width of the 95% confidence interval of the mean
			  (Student's t); 0 when n < 2 */
};

/* Summarise n values (n may be 0: all fields 0). */
void stats_summarize(const double *v, size_t n, struct stats_summary *out);

/* Two-sided Student's t quantile: the t with P(|T| <= t) = level / 100 for
 * df degrees of freedom; level 90, 95 or 99. HUGE_VAL for df 0, NAN for
 * another level. */
double stats_t(int level, size_t df);

/* Two-sided 95% Student's t quantile for df degrees of freedom (df >= 1). */
double stats_t95(size_t df);

/* The table behind stats_t, node i (from 0): its level, df (0: infinity)
 * and t; -1 past the last node. Between a level's nodes stats_t is linear
 * in 1/df. */
int stats_t_node(size_t i, int *level, size_t *df, double *t);

/* Half-width of the level% confidence interval of s's mean (Student's t,
 * n - 1 degrees of freedom); 0 when n < 2, NAN for an unknown level. */
double stats_ci(const struct stats_summary *s, int level);

/* The stopping rule of repeated measurements: 1 when s holds at least
 * STATS_CI_MIN_N values and the half-width of its level% confidence
 * interval is at most pct percent of |mean|; else 0. */
int stats_ci_within(const struct stats_summary *s, int level, double pct);

#endif
