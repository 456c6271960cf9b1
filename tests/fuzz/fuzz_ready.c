/* Fuzz target: a READY body, as tub-send hands it to wire_decode_ready.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: a refused body has a one-line reason; an accepted one obeys the
 * decoder's rules (a nonzero port, printable strings, only known options,
 * flags and bools 0 or 1) and encodes back to the very same bytes.
 * Seeds (gen_seeds.c): READY frames from wire_encode_ready less their
 * header (no options, every option, notes); unknown option bits, a flag
 * of 2, a congestion name too long, port 0, truncations. */
#include "fuzz.h"

#include <string.h>

#include "sockopt.h"
#include "wire.h"

static void expect_decoded(const struct wire_ready *m)
{
	int id;

	if (m->data_port == 0)
		fuzz_fail("READY with data port 0 accepted");
	fuzz_expect_text(m->host, sizeof m->host);
	fuzz_expect_text(m->tool_version, sizeof m->tool_version);
	fuzz_expect_text(m->notes, sizeof m->notes);
	if (m->sndbuf_clamped > 1 || m->rcvbuf_clamped > 1)
		fuzz_fail("READY with a clamped flag neither 0 nor 1 accepted");
	if (m->granted.mask >> SOCKOPT_COUNT)
		fuzz_fail("READY with unknown option bits accepted");
	if (sockopt_has(&m->granted, SOCKOPT_CONGESTION))
		fuzz_expect_text(m->granted.congestion,
				 sizeof m->granted.congestion);
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		const struct sockopt_info *in =
			sockopt_info((enum sockopt_id)id);
		int64_t v = m->granted.value[id];

		if (sockopt_has(&m->granted, (enum sockopt_id)id) &&
		    in->type == SOCKOPT_FLAG && v != 0 && v != 1)
			fuzz_fail("READY with a flag option neither 0 nor 1 "
				  "accepted");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	char err[FUZZ_ERR_LEN];
	struct wire_ready m;

	if (size > WIRE_MAX_BODY)
		return 0;
	memset(err, 'x', sizeof err);
	if (wire_decode_ready(data, size, &m, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	expect_decoded(&m);
	fuzz_expect_frame(frame, wire_encode_ready(frame, sizeof frame, &m),
			  WIRE_READY, data, size);
	return 0;
}
