/* The control sequence of one test, both ends, in one place: HELLO and
 * TEST out, READY back, the data phase, DONE out, RESULT back. A kind
 * changes it only through its flags (common/kind.h): the sender sends DONE
 * itself midway (fill), nothing follows the data phase (keepalive), the
 * data socket is opened per operation (connect). */
#ifndef TUB_SESSION_H
#define TUB_SESSION_H

#include <signal.h>
#include <stdint.h>

#include "csv.h"
#include "gate.h"
#include "run.h"

#define RR_TIMEOUT_DEFAULT_NS (200 * TUB_NSEC_PER_MSEC) /* TCP's min RTO */

/* The sending end's side of the sequence. */
struct send_session {
	const char *host;
	uint16_t port;
	uint64_t connect_timeout_ns;
	int have_rr_timeout;            /* else from the path's RTT */
	const struct sockopt_set *local;
	const char *on_idle;            /* keepalive: the command */
	int threads;                    /* --threads: 0, the CPUs */
	volatile sig_atomic_t *stop;
};

/* Run one test against a receiver into r (r->spec filled, session id
 * set); the round trips go into rtt. *rows: the rows filled, 1; or with
 * flows (r->spec.flows > 1; r then has room for flows + 1), once the
 * flows ran, one a flow and their sum last. 0, or -1 with the status and
 * error set (what was measured is in r either way). */
int session_send(const struct send_session *c, struct tub_result *r,
		 struct hist *rtt, int *rows);

/* The receiving end's side. */
struct serve_session {
	const struct tub_limits *lim;
	const char *host;               /* ours, for READY */
	uint16_t data_port;             /* 0: data on the control port */
	int threads;                    /* --threads: 0, the CPUs */
	/* The receiver's policy on what a client may set on its socket:
	 * 0, or -1 with ctx set (refused). */
	int (*check_opts)(struct run_ctx *ctx, const struct sockopt_set *o,
			  const void *arg);
	const void *arg;
	volatile sig_atomic_t *stop;
};

/* Serve the test whose HELLO and TEST the gate took on conn (lfd: the
 * control listener, to turn others away meanwhile), in ctx. 0, or -1
 * with ctx->status and ctx->err set (the ERROR to the sender is the
 * caller's). */
int session_serve(const struct serve_session *c, const struct gate_conn *conn,
		  int lfd, struct run_ctx *ctx);

#endif
