/* What both programs share around one test: the context a data path runs
 * in, the transport interface, control-frame I/O, pacing, interval samples. */
#ifndef TUB_RUN_H
#define TUB_RUN_H

#include <signal.h>
#include <stdint.h>

#include "csv.h"
#include "hist.h"
#include "sock.h"
#include "spec.h"
#include "status.h"
#include "wire.h"

#define RUN_CTL_TIMEOUT_NS (5 * TUB_NSEC_PER_SEC)  /* one control exchange */
#define RUN_SLACK_NS (10 * TUB_NSEC_PER_SEC)       /* past the test's end */
#define RUN_UDP_GRACE_NS (1 * TUB_NSEC_PER_SEC)    /* late datagrams */
#define RUN_GRACE_MAX_NS (10 * TUB_NSEC_PER_SEC)   /* ... on any path */
#define RUN_UDP_SETTLE_NS (20 * TUB_NSEC_PER_MSEC) /* after the end marker */
#define RUN_CTL_CHECK_NS (10 * TUB_NSEC_PER_MSEC)  /* control look period */
#define RUN_STALL_NS (10 * TUB_NSEC_PER_SEC)     /* no progress: peer gone */
#define RUN_WAIT_MAX_NS (100 * TUB_NSEC_PER_MSEC)  /* one run_wait at most */
#define RUN_END_MARKERS 3

struct flow_group;

/* One test as one end runs it. */
struct run_ctx {
	const struct tub_spec *spec;
	int ctl;                    /* control connection */
	int data;                   /* data socket: connected TCP, or UDP */
	int listen_fd;              /* receiver: control listener, to turn
				       away other senders while busy; -1 */
	int data_lfd;               /* receiver, TCP: where data connections
				       come: the control listener (one
				       port), or --data-port's own */
	int one_port;               /* receiver: data on the control port */
	int threads;                /* -P: worker threads (--threads); 0:
				       as many as the CPUs, at most a flow */
	uint64_t secret;            /* READY's; every JOIN shows it */
	uint16_t flow;              /* this context's flow: 0..nflows-1 */
	uint16_t nflows;            /* the test's data sockets (spec_sockets;
				       0 is 1): all on one port */
	struct flow_group *group;   /* -P: a worker's; its ctl is the group's
				       wake-up, not the control connection
				       (flows.h); NULL otherwise */
	struct sock_addr ctl_peer;  /* the only host data may go to */
	uint64_t deadline_ns;       /* the data phase cannot pass this */
	uint64_t progress_ns;       /* last time data moved */
	uint64_t stall_ns;          /* fail when nothing moved for this long */
	uint64_t grace_ns;          /* late datagrams after DONE (run_grace_ns) */
	int connect_timeout_ms;     /* sender: data connection */
	volatile sig_atomic_t *stop;

	struct sock_addr server;    /* sender: the receiver's data address */
	struct tub_result *res;     /* sender: the row the workloads fill
				       (round trips, probe); the receiver's
				       is scratch */
	uint64_t peer_rcvbuf;       /* sender: receiver's granted SO_RCVBUF */
	const char *on_idle;        /* sender, keepalive: command to run */
	int done_sent;              /* sender: DONE went out */
	struct tub_side mine;       /* what this end counted */
	struct tub_cpu cpu0;        /* run_cpu_begin's reading */
	struct tub_side peer;       /* the peer's report, once it came */
	int peer_done;              /* DONE received */
	int have_result;            /* RESULT received (into peer) */

	struct sockopt_set opts_req;     /* this end's socket options */
	struct sockopt_set opts_granted; /* read back after applying */
	char opts_notes[TUB_TEXT_MAX];
	uint64_t strays;                 /* data connections from other hosts */

	enum tub_status status;     /* when a call returns -1 */
	char err[TUB_TEXT_MAX];     /* and why */
};

/* One message connection of a transport's framing: the test's data
 * socket (rr), or a fresh one per operation (connect). */
