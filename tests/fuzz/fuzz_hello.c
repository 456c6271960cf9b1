/* Fuzz target: a HELLO body, as tub-recv hands it to wire_decode_hello.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: a refused body has a one-line reason; an accepted one holds
 * printable strings and encodes back to the very same bytes.
 * Seeds (gen_seeds.c): HELLO frames from wire_encode_hello less their
 * header; truncated bodies, a string length far too long, strings with a
 * NUL or a byte not printable. */
#include "fuzz.h"

#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[WIRE_MAX_FRAME];
	char err[FUZZ_ERR_LEN];
	struct wire_hello m;

	if (size > WIRE_MAX_BODY)
		return 0;
	memset(err, 'x', sizeof err);
	if (wire_decode_hello(data, size, &m, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	fuzz_expect_text(m.host, sizeof m.host);
	fuzz_expect_text(m.tool_version, sizeof m.tool_version);
	fuzz_expect_frame(frame, wire_encode_hello(frame, sizeof frame, &m),
			  WIRE_HELLO, data, size);
	return 0;
}
