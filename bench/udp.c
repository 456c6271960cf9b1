/* UDP data path: datagrams carry the data header; sendmmsg/recvmmsg batch
 * them; the receiver accounts every arrival by sequence number. */
#include "run.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "fiber.h"
#include "join.h"
#include "kind.h"
#include "kinds.h"
#include "seqtrack.h"
#include "sockopt.h"
#include "udp_bufs.h"
#include "udpseg.h"

#define UDP_POLL_NS (10 * TUB_NSEC_PER_MSEC)
#define UDP_REFUSED_MAX 100 /* port-unreachable answers before giving up */

/* The note for a receive buffer whose drops cannot be counted: every
 * loss would look like the path's. */
static void note_no_drop_count(struct run_ctx *ctx, int e)
{
	size_t at = strlen(ctx->opts_notes);

	snprintf(ctx->opts_notes + at, sizeof ctx->opts_notes - at,
		 "%sSO_RXQ_OVFL failed (%s): receive-buffer drops are not "
		 "told from path loss", at ? "; " : "", strerror(e));
}

/* The receiving end's socket: drop counts (SO_RXQ_OVFL) and arrival
 * times (SO_TIMESTAMPNS) with every datagram. */
static void udp_receiving(struct run_ctx *ctx, int fd)
{
	int one = 1;

#ifdef SO_RXQ_OVFL
	if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) < 0)
		note_no_drop_count(ctx, errno);
#else
	note_no_drop_count(ctx, ENOPROTOOPT);
#endif
#ifdef SO_TIMESTAMPNS
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
#endif
	(void)one;
}

int udp_server_open(struct run_ctx *ctx, const struct sock_addr *local)
{
	int fd = run_data_socket(ctx, sock_family(local), SOCK_DGRAM);

	if (fd < 0)
		return -1;
	if (ctx->spec->dir == TUB_DIR_FORWARD)
		udp_receiving(ctx, fd);
	if (ctx->nflows > 1) { /* a socket a flow, on one port */
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	}
	if (run_bind(ctx, fd, local) < 0)
		return -1;
	ctx->data = fd;
	return 0;
}

int udp_server_accept(struct run_ctx *ctx, int fd)
{
	(void)fd;
	if (kind_has(ctx->spec->kind, KIND_PER_OP))
		return 0; /* every operation from a new port: none to join */
	return join_wait_udp(ctx, clock_now_ns() + RUN_CTL_TIMEOUT_NS);
}

int udp_client_open(struct run_ctx *ctx, const struct sock_addr *server)
{
	int fd = run_data_socket(ctx, sock_family(server), SOCK_DGRAM);

	ctx->server = *server;
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&server->ss, server->len) < 0) {
		close(fd);
		return run_fail(ctx, ST_CONNECT_FAILED, "data socket: %s",
				strerror(errno));
	}
	ctx->data = fd;
	if (ctx->spec->dir == TUB_DIR_REVERSE)
		udp_receiving(ctx, fd);
	ctx->res->probe.ipv6 = sock_family(server) == AF_INET6;
	ctx->res->probe.path_mtu = sock_path_mtu(fd, sock_family(server));
	if (kind_has(ctx->spec->kind, KIND_PER_OP))
		return 0; /* each operation's own socket: no JOIN */
	return join_udp(ctx);
}

int udp_send_error(struct run_ctx *ctx, uint64_t *refused)
{
	struct tub_tx *tx = &ctx->mine.tx;

	switch (errno) {
	case EINTR:
		return 0;
	case EAGAIN:
		tx->blocked++;
		return 0;
	case ENOBUFS:
		tx->enobufs++;
		return 0;
	case ECONNREFUSED:
		/* ICMP port unreachable: the receiver's socket is gone. */
		if (++*refused < UDP_REFUSED_MAX)
			return 0;
		return run_fail(ctx, ST_PEER_CLOSED, "receiver port "
				"unreachable");
	default:
		return run_fail(ctx, ST_DATA_ERROR, "send: %s",
				strerror(errno));
	}
}

static void send_end_markers(struct run_ctx *ctx, uint64_t seq)
{
	uint8_t hdr[WIRE_DATA_HDR_LEN];

	for (int i = 0; i < RUN_END_MARKERS; i++) {
		struct wire_data d = {.session = ctx->spec->session,
				      .flags = WIRE_DATA_END,
				      .seq = seq,
				      .send_ns = clock_now_ns()};
		wire_data_encode(hdr, &d);
		fiber_send(ctx->data, hdr, sizeof hdr, 0);
		fiber_sleep_until(clock_now_ns() + TUB_NSEC_PER_MSEC);
	}
}