struct conn {
	struct run_ctx *ctx;
	int fd;
	int initiator;         /* the sending end (tub-send) */
	int dialed;            /* a socket of its own (connect): closed */
	int abort;             /* close without the graceful end: failed */
	int per_op;            /* echoing end of connect: an operation a
				  connection (TCP), a source port (UDP), a
				  session (RUDP) */
	int op_fd;             /* TCP, per_op: the operation's connection */
	struct sockaddr_storage to; /* UDP, per_op: the request's source */
	socklen_t tolen;
	uint64_t next_ctl;     /* run_keep_going's next look at control */
	uint64_t rcv_timeout;  /* udp: the SO_RCVTIMEO now set */
	uint64_t refused;      /* udp: port-unreachable answers */
	int connected;         /* udp, server: connected to the sender */
	void *priv;            /* rudp: the endpoint */
};

#define CONN_EOF (-2) /* recv: the peer ended the connection */

/* A transport: how its data socket is made, and its framing (one message
 * in, one message out) on which the round-trip workloads run. Every
 * function returns 0, or -1 with ctx->status and ctx->err set. */
struct transport {
	int proto;
	int lossy; /* a message may be lost: a reply has a timeout */
	/* Receiving end: make the data socket on local (port 0), apply opts. */
	int (*server_open)(struct run_ctx *ctx, const struct sock_addr *local);
	/* Receiving end: wait for the sender on the data socket (TCP accept;
	 * kinds that open a connection per operation keep the listener). */
	int (*server_accept)(struct run_ctx *ctx, int listen_fd);
	/* Sending end: make the data socket and reach the receiver. */
	int (*client_open)(struct run_ctx *ctx, const struct sock_addr *server);

	/* Framing: start on c->fd (c->ctx, fd, initiator set); the
	 * initiator's open returns once messages can flow. */
	int (*open)(struct conn *c);
	/* Sending end, connect: a fresh socket to ctx->server, opened;
	 * op numbers the operation. */
	int (*dial)(struct conn *c, uint64_t op);
	/* One message of len bytes; the initiator stamps it with seq and
	 * now, a reply goes back as it came. 0 sent, 1 not sent (counted;
	 * the caller goes on), -1 failed. */
	int (*send)(struct conn *c, uint8_t *m, size_t len, uint64_t seq,
		    uint64_t now);
	/* One message into m (cap bytes): its length; 0 when none came by
	 * until (a lossy transport's only loss signal; the others wait on
	 * and ignore until, except the receiving end, which returns to look
	 * at control); CONN_EOF; or -1 failed. On a lossy transport the
	 * initiator gets the reply's seq. */
	ssize_t (*recv)(struct conn *c, uint8_t *m, size_t cap, uint64_t until,
			uint64_t *seq);
	/* End: the initiator finishes gracefully unless c->abort (its
	 * counters into the row); a dialed socket is closed. 0 or -1; frees
	 * c's state. */
	int (*close)(struct conn *c);
	/* Sending end, after the last connect operation (NULL: nothing). */
	void (*ops_done)(struct run_ctx *ctx);
};

extern const struct transport tcp_transport;
extern const struct transport udp_transport;
extern const struct transport rudp_transport;

/* The transport for proto, or NULL. */
const struct transport *run_transport(int proto);

