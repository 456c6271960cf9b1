/* The reliable-UDP transport: common/rudp.c's state machine driven over a
 * UDP socket. One pump (send what is due, hand in what arrived, sleep until
 * the next timer) serves stream and rr at both ends. */
#include "run.h"

#include <errno.h>
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
#include "rudp.h"
#include "sockopt.h"

#define RIO_WAIT_MAX_NS (10 * TUB_NSEC_PER_MSEC) /* look at ctl this often */
#define RIO_BURST 64                            /* datagrams per recv pass */
#define RIO_DEAD_NS (30 * TUB_NSEC_PER_SEC)     /* peer not heard: dead */

_Static_assert((int)TUB_RUDP_CC_RENO == (int)RUDP_CC_RENO &&
	       (int)TUB_RUDP_CC_CUBIC == (int)RUDP_CC_CUBIC &&
	       (int)TUB_RUDP_CC_PACED == (int)RUDP_CC_PACED,
	       "spec.h's cc numbers are rudp.h's");

struct rio {
	struct run_ctx *ctx;
	struct rudp *r;
	uint8_t pkt[RUDP_MAX_MTU];
	int connected;     /* server: socket connected to the sender */
	int opened;        /* the handshake completed once */
	uint32_t session;  /* the endpoint's */
	uint64_t refused;  /* ICMP port unreachable on send */
	uint64_t acked;    /* data packets the peer acknowledged so far */
	struct sockaddr_storage to; /* connect server: the current client */
	socklen_t tolen;            /* 0: send on the connected socket */
};

static int rio_open_session(struct rio *io, struct run_ctx *ctx,
			    int initiator, uint32_t session);

static int rio_open(struct rio *io, struct run_ctx *ctx, int initiator)
{
	return rio_open_session(io, ctx, initiator, ctx->spec->session);
}

static int rio_open_session(struct rio *io, struct run_ctx *ctx,
			    int initiator, uint32_t session)
{
	const struct tub_spec *s = ctx->spec;
	int v6 = sock_family(&ctx->ctl_peer) == AF_INET6;
	uint64_t rto_min = s->rto_min_ns ? s->rto_min_ns
					 : TUB_RUDP_RTO_MIN_DEFAULT_NS;
	uint64_t rto_max = s->rto_max_ns ? s->rto_max_ns
					 : TUB_RUDP_RTO_MAX_DEFAULT_NS;
	uint64_t rto_init = 200 * TUB_NSEC_PER_MSEC; /* the handshake's */
	struct rudp_conf c = {
		.mtu_payload = v6 ? 1452 : TUB_RUDP_PKT_MAX, /* one in 1500 B */
		.window = s->window ? s->window : TUB_RUDP_WINDOW_DEFAULT,
		.ordered = !(s->flags & TUB_SPEC_UNORDERED),
		.rto_init_ns = rto_init < rto_min ? rto_min
			       : rto_init > rto_max ? rto_max : rto_init,
		.rto_min_ns = rto_min,
		.rto_max_ns = rto_max,
		.dead_ns = RIO_DEAD_NS,
		/* The receiver's side faces the network: a SYN that goes
		 * quiet costs it little. The sender waits as long as for any
		 * silence (a busy receiver may free up). */
		.handshake_ns = initiator ? 0 : RUN_CTL_TIMEOUT_NS,
		/* -b paces the application, as for TCP and UDP; the
		 * transport runs reno or cubic, or with --cc paced sends at
		 * twice the offered rate with the whole window open. The
		 * numbers of enum tub_rudp_cc are rudp.h's. */
		.cc = (enum rudp_cc_algo)s->cc,
		.pacing_bps = s->cc == TUB_RUDP_CC_PACED ? 2 * s->rate_bps : 0,
		.max_msg = s->msg_size > 1472 ? s->msg_size : 1472,
		.ack_delay_ns = kind_has(s->kind, KIND_ROUND_TRIPS) &&
				!kind_has(s->kind, KIND_PER_OP)
				? 0 : TUB_NSEC_PER_MSEC,
	};

	memset(io, 0, sizeof *io);
	io->ctx = ctx;
	io->session = session;
	io->connected = initiator; /* the sender's socket is connected */
	io->r = rudp_new(&c, session, initiator, clock_now_ns());
	if (io->r == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "rudp endpoint: %s",
				strerror(errno));
	return 0;
}

