#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "units.h"

void cli_usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (try --help)\n", stderr);
	exit(2);
}

uint64_t cli_whole(const char *prog, const char *what, const char *s,
		   uint64_t max)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || s[0] == '+' ||
	    s[0] == ' ' || v > max)
		cli_usage_error(prog, "bad %s '%s' (a whole number%s)", what, s,
				max < UINT64_MAX ? ", within its range" : "");
	return v;
}

uint64_t cli_size(const char *prog, const char *what, const char *s)
{
	uint64_t v;

	if (units_parse_size(s, &v) < 0)
		cli_usage_error(prog, "bad %s '%s' (bytes, e.g. 1400, 64K, 1M)",
				what, s);
	return v;
}

uint64_t cli_duration(const char *prog, const char *what, const char *s)
{
	uint64_t v;

	if (units_parse_duration(s, &v) < 0)
		cli_usage_error(prog, "bad %s '%s' (e.g. 10, 10s, 500ms)", what,
				s);
	return v;
}

uint64_t cli_rate(const char *prog, const char *what, const char *s)
{
	uint64_t v;

	if (units_parse_rate(s, &v) < 0)
		cli_usage_error(prog, "bad %s '%s' (bit/s, e.g. 500M, 10mbit)",
				what, s);
	return v;
}
