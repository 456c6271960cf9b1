#include "session.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "clock.h"
#include "flows.h"
#include "kind.h"
#include "kinds.h"
#include "sock.h"
#include "sockopt.h"
#include "wire.h"

/* The sending end. */

/* A write of HELLO or TEST failed: a busy receiver may have said so and
 * closed before our frames arrived (they then drew a reset). Its ERROR is
 * still readable; report that rather than the broken pipe. -1. */
static int refused_early(struct run_ctx *ctx, uint8_t *buf)
{
	enum tub_status status = ctx->status;
	char err[sizeof ctx->err];
	uint32_t len;

	memcpy(err, ctx->err, sizeof err);
	if (run_read_frame(ctx, buf, &len, clock_now_ns() + TUB_NSEC_PER_SEC) ==
	    WIRE_ERROR)
		return -1;
	ctx->status = status;
	memcpy(ctx->err, err, sizeof err);
	return -1;
}

/* HELLO and TEST out, READY in, data socket open. */
static int handshake(struct run_ctx *ctx, struct tub_result *r, uint8_t *buf,
		     struct sock_addr *server, struct flow_group *g)
{
	struct wire_hello hello = {.version = WIRE_VERSION};
	struct wire_ready ready;
	char why[TUB_TEXT_MAX];
	uint32_t len;

	snprintf(hello.host, sizeof hello.host, "%s", r->sender_host);
	snprintf(hello.tool_version, sizeof hello.tool_version, "%s",
		 TUB_VERSION);
	if (run_send_frame(ctx, buf, wire_encode_hello(buf, WIRE_MAX_FRAME,
						       &hello)) < 0 ||
	    run_send_frame(ctx, buf, wire_encode_test(buf, WIRE_MAX_FRAME,
						      &r->spec)) < 0)
		return refused_early(ctx, buf);
	int type = run_read_frame(ctx, buf, &len,
				  clock_now_ns() + RUN_CTL_TIMEOUT_NS);
	if (type < 0 || type == WIRE_ERROR)
		return -1;
	if (type != WIRE_READY)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "expected READY, got "
				"message %d", type);
	if (wire_decode_ready(buf, len, &ready, why, sizeof why) < 0 ||
	    sockopt_check_granted(&ready.granted, why, sizeof why) < 0)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "READY: %s", why);
	snprintf(r->receiver_host, sizeof r->receiver_host, "%s", ready.host);
	snprintf(r->remote_version, sizeof r->remote_version, "%s",
		 ready.tool_version);
	r->remote_granted = ready.granted;
	r->remote_clamped[0] = ready.sndbuf_clamped;
	r->remote_clamped[1] = ready.rcvbuf_clamped;
	if (sockopt_has(&ready.granted, SOCKOPT_RCVBUF))
		ctx->peer_rcvbuf = (uint64_t)ready.granted.value[SOCKOPT_RCVBUF];
	snprintf(r->remote_notes, sizeof r->remote_notes, "%s", ready.notes);

	sock_set_port(server, ready.data_port);
	ctx->secret = ready.secret;
	int rc;
	if (g)
		rc = flows_init(g, ctx, r, 1) < 0 ? -1 : flows_dial(g, server);
	else
		rc = run_transport(r->spec.proto)->client_open(ctx, server);
	r->local_granted = ctx->opts_granted;
	snprintf(r->local_notes, sizeof r->local_notes, "%s",
		 ctx->opts_notes);
	return rc;
}

/* Wait for RESULT to begin arriving, until UNTIL; a signal meanwhile
 * shortens the wait to the grace period and a second (a slow reader of a
 * linger test would otherwise hold the stopped sender for its whole
 * reading). Returns the deadline for the frame. */
static uint64_t wait_result(struct run_ctx *ctx, uint64_t until)
{
	struct pollfd p = {.fd = ctx->ctl, .events = POLLIN};
	int shortened = 0;

	for (;;) {
		uint64_t now = clock_now_ns();
		if (*ctx->stop && !shortened) {
			uint64_t soon = now + ctx->grace_ns + TUB_NSEC_PER_SEC;
			until = soon < until ? soon : until;
			shortened = 1;
		}
		if (now >= until)
			return until;
		uint64_t left_ms = (until - now) / TUB_NSEC_PER_MSEC + 1;
		if (poll(&p, 1, left_ms < 100 ? (int)left_ms : 100) > 0)
			return until;
	}
}

