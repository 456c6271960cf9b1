/* Checks shared by the fuzz targets. Each states a promise one of the
 * headers in common/ makes, in one direction only (what was accepted must
 * obey the rules), so that a decoder gaining checks never trips them. */
#include "fuzz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockopt.h"
#include "spec.h"
#include "wire.h"

void fuzz_fail(const char *what)
{
	fprintf(stderr, "fuzz: %s\n", what);
	abort();
}

void fuzz_expect_frame(const uint8_t *frame, int flen, int type,
		       const uint8_t *body, size_t len)
{
	char err[FUZZ_ERR_LEN];
	uint32_t body_len;
	int got;

	if (flen < 0)
		fuzz_fail("the encoder refused what its decoder accepted");
	if ((size_t)flen != WIRE_HDR_LEN + len)
		fuzz_fail("the re-encoded frame has another length");
	if (wire_decode_header(frame, &got, &body_len, err, sizeof err) < 0)
		fuzz_fail("the re-encoded header does not decode");
	if (got != type || body_len != len)
		fuzz_fail("the re-encoded header names another type or length");
	if (len && memcmp(frame + WIRE_HDR_LEN, body, len) != 0)
		fuzz_fail("the re-encoded body differs from the input");
}

void fuzz_expect_reason(const char *err, size_t cap)
{
	const char *end = memchr(err, '\0', cap);

	if (!end)
		fuzz_fail("a reason without its NUL");
	if (end == err)
		fuzz_fail("refused without a reason");
	if (strpbrk(err, "\r\n"))
		fuzz_fail("a reason of more than one line");
}

void fuzz_expect_text(const char *s, size_t size)
{
	const char *end = memchr(s, '\0', size);
	const unsigned char *p;

	if (!end)
		fuzz_fail("a decoded string without its NUL");
	for (p = (const unsigned char *)s; p < (const unsigned char *)end; p++)
		if (*p < 0x20 || *p > 0x7e)
			fuzz_fail("a decoded string with a byte not printable");
}

static void expect_intervals(const struct tub_intervals *iv)
{
	if (iv->n > TUB_INTERVALS_MAX)
		fuzz_fail("more intervals than TUB_INTERVALS_MAX accepted");
}

void fuzz_expect_side(const struct tub_side *m)
{
	expect_intervals(&m->tx.iv);
	expect_intervals(&m->rx.iv);
	if (m->tx.tcpi.valid > 1)
		fuzz_fail("tx.tcpi.valid neither 0 nor 1 accepted");
	if (!isfinite(m->rx.jitter_ns) || m->rx.jitter_ns < 0)
		fuzz_fail("a jitter not finite and >= 0 accepted");
	if (m->rx.end_how >= TUB_END_COUNT)
		fuzz_fail("an unknown end_how accepted");
}

/* What a parsed set holds: known options, each value in its option's
 * range; for the congestion name, min and max bound its length. */
static void expect_set(const struct sockopt_set *set)
{
	const struct sockopt_info *in;
	int64_t v;
	int id;

	if (set->mask >> SOCKOPT_COUNT)
		fuzz_fail("a parsed set with unknown option bits");
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(set, (enum sockopt_id)id))
			continue;
		in = sockopt_info((enum sockopt_id)id);
		v = in->type == SOCKOPT_NAME
			    ? (int64_t)strnlen(set->congestion,
					       sizeof set->congestion)
			    : set->value[id];
		if (v < in->min || v > in->max)
			fuzz_fail("a parsed option value out of its range");
	}
}

static int same_set(const struct sockopt_set *a, const struct sockopt_set *b)
{
	int id;

	if (a->mask != b->mask)
		return 0;
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!sockopt_has(a, (enum sockopt_id)id))
			continue;
		if (id == SOCKOPT_CONGESTION) {
			if (strcmp(a->congestion, b->congestion) != 0)
				return 0;
		} else if (a->value[id] != b->value[id]) {
			return 0;
		}
	}
	return 1;
}

int fuzz_sockopt_round_trip(const char *spec)
{
	char err[FUZZ_ERR_LEN], text[TUB_OPTSTR_MAX], again[TUB_OPTSTR_MAX];
	struct sockopt_set set, set2;

	memset(err, 'x', sizeof err);
	if (sockopt_parse(spec, &set, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return -1;
	}
	expect_set(&set);
	if (sockopt_format(&set, text, sizeof text) < 0)
		fuzz_fail("a parsed option set does not format in "
			  "TUB_OPTSTR_MAX bytes");
	if (sockopt_parse(text, &set2, err, sizeof err) < 0)
		fuzz_fail("the canonical text of a parsed set does not parse");
	if (!same_set(&set, &set2))
		fuzz_fail("the canonical text parses to another set");
	if (sockopt_format(&set2, again, sizeof again) < 0 ||
	    strcmp(text, again) != 0)
		fuzz_fail("the canonical text formats differently when "
			  "parsed again");
	return 0;
}

void fuzz_side(const uint8_t *data, size_t size,
	       int (*decode)(const uint8_t *, size_t, struct tub_side *,
			     char *, size_t),
	       int (*encode)(uint8_t *, size_t, const struct tub_side *),
	       int type)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	static struct tub_side m; /* 50 KB */
	char err[FUZZ_ERR_LEN];

	if (size > WIRE_MAX_BODY)
		return;
	memset(err, 'x', sizeof err);
	if (decode(data, size, &m, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return;
	}
	fuzz_expect_side(&m);
	fuzz_expect_frame(frame, encode(frame, sizeof frame, &m), type, data,
			  size);
}
