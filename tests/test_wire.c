/* Tests for wire.c: round trips of every message, rejection of every kind of
 * bad frame, encoder bounds, the data header, and a deterministic fuzz loop. */
#include "wire.h"

#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define U64_ONES UINT64_MAX
#define FUZZ_ROUNDS 200000
#define FUZZ_MAX_LEN 700

/* Wire layout of a side (DONE/RESULT) body: tx has nine u64, the kernel
 * counters (u8 + three u64), tcpi (u8 + five u32), rudp (u8 + nine u64 +
 * u32), then its intervals; rx
 * has five u64, the gro u8, nine more u64, the jitter double, the end_how
 * u8, eight more u64 and the kernel counters, then its intervals. The
 * tests patch fields at these offsets. */
#define SIDE_TCPI_VALID 97
#define SIDE_TX_IV 195
#define IV_HDR 8
#define IV_ENTRY 24
#define SIDE_CPU 123 /* after both sides: cpu valid u8, user, sys, wall
		      * u64; rx.first_ns u64; rtt valid u8, 11 x u64;
		      * opts.valid u8 (0: nothing follows) */
#define RX_JITTER 113
#define RX_END_HOW 121
#define RX_IV 211

/* ---- message kinds as a table, so generic checks cover all six ------- */

static int enc_hello(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_hello(b, cap, m);
}
static int enc_test(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_test(b, cap, m);
}
static int enc_ready(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_ready(b, cap, m);
}
static int enc_done(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_done(b, cap, m);
}
static int enc_result(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_result(b, cap, m);
}
static int enc_error(uint8_t *b, size_t cap, const void *m)
{
	return wire_encode_error(b, cap, m);
}

static int dec_hello(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_hello(b, n, m, e, el);
}
static int dec_test(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_test(b, n, m, e, el);
}
static int dec_ready(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_ready(b, n, m, e, el);
}
static int dec_done(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_done(b, n, m, e, el);
}
static int dec_result(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_result(b, n, m, e, el);
}
static int dec_error(const uint8_t *b, size_t n, void *m, char *e, size_t el)
{
	return wire_decode_error(b, n, m, e, el);
}

struct msg_ops {
	const char *name;
	int type;
	size_t size; /* of the decoded struct */
	int (*enc)(uint8_t *buf, size_t cap, const void *m);
	int (*dec)(const uint8_t *body, size_t len, void *m, char *err,
		   size_t errlen);
};

static const struct msg_ops ops[] = {
	{"HELLO", WIRE_HELLO, sizeof(struct wire_hello), enc_hello, dec_hello},
	{"TEST", WIRE_TEST, sizeof(struct tub_spec), enc_test, dec_test},
	{"READY", WIRE_READY, sizeof(struct wire_ready), enc_ready, dec_ready},
	{"DONE", WIRE_DONE, sizeof(struct tub_side), enc_done, dec_done},
	{"RESULT", WIRE_RESULT, sizeof(struct tub_side), enc_result,
	 dec_result},
	{"ERROR", WIRE_ERROR, sizeof(struct wire_error), enc_error, dec_error},
};
#define N_OPS (sizeof ops / sizeof ops[0])

/* ---- helpers --------------------------------------------------------- */

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* len printable characters, cycling through all of 0x20..0x7e. */
static void fill_text(char *dst, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		dst[i] = (char)(0x20 + (seed + i) % 95);
	dst[len] = '\0';
}

static void *xcalloc(size_t n)
{
	void *p = calloc(1, n);

	if (!p) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	return p;
}

/* Encode m into a fresh frame buffer; check the header; give the body. */
static uint8_t *encode_frame(const struct msg_ops *o, const void *m,
			     const uint8_t **body, size_t *body_len)
{
	uint8_t *f = xcalloc(WIRE_MAX_FRAME + IV_ENTRY * 2);
	char err[128];
	uint32_t blen = 0;
	int n, type = 0;

	n = o->enc(f, WIRE_MAX_FRAME, m);
	CHECK(n >= WIRE_HDR_LEN);
	if (n < WIRE_HDR_LEN)
		n = WIRE_HDR_LEN;
	CHECK(wire_decode_header(f, &type, &blen, err, sizeof err) == 0);
	CHECK_EQ_U64(type, o->type);
	CHECK_EQ_U64(blen + WIRE_HDR_LEN, n);
	*body = f + WIRE_HDR_LEN;
	*body_len = blen;
	return f;
}

/* A reason is one non-empty line. */
static int one_line(const char *err)
{
	return err[0] != '\0' && !strchr(err, '\n');
}

/* The body must be refused with a reason that mentions what. */
static void expect_reject(const struct msg_ops *o, const uint8_t *body,
			  size_t len, const char *what, int line)
{
	void *m = xcalloc(o->size);
	char err[TUB_TEXT_MAX];
	int rc = o->dec(body, len, m, err, sizeof err);

	check_count++;
	if (rc != -1 || !one_line(err) || !strstr(err, what)) {
		check_failures++;
		fprintf(stderr,
			"%s:%d: %s: expected a reject naming \"%s\", got %d "
			"\"%s\"\n",
			__FILE__, line, o->name, what, rc, rc ? err : "");
	}
	free(m);
}
#define EXPECT_REJECT(o, b, n, what) expect_reject(o, b, n, what, __LINE__)

static void expect_accept(const struct msg_ops *o, const uint8_t *body,
			  size_t len, int line)
{
	void *m = xcalloc(o->size);
	char err[TUB_TEXT_MAX];
	int rc = o->dec(body, len, m, err, sizeof err);

	check_count++;
	if (rc != 0) {
		check_failures++;
		fprintf(stderr, "%s:%d: %s: unexpected reject \"%s\"\n",
			__FILE__, line, o->name, err);
	}
	free(m);
}
#define EXPECT_ACCEPT(o, b, n) expect_accept(o, b, n, __LINE__)

/* Encode m and expect its decoder to refuse it, naming what. */
static void expect_encoded_reject(const struct msg_ops *o, const void *m,
				  const char *what, int line)
{
	const uint8_t *body;
	size_t len;
	uint8_t *f = encode_frame(o, m, &body, &len);

	expect_reject(o, body, len, what, line);
	free(f);
}
#define EXPECT_ENC_REJECT(o, m, what) \
	expect_encoded_reject(o, m, what, __LINE__)

/* A body built by hand. */
struct tb {
	uint8_t b[1024];
	size_t n;
};

static void tb_raw(struct tb *t, const void *p, size_t n)
{
	if (n > sizeof t->b - t->n) {
		fprintf(stderr, "test body builder overflow\n");
		exit(1);
	}
	memcpy(t->b + t->n, p, n);
	t->n += n;
}

static void tb_u8(struct tb *t, uint8_t v)
{
	tb_raw(t, &v, 1);
}

static void tb_u16(struct tb *t, uint16_t v)
{
	v = htobe16(v);
	tb_raw(t, &v, 2);
}

static void tb_u32(struct tb *t, uint32_t v)
{
	v = htobe32(v);
	tb_raw(t, &v, 4);
}

/* A string field of n copies of c. */
static void tb_str(struct tb *t, size_t n, char c)
{
	tb_u16(t, (uint16_t)n);
	while (n--)
		tb_u8(t, (uint8_t)c);
}

static void patch_u8(uint8_t *p, uint8_t v)
{
	*p = v;
}

static void patch_u32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static void patch_u64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

/* ---- sample messages ------------------------------------------------- */

static void make_hello(struct wire_hello *m)
{
	memset(m, 0, sizeof *m);
	m->version = 0xfedcba98u;
	fill_text(m->host, sizeof m->host - 1, 0);
	fill_text(m->tool_version, sizeof m->tool_version - 1, 7);
}

