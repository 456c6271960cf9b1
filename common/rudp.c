/* Reliable UDP state machine (see rudp.h for the protocol and the wire).
 *
 * Send side: app messages wait in a byte FIFO (length-prefixed) and are cut
 * into packets only when the window lets one go, so the fragment size can
 * follow the handshake. A packet in flight lives in tx slot seq % window
 * until it is cumulatively acknowledged. Slots that are in flight (neither
 * SACKed nor deemed lost) are also on a list in transmission order: a packet
 * is lost once three packets transmitted after it are acknowledged, which
 * is a walk from the list head.
 *
 * Receive side: packet seq lives in rx slot seq % window while
 * rcv_base <= seq < rcv_base + window. The head (rcv_base) moves contiguous
 * packets into one reassembly buffer of max_msg bytes, so messages longer
 * than the window still get through; in unordered mode a message whose
 * fragments are all in the ring is handed out from there at once. The
 * advertised window is rcv_base + window - rcv_nxt: slots the app frees. */
#include "rudp.h"

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT32_MAX
#define F_KNOWN (RUDP_F_ECHO | RUDP_F_ESEQ | RUDP_F_DUP | RUDP_F_PROBE)
#define F_ACKS (RUDP_F_ECHO | RUDP_F_ESEQ | RUDP_F_DUP)
#define RTO_GRANULARITY_NS 1000ull
#define PACE_BURST 4           /* packets of credit after a late call */
#define LEN_PREFIX 4           /* bytes before each message in the FIFO */

enum tx_state { TX_FREE, TX_FLIGHT, TX_SACKED, TX_LOST };
enum lost_why { WHY_NONE, WHY_FAST, WHY_RTO };
enum rx_state { RX_EMPTY, RX_HELD, RX_QUEUED, RX_CONSUMED };

struct hdr {
	uint8_t type;
	uint16_t flags;
	uint32_t session, seq, ack;
	uint64_t sack, ts, ts_echo;
	uint32_t echo_seq, ack_delay, window, msg_id;
	uint16_t frag_idx, frag_cnt, plen;
};

struct hs_params {
	uint32_t mtu, window, max_msg;
};

struct tx_slot {
	uint64_t seq;
	uint64_t tx_order;     /* transmission counter at the last send */
	uint64_t last_ts;      /* time of the last send */
	uint32_t msg_id;
	uint32_t prev, next;   /* flight list, in transmission order */
	uint16_t frag_idx, frag_cnt, len;
	uint8_t state, why, tx_count, spurious;
};

struct rx_slot {
	uint32_t msg_id;
	uint16_t frag_idx, frag_cnt, len;
	uint8_t state;
};

struct fifo {
	uint8_t *buf;
	size_t cap, head, used;
};

struct rudp {
	struct rudp_conf conf;
	uint32_t session;
	int initiator;
	enum rudp_state state;
	uint64_t now;              /* latest time handed in */
	uint32_t w;                /* conf.window */
	uint32_t slot_bytes;       /* own payload room per packet */

	/* peer, from the handshake */
	int have_peer;
	struct hs_params peer;
	uint32_t pay;              /* payload per packet, both ends agree */
	uint32_t max_msg;          /* smaller max_msg of the two */
	uint32_t max_frags;

	/* control packets due, close */
	int syn_due, syn_sent, synack_due, probe_due;
	uint32_t hs_sent;          /* SYN or SYN-ACK transmissions */
	uint64_t hs_start;         /* the first of them */
	int close_req, fin_due, fin_sent, fin_acked;
	int peer_fin, finack_due;

	/* send side */
	struct fifo sq;
	uint32_t sq_off;           /* bytes of the head message already cut */
	uint32_t next_msg_id;
	struct tx_slot *tx;
	uint8_t *txdata;
	uint64_t snd_una, snd_nxt, right_edge, rtx_cursor, tx_counter;
	uint32_t inflight, lost_count, list_head, list_tail;
	uint64_t top3[3];          /* largest tx_order known delivered */

	/* congestion control */
	uint32_t cwnd, ssthresh, ca_acc;
	int in_recovery, rto_streak;
	uint64_t recovery_seq, recovery_tx;
	uint32_t prr_delivered, prr_out, recover_fs;
	uint64_t pace_next;
	int undo_active;           /* reductions since undo_tx may be undone */
	uint32_t undo_retrans, prior_cwnd, prior_ssthresh;
	uint64_t undo_tx;

	/* RTT, timers, liveness */
	int have_rtt;
	uint64_t srtt, rttvar, rto, rtt_gate, rto_at;
	uint64_t last_heard, wait_since;
	int waiting;

	/* receive side */
	struct rx_slot *rx;
	uint8_t *rxdata;
	uint64_t rcv_base, rcv_nxt, rcv_high;
	uint64_t *ready;           /* unordered: starts of whole messages */
	uint32_t ready_head, ready_len;
	uint8_t *asm_buf;
	uint32_t asm_len, asm_msg_id;
	uint16_t asm_next, asm_cnt;
	int asm_active, asm_full;

	/* acknowledgements we owe */
	int ack_pending, ack_now;
	uint32_t ack_count;
	uint64_t ack_deadline, adv_edge;
	int echo_valid, echo_data, echo_dup;
	uint64_t echo_ts, echo_seq, echo_at;

	struct rudp_stats st;
};

/* ---- small helpers --------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t note_time(struct rudp *r, uint64_t now)
{
	if (now > r->now)
		r->now = now;
	return r->now;
}

/* Widen a 32-bit wire sequence number to the 64-bit one nearest ref. */
static int expand32(uint32_t x, uint64_t ref, uint64_t *out)
{
	int32_t d = (int32_t)(x - (uint32_t)ref);

	if (d < 0 && (uint64_t)(-(int64_t)d) > ref)
		return -1;
	*out = ref + (uint64_t)(int64_t)d;
	return 0;
}

/* ---- wire ------------------------------------------------------------ */

static void put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, sizeof v);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof v);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof v);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return be16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
	return be32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return be64toh(v);
}

static void hdr_put(uint8_t *p, const struct hdr *h)
{
	put16(p, RUDP_MAGIC);
	p[2] = RUDP_VERSION;
	p[3] = h->type;
	put32(p + 4, h->session);
	put32(p + 8, h->seq);
	put32(p + 12, h->ack);
	put64(p + 16, h->sack);
	put64(p + 24, h->ts);
	put64(p + 32, h->ts_echo);
	put32(p + 40, h->echo_seq);
	put32(p + 44, h->ack_delay);
	put32(p + 48, h->window);
	put32(p + 52, h->msg_id);
	put16(p + 56, h->frag_idx);
	put16(p + 58, h->frag_cnt);
	put16(p + 60, h->plen);
	put16(p + 62, h->flags);
}

