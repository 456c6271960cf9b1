/* tub-send: the sending end. Connects to a tub-recv, runs one test, writes
 * one result row (CSV or JSON) and a human summary. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "csv.h"
#include "kind.h"
#include "report.h"
#include "run.h"
#include "session.h"
#include "sock.h"
#include "sockopt.h"
#include "stats.h"
#include "units.h"
#include "wire.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

struct send_conf {
	const char *host;
	uint16_t port;
	const char *csv_path;
	const char *interval_path;
	const char *run_id;
	const char *label;
	const char *on_idle;
	int json;            /* -J: --format json */
	int format;          /* FMT_*: what stdout gets */
	int quiet;
	int have_len;
	int have_rr_timeout; /* --rr-timeout given: else from the path's RTT */
	int kernel_check;    /* --kernel-check: the summary holds the kernel's
				counters against ours */
	int rudp_set;        /* --cc, --rto-min or --rto-max given */
	uint64_t connect_timeout_ns;
	int threads;         /* --threads: 0, as many as the CPUs */
	uint8_t mix_size_set[TUB_FLOWS_MAX]; /* --flow's size= and rate= */
	uint8_t mix_rate_set[TUB_FLOWS_MAX];
	struct tub_spec spec;
	struct sockopt_set local;
	char local_text[TUB_OPTSTR_MAX];
};

#define usage_error(...) cli_usage_error("tub-send", __VA_ARGS__)

static void usage(void)
{
	puts("usage: tub-send -c HOST [options]\n"
	     "Run one test against a tub-recv and write one result row.\n"
	     "  -c, --client HOST      the receiver (name, IPv4 or IPv6 "
	     "address)\n"
	     "  -p, --port N           its control port (default 5799)\n"
	     "      --proto P          tcp | udp | rudp (reliable UDP; "
	     "default tcp)\n"
	     "      --unordered        rudp: deliver each message when whole "
	     "(default: in order)\n"
	     "      --window N         rudp: packets in flight (default 256)\n"
	     "      --cc reno|cubic|paced  rudp: congestion control: reno "
	     "(default; aimd\n"
	     "                         the same), cubic, or fixed pacing at "
	     "twice -b\n"
	     "      --rto-min DUR      rudp: the RTO's floor (default 200ms)\n"
	     "      --rto-max DUR      rudp: its backoff's ceiling, the "
	     "longest silence\n"
	     "                         while waiting (default 2s)\n"
	     "      --kind K           what to measure (default stream; the "
	     "kinds below)\n"
	     "      --list-kinds       the kinds, one a line: name, then "
	     "transport=default -l\n"
	     "  -l, --length SIZE      message size (defaults below; 64K, 1M "
	     "take suffixes)\n"
	     "  -t, --time DUR         duration: 10, 10s, 500ms (default 10s)\n"
	     "  -n, --count N          what the kind counts (below), instead "
	     "of a time; 10K, 1M\n"
	     "                         take suffixes (K = 1024, as -l and "
	     "tub-recv --max-count)\n"
	     "  -b, --bitrate RATE     target payload rate: 500M, 10mbit "
	     "(default: unlimited)\n"
	     "  -i, --interval DUR     per-interval samples every DUR\n"
	     "      --spin             rr, connect: both ends poll the data "
	     "socket instead of\n"
	     "                         sleeping in recv (a CPU each; the row "
	     "says spin)\n"
	     "      --local-opt SPEC   options for this end's socket, e.g. "
	     "nodelay,sndbuf=64K\n"
	     "      --remote-opt SPEC  options for the receiver's socket\n"
	     "      --list-options     the option vocabulary");
}

