#include "run.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "clock.h"
#include "fiber.h"
#include "flows.h"
#include "gate.h"
#include <endian.h>
#include "sockopt.h"

const struct transport *run_transport(int proto)
{
	switch (proto) {
	case TUB_PROTO_TCP:
		return &tcp_transport;
	case TUB_PROTO_UDP:
		return &udp_transport;
	case TUB_PROTO_RUDP:
		return &rudp_transport;
	default:
		return NULL;
	}
}

int run_fail(struct run_ctx *ctx, enum tub_status status, const char *fmt, ...)
{
	va_list ap;

	ctx->status = status;
	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof ctx->err, fmt, ap);
	va_end(ap);
	return -1;
}

int run_send_frame(struct run_ctx *ctx, const uint8_t *frame, int len)
{
	return run_send_frame_by(ctx, frame, len,
				 clock_now_ns() + RUN_CTL_TIMEOUT_NS);
}

int run_send_frame_by(struct run_ctx *ctx, const uint8_t *frame, int len,
		      uint64_t deadline_ns)
{
	if (len < 0)
		return run_fail(ctx, ST_INTERNAL, "control frame too large");
	if (sock_write_full(ctx->ctl, frame, (size_t)len, deadline_ns) < 0)
		return run_fail(ctx, ST_PEER_CLOSED, "control connection: %s",
				strerror(errno));
	return 0;
}

int run_read_frame(struct run_ctx *ctx, uint8_t *body, uint32_t *len,
		   uint64_t deadline_ns)
{
	uint8_t hdr[WIRE_HDR_LEN];
	char why[TUB_TEXT_MAX];
	int type;

	if (sock_read_full(ctx->ctl, hdr, sizeof hdr, deadline_ns) < 0 ||
	    (wire_decode_header(hdr, &type, len, why, sizeof why) == 0 &&
	     sock_read_full(ctx->ctl, body, *len, deadline_ns) < 0)) {
		if (errno == ETIMEDOUT)
			return run_fail(ctx, ST_TIMEOUT,
					"peer silent on the control connection");
		return run_fail(ctx, ST_PEER_CLOSED, "control connection: %s",
				errno == EPIPE ? "closed by peer"
					       : strerror(errno));
	}
	if (wire_decode_header(hdr, &type, len, why, sizeof why) < 0)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "%s", why);
	if (type == WIRE_ERROR) {
		struct wire_error e;
		if (wire_decode_error(body, *len, &e, why, sizeof why) < 0)
			return run_fail(ctx, ST_PROTOCOL_ERROR, "%s", why);
		run_fail(ctx, ST_REFUSED, "%s", e.reason);
		return WIRE_ERROR;
	}
	return type;
}

