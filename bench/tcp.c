/* TCP data path: a byte stream, so a message is only a unit of writing. */
#include "run.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>
#endif

#include "clock.h"
#include "fiber.h"
#include "kind.h"
#include "join.h"
#include "kinds.h"
#include "sockopt.h"

#define FIN_WAIT_NS (1 * TUB_NSEC_PER_SEC) /* connect: the sender's FIN */


void run_tcp_info(int fd, struct tub_tcpinfo *ti)
{
	memset(ti, 0, sizeof *ti);
#ifdef TCP_INFO
	struct tcp_info info;
	socklen_t len = sizeof info;
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0)
		return;
	ti->valid = 1;
	ti->total_retrans = info.tcpi_total_retrans;
	ti->rtt_us = info.tcpi_rtt;
	ti->rttvar_us = info.tcpi_rttvar;
	ti->snd_cwnd = info.tcpi_snd_cwnd;
	ti->snd_mss = info.tcpi_snd_mss;
#else
	(void)fd;
#endif
}

/* One port: data connections come to the control listener, and this
 * end's options go onto each accepted one (READY tells what a socket of
 * ours is granted, read from one made for it). With --data-port, a
 * listener of the test's own, its buffers set before listen() so that the
 * window scale follows them. */
/* One port (or a flow of several on --data-port's listener): this end's
 * options onto an accepted connection, and what they gave read back. A
 * receive buffer set after the handshake leaves the window clamp where
 * the listener's buffer put it (Linux fixes it when the connection is
 * established, and a buffer set by hand turns off the autotuning that
 * would raise it): raised to the buffer, the window grows as it would
 * have on a listener of the test's own. */
static void tcp_apply_opts(struct run_ctx *ctx, int fd)
{
	struct sock_addr a;

	if (!ctx->opts_req.mask || sock_local(fd, &a) < 0)
		return;
	sockopt_apply(fd, sock_family(&a), 1, &ctx->opts_req, ctx->opts_notes,
		      sizeof ctx->opts_notes);
	sockopt_read(fd, sock_family(&a), 1, &ctx->opts_req,
		     &ctx->opts_granted);
#ifdef TCP_WINDOW_CLAMP
	int rcvbuf = 0;
	socklen_t l = sizeof rcvbuf;
	if (sockopt_has(&ctx->opts_req, SOCKOPT_RCVBUF) &&
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &l) == 0)
		setsockopt(fd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &rcvbuf,
			   sizeof rcvbuf);
#endif
}

static int take_data(struct run_ctx *ctx, int lfd);

