/* Unit tests for rudp.c: two endpoints joined by a simulated channel in
 * virtual time (one-way delay, loss, reordering by random extra delay,
 * duplication, targeted drops), driven only through the public API. Every
 * scenario is deterministic (seeded splitmix64). Message payloads carry
 * their number and a checksum and are checked byte for byte. */
#include "rudp.h"

#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define PKT_CAP 65536

/* ---- PRNG ------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

static uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

/* ---- wire peeking (layout from rudp.h) -------------------------------- */

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return be32toh(v);
}

static void be32_put(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof v);
}

static int pkt_type(const uint8_t *p, size_t len)
{
	return len >= RUDP_HDR_LEN ? p[3] : -1;
}

static uint32_t pkt_seq(const uint8_t *p)
{
	return be32_at(p + 8);
}

/* ---- messages ---------------------------------------------------------- */

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Message id of length len: pseudo-random bytes; from 8 bytes on, the id
 * and a checksum of the rest lead. */
static void make_msg(uint8_t *b, uint32_t id, uint32_t len)
{
	uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ull + len;
	uint32_t j;

	for (j = 0; j < len; j++)
		b[j] = (uint8_t)(rng_next(&x) >> 56);
	if (len >= 8) {
		be32_put(b, id);
		be32_put(b + 4, fnv1a(b + 8, len - 8));
	}
}

/* ---- channel: a heap of datagrams ordered by delivery time ------------ */

struct dgram {
	uint64_t at, order;
	int to;
	uint32_t len;
	uint8_t *data;
};

struct chan {
	struct dgram *heap;
	size_t n, cap;
	uint64_t order, rng;
	uint64_t delay_ns, jitter_ns;  /* reordered ones: + [0, jitter) */
	double loss, reorder, dup;
	int blackhole[2];              /* drop all towards endpoint i */
	uint64_t dropped, duplicated;
	uint32_t max_len;
};

static int dg_before(const struct dgram *a, const struct dgram *b)
{
	return a->at < b->at || (a->at == b->at && a->order < b->order);
}

static void heap_push(struct chan *c, struct dgram d)
{
	size_t i = c->n++, p;
	struct dgram t;

	if (c->n > c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->heap = realloc(c->heap, c->cap * sizeof *c->heap);
		if (!c->heap)
			abort();
	}
	c->heap[i] = d;
	while (i > 0 && dg_before(&c->heap[i], &c->heap[p = (i - 1) / 2])) {
		t = c->heap[p];
		c->heap[p] = c->heap[i];
		c->heap[i] = t;
		i = p;
	}
}

static struct dgram heap_pop(struct chan *c)
{
	struct dgram top = c->heap[0], t;
	size_t i = 0, l, m;

	c->heap[0] = c->heap[--c->n];
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < c->n && dg_before(&c->heap[l], &c->heap[m]))
			m = l;
		if (l + 1 < c->n && dg_before(&c->heap[l + 1], &c->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		t = c->heap[m];
		c->heap[m] = c->heap[i];
		c->heap[i] = t;
		i = m;
	}
	return top;
}

static void chan_put(struct chan *c, int to, const uint8_t *p, size_t len,
		     uint64_t at)
{
	struct dgram d;

	d.at = at;
	d.order = c->order++;
	d.to = to;
	d.len = (uint32_t)len;
	d.data = malloc(len ? len : 1);
	if (!d.data)
		abort();
	memcpy(d.data, p, len);
	heap_push(c, d);
}

/* ---- simulation --------------------------------------------------------- */

struct flow {                  /* messages sent by one endpoint */
	uint32_t n, allow;     /* total; how many the app may queue so far */
	uint32_t *size;
	uint32_t sent, expect, got, max_id;
	uint8_t *seen;
	uint32_t *order;       /* message ids in delivery order */
	uint64_t *when;        /* delivery time by id */
	uint32_t bad, dups, out_of_order;
	uint64_t eagain, done_at;
	uint8_t *out;          /* message `sent`, built once */
	int out_ready;
};

struct sim;
typedef int64_t (*filter_fn)(struct sim *s, int to, const uint8_t *p,
			     size_t len);

struct sim {
	struct rudp_conf conf[2];
	struct rudp *ep[2];
	struct chan ch;
	uint64_t now, limit, open_at;
	uint64_t wake;         /* a hook's next deadline (0: none) */
	struct flow fl[2];
	int reading[2], closed_by_app[2];
	int close_mode;        /* 0 never, 1 endpoint 0 closes, 2 both */
	uint64_t spins, inv_bad, api_errors;
	uint32_t max_inflight[2];
	filter_fn filter;
	void (*hook)(struct sim *s);
	int (*done)(struct sim *s);
	void *ctx;
	uint8_t *buf, *ref;    /* one max message each */
	uint8_t pkt[PKT_CAP];
};

#define FULL_PAY (1400 - RUDP_HDR_LEN) /* base_conf's full-sized packet */

static struct rudp_conf base_conf(void)
{
	struct rudp_conf c;

	memset(&c, 0, sizeof c);
	c.mtu_payload = 1400;
	c.window = 256;
	c.ordered = 1;
	c.rto_init_ns = 200 * MS;
	c.rto_min_ns = 20 * MS;
	c.rto_max_ns = 10 * SEC;
	c.dead_ns = 10 * SEC;
	c.max_msg = RUDP_MAX_MSG;
	c.ack_delay_ns = 1 * MS;
	return c;
}

/* Sizes 1 .. 5000 (min_size up): a third small, a third up to one packet,
 * a third fragmenting. */
static void flow_init(struct flow *f, uint32_t n, uint32_t min_size,
		      uint32_t max_size, uint64_t seed)
{
	uint32_t i, lo, hi;

	memset(f, 0, sizeof *f);
	f->n = f->allow = n;
	f->size = calloc(n + 1, sizeof *f->size);
	f->seen = calloc(n + 1, 1);
	f->order = calloc(n + 1, sizeof *f->order);
	f->when = calloc(n + 1, sizeof *f->when);
	f->out = malloc(RUDP_MAX_MSG);
	if (!f->size || !f->seen || !f->order || !f->when || !f->out)
		abort();
	for (i = 0; i < n; i++) {
		switch (rng_below(&seed, 3)) {
		case 0: lo = 1; hi = 100; break;
		case 1: lo = 101; hi = 1336; break;
		default: lo = 1337; hi = max_size; break;
		}
		if (hi > max_size)
			hi = max_size;
		if (lo > hi)
			lo = hi;
		if (lo < min_size)
			lo = min_size;
		if (hi < lo)
			hi = lo;
		f->size[i] = lo + (uint32_t)rng_below(&seed, hi - lo + 1);
	}
}

static void flow_fixed(struct flow *f, uint32_t n, uint32_t size)
{
	uint32_t i;

	flow_init(f, n, 1, 1, 0);
	for (i = 0; i < n; i++)
		f->size[i] = size;
}

static void flow_free(struct flow *f)
{
	free(f->size);
	free(f->seen);
	free(f->order);
	free(f->when);
	free(f->out);
}

static void sim_init(struct sim *s, const struct rudp_conf *a,
		     const struct rudp_conf *b, uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->conf[0] = *a;
	s->conf[1] = *b;
	s->ep[0] = rudp_new(a, 0xC0FFEE00u + (uint32_t)seed, 1, 0);
	s->ep[1] = rudp_new(b, 0xC0FFEE00u + (uint32_t)seed, 0, 0);
	s->buf = malloc(RUDP_MAX_MSG);
	s->ref = malloc(RUDP_MAX_MSG);
	if (!s->ep[0] || !s->ep[1] || !s->buf || !s->ref)
		abort();
	s->ch.rng = seed * 7919 + 1;
	s->ch.delay_ns = 1 * MS;
	s->reading[0] = s->reading[1] = 1;
	s->limit = 3600 * SEC;
}

static void sim_free(struct sim *s)
{
	while (s->ch.n)
		free(heap_pop(&s->ch).data);
	free(s->ch.heap);
	rudp_free(s->ep[0]);
	rudp_free(s->ep[1]);
	flow_free(&s->fl[0]);
	flow_free(&s->fl[1]);
	free(s->buf);
	free(s->ref);
}

