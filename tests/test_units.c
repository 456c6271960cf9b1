/* Unit tests for common/units.c: parsers' edge cases, formatters' strings. */
#include "units.h"

#include <errno.h>
#include <stdint.h>

#include "check.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

/* Parse must succeed with exactly want. */
#define OK(fn, s, want)                                                        \
	do {                                                                   \
		uint64_t v_ = SENTINEL;                                        \
		CHECK(fn(s, &v_) == 0);                                        \
		CHECK_EQ_U64(v_, want);                                        \
	} while (0)

/* Parse must fail with errno err and leave the output alone. */
#define BAD(fn, s, err)                                                        \
	do {                                                                   \
		uint64_t v_ = SENTINEL;                                        \
		errno = 0;                                                     \
		CHECK(fn(s, &v_) == -1);                                       \
		CHECK(errno == (err));                                         \
		CHECK_EQ_U64(v_, SENTINEL);                                    \
	} while (0)

static void test_size(void)
{
	OK(units_parse_size, "0", 0);
	OK(units_parse_size, "1400", 1400);
	OK(units_parse_size, "007", 7);
	OK(units_parse_size, "64K", 65536);
	OK(units_parse_size, "64k", 65536);
	OK(units_parse_size, "64KiB", 65536);
	OK(units_parse_size, "64KB", 65536);
	OK(units_parse_size, "1M", 1048576);
	OK(units_parse_size, "1m", 1048576);
	OK(units_parse_size, "1MiB", 1048576);
	OK(units_parse_size, "1.5M", 1572864);
	OK(units_parse_size, "1.5K", 1536);
	OK(units_parse_size, "0.5K", 512);
	OK(units_parse_size, "2G", 2147483648ull);
	OK(units_parse_size, "2g", 2147483648ull);
	OK(units_parse_size, "1GB", 1073741824ull);
	OK(units_parse_size, "1T", 1099511627776ull);
	OK(units_parse_size, "1t", 1099511627776ull);
	OK(units_parse_size, "1TiB", 1099511627776ull);
	OK(units_parse_size, "1.0", 1);
	OK(units_parse_size, "0.0K", 0);
	/* 1 + 2^-40 TiB is exactly 2^40 + 1 bytes: needs all 40 digits. */
	OK(units_parse_size, "1.0000000000009094947017729282379150390625T",
	   1099511627777ull);
	OK(units_parse_size, "18446744073709551615", UINT64_MAX);
	OK(units_parse_size, "17179869183G", UINT64_MAX - 1073741823ull);
	OK(units_parse_size, "16777215T", UINT64_MAX - 1099511627775ull);
	OK(units_parse_size,
	   "16777215.9999999999990905052982270717620849609375T", UINT64_MAX);

	BAD(units_parse_size, "18446744073709551616", ERANGE);
	BAD(units_parse_size, "99999999999999999999999", ERANGE);
	BAD(units_parse_size, "17179869184G", ERANGE);
	BAD(units_parse_size, "16777216T", ERANGE);
	BAD(units_parse_size, "16777216.5T", ERANGE);
	BAD(units_parse_size, "16777215.9999999999T", EINVAL); /* not whole */
	BAD(units_parse_size, "16E", EINVAL);
	BAD(units_parse_size, "1.5", EINVAL);
	BAD(units_parse_size, "0.1K", EINVAL);
	BAD(units_parse_size, "", EINVAL);
	BAD(units_parse_size, NULL, EINVAL);
	BAD(units_parse_size, "-1", EINVAL);
	BAD(units_parse_size, "+1", EINVAL);
	BAD(units_parse_size, " 1", EINVAL);
	BAD(units_parse_size, "1 ", EINVAL);
	BAD(units_parse_size, "1 K", EINVAL);
	BAD(units_parse_size, "1.", EINVAL);
	BAD(units_parse_size, ".5", EINVAL);
	BAD(units_parse_size, ".5K", EINVAL);
	BAD(units_parse_size, "1.K", EINVAL);
	BAD(units_parse_size, "1..5", EINVAL);
	BAD(units_parse_size, "1e3", EINVAL);
	BAD(units_parse_size, "1E3", EINVAL);
	BAD(units_parse_size, "0x10", EINVAL);
	BAD(units_parse_size, "nan", EINVAL);
	BAD(units_parse_size, "inf", EINVAL);
	BAD(units_parse_size, "K", EINVAL);
	BAD(units_parse_size, "1B", EINVAL);
	BAD(units_parse_size, "1iB", EINVAL);
	BAD(units_parse_size, "1Ki", EINVAL);
	BAD(units_parse_size, "1Kib", EINVAL);
	BAD(units_parse_size, "1kb", EINVAL);
	BAD(units_parse_size, "1KK", EINVAL);
	BAD(units_parse_size, "1KiBx", EINVAL);
	BAD(units_parse_size, "1P", EINVAL);
	BAD(units_parse_size, "1,5K", EINVAL);
}