/* TCP_INFO of each data socket this end sends on into its counters. */
static void tcp_infos(struct run_ctx *ctx, struct flow_group *g)
{
	if (g)
		flows_tcp_info(g);
	else if (ctx->data >= 0 && ctx->spec->proto == TUB_PROTO_TCP)
		run_tcp_info(ctx->data, &ctx->mine.tx.tcpi);
}

/* This end's report: one frame (DONE or RESULT), or with flows one a flow
 * and one of the whole process (flows_report). 0 or -1. */
static int send_reports(struct run_ctx *ctx, struct flow_group *g,
			uint8_t *buf, int done)
{
	if (g)
		return flows_report(g, buf, done);
	int n = done ? wire_encode_done(buf, WIRE_MAX_FRAME, &ctx->mine)
		     : wire_encode_result(buf, WIRE_MAX_FRAME, &ctx->mine);
	if (run_send_frame(ctx, buf, n) < 0)
		return -1;
	ctx->done_sent |= done;
	return 0;
}

/* One RESULT, by until, into side. 0 or -1 (ctx set). */
static int read_result(struct run_ctx *ctx, uint8_t *buf, uint64_t until,
		       struct tub_side *side)
{
	char why[TUB_TEXT_MAX];
	uint32_t len;
	int type = run_read_frame(ctx, buf, &len, until);

	if (type < 0 && *ctx->stop)
		return run_fail(ctx, ST_INTERRUPTED, "stopped by a signal; no "
				"RESULT from the receiver within %.1f s",
				(double)ctx->grace_ns / 1e9 + 1);
	if (type < 0 || type == WIRE_ERROR)
		return -1;
	if (type != WIRE_RESULT)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "expected RESULT, got "
				"message %d", type);
	if (wire_decode_result(buf, len, side, why, sizeof why) < 0 ||
	    spec_side_check(side, why, sizeof why) < 0)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "RESULT: %s", why);
	return 0;
}

/* The peer's RESULTs by until: one a flow this end sends on (g), then the
 * whole process's, into ctx->peer. 0 or -1 (ctx set). */
static int read_results(struct run_ctx *ctx, struct flow_group *g,
			uint8_t *buf, uint64_t until)
{
	for (int i = 0; g && i < g->n; i++)
		if (g->f[i].sends &&
		    read_result(ctx, buf, until, &g->f[i].ctx.peer) < 0)
			return -1;
	if (read_result(ctx, buf, until, &ctx->peer) < 0)
		return -1;
	ctx->have_result = 1;
	return 0;
}

/* The end that sends the data (tub-send, or tub-recv under -R): its
 * workload (g: on every flow), DONE with its counters, RESULT with the
 * other end's into ctx->peer (and each flow's). in_done: TCP_INFO goes
 * into DONE (the other end writes the row); else it is read after RESULT,
 * with what the drain retransmitted. 0, or -1 (ctx set); a stopped
 * workload still gets its RESULT. */
static int data_sender(struct run_ctx *ctx, uint8_t *buf, int in_done,
		       struct flow_group *g)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_kernel k0, k1;

	sock_snmp_read(&k0);
	run_cpu_begin(ctx);
	int rc = g ? flows_run(g, buf)
		   : kind_work(s->kind)->sender[s->proto](ctx);
	run_cpu_end(ctx);
	if (rc < 0 && ctx->status != ST_INTERRUPTED)
		return -1;
	if (kind_has(s->kind, KIND_NO_RESULT))
		return rc; /* the path may be cut: nothing comes back */
	if (in_done) {
		tcp_infos(ctx, g);
		sock_snmp_read(&k1);
		sock_snmp_delta(&k0, &k1, &ctx->mine.tx.kernel);
	}
	if (!ctx->done_sent && send_reports(ctx, g, buf, 1) < 0) /* fill sent
								     it */
		return -1;
	/* The receiver answers within its grace period, or fails on its own
	 * stall limit while data still drains. */
	uint64_t until = wait_result(ctx, clock_now_ns() + ctx->stall_ns +
						  ctx->grace_ns +
						  RUN_CTL_TIMEOUT_NS);
	if (read_results(ctx, g, buf, until) < 0)
		return -1;
	if (!in_done) {
		tcp_infos(ctx, g);
		sock_snmp_read(&k1);
		sock_snmp_delta(&k0, &k1, &ctx->mine.tx.kernel);
	}
	return rc;
}