static int tcp_server_open(struct run_ctx *ctx, const struct sock_addr *local)
{
	int fd = run_data_socket(ctx, sock_family(local), SOCK_STREAM);

	if (fd < 0)
		return -1;
	if (ctx->one_port) {
		close(fd);
		return 0;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (run_bind(ctx, fd, local) < 0)
		return -1;
	if (listen(fd, 16) < 0) {
		close(fd);
		return run_fail(ctx, ST_SOCKET_ERROR, "data socket: %s",
				strerror(errno));
	}
	ctx->data = ctx->data_lfd = fd;
	return 0;
}

/* Take the sender's data connection: the first that shows our JOIN.
 * Others are refused (and counted when they come from another host or
 * show another JOIN). A control connection that closes (or says anything)
 * meanwhile ends the wait. On the control listener, the wait itself sorts
 * newcomers: they are not all turned away as busy meanwhile. */
static int tcp_server_accept(struct run_ctx *ctx, int lfd)
{
	int lfd_ctl = ctx->listen_fd;

	(void)lfd;
	if (ctx->one_port)
		ctx->listen_fd = -1;
	if (kind_has(ctx->spec->kind, KIND_PER_OP))
		return 0; /* one connection per operation: keep listening */
	int rc = take_data(ctx, ctx->data_lfd);
	ctx->listen_fd = lfd_ctl;
	return rc;
}

static int take_data(struct run_ctx *ctx, int lfd)
{
	uint64_t deadline = clock_now_ns() + RUN_CTL_TIMEOUT_NS;

	for (;;) {
		uint64_t now = clock_now_ns();
		if (now >= deadline)
			return run_fail(ctx, ST_TIMEOUT, "sender did not open "
					"the data connection within %.0f s",
					RUN_CTL_TIMEOUT_NS / 1e9);
		if (run_wait(ctx, lfd, POLLIN, deadline) == 0) {
			uint64_t next_ctl = 0;
			if (run_keep_going(ctx, now, &next_ctl) < 0)
				return -1;
			if (ctx->peer_done)
				return run_fail(ctx, ST_PROTOCOL_ERROR, "DONE "
						"before the data connection");
			continue;
		}
		int fd = join_take_tcp(ctx, lfd, now);
		if (fd < 0)
			continue;
		if (ctx->one_port || ctx->nflows > 1)
			tcp_apply_opts(ctx, fd); /* a flow may have its own */
		else
			close(lfd); /* the test's own listener, done with */
		ctx->data = fd;
		return 0;
	}
}

static int tcp_client_open(struct run_ctx *ctx, const struct sock_addr *server)
{
	int fam = sock_family(server);

	ctx->server = *server;
	if (kind_has(ctx->spec->kind, KIND_PER_OP)) {
		/* one connection per operation; report the options as they
		 * are granted on such a socket */
		int probe = run_data_socket(ctx, fam, SOCK_STREAM);
		if (probe < 0)
			return -1;
		close(probe);
		return 0;
	}
	int fd = run_data_socket(ctx, fam, SOCK_STREAM);

	if (fd < 0)
		return -1;
	if (sock_connect(fd, server, ctx->connect_timeout_ms) < 0) {
		close(fd);
		return run_fail(ctx, ST_CONNECT_FAILED, "data connection: %s",
				strerror(errno));
	}
	ctx->data = fd;
	return join_send_tcp(ctx, fd, 0);
}

int tcp_data_error(struct run_ctx *ctx, const char *what)
{
	if (errno == EPIPE || errno == ECONNRESET)
		return run_fail(ctx, ST_PEER_CLOSED, "%s: connection reset by "
				"the peer", what);
	return run_fail(ctx, ST_DATA_ERROR, "%s: %s", what, strerror(errno));
}

/* After the last send: wait until the kernel has delivered everything we
 * handed it (SIOCOUTQ: bytes not yet acknowledged), so that DONE is not
 * followed by a long wait on a slow link. Stalls still fail in time. */
static int drain(struct run_ctx *ctx)
{
#ifdef SIOCOUTQ
	int left = 0, before = -1;
	uint64_t next_ctl = 0;

	while (ioctl(ctx->data, SIOCOUTQ, &left) == 0 && left > 0) {
		uint64_t now = clock_now_ns();
		if (left != before)
			ctx->progress_ns = now;
		before = left;
		if (run_keep_going(ctx, now, &next_ctl) < 0)
			return -1;
		fiber_sleep_until(now + TUB_NSEC_PER_MSEC);
	}
#else
	(void)ctx;
#endif
	return 0;
}

/* What is still in the send buffer: never sent, and sent but not yet
 * acknowledged. */
static void outq(int fd, struct tub_tx *tx)
{
	int all = 0, unsent = 0;

#if defined(SIOCOUTQ) && defined(SIOCOUTQNSD)
	if (ioctl(fd, SIOCOUTQ, &all) < 0 || ioctl(fd, SIOCOUTQNSD, &unsent) < 0)
		all = unsent = 0;
#else
	(void)fd;
#endif
	tx->unsent_bytes = unsent > 0 ? (uint64_t)unsent : 0;
	tx->unacked_bytes = all > unsent ? (uint64_t)(all - unsent) : 0;
}

/* The end of the sending: a count must arrive whole, so wait for it
 * (drain). A duration ends at its deadline: what was never sent then stays
 * behind (DONE says how much; the receiver stops at DONE and the
 * connection is reset), so a slow drain of a large send buffer costs
 * nothing and is not counted as sent. With nothing unsent, the FIN follows
 * what is in flight within a round trip. */
static int stream_end(struct run_ctx *ctx)
{
	struct tub_tx *tx = &ctx->mine.tx;

	outq(ctx->data, tx);
	if (ctx->spec->count == 0 && tx->unsent_bytes > 0)
		return 0;
	shutdown(ctx->data, SHUT_WR);
	int rc = drain(ctx);
	outq(ctx->data, tx); /* drained: nothing left */
	return rc;
}

/* A signal stopped the sending: end as at a deadline, without the
 * drain. What was never sent stays behind (DONE says how much, and the
 * receiver stops at DONE); with nothing unsent, the FIN follows what is in
 * flight. Either way the receiver's counts arrive in RESULT at once,
 * instead of after its stall limit. */
static void stream_stop(struct run_ctx *ctx)
{
	outq(ctx->data, &ctx->mine.tx);
	if (ctx->mine.tx.unsent_bytes == 0)
		shutdown(ctx->data, SHUT_WR);
}

int tcp_stream_send(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = run_msg_buf(s->msg_size);
	struct pacer pace;
	struct ticker tick;
	size_t off = 0;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	run_fill_pattern(buf, s->msg_size);
	run_set_timeouts(ctx->data, TCP_POLL_NS, TCP_POLL_NS);

	uint64_t now = clock_now_ns(), first = now, last = now;
	uint64_t end = s->duration_ns ? now + s->duration_ns : UINT64_MAX;
	uint64_t next_ctl = now + RUN_CTL_CHECK_NS;
	pacer_start(&pace, now, s->rate_bps, s->msg_size);
	ticker_start(&tick, now, s->interval_ns);

	for (;;) {
		now = clock_now_ns();
		if (off == 0 && ((s->count && tx->msgs >= s->count) ||
				 now >= end))
			break;
		if (now >= end && s->count == 0)
			break;
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		ticker_tick(&tick, now, tx->bytes, tx->msgs, &tx->iv);
		if (off == 0 && pacer_due(&pace, now, tx->msgs, 1) == 0) {
			uint64_t when = pacer_when(&pace, tx->msgs);
			fiber_sleep_until(when < end ? when : end);
			continue;
		}
		if (off == 0 && s->msg_size >= TUB_MSG_HDR)
			run_msg_stamp(buf, tx->msgs, clock_now_ns());
		ssize_t n = fiber_send(ctx->data, buf + off, s->msg_size - off,
				 MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				tx->blocked++;
				continue;
			}
			if (errno == EINTR)
				continue;
			rc = tcp_data_error(ctx, "send");
			break;
		}
		last = clock_now_ns();
		ctx->progress_ns = last;
		tx->calls++;
		tx->bytes += (uint64_t)n;
		off += (size_t)n;
		if (off == s->msg_size) {
			tx->msgs++;
			off = 0;
		}
	}
	tx->elapsed_ns = last - first;
	ticker_finish(&tick, last, tx->bytes, tx->msgs, &tx->iv);
	if (rc == 0)
		rc = stream_end(ctx);
	else if (*ctx->stop)
		stream_stop(ctx);
	free(buf);
	return rc;
}

