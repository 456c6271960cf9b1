/* Link emulation engine: a pool of entries, a binary heap ordered by
 * (release time, push order), a ring of departure times for the rate
 * limiter's queue, and a short list of packets held back for reordering.
 * Each random impairment draws from its own generator, so (for example) the
 * loss pattern depends only on the seed and the packets offered, not on
 * whether jitter or duplication is configured too. See linkem.h. */
#include "linkem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define MAX_DELAY_NS (3600ull * 1000000000ull) /* keeps sums far from wrap */

struct linkem_entry {
	uint64_t id;
	uint64_t key;      /* release time: the heap's key */
	uint64_t base_ns;  /* release time had it not been held */
	uint64_t order;    /* push order of this copy: ties go first-in */
	uint64_t seq;      /* push order of the packet (copies share it),
			    * among packets that are not exempt */
	uint32_t len;
	uint32_t hpos;     /* index in the heap */
	uint32_t twin;     /* the other copy of a duplicate, or NONE */
	uint32_t gap_left; /* held: later packets still to pass */
	uint8_t held;
	uint8_t late_twin; /* its twin was released already */
	uint8_t exempt;    /* LINKEM_EXEMPT: outside the reorder books */
};

/* splitmix64: seeds the generators from one number. */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* xorshift64*: one generator per impairment. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * UINT64_C(0x2545f4914f6cdd1d);
}

static uint64_t rng_seed(uint64_t *sm)
{
	uint64_t v = splitmix64(sm);

	return v ? v : UINT64_C(0x853c49e6748fea9b); /* never zero */
}

/* True with probability ppm / 1e6; draws only when ppm > 0. */
static int chance(uint64_t *s, uint32_t ppm)
{
	if (ppm == 0)
		return 0;
	return ((rng_next(s) >> 32) * LINKEM_PPM >> 32) < ppm;
}

static int check_ppm(const char *what, uint32_t v, char *err, size_t len)
{
	if (v <= LINKEM_PPM)
		return 0;
	snprintf(err, len, "%s above 100%%", what);
	return -1;
}

