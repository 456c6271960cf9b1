/* Control frames and the data header: big-endian fields written into and
 * read from byte buffers, with every length and field checked on the way in. */
#include "wire.h"

#include <endian.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"

_Static_assert(SOCKOPT_COUNT < 32, "sockopt mask is a u32");

#define SOCKOPT_MASK_KNOWN ((1u << SOCKOPT_COUNT) - 1)

static void vset_err(char *err, size_t errlen, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void vset_err(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset_err(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- writer ---------------------------------------------------------- */

/* Appends fields; one that does not fit (or input that cannot be encoded)
 * marks the writer failed, and nothing is written past cap. */
struct wbuf {
	uint8_t *p;
	size_t cap;
	size_t len;
	int failed;
};

static void put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (w->failed || n > w->cap - w->len) {
		w->failed = 1;
		return;
	}
	if (n == 0)
		return;
	memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put_u8(struct wbuf *w, uint8_t v)
{
	put_bytes(w, &v, 1);
}

static void put_u16(struct wbuf *w, uint16_t v)
{
	uint8_t b[sizeof v];

	bytes_put16(b, v);
	put_bytes(w, b, sizeof b);
}

static void put_u32(struct wbuf *w, uint32_t v)
{
	uint8_t b[sizeof v];

	bytes_put32(b, v);
	put_bytes(w, b, sizeof b);
}

static void put_u64(struct wbuf *w, uint64_t v)
{
	uint8_t b[sizeof v];

	bytes_put64(b, v);
	put_bytes(w, b, sizeof b);
}

static void put_double(struct wbuf *w, double d)
{
	uint64_t bits;

	memcpy(&bits, &d, sizeof bits);
	put_u64(w, bits);
}

/* A string field of size bytes must hold its NUL; one that does not cannot
 * be decoded by the peer, so it is refused here. */
static void put_str(struct wbuf *w, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	if (n == size) {
		w->failed = 1;
		return;
	}
	put_u16(w, (uint16_t)n);
	put_bytes(w, s, n);
}

static void frame_begin(struct wbuf *w, uint8_t *buf, size_t cap,
			enum wire_type type)
{
	w->p = buf;
	w->cap = cap;
	w->len = 0;
	w->failed = 0;
	put_u16(w, WIRE_MAGIC);
	put_u8(w, WIRE_VERSION);
	put_u8(w, (uint8_t)type);
	put_u32(w, 0); /* body length, filled in by frame_end */
}

static int frame_end(struct wbuf *w)
{
	size_t body = w->len - WIRE_HDR_LEN;
	uint32_t be;

	if (w->failed || body > WIRE_MAX_BODY)
		return -1;
	be = htobe32((uint32_t)body);
	memcpy(w->p + 4, &be, sizeof be);
	return (int)w->len;
}

/* ---- reader ---------------------------------------------------------- */

/* Takes fields off a body; the first problem marks the reader failed and
 * writes "MSG: reason" to err; later reads return 0 and change nothing. */
struct rbuf {
	const uint8_t *p;
	size_t len;
	size_t off;
	int failed;
	const char *msg;  /* "TEST": starts every reason */
	const char *part; /* prefix of field names: "", "tx.", "granted." */
	char *err;
	size_t errlen;
};

static void rd_fail(struct rbuf *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void rd_fail(struct rbuf *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return;
	r->failed = 1;
	if (!r->err || !r->errlen)
		return;
	n = snprintf(r->err, r->errlen, "%s: ", r->msg);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vset_err(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static void rd_begin(struct rbuf *r, const uint8_t *body, size_t len,
		     const char *msg, char *err, size_t errlen)
{
	r->p = body;
	r->len = len;
	r->off = 0;
	r->failed = 0;
	r->msg = msg;
	r->part = "";
	r->err = err;
	r->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
}

/* 0, or -1 if failed (now or before), with trailing bytes a failure. */
static int rd_finish(struct rbuf *r)
{
	if (!r->failed && r->off != r->len)
		rd_fail(r, "%zu trailing bytes", r->len - r->off);
	return r->failed ? -1 : 0;
}

static int get_bytes(struct rbuf *r, void *dst, size_t n, const char *name)
{
	if (r->failed)
		return -1;
	if (n > r->len - r->off) {
		rd_fail(r, "body ends before %s%s", r->part, name);
		return -1;
	}
	if (n) {
		memcpy(dst, r->p + r->off, n);
		r->off += n;
	}
	return 0;
}

static uint8_t get_u8(struct rbuf *r, const char *name)
{
	uint8_t v = 0;

	get_bytes(r, &v, sizeof v, name);
	return v;
}

static uint16_t get_u16(struct rbuf *r, const char *name)
{
	uint8_t b[sizeof(uint16_t)] = {0};

	get_bytes(r, b, sizeof b, name);
	return bytes_get16(b);
}

static uint32_t get_u32(struct rbuf *r, const char *name)
{
	uint8_t b[sizeof(uint32_t)] = {0};

	get_bytes(r, b, sizeof b, name);
	return bytes_get32(b);
}

static uint64_t get_u64(struct rbuf *r, const char *name)
{
	uint8_t b[sizeof(uint64_t)] = {0};

	get_bytes(r, b, sizeof b, name);
	return bytes_get64(b);
}

static double get_double(struct rbuf *r, const char *name)
{
	uint64_t bits = get_u64(r, name);
	double d;

	memcpy(&d, &bits, sizeof d);
	return d;
}

/* A u8 that must be 0 or 1. */
static uint8_t get_bool(struct rbuf *r, const char *name)
{
	uint8_t v = get_u8(r, name);

	if (v > 1)
		rd_fail(r, "%s%s is %u, not 0 or 1", r->part, name,
			(unsigned)v);
	return v;
}

/* A u8 enum value below count. */
static uint8_t get_enum(struct rbuf *r, const char *name, unsigned count)
{
	uint8_t v = get_u8(r, name);

	if (v >= count)
		rd_fail(r, "%s%s %u out of range (0..%u)", r->part, name,
			(unsigned)v, count - 1);
	return v;
}

/* A string into dst[size]: shorter than size, printable ASCII, always
 * NUL-terminated (empty on failure). */
static void get_str(struct rbuf *r, char *dst, size_t size, const char *name)
{
	uint16_t n = get_u16(r, name);
	size_t i;

	dst[0] = '\0';
	if (r->failed)
		return;
	if (n >= size) {
		rd_fail(r, "%s%s is %u bytes long, at most %zu", r->part, name,
			(unsigned)n, size - 1);
		return;
	}
	if (get_bytes(r, dst, n, name))
		return;
	dst[n] = '\0';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)dst[i];

		if (c < 0x20 || c > 0x7e) {
			dst[0] = '\0';
			rd_fail(r, "%s%s byte %zu is 0x%02x, not printable",
				r->part, name, i, (unsigned)c);
			return;
		}
	}
}

/* ---- shared parts: intervals, one side's report, an option set ------- */

static void put_intervals(struct wbuf *w, const struct tub_intervals *iv)
{
	uint32_t i;

	if (iv->n > TUB_INTERVALS_MAX) {
		w->failed = 1;
		return;
	}
	put_u32(w, iv->n);
	put_u32(w, iv->truncated);
	for (i = 0; i < iv->n; i++) {
		put_u64(w, iv->s[i].end_ns);
		put_u64(w, iv->s[i].bytes);
		put_u64(w, iv->s[i].msgs);
	}
}

static void get_intervals(struct rbuf *r, struct tub_intervals *iv)
{
	uint32_t n = get_u32(r, "iv.n");
	uint32_t i;

	if (n > TUB_INTERVALS_MAX) {
		rd_fail(r, "%siv.n is %" PRIu32 ", at most %d", r->part, n,
			TUB_INTERVALS_MAX);
		return;
	}
	iv->truncated = get_u32(r, "iv.truncated");
	for (i = 0; i < n && !r->failed; i++) {
		iv->s[i].end_ns = get_u64(r, "iv.s.end_ns");
		iv->s[i].bytes = get_u64(r, "iv.s.bytes");
		iv->s[i].msgs = get_u64(r, "iv.s.msgs");
	}
	iv->n = n;
}

static void put_kernel(struct wbuf *w, const struct tub_kernel *k)
{
	put_u8(w, k->valid);
	put_u64(w, k->udp_rcvbuf_errors);
	put_u64(w, k->ip_reasm_fails);
	put_u64(w, k->tcp_retrans_segs);
}

static void get_kernel(struct rbuf *r, struct tub_kernel *k)
{
	k->valid = get_bool(r, "kernel.valid");
	k->udp_rcvbuf_errors = get_u64(r, "kernel.udp_rcvbuf_errors");
	k->ip_reasm_fails = get_u64(r, "kernel.ip_reasm_fails");
	k->tcp_retrans_segs = get_u64(r, "kernel.tcp_retrans_segs");
}

static void put_tx(struct wbuf *w, const struct tub_tx *tx)
{
	put_u64(w, tx->bytes);
	put_u64(w, tx->msgs);
	put_u64(w, tx->calls);
	put_u64(w, tx->bufs);
	put_u64(w, tx->elapsed_ns);
	put_u64(w, tx->blocked);
	put_u64(w, tx->enobufs);
	put_u64(w, tx->unsent_bytes);
	put_u64(w, tx->unacked_bytes);
	put_kernel(w, &tx->kernel);
	put_u8(w, tx->tcpi.valid);
	put_u32(w, tx->tcpi.total_retrans);
	put_u32(w, tx->tcpi.rtt_us);
	put_u32(w, tx->tcpi.rttvar_us);
	put_u32(w, tx->tcpi.snd_cwnd);
	put_u32(w, tx->tcpi.snd_mss);
	put_u8(w, tx->rudp.valid);
	put_u64(w, tx->rudp.retrans_timeout);
	put_u64(w, tx->rudp.retrans_fast);
	put_u64(w, tx->rudp.spurious);
	put_u64(w, tx->rudp.pkts_sent);
	put_u64(w, tx->rudp.srtt_ns);
	put_u64(w, tx->rudp.tlp);
	put_u64(w, tx->rudp.rack_losses);
	put_u64(w, tx->rudp.spurious_rack);
	put_u64(w, tx->rudp.max_silence_ns);
	put_u32(w, tx->rudp.cwnd);
	put_intervals(w, &tx->iv);
}

static void get_tx(struct rbuf *r, struct tub_tx *tx)
{
	r->part = "tx.";
	tx->bytes = get_u64(r, "bytes");
	tx->msgs = get_u64(r, "msgs");
	tx->calls = get_u64(r, "calls");
	tx->bufs = get_u64(r, "bufs");
	tx->elapsed_ns = get_u64(r, "elapsed_ns");
	tx->blocked = get_u64(r, "blocked");
	tx->enobufs = get_u64(r, "enobufs");
	tx->unsent_bytes = get_u64(r, "unsent_bytes");
	tx->unacked_bytes = get_u64(r, "unacked_bytes");
	get_kernel(r, &tx->kernel);
	tx->tcpi.valid = get_bool(r, "tcpi.valid");
	tx->tcpi.total_retrans = get_u32(r, "tcpi.total_retrans");
	tx->tcpi.rtt_us = get_u32(r, "tcpi.rtt_us");
	tx->tcpi.rttvar_us = get_u32(r, "tcpi.rttvar_us");
	tx->tcpi.snd_cwnd = get_u32(r, "tcpi.snd_cwnd");
	tx->tcpi.snd_mss = get_u32(r, "tcpi.snd_mss");
	tx->rudp.valid = get_bool(r, "rudp.valid");
	tx->rudp.retrans_timeout = get_u64(r, "rudp.retrans_timeout");
	tx->rudp.retrans_fast = get_u64(r, "rudp.retrans_fast");
	tx->rudp.spurious = get_u64(r, "rudp.spurious");
	tx->rudp.pkts_sent = get_u64(r, "rudp.pkts_sent");
	tx->rudp.srtt_ns = get_u64(r, "rudp.srtt_ns");
	tx->rudp.tlp = get_u64(r, "rudp.tlp");
	tx->rudp.rack_losses = get_u64(r, "rudp.rack_losses");
	tx->rudp.spurious_rack = get_u64(r, "rudp.spurious_rack");
	tx->rudp.max_silence_ns = get_u64(r, "rudp.max_silence_ns");
	tx->rudp.cwnd = get_u32(r, "rudp.cwnd");
	get_intervals(r, &tx->iv);
	r->part = "";
}

static void put_rx(struct wbuf *w, const struct tub_rx *rx)
{
	put_u64(w, rx->bytes);
	put_u64(w, rx->msgs);
	put_u64(w, rx->calls);
	put_u64(w, rx->bufs);
	put_u64(w, rx->coalesced);
	put_u8(w, rx->gro);
	put_u64(w, rx->elapsed_ns);
	put_u64(w, rx->received);
	put_u64(w, rx->duplicates);
	put_u64(w, rx->reordered);
	put_u64(w, rx->reorder_max);
	put_u64(w, rx->too_old);
	put_u64(w, rx->wrong_session);
	put_u64(w, rx->rcvbuf_drops);
	put_u64(w, rx->end_markers);
	put_double(w, rx->jitter_ns);
	put_u8(w, rx->end_how);
	put_u64(w, rx->delay_min_ns);
	put_u64(w, rx->delay_p50_ns);
	put_u64(w, rx->delay_p99_ns);
	put_u64(w, rx->delay_max_ns);
	put_u64(w, rx->out_of_order);
	put_u64(w, rx->corrupt);
	put_u64(w, rx->dup_dropped);
	put_u64(w, rx->foreign);
	put_kernel(w, &rx->kernel);
	put_intervals(w, &rx->iv);
}

static void get_rx(struct rbuf *r, struct tub_rx *rx)
{
	r->part = "rx.";
	rx->bytes = get_u64(r, "bytes");
	rx->msgs = get_u64(r, "msgs");
	rx->calls = get_u64(r, "calls");
	rx->bufs = get_u64(r, "bufs");
	rx->coalesced = get_u64(r, "coalesced");
	rx->gro = get_bool(r, "gro");
	rx->elapsed_ns = get_u64(r, "elapsed_ns");
	rx->received = get_u64(r, "received");
	rx->duplicates = get_u64(r, "duplicates");
	rx->reordered = get_u64(r, "reordered");
	rx->reorder_max = get_u64(r, "reorder_max");
	rx->too_old = get_u64(r, "too_old");
	rx->wrong_session = get_u64(r, "wrong_session");
	rx->rcvbuf_drops = get_u64(r, "rcvbuf_drops");
	rx->end_markers = get_u64(r, "end_markers");
	rx->jitter_ns = get_double(r, "jitter_ns");
	if (!r->failed && !(isfinite(rx->jitter_ns) && rx->jitter_ns >= 0))
		rd_fail(r, "rx.jitter_ns is %g, must be finite and >= 0",
			rx->jitter_ns);
	rx->end_how = get_u8(r, "end_how");
	if (!r->failed && rx->end_how >= TUB_END_COUNT)
		rd_fail(r, "rx.end_how is %u, at most %u", rx->end_how,
			TUB_END_COUNT - 1);
	rx->delay_min_ns = get_u64(r, "delay_min_ns");
	rx->delay_p50_ns = get_u64(r, "delay_p50_ns");
	rx->delay_p99_ns = get_u64(r, "delay_p99_ns");
	rx->delay_max_ns = get_u64(r, "delay_max_ns");
	rx->out_of_order = get_u64(r, "out_of_order");
	rx->corrupt = get_u64(r, "corrupt");
	rx->dup_dropped = get_u64(r, "dup_dropped");
	rx->foreign = get_u64(r, "foreign");
	get_kernel(r, &rx->kernel);
	get_intervals(r, &rx->iv);
	r->part = "";
}

static int sockopt_is_flag(int id)
{
	const struct sockopt_info *info = sockopt_info((enum sockopt_id)id);

	return info && info->type == SOCKOPT_FLAG;
}

static const char *sockopt_name(int id)
{
	const struct sockopt_info *info = sockopt_info((enum sockopt_id)id);

	return info && info->name ? info->name : "option";
}

/* mask, then each present option in id order: congestion as a string, the
 * others as i64. */
static void put_sockopts(struct wbuf *w, const struct sockopt_set *s)
{
	int id;

	if (s->mask & ~SOCKOPT_MASK_KNOWN) {
		w->failed = 1;
		return;
	}
	put_u32(w, s->mask);
	for (id = 0; id < SOCKOPT_COUNT; id++) {
		if (!(s->mask & (1u << id)))
			continue;
		if (id == SOCKOPT_CONGESTION)
			put_str(w, s->congestion, sizeof s->congestion);
		else
			put_u64(w, (uint64_t)s->value[id]);
	}
}

static void get_sockopts(struct rbuf *r, struct sockopt_set *s)
{
	uint32_t mask;
	int id;

	r->part = "granted.";
	mask = get_u32(r, "mask");
	if (mask & ~SOCKOPT_MASK_KNOWN) {
		rd_fail(r, "granted.mask has unknown bits 0x%" PRIx32,
			mask & ~SOCKOPT_MASK_KNOWN);
		return;
	}
	s->mask = mask;
	for (id = 0; id < SOCKOPT_COUNT && !r->failed; id++) {
		const char *name = sockopt_name(id);
		int64_t v;

		if (!(mask & (1u << id)))
			continue;
		if (id == SOCKOPT_CONGESTION) {
			get_str(r, s->congestion, sizeof s->congestion, name);
			continue;
		}
		v = (int64_t)get_u64(r, name);
		if (sockopt_is_flag(id) && v != 0 && v != 1)
			rd_fail(r, "granted.%s is %" PRId64 ", not 0 or 1",
				name, v);
		s->value[id] = v;
	}
	r->part = "";
}

static int encode_side(uint8_t *buf, size_t cap, enum wire_type type,
		       const struct tub_side *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, type);
	put_tx(&w, &m->tx);
	put_rx(&w, &m->rx);
	put_u8(&w, m->cpu.valid);
	put_u64(&w, m->cpu.user_ns);
	put_u64(&w, m->cpu.sys_ns);
	put_u64(&w, m->cpu.wall_ns);
	put_u64(&w, m->rx.first_ns);
	put_u8(&w, m->rtt.valid);
	put_u64(&w, m->rtt.done);
	put_u64(&w, m->rtt.lost);
	put_u64(&w, m->rtt.late);
	put_u64(&w, m->rtt.elapsed_ns);
	put_u64(&w, m->rtt.min_ns);
	put_u64(&w, m->rtt.p50_ns);
	put_u64(&w, m->rtt.p90_ns);
	put_u64(&w, m->rtt.p99_ns);
	put_u64(&w, m->rtt.p999_ns);
	put_u64(&w, m->rtt.max_ns);
	put_u64(&w, m->rtt.mean_ns);
	put_u8(&w, m->opts.valid);
	if (m->opts.valid) {
		put_u8(&w, m->opts.sndbuf_clamped);
		put_u8(&w, m->opts.rcvbuf_clamped);
		put_sockopts(&w, &m->opts.granted);
		put_str(&w, m->opts.notes, sizeof m->opts.notes);
	}
	return frame_end(&w);
}

static int decode_side(const uint8_t *body, size_t len, const char *msg,
		       struct tub_side *m, char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, msg, err, errlen);
	get_tx(&r, &m->tx);
	get_rx(&r, &m->rx);
	m->cpu.valid = get_bool(&r, "cpu.valid");
	m->cpu.user_ns = get_u64(&r, "cpu.user_ns");
	m->cpu.sys_ns = get_u64(&r, "cpu.sys_ns");
	m->cpu.wall_ns = get_u64(&r, "cpu.wall_ns");
	m->rx.first_ns = get_u64(&r, "rx.first_ns");
	m->rtt.valid = get_bool(&r, "rtt.valid");
	m->rtt.done = get_u64(&r, "rtt.done");
	m->rtt.lost = get_u64(&r, "rtt.lost");
	m->rtt.late = get_u64(&r, "rtt.late");
	m->rtt.elapsed_ns = get_u64(&r, "rtt.elapsed_ns");
	m->rtt.min_ns = get_u64(&r, "rtt.min_ns");
	m->rtt.p50_ns = get_u64(&r, "rtt.p50_ns");
	m->rtt.p90_ns = get_u64(&r, "rtt.p90_ns");
	m->rtt.p99_ns = get_u64(&r, "rtt.p99_ns");
	m->rtt.p999_ns = get_u64(&r, "rtt.p999_ns");
	m->rtt.max_ns = get_u64(&r, "rtt.max_ns");
	m->rtt.mean_ns = get_u64(&r, "rtt.mean_ns");
	m->opts.valid = get_bool(&r, "opts.valid");
	if (m->opts.valid) {
		m->opts.sndbuf_clamped = get_bool(&r, "opts.sndbuf_clamped");
		m->opts.rcvbuf_clamped = get_bool(&r, "opts.rcvbuf_clamped");
		get_sockopts(&r, &m->opts.granted);
		get_str(&r, m->opts.notes, sizeof m->opts.notes, "opts.notes");
	}
	return rd_finish(&r);
}

/* ---- frames ---------------------------------------------------------- */

int wire_encode_hello(uint8_t *buf, size_t cap, const struct wire_hello *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, WIRE_HELLO);
	put_u32(&w, m->version);
	put_str(&w, m->host, sizeof m->host);
	put_str(&w, m->tool_version, sizeof m->tool_version);
	return frame_end(&w);
}

int wire_encode_test(uint8_t *buf, size_t cap, const struct tub_spec *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, WIRE_TEST);
	put_u32(&w, m->session);
	put_u8(&w, m->proto);
	put_u8(&w, m->kind);
	put_u8(&w, m->dir);
	put_u32(&w, m->msg_size);
	put_u64(&w, m->duration_ns);
	put_u64(&w, m->count);
	put_u64(&w, m->rate_bps);
	put_u64(&w, m->interval_ns);
	put_u64(&w, m->timeout_ns);
	put_str(&w, m->remote_opts, sizeof m->remote_opts);
	put_u32(&w, m->flags);
	put_u32(&w, m->window);
	put_u8(&w, m->cc);
	put_u64(&w, m->rto_min_ns);
	put_u64(&w, m->rto_max_ns);
	put_u16(&w, m->flows);
	put_u16(&w, m->nmixed);
	for (unsigned i = 0; i < m->nmixed && i < TUB_FLOWS_MAX; i++) {
		put_u8(&w, m->mix[i].proto);
		put_u32(&w, m->mix[i].msg_size);
		put_u64(&w, m->mix[i].rate_bps);
		put_str(&w, m->mix[i].remote_opts,
			sizeof m->mix[i].remote_opts);
	}
	return frame_end(&w);
}

