/* TCP's socket-behaviour kinds: what a connection costs (connect), how much
 * send() takes before it blocks (fill), what close() does to data in flight
 * (linger), how long a dead peer goes unnoticed (keepalive). */
#include "kinds.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "sockopt.h"

#define FILL_SETTLE_MS 200 /* send() still blocked after this: full */

int tcp_fill_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = malloc(s->msg_size);
	struct pollfd p = {.fd = ctx->data, .events = POLLOUT};
	uint64_t next_ctl = 0;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	run_fill_pattern(buf, s->msg_size);
	uint64_t t0 = clock_now_ns(), last = t0;
	for (;;) {
		if ((rc = run_keep_going(ctx, clock_now_ns(), &next_ctl)) < 0)
			break;
		ssize_t n = send(ctx->data, buf, s->msg_size,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n > 0) {
			last = clock_now_ns();
			ctx->progress_ns = last;
			tx->bytes += (uint64_t)n;
			tx->calls++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			rc = tcp_data_error(ctx, "send");
			break;
		}
		/* Would block. Full for good, or is the window still
		 * opening? */
		tx->blocked++;
		if (poll(&p, 1, FILL_SETTLE_MS) == 0)
			break;
	}
	tx->msgs = tx->bytes / s->msg_size;
	tx->elapsed_ns = last - t0;
	ctx->res->probe.fill_bytes = tx->bytes;
	ctx->res->probe.fill_ns = last - t0;
	int sb = 0;
	socklen_t sl = sizeof sb;
	ctx->res->probe.fill_sndbuf_end =
		getsockopt(ctx->data, SOL_SOCKET, SO_SNDBUF, &sb, &sl) == 0 ? sb
									   : -1;
	free(buf);
	if (rc < 0)
		return rc;

	/* Now let the receiver read, and time how long until we may write. */
	if (run_send_done(ctx) < 0)
		return -1;
	uint64_t t1 = clock_now_ns();
	ctx->progress_ns = t1;
	for (;;) {
		int w = poll(&p, 1, 10);
		uint64_t now = clock_now_ns();
		if (w > 0) {
			ctx->res->probe.fill_writable_ns = now - t1;
			break;
		}
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			return rc;
	}
	shutdown(ctx->data, SHUT_WR);
	return 0;
}

int tcp_fill_server(struct run_ctx *ctx)
{
	/* Read nothing until the sender says it is full, then everything. */
	if (run_wait_done(ctx) < 0)
		return -1;
	ctx->progress_ns = clock_now_ns();
	return tcp_stream_recv(ctx);
}

int tcp_linger_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = malloc(s->msg_size);
	uint64_t next_ctl = 0, n = s->count ? s->count : 1;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	run_fill_pattern(buf, s->msg_size);
	run_set_timeouts(ctx->data, TCP_POLL_NS, TCP_POLL_NS);
	uint64_t t0 = clock_now_ns();
	for (uint64_t i = 0; i < n && rc == 0; i++) {
		rc = tcp_move_full(ctx, ctx->data, buf, s->msg_size, 1,
				   &next_ctl);
		if (rc == 0) {
			tx->msgs++;
			tx->calls++;
			tx->bytes += s->msg_size;
			ctx->progress_ns = clock_now_ns();
		}
	}
	tx->elapsed_ns = clock_now_ns() - t0;
	free(buf);
	if (rc < 0 && *ctx->stop) {
		/* Stopped: a reset ends the slow reader's test at once (it
		 * would read what is in flight at its own pace). */
		sock_close(ctx->data, 1);
		ctx->data = -1;
	}
	if (rc < 0)
		return rc;
	/* The experiment: close() with data still in flight. */
	uint64_t c0 = clock_now_ns();
	close(ctx->data);
	ctx->res->probe.close_ns = clock_now_ns() - c0;
	ctx->res->probe.linger_bytes = tx->bytes;
	ctx->data = -1;
	return 0;
}