/* Set ctx->status and ctx->err (printf-style); returns -1. */
int run_fail(struct run_ctx *ctx, enum tub_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send one encoded frame on the control connection (within
 * RUN_CTL_TIMEOUT_NS, or by deadline_ns). 0 or -1 (ctx set). */
int run_send_frame(struct run_ctx *ctx, const uint8_t *frame, int len);
int run_send_frame_by(struct run_ctx *ctx, const uint8_t *frame, int len,
		      uint64_t deadline_ns);

/* Read one frame before deadline_ns into body (WIRE_MAX_BODY bytes).
 * Returns the type, or -1 with ctx set (timeout, closed, malformed). An
 * ERROR frame is returned as WIRE_ERROR with its reason in ctx->err. */
int run_read_frame(struct run_ctx *ctx, uint8_t *body, uint32_t *len,
		   uint64_t deadline_ns);

/* During the data phase: look whether the control connection has something.
 * A DONE from the peer is decoded into ctx->peer (peer_done = 1) and 0 is
 * returned; EOF, ERROR or anything else is a failure (-1, ctx set). Returns 0
 * when nothing is there. Costs one poll() with zero timeout. */
int run_check_ctl(struct run_ctx *ctx);

/* Wait until fd (if >= 0) has one of events, the control connection is
 * readable, or until (at most RUN_WAIT_MAX_NS from now); other senders
 * knocking on the listener meanwhile are told the receiver is busy. 1 when
 * fd is ready, 0 otherwise: the caller looks at the control connection
 * (run_keep_going with *next_ctl = 0) and the clock. Every wait of a test
 * goes through here or through run_keep_going. */
int run_wait(struct run_ctx *ctx, int fd, short events, uint64_t until);

/* Send DONE with this end's counters now (kinds that need the receiver to
 * act before the data phase ends). 0 or -1. */
int run_send_done(struct run_ctx *ctx);

/* Wait until the peer's DONE arrived (ctx->peer_done), looking at the clock
 * and the stop flag; the data socket is left alone. 0 or -1. */
int run_wait_done(struct run_ctx *ctx);

/* The receiving end after its workload: wait (at most RUN_CTL_TIMEOUT_NS)
 * for the sender's DONE; the strangers turned away meanwhile are counted
 * as wrong_session. 0 or -1. */
int run_await_done(struct run_ctx *ctx);

/* Between data calls: the stop flag, the deadline, and (every
 * RUN_CTL_CHECK_NS, or at once when *next_ctl is 0) the control connection.
 * 0 to go on, -1 to fail (ctx set). */
int run_keep_going(struct run_ctx *ctx, uint64_t now, uint64_t *next_ctl);

/* The data socket was made: apply opts, read back granted values (sndbuf
 * and rcvbuf always). transport: enum sockopt_transport. Fills notes. */
void run_apply_opts(int fd, int family, int transport,
		    const struct sockopt_set *req, struct sockopt_set *granted,
		    char *notes, size_t notes_len);

/* The enum sockopt_transport of spec's data sockets. */
int run_opts_transport(const struct tub_spec *spec);

/* A data socket of type (SOCK_STREAM, SOCK_DGRAM) for family, with this
 * end's options applied and read back into ctx. The fd, or -1 (ctx set). */
int run_data_socket(struct run_ctx *ctx, int family, int type);

/* Bind fd to local (address and port); closes fd on failure. 0, or -1
 * (ctx set). */
int run_bind(struct run_ctx *ctx, int fd, const struct sock_addr *local);

/* Average-rate pacing: message i is due at t0 + i * gap_ns. */
struct pacer {
	uint64_t t0;
	double gap_ns; /* 0: unpaced */
};

/* Start pacing msg_size-byte messages at rate_bps (0: unpaced). */
void pacer_start(struct pacer *p, uint64_t now, uint64_t rate_bps,
		 uint32_t msg_size);

/* How many of the next max messages are due at now, given sent so far. */
uint64_t pacer_due(const struct pacer *p, uint64_t now, uint64_t sent,
		   uint64_t max);

/* When message number sent is due. */
uint64_t pacer_when(const struct pacer *p, uint64_t sent);

/* Interval samples: cut the running totals at every period boundary. */
struct ticker {
	uint64_t start, period, next;
	uint64_t bytes, msgs; /* totals at the last cut */
};

/* Start at now with period_ns (0: no samples). */
void ticker_start(struct ticker *t, uint64_t now, uint64_t period_ns);

/* Cut every boundary passed by now, with the running totals. */
void ticker_tick(struct ticker *t, uint64_t now, uint64_t bytes,
		 uint64_t msgs, struct tub_intervals *iv);

/* Cut the last, partial interval at now. */
void ticker_finish(struct ticker *t, uint64_t now, uint64_t bytes,
		   uint64_t msgs, struct tub_intervals *iv);

/* TCP_INFO of a TCP socket into ti (valid = 0 where unavailable). */
void run_tcp_info(int fd, struct tub_tcpinfo *ti);

/* Receive and send timeouts on a socket, in nanoseconds (0: none). */
int run_set_timeouts(int fd, uint64_t rcv_ns, uint64_t snd_ns);

/* Fill a message buffer with a recognisable pattern. */
void run_fill_pattern(uint8_t *buf, size_t len);

/* A message buffer of len bytes (free() it), page-aligned: the kernel's
 * copies to and from the socket's pages run faster when the user's side
 * starts on the same boundary. NULL when out of memory. */
void *run_msg_buf(size_t len);

/* The control connection's smoothed RTT (TCP_INFO), ns; 0 if unknown. The
 * one view of the path a test has without a probe. */
uint64_t run_ctl_rtt_ns(int ctl);

/* How long to wait for datagrams still on the path after the sender's
 * DONE: RUN_UDP_GRACE_NS, or two control round trips on a long path (at
 * most RUN_GRACE_MAX_NS). */
uint64_t run_grace_ns(int ctl);

/* What this process (a flow's worker: this thread) has spent so far, into
 * cpu0 (run_cpu_begin), and since then into mine.cpu (run_cpu_end). */
void run_cpu_begin(struct run_ctx *ctx);
void run_cpu_end(struct run_ctx *ctx);

/* Start the data phase clock: deadline, progress, stall limit. */
void run_begin_data(struct run_ctx *ctx, uint64_t max_duration_ns);

/* How long a test may go without moving data before the peer counts as
 * gone: RUN_STALL_NS, or three message gaps at a slow target rate. */
uint64_t run_stall_limit(const struct tub_spec *spec);

/* Message timestamps: every stream message starts with TUB_MSG_HDR bytes
 * (sequence u64, send time u64); the rest is run_fill_pattern's pattern. */
void run_msg_stamp(uint8_t *msg, uint64_t seq, uint64_t send_ns);

/* The receiving end's view of those messages: delivery delay, order,
 * integrity. */
struct msg_track {
	/* arrival - send time, ns, less the first message's: the two ends'
	 * clocks may differ by any offset (two hosts), which cancels in the
	 * figures above the minimum; at or above the first, and below it */
	struct hist *above, *below;
	int64_t base;           /* the first message's arrival - send time */
	int have_base;
	uint64_t next_seq;      /* the next sequence number in order */
	uint64_t out_of_order, corrupt;
	uint8_t hdr[TUB_MSG_HDR];
	uint64_t have;          /* bytes of the current message so far */
	const uint8_t *pattern; /* the expected payload (NULL: not checked) */
};

/* Start; pattern is a run_fill_pattern buffer of msg_size bytes or NULL.
 * 0, or -1 without memory. */
int msg_track_init(struct msg_track *t, const uint8_t *pattern);
void msg_track_free(struct msg_track *t);

/* A whole message of len bytes, delivered at now. */
void msg_track_message(struct msg_track *t, const uint8_t *m, size_t len,
		       uint64_t now);

/* The delay alone of a message sent at sent (the sender's clock_now_ns)
 * and delivered at now. */
void msg_track_delay(struct msg_track *t, uint64_t sent, uint64_t now);

/* n bytes of a byte stream of msg_size-byte messages, arrived at now. */
void msg_track_bytes(struct msg_track *t, const uint8_t *p, size_t n,
		     uint32_t msg_size, uint64_t now);

/* Put the delay figures and counters into rx. Where the ends' clocks are
 * not comparable (the least delay comes out negative: two hosts), the
 * minimum is reported as 0 and the rest as the delay above it. */
void msg_track_report(const struct msg_track *t, struct tub_rx *rx);

/* The end of the data phase for a spec that started at now: the duration,
 * or for a count-only test the receiver's duration limit, plus slack. */
uint64_t run_deadline(const struct tub_spec *spec, uint64_t now,
		      uint64_t max_duration_ns);

#endif
