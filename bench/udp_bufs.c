/* The UDP stream's send and receive batches (plain, GSO, GRO). */
#include "udp_bufs.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "clock.h"
#include "udpseg.h"
#include "wire.h"

struct udp_txq *udp_txq_new(uint32_t msg_size, unsigned per_buf)
{
	struct udp_txq *q = calloc(1, sizeof *q);
	size_t plen = msg_size - WIRE_DATA_HDR_LEN;

	if (q == NULL)
		return NULL;
	q->msg_size = msg_size;
	q->per_buf = per_buf ? per_buf : 1;
	q->nbufs = q->per_buf > 1 ? UDP_GSO_BUFS : UDP_BATCH;
	if (q->per_buf == 1) {
		q->hdr = malloc((size_t)UDP_BATCH * WIRE_DATA_HDR_LEN);
		q->data = malloc(plen ? plen : 1);
		if (q->hdr == NULL || q->data == NULL)
			goto fail;
		run_fill_pattern(q->data, plen);
		for (unsigned i = 0; i < UDP_BATCH; i++) {
			q->iov[i][0] = (struct iovec){
				q->hdr + (size_t)i * WIRE_DATA_HDR_LEN,
				WIRE_DATA_HDR_LEN};
			q->iov[i][1] = (struct iovec){q->data, plen};
			q->mm[i].msg_hdr.msg_iov = q->iov[i];
			q->mm[i].msg_hdr.msg_iovlen = 2;
		}
		return q;
	}
	/* GSO: each datagram whole in place (header, then the pattern), the
	 * kernel cutting the buffer every msg_size bytes. */
	q->data = malloc((size_t)q->nbufs * q->per_buf * msg_size);
	if (q->data == NULL)
		goto fail;
	for (unsigned i = 0; i < q->nbufs * q->per_buf; i++)
		run_fill_pattern(q->data + (size_t)i * msg_size +
					 WIRE_DATA_HDR_LEN, plen);
	for (unsigned b = 0; b < q->nbufs; b++) {
		struct msghdr *h = &q->mm[b].msg_hdr;
		struct cmsghdr *c;
		uint16_t seg = (uint16_t)msg_size;
		q->iov[b][0].iov_base =
			q->data + (size_t)b * q->per_buf * msg_size;
		h->msg_iov = q->iov[b];
		h->msg_iovlen = 1;
		h->msg_control = q->ctl[b].buf;
		h->msg_controllen = sizeof q->ctl[b].buf;
		c = CMSG_FIRSTHDR(h);
		c->cmsg_level = IPPROTO_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof seg);
		memcpy(CMSG_DATA(c), &seg, sizeof seg);
	}
	return q;
fail:
	udp_txq_free(q);
	return NULL;
}

void udp_txq_free(struct udp_txq *q)
{
	if (q) {
		free(q->hdr);
		free(q->data);
		free(q);
	}
}

unsigned udp_txq_capacity(const struct udp_txq *q)
{
	return q->nbufs * q->per_buf;
}

uint8_t *udp_txq_hdr(struct udp_txq *q, unsigned i)
{
	if (q->per_buf == 1)
		return q->hdr + (size_t)i * WIRE_DATA_HDR_LEN;
	return q->data + (size_t)i * q->msg_size;
}

unsigned udp_txq_arm(struct udp_txq *q, unsigned n)
{
	unsigned nb = (n + q->per_buf - 1) / q->per_buf;

	if (q->per_buf == 1)
		return n;
	for (unsigned b = 0; b < nb; b++) {
		unsigned k = n - b * q->per_buf;
		if (k > q->per_buf)
			k = q->per_buf;
		q->iov[b][0].iov_len = (size_t)k * q->msg_size;
	}
	return nb;
}

unsigned udp_txq_sent(const struct udp_txq *q, unsigned n, unsigned r)
{
	unsigned d = r * q->per_buf; /* all but the last are full */

	return d < n ? d : n;
}

struct udp_rxq *udp_rxq_new(uint32_t msg_size, int gro)
{
	struct udp_rxq *q = calloc(1, sizeof *q);

	if (q == NULL)
		return NULL;
	q->n = gro ? UDP_GRO_BUFS : UDP_BATCH;
	q->slot = gro ? UDPSEG_RECV_BUF : (size_t)msg_size + 1;
	q->mm = calloc(q->n, sizeof *q->mm);
	q->iov = calloc(q->n, sizeof *q->iov);
	q->from = calloc(q->n, sizeof *q->from);
	q->ctl = calloc(q->n, sizeof *q->ctl);
	q->data = malloc(q->slot * q->n);
	if (!q->mm || !q->iov || !q->from || !q->ctl || !q->data) {
		udp_rxq_free(q);
		return NULL;
	}
	return q;
}

void udp_rxq_free(struct udp_rxq *q)
{
	if (q) {
		free(q->mm);
		free(q->iov);
		free(q->from);
		free(q->ctl);
		free(q->data);
		free(q);
	}
}

void udp_rxq_arm(struct udp_rxq *q)
{
	for (unsigned i = 0; i < q->n; i++) {
		q->iov[i] = (struct iovec){q->data + q->slot * i, q->slot};
		q->mm[i].msg_hdr = (struct msghdr){
			.msg_name = &q->from[i],
			.msg_namelen = sizeof q->from[i],
			.msg_iov = &q->iov[i],
			.msg_iovlen = 1,
			.msg_control = q->ctl[i].buf,
			.msg_controllen = sizeof q->ctl[i].buf,
		};
	}
}

void udp_rx_meta(struct msghdr *h, struct udp_rx_meta *m)
{
	memset(m, 0, sizeof *m);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
#ifdef UDP_GRO
		if (c->cmsg_level == IPPROTO_UDP && c->cmsg_type == UDP_GRO) {
			int seg;
			memcpy(&seg, CMSG_DATA(c), sizeof seg);
			m->seg = seg > 0 ? (size_t)seg : 0;
		}
#endif
		if (c->cmsg_level != SOL_SOCKET)
			continue;
#ifdef SO_RXQ_OVFL
		if (c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(&m->drops, CMSG_DATA(c), sizeof m->drops);
			m->have_drops = 1;
		}
#endif
#ifdef SCM_TIMESTAMPNS
		if (c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			m->when = (uint64_t)ts.tv_sec * TUB_NSEC_PER_SEC +
				  (uint64_t)ts.tv_nsec;
		}
#endif
	}
}
