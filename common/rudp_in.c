/* Reliable UDP: input. Every datagram is checked (wire rules, then the
 * connection's), its acknowledgement applied (deliveries, RTT, RACK, the
 * tail probe's verdict, the window), then its data stored. */
#include "rudp_int.h"

#include <string.h>

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static void set_peer(struct rudp *r, const struct rudp_hs *hs,
		     uint32_t window)
{
	uint32_t mtu = r->conf.mtu_payload < hs->mtu ? r->conf.mtu_payload
						     : hs->mtu;

	r->have_peer = 1;
	r->peer = *hs;
	r->pay = mtu - RUDP_HDR_LEN;
	r->cc.full_len = mtu;
	r->max_msg = r->conf.max_msg < hs->max_msg ? r->conf.max_msg
						   : hs->max_msg;
	r->max_frags = (r->max_msg + r->pay - 1) / r->pay;
	r->right_edge = max_u64(r->right_edge, window);
}

static void set_echo(struct rudp *r, const struct rudp_hdr *h, uint64_t seq,
		     int data, int dup, uint64_t now)
{
	r->echo_valid = 1;
	r->echo_ts = h->ts;
	r->echo_seq = seq;
	r->echo_data = data;
	r->echo_dup = dup;
	r->echo_at = now;
}

void rudp_want_ack(struct rudp *r, int at_once, uint64_t now)
{
	if (!r->ack_pending)
		r->ack_deadline = now + r->conf.ack_delay_ns;
	r->ack_pending = 1;
	if (at_once || r->conf.ack_delay_ns == 0 || ++r->ack_count >= 2)
		r->ack_now = 1;
}

/* ---- RTT, loss events ---------------------------------------------------- */

/* The echo names the very transmission, so retransmissions count too.
 * min_rtt takes every sample; srtt one per round trip (from a packet sent
 * after the last one was taken), and each such sample ends the backoff. */
static void rtt_sample(struct rudp *r, const struct rudp_hdr *h, uint64_t now)
{
	uint64_t rtt;

	if (!(h->flags & RUDP_F_ECHO) || h->ts_echo > now)
		return;
	rtt = now - h->ts_echo;
	rudp_rtt_min(&r->rtt, rtt);
	if (h->ts_echo < r->rtt_gate)
		return;
	if (h->ack_delay < rtt)
		rtt -= h->ack_delay;
	rudp_rtt_sample(&r->rtt, rtt);
	r->rtt_gate = now;
	r->backoff = 0;
}

/* A loss event: reduce once, remembering what to undo should every
 * retransmission since prove needless (Eifel / DSACK, RFC 4015). */
static void enter_recovery(struct rudp *r, uint64_t now)
{
	r->st.loss_events++;
	r->recovery_tx = r->tx_counter + 1;
	r->fast_rtx = 1;
	rudp_rack_recovery(&r->rack);
	if (r->conf.cc == RUDP_CC_PACED)
		return;
	r->undo_active = 1;
	r->undo_tx = r->recovery_tx;
	r->undo_retrans = 0;
	rudp_cc_on_loss(&r->cc, now);
	r->in_recovery = 1;
}

static void undo_if_all_spurious(struct rudp *r)
{
	if (!r->undo_active || r->undo_retrans > 0 || r->tx.lost > 0)
		return;
	rudp_cc_undo(&r->cc);
	r->in_recovery = 0;
	r->undo_active = 0;
	r->rto_streak = 0;
	r->st.undo_events++;
}

void rudp_detect_losses(struct rudp *r, uint64_t now)
{
	struct rudp_tx_slot *t;
	uint32_t i;
	int event = 0;

	while ((i = rudp_rack_head_lost(&r->rack, &r->rtt, &r->tx, now,
					&r->reo_at)) != RUDP_NIL) {
		t = &r->tx.slot[i];
		if (t->tx_order >= r->recovery_tx)
			event = 1;
		rudp_txq_lose(&r->tx, i, RUDP_WHY_RACK);
		if (t->seq < r->rtx_cursor)
			r->rtx_cursor = t->seq;
		r->st.rack_losses++;
	}
	if (event)
		enter_recovery(r, now);
}

