/* Monotonic nanosecond clock and absolute sleeps for pacing. */
#ifndef TUB_CLOCK_H
#define TUB_CLOCK_H

#include <stdint.h>

#define TUB_NSEC_PER_SEC 1000000000ull
#define TUB_NSEC_PER_MSEC 1000000ull
#define TUB_NSEC_PER_USEC 1000ull

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t clock_now_ns(void);

/* CLOCK_REALTIME now, in nanoseconds since the epoch (for labels only). */
uint64_t clock_wall_ns(void);

/* Sleep until CLOCK_MONOTONIC reaches deadline_ns; returns at once if past.
 * Returns 0 when the deadline was reached, -1 if a signal interrupted it
 * (so the caller can look at its stop flag). */
int clock_sleep_until(uint64_t deadline_ns);

/* Ask the kernel for the finest timer slack this thread may have (Linux). */
void clock_tighten_slack(void);

#endif
