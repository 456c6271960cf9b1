/* Reliable UDP: the connection's state, shared by rudp.c (construction
 * and the app's calls), rudp_in.c (input) and rudp_out.c (timers and
 * output). Internal; rudp.h is the interface. */
#ifndef TUB_RUDP_INT_H
#define TUB_RUDP_INT_H

#include <stdint.h>

#include "rudp.h"
#include "rudp_cc.h"
#include "rudp_loss.h"
#include "rudp_ring.h"
#include "rudp_wire.h"

#define RUDP_BACKOFF_MAX 30

struct rudp {
	struct rudp_conf conf;
	uint32_t session;
	int initiator;
	enum rudp_state state;
	uint64_t now;              /* latest time handed in */
	uint32_t w;                /* conf.window */

	/* peer, from the handshake */
	int have_peer;
	struct rudp_hs peer;
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
	struct rudp_fifo sq;
	uint32_t sq_off;           /* bytes of the head message already cut */
	uint32_t next_msg_id;
	struct rudp_txq tx;
	uint64_t snd_una, snd_nxt, right_edge, rtx_cursor, tx_counter;
	int cc_blocked;            /* data waited on cwnd or the pacer since
				      the last ACK */
	uint64_t ca_bytes;         /* delivered toward the next full packet
				      the window grows by */

	/* loss recovery */
	struct rudp_rtt rtt;
	uint64_t rtt_gate;         /* srtt samples from packets sent after */
	struct rudp_rack rack;
	int in_recovery;
	int fast_rtx;              /* a recovery began: its first
				      retransmission goes out past cwnd and
				      the pacer (RFC 6937's fast retransmit) */
	uint64_t recovery_tx;      /* losses of packets sent from here on are
				      a new event */
	unsigned backoff;          /* RTO doublings since the last sample */
	int rto_streak;            /* RTOs since snd_una last moved */
	uint64_t rto_at, reo_at, pto_at;
	int tlp_due, tlp_active, tlp_retx;
	uint64_t tlp_seq, tlp_ts;
	int undo_active;           /* reductions since undo_tx may be undone */
	uint32_t undo_retrans;     /* retransmissions since, not yet proven
				      needless */
	uint64_t undo_tx;

	struct rudp_cc cc;

	/* liveness, silence */
	uint64_t last_heard, wait_since;
	int waiting;
	uint64_t last_tx;          /* last data, probe, FIN or handshake */
	uint64_t last_any_tx;
	int owed;                  /* something of ours outstanding */
	uint64_t owed_since;

	struct rudp_rxq rx;

	/* acknowledgements we owe */
	int ack_pending, ack_now;
	uint32_t ack_count;
	uint64_t ack_deadline, adv_edge;
	int echo_valid, echo_data, echo_dup;
	uint64_t echo_ts, echo_seq, echo_at;

	struct rudp_stats st;
};

static inline int rudp_sending_state(const struct rudp *r)
{
	return r->state == RUDP_OPEN || r->state == RUDP_CLOSING;
}

static inline int rudp_drained(const struct rudp *r)
{
	return r->sq.used == 0 && r->snd_una == r->snd_nxt;
}

static inline int rudp_window_blocked(const struct rudp *r)
{
	return r->snd_nxt >= r->right_edge;
}

/* The app queued data the closed peer window holds back. */
static inline int rudp_probe_needed(const struct rudp *r)
{
	return rudp_sending_state(r) && r->sq.used > 0 &&
	       r->snd_una == r->snd_nxt && rudp_window_blocked(r);
}

/* ---- what may go, what we wait on (rudp_out.c, rudp_timer.c) ---- */

/* New data within the ring and the peer's window (cwnd aside). */
static inline int rudp_new_data_allowed(const struct rudp *r)
{
	return rudp_sending_state(r) && r->sq.used > 0 &&
	       r->snd_nxt - r->snd_una < r->w && !rudp_window_blocked(r);
}

