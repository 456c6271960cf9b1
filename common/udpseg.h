/* UDP segmentation offload bookkeeping: how many datagrams one GSO send
 * may carry, and the datagrams inside one GRO receive buffer. Pure: no
 * sockets, so tests feed it any buffer. */
#ifndef TUB_UDPSEG_H
#define TUB_UDPSEG_H

#include <stddef.h>
#include <stdint.h>

#define UDPSEG_MAX_SEGMENTS 64     /* the kernel's UDP_MAX_SEGMENTS (older
				      kernels; newer ones take 128) */
#define UDPSEG_MAX_PAYLOAD 65507  /* 65535 - IPv4 20 - UDP 8; IPv6 takes
				      20 more, but a v4-mapped socket sends
				      IPv4: the smaller for both */
#define UDPSEG_RECV_BUF 65536      /* a GRO buffer holds at most this */

/* Datagrams of msg_size bytes one UDP_SEGMENT send may carry: as many as
 * fit one UDP payload, at most UDPSEG_MAX_SEGMENTS (1 when even one does
 * not fit: such a send fails as it would alone); 0 if msg_size is 0. */
unsigned udpseg_per_send(uint32_t msg_size);

/* Walks the datagrams of one receive buffer: len bytes that the kernel
 * coalesced from datagrams of seg bytes each (UDP_GRO's gso_size), the
 * last one shorter or equal; seg 0 (no cmsg) or seg >= len: one datagram,
 * the whole buffer. */
struct udpseg_iter {
	const uint8_t *p;
	size_t len, seg, off;
	int done;
};

/* Start walking p[0..len). */
void udpseg_start(struct udpseg_iter *it, const uint8_t *p, size_t len,
		  size_t seg);

/* The next datagram into *d, *dlen: 1, or 0 when there is none left. */
int udpseg_next(struct udpseg_iter *it, const uint8_t **d, size_t *dlen);

/* How many datagrams a buffer of len bytes cut at seg holds. */
size_t udpseg_count(size_t len, size_t seg);

#endif