/* ---- acknowledgements ------------------------------------------------------- */

/* Packet in slot i reached the peer (SACKed, or below the cumulative ack
 * if !sacked). 1 if that is news, and its payload added to *bytes. order_known: the echo says which of its
 * transmissions arrived; a first transmission is never in doubt, nor is a
 * retransmission older than the min RTT. */
static uint32_t slot_delivered(struct rudp *r, uint32_t i, int sacked,
			       int order_known, uint64_t now, uint64_t *bytes)
{
	struct rudp_tx_slot *t = &r->tx.slot[i];
	enum rudp_tx_state was = rudp_txq_delivered(&r->tx, i, sacked);

	if (was != RUDP_TX_FLIGHT && was != RUDP_TX_LOST)
		return 0;
	if (t->tx_count == 1 || order_known ||
	    now - t->last_ts >= r->rtt.min_rtt)
		rudp_rack_delivered(&r->rack, t->tx_order, t->last_ts, now);
	if (was == RUDP_TX_LOST && t->lost_by == RUDP_WHY_RACK) {
		r->st.spurious_rack++; /* it arrived before we sent it again */
		rudp_rack_spurious(&r->rack);
		undo_if_all_spurious(r);
	}
	if (r->in_recovery && t->tx_order >= r->recovery_tx)
		r->in_recovery = 0; /* a packet sent since was delivered */
	*bytes += t->len;
	return 1;
}

/* Retransmission shown needless: the peer got an earlier copy (the echo
 * names an older transmission, or a duplicate arrived). */
static void check_spurious(struct rudp *r, const struct rudp_hdr *h,
			   struct rudp_tx_slot *t)
{
	if (t->tx_count < 2 || t->spurious)
		return;
	if (!(h->flags & RUDP_F_DUP) && h->ts_echo >= t->last_ts)
		return;
	t->spurious = 1;
	r->st.spurious_retrans++;
	if (t->lost_by == RUDP_WHY_RACK) {
		r->st.spurious_rack++;
		rudp_rack_spurious(&r->rack);
	}
	if (r->undo_active && t->tx_order >= r->undo_tx &&
	    r->undo_retrans > 0 && --r->undo_retrans == 0)
		undo_if_all_spurious(r);
}

static uint32_t echo_delivered(struct rudp *r, const struct rudp_hdr *h,
			       uint64_t now, uint64_t *bytes)
{
	struct rudp_tx_slot *t;
	uint64_t es;

	if (!(h->flags & RUDP_F_ESEQ) ||
	    rudp_expand32(h->echo_seq, r->snd_una, &es) < 0)
		return 0;
	t = &r->tx.slot[rudp_txq_index(&r->tx, es)];
	if (t->seq != es)
		return 0;
	check_spurious(r, h, t);
	if (es < r->snd_una || es >= r->snd_nxt)
		return 0;
	return slot_delivered(r, rudp_txq_index(&r->tx, es), 1,
			      h->ts_echo == t->last_ts, now, bytes);
}

/* The tail probe repaired a loss (RFC 8985 7.4): the ACK it prompted
 * delivers the probed packet for the first time, so the copy before was
 * lost. Judged before the deliveries are applied. */
static int tlp_repaired(const struct rudp *r, const struct rudp_hdr *h)
{
	const struct rudp_tx_slot *t;
	uint64_t es;

	if (!r->tlp_active || !r->tlp_retx || !(h->flags & RUDP_F_ESEQ) ||
	    (h->flags & RUDP_F_DUP) || h->ts_echo != r->tlp_ts ||
	    rudp_expand32(h->echo_seq, r->snd_una, &es) < 0 ||
	    es != r->tlp_seq || es < r->snd_una)
		return 0;
	t = &r->tx.slot[rudp_txq_index(&r->tx, es)];
	return t->seq == es && t->state == RUDP_TX_FLIGHT;
}