static void make_spec(struct tub_spec *m)
{
	memset(m, 0, sizeof *m);
	m->session = 0xffffffffu;
	m->proto = TUB_PROTO_RUDP;
	m->kind = TUB_KIND_LINGER;
	m->dir = TUB_DIR_REVERSE;
	m->msg_size = 0x12345678u;
	m->duration_ns = U64_ONES;
	m->count = 0x0123456789abcdefull;
	m->rate_bps = 1;
	m->interval_ns = 0x8000000000000000ull;
	m->timeout_ns = U64_ONES - 1;
	fill_text(m->remote_opts, sizeof m->remote_opts - 1, 3);
	m->flags = TUB_SPEC_UNORDERED;
	m->window = TUB_RUDP_WINDOW_MAX;
	m->cc = TUB_RUDP_CC_PACED;
	m->rto_min_ns = 0x0102030405060708ull;
	m->rto_max_ns = U64_ONES;
	m->flows = TUB_FLOWS_MAX;
	m->nmixed = 2;
	m->mix[0] = (struct tub_flow_spec){.proto = TUB_PROTO_TCP,
					   .msg_size = 0xfedcba98u,
					   .rate_bps = U64_ONES};
	m->mix[1] = (struct tub_flow_spec){.proto = TUB_PROTO_RUDP,
					   .msg_size = 1, .rate_bps = 2};
	fill_text(m->mix[1].remote_opts, sizeof m->mix[1].remote_opts - 1, 5);
	/* tub-send's own: never on the wire */
	snprintf(m->mix[0].local_opts, sizeof m->mix[0].local_opts, "nodelay");
}

static void make_ready(struct wire_ready *m)
{
	struct sockopt_set *g = &m->granted;

	memset(m, 0, sizeof *m);
	m->data_port = 0xffff;
	m->secret = 0xfedcba9876543210ull;
	fill_text(m->host, sizeof m->host - 1, 11);
	fill_text(m->tool_version, sizeof m->tool_version - 1, 13);
	g->mask = 1u << SOCKOPT_SNDBUF | 1u << SOCKOPT_RCVBUF |
		  1u << SOCKOPT_NODELAY | 1u << SOCKOPT_CONGESTION |
		  1u << SOCKOPT_KEEPALIVE | 1u << SOCKOPT_LINGER |
		  1u << SOCKOPT_MTU_DISCOVER;
	g->value[SOCKOPT_SNDBUF] = 425984;
	g->value[SOCKOPT_RCVBUF] = INT64_MAX;
	g->value[SOCKOPT_NODELAY] = 1;
	g->value[SOCKOPT_KEEPALIVE] = 0;
	g->value[SOCKOPT_LINGER] = -1;
	g->value[SOCKOPT_MTU_DISCOVER] = 3;
	fill_text(g->congestion, sizeof g->congestion - 1, 40);
	m->sndbuf_clamped = 1;
	m->rcvbuf_clamped = 0;
	fill_text(m->notes, sizeof m->notes - 1, 17);
}

static void make_intervals(struct tub_intervals *iv, uint32_t n, uint64_t k)
{
	uint32_t i;

	iv->n = n;
	iv->truncated = 0xfffffffeu;
	for (i = 0; i < n; i++) {
		iv->s[i].end_ns = k * 1000000007ull * (i + 1);
		iv->s[i].bytes = U64_ONES - i;
		iv->s[i].msgs = (uint64_t)i << 32 | k;
	}
}

static void make_side(struct tub_side *m, uint32_t n_iv)
{
	struct tub_tx *tx = &m->tx;
	struct tub_rx *rx = &m->rx;

	memset(m, 0, sizeof *m);
	m->cpu.valid = 1;
	m->cpu.user_ns = 1234567;
	m->cpu.sys_ns = 7654321;
	m->cpu.wall_ns = 2000000000ull;
	m->rtt = (struct tub_rtt){.valid = 1, .done = 2, .lost = 0, .late = 7,
				  .elapsed_ns = U64_ONES, .min_ns = 10,
				  .p50_ns = 20, .p90_ns = 30, .p99_ns = 40,
				  .p999_ns = 50, .max_ns = 60, .mean_ns = 25};
	tx->bytes = U64_ONES;
	tx->msgs = 2;
	tx->calls = 3;
	tx->bufs = 2;
	tx->elapsed_ns = 0x1122334455667788ull;
	tx->blocked = 5;
	tx->enobufs = 6;
	tx->unsent_bytes = 8400000;
	tx->unacked_bytes = 65536;
	tx->kernel.valid = 1;
	tx->kernel.tcp_retrans_segs = 40;
	tx->tcpi.valid = 1;
	tx->tcpi.total_retrans = 0xffffffffu;
	tx->tcpi.rtt_us = 8;
	tx->tcpi.rttvar_us = 9;
	tx->tcpi.snd_cwnd = 10;
	tx->tcpi.snd_mss = 1448;
	tx->rudp = (struct tub_rudp_tx){1, 101, 102, 103, U64_ONES, 105,
					106, 107, 108, 109, 0xfffffffeu};
	make_intervals(&tx->iv, n_iv, 1);
	rx->bytes = 21;
	rx->msgs = U64_ONES;
	rx->calls = 23;
	rx->bufs = 41;
	rx->coalesced = 19;
	rx->gro = 1;
	rx->elapsed_ns = 24;
	rx->received = 25;
	rx->duplicates = 26;
	rx->reordered = 27;
	rx->reorder_max = 28;
	rx->too_old = 29;
	rx->wrong_session = 30;
	rx->rcvbuf_drops = 31;
	rx->end_markers = 32;
	rx->jitter_ns = 12345.678;
	rx->end_how = TUB_END_RST;
	rx->delay_min_ns = 33;
	rx->delay_p50_ns = 34;
	rx->delay_p99_ns = 35;
	rx->delay_max_ns = U64_ONES;
	rx->out_of_order = 37;
	rx->corrupt = 38;
	rx->dup_dropped = 39;
	rx->foreign = 40;
	rx->kernel.valid = 1;
	rx->kernel.udp_rcvbuf_errors = 34252;
	rx->kernel.ip_reasm_fails = 7;
	make_intervals(&rx->iv, n_iv, 2);
}

static void make_error(struct wire_error *m)
{
	memset(m, 0, sizeof *m);
	fill_text(m->reason, sizeof m->reason - 1, 29);
}

/* One valid message of every kind, in ops[] order; sides with few intervals
 * so that loops over their lengths stay quick. */
struct samples {
	struct wire_hello hello;
	struct tub_spec spec;
	struct wire_ready ready;
	struct tub_side done;
	struct tub_side result;
	struct wire_error error;
	const void *msg[N_OPS];
};

static struct samples *make_samples(void)
{
	struct samples *s = xcalloc(sizeof *s);

	make_hello(&s->hello);
	make_spec(&s->spec);
	make_ready(&s->ready);
	make_side(&s->done, 3);
	make_side(&s->result, 2);
	s->result.rx.jitter_ns = 0;
	make_error(&s->error);
	s->msg[0] = &s->hello;
	s->msg[1] = &s->spec;
	s->msg[2] = &s->ready;
	s->msg[3] = &s->done;
	s->msg[4] = &s->result;
	s->msg[5] = &s->error;
	return s;
}

/* ---- round trips ----------------------------------------------------- */

static void cmp_intervals(const struct tub_intervals *a,
			  const struct tub_intervals *b)
{
	uint32_t i, bad = 0;

	CHECK_EQ_U64(a->n, b->n);
	CHECK_EQ_U64(a->truncated, b->truncated);
	for (i = 0; i < a->n && i < TUB_INTERVALS_MAX; i++)
		bad += a->s[i].end_ns != b->s[i].end_ns ||
		       a->s[i].bytes != b->s[i].bytes ||
		       a->s[i].msgs != b->s[i].msgs;
	CHECK_EQ_U64(bad, 0);
}