int run_check_ctl(struct run_ctx *ctx)
{
	struct pollfd p = {.fd = ctx->ctl, .events = POLLIN};
	struct pollfd l = {.fd = ctx->listen_fd, .events = POLLIN};

	if (ctx->group)
		return flows_check(ctx);

	if (ctx->listen_fd >= 0 && poll(&l, 1, 0) > 0)
		ctx->strays += (uint64_t)gate_refuse_one(ctx->listen_fd);

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (ctx->peer_done) {
		/* Nothing may follow DONE but the receiver's RESULT: a close
		 * means the sender is gone, and we need not wait for it. */
		char byte;
		ssize_t r = recv(ctx->ctl, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
		if (r > 0)
			return run_fail(ctx, ST_PROTOCOL_ERROR, "control data "
					"after DONE");
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			return run_fail(ctx, ST_PEER_CLOSED, "control "
					"connection closed after DONE");
		return 0;
	}

	uint8_t body[WIRE_MAX_BODY];
	uint32_t len;
	char why[TUB_TEXT_MAX];
	int type = run_read_frame(ctx, body, &len,
				  clock_now_ns() + RUN_CTL_TIMEOUT_NS);
	if (type < 0 || type == WIRE_ERROR)
		return -1;
	if (type != WIRE_DONE)
		return run_fail(ctx, ST_PROTOCOL_ERROR,
				"unexpected control message %d during the test",
				type);
	if (wire_decode_done(body, len, &ctx->peer, why, sizeof why) < 0 ||
	    spec_side_check(&ctx->peer, why, sizeof why) < 0)
		return run_fail(ctx, ST_PROTOCOL_ERROR, "DONE: %s", why);
	ctx->peer_done = 1;
	return 0;
}

int run_wait(struct run_ctx *ctx, int fd, short events, uint64_t until)
{
	struct pollfd p[3];
	nfds_t n = 0;
	int at_fd = -1, at_listen = -1;
	uint64_t now = clock_now_ns();

	if (until > now + RUN_WAIT_MAX_NS)
		until = now + RUN_WAIT_MAX_NS;
	if (fd >= 0) {
		at_fd = (int)n;
		p[n++] = (struct pollfd){.fd = fd, .events = events};
	}
	if (!ctx->peer_done && ctx->ctl >= 0)
		p[n++] = (struct pollfd){.fd = ctx->ctl, .events = POLLIN};
	if (ctx->listen_fd >= 0) {
		at_listen = (int)n;
		p[n++] = (struct pollfd){.fd = ctx->listen_fd, .events = POLLIN};
	}
	for (;;) {
		if (fiber_poll(p, n, until) <= 0)
			return 0;
		if (at_listen < 0 || p[at_listen].revents == 0)
			break;
		ctx->strays += (uint64_t)gate_refuse_one(ctx->listen_fd);
		int other = 0;
		for (nfds_t i = 0; i < n; i++)
			other |= (int)i != at_listen && p[i].revents;
		if (other)
			break;
		now = clock_now_ns();
		if (now >= until)
			return 0;
	}
	return at_fd >= 0 && p[at_fd].revents ? 1 : 0;
}

int run_keep_going(struct run_ctx *ctx, uint64_t now, uint64_t *next_ctl)
{
	if (*ctx->stop)
		return run_fail(ctx, ST_INTERRUPTED, "stopped by a signal");
	if (now >= ctx->deadline_ns)
		return run_fail(ctx, ST_TIMEOUT, "the test ran past its "
				"deadline");
	if (ctx->stall_ns && now > ctx->progress_ns &&
	    now - ctx->progress_ns > ctx->stall_ns)
		return run_fail(ctx, ST_TIMEOUT, "no data moved for %.1f s: "
				"the peer stalled or the path is cut",
				ctx->stall_ns / 1e9);
	fiber_tick(now);
	if (now >= *next_ctl) {
		*next_ctl = now + RUN_CTL_CHECK_NS;
		return run_check_ctl(ctx);
	}
	return 0;
}

int run_send_done(struct run_ctx *ctx)
{
	uint8_t *frame = malloc(WIRE_MAX_FRAME);
	int rc;

	if (frame == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "control frame");
	rc = run_send_frame(ctx, frame, wire_encode_done(frame, WIRE_MAX_FRAME,
							 &ctx->mine));
	free(frame);
	if (rc == 0)
		ctx->done_sent = 1;
	return rc;
}

int run_wait_done(struct run_ctx *ctx)
{
	uint64_t next_ctl = 0;

	while (!ctx->peer_done) {
		uint64_t now = clock_now_ns();
		ctx->progress_ns = now; /* waiting is the point here */
		if (run_keep_going(ctx, now, &next_ctl) < 0)
			return -1;
		if (!ctx->peer_done)
			run_wait(ctx, -1, 0, now + RUN_CTL_CHECK_NS);
		next_ctl = 0;
	}
	return 0;
}

int run_await_done(struct run_ctx *ctx)
{
	uint64_t deadline = clock_now_ns() + RUN_CTL_TIMEOUT_NS;

	while (!ctx->peer_done) {
		if (clock_now_ns() >= deadline)
			return run_fail(ctx, ST_TIMEOUT, "no DONE from sender");
		if (run_keep_going(ctx, clock_now_ns(), &(uint64_t){0}) < 0)
			return -1;
		if (!ctx->peer_done)
			run_wait(ctx, -1, 0, deadline);
	}
	ctx->mine.rx.wrong_session += ctx->strays;
	return 0;
}

void run_apply_opts(int fd, int family, int transport,
		    const struct sockopt_set *req, struct sockopt_set *granted,
		    char *notes, size_t notes_len)
{
	struct sockopt_set want = *req;
	int is_tcp = transport == SOCKOPT_ON_TCP;

	notes[0] = '\0';
	sockopt_apply(fd, family, transport, req, notes, notes_len);
	/* Buffer sizes are always worth knowing, requested or not, and on
	 * TCP the congestion control in force (the trade-offs depend on it). */
	want.mask |= 1u << SOCKOPT_SNDBUF | 1u << SOCKOPT_RCVBUF;
	if (is_tcp)
		want.mask |= 1u << SOCKOPT_CONGESTION;
	sockopt_read(fd, family, transport, &want, granted);
}

int run_opts_transport(const struct tub_spec *spec)
{
	switch (spec->proto) {
	case TUB_PROTO_TCP:
		return SOCKOPT_ON_TCP;
	case TUB_PROTO_RUDP:
		return SOCKOPT_ON_RUDP;
	default:
		return SOCKOPT_ON_UDP;
	}
}

int run_data_socket(struct run_ctx *ctx, int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return run_fail(ctx, ST_SOCKET_ERROR, "socket: %s",
				strerror(errno));
	sockopt_resolve(&ctx->opts_req, ctx->spec->msg_size);
	run_apply_opts(fd, family, run_opts_transport(ctx->spec), &ctx->opts_req,
		       &ctx->opts_granted, ctx->opts_notes,
		       sizeof ctx->opts_notes);
	return fd;
}

int run_bind(struct run_ctx *ctx, int fd, const struct sock_addr *local)
{
	if (bind(fd, (const struct sockaddr *)&local->ss, local->len) < 0) {
		int e = errno;
		close(fd);
		return run_fail(ctx, ST_SOCKET_ERROR, "data socket on port %u: "
				"%s", sock_port(local), strerror(e));
	}
	return 0;
}

void pacer_start(struct pacer *p, uint64_t now, uint64_t rate_bps,
		 uint32_t msg_size)
{
	p->t0 = now;
	p->gap_ns = rate_bps ? msg_size * 8.0 * 1e9 / (double)rate_bps : 0;
}

uint64_t pacer_due(const struct pacer *p, uint64_t now, uint64_t sent,
		   uint64_t max)
{
	if (p->gap_ns == 0)
		return max;
	uint64_t due = (uint64_t)((double)(now - p->t0) / p->gap_ns) + 1;
	if (due <= sent)
		return 0;
	return due - sent < max ? due - sent : max;
}

uint64_t pacer_when(const struct pacer *p, uint64_t sent)
{
	return p->t0 + (uint64_t)(sent * p->gap_ns);
}

void ticker_start(struct ticker *t, uint64_t now, uint64_t period_ns)
{
	t->start = now;
	t->period = period_ns;
	t->next = period_ns > UINT64_MAX - now ? UINT64_MAX : now + period_ns;
	t->bytes = 0;
	t->msgs = 0;
}

void ticker_tick(struct ticker *t, uint64_t now, uint64_t bytes,
		 uint64_t msgs, struct tub_intervals *iv)
{
	if (t->period == 0 || now < t->next)
		return;
	spec_interval_push(iv, t->next - t->start, bytes - t->bytes,
			   msgs - t->msgs);
	t->bytes = bytes;
	t->msgs = msgs;
	/* Boundaries passed while nothing was counted give empty samples,
	 * as many as fit; then the clock jumps ahead in one step. */
	uint64_t missed = (now - t->next) / t->period;
	for (uint64_t i = 0; i < missed && iv->n < TUB_INTERVALS_MAX; i++)
		spec_interval_push(iv, t->next + (i + 1) * t->period - t->start,
				   0, 0);
	t->next += (missed + 1) * t->period;
}

void ticker_finish(struct ticker *t, uint64_t now, uint64_t bytes,
		   uint64_t msgs, struct tub_intervals *iv)
{
	ticker_tick(t, now, bytes, msgs, iv);
	if (t->period && now > t->next - t->period &&
	    (bytes > t->bytes || msgs > t->msgs))
		spec_interval_push(iv, now - t->start, bytes - t->bytes,
				   msgs - t->msgs);
}

int run_set_timeouts(int fd, uint64_t rcv_ns, uint64_t snd_ns)
{
	/* A zero timeval means "never": round anything below 1 us up. */
	if (rcv_ns && rcv_ns < 1000)
		rcv_ns = 1000;
	if (snd_ns && snd_ns < 1000)
		snd_ns = 1000;
	struct timeval r = {.tv_sec = (time_t)(rcv_ns / TUB_NSEC_PER_SEC),
			    .tv_usec = (suseconds_t)(rcv_ns % TUB_NSEC_PER_SEC /
						     1000)};
	struct timeval s = {.tv_sec = (time_t)(snd_ns / TUB_NSEC_PER_SEC),
			    .tv_usec = (suseconds_t)(snd_ns % TUB_NSEC_PER_SEC /
						     1000)};

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof r) < 0)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &s, sizeof s);
}