int wire_encode_ready(uint8_t *buf, size_t cap, const struct wire_ready *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, WIRE_READY);
	put_u16(&w, m->data_port);
	put_u64(&w, m->secret);
	put_str(&w, m->host, sizeof m->host);
	put_str(&w, m->tool_version, sizeof m->tool_version);
	put_sockopts(&w, &m->granted);
	put_u8(&w, m->sndbuf_clamped);
	put_u8(&w, m->rcvbuf_clamped);
	put_str(&w, m->notes, sizeof m->notes);
	return frame_end(&w);
}

int wire_encode_done(uint8_t *buf, size_t cap, const struct tub_side *m)
{
	return encode_side(buf, cap, WIRE_DONE, m);
}

int wire_encode_result(uint8_t *buf, size_t cap, const struct tub_side *m)
{
	return encode_side(buf, cap, WIRE_RESULT, m);
}

int wire_encode_join(uint8_t *buf, size_t cap, const struct wire_join *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, WIRE_JOIN);
	put_u32(&w, m->session);
	put_u16(&w, m->flow);
	put_u64(&w, m->secret);
	return frame_end(&w);
}

int wire_encode_error(uint8_t *buf, size_t cap, const struct wire_error *m)
{
	struct wbuf w;

	frame_begin(&w, buf, cap, WIRE_ERROR);
	put_str(&w, m->reason, sizeof m->reason);
	return frame_end(&w);
}

