/* Log-linear histogram: exact below 2^HIST_SUB_BITS, then HIST_SUB_COUNT
 * equal buckets per power of two. See hist.h. */
#include "hist.h"

#include <math.h>
#include <string.h>

/* Index of the highest set bit; v must be nonzero. */
static unsigned int high_bit(uint64_t v)
{
	return 63u - (unsigned int)__builtin_clzll(v);
}

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

size_t hist_index(uint64_t value)
{
	unsigned int e, shift;

	if (value < HIST_SUB_COUNT)
		return (size_t)value;
	e = high_bit(value); /* value >= HIST_SUB_COUNT, so nonzero */
	shift = e - HIST_SUB_BITS;
	return (size_t)(e - HIST_SUB_BITS + 1) * HIST_SUB_COUNT +
	       (size_t)((value >> shift) & (HIST_SUB_COUNT - 1));
}

/* Group g >= 1 holds values [2^(g + SUB_BITS - 1), 2^(g + SUB_BITS)) in
 * buckets 2^(g - 1) wide; group 0 is the exact range. */
uint64_t hist_bucket_low(size_t index)
{
	size_t group, sub;

	if (index >= HIST_BUCKETS)
		return UINT64_MAX;
	if (index < HIST_SUB_COUNT)
		return (uint64_t)index;
	group = index / HIST_SUB_COUNT;
	sub = index % HIST_SUB_COUNT;
	return ((uint64_t)HIST_SUB_COUNT + sub) << (group - 1);
}

uint64_t hist_bucket_high(size_t index)
{
	size_t group;

	if (index >= HIST_BUCKETS)
		return UINT64_MAX;
	if (index < HIST_SUB_COUNT)
		return (uint64_t)index;
	group = index / HIST_SUB_COUNT;
	/* The last bucket ends at exactly UINT64_MAX: no overflow. */
	return hist_bucket_low(index) + ((UINT64_C(1) << (group - 1)) - 1);
}

void hist_record(struct hist *h, uint64_t value)
{
	h->bucket[hist_index(value)]++;
	h->count++;
	h->sum += (double)value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	size_t i;

	if (src->count == 0)
		return;
	for (i = 0; i < HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* ceil(p / 100 * count) in [1, count]. A product that lands a rounding
 * error above an integer (99.9% of 1000 = 999.0000000000001) counts as that
 * integer, so decimal percentiles give the rank a person would compute. */
uint64_t hist_rank(double p, uint64_t count)
{
	double x = p / 100.0 * (double)count;
	double fl = floor(x);
	uint64_t rank;

	if (!(x > 0.0))
		return 1;
	if (x >= (double)count)
		return count;
	rank = (uint64_t)fl;
	if (x - fl > x * 1e-12)
		rank++;
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	return rank;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	if (h->count == 0)
		return 0;
	if (p >= 100.0)
		return h->max;
	return hist_at_rank(h, hist_rank(p, h->count));
}

uint64_t hist_at_rank(const struct hist *h, uint64_t rank)
{
	size_t i, last;
	uint64_t seen = 0, low, mid;

	if (h->count == 0)
		return 0;
	if (rank >= h->count)
		return h->max;
	if (rank <= 1)
		return h->min;
	last = hist_index(h->max);
	for (i = hist_index(h->min); i < last; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	low = hist_bucket_low(i);
	mid = low + (hist_bucket_high(i) - low) / 2;
	if (mid < h->min)
		return h->min;
	if (mid > h->max)
		return h->max;
	return mid;
}

double hist_mean(const struct hist *h)
{
	if (h->count == 0)
		return 0.0;
	return h->sum / (double)h->count;
}