/* --help, continued (one puts each, to keep each function short). */
static void usage_more(void)
{
	puts("      --t-table          the two-sided Student t quantiles "
	     "behind the confidence\n"
	     "                         intervals of scripts/ (level df t; df "
	     "inf: the normal)\n"
	     "      --rr-timeout DUR   UDP rr, connect: a reply later than "
	     "this is a lost probe\n"
	     "                         (default 200ms, or 3 round trips of "
	     "the control connection)\n"
	     "      --on-idle CMD      keepalive: run CMD (e.g. one that cuts "
	     "the path) once\n"
	     "                         the connection is up, then time the "
	     "detection\n"
	     "      --kernel-check     summary: the kernels' counters "
	     "(/proc/net/snmp) beside\n"
	     "                         ours (valid only where the test is "
	     "alone in its namespace)\n"
	     "      --csv FILE         append the row to FILE (header once)\n"
	     "      --interval-csv F   append per-interval rows to F\n"
	     "  -J, --json             write the row as JSON on stdout "
	     "(--format json)\n"
	     "      --format F         what stdout gets: human (the summary), "
	     "csv (header and\n"
	     "                         row; the summary on stderr) or json; "
	     "default: human on a\n"
	     "                         terminal, csv when redirected\n"
	     "      --run-id ID        label of the run, in every row\n"
	     "      --label TEXT       the point's name in a sweep, in the row "
	     "(point_label)\n"
	     "      --connect-timeout DUR  (default 5s)\n"
	     "  -q, --quiet            no summary on stderr\n"
	     "  -R, --reverse          the receiver sends, this end measures "
	     "(stream; over the\n"
	     "                         data path this end opens: NAT on this "
	     "side works)\n"
	     "      --bidir            both ways at once (stream): the flows of each\n"
	     "                         direction get rows of their own\n"
	     "      --flow SPEC        one flow of a mixed test (stream), once a flow:\n"
	     "                         PROTO[:size=BYTES][:rate=BITS/S][:local=OPTS]\n"
	     "                         [:remote=OPTS] (its own, in place of the\n"
	     "                         test's), e.g. --flow tcp:local=congestion=reno\n"
	     "                         --flow udp:rate=80M:size=1400\n"
	     "  -P, --parallel N       N flows of the stream kind at once (a direction),\n"
	     "                         each its own socket: a row each, and their sum\n"
	     "      --threads T        worker threads for the flows (default: as many\n"
	     "                         as the CPUs, at most one a flow); a thread\n"
	     "                         with several flows takes turns between them\n"
	     "Without --csv, -J or --format: the summary on a terminal, else "
	     "the CSV header and\n"
	     "row on stdout (the summary on stderr).\n"
	     "Exit status: 0 ok, 1 the test failed at run time, 2 bad "
	     "usage.");
}

/* The kinds, from their table: what each measures, where it runs, its
 * defaults. */
static void usage_kinds(void)
{
	puts("Kinds (--kind):");
	for (int k = 0; k < TUB_KIND_COUNT; k++) {
		const struct kind_info *i = kind_info(k);
		printf("  %-10s %s\n", i->name, i->help);
		printf("  %-10s -l %s:", "", i->size_is);
		for (int p = 0, n = 0; p < TUB_PROTO_COUNT; p++)
			if (i->size[p])
				printf("%s %s %u", n++ ? "," : "",
				       spec_proto_name(p), i->size[p]);
		printf(" B\n  %-10s -n counts %s", "", i->counts);
		if (i->count)
			printf(" (default %llu)", (unsigned long long)i->count);
		putchar('\n');
	}
}

static void list_options(void)
{
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		const struct sockopt_info *i = sockopt_info(id);
		printf("%-14s %s\n", i->name, i->help);
	}
}

/* The t table, one node a line: bench.sh hands it to aggregate.awk. */
static void list_t_table(void)
{
	size_t i, df;
	double t;
	int level;

	for (i = 0; stats_t_node(i, &level, &df, &t) == 0; i++) {
		if (df)
			printf("%d %zu %.4f\n", level, df, t);
		else
			printf("%d inf %.4f\n", level, t);
	}
}

/* A number without suffixes (port, window, -P); ranges are the caller's. */
static uint64_t arg_whole(const char *what, const char *s)
{
	return cli_whole("tub-send", what, s, UINT64_MAX);
}

/* -n takes what tub-recv --max-count takes (units_parse_size: 10K is
 * 10240), so the two ends read a count alike. */
static uint64_t arg_count(const char *s)
{
	uint64_t v;

	if (units_parse_size(s, &v) < 0 || v == 0)
		usage_error("bad count '%s' (a positive whole number; 10K, 1M "
			    "take suffixes)", s);
	return v;
}

static uint64_t arg_size(const char *what, const char *arg)
{
	return cli_size("tub-send", what, arg);
}

static uint64_t arg_duration(const char *what, const char *arg)
{
	return cli_duration("tub-send", what, arg);
}

static uint64_t arg_rate(const char *what, const char *arg)
{
	return cli_rate("tub-send", what, arg);
}

static uint16_t arg_port(const char *s)
{
	uint64_t v = arg_whole("port", s);

	if (v == 0)
		usage_error("port 0 is not a receiver's port (1..65535)");
	if (v > 65535)
		usage_error("bad port '%s' (1..65535)", s);
	return (uint16_t)v;
}

/* The label goes into a CSV cell and a fixed field of the row. */
static const char *arg_label(const char *s)
{
	if (strlen(s) >= sizeof ((struct tub_result *)0)->label)
		usage_error("--label longer than 63 characters");
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			usage_error("--label takes printable ASCII only");
	return s;
}

