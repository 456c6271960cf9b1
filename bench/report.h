/* What tub-send tells its user: the human summary and the interval CSV. */
#ifndef TUB_REPORT_H
#define TUB_REPORT_H

#include <stdio.h>

#include "csv.h"

/* A short human summary of r on f. */
void report_summary(FILE *f, const struct tub_result *r);

/* One line of a flow's figures (-P), before the sum's summary. */
void report_flow(FILE *f, const struct tub_result *r);

/* The kernels' counters over the test beside the tool's own: UDP
 * RcvbufErrors on the receiver against udp_rcvbuf_drops, Ip ReasmFails,
 * TCP RetransSegs on the sender against TCP_INFO's retransmissions. */
void report_kernel_check(FILE *f, const struct tub_result *r);

/* Per-interval rows of both ends into f (header first when the file is
 * empty): run_id, proto, kind, end, index, start_s, end_s, bytes, msgs,
 * rate_bps. Returns 0 or -1. */
int report_intervals(FILE *f, const struct tub_result *r);

#endif
