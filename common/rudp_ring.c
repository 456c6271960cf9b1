/* Reliable UDP, part: the send FIFO, the send ring with its flight list,
 * the receive ring and reassembly (see rudp_ring.h).
 *
 * Receive side: the head (base) moves contiguous packets into one
 * reassembly buffer of max_msg bytes, so messages longer than the window
 * still get through; in unordered mode a message whose fragments are all
 * in the ring is handed out from there at once. */
#include "rudp_ring.h"

#include <stdlib.h>
#include <string.h>

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- send FIFO -------------------------------------------------------- */

void rudp_fifo_put(struct rudp_fifo *f, const void *src, size_t n)
{
	size_t tail = (f->head + f->used) % f->cap;
	size_t first = min_sz(n, f->cap - tail);

	if (n == 0)
		return;
	memcpy(f->buf + tail, src, first);
	memcpy(f->buf, (const uint8_t *)src + first, n - first);
	f->used += n;
}

void rudp_fifo_get(const struct rudp_fifo *f, size_t off, void *dst, size_t n)
{
	size_t pos = (f->head + off) % f->cap;
	size_t first = min_sz(n, f->cap - pos);

	if (n == 0)
		return;
	memcpy(dst, f->buf + pos, first);
	memcpy((uint8_t *)dst + first, f->buf, n - first);
}

void rudp_fifo_drop(struct rudp_fifo *f, size_t n)
{
	f->head = (f->head + n) % f->cap;
	f->used -= n;
}

uint32_t rudp_fifo_head_len(const struct rudp_fifo *f)
{
	uint32_t len;

	rudp_fifo_get(f, 0, &len, sizeof len);
	return len;
}

/* ---- send ring ---------------------------------------------------------- */

int rudp_txq_init(struct rudp_txq *q, uint32_t w, uint32_t slot_bytes)
{
	memset(q, 0, sizeof *q);
	q->w = w;
	q->slot_bytes = slot_bytes;
	q->head = q->tail = RUDP_NIL;
	q->slot = calloc(w, sizeof *q->slot);
	q->data = malloc((size_t)w * slot_bytes);
	return q->slot && q->data ? 0 : -1;
}

void rudp_txq_free(struct rudp_txq *q)
{
	free(q->slot);
	free(q->data);
	q->slot = NULL;
	q->data = NULL;
}

uint32_t rudp_txq_index(const struct rudp_txq *q, uint64_t seq)
{
	return (uint32_t)(seq % q->w);
}

uint8_t *rudp_txq_data(const struct rudp_txq *q, uint64_t seq)
{
	return q->data + (size_t)rudp_txq_index(q, seq) * q->slot_bytes;
}

static void list_remove(struct rudp_txq *q, uint32_t i)
{
	struct rudp_tx_slot *t = &q->slot[i];

	if (t->prev != RUDP_NIL)
		q->slot[t->prev].next = t->next;
	else
		q->head = t->next;
	if (t->next != RUDP_NIL)
		q->slot[t->next].prev = t->prev;
	else
		q->tail = t->prev;
	t->prev = t->next = RUDP_NIL;
	q->inflight--;
	q->inflight_bytes -= t->len;
}

void rudp_txq_fly(struct rudp_txq *q, uint32_t i)
{
	struct rudp_tx_slot *t = &q->slot[i];

	if (t->state == RUDP_TX_FLIGHT)
		list_remove(q, i); /* a probe: to the tail again */
	else if (t->state == RUDP_TX_LOST)
		q->lost--;
	t->state = RUDP_TX_FLIGHT;
	t->why = RUDP_WHY_NONE;
	t->prev = q->tail;
	t->next = RUDP_NIL;
	if (q->tail != RUDP_NIL)
		q->slot[q->tail].next = i;
	else
		q->head = i;
	q->tail = i;
	q->inflight++;
	q->inflight_bytes += t->len;
}