/* The GSO segment count of this end's data socket: how many datagrams
 * one buffer carries (1: gso off, or not granted). */
static unsigned udp_per_buf(const struct run_ctx *ctx)
{
	const struct sockopt_set *g = &ctx->opts_granted;

	if (!sockopt_has(g, SOCKOPT_GSO) || g->value[SOCKOPT_GSO] <= 0)
		return 1;
	return udpseg_per_send(ctx->spec->msg_size);
}

/* A GSO send the kernel refused as a whole: say what it needs. */
static int udp_gso_error(struct run_ctx *ctx, int e)
{
	return run_fail(ctx, ST_DATA_ERROR, "send with UDP_SEGMENT=%u (gso): "
			"%s; each datagram must fit the path MTU "
			"unfragmented", (unsigned)ctx->spec->msg_size,
			strerror(e));
}

int udp_stream_send(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	unsigned per_buf = udp_per_buf(ctx);
	struct udp_txq *q = udp_txq_new(s->msg_size, per_buf);
	struct pacer pace;
	struct ticker tick;
	uint64_t refused = 0;
	int rc = 0;

	if (q == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "send buffers");
	run_set_timeouts(ctx->data, 0, UDP_POLL_NS);
	clock_tighten_slack();

	uint64_t now = clock_now_ns(), first = now, last = now;
	uint64_t end = s->duration_ns ? now + s->duration_ns : UINT64_MAX;
	uint64_t next_ctl = now + RUN_CTL_CHECK_NS;
	pacer_start(&pace, now, s->rate_bps, s->msg_size);
	ticker_start(&tick, now, s->interval_ns);

	for (;;) {
		now = clock_now_ns();
		if (now >= end || (s->count && tx->msgs >= s->count))
			break;
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		ticker_tick(&tick, now, tx->bytes, tx->msgs, &tx->iv);
		uint64_t n = udp_txq_capacity(q);
		if (s->count && s->count - tx->msgs < n)
			n = s->count - tx->msgs;
		n = pacer_due(&pace, now, tx->msgs, n);
		if (n == 0) {
			uint64_t when = pacer_when(&pace, tx->msgs);
			fiber_sleep_until(when < end ? when : end);
			continue;
		}
		/* Paced, a datagram's timestamp is its place in the schedule
		 * (as RTP stamps the sampling instant), so jitter shows the
		 * path and our pacing error, not how a batch drains. With
		 * GSO every datagram still has its own header. */
		for (uint64_t i = 0; i < n; i++) {
			uint64_t seq = tx->msgs + i;
			struct wire_data d = {
				.session = s->session,
				.seq = seq,
				.send_ns = s->rate_bps ? pacer_when(&pace, seq)
						       : now};
			wire_data_encode(udp_txq_hdr(q, (unsigned)i), &d);
		}
		unsigned nb = udp_txq_arm(q, (unsigned)n);
		int r = fiber_sendmmsg(ctx->data, q->mm, nb, 0);
		if (r < 0) {
			int e = errno;
			if (per_buf > 1 && (e == EMSGSIZE || e == EINVAL ||
					    e == EIO)) {
				rc = udp_gso_error(ctx, e);
				break;
			}
			if ((rc = udp_send_error(ctx, &refused)) < 0)
				break;
			continue;
		}
		unsigned sent = udp_txq_sent(q, (unsigned)n, (unsigned)r);
		last = clock_now_ns();
		ctx->progress_ns = last;
		tx->calls++;
		tx->bufs += (uint64_t)r;
		tx->msgs += sent;
		tx->bytes += (uint64_t)sent * s->msg_size;
	}
	tx->elapsed_ns = last - first;
	ticker_finish(&tick, last, tx->bytes, tx->msgs, &tx->iv);
	if (rc == 0 || ctx->status == ST_INTERRUPTED)
		send_end_markers(ctx, tx->msgs);
	udp_txq_free(q);
	return rc;
}

/* The first good datagram connects the socket to its sender, so the kernel
 * filters the rest. */
