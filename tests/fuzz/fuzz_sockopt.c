/* Fuzz target: sockopt_parse, the parser of "sndbuf=256K,nodelay,..."
 * that both programs run on --opts and tub-recv on a TEST's options.
 *
 * Input: the text, without its NUL (one is added; the text ends at the
 * first NUL in the input, as a C string would).
 * Checks: a refusal has a one-line reason; an accepted set holds only
 * known options with values in range, and its canonical text
 * (sockopt_format) parses back to the same set and formats the same.
 * Seeds (gen_seeds.c): texts from sockopt_format of typical sets, with
 * flags, sizes and "off" written the ways users write them; and bad ones:
 * an option given twice, unknown names, values out of range or too
 * large, empty items, control bytes, a list over the length limit. */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size > 4096)
		return 0; /* the parser stops at 512 bytes */
	text = malloc(size + 1);
	if (!text)
		return 0;
	if (size)
		memcpy(text, data, size);
	text[size] = '\0';
	fuzz_sockopt_round_trip(text);
	free(text);
	return 0;
}