static void sim_send_dgram(struct sim *s, int to, const uint8_t *p,
			   size_t len)
{
	struct chan *c = &s->ch;
	int copies = 1, k;
	int64_t extra = 0;
	uint64_t at;

	if (len > c->max_len)
		c->max_len = (uint32_t)len;
	if (s->filter)
		extra = s->filter(s, to, p, len);
	if (extra < 0 || c->blackhole[to] || rng_unit(&c->rng) < c->loss) {
		c->dropped++;
		return;
	}
	if (rng_unit(&c->rng) < c->dup) {
		copies = 2;
		c->duplicated++;
	}
	for (k = 0; k < copies; k++) {
		at = s->now + c->delay_ns + (uint64_t)extra;
		if (rng_unit(&c->rng) < c->reorder)
			at += rng_below(&c->rng, c->jitter_ns);
		chan_put(c, to, p, len, at);
	}
}

/* A packet goes only while the bytes in flight are under cwnd full-sized
 * packets' worth (packets in flight under cwnd before the handshake) and
 * the packets in flight under the window and the peer's; a tail loss
 * probe, or a recovery's first retransmission, may go beyond, one packet
 * at a time. (A reduction may leave more in flight than the new window,
 * which then only drains.) before: the endpoint's figures before the call
 * that sent it; NULL after input, which sends nothing. */
static void check_inv(struct sim *s, int i, const struct rudp_stats *before)
{
	struct rudp_stats st;
	uint32_t lim;

	rudp_get_stats(s->ep[i], &st);
	lim = s->conf[i].window;
	if (st.peer_window < lim)
		lim = st.peer_window;
	if (before && st.inflight > before->inflight) {
		int over = st.inflight > lim ||
			   (before->pkt_payload
			    ? before->inflight_bytes >=
				(uint64_t)before->cwnd * before->pkt_payload
			    : before->inflight >= before->cwnd);
		if (st.tlp_probes > before->tlp_probes ||
		    st.recovery_first > before->recovery_first)
			over = st.inflight > before->inflight + 1;
		if (over)
			s->inv_bad++;
	}
	if (st.inflight > s->max_inflight[i])
		s->max_inflight[i] = st.inflight;
}

static void verify_msg(struct sim *s, int to, const uint8_t *m, size_t len)
{
	struct flow *f = &s->fl[1 - to];
	uint32_t id;

	if (s->conf[to].ordered) {
		id = f->expect;
	} else {
		if (len < 8) {
			f->bad++;
			return;
		}
		id = be32_at(m);
	}
	if (id >= f->n || f->seen[id]) {
		f->dups++;
		return;
	}
	make_msg(s->ref, id, (uint32_t)len);
	if (len != f->size[id] || (len && memcmp(m, s->ref, len) != 0))
		f->bad++;
	if (len >= 8 && be32_at(m + 4) != fnv1a(m + 8, len - 8))
		f->bad++;
	if (f->got && id < f->max_id)
		f->out_of_order++;
	if (id > f->max_id)
		f->max_id = id;
	f->seen[id] = 1;
	f->order[f->got++] = id;
	f->when[id] = s->now;
	if (f->got == f->n)
		f->done_at = s->now;
	f->expect++;
}

static int app_send(struct sim *s, int i)
{
	struct flow *f = &s->fl[i];
	int progress = 0;

	while (f->sent < f->n && f->sent < f->allow &&
	       rudp_state(s->ep[i]) == RUDP_OPEN) {
		if (!f->out_ready)
			make_msg(f->out, f->sent, f->size[f->sent]);
		f->out_ready = 1;
		if (rudp_send(s->ep[i], f->out, f->size[f->sent], s->now) < 0) {
			if (errno == EAGAIN)
				f->eagain++;
			else
				s->api_errors++;
			break;
		}
		f->sent++;
		f->out_ready = 0;
		progress = 1;
	}
	return progress;
}

static int app_recv(struct sim *s, int i)
{
	ssize_t n;
	int progress = 0;

	while ((n = rudp_recv(s->ep[i], s->buf, RUDP_MAX_MSG)) >= 0) {
		verify_msg(s, i, s->buf, (size_t)n);
		progress = 1;
	}
	if (errno != EAGAIN && errno != EPIPE)
		s->api_errors++;
	return progress;
}

static int maybe_close(struct sim *s, int i)
{
	if (s->closed_by_app[i] || s->close_mode == 0 ||
	    (s->close_mode == 1 && i == 1))
		return 0;
	if (rudp_state(s->ep[i]) != RUDP_OPEN || s->fl[i].sent < s->fl[i].n ||
	    s->fl[1 - i].got < s->fl[1 - i].n)
		return 0;
	s->closed_by_app[i] = 1;
	if (rudp_close(s->ep[i], s->now) < 0)
		s->api_errors++;
	return 1;
}

/* Let both ends and both apps act at the current time until all is quiet. */
static void sim_quiesce(struct sim *s)
{
	int progress, i;
	ssize_t n;

	do {
		progress = 0;
		for (i = 0; i < 2; i++) {
			progress |= app_send(s, i);
			if (s->reading[i])
				progress |= app_recv(s, i);
			progress |= maybe_close(s, i);
		}
		for (i = 0; i < 2; i++) {
			struct rudp_stats before;

			rudp_get_stats(s->ep[i], &before);
			while ((n = rudp_output(s->ep[i], s->pkt, PKT_CAP,
						s->now)) > 0) {
				check_inv(s, i, &before);
				rudp_get_stats(s->ep[i], &before);
				sim_send_dgram(s, 1 - i, s->pkt, (size_t)n);
				progress = 1;
			}
			if (n < 0)
				s->api_errors++;
		}
	} while (progress);
}

static int done_default(struct sim *s)
{
	int i;

	for (i = 0; i < 2; i++)
		if (s->fl[i].got < s->fl[i].n)
			return 0;
	if (s->close_mode == 0)
		return 1;
	return rudp_state(s->ep[0]) == RUDP_CLOSED &&
	       rudp_state(s->ep[1]) == RUDP_CLOSED;
}

static uint64_t min3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Run until done (1) or stuck / out of time (0). */
static int sim_run(struct sim *s)
{
	int (*done)(struct sim *) = s->done ? s->done : done_default;
	uint64_t next;
	struct dgram d;

	for (;;) {
		sim_quiesce(s);
		if (s->hook) {
			s->hook(s);
			sim_quiesce(s); /* the hook may have given work */
		}
		if (done(s))
			return 1;
		next = min3(rudp_next_timer(s->ep[0]),
			    rudp_next_timer(s->ep[1]),
			    s->ch.n ? s->ch.heap[0].at : UINT64_MAX);
		if (s->wake > s->now && s->wake < next)
			next = s->wake;
		if (next == UINT64_MAX)
			return 0;
		if (next <= s->now) {
			s->spins++;
			next = s->now + 1000;
		}
		if (next > s->limit)
			return 0;
		s->now = next;
		while (s->ch.n && s->ch.heap[0].at <= s->now) {
			d = heap_pop(&s->ch);
			rudp_input(s->ep[d.to], d.data, d.len, s->now);
			check_inv(s, d.to, NULL);
			free(d.data);
		}
		if (!s->open_at && rudp_state(s->ep[0]) != RUDP_CONNECTING)
			s->open_at = s->now; /* initiator got the SYN-ACK */
	}
}

static void stats_of(const struct sim *s, int i, struct rudp_stats *st)
{
	rudp_get_stats(s->ep[i], st);
}

/* Every message of flow i arrived once, intact (and in order if asked). */
static void check_flow(const struct sim *s, int i, int want_order)
{
	const struct flow *f = &s->fl[i];

	CHECK_EQ_U64(f->got, f->n);
	CHECK_EQ_U64(f->bad, 0);
	CHECK_EQ_U64(f->dups, 0);
	if (want_order)
		CHECK_EQ_U64(f->out_of_order, 0);
}

static void check_clean(const struct sim *s)
{
	CHECK_EQ_U64(s->spins, 0);
	CHECK_EQ_U64(s->inv_bad, 0);
	CHECK_EQ_U64(s->api_errors, 0);
}

