/* Reliable UDP: the connection's construction, the app's calls and the
 * queries (see rudp.h for the protocol, rudp_int.h for the state; input
 * is in rudp_in.c, timers and output in rudp_out.c).
 *
 * Send side: app messages wait in a byte FIFO (length-prefixed) and are
 * cut into packets only when the window lets one go, so the fragment size
 * can follow the handshake. */
#include "rudp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int conf_ok(const struct rudp_conf *c)
{
	return c && c->mtu_payload >= RUDP_MIN_MTU &&
	       c->mtu_payload <= RUDP_MAX_MTU && c->window >= 1 &&
	       c->window <= RUDP_MAX_WINDOW && c->max_msg >= 1 &&
	       c->max_msg <= RUDP_MAX_MSG && c->rto_min_ns > 0 &&
	       c->rto_min_ns <= c->rto_init_ns &&
	       c->rto_init_ns <= c->rto_max_ns && c->dead_ns > 0 &&
	       (unsigned)c->cc <= RUDP_CC_PACED &&
	       (c->cc != RUDP_CC_PACED || c->pacing_bps > 0) &&
	       (uint64_t)c->window * c->mtu_payload <= (1ull << 30);
}

static int alloc_buffers(struct rudp *r)
{
	uint32_t slot = r->conf.mtu_payload - RUDP_HDR_LEN;
	size_t ring = (size_t)r->w * slot;
	int tx = rudp_txq_init(&r->tx, r->w, slot);
	int rx = rudp_rxq_init(&r->rx, r->w, slot, r->conf.max_msg,
			       r->conf.ordered);

	r->sq.cap = ring > (size_t)r->conf.max_msg + RUDP_LEN_PREFIX
		? ring : (size_t)r->conf.max_msg + RUDP_LEN_PREFIX;
	r->sq.buf = malloc(r->sq.cap);
	return r->sq.buf && tx == 0 && rx == 0 ? 0 : -1;
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
	if (alloc_buffers(r) < 0) {
		rudp_free(r);
		errno = ENOMEM;
		return NULL;
	}
	rudp_cc_init(&r->cc, c->cc, r->w, c->pacing_bps);
	rudp_rack_init(&r->rack);
	r->rto_at = r->reo_at = r->pto_at = UINT64_MAX;
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
	rudp_txq_free(&r->tx);
	rudp_rxq_free(&r->rx);
	free(r);
}

uint64_t rudp_note_time(struct rudp *r, uint64_t now)
{
	if (now > r->now)
		r->now = now;
	return r->now;
}

void rudp_go_closed(struct rudp *r, enum rudp_state s)
{
	r->state = s;
	r->rto_at = r->reo_at = r->pto_at = UINT64_MAX;
	r->syn_due = r->synack_due = r->probe_due = r->fin_due = 0;
	r->tlp_due = 0;
	r->ack_pending = r->ack_now = 0;
	r->waiting = r->owed = 0;
	if (s == RUDP_DEAD) {
		r->finack_due = 0;
		r->sq.used = r->sq.head = 0;
		r->sq_off = 0;
	}
}

/* ---- app side ----------------------------------------------------------- */

int rudp_send(struct rudp *r, const void *msg, size_t len, uint64_t now)
{
	uint32_t len32;

	now = rudp_note_time(r, now);
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
	if (r->sq.cap - r->sq.used < RUDP_LEN_PREFIX + len) {
		errno = EAGAIN;
		return -1;
	}
	len32 = (uint32_t)len;
	rudp_fifo_put(&r->sq, &len32, sizeof len32);
	rudp_fifo_put(&r->sq, msg, len);
	r->st.msgs_sent++;
	r->st.bytes_sent += len;
	rudp_settle(r, now);
	return 0;
}

ssize_t rudp_peek_len(const struct rudp *r)
{
	ssize_t n = rudp_rxq_peek_len(&r->rx);

	if (n >= 0)
		return n;
	if (r->state == RUDP_DEAD || r->state == RUDP_CLOSED ||
	    (r->peer_fin && rudp_rxq_empty(&r->rx)))
		errno = EPIPE;
	else
		errno = EAGAIN;
	return -1;
}

/* After the app took something: tell the sender when the window opened
 * noticeably (a quarter of it, or from zero). */
void rudp_window_update(struct rudp *r)
{
	uint64_t edge = r->rx.base + r->w;
	uint64_t step = r->w / 4 ? r->w / 4 : 1;

	if (!rudp_sending_state(r) || edge <= r->adv_edge)
		return;
	if (edge - r->adv_edge >= step || r->adv_edge <= r->rx.nxt) {
		r->ack_pending = 1;
		r->ack_now = 1;
	}
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
	rudp_rxq_take(&r->rx, buf);
	r->st.msgs_delivered++;
	r->st.bytes_delivered += (uint64_t)len;
	rudp_window_update(r);
	return len;
}

int rudp_close(struct rudp *r, uint64_t now)
{
	now = rudp_note_time(r, now);
	switch (r->state) {
	case RUDP_CONNECTING:
		rudp_go_closed(r, RUDP_CLOSED);
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
	rudp_settle(r, now);
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
	s->malformed += r->rx.broken;
	s->srtt_ns = r->rtt.srtt;
	s->rttvar_ns = r->rtt.rttvar;
	s->rto_ns = rudp_rto_now(r);
	s->cwnd = rudp_cc_cwnd(&r->cc);
	s->ssthresh = r->cc.ssthresh;
	s->peer_window = (uint32_t)(r->right_edge - r->snd_una);
	s->inflight = r->tx.inflight;
	s->inflight_bytes = r->tx.inflight_bytes;
	s->pkt_payload = r->pay;
	s->sendq_bytes = r->sq.used;
}