int wire_decode_header(const uint8_t *hdr, int *type, uint32_t *body_len,
		       char *err, size_t errlen)
{
	uint16_t magic;
	uint32_t len;

	*type = 0;
	*body_len = 0;
	memcpy(&magic, hdr, sizeof magic);
	magic = be16toh(magic);
	if (magic != WIRE_MAGIC) {
		set_err(err, errlen, "not a tcpudp-bench peer (magic 0x%04x)",
			(unsigned)magic);
		return -1;
	}
	if (hdr[2] != WIRE_VERSION) {
		set_err(err, errlen, "the peer speaks protocol version %u, "
			"this end %d", (unsigned)hdr[2], WIRE_VERSION);
		return -1;
	}
	if (hdr[3] == 0 || hdr[3] >= WIRE_TYPE_END) {
		set_err(err, errlen, "unknown message type %u",
			(unsigned)hdr[3]);
		return -1;
	}
	memcpy(&len, hdr + 4, sizeof len);
	len = be32toh(len);
	if (len > WIRE_MAX_BODY) {
		set_err(err, errlen, "body length %" PRIu32 ", at most %u", len,
			WIRE_MAX_BODY);
		return -1;
	}
	*type = hdr[3];
	*body_len = len;
	return 0;
}

int wire_decode_hello(const uint8_t *body, size_t len, struct wire_hello *m,
		      char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, "HELLO", err, errlen);
	m->version = get_u32(&r, "version");
	get_str(&r, m->host, sizeof m->host, "host");
	get_str(&r, m->tool_version, sizeof m->tool_version, "tool_version");
	return rd_finish(&r);
}