int udp_accept_datagram(struct run_ctx *ctx, const uint8_t *p, size_t len,
			int flags, const struct sockaddr_storage *from,
			socklen_t fromlen, int *connected,
			struct wire_data *d)
{
	if ((flags & MSG_TRUNC) || wire_data_decode(p, len, d) < 0 ||
	    d->session != ctx->spec->session)
		return -1;
	if (!(d->flags & WIRE_DATA_END) && len != ctx->spec->msg_size)
		return -1;
	if (connected == NULL || !*connected) {
		struct sock_addr src = {.len = fromlen};
		memcpy(&src.ss, from, fromlen);
		sock_unmap(&src);
		if (!sock_same_host(&src, &ctx->ctl_peer))
			return -1;
		if (connected &&
		    connect(ctx->data, (const struct sockaddr *)from,
			    fromlen) == 0)
			*connected = 1;
	}
	return 0;
}

/* Whether the receiving end is finished: the sender's DONE came, and then
 * either its end marker (plus a short settle for stragglers) or the grace
 * period passed. */
static int stream_over(const struct run_ctx *ctx, uint64_t now,
		       uint64_t done_at, uint64_t end_at)
{
	if (!ctx->peer_done)
		return 0;
	if (end_at && now >= end_at + RUN_UDP_SETTLE_NS)
		return 1;
	return now >= done_at + ctx->grace_ns;
}

/* Whether this end's data socket has UDP_GRO on. */
static int udp_gro_on(const struct run_ctx *ctx)
{
	const struct sockopt_set *g = &ctx->opts_granted;

	return sockopt_has(g, SOCKOPT_GRO) && g->value[SOCKOPT_GRO] > 0;
}

/* What the receiving end keeps while it accounts datagrams. */
struct udp_acct {
	struct seqtrack st;
	struct msg_track mt;
	struct ticker tick;
	uint64_t first, last, end_at;
	int connected;
};

/* One receive buffer: each datagram in it (GRO: many, cut at the
 * gso_size its cmsg gave) accounted by its own header, as if it had come
 * alone; they share the buffer's arrival time. */
static void udp_take_buffer(struct run_ctx *ctx, struct udp_acct *a,
			    struct udp_rxq *q, unsigned i, uint64_t now)
{
	struct tub_rx *rx = &ctx->mine.rx;
	struct msghdr *h = &q->mm[i].msg_hdr;
	struct udp_rx_meta m;
	struct udpseg_iter it;
	const uint8_t *p;
	size_t len;
	unsigned data = 0;

	udp_rx_meta(h, &m);
	uint64_t when = m.when ? m.when : clock_wall_ns();
	udpseg_start(&it, q->iov[i].iov_base, q->mm[i].msg_len, m.seg);
	while (udpseg_next(&it, &p, &len)) {
		struct wire_data d;
		if (udp_accept_datagram(ctx, p, len, h->msg_flags,
					&q->from[i], h->msg_namelen,
					&a->connected, &d) < 0) {
			if (!join_answer(ctx, p, len))
				rx->wrong_session++;
			continue;
		}
		if (m.have_drops)
			rx->rcvbuf_drops = m.drops;
		if (d.flags & WIRE_DATA_END) {
			rx->end_markers++;
			a->end_at = now;
			continue;
		}
		seqtrack_push(&a->st, d.seq, d.send_ns, when);
		msg_track_delay(&a->mt, d.send_ns, now);
		ctx->progress_ns = now;
		if (rx->msgs++ == 0) {
			a->first = now;
			ticker_start(&a->tick, now, ctx->spec->interval_ns);
		}
		a->last = now;
		rx->bytes += len;
		data++;
	}
	if (data > 0)
		rx->bufs++;
	if (data > 1)
		rx->coalesced++;
}

