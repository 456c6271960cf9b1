/* UDP's socket-behaviour kind: what a receive buffer holds when nobody
 * reads (fill). */
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


int udp_fill_client(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = malloc(s->msg_size);
	uint64_t next_ctl = 0, refused = 0;
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
			if ((rc = udp_send_error(ctx, &refused)) < 0)
				break;
			continue;
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