static void test_rate(void)
{
	OK(units_parse_rate, "0", 0);
	OK(units_parse_rate, "1000", 1000);
	OK(units_parse_rate, "1000bit", 1000);
	OK(units_parse_rate, "1000bit/s", 1000);
	OK(units_parse_rate, "100k", 100000);
	OK(units_parse_rate, "100K", 100000);
	OK(units_parse_rate, "100kbit/s", 100000);
	OK(units_parse_rate, "500M", 500000000);
	OK(units_parse_rate, "10mbit", 10000000);
	OK(units_parse_rate, "10Mbit/s", 10000000);
	OK(units_parse_rate, "1.5G", 1500000000);
	OK(units_parse_rate, "1.1G", 1100000000);
	OK(units_parse_rate, "2.3g", 2300000000ull);
	OK(units_parse_rate, "0.001k", 1);
	OK(units_parse_rate, "0.000001M", 1);
	OK(units_parse_rate, "1T", 1000000000000ull);
	OK(units_parse_rate, "2.5tbit", 2500000000000ull);
	OK(units_parse_rate, "18446744073709551615", UINT64_MAX);
	OK(units_parse_rate, "18446744073709551k", 18446744073709551000ull);
	OK(units_parse_rate, "18446744073709551.615k", UINT64_MAX);

	BAD(units_parse_rate, "18446744073709551616", ERANGE);
	BAD(units_parse_rate, "18446744073709552k", ERANGE);
	BAD(units_parse_rate, "18446744073709551.616k", ERANGE);
	BAD(units_parse_rate, "18446745T", ERANGE);
	BAD(units_parse_rate, "1.5", EINVAL);
	BAD(units_parse_rate, "0.0001k", EINVAL);
	BAD(units_parse_rate, "", EINVAL);
	BAD(units_parse_rate, "-1M", EINVAL);
	BAD(units_parse_rate, " 1M", EINVAL);
	BAD(units_parse_rate, "1M ", EINVAL);
	BAD(units_parse_rate, "1 Mbit", EINVAL);
	BAD(units_parse_rate, "1.5e9", EINVAL);
	BAD(units_parse_rate, "1Mbps", EINVAL);
	BAD(units_parse_rate, "1MB", EINVAL);
	BAD(units_parse_rate, "1Mbit/", EINVAL);
	BAD(units_parse_rate, "1Mbit/s/", EINVAL);
	BAD(units_parse_rate, "1Mbits", EINVAL);
	BAD(units_parse_rate, "1MBit", EINVAL);
	BAD(units_parse_rate, "1b", EINVAL);
	BAD(units_parse_rate, "bit", EINVAL);
	BAD(units_parse_rate, "M", EINVAL);
	BAD(units_parse_rate, "1kk", EINVAL);
	BAD(units_parse_rate, "1Mi", EINVAL);
	BAD(units_parse_rate, "inf", EINVAL);
}

static void test_duration(void)
{
	OK(units_parse_duration, "0", 0);
	OK(units_parse_duration, "10", 10000000000ull);
	OK(units_parse_duration, "10s", 10000000000ull);
	OK(units_parse_duration, "1.5s", 1500000000ull);
	OK(units_parse_duration, "1.5", 1500000000ull);
	OK(units_parse_duration, "0.1s", 100000000ull);
	OK(units_parse_duration, "500ms", 500000000ull);
	OK(units_parse_duration, "0.5ms", 500000ull);
	OK(units_parse_duration, "250us", 250000ull);
	OK(units_parse_duration, "1.001us", 1001ull);
	OK(units_parse_duration, "100ns", 100ull);
	OK(units_parse_duration, "2m", 120000000000ull);
	OK(units_parse_duration, "1.5m", 90000000000ull);
	OK(units_parse_duration, "0.000000001s", 1ull);
	OK(units_parse_duration, "18446744073s", 18446744073000000000ull);
	OK(units_parse_duration, "18446744073.709551615", UINT64_MAX);
	OK(units_parse_duration, "307445734m", 18446744040000000000ull);

	BAD(units_parse_duration, "18446744074s", ERANGE);
	BAD(units_parse_duration, "18446744073.709551616", ERANGE);
	BAD(units_parse_duration, "307445735m", ERANGE);
	BAD(units_parse_duration, "18446744073709551616ns", ERANGE);
	BAD(units_parse_duration, "0.0000000001s", EINVAL);
	BAD(units_parse_duration, "1.5ns", EINVAL);
	BAD(units_parse_duration, "", EINVAL);
	BAD(units_parse_duration, "-1s", EINVAL);
	BAD(units_parse_duration, "1 s", EINVAL);
	BAD(units_parse_duration, " 1s", EINVAL);
	BAD(units_parse_duration, "1s ", EINVAL);
	BAD(units_parse_duration, "1S", EINVAL);
	BAD(units_parse_duration, "1M", EINVAL);
	BAD(units_parse_duration, "1h", EINVAL);
	BAD(units_parse_duration, "1min", EINVAL);
	BAD(units_parse_duration, "1sec", EINVAL);
	BAD(units_parse_duration, "1mss", EINVAL);
	BAD(units_parse_duration, "1e3", EINVAL);
	BAD(units_parse_duration, ".5s", EINVAL);
	BAD(units_parse_duration, "1.s", EINVAL);
	BAD(units_parse_duration, "s", EINVAL);
}