/* The flags come in layers, as neper's add_flags_common, add_flags_udp,
 * ...: common ones (the receiver, the test, the outputs), one transport's,
 * one kind's, the tables that print and exit. A layer has its long options
 * and a take function (1: the flag was its own); the checks after parsing
 * come in the same order (check_common, check_rudp, check_kind, then the
 * spec as the receiver checks it). Long-only flags are numbered above
 * every short option's character. */
enum {
	O_PROTO = 256, O_KIND, O_LOCAL, O_REMOTE, O_CTO, O_CSV, O_ICSV, O_BIDIR,
	O_FLOW, O_THREADS,
	O_RUNID, O_LABEL, O_KCHECK, O_UNORD, O_WIN, O_CC, O_RTOMIN, O_RTOMAX,
	O_RRTO, O_IDLE,
	O_LIST, O_TTABLE, O_KINDS, O_FORMAT, O_SPIN,
};

/* The short options of every layer, in one string for getopt. */
#define SHORT_FLAGS "c:p:l:t:n:b:i:JqRP:Vh"

struct flag_layer {
	const struct option *opts;
	int (*take)(struct send_conf *c, int ch, const char *arg);
};

/* Common: where the receiver is, and both ends' sockets. */
static const struct option peer_flags[] = {
	{"client", required_argument, NULL, 'c'},
	{"port", required_argument, NULL, 'p'},
	{"local-opt", required_argument, NULL, O_LOCAL},
	{"remote-opt", required_argument, NULL, O_REMOTE},
	{"connect-timeout", required_argument, NULL, O_CTO},
	{NULL, 0, NULL, 0},
};

static int take_peer(struct send_conf *c, int ch, const char *arg)
{
	char err[TUB_TEXT_MAX];

	switch (ch) {
	case 'c':
		c->host = arg;
		return 1;
	case 'p':
		c->port = arg_port(arg);
		return 1;
	case O_LOCAL:
		if (sockopt_parse(arg, &c->local, err, sizeof err) < 0)
			usage_error("--local-opt: %s", err);
		sockopt_format(&c->local, c->local_text, sizeof c->local_text);
		return 1;
	case O_REMOTE:
		/* parsed here for the error; the receiver applies it */
		if (sockopt_parse(arg, &(struct sockopt_set){0}, err,
				  sizeof err) < 0)
			usage_error("--remote-opt: %s", err);
		snprintf(c->spec.remote_opts, sizeof c->spec.remote_opts, "%s",
			 arg);
		return 1;
	case O_CTO:
		c->connect_timeout_ns = arg_duration("timeout", arg);
		if (c->connect_timeout_ns < TUB_NSEC_PER_MSEC ||
		    c->connect_timeout_ns > 600 * TUB_NSEC_PER_SEC)
			usage_error("connect timeout outside 1 ms .. 600 s");
		return 1;
	}
	return 0;
}

/* Common: the test itself, whatever its transport and kind. */
static const struct option test_flags[] = {
	{"proto", required_argument, NULL, O_PROTO},
	{"kind", required_argument, NULL, O_KIND},
	{"length", required_argument, NULL, 'l'},
	{"time", required_argument, NULL, 't'},
	{"count", required_argument, NULL, 'n'},
	{"bitrate", required_argument, NULL, 'b'},
	{"interval", required_argument, NULL, 'i'},
	{"spin", no_argument, NULL, O_SPIN},
	{NULL, 0, NULL, 0},
};

/* --proto and --kind pick the layers below. */
static int take_selector(struct tub_spec *s, int ch, const char *arg)
{
	char names[TUB_TEXT_MAX];
	int x;

	if (ch == O_PROTO) {
		if (spec_proto_parse(arg, &x) < 0)
			usage_error("unknown transport '%s' (tcp, udp, rudp)",
				    arg);
		s->proto = (uint8_t)x;
		return 1;
	}
	if (ch == O_KIND) {
		if (spec_kind_parse(arg, &x) < 0)
			usage_error("unknown kind '%s' (%s)", arg,
				    kind_names(names, sizeof names));
		s->kind = (uint8_t)x;
		return 1;
	}
	return 0;
}

static int take_test(struct send_conf *c, int ch, const char *arg)
{
	struct tub_spec *s = &c->spec;
	uint64_t v;

	switch (ch) {
	case O_SPIN:
		s->flags |= TUB_SPEC_SPIN;
		return 1;
	case 'l':
		v = arg_size("length", arg);
		if (v == 0 || v > UINT32_MAX)
			usage_error("bad length '%s'", arg);
		s->msg_size = (uint32_t)v;
		c->have_len = 1;
		return 1;
	case 't':
		s->duration_ns = arg_duration("duration", arg);
		if (s->duration_ns == 0)
			usage_error("duration must be above 0");
		return 1;
	case 'n':
		s->count = arg_count(arg);
		return 1;
	case 'b':
		s->rate_bps = arg_rate("rate", arg);
		return 1;
	case 'i':
		s->interval_ns = arg_duration("interval", arg);
		return 1;
	}
	return take_selector(s, ch, arg);
}

