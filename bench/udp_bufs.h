/* The UDP stream's batches of buffers: what one sendmmsg hands over (a
 * datagram a buffer, or with GSO many datagrams a buffer, each with its
 * own data header) and what one recvmmsg fills (with GRO, coalesced
 * buffers the receiver splits). */
#ifndef TUB_UDP_BUFS_H
#define TUB_UDP_BUFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#define UDP_BATCH 64   /* buffers per call without offload */
#define UDP_GSO_BUFS 8 /* GSO buffers per sendmmsg (64 KiB each) */
#define UDP_GRO_BUFS 16 /* GRO buffers per recvmmsg (64 KiB each) */

struct udp_txq {
	struct mmsghdr mm[UDP_BATCH];
	struct iovec iov[UDP_BATCH][2];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl[UDP_GSO_BUFS];
	uint8_t *hdr;      /* plain: UDP_BATCH headers */
	uint8_t *data;     /* plain: the payload all share; GSO: the buffers,
			      datagram after datagram */
	uint32_t msg_size;
	unsigned per_buf;  /* datagrams a buffer carries at most (1: plain) */
	unsigned nbufs;    /* buffers a call hands over at most */
};

/* Buffers for msg_size-byte datagrams, per_buf of them a buffer (1: one
 * datagram each, no GSO; more: UDP_SEGMENT = msg_size). NULL without
 * memory. */
struct udp_txq *udp_txq_new(uint32_t msg_size, unsigned per_buf);
void udp_txq_free(struct udp_txq *q);

/* Datagrams one call may carry. */
unsigned udp_txq_capacity(const struct udp_txq *q);

/* Where the data header of datagram i (of this call's) goes. */
uint8_t *udp_txq_hdr(struct udp_txq *q, unsigned i);

/* Lay n datagrams (at most the capacity) into buffers; the buffers used. */
unsigned udp_txq_arm(struct udp_txq *q, unsigned n);

/* Datagrams in the first r of the buffers of n datagrams just armed. */
unsigned udp_txq_sent(const struct udp_txq *q, unsigned n, unsigned r);

struct udp_rxq {
	struct mmsghdr *mm;
	struct iovec *iov;
	struct sockaddr_storage *from;
	union udp_rx_ctl {
		char buf[CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct timespec)) +
			 CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} *ctl;
	uint8_t *data;
	size_t slot;  /* bytes per buffer: msg_size + 1 (one more byte tells
			 oversize), or a whole GRO buffer */
	unsigned n;   /* buffers per call */
};

/* Receive buffers for msg_size-byte datagrams; gro: room for coalesced
 * ones. NULL without memory. */
struct udp_rxq *udp_rxq_new(uint32_t msg_size, int gro);
void udp_rxq_free(struct udp_rxq *q);

/* Ready every buffer for the next recvmmsg. */
void udp_rxq_arm(struct udp_rxq *q);

/* What the kernel said about one buffer in its cmsgs. */
struct udp_rx_meta {
	int have_drops;
	uint32_t drops;  /* SO_RXQ_OVFL: the socket's drops so far */
	uint64_t when;   /* SO_TIMESTAMPNS, ns; 0 if none */
	size_t seg;      /* UDP_GRO: the datagrams' size; 0 if none */
};

void udp_rx_meta(struct msghdr *h, struct udp_rx_meta *m);

#endif