/* Structure only: length, magic, version, type, payload length, flags. */
static int hdr_get(const uint8_t *p, size_t len, struct hdr *h)
{
	if (len < RUDP_HDR_LEN || get16(p) != RUDP_MAGIC ||
	    p[2] != RUDP_VERSION)
		return -1;
	h->type = p[3];
	h->session = get32(p + 4);
	h->seq = get32(p + 8);
	h->ack = get32(p + 12);
	h->sack = get64(p + 16);
	h->ts = get64(p + 24);
	h->ts_echo = get64(p + 32);
	h->echo_seq = get32(p + 40);
	h->ack_delay = get32(p + 44);
	h->window = get32(p + 48);
	h->msg_id = get32(p + 52);
	h->frag_idx = get16(p + 56);
	h->frag_cnt = get16(p + 58);
	h->plen = get16(p + 60);
	h->flags = get16(p + 62);
	if (h->type < RUDP_PKT_SYN || h->type > RUDP_PKT_FINACK)
		return -1;
	if (h->plen != len - RUDP_HDR_LEN || (h->flags & ~F_KNOWN))
		return -1;
	return 0;
}

static void hs_put(uint8_t *p, const struct hs_params *hs)
{
	put32(p, hs->mtu);
	put32(p + 4, hs->window);
	put32(p + 8, hs->max_msg);
}

static int hs_get(const uint8_t *p, struct hs_params *hs)
{
	hs->mtu = get32(p);
	hs->window = get32(p + 4);
	hs->max_msg = get32(p + 8);
	return hs->mtu >= RUDP_MIN_MTU && hs->mtu <= RUDP_MAX_MTU &&
	       hs->window >= 1 && hs->window <= RUDP_MAX_WINDOW &&
	       hs->max_msg >= 1 && hs->max_msg <= RUDP_MAX_MSG ? 0 : -1;
}

/* Echo fields agree with the flags that announce them. */
static int echo_fields_ok(const struct hdr *h)
{
	if (!(h->flags & RUDP_F_ECHO))
		return h->ts_echo == 0 && h->ack_delay == 0 &&
		       !(h->flags & (RUDP_F_ESEQ | RUDP_F_DUP)) &&
		       h->echo_seq == 0;
	if (!(h->flags & RUDP_F_ESEQ))
		return h->echo_seq == 0 && !(h->flags & RUDP_F_DUP);
	return 1;
}

static int no_msg_fields(const struct hdr *h)
{
	return h->msg_id == 0 && h->frag_idx == 0 && h->frag_cnt == 0;
}

/* Per-type field rules that need no connection state. */
static int fields_ok(const struct hdr *h)
{
	if (!echo_fields_ok(h) || h->window > RUDP_MAX_WINDOW)
		return 0;
	switch (h->type) {
	case RUDP_PKT_SYN:
		return h->plen == RUDP_HS_LEN && h->flags == 0 &&
		       h->seq == 0 && h->ack == 0 && h->sack == 0 &&
		       no_msg_fields(h);
	case RUDP_PKT_SYNACK:
		return h->plen == RUDP_HS_LEN &&
		       (h->flags & ~RUDP_F_ECHO) == 0 && h->seq == 0 &&
		       h->ack == 0 && h->sack == 0 && no_msg_fields(h);
	case RUDP_PKT_ACK:
		return h->plen == 0 && h->seq == 0 && no_msg_fields(h);
	case RUDP_PKT_DATA:
		return (h->flags & ~F_ACKS) == 0 && h->frag_cnt > 0 &&
		       h->frag_idx < h->frag_cnt;
	case RUDP_PKT_FIN:
		return h->plen == 0 && (h->flags & ~F_ACKS) == 0 &&
		       no_msg_fields(h);
	default: /* FINACK */
		return h->plen == 0 && (h->flags & ~F_ACKS) == 0 &&
		       h->seq == 0 && no_msg_fields(h);
	}
}

/* Fragment rules: every piece but the last is full, the last is not empty
 * (unless the message is), and the whole fits max_msg. */
static int data_fields_ok(const struct rudp *r, const struct hdr *h)
{
	if (h->frag_cnt > r->max_frags || h->plen > r->pay)
		return 0;
	if (h->frag_idx + 1 < h->frag_cnt)
		return h->plen == r->pay;
	if (h->frag_cnt > 1 && h->plen == 0)
		return 0;
	return (uint64_t)(h->frag_cnt - 1) * r->pay + h->plen <= r->max_msg;
}

/* ---- send FIFO --------------------------------------------------------- */

static void fifo_put(struct fifo *f, const void *src, size_t n)
{
	size_t tail = (f->head + f->used) % f->cap;
	size_t first = min_u64(n, f->cap - tail);

	if (n == 0)
		return;
	memcpy(f->buf + tail, src, first);
	memcpy(f->buf, (const uint8_t *)src + first, n - first);
	f->used += n;
}

static void fifo_get(const struct fifo *f, size_t off, void *dst, size_t n)
{
	size_t pos = (f->head + off) % f->cap;
	size_t first = min_u64(n, f->cap - pos);

	if (n == 0)
		return;
	memcpy(dst, f->buf + pos, first);
	memcpy((uint8_t *)dst + first, f->buf, n - first);
}

static void fifo_drop(struct fifo *f, size_t n)
{
	f->head = (f->head + n) % f->cap;
	f->used -= n;
}

static uint32_t fifo_head_len(const struct fifo *f)
{
	uint32_t len;

	fifo_get(f, 0, &len, sizeof len);
	return len;
}

/* ---- construction ---------------------------------------------------- */

static int conf_ok(const struct rudp_conf *c)
{
	return c && c->mtu_payload >= RUDP_MIN_MTU &&
	       c->mtu_payload <= RUDP_MAX_MTU && c->window >= 1 &&
	       c->window <= RUDP_MAX_WINDOW && c->max_msg >= 1 &&
	       c->max_msg <= RUDP_MAX_MSG && c->rto_min_ns > 0 &&
	       c->rto_min_ns <= c->rto_init_ns &&
	       c->rto_init_ns <= c->rto_max_ns && c->dead_ns > 0 &&
	       (uint64_t)c->window * c->mtu_payload <= (1ull << 30);
}

static int alloc_buffers(struct rudp *r)
{
	size_t ring = (size_t)r->w * r->slot_bytes;

	r->sq.cap = max_u64(ring, (uint64_t)r->conf.max_msg + LEN_PREFIX);
	r->sq.buf = malloc(r->sq.cap);
	r->tx = calloc(r->w, sizeof *r->tx);
	r->txdata = malloc(ring);
	r->rx = calloc(r->w, sizeof *r->rx);
	r->rxdata = malloc(ring);
	r->ready = calloc(r->w, sizeof *r->ready);
	r->asm_buf = malloc(r->conf.max_msg);
	return r->sq.buf && r->tx && r->txdata && r->rx && r->rxdata &&
	       r->ready && r->asm_buf ? 0 : -1;
}