int tcp_stream_recv(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_rx *rx = &ctx->mine.rx;
	uint8_t *buf = run_msg_buf(s->msg_size);
	struct ticker tick;
	uint64_t first = 0, last = 0, next_ctl = 0;
	int rc = 0;

	struct msg_track mt;
	int stamped = kind_has(s->kind, KIND_FLOW) &&
		      s->msg_size >= TUB_MSG_HDR;

	if (buf == NULL || msg_track_init(&mt, NULL) < 0) {
		free(buf);
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	}
	run_set_timeouts(ctx->data, TCP_POLL_NS, TCP_POLL_NS);
	for (;;) {
		uint64_t now = clock_now_ns();
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		/* The sender stopped at its deadline with data left unsent:
		 * what is here has arrived in the test's time; the rest will
		 * not be waited for. */
		int ending = ctx->peer_done && ctx->peer.tx.unsent_bytes > 0;
		ssize_t n = fiber_recv(ctx->data, buf, s->msg_size,
				 ending ? MSG_DONTWAIT : 0);
		if (n < 0 && ending &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				continue;
			rc = tcp_data_error(ctx, "recv");
			break;
		}
		last = clock_now_ns();
		ctx->progress_ns = last;
		if (rx->calls++ == 0) {
			first = last;
			ticker_start(&tick, first, s->interval_ns);
		}
		rx->bytes += (uint64_t)n;
		if (stamped)
			msg_track_bytes(&mt, buf, (size_t)n, s->msg_size, last);
		ticker_tick(&tick, last, rx->bytes, rx->bytes / s->msg_size,
			    &rx->iv);
	}
	if (stamped)
		msg_track_report(&mt, rx);
	msg_track_free(&mt);
	rx->msgs = rx->bytes / s->msg_size;
	rx->elapsed_ns = last - first;
	rx->first_ns = first;
	if (rx->calls)
		ticker_finish(&tick, last, rx->bytes, rx->msgs, &rx->iv);
	free(buf);
	return rc;
}