enum rudp_tx_state rudp_txq_delivered(struct rudp_txq *q, uint32_t i,
				      int sacked)
{
	struct rudp_tx_slot *t = &q->slot[i];
	enum rudp_tx_state was = (enum rudp_tx_state)t->state;

	if (was == RUDP_TX_FLIGHT)
		list_remove(q, i);
	else if (was == RUDP_TX_LOST)
		q->lost--;
	if (was == RUDP_TX_FLIGHT || was == RUDP_TX_LOST || !sacked)
		t->state = sacked ? RUDP_TX_SACKED : RUDP_TX_FREE;
	return was;
}

void rudp_txq_lose(struct rudp_txq *q, uint32_t i, enum rudp_lost_why why)
{
	struct rudp_tx_slot *t = &q->slot[i];

	list_remove(q, i);
	t->state = RUDP_TX_LOST;
	t->why = (uint8_t)why;
	t->lost_by = (uint8_t)why;
	q->lost++;
}

/* ---- receive ring ------------------------------------------------------- */

int rudp_rxq_init(struct rudp_rxq *x, uint32_t w, uint32_t slot_bytes,
		  uint32_t max_msg, int ordered)
{
	memset(x, 0, sizeof *x);
	x->w = w;
	x->slot_bytes = slot_bytes;
	x->ordered = ordered;
	x->slot = calloc(w, sizeof *x->slot);
	x->data = malloc((size_t)w * slot_bytes);
	x->ready = calloc(w, sizeof *x->ready);
	x->asm_buf = malloc(max_msg);
	return x->slot && x->data && x->ready && x->asm_buf ? 0 : -1;
}

void rudp_rxq_free(struct rudp_rxq *x)
{
	free(x->slot);
	free(x->data);
	free(x->ready);
	free(x->asm_buf);
	memset(x, 0, sizeof *x);
}

static uint8_t *rx_data(const struct rudp_rxq *x, uint64_t seq)
{
	return x->data + (size_t)(seq % x->w) * x->slot_bytes;
}

int rudp_rxq_has(const struct rudp_rxq *x, uint64_t seq)
{
	return x->slot[seq % x->w].state != RUDP_RX_EMPTY;
}

uint64_t rudp_rxq_window(const struct rudp_rxq *x)
{
	return x->base + x->w - x->nxt;
}

uint64_t rudp_rxq_sack(const struct rudp_rxq *x)
{
	uint64_t bits = 0, s;
	unsigned i;

	for (i = 0; i < 64; i++) {
		s = x->nxt + 1 + i;
		if (s >= x->high || s >= x->base + x->w)
			break;
		if (x->slot[s % x->w].state != RUDP_RX_EMPTY)
			bits |= 1ull << i;
	}
	return bits;
}

static void asm_reset(struct rudp_rxq *x)
{
	x->asm_active = x->asm_full = 0;
	x->asm_len = 0;
	x->asm_next = 0;
}

/* Move the head packet into the reassembly buffer. A packet that does not
 * continue the message there (only a broken peer sends one) is counted;
 * the partial message goes, and so does the packet unless it starts a
 * message. */
static void asm_take(struct rudp_rxq *x, const struct rudp_rx_slot *p,
		     uint64_t seq)
{
	if (x->asm_active &&
	    (p->msg_id != x->asm_msg_id || p->frag_idx != x->asm_next ||
	     p->frag_cnt != x->asm_cnt)) {
		x->broken++;
		asm_reset(x);
	}
	if (!x->asm_active) {
		if (p->frag_idx != 0) {
			x->broken++;
			return;
		}
		x->asm_active = 1;
		x->asm_msg_id = p->msg_id;
		x->asm_cnt = p->frag_cnt;
	}
	memcpy(x->asm_buf + x->asm_len, rx_data(x, seq), p->len);
	x->asm_len += p->len;
	x->asm_next++;
	x->asm_full = x->asm_next == x->asm_cnt;
}