int wire_decode_test(const uint8_t *body, size_t len, struct tub_spec *m,
		     char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, "TEST", err, errlen);
	m->session = get_u32(&r, "session");
	if (!r.failed && m->session == 0)
		rd_fail(&r, "session is 0");
	m->proto = get_enum(&r, "proto", TUB_PROTO_COUNT);
	m->kind = get_enum(&r, "kind", TUB_KIND_COUNT);
	m->dir = get_enum(&r, "dir", TUB_DIR_COUNT);
	m->msg_size = get_u32(&r, "msg_size");
	m->duration_ns = get_u64(&r, "duration_ns");
	m->count = get_u64(&r, "count");
	m->rate_bps = get_u64(&r, "rate_bps");
	m->interval_ns = get_u64(&r, "interval_ns");
	m->timeout_ns = get_u64(&r, "timeout_ns");
	get_str(&r, m->remote_opts, sizeof m->remote_opts, "remote_opts");
	m->flags = get_u32(&r, "flags");
	if (!r.failed && (m->flags & ~TUB_SPEC_KNOWN_FLAGS))
		rd_fail(&r, "flags 0x%x has unknown bits", m->flags);
	m->window = get_u32(&r, "window");
	if (!r.failed && m->window > TUB_RUDP_WINDOW_MAX)
		rd_fail(&r, "window %u over %u", m->window,
			TUB_RUDP_WINDOW_MAX);
	m->cc = get_enum(&r, "cc", TUB_RUDP_CC_COUNT);
	m->rto_min_ns = get_u64(&r, "rto_min_ns");
	m->rto_max_ns = get_u64(&r, "rto_max_ns");
	m->flows = get_u16(&r, "flows");
	if (!r.failed && m->flows > TUB_FLOWS_MAX)
		rd_fail(&r, "flows %u over %u", m->flows, TUB_FLOWS_MAX);
	m->nmixed = get_u16(&r, "nmixed");
	if (!r.failed && m->nmixed > TUB_FLOWS_MAX)
		rd_fail(&r, "nmixed %u over %u", m->nmixed, TUB_FLOWS_MAX);
	for (unsigned i = 0; !r.failed && i < m->nmixed; i++) {
		m->mix[i].proto = get_enum(&r, "mix proto", TUB_PROTO_COUNT);
		m->mix[i].msg_size = get_u32(&r, "mix msg_size");
		m->mix[i].rate_bps = get_u64(&r, "mix rate_bps");
		get_str(&r, m->mix[i].remote_opts,
			sizeof m->mix[i].remote_opts, "mix remote_opts");
	}
	return rd_finish(&r);
}

