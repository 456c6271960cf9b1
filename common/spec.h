/* What a test is (the TEST spec), the receiver's limits on it, and what each
 * end of the data path counts (the reports that DONE and RESULT carry). */
#ifndef TUB_SPEC_H
#define TUB_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "sockopt.h"

enum tub_proto { TUB_PROTO_TCP, TUB_PROTO_UDP, TUB_PROTO_RUDP, TUB_PROTO_COUNT };
enum tub_kind {
	TUB_KIND_STREAM,
	TUB_KIND_RR,
	TUB_KIND_CONNECT,
	TUB_KIND_FILL,
	TUB_KIND_KEEPALIVE,
	TUB_KIND_LINGER,
	TUB_KIND_COUNT
};
/* bidir: both at once (--bidir), forward flows first (flows_of_dir) */
enum tub_dir { TUB_DIR_FORWARD, TUB_DIR_REVERSE, TUB_DIR_BIDIR, TUB_DIR_COUNT };

#define TUB_DEFAULT_PORT 5799
#define TUB_OPTSTR_MAX 512     /* option spec text, NUL included */
#define TUB_TEXT_MAX 256       /* error reasons, notes */
#define TUB_HOST_MAX 64        /* host names */
#define TUB_VERSION_MAX 32     /* tool version text */
#define TUB_INTERVALS_MAX 1024 /* per-interval samples in one report */
#define TUB_UDP_MSG_MIN 24     /* the data header */
#define TUB_UDP_MSG_MAX 65507  /* IPv4 UDP payload limit */

#define TUB_FLOWS_MAX 128         /* data sockets of one test at most */
#define TUB_FLOWS_DEFAULT_MAX 16  /* tub-recv --max-flows' default */

#define TUB_FLOW_OPTS_MAX 96       /* a mixed flow's option text, NUL
					   included */

/* A flow of a mixed test (--flow): its own transport, size, rate and,
 * where given, socket options in place of the test's (--local-opt,
 * --remote-opt) for this flow's sockets. */
struct tub_flow_spec {
	uint8_t proto;     /* enum tub_proto */
	uint32_t msg_size;
	uint64_t rate_bps; /* 0: as fast as it goes */
	char local_opts[TUB_FLOW_OPTS_MAX];  /* tub-send's socket; "": the
						test's. Not on the wire */
	char remote_opts[TUB_FLOW_OPTS_MAX]; /* tub-recv's; "": the test's */
};

struct tub_spec {
	uint32_t session;     /* random, nonzero; in every data header */
	uint8_t proto;        /* enum tub_proto */
	uint8_t kind;         /* enum tub_kind */
	uint8_t dir;          /* enum tub_dir */
	uint32_t msg_size;    /* bytes per message (request and reply in rr) */
	uint64_t duration_ns; /* 0: run until count */
	uint64_t count;       /* messages (stream) or round trips (rr); 0: until
				 duration. One of the two is nonzero. */
	uint64_t rate_bps;    /* target payload rate; 0: as fast as possible */
	uint64_t interval_ns; /* per-interval sample period; 0: none */
	uint64_t timeout_ns;  /* rr: reply timeout of one probe */
	char remote_opts[TUB_OPTSTR_MAX]; /* options for the receiver's socket */
	uint32_t flags;       /* TUB_SPEC_* */
	uint32_t window;      /* rudp: packets in flight; 0: the default */
	uint8_t cc;           /* rudp: enum tub_rudp_cc */
	uint64_t rto_min_ns;  /* rudp: the RTO's floor; 0: the default */
	uint64_t rto_max_ns;  /* rudp: its backoff's ceiling; 0: the default */
	uint16_t flows;       /* parallel flows (-P) a direction, each its
				 own data socket; 0 is taken as 1 */
	uint16_t nmixed;      /* --flow: 0, or flows, each as mix[i] says
				 (the fields above are mix[0]'s) */
	struct tub_flow_spec mix[TUB_FLOWS_MAX];
};

/* The flows of a spec a direction (-P): 1 when it says 0. */
static inline unsigned spec_flows(const struct tub_spec *s)
{
	return s->flows ? s->flows : 1u;
}

/* The test's data sockets: its flows, in both directions under --bidir. */
static inline unsigned spec_sockets(const struct tub_spec *s)
{
	return spec_flows(s) * (s->dir == TUB_DIR_BIDIR ? 2u : 1u);
}

