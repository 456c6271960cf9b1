/* tub-recv: the receiving end. Listens on a control port and serves one test
 * after another, forever (or once with --once). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "gate.h"
#include "run.h"
#include "session.h"
#include "sock.h"
#include "sockopt.h"
#include "units.h"
#include "wire.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct recv_conf {
	const char *bind;
	uint16_t port;
	uint16_t data_port; /* --data-port: 0, data on the control port */
	int once;
	int quiet;
	struct tub_limits lim;
	int threads;      /* --threads: 0, as many as the CPUs */
	uint32_t allowed; /* --allow-opt: bit (1u << sockopt id) */
	char host[TUB_HOST_MAX];
};

#define usage_error(...) cli_usage_error("tub-recv", __VA_ARGS__)

/* What a client may set on the receiver's socket. The receiver runs as
 * whoever started it, often root, on a host that is not the client's: an
 * option that reaches beyond the test (marks the receiver's packets, spins
 * its CPU, blocks its close) is capped, or off unless the receiver's owner
 * allows it (--allow-opt NAME: any value the vocabulary takes). Options
 * without a row take their whole vocabulary range. */
struct remote_policy {
	int64_t min, max;  /* the range a client may ask for */
	int off;           /* refused unless --allow-opt */
	const char *why;   /* for --help and refusals */
};

/* clang-format off */
static const struct remote_policy remote_policy[SOCKOPT_COUNT] = {
	[SOCKOPT_MAXSEG] = {536, 65535, 0, "smaller segments multiply the "
			    "receiver's packets"},
	[SOCKOPT_USER_TIMEOUT] = {0, 300000, 0, "a connection held longer "
				  "than a test"},
	[SOCKOPT_LINGER] = {-1, 5, 0, "close() blocks the receiver"},
	[SOCKOPT_BUSY_POLL] = {0, 1000, 0, "spins the receiver's CPU"},
	[SOCKOPT_PRIORITY] = {0, 6, 0, "above 6 needs CAP_NET_ADMIN"},
	[SOCKOPT_TOS] = {0, 255, 1, "marks the receiver's packets (DSCP) on "
			 "its network"},
	[SOCKOPT_MTU_DISCOVER] = {0, 3, 1, "turns off the receiver's path "
				  "MTU discovery"},
	[SOCKOPT_PREFER_BUSY_POLL] = {0, 1, 1, "defers the interrupts of the "
				      "receiver's device queue"},
};
/* clang-format on */

/* Whether a row restricts the option at all. */
static int policy_restricts(enum sockopt_id id)
{
	return remote_policy[id].why != NULL;
}

/* The --help lines about the policy. */
static void usage_policy(void)
{
	puts("What a client may set on this end's socket (--remote-opt):\n"
	     "  any option of tub-send --list-options, within its range, "
	     "except:");
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		const struct remote_policy *p = &remote_policy[id];
		if (!policy_restricts((enum sockopt_id)id))
			continue;
		if (p->off)
			printf("  %-13s off unless --allow-opt %s (%s)\n",
			       sockopt_info((enum sockopt_id)id)->name,
			       sockopt_info((enum sockopt_id)id)->name, p->why);
		else
			printf("  %-13s %lld..%lld (%s)\n",
			       sockopt_info((enum sockopt_id)id)->name,
			       (long long)p->min, (long long)p->max, p->why);
	}
	puts("  congestion    only algorithms already loaded "
	     "(tcp_available_congestion_control)");
}

static void usage(void)
{
	puts("usage: tub-recv [options]\n"
	     "Serve tcpudp-bench tests over tcp, udp and rudp (reliable "
	     "UDP), one after another.\n"
	     "  -p, --port N           control port (default 5799; 0 picks a "
	     "free one and prints it)\n"
	     "  -B, --bind ADDR        listen on ADDR only (default: every "
	     "IPv6 and IPv4 address)\n"
	     "      --data-port N      each test's data on port N, a listener "
	     "of its own with the\n"
	     "                         options set before listen() (default: "
	     "on the control port,\n"
	     "                         tcp and udp: one firewall hole)\n"
	     "  -1, --once             serve one test, then exit with its "
	     "status\n"
	     "      --max-duration D   longest test accepted (default 300s)\n"
	     "      --max-rate R       highest target rate accepted "
	     "(default 100G bit/s)\n"
	     "      --max-msg-size S   largest message accepted (default 1M)\n"
	     "      --max-count N      largest message count accepted\n"
	     "      --max-window-bytes S  largest rudp window x packet size "
	     "accepted\n"
	     "                         (default 16M; each of its three rings "
	     "takes this much)\n"
	     "      --max-flows N      most parallel flows (-P) in one test "
	     "(default 16, at most 128)\n"
	     "      --threads T        worker threads for a test's flows (default: "
	     "as many as\n"
	     "                         the CPUs, at most one a flow)\n"
	     "      --allow-opt NAME   let clients set option NAME to any "
	     "value (repeatable)\n"
	     "  -q, --quiet            no log line per test\n"
	     "  -V, --version          print the version\n"
	     "Exit status: 0 ok, 1 a failure at run time, 2 bad usage.\n");
	usage_policy();
}