static void cmp_side(const struct tub_side *a, const struct tub_side *b)
{
	CHECK_EQ_U64(a->cpu.valid, b->cpu.valid);
	CHECK_EQ_U64(a->cpu.user_ns, b->cpu.user_ns);
	CHECK_EQ_U64(a->cpu.sys_ns, b->cpu.sys_ns);
	CHECK_EQ_U64(a->cpu.wall_ns, b->cpu.wall_ns);
	CHECK_EQ_U64(a->rtt.valid, b->rtt.valid);
	CHECK_EQ_U64(a->rtt.done, b->rtt.done);
	CHECK_EQ_U64(a->rtt.lost, b->rtt.lost);
	CHECK_EQ_U64(a->rtt.late, b->rtt.late);
	CHECK_EQ_U64(a->rtt.elapsed_ns, b->rtt.elapsed_ns);
	CHECK_EQ_U64(a->rtt.min_ns, b->rtt.min_ns);
	CHECK_EQ_U64(a->rtt.p50_ns, b->rtt.p50_ns);
	CHECK_EQ_U64(a->rtt.p999_ns, b->rtt.p999_ns);
	CHECK_EQ_U64(a->rtt.max_ns, b->rtt.max_ns);
	CHECK_EQ_U64(a->rtt.mean_ns, b->rtt.mean_ns);
	CHECK_EQ_U64(a->tx.bytes, b->tx.bytes);
	CHECK_EQ_U64(a->tx.msgs, b->tx.msgs);
	CHECK_EQ_U64(a->tx.calls, b->tx.calls);
	CHECK_EQ_U64(a->tx.bufs, b->tx.bufs);
	CHECK_EQ_U64(a->tx.elapsed_ns, b->tx.elapsed_ns);
	CHECK_EQ_U64(a->tx.blocked, b->tx.blocked);
	CHECK_EQ_U64(a->tx.enobufs, b->tx.enobufs);
	CHECK_EQ_U64(a->tx.unsent_bytes, b->tx.unsent_bytes);
	CHECK_EQ_U64(a->tx.unacked_bytes, b->tx.unacked_bytes);
	CHECK_EQ_U64(a->tx.kernel.valid, b->tx.kernel.valid);
	CHECK_EQ_U64(a->tx.kernel.tcp_retrans_segs, b->tx.kernel.tcp_retrans_segs);
	CHECK_EQ_U64(a->rx.kernel.valid, b->rx.kernel.valid);
	CHECK_EQ_U64(a->rx.kernel.udp_rcvbuf_errors,
		     b->rx.kernel.udp_rcvbuf_errors);
	CHECK_EQ_U64(a->rx.kernel.ip_reasm_fails, b->rx.kernel.ip_reasm_fails);
	CHECK_EQ_U64(a->tx.tcpi.valid, b->tx.tcpi.valid);
	CHECK_EQ_U64(a->tx.tcpi.total_retrans, b->tx.tcpi.total_retrans);
	CHECK_EQ_U64(a->tx.tcpi.rtt_us, b->tx.tcpi.rtt_us);
	CHECK_EQ_U64(a->tx.tcpi.rttvar_us, b->tx.tcpi.rttvar_us);
	CHECK_EQ_U64(a->tx.tcpi.snd_cwnd, b->tx.tcpi.snd_cwnd);
	CHECK_EQ_U64(a->tx.tcpi.snd_mss, b->tx.tcpi.snd_mss);
	CHECK_EQ_U64(a->tx.rudp.valid, b->tx.rudp.valid);
	CHECK_EQ_U64(a->tx.rudp.retrans_timeout, b->tx.rudp.retrans_timeout);
	CHECK_EQ_U64(a->tx.rudp.retrans_fast, b->tx.rudp.retrans_fast);
	CHECK_EQ_U64(a->tx.rudp.spurious, b->tx.rudp.spurious);
	CHECK_EQ_U64(a->tx.rudp.pkts_sent, b->tx.rudp.pkts_sent);
	CHECK_EQ_U64(a->tx.rudp.srtt_ns, b->tx.rudp.srtt_ns);
	CHECK_EQ_U64(a->tx.rudp.tlp, b->tx.rudp.tlp);
	CHECK_EQ_U64(a->tx.rudp.rack_losses, b->tx.rudp.rack_losses);
	CHECK_EQ_U64(a->tx.rudp.spurious_rack, b->tx.rudp.spurious_rack);
	CHECK_EQ_U64(a->tx.rudp.max_silence_ns, b->tx.rudp.max_silence_ns);
	CHECK_EQ_U64(a->tx.rudp.cwnd, b->tx.rudp.cwnd);
	cmp_intervals(&a->tx.iv, &b->tx.iv);
	CHECK_EQ_U64(a->rx.bytes, b->rx.bytes);
	CHECK_EQ_U64(a->rx.msgs, b->rx.msgs);
	CHECK_EQ_U64(a->rx.calls, b->rx.calls);
	CHECK_EQ_U64(a->rx.bufs, b->rx.bufs);
	CHECK_EQ_U64(a->rx.coalesced, b->rx.coalesced);
	CHECK_EQ_U64(a->rx.gro, b->rx.gro);
	CHECK_EQ_U64(a->rx.elapsed_ns, b->rx.elapsed_ns);
	CHECK_EQ_U64(a->rx.received, b->rx.received);
	CHECK_EQ_U64(a->rx.duplicates, b->rx.duplicates);
	CHECK_EQ_U64(a->rx.reordered, b->rx.reordered);
	CHECK_EQ_U64(a->rx.reorder_max, b->rx.reorder_max);
	CHECK_EQ_U64(a->rx.too_old, b->rx.too_old);
	CHECK_EQ_U64(a->rx.wrong_session, b->rx.wrong_session);
	CHECK_EQ_U64(a->rx.rcvbuf_drops, b->rx.rcvbuf_drops);
	CHECK_EQ_U64(a->rx.end_markers, b->rx.end_markers);
	CHECK_EQ_U64(a->rx.end_how, b->rx.end_how);
	CHECK_EQ_U64(a->rx.delay_min_ns, b->rx.delay_min_ns);
	CHECK_EQ_U64(a->rx.delay_p50_ns, b->rx.delay_p50_ns);
	CHECK_EQ_U64(a->rx.delay_p99_ns, b->rx.delay_p99_ns);
	CHECK_EQ_U64(a->rx.delay_max_ns, b->rx.delay_max_ns);
	CHECK_EQ_U64(a->rx.out_of_order, b->rx.out_of_order);
	CHECK_EQ_U64(a->rx.corrupt, b->rx.corrupt);
	CHECK_EQ_U64(a->rx.dup_dropped, b->rx.dup_dropped);
	CHECK_EQ_U64(a->rx.foreign, b->rx.foreign);
	CHECK(memcmp(&a->rx.jitter_ns, &b->rx.jitter_ns, sizeof(double)) == 0);
	cmp_intervals(&a->rx.iv, &b->rx.iv);
}

static void cmp_sockopts(const struct sockopt_set *a,
			 const struct sockopt_set *b)
{
	int id;

	CHECK_EQ_U64(a->mask, b->mask);
	for (id = 0; id < SOCKOPT_COUNT; id++)
		if (id != SOCKOPT_CONGESTION && (a->mask & (1u << id)))
			CHECK_EQ_U64(a->value[id], b->value[id]);
	CHECK_STR(a->congestion, b->congestion);
}

static void test_hello_roundtrip(void)
{
	struct wire_hello in, out;
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f;

	make_hello(&in);
	f = encode_frame(&ops[0], &in, &body, &len);
	CHECK(wire_decode_hello(body, len, &out, err, sizeof err) == 0);
	CHECK_EQ_U64(out.version, in.version);
	CHECK_STR(out.host, in.host);
	CHECK_STR(out.tool_version, in.tool_version);
	CHECK_EQ_U64(strlen(out.host), TUB_HOST_MAX - 1);
	free(f);
}

