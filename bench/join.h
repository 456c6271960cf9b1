/* Joining a test on the data port (join.c): the JOIN that opens every
 * data connection (TCP) and flow (UDP, RUDP), on both ends. */
#ifndef TUB_JOIN_H
#define TUB_JOIN_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* The JOIN frame of ctx's test into buf (WIRE_JOIN_LEN bytes); its
 * length. */
int join_frame(const struct run_ctx *ctx, uint8_t *buf);

/* Sender, TCP: send the JOIN on fd first; with more, it waits for the
 * next send to leave in one segment (MSG_MORE). 0, or -1 (ctx set). */
int join_send_tcp(struct run_ctx *ctx, int fd, int more);

/* Sender, UDP and RUDP: send the JOIN on the connected ctx->data until the
 * receiver echoes it, within the connect timeout. 0, or -1 (ctx set). */
int join_udp(struct run_ctx *ctx);

/* Receiver, TCP: accept one connection from lfd (until until) and read its
 * JOIN (at most a second). The fd when it is ours, from the control peer's
 * host; -1 otherwise (a stranger is told why and counted in ctx->strays;
 * errno ETIMEDOUT when none came). */
int join_take_tcp(struct run_ctx *ctx, int lfd, uint64_t until);

/* Receiver, UDP and RUDP: wait on ctx->data (bound to the data port) for
 * the JOIN from the control peer's host, connect the socket to its source
 * and echo it. Datagrams before it are counted as wrong_session. 0, or -1
 * (ctx set). */
int join_wait_udp(struct run_ctx *ctx, uint64_t until);

/* Receiver, with flows: the same for n datagram flows in turn, f[0]'s
 * socket open; each next flow's socket is opened (its transport's
 * server_open, at local) once the one before has its JOIN, and the JOINs
 * of flows already joined are echoed again while later ones are awaited.
 * 0, or -1 (the failing flow's ctx set). */
int join_wait_udp_flows(struct run_ctx *const *f, int n,
			const struct sock_addr *local, uint64_t until);

/* Receiver, in the data phase: 1 when the datagram p is a JOIN (the
 * sender's echo was lost: ours is echoed again), to be passed over; 0 for
 * anything else. */
int join_answer(struct run_ctx *ctx, const uint8_t *p, size_t len);

#endif
