/* Unit tests for hist.c: bucket mapping, percentiles against a sorted-array
 * oracle, merge. */
#include "hist.h"

#include <stdlib.h>

#include "check.h"

#define N_SAMPLES 100000

/* xorshift64*: fixed seed, reproducible. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(2685821657736338717);
}

/* Uniform in (0, 1]. */
static double rng_unit(uint64_t *s)
{
	return ((double)(rng_next(s) >> 11) + 1.0) / 9007199254740992.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static struct hist *hist_new(void)
{
	struct hist *h = malloc(sizeof(*h));

	if (!h) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	hist_init(h);
	return h;
}

/* Percentiles in hundredths of a percent, so the oracle's rank is exact
 * integer arithmetic: rank = ceil(q * n / 10000). */
static const unsigned int pct_q[] = {
	1, 10, 100, 1000, 2500, 5000, 7500, 9000, 9500, 9900, 9990, 9999, 10000,
};

/* Compare every percentile of h with the nearest-rank value of the sorted
 * array v[0..n). */
static void check_against_oracle(const char *name, const struct hist *h,
				 const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(pct_q) / sizeof(pct_q[0]); i++) {
		uint64_t q = pct_q[i];
		uint64_t rank = (q * n + 9999) / 10000;
		uint64_t truth, got;
		double err;

		if (rank < 1)
			rank = 1;
		truth = v[rank - 1];
		got = hist_percentile(h, (double)q / 100.0);
		err = truth > got ? (double)(truth - got) : (double)(got - truth);
		/* The promised bound (half a bucket, 1/256) and the 1% goal. */
		if (!(err <= (double)truth / 256.0 && err <= (double)truth * 0.01))
			fprintf(stderr, "%s: p%.2f got %llu want %llu\n", name,
				(double)q / 100.0, (unsigned long long)got,
				(unsigned long long)truth);
		CHECK(err <= (double)truth / 256.0);
		CHECK(err <= (double)truth * 0.01);
	}
	CHECK_EQ_U64(hist_percentile(h, 100.0), v[n - 1]);
	CHECK(hist_percentile(h, 1e-6) >= v[0]);
	CHECK(hist_percentile(h, 1e-6) - v[0] <= v[0] / 256);
	CHECK_EQ_U64(h->count, n);
	CHECK_EQ_U64(h->min, v[0]);
	CHECK_EQ_U64(h->max, v[n - 1]);
}

/* Record v[0..n) into a fresh histogram, sort v, compare. */
static void run_distribution(const char *name, uint64_t *v, size_t n)
{
	struct hist *h = hist_new();
	double sum = 0.0;
	size_t i;

	for (i = 0; i < n; i++) {
		hist_record(h, v[i]);
		sum += (double)v[i];
	}
	qsort(v, n, sizeof(v[0]), cmp_u64);
	check_against_oracle(name, h, v, n);
	CHECK_NEAR(hist_mean(h), sum / (double)n, 1e-9 * (sum / (double)n));
	free(h);
}

static void test_distributions(void)
{
	uint64_t *v = malloc(N_SAMPLES * sizeof(*v));
	uint64_t s = UINT64_C(0x9e3779b97f4a7c15);
	size_t i;

	if (!v) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}

	for (i = 0; i < N_SAMPLES; i++)
		v[i] = rng_next(&s) % 1000001;
	run_distribution("uniform", v, N_SAMPLES);

	for (i = 0; i < N_SAMPLES; i++)
		v[i] = (uint64_t)(-log(rng_unit(&s)) * 25000.0);
	run_distribution("exponential", v, N_SAMPLES);

	for (i = 0; i < N_SAMPLES; i++) {
		if (rng_next(&s) % 10 < 7)
			v[i] = 20000 + rng_next(&s) % 1000;
		else
			v[i] = 5000000 + rng_next(&s) % 200000;
	}
	run_distribution("bimodal", v, N_SAMPLES);

	for (i = 0; i < N_SAMPLES; i++)
		v[i] = rng_next(&s) >> 2; /* up to 2^62 */
	v[0] = UINT64_C(1) << 62;
	run_distribution("large", v, N_SAMPLES);

	/* Every magnitude: exponent uniform, so all bucket groups are hit. */
	for (i = 0; i < N_SAMPLES; i++)
		v[i] = rng_next(&s) >> (rng_next(&s) % 64);
	run_distribution("log-uniform", v, N_SAMPLES);

	for (i = 0; i < 1000; i++)
		v[i] = 0;
	run_distribution("zeros", v, 1000);

	v[0] = 123456789;
	run_distribution("single", v, 1);

	for (i = 0; i < 1000; i++)
		v[i] = UINT64_MAX - i;
	run_distribution("top", v, 1000);

	free(v);
}