/* Send every datagram that is due. A datagram the kernel refuses is lost
 * like one on the path: the protocol sends it again. */
static void rio_flush(struct rio *io, uint64_t now)
{
	ssize_t n;

	while ((n = rudp_output(io->r, io->pkt, sizeof io->pkt, now)) > 0) {
		ssize_t w = io->tolen
			? fiber_sendto(io->ctx->data, io->pkt, (size_t)n, 0,
				 (struct sockaddr *)&io->to, io->tolen)
			: fiber_send(io->ctx->data, io->pkt, (size_t)n, 0);
		if (w < 0 && errno == ECONNREFUSED)
			io->refused++;
	}
}

/* Hand in what arrived. The receiver takes datagrams only from the control
 * peer's host and connects to the first sender that speaks. */
static void rio_input(struct rio *io, uint64_t now)
{
	for (int i = 0; i < RIO_BURST; i++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n = recvfrom(io->ctx->data, io->pkt, sizeof io->pkt,
				     MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fromlen);
		if (n < 0)
			return;
		if (join_answer(io->ctx, io->pkt, (size_t)n))
			continue;
		if (!io->connected) {
			/* Connect only to the control peer's host, and only
			 * once it has opened our session. */
			struct sock_addr src = {.len = fromlen};
			uint32_t session;
			memcpy(&src.ss, &from, fromlen);
			sock_unmap(&src);
			if (!sock_same_host(&src, &io->ctx->ctl_peer) ||
			    !rudp_peek_syn(io->pkt, (size_t)n, &session) ||
			    session != io->ctx->spec->session) {
				io->ctx->mine.rx.wrong_session++;
				continue;
			}
			if (connect(io->ctx->data, (struct sockaddr *)&from,
				    fromlen) == 0)
				io->connected = 1;
		}
		rudp_input(io->r, io->pkt, (size_t)n, now);
	}
}

/* Sleep until a datagram comes, the protocol's next timer, the caller's
 * own next event (app), or at most RIO_WAIT_MAX_NS (the caller looks at its
 * clock and control then). */
static void rio_wait_until(struct rio *io, uint64_t now, uint64_t app)
{
	uint64_t t = rudp_next_timer(io->r), until = now + RIO_WAIT_MAX_NS;

	if (io->ctx->spec->flags & TUB_SPEC_SPIN)
		return; /* --spin: look again at once */
	if (app < t)
		t = app;
	if (t <= now)
		return;
	if (t < until)
		until = t;
	struct pollfd p = {.fd = io->ctx->data, .events = POLLIN};
	fiber_poll(&p, 1, until);
}

static void rio_wait(struct rio *io, uint64_t now)
{
	rio_wait_until(io, now, UINT64_MAX);
}

/* One turn: clock, stop flag, control, output, input. */
static int rio_turn(struct rio *io, uint64_t *next_ctl, uint64_t *now)
{
	*now = clock_now_ns();
	if (run_keep_going(io->ctx, *now, next_ctl) < 0)
		return -1;
	rio_flush(io, *now);
	rio_input(io, *now);
	rio_flush(io, *now);
	if (rudp_state(io->r) != RUDP_CONNECTING &&
	    rudp_state(io->r) != RUDP_DEAD)
		io->opened = 1;
	/* Data the peer acknowledged moved, though the app queued nothing
	 * (all of -n may sit in the send queue under heavy loss). */
	struct rudp_stats st;
	rudp_get_stats(io->r, &st);
	if (st.data_pkts_acked > io->acked) {
		io->acked = st.data_pkts_acked;
		io->ctx->progress_ns = *now;
	}
	if (rudp_state(io->r) == RUDP_DEAD)
		return run_fail(io->ctx, io->refused ? ST_PEER_CLOSED : ST_TIMEOUT,
				"reliable-UDP peer dead (%s%s)",
				io->opened ? "not heard for 30 s"
					   : "handshake not completed",
				io->refused ? ", port unreachable" : "");
	return 0;
}