/* The direction (-R, --bidir) and the flows (-P). */
static const struct option reserved_flags[] = {
	{"reverse", no_argument, NULL, 'R'},
	{"bidir", no_argument, NULL, O_BIDIR},
	{"flow", required_argument, NULL, O_FLOW},
	{"parallel", required_argument, NULL, 'P'},
	{"threads", required_argument, NULL, O_THREADS},
	{NULL, 0, NULL, 0},
};

/* --flow PROTO[:size=S][:rate=R]: one more flow of a mixed test. */
static void take_flow(struct send_conf *c, const char *arg)
{
	struct tub_spec *s = &c->spec;
	char text[512], err[TUB_TEXT_MAX], *save = NULL;
	int proto;

	if (s->nmixed >= TUB_FLOWS_MAX)
		usage_error("--flow: at most %d flows", TUB_FLOWS_MAX);
	if (strlen(arg) >= sizeof text)
		usage_error("--flow '%s': too long", arg);
	snprintf(text, sizeof text, "%s", arg);
	struct tub_flow_spec *m = &s->mix[s->nmixed];
	char *tok = strtok_r(text, ":", &save);
	if (tok == NULL || spec_proto_parse(tok, &proto) < 0)
		usage_error("--flow '%s': begins with its transport (tcp, udp "
			    "or rudp), then :size=BYTES, :rate=BITS/S, "
			    ":local=OPTS, :remote=OPTS", arg);
	m->proto = (uint8_t)proto;
	while ((tok = strtok_r(NULL, ":", &save)) != NULL) {
		if (strncmp(tok, "size=", 5) == 0) {
			uint64_t v = arg_size("--flow size", tok + 5);
			if (v == 0 || v > UINT32_MAX)
				usage_error("--flow '%s': size from 1 byte", arg);
			m->msg_size = (uint32_t)v;
			c->mix_size_set[s->nmixed] = 1;
		} else if (strncmp(tok, "rate=", 5) == 0) {
			m->rate_bps = arg_rate("--flow rate", tok + 5);
			c->mix_rate_set[s->nmixed] = 1;
		} else if (strncmp(tok, "local=", 6) == 0 ||
			   strncmp(tok, "remote=", 7) == 0) {
			int local = tok[0] == 'l';
			const char *o = tok + (local ? 6 : 7);
			char *into = local ? m->local_opts : m->remote_opts;
			if (*o == '\0' || strlen(o) >= TUB_FLOW_OPTS_MAX)
				usage_error("--flow '%s': %s= takes 1 to %d "
					    "characters of options", arg,
					    local ? "local" : "remote",
					    TUB_FLOW_OPTS_MAX - 1);
			if (sockopt_parse(o, &(struct sockopt_set){0}, err,
					  sizeof err) < 0)
				usage_error("--flow '%s': %s", arg, err);
			snprintf(into, TUB_FLOW_OPTS_MAX, "%s", o);
		} else {
			usage_error("--flow '%s': unknown '%s' (size=, rate=, "
				    "local=, remote=)", arg, tok);
		}
	}
	s->nmixed++;
}

/* A UDP flow's options for one end (its own, else the test's set) against
 * its size: gso=SIZE must be it. */
static void check_flow_size(unsigned i, const struct tub_flow_spec *m,
			    const char *end, const char *own,
			    const struct sockopt_set *test)
{
	struct sockopt_set o = *test;
	char err[TUB_TEXT_MAX];

	if (own[0])
		sockopt_parse(own, &o, NULL, 0); /* take_flow checked it */
	if (sockopt_check_size(&o, m->msg_size, err, sizeof err) < 0)
		usage_error("--flow %u (udp, %u bytes): %s %s", i,
			    (unsigned)m->msg_size, end, err);
}

/* After the kind is known: each --flow's size (its own, -l, or the kind's
 * for its transport) and rate (its own or -b); the test's fields are the
 * first flow's. */
