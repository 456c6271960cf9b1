/* Reliable UDP: a pure, deterministic state machine. It takes no socket and
 * reads no clock: the caller passes monotonic nanoseconds in, hands every
 * datagram it receives to rudp_input(), sends whatever rudp_output() gives
 * it, and calls again by rudp_next_timer().
 *
 * Service: messages (boundaries kept, 0 .. max_msg bytes), delivered exactly
 * once, in send order (ordered) or as soon as each is whole (unordered).
 * Messages longer than one datagram are cut into fragments of one payload
 * size (the smaller mtu of the two ends less the header) and put together
 * again.
 *
 * Protocol: three-way handshake SYN / SYN-ACK / ACK carrying the session id
 * and each end's mtu, window and max_msg; packet sequence numbers; cumulative
 * ACK plus a 64-bit selective-ACK bitmap; every ACK echoes the timestamp and
 * sequence number of the data packet that prompted it (RTT samples without
 * Karn's ambiguity, spurious-retransmission detection) and how long it was
 * held (delayed ACK: every 2nd packet or a short timer, at once when out of
 * order). Loss recovery as RFC 8985 and RFC 6298: RACK (a packet is lost
 * when one sent after it is acknowledged and a reorder window, a quarter
 * of the min RTT widened when it proves spurious, has passed), a tail loss
 * probe (TLP) before any RTO, the RTO with a settable minimum and
 * exponential backoff to a maximum (the sender never stays silent longer
 * than rto_max while it waits on the peer). Congestion control: reno,
 * cubic (RFC 9438) or a fixed rate (paced), the window never below a few
 * packets, packets paced at cwnd per srtt; Eifel undo when every
 * retransmission of an episode proves needless. Flow control by the
 * receiver's free packet slots; FIN / FIN-ACK after all data is
 * acknowledged; a peer not heard for dead_ns while we wait on it turns
 * the connection DEAD.
 *
 * The code is in parts: rudp_wire.c (the header below), rudp_ring.c (send
 * FIFO, send and receive rings), rudp_loss.c (RTT, RTO, RACK, TLP),
 * rudp_cc.c (reno, cubic, paced, the pacer), and the connection that ties
 * them: rudp.c (construction, the app's calls), rudp_in.c (input),
 * rudp_out.c (timers and output).
 *
 * Wire (all integers big-endian; RUDP_HDR_LEN = 64 bytes, then payload):
 *   0 magic u16 0x5255 "RU"    2 version u8       3 type u8 (RUDP_PKT_*)
 *   4 session u32              8 seq u32          12 ack u32
 *  16 sack u64                24 ts u64          32 ts_echo u64
 *  40 echo_seq u32            44 ack_delay u32   48 window u32
 *  52 msg_id u32              56 frag_idx u16    58 frag_cnt u16
 *  60 payload length u16      62 flags u16 (RUDP_F_*)
 * seq: DATA packet number (FIN: number of data packets sent); ack: all
 * packets below it were received; sack bit i: packet ack + 1 + i received;
 * ts: sender's clock at transmission; window: packets beyond ack the sender
 * of this header can still take. Sequence numbers are 64-bit inside, 32-bit
 * on the wire (serial arithmetic; the window is far below 2^31). SYN and
 * SYN-ACK carry 12 bytes: mtu_payload, window, max_msg (u32 each). */
#ifndef TUB_RUDP_H
#define TUB_RUDP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RUDP_MAGIC 0x5255u
#define RUDP_VERSION 1
#define RUDP_HDR_LEN 64
#define RUDP_HS_LEN 12               /* SYN / SYN-ACK payload */
#define RUDP_MIN_MTU 128             /* mtu_payload bounds (header included) */
#define RUDP_MAX_MTU 65507
#define RUDP_MAX_WINDOW 65535
#define RUDP_MAX_MSG (1u << 20)
#define RUDP_SACK_BITS 64
#define RUDP_INIT_CWND 10            /* packets (RFC 6928) */
#define RUDP_HS_TRIES 6              /* responder: SYN-ACKs, then DEAD */
#define RUDP_HS_RTO_MAX_NS 1000000000ull /* handshake backoff cap: 1 s */