int tcp_linger_server(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_rx *rx = &ctx->mine.rx;
	size_t chunk = s->msg_size < 16384 ? s->msg_size : 16384;
	uint8_t *buf = malloc(chunk);
	struct pacer pace;
	uint64_t next_ctl = 0;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "read buffer");
	/* A slow reader (-b) keeps data in flight when the sender closes. */
	run_set_timeouts(ctx->data, TCP_POLL_NS, TCP_POLL_NS);
	uint64_t t0 = clock_now_ns();
	pacer_start(&pace, t0, s->rate_bps, (uint32_t)chunk);
	for (;;) {
		uint64_t now = clock_now_ns();
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		if (pacer_due(&pace, now, rx->calls, 1) == 0) {
			/* Never past the deadline, nor past the next look at
			 * the control connection: run_wait wakes for it. */
			run_wait(ctx, -1, 0, pacer_when(&pace, rx->calls));
			next_ctl = 0;
			continue;
		}
		ssize_t r = recv(ctx->data, buf, chunk, 0);
		if (r > 0) {
			rx->bytes += (uint64_t)r;
			rx->calls++;
			ctx->progress_ns = clock_now_ns();
			continue;
		}
		if (r == 0) {
			rx->end_how = TUB_END_FIN;
			break;
		}
		if (errno == ECONNRESET) {
			rx->end_how = TUB_END_RST;
			break;
		}
		if (errno != EAGAIN && errno != EINTR) {
			rc = tcp_data_error(ctx, "recv");
			break;
		}
	}
	rx->elapsed_ns = clock_now_ns() - t0;
	rx->msgs = rx->bytes / s->msg_size;
	free(buf);
	return rc;
}

static const char *errno_word(int e)
{
	switch (e) {
	case ETIMEDOUT:
		return "ETIMEDOUT";
	case ECONNRESET:
		return "ECONNRESET";
	case EHOSTUNREACH:
		return "EHOSTUNREACH";
	case ENETUNREACH:
		return "ENETUNREACH";
	case EPIPE:
		return "EPIPE";
	default:
		return "other";
	}
}

/* What the kernel will do with this socket: idle + intvl x cnt, or with
 * TCP_USER_TIMEOUT set, idle + that timeout. 0 without SO_KEEPALIVE. */
static uint64_t keepalive_expected(int fd)
{
	int on = 0, idle = 0, intvl = 0, cnt = 0, uto = 0;
	socklen_t l = sizeof(int);

	getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, &l);
	if (!on)
		return 0;
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
	getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &l);
	getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, &l);
	getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, &l);
#endif
#ifdef TCP_USER_TIMEOUT
	getsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &uto, &l);
#endif
	if (uto > 0)
		return (uint64_t)idle * TUB_NSEC_PER_SEC +
		       (uint64_t)uto * TUB_NSEC_PER_MSEC;
	return ((uint64_t)idle + (uint64_t)intvl * (uint64_t)cnt) *
	       TUB_NSEC_PER_SEC;
}

/* The user's command that cuts the path (--on-idle), run to completion. */
static int run_hook(struct run_ctx *ctx)
{
	if (ctx->on_idle == NULL)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return run_fail(ctx, ST_HOOK_FAILED, "fork: %s",
				strerror(errno));
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", ctx->on_idle, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return run_fail(ctx, ST_HOOK_FAILED, "--on-idle command "
				"failed");
	return 0;
}

int tcp_keepalive_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct pollfd p = {.fd = ctx->data, .events = POLLIN};
	uint8_t byte;

	ctx->stall_ns = 0;  /* idle is the point */
	ctx->res->probe.ka_expected_ns = keepalive_expected(ctx->data);
	if (run_hook(ctx) < 0)
		return -1;
	uint64_t t0 = clock_now_ns();
	uint64_t limit = t0 + (s->duration_ns ? s->duration_ns
					      : 60 * TUB_NSEC_PER_SEC);
	while (!*ctx->stop) {
		uint64_t now = clock_now_ns();
		if (now >= limit)
			return 0; /* went unnoticed within the test's limit */
		int w = poll(&p, 1, 100);
		if (w <= 0)
			continue;
		ssize_t r = recv(ctx->data, &byte, 1, MSG_DONTWAIT);
		if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR)))
			continue;
		ctx->res->probe.ka_detected = 1;
		ctx->res->probe.ka_ns = clock_now_ns() - t0;
		snprintf(ctx->res->probe.ka_error, sizeof ctx->res->probe.ka_error, "%s",
			 r == 0 ? "EOF" : errno_word(errno));
		return 0;
	}
	return run_fail(ctx, ST_INTERRUPTED, "stopped by a signal");
}

int tcp_keepalive_server(struct run_ctx *ctx)
{
	/* Hold the connection until the sender goes away or the test's time
	 * is up; with the path cut we may never hear from it again. The
	 * sender says nothing on the control connection meanwhile: its close
	 * ends the test, anything else is a protocol error. */
	char byte;

	ctx->stall_ns = 0;
	while (!*ctx->stop && clock_now_ns() < ctx->deadline_ns) {
		if (run_wait(ctx, ctx->ctl, POLLIN, ctx->deadline_ns) == 0)
			continue;
		ssize_t r = recv(ctx->ctl, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
		if (r > 0)
			return run_fail(ctx, ST_PROTOCOL_ERROR, "control data "
					"during a keepalive test");
		if (r == 0 || (errno != EAGAIN && errno != EINTR))
			break; /* the sender left */
	}
	return 0;
}