static void check_mix(struct send_conf *c)
{
	struct tub_spec *s = &c->spec;
	const struct kind_info *k = kind_info(s->kind);

	if (s->nmixed == 0)
		return;
	if (s->flows > 1)
		usage_error("-P and --flow: --flow once a flow, or -P");
	struct sockopt_set remote; /* the test's, checked when taken */
	sockopt_parse(s->remote_opts, &remote, NULL, 0);
	for (unsigned i = 0; i < s->nmixed; i++) {
		struct tub_flow_spec *m = &s->mix[i];
		if (!c->mix_size_set[i])
			m->msg_size = c->have_len ? s->msg_size
						  : k->size[m->proto];
		if (!c->mix_rate_set[i])
			m->rate_bps = s->rate_bps;
		if (m->proto == TUB_PROTO_UDP) {
			check_flow_size(i, m, "local", m->local_opts, &c->local);
			check_flow_size(i, m, "remote", m->remote_opts, &remote);
		}
	}
	s->flows = s->nmixed; /* proto: the first flow's, set before */
	s->msg_size = s->mix[0].msg_size;
	s->rate_bps = s->mix[0].rate_bps;
}

static int take_reserved(struct send_conf *c, int ch, const char *arg)
{
	uint64_t v;

	switch (ch) {
	case 'R': /* the kinds that take it: spec_check */
	case O_BIDIR:
		if (c->spec.dir != TUB_DIR_FORWARD)
			usage_error("-R and --bidir: one or the other");
		c->spec.dir = ch == 'R' ? TUB_DIR_REVERSE : TUB_DIR_BIDIR;
		return 1;
	case O_FLOW:
		take_flow(c, arg);
		return 1;
	case 'P':
		v = arg_whole("-P", arg);
		if (v == 0 || v > TUB_FLOWS_MAX)
			usage_error("-P %s: flows from 1 to %d", arg,
				    TUB_FLOWS_MAX);
		c->spec.flows = (uint16_t)v;
		return 1;
	case O_THREADS:
		v = arg_whole("--threads", arg);
		if (v == 0 || v > TUB_FLOWS_MAX)
			usage_error("--threads %s: threads from 1 to %d", arg,
				    TUB_FLOWS_MAX);
		c->threads = (int)v;
		return 1;
	}
	return 0;
}

/* What stdout gets: the summary (a person reads it), the CSV header and
 * row, or JSON. By default the summary when stdout is a terminal and
 * neither --csv nor -J is given, else the CSV (with the summary on
 * stderr). */
enum { FMT_AUTO, FMT_HUMAN, FMT_CSV, FMT_JSON };

/* Common: where the row goes and what it carries besides the figures. */
static const struct option output_flags[] = {
	{"csv", required_argument, NULL, O_CSV},
	{"interval-csv", required_argument, NULL, O_ICSV},
	{"json", no_argument, NULL, 'J'},
	{"format", required_argument, NULL, O_FORMAT},
	{"run-id", required_argument, NULL, O_RUNID},
	{"label", required_argument, NULL, O_LABEL},
	{"quiet", no_argument, NULL, 'q'},
	{"kernel-check", no_argument, NULL, O_KCHECK},
	{NULL, 0, NULL, 0},
};

static int take_output(struct send_conf *c, int ch, const char *arg)
{
	switch (ch) {
	case O_CSV:
		c->csv_path = arg;
		return 1;
	case O_ICSV:
		c->interval_path = arg;
		return 1;
	case 'J':
		c->json = 1;
		c->format = FMT_JSON;
		return 1;
	case O_FORMAT:
		if (strcmp(arg, "human") == 0)
			c->format = FMT_HUMAN;
		else if (strcmp(arg, "csv") == 0)
			c->format = FMT_CSV;
		else if (strcmp(arg, "json") == 0)
			c->format = c->json = FMT_JSON;
		else
			usage_error("--format is human, csv or json, not '%s'",
				    arg);
		if (c->format != FMT_JSON)
			c->json = 0;
		return 1;
	case O_RUNID:
		c->run_id = arg;
		return 1;
	case O_LABEL:
		c->label = arg_label(arg);
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case O_KCHECK:
		c->kernel_check = 1;
		return 1;
	}
	return 0;
}

/* Transport rudp: its delivery, window, congestion control and RTO. */
static const struct option rudp_flags[] = {
	{"unordered", no_argument, NULL, O_UNORD},
	{"window", required_argument, NULL, O_WIN},
	{"cc", required_argument, NULL, O_CC},
	{"rto-min", required_argument, NULL, O_RTOMIN},
	{"rto-max", required_argument, NULL, O_RTOMAX},
	{NULL, 0, NULL, 0},
};

