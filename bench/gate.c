#include "gate.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#define GATE_FD_RESERVE 64    /* fds kept for a test's own sockets */
#define GATE_PENDING_CAP 4096 /* pending connections, whatever the limit */
#define GATE_POLL_MAX_MS 1000 /* look at the stop flag this often */

/* One control connection in its handshake. */
struct pend {
	int fd;
	int stage;          /* 0: waiting for HELLO, 1: for TEST */
	uint64_t accepted;  /* age, for dropping the oldest */
	uint64_t until;     /* the current frame's deadline */
	uint32_t have, need; /* bytes of the frame so far, and its length */
	struct sock_addr peer;
	struct wire_hello hello;
	uint8_t buf[GATE_FRAME_MAX];
};

struct gate {
	int lfd;
	size_t max, n;
	struct pend **p;
	struct pollfd *pfd;
};

size_t gate_max_pending(uint64_t *nofile)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		*nofile = 0;
		return 16;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = {.rlim_cur = rl.rlim_max,
				    .rlim_max = rl.rlim_max};
		if (up.rlim_cur > 65536)
			up.rlim_cur = 65536; /* enough; poll arrays stay small */
		if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	*nofile = (uint64_t)rl.rlim_cur;
	if (rl.rlim_cur <= GATE_FD_RESERVE + 16)
		return 16;
	uint64_t n = (uint64_t)rl.rlim_cur - GATE_FD_RESERVE;
	return n > GATE_PENDING_CAP ? GATE_PENDING_CAP : (size_t)n;
}

struct gate *gate_new(int lfd, size_t max_pending)
{
	struct gate *g = calloc(1, sizeof *g);

	if (g == NULL)
		return NULL;
	g->lfd = lfd;
	g->max = max_pending ? max_pending : 1;
	g->p = calloc(g->max, sizeof *g->p);
	g->pfd = calloc(g->max + 1, sizeof *g->pfd);
	if (g->p == NULL || g->pfd == NULL) {
		gate_free(g);
		return NULL;
	}
	sock_set_nonblock(lfd, 1);
	return g;
}

/* Close pending connection i (the last one takes its place). */
static void drop(struct gate *g, size_t i)
{
	close(g->p[i]->fd);
	free(g->p[i]);
	g->p[i] = g->p[--g->n];
}

void gate_free(struct gate *g)
{
	if (g == NULL)
		return;
	while (g->p && g->n > 0)
		drop(g, g->n - 1);
	free(g->p);
	free(g->pfd);
	free(g);
}

void gate_send_error(int fd, const char *reason)
{
	struct wire_error e;
	uint8_t frame[WIRE_HDR_LEN + TUB_TEXT_MAX + 8];

	snprintf(e.reason, sizeof e.reason, "%s", reason);
	for (char *c = e.reason; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	int n = wire_encode_error(frame, sizeof frame, &e);
	if (n > 0)
		send(fd, frame, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Say why, then close without waiting: shut our side, read what the peer
 * sent (unread input turns the close into a reset that may beat the
 * ERROR), once, never waiting for more. */
static void refuse_fd(int fd, const char *reason)
{
	uint8_t sink[4096];

	gate_send_error(fd, reason);
	shutdown(fd, SHUT_WR);
	recv(fd, sink, sizeof sink, MSG_DONTWAIT);
}

#define BUSY_REASON "receiver busy with another test; try again later"

int gate_refuse_one(int listen_fd)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	uint8_t hdr[WIRE_HDR_LEN];
	char why[TUB_TEXT_MAX];
	uint32_t len;
	int type = -1;

	if (fd < 0)
		return 0;
	if (recv(fd, hdr, sizeof hdr, MSG_PEEK | MSG_DONTWAIT) ==
	    (ssize_t)sizeof hdr)
		wire_decode_header(hdr, &type, &len, why, sizeof why);
	refuse_fd(fd, type == WIRE_JOIN ? "JOIN refused: not this test's "
					  "session and secret"
					: BUSY_REASON);
	close(fd);
	return type == WIRE_JOIN;
}

void gate_refuse_all(struct gate *g)
{
	while (g->n > 0) {
		refuse_fd(g->p[g->n - 1]->fd, BUSY_REASON);
		drop(g, g->n - 1);
	}
}

/* Index of the connection accepted first. */
static size_t oldest(const struct gate *g)
{
	size_t o = 0;

	for (size_t i = 1; i < g->n; i++)
		if (g->p[i]->accepted < g->p[o]->accepted)
			o = i;
	return o;
}

/* Take every connection waiting on the listener. */
static void accept_all(struct gate *g, uint64_t now)
{
	for (;;) {
		struct sock_addr peer = {.len = sizeof peer.ss};
		int fd = accept4(g->lfd, (struct sockaddr *)&peer.ss, &peer.len,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) && g->n > 0) {
				drop(g, oldest(g)); /* make room, then retry */
				continue;
			}
			if (errno == EMFILE || errno == ENFILE || errno == ENOMEM ||
			    errno == ENOBUFS)
				clock_sleep_until(now + 100 * TUB_NSEC_PER_MSEC);
			return; /* EAGAIN: all taken */
		}
		if (g->n == g->max) {
			refuse_fd(g->p[oldest(g)]->fd,
				  "too many connections waiting; yours was the "
				  "oldest");
			drop(g, oldest(g));
		}
		struct pend *p = calloc(1, sizeof *p);
		if (p == NULL) {
			close(fd);
			return;
		}
		p->fd = fd;
		p->peer = peer;
		sock_unmap(&p->peer);
		p->accepted = now;
		p->until = now + GATE_HELLO_TIMEOUT_NS;
		p->need = WIRE_HDR_LEN;
		g->p[g->n++] = p;
	}
}