static void test_test_roundtrip(void)
{
	struct tub_spec in, out;
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f;
	int p, k, d;

	make_spec(&in);
	for (p = 0; p < TUB_PROTO_COUNT; p++) {
		for (k = 0; k < TUB_KIND_COUNT; k++) {
			for (d = 0; d < TUB_DIR_COUNT; d++) {
				in.proto = (uint8_t)p;
				in.kind = (uint8_t)k;
				in.dir = (uint8_t)d;
				f = encode_frame(&ops[1], &in, &body, &len);
				CHECK(wire_decode_test(body, len, &out, err,
						       sizeof err) == 0);
				CHECK_EQ_U64(out.proto, p);
				CHECK_EQ_U64(out.kind, k);
				CHECK_EQ_U64(out.dir, d);
				free(f);
			}
		}
	}
	CHECK_EQ_U64(out.session, in.session);
	CHECK_EQ_U64(out.msg_size, in.msg_size);
	CHECK_EQ_U64(out.duration_ns, in.duration_ns);
	CHECK_EQ_U64(out.count, in.count);
	CHECK_EQ_U64(out.rate_bps, in.rate_bps);
	CHECK_EQ_U64(out.interval_ns, in.interval_ns);
	CHECK_EQ_U64(out.timeout_ns, in.timeout_ns);
	CHECK_EQ_U64(out.flags, in.flags);
	CHECK_EQ_U64(out.window, in.window);
	CHECK_EQ_U64(out.cc, in.cc);
	CHECK_EQ_U64(out.rto_min_ns, in.rto_min_ns);
	CHECK_EQ_U64(out.rto_max_ns, in.rto_max_ns);
	CHECK_EQ_U64(out.flows, in.flows);
	CHECK_EQ_U64(out.nmixed, in.nmixed);
	for (unsigned i = 0; i < in.nmixed; i++) {
		CHECK_EQ_U64(out.mix[i].proto, in.mix[i].proto);
		CHECK_EQ_U64(out.mix[i].msg_size, in.mix[i].msg_size);
		CHECK_EQ_U64(out.mix[i].rate_bps, in.mix[i].rate_bps);
		CHECK_STR(out.mix[i].remote_opts, in.mix[i].remote_opts);
		CHECK_STR(out.mix[i].local_opts, "");
	}
	CHECK_EQ_U64(strlen(out.mix[1].remote_opts), TUB_FLOW_OPTS_MAX - 1);
	CHECK_STR(out.remote_opts, in.remote_opts);
	CHECK_EQ_U64(strlen(out.remote_opts), TUB_OPTSTR_MAX - 1);
}

static void ready_roundtrip(const struct wire_ready *in)
{
	struct wire_ready out;
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f = encode_frame(&ops[2], in, &body, &len);

	CHECK(wire_decode_ready(body, len, &out, err, sizeof err) == 0);
	CHECK_EQ_U64(out.data_port, in->data_port);
	CHECK_EQ_U64(out.secret, in->secret);
	CHECK_STR(out.host, in->host);
	CHECK_STR(out.tool_version, in->tool_version);
	cmp_sockopts(&out.granted, &in->granted);
	CHECK_EQ_U64(out.sndbuf_clamped, in->sndbuf_clamped);
	CHECK_EQ_U64(out.rcvbuf_clamped, in->rcvbuf_clamped);
	CHECK_STR(out.notes, in->notes);
	free(f);
}

static void test_ready_roundtrip(void)
{
	struct wire_ready in;
	int id;

	make_ready(&in);
	ready_roundtrip(&in);

	/* No options at all. */
	memset(&in.granted, 0, sizeof in.granted);
	in.sndbuf_clamped = 0;
	in.rcvbuf_clamped = 1;
	in.notes[0] = '\0';
	ready_roundtrip(&in);

	/* Every option, extreme values, empty congestion name. */
	in.granted.mask = (1u << SOCKOPT_COUNT) - 1;
	for (id = 0; id < SOCKOPT_COUNT; id++)
		in.granted.value[id] = id % 2 ? INT64_MIN : INT64_MAX;
	in.granted.value[SOCKOPT_NODELAY] = 1;
	in.granted.value[SOCKOPT_CORK] = 0;
	in.granted.value[SOCKOPT_QUICKACK] = 1;
	in.granted.value[SOCKOPT_KEEPALIVE] = 0;
	in.granted.value[SOCKOPT_CONGESTION] = 0;
	in.granted.value[SOCKOPT_GRO] = 1;
	in.granted.value[SOCKOPT_PREFER_BUSY_POLL] = 0;
	ready_roundtrip(&in);
}

static void side_roundtrip(const struct msg_ops *o, const struct tub_side *in)
{
	struct tub_side *out = xcalloc(sizeof *out);
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f = encode_frame(o, in, &body, &len);

	CHECK(o->dec(body, len, out, err, sizeof err) == 0);
	if (!in->opts.valid)
		CHECK_EQ_U64(len, SIDE_TX_IV + IV_HDR + RX_IV + IV_HDR +
					  (in->tx.iv.n + in->rx.iv.n) * IV_ENTRY +
					  SIDE_CPU);
	cmp_side(out, in);
	CHECK_EQ_U64(out->opts.valid, in->opts.valid);
	CHECK_EQ_U64(out->opts.sndbuf_clamped, in->opts.sndbuf_clamped);
	CHECK_EQ_U64(out->opts.rcvbuf_clamped, in->opts.rcvbuf_clamped);
	cmp_sockopts(&out->opts.granted, &in->opts.granted);
	CHECK_STR(out->opts.notes, in->opts.notes);
	free(out);
	free(f);
}

static void test_side_roundtrip(void)
{
	struct tub_side *in = xcalloc(sizeof *in);

	make_side(in, TUB_INTERVALS_MAX);
	side_roundtrip(&ops[3], in);
	side_roundtrip(&ops[4], in);
	make_side(in, 0);
	in->tx.tcpi.valid = 0;
	in->rx.jitter_ns = 1e300;
	side_roundtrip(&ops[3], in);
	in->tx.iv.n = 1;
	in->rx.jitter_ns = 0;
	side_roundtrip(&ops[4], in);
	/* A flow's report: what its options gave, as READY says it */
	struct wire_ready r;
	make_ready(&r);
	in->opts.valid = 1;
	in->opts.rcvbuf_clamped = 1;
	in->opts.granted = r.granted;
	fill_text(in->opts.notes, sizeof in->opts.notes - 1, 19);
	side_roundtrip(&ops[3], in);
	side_roundtrip(&ops[4], in);
	free(in);
}

static void test_error_roundtrip(void)
{
	struct wire_error in, out;
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f;

	make_error(&in);
	f = encode_frame(&ops[5], &in, &body, &len);
	CHECK(wire_decode_error(body, len, &out, err, sizeof err) == 0);
	CHECK_STR(out.reason, in.reason);
	free(f);

	in.reason[0] = '\0';
	f = encode_frame(&ops[5], &in, &body, &len);
	CHECK_EQ_U64(len, 2);
	CHECK(wire_decode_error(body, len, &out, err, sizeof err) == 0);
	CHECK_STR(out.reason, "");
	free(f);
}

/* ---- rejections ------------------------------------------------------ */

