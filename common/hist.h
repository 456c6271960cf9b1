/* Log-linear latency histogram (HdrHistogram-like) over nanosecond values.
 * Values below 2^HIST_SUB_BITS are exact; above, each power of two is split
 * into 2^HIST_SUB_BITS equal buckets, so a reported value is within
 * 1 / 2^(HIST_SUB_BITS + 1) (0.4%) of the truth. Fixed size, no allocation. */
#ifndef TUB_HIST_H
#define TUB_HIST_H

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB_COUNT (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB_COUNT)

struct hist {
	uint64_t count;
	uint64_t min;  /* exact; UINT64_MAX when empty */
	uint64_t max;  /* exact */
	double sum;    /* for the mean; exact up to 2^53 */
	uint64_t bucket[HIST_BUCKETS];
};

/* Empty the histogram. */
void hist_init(struct hist *h);

/* Record one value. */
void hist_record(struct hist *h, uint64_t value);

/* Add every count of src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);

/* Value at percentile p (0..100] by nearest rank: the smallest recorded
 * value v with count(<= v) >= ceil(p/100 * count), reported as the middle
 * of its bucket, clamped to [min, max]. p = 100 gives max exactly.
 * 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);

/* The nearest rank of percentile p among count values: ceil(p/100 x
 * count) in [1, count]. */
uint64_t hist_rank(double p, uint64_t count);

/* The rank-th smallest recorded value (1: min, count: max, exact), else
 * the middle of its bucket, clamped to [min, max]. 0 when empty. */
uint64_t hist_at_rank(const struct hist *h, uint64_t rank);

/* Arithmetic mean of the recorded values; 0 when empty. */
double hist_mean(const struct hist *h);

/* Bucket index of a value, and the lowest and highest value of a bucket. */
size_t hist_index(uint64_t value);
uint64_t hist_bucket_low(size_t index);
uint64_t hist_bucket_high(size_t index);

#endif