static void test_fmt(void)
{
	char b[32];
	char small[4];

	CHECK_STR(units_fmt_rate(0, b, sizeof(b)), "0 bit/s");
	CHECK_STR(units_fmt_rate(1.23e9, b, sizeof(b)), "1.23 Gbit/s");
	CHECK_STR(units_fmt_rate(1.234567e9, b, sizeof(b)), "1.23 Gbit/s");
	CHECK_STR(units_fmt_rate(950e6, b, sizeof(b)), "950 Mbit/s");
	CHECK_STR(units_fmt_rate(12e3, b, sizeof(b)), "12.0 kbit/s");
	CHECK_STR(units_fmt_rate(999, b, sizeof(b)), "999 bit/s");
	CHECK_STR(units_fmt_rate(999.6e6, b, sizeof(b)), "1.00 Gbit/s");
	CHECK_STR(units_fmt_rate(9.996e3, b, sizeof(b)), "10.0 kbit/s");
	CHECK_STR(units_fmt_rate(99.96e3, b, sizeof(b)), "100 kbit/s");
	CHECK_STR(units_fmt_rate(1e12, b, sizeof(b)), "1.00 Tbit/s");
	CHECK_STR(units_fmt_rate(2e15, b, sizeof(b)), "2000 Tbit/s");
	CHECK_STR(units_fmt_rate(-5e6, b, sizeof(b)), "-5.00 Mbit/s");

	CHECK_STR(units_fmt_size(0, b, sizeof(b)), "0 B");
	CHECK_STR(units_fmt_size(1023, b, sizeof(b)), "1023 B");
	CHECK_STR(units_fmt_size(1024, b, sizeof(b)), "1 KiB");
	CHECK_STR(units_fmt_size(1400, b, sizeof(b)), "1400 B");
	CHECK_STR(units_fmt_size(65507, b, sizeof(b)), "65507 B");
	CHECK_STR(units_fmt_size(65536, b, sizeof(b)), "64 KiB");
	CHECK_STR(units_fmt_size(212992, b, sizeof(b)), "208 KiB");
	CHECK_STR(units_fmt_size(100000, b, sizeof(b)), "97.7 KiB");
	CHECK_STR(units_fmt_size(1572864, b, sizeof(b)), "1.50 MiB");
	CHECK_STR(units_fmt_size(1048576, b, sizeof(b)), "1 MiB");
	CHECK_STR(units_fmt_size(1047552, b, sizeof(b)), "1023 KiB");
	CHECK_STR(units_fmt_size(1048575, b, sizeof(b)), "1.00 MiB");
	CHECK_STR(units_fmt_size(1099511627776ull, b, sizeof(b)), "1 TiB");
	CHECK_STR(units_fmt_size(UINT64_MAX, b, sizeof(b)), "16.0 EiB");

	CHECK_STR(units_fmt_duration(0, b, sizeof(b)), "0 ns");
	CHECK_STR(units_fmt_duration(800, b, sizeof(b)), "800 ns");
	CHECK_STR(units_fmt_duration(1.5, b, sizeof(b)), "1.50 ns");
	CHECK_STR(units_fmt_duration(25300, b, sizeof(b)), "25.3 us");
	CHECK_STR(units_fmt_duration(999.7, b, sizeof(b)), "1.00 us");
	CHECK_STR(units_fmt_duration(1.2e6, b, sizeof(b)), "1.20 ms");
	CHECK_STR(units_fmt_duration(2e9, b, sizeof(b)), "2.00 s");
	CHECK_STR(units_fmt_duration(3.6e12, b, sizeof(b)), "3600 s");

	/* Short buffers truncate but stay terminated; buf comes back. */
	memset(small, 'x', sizeof(small));
	CHECK(units_fmt_size(1400, small, sizeof(small)) == small);
	CHECK_STR(small, "140");
	memset(small, 'x', sizeof(small));
	CHECK(units_fmt_rate(1.23e9, small, sizeof(small)) == small);
	CHECK_STR(small, "1.2");
	CHECK(units_fmt_duration(1, small, 0) == small);
	CHECK(small[0] == '1');
}

/* What the formatters print, the size parser reads back (sans space). */
static void test_roundtrip(void)
{
	static const uint64_t sizes[] = {1024, 65536, 212992, 3ull << 30};
	char b[32], *sp;
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t v = 0;

		units_fmt_size(sizes[i], b, sizeof(b));
		sp = strchr(b, ' ');
		CHECK(sp != NULL);
		if (!sp)
			continue;
		memmove(sp, sp + 1, strlen(sp));
		CHECK(units_parse_size(b, &v) == 0);
		CHECK_EQ_U64(v, sizes[i]);
	}
}

int main(void)
{
	test_size();
	test_rate();
	test_duration();
	test_fmt();
	test_roundtrip();
	return check_done("test_units");
}
