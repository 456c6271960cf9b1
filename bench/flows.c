#include "flows.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "fiber.h"
#include "gate.h"
#include "kind.h"
#include "join.h"
#include "kinds.h"

#define FLOWS_POLL_MS 100
/* A fiber's stack: a flow's deepest call is a look at the control
 * connection (a 128 KiB frame on the stack); the pages are taken only
 * when touched. */
#define FLOWS_STACK (2u * 1024u * 1024u)

/* A mixed flow's own options for this end's socket (tub-send's: its
 * local, tub-recv's: its remote), in place of the test's; NULL when it
 * has none. */
static const char *own_opts(const struct tub_spec *s, int i, int client)
{
	if (s->nmixed == 0)
		return NULL;
	const struct tub_flow_spec *m = &s->mix[(unsigned)i % s->nmixed];
	const char *o = client ? m->local_opts : m->remote_opts;
	return o[0] ? o : NULL;
}

int flows_init(struct flow_group *g, struct run_ctx *main,
	       const struct tub_result *res, int client)
{
	int n = (int)spec_sockets(main->spec);

	memset(g, 0, sizeof *g);
	g->lfd = -1;
	g->n = n;
	g->main = main;
	g->client = client;
	g->bidir = main->spec->dir == TUB_DIR_BIDIR;
	g->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->wake_tx = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->ended_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	g->f = calloc((size_t)n, sizeof *g->f);
	if (g->f == NULL || g->wake < 0 || g->wake_tx < 0 || g->ended_fd < 0) {
		flows_free(g, 1);
		return run_fail(main, ST_NO_MEMORY, "%d flows: %s", n,
				g->f == NULL ? "out of memory"
					     : strerror(errno));
	}
	main->nflows = (uint16_t)n;
	for (int i = 0; i < n; i++) {
		struct flow *fl = &g->f[i];
		struct run_ctx *c = &fl->ctx;
		spec_flow_of(main->spec, (unsigned)i, &fl->spec);
		fl->sends = (fl->spec.dir == TUB_DIR_FORWARD) == client;
		g->n_tx += fl->sends;
		*c = *main;
		c->spec = &fl->spec;
		memset(&c->mine, 0, sizeof c->mine);
		memset(&c->peer, 0, sizeof c->peer);
		c->flow = (uint16_t)i;
		c->data = -1;
		c->strays = 0;
		c->res = &fl->res;
		if (res) {
			fl->res = *res;
			fl->res.spec = fl->spec;
		}
		const char *own = own_opts(main->spec, i, client);
		char why[TUB_TEXT_MAX];
		if (own && sockopt_parse(own, &c->opts_req, why,
					 sizeof why) < 0) {
			flows_free(g, 1);
			return run_fail(main, ST_REFUSED, "flow %d's options: "
					"%s", i, why);
		}
		if (!own && sockopt_has(&c->opts_req, SOCKOPT_GSO)) {
			/* The test's gso: one datagram a message, so this
			 * flow's own size (a mixed flow's may differ; the
			 * test's was resolved to -l's). */
			c->opts_req.value[SOCKOPT_GSO] = fl->spec.msg_size;
			if (client && res)
				fl->res.local_req.value[SOCKOPT_GSO] =
					fl->spec.msg_size;
		}
		if (own && client) {
			snprintf(fl->res.local_opts, sizeof fl->res.local_opts,
				 "%s", own);
			fl->res.local_req = c->opts_req;
			sockopt_resolve(&fl->res.local_req, fl->spec.msg_size);
			sockopt_clamped_bufs(&c->opts_req,
					     fl->res.local_clamped);
		}
		fl->res.rtt = NULL;
		if (kind_has(fl->spec.kind, KIND_ROUND_TRIPS)) { /* a flow asks */
			if ((fl->rtt = malloc(sizeof *fl->rtt)) == NULL) {
				flows_free(g, 1);
				return run_fail(main, ST_NO_MEMORY, "round-trip "
						"histograms");
			}
			hist_init(fl->rtt);
			fl->res.rtt = fl->rtt;
		}
	}
	g->n_rx = n - g->n_tx;
	return 0;
}