static int take_rudp(struct send_conf *c, int ch, const char *arg)
{
	struct tub_spec *s = &c->spec;
	uint64_t v;
	int cc;

	switch (ch) {
	case O_UNORD:
		s->flags |= TUB_SPEC_UNORDERED;
		return 1;
	case O_CC:
		if (spec_cc_parse(arg, &cc) < 0)
			usage_error("--cc is reno, cubic or paced (aimd: reno)");
		s->cc = (uint8_t)cc;
		c->rudp_set = 1;
		return 1;
	case O_RTOMIN:
		s->rto_min_ns = arg_duration("rto-min", arg);
		c->rudp_set = 1;
		return 1;
	case O_RTOMAX:
		s->rto_max_ns = arg_duration("rto-max", arg);
		c->rudp_set = 1;
		return 1;
	case O_WIN:
		/* 0 would read as "the default" on the wire: say so instead */
		v = arg_whole("window", arg);
		if (v == 0)
			usage_error("--window 0: at least 1 packet; leave it "
				    "out for the default of %u",
				    TUB_RUDP_WINDOW_DEFAULT);
		if (v > TUB_RUDP_WINDOW_MAX)
			usage_error("window above %u packets",
				    TUB_RUDP_WINDOW_MAX);
		s->window = (uint32_t)v;
		return 1;
	}
	return 0;
}

static void check_rudp(const struct send_conf *c)
{
	const struct tub_spec *s = &c->spec;

	uint64_t lo = s->rto_min_ns ? s->rto_min_ns
				    : TUB_RUDP_RTO_MIN_DEFAULT_NS;
	uint64_t hi = s->rto_max_ns ? s->rto_max_ns
				    : TUB_RUDP_RTO_MAX_DEFAULT_NS;

	if (((s->flags & TUB_SPEC_RUDP_FLAGS) || s->window || c->rudp_set) &&
	    s->proto != TUB_PROTO_RUDP)
		usage_error("--unordered, --window, --cc, --rto-min and "
			    "--rto-max belong to --proto rudp");
	if (s->cc == TUB_RUDP_CC_PACED && s->rate_bps == 0)
		usage_error("--cc paced needs a rate (-b)");
	if (lo < TUB_RUDP_RTO_LOW_NS || hi > TUB_RUDP_RTO_HIGH_NS)
		usage_error("--rto-min at least 1ms, --rto-max at most 60s");
	if (lo > hi)
		usage_error("--rto-min %.3gs over --rto-max %.3gs", lo / 1e9,
			    hi / 1e9);
}

/* Transport udp, the lossy one: when a reply counts as lost. */
static const struct option udp_flags[] = {
	{"rr-timeout", required_argument, NULL, O_RRTO},
	{NULL, 0, NULL, 0},
};

static int take_udp(struct send_conf *c, int ch, const char *arg)
{
	if (ch != O_RRTO)
		return 0;
	c->have_rr_timeout = 1;
	c->spec.timeout_ns = arg_duration("timeout", arg);
	return 1;
}

/* Kind keepalive: what cuts the path. */
static const struct option kind_flags[] = {
	{"on-idle", required_argument, NULL, O_IDLE},
	{NULL, 0, NULL, 0},
};

static int take_kind(struct send_conf *c, int ch, const char *arg)
{
	if (ch != O_IDLE)
		return 0;
	c->on_idle = arg;
	return 1;
}

/* The kind's defaults where no flag gave them (its row of the table of
 * kinds), then the flags that belong to one kind. */
/* --spin: an end that never sleeps takes a CPU; two on one CPU (or on
 * tub-link's) measure the scheduler, not the path. Refused on one CPU with
 * both ends here; told to pin them apart otherwise. */
static void check_spin(const struct send_conf *c)
{
	int here = strncmp(c->host, "127.", 4) == 0 ||
		   strcmp(c->host, "::1") == 0 ||
		   strcmp(c->host, "localhost") == 0;
	cpu_set_t set;

	if (here && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		usage_error("--spin with both ends on this host needs two "
			    "CPUs; it has one");
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1)
		fprintf(stderr, "tub-send: --spin: this end runs on one CPU; "
			"the receiver must spin on another (and never on "
			"tub-link's)\n");
	else if (here)
		fprintf(stderr, "tub-send: --spin with both ends on this host: "
			"pin them to different CPUs (taskset), or the round "
			"trips measure the scheduler\n");
}

static void check_kind(struct send_conf *c)
{
	struct tub_spec *s = &c->spec;
	const struct kind_info *k = kind_info(s->kind);

	if (!c->have_len)
		s->msg_size = k->size[s->proto]; /* 0 where it does not run:
						    spec_check says so */
	if (s->count == 0)
		s->count = k->count; /* linger: a count even with -t */
	if (s->duration_ns == 0 && s->count == 0)
		s->duration_ns = 10 * TUB_NSEC_PER_SEC;
	if (c->on_idle && !kind_has(s->kind, KIND_NO_RESULT))
		usage_error("--on-idle belongs to --kind keepalive");
}

