/* Fuzz target: a RESULT body (the receiver's counters), as tub-send hands
 * it to wire_decode_result.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: a refused body has a one-line reason; an accepted one holds
 * counts in range and known enums (fuzz_expect_side) and encodes back to
 * the very same bytes.
 * Seeds (gen_seeds.c): RESULT frames from wire_encode_result less their
 * header (stream and rr counters, intervals up to TUB_INTERVALS_MAX);
 * too many intervals, a bad jitter or bool, truncated and trailing
 * bytes. */
#include "fuzz.h"

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_side(data, size, wire_decode_result, wire_encode_result, WIRE_RESULT);
	return 0;
}
