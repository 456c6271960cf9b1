/* Numbers with unit suffixes: sizes, rates, durations; and their printing. */
#ifndef TUB_UNITS_H
#define TUB_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse a byte count: "1400", "64K", "64k", "64KiB", "1.5M", "2G".
 * Suffixes are binary (K = 1024). The result must be a whole number of
 * bytes. Rejects empty, negative, trailing junk, overflow. 0 or -1. */
int units_parse_size(const char *s, uint64_t *bytes);

/* Parse a rate in bit/s: "1000", "500M", "10mbit", "1.5G", "100kbit/s".
 * Suffixes are decimal (k/K = 1000, m/M = 1e6, g/G = 1e9, t/T = 1e12),
 * optionally followed by "bit" or "bit/s". 0 or -1. */
int units_parse_rate(const char *s, uint64_t *bps);

/* Parse a duration into nanoseconds: "10" (seconds), "10s", "1.5s",
 * "500ms", "250us", "100ns", "2m" (minutes). 0 or -1. */
int units_parse_duration(const char *s, uint64_t *ns);

/* "1.23 Gbit/s", "950 Mbit/s", "12.0 kbit/s", "0 bit/s". Returns buf. */
char *units_fmt_rate(double bps, char *buf, size_t len);

/* "1400 B", "64 KiB", "1.50 MiB". Returns buf. */
char *units_fmt_size(uint64_t bytes, char *buf, size_t len);

/* "25.3 us", "1.20 ms", "2.00 s" from nanoseconds. Returns buf. */
char *units_fmt_duration(double ns, char *buf, size_t len);

#endif
