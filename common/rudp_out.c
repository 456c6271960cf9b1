/* Reliable UDP: output, in this order: handshake, data (a due tail probe
 * first, then lost packets, then new ones, under the congestion window,
 * the peer's window and the pacer), ACK, close. The timers run first
 * (rudp_timer.c). */
#include "rudp_int.h"

#include <errno.h>
#include <string.h>

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* One more SYN or SYN-ACK goes out. */
static void hs_count(struct rudp *r, uint64_t now)
{
	if (r->hs_sent++ == 0)
		r->hs_start = now;
}

/* ---- building packets ------------------------------------------------------- */

/* The acknowledgement part of every header but SYN; clears what we owed. */
static void fill_ack(struct rudp *r, struct rudp_hdr *h, uint64_t now)
{
	h->ack = (uint32_t)r->rx.nxt;
	h->sack = rudp_rxq_sack(&r->rx);
	h->window = (uint32_t)rudp_rxq_window(&r->rx);
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
	r->adv_edge = r->rx.base + r->w;
	r->ack_pending = r->ack_now = 0;
	r->ack_count = 0;
}

static size_t emit(struct rudp *r, uint8_t *pkt, struct rudp_hdr *h,
		   const void *payload, uint64_t now)
{
	uint64_t since = max_u64(r->last_any_tx, r->owed_since);

	if (r->owed && now - since > r->st.max_silence_ns)
		r->st.max_silence_ns = now - since;
	r->last_any_tx = now;
	h->session = r->session;
	h->ts = now;
	rudp_hdr_put(pkt, h);
	if (h->plen)
		memcpy(pkt + RUDP_HDR_LEN, payload, h->plen);
	r->st.pkts_sent++;
	return RUDP_HDR_LEN + (size_t)h->plen;
}

static size_t emit_ctrl(struct rudp *r, uint8_t *pkt, uint8_t type,
			uint32_t seq, uint16_t flags, uint64_t now)
{
	struct rudp_hdr h;
	struct rudp_hs hs = {r->conf.mtu_payload, r->w, r->conf.max_msg};
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
		rudp_hs_put(pl, &hs);
		h.plen = RUDP_HS_LEN;
	}
	if (type != RUDP_PKT_ACK || (flags & RUDP_F_PROBE))
		r->last_tx = now;
	return emit(r, pkt, &h, pl, now);
}

/* Cut the next packet off the head message of the FIFO into slot t. */
static void cut_packet(struct rudp *r, struct rudp_tx_slot *t, uint8_t *dst)
{
	uint32_t mlen = rudp_fifo_head_len(&r->sq);
	uint32_t n = (uint32_t)min_u64(mlen - r->sq_off, r->pay);

	t->msg_id = r->next_msg_id;
	t->frag_cnt = (uint16_t)(mlen ? (mlen + r->pay - 1) / r->pay : 1);
	t->frag_idx = (uint16_t)(r->sq_off / r->pay);
	t->len = (uint16_t)n;
	rudp_fifo_get(&r->sq, RUDP_LEN_PREFIX + r->sq_off, dst, n);
	r->sq_off += n;
	if (r->sq_off >= mlen) {
		rudp_fifo_drop(&r->sq, RUDP_LEN_PREFIX + (size_t)mlen);
		r->sq_off = 0;
		r->next_msg_id++;
	}
}

static uint64_t next_lost(struct rudp *r)
{
	uint64_t s;

	for (s = max_u64(r->rtx_cursor, r->snd_una); s < r->snd_nxt; s++)
		if (r->tx.slot[rudp_txq_index(&r->tx, s)].state == RUDP_TX_LOST)
			break;
	r->rtx_cursor = s;
	return s;
}

/* (Re)transmit the packet in slot seq % w. */
static size_t send_slot(struct rudp *r, uint8_t *pkt, uint64_t seq,
			uint64_t now)
{
	uint32_t i = rudp_txq_index(&r->tx, seq);
	struct rudp_tx_slot *t = &r->tx.slot[i];
	int first_out = r->snd_una == seq && r->tx.inflight == 0;
	struct rudp_hdr h;
	size_t n;

	if (t->tx_count > 0) {
		if (t->state == RUDP_TX_LOST && t->why == RUDP_WHY_RTO)
			r->st.retrans_timeout++;
		else if (t->state == RUDP_TX_LOST)
			r->st.retrans_fast++;
		else
			t->lost_by = RUDP_WHY_NONE; /* a probe of one in flight */
		if (r->undo_active)
			r->undo_retrans++;
	}
	rudp_txq_fly(&r->tx, i);
	if (t->tx_count < UINT8_MAX)
		t->tx_count++;
	t->tx_order = ++r->tx_counter;
	t->last_ts = now;
	memset(&h, 0, sizeof h);
	h.type = RUDP_PKT_DATA;
	h.seq = (uint32_t)seq;
	h.msg_id = t->msg_id;
	h.frag_idx = t->frag_idx;
	h.frag_cnt = t->frag_cnt;
	h.plen = t->len;
	fill_ack(r, &h, now);
	n = emit(r, pkt, &h, rudp_txq_data(&r->tx, seq), now);
	r->st.data_pkts_sent++;
	r->last_tx = now;
	rudp_cc_paced(&r->cc, n, r->rtt.srtt, now);
	if (first_out || r->rto_at == UINT64_MAX)
		rudp_arm_rto(r, now);
	rudp_arm_tlp(r, now);
	return n;
}