/* The direction of the test's flow i (0..spec_sockets-1): under --bidir
 * the first spec_flows are forward, the rest reverse. */
static inline int spec_flow_dir(const struct tub_spec *s, unsigned i)
{
	if (s->dir != TUB_DIR_BIDIR)
		return s->dir;
	return i < spec_flows(s) ? TUB_DIR_FORWARD : TUB_DIR_REVERSE;
}

/* Flow i's own spec: the test's in the flow's direction, with a mixed
 * flow's transport, size, rate and remote options where it has its own
 * (nmixed and mix stay the test's). */
void spec_flow_of(const struct tub_spec *s, unsigned i, struct tub_spec *f);

/* The flows of a test do not all use one transport (--flow). */
int spec_mixed_protos(const struct tub_spec *s);

#define TUB_SPEC_UNORDERED 0x1u /* rudp: deliver messages when whole */
#define TUB_SPEC_SPIN 0x100u    /* rr, connect: both ends poll the data
				   socket without sleeping (--spin) */
#define TUB_SPEC_RUDP_FLAGS TUB_SPEC_UNORDERED
#define TUB_SPEC_KNOWN_FLAGS (TUB_SPEC_RUDP_FLAGS | TUB_SPEC_SPIN)

/* rudp congestion control (the numbers of rudp.h's enum rudp_cc_algo) */
enum tub_rudp_cc {
	TUB_RUDP_CC_RENO,  /* slow start and AIMD (--cc aimd: the same) */
	TUB_RUDP_CC_CUBIC, /* RFC 9438 */
	TUB_RUDP_CC_PACED, /* fixed pacing at twice the offered rate */
	TUB_RUDP_CC_COUNT
};
#define TUB_RUDP_RTO_MIN_DEFAULT_NS 200000000ull  /* 200 ms, as TCP's */
#define TUB_RUDP_RTO_MAX_DEFAULT_NS 2000000000ull /* 2 s */
#define TUB_RUDP_RTO_LOW_NS 1000000ull            /* --rto-min at least 1 ms */
#define TUB_RUDP_RTO_HIGH_NS 60000000000ull       /* --rto-max at most 60 s */
#define TUB_RUDP_WINDOW_MAX 65535
#define TUB_RUDP_WINDOW_DEFAULT 256 /* packets, when the spec says 0 */
#define TUB_RUDP_PKT_MAX 1472       /* largest rudp datagram (IPv4) */
#define TUB_MSG_HDR 16 /* rudp and tcp stream: seq u64 + send time u64 */

struct tub_limits {
	uint64_t max_duration_ns;
	uint64_t max_count;
	uint64_t max_rate_bps;
	uint32_t max_msg_size;
	uint64_t min_interval_ns;
	uint64_t max_window_bytes; /* rudp: window x TUB_RUDP_PKT_MAX; each of
				      its three rings takes this much */
	uint32_t max_flows;        /* -P; the rate limit is of all flows */
};

struct tub_interval {
	uint64_t end_ns; /* end of the interval, from the end's first event */
	uint64_t bytes;
	uint64_t msgs;
};

struct tub_intervals {
	uint32_t n;
	uint32_t truncated; /* samples that did not fit */
	struct tub_interval s[TUB_INTERVALS_MAX];
};

struct tub_tcpinfo {
	uint8_t valid;
	uint32_t total_retrans; /* segments retransmitted */
	uint32_t rtt_us;        /* smoothed RTT */
	uint32_t rttvar_us;
	uint32_t snd_cwnd;      /* segments */
	uint32_t snd_mss;       /* bytes */
};

/* Kernel counters of one host over a test (/proc/net/snmp deltas). They
 * are per network namespace and count all its traffic: a check on the
 * tool's own counts only where the test is alone there. */
struct tub_kernel {
	uint8_t valid;
	uint64_t udp_rcvbuf_errors; /* Udp: RcvbufErrors */
	uint64_t ip_reasm_fails;    /* Ip: ReasmFails (counted when a
				       reassembly queue expires) */
	uint64_t tcp_retrans_segs;  /* Tcp: RetransSegs */
};

/* RUDP: the sending endpoint's protocol counters (added up over the
 * endpoints of a run, one per connection in the connect kind; srtt and
 * cwnd the last one's, the silence the longest). */