int wire_decode_ready(const uint8_t *body, size_t len, struct wire_ready *m,
		      char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, "READY", err, errlen);
	m->data_port = get_u16(&r, "data_port");
	if (!r.failed && m->data_port == 0)
		rd_fail(&r, "data_port is 0");
	m->secret = get_u64(&r, "secret");
	if (!r.failed && m->secret == 0)
		rd_fail(&r, "secret is 0");
	get_str(&r, m->host, sizeof m->host, "host");
	get_str(&r, m->tool_version, sizeof m->tool_version, "tool_version");
	get_sockopts(&r, &m->granted);
	m->sndbuf_clamped = get_bool(&r, "sndbuf_clamped");
	m->rcvbuf_clamped = get_bool(&r, "rcvbuf_clamped");
	get_str(&r, m->notes, sizeof m->notes, "notes");
	return rd_finish(&r);
}

int wire_decode_done(const uint8_t *body, size_t len, struct tub_side *m,
		     char *err, size_t errlen)
{
	return decode_side(body, len, "DONE", m, err, errlen);
}

int wire_decode_result(const uint8_t *body, size_t len, struct tub_side *m,
		       char *err, size_t errlen)
{
	return decode_side(body, len, "RESULT", m, err, errlen);
}

int wire_decode_error(const uint8_t *body, size_t len, struct wire_error *m,
		      char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, "ERROR", err, errlen);
	get_str(&r, m->reason, sizeof m->reason, "reason");
	return rd_finish(&r);
}

