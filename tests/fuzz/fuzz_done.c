/* Fuzz target: a DONE body (the sender's counters), as the receiver hands
 * it to wire_decode_done.
 *
 * Input: the body only (the frame less its WIRE_HDR_LEN header); bodies
 * over WIRE_MAX_BODY are ignored, as no header admits them.
 * Checks: a refused body has a one-line reason; an accepted one holds
 * counts in range and known enums (fuzz_expect_side) and encodes back to
 * the very same bytes.
 * Seeds (gen_seeds.c): DONE frames from wire_encode_done less their header
 * (stream and rr counters, intervals up to TUB_INTERVALS_MAX); too many
 * intervals, a bad jitter or bool, truncated and trailing bytes. */
#include "fuzz.h"

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_side(data, size, wire_decode_done, wire_encode_done, WIRE_DONE);
	return 0;
}