/* The sender's counters into the row. */
static void rio_report(struct rio *io)
{
	struct rudp_stats st;
	struct tub_rudp_tx *p = &io->ctx->mine.tx.rudp;

	rudp_get_stats(io->r, &st);
	p->valid = 1;
	p->retrans_timeout += st.retrans_timeout;
	p->retrans_fast += st.retrans_fast;
	p->spurious += st.spurious_retrans;
	p->pkts_sent += st.pkts_sent;
	p->tlp += st.tlp_probes;
	p->rack_losses += st.rack_losses;
	p->spurious_rack += st.spurious_rack;
	if (st.max_silence_ns > p->max_silence_ns)
		p->max_silence_ns = st.max_silence_ns;
	p->srtt_ns = st.srtt_ns;
	p->cwnd = st.cwnd;
}

/* The receiver's counters into its report. */
static void rio_report_rx(struct rio *io)
{
	struct rudp_stats st;
	struct tub_rx *rx = &io->ctx->mine.rx;

	rudp_get_stats(io->r, &st);
	rx->dup_dropped = st.dup_pkts_dropped;
	rx->foreign = st.malformed + st.foreign + st.stale;
}

static void rio_close(struct rio *io)
{
	rudp_free(io->r);
	io->r = NULL;
}

/* Initiator: until the handshake is done. */
static int rio_await_open(struct rio *io, uint64_t *next_ctl)
{
	uint64_t now;

	while (rudp_state(io->r) != RUDP_OPEN) {
		if (rio_turn(io, next_ctl, &now) < 0)
			return -1;
		if (rudp_state(io->r) != RUDP_OPEN)
			rio_wait(io, now);
	}
	return 0;
}

/* Initiator: graceful close, until the peer has acknowledged it all. */
static int rio_finish(struct rio *io, uint64_t *next_ctl)
{
	uint64_t now = clock_now_ns();

	rudp_close(io->r, now);
	while (rudp_state(io->r) != RUDP_CLOSED) {
		if (rio_turn(io, next_ctl, &now) < 0)
			return -1;
		if (rudp_state(io->r) != RUDP_CLOSED)
			rio_wait(io, now);
	}
	return 0;
}

int rudp_stream_send(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	struct rio *io = malloc(sizeof *io);
	uint8_t *msg = malloc(s->msg_size);
	struct ticker tick;
	struct pacer pace;
	uint64_t next_ctl = 0, now, first = 0, last = 0;
	int rc = -1;

	if (io == NULL || msg == NULL || rio_open(io, ctx, 1) < 0) {
		free(msg);
		free(io);
		return run_fail(ctx, ST_NO_MEMORY, "rudp buffers");
	}
	run_fill_pattern(msg, s->msg_size);
	if (rio_await_open(io, &next_ctl) < 0)
		goto out;
	first = last = clock_now_ns();
	uint64_t end = s->duration_ns ? first + s->duration_ns : UINT64_MAX;
	uint64_t cap = s->count ? s->count : UINT64_MAX;
	ticker_start(&tick, first, s->interval_ns);
	pacer_start(&pace, first, s->rate_bps, s->msg_size);
	for (;;) {
		if (rio_turn(io, &next_ctl, &now) < 0)
			goto out;
		if (now >= end || (s->count && tx->msgs >= s->count))
			break;
		int err = 0;
		while (tx->msgs < cap && pacer_due(&pace, now, tx->msgs, 1)) {
			run_msg_stamp(msg, tx->msgs, now);
			if (rudp_send(io->r, msg, s->msg_size, now) < 0) {
				err = errno;
				break;
			}
			tx->msgs++;
			tx->calls++;
			tx->bytes += s->msg_size;
			last = now;
			ctx->progress_ns = now;
		}
		if (err != 0 && err != EAGAIN) { /* in count and -t mode alike */
			run_fail(ctx, ST_DATA_ERROR, "rudp_send: %s",
				 strerror(err));
			goto out;
		}
		rio_flush(io, now);
		ticker_tick(&tick, now, tx->bytes, tx->msgs, &tx->iv);
		rio_wait_until(io, now, s->rate_bps ? pacer_when(&pace, tx->msgs)
						     : UINT64_MAX);
	}
	tx->elapsed_ns = last - first;
	ticker_finish(&tick, last, tx->bytes, tx->msgs, &tx->iv);
	rc = rio_finish(io, &next_ctl);
out:
	rio_report(io);
	rio_close(io);
	free(msg);
	free(io);
	return rc;
}