/* ---- scenarios ----------------------------------------------------------- */

static void test_handshake_close(void)
{
	struct rudp_conf c = base_conf();
	struct rudp_stats a, b;
	struct sim s;
	uint8_t buf[16];

	sim_init(&s, &c, &c, 1);
	CHECK(rudp_state(s.ep[0]) == RUDP_CONNECTING);
	CHECK(rudp_state(s.ep[1]) == RUDP_CONNECTING);
	CHECK(rudp_send(s.ep[0], "x", 1, 0) == -1 && errno == ENOTCONN);
	CHECK(rudp_recv(s.ep[1], buf, sizeof buf) == -1 && errno == EAGAIN);
	CHECK_EQ_U64(rudp_next_timer(s.ep[0]), 0);  /* SYN due */
	CHECK_EQ_U64(rudp_next_timer(s.ep[1]), c.dead_ns); /* wait for SYN */
	s.close_mode = 1;
	CHECK(sim_run(&s));
	CHECK_EQ_U64(s.open_at, 2 * MS); /* SYN-ACK back after one RTT */
	stats_of(&s, 0, &a);
	stats_of(&s, 1, &b);
	CHECK_EQ_U64(a.pkts_sent, 3);    /* SYN, ACK, FIN */
	CHECK_EQ_U64(b.pkts_sent, 2);    /* SYN-ACK, FIN-ACK */
	CHECK_EQ_U64(a.pkts_recv, 2);
	CHECK_EQ_U64(b.pkts_recv, 3);
	CHECK_EQ_U64(a.srtt_ns, 2 * MS);
	CHECK_EQ_U64(b.srtt_ns, 2 * MS);
	CHECK_EQ_U64(a.rto_events + b.rto_events, 0);
	CHECK(rudp_send(s.ep[0], "x", 1, s.now) == -1 && errno == EPIPE);
	CHECK(rudp_send(s.ep[1], "x", 1, s.now) == -1 && errno == EPIPE);
	CHECK(rudp_recv(s.ep[1], buf, sizeof buf) == -1 && errno == EPIPE);
	CHECK_EQ_U64(rudp_next_timer(s.ep[0]), UINT64_MAX);
	CHECK_EQ_U64(rudp_next_timer(s.ep[1]), UINT64_MAX);
	CHECK(rudp_close(s.ep[0], s.now) == 0);
	CHECK_STR(rudp_state_name(rudp_state(s.ep[0])), "closed");
	check_clean(&s);
	sim_free(&s);
}

/* A lost SYN, SYN-ACK and third ACK are all recovered. */
static int64_t drop_handshake(struct sim *s, int to, const uint8_t *p,
			      size_t len)
{
	int *n = s->ctx;
	int t = pkt_type(p, len);

	(void)to;
	if ((t == RUDP_PKT_SYN || t == RUDP_PKT_SYNACK || t == RUDP_PKT_ACK ||
	     t == RUDP_PKT_FIN || t == RUDP_PKT_FINACK) && n[t]++ == 0)
		return -1;
	return 0;
}

static void test_handshake_losses(void)
{
	struct rudp_conf c = base_conf();
	struct rudp_stats a, b;
	struct sim s;
	int seen[8] = {0};

	sim_init(&s, &c, &c, 2);
	flow_init(&s.fl[0], 20, 1, 3000, 2);
	s.filter = drop_handshake;
	s.ctx = seen;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	stats_of(&s, 0, &a);
	stats_of(&s, 1, &b);
	CHECK(a.rto_events >= 2);        /* SYN, FIN */
	CHECK(b.rto_events >= 1);        /* SYN-ACK */
	sim_free(&s);
}

struct lossy_case {
	double loss, reorder, dup;
	int ordered, bidir;
	uint32_t n;
};

static void run_lossy(const struct lossy_case *lc, uint64_t seed,
		      struct rudp_stats out[2], uint64_t *end)
{
	struct rudp_conf c = base_conf();
	struct sim s;

	c.ordered = lc->ordered;
	/* At 20% loss each way, nine lost tries in a row (backoff to ~10 s
	 * of silence) happen about once in 10^4 timeouts: a 10 s dead_ns
	 * would then rightly give up. */
	c.dead_ns = 60 * SEC;
	sim_init(&s, &c, &c, seed);
	flow_init(&s.fl[0], lc->n, lc->ordered ? 1 : 8, 5000, seed);
	if (lc->bidir)
		flow_init(&s.fl[1], lc->n / 2, lc->ordered ? 1 : 8, 5000,
			  seed + 1);
	s.ch.loss = lc->loss;
	s.ch.reorder = lc->reorder;
	s.ch.jitter_ns = 3 * MS;
	s.ch.dup = lc->dup;
	s.close_mode = lc->bidir ? 2 : 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, lc->ordered);
	check_flow(&s, 1, lc->ordered);
	check_clean(&s);
	stats_of(&s, 0, &out[0]);
	stats_of(&s, 1, &out[1]);
	CHECK_EQ_U64(out[0].msgs_sent, lc->n);
	CHECK_EQ_U64(out[1].msgs_delivered, lc->n);
	if (lc->loss > 0)
		CHECK(out[0].retrans_fast + out[0].retrans_timeout > 0);
	/* each recovery RACK began sent its first retransmission at once
	 * (past cwnd and the pacer); never more of them than recoveries */
	if (lc->loss > 0 && out[0].rack_losses > 0)
		CHECK(out[0].recovery_first > 0);
	CHECK(out[0].recovery_first <= out[0].loss_events);
	if (!lc->ordered && lc->loss > 0)
		CHECK(s.fl[0].out_of_order > 0); /* no head-of-line blocking */
	if (lc->dup > 0)
		CHECK(out[1].dup_pkts_dropped > 0);
	if (end)
		*end = s.now;
	printf("  loss %.0f%% reorder %.0f%% dup %.0f%% %s%s: %u msgs in %.3f"
	       " s, %llu data pkts, %llu fast + %llu rto rtx, %llu spurious,"
	       " %llu tlp, %llu rack (%llu spurious), silence <= %.0f ms\n",
	       lc->loss * 100, lc->reorder * 100, lc->dup * 100,
	       lc->ordered ? "ordered" : "unordered", lc->bidir ? " bidir" : "",
	       lc->n, (double)s.now / SEC,
	       (unsigned long long)out[0].data_pkts_sent,
	       (unsigned long long)out[0].retrans_fast,
	       (unsigned long long)out[0].retrans_timeout,
	       (unsigned long long)out[0].spurious_retrans,
	       (unsigned long long)out[0].tlp_probes,
	       (unsigned long long)out[0].rack_losses,
	       (unsigned long long)out[0].spurious_rack,
	       (double)out[0].max_silence_ns / MS);
	CHECK(out[0].max_silence_ns <= c.rto_max_ns);
	sim_free(&s);
}

static void test_perfect_and_lossy(void)
{
	static const struct lossy_case cases[] = {
		{0, 0, 0, 1, 0, 10000},
		{0.01, 0.05, 0.01, 1, 0, 10000},
		{0.05, 0.05, 0.02, 1, 0, 10000},
		{0.20, 0.10, 0.05, 1, 0, 10000},
		{0.05, 0.05, 0.02, 0, 0, 10000},
		{0.05, 0.05, 0.02, 1, 1, 4000},
	};
	struct rudp_stats st[2];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run_lossy(&cases[i], 100 + i, st, NULL);
		if (i == 0) { /* perfect channel: nothing repeated */
			CHECK_EQ_U64(st[0].retrans_fast + st[0].retrans_timeout,
				     0);
			CHECK_EQ_U64(st[0].spurious_retrans, 0);
			CHECK_EQ_U64(st[1].dup_pkts_dropped, 0);
			CHECK_EQ_U64(st[0].malformed + st[1].malformed, 0);
			CHECK_EQ_U64(st[0].stale + st[1].stale, 0);
		}
	}
}