/* Small values are exact, and percentiles over 1..100 are the ranks. */
static void test_exact_small(void)
{
	struct hist *h = hist_new();
	uint64_t v;

	for (v = 0; v < 2 * HIST_SUB_COUNT; v++) {
		CHECK_EQ_U64(hist_index(v), v);
		CHECK_EQ_U64(hist_bucket_low(hist_index(v)), v);
		CHECK_EQ_U64(hist_bucket_high(hist_index(v)), v);
	}
	for (v = 1; v <= 100; v++)
		hist_record(h, v);
	CHECK_EQ_U64(hist_percentile(h, 1.0), 1);
	CHECK_EQ_U64(hist_percentile(h, 50.0), 50);
	CHECK_EQ_U64(hist_percentile(h, 50.5), 51);
	CHECK_EQ_U64(hist_percentile(h, 99.0), 99);
	CHECK_EQ_U64(hist_percentile(h, 99.9), 100);
	CHECK_EQ_U64(hist_percentile(h, 100.0), 100);
	CHECK_EQ_U64(hist_percentile(h, 0.001), 1);
	CHECK_NEAR(hist_mean(h), 50.5, 1e-12);
	CHECK_EQ_U64(h->min, 1);
	CHECK_EQ_U64(h->max, 100);

	/* Decimal percentiles give the rank a person computes: 99.9% of 1000
	 * is rank 999, not 1000 (the product is 999.0000000000001). */
	hist_init(h);
	for (v = 1; v <= 998; v++)
		hist_record(h, 5);
	hist_record(h, 100); /* rank 999 */
	hist_record(h, 200); /* rank 1000 */
	CHECK_EQ_U64(hist_percentile(h, 99.8), 5);
	CHECK_EQ_U64(hist_percentile(h, 99.9), 100);
	CHECK_EQ_U64(hist_percentile(h, 99.95), 200);
	hist_init(h);
	for (v = 1; v <= 1000; v++)
		hist_record(h, v <= 100 ? 10 : v == 101 ? 20 : 30);
	CHECK_EQ_U64(hist_percentile(h, 10.0), 10);
	CHECK_EQ_U64(hist_percentile(h, 10.1), 20);
	CHECK_EQ_U64(hist_percentile(h, 10.2), 30);

	hist_init(h);
	hist_record(h, 0);
	CHECK_EQ_U64(hist_percentile(h, 50.0), 0);
	CHECK_EQ_U64(hist_percentile(h, 100.0), 0);
	CHECK_EQ_U64(h->min, 0);
	free(h);
}

static void test_empty(void)
{
	struct hist *h = hist_new();

	CHECK_EQ_U64(h->count, 0);
	CHECK_EQ_U64(h->min, UINT64_MAX);
	CHECK_EQ_U64(h->max, 0);
	CHECK_EQ_U64(hist_percentile(h, 50.0), 0);
	CHECK_EQ_U64(hist_percentile(h, 100.0), 0);
	CHECK_NEAR(hist_mean(h), 0.0, 0.0);
	free(h);
}

/* Check one value against its bucket. */
static void check_value_bucket(uint64_t v)
{
	size_t i = hist_index(v);

	CHECK(i < HIST_BUCKETS);
	CHECK(hist_bucket_low(i) <= v);
	CHECK(v <= hist_bucket_high(i));
}