int rudp_stream_recv(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_rx *rx = &ctx->mine.rx;
	struct rio *io = malloc(sizeof *io);
	uint8_t *msg = malloc(s->msg_size);
	uint8_t *pattern = calloc(1, s->msg_size);
	struct msg_track mt = {0};
	struct ticker tick;
	uint64_t next_ctl = 0, now, first = 0, last = 0;
	int rc = -1;

	if (io == NULL || msg == NULL || pattern == NULL ||
	    msg_track_init(&mt, pattern) < 0 || rio_open(io, ctx, 0) < 0) {
		free(io);
		free(msg);
		free(pattern);
		msg_track_free(&mt);
		return run_fail(ctx, ST_NO_MEMORY, "rudp buffers");
	}
	run_fill_pattern(pattern, s->msg_size);
	/* Until the sender's DONE (it sends it once its close is through);
	 * pumping till then answers a FIN sent again. */
	while (!ctx->peer_done) {
		if (rio_turn(io, &next_ctl, &now) < 0)
			goto out;
		ssize_t n;
		while ((n = rudp_recv(io->r, msg, s->msg_size)) >= 0) {
			if (rx->msgs++ == 0) {
				first = now;
				ticker_start(&tick, now, s->interval_ns);
			}
			last = now;
			ctx->progress_ns = now;
			rx->calls++;
			rx->bytes += (uint64_t)n;
			msg_track_message(&mt, msg, (size_t)n, now);
		}
		if (rx->msgs)
			ticker_tick(&tick, now, rx->bytes, rx->msgs, &rx->iv);
		if (rudp_state(io->r) == RUDP_CLOSED)
			ctx->progress_ns = now; /* waiting for DONE only */
		rio_flush(io, now);
		rio_wait(io, now);
	}
	rc = 0;
out:
	rx->elapsed_ns = last - first;
	rx->first_ns = first;
	rx->received = rx->msgs;
	if (rx->msgs)
		ticker_finish(&tick, last, rx->bytes, rx->msgs, &rx->iv);
	msg_track_report(&mt, rx);
	rio_report_rx(io);
	msg_track_free(&mt);
	rio_close(io);
	free(msg);
	free(pattern);
	free(io);
	return rc;
}

/* connect: every exchange is a connection of its own: a fresh socket and
 * endpoint, the handshake, one request and reply, the graceful close. Each
 * carries its own session id, the spec's upper 16 bits with a counter below,
 * so that a late packet of one cannot pass for the next. */
static uint32_t op_session(uint32_t base, uint64_t op)
{
	return (base & 0xffff0000u) | (uint32_t)(op % 0xffffu + 1);
}

/* Whether connection session a was opened after b (the counter below the
 * spec's upper 16 bits counts up, op_session). */
static int session_newer(uint32_t a, uint32_t b)
{
	uint32_t d = ((a & 0xffffu) - (b & 0xffffu)) & 0xffffu;

	return d > 0 && d < 0x8000u;
}