/* The end that receives the data: its workload (which ends at the
 * sender's DONE, or waits for it after), then RESULT with its counters. */
static int data_receiver(struct run_ctx *ctx, uint8_t *buf,
			 struct flow_group *g)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_kernel k0, k1;

	sock_snmp_read(&k0);
	run_cpu_begin(ctx);
	int rc = g ? flows_run(g, buf)
		   : kind_work(s->kind)->receiver[s->proto](ctx);
	run_cpu_end(ctx);
	if (rc < 0 || kind_has(s->kind, KIND_NO_RESULT))
		return rc; /* keepalive: the path was cut, nothing follows */
	if (g)
		ctx->mine.rx.wrong_session += ctx->strays;
	else if (run_await_done(ctx) < 0)
		return -1;
	sock_snmp_read(&k1);
	sock_snmp_delta(&k0, &k1, &ctx->mine.rx.kernel);
	return send_reports(ctx, g, buf, 0);
}

/* --bidir: both ends send and receive, each on its own flows. flows_run
 * passes the DONEs (tub-send's, then tub-recv's); then tub-send's RESULTs
 * go, and tub-recv's answer them. The last report of each end has the
 * whole process's CPU and its host's counters (of both directions). */
static int data_both(struct run_ctx *ctx, uint8_t *buf, struct flow_group *g)
{
	struct tub_kernel k0, k1;

	sock_snmp_read(&k0);
	run_cpu_begin(ctx);
	if (flows_run(g, buf) < 0)
		return -1; /* the blocks may be half through: no reports */
	uint64_t until = clock_now_ns() + ctx->stall_ns + ctx->grace_ns +
			 RUN_CTL_TIMEOUT_NS;
	if (!g->client && read_results(ctx, g, buf, until) < 0)
		return -1;
	run_cpu_end(ctx);
	sock_snmp_read(&k1);
	sock_snmp_delta(&k0, &k1, &ctx->mine.rx.kernel);
	ctx->mine.tx.kernel = ctx->mine.rx.kernel;
	ctx->mine.rx.wrong_session += ctx->strays;
	if (send_reports(ctx, g, buf, 0) < 0)
		return -1;
	if (g->client) {
		if (read_results(ctx, g, buf, wait_result(ctx, until)) < 0)
			return -1;
		tcp_infos(ctx, g); /* with what the drain retransmitted */
	}
	return 0;
}

/* The row of one flow (ctx: its context) from both ends' counters. */
static void fill_row(const struct run_ctx *ctx, struct tub_result *r)
{
	if (r->spec.dir == TUB_DIR_REVERSE) { /* its DONE has the counters */
		r->have_rx = 1;
		r->rx = ctx->mine.rx;
		r->have_tx = ctx->peer_done;
		r->tx = ctx->peer.tx;
		if (ctx->peer_done && ctx->peer.rtt.valid) { /* rr: it asked */
			r->rtt_peer = ctx->peer.rtt;
			r->rr_done = ctx->peer.rtt.done;
			r->rr_lost = ctx->peer.rtt.lost;
			r->rr_late = ctx->peer.rtt.late;
			r->rr_elapsed_ns = ctx->peer.rtt.elapsed_ns;
		}
	} else {
		r->have_tx = 1;
		r->tx = ctx->mine.tx;
		r->have_rx = ctx->have_result;
		r->rx = ctx->peer.rx;
	}
	r->cpu_local = ctx->mine.cpu;
	if (r->spec.dir == TUB_DIR_REVERSE ? ctx->peer_done : ctx->have_result)
		r->cpu_remote = ctx->peer.cpu;
}

