/* Joining a test on the data port. The data port is the control port's
 * number unless tub-recv has --data-port: TCP data connections come to the
 * control listener itself, UDP and RUDP datagrams to a socket bound to the
 * same number, so that a firewall that opens 5799/tcp and 5799/udp passes
 * every kind. What tells a data connection from a client that wants a test
 * is its first message, a JOIN with the test's session and the secret that
 * READY gave; a stranger does not know the secret. */
#include "join.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "gate.h"

#define JOIN_READ_NS (1 * TUB_NSEC_PER_SEC) /* accept -> its JOIN */
#define JOIN_RESEND_NS (200 * TUB_NSEC_PER_MSEC)

int join_frame(const struct run_ctx *ctx, uint8_t *buf)
{
	struct wire_join j = {.session = ctx->spec->session,
			      .flow = ctx->flow,
			      .secret = ctx->secret};

	return wire_encode_join(buf, WIRE_JOIN_LEN, &j);
}

int join_send_tcp(struct run_ctx *ctx, int fd, int more)
{
	uint8_t f[WIRE_JOIN_LEN];
	int n = join_frame(ctx, f);

	/* With more, the message that follows leaves in the same segment. */
	if (send(fd, f, (size_t)n, MSG_NOSIGNAL | (more ? MSG_MORE : 0)) != n)
		return run_fail(ctx, ST_CONNECT_FAILED, "data connection: JOIN "
				"not sent: %s", strerror(errno));
	return 0;
}

/* The JOIN of an accepted connection, read within JOIN_READ_NS. 1 ours,
 * 0 refused (told why; a JOIN that is not ours counted as a stray). */
static int check_tcp(struct run_ctx *ctx, int fd)
{
	uint8_t f[WIRE_JOIN_LEN];
	uint64_t until = clock_now_ns() + JOIN_READ_NS;
	struct wire_join j;
	uint32_t blen;
	int type;
	char why[TUB_TEXT_MAX];

	if (sock_read_full(fd, f, WIRE_HDR_LEN, until) < 0 ||
	    wire_decode_header(f, &type, &blen, why, sizeof why) < 0 ||
	    type != WIRE_JOIN) {
		gate_send_error(fd, "receiver busy with another test; try "
				"again later");
		return 0;
	}
	if (blen != WIRE_JOIN_LEN - WIRE_HDR_LEN ||
	    sock_read_full(fd, f + WIRE_HDR_LEN, blen, until) < 0 ||
	    wire_decode_join(f + WIRE_HDR_LEN, blen, &j, why, sizeof why) < 0 ||
	    j.session != ctx->spec->session || j.secret != ctx->secret ||
	    j.flow != ctx->flow) {
		ctx->strays++;
		gate_send_error(fd, "JOIN refused: not this test's session "
				"and secret");
		return 0;
	}
	return 1;
}