/* One datagram for the connect server: a newer connection's SYN replaces
 * the endpoint of the last one (kept until then to answer its FIN again),
 * even from the same port (a new socket may get the port of the last);
 * anything else goes to the current endpoint if it comes from its client. */
static void connect_input(struct rio *io, const uint8_t *pkt, size_t n,
			  const struct sockaddr_storage *from,
			  socklen_t fromlen, uint64_t now)
{
	struct run_ctx *ctx = io->ctx;
	struct sock_addr src = {.len = fromlen};
	uint32_t session;

	memcpy(&src.ss, from, fromlen);
	sock_unmap(&src);
	if (!sock_same_host(&src, &ctx->ctl_peer)) {
		ctx->mine.rx.wrong_session++;
		return;
	}
	int same = io->r && fromlen == io->tolen &&
		   memcmp(from, &io->to, fromlen) == 0;
	int syn = rudp_peek_syn(pkt, n, &session) &&
		  (session & 0xffff0000u) == (ctx->spec->session & 0xffff0000u);
	if (syn && (io->r == NULL ||
		    (!same && rudp_state(io->r) >= RUDP_CLOSED) ||
		    session_newer(session, io->session))) {
		if (io->r)
			rio_close(io);
		if (rio_open_session(io, ctx, 0, session) < 0)
			return;
		memcpy(&io->to, from, fromlen);
		io->tolen = fromlen;
		same = 1;
	}
	if (same)
		rudp_input(io->r, pkt, n, now);
	else
		ctx->mine.rx.foreign++;
}

/* The echoing end of connect: the endpoint of the current operation, and a
 * buffer of its own for arriving datagrams (a new SYN resets the
 * endpoint's, packet buffer and all). The endpoint comes first: the
 * framing's send takes c->priv as a struct rio. */
struct rio_ops {
	struct rio io;
	uint8_t in[RUDP_MAX_MTU];
};

/* Hand the datagrams that arrived to the endpoint they belong to. */
static void ops_input(struct rio_ops *o, uint64_t now)
{
	for (int i = 0; i < RIO_BURST; i++) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		ssize_t n = recvfrom(o->io.ctx->data, o->in, sizeof o->in,
				     MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fromlen);
		if (n < 0)
			return;
		connect_input(&o->io, o->in, (size_t)n, &from, fromlen, now);
	}
}

/* A request of the current operation, or 0 when none came by until. */
static ssize_t rudp_recv_op(struct conn *c, uint8_t *m, size_t cap,
			    uint64_t until)
{
	struct rio_ops *o = c->priv;
	struct rio *io = &o->io;
	ssize_t n;

	for (;;) {
		uint64_t now = clock_now_ns();
		if (io->r && (n = rudp_recv(io->r, m, cap)) >= 0)
			return n;
		ops_input(o, now);
		if (io->r && (n = rudp_recv(io->r, m, cap)) >= 0)
			return n;
		if (io->r)
			rio_flush(io, now);
		if (now >= until)
			return 0;
		if (io->r)
			rio_wait_until(io, now, until);
		else
			sock_wait_readable(c->fd, until < now + RIO_WAIT_MAX_NS
							  ? until
							  : now + RIO_WAIT_MAX_NS);
	}
}


/* Framing: a message is one of the endpoint's messages, whole and in
 * order; the pump runs inside each call. */
static int rudp_open(struct conn *c)
{
	if (c->per_op) { /* endpoints come with each operation's SYN */
		struct rio_ops *o = calloc(1, sizeof *o);
		if (o == NULL)
			return run_fail(c->ctx, ST_NO_MEMORY, "rudp buffers");
		o->io.ctx = c->ctx;
		c->priv = o;
		return 0;
	}
	struct rio *io = malloc(sizeof *io);

	if (io == NULL || rio_open(io, c->ctx, c->initiator) < 0) {
		free(io);
		return run_fail(c->ctx, ST_NO_MEMORY, "rudp buffers");
	}
	c->priv = io;
	if (c->initiator && rio_await_open(io, &c->next_ctl) < 0) {
		rio_report(io);
		rio_close(io);
		free(io);
		c->priv = NULL;
		return -1;
	}
	return 0;
}