int linkem_conf_check(const struct linkem_conf *c, char *err, size_t len)
{
	int bad = 0;

	bad |= check_ppm("loss", c->loss_ppm, err, len);
	bad |= check_ppm("burst loss good->bad", c->ge_p_gb_ppm, err, len);
	bad |= check_ppm("burst loss bad->good", c->ge_p_bg_ppm, err, len);
	bad |= check_ppm("burst loss in bad state", c->ge_loss_ppm, err, len);
	bad |= check_ppm("reorder", c->reorder_ppm, err, len);
	bad |= check_ppm("duplication", c->dup_ppm, err, len);
	if (!bad && (c->delay_ns > MAX_DELAY_NS || c->jitter_ns > MAX_DELAY_NS ||
		     c->reorder_timeout_ns > MAX_DELAY_NS ||
		     c->queue_ns > MAX_DELAY_NS)) {
		snprintf(err, len, "delay, jitter or queue time above 1 hour");
		bad = 1;
	}
	if (!bad && c->reorder_ppm && c->reorder_gap == 0) {
		snprintf(err, len, "reorder needs a gap of at least 1");
		bad = 1;
	}
	if (!bad && c->capacity > LINKEM_MAX_CAPACITY) {
		snprintf(err, len, "pool above %u packets", LINKEM_MAX_CAPACITY);
		bad = 1;
	}
	if (bad) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int linkem_init(struct linkem *l, const struct linkem_conf *c, uint64_t seed)
{
	char why[128];
	uint32_t cap, i;
	uint64_t sm = seed;

	memset(l, 0, sizeof(*l));
	if (linkem_conf_check(c, why, sizeof why) < 0)
		return -1;
	l->conf = *c;
	if (l->conf.capacity == 0)
		l->conf.capacity = LINKEM_DEFAULT_CAPACITY;
	if (l->conf.reorder_timeout_ns == 0)
		l->conf.reorder_timeout_ns = LINKEM_DEFAULT_REORDER_TIMEOUT_NS;
	cap = l->conf.capacity;
	l->ent = calloc(cap, sizeof(*l->ent));
	l->free_idx = calloc(cap, sizeof(*l->free_idx));
	l->heap = calloc(cap, sizeof(*l->heap));
	l->dep = calloc(cap, sizeof(*l->dep));
	if (!l->ent || !l->free_idx || !l->heap || !l->dep) {
		linkem_free(l);
		errno = ENOMEM;
		return -1;
	}
	/* A stack, lowest index on top: a caller's pool indexed like ours
	 * touches only as many slots as are ever in flight. */
	for (i = 0; i < cap; i++)
		l->free_idx[i] = cap - 1 - i;
	l->nfree = cap;
	l->rng_loss = rng_seed(&sm);
	l->rng_ge = rng_seed(&sm);
	l->rng_reorder = rng_seed(&sm);
	l->rng_dup = rng_seed(&sm);
	l->rng_jitter = rng_seed(&sm);
	return 0;
}

void linkem_free(struct linkem *l)
{
	free(l->ent);
	free(l->free_idx);
	free(l->heap);
	free(l->dep);
	l->ent = NULL;
	l->free_idx = NULL;
	l->heap = NULL;
	l->dep = NULL;
	l->nfree = 0;
	l->nheap = 0;
}

uint64_t linkem_ser_ns(uint64_t rate_bps, uint32_t len)
{
	if (rate_bps == 0)
		return 0;
	return (uint64_t)len * 8u * 1000000000u / rate_bps;
}

uint32_t linkem_pending(const struct linkem *l)
{
	return l->conf.capacity - l->nfree;
}

/* --- heap of entries by (key, order) --- */

static int before(const struct linkem *l, uint32_t a, uint32_t b)
{
	const struct linkem_entry *x = &l->ent[a], *y = &l->ent[b];

	return x->key < y->key || (x->key == y->key && x->order < y->order);
}

static void heap_set(struct linkem *l, uint32_t pos, uint32_t idx)
{
	l->heap[pos] = idx;
	l->ent[idx].hpos = pos;
}

static void sift_up(struct linkem *l, uint32_t pos)
{
	uint32_t idx = l->heap[pos];

	while (pos > 0) {
		uint32_t parent = (pos - 1) / 2;

		if (!before(l, idx, l->heap[parent]))
			break;
		heap_set(l, pos, l->heap[parent]);
		pos = parent;
	}
	heap_set(l, pos, idx);
}

static void sift_down(struct linkem *l, uint32_t pos)
{
	uint32_t idx = l->heap[pos];

	for (;;) {
		uint32_t child = 2 * pos + 1;

		if (child >= l->nheap)
			break;
		if (child + 1 < l->nheap &&
		    before(l, l->heap[child + 1], l->heap[child]))
			child++;
		if (!before(l, l->heap[child], idx))
			break;
		heap_set(l, pos, l->heap[child]);
		pos = child;
	}
	heap_set(l, pos, idx);
}

static void heap_push(struct linkem *l, uint32_t idx)
{
	heap_set(l, l->nheap++, idx);
	sift_up(l, l->nheap - 1);
}

static void heap_pop_top(struct linkem *l)
{
	if (--l->nheap == 0)
		return;
	heap_set(l, 0, l->heap[l->nheap]);
	sift_down(l, 0);
}

/* --- push --- */

/* Gilbert-Elliott: step the state, then lose by the state's rate. */
static int ge_lost(struct linkem *l)
{
	const struct linkem_conf *c = &l->conf;

	if (c->ge_p_gb_ppm == 0 && !l->ge_bad)
		return 0;
	if (l->ge_bad) {
		if (chance(&l->rng_ge, c->ge_p_bg_ppm))
			l->ge_bad = 0;
	} else if (chance(&l->rng_ge, c->ge_p_gb_ppm)) {
		l->ge_bad = 1;
	}
	return l->ge_bad && chance(&l->rng_ge, c->ge_loss_ppm);
}

/* Forget departures that are over: what is left waits or is on the wire. */
static void queue_expire(struct linkem *l, uint64_t now)
{
	uint32_t cap = l->conf.capacity;

	while (l->dep_len && l->dep[l->dep_head] <= now) {
		l->dep_head = (l->dep_head + 1) % cap;
		l->dep_len--;
	}
}

/* The rate limiter: 0 with *dep set to the end of serialization, or -1
 * for a tail drop (never for an exempt packet, unless the ring is full). */
static int serialize(struct linkem *l, uint64_t now, uint32_t len,
		     int exempt, uint64_t *dep)
{
	const struct linkem_conf *c = &l->conf;
	uint64_t backlog, bits_ns, ser;

	if (c->rate_bps == 0) {
		*dep = now;
		return 0;
	}
	queue_expire(l, now);
	backlog = l->busy_until_ns > now ? l->busy_until_ns - now : 0;
	/* Carry the remainder while busy, so the long-run rate is exact. */
	bits_ns = (uint64_t)len * 8u * 1000000000u + (backlog ? l->busy_frac : 0);
	ser = bits_ns / c->rate_bps;
	if (!exempt && c->queue_pkts && l->dep_len >= c->queue_pkts)
		return -1;
	if (!exempt && c->queue_ns && backlog && backlog + ser > c->queue_ns)
		return -1;
	if (l->dep_len >= c->capacity)
		return -1;
	l->busy_frac = bits_ns % c->rate_bps;
	*dep = (backlog ? l->busy_until_ns : now) + ser;
	l->busy_until_ns = *dep;
	l->dep[(l->dep_head + l->dep_len) % c->capacity] = *dep;
	l->dep_len++;
	return 0;
}

/* Release time after delay and jitter. */
static uint64_t delay_of(struct linkem *l, uint64_t dep)
{
	const struct linkem_conf *c = &l->conf;
	int64_t d = (int64_t)c->delay_ns;
	uint64_t t;

	if (c->jitter_ns) {
		uint64_t span = 2 * c->jitter_ns + 1;

		d += (int64_t)(rng_next(&l->rng_jitter) % span) -
		     (int64_t)c->jitter_ns;
		if (d < 0)
			d = 0;
	}
	t = dep + (uint64_t)d;
	if (!c->jitter_reorder) {
		if (t < l->last_release_ns)
			t = l->last_release_ns;
		l->last_release_ns = t;
	}
	return t;
}

static uint32_t entry_new(struct linkem *l, uint64_t id, uint32_t len,
			  uint64_t seq, uint64_t t)
{
	uint32_t idx = l->free_idx[--l->nfree];
	struct linkem_entry *e = &l->ent[idx];

	memset(e, 0, sizeof(*e));
	e->id = id;
	e->len = len;
	e->seq = seq;
	e->base_ns = t;
	e->key = t;
	e->order = l->order++;
	e->twin = NONE;
	return idx;
}

enum linkem_verdict linkem_push(struct linkem *l, uint64_t now_ns,
				uint32_t len, uint64_t id, unsigned flags)
{
	const struct linkem_conf *c = &l->conf;
	int exempt = (flags & LINKEM_EXEMPT) != 0;
	uint64_t dep, t, seq;
	uint32_t idx;
	int hold, dup;

	l->st.in++;
	l->st.bytes_in += len;
	if (!exempt) {
		int lost = ge_lost(l);

		if (chance(&l->rng_loss, c->loss_ppm))
			lost = 1;
		if (lost) {
			l->st.dropped_loss++;
			return LINKEM_DROP_LOSS;
		}
	}
	if (l->nfree == 0 || serialize(l, now_ns, len, exempt, &dep) < 0) {
		l->st.dropped_queue++;
		return LINKEM_DROP_QUEUE;
	}
	t = delay_of(l, dep);
	seq = exempt ? 0 : l->seq++;
	idx = entry_new(l, id, len, seq, t);
	l->ent[idx].exempt = (uint8_t)exempt;
	hold = !exempt && chance(&l->rng_reorder, c->reorder_ppm) &&
	       l->nheld < LINKEM_MAX_HELD;
	if (hold) {
		l->ent[idx].held = 1;
		l->ent[idx].gap_left = c->reorder_gap;
		l->ent[idx].key = t + c->reorder_timeout_ns;
		l->held[l->nheld++] = idx;
	}
	heap_push(l, idx);
	dup = !exempt && chance(&l->rng_dup, c->dup_ppm) && l->nfree > 0;
	if (!dup)
		return LINKEM_QUEUED;
	/* The copy follows the original's due time, never its hold. */
	uint32_t cidx = entry_new(l, id, len, seq, t);

	l->ent[idx].twin = cidx;
	l->ent[cidx].twin = idx;
	heap_push(l, cidx);
	l->st.duplicated++;
	return LINKEM_DUPLICATED;
}

/* --- pop --- */

uint64_t linkem_next_release(const struct linkem *l)
{
	return l->nheap ? l->ent[l->heap[0]].key : UINT64_MAX;
}

static void held_remove_at(struct linkem *l, uint32_t i)
{
	l->held[i] = l->held[--l->nheld];
}

static void held_remove(struct linkem *l, uint32_t idx)
{
	for (uint32_t i = 0; i < l->nheld; i++) {
		if (l->held[i] == idx) {
			held_remove_at(l, i);
			return;
		}
	}
}

/* A packet of sequence seq (not exempt) passed at time t: held packets
 * pushed before it count it, and those whose gap is done come due (not
 * before their time). */
static void pass_held(struct linkem *l, uint64_t seq, uint64_t t)
{
	uint32_t i = 0;

	while (i < l->nheld) {
		uint32_t idx = l->held[i];
		struct linkem_entry *h = &l->ent[idx];

		if (h->seq >= seq || --h->gap_left > 0) {
			i++;
			continue;
		}
		h->held = 0;
		held_remove_at(l, i);
		h->key = h->base_ns > t ? h->base_ns : t; /* never later */
		sift_up(l, h->hpos);
	}
}

int linkem_pop(struct linkem *l, uint64_t now_ns, struct linkem_pkt *p)
{
	uint32_t idx;
	struct linkem_entry *e;

	if (l->nheap == 0)
		return 0;
	idx = l->heap[0];
	e = &l->ent[idx];
	if (e->key > now_ns)
		return 0;
	heap_pop_top(l);
	if (e->held)
		held_remove(l, idx); /* its timeout came first */
	p->id = e->id;
	p->len = e->len;
	p->release_ns = e->key;
	p->copy = e->late_twin;
	/* The first copy of a packet that is not exempt: reordered if one of
	 * its class pushed later went first; it passes the held ones. An
	 * exempt packet is neither (a receiver of the impaired stream never
	 * sees it), so a packet only exempt ones overtook is not reordered,
	 * and a held one waits for its gap of its own class or its timeout. */
	if (!e->late_twin && e->twin != NONE) {
		l->ent[e->twin].late_twin = 1;
		l->ent[e->twin].twin = NONE;
	}
	if (!e->late_twin && !e->exempt) {
		if (e->seq + 1 < l->max_out_seq)
			l->st.reordered++;
		else
			l->max_out_seq = e->seq + 1;
		pass_held(l, e->seq, e->key);
	}
	l->st.out++;
	l->st.bytes_out += e->len;
	l->free_idx[l->nfree++] = idx;
	return 1;
}
