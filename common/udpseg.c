/* UDP segmentation offload bookkeeping (GSO sends, GRO buffers). */
#include "udpseg.h"

unsigned udpseg_per_send(uint32_t msg_size)
{
	uint32_t n;

	if (msg_size == 0)
		return 0;
	n = UDPSEG_MAX_PAYLOAD / msg_size;
	if (n == 0)
		n = 1;
	return n < UDPSEG_MAX_SEGMENTS ? n : UDPSEG_MAX_SEGMENTS;
}

void udpseg_start(struct udpseg_iter *it, const uint8_t *p, size_t len,
		  size_t seg)
{
	it->p = p;
	it->len = len;
	it->seg = seg == 0 || seg > len ? len : seg;
	it->off = 0;
	it->done = 0;
}

int udpseg_next(struct udpseg_iter *it, const uint8_t **d, size_t *dlen)
{
	size_t left = it->len - it->off;

	if (it->done)
		return 0;
	*d = it->p + it->off;
	*dlen = left < it->seg ? left : it->seg;
	it->off += *dlen;
	/* An empty buffer is one empty datagram (UDP allows them). */
	it->done = it->off >= it->len;
	return 1;
}

size_t udpseg_count(size_t len, size_t seg)
{
	if (len == 0 || seg == 0 || seg >= len)
		return 1;
	return (len + seg - 1) / seg;
}