/* connect: a fresh socket and endpoint per operation, each with a
 * session of its own, handshake done. */
static int rudp_dial(struct conn *c, uint64_t op)
{
	struct run_ctx *ctx = c->ctx;
	int fam = sock_family(&ctx->server);
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct rio *io = calloc(1, sizeof *io);

	if (fd < 0 || io == NULL) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		free(io);
		return run_fail(ctx, io ? ST_SOCKET_ERROR : ST_NO_MEMORY,
				"socket: %s", strerror(e));
	}
	if (connect(fd, (const struct sockaddr *)&ctx->server.ss,
		    ctx->server.len) < 0) {
		int e = errno;
		close(fd);
		free(io);
		return run_fail(ctx, ST_CONNECT_FAILED, "%s", strerror(e));
	}
	c->fd = ctx->data = fd;
	c->dialed = 1;
	c->priv = io;
	if (rio_open_session(io, ctx, 1, op_session(ctx->spec->session, op)) <
		    0 ||
	    rio_await_open(io, &c->next_ctl) < 0) {
		if (io->r) {
			rio_report(io);
			rio_close(io);
		}
		free(io);
		c->priv = NULL;
		close(fd);
		ctx->data = -1;
		return -1;
	}
	return 0;
}

static int rudp_send_msg(struct conn *c, uint8_t *m, size_t len,
			 uint64_t seq, uint64_t now)
{
	struct rio *io = c->priv;

	if (c->initiator)
		run_msg_stamp(m, seq, now);
	if (rudp_send(io->r, m, len, now) == 0)
		return 0;
	if (!c->initiator)
		return 1; /* the reply is dropped; the requester waits on */
	return run_fail(c->ctx, ST_DATA_ERROR, "rudp_send: %s",
			strerror(errno));
}

/* Pump until a message is there; the echoing end returns at until to
 * look at control. */
static ssize_t rudp_recv_msg(struct conn *c, uint8_t *m, size_t cap,
			     uint64_t until, uint64_t *seq)
{
	struct rio *io = c->priv;
	uint64_t now;
	ssize_t n;

	(void)seq;
	if (c->per_op)
		return rudp_recv_op(c, m, cap, until);
	for (;;) {
		if ((n = rudp_recv(io->r, m, cap)) >= 0)
			return n;
		if (rio_turn(io, &c->next_ctl, &now) < 0)
			return -1;
		if ((n = rudp_recv(io->r, m, cap)) >= 0)
			return n;
		if (rudp_state(io->r) == RUDP_CLOSED)
			c->ctx->progress_ns = now; /* waiting for DONE only */
		if (now >= until)
			return 0;
		rio_wait_until(io, now, until);
	}
}

static int rudp_close_conn(struct conn *c)
{
	struct rio *io = c->priv;
	int rc = 0;

	if (io == NULL)
		return 0;
	if (c->initiator) {
		if (!c->abort)
			rc = rio_finish(io, &c->next_ctl);
		rio_report(io);
	} else if (!c->per_op) {
		rio_report_rx(io);
	}
	if (io->r)
		rio_close(io);
	free(io); /* per_op: the struct rio_ops it begins */
	c->priv = NULL;
	if (c->dialed) {
		close(c->fd);
		c->ctx->data = -1;
	}
	return rc;
}

const struct transport rudp_transport = {
	.proto = TUB_PROTO_RUDP,
	.server_open = udp_server_open,
	.server_accept = udp_server_accept, /* the JOIN; then the handshake
					       in the data phase */
	.client_open = udp_client_open,
	.open = rudp_open,
	.dial = rudp_dial,
	.send = rudp_send_msg,
	.recv = rudp_recv_msg,
	.close = rudp_close_conn,
};