/* A UDP or RUDP flow that sent and of which nothing arrived: said. */
static int no_data(struct run_ctx *ctx, const struct tub_result *r)
{
	if (r->spec.proto == TUB_PROTO_TCP ||
	    !kind_has(r->spec.kind, KIND_FLOW) || !r->have_tx ||
	    !r->have_rx || r->tx.msgs == 0 || r->rx.msgs > 0)
		return 0;
	return run_fail(ctx, ST_NO_DATA, "not one of the %llu datagrams "
			"sent arrived (a firewall on the path?)",
			(unsigned long long)r->tx.msgs);
}

/* One flow's row (a failed flow with its own status, the others with the
 * test's) into row. */
static void flow_row(struct run_ctx *ctx, struct flow_group *g, int i,
		     struct tub_result *row, int rc)
{
	struct run_ctx *f = &g->f[i].ctx;

	*row = g->f[i].res;
	row->flow = (int)((unsigned)i % spec_flows(ctx->spec));
	row->bidir = g->bidir;
	row->local_granted = f->opts_granted;
	snprintf(row->local_notes, sizeof row->local_notes, "%s",
		 f->opts_notes);
	/* the receiver's socket of this flow: what its report says (READY
	 * said the first flow's), as asked for this flow */
	sockopt_parse(row->spec.remote_opts, &row->remote_req, NULL, 0);
	sockopt_resolve(&row->remote_req, row->spec.msg_size);
	const struct tub_side_opts *o = &f->peer.opts;
	if (o->valid) {
		row->remote_granted = o->granted;
		row->remote_clamped[0] = o->sndbuf_clamped;
		row->remote_clamped[1] = o->rcvbuf_clamped;
		snprintf(row->remote_notes, sizeof row->remote_notes, "%s",
			 o->notes);
	}
	f->have_result = ctx->have_result;
	f->peer_done |= ctx->peer_done;
	fill_row(f, row);
	if (row->rtt) { /* rr: the flow's histogram goes with the flows */
		if (!row->rtt_peer.valid && g->f[i].sends)
			csv_rtt(row, &row->rtt_peer);
		row->rtt = NULL;
	}
	if (g->f[i].rc < 0) {
		row->status = f->status;
		snprintf(row->error, sizeof row->error, "%s", f->err);
	} else if (rc < 0) {
		row->status = ctx->status;
		snprintf(row->error, sizeof row->error, "%s", ctx->err);
	} else if (no_data(f, row) < 0) {
		row->status = f->status;
		snprintf(row->error, sizeof row->error, "%s", f->err);
	}
}

/* CPU of n flows together (their threads', or on shared threads their
 * shares), over the longest's wall time. */
static struct tub_cpu cpu_of_flows(const struct tub_result *rows, int n,
				   int remote)
{
	struct tub_cpu t = {.valid = 1};

	for (int i = 0; i < n; i++) {
		const struct tub_cpu *c = remote ? &rows[i].cpu_remote
						 : &rows[i].cpu_local;
		t.valid &= c->valid;
		t.user_ns += c->user_ns;
		t.sys_ns += c->sys_ns;
		t.wall_ns = c->wall_ns > t.wall_ns ? c->wall_ns : t.wall_ns;
	}
	return t;
}

/* The sum of the n rows before sum, of direction dir: with the whole
 * process's CPU (under --bidir, where the process carries both
 * directions, its flows' threads') and the hosts' counters, the sender's
 * and the receiver's. */
