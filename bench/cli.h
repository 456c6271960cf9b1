/* What the programs' mains share for their command lines. */
#ifndef TUB_CLI_H
#define TUB_CLI_H

/* "PROG: <message> (try --help)" on stderr, one line, and exit status 2. */
_Noreturn void cli_usage_error(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
