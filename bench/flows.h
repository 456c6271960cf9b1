/* Parallel flows (-P N): one test, N data sockets, a worker thread each.
 * The main thread keeps the control connection; a worker sees it only
 * through its group: its ctl is the group's wake-up (an eventfd), readable
 * once the peer's DONEs are in or the test failed, which run_check_ctl
 * reads as the flow's own DONE or failure. The control sequence is the
 * single flow's, with DONE and RESULT sent once a flow, in flow order,
 * and once more for the whole process (its CPU and the host's counters).
 * Both ends run the same code: either may send (-R). */
#ifndef TUB_FLOWS_H
#define TUB_FLOWS_H

#include <pthread.h>

#include "csv.h"
#include "run.h"

struct flow {
	struct run_ctx ctx;
	struct tub_result res; /* the flow's row as the workload fills it */
	pthread_t tid;
	int started;
	int rc;
};

struct flow_group {
	int n;
	int sending;            /* this end sends the data */
	struct run_ctx *main;   /* the test's context: control, the whole */
	struct flow *f;         /* n flows */
	int wake;               /* eventfd the workers poll as their ctl */
	int ended_fd;           /* eventfd: a worker ended */
	int posted;             /* the peer's DONEs are in, or failed */
	int ended;              /* workers that ended */
	enum tub_status status; /* failed: why (posted with it) */
	char err[TUB_TEXT_MAX];
};

/* The flows of main's test (spec->flows of them), each a copy of main
 * with its own flow index and no data socket yet; res is copied into each
 * flow's row. 0, or -1 (main set). */
int flows_init(struct flow_group *g, struct run_ctx *main,
	       const struct tub_result *res);

/* Close the flows' data sockets (reset if unsent data was left or the
 * test failed) and free them. */
void flows_free(struct flow_group *g, int failed);

/* Sending end of the connection (tub-send): open each flow's data socket
 * in turn and join it to the test. 0, or -1 (main set). */
int flows_dial(struct flow_group *g, const struct sock_addr *server);

/* Receiving end of the connection (tub-recv): main's data socket is open
 * (the transport's server_open at local); take each flow's connection or
 * JOIN in turn. 0, or -1 (main set). */
int flows_accept(struct flow_group *g, const struct sock_addr *local);

/* The workloads of the data phase: start the workers, keep the control
 * connection while they run (the receiving end reads the DONEs there),
 * join them. sending: this end sends the data. The reports after it are
 * the caller's (session.c). 0, or -1 (main set); the flows' own figures
 * and statuses are in g->f either way. */
int flows_run(struct flow_group *g, uint8_t *buf, int sending);

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