static void sum_row(struct run_ctx *ctx, struct tub_result *sum, int n,
		    int dir, int rc)
{
	int reverse = dir == TUB_DIR_REVERSE;

	flows_sum(sum - n, n, sum);
	sum->bidir = sum[-1].bidir;
	sum->cpu_local = sum->bidir ? cpu_of_flows(sum - n, n, 0) : ctx->mine.cpu;
	sum->cpu_remote = sum->bidir ? cpu_of_flows(sum - n, n, 1)
				     : ctx->peer.cpu;
	if (!(reverse ? ctx->peer_done : ctx->have_result))
		sum->cpu_remote.valid = 0;
	sum->tx.kernel = reverse ? ctx->peer.tx.kernel : ctx->mine.tx.kernel;
	sum->rx.kernel = reverse ? ctx->mine.rx.kernel : ctx->peer.rx.kernel;
	sum->rx.wrong_session += reverse ? ctx->mine.rx.wrong_session
					 : ctx->peer.rx.wrong_session;
	if (rc < 0 && sum->status == ST_OK) {
		sum->status = ctx->status;
		snprintf(sum->error, sizeof sum->error, "%s", ctx->err);
	}
}

/* With flows: each direction's flow rows, then (with more than one flow a
 * direction, all of one transport) their sum; forward first. The number
 * of rows. */
static int flow_rows(struct run_ctx *ctx, struct flow_group *g,
		     struct tub_result *r, int rc)
{
	int at = 0;

	for (int dir = TUB_DIR_FORWARD; dir <= TUB_DIR_REVERSE; dir++) {
		int n = 0;
		for (int i = 0; i < g->n; i++)
			if (g->f[i].spec.dir == dir)
				flow_row(ctx, g, i, &r[at + n++], rc);
		at += n;
		if (n > 1 && !spec_mixed_protos(ctx->spec)) /* one transport */
			sum_row(ctx, &r[at++], n, dir, rc);
	}
	return at;
}

/* tub-send's data phase: the sending end (or the receiving end under -R,
 * or both under --bidir), and the rows from both ends' counters. */
static int exchange(struct run_ctx *ctx, struct tub_result *r, uint8_t *buf,
		    struct flow_group *g, int *rows)
{
	int reverse = r->spec.dir == TUB_DIR_REVERSE;
	int rc;

	run_begin_data(ctx, 24 * 3600 * TUB_NSEC_PER_SEC);
	if (g && g->bidir)
		rc = data_both(ctx, buf, g);
	else
		rc = reverse ? data_receiver(ctx, buf, g)
			     : data_sender(ctx, buf, 0, g);
	if (g) {
		*rows = flow_rows(ctx, g, r, rc);
		for (int i = 0; rc == 0 && i < *rows; i++)
			if (r[i].status != ST_OK)
				rc = -1;
		return rc;
	}
	fill_row(ctx, r);
	if (rc == 0)
		rc = no_data(ctx, r);
	return rc;
}

/* busy_poll spins on a device queue's NAPI context: a socket that got no
 * NAPI id (loopback, TUN, a path without busy-poll support) had none to
 * spin on, and the row says so. */
static void note_busy_poll(const struct run_ctx *ctx, struct tub_result *r)
{
#ifdef SO_INCOMING_NAPI_ID
	unsigned id = 0;
	socklen_t l = sizeof id;
	size_t at = strlen(r->local_notes);

	if (!(sockopt_has(&ctx->opts_req, SOCKOPT_BUSY_POLL) ||
	      sockopt_has(&ctx->opts_req, SOCKOPT_PREFER_BUSY_POLL)) ||
	    ctx->data < 0 ||
	    getsockopt(ctx->data, SOL_SOCKET, SO_INCOMING_NAPI_ID, &id, &l) <
		    0 ||
	    id != 0)
		return;
	snprintf(r->local_notes + at, sizeof r->local_notes - at,
		 "%sbusy polling: no effect here (no NAPI id: loopback or "
		 "TUN)",
		 at ? "; " : "");
#else
	(void)ctx;
	(void)r;
#endif
}

/* A probe's reply timeout when none is given: TCP's minimum RTO (200 ms),
 * or three round trips of the control connection on a longer path, so that
 * one test across a long path does not call every late reply lost. */
static uint64_t default_rr_timeout(int ctl)
{
	uint64_t t = 3 * run_ctl_rtt_ns(ctl);

	if (t < RR_TIMEOUT_DEFAULT_NS)
		return RR_TIMEOUT_DEFAULT_NS;
	return t > 60 * TUB_NSEC_PER_SEC ? 60 * TUB_NSEC_PER_SEC : t;
}