/* Every shorter length of a valid body fails; so does one trailing byte. */
static void test_truncation_and_trailing(const struct samples *s)
{
	size_t i, l;

	for (i = 0; i < N_OPS; i++) {
		const struct msg_ops *o = &ops[i];
		void *m = xcalloc(o->size);
		const uint8_t *body;
		size_t len, bad = 0;
		char err[TUB_TEXT_MAX];
		uint8_t *f = encode_frame(o, s->msg[i], &body, &len);
		uint8_t *cut;

		EXPECT_ACCEPT(o, body, len);
		for (l = 0; l < len; l++) {
			/* A copy of exactly l bytes, so ASan sees overreads. */
			cut = l ? xcalloc(l) : NULL;
			if (l)
				memcpy(cut, body, l);
			if (o->dec(cut, l, m, err, sizeof err) != -1 ||
			    !one_line(err) || !strstr(err, "ends before")) {
				bad++;
				fprintf(stderr, "%s: length %zu of %zu: %s\n",
					o->name, l, len, err);
			}
			free(cut);
		}
		CHECK_EQ_U64(bad, 0);

		f[WIRE_HDR_LEN + len] = 0;
		EXPECT_REJECT(o, body, len + 1, "1 trailing bytes");
		EXPECT_REJECT(o, body, len + 5, "5 trailing bytes");
		free(f);
		free(m);
	}
}

static void test_header(const struct samples *s)
{
	uint8_t h[WIRE_HDR_LEN];
	char err[TUB_TEXT_MAX];
	uint32_t blen;
	int type;
	size_t i;

	for (i = 0; i < N_OPS; i++) {
		CHECK(ops[i].enc(h, sizeof h, s->msg[i]) == -1);
		CHECK(ops[i].enc(h, 0, s->msg[i]) == -1);
	}
	/* A valid header, patched field by field. */
	patch_u32(h, 0x54420002u | (uint32_t)WIRE_VERSION << 8);
	patch_u32(h + 4, WIRE_MAX_BODY);
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == 0);
	CHECK_EQ_U64(type, WIRE_TEST);
	CHECK_EQ_U64(blen, WIRE_MAX_BODY);

	patch_u32(h + 4, WIRE_MAX_BODY + 1);
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	CHECK(one_line(err) && strstr(err, "body length 131073"));
	patch_u32(h + 4, 0xffffffffu);
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	patch_u32(h + 4, 0);
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == 0);
	CHECK_EQ_U64(blen, 0);

	h[0] = 'G'; /* "GET /" */
	h[1] = 'E';
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	CHECK(one_line(err) && strstr(err, "not a tcpudp-bench peer"));
	h[0] = 0x42; /* byte-swapped magic */
	h[1] = 0x54;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	CHECK(strstr(err, "not a tcpudp-bench peer") != NULL);
	h[0] = 0x54;
	h[1] = 0x42;

	char want[TUB_TEXT_MAX];
	h[2] = WIRE_VERSION + 1;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	snprintf(want, sizeof want, "the peer speaks protocol version %d, "
		 "this end %d", WIRE_VERSION + 1, WIRE_VERSION);
	CHECK_STR(err, want);
	h[2] = 0;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	snprintf(want, sizeof want, "the peer speaks protocol version 0, "
		 "this end %d", WIRE_VERSION);
	CHECK_STR(err, want);
	h[2] = WIRE_VERSION;

	h[3] = 0;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	CHECK(one_line(err) && strstr(err, "type 0"));
	h[3] = WIRE_TYPE_END;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	CHECK(one_line(err) && strstr(err, "type 8"));
	h[3] = 0xff;
	CHECK(wire_decode_header(h, &type, &blen, err, sizeof err) == -1);
	for (type = WIRE_HELLO; type < WIRE_TYPE_END; type++) {
		int got = 0;

		h[3] = (uint8_t)type;
		CHECK(wire_decode_header(h, &got, &blen, err, sizeof err) == 0);
		CHECK_EQ_U64(got, type);
	}
	/* A NULL error buffer is allowed. */
	h[2] = WIRE_VERSION + 1;
	CHECK(wire_decode_header(h, &type, &blen, NULL, 0) == -1);
}

static void test_spec_rejects(void)
{
	const struct msg_ops *o = &ops[1];
	struct tub_spec m;

	make_spec(&m);
	m.session = 0;
	EXPECT_ENC_REJECT(o, &m, "session");

	make_spec(&m);
	m.proto = TUB_PROTO_COUNT;
	EXPECT_ENC_REJECT(o, &m, "proto 3");
	m.proto = 0xff;
	EXPECT_ENC_REJECT(o, &m, "proto");

	make_spec(&m);
	m.kind = TUB_KIND_COUNT;
	EXPECT_ENC_REJECT(o, &m, "kind 6");
	m.kind = 0x80;
	EXPECT_ENC_REJECT(o, &m, "kind");

	make_spec(&m);
	m.dir = TUB_DIR_COUNT;
	EXPECT_ENC_REJECT(o, &m, "dir 3");
	make_spec(&m);
	m.mix[1].proto = TUB_PROTO_COUNT;
	EXPECT_ENC_REJECT(o, &m, "mix proto 3");
	m.dir = 0xff;
	EXPECT_ENC_REJECT(o, &m, "dir");

	make_spec(&m);
	m.flags = 0x4;
	EXPECT_ENC_REJECT(o, &m, "flags 0x4");
	make_spec(&m);
	m.window = TUB_RUDP_WINDOW_MAX + 1;
	EXPECT_ENC_REJECT(o, &m, "window");
	make_spec(&m);
	m.cc = TUB_RUDP_CC_COUNT;
	EXPECT_ENC_REJECT(o, &m, "cc 3");
	m.flags = 0x2; /* TUB_SPEC_PACED before cc took its place */
	EXPECT_ENC_REJECT(o, &m, "flags 0x2");
}

/* String content: control characters, DEL, high bytes; and lengths equal
 * to the field size, built by hand since no struct can hold them. */