enum rudp_pkt_type {
	RUDP_PKT_SYN = 1,
	RUDP_PKT_SYNACK,
	RUDP_PKT_ACK,
	RUDP_PKT_DATA,
	RUDP_PKT_FIN,
	RUDP_PKT_FINACK,
};

#define RUDP_F_ECHO 0x1  /* ts_echo and ack_delay are set */
#define RUDP_F_ESEQ 0x2  /* echo_seq names the DATA packet echoed */
#define RUDP_F_DUP 0x4   /* that packet was a duplicate (DSACK-like) */
#define RUDP_F_PROBE 0x8 /* window probe: answer with an ACK at once */

/* Congestion control (rudp_cc.h). */
enum rudp_cc_algo {
	RUDP_CC_RENO,  /* slow start, AIMD (halve on loss) */
	RUDP_CC_CUBIC, /* RFC 9438 */
	RUDP_CC_PACED, /* fixed rate pacing_bps, the whole window open */
};

enum rudp_state {
	RUDP_CONNECTING, /* handshake (a responder: also before any SYN) */
	RUDP_OPEN,
	RUDP_CLOSING,    /* we or the peer began closing; data still drains */
	RUDP_CLOSED,     /* FIN exchange done */
	RUDP_DEAD,       /* peer silent for dead_ns while we waited on it */
};

struct rudp_conf {
	uint32_t mtu_payload;  /* max datagram we emit, header included */
	uint32_t window;       /* max packets in flight; receive slots */
	int ordered;           /* 1: deliver in send order; 0: when whole */
	uint64_t rto_init_ns;  /* before any RTT sample */
	uint64_t rto_min_ns;   /* the RTO never below (TCP's: 200 ms) */
	uint64_t rto_max_ns;   /* nor, backed off, above; the longest the
				* sender stays silent while it waits */
	uint64_t dead_ns;      /* peer not heard this long while we wait on
				* it -> DEAD */
	uint64_t handshake_ns; /* handshake unfinished this long after its
				* first SYN (or SYN-ACK) -> DEAD; 0: dead_ns.
				* A responder also gives up after
				* RUDP_HS_TRIES SYN-ACKs */
	enum rudp_cc_algo cc;
	uint64_t pacing_bps;   /* RUDP_CC_PACED: the rate (> 0) */
	uint32_t max_msg;      /* largest message, <= RUDP_MAX_MSG */
	uint64_t ack_delay_ns; /* delayed ACK: 0 acks every packet at once;
				* else every 2nd packet or after this long */
};

struct rudp_stats {
	uint64_t msgs_sent;        /* accepted by rudp_send */
	uint64_t bytes_sent;       /* their bytes */
	uint64_t msgs_delivered;   /* returned by rudp_recv */
	uint64_t bytes_delivered;
	uint64_t pkts_sent;        /* every datagram rudp_output gave */
	uint64_t pkts_recv;        /* well-formed datagrams of our session */
	uint64_t data_pkts_sent;   /* DATA, retransmissions included */
	uint64_t data_pkts_acked;  /* DATA newly acknowledged (cumulative or
				    * selective): the transfer moves */
	uint64_t retrans_timeout;  /* DATA retransmitted after an RTO */
	uint64_t retrans_fast;     /* DATA retransmitted after RACK said lost */
	uint64_t rto_events;       /* retransmission timer expiries */
	uint64_t tlp_probes;       /* tail loss probes sent */
	uint64_t recovery_first;   /* a recovery's first retransmission,
				      sent past cwnd and the pacer */
	uint64_t rack_losses;      /* packets RACK declared lost */
	uint64_t spurious_rack;    /* of those, shown to have arrived */
	uint64_t loss_events;      /* window reductions on loss */
	uint64_t undo_events;      /* reductions undone: all rtx spurious */
	uint64_t max_silence_ns;   /* longest time without a transmission
				    * while waiting on the peer */
	uint64_t dup_pkts_dropped; /* duplicate DATA suppressed */
	uint64_t spurious_retrans; /* retransmissions shown needless */
	uint64_t malformed;        /* bad header, field or acknowledgement */
	uint64_t foreign;          /* well-formed, other session */
	uint64_t stale;            /* ours, but not acceptable now */
	uint64_t srtt_ns, rttvar_ns, rto_ns;
	uint32_t cwnd, ssthresh;   /* full-sized packets */
	uint32_t peer_window;      /* packets the peer lets us have unacked */
	uint32_t inflight;         /* sent, not acknowledged, not deemed lost */
	uint64_t inflight_bytes;   /* their payload; cwnd bounds it */
	uint32_t pkt_payload;      /* of a full-sized packet (0: no peer yet) */
	uint64_t sendq_bytes;      /* queued, not yet cut into packets */
};