const char *flows_name(const struct flow_group *g, int i, char *buf,
		       size_t len)
{
	if (g->bidir)
		snprintf(buf, len, "%s flow %u",
			 spec_dir_name(g->f[i].spec.dir),
			 (unsigned)i % spec_flows(g->main->spec));
	else
		snprintf(buf, len, "flow %d", i);
	return buf;
}

void flows_free(struct flow_group *g, int failed)
{
	for (int i = 0; g->f && i < g->n; i++) {
		struct run_ctx *c = &g->f[i].ctx;
		if (c->data >= 0)
			sock_close(c->data, failed || c->mine.tx.unsent_bytes > 0);
		c->data = -1;
		free(g->f[i].rtt);
		g->f[i].rtt = NULL;
	}
	free(g->f);
	g->f = NULL;
	if (g->lfd >= 0)
		close(g->lfd);
	g->lfd = -1;
	if (g->wake >= 0)
		close(g->wake);
	if (g->wake_tx >= 0)
		close(g->wake_tx);
	if (g->ended_fd >= 0)
		close(g->ended_fd);
	g->wake = g->wake_tx = g->ended_fd = -1;
}

/* A flow's failure as the test's: "flow 2: ...". -1. */
static int flow_failed(struct flow_group *g, int i)
{
	const struct run_ctx *c = &g->f[i].ctx;
	char name[32];

	return run_fail(g->main, c->status, "%s: %s",
			flows_name(g, i, name, sizeof name), c->err);
}

/* Opened and joined: from now on the flow sees the control connection
 * only through the group. */
static void enlist(struct flow_group *g, struct run_ctx *c)
{
	c->ctl = g->f[c->flow].sends ? g->wake_tx : g->wake;
	c->listen_fd = -1; /* the main thread turns strangers away */
	c->group = g;
}

/* The order flows join in: the TCP flows, then the datagram flows (whose
 * sockets the receiver binds to the port one at a time), each in index
 * order. The index of the k-th. */
static int join_order(const struct flow_group *g, int k)
{
	for (int tcp = 1; tcp >= 0; tcp--)
		for (int i = 0; i < g->n; i++)
			if ((g->f[i].spec.proto == TUB_PROTO_TCP) == tcp &&
			    k-- == 0)
				return i;
	return -1;
}

int flows_dial(struct flow_group *g, const struct sock_addr *server)
{
	for (int k = 0; k < g->n; k++) {
		int i = join_order(g, k);
		struct run_ctx *c = &g->f[i].ctx;
		if (run_transport(c->spec->proto)->client_open(c, server) < 0)
			return flow_failed(g, i);
		enlist(g, c);
	}
	g->main->opts_granted = g->f[0].ctx.opts_granted;
	snprintf(g->main->opts_notes, sizeof g->main->opts_notes, "%s",
		 g->f[0].ctx.opts_notes);
	return 0;
}

int flows_open(struct flow_group *g, const struct sock_addr *local)
{
	struct run_ctx *m = g->main;
	int tcp = 0, d = -1; /* d: the datagram flow to join first */

	for (int i = 0; i < g->n; i++) {
		if (g->f[i].spec.proto == TUB_PROTO_TCP)
			tcp = 1;
		else if (d < 0)
			d = i;
	}
	if (tcp) {
		/* --data-port's listener, or on the one port a socket that
		 * shows what the options give */
		if (tcp_transport.server_open(m, local) < 0)
			return -1;
		if (m->data >= 0)
			g->lfd = m->data; /* --data-port's: ours to close */
		m->data = -1;
		for (int i = 0; i < g->n; i++)
			g->f[i].ctx.data_lfd = m->data_lfd;
	}
	if (d < 0)
		return 0;
	struct run_ctx *c = &g->f[d].ctx;
	if (run_transport(c->spec->proto)->server_open(c, local) < 0)
		return run_fail(m, c->status, "%s", c->err);
	if (!tcp) { /* READY shows what the first flow's options give */
		m->opts_granted = c->opts_granted;
		snprintf(m->opts_notes, sizeof m->opts_notes, "%s",
			 c->opts_notes);
	}
	return 0;
}