static void test_string_rejects(void)
{
	struct wire_hello h;
	struct wire_error e;
	struct tub_spec sp;
	struct tb t;
	const uint8_t *body;
	size_t len;
	uint8_t *f;

	make_hello(&h);
	h.host[5] = '\x01';
	EXPECT_ENC_REJECT(&ops[0], &h, "host byte 5 is 0x01");
	h.host[5] = '\n';
	EXPECT_ENC_REJECT(&ops[0], &h, "host");
	h.host[5] = '\x1f';
	EXPECT_ENC_REJECT(&ops[0], &h, "host byte 5 is 0x1f");
	h.host[5] = '\x7f';
	EXPECT_ENC_REJECT(&ops[0], &h, "host byte 5 is 0x7f");
	h.host[5] = (char)0x80;
	EXPECT_ENC_REJECT(&ops[0], &h, "host byte 5 is 0x80");
	make_hello(&h);
	h.tool_version[0] = (char)0xff;
	EXPECT_ENC_REJECT(&ops[0], &h, "tool_version byte 0 is 0xff");

	make_error(&e);
	e.reason[254] = '\x1b';
	EXPECT_ENC_REJECT(&ops[5], &e, "reason byte 254");
	e.reason[254] = ' ';
	e.reason[0] = '~';
	f = encode_frame(&ops[5], &e, &body, &len);
	EXPECT_ACCEPT(&ops[5], body, len);
	free(f);

	make_spec(&sp);
	sp.remote_opts[100] = (char)0x80;
	EXPECT_ENC_REJECT(&ops[1], &sp, "remote_opts byte 100");

	/* HELLO host of exactly TUB_HOST_MAX bytes, then the largest legal. */
	t.n = 0;
	tb_u32(&t, WIRE_VERSION);
	tb_str(&t, TUB_HOST_MAX, 'a');
	tb_str(&t, 1, 'b');
	EXPECT_REJECT(&ops[0], t.b, t.n, "host is 64 bytes long");
	t.n = 0;
	tb_u32(&t, WIRE_VERSION);
	tb_str(&t, TUB_HOST_MAX - 1, 'a');
	tb_str(&t, TUB_VERSION_MAX, 'b');
	EXPECT_REJECT(&ops[0], t.b, t.n, "tool_version is 32 bytes long");
	t.n = 0;
	tb_u32(&t, WIRE_VERSION);
	tb_str(&t, TUB_HOST_MAX - 1, 'a');
	tb_str(&t, TUB_VERSION_MAX - 1, 'b');
	EXPECT_ACCEPT(&ops[0], t.b, t.n);

	/* A length far beyond the body. */
	t.n = 0;
	tb_u32(&t, WIRE_VERSION);
	tb_u16(&t, 0xffff);
	EXPECT_REJECT(&ops[0], t.b, t.n, "host");

	/* An embedded NUL, which no encoder would send. */
	t.n = 0;
	tb_u16(&t, 3);
	tb_u8(&t, 'a');
	tb_u8(&t, 0);
	tb_u8(&t, 'b');
	EXPECT_REJECT(&ops[5], t.b, t.n, "reason byte 1 is 0x00");

	t.n = 0;
	tb_str(&t, TUB_TEXT_MAX, 'x');
	EXPECT_REJECT(&ops[5], t.b, t.n, "reason is 256 bytes long");
	t.n = 0;
	tb_str(&t, TUB_TEXT_MAX - 1, 'x');
	EXPECT_ACCEPT(&ops[5], t.b, t.n);

	/* TEST with remote_opts of TUB_OPTSTR_MAX bytes: the fixed part of a
	 * valid encoding, a hand-made string, then the flags and window (two
	 * u32), cc (u8) and the rto bounds (two u64) that follow it. */
	make_spec(&sp);
	sp.remote_opts[0] = '\0';
	sp.mix[1].remote_opts[0] = '\0';
	f = encode_frame(&ops[1], &sp, &body, &len);
	{
		/* flags.. flows, nmixed and two mixed flows (their remote
		 * options empty) */
		const size_t tail = 27 + 2 + 2 * (13 + 2), head = len - tail - 2;
		uint8_t *b = xcalloc(len + TUB_OPTSTR_MAX);
		uint16_t n = htobe16(TUB_OPTSTR_MAX);

		memcpy(b, body, head);
		memcpy(b + head, &n, 2);
		memset(b + head + 2, 'o', TUB_OPTSTR_MAX);
		memcpy(b + head + 2 + TUB_OPTSTR_MAX, body + len - tail, tail);
		EXPECT_REJECT(&ops[1], b, len + TUB_OPTSTR_MAX,
			      "remote_opts is 512 bytes long");
		n = htobe16(TUB_OPTSTR_MAX - 1);
		memcpy(b + head, &n, 2);
		memcpy(b + head + 2 + TUB_OPTSTR_MAX - 1, body + len - tail,
		       tail);
		EXPECT_ACCEPT(&ops[1], b, len + TUB_OPTSTR_MAX - 1);
		free(b);
	}
	free(f);
}

/* A READY body with empty strings and the given options, by hand. */
static void ready_body(struct tb *t, uint16_t port, uint32_t mask)
{
	t->n = 0;
	tb_u16(t, port);
	tb_u32(t, 0); /* the secret, nonzero */
	tb_u32(t, 1);
	tb_str(t, 0, 0);
	tb_str(t, 0, 0);
	tb_u32(t, mask);
}

static void test_ready_rejects(void)
{
	const struct msg_ops *o = &ops[2];
	struct wire_ready m;
	struct tb t;

	make_ready(&m);
	m.data_port = 0;
	EXPECT_ENC_REJECT(o, &m, "data_port");
	make_ready(&m);
	m.secret = 0;
	EXPECT_ENC_REJECT(o, &m, "secret is 0");

	make_ready(&m);
	m.sndbuf_clamped = 2;
	EXPECT_ENC_REJECT(o, &m, "sndbuf_clamped is 2");
	make_ready(&m);
	m.rcvbuf_clamped = 2;
	EXPECT_ENC_REJECT(o, &m, "rcvbuf_clamped is 2");

	make_ready(&m);
	m.granted.value[SOCKOPT_NODELAY] = 2;
	EXPECT_ENC_REJECT(o, &m, "nodelay is 2");
	m.granted.value[SOCKOPT_NODELAY] = -1;
	EXPECT_ENC_REJECT(o, &m, "nodelay is -1");
	make_ready(&m);
	m.granted.value[SOCKOPT_KEEPALIVE] = 0x100000000ll;
	EXPECT_ENC_REJECT(o, &m, "keepalive");

	make_ready(&m);
	m.granted.congestion[2] = '\t';
	EXPECT_ENC_REJECT(o, &m, "congestion byte 2");

	/* Unknown mask bits: the first past the table, and the top one. */
	ready_body(&t, 1, 1u << SOCKOPT_COUNT);
	tb_u8(&t, 0);
	tb_u8(&t, 0);
	tb_str(&t, 0, 0);
	EXPECT_REJECT(o, t.b, t.n, "mask");
	ready_body(&t, 1, 1u << 31 | 1u << SOCKOPT_SNDBUF);
	EXPECT_REJECT(o, t.b, t.n, "mask");

	/* Congestion name of SOCKOPT_NAME_MAX bytes; then the largest legal. */
	ready_body(&t, 1, 1u << SOCKOPT_CONGESTION);
	tb_str(&t, SOCKOPT_NAME_MAX, 'c');
	tb_u8(&t, 0);
	tb_u8(&t, 0);
	tb_str(&t, 0, 0);
	EXPECT_REJECT(o, t.b, t.n, "congestion is 16 bytes long");
	ready_body(&t, 1, 1u << SOCKOPT_CONGESTION);
	tb_str(&t, SOCKOPT_NAME_MAX - 1, 'c');
	tb_u8(&t, 0);
	tb_u8(&t, 1);
	tb_str(&t, 0, 0);
	EXPECT_ACCEPT(o, t.b, t.n);
	/* The flags follow: 2 is refused there too. */
	t.b[t.n - 3] = 2;
	EXPECT_REJECT(o, t.b, t.n, "rcvbuf_clamped");
}