static void test_deterministic(void)
{
	static const struct lossy_case lc = {0.05, 0.05, 0.02, 1, 1, 1500};
	struct rudp_stats a[2], b[2];
	uint64_t ea, eb;

	run_lossy(&lc, 7, a, &ea);
	run_lossy(&lc, 7, b, &eb);
	CHECK_EQ_U64(ea, eb);
	CHECK(memcmp(a, b, sizeof a) == 0);
}

/* Drop the first transmission of DATA seq ctx->seq towards endpoint 1. */
struct drop_one {
	uint32_t seq;
	int done;
	uint64_t extra;        /* 0: drop; else delay it this much */
};

static int64_t drop_one_filter(struct sim *s, int to, const uint8_t *p,
			       size_t len)
{
	struct drop_one *d = s->ctx;

	if (to != 1 || d->done || pkt_type(p, len) != RUDP_PKT_DATA ||
	    pkt_seq(p) != d->seq)
		return 0;
	d->done = 1;
	return d->extra ? (int64_t)d->extra : -1;
}

static void test_head_of_line(void)
{
	struct rudp_conf c = base_conf();
	struct drop_one d = {0, 0, 0};
	struct sim s;
	uint32_t pos, k, held;
	int ordered;

	for (ordered = 0; ordered < 2; ordered++) {
		c.ordered = ordered;
		sim_init(&s, &c, &c, 3);
		flow_fixed(&s.fl[0], 50, FULL_PAY); /* a window of 10 */
		s.ch.delay_ns = 5 * MS;
		d.done = 0;
		s.filter = drop_one_filter;
		s.ctx = &d;
		s.close_mode = 1;
		CHECK(sim_run(&s));
		check_flow(&s, 0, ordered);
		check_clean(&s);
		for (pos = 0; pos < 50 && s.fl[0].order[pos] != 0; pos++)
			;
		/* The first flight is 10 packets (RUDP_INIT_CWND), paced
		 * over one RTT: 1..9 (and what their ACKs let go before RACK
		 * deems 0 lost) arrive before the retransmission of 0. */
		held = 0;
		for (k = 1; k < RUDP_INIT_CWND; k++)
			held += s.fl[0].when[k] == s.fl[0].when[0];
		if (ordered) {
			CHECK_EQ_U64(pos, 0);
			CHECK_EQ_U64(held, RUDP_INIT_CWND - 1); /* held back */
		} else {
			CHECK(pos >= RUDP_INIT_CWND - 1); /* went ahead */
			CHECK(pos < 2 * RUDP_INIT_CWND);
			CHECK(s.fl[0].when[1] < s.fl[0].when[0]);
		}
		sim_free(&s);
	}
}

static void test_single_drop(void)
{
	struct rudp_conf c = base_conf();
	struct drop_one d = {10, 0, 0};
	struct rudp_stats a, b;
	struct sim s;

	/* Followed by others: SACK evidence, one fast retransmission. */
	sim_init(&s, &c, &c, 4);
	flow_fixed(&s.fl[0], 100, 500);
	s.filter = drop_one_filter;
	s.ctx = &d;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	stats_of(&s, 0, &a);
	stats_of(&s, 1, &b);
	CHECK(d.done);
	CHECK_EQ_U64(a.retrans_fast, 1);
	CHECK_EQ_U64(a.retrans_timeout, 0);
	CHECK_EQ_U64(a.rto_events, 0);
	CHECK_EQ_U64(a.loss_events, 1);
	CHECK_EQ_U64(a.spurious_retrans, 0);
	CHECK_EQ_U64(a.data_pkts_sent, 101);
	CHECK_EQ_U64(b.dup_pkts_dropped, 0);
	sim_free(&s);

	/* The last packet: nothing follows, so no ACK can show it lost; the
	 * tail loss probe (two round trips on) sends it again, no RTO. */
	sim_init(&s, &c, &c, 5);
	flow_fixed(&s.fl[0], 100, 500);
	d.seq = 99;
	d.done = 0;
	s.filter = drop_one_filter;
	s.ctx = &d;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	stats_of(&s, 0, &a);
	stats_of(&s, 1, &b);
	CHECK(d.done);
	CHECK_EQ_U64(a.retrans_fast, 0);
	CHECK_EQ_U64(a.retrans_timeout, 0);
	CHECK_EQ_U64(a.rto_events, 0);
	CHECK_EQ_U64(a.tlp_probes, 1);
	CHECK_EQ_U64(a.loss_events, 1); /* the probe repaired a real loss */
	CHECK_EQ_U64(a.spurious_retrans, 0);
	CHECK_EQ_U64(a.data_pkts_sent, 101);
	CHECK_EQ_U64(b.dup_pkts_dropped, 0);
	sim_free(&s);
}

/* The last packet is held up 1 s: the tail loss probe resends it, the late
 * original then arrives as a duplicate, and the sender learns it was
 * spurious. */
static int done_after_1s(struct sim *s)
{
	return s->now >= 1 * SEC && s->fl[0].got == s->fl[0].n && !s->ch.n;
}

static void test_spurious(void)
{
	struct rudp_conf c = base_conf();
	struct drop_one d = {19, 0, 1 * SEC};
	struct rudp_stats a, b;
	struct sim s;

	sim_init(&s, &c, &c, 6);
	flow_fixed(&s.fl[0], 20, 300);
	s.filter = drop_one_filter;
	s.ctx = &d;
	s.done = done_after_1s;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	stats_of(&s, 0, &a);
	stats_of(&s, 1, &b);
	CHECK_EQ_U64(a.retrans_timeout, 0);
	CHECK_EQ_U64(a.rto_events, 0);
	CHECK_EQ_U64(a.tlp_probes, 1);
	CHECK_EQ_U64(a.spurious_retrans, 1);
	CHECK_EQ_U64(b.dup_pkts_dropped, 1);
	sim_free(&s);
}

/* ---- RTO backoff ------------------------------------------------------- */

struct backoff_ctx {
	int phase;
	uint64_t t0, last_events;
	uint64_t rto[64];
	int n;
};

static void backoff_hook(struct sim *s)
{
	struct backoff_ctx *b = s->ctx;
	struct rudp_stats a;

	stats_of(s, 0, &a);
	if (b->phase == 0 && s->fl[0].got == 10) {
		b->phase = 1;
		b->t0 = s->now;
		s->ch.blackhole[0] = s->ch.blackhole[1] = 1;
		s->fl[0].allow = 11;
		b->last_events = a.rto_events;
	} else if (b->phase >= 1) {
		while (a.rto_events > b->last_events && b->n < 64) {
			b->rto[b->n++] = a.rto_ns;
			b->last_events++;
		}
		if (b->phase == 1 && s->now >= b->t0 + 12 * SEC) {
			s->ch.blackhole[0] = s->ch.blackhole[1] = 0;
			b->phase = 2;
		}
	}
}

static void test_rto_backoff(void)
{
	struct rudp_conf c = base_conf();
	struct backoff_ctx b;
	struct rudp_stats a;
	struct sim s;
	int i, doubled = 1;

	memset(&b, 0, sizeof b);
	c.rto_max_ns = 2 * SEC;
	c.dead_ns = 60 * SEC;
	sim_init(&s, &c, &c, 8);
	flow_fixed(&s.fl[0], 11, 100);
	s.fl[0].allow = 10;
	s.hook = backoff_hook;
	s.ctx = &b;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	CHECK(b.n >= 8);
	CHECK_EQ_U64(b.rto[0], 40 * MS); /* 20 ms (rto_min) doubled */
	for (i = 1; i < b.n; i++)
		if (b.rto[i] != (2 * b.rto[i - 1] < c.rto_max_ns
					 ? 2 * b.rto[i - 1]
					 : c.rto_max_ns))
			doubled = 0;
	CHECK(doubled);
	CHECK_EQ_U64(b.rto[b.n - 1], c.rto_max_ns);
	stats_of(&s, 0, &a);
	CHECK(a.rto_ns < c.rto_max_ns); /* a fresh sample undid the backoff */
	/* each RTO sent again what was outstanding when the path went dark:
	 * the 11th message, and the 10th when its delayed ACK was lost */
	CHECK(a.retrans_timeout >= (uint64_t)b.n &&
	      a.retrans_timeout <= 2 * (uint64_t)b.n);
	CHECK(a.max_silence_ns <= c.rto_max_ns);
	sim_free(&s);
}