struct tub_rudp_tx {
	uint8_t valid;
	uint64_t retrans_timeout, retrans_fast, spurious;
	uint64_t pkts_sent, srtt_ns;
	uint64_t tlp, rack_losses, spurious_rack;
	uint64_t max_silence_ns;
	uint32_t cwnd;             /* full-sized packets */
};

/* What the end that sends the data counted. */
struct tub_tx {
	uint64_t bytes;      /* payload bytes accepted by send calls */
	uint64_t msgs;       /* messages (UDP: datagrams, end markers excluded) */
	uint64_t calls;      /* send calls that accepted data */
	uint64_t bufs;       /* UDP stream: buffers those calls handed over
				(a sendmmsg entry each); with GSO one
				carries many datagrams */
	uint64_t elapsed_ns; /* first send to last send */
	uint64_t blocked;    /* sends that would block or timed out (retried) */
	uint64_t enobufs;    /* sends refused with ENOBUFS (counted, retried) */
	uint64_t unsent_bytes;  /* TCP stream, at the sender's deadline: in the
				   send buffer, never sent (SIOCOUTQNSD) */
	uint64_t unacked_bytes; /* sent, not yet acknowledged (SIOCOUTQ less
				   unsent_bytes) */
	struct tub_tcpinfo tcpi; /* TCP_INFO at the end (TCP only) */
	struct tub_rudp_tx rudp; /* RUDP only; under -R it comes in DONE */
	struct tub_kernel kernel; /* this end's host over the test */
	struct tub_intervals iv;
};

/* What the end that receives the data counted. */
struct tub_rx {
	uint64_t bytes;         /* payload bytes (UDP: good session, dups too) */
	uint64_t msgs;          /* datagrams with our session (UDP), messages
				   echoed (rr), bytes / msg_size (TCP stream) */
	uint64_t calls;         /* receive calls that returned data */
	uint64_t bufs;          /* UDP stream: buffers with our data (a
				   recvmmsg entry each); with GRO one holds
				   many datagrams */
	uint64_t coalesced;     /* ... of those, holding more than one */
	uint8_t gro;            /* UDP stream: the socket had UDP_GRO on: its
				   drop counts are of buffers */
	uint64_t elapsed_ns;    /* first arrival to last arrival */
	uint64_t first_ns;      /* stream: the first arrival on the receiving
				   host's clock (only differences between
				   one test's flows mean anything) */
	uint64_t received;      /* UDP: distinct sequence numbers */
	uint64_t duplicates;
	uint64_t reordered;
	uint64_t reorder_max;
	uint64_t too_old;
	uint64_t wrong_session; /* datagrams dropped for a foreign session/peer */
	uint64_t rcvbuf_drops;  /* SO_RXQ_OVFL, latest value seen */
	uint64_t end_markers;   /* end markers seen */
	double jitter_ns;       /* RFC 3550 interarrival jitter */
	uint8_t end_how;        /* TCP: how the data connection ended */
	/* Message delay (stream kinds with message timestamps): arrival of a
	 * message's last byte minus its send time, ns, on the two ends'
	 * clocks; only differences from the minimum mean anything between
	 * hosts. All 0 when not measured. */
	uint64_t delay_min_ns, delay_p50_ns, delay_p99_ns, delay_max_ns;
	uint64_t out_of_order;  /* messages delivered after a later one */
	uint64_t corrupt;       /* messages whose payload was not as sent */
	uint64_t dup_dropped;   /* rudp: duplicate packets suppressed */
	uint64_t foreign;       /* rudp: malformed, stale or foreign packets */
	struct tub_kernel kernel; /* this end's host over the test */
	struct tub_intervals iv;
};

enum tub_end { TUB_END_NONE, TUB_END_FIN, TUB_END_RST, TUB_END_COUNT };

/* What the sending end measures itself in the socket-behaviour kinds (never
 * on the wire). */
