/* Reliable UDP, part: RTT, RTO, RACK and the PTO (see rudp_loss.h). */
#include "rudp_loss.h"

#include <string.h>

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* ---- RTT and RTO (RFC 6298) ------------------------------------------- */

void rudp_rtt_min(struct rudp_rtt *e, uint64_t rtt)
{
	if (rtt == 0)
		rtt = 1;
	if (e->min_rtt == 0 || rtt < e->min_rtt)
		e->min_rtt = rtt;
}

void rudp_rtt_sample(struct rudp_rtt *e, uint64_t rtt)
{
	uint64_t d;

	if (rtt == 0)
		rtt = 1;
	e->latest = rtt;
	if (!e->have) {
		e->srtt = rtt;
		e->rttvar = rtt / 2;
		e->have = 1;
	} else {
		d = e->srtt > rtt ? e->srtt - rtt : rtt - e->srtt;
		e->rttvar = (3 * e->rttvar + d) / 4;
		e->srtt = (7 * e->srtt + rtt) / 8;
	}
	rudp_rtt_min(e, rtt);
}

uint64_t rudp_rto_base(const struct rudp_rtt *e, uint64_t init, uint64_t min,
		       uint64_t max)
{
	uint64_t rto = init;

	if (e->have)
		rto = e->srtt + max_u64(RUDP_RTO_GRANULARITY_NS, 4 * e->rttvar);
	return min_u64(max_u64(rto, min), max);
}

uint64_t rudp_rto_backoff(uint64_t base, unsigned n, uint64_t max)
{
	uint64_t rto = min_u64(base, max);

	while (n-- > 0 && rto < max)
		rto = rto > max / 2 ? max : 2 * rto;
	return rto;
}

uint64_t rudp_tlp_pto(const struct rudp_rtt *e, uint64_t max_ack_delay,
		      uint64_t init)
{
	if (!e->have)
		return init;
	return max_u64(2 * e->srtt + max_ack_delay, RUDP_PTO_MIN_NS);
}

/* ---- RACK (RFC 8985) ----------------------------------------------------- */

void rudp_rack_init(struct rudp_rack *k)
{
	memset(k, 0, sizeof *k);
	k->reo_mult = 1;
}

void rudp_rack_delivered(struct rudp_rack *k, uint64_t tx_order,
			 uint64_t xmit_ts, uint64_t now)
{
	if (k->have && tx_order < k->tx_order)
		return;
	k->have = 1;
	k->tx_order = tx_order;
	k->xmit_ts = xmit_ts;
	k->rtt = now > xmit_ts ? now - xmit_ts : 0;
}

uint64_t rudp_rack_reo_wnd(const struct rudp_rack *k,
			   const struct rudp_rtt *e)
{
	uint64_t w = (uint64_t)k->reo_mult * (e->min_rtt / 4);

	return e->have ? min_u64(w, e->srtt) : w;
}

uint32_t rudp_rack_head_lost(const struct rudp_rack *k,
			     const struct rudp_rtt *e,
			     const struct rudp_txq *q, uint64_t now,
			     uint64_t *when)
{
	const struct rudp_tx_slot *t;
	uint64_t due;

	*when = UINT64_MAX;
	if (!k->have || q->head == RUDP_NIL)
		return RUDP_NIL;
	t = &q->slot[q->head];
	/* The list is in transmission order: a head sent after the newest
	 * delivered packet has none sent after it delivered, nor has any
	 * packet behind it. */
	if (t->tx_order >= k->tx_order)
		return RUDP_NIL;
	due = t->last_ts + k->rtt + rudp_rack_reo_wnd(k, e);
	if (due <= now)
		return q->head;
	*when = due;
	return RUDP_NIL;
}

void rudp_rack_spurious(struct rudp_rack *k)
{
	if (k->reo_mult < RUDP_REO_MULT_MAX)
		k->reo_mult++;
	k->persist = RUDP_REO_PERSIST;
}

void rudp_rack_recovery(struct rudp_rack *k)
{
	if (k->persist > 0 && --k->persist == 0)
		k->reo_mult = 1;
}
