/* The workloads of every kind on every transport (one row a kind in
 * kinds.c; common/kind.h holds the rest of what a kind is), and what the
 * data paths share with them. */
#ifndef TUB_KINDS_H
#define TUB_KINDS_H

#include <stddef.h>
#include <sys/socket.h>

#include "clock.h"

#include "run.h"

/* A workload: one end of a kind's data phase. 0, or -1 with ctx set. */
typedef int run_fn(struct run_ctx *ctx);

struct kind_work {
	run_fn *sender[TUB_PROTO_COUNT];   /* tub-send's end */
	run_fn *receiver[TUB_PROTO_COUNT]; /* tub-recv's end */
};

/* The workloads of kind k (NULL out of range); a slot is NULL where the
 * kind does not run on that transport. */
const struct kind_work *kind_work(int k);

/* The round-trip workloads, one for every transport's framing: the
 * requesting end of rr, of connect (a fresh connection per round trip),
 * and the echoing end of both. */
int rr_client(struct run_ctx *ctx);
int rr_server(struct run_ctx *ctx);
int connect_client(struct run_ctx *ctx);

/* Move exactly n bytes through fd (blocking, with timeouts set),
 * looking at the clock and the control connection between timed-out calls.
 * 0, 1 on EOF before any byte (reading), or -1. */
int tcp_move_full(struct run_ctx *ctx, int fd, void *buf, size_t n, int out,
		  uint64_t *next_ctl);

#define TCP_POLL_NS (100 * TUB_NSEC_PER_MSEC) /* blocking call timeout */

/* Status and reason for a failed send or recv on the data connection. */
int tcp_data_error(struct run_ctx *ctx, const char *what);

/* Read the data connection to its end, counting (the stream receiver). */
int tcp_stream_recv(struct run_ctx *ctx);

/* The UDP data socket: bound on the receiver (with SO_RXQ_OVFL and
 * SO_TIMESTAMPNS), connected on the sender; reliable UDP uses them too. */
int udp_server_open(struct run_ctx *ctx, const struct sock_addr *local);
int udp_client_open(struct run_ctx *ctx, const struct sock_addr *server);

/* The receiving end's wait for the sender's flow: its JOIN (not in the
 * connect kind, whose every operation comes from a new port). */
int udp_server_accept(struct run_ctx *ctx, int fd);

/* A UDP send error: EAGAIN counted as blocked, ENOBUFS as enobufs, a few
 * port-unreachable answers (refused counts them) retried; 0 to retry, or
 * -1 (ctx set) for the end of the test. */
int udp_send_error(struct run_ctx *ctx, uint64_t *refused);

/* Check a datagram (session, size, sender's host). With connected
 * non-NULL the socket is connected to the first good sender. 0 or -1. */
int udp_accept_datagram(struct run_ctx *ctx, const uint8_t *p, size_t len,
			int flags, const struct sockaddr_storage *from,
			socklen_t fromlen, int *connected,
			struct wire_data *d);

int tcp_stream_send(struct run_ctx *ctx);
int udp_stream_send(struct run_ctx *ctx);
int udp_stream_recv(struct run_ctx *ctx);
int rudp_stream_send(struct run_ctx *ctx);
int rudp_stream_recv(struct run_ctx *ctx);
int tcp_fill_client(struct run_ctx *ctx);
int tcp_fill_server(struct run_ctx *ctx);
int tcp_linger_client(struct run_ctx *ctx);
int tcp_linger_server(struct run_ctx *ctx);
int tcp_keepalive_client(struct run_ctx *ctx);
int tcp_keepalive_server(struct run_ctx *ctx);

int udp_fill_client(struct run_ctx *ctx);
int udp_fill_server(struct run_ctx *ctx);

#endif