/* ---- flow control ------------------------------------------------------ */

struct fc_ctx {
	uint64_t pkts_5s, pkts_14s, probes;
	uint32_t peer_window, inflight;
	int state_14s;
};

static void fc_hook(struct sim *s)
{
	struct fc_ctx *f = s->ctx;
	struct rudp_stats a;

	stats_of(s, 0, &a);
	if (!f->pkts_5s && s->now >= 5 * SEC) {
		f->pkts_5s = a.data_pkts_sent;
		f->probes = a.pkts_sent;
	}
	if (!f->pkts_14s && s->now >= 14 * SEC) {
		f->pkts_14s = a.data_pkts_sent;
		f->probes = a.pkts_sent - f->probes;
		f->peer_window = a.peer_window;
		f->inflight = a.inflight;
		f->state_14s = rudp_state(s->ep[0]);
	}
	s->wake = 15 * SEC; /* the app starts reading then */
	if (s->now >= 15 * SEC)
		s->reading[1] = 1;
}

static void test_flow_control(void)
{
	struct rudp_conf c = base_conf();
	struct fc_ctx f;
	struct sim s;

	memset(&f, 0, sizeof f);
	c.window = 64;
	sim_init(&s, &c, &c, 9);
	flow_fixed(&s.fl[0], 3000, 1000);
	s.reading[1] = 0;
	s.hook = fc_hook;
	s.ctx = &f;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	/* ring (64) + the one message waiting whole for the app */
	CHECK_EQ_U64(f.pkts_5s, c.window + 1);
	CHECK_EQ_U64(f.pkts_14s, f.pkts_5s);
	CHECK_EQ_U64(f.peer_window, 0);
	CHECK_EQ_U64(f.inflight, 0);
	CHECK(f.state_14s == RUDP_OPEN); /* probes answered: not dead */
	CHECK(f.probes >= 1 && f.probes <= 5); /* backed off */
	CHECK(s.fl[0].eagain > 0);
	CHECK(s.fl[0].done_at > 15 * SEC && s.fl[0].done_at < 16 * SEC);
	sim_free(&s);
}

/* ---- dead peer ----------------------------------------------------------- */

struct dead_ctx {
	int phase;
	uint64_t t0, t_dead;
};

static void dead_hook(struct sim *s)
{
	struct dead_ctx *d = s->ctx;
	struct rudp_stats b;

	stats_of(s, 1, &b);
	if (d->phase == 0 && s->fl[0].got == 10 &&
	    rudp_peek_len(s->ep[0]) == 150 && b.msgs_sent == 1 &&
	    b.sendq_bytes == 0 && b.inflight == 0) {
		d->phase = 1;
		d->t0 = s->now;
		s->ch.blackhole[0] = s->ch.blackhole[1] = 1;
		s->fl[0].allow = 11;
	}
	if (d->phase == 1 && rudp_state(s->ep[0]) == RUDP_DEAD) {
		d->phase = 2;
		d->t_dead = s->now;
	}
}

static int done_dead(struct sim *s)
{
	return ((struct dead_ctx *)s->ctx)->phase == 2;
}

static void test_dead_peer(void)
{
	struct rudp_conf c = base_conf();
	struct dead_ctx d = {0, 0, 0};
	struct rudp_stats a;
	struct sim s;
	uint8_t buf[200];

	sim_init(&s, &c, &c, 10);
	flow_fixed(&s.fl[0], 11, 100);
	flow_fixed(&s.fl[1], 1, 150);
	s.fl[0].allow = 10;
	s.reading[0] = 0; /* B's message stays whole in A */
	s.fl[1].got = 1;  /* (checked by hand below) */
	s.hook = dead_hook;
	s.done = done_dead;
	s.ctx = &d;
	CHECK(sim_run(&s));
	CHECK(d.t_dead >= d.t0 + c.dead_ns);
	CHECK(d.t_dead <= d.t0 + c.dead_ns + c.rto_init_ns);
	CHECK(rudp_send(s.ep[0], "x", 1, s.now) == -1 && errno == EPIPE);
	CHECK(rudp_close(s.ep[0], s.now) == -1 && errno == EPIPE);
	CHECK(rudp_recv(s.ep[0], buf, sizeof buf) == 150);
	CHECK(rudp_recv(s.ep[0], buf, sizeof buf) == -1 && errno == EPIPE);
	CHECK_EQ_U64(rudp_next_timer(s.ep[0]), UINT64_MAX);
	CHECK(rudp_state(s.ep[1]) == RUDP_OPEN); /* it waited on nothing */
	stats_of(&s, 0, &a);
	CHECK(a.retrans_timeout >= 5);
	sim_free(&s);

	/* A responder that never hears a SYN gives up too. */
	sim_init(&s, &c, &c, 11);
	rudp_tick(s.ep[1], c.dead_ns - 1);
	CHECK(rudp_state(s.ep[1]) == RUDP_CONNECTING);
	rudp_tick(s.ep[1], c.dead_ns);
	CHECK(rudp_state(s.ep[1]) == RUDP_DEAD);
	sim_free(&s);
}

/* ---- malformed, foreign, stale ------------------------------------------ */

struct th {
	uint8_t magic_bad, version, type;
	uint32_t session, seq, ack;
	uint64_t sack, ts, ts_echo;
	uint32_t echo_seq, ack_delay, window, msg_id;
	uint16_t frag_idx, frag_cnt, plen, flags;
	int plen_lie;
};

static size_t th_put(uint8_t *p, const struct th *h)
{
	uint64_t v64;
	uint16_t v16;
	size_t i;

#define P16(off, v) (v16 = htobe16(v), memcpy(p + (off), &v16, 2))
#define P64(off, v) (v64 = htobe64(v), memcpy(p + (off), &v64, 8))
	P16(0, h->magic_bad ? 0x1234 : RUDP_MAGIC);
	p[2] = h->version ? h->version : RUDP_VERSION;
	p[3] = h->type;
	be32_put(p + 4, h->session);
	be32_put(p + 8, h->seq);
	be32_put(p + 12, h->ack);
	P64(16, h->sack);
	P64(24, h->ts);
	P64(32, h->ts_echo);
	be32_put(p + 40, h->echo_seq);
	be32_put(p + 44, h->ack_delay);
	be32_put(p + 48, h->window);
	be32_put(p + 52, h->msg_id);
	P16(56, h->frag_idx);
	P16(58, h->frag_cnt);
	P16(60, h->plen);
	P16(62, h->flags);
#undef P16
#undef P64
	for (i = 0; i < h->plen; i++)
		p[RUDP_HDR_LEN + i] = (uint8_t)i;
	return RUDP_HDR_LEN + h->plen - (size_t)h->plen_lie;
}

struct bad_ctx {
	uint64_t rng, step;
	uint64_t malformed[2], foreign[2], stale[2];
};

static void inject(struct sim *s, int to, const struct th *h, uint64_t *ctr)
{
	uint8_t p[RUDP_HDR_LEN + 2048];
	size_t n = th_put(p, h);

	rudp_input(s->ep[to], p, n, s->now);
	(*ctr)++;
}

/* A good-looking DATA header for endpoint 1 from endpoint 0. */
static struct th data_th(const struct sim *s)
{
	struct th h;

	memset(&h, 0, sizeof h);
	h.type = RUDP_PKT_DATA;
	h.session = 0xC0FFEE00u + 12;
	h.seq = 5;
	h.window = 10;
	h.frag_cnt = 1;
	h.plen = 100;
	h.ts = s->now;
	return h;
}