int flows_accept(struct flow_group *g, const struct sock_addr *local)
{
	struct run_ctx *m = g->main, *f[TUB_FLOWS_MAX];
	int nd = 0;

	for (int k = 0; k < g->n; k++) {
		int i = join_order(g, k);
		struct run_ctx *c = &g->f[i].ctx;
		if (c->spec->proto != TUB_PROTO_TCP) {
			f[nd++] = c;
		} else if (tcp_transport.server_accept(c, m->data_lfd) < 0) {
			return flow_failed(g, i); /* flows_free closes lfd */
		}
	}
	if (g->lfd >= 0) /* --data-port's listener, done with */
		close(g->lfd);
	g->lfd = -1;
	if (nd > 0 && join_wait_udp_flows(f, nd, local,
					  clock_now_ns() + RUN_CTL_TIMEOUT_NS) < 0) {
		for (int i = 0; i < g->n; i++)
			if (g->f[i].ctx.status != ST_OK)
				return flow_failed(g, i);
		return run_fail(m, ST_INTERNAL, "flows not joined");
	}
	for (int i = 0; i < g->n; i++)
		enlist(g, &g->f[i].ctx);
	return 0;
}

/* Tell the workers: the peer's DONEs are in (failed 0), or the test
 * failed with status and err (also after the DONEs: the peer then went
 * away before the end). The first failure's reason stays. */
static void post(struct flow_group *g, int failed, enum tub_status status,
		 const char *err)
{
	uint64_t one = 1;

	if (failed && __atomic_load_n(&g->posted, __ATOMIC_ACQUIRE) != 2) {
		g->status = status;
		snprintf(g->err, sizeof g->err, "%s", err);
	}
	__atomic_store_n(&g->posted, failed ? 2 : 1, __ATOMIC_RELEASE);
	if (write(g->wake, &one, sizeof one) < 0) {
		/* the counter is at its limit: readable already */
	}
	if (failed && write(g->wake_tx, &one, sizeof one) < 0) {
		/* the same */
	}
}

int flows_check(struct run_ctx *ctx)
{
	int posted = __atomic_load_n(&ctx->group->posted, __ATOMIC_ACQUIRE);

	if (*ctx->stop)
		return run_fail(ctx, ST_INTERRUPTED, "stopped by a signal");
	if (posted == 2)
		return run_fail(ctx, ctx->group->status, "%s", ctx->group->err);
	if (posted == 1 && !ctx->group->f[ctx->flow].sends)
		ctx->peer_done = 1; /* the main thread put its DONE in peer */
	return 0;
}

/* Flow fl is over (its rc set): counted, and the main thread woken. */
static void ended(struct flow *fl)
{
	struct flow_group *g = fl->ctx.group;
	uint64_t one = 1;

	if (fl->sends)
		__atomic_add_fetch(&g->ended_tx, 1, __ATOMIC_RELEASE);
	__atomic_add_fetch(&g->ended, 1, __ATOMIC_RELEASE);
	if (write(g->ended_fd, &one, sizeof one) < 0) {
		/* readable already */
	}
}

/* One flow's workload, on its thread or as a fiber of one. */
static void worker(void *arg)
{
	struct flow *fl = arg;
	struct run_ctx *ctx = &fl->ctx;
	const struct tub_spec *s = ctx->spec;

	run_cpu_begin(ctx);
	if (fl->sends) {
		fl->rc = kind_work(s->kind)->sender[s->proto](ctx);
		run_cpu_end(ctx);
	} else {
		fl->rc = kind_work(s->kind)->receiver[s->proto](ctx);
		run_cpu_end(ctx);
		if (fl->rc == 0)
			fl->rc = run_await_done(ctx);
	}
	ended(fl);
}

/* Worker thread k's share of the group's T threads: flows k, k + T,
 * k + 2T, ...: how many. */
static int flows_of(const struct flow_group *g, int k)
{
	return (g->n - k + g->nthreads - 1) / g->nthreads;
}

/* Worker thread k: flows k, k + T, k + 2T, ... of the group's T threads,
 * as fibers when there are several. */