void run_fill_pattern(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)('a' + i % 26);
}

void *run_msg_buf(size_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, len ? len : 1) != 0)
		return NULL;
	return p;
}

uint64_t run_stall_limit(const struct tub_spec *spec)
{
	if (spec->rate_bps) {
		double gap = spec->msg_size * 8.0 * 1e9 / (double)spec->rate_bps;
		if (3 * gap > RUN_STALL_NS)
			return (uint64_t)(3 * gap);
	}
	return RUN_STALL_NS;
}

uint64_t run_ctl_rtt_ns(int ctl)
{
	struct tub_tcpinfo ti;

	run_tcp_info(ctl, &ti);
	return ti.valid ? (uint64_t)ti.rtt_us * 1000 : 0;
}

uint64_t run_grace_ns(int ctl)
{
	uint64_t g = 2 * run_ctl_rtt_ns(ctl);

	if (g < RUN_UDP_GRACE_NS)
		return RUN_UDP_GRACE_NS;
	return g > RUN_GRACE_MAX_NS ? RUN_GRACE_MAX_NS : g;
}

/* The CPU so far (thread: this thread's, or the fiber's on a thread that
 * drives several flows; else the process's). The total
 * is the CPU clock's, to the nanosecond; getrusage, in microseconds, only
 * splits it into user and system. The wall clock is read before the CPU
 * clock (begin) or after it (end), so the CPU's window lies inside the wall
 * one and a thread busy the whole time shows at most 100%: the other order
 * with getrusage's truncation showed 100.9% over a 0.7 ms linger test. */