struct tub_probe {
	uint64_t fill_bytes;       /* fill: bytes send() took before blocking */
	uint64_t fill_ns;          /* fill: first send to the last accepted */
	uint64_t fill_writable_ns; /* fill, TCP: peer starts reading -> writable */
	int64_t fill_sndbuf_end;   /* fill, TCP: SO_SNDBUF when full (autotuning
				      grows it when it was not set); -1 */
	uint64_t linger_bytes;     /* linger: bytes written before close() */
	uint64_t close_ns;         /* linger: time close() blocked */
	int64_t timewait;          /* connect, TCP: TIME_WAIT sockets left; -1 */
	uint8_t ka_detected;       /* keepalive: the socket reported an error */
	uint64_t ka_ns;            /* keepalive: idle start -> error */
	uint64_t ka_expected_ns;   /* keepalive: idle + intvl x cnt (or idle +
				      user_timeout), from the socket's values */
	char ka_error[32];         /* keepalive: the error, e.g. "ETIMEDOUT" */
	uint32_t path_mtu;         /* UDP: IP_MTU of the connected data socket
				      (the route's path MTU), bytes; 0 unknown */
	uint8_t ipv6;              /* the data socket's family is IPv6 */
};

/* The CPU one end spent over the data phase (the process's CPU clock, or a
 * flow thread's, split into user and system time by getrusage) and the wall
 * time it took, the CPU read inside the wall clock's window. On loopback the
 * kernel bills softirq work to whichever process runs, so one end carries
 * part of the other's stack. */
struct tub_cpu {
	uint8_t valid;
	uint64_t user_ns, sys_ns;
	uint64_t wall_ns;
};

/* The round trips of rr as the requesting end saw them (under -R,
 * tub-recv's, in its DONE): counts, and the RTT's distribution, ns. */
struct tub_rtt {
	uint8_t valid;
	uint64_t done, lost, late; /* answered; timed out; answered late */
	uint64_t elapsed_ns;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
	uint64_t mean_ns;
};

/* What one flow's socket options gave on the end that reports it: READY
 * shows the first flow's, and the flows of a mixed test may each ask for
 * their own. */
struct tub_side_opts {
	uint8_t valid;      /* 0: not said (the whole process's report) */
	uint8_t sndbuf_clamped, rcvbuf_clamped;
	struct sockopt_set granted;
	char notes[TUB_TEXT_MAX];
};

/* One end's report: DONE carries the sender's, RESULT the receiver's. Each
 * end fills the half matching what it did (tx, rx, or both for rr), and
 * what it spent; a flow's report, what its options gave. */
struct tub_side {
	struct tub_tx tx;
	struct tub_rx rx;
	struct tub_cpu cpu;
	struct tub_rtt rtt;
	struct tub_side_opts opts;
};

/* Names of the enums ("tcp", "stream", "forward", "fin"); "?" if out of
 * range. */
const char *spec_end_name(int end);
const char *spec_proto_name(int proto);
const char *spec_kind_name(int kind);
const char *spec_dir_name(int dir);

/* Name of a rudp congestion control ("reno", "cubic", "paced"). */
const char *spec_cc_name(int cc);

/* Parse a name into the enum; 0, or -1 if unknown. spec_cc_parse takes
 * "aimd" for reno too. */
int spec_proto_parse(const char *s, int *proto);
int spec_cc_parse(const char *s, int *cc);
int spec_kind_parse(const char *s, int *kind);

/* The receiver's default limits. */
void spec_default_limits(struct tub_limits *lim);

/* Check a spec for sense and against limits; writes a one-line reason and
 * returns -1 if refused. Also refuses kinds on transports they do not run
 * on (kind.h). */
int spec_check(const struct tub_spec *spec, const struct tub_limits *lim,
	       char *reason, size_t len);

/* Check a peer's report (DONE or RESULT) for sense beyond what the decoder
 * checks field by field: delay percentiles in order, interval samples in
 * time order, counts that cannot exceed what they count. 0, or -1 with a
 * one-line reason naming the field. */
int spec_side_check(const struct tub_side *side, char *reason, size_t len);

/* IP packets one UDP datagram of payload bytes takes on a path of mtu
 * bytes: 1, or the fragments it is cut into (each but the last carries a
 * multiple of 8 bytes; IPv6 adds an 8-byte fragment header). 0 if mtu is
 * unknown or too small to say. */
uint32_t spec_udp_fragments(uint32_t payload, uint32_t mtu, int ipv6);


/* Add one sample to an interval series; counts it as truncated when full. */
void spec_interval_push(struct tub_intervals *iv, uint64_t end_ns,
			uint64_t bytes, uint64_t msgs);

#endif
