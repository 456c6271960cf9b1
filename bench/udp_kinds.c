/* UDP's socket-behaviour kinds: one request/response on a fresh socket per
 * operation (connect), and what a receive buffer holds when nobody reads
 * (fill). */
#include "kinds.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sock_diag.h>
#endif

#include "clock.h"
#include "sockopt.h"

#define UDP_KIND_POLL_NS (10 * TUB_NSEC_PER_MSEC)

/* One request/response on a fresh socket, the reply awaited until the
 * probe's timeout or until (the test's end), whichever comes first: other
 * datagrams arriving meanwhile do not extend the wait. 1 answered, 0 lost,
 * -1 failed. */
static int one_exchange(struct run_ctx *ctx, uint8_t *req, uint8_t *rep,
			uint64_t seq, uint64_t until)
{
	const struct tub_spec *s = ctx->spec;
	int fam = sock_family(&ctx->server);
	char notes[TUB_TEXT_MAX];
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0), answered = 0;

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
	run_set_timeouts(fd, 0, s->timeout_ns);
	uint64_t now = clock_now_ns();
	struct wire_data d = {.session = s->session, .seq = seq, .send_ns = now};
	if (now + s->timeout_ns < until)
		until = now + s->timeout_ns;
	wire_data_encode(req, &d);
	if (send(fd, req, s->msg_size, 0) == (ssize_t)s->msg_size) {
		while (!answered && sock_wait_readable(fd, until) > 0) {
			ssize_t n = recv(fd, rep, s->msg_size + 1, MSG_DONTWAIT);
			struct wire_data r;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				break; /* refused: lost */
			answered = n == (ssize_t)s->msg_size &&
				   wire_data_decode(rep, (size_t)n, &r) == 0 &&
				   r.session == s->session && r.seq == seq;
		}
	}
	close(fd);
	return answered;
}

int udp_connect_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *req = malloc(s->msg_size);
	uint8_t *rep = malloc((size_t)s->msg_size + 1);
	struct ticker tick;
	int rc = 0;

	if (req == NULL || rep == NULL) {
		free(req);
		free(rep);
		return run_fail(ctx, ST_NO_MEMORY, "message buffers");
	}
	run_fill_pattern(req, s->msg_size);
	uint64_t start = clock_now_ns(), now = start;
	uint64_t end = s->duration_ns ? start + s->duration_ns : UINT64_MAX;
	uint64_t next_ctl = start + RUN_CTL_CHECK_NS;
	ticker_start(&tick, start, s->interval_ns);
	while (now < end && (s->count == 0 || tx->msgs < s->count)) {
		if ((rc = run_keep_going(ctx, now, &next_ctl)) < 0)
			break;
		uint64_t t0 = clock_now_ns();
		int r = one_exchange(ctx, req, rep, tx->msgs,
				     end < ctx->deadline_ns ? end
							    : ctx->deadline_ns);
		now = clock_now_ns();
		if (r < 0) {
			rc = -1;
			break;
		}
		tx->msgs++;
		tx->calls++;
		tx->bytes += s->msg_size;
		if (r > 0) {
			hist_record(ctx->rtt, now - t0);
			ctx->rr_done++;
			ctx->progress_ns = now;
		} else {
			ctx->rr_lost++;
		}
		ticker_tick(&tick, now, tx->bytes, ctx->rr_done, &tx->iv);
	}
	ctx->rr_elapsed_ns = now - start;
	tx->elapsed_ns = now - start;
	ticker_finish(&tick, now, tx->bytes, ctx->rr_done, &tx->iv);
	free(req);
	free(rep);
	return rc;
}