int session_send(const struct send_session *c, struct tub_result *r,
		 struct hist *rtt, int *rows)
{
	struct run_ctx *ctx = calloc(1, sizeof *ctx);
	uint8_t *buf = malloc(WIRE_MAX_FRAME);
	struct flow_group flows, *g = spec_sockets(&r->spec) > 1 ? &flows : NULL;
	struct sock_addr server;
	int rc = -1;

	*rows = 1;
	r->flow = 0;
	memset(&flows, 0, sizeof flows);
	flows.lfd = flows.wake = flows.wake_tx = flows.ended_fd = -1;
	if (ctx == NULL || buf == NULL) {
		r->status = ST_NO_MEMORY;
		goto out;
	}
	ctx->spec = &r->spec;
	ctx->stop = c->stop;
	ctx->data = -1;
	ctx->listen_fd = -1;
	ctx->opts_req = *c->local;
	ctx->res = r;
	r->rtt = rtt;
	ctx->connect_timeout_ms = (int)(c->connect_timeout_ns /
					TUB_NSEC_PER_MSEC);
	ctx->on_idle = c->on_idle;
	ctx->threads = c->threads;
	r->probe.timewait = -1;
	ctx->ctl = sock_dial_tcp(c->host, c->port, ctx->connect_timeout_ms,
				 ctx->err, sizeof ctx->err);
	if (ctx->ctl < 0) {
		ctx->status = ST_CONNECT_FAILED;
		goto done;
	}
	sock_peer(ctx->ctl, &server);
	ctx->ctl_peer = server;
	if (!c->have_rr_timeout)
		r->spec.timeout_ns = default_rr_timeout(ctx->ctl);
	snprintf(r->family, sizeof r->family, "%s",
		 sock_family(&server) == AF_INET6 ? "ipv6" : "ipv4");
	rc = handshake(ctx, r, buf, &server, g);
	if (rc == 0)
		rc = exchange(ctx, r, buf, g, rows);
	note_busy_poll(ctx, r);
done:
	if (rc < 0 && *rows == 1) {
		r->status = ctx->status;
		snprintf(r->error, sizeof r->error, "%s", ctx->err);
	}
	if (ctx->data >= 0) /* left unsent at the deadline: reset, never drain */
		sock_close(ctx->data, ctx->mine.tx.unsent_bytes > 0);
	flows_free(&flows, 0);
	if (ctx->ctl >= 0)
		close(ctx->ctl);
out:
	free(buf);
	free(ctx);
	return rc;
}

/* The receiving end. */

static uint64_t random_secret(void)
{
	uint64_t v = 0;

	while (v == 0)
		if (getrandom(&v, sizeof v, 0) != sizeof v)
			v = clock_now_ns() * 0x9e3779b97f4a7c15ull ^
			    (uint64_t)getpid();
	return v;
}

/* The TEST (HELLO came before it, checked by the gate), checks, data
 * socket, READY. */
