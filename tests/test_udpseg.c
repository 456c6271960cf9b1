/* udpseg: datagrams per GSO send, and splitting GRO buffers. */
#include "udpseg.h"

#include <string.h>

#include "check.h"

/* Walk buf (len, seg) and compare the pieces' lengths with want[n]. */
static void walk(size_t len, size_t seg, const size_t *want, size_t n)
{
	static uint8_t buf[UDPSEG_RECV_BUF];
	struct udpseg_iter it;
	const uint8_t *d;
	size_t dlen, i = 0, at = 0;

	for (size_t k = 0; k < len; k++)
		buf[k] = (uint8_t)k;
	udpseg_start(&it, buf, len, seg);
	while (udpseg_next(&it, &d, &dlen)) {
		CHECK(i < n);
		if (i >= n)
			break;
		CHECK(dlen == want[i]);
		CHECK(d == buf + at); /* in order, back to back */
		at += dlen;
		i++;
	}
	CHECK(i == n);
	CHECK(at == len);
	CHECK(udpseg_count(len, seg) == n);
	CHECK(udpseg_next(&it, &d, &dlen) == 0); /* stays done */
}

int main(void)
{
	/* 1400 B datagrams: 46 in 65507 B */
	CHECK(udpseg_per_send(1400) == 46);
	/* small ones: the kernel's 64 segments */
	CHECK(udpseg_per_send(24) == UDPSEG_MAX_SEGMENTS);
	CHECK(udpseg_per_send(1000) == 64);
	CHECK(udpseg_per_send(1024) == 63);
	CHECK(udpseg_per_send(32768) == 1);
	CHECK(udpseg_per_send(65507) == 1);
	CHECK(udpseg_per_send(65530) == 1);
	CHECK(udpseg_per_send(0) == 0);

	/* one datagram: no gso_size cmsg, or one segment */
	walk(1400, 0, (size_t[]){1400}, 1);
	walk(1400, 1400, (size_t[]){1400}, 1);
	walk(1000, 1400, (size_t[]){1000}, 1);
	/* coalesced: equal segments, the last one shorter or equal */
	walk(2800, 1400, (size_t[]){1400, 1400}, 2);
	walk(1400 * 3 + 24, 1400, (size_t[]){1400, 1400, 1400, 24}, 4);
	{
		size_t w[46];
		for (int i = 0; i < 46; i++)
			w[i] = 1400;
		walk(46 * 1400, 1400, w, 46);
	}
	/* an empty datagram is one, empty */
	walk(0, 0, (size_t[]){0}, 1);
	walk(0, 1400, (size_t[]){0}, 1);
	/* a 1-byte segment size */
	walk(3, 1, (size_t[]){1, 1, 1}, 3);
	return check_done("test_udpseg");
}