static void inject_malformed(struct sim *s, struct bad_ctx *b)
{
	uint8_t junk[200];
	struct th h;
	size_t i, n;
	uint64_t *m = &b->malformed[1];

	n = (size_t)rng_below(&b->rng, sizeof junk);
	for (i = 0; i < n; i++)
		junk[i] = (uint8_t)rng_next(&b->rng);
	rudp_input(s->ep[1], junk, n, s->now);
	rudp_input(s->ep[0], junk, n, s->now);
	b->malformed[1]++;
	b->malformed[0]++;
	h = data_th(s);
	h.plen_lie = RUDP_HDR_LEN + h.plen -
		     (int)rng_below(&b->rng, RUDP_HDR_LEN); /* truncated */
	inject(s, 1, &h, m);
	h = data_th(s), h.magic_bad = 1, inject(s, 1, &h, m);
	h = data_th(s), h.version = 2, inject(s, 1, &h, m);
	h = data_th(s), h.type = 0, inject(s, 1, &h, m);
	h = data_th(s), h.type = 7, inject(s, 1, &h, m);
	h = data_th(s), h.plen_lie = 50, inject(s, 1, &h, m);
	h = data_th(s), h.frag_idx = 3, h.frag_cnt = 3, inject(s, 1, &h, m);
	h = data_th(s), h.frag_cnt = 0, inject(s, 1, &h, m);
	h = data_th(s), h.frag_idx = 0, h.frag_cnt = 60000,
	inject(s, 1, &h, m); /* count * payload > max_msg */
	h = data_th(s), h.frag_cnt = 2, inject(s, 1, &h, m); /* short piece */
	h = data_th(s), h.plen = 1337, inject(s, 1, &h, m);  /* > payload */
	h = data_th(s), h.flags = 0x100, inject(s, 1, &h, m);
	h = data_th(s), h.ts_echo = 5, inject(s, 1, &h, m);  /* no ECHO flag */
	h = data_th(s), h.flags = RUDP_F_DUP | RUDP_F_ECHO, inject(s, 1, &h, m);
	h = data_th(s), h.ack = 1000, inject(s, 1, &h, m); /* B sent nothing */
	h = data_th(s), h.window = 1000, inject(s, 1, &h, m); /* > A's 256 */
	h = data_th(s), h.type = RUDP_PKT_ACK, h.plen = 0, h.frag_cnt = 0,
	h.seq = 0, h.ack = 0x7fff0000, inject(s, 0, &h, &b->malformed[0]);
	h = data_th(s), h.type = RUDP_PKT_ACK, h.plen = 0, h.frag_cnt = 0,
	h.seq = 0, h.flags = RUDP_F_ECHO, h.ts_echo = s->now + SEC,
	inject(s, 0, &h, &b->malformed[0]); /* echo from the future */
}

static void inject_other(struct sim *s, struct bad_ctx *b)
{
	struct th h;

	h = data_th(s), h.session++, inject(s, 1, &h, &b->foreign[1]);
	h = data_th(s), h.session ^= 0xFFFF0000u, h.type = RUDP_PKT_SYN,
	h.plen = RUDP_HS_LEN, inject(s, 0, &h, &b->foreign[0]);
	h = data_th(s), h.seq = 0x40000000u, inject(s, 1, &h, &b->stale[1]);
	h = data_th(s), h.type = RUDP_PKT_FINACK, h.plen = 0, h.frag_cnt = 0,
	h.seq = 0, inject(s, 1, &h, &b->stale[1]);
	/* a SYN to an open responder, a SYN-ACK to a responder */
	memset(&h, 0, sizeof h);
	h.session = 0xC0FFEE00u + 12;
	h.plen = RUDP_HS_LEN;
	h.type = RUDP_PKT_SYN;
	inject(s, 1, &h, &b->stale[1]);
	h.type = RUDP_PKT_SYNACK;
	inject(s, 1, &h, &b->stale[1]);
	h.type = RUDP_PKT_SYN;
	inject(s, 0, &h, &b->stale[0]);
}

static void bad_hook(struct sim *s)
{
	struct bad_ctx *b = s->ctx;

	if (rudp_state(s->ep[0]) != RUDP_OPEN ||
	    rudp_state(s->ep[1]) != RUDP_OPEN)
		return;
	b->step++;
	inject_malformed(s, b);
	inject_other(s, b);
}

static void test_malformed(void)
{
	struct rudp_conf c = base_conf();
	struct bad_ctx b;
	struct rudp_stats st[2];
	struct sim s;
	int i;

	memset(&b, 0, sizeof b);
	b.rng = 12345;
	sim_init(&s, &c, &c, 12);
	flow_init(&s.fl[0], 2000, 1, 5000, 12);
	s.hook = bad_hook;
	s.ctx = &b;
	s.close_mode = 1;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	CHECK(b.step >= 20);
	for (i = 0; i < 2; i++) {
		stats_of(&s, i, &st[i]);
		CHECK_EQ_U64(st[i].malformed, b.malformed[i]);
		CHECK_EQ_U64(st[i].foreign, b.foreign[i]);
		CHECK_EQ_U64(st[i].stale, b.stale[i]);
	}
	CHECK_EQ_U64(st[0].retrans_fast + st[0].retrans_timeout, 0);
	CHECK_EQ_U64(st[1].dup_pkts_dropped, 0);
	CHECK(b.malformed[1] > 300);
	sim_free(&s);
}

/* ---- mutation fuzz: copies of real packets, bytes changed at random ---- */

struct fuzz_ctx {
	uint64_t rng, fed;
	uint8_t pool[64][1400];
	uint32_t len[64];
	uint32_t n;
};

static int64_t fuzz_record(struct sim *s, int to, const uint8_t *p,
			   size_t len)
{
	struct fuzz_ctx *f = s->ctx;
	uint32_t i = f->n < 64 ? f->n++ : (uint32_t)rng_below(&f->rng, 64);

	(void)to;
	if (len <= sizeof f->pool[0]) {
		memcpy(f->pool[i], p, len);
		f->len[i] = (uint32_t)len;
	}
	return 0;
}

static void fuzz_hook(struct sim *s)
{
	struct fuzz_ctx *f = s->ctx;
	uint8_t p[1500];
	uint32_t i, k, len, flips;

	for (k = 0; k < 20 && f->n; k++) {
		i = (uint32_t)rng_below(&f->rng, f->n);
		len = f->len[i];
		memcpy(p, f->pool[i], len);
		flips = 1 + (uint32_t)rng_below(&f->rng, 3);
		while (flips--) {
			uint32_t at = (uint32_t)rng_below(&f->rng, len);

			if (at >= 4 && at < 8)
				continue; /* keep the session: reach deeper */
			p[at] = (uint8_t)rng_next(&f->rng);
		}
		if (rng_below(&f->rng, 8) == 0)
			len = (uint32_t)rng_below(&f->rng, len + 1);
		rudp_input(s->ep[rng_below(&f->rng, 2)], p, len, s->now);
		f->fed++;
	}
}

/* Memory safety and sane timers only: forged packets that look right
 * (an ACK for data not yet received, a payload changed) may break the
 * transfer itself, as they would TCP's. */
static void test_fuzz(void)
{
	static struct fuzz_ctx f;
	struct rudp_conf c = base_conf();
	struct sim s;
	int ordered;

	for (ordered = 0; ordered < 2; ordered++) {
		memset(&f, 0, sizeof f);
		f.rng = 99 + (uint64_t)ordered;
		c.ordered = ordered;
		c.window = 32;
		sim_init(&s, &c, &c, 21);
		flow_init(&s.fl[0], 400, 8, 5000, 21);
		flow_init(&s.fl[1], 400, 8, 5000, 22);
		s.filter = fuzz_record;
		s.hook = fuzz_hook;
		s.ctx = &f;
		s.close_mode = 2;
		s.limit = 120 * SEC;
		(void)sim_run(&s);
		CHECK(f.fed > 1000);
		CHECK_EQ_U64(s.spins, 0);
		CHECK_EQ_U64(s.inv_bad, 0);
		sim_free(&s);
	}
}

/* ---- throughput ---------------------------------------------------------- */

