/* Monotonic nanosecond clock and absolute sleeps for pacing. */
#include "clock.h"

#include <errno.h>
#include <time.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

static uint64_t timespec_to_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * TUB_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
}

uint64_t clock_now_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return timespec_to_ns(&ts);
}

uint64_t clock_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return timespec_to_ns(&ts);
}

int clock_sleep_until(uint64_t deadline_ns)
{
	struct timespec ts;
	int rc;

	ts.tv_sec = (time_t)(deadline_ns / TUB_NSEC_PER_SEC);
	ts.tv_nsec = (long)(deadline_ns % TUB_NSEC_PER_SEC);
	/* Absolute time: a past deadline returns at once, and an interrupted
	 * sleep never drifts (no remaining-time bookkeeping). */
	rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	if (rc != 0) {
		errno = rc; /* EINTR for a signal */
		return -1;
	}
	return 0;
}

void clock_tighten_slack(void)
{
#ifdef __linux__
	/* 1 ns is the smallest slack; failure only costs precision. */
	(void)prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
}