struct rudp;

/* New endpoint for one session; an initiator starts the handshake at the
 * first rudp_output, a responder (initiator == 0) waits for the first SYN
 * with this session id. NULL with errno EINVAL (bad conf) or ENOMEM. Memory,
 * all allocated here and never grown: send and receive rings of window x
 * mtu_payload each, a send queue of max(window x mtu_payload, max_msg) and
 * one max_msg reassembly buffer. */
struct rudp *rudp_new(const struct rudp_conf *c, uint32_t session,
		      int initiator, uint64_t now);

/* Release everything; NULL is fine. */
void rudp_free(struct rudp *r);

/* Queue one message. 0, or -1 with errno: ENOTCONN (handshake not done),
 * EPIPE (closing, closed or dead), EMSGSIZE (longer than the smaller max_msg
 * of the two ends), EAGAIN (send buffer full: try after rudp_output/input). */
int rudp_send(struct rudp *r, const void *msg, size_t len, uint64_t now);

/* Take the next deliverable whole message into buf: its length. -1 with
 * errno EAGAIN (none now), EMSGSIZE (cap too small; the message stays) or
 * EPIPE (none will come: dead, closed, or the peer closed and all its
 * messages were taken). Messages already whole are returned before EPIPE. */
ssize_t rudp_recv(struct rudp *r, void *buf, size_t cap);

/* Length of the message rudp_recv would return next, or -1 as rudp_recv. */
ssize_t rudp_peek_len(const struct rudp *r);

/* Graceful close: send what is queued, wait for it to be acknowledged,
 * then FIN / FIN-ACK. During the handshake it just closes. 0, or -1 with
 * EPIPE if dead. */
int rudp_close(struct rudp *r, uint64_t now);

/* Hand in one received datagram. Malformed, foreign (other session) and
 * stale ones are counted and dropped without other effect. */
void rudp_input(struct rudp *r, const uint8_t *pkt, size_t len,
		uint64_t now);

/* Next datagram to send now (data, retransmission, ACK, handshake, close)
 * into pkt: its length, or 0 if nothing is due. Call until 0. cap must be at
 * least mtu_payload: -1 with ENOBUFS otherwise. Runs the timers first. */
ssize_t rudp_output(struct rudp *r, uint8_t *pkt, size_t cap, uint64_t now);

/* Run the timers (RTO, delayed ACK, dead peer) without producing output. */
void rudp_tick(struct rudp *r, uint64_t now);

/* When rudp_output (or rudp_tick) must be called next: a time in the past
 * (possibly 0) means now; UINT64_MAX means only on input or an app call. */
uint64_t rudp_next_timer(const struct rudp *r);

/* Whether a datagram is a well-formed SYN (a connection being opened); its
 * session id into *session. For a server that makes one endpoint per
 * connection. */
int rudp_peek_syn(const uint8_t *pkt, size_t len, uint32_t *session);

/* Connection state. */
enum rudp_state rudp_state(const struct rudp *r);

/* Name of a state, for reports: "connecting", "open", ... */
const char *rudp_state_name(enum rudp_state s);

/* Counters and current congestion, RTT and window figures. */
void rudp_get_stats(const struct rudp *r, struct rudp_stats *s);

#endif