static void *drive(void *arg)
{
	struct flow_thread *t = arg;
	struct flow_group *g = t->g;
	int m = flows_of(g, t->k);
	struct fiber_task *task = calloc((size_t)m, sizeof *task);

	for (int j = 0; task && j < m; j++)
		task[j] = (struct fiber_task){worker, &g->f[t->k + j * g->nthreads]};
	if (task == NULL || fiber_run(task, m, FLOWS_STACK) < 0)
		for (int i = t->k; i < g->n; i += g->nthreads) {
			struct flow *fl = &g->f[i];
			fl->rc = run_fail(&fl->ctx, ST_NO_MEMORY,
					  "flow stacks: out of memory");
			ended(fl); /* as if it had run */
		}
	free(task);
	return NULL;
}

/* Flow k of those this end sends on (sends) or receives on: its index. */
static int nth(const struct flow_group *g, int sends, int k)
{
	for (int i = 0; i < g->n; i++)
		if (g->f[i].sends == sends && k-- == 0)
			return i;
	return -1;
}

/* An end that receives: the peer's next DONE, into the peer of the got-th
 * flow it receives on (or, after those, the whole process's into main's).
 * With the last, the receiving flows are told. */
static int take_done(struct flow_group *g, uint8_t *buf)
{
	struct run_ctx *m = g->main;
	int i = g->got < g->n_rx ? nth(g, 0, g->got) : -1;
	struct tub_side *into = i >= 0 ? &g->f[i].ctx.peer : &m->peer;
	char why[TUB_TEXT_MAX], name[32];
	uint32_t len;
	int type = run_read_frame(m, buf, &len,
				  clock_now_ns() + RUN_CTL_TIMEOUT_NS);

	if (type < 0 || type == WIRE_ERROR)
		return -1;
	if (type != WIRE_DONE)
		return run_fail(m, ST_PROTOCOL_ERROR, "unexpected control "
				"message %d during the test", type);
	if (wire_decode_done(buf, len, into, why, sizeof why) < 0 ||
	    spec_side_check(into, why, sizeof why) < 0)
		return run_fail(m, ST_PROTOCOL_ERROR, "DONE of %s: %s",
				i >= 0 ? flows_name(g, i, name, sizeof name)
				       : "the process", why);
	if (++g->got == g->n_rx + 1) {
		m->peer_done = 1;
		post(g, 0, ST_OK, "");
	}
	return 0;
}

/* The control connection while the workers run: an end that receives
 * reads the DONEs; anything else (on an end that only sends, anything at
 * all) fails the test. */