/* The window grows by the payload delivered, in full-sized packets (RFC
 * 3465's byte counting), the remainder carried to the next ACK, so small
 * packets do not grow it faster than full ones. */
static void grow(struct rudp *r, uint64_t bytes, uint64_t now)
{
	r->ca_bytes += bytes;
	uint32_t full = (uint32_t)(r->ca_bytes / r->pay);
	r->ca_bytes %= r->pay;
	if (full > 0)
		rudp_cc_on_ack(&r->cc, full, r->cc_blocked, now, r->rtt.srtt);
}

static void ack_apply(struct rudp *r, const struct rudp_hdr *h, uint64_t ack,
		      uint64_t now)
{
	uint64_t s, old_una = r->snd_una;
	uint32_t delivered = 0;
	uint64_t bytes = 0;
	int i, repaired = tlp_repaired(r, h);

	for (s = r->snd_una; s < ack; s++)
		delivered += slot_delivered(r, rudp_txq_index(&r->tx, s), 0, 0,
					    now, &bytes);
	if (ack > r->snd_una)
		r->snd_una = ack;
	for (i = 0; i < RUDP_SACK_BITS; i++) {
		s = ack + 1 + (uint64_t)i;
		if (((h->sack >> i) & 1) && s >= r->snd_una && s < r->snd_nxt)
			delivered += slot_delivered(
				r, rudp_txq_index(&r->tx, s), 1, 0, now,
				&bytes);
	}
	delivered += echo_delivered(r, h, now, &bytes);
	r->st.data_pkts_acked += delivered;
	if (ack >= old_una)
		r->right_edge = max_u64(r->right_edge, ack + h->window);
	rtt_sample(r, h, now);
	if (repaired && !r->in_recovery)
		enter_recovery(r, now);
	if (delivered)
		r->tlp_active = 0;
	rudp_detect_losses(r, now);
	if (!r->in_recovery && delivered)
		grow(r, bytes, now);
	if (delivered)
		r->cc_blocked = 0;
	if (r->snd_una > old_una)
		r->rto_streak = 0;
	if (delivered && r->snd_una < r->snd_nxt) {
		rudp_arm_rto(r, now);
		rudp_arm_tlp(r, now);
	} else if (r->snd_una == r->snd_nxt) {
		r->rto_at = r->pto_at = UINT64_MAX;
	}
}

/* ---- data ------------------------------------------------------------------ */

static void on_data(struct rudp *r, const struct rudp_hdr *h,
		    const uint8_t *pl, uint64_t now)
{
	uint64_t seq, before = r->rx.nxt;

	if (rudp_expand32(h->seq, r->rx.nxt, &seq) < 0 ||
	    seq >= r->rx.base + r->w || r->peer_fin) {
		r->st.stale++;
		rudp_want_ack(r, 1, now);
		return;
	}
	if (seq < r->rx.nxt || rudp_rxq_has(&r->rx, seq)) {
		r->st.dup_pkts_dropped++;
		set_echo(r, h, seq, 1, 1, now);
		rudp_want_ack(r, 1, now);
		return;
	}
	rudp_rxq_store(&r->rx, seq, h->msg_id, h->frag_idx, h->frag_cnt, pl,
		       h->plen);
	set_echo(r, h, seq, 1, 0, now);
	/* Out of order, or filling a hole: ACK at once (RFC 5681 4.2). */
	rudp_want_ack(r, seq != before || r->rx.nxt > seq + 1, now);
}

/* Fragment rules: every piece but the last is full, the last is not empty
 * (unless the message is), and the whole fits max_msg. */
static int data_fields_ok(const struct rudp *r, const struct rudp_hdr *h)
{
	if (h->frag_cnt > r->max_frags || h->plen > r->pay)
		return 0;
	if (h->frag_idx + 1 < h->frag_cnt)
		return h->plen == r->pay;
	if (h->frag_cnt > 1 && h->plen == 0)
		return 0;
	return (uint64_t)(h->frag_cnt - 1) * r->pay + h->plen <= r->max_msg;
}

