/* tub-abuse: scripted hostile peers for tests/it_abuse.sh. One mode per run;
 * each prints what it saw as key=value lines on stdout and ends by its own
 * hard limit (--limit, alarm). Frames and packets come from the real
 * encoders (common/wire.c, common/rudp.c), so a new protocol version needs
 * no change here. Loopback (127.0.0.1) only.
 *
 *   client     HELLO + TEST as given, then READY or ERROR; optionally the
 *              TCP data connection (flow 0's, of --flows), a stray byte on
 *              the control connection, what the receiver says after READY
 *              (--watch), and the connection held open (--silent: send
 *              nothing, just read what the receiver says)
 *   hold       --conns N control connections that send nothing, a HELLO
 *              only, half a frame header, or a mix, held for --hold
 *   rudp       a whole reliable-UDP stream test, optionally after a
 *              wrong-session datagram from another socket (--junk-first)
 *   rudp-syn   one SYN to the data port, then silence: count the SYN-ACKs
 *   fake-recv  a receiver that lies (--behave): version (frames of another
 *              protocol version), udp-junk (junk datagrams every 150 ms),
 *              rcvbuf (grants 2^62), delay (delay_min > delay_p50),
 *              intervals (interval ends going backwards)
 *   stranger   a connection to --host (default 127.0.0.1) that shows a
 *              JOIN of a test it is not in: what the receiver answers
 *
 * Exit status: 0 ran (what it saw is on stdout), 1 could not run, 2 bad
 * usage, 3 the hard limit struck. */
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "rudp.h"
#include "sock.h"
#include "spec.h"
#include "units.h"
#include "wire.h"

#define MS TUB_NSEC_PER_MSEC
#define SEC TUB_NSEC_PER_SEC
#define CTL_WAIT (5 * SEC)     /* one control exchange */
#define JUNK_GAP (150 * MS)    /* fake-recv udp-junk */
#define MAX_CONNS 1000

struct conf {
	const char *mode;
	uint16_t port;
	struct tub_spec spec;
	uint32_t hello_version;
	uint64_t limit_ns;  /* the hard limit */
	uint64_t hold_ns;   /* keep everything open this long at the end */
	uint64_t stray_ns;  /* client: a stray byte this long after READY */
	uint64_t watch_ns;  /* how long to watch for an answer */
	int connect_data;   /* client: open the TCP data connection */
	int silent;         /* client: send nothing */
	int junk_first;     /* rudp */
	uint32_t conns;     /* hold */
	const char *send;   /* hold: none | hello | half | mix */
	const char *behave; /* fake-recv */
	const char *host;   /* stranger */
};

static uint8_t frame[WIRE_MAX_FRAME]; /* to send */
static uint8_t body[WIRE_MAX_FRAME];  /* received */
static struct tub_side side;          /* a DONE or RESULT */
static uint64_t t_start;

