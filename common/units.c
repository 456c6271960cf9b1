/* Numbers with unit suffixes: sizes, rates, durations; and their printing.
 *
 * Parsing is exact integer arithmetic: "1.1G" is 11 * 10^8, never
 * 1.1 * 1e9 rounded. A number is DIGITS [ "." DIGITS ] SUFFIX with no
 * sign, space or exponent; the value times the suffix's multiplier must
 * be a whole number that fits in 64 bits. Errors set errno: EINVAL for
 * bad syntax or a fractional result, ERANGE for overflow. */
#include "units.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The pieces of "123.45suffix". */
struct number {
	const char *int_digits;
	size_t int_len;
	const char *frac_digits;
	size_t frac_len;
	const char *suffix;
};

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Split s into digits, fraction and suffix; 0 or -1 on bad syntax. */
static int split_number(const char *s, struct number *num)
{
	const char *p = s;

	if (!s || !is_digit(*p))
		return -1;
	num->int_digits = p;
	while (is_digit(*p))
		p++;
	num->int_len = (size_t)(p - num->int_digits);
	num->frac_digits = p;
	num->frac_len = 0;
	if (*p == '.') {
		p++;
		num->frac_digits = p;
		while (is_digit(*p))
			p++;
		num->frac_len = (size_t)(p - num->frac_digits);
		if (num->frac_len == 0)
			return -1; /* "1." */
	}
	num->suffix = p;
	return 0;
}

/* num * mult into *out, exactly; 0, or -1 with errno set. */
static int scale_number(const struct number *num, uint64_t mult, uint64_t *out)
{
	uint64_t v = 0, carry = 0;
	size_t i;

	/* Long multiplication of 0.DDDD by mult, last digit first: each
	 * product digit below the point must be 0 for a whole result, and
	 * what carries past the point is the fraction's integer share.
	 * carry < mult, so d * mult + carry < 10 * mult: no overflow for
	 * multipliers below 2^60. */
	for (i = num->frac_len; i > 0; i--) {
		uint64_t t =
		    (uint64_t)(num->frac_digits[i - 1] - '0') * mult + carry;

		if (t % 10 != 0) {
			errno = EINVAL;
			return -1;
		}
		carry = t / 10;
	}

	for (i = 0; i < num->int_len; i++) {
		uint64_t d = (uint64_t)(num->int_digits[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			goto overflow;
		v = v * 10 + d;
	}
	if (mult != 0 && v > UINT64_MAX / mult)
		goto overflow;
	v *= mult;
	if (v > UINT64_MAX - carry)
		goto overflow;
	*out = v + carry;
	return 0;

overflow:
	errno = ERANGE;
	return -1;
}

/* 1..4 for k, m, g, t in either case; 0 for anything else. */
static unsigned prefix_power(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 1;
	case 'm':
	case 'M':
		return 2;
	case 'g':
	case 'G':
		return 3;
	case 't':
	case 'T':
		return 4;
	default:
		return 0;
	}
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	struct number num;
	uint64_t mult = 1;
	const char *sfx;
	unsigned pw;

	if (split_number(s, &num) < 0)
		goto invalid;
	sfx = num.suffix;
	pw = prefix_power(*sfx);
	if (pw) {
		mult = 1ull << (10 * pw);
		sfx++;
		if (strcmp(sfx, "iB") == 0 || strcmp(sfx, "B") == 0)
			sfx = "";
	}
	if (*sfx != '\0')
		goto invalid;
	return scale_number(&num, mult, bytes);

invalid:
	errno = EINVAL;
	return -1;
}

int units_parse_rate(const char *s, uint64_t *bps)
{
	struct number num;
	uint64_t mult = 1;
	const char *sfx;
	unsigned pw;

	if (split_number(s, &num) < 0)
		goto invalid;
	sfx = num.suffix;
	pw = prefix_power(*sfx);
	if (pw) {
		while (pw--)
			mult *= 1000;
		sfx++;
	}
	if (strcmp(sfx, "bit") == 0 || strcmp(sfx, "bit/s") == 0)
		sfx = "";
	if (*sfx != '\0')
		goto invalid;
	return scale_number(&num, mult, bps);

invalid:
	errno = EINVAL;
	return -1;
}

int units_parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} tab[] = {
	    {"", 1000000000ull},   /* bare number: seconds */
	    {"s", 1000000000ull},  /* seconds */
	    {"ms", 1000000ull},	   /* milliseconds */
	    {"us", 1000ull},	   /* microseconds */
	    {"ns", 1ull},	   /* nanoseconds */
	    {"m", 60000000000ull}, /* minutes */
	};
	struct number num;
	size_t i;

	if (split_number(s, &num) < 0)
		goto invalid;
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(num.suffix, tab[i].suffix) == 0)
			return scale_number(&num, tab[i].mult, ns);
	}
invalid:
	errno = EINVAL;
	return -1;
}

/* Print v (>= 0) with 3 significant digits in the largest unit that keeps
 * it below base once rounded; units[0] is the unscaled one. */
static char *fmt_scaled(double v, double base, const char *const *units,
			size_t nunits, char *buf, size_t len)
{
	const char *sign = "";
	size_t u = 0;
	int prec;

	if (!buf || len == 0)
		return buf;
	if (isnan(v) || isinf(v)) {
		snprintf(buf, len, "%g %s", v, units[0]);
		return buf;
	}
	if (v < 0) {
		sign = "-";
		v = -v;
	}
	if (!(v > 0)) { /* v >= 0 here: zero */
		snprintf(buf, len, "0 %s", units[0]);
		return buf;
	}
	/* Step up while "%.0f" would print base or more. */
	while (u + 1 < nunits && v >= base - 0.5) {
		v /= base;
		u++;
	}
	/* Decimals from the rounded value: 9.996 is "10.0", not "10.00". */
	if (v >= 99.95)
		prec = 0;
	else if (v >= 9.995)
		prec = 1;
	else
		prec = 2;
	snprintf(buf, len, "%s%.*f %s", sign, prec, v, units[u]);
	return buf;
}

char *units_fmt_rate(double bps, char *buf, size_t len)
{
	static const char *const units[] = {
	    "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "Tbit/s",
	};

	return fmt_scaled(bps, 1000.0, units, sizeof(units) / sizeof(units[0]),
			  buf, len);
}

char *units_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
	    "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	uint64_t unit = 1;
	size_t u = 0;

	if (!buf || len == 0)
		return buf;
	/* Datagram-sized counts that are not whole KiB stay exact: a 1400 or
	 * 65507 byte payload reads better than "1.37 KiB". */
	if (bytes < 1024 || (bytes < 65536 && bytes % 1024 != 0)) {
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (u + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes / 1024 >= unit) {
		unit *= 1024;
		u++;
	}
	/* Whole multiples of the unit print as integers: "64 KiB". */
	if (bytes % unit == 0) {
		snprintf(buf, len, "%llu %s",
			 (unsigned long long)(bytes / unit), units[u]);
		return buf;
	}
	return fmt_scaled((double)bytes, 1024.0, units,
			  sizeof(units) / sizeof(units[0]), buf, len);
}

char *units_fmt_duration(double ns, char *buf, size_t len)
{
	static const char *const units[] = {"ns", "us", "ms", "s"};

	return fmt_scaled(ns, 1000.0, units, sizeof(units) / sizeof(units[0]),
			  buf, len);
}