/* Free consumed head slots; move held ones into reassembly until a whole
 * message waits there or a queued (unordered, whole) message is reached. */
static void pump(struct rudp_rxq *x)
{
	struct rudp_rx_slot *p;

	while (!x->asm_full && x->base < x->nxt) {
		p = &x->slot[x->base % x->w];
		if (p->state == RUDP_RX_QUEUED)
			break;
		if (p->state == RUDP_RX_HELD)
			asm_take(x, p, x->base);
		p->state = RUDP_RX_EMPTY;
		x->base++;
	}
}

/* Unordered: is the message holding seq whole within the ring? */
static void try_ready(struct rudp_rxq *x, uint64_t seq)
{
	const struct rudp_rx_slot *p = &x->slot[seq % x->w], *y;
	uint64_t start, q;

	if (p->frag_idx > seq)
		return;
	start = seq - p->frag_idx;
	if (start < x->base || start + p->frag_cnt > x->base + x->w)
		return;
	for (q = start; q < start + p->frag_cnt; q++) {
		y = &x->slot[q % x->w];
		if (y->state != RUDP_RX_HELD || y->msg_id != p->msg_id ||
		    y->frag_idx != q - start || y->frag_cnt != p->frag_cnt)
			return;
	}
	for (q = start; q < start + p->frag_cnt; q++)
		x->slot[q % x->w].state = RUDP_RX_QUEUED;
	x->ready[(x->ready_head + x->ready_len++) % x->w] = start;
}

void rudp_rxq_store(struct rudp_rxq *x, uint64_t seq, uint32_t msg_id,
		    uint16_t frag_idx, uint16_t frag_cnt, const uint8_t *pl,
		    uint16_t len)
{
	struct rudp_rx_slot *p = &x->slot[seq % x->w];

	if (len)
		memcpy(rx_data(x, seq), pl, len);
	p->msg_id = msg_id;
	p->frag_idx = frag_idx;
	p->frag_cnt = frag_cnt;
	p->len = len;
	p->state = RUDP_RX_HELD;
	if (seq >= x->high)
		x->high = seq + 1;
	while (x->nxt < x->base + x->w &&
	       x->slot[x->nxt % x->w].state != RUDP_RX_EMPTY)
		x->nxt++;
	if (!x->ordered)
		try_ready(x, seq);
	pump(x);
}

/* Length of the unordered message starting at start (whole in the ring). */
static size_t ring_msg_len(const struct rudp_rxq *x, uint64_t start)
{
	uint16_t i, cnt = x->slot[start % x->w].frag_cnt;
	size_t len = 0;

	for (i = 0; i < cnt; i++)
		len += x->slot[(start + i) % x->w].len;
	return len;
}

ssize_t rudp_rxq_peek_len(const struct rudp_rxq *x)
{
	if (x->asm_full)
		return (ssize_t)x->asm_len;
	if (x->ready_len)
		return (ssize_t)ring_msg_len(x, x->ready[x->ready_head]);
	return -1;
}

void rudp_rxq_take(struct rudp_rxq *x, uint8_t *dst)
{
	uint64_t start;
	uint16_t i, cnt;
	struct rudp_rx_slot *p;

	if (x->asm_full) {
		if (x->asm_len)
			memcpy(dst, x->asm_buf, x->asm_len);
		asm_reset(x);
		pump(x);
		return;
	}
	start = x->ready[x->ready_head];
	cnt = x->slot[start % x->w].frag_cnt;
	for (i = 0; i < cnt; i++) {
		p = &x->slot[(start + i) % x->w];
		if (p->len)
			memcpy(dst, rx_data(x, start + i), p->len);
		dst += p->len;
		p->state = RUDP_RX_CONSUMED;
	}
	x->ready_head = (x->ready_head + 1) % x->w;
	x->ready_len--;
	pump(x);
}

int rudp_rxq_empty(const struct rudp_rxq *x)
{
	return x->base == x->nxt && !x->asm_active;
}
