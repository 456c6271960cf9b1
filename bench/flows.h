/* Parallel flows (-P N) and both directions at once (--bidir): one test,
 * several data sockets, driven by T worker threads (--threads; by default
 * as many as the CPUs this end may use, at most one a flow; a thread with
 * several flows runs them as fibers, fiber.h). The main thread keeps the
 * control connection; a worker sees it only through its group: its ctl is
 * an eventfd, readable (for a receiving flow) once the peer's DONEs are in,
 * or (for any) when the test failed, which run_check_ctl reads as the
 * flow's own DONE or failure. The control sequence is the single flow's,
 * with DONE sent once a flow the end sends, RESULT once a flow it
 * receives, each in flow order and then once more for the whole process
 * (its CPU and the host's counters). Under --bidir there are four such
 * blocks, one at a time: tub-send's DONEs, tub-recv's DONEs, tub-send's
 * RESULTs, tub-recv's RESULTs; no end writes while the other does, so
 * neither can fill the other's buffer unread. Both ends run the same
 * code. */
#ifndef TUB_FLOWS_H
#define TUB_FLOWS_H

#include <pthread.h>

#include "csv.h"
#include "run.h"

struct flow {
	struct run_ctx ctx;
	struct tub_spec spec;  /* the test's, in this flow's direction */
	struct tub_result res; /* the flow's row as the workload fills it */
	struct hist *rtt;      /* rr: its round trips (res.rtt) */
	int sends;             /* this end sends on this flow */
	int rc;
};

struct flow_thread {            /* worker k drives flows k, k + T, ... */
	struct flow_group *g;
	int k;
	pthread_t tid;
};

struct flow_group {
	int n;                  /* flows: spec_sockets */
	int n_tx, n_rx;         /* ... this end sends on, receives on */
	int client;             /* this end is tub-send's */
	int bidir;              /* --bidir: the four blocks of reports */
	struct run_ctx *main;   /* the test's context: control, the whole */
	struct flow *f;         /* n flows */
	int nthreads;           /* T: worker threads (--threads) */
	int running;            /* ... that started */
	struct flow_thread *t;  /* nthreads, while the flows run */
	int lfd;                /* --data-port's TCP listener, while the
				   flows join; -1 */
	int wake;               /* eventfd: receiving flows' ctl */
	int wake_tx;            /* eventfd: sending flows' ctl (failure) */
	int ended_fd;           /* eventfd: a worker ended */
	int posted;             /* the peer's DONEs are in, or failed */
	int ended, ended_tx;    /* workers that ended; sending ones */
	int got;                /* the peer's DONE frames read */
	int done_sent;          /* --bidir: this end's DONEs went out */
	enum tub_status status; /* failed: why (posted with it) */
	char err[TUB_TEXT_MAX];
};

/* The flows of main's test (spec_sockets of them), each a copy of main
 * with its own flow index, its direction's spec, and no data socket yet;
 * res is copied into each flow's row. client: this end is tub-send's.
 * 0, or -1 (main set). */
int flows_init(struct flow_group *g, struct run_ctx *main,
	       const struct tub_result *res, int client);

/* Close the flows' data sockets (reset if unsent data was left or the
 * test failed) and free them. */
void flows_free(struct flow_group *g, int failed);

/* Sending end of the connection (tub-send): open each flow's data socket
 * in turn and join it to the test, the TCP flows first, then the datagram
 * flows, each in index order. 0, or -1 (main set). */
int flows_dial(struct flow_group *g, const struct sock_addr *server);

/* Receiving end of the connection (tub-recv), before READY: the TCP
 * flows' listener (--data-port) or a socket that shows what the options
 * give, and the first datagram flow's socket, bound at local. The options
 * granted go into main for READY. 0, or -1 (main set). */
int flows_open(struct flow_group *g, const struct sock_addr *local);

/* After READY: take each flow's connection or JOIN in turn, the TCP
 * flows first, then the datagram flows (flows_dial's order). 0, or -1
 * (main set). */
int flows_accept(struct flow_group *g, const struct sock_addr *local);

/* The workloads of the data phase: start the workers, keep the control
 * connection while they run (an end that receives reads the DONEs there;
 * under --bidir, an end sends its own DONEs there too, once its sending
 * flows ended and, on tub-recv's end, once tub-send's are in), join
 * them. The other reports are the caller's (session.c). 0, or -1 (main
 * set); the flows' own figures and statuses are in g->f either way. */
int flows_run(struct flow_group *g, uint8_t *buf);

/* TCP_INFO of each TCP flow this end sends on into its counters. */
void flows_tcp_info(struct flow_group *g);

/* This end's reports: DONE (done) for each flow it sends on, or RESULT
 * for each it receives on, in flow order, then the whole process's
 * (main->mine). 0, or -1 (main set). */
int flows_report(struct flow_group *g, uint8_t *buf, int done);

/* "flow 2", or under --bidir "reverse flow 0": flow i as its row names
 * it. */
const char *flows_name(const struct flow_group *g, int i, char *buf,
		       size_t len);

/* A worker's look at its group (run_check_ctl's, for a flow): 0, or -1
 * when the test failed (ctx set). */
int flows_check(struct run_ctx *ctx);

/* The sum row of n flow rows: payload bytes of all flows over the union
 * of their receive windows; counts summed; delay minimum and maximum over
 * the flows (their percentiles cannot be merged from percentiles, and are
 * left empty); Jain's fairness index of the flows' throughputs. The CPU
 * and the hosts' kernel counters are the whole process's, given. */
void flows_sum(const struct tub_result *rows, int n, struct tub_result *sum);

/* Jain's fairness index of x[0..n-1]: (sum x)^2 / (n sum x^2); 1 when all
 * are equal, 1/n when one has everything. NAN when all are 0. */
double flows_jain(const double *x, int n);

#endif