/* What prints and exits: the tables the scripts read, help, version. */
static const struct option info_flags[] = {
	{"list-options", no_argument, NULL, O_LIST},
	{"t-table", no_argument, NULL, O_TTABLE},
	{"list-kinds", no_argument, NULL, O_KINDS},
	{"version", no_argument, NULL, 'V'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int take_info(struct send_conf *c, int ch, const char *arg)
{
	(void)c;
	(void)arg;
	switch (ch) {
	case O_LIST:
		list_options();
		break;
	case O_TTABLE:
		list_t_table();
		break;
	case O_KINDS:
		kind_list(stdout);
		break;
	case 'V':
		printf("tub-send %s (protocol %d)\n", TUB_VERSION,
		       WIRE_VERSION);
		break;
	case 'h':
		usage();
		usage_more();
		usage_kinds();
		break;
	default:
		return 0;
	}
	exit(0);
}

static const struct flag_layer layers[] = {
	{peer_flags, take_peer},     {test_flags, take_test},
	{output_flags, take_output}, {rudp_flags, take_rudp},
	{udp_flags, take_udp},       {kind_flags, take_kind},
	{reserved_flags, take_reserved}, {info_flags, take_info},
};

#define N_LAYERS (sizeof layers / sizeof layers[0])
#define FLAGS_MAX 48 /* every layer's long options, and the end */

/* Every layer's long options in one table for getopt_long. */
static void join_flags(struct option *all, size_t cap)
{
	size_t n = 0;

	for (size_t l = 0; l < N_LAYERS; l++)
		for (const struct option *o = layers[l].opts; o->name; o++) {
			if (n + 1 >= cap)
				abort(); /* FLAGS_MAX is too small */
			all[n++] = *o;
		}
	all[n] = (struct option){0};
}

static void take_flag(struct send_conf *c, int ch, const char *arg,
		      const char *word)
{
	for (size_t l = 0; l < N_LAYERS; l++)
		if (layers[l].take(c, ch, arg))
			return;
	usage_error("unknown option or missing value: %s", word);
}

static void check_common(const struct send_conf *c, int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (c->host == NULL)
		usage_error("no receiver given (-c HOST)");
}

/* The same checks the receiver makes, with limits of our own. */
static void check_spec(struct tub_spec *s)
{
	struct tub_limits lim = {
		.max_duration_ns = UINT64_MAX,
		.max_count = UINT64_MAX,
		.max_rate_bps = UINT64_MAX,
		.max_msg_size = 64u << 20,
		.min_interval_ns = 10 * TUB_NSEC_PER_MSEC,
		.max_window_bytes = UINT64_MAX, /* our own memory */
		.max_flows = TUB_FLOWS_MAX,
	};
	char err[TUB_TEXT_MAX];

	s->session = 1;
	if (spec_check(s, &lim, err, sizeof err) < 0)
		usage_error("%s", err);
}

/* This end's options against the test: gso alone takes the message
 * size, gso=SIZE must be it (UDP). */
static void check_local_opts(struct send_conf *c)
{
	char err[TUB_TEXT_MAX];

	if (c->spec.proto == TUB_PROTO_UDP &&
	    sockopt_check_size(&c->local, c->spec.msg_size, err,
			       sizeof err) < 0)
		usage_error("--local-opt %s", err);
	sockopt_resolve(&c->local, c->spec.msg_size);
}

static void parse_args(int argc, char **argv, struct send_conf *c)
{
	struct option opts[FLAGS_MAX];
	int ch;

	c->port = TUB_DEFAULT_PORT;
	c->connect_timeout_ns = 5 * TUB_NSEC_PER_SEC;
	c->spec.timeout_ns = RR_TIMEOUT_DEFAULT_NS;
	join_flags(opts, FLAGS_MAX);
	opterr = 0; /* one line of our own instead */
	while ((ch = getopt_long(argc, argv, SHORT_FLAGS, opts, NULL)) != -1)
		take_flag(c, ch, optarg, argv[optind - 1]);
	check_common(c, argc, argv);
	if (c->spec.nmixed) /* the rudp and kind checks see the first flow */
		c->spec.proto = c->spec.mix[0].proto;
	check_rudp(c);
	check_kind(c);
	check_mix(c);
	check_spec(&c->spec);
	check_local_opts(c);
	if (c->spec.flags & TUB_SPEC_SPIN) /* a kind that takes it */
		check_spin(c);
}

static uint32_t random_session(void)
{
	uint32_t v = 0;

	while (v == 0)
		if (getrandom(&v, sizeof v, 0) != sizeof v)
			v = (uint32_t)(clock_now_ns() ^ (uint64_t)getpid());
	return v;
}

static void init_result(struct tub_result *r, const struct send_conf *c)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(r->timestamp, sizeof r->timestamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (c->run_id) {
		snprintf(r->run_id, sizeof r->run_id, "%s", c->run_id);
	} else {
		char stamp[20];
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(r->run_id, sizeof r->run_id, "%s-%d", stamp,
			 (int)getpid());
	}
	if (c->label)
		snprintf(r->label, sizeof r->label, "%s", c->label);
	if (gethostname(r->sender_host, sizeof r->sender_host) < 0)
		snprintf(r->sender_host, sizeof r->sender_host, "unknown");
	r->sender_host[sizeof r->sender_host - 1] = '\0';
	snprintf(r->target, sizeof r->target, "%s", c->host);
	r->spec = c->spec;
	r->spec.session = random_session();
	snprintf(r->local_opts, sizeof r->local_opts, "%s", c->local_text);
	r->local_req = c->local;
	sockopt_clamped_bufs(&c->local, r->local_clamped);
	sockopt_parse(r->spec.remote_opts, &r->remote_req, NULL, 0);
	sockopt_resolve(&r->remote_req, r->spec.msg_size);
	r->status = ST_OK;
}

static int write_outputs(const struct send_conf *c, const struct tub_result *r,
			 int rows, FILE *csv)
{
	struct csv_row *row = malloc(sizeof *row);
	int rc = 0;

	if (row == NULL)
		return -1;
	int fmt = c->format;
	if (fmt == FMT_AUTO)
		fmt = csv || c->quiet || !isatty(STDOUT_FILENO) ? FMT_CSV
								 : FMT_HUMAN;
	int to_stdout = fmt == FMT_CSV && (!csv || c->format == FMT_CSV);
	if (to_stdout)
		rc |= csv_write_header(stdout);
	for (int i = 0; i < rows; i++) {
		csv_fill(&r[i], row);
		if (csv)
			rc |= csv_write_row(csv, row);
		if (to_stdout)
			rc |= csv_write_row(stdout, row);
		if (fmt == FMT_JSON)
			rc |= csv_write_json(stdout, row);
	}
	if (c->interval_path) {
		FILE *f = fopen(c->interval_path, "a");
		for (int i = 0; f && i < rows; i++)
			if (report_intervals(f, &r[i]) < 0)
				rc = -1;
		if (f == NULL || (f && fclose(f) != 0))
			rc = -1;
	}
	FILE *say = fmt == FMT_HUMAN ? stdout : stderr;
	if (!c->quiet || fmt == FMT_HUMAN) {
		for (int i = 0; i < rows; i++) {
			/* a line a flow, and the whole of each direction;
			 * mixed transports have no sum: a summary a flow */
			if (r[i].flow >= 0 && spec_flows(&r[i].spec) > 1 &&
			    !spec_mixed_protos(&r[i].spec)) {
				report_flow(say, &r[i]);
				continue;
			}
			report_summary(say, &r[i]);
			if (c->kernel_check)
				report_kernel_check(say, &r[i]);
		}
	}
	free(row);
	return rc;
}

int main(int argc, char **argv)
{
	struct send_conf conf = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	char err[TUB_TEXT_MAX];
	FILE *csv = NULL;

	parse_args(argc, argv, &conf);
	if (conf.csv_path &&
	    (csv = csv_open_append(conf.csv_path, err, sizeof err)) == NULL)
		usage_error("%s", err);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned n = spec_sockets(&conf.spec);
	struct tub_result *r = calloc(n > 1 ? n + 2 : 1, sizeof *r); /* and a
									sum a
									direction */
	struct hist *rtt = malloc(sizeof *rtt);
	if (r == NULL || rtt == NULL) {
		fputs("tub-send: out of memory\n", stderr);
		return 1;
	}
	hist_init(rtt);
	init_result(r, &conf);
	struct send_session ss = {
		.host = conf.host,
		.port = conf.port,
		.connect_timeout_ns = conf.connect_timeout_ns,
		.have_rr_timeout = conf.have_rr_timeout,
		.local = &conf.local,
		.on_idle = conf.on_idle,
		.threads = conf.threads,
		.stop = &stop_flag,
	};
	int rows;
	int rc = session_send(&ss, r, rtt, &rows);
	if (write_outputs(&conf, r, rows, csv) < 0) {
		fprintf(stderr, "tub-send: cannot write the results: %s\n",
			strerror(errno));
		rc = -1;
	}
	if (csv && fclose(csv) != 0)
		rc = -1;
	free(rtt);
	free(r);
	return rc < 0 ? 1 : 0;
}