static void test_goodput(void)
{
	struct rudp_conf c = base_conf();
	uint32_t pay = c.mtu_payload - RUDP_HDR_LEN, n = 10000;
	struct sim s;
	double rtt = 2e-3, ideal, took;

	sim_init(&s, &c, &c, 13);
	flow_fixed(&s.fl[0], n, pay);
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	/* bytes / (window * payload / RTT) */
	ideal = (double)n * pay / (c.window * pay / rtt);
	took = (double)(s.fl[0].done_at - s.open_at) / SEC;
	printf("  goodput: %u x %u B in %.1f ms, ideal %.1f ms (%.2fx)\n", n,
	       pay, took * 1e3, ideal * 1e3, took / ideal);
	CHECK(took >= ideal);
	CHECK(took <= 1.15 * ideal + 10 * rtt); /* slow start: a few RTTs */
	CHECK_EQ_U64(s.max_inflight[0], c.window);
	sim_free(&s);
}

static void test_pacing(void)
{
	struct rudp_conf c = base_conf();
	uint32_t pay = c.mtu_payload - RUDP_HDR_LEN, n = 2000;
	struct rudp_stats a;
	struct sim s;
	double want, took;

	c.cc = RUDP_CC_PACED;
	c.pacing_bps = 100000000;
	sim_init(&s, &c, &c, 14);
	flow_fixed(&s.fl[0], n, pay);
	s.ch.loss = 0.01;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 1);
	check_clean(&s);
	stats_of(&s, 0, &a);
	want = (double)a.data_pkts_sent * c.mtu_payload * 8 / c.pacing_bps;
	took = (double)(s.fl[0].done_at - s.open_at) / SEC;
	printf("  pacing 100 Mbit/s: %.1f ms, expected %.1f ms\n", took * 1e3,
	       want * 1e3);
	CHECK(took >= 0.95 * want && took <= 1.1 * want + 0.05);
	CHECK_EQ_U64(a.cwnd, c.window);
	sim_free(&s);
}

/* reno and cubic pace at cwnd per srtt: 5 ms each way, a window of 32
 * packets that the window soon reaches; the gaps between data packets in
 * the steady state average srtt / 32 within 5%. */
struct gaps {
	uint64_t t[4000];
	uint32_t n;
};

static int64_t gap_record(struct sim *s, int to, const uint8_t *p, size_t len)
{
	struct gaps *g = s->ctx;

	if (to == 1 && pkt_type(p, len) == RUDP_PKT_DATA && g->n < 4000)
		g->t[g->n++] = s->now;
	return 0;
}

/* Run a loss-free flow 0 at 5 ms each way, each data packet's arrival
 * time into g; it must arrive whole and in order. */
static void run_recorded(struct sim *s, struct gaps *g)
{
	s->ch.delay_ns = 5 * MS;
	s->filter = gap_record;
	s->ctx = g;
	CHECK(sim_run(s));
	check_flow(s, 0, 1);
	check_clean(s);
}

static void test_pacing_cwnd(void)
{
	static struct gaps g;
	struct rudp_conf c = base_conf();
	struct rudp_stats a;
	struct sim s;
	double want, mean;
	uint64_t min_gap;
	uint32_t k;
	int cc;

	for (cc = RUDP_CC_RENO; cc <= RUDP_CC_CUBIC; cc++) {
		memset(&g, 0, sizeof g);
		c.cc = (enum rudp_cc_algo)cc;
		c.window = 32;
		sim_init(&s, &c, &c, 30);
		flow_fixed(&s.fl[0], 3000, FULL_PAY);
		run_recorded(&s, &g);
		stats_of(&s, 0, &a);
		CHECK_EQ_U64(a.cwnd, 32);
		want = (double)a.srtt_ns / a.cwnd;
		mean = (double)(g.t[2500] - g.t[500]) / 2000;
		for (k = 501, min_gap = UINT64_MAX; k <= 2500; k++)
			if (g.t[k] - g.t[k - 1] < min_gap)
				min_gap = g.t[k] - g.t[k - 1];
		/* spread out, not in bursts of what each ACK releases: no
		 * two closer than the pacer's quantum allows */
		CHECK(min_gap + 200000 >= (uint64_t)want);
		printf("  pacing %s: %.1f us between packets, srtt / cwnd %.1f"
		       " us\n", cc == RUDP_CC_RENO ? "reno" : "cubic",
		       mean / 1e3, want / 1e3);
		CHECK_NEAR(mean, want, 0.05 * want);
		sim_free(&s);
	}
}

/* The window counts bytes: the first flight (before any ACK) carries
 * RUDP_INIT_CWND full-sized packets' worth, so up to 4 x RUDP_INIT_CWND
 * quarter-sized messages go in the first round trip, not RUDP_INIT_CWND.
 * And the window grows by full-sized packets delivered,
 * not by packets: after the same bytes it is the same for small packets
 * as for full ones. */
static void test_window_bytes(void)
{
	static struct gaps g;
	struct rudp_conf c = base_conf();
	struct rudp_stats a;
	struct sim s;
	uint32_t k, first, quarter = FULL_PAY / 4, cwnd_full = 0;

	c.window = 1024;
	for (int small = 0; small < 2; small++) {
		memset(&g, 0, sizeof g);
		sim_init(&s, &c, &c, 31);
		/* 60 full packets' worth: slow start, never a loss */
		flow_fixed(&s.fl[0], small ? 240 : 60,
			   small ? quarter : FULL_PAY);
		run_recorded(&s, &g);
		/* arrivals within a round trip (10 ms) of the first: sent
		 * before its ACK was back (paced over the handshake's RTT) */
		for (k = 0, first = 0; k < g.n; k++)
			first += g.t[k] < g.t[0] + 10 * MS;
		stats_of(&s, 0, &a);
		printf("  window in bytes: %s messages, first flight %u packets,"
		       " window %u full-sized packets after\n",
		       small ? "quarter-sized" : "full-sized", first,
		       (unsigned)a.cwnd);
		if (small) {
			/* at most 4 x 10 in the window; paced by their wire
			 * bytes (header too), a few go out after the first
			 * ACK is back. Counted in packets: 10. */
			CHECK(first > 3 * RUDP_INIT_CWND);
			CHECK(first <= 4 * RUDP_INIT_CWND);
			CHECK_EQ_U64(a.cwnd, cwnd_full);
		} else {
			CHECK_EQ_U64(first, RUDP_INIT_CWND);
			cwnd_full = a.cwnd;
		}
		sim_free(&s);
	}
}

/* ---- messages larger than the window, odd configurations ----------------- */

static void test_big_messages(void)
{
	static const uint32_t sizes[] = {RUDP_MAX_MSG, 1, 700000, 0,
					 RUDP_MAX_MSG - 1, 1336, 1337};
	struct rudp_conf c = base_conf();
	struct sim s;
	uint32_t i, n = sizeof sizes / sizeof sizes[0];
	int ordered;

	c.window = 64;
	for (ordered = 0; ordered < 2; ordered++) {
		c.ordered = ordered;
		sim_init(&s, &c, &c, 15 + (uint64_t)ordered);
		flow_fixed(&s.fl[0], n, 1);
		for (i = 0; i < n; i++)
			s.fl[0].size[i] = sizes[i] < 8 && !ordered ? 8
								   : sizes[i];
		s.ch.loss = 0.02;
		s.ch.reorder = 0.05;
		s.ch.jitter_ns = 2 * MS;
		s.close_mode = 1;
		CHECK(sim_run(&s));
		check_flow(&s, 0, ordered);
		check_clean(&s);
		sim_free(&s);
	}
}

static void test_mtu_mismatch(void)
{
	struct rudp_conf a = base_conf(), b = base_conf();
	struct sim s;

	b.mtu_payload = 600;
	b.window = 32;
	b.ordered = 0;
	b.ack_delay_ns = 0; /* B acks every packet at once */
	sim_init(&s, &a, &b, 17);
	flow_init(&s.fl[0], 500, 8, 5000, 17);
	flow_init(&s.fl[1], 300, 1, 5000, 18);
	s.ch.loss = 0.03;
	s.close_mode = 2;
	CHECK(sim_run(&s));
	check_flow(&s, 0, 0);
	check_flow(&s, 1, 1);
	check_clean(&s);
	CHECK(s.ch.max_len <= 600);
	sim_free(&s);
}

static int done_open(struct sim *s)
{
	return s->open_at != 0;
}