/* A new packet off the FIFO. */
static size_t send_new(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint64_t seq = r->snd_nxt++;
	struct rudp_tx_slot *t = &r->tx.slot[rudp_txq_index(&r->tx, seq)];

	t->seq = seq;
	t->tx_count = 0;
	t->spurious = 0;
	t->lost_by = RUDP_WHY_NONE;
	t->state = RUDP_TX_FREE;
	cut_packet(r, t, rudp_txq_data(&r->tx, seq));
	return send_slot(r, pkt, seq, now);
}

/* The tail loss probe: new data if the peer's window has room (the
 * congestion window aside), else the last packet sent again. */
static size_t send_probe(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint64_t seq;
	size_t n;

	r->tlp_due = 0;
	if (rudp_new_data_allowed(r)) {
		r->tlp_retx = 0;
		seq = r->snd_nxt;
		n = send_new(r, pkt, now);
	} else if (r->tx.tail != RUDP_NIL) {
		r->tlp_retx = 1;
		seq = r->tx.slot[r->tx.tail].seq;
		n = send_slot(r, pkt, seq, now);
	} else {
		return 0;
	}
	r->tlp_active = 1;
	r->tlp_seq = seq;
	r->tlp_ts = now;
	r->pto_at = UINT64_MAX;
	r->st.tlp_probes++;
	return n;
}

static size_t out_data(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint64_t seq;
	int work = rudp_new_data_allowed(r) ||
		   (rudp_sending_state(r) && r->tx.lost > 0);

	if (r->tlp_due && rudp_sending_state(r))
		return send_probe(r, pkt, now);
	if (!work)
		return 0;
	if (rudp_fast_rtx_due(r)) { /* a recovery's first */
		r->fast_rtx = 0;
		seq = next_lost(r);
		if (seq < r->snd_nxt) {
			r->st.recovery_first++;
			return send_slot(r, pkt, seq, now);
		}
	}
	if (!rudp_cwnd_open(r) || now < rudp_pace_at(r)) {
		r->cc_blocked = 1; /* the network, not the app, holds us */
		return 0;
	}
	if (r->tx.lost > 0) {
		seq = next_lost(r);
		if (seq < r->snd_nxt)
			return send_slot(r, pkt, seq, now);
		r->tx.lost = 0; /* not reached: the count is exact */
	}
	if (!rudp_can_send_new(r))
		return 0;
	return send_new(r, pkt, now);
}

static size_t out_handshake(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	if (r->syn_due) {
		hs_count(r, now);
		r->syn_due = 0;
		r->syn_sent = 1;
		r->rto_at = now + rudp_timer_gap(r);
		return emit_ctrl(r, pkt, RUDP_PKT_SYN, 0, 0, now);
	}
	if (r->synack_due && r->have_peer) {
		hs_count(r, now);
		r->synack_due = 0;
		r->rto_at = now + rudp_timer_gap(r);
		return emit_ctrl(r, pkt, RUDP_PKT_SYNACK, 0, 0, now);
	}
	return 0;
}

static size_t out_ack(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	uint16_t flags = r->probe_due ? RUDP_F_PROBE : 0;

	if (!rudp_ack_sendable(r, now))
		return 0;
	r->probe_due = 0;
	return emit_ctrl(r, pkt, RUDP_PKT_ACK, 0, flags, now);
}

static size_t out_close(struct rudp *r, uint8_t *pkt, uint64_t now)
{
	size_t n;

	if (rudp_fin_sendable(r)) {
		r->fin_due = 0;
		if (!r->fin_sent)
			r->rto_at = now + rudp_timer_gap(r);
		r->fin_sent = 1;
		return emit_ctrl(r, pkt, RUDP_PKT_FIN, (uint32_t)r->snd_nxt, 0,
				 now);
	}
	if (!rudp_finack_sendable(r))
		return 0;
	r->finack_due = 0;
	n = emit_ctrl(r, pkt, RUDP_PKT_FINACK, 0, 0, now);
	if (!r->close_req || r->fin_acked)
		rudp_go_closed(r, RUDP_CLOSED);
	return n;
}

/* ---- the calls ------------------------------------------------------------------ */

ssize_t rudp_output(struct rudp *r, uint8_t *pkt, size_t cap, uint64_t now)
{
	size_t n = 0;

	now = rudp_note_time(r, now);
	if (cap < r->conf.mtu_payload) {
		errno = ENOBUFS;
		return -1;
	}
	rudp_run_timers(r, now);
	if (r->state == RUDP_CONNECTING)
		n = out_handshake(r, pkt, now);
	else if (r->state != RUDP_DEAD)
		n = out_data(r, pkt, now);
	if (n == 0 && r->state != RUDP_DEAD)
		n = out_ack(r, pkt, now);
	if (n == 0 && r->state != RUDP_DEAD)
		n = out_close(r, pkt, now);
	rudp_settle(r, now);
	return (ssize_t)n;
}

