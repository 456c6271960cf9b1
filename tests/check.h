/* Minimal checks for the unit tests: plain main(), count failures, exit status. */
#ifndef TUB_CHECK_H
#define TUB_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                          \
	do {                                                                 \
		check_count++;                                               \
		if (!(cond)) {                                               \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
		}                                                            \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                   \
	do {                                                                 \
		unsigned long long va_ = (unsigned long long)(a);            \
		unsigned long long vb_ = (unsigned long long)(b);            \
		check_count++;                                               \
		if (va_ != vb_) {                                            \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: %s == %llu, expected %s == %llu\n", \
				__FILE__, __LINE__, #a, va_, #b, vb_);       \
		}                                                            \
	} while (0)

#define CHECK_NEAR(a, b, tol)                                                \
	do {                                                                 \
		double va_ = (double)(a), vb_ = (double)(b);                 \
		check_count++;                                               \
		if (!(fabs(va_ - vb_) <= (tol))) {                           \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: %s == %.9g, expected %.9g +- %g\n", \
				__FILE__, __LINE__, #a, va_, vb_, (double)(tol)); \
		}                                                            \
	} while (0)

#define CHECK_STR(a, b)                                                      \
	do {                                                                 \
		const char *sa_ = (a), *sb_ = (b);                           \
		check_count++;                                               \
		if (strcmp(sa_, sb_) != 0) {                                 \
			check_failures++;                                    \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", \
				__FILE__, __LINE__, #a, sa_, sb_);           \
		}                                                            \
	} while (0)

/* Print the tally and give main()'s exit status. */
static inline int check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures ? 1 : 0;
}

#endif