static void test_api(void)
{
	struct rudp_conf c = base_conf(), a = base_conf(), bad;
	struct sim s;
	uint8_t big[1000], small[10];

	bad = c, bad.mtu_payload = 100;
	CHECK(rudp_new(&bad, 1, 1, 0) == NULL && errno == EINVAL);
	bad = c, bad.window = 0;
	CHECK(rudp_new(&bad, 1, 1, 0) == NULL && errno == EINVAL);
	bad = c, bad.rto_min_ns = bad.rto_init_ns + 1;
	CHECK(rudp_new(&bad, 1, 1, 0) == NULL && errno == EINVAL);
	bad = c, bad.max_msg = RUDP_MAX_MSG + 1;
	CHECK(rudp_new(&bad, 1, 1, 0) == NULL && errno == EINVAL);
	CHECK(rudp_new(NULL, 1, 1, 0) == NULL && errno == EINVAL);
	rudp_free(NULL);

	c.max_msg = 1000;
	sim_init(&s, &a, &c, 19);
	CHECK(rudp_output(s.ep[0], big, 100, 0) == -1 && errno == ENOBUFS);
	s.done = done_open;
	CHECK(sim_run(&s));
	s.done = NULL;
	CHECK(rudp_send(s.ep[0], big, 1001, s.now) == -1 && errno == EMSGSIZE);
	memset(big, 7, sizeof big);
	CHECK(rudp_send(s.ep[0], big, 1000, s.now) == 0);
	CHECK(rudp_send(s.ep[0], big, 0, s.now) == 0);
	s.reading[1] = 0;
	while (rudp_peek_len(s.ep[1]) < 0 && s.now < SEC) {
		sim_quiesce(&s);
		s.now += MS / 2;
		while (s.ch.n && s.ch.heap[0].at <= s.now) {
			struct dgram d = heap_pop(&s.ch);

			rudp_input(s.ep[d.to], d.data, d.len, s.now);
			free(d.data);
		}
	}
	CHECK(rudp_peek_len(s.ep[1]) == 1000);
	CHECK(rudp_recv(s.ep[1], small, sizeof small) == -1 &&
	      errno == EMSGSIZE);
	CHECK(rudp_recv(s.ep[1], big, sizeof big) == 1000);
	CHECK(big[999] == 7);
	CHECK(rudp_recv(s.ep[1], NULL, 0) == 0); /* the empty message */
	CHECK(rudp_recv(s.ep[1], big, sizeof big) == -1 && errno == EAGAIN);
	CHECK(rudp_close(s.ep[1], s.now) == 0);
	CHECK(rudp_state(s.ep[1]) == RUDP_CLOSING);
	sim_free(&s);

	/* Closing during the handshake just closes. */
	sim_init(&s, &c, &c, 20);
	CHECK(rudp_close(s.ep[0], 0) == 0);
	CHECK(rudp_state(s.ep[0]) == RUDP_CLOSED);
	CHECK(rudp_output(s.ep[0], s.pkt, PKT_CAP, 0) == 0);
	sim_free(&s);
}

/* A server that makes one endpoint per connection recognises the SYN. */
/* A responder that got one SYN and never hears again answers at most
 * RUDP_HS_TRIES times, then gives up by count or by handshake_ns, long before
 * dead_ns; an initiator whose SYNs go unanswered gives up by handshake_ns
 * (with it unset, by dead_ns). */
static void test_handshake_bounded(void)
{
	struct rudp_conf c = base_conf();
	uint8_t pkt[PKT_CAP];

	for (int role = 0; role < 2; role++) {
		for (int by_time = 0; by_time < 2; by_time++) {
			c.handshake_ns = by_time ? 2 * SEC : 0;
			c.dead_ns = 60 * SEC;
			struct rudp *a = rudp_new(&c, 77, 1, 0);
			struct rudp *b = rudp_new(&c, 77, 0, 0);
			struct rudp *me = role ? a : b;
			uint64_t now = 0, sent = 0, last = 0;
			ssize_t n = rudp_output(a, pkt, sizeof pkt, 0);
			CHECK(n > 0);
			if (!role)
				rudp_input(b, pkt, (size_t)n, 0);
			else
				sent++; /* the first SYN */
			while (rudp_state(me) == RUDP_CONNECTING &&
			       now <= c.dead_ns) {
				while ((n = rudp_output(me, pkt, sizeof pkt,
							now)) > 0) {
					sent++;
					last = now;
				}
				if (rudp_state(me) != RUDP_CONNECTING)
					break;
				uint64_t t = rudp_next_timer(me);
				CHECK(t != UINT64_MAX);
				now = t > now ? t : now + 1;
			}
			CHECK(rudp_state(me) == RUDP_DEAD);
			if (by_time) {
				CHECK(sent >= 3 && sent <= RUDP_HS_TRIES);
				CHECK(now <= 2 * SEC + 1);
			} else if (!role) { /* responder: by count */
				CHECK_EQ_U64(sent, RUDP_HS_TRIES);
				CHECK(now < 8 * SEC);
			} else { /* initiator: dead_ns, 1 s apart at most */
				CHECK(sent > RUDP_HS_TRIES);
				CHECK(now >= c.dead_ns);
			}
			CHECK(last < now);
			rudp_free(a);
			rudp_free(b);
		}
	}
}

static void test_peek_syn(void)
{
	struct rudp_conf c = base_conf();
	struct rudp *a = rudp_new(&c, 0x1234abcdu, 1, 0);
	uint8_t pkt[PKT_CAP];
	uint32_t session = 0;
	ssize_t n = rudp_output(a, pkt, sizeof pkt, 0);

	CHECK(n > 0);
	CHECK(rudp_peek_syn(pkt, (size_t)n, &session) == 1);
	CHECK_EQ_U64(session, 0x1234abcdu);
	CHECK(rudp_peek_syn(pkt, RUDP_HDR_LEN - 1, &session) == 0);
	pkt[3] = RUDP_PKT_DATA;
	CHECK(rudp_peek_syn(pkt, (size_t)n, &session) == 0);
	pkt[3] = RUDP_PKT_SYN;
	pkt[0] ^= 0xff;
	CHECK(rudp_peek_syn(pkt, (size_t)n, &session) == 0);
	pkt[0] ^= 0xff;
	CHECK(rudp_peek_syn(pkt, (size_t)n, &session) == 1);
	/* A SYN the responder would refuse is no SYN to open a connection
	 * for: handshake window 0, a sequence number, a trailing byte. */
	uint8_t bad[PKT_CAP];
	memcpy(bad, pkt, (size_t)n);
	memset(bad + RUDP_HDR_LEN + 4, 0, 4);
	CHECK(rudp_peek_syn(bad, (size_t)n, &session) == 0);
	memcpy(bad, pkt, (size_t)n);
	bad[11] = 1;
	CHECK(rudp_peek_syn(bad, (size_t)n, &session) == 0);
	memcpy(bad, pkt, (size_t)n);
	bad[n] = 0;
	CHECK(rudp_peek_syn(bad, (size_t)n + 1, &session) == 0);
	rudp_free(a);
}

/* With an argument, run only the tests whose name contains it. */
int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"handshake_close", test_handshake_close},
		{"handshake_losses", test_handshake_losses},
		{"api", test_api},
		{"single_drop", test_single_drop},
		{"head_of_line", test_head_of_line},
		{"spurious", test_spurious},
		{"rto_backoff", test_rto_backoff},
		{"flow_control", test_flow_control},
		{"dead_peer", test_dead_peer},
		{"malformed", test_malformed},
		{"fuzz", test_fuzz},
		{"big_messages", test_big_messages},
		{"mtu_mismatch", test_mtu_mismatch},
		{"goodput", test_goodput},
		{"pacing", test_pacing},
		{"pacing_cwnd", test_pacing_cwnd},
		{"window_bytes", test_window_bytes},
		{"deterministic", test_deterministic},
		{"perfect_and_lossy", test_perfect_and_lossy},
		{"peek_syn", test_peek_syn},
		{"handshake_bounded", test_handshake_bounded},
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof tests / sizeof tests[0]; i++)
		if (argc < 2 || strstr(tests[i].name, argv[1]))
			tests[i].fn();
	return check_done("test_rudp");
}