static void test_side_rejects(void)
{
	struct tub_side *m = xcalloc(sizeof *m);
	const uint8_t *body;
	uint8_t *f, *b;
	size_t len, i;

	for (i = 3; i <= 4; i++) {
		const struct msg_ops *o = &ops[i];

		make_side(m, 1);
		m->tx.tcpi.valid = 2;
		EXPECT_ENC_REJECT(o, m, "tx.tcpi.valid is 2");

		make_side(m, 1);
		m->rx.jitter_ns = NAN;
		EXPECT_ENC_REJECT(o, m, "rx.jitter_ns");
		m->rx.jitter_ns = -NAN;
		EXPECT_ENC_REJECT(o, m, "rx.jitter_ns");
		m->rx.jitter_ns = -1.0;
		EXPECT_ENC_REJECT(o, m, "rx.jitter_ns is -1");
		m->rx.jitter_ns = -1e-300;
		EXPECT_ENC_REJECT(o, m, "rx.jitter_ns");
		m->rx.jitter_ns = INFINITY;
		EXPECT_ENC_REJECT(o, m, "rx.jitter_ns is inf");

		/* The wire layout the offsets below rely on. */
		make_side(m, 0);
		f = encode_frame(o, m, &body, &len);
		CHECK_EQ_U64(len, SIDE_TX_IV + IV_HDR + RX_IV + IV_HDR + SIDE_CPU);
		CHECK_EQ_U64(body[SIDE_TCPI_VALID], 1);

		/* tx.iv.n = MAX + 1, with MAX + 1 entries really present. */
		b = xcalloc(len + (TUB_INTERVALS_MAX + 1) * IV_ENTRY);
		memcpy(b, body, SIDE_TX_IV + IV_HDR);
		memcpy(b + SIDE_TX_IV + IV_HDR +
			       (TUB_INTERVALS_MAX + 1) * IV_ENTRY,
		       body + SIDE_TX_IV + IV_HDR, RX_IV + IV_HDR);
		patch_u32(b + SIDE_TX_IV, TUB_INTERVALS_MAX + 1);
		EXPECT_REJECT(o, b, len + (TUB_INTERVALS_MAX + 1) * IV_ENTRY,
			      "tx.iv.n is 1025");
		patch_u32(b + SIDE_TX_IV, 0xffffffffu);
		EXPECT_REJECT(o, b, len + (TUB_INTERVALS_MAX + 1) * IV_ENTRY,
			      "tx.iv.n");
		/* The same frame with one entry fewer is fine. */
		memmove(b + SIDE_TX_IV + IV_HDR + TUB_INTERVALS_MAX * IV_ENTRY,
			b + SIDE_TX_IV + IV_HDR +
				(TUB_INTERVALS_MAX + 1) * IV_ENTRY,
			RX_IV + IV_HDR);
		patch_u32(b + SIDE_TX_IV, TUB_INTERVALS_MAX);
		EXPECT_ACCEPT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY);
		free(b);

		/* rx.iv.n = MAX + 1: rx's intervals, then the CPU, end the
		 * body. */
		size_t head = len - SIDE_CPU;
		b = xcalloc(len + (TUB_INTERVALS_MAX + 1) * IV_ENTRY);
		memcpy(b, body, head);
		memcpy(b + head + (TUB_INTERVALS_MAX + 1) * IV_ENTRY,
		       body + head, SIDE_CPU);
		patch_u32(b + head - IV_HDR, TUB_INTERVALS_MAX + 1);
		EXPECT_REJECT(o, b, len + (TUB_INTERVALS_MAX + 1) * IV_ENTRY,
			      "rx.iv.n is 1025");
		memmove(b + head + TUB_INTERVALS_MAX * IV_ENTRY,
			b + head + (TUB_INTERVALS_MAX + 1) * IV_ENTRY, SIDE_CPU);
		patch_u32(b + head - IV_HDR, TUB_INTERVALS_MAX);
		EXPECT_ACCEPT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY);

		/* Jitter patched on the wire: NaN bits, negative zero ok. */
		patch_u64(b + SIDE_TX_IV + IV_HDR + RX_JITTER,
			  0x7ff8000000000001ull);
		EXPECT_REJECT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY,
			      "jitter_ns");
		patch_u64(b + SIDE_TX_IV + IV_HDR + RX_JITTER,
			  0x8000000000000000ull);
		EXPECT_ACCEPT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY);
		patch_u8(b + SIDE_TX_IV + IV_HDR + RX_END_HOW, TUB_END_COUNT);
		EXPECT_REJECT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY,
			      "end_how");
		patch_u8(b + SIDE_TX_IV + IV_HDR + RX_END_HOW, TUB_END_FIN);
		EXPECT_ACCEPT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY);
		patch_u8(b + SIDE_TCPI_VALID, 0xff);
		EXPECT_REJECT(o, b, len + TUB_INTERVALS_MAX * IV_ENTRY,
			      "tcpi.valid");
		free(b);
		free(f);
	}
	free(m);
}

/* ---- encoders -------------------------------------------------------- */

#define GUARD 0xa5
#define GUARD_LEN 64

/* Encode into cap bytes followed by a guard; nothing past cap may change. */
static int encode_guarded(const struct msg_ops *o, const void *m, size_t cap)
{
	uint8_t *b = malloc(cap + GUARD_LEN);
	size_t i, touched = 0;
	int n;

	memset(b, GUARD, cap + GUARD_LEN);
	n = o->enc(b, cap, m);
	for (i = cap; i < cap + GUARD_LEN; i++)
		touched += b[i] != GUARD;
	CHECK_EQ_U64(touched, 0);
	free(b);
	return n;
}

static void test_encoder_bounds(const struct samples *s)
{
	struct tub_side *big = xcalloc(sizeof *big);
	size_t i, cap, bad;

	for (i = 0; i < N_OPS; i++) {
		const struct msg_ops *o = &ops[i];
		const uint8_t *body;
		size_t len;
		uint8_t *f = encode_frame(o, s->msg[i], &body, &len);
		size_t full = len + WIRE_HDR_LEN;
		uint8_t *exact;

		CHECK_EQ_U64(encode_guarded(o, s->msg[i], full), full);
		CHECK_EQ_U64(encode_guarded(o, s->msg[i], full - 1), -1);
		/* Exactly-sized heap block: ASan sees any overflow. */
		exact = malloc(full - 1);
		CHECK(o->enc(exact, full - 1, s->msg[i]) == -1);
		free(exact);

		bad = 0;
		for (cap = 0; cap < full; cap++)
			bad += encode_guarded(o, s->msg[i], cap) != -1;
		CHECK_EQ_U64(bad, 0);
		CHECK(o->enc(NULL, 0, s->msg[i]) == -1);
		free(f);
	}

	/* The largest frame. */
	make_side(big, TUB_INTERVALS_MAX);
	{
		const uint8_t *body;
		size_t len;
		uint8_t *f = encode_frame(&ops[3], big, &body, &len);

		CHECK(len <= WIRE_MAX_BODY);
		CHECK_EQ_U64(encode_guarded(&ops[3], big, len + WIRE_HDR_LEN -
								  1), -1);
		CHECK_EQ_U64(encode_guarded(&ops[4], big, len + WIRE_HDR_LEN),
			     len + WIRE_HDR_LEN);
		free(f);
	}
	free(big);
}

/* Input no peer could decode is refused by the encoder itself. */
static void test_encoder_refuses(void)
{
	uint8_t *f = xcalloc(WIRE_MAX_FRAME);
	struct tub_side *side = xcalloc(sizeof *side);
	struct wire_hello h;
	struct wire_ready r;
	struct wire_error e;

	make_side(side, 1);
	side->tx.iv.n = TUB_INTERVALS_MAX + 1;
	CHECK(wire_encode_done(f, WIRE_MAX_FRAME, side) == -1);
	make_side(side, 1);
	side->rx.iv.n = 0xffffffffu;
	CHECK(wire_encode_result(f, WIRE_MAX_FRAME, side) == -1);

	make_hello(&h);
	memset(h.host, 'h', sizeof h.host); /* no NUL */
	CHECK(wire_encode_hello(f, WIRE_MAX_FRAME, &h) == -1);
	make_error(&e);
	memset(e.reason, 'e', sizeof e.reason);
	CHECK(wire_encode_error(f, WIRE_MAX_FRAME, &e) == -1);

	make_ready(&r);
	r.granted.mask |= 1u << SOCKOPT_COUNT;
	CHECK(wire_encode_ready(f, WIRE_MAX_FRAME, &r) == -1);
	make_ready(&r);
	memset(r.granted.congestion, 'c', sizeof r.granted.congestion);
	CHECK(wire_encode_ready(f, WIRE_MAX_FRAME, &r) == -1);
	free(side);
	free(f);
}