/* The window counts bytes, in full-sized packets, as TCP's and QUIC's do:
 * small messages, each in a packet of its own, do not shrink what a window
 * carries (counted in packets, cubic's 4 to 6 after a loss held 500-byte
 * messages to about 1 Mbit/s at 20 ms). Only sending states ask, and the
 * handshake that opened them set the payload size. */
static inline int rudp_cwnd_open(const struct rudp *r)
{
	return r->tx.inflight_bytes < (uint64_t)rudp_cc_cwnd(&r->cc) * r->pay;
}

static inline int rudp_can_send_new(const struct rudp *r)
{
	return rudp_new_data_allowed(r) && rudp_cwnd_open(r);
}

/* A recovery began and its first retransmission is still to go. */
static inline int rudp_fast_rtx_due(const struct rudp *r)
{
	return rudp_sending_state(r) && r->tx.lost > 0 && r->fast_rtx;
}

static inline int rudp_can_retransmit(const struct rudp *r)
{
	return rudp_sending_state(r) && r->tx.lost > 0 &&
	       (rudp_cwnd_open(r) || r->fast_rtx);
}

static inline uint64_t rudp_pace_at(const struct rudp *r)
{
	uint64_t due = rudp_cc_pace_due(&r->cc);

	return due > RUDP_PACE_QUANTUM_NS ? due - RUDP_PACE_QUANTUM_NS : 0;
}

static inline int rudp_fin_sendable(const struct rudp *r)
{
	return r->state == RUDP_CLOSING && r->close_req && r->fin_due &&
	       !r->fin_acked && rudp_drained(r);
}

static inline int rudp_finack_sendable(const struct rudp *r)
{
	return (rudp_sending_state(r) || r->state == RUDP_CLOSED) &&
	       r->peer_fin && r->finack_due && rudp_drained(r);
}

static inline int rudp_ack_sendable(const struct rudp *r, uint64_t now)
{
	return rudp_sending_state(r) &&
	       (r->probe_due ||
		(r->ack_pending && (r->ack_now || now >= r->ack_deadline)));
}

/* Is something of ours outstanding at the peer (timer, dead clock)? */
static inline int rudp_timer_needed(const struct rudp *r)
{
	if (r->state == RUDP_CONNECTING)
		return r->initiator ? r->syn_sent : r->have_peer;
	if (!rudp_sending_state(r))
		return 0;
	return r->snd_una < r->snd_nxt || (r->fin_sent && !r->fin_acked) ||
	       rudp_probe_needed(r);
}

static inline int rudp_waiting_on_peer(const struct rudp *r)
{
	return r->state == RUDP_CONNECTING || rudp_timer_needed(r);
}

/* Latest time handed in (time never runs back). */
uint64_t rudp_note_time(struct rudp *r, uint64_t now);

/* Bookkeeping after every call (rudp_out.c): arm or stop the timers,
 * start the dead clock when we begin waiting on the peer. */
void rudp_settle(struct rudp *r, uint64_t now);

/* Into CLOSED or DEAD: nothing more is due. */
void rudp_go_closed(struct rudp *r, enum rudp_state s);

/* The RTO now (backed off); the retransmission timer's interval (short
 * enough for a few tries within dead_ns); arming it from now. */
uint64_t rudp_rto_now(const struct rudp *r);
uint64_t rudp_timer_gap(const struct rudp *r);
void rudp_arm_rto(struct rudp *r, uint64_t now);

/* Run the timers that are due (rudp_timer.c). */
void rudp_run_timers(struct rudp *r, uint64_t now);

/* Arm the tail loss probe after data went out or news came in. */
void rudp_arm_tlp(struct rudp *r, uint64_t now);

/* RACK over the flight list: mark what is lost, arm the reorder timer,
 * start a recovery episode on a new loss event (rudp_in.c). */
void rudp_detect_losses(struct rudp *r, uint64_t now);

/* We owe an ACK: at once, or by the delayed-ACK rule (rudp_in.c). */
void rudp_want_ack(struct rudp *r, int at_once, uint64_t now);

/* The app took something: tell the sender if the window opened. */
void rudp_window_update(struct rudp *r);

#endif
