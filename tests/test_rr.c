/* Unit test of the one round-trip workload (bench/rr.c) over the framing
 * of each transport: rr on the test's connection (TCP over a socketpair;
 * UDP and RUDP over two loopback sockets, since their receiving end takes
 * datagrams only from the control peer's address), and connect with a
 * fresh connection per round trip over loopback. The echoing end runs in
 * a child; control is a socketpair, and the requester's DONE on it ends
 * the echo as it does between the programs. */
#include "kind.h"
#include "kinds.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "sock.h"

#define ROUND_TRIPS 200

static volatile sig_atomic_t never;

static struct sock_addr loopback(int port)
{
	struct sock_addr a = {.len = sizeof(struct sockaddr_in)};
	struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;

	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in->sin_port = htons((uint16_t)port);
	return a;
}

static void ctx_init(struct run_ctx *ctx, struct tub_spec *s, int ctl,
		     int data, struct tub_result *res)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->spec = s;
	ctx->ctl = ctl;
	ctx->data = data;
	ctx->data_lfd = data; /* TCP connect: the listener */
	ctx->listen_fd = -1;
	ctx->secret = 0x5ec12e7;
	ctx->stop = &never;
	ctx->res = res;
	ctx->ctl_peer = loopback(0);
	ctx->connect_timeout_ms = 2000;
	run_begin_data(ctx, 30 * TUB_NSEC_PER_SEC);
}

/* The data sockets: [0] the requester's (connected), [1] the echoing
 * end's (for connect: TCP's listener, UDP's bound socket). */
static void data_pair(int proto, int kind, int fd[2], struct sock_addr *srv)
{
	if (proto == TUB_PROTO_TCP && kind == TUB_KIND_RR) {
		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0);
		return;
	}
	int type = proto == TUB_PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct sock_addr a = loopback(0);
	fd[1] = socket(AF_INET, type, 0);
	CHECK(bind(fd[1], (struct sockaddr *)&a.ss, a.len) == 0);
	if (type == SOCK_STREAM)
		CHECK(listen(fd[1], 16) == 0);
	sock_local(fd[1], srv);
	fd[0] = -1;
	if (kind == TUB_KIND_RR) {
		fd[0] = socket(AF_INET, type, 0);
		CHECK(connect(fd[0], (struct sockaddr *)&srv->ss, srv->len) == 0);
	}
}

/* The echoing end: exit status 0 when it echoed every request. */
static void echo(struct tub_spec *s, int ctl, int data, uint64_t expect)
{
	struct run_ctx ctx;
	struct tub_result res = {0};

	ctx_init(&ctx, s, ctl, data, &res);
	int rc = rr_server(&ctx);
	/* TCP's ends at the requester's EOF: then its DONE, as tub-recv waits
	 * for it (closing first would break the requester's DONE) */
	if (rc == 0 && !ctx.peer_done)
		rc = run_wait_done(&ctx);
	if (rc < 0)
		fprintf(stderr, "echo: %s: %s\n", status_name(ctx.status),
			ctx.err);
	_exit(rc == 0 && ctx.mine.rx.msgs == expect &&
	      ctx.mine.rx.bytes == expect * s->msg_size ? 0 : 1);
}

static void one(int proto, int kind)
{
	struct tub_spec s = {.session = 0x5eed0001u, .proto = (uint8_t)proto,
			     .kind = (uint8_t)kind, .msg_size = 64,
			     .count = ROUND_TRIPS,
			     .timeout_ns = 5 * TUB_NSEC_PER_SEC}; /* a loaded CI machine */
	int ctl[2], fd[2];
	struct sock_addr srv = {0};

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, ctl) == 0);
	data_pair(proto, kind, fd, &srv);
	pid_t pid = fork();
	if (pid == 0) {
		close(ctl[0]);
		if (fd[0] >= 0)
			close(fd[0]);
		echo(&s, ctl[1], fd[1], ROUND_TRIPS);
	}
	close(ctl[1]);
	close(fd[1]);

	struct run_ctx ctx;
	struct tub_result res = {0};
	struct hist *rtt = malloc(sizeof *rtt);
	hist_init(rtt);
	res.rtt = rtt;
	ctx_init(&ctx, &s, ctl[0], fd[0], &res);
	ctx.server = srv;
	int rc = kind == TUB_KIND_RR ? rr_client(&ctx) : connect_client(&ctx);
	if (rc < 0)
		fprintf(stderr, "%s %s: %s: %s\n", spec_proto_name(proto),
			spec_kind_name(kind), status_name(ctx.status), ctx.err);
	CHECK(rc == 0);
	CHECK_EQ_U64(res.rr_done, ROUND_TRIPS);
	CHECK_EQ_U64(res.rr_lost + res.rr_late, 0);
	CHECK_EQ_U64(ctx.mine.tx.msgs, ROUND_TRIPS);
	CHECK_EQ_U64(rtt->count, ROUND_TRIPS);
	CHECK(run_send_done(&ctx) == 0);

	int st = -1;
	CHECK(waitpid(pid, &st, 0) == pid);
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "%s %s: the echo failed\n",
			spec_proto_name(proto), spec_kind_name(kind));
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (ctx.data >= 0)
		close(ctx.data);
	close(ctl[0]);
	free(rtt);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	for (int p = 0; p < TUB_PROTO_COUNT; p++) {
		one(p, TUB_KIND_RR);
		one(p, TUB_KIND_CONNECT);
	}
	return check_done("test_rr");
}