static void test_buckets(void)
{
	uint64_t s = 42, v;
	size_t i;
	unsigned int b;

	check_value_bucket(0);
	check_value_bucket(127);
	check_value_bucket(128);
	check_value_bucket(255);
	check_value_bucket(256);
	check_value_bucket(UINT64_C(1) << 63);
	check_value_bucket(UINT64_MAX);
	CHECK_EQ_U64(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	CHECK_EQ_U64(hist_index(127), 127);
	CHECK_EQ_U64(hist_index(128), 128);
	CHECK_EQ_U64(hist_index(256), 256);
	CHECK_EQ_U64(hist_index(257), 256);
	CHECK_EQ_U64(hist_index(258), 257);
	for (b = 0; b < 64; b++) {
		v = UINT64_C(1) << b;
		check_value_bucket(v);
		check_value_bucket(v - 1);
		check_value_bucket(v + 1);
	}
	for (i = 0; i < 100000; i++)
		check_value_bucket(rng_next(&s) >> (i % 64));

	/* The buckets tile [0, UINT64_MAX] in order with no gap or overlap,
	 * and each bucket is at most 1/128 of its low end wide. */
	CHECK_EQ_U64(hist_bucket_low(0), 0);
	CHECK_EQ_U64(hist_bucket_high(HIST_BUCKETS - 1), UINT64_MAX);
	for (i = 0; i < HIST_BUCKETS; i++) {
		uint64_t lo = hist_bucket_low(i), hi = hist_bucket_high(i);

		CHECK(lo <= hi);
		CHECK_EQ_U64(hist_index(lo), i);
		CHECK_EQ_U64(hist_index(hi), i);
		CHECK(hi - lo <= lo / HIST_SUB_COUNT);
		if (i + 1 < HIST_BUCKETS)
			CHECK_EQ_U64(hi + 1, hist_bucket_low(i + 1));
	}
}

static void test_merge(void)
{
	struct hist *a = hist_new(), *b = hist_new(), *both = hist_new();
	struct hist *empty = hist_new();
	uint64_t s = 7, v;
	double pct;
	size_t i;

	for (i = 0; i < 50000; i++) {
		v = rng_next(&s) % 100000;
		hist_record(a, v);
		hist_record(both, v);
		v = 1000000 + (rng_next(&s) >> 30);
		hist_record(b, v);
		hist_record(both, v);
	}
	hist_record(b, 3);
	hist_record(both, 3);

	hist_merge(a, b);
	CHECK_EQ_U64(a->count, both->count);
	CHECK_EQ_U64(a->min, both->min);
	CHECK_EQ_U64(a->min, 3);
	CHECK_EQ_U64(a->max, both->max);
	CHECK_NEAR(a->sum, both->sum, 1e-12 * both->sum);
	for (i = 0; i < HIST_BUCKETS; i++)
		if (a->bucket[i] != both->bucket[i])
			break;
	CHECK_EQ_U64(i, HIST_BUCKETS);
	for (pct = 0.5; pct <= 100.0; pct += 0.5)
		CHECK_EQ_U64(hist_percentile(a, pct), hist_percentile(both, pct));

	/* Empty into full changes nothing; full into empty copies. */
	hist_merge(a, empty);
	CHECK_EQ_U64(a->count, both->count);
	CHECK_EQ_U64(a->min, 3);
	hist_merge(empty, b);
	CHECK_EQ_U64(empty->count, b->count);
	CHECK_EQ_U64(empty->min, b->min);
	CHECK_EQ_U64(empty->max, b->max);
	CHECK_EQ_U64(hist_percentile(empty, 50.0), hist_percentile(b, 50.0));

	free(a);
	free(b);
	free(both);
	free(empty);
}

int main(void)
{
	test_exact_small();
	test_empty();
	test_buckets();
	test_distributions();
	test_merge();
	return check_done("test_hist");
}
