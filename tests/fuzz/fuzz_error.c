/* Fuzz target: an ERROR body, as run.c hands it to wire_decode_error.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: a refused body has a one-line reason; an accepted one holds a
 * printable reason and encodes back to the very same bytes.
 * Seeds (gen_seeds.c): ERROR frames from wire_encode_error less their
 * header; a reason too long, one with a NUL, a truncated body. */
#include "fuzz.h"

#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	char err[FUZZ_ERR_LEN];
	struct wire_error m;

	if (size > WIRE_MAX_BODY)
		return 0;
	memset(err, 'x', sizeof err);
	if (wire_decode_error(data, size, &m, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	fuzz_expect_text(m.reason, sizeof m.reason);
	fuzz_expect_frame(frame, wire_encode_error(frame, sizeof frame, &m),
			  WIRE_ERROR, data, size);
	return 0;
}
