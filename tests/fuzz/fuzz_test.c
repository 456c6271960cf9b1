/* Fuzz target: a TEST body, the way tub-recv takes it in:
 * wire_decode_test, then spec_check with the default limits, then
 * sockopt_parse of the remote options.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: each refusal has a one-line reason; an accepted body obeys the
 * decoder's rules (session nonzero, known enums and flags, window within
 * TUB_RUDP_WINDOW_MAX, printable options) and encodes back to the very
 * same bytes; an accepted spec is one this build implements, with a
 * message size and a duration or count within the limits; accepted
 * options survive the canonical-text round trip (fuzz.h).
 * Seeds (gen_seeds.c): TEST frames from wire_encode_test less their header
 * (every proto, several kinds, options, flags, window 65535), specs the
 * decoder takes but spec_check refuses, and bad bodies: window 65536,
 * unknown flags or proto, session 0, options with a NUL, truncations. */
#include "fuzz.h"

#include <string.h>

#include "kind.h"
#include "spec.h"
#include "wire.h"

static void expect_decoded(const struct tub_spec *s)
{
	if (s->session == 0)
		fuzz_fail("TEST with session 0 accepted");
	if (s->proto >= TUB_PROTO_COUNT || s->kind >= TUB_KIND_COUNT ||
	    s->dir >= TUB_DIR_COUNT)
		fuzz_fail("TEST with an unknown proto, kind or dir accepted");
	if (s->flags & ~TUB_SPEC_KNOWN_FLAGS)
		fuzz_fail("TEST with unknown flags accepted");
	if (s->window > TUB_RUDP_WINDOW_MAX)
		fuzz_fail("TEST with a window over the maximum accepted");
	fuzz_expect_text(s->remote_opts, sizeof s->remote_opts);
}

static void expect_checked(const struct tub_spec *s,
			   const struct tub_limits *lim)
{
	if (!kind_runs_on(s->kind, s->proto, s->dir))
		fuzz_fail("spec_check passed a test not implemented");
	if (s->msg_size == 0 || s->msg_size > lim->max_msg_size)
		fuzz_fail("spec_check passed a message size over the limit");
	if (s->duration_ns == 0 && s->count == 0)
		fuzz_fail("spec_check passed a test without duration or count");
	if (s->duration_ns > lim->max_duration_ns ||
	    s->count > lim->max_count || s->rate_bps > lim->max_rate_bps)
		fuzz_fail("spec_check passed a duration, count or rate over "
			  "the limit");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	char err[FUZZ_ERR_LEN];
	struct tub_limits lim;
	struct tub_spec s;

	if (size > WIRE_MAX_BODY)
		return 0;
	memset(err, 'x', sizeof err);
	if (wire_decode_test(data, size, &s, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	expect_decoded(&s);
	fuzz_expect_frame(frame, wire_encode_test(frame, sizeof frame, &s),
			  WIRE_TEST, data, size);

	spec_default_limits(&lim);
	memset(err, 'x', sizeof err);
	if (spec_check(&s, &lim, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	expect_checked(&s, &lim);
	fuzz_sockopt_round_trip(s.remote_opts);
	return 0;
}