/* ---- data header ----------------------------------------------------- */

void wire_data_encode(uint8_t *p, const struct wire_data *d)
{
	bytes_put32(p, d->session);
	bytes_put32(p + 4, d->flags);
	bytes_put64(p + 8, d->seq);
	bytes_put64(p + 16, d->send_ns);
}

int wire_data_decode(const uint8_t *p, size_t len, struct wire_data *d)
{
	memset(d, 0, sizeof *d);
	if (len < WIRE_DATA_HDR_LEN)
		return -1;
	d->flags = bytes_get32(p + 4);
	if (d->flags & ~WIRE_DATA_KNOWN_FLAGS) {
		d->flags = 0;
		return -1;
	}
	d->session = bytes_get32(p);
	d->seq = bytes_get64(p + 8);
	d->send_ns = bytes_get64(p + 16);
	return 0;
}

int wire_decode_join(const uint8_t *body, size_t len, struct wire_join *m,
		     char *err, size_t errlen)
{
	struct rbuf r;

	memset(m, 0, sizeof *m);
	rd_begin(&r, body, len, "JOIN", err, errlen);
	m->session = get_u32(&r, "session");
	m->flow = get_u16(&r, "flow");
	m->secret = get_u64(&r, "secret");
	return rd_finish(&r);
}

int wire_parse_join(const uint8_t *frame, size_t len, struct wire_join *m)
{
	char why[TUB_TEXT_MAX];
	uint32_t blen;
	int type;

	if (len != WIRE_JOIN_LEN ||
	    wire_decode_header(frame, &type, &blen, why, sizeof why) < 0 ||
	    type != WIRE_JOIN || blen != len - WIRE_HDR_LEN)
		return -1;
	return wire_decode_join(frame + WIRE_HDR_LEN, blen, m, why, sizeof why);
}