struct rudp *rudp_new(const struct rudp_conf *c, uint32_t session,
		      int initiator, uint64_t now)
{
	struct rudp *r;

	if (!conf_ok(c)) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->conf = *c;
	r->session = session;
	r->initiator = initiator != 0;
	r->state = RUDP_CONNECTING;
	r->now = now;
	r->w = c->window;
	r->slot_bytes = c->mtu_payload - RUDP_HDR_LEN;
	if (alloc_buffers(r) < 0) {
		rudp_free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->list_head = r->list_tail = NIL;
	r->cwnd = c->pacing_bps ? r->w : (uint32_t)min_u64(RUDP_INIT_CWND,
							  r->w);
	r->ssthresh = r->w;
	r->rto = c->rto_init_ns;
	r->rto_at = UINT64_MAX;
	r->last_heard = r->wait_since = now;
	r->waiting = 1;
	r->syn_due = r->initiator;
	r->adv_edge = r->w;
	return r;
}

void rudp_free(struct rudp *r)
{
	if (!r)
		return;
	free(r->sq.buf);
	free(r->tx);
	free(r->txdata);
	free(r->rx);
	free(r->rxdata);
	free(r->ready);
	free(r->asm_buf);
	free(r);
}

static void set_peer(struct rudp *r, const struct hs_params *hs,
		     uint32_t window)
{
	r->have_peer = 1;
	r->peer = *hs;
	r->pay = (uint32_t)min_u64(r->conf.mtu_payload, hs->mtu) -
		 RUDP_HDR_LEN;
	r->max_msg = (uint32_t)min_u64(r->conf.max_msg, hs->max_msg);
	r->max_frags = (r->max_msg + r->pay - 1) / r->pay;
	r->right_edge = max_u64(r->right_edge, window);
}

/* ---- predicates shared by output and next_timer ---------------------- */

static int sending_state(const struct rudp *r)
{
	return r->state == RUDP_OPEN || r->state == RUDP_CLOSING;
}

static int drained(const struct rudp *r)
{
	return r->sq.used == 0 && r->snd_una == r->snd_nxt;
}

static int window_blocked(const struct rudp *r)
{
	return r->snd_nxt >= r->right_edge;
}

static int can_send_new(const struct rudp *r)
{
	return sending_state(r) && r->sq.used > 0 &&
	       r->snd_nxt - r->snd_una < r->w && !window_blocked(r) &&
	       r->inflight < r->cwnd;
}

static int can_retransmit(const struct rudp *r)
{
	return sending_state(r) && r->lost_count > 0 && r->inflight < r->cwnd;
}

static int probe_needed(const struct rudp *r)
{
	return sending_state(r) && r->sq.used > 0 &&
	       r->snd_una == r->snd_nxt && window_blocked(r);
}

static int fin_sendable(const struct rudp *r)
{
	return r->state == RUDP_CLOSING && r->close_req && r->fin_due &&
	       !r->fin_acked && drained(r);
}

static int finack_sendable(const struct rudp *r)
{
	return (sending_state(r) || r->state == RUDP_CLOSED) && r->peer_fin &&
	       r->finack_due && drained(r);
}

static int ack_sendable(const struct rudp *r, uint64_t now)
{
	return sending_state(r) &&
	       (r->probe_due ||
		(r->ack_pending && (r->ack_now || now >= r->ack_deadline)));
}

/* Is something of ours outstanding at the peer (timer, dead clock)? */
static int timer_needed(const struct rudp *r)
{
	if (r->state == RUDP_CONNECTING)
		return r->initiator ? r->syn_sent : r->have_peer;
	if (!sending_state(r))
		return 0;
	return r->snd_una < r->snd_nxt || (r->fin_sent && !r->fin_acked) ||
	       probe_needed(r);
}

static int waiting_on_peer(const struct rudp *r)
{
	return r->state == RUDP_CONNECTING || timer_needed(r);
}

/* Time until the retransmission timer fires: the RTO, but short enough
 * for a few tries within dead_ns, so one lost reply does not kill. */
static uint64_t timer_gap(const struct rudp *r)
{
	return min_u64(r->rto, r->conf.dead_ns / 4);
}

/* One more SYN or SYN-ACK goes out. */
static void hs_count(struct rudp *r, uint64_t now)
{
	if (r->hs_sent++ == 0)
		r->hs_start = now;
}

/* When an unfinished handshake gives up. */
static uint64_t hs_deadline(const struct rudp *r)
{
	if (r->state != RUDP_CONNECTING || r->hs_sent == 0)
		return UINT64_MAX;
	return r->hs_start + (r->conf.handshake_ns ? r->conf.handshake_ns
						   : r->conf.dead_ns);
}

static uint64_t dead_at(const struct rudp *r)
{
	if (!r->waiting)
		return UINT64_MAX;
	return max_u64(r->last_heard, r->wait_since) + r->conf.dead_ns;
}

/* Bookkeeping after every call: arm or stop the retransmission timer,
 * start the dead clock when we begin waiting on the peer. */
static void settle(struct rudp *r, uint64_t now)
{
	int w = waiting_on_peer(r);

	if (!timer_needed(r))
		r->rto_at = UINT64_MAX;
	else if (r->rto_at == UINT64_MAX)
		r->rto_at = now + timer_gap(r);
	if (w && !r->waiting)
		r->wait_since = now;
	r->waiting = w;
}

/* ---- RTT and RTO (RFC 6298) ------------------------------------------ */

static void rto_update(struct rudp *r, uint64_t rtt)
{
	uint64_t d;

	if (!r->have_rtt) {
		r->srtt = rtt;
		r->rttvar = rtt / 2;
		r->have_rtt = 1;
	} else {
		d = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;
		r->rttvar = (3 * r->rttvar + d) / 4;
		r->srtt = (7 * r->srtt + rtt) / 8;
	}
	r->rto = r->srtt + max_u64(RTO_GRANULARITY_NS, 4 * r->rttvar);
	r->rto = max_u64(r->rto, r->conf.rto_min_ns);
	r->rto = min_u64(r->rto, r->conf.rto_max_ns);
}

/* One sample per round trip: from a packet sent after the last sample was
 * taken. The echo names the very transmission, so retransmissions count. */
static void rtt_sample(struct rudp *r, const struct hdr *h, uint64_t now)
{
	uint64_t rtt;

	if (!(h->flags & RUDP_F_ECHO) || h->ts_echo > now ||
	    h->ts_echo < r->rtt_gate)
		return;
	rtt = now - h->ts_echo;
	if (h->ack_delay < rtt)
		rtt -= h->ack_delay;
	rto_update(r, rtt ? rtt : 1);
	r->rtt_gate = now;
}

/* ---- flight list and loss detection ---------------------------------- */

static void list_append(struct rudp *r, uint32_t i)
{
	struct tx_slot *t = &r->tx[i];

	t->prev = r->list_tail;
	t->next = NIL;
	if (r->list_tail != NIL)
		r->tx[r->list_tail].next = i;
	else
		r->list_head = i;
	r->list_tail = i;
}

static void list_remove(struct rudp *r, uint32_t i)
{
	struct tx_slot *t = &r->tx[i];

	if (t->prev != NIL)
		r->tx[t->prev].next = t->next;
	else
		r->list_head = t->next;
	if (t->next != NIL)
		r->tx[t->next].prev = t->prev;
	else
		r->list_tail = t->prev;
	t->prev = t->next = NIL;
}

static void note_delivered_order(struct rudp *r, uint64_t o)
{
	uint64_t *t = r->top3;

	if (o <= t[2] || o == t[1] || o == t[0])
		return;
	if (o > t[0]) {
		t[2] = t[1];
		t[1] = t[0];
		t[0] = o;
	} else if (o > t[1]) {
		t[2] = t[1];
		t[1] = o;
	} else {
		t[2] = o;
	}
}

/* Packet in slot i reached the peer (SACKed, or below the cumulative ack
 * if !sacked). 1 if that is news. order_known: the echo says which of its
 * transmissions arrived; a first transmission is never in doubt. */
static uint32_t slot_delivered(struct rudp *r, uint32_t i, int sacked,
			       int order_known)
{
	struct tx_slot *t = &r->tx[i];

	if (t->state == TX_FLIGHT) {
		list_remove(r, i);
		r->inflight--;
	} else if (t->state == TX_LOST) {
		r->lost_count--;
	} else {
		if (!sacked)
			t->state = TX_FREE;
		return 0;
	}
	if (t->tx_count == 1 || order_known)
		note_delivered_order(r, t->tx_order);
	t->state = sacked ? TX_SACKED : TX_FREE;
	return 1;
}

static void mark_lost(struct rudp *r, uint32_t i, int why)
{
	struct tx_slot *t = &r->tx[i];

	list_remove(r, i);
	r->inflight--;
	t->state = TX_LOST;
	t->why = (uint8_t)why;
	r->lost_count++;
	if (t->seq < r->rtx_cursor)
		r->rtx_cursor = t->seq;
}

/* Lost: three packets transmitted after it were delivered. 1 if one of
 * them was sent after the last reduction (a new loss event). */
static int mark_losses(struct rudp *r)
{
	uint64_t thr = r->top3[2];
	int event = 0;

	while (r->list_head != NIL && r->tx[r->list_head].tx_order < thr) {
		if (r->tx[r->list_head].tx_order >= r->recovery_tx)
			event = 1;
		mark_lost(r, r->list_head, WHY_FAST);
	}
	return event;
}

/* ---- congestion control ---------------------------------------------- */

/* Remember the window before a reduction, to restore it should every
 * retransmission since prove needless (Eifel / DSACK undo, RFC 4015). */
static void undo_mark(struct rudp *r)
{
	r->undo_active = 1;
	r->undo_tx = r->recovery_tx;
	r->undo_retrans = 0;
	r->prior_cwnd = r->cwnd;
	r->prior_ssthresh = r->ssthresh;
}

static void undo_on_spurious(struct rudp *r, const struct tx_slot *t)
{
	if (!r->undo_active || t->tx_order < r->undo_tx ||
	    r->undo_retrans == 0 || --r->undo_retrans > 0)
		return;
	r->cwnd = (uint32_t)max_u64(r->cwnd, r->prior_cwnd);
	r->ssthresh = (uint32_t)max_u64(r->ssthresh, r->prior_ssthresh);
	r->in_recovery = 0;
	r->undo_active = 0;
	r->rto_streak = 0;
	r->st.undo_events++;
}

static void enter_recovery(struct rudp *r)
{
	uint32_t flight = (uint32_t)(r->snd_nxt - r->snd_una);

	r->st.loss_events++;
	r->recovery_tx = r->tx_counter + 1;
	if (r->conf.pacing_bps)
		return;
	if (!r->in_recovery)
		undo_mark(r);
	r->ssthresh = (uint32_t)max_u64(flight / 2, 2);
	r->in_recovery = 1;
	r->recovery_seq = r->snd_nxt;
	r->recover_fs = flight ? flight : 1;
	r->prr_delivered = r->prr_out = 0;
	r->ca_acc = 0;
}

/* Proportional rate reduction (RFC 6937, slow-start reduction bound):
 * cwnd = pipe + what may be sent for the data just delivered. */
static void prr_update(struct rudp *r, uint32_t delivered)
{
	int64_t pipe = r->inflight, ss = r->ssthresh, out = r->prr_out;
	int64_t del = r->prr_delivered += delivered, sndcnt, lim;

	if (pipe > ss) {
		sndcnt = (del * ss + r->recover_fs - 1) / r->recover_fs - out;
	} else {
		lim = (del - out > (int64_t)delivered ? del - out
						      : (int64_t)delivered) + 1;
		sndcnt = ss - pipe < lim ? ss - pipe : lim;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	r->cwnd = (uint32_t)min_u64(max_u64((uint64_t)(pipe + sndcnt), 1),
				    r->w);
}

static void cwnd_grow(struct rudp *r, uint32_t delivered)
{
	if (r->cwnd < r->ssthresh) {
		r->cwnd += delivered;
	} else {
		r->ca_acc += delivered;
		while (r->ca_acc >= r->cwnd) {
			r->ca_acc -= r->cwnd;
			r->cwnd++;
		}
	}
	if (r->cwnd > r->w)
		r->cwnd = r->w;
}

static void cc_on_ack(struct rudp *r, uint32_t delivered)
{
	if (r->conf.pacing_bps)
		return;
	if (r->in_recovery && r->snd_una >= r->recovery_seq) {
		r->in_recovery = 0;
		r->cwnd = (uint32_t)max_u64(r->ssthresh, r->inflight);
		return;
	}
	if (r->in_recovery)
		prr_update(r, delivered);
	else if (delivered)
		cwnd_grow(r, delivered);
}

/* RTO on data: everything not SACKed is lost; cwnd 1 (RFC 5681 3.1;
 * ssthresh is kept on repeated timeouts of the same data). */
static void data_timeout(struct rudp *r)
{
	uint32_t flight = (uint32_t)(r->snd_nxt - r->snd_una);
	uint64_t s;

	while (r->list_head != NIL)
		mark_lost(r, r->list_head, WHY_RTO);
	for (s = r->snd_una; s < r->snd_nxt; s++)
		if (r->tx[s % r->w].state == TX_LOST)
			r->tx[s % r->w].why = WHY_RTO;
	r->rtx_cursor = r->snd_una;
	r->recovery_tx = r->tx_counter + 1;
	r->in_recovery = 0;
	if (r->conf.pacing_bps)
		return;
	if (r->rto_streak++ == 0) {
		undo_mark(r);
		r->ssthresh = (uint32_t)max_u64(flight / 2, 2);
	}
	r->cwnd = 1;
	r->ca_acc = 0;
}

/* ---- timers ---------------------------------------------------------- */

static void go_closed(struct rudp *r, enum rudp_state s)
{
	r->state = s;
	r->rto_at = UINT64_MAX;
	r->syn_due = r->synack_due = r->probe_due = r->fin_due = 0;
	r->ack_pending = r->ack_now = 0;
	r->waiting = 0;
	if (s == RUDP_DEAD) {
		r->finack_due = 0;
		r->sq.used = r->sq.head = 0;
		r->sq_off = 0;
	}
}

static void on_timeout(struct rudp *r, uint64_t now)
{
	r->st.rto_events++;
	if (r->state == RUDP_CONNECTING) {
		if (!r->initiator && r->hs_sent >= RUDP_HS_TRIES) {
			go_closed(r, RUDP_DEAD);
			return;
		}
		r->syn_due = r->initiator;
		r->synack_due = !r->initiator;
	} else if (r->snd_una < r->snd_nxt) {
		data_timeout(r);
	} else if (r->fin_sent && !r->fin_acked) {
		r->fin_due = 1;
	} else if (probe_needed(r)) {
		r->probe_due = 1;
	}
	r->rto = min_u64(2 * r->rto, r->conf.rto_max_ns);
	if (r->state == RUDP_CONNECTING)
		r->rto = min_u64(r->rto, RUDP_HS_RTO_MAX_NS);
	r->rto_at = now + timer_gap(r);
}

static void run_timers(struct rudp *r, uint64_t now)
{
	if (r->state == RUDP_DEAD || r->state == RUDP_CLOSED)
		return;
	if (now >= dead_at(r) || now >= hs_deadline(r)) {
		go_closed(r, RUDP_DEAD);
		return;
	}
	if (r->ack_pending && now >= r->ack_deadline)
		r->ack_now = 1;
	if (now >= r->rto_at)
		on_timeout(r, now);
}

/* ---- receive side: ring, reassembly, delivery ------------------------ */

static uint8_t *rx_data(const struct rudp *r, uint64_t seq)
{
	return r->rxdata + (size_t)(seq % r->w) * r->slot_bytes;
}

static uint64_t adv_window(const struct rudp *r)
{
	return r->rcv_base + r->w - r->rcv_nxt;
}

static uint64_t sack_bits(const struct rudp *r)
{
	uint64_t bits = 0, s;
	unsigned i;

	for (i = 0; i < RUDP_SACK_BITS; i++) {
		s = r->rcv_nxt + 1 + i;
		if (s >= r->rcv_high || s >= r->rcv_base + r->w)
			break;
		if (r->rx[s % r->w].state != RX_EMPTY)
			bits |= 1ull << i;
	}
	return bits;
}

static void asm_reset(struct rudp *r)
{
	r->asm_active = r->asm_full = 0;
	r->asm_len = 0;
	r->asm_next = 0;
}

/* Move the head packet into the reassembly buffer. A packet that does not
 * continue the message there (only a broken peer sends one) is counted
 * malformed; the partial message goes, and so does the packet unless it
 * starts a message. */
static void asm_take(struct rudp *r, const struct rx_slot *x, uint64_t seq)
{
	if (r->asm_active &&
	    (x->msg_id != r->asm_msg_id || x->frag_idx != r->asm_next ||
	     x->frag_cnt != r->asm_cnt)) {
		r->st.malformed++;
		asm_reset(r);
	}
	if (!r->asm_active) {
		if (x->frag_idx != 0) {
			r->st.malformed++;
			return;
		}
		r->asm_active = 1;
		r->asm_msg_id = x->msg_id;
		r->asm_cnt = x->frag_cnt;
	}
	memcpy(r->asm_buf + r->asm_len, rx_data(r, seq), x->len);
	r->asm_len += x->len;
	r->asm_next++;
	r->asm_full = r->asm_next == r->asm_cnt;
}

/* Free consumed head slots; move held ones into reassembly until a whole
 * message waits there or a queued (unordered, whole) message is reached. */
static void pump(struct rudp *r)
{
	struct rx_slot *x;

	while (!r->asm_full && r->rcv_base < r->rcv_nxt) {
		x = &r->rx[r->rcv_base % r->w];
		if (x->state == RX_QUEUED)
			break;
		if (x->state == RX_HELD)
			asm_take(r, x, r->rcv_base);
		x->state = RX_EMPTY;
		r->rcv_base++;
	}
}

/* Unordered: is the message holding seq whole within the ring? */
static void try_ready(struct rudp *r, uint64_t seq)
{
	const struct rx_slot *x = &r->rx[seq % r->w], *y;
	uint64_t start, q;

	if (x->frag_idx > seq)
		return;
	start = seq - x->frag_idx;
	if (start < r->rcv_base || start + x->frag_cnt > r->rcv_base + r->w)
		return;
	for (q = start; q < start + x->frag_cnt; q++) {
		y = &r->rx[q % r->w];
		if (y->state != RX_HELD || y->msg_id != x->msg_id ||
		    y->frag_idx != q - start || y->frag_cnt != x->frag_cnt)
			return;
	}
	for (q = start; q < start + x->frag_cnt; q++)
		r->rx[q % r->w].state = RX_QUEUED;
	r->ready[(r->ready_head + r->ready_len++) % r->w] = start;
}

static void set_echo(struct rudp *r, const struct hdr *h, uint64_t seq,
		     int data, int dup, uint64_t now)
{
	r->echo_valid = 1;
	r->echo_ts = h->ts;
	r->echo_seq = seq;
	r->echo_data = data;
	r->echo_dup = dup;
	r->echo_at = now;
}

static void want_ack(struct rudp *r, int at_once, uint64_t now)
{
	if (!r->ack_pending)
		r->ack_deadline = now + r->conf.ack_delay_ns;
	r->ack_pending = 1;
	if (at_once || r->conf.ack_delay_ns == 0 || ++r->ack_count >= 2)
		r->ack_now = 1;
}

static void rx_dup(struct rudp *r, const struct hdr *h, uint64_t seq,
		   uint64_t now)
{
	r->st.dup_pkts_dropped++;
	set_echo(r, h, seq, 1, 1, now);
	want_ack(r, 1, now);
}

static void rx_store(struct rudp *r, const struct hdr *h, const uint8_t *pl,
		     uint64_t seq)
{
	struct rx_slot *x = &r->rx[seq % r->w];

	memcpy(rx_data(r, seq), pl, h->plen);
	x->msg_id = h->msg_id;
	x->frag_idx = h->frag_idx;
	x->frag_cnt = h->frag_cnt;
	x->len = h->plen;
	x->state = RX_HELD;
	if (seq >= r->rcv_high)
		r->rcv_high = seq + 1;
}

static void on_data(struct rudp *r, const struct hdr *h, const uint8_t *pl,
		    uint64_t now)
{
	uint64_t seq, before = r->rcv_nxt;

	if (expand32(h->seq, r->rcv_nxt, &seq) < 0 ||
	    seq >= r->rcv_base + r->w || r->peer_fin) {
		r->st.stale++;
		want_ack(r, 1, now);
		return;
	}
	if (seq < r->rcv_nxt || r->rx[seq % r->w].state != RX_EMPTY) {
		rx_dup(r, h, seq, now);
		return;
	}
	rx_store(r, h, pl, seq);
	while (r->rcv_nxt < r->rcv_base + r->w &&
	       r->rx[r->rcv_nxt % r->w].state != RX_EMPTY)
		r->rcv_nxt++;
	set_echo(r, h, seq, 1, 0, now);
	/* Out of order, or filling a hole: ACK at once (RFC 5681 4.2). */
	want_ack(r, seq != before || r->rcv_nxt > seq + 1, now);
	if (!r->conf.ordered)
		try_ready(r, seq);
	pump(r);
}

/* After the app took something: tell the sender when the window opened
 * noticeably (a quarter of it, or from zero). */
static void window_update(struct rudp *r)
{
	uint64_t edge = r->rcv_base + r->w;
	uint64_t step = r->w / 4 ? r->w / 4 : 1;

	if (!sending_state(r) || edge <= r->adv_edge)
		return;
	if (edge - r->adv_edge >= step || r->adv_edge <= r->rcv_nxt) {
		r->ack_pending = 1;
		r->ack_now = 1;
	}
}

/* ---- send side: building packets ------------------------------------- */

/* The acknowledgement part of every header but SYN; clears what we owed. */
static void fill_ack(struct rudp *r, struct hdr *h, uint64_t now)
{
	h->ack = (uint32_t)r->rcv_nxt;
	h->sack = sack_bits(r);
	h->window = (uint32_t)adv_window(r);
	if (r->echo_valid) {
		h->flags |= RUDP_F_ECHO;
		if (r->echo_data)
			h->flags |= RUDP_F_ESEQ;
		if (r->echo_data && r->echo_dup)
			h->flags |= RUDP_F_DUP;
		h->ts_echo = r->echo_ts;
		h->echo_seq = r->echo_data ? (uint32_t)r->echo_seq : 0;
		h->ack_delay = (uint32_t)min_u64(now - r->echo_at, UINT32_MAX);
		r->echo_valid = 0;
	}
	r->adv_edge = r->rcv_base + r->w;
	r->ack_pending = r->ack_now = 0;
	r->ack_count = 0;
}

static size_t emit(struct rudp *r, uint8_t *pkt, struct hdr *h,
		   const void *payload, uint64_t now)
{
	h->session = r->session;
	h->ts = now;
	hdr_put(pkt, h);
	if (h->plen)
		memcpy(pkt + RUDP_HDR_LEN, payload, h->plen);
	r->st.pkts_sent++;
	return RUDP_HDR_LEN + (size_t)h->plen;
}

static size_t emit_ctrl(struct rudp *r, uint8_t *pkt, uint8_t type,
			uint32_t seq, uint16_t flags, uint64_t now)
{
	struct hdr h;
	struct hs_params hs = {r->conf.mtu_payload, r->w, r->conf.max_msg};
	uint8_t pl[RUDP_HS_LEN];

	memset(&h, 0, sizeof h);
	h.type = type;
	h.seq = seq;
	h.flags = flags;
	if (type == RUDP_PKT_SYN)
		h.window = r->w;
	else
		fill_ack(r, &h, now);
	if (type == RUDP_PKT_SYN || type == RUDP_PKT_SYNACK) {
		hs_put(pl, &hs);
		h.plen = RUDP_HS_LEN;
	}
	return emit(r, pkt, &h, pl, now);
}

/* Cut the next packet off the head message of the FIFO into slot t. */
static void cut_packet(struct rudp *r, struct tx_slot *t, uint8_t *dst)
{
	uint32_t mlen = fifo_head_len(&r->sq);
	uint32_t n = (uint32_t)min_u64(mlen - r->sq_off, r->pay);

	t->msg_id = r->next_msg_id;
	t->frag_cnt = (uint16_t)(mlen ? (mlen + r->pay - 1) / r->pay : 1);
	t->frag_idx = (uint16_t)(r->sq_off / r->pay);
	t->len = (uint16_t)n;
	fifo_get(&r->sq, LEN_PREFIX + r->sq_off, dst, n);
	r->sq_off += n;
	if (r->sq_off >= mlen) {
		fifo_drop(&r->sq, LEN_PREFIX + (size_t)mlen);
		r->sq_off = 0;
		r->next_msg_id++;
	}
}

static uint64_t next_lost(struct rudp *r)
{
	uint64_t s;

	for (s = max_u64(r->rtx_cursor, r->snd_una); s < r->snd_nxt; s++)
		if (r->tx[s % r->w].state == TX_LOST)
			break;
	r->rtx_cursor = s;
	return s;
}

static void pace(struct rudp *r, size_t len, uint64_t now)
{
	uint64_t gap = (uint64_t)len * 8 * 1000000000ull / r->conf.pacing_bps;
	uint64_t floor = now > PACE_BURST * gap ? now - PACE_BURST * gap : 0;

	r->pace_next = max_u64(r->pace_next, floor) + gap;
}

/* (Re)transmit the packet in slot seq % w. */
static size_t send_slot(struct rudp *r, uint8_t *pkt, uint64_t seq,
			uint64_t now)
{
	uint32_t i = (uint32_t)(seq % r->w);
	struct tx_slot *t = &r->tx[i];
	struct hdr h;
	size_t n;

	if (t->tx_count > 0) {
		if (t->why == WHY_RTO)
			r->st.retrans_timeout++;
		else
			r->st.retrans_fast++;
		r->lost_count--;
		if (r->undo_active)
			r->undo_retrans++;
	}
	if (t->tx_count < UINT8_MAX)
		t->tx_count++;
	t->state = TX_FLIGHT;
	t->why = WHY_NONE;
	t->tx_order = ++r->tx_counter;
	t->last_ts = now;
	list_append(r, i);
	r->inflight++;
	if (r->in_recovery)
		r->prr_out++;
	memset(&h, 0, sizeof h);
	h.type = RUDP_PKT_DATA;
	h.seq = (uint32_t)seq;
	h.msg_id = t->msg_id;
	h.frag_idx = t->frag_idx;
	h.frag_cnt = t->frag_cnt;
	h.plen = t->len;
	fill_ack(r, &h, now);
	n = emit(r, pkt, &h, r->txdata + (size_t)i * r->slot_bytes, now);
	r->st.data_pkts_sent++;
	if (r->conf.pacing_bps)
		pace(r, n, now);
	return n;
}

static size_t out_data(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint64_t seq;
	struct tx_slot *t;

	if (r->conf.pacing_bps && now < r->pace_next)
		return 0;
	if (can_retransmit(r)) {
		seq = next_lost(r);
		if (seq < r->snd_nxt)
			return send_slot(r, pkt, seq, now);
		r->lost_count = 0; /* not reached: the count is exact */
	}
	if (!can_send_new(r))
		return 0;
	seq = r->snd_nxt++;
	t = &r->tx[seq % r->w];
	t->seq = seq;
	t->tx_count = 0;
	t->spurious = 0;
	cut_packet(r, t, r->txdata + (size_t)(seq % r->w) * r->slot_bytes);
	if (seq == r->snd_una)
		r->rto_at = now + timer_gap(r); /* first packet outstanding */
	return send_slot(r, pkt, seq, now);
}

static size_t out_handshake(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	if (r->syn_due) {
		hs_count(r, now);
		r->syn_due = 0;
		r->syn_sent = 1;
		r->rto_at = now + timer_gap(r);
		return emit_ctrl(r, pkt, RUDP_PKT_SYN, 0, 0, now);
	}
	if (r->synack_due && r->have_peer) {
		hs_count(r, now);
		r->synack_due = 0;
		r->rto_at = now + timer_gap(r);
		return emit_ctrl(r, pkt, RUDP_PKT_SYNACK, 0, 0, now);
	}
	return 0;
}

static size_t out_ack(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint16_t flags = r->probe_due ? RUDP_F_PROBE : 0;

	if (!ack_sendable(r, now))
		return 0;
	r->probe_due = 0;
	return emit_ctrl(r, pkt, RUDP_PKT_ACK, 0, flags, now);
}

static size_t out_close(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	size_t n;

	if (fin_sendable(r)) {
		r->fin_due = 0;
		if (!r->fin_sent)
			r->rto_at = now + timer_gap(r);
		r->fin_sent = 1;
		return emit_ctrl(r, pkt, RUDP_PKT_FIN, (uint32_t)r->snd_nxt, 0,
				 now);
	}
	if (!finack_sendable(r))
		return 0;
	r->finack_due = 0;
	n = emit_ctrl(r, pkt, RUDP_PKT_FINACK, 0, 0, now);
	if (!r->close_req || r->fin_acked)
		go_closed(r, RUDP_CLOSED);
	return n;
}

/* ---- input ------------------------------------------------------------ */

static void on_syn(struct rudp *r, const struct hdr *h, const uint8_t *pl,
		   uint64_t now)
{
	struct hs_params hs;

	if (r->initiator || r->state != RUDP_CONNECTING) {
		r->st.stale++;
		return;
	}
	if (hs_get(pl, &hs) < 0 || h->window > hs.window) {
		r->st.malformed++;
		return;
	}
	if (!r->have_peer)
		set_peer(r, &hs, h->window);
	r->synack_due = 1;
	set_echo(r, h, 0, 0, 0, now);
}

static void on_synack(struct rudp *r, const struct hdr *h,
		      const uint8_t *pl, uint64_t now)
{
	struct hs_params hs;

	if (!r->initiator ||
	    !(r->state == RUDP_CONNECTING || sending_state(r))) {
		r->st.stale++;
		return;
	}
	if (hs_get(pl, &hs) < 0 || h->window > hs.window ||
	    ((h->flags & RUDP_F_ECHO) && h->ts_echo > now)) {
		r->st.malformed++;
		return;
	}
	if (r->state == RUDP_CONNECTING) {
		set_peer(r, &hs, h->window);
		r->state = RUDP_OPEN;
		r->rto_at = UINT64_MAX;
		rtt_sample(r, h, now);
	}
	set_echo(r, h, 0, 0, 0, now);
	want_ack(r, 1, now); /* the third packet; again if it was lost */
}

/* Types that carry acknowledgements need a handshake behind them. */
static int conn_acceptable(const struct rudp *r, const struct hdr *h)
{
	if (!r->have_peer || r->state == RUDP_DEAD)
		return 0;
	if (r->state == RUDP_CONNECTING && r->initiator)
		return 0;
	if (r->state == RUDP_CLOSED)
		return h->type == RUDP_PKT_FIN;
	if (h->type == RUDP_PKT_FINACK)
		return r->fin_sent && !r->fin_acked;
	return 1;
}

static int highest_bit(uint64_t v)
{
	int b = -1;

	while (v) {
		v >>= 1;
		b++;
	}
	return b;
}

/* The peer may only acknowledge what we sent, and echo our own past. */
static int ack_check(const struct rudp *r, const struct hdr *h,
		     uint64_t *ack)
{
	uint64_t es;

	if (expand32(h->ack, r->snd_una, ack) < 0 || *ack > r->snd_nxt)
		return -1;
	if (h->sack && *ack + 1 + (uint64_t)highest_bit(h->sack) >= r->snd_nxt)
		return -1;
	if (h->window > r->peer.window)
		return -1;
	if ((h->flags & RUDP_F_ECHO) && h->ts_echo > r->now)
		return -1;
	if ((h->flags & RUDP_F_ESEQ) &&
	    (expand32(h->echo_seq, r->snd_una, &es) < 0 || es >= r->snd_nxt))
		return -1;
	return 0;
}

/* Retransmission shown needless: the peer got an earlier copy (the echo
 * names an older transmission, or a duplicate arrived). */
static void check_spurious(struct rudp *r, const struct hdr *h,
			   struct tx_slot *t)
{
	if (t->tx_count < 2 || t->spurious)
		return;
	if ((h->flags & RUDP_F_DUP) || h->ts_echo < t->last_ts) {
		t->spurious = 1;
		r->st.spurious_retrans++;
		undo_on_spurious(r, t);
	}
}

static uint32_t echo_delivered(struct rudp *r, const struct hdr *h)
{
	struct tx_slot *t;
	uint64_t es;

	if (!(h->flags & RUDP_F_ESEQ) ||
	    expand32(h->echo_seq, r->snd_una, &es) < 0)
		return 0;
	t = &r->tx[es % r->w];
	if (t->seq != es)
		return 0;
	check_spurious(r, h, t);
	if (es < r->snd_una || es >= r->snd_nxt)
		return 0;
	return slot_delivered(r, (uint32_t)(es % r->w), 1,
			      h->ts_echo == t->last_ts);
}

static void ack_apply(struct rudp *r, const struct hdr *h, uint64_t ack,
		      uint64_t now)
{
	uint64_t s, old_una = r->snd_una;
	uint32_t delivered = 0;
	int i;

	for (s = r->snd_una; s < ack; s++)
		delivered += slot_delivered(r, (uint32_t)(s % r->w), 0, 0);
	if (ack > r->snd_una)
		r->snd_una = ack;
	for (i = 0; i < RUDP_SACK_BITS; i++) {
		s = ack + 1 + (uint64_t)i;
		if (((h->sack >> i) & 1) && s >= r->snd_una && s < r->snd_nxt)
			delivered += slot_delivered(r, (uint32_t)(s % r->w),
						    1, 0);
	}
	delivered += echo_delivered(r, h);
	if (ack >= old_una)
		r->right_edge = max_u64(r->right_edge, ack + h->window);
	rtt_sample(r, h, now);
	if (mark_losses(r))
		enter_recovery(r);
	cc_on_ack(r, delivered);
	if (r->snd_una > old_una) {
		r->rto_streak = 0;
		r->rto_at = r->snd_una < r->snd_nxt ? now + timer_gap(r)
						    : UINT64_MAX;
	}
}

static void on_fin(struct rudp *r, const struct hdr *h, uint64_t now)
{
	uint64_t fs;

	if (expand32(h->seq, r->rcv_nxt, &fs) < 0 || fs != r->rcv_nxt) {
		r->st.stale++;
		return;
	}
	r->peer_fin = 1;
	r->finack_due = 1;
	set_echo(r, h, 0, 0, 0, now);
	if (r->state == RUDP_OPEN)
		r->state = RUDP_CLOSING;
}

static void on_finack(struct rudp *r)
{
	r->fin_acked = 1;
	go_closed(r, RUDP_CLOSED);
}

static void on_conn_pkt(struct rudp *r, const struct hdr *h,
			const uint8_t *pl, uint64_t now)
{
	uint64_t ack;

	if (!conn_acceptable(r, h)) {
		r->st.stale++;
		return;
	}
	if ((h->type == RUDP_PKT_DATA && !data_fields_ok(r, h)) ||
	    ack_check(r, h, &ack) < 0) {
		r->st.malformed++;
		return;
	}
	if (r->state == RUDP_CONNECTING) { /* responder: handshake done */
		r->state = RUDP_OPEN;
		r->synack_due = 0;
		r->rto_at = UINT64_MAX;
	}
	ack_apply(r, h, ack, now);
	if (h->type == RUDP_PKT_DATA)
		on_data(r, h, pl, now);
	else if (h->type == RUDP_PKT_FIN)
		on_fin(r, h, now);
	else if (h->type == RUDP_PKT_FINACK)
		on_finack(r);
	else if (h->flags & RUDP_F_PROBE)
		want_ack(r, 1, now);
}

void rudp_input(struct rudp *r, const uint8_t *pkt, size_t len, uint64_t now)
{
	const uint8_t *pl;
	struct hdr h;

	now = note_time(r, now);
	if (hdr_get(pkt, len, &h) < 0) {
		r->st.malformed++;
		return;
	}
	pl = pkt + RUDP_HDR_LEN; /* only now known to be inside the datagram */
	if (h.session != r->session) {
		r->st.foreign++;
		return;
	}
	if (!fields_ok(&h)) {
		r->st.malformed++;
		return;
	}
	r->st.pkts_recv++;
	if (r->state != RUDP_DEAD)
		r->last_heard = now;
	if (h.type == RUDP_PKT_SYN)
		on_syn(r, &h, pl, now);
	else if (h.type == RUDP_PKT_SYNACK)
		on_synack(r, &h, pl, now);
	else
		on_conn_pkt(r, &h, pl, now);
	settle(r, now);
}

/* ---- output, timers ---------------------------------------------------- */

ssize_t rudp_output(struct rudp *r, uint8_t *pkt, size_t cap, uint64_t now)
{
	size_t n = 0;

	now = note_time(r, now);
	if (cap < r->conf.mtu_payload) {
		errno = ENOBUFS;
		return -1;
	}
	run_timers(r, now);
	if (r->state == RUDP_CONNECTING)
		n = out_handshake(r, pkt, now);
	else if (r->state != RUDP_DEAD)
		n = out_data(r, pkt, now);
	if (n == 0 && r->state != RUDP_DEAD)
		n = out_ack(r, pkt, now);
	if (n == 0 && r->state != RUDP_DEAD)
		n = out_close(r, pkt, now);
	settle(r, now);
	return (ssize_t)n;
}

void rudp_tick(struct rudp *r, uint64_t now)
{
	now = note_time(r, now);
	run_timers(r, now);
	settle(r, now);
}

uint64_t rudp_next_timer(const struct rudp *r)
{
	uint64_t t;

	if (r->state == RUDP_DEAD)
		return UINT64_MAX;
	if (r->state == RUDP_CLOSED)
		return finack_sendable(r) ? 0 : UINT64_MAX;
	t = min_u64(min_u64(r->rto_at, dead_at(r)), hs_deadline(r));
	if (r->state == RUDP_CONNECTING)
		return r->syn_due || (r->synack_due && r->have_peer) ? 0 : t;
	if (r->ack_pending)
		t = min_u64(t, r->ack_now ? 0 : r->ack_deadline);
	if (r->probe_due || fin_sendable(r) || finack_sendable(r))
		t = 0;
	if (can_retransmit(r) || can_send_new(r))
		t = min_u64(t, r->conf.pacing_bps ? r->pace_next : 0);
	return t;
}

/* ---- app side ----------------------------------------------------------- */

int rudp_send(struct rudp *r, const void *msg, size_t len, uint64_t now)
{
	uint32_t len32;

	now = note_time(r, now);
	if (r->state == RUDP_CONNECTING) {
		errno = ENOTCONN;
		return -1;
	}
	if (r->state != RUDP_OPEN) {
		errno = EPIPE;
		return -1;
	}
	if (len > r->max_msg) {
		errno = EMSGSIZE;
		return -1;
	}
	if (r->sq.cap - r->sq.used < LEN_PREFIX + len) {
		errno = EAGAIN;
		return -1;
	}
	len32 = (uint32_t)len;
	fifo_put(&r->sq, &len32, sizeof len32);
	fifo_put(&r->sq, msg, len);
	r->st.msgs_sent++;
	r->st.bytes_sent += len;
	settle(r, now);
	return 0;
}

/* Length of the unordered message starting at seq (whole in the ring). */
static size_t ring_msg_len(const struct rudp *r, uint64_t start)
{
	uint16_t i, cnt = r->rx[start % r->w].frag_cnt;
	size_t len = 0;

	for (i = 0; i < cnt; i++)
		len += r->rx[(start + i) % r->w].len;
	return len;
}

ssize_t rudp_peek_len(const struct rudp *r)
{
	if (r->asm_full)
		return (ssize_t)r->asm_len;
	if (r->ready_len)
		return (ssize_t)ring_msg_len(r, r->ready[r->ready_head]);
	if (r->state == RUDP_DEAD || r->state == RUDP_CLOSED ||
	    (r->peer_fin && r->rcv_base == r->rcv_nxt && !r->asm_active))
		errno = EPIPE;
	else
		errno = EAGAIN;
	return -1;
}

static void take_ring_msg(struct rudp *r, uint8_t *dst)
{
	uint64_t start = r->ready[r->ready_head];
	uint16_t i, cnt = r->rx[start % r->w].frag_cnt;
	struct rx_slot *x;

	for (i = 0; i < cnt; i++) {
		x = &r->rx[(start + i) % r->w];
		if (x->len)
			memcpy(dst, rx_data(r, start + i), x->len);
		dst += x->len;
		x->state = RX_CONSUMED;
	}
	r->ready_head = (r->ready_head + 1) % r->w;
	r->ready_len--;
}

ssize_t rudp_recv(struct rudp *r, void *buf, size_t cap)
{
	ssize_t len = rudp_peek_len(r);

	if (len < 0)
		return -1;
	if ((size_t)len > cap) {
		errno = EMSGSIZE;
		return -1;
	}
	if (r->asm_full) {
		if (len)
			memcpy(buf, r->asm_buf, (size_t)len);
		asm_reset(r);
	} else {
		take_ring_msg(r, buf);
	}
	r->st.msgs_delivered++;
	r->st.bytes_delivered += (uint64_t)len;
	pump(r);
	window_update(r);
	return len;
}

int rudp_close(struct rudp *r, uint64_t now)
{
	now = note_time(r, now);
	switch (r->state) {
	case RUDP_CONNECTING:
		go_closed(r, RUDP_CLOSED);
		return 0;
	case RUDP_OPEN:
	case RUDP_CLOSING:
		if (!r->close_req) {
			r->close_req = 1;
			r->fin_due = 1;
		}
		r->state = RUDP_CLOSING;
		break;
	case RUDP_CLOSED:
		return 0;
	default:
		errno = EPIPE;
		return -1;
	}
	settle(r, now);
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

enum rudp_state rudp_state(const struct rudp *r)
{
	return r->state;
}

const char *rudp_state_name(enum rudp_state s)
{
	static const char *const names[] = {"connecting", "open", "closing",
					    "closed", "dead"};

	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

void rudp_get_stats(const struct rudp *r, struct rudp_stats *s)
{
	*s = r->st;
	s->srtt_ns = r->srtt;
	s->rttvar_ns = r->rttvar;
	s->rto_ns = r->rto;
	s->cwnd = r->cwnd;
	s->ssthresh = r->ssthresh;
	s->peer_window = (uint32_t)(r->right_edge - r->snd_una);
	s->inflight = r->inflight;
	s->sendq_bytes = r->sq.used;
}

int rudp_peek_syn(const uint8_t *pkt, size_t len, uint32_t *session)
{
	struct hdr h;
	struct hs_params hs;

	/* Exactly the SYNs a responder would take (on_syn), so that a
	 * server never opens a connection for one it will refuse. */
	if (hdr_get(pkt, len, &h) < 0 || h.type != RUDP_PKT_SYN ||
	    !fields_ok(&h) || hs_get(pkt + RUDP_HDR_LEN, &hs) < 0 ||
	    h.window > hs.window)
		return 0;
	*session = h.session;
	return 1;
}