int udp_connect_server(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_rx *rx = &ctx->mine.rx;
	uint8_t *buf = malloc((size_t)s->msg_size + 1);
	uint64_t next_ctl = 0, first = 0, last = 0;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	run_set_timeouts(ctx->data, UDP_KIND_POLL_NS, UDP_KIND_POLL_NS);
	while (!ctx->peer_done) {
		if ((rc = run_keep_going(ctx, clock_now_ns(), &next_ctl)) < 0)
			break;
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		struct wire_data d;
		ssize_t n = recvfrom(ctx->data, buf, s->msg_size + 1, 0,
				     (struct sockaddr *)&from, &fromlen);
		if (n < 0) {
			next_ctl = 0;
			continue;
		}
		/* Every request comes from a new port: check the host each
		 * time, answer only there, never connect. */
		if (udp_accept_datagram(ctx, buf, (size_t)n, 0, &from, fromlen,
					NULL, &d) < 0 ||
		    (d.flags & WIRE_DATA_END)) {
			rx->wrong_session++;
			continue;
		}
		last = clock_now_ns();
		if (rx->msgs++ == 0)
			first = last;
		ctx->progress_ns = last;
		rx->calls++;
		rx->bytes += (uint64_t)n;
		sendto(ctx->data, buf, (size_t)n, 0, (struct sockaddr *)&from,
		       fromlen);
	}
	rx->elapsed_ns = last - first;
	free(buf);
	return rc;
}

int udp_fill_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = malloc(s->msg_size);
	uint64_t next_ctl = 0;
	/* Default: enough to overflow the receiver's buffer twice. */
	uint64_t n = s->count ? s->count
			      : 2 * (ctx->peer_rcvbuf ? ctx->peer_rcvbuf
						      : 212992) /
					s->msg_size + 64;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	run_fill_pattern(buf, s->msg_size);
	uint64_t t0 = clock_now_ns();
	while (tx->msgs < n) {
		if ((rc = run_keep_going(ctx, clock_now_ns(), &next_ctl)) < 0)
			break;
		struct wire_data d = {.session = s->session, .seq = tx->msgs,
				      .send_ns = clock_now_ns()};
		wire_data_encode(buf, &d);
		if (send(ctx->data, buf, s->msg_size, 0) < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				tx->enobufs++;
				continue;
			}
			if (errno == EINTR)
				continue;
			rc = run_fail(ctx, ST_DATA_ERROR, "send: %s",
				      strerror(errno));
			break;
		}
		tx->msgs++;
		tx->calls++;
		tx->bytes += s->msg_size;
		ctx->progress_ns = clock_now_ns();
	}
	tx->elapsed_ns = clock_now_ns() - t0;
	free(buf);
	return rc;
}

int udp_fill_server(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_rx *rx = &ctx->mine.rx;
	uint8_t *buf = malloc((size_t)s->msg_size + 1);

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	/* Read nothing while the sender sends; then see what was held. */
	if (run_wait_done(ctx) < 0) {
		free(buf);
		return -1;
	}
	/* Datagrams still on the way: two round trips, never over 1 s. */
	uint64_t settle = 2 * run_ctl_rtt_ns(ctx->ctl);
	if (settle > TUB_NSEC_PER_SEC)
		settle = TUB_NSEC_PER_SEC;
	clock_sleep_until(clock_now_ns() + settle + RUN_UDP_SETTLE_NS);
	int64_t drops = sock_drops(ctx->data);
	uint64_t t0 = clock_now_ns();
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fromlen = sizeof from;
		struct wire_data d;
		ssize_t n = recvfrom(ctx->data, buf, s->msg_size + 1,
				     MSG_DONTWAIT, (struct sockaddr *)&from,
				     &fromlen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break; /* empty */
		}
		if (udp_accept_datagram(ctx, buf, (size_t)n, 0, &from, fromlen,
					NULL, &d) < 0) {
			rx->wrong_session++;
			continue;
		}
		rx->msgs++;
		rx->calls++;
		rx->bytes += (uint64_t)n;
	}
	rx->elapsed_ns = clock_now_ns() - t0;
	rx->received = rx->msgs;
	rx->rcvbuf_drops = drops < 0 ? 0 : (uint64_t)drops;
	free(buf);
	return 0;
}
