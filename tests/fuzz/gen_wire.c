/* Seeds of the control-message targets (frame, hello, test, ready, done,
 * result, error): typical messages from the encoders, then hostile ones
 * (see gen_seeds.c). */
#include "gen_seeds.h"

#include <stdio.h>
#include <string.h>

#include "wire.h"

static uint8_t frame[WIRE_MAX_FRAME];
static uint8_t work[WIRE_MAX_FRAME + 1];
static struct tub_side side; /* 50 KB */

/* A typical message just encoded into frame[n]: whole to "frame", its body
 * to target. */
static void save_ok(struct gen *g, const char *target, const char *name,
		    int n)
{
	char full[128];

	if (n < WIRE_HDR_LEN) {
		gen_fail(g, "the encoder refused %s", name);
		return;
	}
	snprintf(full, sizeof full, "ok-%s", name);
	gen_save(g, "frame", full, frame, (size_t)n);
	gen_save(g, target, full, frame + WIRE_HDR_LEN,
		 (size_t)n - WIRE_HDR_LEN);
}

/* A hostile frame in work[n]: its header's body length set to match, to
 * "frame"; the body to target. */
static void save_bad(struct gen *g, const char *target, const char *name,
		     size_t n)
{
	char full[128];

	snprintf(full, sizeof full, "bad-%s", name);
	gen_put_be(work + 4, n - WIRE_HDR_LEN, 4);
	gen_save(g, "frame", full, work, n);
	gen_save(g, target, full, work + WIRE_HDR_LEN, n - WIRE_HDR_LEN);
}

/* The frame[n] just encoded as a hostile message. */
static void save_bad_encoded(struct gen *g, const char *target,
			     const char *name, int n)
{
	if (n < WIRE_HDR_LEN) {
		gen_fail(g, "the encoder refused %s", name);
		return;
	}
	memcpy(work, frame, (size_t)n);
	save_bad(g, target, name, (size_t)n);
}

/* Cut short by one byte and by half, and one trailing byte. */
static void save_cuts(struct gen *g, const char *target, const char *name,
		      int n)
{
	size_t body = (size_t)n - WIRE_HDR_LEN;
	char full[128];

	if (n < WIRE_HDR_LEN + 1)
		return;
	memcpy(work, frame, (size_t)n);
	snprintf(full, sizeof full, "%s-cut1", name);
	save_bad(g, target, full, (size_t)n - 1);
	snprintf(full, sizeof full, "%s-cuthalf", name);
	save_bad(g, target, full, WIRE_HDR_LEN + body / 2);
	work[n] = 0;
	snprintf(full, sizeof full, "%s-trailing", name);
	save_bad(g, target, full, (size_t)n + 1);
}

/* frame[n] with the string marker in it patched: the byte at index at of
 * the marker set to c, or (at < 0) the u16 length before it set to len. */
static void save_patched(struct gen *g, const char *target, const char *name,
			 int n, const char *marker, int at, int c,
			 unsigned len)
{
	long pos = n > 0 ? gen_find(frame, (size_t)n, marker, strlen(marker))
			 : -1;

	if (pos < 2) {
		gen_fail(g, "%s: no marker %s", name, marker);
		return;
	}
	memcpy(work, frame, (size_t)n);
	if (at >= 0)
		work[pos + at] = (uint8_t)c;
	else
		gen_put_be(work + pos - 2, len, 2);
	save_bad(g, target, name, (size_t)n);
}

static void gen_hello(struct gen *g)
{
	struct wire_hello h;
	int n;

	memset(&h, 0, sizeof h);
	h.version = WIRE_VERSION;
	snprintf(h.host, sizeof h.host, "sender-1.example.net");
	snprintf(h.tool_version, sizeof h.tool_version, "%s", TUB_VERSION);
	n = wire_encode_hello(frame, sizeof frame, &h);
	save_ok(g, "hello", "hello", n);
	save_cuts(g, "hello", "hello", n);
	h.version = UINT32_MAX;
	memset(h.host, 'h', sizeof h.host - 1);
	memset(h.tool_version, 'v', sizeof h.tool_version - 1);
	save_ok(g, "hello", "hello-longest",
		wire_encode_hello(frame, sizeof frame, &h));
	memset(&h, 0, sizeof h);
	save_ok(g, "hello", "hello-empty",
		wire_encode_hello(frame, sizeof frame, &h));

	snprintf(h.host, sizeof h.host, "host-with-nul");
	n = wire_encode_hello(frame, sizeof frame, &h);
	save_patched(g, "hello", "hello-nul", n, "host-with-nul", 4, 0, 0);
	save_patched(g, "hello", "hello-strlen", n, "host-with-nul", -1, 0,
		     0xffff);
	save_patched(g, "hello", "hello-strlen-size", n, "host-with-nul", -1,
		     0, TUB_HOST_MAX);
	snprintf(h.host, sizeof h.host, "tab\there");
	save_bad_encoded(g, "hello", "hello-tab",
			 wire_encode_hello(frame, sizeof frame, &h));
	snprintf(h.host, sizeof h.host, "del\x7f\xff");
	save_bad_encoded(g, "hello", "hello-unprintable",
			 wire_encode_hello(frame, sizeof frame, &h));
}