static void cpu_now(struct tub_cpu *c, int thread, int end)
{
	struct rusage ru = {0};
	struct timespec ts = {0};
	uint64_t total;

	if (!end)
		c->wall_ns = clock_now_ns();
	if (thread && fiber_cpu(&total, &c->user_ns) == 0) {
		/* a flow on a shared thread: the thread's CPU while it ran */
		c->valid = 1;
	} else {
		c->valid = getrusage(thread ? RUSAGE_THREAD : RUSAGE_SELF,
				     &ru) == 0 &&
			   clock_gettime(thread ? CLOCK_THREAD_CPUTIME_ID
						: CLOCK_PROCESS_CPUTIME_ID,
					 &ts) == 0;
		total = (uint64_t)ts.tv_sec * TUB_NSEC_PER_SEC +
			(uint64_t)ts.tv_nsec;
		c->user_ns = (uint64_t)ru.ru_utime.tv_sec * TUB_NSEC_PER_SEC +
			     (uint64_t)ru.ru_utime.tv_usec * 1000;
	}
	if (end)
		c->wall_ns = clock_now_ns();
	if (c->user_ns > total)
		c->user_ns = total;
	c->sys_ns = total - c->user_ns;
}

void run_cpu_begin(struct run_ctx *ctx)
{
	cpu_now(&ctx->cpu0, ctx->group != NULL, 0);
}

/* The deltas since run_cpu_begin: the total exact, its user part from
 * getrusage (within a few microseconds) and the system part the rest. */
void run_cpu_end(struct run_ctx *ctx)
{
	struct tub_cpu now, *c = &ctx->mine.cpu;
	const struct tub_cpu *b = &ctx->cpu0;

	cpu_now(&now, ctx->group != NULL, 1);
	c->valid = now.valid && b->valid;
	uint64_t total = now.user_ns + now.sys_ns - b->user_ns - b->sys_ns;
	c->user_ns = now.user_ns > b->user_ns ? now.user_ns - b->user_ns : 0;
	if (c->user_ns > total)
		c->user_ns = total;
	c->sys_ns = total - c->user_ns;
	c->wall_ns = now.wall_ns - b->wall_ns;
}

void run_begin_data(struct run_ctx *ctx, uint64_t max_duration_ns)
{
	uint64_t now = clock_now_ns();

	ctx->deadline_ns = run_deadline(ctx->spec, now, max_duration_ns);
	ctx->progress_ns = now;
	ctx->stall_ns = run_stall_limit(ctx->spec);
	ctx->grace_ns = run_grace_ns(ctx->ctl);
}