int udp_stream_recv(struct run_ctx *ctx)
{
	struct tub_rx *rx = &ctx->mine.rx;
	struct udp_rxq *q;
	struct udp_acct a = {0};
	uint64_t next_ctl = 0, done_at = 0;
	int rc = 0;

	rx->gro = (uint8_t)udp_gro_on(ctx);
	q = udp_rxq_new(ctx->spec->msg_size, rx->gro);
	if (q == NULL || seqtrack_init(&a.st) < 0) {
		udp_rxq_free(q);
		return run_fail(ctx, ST_NO_MEMORY, "receive buffers");
	}
	/* The message delay, as for TCP: from the sender's stamp (paced: the
	 * datagram's place in the schedule) to the read that delivers it, so
	 * the receive buffer's and the bottleneck queue's wait are in it. */
	if (msg_track_init(&a.mt, NULL) < 0) {
		seqtrack_free(&a.st);
		udp_rxq_free(q);
		return run_fail(ctx, ST_NO_MEMORY, "delay histogram");
	}
	for (;;) {
		uint64_t now = clock_now_ns();
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		if (ctx->peer_done && done_at == 0)
			done_at = now;
		if (stream_over(ctx, now, done_at, a.end_at))
			break;
		udp_rxq_arm(q);
		int r = recvmmsg(ctx->data, q->mm, q->n, MSG_DONTWAIT, NULL);
		if (r < 0) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNREFUSED) {
				rc = run_fail(ctx, ST_DATA_ERROR, "recv: %s",
					      strerror(errno));
				break;
			}
			next_ctl = 0; /* idle: look at the control side now */
			if (errno == EAGAIN)
				sock_wait_readable(ctx->data,
						   clock_now_ns() + UDP_POLL_NS);
			continue;
		}
		now = clock_now_ns();
		rx->calls++;
		for (int i = 0; i < r; i++)
			udp_take_buffer(ctx, &a, q, (unsigned)i, now);
		if (rx->msgs)
			ticker_tick(&a.tick, now, rx->bytes, rx->msgs, &rx->iv);
	}
	rx->elapsed_ns = a.last - a.first;
	rx->first_ns = a.first;
	if (rx->msgs)
		ticker_finish(&a.tick, a.last, rx->bytes, rx->msgs, &rx->iv);
	/* The last datagram's SO_RXQ_OVFL misses drops after it was queued
	 * (a full buffer at the very end): the socket's own count has them.
	 * With GRO both count buffers, not datagrams (csv.c says so). */
	int64_t drops = sock_drops(ctx->data);
	if (drops > 0 && (uint64_t)drops > rx->rcvbuf_drops)
		rx->rcvbuf_drops = (uint64_t)drops;
	rx->received = a.st.received;
	rx->duplicates = a.st.duplicates;
	rx->reordered = a.st.reordered;
	rx->reorder_max = a.st.reorder_max;
	rx->too_old = a.st.too_old;
	rx->jitter_ns = a.st.jitter_ns;
	msg_track_report(&a.mt, rx);
	msg_track_free(&a.mt);
	seqtrack_free(&a.st);
	udp_rxq_free(q);
	return rc;
}

/* Framing: a message is one datagram with the data header, exactly
 * msg_size bytes; the initiator's carry the probe's sequence number. */
static int udp_open(struct conn *c)
{
	const struct tub_spec *s = c->ctx->spec;

	c->rcv_timeout = c->initiator ? s->timeout_ns : UDP_POLL_NS;
	run_set_timeouts(c->fd, c->rcv_timeout, UDP_POLL_NS);
	return 0;
}

/* connect: a fresh socket, with the options, per operation. */
static int udp_dial(struct conn *c, uint64_t op)
{
	struct run_ctx *ctx = c->ctx;
	int fam = sock_family(&ctx->server);
	char notes[TUB_TEXT_MAX];
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)op;
	if (fd < 0)
		return run_fail(ctx, ST_SOCKET_ERROR, "socket: %s",
				strerror(errno));
	if (ctx->opts_req.mask)
		sockopt_apply(fd, fam, 0, &ctx->opts_req, notes, sizeof notes);
	if (connect(fd, (const struct sockaddr *)&ctx->server.ss,
		    ctx->server.len) < 0) {
		int e = errno;
		close(fd);
		return run_fail(ctx, ST_CONNECT_FAILED, "%s", strerror(e));
	}
	c->fd = fd;
	c->dialed = 1;
	return udp_open(c);
}

static int udp_send(struct conn *c, uint8_t *m, size_t len, uint64_t seq,
		    uint64_t now)
{
	if (c->initiator) {
		struct wire_data d = {.session = c->ctx->spec->session,
				      .seq = seq, .send_ns = now};
		wire_data_encode(m, &d);
	}
	if (c->per_op ? fiber_sendto(c->fd, m, len, 0, (struct sockaddr *)&c->to,
			       c->tolen) == (ssize_t)len
		      : fiber_send(c->fd, m, len, 0) == (ssize_t)len)
		return 0;
	if (c->dialed || !c->initiator)
		return 1; /* lost, as on the path */
	return udp_send_error(c->ctx, &c->refused) < 0 ? -1 : 1;
}