static void spec_of(struct tub_spec *s, int proto, int kind, uint32_t size,
		    const char *opts)
{
	memset(s, 0, sizeof *s);
	s->session = 0x5eed0042u;
	s->proto = (uint8_t)proto;
	s->kind = (uint8_t)kind;
	s->dir = TUB_DIR_FORWARD;
	s->msg_size = size;
	s->duration_ns = 10 * 1000000000ull;
	s->timeout_ns = 200 * 1000000ull;
	snprintf(s->remote_opts, sizeof s->remote_opts, "%s", opts);
}

static void save_test(struct gen *g, const char *name, const struct tub_spec *s)
{
	save_ok(g, "test", name, wire_encode_test(frame, sizeof frame, s));
}

static void save_test_bad(struct gen *g, const char *name,
			  const struct tub_spec *s)
{
	save_bad_encoded(g, "test", name,
			 wire_encode_test(frame, sizeof frame, s));
}

static void gen_test(struct gen *g)
{
	struct tub_spec s;
	int n;

	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_STREAM, 131072,
		"sndbuf=4M,rcvbuf=4M,nodelay");
	s.interval_ns = 1000000000ull;
	save_test(g, "test-tcp-stream", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_RR, 64, "nodelay,quickack");
	s.duration_ns = 0;
	s.count = 10000;
	save_test(g, "test-tcp-rr", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_CONNECT, 100, "linger=off");
	save_test(g, "test-tcp-connect", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_FILL, 65536, "rcvbuf=64K");
	save_test(g, "test-tcp-fill", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_KEEPALIVE, 1,
		"keepalive,keepidle=1,keepintvl=1,keepcnt=2");
	save_test(g, "test-tcp-keepalive", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_LINGER, 1000000, "linger=0");
	save_test(g, "test-tcp-linger", &s);
	spec_of(&s, TUB_PROTO_UDP, TUB_KIND_STREAM, 1400, "rcvbuf=8M,tos=184");
	s.rate_bps = 100000000;
	s.interval_ns = 100000000;
	save_test(g, "test-udp-stream", &s);
	spec_of(&s, TUB_PROTO_UDP, TUB_KIND_RR, 64, "");
	s.count = 1000;
	save_test(g, "test-udp-rr", &s);
	spec_of(&s, TUB_PROTO_UDP, TUB_KIND_FILL, 65507, "sndbuf=1");
	save_test(g, "test-udp-fill", &s);
	spec_of(&s, TUB_PROTO_RUDP, TUB_KIND_STREAM, 1400, "");
	s.count = 20000;
	s.window = 256;
	save_test(g, "test-rudp-stream", &s);
	spec_of(&s, TUB_PROTO_RUDP, TUB_KIND_STREAM, 5000, "busy_poll=50");
	s.rate_bps = 1000000000;
	s.flags = TUB_SPEC_UNORDERED;
	s.cc = TUB_RUDP_CC_PACED;
	s.window = 64;
	save_test(g, "test-rudp-unordered-paced", &s);
	spec_of(&s, TUB_PROTO_RUDP, TUB_KIND_STREAM, 1400, "");
	s.count = 600;
	s.cc = TUB_RUDP_CC_CUBIC;
	s.rto_min_ns = 50000000;
	s.rto_max_ns = 1000000000;
	save_test(g, "test-rudp-cubic-rto", &s);
	spec_of(&s, TUB_PROTO_RUDP, TUB_KIND_CONNECT, 100, "");
	s.count = 200;
	save_test(g, "test-rudp-connect", &s);
	s.window = TUB_RUDP_WINDOW_MAX; /* the largest the decoder takes */
	save_test(g, "test-rudp-window-max", &s);

	/* Decoded, then refused by spec_check or by sockopt_parse. */
	spec_of(&s, TUB_PROTO_UDP, TUB_KIND_STREAM, 1400, "");
	s.dir = TUB_DIR_REVERSE;
	save_test(g, "test-reverse", &s);
	s.dir = TUB_DIR_FORWARD;
	s.msg_size = 10;
	save_test(g, "test-udp-small", &s);
	s.msg_size = 1400;
	s.duration_ns = 0;
	save_test(g, "test-no-duration-count", &s);
	s.duration_ns = 1000 * 1000000000ull;
	save_test(g, "test-too-long", &s);
	s.duration_ns = 1000000000ull;
	s.interval_ns = 1000000;
	save_test(g, "test-interval-short", &s);
	s.interval_ns = 0;
	s.count = 100000000;
	s.rate_bps = 1000;
	save_test(g, "test-rate-too-slow", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_STREAM, 1400, "nodelay,nodelay");
	save_test(g, "test-opts-twice", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_STREAM, 1400, "frobnicate=1");
	save_test(g, "test-opts-unknown", &s);

	/* Refused by the decoder. */
	spec_of(&s, TUB_PROTO_RUDP, TUB_KIND_STREAM, 1400, "");
	s.window = TUB_RUDP_WINDOW_MAX + 1;
	save_test_bad(g, "test-window-over", &s);
	s.window = UINT32_MAX;
	save_test_bad(g, "test-window-huge", &s);
	s.window = 0;
	s.flags = 0x80;
	save_test_bad(g, "test-flags-unknown", &s);
	s.flags = 0;
	s.session = 0;
	save_test_bad(g, "test-session-0", &s);
	s.session = 1;
	s.proto = TUB_PROTO_COUNT;
	save_test_bad(g, "test-proto-unknown", &s);
	s.proto = TUB_PROTO_TCP;
	s.kind = TUB_KIND_COUNT;
	save_test_bad(g, "test-kind-unknown", &s);
	s.kind = TUB_KIND_STREAM;
	s.dir = 0xff;
	save_test_bad(g, "test-dir-unknown", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_STREAM, 1400, "nodelay\x01");
	save_test_bad(g, "test-opts-control", &s);
	spec_of(&s, TUB_PROTO_TCP, TUB_KIND_STREAM, 1400, "nodelay?cork");
	n = wire_encode_test(frame, sizeof frame, &s);
	save_patched(g, "test", "test-opts-nul", n, "nodelay?cork", 7, 0, 0);
	save_patched(g, "test", "test-opts-strlen", n, "nodelay?cork", -1, 0,
		     0xffff);
	save_patched(g, "test", "test-opts-strlen-size", n, "nodelay?cork",
		     -1, 0, TUB_OPTSTR_MAX);
	save_cuts(g, "test", "test", n);
}

