/* Fuzz target: one whole control frame, header and body, as it arrives on
 * the control connection: wire_decode_header, then the decoder its type
 * names.
 *
 * Input: the frame. Fewer than WIRE_HDR_LEN bytes are ignored; a body
 * length that disagrees with the rest of the input stops after the header,
 * as a reader would wait for more or see the connection end.
 * Checks: an accepted header obeys wire.h (magic, version, a known type, a
 * body within WIRE_MAX_BODY); a refused header or body has a one-line
 * reason; an accepted frame encodes back to the very same bytes.
 * Seeds (gen_seeds.c): a frame of every type from the encoders; headers
 * with a bad magic, version, type or length; truncated frames. */
#include "fuzz.h"

#include <string.h>

#include "wire.h"

static union {
	struct wire_hello hello;
	struct tub_spec test;
	struct wire_ready ready;
	struct tub_side side; /* 50 KB: static, not on the stack */
	struct wire_error error;
} msg;
static uint8_t out[WIRE_MAX_FRAME];

/* An accepted header h, decoded into type and body_len. */
static void expect_header_rules(const uint8_t *h, int type, uint32_t body_len)
{
	uint32_t len = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 |
		       (uint32_t)h[6] << 8 | h[7];

	if (((unsigned)h[0] << 8 | h[1]) != WIRE_MAGIC)
		fuzz_fail("a header with a bad magic accepted");
	if (h[2] != WIRE_VERSION)
		fuzz_fail("a header of another version accepted");
	if (h[3] < WIRE_HELLO || h[3] >= WIRE_TYPE_END)
		fuzz_fail("a header of an unknown type accepted");
	if (len > WIRE_MAX_BODY)
		fuzz_fail("a body over WIRE_MAX_BODY accepted");
	if (type != h[3] || body_len != len)
		fuzz_fail("wire_decode_header gave another type or length");
}

/* Decode the body as its type says and encode it again: 0 if it round
 * trips, -1 if the decoder refused it (reason in err). */
static int round_trip(int type, const uint8_t *body, size_t len, char *err,
		      size_t errlen)
{
	int n;

	switch (type) {
	case WIRE_HELLO:
		if (wire_decode_hello(body, len, &msg.hello, err, errlen) < 0)
			return -1;
		n = wire_encode_hello(out, sizeof out, &msg.hello);
		break;
	case WIRE_TEST:
		if (wire_decode_test(body, len, &msg.test, err, errlen) < 0)
			return -1;
		n = wire_encode_test(out, sizeof out, &msg.test);
		break;
	case WIRE_READY:
		if (wire_decode_ready(body, len, &msg.ready, err, errlen) < 0)
			return -1;
		n = wire_encode_ready(out, sizeof out, &msg.ready);
		break;
	case WIRE_DONE:
		if (wire_decode_done(body, len, &msg.side, err, errlen) < 0)
			return -1;
		n = wire_encode_done(out, sizeof out, &msg.side);
		break;
	case WIRE_RESULT:
		if (wire_decode_result(body, len, &msg.side, err, errlen) < 0)
			return -1;
		n = wire_encode_result(out, sizeof out, &msg.side);
		break;
	case WIRE_ERROR:
		if (wire_decode_error(body, len, &msg.error, err, errlen) < 0)
			return -1;
		n = wire_encode_error(out, sizeof out, &msg.error);
		break;
	default:
		/* A type this file does not know yet: nothing to compare. */
		return 0;
	}
	fuzz_expect_frame(out, n, type, body, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[FUZZ_ERR_LEN];
	uint32_t body_len;
	int type;

	if (size < WIRE_HDR_LEN)
		return 0;
	memset(err, 'x', sizeof err);
	if (wire_decode_header(data, &type, &body_len, err, sizeof err) < 0) {
		fuzz_expect_reason(err, sizeof err);
		return 0;
	}
	expect_header_rules(data, type, body_len);
	if (body_len != size - WIRE_HDR_LEN)
		return 0;
	memset(err, 'x', sizeof err);
	if (round_trip(type, data + WIRE_HDR_LEN, body_len, err, sizeof err))
		fuzz_expect_reason(err, sizeof err);
	return 0;
}