/* The receive timeout for a wait until until, set only when it differs
 * from the one set by more than a millisecond (a system call per probe
 * would show in the round trip). */
static void rcv_until(struct conn *c, uint64_t now, uint64_t until)
{
	uint64_t want = until > now ? until - now : 1000;
	uint64_t d = want > c->rcv_timeout ? want - c->rcv_timeout
					   : c->rcv_timeout - want;

	if (d > TUB_NSEC_PER_MSEC) {
		c->rcv_timeout = want;
		run_set_timeouts(c->fd, want, UDP_POLL_NS);
	}
}

/* The requester: a reply of our session (late ones too; the caller tells
 * them by seq), or 0 when until passed. */
static ssize_t udp_recv_reply(struct conn *c, uint8_t *m, size_t cap,
			      uint64_t until, uint64_t *seq)
{
	const struct tub_spec *s = c->ctx->spec;

	int spin = s->flags & TUB_SPEC_SPIN;

	for (;;) {
		uint64_t now = clock_now_ns();
		if (now >= until)
			return 0;
		if (!spin)
			rcv_until(c, now, until);
		ssize_t n = fiber_recv(c->fd, m, cap, MSG_TRUNC | (spin ? MSG_DONTWAIT : 0));
		if (n < 0 && (errno == EAGAIN || errno == EINTR) && spin &&
		    !*c->ctx->stop)
			continue; /* --spin: at once again, until until */
		if (n < 0 && errno == EINTR && !*c->ctx->stop)
			continue;
		if (n < 0) {
			/* the test's socket counts port-unreachable answers
			 * and gives up after a few; either way the probe is
			 * lost, as before the framing */
			if (errno == ECONNREFUSED && !c->dialed &&
			    udp_send_error(c->ctx, &c->refused) < 0)
				return -1;
			return 0;
		}
		struct wire_data r;
		if ((size_t)n == s->msg_size &&
		    wire_data_decode(m, (size_t)n, &r) == 0 &&
		    r.session == s->session) {
			*seq = r.seq;
			return n;
		}
	}
}

/* The echoing end: a request from the sender, or 0 when idle. The first
 * good one connects the socket to it; in connect, every request comes
 * from a new port: the host is checked each time, the reply goes to the
 * source, the socket stays unconnected. */
static ssize_t udp_recv_request(struct conn *c, uint8_t *m, size_t cap,
				uint64_t until)
{
	struct run_ctx *ctx = c->ctx;
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	struct wire_data d;
	int spin = ctx->spec->flags & TUB_SPEC_SPIN;
	ssize_t n;

	do /* --spin: poll without sleeping until until */
		n = fiber_recvfrom(c->fd, m, cap, MSG_TRUNC | (spin ? MSG_DONTWAIT : 0),
			     (struct sockaddr *)&from, &fromlen);
	while (n < 0 && spin && clock_now_ns() < until && !*ctx->stop);
	if (n < 0)
		return 0;
	if (udp_accept_datagram(ctx, m, (size_t)n, (size_t)n > cap ? MSG_TRUNC : 0,
				&from, fromlen, c->per_op ? NULL : &c->connected,
				&d) < 0 ||
	    (d.flags & WIRE_DATA_END)) {
		if (!join_answer(ctx, m, (size_t)n))
			ctx->mine.rx.wrong_session++;
		return 0;
	}
	memcpy(&c->to, &from, fromlen);
	c->tolen = fromlen;
	return n;
}

static ssize_t udp_recv(struct conn *c, uint8_t *m, size_t cap,
			uint64_t until, uint64_t *seq)
{
	if (c->initiator)
		return udp_recv_reply(c, m, cap, until, seq);
	return udp_recv_request(c, m, cap, until);
}

static int udp_close(struct conn *c)
{
	if (c->dialed)
		close(c->fd);
	return 0;
}

const struct transport udp_transport = {
	.proto = TUB_PROTO_UDP,
	.lossy = 1,
	.server_open = udp_server_open,
	.server_accept = udp_server_accept,
	.client_open = udp_client_open,
	.open = udp_open,
	.dial = udp_dial,
	.send = udp_send,
	.recv = udp_recv,
	.close = udp_close,
};