/* A frame is whole in p->buf. 1: the TEST came, 0: go on, -1: refused
 * (why filled). */
static int frame_done(struct pend *p, uint64_t now, char *why, size_t len)
{
	const uint8_t *body = p->buf + WIRE_HDR_LEN;
	uint32_t blen = p->need - WIRE_HDR_LEN;

	if (p->stage == 1)
		return 1;
	if (wire_decode_hello(body, blen, &p->hello, why, len) < 0)
		return -1;
	if (p->hello.version != WIRE_VERSION) {
		snprintf(why, len, "protocol version %u from the sender; this "
			 "receiver speaks %d", (unsigned)p->hello.version,
			 WIRE_VERSION);
		return -1;
	}
	p->stage = 1;
	p->have = 0;
	p->need = WIRE_HDR_LEN;
	p->until = now + GATE_TEST_TIMEOUT_NS;
	return 0;
}

/* Read what p's connection has. 1: its TEST is whole, 0: not yet, -1: it
 * broke the handshake or left (why filled; empty when it just left). */
static int pend_read(struct pend *p, uint64_t now, char *why, size_t len)
{
	static const int want[2] = {WIRE_HELLO, WIRE_TEST};

	why[0] = '\0';
	for (;;) {
		ssize_t r = recv(p->fd, p->buf + p->have, p->need - p->have, 0);
		if (r == 0)
			return -1; /* closed: nobody left to tell */
		if (r < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		p->have += (uint32_t)r;
		if (p->have < p->need)
			continue;
		if (p->need == WIRE_HDR_LEN) {
			int type;
			uint32_t blen;
			if (wire_decode_header(p->buf, &type, &blen, why, len) < 0)
				return -1;
			if (type != want[p->stage]) {
				snprintf(why, len, "expected %s, got message %d",
					 p->stage ? "TEST" : "HELLO", type);
				return -1;
			}
			if (blen > GATE_FRAME_MAX - WIRE_HDR_LEN) {
				snprintf(why, len, "%s of %u bytes, at most %u",
					 p->stage ? "TEST" : "HELLO",
					 (unsigned)blen,
					 GATE_FRAME_MAX - WIRE_HDR_LEN);
				return -1;
			}
			p->need += blen;
			if (blen > 0)
				continue;
		}
		int rc = frame_done(p, now, why, len);
		if (rc != 0)
			return rc;
	}
}

/* Hand pending connection i over as out (removed from the table). */
static void hand_over(struct gate *g, size_t i, struct gate_conn *out)
{
	struct pend *p = g->p[i];

	out->fd = p->fd;
	out->peer = p->peer;
	out->hello = p->hello;
	out->test_len = p->need - WIRE_HDR_LEN;
	memcpy(out->test, p->buf + WIRE_HDR_LEN, out->test_len);
	sock_set_nonblock(p->fd, 0);
	free(p);
	g->p[i] = g->p[--g->n];
}

/* Refuse pending connection i with why (silently when empty). */
static void reject(struct gate *g, size_t i, const char *why,
		   struct gate_conn *out)
{
	out->fd = -1;
	out->peer = g->p[i]->peer;
	snprintf(out->why, sizeof out->why, "%s", why[0] ? why : "left");
	if (why[0])
		refuse_fd(g->p[i]->fd, why);
	drop(g, i);
}

enum gate_event gate_next(struct gate *g, volatile sig_atomic_t *stop,
			  struct gate_conn *out)
{
	char why[TUB_TEXT_MAX];

	while (!*stop) {
		uint64_t now = clock_now_ns();
		uint64_t wake = now + GATE_POLL_MAX_MS * TUB_NSEC_PER_MSEC;

		for (size_t i = 0; i < g->n; i++) {
			struct pend *p = g->p[i];
			if (now >= p->until) {
				snprintf(why, sizeof why, "no %s within %.0f s",
					 p->stage ? "TEST" : "HELLO",
					 (p->stage ? GATE_TEST_TIMEOUT_NS
						   : GATE_HELLO_TIMEOUT_NS) /
						 1e9);
				reject(g, i, why, out);
				return GATE_REJECTED;
			}
			if (p->until < wake)
				wake = p->until;
		}
		g->pfd[0] = (struct pollfd){.fd = g->lfd, .events = POLLIN};
		for (size_t i = 0; i < g->n; i++)
			g->pfd[i + 1] = (struct pollfd){.fd = g->p[i]->fd,
							.events = POLLIN};
		int ms = (int)((wake - now + TUB_NSEC_PER_MSEC - 1) /
			       TUB_NSEC_PER_MSEC);
		int r = poll(g->pfd, g->n + 1, ms);
		if (r <= 0)
			continue; /* timeout or EINTR: look at the clock */
		now = clock_now_ns();
		/* Connections first, in the order polled, then newcomers. */
		for (size_t i = 0; i < g->n; i++) {
			if (g->pfd[i + 1].revents == 0)
				continue;
			int rc = pend_read(g->p[i], now, why, sizeof why);
			if (rc > 0) {
				hand_over(g, i, out);
				return GATE_TEST;
			}
			if (rc < 0) {
				reject(g, i, why, out);
				return GATE_REJECTED;
			}
		}
		if (g->pfd[0].revents)
			accept_all(g, now);
	}
	return GATE_STOPPED;
}