static void gen_ready(struct gen *g)
{
	struct wire_ready m;
	int id, n;

	memset(&m, 0, sizeof m);
	m.data_port = 40000;
	m.secret = 0x5eed5eed5eed5eedull;
	snprintf(m.host, sizeof m.host, "receiver");
	snprintf(m.tool_version, sizeof m.tool_version, "%s", TUB_VERSION);
	save_ok(g, "ready", "ready-plain",
		wire_encode_ready(frame, sizeof frame, &m));
	m.granted.mask = 1u << SOCKOPT_RCVBUF | 1u << SOCKOPT_SNDBUF;
	m.granted.value[SOCKOPT_RCVBUF] = 425984;
	m.granted.value[SOCKOPT_SNDBUF] = 212992;
	m.rcvbuf_clamped = 1;
	snprintf(m.notes, sizeof m.notes, "tos: not supported for address "
		 "family 10");
	save_ok(g, "ready", "ready-udp",
		wire_encode_ready(frame, sizeof frame, &m));
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		const struct sockopt_info *in =
			sockopt_info((enum sockopt_id)id);

		m.granted.mask |= 1u << id;
		m.granted.value[id] = in->type == SOCKOPT_FLAG ? 1 : in->max;
	}
	m.granted.value[SOCKOPT_LINGER] = -1;
	snprintf(m.granted.congestion, sizeof m.granted.congestion, "cubic");
	m.sndbuf_clamped = 1;
	snprintf(m.notes, sizeof m.notes, "congestion=bbr: No such file or "
		 "directory; busy_poll=50: Operation not permitted");
	n = wire_encode_ready(frame, sizeof frame, &m);
	save_ok(g, "ready", "ready-every-option", n);
	save_cuts(g, "ready", "ready", n);

	m.data_port = 0;
	save_bad_encoded(g, "ready", "ready-port-0",
			 wire_encode_ready(frame, sizeof frame, &m));
	m.data_port = 1;
	m.sndbuf_clamped = 2;
	save_bad_encoded(g, "ready", "ready-clamped-2",
			 wire_encode_ready(frame, sizeof frame, &m));
	m.sndbuf_clamped = 0;
	m.granted.value[SOCKOPT_NODELAY] = 2;
	save_bad_encoded(g, "ready", "ready-flag-2",
			 wire_encode_ready(frame, sizeof frame, &m));
	m.granted.value[SOCKOPT_NODELAY] = 1;
	snprintf(m.granted.congestion, sizeof m.granted.congestion,
		 "abcdefghijklmno");
	snprintf(m.tool_version, sizeof m.tool_version, "mask-follows");
	snprintf(m.notes, sizeof m.notes, "notes?with-nul");
	n = wire_encode_ready(frame, sizeof frame, &m);
	save_patched(g, "ready", "ready-cc-too-long", n, "abcdefghijklmno",
		     -1, 0, SOCKOPT_NAME_MAX);
	save_patched(g, "ready", "ready-notes-nul", n, "notes?with-nul", 5, 0,
		     0);
	/* The mask is the u32 after tool_version. */
	save_patched(g, "ready", "ready-mask-unknown", n, "mask-follows",
		     (int)strlen("mask-follows"), 0xff, 0);
}