int join_take_tcp(struct run_ctx *ctx, int lfd, uint64_t until)
{
	struct sock_addr peer;
	int fd = sock_accept(lfd, until, &peer);

	if (fd < 0)
		return -1;
	sock_unmap(&peer);
	if (!sock_same_host(&peer, &ctx->ctl_peer)) {
		ctx->strays++;
		close(fd);
		return -1;
	}
	if (check_tcp(ctx, fd) == 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int join_udp(struct run_ctx *ctx)
{
	uint8_t f[WIRE_JOIN_LEN], in[WIRE_JOIN_LEN + 1];
	int n = join_frame(ctx, f);
	uint64_t start = clock_now_ns(), next = start;
	uint64_t until = start + (uint64_t)ctx->connect_timeout_ms *
					 TUB_NSEC_PER_MSEC;
	struct wire_join j;

	for (;;) {
		uint64_t now = clock_now_ns();
		if (now >= until)
			return run_fail(ctx, ST_CONNECT_FAILED, "no answer to "
					"the data JOIN on port %u/udp within "
					"%.1f s (is the port open?)",
					sock_port(&ctx->server),
					(until - start) / 1e9);
		if (*ctx->stop)
			return run_fail(ctx, ST_INTERRUPTED, "stopped by a "
					"signal");
		if (now >= next) {
			send(ctx->data, f, (size_t)n, 0); /* lost: sent again */
			next = now + JOIN_RESEND_NS;
		}
		if (sock_wait_readable(ctx->data, next < until ? next : until) <=
		    0)
			continue;
		ssize_t r = recv(ctx->data, in, sizeof in, MSG_DONTWAIT);
		if (r == n && wire_parse_join(in, (size_t)r, &j) == 0 &&
		    j.session == ctx->spec->session && j.secret == ctx->secret &&
		    j.flow == ctx->flow)
			return 0;
	}
}

/* One datagram on ctx->data: 1 when it is the JOIN of ctx's flow from
 * the control peer's host (the socket is then connected to its source; the
 * frame in f, *len bytes), 0 for anything else (counted as wrong_session),
 * -1 failed (ctx set). */
static int take_udp_join(struct run_ctx *ctx, uint8_t *f, ssize_t *len)
{
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	struct wire_join j;
	ssize_t r = recvfrom(ctx->data, f, WIRE_JOIN_LEN + 1, MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fromlen);

	if (r < 0)
		return 0;
	struct sock_addr src = {.len = fromlen};
	memcpy(&src.ss, &from, fromlen);
	sock_unmap(&src);
	if (!sock_same_host(&src, &ctx->ctl_peer) ||
	    wire_parse_join(f, (size_t)r, &j) < 0 ||
	    j.session != ctx->spec->session || j.secret != ctx->secret ||
	    j.flow != ctx->flow) {
		ctx->mine.rx.wrong_session++;
		return 0;
	}
	/* From now on the kernel passes only this source's. */
	if (connect(ctx->data, (struct sockaddr *)&from, fromlen) < 0)
		return run_fail(ctx, ST_SOCKET_ERROR, "data socket: %s",
				strerror(errno));
	*len = r;
	return 1;
}

/* Flows before the one awaited: a datagram on their connected sockets is
 * a JOIN again (its echo was lost), echoed again. */
static void answer_joined(struct run_ctx *const *f, const struct pollfd *p,
			  int joined)
{
	uint8_t in[WIRE_JOIN_LEN + 1];

	for (int k = 0; k < joined; k++) {
		if (!p[k].revents)
			continue;
		ssize_t r = recv(f[k]->data, in, sizeof in, MSG_DONTWAIT);
		if (r > 0 && !join_answer(f[k], in, (size_t)r))
			f[k]->mine.rx.wrong_session++;
	}
}

/* Wait for flow i's JOIN on its socket, answering the flows before it. */
static int await_join(struct run_ctx *const *f, int i, uint64_t until,
		      uint8_t *in, ssize_t *len)
{
	struct run_ctx *ctx = f[i];
	struct pollfd p[TUB_FLOWS_MAX + 1];

	for (int k = 0; k <= i; k++)
		p[k] = (struct pollfd){.fd = f[k]->data, .events = POLLIN};
	for (;;) {
		uint64_t now = clock_now_ns(), next_ctl = 0;
		if (now >= until)
			return run_fail(ctx, ST_TIMEOUT, "no data JOIN from the "
					"sender within %.0f s",
					RUN_CTL_TIMEOUT_NS / 1e9);
		if (run_keep_going(ctx, now, &next_ctl) < 0)
			return -1;
		if (i == 0) {
			if (run_wait(ctx, ctx->data, POLLIN, until) == 0)
				continue;
			p[0].revents = POLLIN;
		} else if (poll(p, (nfds_t)i + 1, 10) <= 0) {
			continue;
		}
		answer_joined(f, p, i);
		if (!p[i].revents)
			continue;
		int rc = take_udp_join(ctx, in, len);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
	}
}

int join_wait_udp_flows(struct run_ctx *const *f, int n,
			const struct sock_addr *local, uint64_t until)
{
	uint8_t in[WIRE_JOIN_LEN + 1];
	ssize_t len;

	for (int i = 0; i < n; i++) {
		if (await_join(f, i, until, in, &len) < 0)
			return -1;
		/* The next flow's socket is bound before this JOIN is echoed,
		 * so that the sender's next JOIN finds it. */
		if (i + 1 < n &&
		    run_transport(f[i + 1]->spec->proto)->server_open(f[i + 1],
								  local) < 0)
			return -1;
		send(f[i]->data, in, (size_t)len, 0);
	}
	return 0;
}

int join_wait_udp(struct run_ctx *ctx, uint64_t until)
{
	return join_wait_udp_flows(&ctx, 1, NULL, until);
}

int join_answer(struct run_ctx *ctx, const uint8_t *p, size_t len)
{
	struct wire_join j;

	if (len != WIRE_JOIN_LEN || wire_parse_join(p, len, &j) < 0)
		return 0;
	if (j.session == ctx->spec->session && j.secret == ctx->secret)
		send(ctx->data, p, len, MSG_DONTWAIT); /* our answer was lost */
	return 1;
}
