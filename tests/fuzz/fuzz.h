/* Shared by the fuzz targets: the libFuzzer entry point, and the checks a
 * target makes after a decoder accepted or refused its input. A failed
 * check prints what was wrong and aborts, which libFuzzer reports as a
 * crash and the replay as a failed test. */
#ifndef TUB_FUZZ_H
#define TUB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input. Every target in this directory defines it; libFuzzer calls it
 * with mutated inputs, replay.c with the files of a corpus. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tub_side;

/* Reason buffers; targets fill them with 'x' before each call, so that a
 * reason left without its NUL shows. */
#define FUZZ_ERR_LEN 256

/* Print "fuzz: what" to stderr and abort. */
_Noreturn void fuzz_fail(const char *what);

/* Abort unless frame[flen] (an encoder's output) is a header of this type
 * and body length followed by body[len] exactly. */
void fuzz_expect_frame(const uint8_t *frame, int flen, int type,
		       const uint8_t *body, size_t len);

/* Abort unless a refusal's reason is what the headers promise: non-empty,
 * NUL-terminated within cap, one line. */
void fuzz_expect_reason(const char *err, size_t cap);

/* Abort unless a decoded string field of size bytes is what wire.h
 * promises: NUL-terminated, printable ASCII. */
void fuzz_expect_text(const char *s, size_t size);

/* Abort unless a decoded DONE or RESULT holds only what its decoder may
 * accept: counts in range, a finite jitter >= 0, known enums. */
void fuzz_expect_side(const struct tub_side *m);

/* Parse an option spec as tub-recv does with a TEST's remote_opts; when it
 * parses, abort unless its canonical text parses back to the same set and
 * formats to the same text. Returns what sockopt_parse returned. */
int fuzz_sockopt_round_trip(const char *spec);

/* One DONE or RESULT body (both carry a struct tub_side): decoded, checked,
 * re-encoded as a frame of type, which must hold the same bytes. */
void fuzz_side(const uint8_t *data, size_t size,
	       int (*decode)(const uint8_t *, size_t, struct tub_side *,
			     char *, size_t),
	       int (*encode)(uint8_t *, size_t, const struct tub_side *),
	       int type);

#endif