/* One end's counters, with n_iv intervals in each half. */
static void side_of(struct tub_side *m, uint32_t n_iv)
{
	uint32_t i;

	memset(m, 0, sizeof *m);
	m->tx.bytes = 1400ull * 20000;
	m->tx.msgs = 20000;
	m->tx.calls = 20000;
	m->tx.elapsed_ns = 2000000000ull;
	m->tx.blocked = 17;
	m->tx.enobufs = 3;
	m->tx.tcpi.valid = 1;
	m->tx.tcpi.total_retrans = 5;
	m->tx.tcpi.rtt_us = 40;
	m->tx.tcpi.rttvar_us = 10;
	m->tx.tcpi.snd_cwnd = 10;
	m->tx.tcpi.snd_mss = 65483;
	m->rx.bytes = m->tx.bytes;
	m->rx.msgs = 19990;
	m->rx.calls = 19990;
	m->rx.elapsed_ns = 2000100000ull;
	m->rx.received = 19990;
	m->rx.duplicates = 2;
	m->rx.reordered = 4;
	m->rx.reorder_max = 3;
	m->rx.too_old = 1;
	m->rx.end_markers = 3;
	m->rx.jitter_ns = 1234.5;
	m->rx.end_how = TUB_END_FIN;
	m->rx.delay_min_ns = 20000;
	m->rx.delay_p50_ns = 25000;
	m->rx.delay_p99_ns = 90000;
	m->rx.delay_max_ns = 400000;
	m->rx.dup_dropped = 7;
	m->rx.foreign = 1;
	for (i = 0; i < n_iv; i++) {
		spec_interval_push(&m->tx.iv, (i + 1) * 100000000ull,
				   1400ull * 1000, 1000);
		spec_interval_push(&m->rx.iv, (i + 1) * 100000000ull + 50000,
				   1400ull * 999, 999);
	}
}

typedef int (*side_encoder)(uint8_t *buf, size_t cap,
			    const struct tub_side *m);