/* ---- handshake, close -------------------------------------------------------- */

static void on_syn(struct rudp *r, const struct rudp_hdr *h,
		   const uint8_t *pl, uint64_t now)
{
	struct rudp_hs hs;

	if (r->initiator || r->state != RUDP_CONNECTING) {
		r->st.stale++;
		return;
	}
	if (rudp_hs_get(pl, &hs) < 0 || h->window > hs.window) {
		r->st.malformed++;
		return;
	}
	if (!r->have_peer)
		set_peer(r, &hs, h->window);
	r->synack_due = 1;
	set_echo(r, h, 0, 0, 0, now);
}

static void on_synack(struct rudp *r, const struct rudp_hdr *h,
		      const uint8_t *pl, uint64_t now)
{
	struct rudp_hs hs;

	if (!r->initiator ||
	    !(r->state == RUDP_CONNECTING || rudp_sending_state(r))) {
		r->st.stale++;
		return;
	}
	if (rudp_hs_get(pl, &hs) < 0 || h->window > hs.window ||
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
	rudp_want_ack(r, 1, now); /* the third packet; again if it was lost */
}

static void on_fin(struct rudp *r, const struct rudp_hdr *h, uint64_t now)
{
	uint64_t fs;

	if (rudp_expand32(h->seq, r->rx.nxt, &fs) < 0 || fs != r->rx.nxt) {
		r->st.stale++;
		return;
	}
	r->peer_fin = 1;
	r->finack_due = 1;
	set_echo(r, h, 0, 0, 0, now);
	if (r->state == RUDP_OPEN)
		r->state = RUDP_CLOSING;
}

/* ---- the connection's packets --------------------------------------------- */

/* Types that carry acknowledgements need a handshake behind them. */
static int conn_acceptable(const struct rudp *r, const struct rudp_hdr *h)
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
static int ack_check(const struct rudp *r, const struct rudp_hdr *h,
		     uint64_t *ack)
{
	uint64_t es;

	if (rudp_expand32(h->ack, r->snd_una, ack) < 0 || *ack > r->snd_nxt)
		return -1;
	if (h->sack && *ack + 1 + (uint64_t)highest_bit(h->sack) >= r->snd_nxt)
		return -1;
	if (h->window > r->peer.window)
		return -1;
	if ((h->flags & RUDP_F_ECHO) && h->ts_echo > r->now)
		return -1;
	if ((h->flags & RUDP_F_ESEQ) &&
	    (rudp_expand32(h->echo_seq, r->snd_una, &es) < 0 ||
	     es >= r->snd_nxt))
		return -1;
	return 0;
}

static void on_conn_pkt(struct rudp *r, const struct rudp_hdr *h,
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
	if (h->type == RUDP_PKT_DATA) {
		on_data(r, h, pl, now);
	} else if (h->type == RUDP_PKT_FIN) {
		on_fin(r, h, now);
	} else if (h->type == RUDP_PKT_FINACK) {
		r->fin_acked = 1;
		rudp_go_closed(r, RUDP_CLOSED);
	} else if (h->flags & RUDP_F_PROBE) {
		rudp_want_ack(r, 1, now);
	}
}

void rudp_input(struct rudp *r, const uint8_t *pkt, size_t len, uint64_t now)
{
	const uint8_t *pl;
	struct rudp_hdr h;

	now = rudp_note_time(r, now);
	if (rudp_hdr_get(pkt, len, &h) < 0) {
		r->st.malformed++;
		return;
	}
	pl = pkt + RUDP_HDR_LEN; /* only now known to be inside the datagram */
	if (h.session != r->session) {
		r->st.foreign++;
		return;
	}
	if (!rudp_hdr_fields_ok(&h)) {
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
	rudp_settle(r, now);
}