static _Noreturn void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void kv(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static _Noreturn void die(int code, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("tub-abuse: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void on_alarm(int sig)
{
	static const char m[] = "abuse_limit=1\n";

	(void)sig;
	(void)!write(STDOUT_FILENO, m, sizeof m - 1);
	_exit(3);
}

static double ms_since(uint64_t t0)
{
	return (double)(clock_now_ns() - t0) / 1e6;
}

/* ---- command line ---------------------------------------------------- */

enum arg_type { A_NUM, A_DUR, A_SIZE, A_RATE, A_STR, A_TEXT, A_FLAG,
		A_PROTO, A_KIND };

/* One option: its type, where it goes in struct conf, and its width in
 * bytes (integers: 1, 2, 4 or 8). */
struct arg {
	const char *name;
	enum arg_type type;
	size_t off, width;
};

#define AT(f) offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
static const struct arg args[] = {
	{"port", A_NUM, AT(port)}, /* first: -p too */
	{"proto", A_PROTO, AT(spec.proto)},
	{"kind", A_KIND, AT(spec.kind)},
	{"size", A_SIZE, AT(spec.msg_size)},
	{"duration", A_DUR, AT(spec.duration_ns)},
	{"count", A_NUM, AT(spec.count)},
	{"rate", A_RATE, AT(spec.rate_bps)},
	{"interval", A_DUR, AT(spec.interval_ns)},
	{"window", A_NUM, AT(spec.window)},
	{"flows", A_NUM, AT(spec.flows)},
	{"remote-opt", A_TEXT, AT(spec.remote_opts)},
	{"hello-version", A_NUM, AT(hello_version)},
	{"limit", A_DUR, AT(limit_ns)},
	{"hold", A_DUR, AT(hold_ns)},
	{"stray-after", A_DUR, AT(stray_ns)},
	{"watch", A_DUR, AT(watch_ns)},
	{"connect-data", A_FLAG, AT(connect_data)},
	{"silent", A_FLAG, AT(silent)},
	{"junk-first", A_FLAG, AT(junk_first)},
	{"conns", A_NUM, AT(conns)},
	{"send", A_STR, AT(send)},
	{"behave", A_STR, AT(behave)},
	{"host", A_STR, AT(host)},
};
#define NARGS (sizeof args / sizeof args[0])

/* The value of one option into its field. */
static void set_arg(struct conf *c, const struct arg *a, const char *v)
{
	uint8_t *f = (uint8_t *)c + a->off;
	uint64_t n = 0;
	int x = 0, bad;

	switch (a->type) {
	case A_FLAG:
		memcpy(f, &(int){1}, sizeof(int));
		return;
	case A_STR:
		memcpy(f, &v, sizeof v);
		return;
	case A_TEXT:
		snprintf((char *)f, a->width, "%s", v);
		return;
	case A_PROTO:
	case A_KIND:
		bad = (a->type == A_PROTO ? spec_proto_parse(v, &x)
					  : spec_kind_parse(v, &x)) < 0;
		n = (uint64_t)x;
		break;
	case A_DUR:
		bad = units_parse_duration(v, &n) < 0;
		break;
	case A_SIZE:
		bad = units_parse_size(v, &n) < 0;
		break;
	case A_RATE:
		bad = units_parse_rate(v, &n) < 0;
		break;
	default: {
		char *end;
		errno = 0;
		n = strtoull(v, &end, 10);
		bad = errno || end == v || *end || v[0] == '-';
	}
	}
	if (bad || (a->width < 8 && n >> (8 * a->width)))
		die(2, "bad --%s '%s'", a->name, v);
	if (a->width == 1)
		memcpy(f, &(uint8_t){(uint8_t)n}, 1);
	else if (a->width == 2)
		memcpy(f, &(uint16_t){(uint16_t)n}, 2);
	else if (a->width == 4)
		memcpy(f, &(uint32_t){(uint32_t)n}, 4);
	else
		memcpy(f, &n, 8);
}

static void parse_args(int argc, char **argv, struct conf *c)
{
	static struct option opts[NARGS + 1];
	int ch;

	if (argc < 2 || argv[1][0] == '-')
		die(2, "usage: tub-abuse MODE --port N [options] (see the "
		       "comment at the top of tests/abuse.c)");
	for (size_t i = 0; i < NARGS; i++)
		opts[i] = (struct option){args[i].name,
					  args[i].type == A_FLAG ? no_argument
								 : required_argument,
					  NULL, (int)i};
	c->mode = argv[1];
	c->hello_version = WIRE_VERSION;
	c->limit_ns = 20 * SEC;
	c->watch_ns = 2 * SEC;
	c->conns = 1;
	c->send = "none";
	c->behave = "";
	c->spec.msg_size = 1024;
	c->spec.timeout_ns = 200 * MS;
	optind = 2;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		if (ch == 'p')
			ch = 0; /* -p is --port */
		if (ch < 0 || (size_t)ch >= NARGS)
			die(2, "unknown option or missing value: %s",
			    argv[optind - 1]);
		set_arg(c, &args[ch], optarg);
	}
	if (optind < argc)
		die(2, "unexpected argument '%s'", argv[optind]);
	if (c->port == 0 && strcmp(c->mode, "fake-recv") != 0)
		die(2, "--port is needed");
	if (c->conns < 1 || c->conns > MAX_CONNS)
		die(2, "--conns is 1..%d", MAX_CONNS);
	while (c->spec.session == 0)
		if (getrandom(&c->spec.session, sizeof c->spec.session, 0) < 0)
			c->spec.session = (uint32_t)clock_now_ns();
}

/* ---- control connection ---------------------------------------------- */

static int dial(uint16_t port)
{
	char err[TUB_TEXT_MAX];
	int fd = sock_dial_tcp("127.0.0.1", port, 2000, err, sizeof err);

	if (fd < 0)
		die(1, "connect to port %u: %s", port, err);
	return fd;
}

static int send_frame(int fd, int n)
{
	if (n < 0)
		return -1;
	return sock_write_full(fd, frame, (size_t)n, clock_now_ns() + 2 * SEC);
}

/* One frame into body before deadline: its type, or -1 with why
 * ("timeout", "closed", or what is wrong with the header). */
static int read_frame(int fd, uint64_t deadline, uint32_t *len, char *why,
		      size_t wl)
{
	uint8_t hdr[WIRE_HDR_LEN];
	int type;

	if (sock_read_full(fd, hdr, sizeof hdr, deadline) < 0 ||
	    (wire_decode_header(hdr, &type, len, why, wl) == 0 &&
	     sock_read_full(fd, body, *len, deadline) < 0)) {
		snprintf(why, wl, "%s", errno == ETIMEDOUT ? "timeout"
							   : "closed");
		return -1;
	}
	return wire_decode_header(hdr, &type, len, why, wl) < 0 ? -1 : type;
}

static int send_hello_test(int fd, const struct conf *c)
{
	struct wire_hello h = {.version = c->hello_version};

	snprintf(h.host, sizeof h.host, "tub-abuse");
	snprintf(h.tool_version, sizeof h.tool_version, "%s", TUB_VERSION);
	if (send_frame(fd, wire_encode_hello(frame, sizeof frame, &h)) < 0)
		return -1;
	return send_frame(fd, wire_encode_test(frame, sizeof frame, &c->spec));
}

/* The answer to HELLO + TEST: reply=READY (1) or ERROR or none (0). */
static int await_ready(int fd, struct wire_ready *ready)
{
	char why[TUB_TEXT_MAX];
	struct wire_error e;
	uint64_t t0 = clock_now_ns();
	uint32_t len;
	int type = read_frame(fd, t0 + CTL_WAIT, &len, why, sizeof why);

	kv("reply_ms", "%.1f", ms_since(t0));
	if (type == WIRE_READY &&
	    wire_decode_ready(body, len, ready, why, sizeof why) == 0) {
		kv("reply", "READY");
		kv("data_port", "%u", ready->data_port);
		return 1;
	}
	if (type == WIRE_ERROR &&
	    wire_decode_error(body, len, &e, why, sizeof why) == 0) {
		kv("reply", "ERROR");
		kv("reason", "%s", e.reason);
		return 0;
	}
	kv("reply", "%s", type < 0 ? "none" : "other");
	kv("why", "%s", type < 0 ? why : "unexpected message");
	return 0;
}

/* What comes on the control connection until it closes or until: an
 * ERROR (its reason, when) and the close (when), from t0. */
static void watch_ctl(int fd, uint64_t t0, uint64_t until)
{
	double err_ms = -1, eof_ms = -1;
	char why[TUB_TEXT_MAX];
	struct wire_error e;
	uint32_t len;

	for (;;) {
		int type = read_frame(fd, until, &len, why, sizeof why);
		if (type == WIRE_ERROR && err_ms < 0 &&
		    wire_decode_error(body, len, &e, why, sizeof why) == 0) {
			err_ms = ms_since(t0);
			kv("watch_reason", "%s", e.reason);
		} else if (type < 0) {
			if (strcmp(why, "closed") == 0)
				eof_ms = ms_since(t0);
			else if (strcmp(why, "timeout") != 0)
				kv("watch_bad_frame", "%s", why);
			break;
		}
	}
	kv("watch_reply", "%s", err_ms >= 0 ? "ERROR" : "none");
	kv("error_after_ms", "%.1f", err_ms);
	kv("eof_after_ms", "%.1f", eof_ms);
}

/* The JOIN that opens every data connection and flow, as tub-send
 * sends it; its length. */
static int join_frame(const struct wire_ready *r, uint32_t session,
		      uint8_t *buf)
{
	struct wire_join j = {.session = session, .secret = r->secret};

	return wire_encode_join(buf, WIRE_JOIN_LEN, &j);
}

/* A TCP data connection, its JOIN sent. */
static int dial_data(const struct wire_ready *r, uint32_t session)
{
	char err[TUB_TEXT_MAX];
	uint8_t f[WIRE_JOIN_LEN];
	int fd = sock_dial_tcp("127.0.0.1", r->data_port, 2000, err,
			       sizeof err);
	int n = join_frame(r, session, f);

	if (fd >= 0 && send(fd, f, (size_t)n, MSG_NOSIGNAL) != n) {
		close(fd);
		return -1;
	}
	return fd;
}

static int mode_client(const struct conf *c)
{
	struct wire_ready ready;
	int fd = dial(c->port), data = -1;
	uint64_t t0 = clock_now_ns();

	if (c->silent) {
		watch_ctl(fd, t0, t0 + c->watch_ns);
	} else if (send_hello_test(fd, c) < 0) {
		kv("reply", "none");
		kv("why", "send: %s", strerror(errno));
	} else if (await_ready(fd, &ready)) {
		uint64_t t1 = clock_now_ns();
		if (c->connect_data) {
			data = dial_data(&ready, c->spec.session);
			kv("data_connected", "%d", data >= 0);
		}
		if (c->watch_ns && !c->stray_ns) /* what the receiver does */
			watch_ctl(fd, t1, t1 + c->watch_ns);
		if (c->stray_ns) {
			clock_sleep_until(t1 + c->stray_ns);
			uint64_t ts = clock_now_ns();
			kv("stray_sent", "%d", send(fd, "x", 1, MSG_NOSIGNAL) == 1);
			watch_ctl(fd, ts, ts + c->watch_ns);
		}
	}
	clock_sleep_until(clock_now_ns() + c->hold_ns);
	if (data >= 0)
		close(data);
	close(fd);
	return 0;
}

/* ---- many silent control connections ---------------------------------- */

/* What connection i says first: nothing, a HELLO, or half a header. */
static int hold_payload(const char *what, unsigned i, uint8_t *buf, size_t cap)
{
	static const char *const mix[3] = {"none", "hello", "half"};
	struct wire_hello h = {.version = WIRE_VERSION};

	if (strcmp(what, "mix") == 0)
		what = mix[i % 3];
	snprintf(h.host, sizeof h.host, "tub-abuse");
	int n = wire_encode_hello(buf, cap, &h);
	if (strcmp(what, "none") == 0)
		return 0;
	if (strcmp(what, "hello") == 0)
		return n;
	if (strcmp(what, "half") == 0)
		return WIRE_HDR_LEN / 2;
	die(2, "--send is none, hello, half or mix");
}

/* Wait (up to 2 s) for the non-blocking connects; 1 where connected. */
static unsigned await_connects(struct pollfd *p, int *up, unsigned n)
{
	uint64_t until = clock_now_ns() + 2 * SEC;
	unsigned done = 0, ok = 0;

	for (unsigned i = 0; i < n; i++)
		p[i].events = POLLOUT;
	while (done < n && clock_now_ns() < until) {
		if (poll(p, n, 100) <= 0)
			continue;
		for (unsigned i = 0; i < n; i++) {
			int e = 0;
			socklen_t l = sizeof e;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			getsockopt(p[i].fd, SOL_SOCKET, SO_ERROR, &e, &l);
			up[i] = e == 0;
			ok += e == 0;
			done++;
			p[i].events = 0;
			p[i].fd = -p[i].fd - 1; /* poll skips it now */
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (p[i].fd < 0)
			p[i].fd = -p[i].fd - 1;
	return ok;
}

static int mode_hold(const struct conf *c)
{
	struct pollfd *p = calloc(c->conns, sizeof *p);
	int *up = calloc(c->conns, sizeof *up);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(c->port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	uint8_t buf[256];
	unsigned answered = 0, closed = 0;

	if (p == NULL || up == NULL)
		die(1, "out of memory");
	for (unsigned i = 0; i < c->conns; i++) {
		p[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				 0);
		if (p[i].fd < 0)
			die(1, "socket: %s", strerror(errno));
		if (connect(p[i].fd, (struct sockaddr *)&a, sizeof a) < 0 &&
		    errno != EINPROGRESS)
			die(1, "connect: %s", strerror(errno));
	}
	kv("connected", "%u", await_connects(p, up, c->conns));
	for (unsigned i = 0; i < c->conns; i++) {
		int n = hold_payload(c->send, i, buf, sizeof buf);
		if (up[i] && n > 0)
			send(p[i].fd, buf, (size_t)n, MSG_NOSIGNAL);
	}
	kv("holding", "1");
	clock_sleep_until(clock_now_ns() + c->hold_ns);
	for (unsigned i = 0; i < c->conns; i++) {
		ssize_t r = recv(p[i].fd, buf, sizeof buf, MSG_DONTWAIT);
		answered += r > 0;
		closed += r == 0 || (r < 0 && errno != EAGAIN);
		close(p[i].fd);
	}
	kv("answered", "%u", answered);
	kv("closed_by_peer", "%u", closed);
	free(p);
	free(up);
	return 0;
}

/* ---- reliable UDP ------------------------------------------------------ */

/* An initiator configured as the real programs configure theirs. */
static struct rudp *rudp_client(const struct tub_spec *s, uint32_t session)
{
	struct rudp_conf rc = {
		.mtu_payload = 1472,
		.window = s->window ? s->window : 256,
		.ordered = 1,
		.rto_init_ns = 200 * MS,
		.rto_min_ns = 5 * MS,
		.rto_max_ns = 2 * SEC,
		.dead_ns = 30 * SEC,
		.max_msg = s->msg_size > 1472 ? s->msg_size : 1472,
		.ack_delay_ns = MS,
	};
	struct rudp *r = rudp_new(&rc, session, 1, clock_now_ns());

	if (r == NULL)
		die(1, "rudp_new: %s", strerror(errno));
	return r;
}

static int udp_to(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
		die(1, "udp socket: %s", strerror(errno));
	return fd;
}

/* Send the flow's JOIN on u until the receiver echoes it (2 s at most);
 * 0, or -1. */
static int join_flow(int u, const struct wire_ready *r, uint32_t session)
{
	uint8_t f[WIRE_JOIN_LEN], in[WIRE_JOIN_LEN + 1];
	int n = join_frame(r, session, f);
	uint64_t until = clock_now_ns() + 2 * SEC;

	while (clock_now_ns() < until) {
		send(u, f, (size_t)n, 0);
		struct pollfd p = {.fd = u, .events = POLLIN};
		if (poll(&p, 1, 200) > 0 &&
		    recv(u, in, sizeof in, MSG_DONTWAIT) == n &&
		    memcmp(in, f, (size_t)n) == 0)
			return 0;
	}
	return -1;
}

/* One turn: send what is due, wait for input or the next timer (10 ms at
 * most), hand in what came. */
static void pump(int fd, struct rudp *r)
{
	static uint8_t pkt[RUDP_MAX_MTU];
	uint64_t now = clock_now_ns(), t;
	ssize_t n;

	while ((n = rudp_output(r, pkt, sizeof pkt, now)) > 0)
		send(fd, pkt, (size_t)n, 0);
	t = rudp_next_timer(r);
	int wait_ms = t <= now ? 0 : t - now >= 10 * MS ? 10
							 : (int)((t - now) / MS);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	poll(&p, 1, wait_ms);
	while ((n = recv(fd, pkt, sizeof pkt, MSG_DONTWAIT)) > 0)
		rudp_input(r, pkt, (size_t)n, clock_now_ns());
}

/* Pump until r is in state want; 0, or -1 at the deadline. */
static int pump_until(int fd, struct rudp *r, enum rudp_state want,
		      uint64_t deadline)
{
	while (rudp_state(r) != want) {
		if (clock_now_ns() >= deadline || rudp_state(r) == RUDP_DEAD)
			return -1;
		pump(fd, r);
	}
	return 0;
}

/* Queue and deliver count messages, as tub-send stamps them. */
static int rudp_send_all(int fd, struct rudp *r, const struct tub_spec *s,
			 struct tub_tx *tx, uint64_t deadline)
{
	uint8_t *msg = malloc(s->msg_size);
	uint64_t t0 = clock_now_ns();

	if (msg == NULL)
		die(1, "out of memory");
	for (size_t i = 0; i < s->msg_size; i++)
		msg[i] = (uint8_t)('a' + i % 26);
	while (tx->msgs < s->count && clock_now_ns() < deadline) {
		uint64_t be[2] = {htobe64(tx->msgs), htobe64(clock_now_ns())};
		memcpy(msg, be, sizeof be);
		if (rudp_send(r, msg, s->msg_size, clock_now_ns()) == 0) {
			tx->msgs++;
			tx->calls++;
			tx->bytes += s->msg_size;
			continue;
		}
		if (errno != EAGAIN)
			break;
		pump(fd, r);
	}
	tx->elapsed_ns = clock_now_ns() - t0;
	free(msg);
	rudp_close(r, clock_now_ns());
	return pump_until(fd, r, RUDP_CLOSED, deadline);
}

/* A wrong-session SYN from a socket of its own, before anything else. */
static int send_junk(uint16_t port, uint32_t session)
{
	static uint8_t pkt[RUDP_MAX_MTU];
	struct tub_spec s = {.msg_size = 1024};
	int fd = udp_to(port);
	struct rudp *r = rudp_client(&s, session ^ 0x5a5a5a5au);
	ssize_t n = rudp_output(r, pkt, sizeof pkt, clock_now_ns());

	kv("junk_sent", "%d", n > 0 && send(fd, pkt, (size_t)n, 0) == n);
	rudp_free(r);
	clock_sleep_until(clock_now_ns() + 50 * MS); /* it arrives first */
	return fd;
}

static void read_result(int fd)
{
	char why[TUB_TEXT_MAX];
	struct wire_error e;
	uint32_t len;
	int type = read_frame(fd, clock_now_ns() + CTL_WAIT, &len, why,
			      sizeof why);

	if (type == WIRE_RESULT &&
	    wire_decode_result(body, len, &side, why, sizeof why) == 0) {
		kv("status", "ok");
		kv("rx_msgs", "%llu", (unsigned long long)side.rx.msgs);
		kv("rx_foreign", "%llu", (unsigned long long)side.rx.foreign);
		kv("rx_wrong_session", "%llu",
		   (unsigned long long)side.rx.wrong_session);
	} else if (type == WIRE_ERROR &&
		   wire_decode_error(body, len, &e, why, sizeof why) == 0) {
		kv("status", "refused");
		kv("why", "%s", e.reason);
	} else {
		kv("status", "fail");
		kv("why", "RESULT: %s", type < 0 ? why : "unexpected message");
	}
}

static int mode_rudp(const struct conf *c)
{
	struct wire_ready ready;
	int fd = dial(c->port), junk = -1;

	if (send_hello_test(fd, c) < 0 || !await_ready(fd, &ready))
		return 0;
	if (c->junk_first)
		junk = send_junk(ready.data_port, c->spec.session);
	int u = udp_to(ready.data_port);
	struct rudp *r = rudp_client(&c->spec, c->spec.session);
	uint64_t t0 = clock_now_ns();
	memset(&side, 0, sizeof side);
	if (join_flow(u, &ready, c->spec.session) < 0) {
		kv("status", "fail");
		kv("why", "no answer to the JOIN within 2 s");
	} else if (pump_until(u, r, RUDP_OPEN, t0 + 3 * SEC) < 0) {
		kv("status", "fail");
		kv("why", "no handshake within 3 s (%s)",
		   rudp_state_name(rudp_state(r)));
	} else if (rudp_send_all(u, r, &c->spec, &side.tx, t0 + 8 * SEC) < 0) {
		kv("status", "fail");
		kv("why", "data not through within 8 s (%s)",
		   rudp_state_name(rudp_state(r)));
	} else {
		kv("tx_msgs", "%llu", (unsigned long long)side.tx.msgs);
		if (send_frame(fd, wire_encode_done(frame, sizeof frame,
						    &side)) == 0)
			read_result(fd);
		else
			kv("status", "fail");
	}
	rudp_free(r);
	close(u);
	if (junk >= 0)
		close(junk);
	close(fd);
	return 0;
}

/* One datagram: a SYN-ACK of session? (layout in common/rudp.h) */
static int is_synack(const uint8_t *p, ssize_t n, uint32_t session)
{
	uint32_t s;

	if (n < RUDP_HDR_LEN || p[0] != RUDP_MAGIC >> 8 ||
	    p[1] != (RUDP_MAGIC & 0xff) || p[3] != RUDP_PKT_SYNACK)
		return 0;
	memcpy(&s, p + 4, sizeof s);
	return be32toh(s) == session;
}

static int mode_rudp_syn(const struct conf *c)
{
	static uint8_t pkt[RUDP_MAX_MTU];
	struct wire_ready ready;
	int fd = dial(c->port);

	if (send_hello_test(fd, c) < 0 || !await_ready(fd, &ready))
		return 0;
	int u = udp_to(ready.data_port);
	if (join_flow(u, &ready, c->spec.session) < 0)
		kv("joined", "0");
	struct rudp *r = rudp_client(&c->spec, c->spec.session);
	ssize_t n = rudp_output(r, pkt, sizeof pkt, clock_now_ns());
	uint64_t t0 = clock_now_ns(), until = t0 + c->watch_ns;
	double first = -1, last = -1, ctl_eof = -1;
	unsigned synacks = 0, other = 0;

	kv("syn_sent", "%d", n > 0 && send(u, pkt, (size_t)n, 0) == n);
	rudp_free(r); /* and never a word more */
	struct pollfd p[2] = {{.fd = u, .events = POLLIN},
			      {.fd = fd, .events = POLLIN}};
	while (clock_now_ns() < until) {
		if (poll(p, 2, 20) <= 0)
			continue;
		while ((n = recv(u, pkt, sizeof pkt, MSG_DONTWAIT)) >= 0) {
			if (!is_synack(pkt, n, c->spec.session)) {
				other++;
				continue;
			}
			last = ms_since(t0);
			if (synacks++ == 0)
				first = last;
		}
		if (p[1].revents &&
		    recv(fd, pkt, sizeof pkt, MSG_DONTWAIT) <= 0) {
			ctl_eof = ms_since(t0);
			p[1].fd = -1;
		}
	}
	kv("synacks", "%u", synacks);
	kv("first_synack_ms", "%.1f", first);
	kv("last_synack_ms", "%.1f", last);
	kv("other_pkts", "%u", other);
	kv("ctl_closed_ms", "%.1f", ctl_eof);
	close(u);
	close(fd);
	return 0;
}

/* ---- a lying receiver ------------------------------------------------- */

struct fake {
	const char *behave;
	int ctl, udp, lis, data;
	struct sockaddr_storage peer; /* the last UDP sender */
	socklen_t peer_len;
	uint64_t next_junk;
	uint64_t datagrams, junk_sent;
	int done;
};

static int behaves(const struct fake *f, const char *what)
{
	return strcmp(f->behave, what) == 0;
}

/* RESULT from the sender's DONE: the same counts, and one lie. */
static void fake_result(const struct fake *f, const struct tub_tx *tx,
			struct tub_side *res)
{
	struct tub_rx *rx = &res->rx;

	memset(res, 0, sizeof *res);
	rx->bytes = tx->bytes;
	rx->msgs = tx->msgs;
	rx->received = tx->msgs;
	rx->calls = tx->calls;
	rx->elapsed_ns = tx->elapsed_ns;
	rx->end_how = TUB_END_FIN;
	if (behaves(f, "delay")) {
		rx->delay_min_ns = 2 * MS;
		rx->delay_p50_ns = 1 * MS;
		rx->delay_p99_ns = 3 * MS;
		rx->delay_max_ns = 4 * MS;
	}
	if (behaves(f, "intervals")) {
		static const uint64_t ends[3] = {300 * MS, 200 * MS, 400 * MS};
		for (int i = 0; i < 3; i++)
			spec_interval_push(&rx->iv, ends[i], tx->bytes / 3,
					   tx->msgs / 3);
	}
}

/* 0 to go on, 1 when the control connection is through. */
static int fake_ctl(struct fake *f)
{
	char why[TUB_TEXT_MAX];
	uint32_t len;
	int type = read_frame(f->ctl, clock_now_ns() + CTL_WAIT, &len, why,
			      sizeof why);

	if (type != WIRE_DONE)
		return 1;
	if (wire_decode_done(body, len, &side, why, sizeof why) < 0) {
		kv("bad_done", "%s", why);
		return 1;
	}
	static struct tub_side res;
	fake_result(f, &side.tx, &res);
	f->done = 1;
	send_frame(f->ctl, wire_encode_result(frame, sizeof frame, &res));
	return 0;
}

static void fake_udp(struct fake *f)
{
	static uint8_t buf[65536];

	for (;;) {
		f->peer_len = sizeof f->peer;
		ssize_t n = recvfrom(f->udp, buf, sizeof buf, MSG_DONTWAIT,
				     (struct sockaddr *)&f->peer, &f->peer_len);
		if (n < 0)
			return;
		struct wire_join j;
		if (wire_parse_join(buf, (size_t)n, &j) == 0) {
			sendto(f->udp, buf, (size_t)n, 0,
			       (struct sockaddr *)&f->peer, f->peer_len);
			continue; /* a flow's JOIN: answered as asked */
		}
		if (f->datagrams++ == 0)
			f->next_junk = clock_now_ns();
	}
}

static void fake_junk(struct fake *f)
{
	uint8_t junk[64];

	if (!behaves(f, "udp-junk") || f->datagrams == 0 ||
	    clock_now_ns() < f->next_junk)
		return;
	memset(junk, 0xa5, sizeof junk);
	if (sendto(f->udp, junk, sizeof junk, 0, (struct sockaddr *)&f->peer,
		   f->peer_len) == (ssize_t)sizeof junk)
		f->junk_sent++;
	f->next_junk += JUNK_GAP;
}

static void fake_tcp(struct fake *f, int readable_lis, int readable_data)
{
	static uint8_t buf[65536];

	if (readable_lis && f->data < 0) {
		f->data = sock_accept(f->lis, clock_now_ns() + SEC, NULL);
		return;
	}
	if (readable_data && recv(f->data, buf, sizeof buf, MSG_DONTWAIT) == 0) {
		close(f->data);
		f->data = -2; /* closed: do not accept another */
	}
}

/* The data phase as the lying receiver plays it, until the sender goes. */
static void fake_serve(struct fake *f, uint64_t until)
{
	while (clock_now_ns() < until) {
		struct pollfd p[3] = {
			{.fd = f->ctl, .events = POLLIN},
			{.fd = f->udp >= 0 ? f->udp : f->data, .events = POLLIN},
			{.fd = f->data == -1 ? f->lis : -1, .events = POLLIN},
		};
		if (poll(p, 3, 10) < 0 && errno != EINTR)
			break;
		if (f->udp >= 0 && p[1].revents)
			fake_udp(f);
		if (f->udp < 0 && (p[1].revents || p[2].revents))
			fake_tcp(f, p[2].revents != 0, p[1].revents != 0);
		fake_junk(f);
		if (p[0].revents && fake_ctl(f))
			break;
	}
}

static void fake_ready(struct fake *f, uint16_t data_port)
{
	struct wire_ready r = {.data_port = data_port, .secret = 1};

	snprintf(r.host, sizeof r.host, "tub-abuse");
	snprintf(r.tool_version, sizeof r.tool_version, "%s", TUB_VERSION);
	r.granted.mask = 1u << SOCKOPT_SNDBUF | 1u << SOCKOPT_RCVBUF;
	r.granted.value[SOCKOPT_SNDBUF] = 212992;
	r.granted.value[SOCKOPT_RCVBUF] = behaves(f, "rcvbuf") ? 1ll << 62
							       : 212992;
	int n = wire_encode_ready(frame, sizeof frame, &r);
	if (behaves(f, "version") && n > 2) {
		frame[2] = (uint8_t)(WIRE_VERSION == 255 ? 254 : WIRE_VERSION + 1);
		kv("sent_version", "%u", frame[2]);
	}
	send_frame(f->ctl, n);
}

/* A data socket of the kind the behaviour needs; its port. */
static uint16_t fake_data_socket(struct fake *f)
{
	char err[TUB_TEXT_MAX];
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sock_addr got;

	if (behaves(f, "delay") || behaves(f, "intervals")) {
		f->lis = sock_listen_tcp("127.0.0.1", 0, err, sizeof err);
		if (f->lis < 0)
			die(1, "data listener: %s", err);
		sock_local(f->lis, &got);
		return sock_port(&got);
	}
	f->udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (f->udp < 0 || bind(f->udp, (struct sockaddr *)&a, sizeof a) < 0)
		die(1, "udp socket: %s", strerror(errno));
	sock_local(f->udp, &got);
	return sock_port(&got);
}

static int mode_fake(const struct conf *c)
{
	static const char *const known[] = {"version", "udp-junk", "rcvbuf",
					    "delay", "intervals"};
	struct fake f = {.behave = c->behave, .udp = -1, .lis = -1,
			 .data = -1};
	char err[TUB_TEXT_MAX], why[TUB_TEXT_MAX];
	struct sock_addr la;
	uint32_t len;
	int ok = 0;

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		ok |= behaves(&f, known[i]);
	if (!ok)
		die(2, "--behave is version, udp-junk, rcvbuf, delay or "
		       "intervals");
	int lfd = sock_listen_tcp("127.0.0.1", c->port, err, sizeof err);
	if (lfd < 0)
		die(1, "listen: %s", err);
	sock_local(lfd, &la);
	kv("port", "%u", sock_port(&la));
	f.ctl = sock_accept(lfd, t_start + c->limit_ns, NULL);
	if (f.ctl < 0)
		die(1, "nobody came");
	if (read_frame(f.ctl, clock_now_ns() + CTL_WAIT, &len, why,
		       sizeof why) != WIRE_HELLO ||
	    read_frame(f.ctl, clock_now_ns() + CTL_WAIT, &len, why,
		       sizeof why) != WIRE_TEST)
		die(1, "no HELLO and TEST");
	fake_ready(&f, behaves(&f, "version") ? 9 : fake_data_socket(&f));
	fake_serve(&f, t_start + c->limit_ns - 200 * MS);
	kv("datagrams", "%llu", (unsigned long long)f.datagrams);
	kv("junk_sent", "%llu", (unsigned long long)f.junk_sent);
	kv("done", "%d", f.done);
	close(f.ctl);
	close(lfd);
	return 0;
}

/* A JOIN with a made-up session and secret, during someone's test. */
static int mode_stranger(const struct conf *c)
{
	struct wire_ready r = {.data_port = c->port, .secret = 1};
	char err[TUB_TEXT_MAX], why[TUB_TEXT_MAX];
	uint8_t f[WIRE_JOIN_LEN];
	uint32_t len;
	struct wire_error e;
	int n = join_frame(&r, 1, f);
	int fd = sock_dial_tcp(c->host ? c->host : "127.0.0.1", c->port, 2000,
			       err, sizeof err);

	if (fd < 0)
		die(1, "connect: %s", err);
	kv("join_sent", "%d", send(fd, f, (size_t)n, MSG_NOSIGNAL) == n);
	int type = read_frame(fd, clock_now_ns() + 2 * SEC, &len, why,
			      sizeof why);
	if (type == WIRE_ERROR &&
	    wire_decode_error(body, len, &e, why, sizeof why) == 0)
		kv("refused", "%s", e.reason);
	else
		kv("refused", "none (%s)", type < 0 ? why : "another message");
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct conf c = {0};
	struct sigaction sa = {.sa_handler = on_alarm};

	t_start = clock_now_ns();
	parse_args(argc, argv, &c);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm((unsigned)((c.limit_ns + SEC - 1) / SEC));
	kv("wire_version", "%d", WIRE_VERSION);
	if (strcmp(c.mode, "client") == 0)
		return mode_client(&c);
	if (strcmp(c.mode, "hold") == 0)
		return mode_hold(&c);
	if (strcmp(c.mode, "rudp") == 0)
		return mode_rudp(&c);
	if (strcmp(c.mode, "rudp-syn") == 0)
		return mode_rudp_syn(&c);
	if (strcmp(c.mode, "fake-recv") == 0)
		return mode_fake(&c);
	if (strcmp(c.mode, "stranger") == 0)
		return mode_stranger(&c);
	die(2, "unknown mode '%s' (client, hold, rudp, rudp-syn, fake-recv, "
	    "stranger)",
	    c.mode);
}