static void gen_side(struct gen *g, const char *target, side_encoder enc)
{
	char name[64];
	long pos;
	int n;

	side_of(&side, 0);
	memset(&side.rx, 0, sizeof side.rx);
	snprintf(name, sizeof name, "%s-sender", target);
	save_ok(g, target, name, enc(frame, sizeof frame, &side));
	side_of(&side, 3);
	snprintf(name, sizeof name, "%s-both", target);
	n = enc(frame, sizeof frame, &side);
	save_ok(g, target, name, n);
	save_cuts(g, target, name, n);
	memset(&side, 0, sizeof side);
	snprintf(name, sizeof name, "%s-zero", target);
	save_ok(g, target, name, enc(frame, sizeof frame, &side));
	side_of(&side, TUB_INTERVALS_MAX);
	side.rx.jitter_ns = -0.0; /* >= 0: taken */
	side.rx.end_how = TUB_END_RST;
	snprintf(name, sizeof name, "%s-full", target);
	save_ok(g, target, name, enc(frame, sizeof frame, &side));

	side_of(&side, 1);
	side.rx.jitter_ns = -1;
	snprintf(name, sizeof name, "%s-jitter-negative", target);
	save_bad_encoded(g, target, name, enc(frame, sizeof frame, &side));
	side.rx.jitter_ns = __builtin_nan("");
	snprintf(name, sizeof name, "%s-jitter-nan", target);
	save_bad_encoded(g, target, name, enc(frame, sizeof frame, &side));
	side.rx.jitter_ns = __builtin_inf();
	snprintf(name, sizeof name, "%s-jitter-inf", target);
	save_bad_encoded(g, target, name, enc(frame, sizeof frame, &side));
	side.rx.jitter_ns = 0;
	side.rx.end_how = TUB_END_COUNT;
	snprintf(name, sizeof name, "%s-end-how", target);
	save_bad_encoded(g, target, name, enc(frame, sizeof frame, &side));
	side.rx.end_how = 0;
	side.tx.tcpi.valid = 2;
	snprintf(name, sizeof name, "%s-tcpi-valid-2", target);
	save_bad_encoded(g, target, name, enc(frame, sizeof frame, &side));
	side.tx.tcpi.valid = 1;

	/* iv.n is the u32 before iv.truncated, found by its value. */
	side.tx.iv.truncated = 0x7e57c0deu;
	n = enc(frame, sizeof frame, &side);
	pos = n > 0 ? gen_find(frame, (size_t)n, "\x7e\x57\xc0\xde", 4) : -1;
	if (pos < 4) {
		gen_fail(g, "%s: no iv.truncated marker", target);
		return;
	}
	memcpy(work, frame, (size_t)n);
	gen_put_be(work + pos - 4, TUB_INTERVALS_MAX + 1, 4);
	snprintf(name, sizeof name, "%s-iv-over", target);
	save_bad(g, target, name, (size_t)n);
	gen_put_be(work + pos - 4, UINT32_MAX, 4);
	snprintf(name, sizeof name, "%s-iv-huge", target);
	save_bad(g, target, name, (size_t)n);
}

static void gen_error(struct gen *g)
{
	struct wire_error e;
	int n;

	memset(&e, 0, sizeof e);
	snprintf(e.reason, sizeof e.reason,
		 "receiver busy: another test is running");
	n = wire_encode_error(frame, sizeof frame, &e);
	save_ok(g, "error", "error", n);
	save_cuts(g, "error", "error", n);
	memset(&e, 0, sizeof e);
	save_ok(g, "error", "error-empty",
		wire_encode_error(frame, sizeof frame, &e));
	memset(e.reason, 'r', sizeof e.reason - 1);
	save_ok(g, "error", "error-longest",
		wire_encode_error(frame, sizeof frame, &e));
	snprintf(e.reason, sizeof e.reason, "reason?nul");
	n = wire_encode_error(frame, sizeof frame, &e);
	save_patched(g, "error", "error-nul", n, "reason?nul", 6, 0, 0);
	save_patched(g, "error", "error-strlen-size", n, "reason?nul", -1, 0,
		     TUB_TEXT_MAX);
	save_patched(g, "error", "error-newline", n, "reason?nul", 6, '\n', 0);
}

/* Headers only the frame target sees, on a HELLO frame. */
static void gen_headers(struct gen *g)
{
	struct wire_hello h;
	int n;

	memset(&h, 0, sizeof h);
	h.version = WIRE_VERSION;
	n = wire_encode_hello(frame, sizeof frame, &h);
	if (n < WIRE_HDR_LEN) {
		gen_fail(g, "the encoder refused an empty HELLO");
		return;
	}
#define HDR_CASE(name, off, val, bytes)                                 \
	do {                                                            \
		memcpy(work, frame, (size_t)n);                         \
		gen_put_be(work + (off), (val), (bytes));               \
		gen_save(g, "frame", "bad-header-" name, work, (size_t)n); \
	} while (0)
	HDR_CASE("magic", 0, WIRE_MAGIC ^ 0xffff, 2);
	HDR_CASE("version-next", 2, WIRE_VERSION + 1, 1);
	HDR_CASE("version-0", 2, 0, 1);
	HDR_CASE("type-0", 3, 0, 1);
	HDR_CASE("type-end", 3, WIRE_TYPE_END, 1);
	HDR_CASE("type-ff", 3, 0xff, 1);
	HDR_CASE("len-huge", 4, UINT32_MAX, 4);
	HDR_CASE("len-over-max", 4, WIRE_MAX_BODY + 1, 4);
	HDR_CASE("len-more-than-sent", 4, (size_t)n - WIRE_HDR_LEN + 10, 4);
#undef HDR_CASE
	gen_save(g, "frame", "bad-header-half", frame, WIRE_HDR_LEN / 2);
}

void gen_wire(struct gen *g)
{
	gen_headers(g);
	gen_hello(g);
	gen_test(g);
	gen_ready(g);
	gen_side(g, "done", wire_encode_done);
	gen_side(g, "result", wire_encode_result);
	gen_error(g);
}
