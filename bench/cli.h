/* What the programs' mains share for their command lines. */
#ifndef TUB_CLI_H
#define TUB_CLI_H

#include <stdint.h>

/* "PROG: <message> (try --help)" on stderr, one line, and exit status 2. */
_Noreturn void cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Option values, read whole or refused with cli_usage_error: a whole
 * number up to max; a size (1400, 64K, 1M); a duration (10, 10s, 500ms);
 * a rate in bit/s (500M, 10mbit). what names the value in the error. */
uint64_t cli_whole(const char *prog, const char *what, const char *s,
		   uint64_t max);
uint64_t cli_size(const char *prog, const char *what, const char *s);
uint64_t cli_duration(const char *prog, const char *what, const char *s);
uint64_t cli_rate(const char *prog, const char *what, const char *s);

#endif
