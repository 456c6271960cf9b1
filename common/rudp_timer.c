/* Reliable UDP: the timers. One loss timer is the earliest of RACK's
 * reorder timer, the tail loss probe's timeout and the RTO (RFC 6298,
 * backed off to rto_max, never longer than rto_max since the last
 * transmission); beside it the delayed ACK, the dead-peer clock (time
 * since the peer was last heard) and the handshake's deadline. */
#include "rudp_int.h"

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

uint64_t rudp_rto_now(const struct rudp *r)
{
	uint64_t cap = r->conf.rto_max_ns;
	uint64_t base = rudp_rto_base(&r->rtt, r->conf.rto_init_ns,
				      r->conf.rto_min_ns, cap);

	if (r->state == RUDP_CONNECTING)
		cap = min_u64(cap, RUDP_HS_RTO_MAX_NS);
	return rudp_rto_backoff(base, r->backoff, cap);
}

/* The longest the timer waits after a transmission: rto_max less a margin
 * (1%) for the caller's wake-up latency, so that the silence the socket
 * sees stays within rto_max. */
static uint64_t silence_cap(const struct rudp *r)
{
	return r->conf.rto_max_ns - r->conf.rto_max_ns / 100;
}

/* The RTO, but short enough for a few tries within dead_ns, so that one
 * lost reply does not kill. */
uint64_t rudp_timer_gap(const struct rudp *r)
{
	return min_u64(min_u64(rudp_rto_now(r), silence_cap(r)),
		       r->conf.dead_ns / 4);
}

void rudp_arm_rto(struct rudp *r, uint64_t now)
{
	uint64_t t = now + rudp_timer_gap(r);
	uint64_t cap = r->last_tx + silence_cap(r);

	/* never silent longer than rto_max since the last transmission */
	if (r->last_tx && cap > now && cap < t)
		t = cap;
	r->rto_at = t;
}

void rudp_arm_tlp(struct rudp *r, uint64_t now)
{
	uint64_t t;

	r->pto_at = UINT64_MAX;
	if (!rudp_sending_state(r) || r->snd_una == r->snd_nxt ||
	    r->tlp_active || r->backoff > 0 || !r->rtt.have)
		return;
	t = now + rudp_tlp_pto(&r->rtt, r->conf.ack_delay_ns,
			       r->conf.rto_init_ns);
	if (t < r->rto_at)
		r->pto_at = t;
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

void rudp_settle(struct rudp *r, uint64_t now)
{
	int w = rudp_waiting_on_peer(r), need = rudp_timer_needed(r);

	if (!need)
		r->rto_at = UINT64_MAX;
	else if (r->rto_at == UINT64_MAX)
		rudp_arm_rto(r, now);
	if (r->snd_una == r->snd_nxt)
		r->pto_at = r->reo_at = UINT64_MAX;
	if (w && !r->waiting)
		r->wait_since = now;
	r->waiting = w;
	if (need && !r->owed)
		r->owed_since = now;
	r->owed = need;
}

/* RTO on data: everything not SACKed is lost; the window to its floor
 * (ssthresh is kept on repeated timeouts of the same data). */
static void data_timeout(struct rudp *r)
{
	struct rudp_tx_slot *t;
	uint64_t s;
	int first;

	while (r->tx.head != RUDP_NIL)
		rudp_txq_lose(&r->tx, r->tx.head, RUDP_WHY_RTO);
	for (s = r->snd_una; s < r->snd_nxt; s++) {
		t = &r->tx.slot[rudp_txq_index(&r->tx, s)];
		if (t->state == RUDP_TX_LOST)
			t->why = t->lost_by = RUDP_WHY_RTO;
	}
	r->rtx_cursor = r->snd_una;
	r->recovery_tx = r->tx_counter + 1;
	r->in_recovery = 0;
	r->tlp_active = r->tlp_due = 0;
	r->pto_at = r->reo_at = UINT64_MAX;
	r->cc.pace_next = 0; /* the retransmission goes at once */
	if (r->conf.cc == RUDP_CC_PACED)
		return;
	first = r->rto_streak++ == 0;
	if (first) {
		r->undo_active = 1;
		r->undo_tx = r->recovery_tx;
		r->undo_retrans = 0;
	}
	rudp_cc_on_rto(&r->cc, first);
}

static void on_timeout(struct rudp *r, uint64_t now)
{
	r->st.rto_events++;
	if (r->state == RUDP_CONNECTING) {
		if (!r->initiator && r->hs_sent >= RUDP_HS_TRIES) {
			rudp_go_closed(r, RUDP_DEAD);
			return;
		}
		r->syn_due = r->initiator;
		r->synack_due = !r->initiator;
	} else if (r->snd_una < r->snd_nxt) {
		data_timeout(r);
	} else if (r->fin_sent && !r->fin_acked) {
		r->fin_due = 1;
	} else if (rudp_probe_needed(r)) {
		r->probe_due = 1;
	}
	if (r->backoff < RUDP_BACKOFF_MAX)
		r->backoff++;
	r->rto_at = now + rudp_timer_gap(r);
}

/* The probe timeout: probe if there is anything to probe with. */
static void on_pto(struct rudp *r)
{
	if (rudp_new_data_allowed(r) || r->tx.tail != RUDP_NIL)
		r->tlp_due = 1;
}

void rudp_run_timers(struct rudp *r, uint64_t now)
{
	if (r->state == RUDP_DEAD || r->state == RUDP_CLOSED)
		return;
	if (now >= dead_at(r) || now >= hs_deadline(r)) {
		rudp_go_closed(r, RUDP_DEAD);
		return;
	}
	if (r->ack_pending && now >= r->ack_deadline)
		r->ack_now = 1;
	if (now >= r->reo_at) {
		r->reo_at = UINT64_MAX;
		rudp_detect_losses(r, now);
	}
	if (now >= r->pto_at) {
		r->pto_at = UINT64_MAX;
		on_pto(r);
	}
	if (now >= r->rto_at)
		on_timeout(r, now);
}

void rudp_tick(struct rudp *r, uint64_t now)
{
	now = rudp_note_time(r, now);
	rudp_run_timers(r, now);
	rudp_settle(r, now);
}

uint64_t rudp_next_timer(const struct rudp *r)
{
	uint64_t t;

	if (r->state == RUDP_DEAD)
		return UINT64_MAX;
	if (r->state == RUDP_CLOSED)
		return rudp_finack_sendable(r) ? 0 : UINT64_MAX;
	t = min_u64(min_u64(r->rto_at, dead_at(r)), hs_deadline(r));
	if (r->state == RUDP_CONNECTING)
		return r->syn_due || (r->synack_due && r->have_peer) ? 0 : t;
	t = min_u64(t, min_u64(r->reo_at, r->pto_at));
	if (r->ack_pending)
		t = min_u64(t, r->ack_now ? 0 : r->ack_deadline);
	if (r->probe_due || r->tlp_due || rudp_fin_sendable(r) ||
	    rudp_finack_sendable(r) ||
	    rudp_fast_rtx_due(r))
		t = 0;
	if (rudp_can_retransmit(r) || rudp_can_send_new(r))
		t = min_u64(t, rudp_pace_at(r));
	return t;
}