/* Decoders clear their output first: stale values never leak through. */
static void test_decoders_zero(void)
{
	struct wire_ready in, out;
	struct tub_side *side = xcalloc(sizeof *side);
	const uint8_t *body;
	size_t len;
	char err[TUB_TEXT_MAX];
	uint8_t *f;
	int id, stale = 0;

	make_ready(&in);
	in.granted.mask = 1u << SOCKOPT_TOS;
	in.granted.value[SOCKOPT_TOS] = 0x10;
	f = encode_frame(&ops[2], &in, &body, &len);
	memset(&out, 0x5a, sizeof out);
	CHECK(wire_decode_ready(body, len, &out, err, sizeof err) == 0);
	for (id = 0; id < SOCKOPT_COUNT; id++)
		stale += id != SOCKOPT_TOS && out.granted.value[id] != 0;
	CHECK_EQ_U64(stale, 0);
	CHECK_EQ_U64(out.granted.value[SOCKOPT_TOS], 0x10);
	CHECK_STR(out.granted.congestion, "");
	free(f);

	make_side(side, 0);
	f = encode_frame(&ops[3], side, &body, &len);
	memset(side, 0x5a, sizeof *side);
	CHECK(wire_decode_done(body, len, side, err, sizeof err) == 0);
	CHECK_EQ_U64(side->tx.iv.s[0].bytes, 0);
	CHECK_EQ_U64(side->rx.iv.s[TUB_INTERVALS_MAX - 1].msgs, 0);
	free(f);
	free(side);
}

/* ---- data header ----------------------------------------------------- */

static void test_data(void)
{
	uint8_t p[WIRE_DATA_HDR_LEN + 8];
	struct wire_data in = {0xdeadbeefu, WIRE_DATA_END, U64_ONES,
			       0x0102030405060708ull};
	struct wire_data out;
	size_t l;
	int bad = 0;

	memset(p, GUARD, sizeof p);
	wire_data_encode(p, &in);
	CHECK_EQ_U64(p[WIRE_DATA_HDR_LEN], GUARD);
	CHECK_EQ_U64(p[0], 0xde); /* big-endian on the wire */
	CHECK_EQ_U64(p[7], 0x01);
	CHECK_EQ_U64(p[23], 0x08);
	CHECK(wire_data_decode(p, WIRE_DATA_HDR_LEN, &out) == 0);
	CHECK_EQ_U64(out.session, in.session);
	CHECK_EQ_U64(out.flags, in.flags);
	CHECK_EQ_U64(out.seq, in.seq);
	CHECK_EQ_U64(out.send_ns, in.send_ns);
	CHECK(wire_data_decode(p, sizeof p, &out) == 0);

	for (l = 0; l < WIRE_DATA_HDR_LEN; l++)
		bad += wire_data_decode(p, l, &out) != -1;
	CHECK_EQ_U64(bad, 0);

	in.flags = 0;
	wire_data_encode(p, &in);
	CHECK(wire_data_decode(p, WIRE_DATA_HDR_LEN, &out) == 0);
	CHECK_EQ_U64(out.flags, 0);
	in.flags = 0x2;
	wire_data_encode(p, &in);
	CHECK(wire_data_decode(p, WIRE_DATA_HDR_LEN, &out) == -1);
	in.flags = 0x80000000u | WIRE_DATA_END;
	wire_data_encode(p, &in);
	CHECK(wire_data_decode(p, WIRE_DATA_HDR_LEN, &out) == -1);
}

/* ---- fuzz ------------------------------------------------------------ */

/* Random bodies to every decoder, and mutated valid bodies to their own
 * decoder. Nothing may crash (the sanitizers watch); a failure gives a
 * one-line reason; a body that is accepted encodes back to the same bytes. */
static void test_fuzz(const struct samples *s)
{
	uint8_t *frames[N_OPS], *body = xcalloc(FUZZ_MAX_LEN);
	uint8_t *re = xcalloc(WIRE_MAX_FRAME);
	const uint8_t *valid[N_OPS];
	size_t valid_len[N_OPS], i, j, len;
	void *out = xcalloc(sizeof(struct tub_side));
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	unsigned long bad_err = 0, bad_re = 0, accepted = 0;
	char err[TUB_TEXT_MAX];
	struct wire_data d;
	uint32_t blen;
	int type;
	long r;

	for (i = 0; i < N_OPS; i++)
		frames[i] = encode_frame(&ops[i], s->msg[i], &valid[i],
					 &valid_len[i]);
	for (r = 0; r < FUZZ_ROUNDS; r++) {
		const struct msg_ops *o;
		int n;

		len = xorshift(&seed) % FUZZ_MAX_LEN;
		for (j = 0; j < len; j++)
			body[j] = (uint8_t)xorshift(&seed);
		for (i = 0; i < N_OPS; i++) {
			if (ops[i].dec(body, len, out, err, sizeof err) == 0)
				accepted++;
			else
				bad_err += !one_line(err);
		}
		if (len >= WIRE_HDR_LEN)
			wire_decode_header(body, &type, &blen, err, sizeof err);
		wire_data_decode(body, len, &d);

		/* A valid body, a few bytes changed, maybe cut or grown. */
		i = xorshift(&seed) % N_OPS;
		o = &ops[i];
		len = valid_len[i];
		if (len > FUZZ_MAX_LEN)
			len = FUZZ_MAX_LEN;
		memcpy(body, valid[i], len);
		for (j = xorshift(&seed) % 4 + 1; j > 0 && len; j--)
			body[xorshift(&seed) % len] = (uint8_t)xorshift(&seed);
		if (xorshift(&seed) % 8 == 0)
			len = xorshift(&seed) % FUZZ_MAX_LEN;
		if (o->dec(body, len, out, err, sizeof err) != 0) {
			bad_err += !one_line(err);
			continue;
		}
		accepted++;
		n = o->enc(re, WIRE_MAX_FRAME, out);
		bad_re += n < 0 || (size_t)n != len + WIRE_HDR_LEN ||
			  memcmp(re + WIRE_HDR_LEN, body, len) != 0;
	}
	CHECK_EQ_U64(bad_err, 0);
	CHECK_EQ_U64(bad_re, 0);
	CHECK(accepted > 0);
	for (i = 0; i < N_OPS; i++)
		free(frames[i]);
	free(out);
	free(re);
	free(body);
}

/* JOIN: the whole frame as a datagram carries it, and nothing else. */
static void test_join(void)
{
	struct wire_join in = {.session = 0x01020304u, .flow = 7,
			       .secret = 0x1122334455667788ull},
			 out;
	uint8_t f[WIRE_JOIN_LEN + 4];
	struct wire_hello h;

	CHECK(wire_encode_join(f, WIRE_JOIN_LEN - 1, &in) == -1);
	CHECK(wire_encode_join(f, sizeof f, &in) == WIRE_JOIN_LEN);
	CHECK(wire_parse_join(f, WIRE_JOIN_LEN, &out) == 0);
	CHECK_EQ_U64(out.session, in.session);
	CHECK_EQ_U64(out.flow, in.flow);
	CHECK_EQ_U64(out.secret, in.secret);
	CHECK(wire_parse_join(f, WIRE_JOIN_LEN - 1, &out) < 0);
	CHECK(wire_parse_join(f, WIRE_JOIN_LEN + 1, &out) < 0);
	f[3] = WIRE_HELLO; /* another type of the same length */
	CHECK(wire_parse_join(f, WIRE_JOIN_LEN, &out) < 0);
	make_hello(&h);
	int n = wire_encode_hello(f, sizeof f, &h);
	CHECK(n < 0 || wire_parse_join(f, (size_t)n, &out) < 0);
	uint8_t data[WIRE_JOIN_LEN] = {0}; /* a data datagram's header */
	CHECK(wire_parse_join(data, sizeof data, &out) < 0);
}

int main(void)
{
	struct samples *s = make_samples();

	test_hello_roundtrip();
	test_test_roundtrip();
	test_ready_roundtrip();
	test_side_roundtrip();
	test_error_roundtrip();
	test_truncation_and_trailing(s);
	test_header(s);
	test_spec_rejects();
	test_string_rejects();
	test_ready_rejects();
	test_side_rejects();
	test_encoder_bounds(s);
	test_encoder_refuses();
	test_decoders_zero();
	test_data();
	test_join();
	test_fuzz(s);
	free(s);
	return check_done("test_wire");
}