static int setup(struct run_ctx *ctx, const struct serve_session *c,
		 const struct gate_conn *conn, struct tub_spec *spec,
		 uint8_t *body, struct flow_group **gp, struct flow_group *flows)
{
	struct wire_ready ready;
	struct sock_addr local;
	char why[TUB_TEXT_MAX];

	if (wire_decode_test(conn->test, conn->test_len, spec, why,
			     sizeof why) < 0)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "%s", why);
	if (spec_check(spec, c->lim, why, sizeof why) < 0)
		return run_fail(ctx, ST_REFUSED, "%s", why);
	if (sockopt_parse(spec->remote_opts, &ctx->opts_req, why,
			  sizeof why) < 0)
		return run_fail(ctx, ST_REFUSED, "remote options: %s", why);
	if (c->check_opts(ctx, &ctx->opts_req, c->arg) < 0)
		return -1;
	for (unsigned i = 0; i < spec->nmixed; i++) { /* --flow's own */
		struct sockopt_set o;
		if (!spec->mix[i].remote_opts[0])
			continue;
		if (sockopt_parse(spec->mix[i].remote_opts, &o, why,
				  sizeof why) < 0)
			return run_fail(ctx, ST_REFUSED, "flow %u's remote "
					"options: %s", i, why);
		if (c->check_opts(ctx, &o, c->arg) < 0)
			return -1;
	}
	struct flow_group *g = spec_sockets(spec) > 1 ? flows : NULL;
	*gp = g;
	ctx->nflows = (uint16_t)spec_sockets(spec); /* sockets on one port */

	const struct transport *t = run_transport(spec->proto);
	if (sock_local(ctx->ctl, &local) < 0)
		return run_fail(ctx, ST_SOCKET_ERROR, "getsockname: %s",
				strerror(errno));
	sock_unmap(&local); /* its port: the control port */
	ctx->one_port = c->data_port == 0;
	ctx->threads = c->threads;
	if (c->data_port)
		sock_set_port(&local, c->data_port);
	ctx->secret = random_secret();
	if (g ? flows_init(g, ctx, NULL, 0) < 0 || flows_open(g, &local) < 0
	      : t->server_open(ctx, &local) < 0)
		return -1;

	memset(&ready, 0, sizeof ready);
	ready.data_port = sock_port(&local);
	ready.secret = ctx->secret;
	snprintf(ready.host, sizeof ready.host, "%s", c->host);
	snprintf(ready.tool_version, sizeof ready.tool_version, "%s",
		 TUB_VERSION);
	ready.granted = ctx->opts_granted;
	uint8_t clamped[2];
	sockopt_clamped_bufs(&ctx->opts_req, clamped);
	ready.sndbuf_clamped = clamped[0];
	ready.rcvbuf_clamped = clamped[1];
	snprintf(ready.notes, sizeof ready.notes, "%s", ctx->opts_notes);
	int n = wire_encode_ready(body, WIRE_MAX_FRAME, &ready);
	if (run_send_frame(ctx, body, n) < 0)
		return -1;
	if (g)
		return flows_accept(g, &local);
	return t->server_accept(ctx, ctx->data);
}

/* tub-recv's data phase: the receiving end, or under -R the sending end,
 * or both under --bidir (its limits on rate, duration and size hold for
 * what it sends too). */
static int serve(struct run_ctx *ctx, const struct tub_spec *spec,
		 uint8_t *body, struct flow_group *g)
{
	if (spec->dir == TUB_DIR_BIDIR)
		return data_both(ctx, body, g);
	if (spec->dir != TUB_DIR_REVERSE)
		return data_receiver(ctx, body, g);
	if (!kind_has(spec->kind, KIND_ROUND_TRIPS))
		return data_sender(ctx, body, 1, g);
	/* rr under -R: this end asks, and its round trips go in DONE */
	struct hist *h = malloc(sizeof *h);
	if (h == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "round-trip histogram");
	hist_init(h);
	ctx->res->rtt = h;
	int rc = data_sender(ctx, body, 1, g);
	ctx->res->rtt = NULL;
	free(h);
	return rc;
}

int session_serve(const struct serve_session *c, const struct gate_conn *conn,
		  int lfd, struct run_ctx *ctx)
{
	struct tub_spec *spec = (struct tub_spec *)ctx->spec;
	uint8_t *body = malloc(WIRE_MAX_FRAME);
	struct flow_group flows, *g = NULL;
	int rc;

	memset(&flows, 0, sizeof flows);
	flows.lfd = flows.wake = flows.wake_tx = flows.ended_fd = -1;
	ctx->ctl = conn->fd;
	ctx->data = -1;
	if (body == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "frame buffer");
	ctx->listen_fd = lfd;
	ctx->data_lfd = lfd;
	ctx->stop = c->stop;
	ctx->ctl_peer = conn->peer;
	ctx->deadline_ns = clock_now_ns() + RUN_CTL_TIMEOUT_NS * 3;
	rc = setup(ctx, c, conn, spec, body, &g, &flows);
	if (rc == 0) {
		run_begin_data(ctx, c->lim->max_duration_ns);
		rc = serve(ctx, spec, body, g);
	}
	flows_free(&flows, rc < 0);
	free(body);
	return rc;
}