/* A port number, 0 (a free one) allowed unless min is 1. */
static uint16_t parse_port(const char *s, const char *what, unsigned min)
{
	uint64_t p = cli_whole("tub-recv", what, s, 65535);

	if (p < min)
		usage_error("bad %s '%s' (%u..65535)", what, s, min);
	return (uint16_t)p;
}

static void parse_args(int argc, char **argv, struct recv_conf *c)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'},
		{"bind", required_argument, NULL, 'B'},
		{"data-port", required_argument, NULL, 'P'},
		{"once", no_argument, NULL, '1'},
		{"max-duration", required_argument, NULL, 'D'},
		{"max-rate", required_argument, NULL, 'R'},
		{"max-msg-size", required_argument, NULL, 'S'},
		{"max-count", required_argument, NULL, 'N'},
		{"max-window-bytes", required_argument, NULL, 'W'},
		{"max-flows", required_argument, NULL, 'F'},
		{"threads", required_argument, NULL, 'T'},
		{"allow-opt", required_argument, NULL, 'A'},
		{"quiet", no_argument, NULL, 'q'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint64_t v;
	int ch;

	c->port = TUB_DEFAULT_PORT;
	spec_default_limits(&c->lim);
	opterr = 0; /* one line of our own instead */
	while ((ch = getopt_long(argc, argv, "p:B:1qVh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			c->port = parse_port(optarg, "port", 0);
			break;
		case 'B':
			c->bind = optarg;
			break;
		case 'P':
			c->data_port = parse_port(optarg, "data port", 1);
			break;
		case '1':
			c->once = 1;
			break;
		case 'D':
			if (units_parse_duration(optarg, &v) < 0 || v == 0)
				usage_error("bad duration '%s'", optarg);
			c->lim.max_duration_ns = v;
			break;
		case 'R':
			if (units_parse_rate(optarg, &v) < 0 || v == 0)
				usage_error("bad rate '%s'", optarg);
			c->lim.max_rate_bps = v;
			break;
		case 'S':
			if (units_parse_size(optarg, &v) < 0 || v == 0 ||
			    v > UINT32_MAX)
				usage_error("bad size '%s'", optarg);
			c->lim.max_msg_size = (uint32_t)v;
			break;
		case 'N':
			if (units_parse_size(optarg, &v) < 0 || v == 0)
				usage_error("bad count '%s'", optarg);
			c->lim.max_count = v;
			break;
		case 'W':
			if (units_parse_size(optarg, &v) < 0 ||
			    v < TUB_RUDP_PKT_MAX)
				usage_error("bad window size '%s' (at least one "
					    "packet, %u B)", optarg,
					    TUB_RUDP_PKT_MAX);
			c->lim.max_window_bytes = v;
			break;
		case 'F':
			if (units_parse_size(optarg, &v) < 0 || v == 0 ||
			    v > TUB_FLOWS_MAX)
				usage_error("bad --max-flows '%s' (1 to %d)",
					    optarg, TUB_FLOWS_MAX);
			c->lim.max_flows = (uint32_t)v;
			break;
		case 'T':
			if (units_parse_size(optarg, &v) < 0 || v == 0 ||
			    v > TUB_FLOWS_MAX)
				usage_error("bad --threads '%s' (1 to %d)",
					    optarg, TUB_FLOWS_MAX);
			c->threads = (int)v;
			break;
		case 'A': {
			int id = sockopt_lookup(optarg);
			if (id < 0)
				usage_error("unknown option '%s' for "
					    "--allow-opt", optarg);
			c->allowed |= 1u << id;
			break;
		}
		case 'q':
			c->quiet = 1;
			break;
		case 'V':
			printf("tub-recv %s (protocol %d)\n", TUB_VERSION,
			       WIRE_VERSION);
			exit(0);
		case 'h':
			usage();
			exit(0);
		default:
			usage_error("unknown option or missing value: %s",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (gethostname(c->host, sizeof c->host) < 0)
		snprintf(c->host, sizeof c->host, "unknown");
	c->host[sizeof c->host - 1] = '\0';
}

/* Whether a congestion control is already loaded (listed as available);
 * a root receiver would otherwise load any module a client names. */
static int cc_available(const char *name)
{
	char line[512];
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_available_congestion_control",
			"r");
	int found = 0;

	if (f == NULL)
		return 1; /* not Linux: the kernel has the last word */
	if (fgets(line, sizeof line, f))
		for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
			found |= strcmp(t, name) == 0;
	fclose(f);
	return found;
}

static int check_remote_opts(struct run_ctx *ctx, const struct recv_conf *c,
			     const struct sockopt_set *o)
{
	for (int i = 0; i < SOCKOPT_COUNT; i++) {
		enum sockopt_id id = (enum sockopt_id)i;
		const struct remote_policy *p = &remote_policy[id];
		const char *name = sockopt_info(id)->name;
		if (!sockopt_has(o, id) || !policy_restricts(id) ||
		    (c->allowed & 1u << id))
			continue;
		if (p->off)
			return run_fail(ctx, ST_REFUSED, "remote %s is off on "
					"this receiver (%s); its owner may "
					"allow it with --allow-opt %s", name,
					p->why, name);
		if (o->value[id] < p->min || o->value[id] > p->max)
			return run_fail(ctx, ST_REFUSED, "remote %s=%lld outside "
					"the receiver's range %lld..%lld (%s; "
					"--allow-opt %s lifts it)", name,
					(long long)o->value[id],
					(long long)p->min, (long long)p->max,
					p->why, name);
	}
	if (sockopt_has(o, SOCKOPT_CONGESTION) && !cc_available(o->congestion))
		return run_fail(ctx, ST_REFUSED, "congestion control '%s' is "
				"not available on the receiver", o->congestion);
	return 0;
}

static int check_opts(struct run_ctx *ctx, const struct sockopt_set *o,
		      const void *arg)
{
	return check_remote_opts(ctx, arg, o);
}

static int serve_one(const struct gate_conn *conn, int lfd,
		     const struct recv_conf *c, unsigned test_no)
{
	struct run_ctx *ctx = calloc(1, sizeof *ctx);
	struct tub_spec *spec = calloc(1, sizeof *spec);
	struct tub_result *scratch = calloc(1, sizeof *scratch);
	struct serve_session ss = {
		.lim = &c->lim,
		.host = c->host,
		.data_port = c->data_port,
		.threads = c->threads,
		.check_opts = check_opts,
		.arg = c,
		.stop = &stop_flag,
	};
	char peer[80];
	int rc = -1;

	if (ctx == NULL || spec == NULL || scratch == NULL)
		goto out;
	ctx->spec = spec;
	ctx->res = scratch;
	rc = session_serve(&ss, conn, lfd, ctx);
	if (rc < 0 && ctx->status != ST_PEER_CLOSED)
		gate_send_error(ctx->ctl, ctx->err);
	sock_addr_str(&conn->peer, peer, sizeof peer);
	if (!c->quiet)
		fprintf(stderr, "tub-recv: test %u from %s: %s %s %u B%s%.0u%s%s: "
			"%s%s%s\n",
			test_no, peer, spec_proto_name(spec->proto),
			spec_kind_name(spec->kind), spec->msg_size,
			spec->flows > 1 ? " x " : "",
			spec->flows > 1 ? spec->flows : 0u,
			spec->dir == TUB_DIR_FORWARD ? "" : " ",
			spec->dir == TUB_DIR_FORWARD ? "" : spec_dir_name(spec->dir),
			rc == 0 ? "ok" : status_name(ctx->status),
			rc == 0 ? "" : ": ", rc == 0 ? "" : ctx->err);
	/* failed, or left unsent under -R: never wait in close() */
	if (ctx->data >= 0)
		sock_close(ctx->data, rc < 0 || ctx->mine.tx.unsent_bytes > 0);
out:
	free(scratch);
	free(spec);
	free(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	struct recv_conf conf = {0};
	char err[TUB_TEXT_MAX];
	struct sigaction sa = {.sa_handler = on_signal};

	parse_args(argc, argv, &conf);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int lfd = sock_listen_tcp(conf.bind, conf.port, err, sizeof err);
	if (lfd < 0) {
		fprintf(stderr, "tub-recv: %s\n", err);
		return 1;
	}
	struct sock_addr la;
	sock_local(lfd, &la);
	printf("tub-recv: listening on port %u\n", sock_port(&la));
	fflush(stdout);

	uint64_t nofile;
	size_t max_pending = gate_max_pending(&nofile);
	struct gate *g = gate_new(lfd, max_pending);
	if (g == NULL) {
		fputs("tub-recv: out of memory\n", stderr);
		return 1;
	}
	if (!conf.quiet)
		fprintf(stderr, "tub-recv: fd limit %llu: up to %zu "
			"connections in their handshake at once\n",
			(unsigned long long)nofile, max_pending);

	struct gate_conn *conn = malloc(sizeof *conn);
	unsigned test_no = 0;
	int rc = 0;
	while (conn != NULL && !stop_flag) {
		enum gate_event ev = gate_next(g, &stop_flag, conn);
		if (ev == GATE_STOPPED)
			break;
		if (ev == GATE_REJECTED) {
			if (!conf.quiet && strcmp(conn->why, "left") != 0) {
				char peer[80];
				fprintf(stderr, "tub-recv: connection from %s "
					"refused: %s\n",
					sock_addr_str(&conn->peer, peer,
						      sizeof peer),
					conn->why);
			}
			continue;
		}
		gate_refuse_all(g); /* the others: busy, at once */
		rc = serve_one(conn, lfd, &conf, ++test_no);
		close(conn->fd);
		if (conf.once)
			break;
	}
	free(conn);
	gate_free(g);
	close(lfd);
	return rc < 0 ? 1 : 0;
}