int tcp_move_full(struct run_ctx *ctx, int fd, void *mem, size_t n, int out,
		  uint64_t *next_ctl)
{
	uint8_t *buf = mem;
	size_t done = 0;
	/* --spin: never sleep in the call; look again at once */
	int how = ctx->spec->flags & TUB_SPEC_SPIN ? MSG_DONTWAIT : 0;

	while (done < n) {
		ssize_t r = out ? fiber_send(fd, buf + done, n - done,
				       MSG_NOSIGNAL | how)
				: fiber_recv(fd, buf + done, n - done, how);
		if (r > 0) {
			done += (size_t)r;
			ctx->progress_ns = clock_now_ns();
			continue;
		}
		if (r == 0) {
			if (done == 0)
				return 1;
			return run_fail(ctx, ST_PEER_CLOSED, "connection closed "
					"in the middle of a message");
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return tcp_data_error(ctx, out ? "send" : "recv");
		if (run_keep_going(ctx, clock_now_ns(), next_ctl) < 0)
			return -1;
	}
	return 0;
}

/* Framing: a message is msg_size bytes of the stream, whole. */
static int tcp_open(struct conn *c)
{
	if (c->per_op) /* connections come to the data listener */
		c->fd = c->ctx->data_lfd;
	else
		run_set_timeouts(c->fd, TCP_POLL_NS, TCP_POLL_NS);
	return 0;
}

/* The echoing end of connect: accept the next operation's connection (from
 * the control peer's host; others are closed and counted) and read its
 * request; 0 when none came by until, or one closed without a request. */
static ssize_t tcp_accept_op(struct conn *c, uint8_t *m, size_t cap,
			     uint64_t until)
{
	struct run_ctx *ctx = c->ctx;
	int fd = join_take_tcp(ctx, c->fd, until);

	if (fd < 0)
		return 0;
	if (ctx->one_port)
		tcp_apply_opts(ctx, fd);
	run_set_timeouts(fd, TCP_POLL_NS, TCP_POLL_NS);
	int rc = tcp_move_full(ctx, fd, m, cap, 0, &c->next_ctl);
	if (rc != 0) {
		close(fd);
		return rc < 0 ? -1 : 0;
	}
	c->op_fd = fd;
	return (ssize_t)cap;
}

/* Its reply, then a wait for the sender's FIN (at most FIN_WAIT_NS) so
 * that the TIME_WAIT stays on the sender's side, and the close. */
static int tcp_reply_op(struct conn *c, uint8_t *m, size_t len)
{
	int fd = c->op_fd;
	int rc = tcp_move_full(c->ctx, fd, m, len, 1, &c->next_ctl);

	if (rc == 0) {
		uint64_t until = clock_now_ns() + FIN_WAIT_NS;
		while (clock_now_ns() < until && fiber_recv(fd, m, 1, 0) != 0 &&
		       (errno == EAGAIN || errno == EINTR))
			;
	}
	close(fd);
	c->op_fd = -1;
	return rc < 0 ? -1 : 0;
}

/* connect: a fresh connection, with the options, per operation. */
static int tcp_dial(struct conn *c, uint64_t op)
{
	struct run_ctx *ctx = c->ctx;
	int fam = sock_family(&ctx->server);
	char notes[TUB_TEXT_MAX];
	int fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return run_fail(ctx, ST_SOCKET_ERROR, "socket: %s",
				strerror(errno));
	if (ctx->opts_req.mask)
		sockopt_apply(fd, fam, 1, &ctx->opts_req, notes, sizeof notes);
	if (sock_connect(fd, &ctx->server, ctx->connect_timeout_ms) < 0) {
		int e = errno;
		close(fd);
		return run_fail(ctx, ST_CONNECT_FAILED, "connection %llu: %s",
				(unsigned long long)op + 1, strerror(e));
	}
	c->fd = ctx->data = fd;
	c->dialed = 1;
	if (join_send_tcp(ctx, fd, 1) < 0) /* leaves with the request */
		return -1;
	return tcp_open(c);
}

static int tcp_send(struct conn *c, uint8_t *m, size_t len, uint64_t seq,
		    uint64_t now)
{
	(void)seq;
	(void)now;
	if (c->op_fd >= 0)
		return tcp_reply_op(c, m, len);
	return tcp_move_full(c->ctx, c->fd, m, len, 1, &c->next_ctl) < 0 ? -1
									   : 0;
}

static ssize_t tcp_recv(struct conn *c, uint8_t *m, size_t cap,
			uint64_t until, uint64_t *seq)
{
	(void)seq;
	if (c->per_op)
		return tcp_accept_op(c, m, cap, until);
	/* nothing is lost: wait for it, looking at control */
	int rc = tcp_move_full(c->ctx, c->fd, m, cap, 0, &c->next_ctl);
	return rc < 0 ? -1 : rc > 0 ? CONN_EOF : (ssize_t)cap;
}

/* The requester closes first (the TIME_WAIT is ours); on the test's
 * connection it ends its sending, and the echoing end sees EOF. */
static int tcp_close(struct conn *c)
{
	if (c->op_fd >= 0) {
		close(c->op_fd);
		c->op_fd = -1;
	}
	if (c->dialed) {
		close(c->fd);
		c->ctx->data = -1;
	} else if (c->initiator) {
		shutdown(c->fd, SHUT_WR);
	}
	return 0;
}

static void tcp_ops_done(struct run_ctx *ctx)
{
	ctx->res->probe.timewait = sock_count_timewait(sock_port(&ctx->server));
}

const struct transport tcp_transport = {
	.proto = TUB_PROTO_TCP,
	.server_open = tcp_server_open,
	.server_accept = tcp_server_accept,
	.client_open = tcp_client_open,
	.open = tcp_open,
	.dial = tcp_dial,
	.send = tcp_send,
	.recv = tcp_recv,
	.close = tcp_close,
	.ops_done = tcp_ops_done,
};