static void watch_ctl(struct flow_group *g, uint8_t *buf)
{
	struct run_ctx *m = g->main;

	if (g->n_rx > 0 && g->got <= g->n_rx) {
		if (take_done(g, buf) < 0)
			post(g, 1, m->status, m->err);
		return;
	}
	char byte;
	ssize_t r = recv(m->ctl, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	uint32_t len;
	int type = r > 0 ? run_read_frame(m, buf, &len, clock_now_ns() +
							   RUN_CTL_TIMEOUT_NS)
			 : -1;
	if (r == 0 || r < 0)
		run_fail(m, ST_PEER_CLOSED, "control connection closed during "
			 "the test");
	else if (type >= 0 && type != WIRE_ERROR)
		run_fail(m, ST_PROTOCOL_ERROR, "unexpected control message %d "
			 "during the test", type);
	post(g, 1, m->status, m->err);
}

int flows_report(struct flow_group *g, uint8_t *buf, int done)
{
	struct run_ctx *m = g->main;
	/* one bound for the block: a peer that does not read costs it once,
	 * not once a frame */
	uint64_t by = clock_now_ns() + RUN_CTL_TIMEOUT_NS;

	for (int i = 0; i < g->n; i++) {
		if (g->f[i].sends != done)
			continue;
		struct run_ctx *c = &g->f[i].ctx;
		struct tub_side *s = &c->mine;
		s->opts.valid = 1; /* what this flow's options gave */
		s->opts.granted = c->opts_granted;
		uint8_t clamped[2];
		sockopt_clamped_bufs(&c->opts_req, clamped);
		s->opts.sndbuf_clamped = clamped[0];
		s->opts.rcvbuf_clamped = clamped[1];
		snprintf(s->opts.notes, sizeof s->opts.notes, "%s",
			 c->opts_notes);
		int n = done ? wire_encode_done(buf, WIRE_MAX_FRAME, s)
			     : wire_encode_result(buf, WIRE_MAX_FRAME, s);
		if (run_send_frame_by(m, buf, n, by) < 0)
			return -1;
	}
	int n = done ? wire_encode_done(buf, WIRE_MAX_FRAME, &m->mine)
		     : wire_encode_result(buf, WIRE_MAX_FRAME, &m->mine);
	if (run_send_frame_by(m, buf, n, by) < 0)
		return -1;
	m->done_sent |= done;
	return 0;
}

void flows_tcp_info(struct flow_group *g)
{
	for (int i = 0; i < g->n; i++)
		if (g->f[i].sends && g->f[i].ctx.data >= 0 &&
		    g->f[i].spec.proto == TUB_PROTO_TCP) /* --flow: not all */
			run_tcp_info(g->f[i].ctx.data, &g->f[i].ctx.mine.tx.tcpi);
}

/* --bidir: this end's DONEs, once its sending flows ended and (on
 * tub-recv's end) tub-send's DONEs are in. TCP_INFO of the sending
 * flows goes with them: tub-send writes the rows. */
static void bidir_done(struct flow_group *g, uint8_t *buf)
{
	struct run_ctx *m = g->main;

	if (g->done_sent ||
	    __atomic_load_n(&g->ended_tx, __ATOMIC_ACQUIRE) < g->n_tx ||
	    (!g->client && g->got <= g->n_rx) ||
	    __atomic_load_n(&g->posted, __ATOMIC_ACQUIRE) == 2)
		return;
	flows_tcp_info(g);
	run_cpu_end(m);
	g->done_sent = 1;
	if (flows_report(g, buf, 1) < 0)
		post(g, 1, m->status, m->err);
}

/* Worker threads for n flows: T asked (0: as many as this end may run
 * at once, its CPUs), never more than n. */
static int threads_for(int n, int asked)
{
	cpu_set_t set;
	int t = asked;

	if (t <= 0)
		t = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
								: 1;
	return t < 1 ? 1 : t > n ? n : t;
}

/* Start the workers: the number of flows they drive (all, or those of
 * the threads that started; -1 and main set when not all). */
static int start(struct flow_group *g, int *started)
{
	struct run_ctx *m = g->main;
	uint64_t now = clock_now_ns();

	for (int i = 0; i < g->n; i++) {
		struct run_ctx *c = &g->f[i].ctx;
		c->deadline_ns = m->deadline_ns;
		c->progress_ns = now;
		c->stall_ns = m->stall_ns;
		c->grace_ns = m->grace_ns;
	}
	*started = 0;
	g->nthreads = threads_for(g->n, m->threads);
	g->t = calloc((size_t)g->nthreads, sizeof *g->t);
	if (g->t == NULL) {
		run_fail(m, ST_NO_MEMORY, "flow threads: out of memory");
		post(g, 1, m->status, m->err);
		return -1;
	}
	for (g->running = 0; g->running < g->nthreads; g->running++) {
		struct flow_thread *t = &g->t[g->running];
		*t = (struct flow_thread){.g = g, .k = g->running};
		if (pthread_create(&t->tid, NULL, drive, t) != 0)
			break;
		*started += flows_of(g, t->k);
	}
	if (g->running < g->nthreads) {
		run_fail(m, ST_NO_MEMORY, "%d of %d flow threads started",
			 g->running, g->nthreads);
		post(g, 1, m->status, m->err);
		return -1;
	}
	return 0;
}

int flows_run(struct flow_group *g, uint8_t *buf)
{
	struct run_ctx *m = g->main;
	int started, rc;

	rc = start(g, &started);
	while (__atomic_load_n(&g->ended, __ATOMIC_ACQUIRE) < started) {
		struct pollfd p[3] = {{.fd = g->ended_fd, .events = POLLIN},
				      {.fd = m->ctl, .events = POLLIN},
				      {.fd = m->listen_fd, .events = POLLIN}};
		if (g->bidir)
			bidir_done(g, buf);
		int posted = __atomic_load_n(&g->posted, __ATOMIC_ACQUIRE);
		/* --bidir, both ends' DONEs through: RESULTs may come */
		if (posted == 2 ||
		    (g->bidir && g->done_sent && g->got > g->n_rx))
			p[1].fd = -1;
		if (poll(p, 3, FLOWS_POLL_MS) <= 0)
			continue;
		uint64_t v;
		if (p[0].revents && read(g->ended_fd, &v, sizeof v) < 0) {
			/* read again next time */
		}
		if (p[2].revents)
			m->strays += (uint64_t)gate_refuse_one(m->listen_fd);
		if (p[1].revents)
			watch_ctl(g, buf);
	}
	if (g->bidir && rc == 0)
		bidir_done(g, buf); /* the last worker ended just now */
	for (int k = 0; k < g->running; k++)
		pthread_join(g->t[k].tid, NULL);
	free(g->t);
	g->t = NULL;
	if (rc < 0)
		return -1;
	int stopped = 0;
	for (int i = 0; i < g->n; i++) {
		if (g->f[i].rc == 0)
			continue;
		if (g->f[i].ctx.status != ST_INTERRUPTED)
			return flow_failed(g, i);
		stopped = 1;
	}
	if (g->posted == 2)
		return run_fail(m, g->status, "%s", g->err);
	if (stopped)
		return run_fail(m, ST_INTERRUPTED, "stopped by a signal");
	return 0;
}

double flows_jain(const double *x, int n)
{
	double s = 0, s2 = 0;

	for (int i = 0; i < n; i++) {
		s += x[i];
		s2 += x[i] * x[i];
	}
	return s2 > 0 ? s * s / (n * s2) : NAN;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void sum_tx(struct tub_tx *t, const struct tub_tx *f, int first)
{
	t->bytes += f->bytes;
	t->msgs += f->msgs;
	t->calls += f->calls;
	t->bufs += f->bufs;
	t->blocked += f->blocked;
	t->enobufs += f->enobufs;
	t->unsent_bytes += f->unsent_bytes;
	t->unacked_bytes += f->unacked_bytes;
	t->elapsed_ns = max_u64(t->elapsed_ns, f->elapsed_ns);
	t->tcpi.valid = (first || t->tcpi.valid) && f->tcpi.valid;
	t->tcpi.total_retrans += f->tcpi.total_retrans;
	t->tcpi.snd_cwnd += f->tcpi.snd_cwnd; /* segments in flight, all */
	t->tcpi.rtt_us = (uint32_t)max_u64(t->tcpi.rtt_us, f->tcpi.rtt_us);
	t->tcpi.rttvar_us = (uint32_t)max_u64(t->tcpi.rttvar_us,
					      f->tcpi.rttvar_us);
	if (first)
		t->tcpi.snd_mss = f->tcpi.snd_mss;
	t->rudp.valid |= f->rudp.valid;
	t->rudp.retrans_timeout += f->rudp.retrans_timeout;
	t->rudp.retrans_fast += f->rudp.retrans_fast;
	t->rudp.spurious += f->rudp.spurious;
	t->rudp.pkts_sent += f->rudp.pkts_sent;
	t->rudp.srtt_ns = max_u64(t->rudp.srtt_ns, f->rudp.srtt_ns);
	t->rudp.tlp += f->rudp.tlp;
	t->rudp.rack_losses += f->rudp.rack_losses;
	t->rudp.spurious_rack += f->rudp.spurious_rack;
	t->rudp.max_silence_ns = max_u64(t->rudp.max_silence_ns,
					 f->rudp.max_silence_ns);
	t->rudp.cwnd += f->rudp.cwnd;
}

static void sum_rx(struct tub_rx *t, const struct tub_rx *f)
{
	t->bytes += f->bytes;
	t->msgs += f->msgs;
	t->calls += f->calls;
	t->bufs += f->bufs;
	t->coalesced += f->coalesced;
	t->gro |= f->gro;
	t->received += f->received;
	t->duplicates += f->duplicates;
	t->reordered += f->reordered;
	t->reorder_max = max_u64(t->reorder_max, f->reorder_max);
	t->too_old += f->too_old;
	t->wrong_session += f->wrong_session;
	t->rcvbuf_drops += f->rcvbuf_drops;
	t->end_markers += f->end_markers;
	t->out_of_order += f->out_of_order;
	t->corrupt += f->corrupt;
	t->dup_dropped += f->dup_dropped;
	t->foreign += f->foreign;
	if (f->delay_max_ns) {
		if (t->delay_max_ns == 0 || f->delay_min_ns < t->delay_min_ns)
			t->delay_min_ns = f->delay_min_ns;
		t->delay_max_ns = max_u64(t->delay_max_ns, f->delay_max_ns);
	}
}

/* Interval samples added up by index: every flow's count from its own
 * first event, and the flows start together. */
static void sum_iv(struct tub_intervals *t, const struct tub_intervals *f)
{
	for (uint32_t k = 0; k < f->n; k++) {
		if (k >= t->n)
			t->s[t->n++] = (struct tub_interval){f->s[k].end_ns, 0, 0};
		t->s[k].bytes += f->s[k].bytes;
		t->s[k].msgs += f->s[k].msgs;
	}
	t->truncated = (uint32_t)max_u64(t->truncated, f->truncated);
}

/* Flows that asked for options of their own (--flow's local=, remote=):
 * the sum has no one set to show, and says where they are. */
static void sum_opts(const struct tub_result *rows, int n,
		     struct tub_result *sum)
{
	int local = 0, remote = 0;

	for (int i = 1; i < n; i++) {
		local |= strcmp(rows[i].local_opts, rows[0].local_opts) != 0;
		remote |= strcmp(rows[i].spec.remote_opts,
				 rows[0].spec.remote_opts) != 0;
	}
	if (local) {
		sum->local_opts[0] = '\0';
		sockopt_clear(&sum->local_req);
		sockopt_clear(&sum->local_granted);
		memset(sum->local_clamped, 0, sizeof sum->local_clamped);
		snprintf(sum->local_notes, sizeof sum->local_notes,
			 "the flows have options of their own: see their rows");
	}
	if (remote) {
		sum->spec.remote_opts[0] = '\0';
		sockopt_clear(&sum->remote_req);
		sockopt_clear(&sum->remote_granted);
		memset(sum->remote_clamped, 0, sizeof sum->remote_clamped);
		snprintf(sum->remote_notes, sizeof sum->remote_notes,
			 "the flows have options of their own: see their rows");
	}
}

void flows_sum(const struct tub_result *rows, int n, struct tub_result *sum)
{
	double bps[TUB_FLOWS_MAX];
	uint64_t from = UINT64_MAX, to = 0;

	*sum = rows[0];
	sum->flow = -1;
	sum->status = ST_OK;
	sum->error[0] = '\0';
	memset(&sum->tx, 0, sizeof sum->tx);
	memset(&sum->rx, 0, sizeof sum->rx);
	memset(&sum->probe, 0, sizeof sum->probe);
	sum->probe.path_mtu = rows[0].probe.path_mtu;
	sum->probe.ipv6 = rows[0].probe.ipv6;
	sum->probe.timewait = -1;
	sum->probe.fill_sndbuf_end = -1;
	sum->rtt = NULL;
	sum->rx.jitter_ns = NAN; /* not a sum of the flows' */
	sum->rx.end_how = rows[0].rx.end_how;
	for (int i = 0; i < n; i++) {
		const struct tub_result *r = &rows[i];
		sum->have_tx &= r->have_tx;
		sum->have_rx &= r->have_rx;
		sum_tx(&sum->tx, &r->tx, i == 0);
		sum_rx(&sum->rx, &r->rx);
		sum_iv(&sum->tx.iv, &r->tx.iv);
		sum_iv(&sum->rx.iv, &r->rx.iv);
		if (r->rx.end_how != sum->rx.end_how)
			sum->rx.end_how = TUB_END_NONE;
		if (r->rx.bytes > 0) {
			from = r->rx.first_ns < from ? r->rx.first_ns : from;
			to = max_u64(to, r->rx.first_ns + r->rx.elapsed_ns);
		}
		bps[i] = r->have_rx && r->rx.elapsed_ns
				 ? r->rx.bytes * 8e9 / (double)r->rx.elapsed_ns
				 : 0;
		if (sum->status == ST_OK && r->status != ST_OK) {
			sum->status = r->status;
			snprintf(sum->error, sizeof sum->error, "flow %d: %.230s", i,
				 r->error);
		}
	}
	sum->rx.first_ns = from == UINT64_MAX ? 0 : from;
	sum->rx.elapsed_ns = to > from && from != UINT64_MAX ? to - from : 0;
	sum->jain_index = flows_jain(bps, n);
	sum_opts(rows, n, sum);
}