uint64_t run_deadline(const struct tub_spec *spec, uint64_t now,
		      uint64_t max_duration_ns)
{
	uint64_t d = spec->duration_ns ? spec->duration_ns : max_duration_ns;

	return now + d + RUN_SLACK_NS;
}

void run_msg_stamp(uint8_t *msg, uint64_t seq, uint64_t send_ns)
{
	uint64_t be[2] = {htobe64(seq), htobe64(send_ns)};

	memcpy(msg, be, sizeof be);
}

int msg_track_init(struct msg_track *t, const uint8_t *pattern)
{
	memset(t, 0, sizeof *t);
	t->pattern = pattern;
	t->above = malloc(sizeof *t->above);
	t->below = malloc(sizeof *t->below);
	if (t->above == NULL || t->below == NULL) {
		msg_track_free(t);
		return -1;
	}
	hist_init(t->above);
	hist_init(t->below);
	return 0;
}

void msg_track_free(struct msg_track *t)
{
	free(t->above);
	free(t->below);
	t->above = t->below = NULL;
}

void msg_track_delay(struct msg_track *t, uint64_t sent, uint64_t now)
{
	/* Two's complement: the difference of two clock readings, whichever
	 * is larger. */
	int64_t d = (int64_t)(now - sent);

	if (!t->have_base) {
		t->base = d;
		t->have_base = 1;
	}
	if (d >= t->base)
		hist_record(t->above, (uint64_t)(d - t->base));
	else
		hist_record(t->below, (uint64_t)(t->base - d));
}

/* The rank-th smallest delay relative to the base, over both histograms. */
static int64_t delay_at_rank(const struct msg_track *t, uint64_t rank)
{
	uint64_t nb = t->below->count;

	if (rank <= nb)
		return -(int64_t)hist_at_rank(t->below, nb - rank + 1);
	return (int64_t)hist_at_rank(t->above, rank - nb);
}

/* One message is complete: its header is in t->hdr. */
static void complete(struct msg_track *t, uint64_t now)
{
	uint64_t be[2];

	memcpy(be, t->hdr, sizeof be);
	uint64_t seq = be64toh(be[0]), sent = be64toh(be[1]);
	msg_track_delay(t, sent, now);
	if (seq < t->next_seq)
		t->out_of_order++;
	else
		t->next_seq = seq + 1;
}

void msg_track_message(struct msg_track *t, const uint8_t *m, size_t len,
		       uint64_t now)
{
	if (len < TUB_MSG_HDR) {
		t->corrupt++;
		return;
	}
	memcpy(t->hdr, m, TUB_MSG_HDR);
	if (t->pattern &&
	    memcmp(m + TUB_MSG_HDR, t->pattern + TUB_MSG_HDR,
		   len - TUB_MSG_HDR) != 0)
		t->corrupt++;
	complete(t, now);
}

void msg_track_bytes(struct msg_track *t, const uint8_t *p, size_t n,
		     uint32_t msg_size, uint64_t now)
{
	while (n > 0) {
		uint64_t take = msg_size - t->have;
		if (take > n)
			take = n;
		if (t->have < TUB_MSG_HDR) {
			uint64_t h = TUB_MSG_HDR - t->have;
			memcpy(t->hdr + t->have, p, h < take ? h : take);
		}
		t->have += take;
		p += take;
		n -= take;
		if (t->have == msg_size) {
			complete(t, now);
			t->have = 0;
		}
	}
}

void msg_track_report(const struct msg_track *t, struct tub_rx *rx)
{
	uint64_t n = t->above->count + t->below->count;

	rx->out_of_order = t->out_of_order;
	rx->corrupt = t->corrupt;
	if (n == 0)
		return; /* nothing delivered: the delay figures stay 0 */
	int64_t min = delay_at_rank(t, 1);
	int64_t p50 = delay_at_rank(t, hist_rank(50, n));
	int64_t p99 = delay_at_rank(t, hist_rank(99, n));
	int64_t max = delay_at_rank(t, n);
	/* The least delay itself, where the clocks are comparable (one host,
	 * or namespaces); else 0, and the rest above it. */
	int64_t origin = t->base + min >= 0 ? t->base : -min;

	rx->delay_min_ns = (uint64_t)(origin + min);
	rx->delay_p50_ns = (uint64_t)(origin + p50);
	rx->delay_p99_ns = (uint64_t)(origin + p99);
	rx->delay_max_ns = (uint64_t)(origin + max);
}
