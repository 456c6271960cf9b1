/* Summary statistics over repetitions of one measurement. */
#ifndef TUB_STATS_H
#define TUB_STATS_H

#include <stddef.h>

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

/* Two-sided 95% Student's t quantile for df degrees of freedom (df >= 1). */
double stats_t95(size_t df);

#endif
