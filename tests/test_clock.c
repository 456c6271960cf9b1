/* Unit tests for clock.c: monotonicity, absolute sleeps, EINTR, slack. */
#include "clock.h"

#include <errno.h>
#include <signal.h>
#include <sys/time.h>

#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "check.h"

static void on_alarm(int sig) { (void)sig; }

static void test_monotonic(void)
{
	uint64_t prev = clock_now_ns(), now;
	int backwards = 0, i;

	CHECK(prev > 0);
	for (i = 0; i < 100000; i++) {
		now = clock_now_ns();
		if (now < prev)
			backwards++;
		prev = now;
	}
	CHECK(backwards == 0);
	/* After 2020-01-01 and before 2200: the epoch scale is right. */
	CHECK(clock_wall_ns() > 1577836800ull * TUB_NSEC_PER_SEC);
	CHECK(clock_wall_ns() < 7258118400ull * TUB_NSEC_PER_SEC);
}

static void test_sleep(void)
{
	uint64_t start, deadline, now;

	start = clock_now_ns();
	deadline = start + 20 * TUB_NSEC_PER_MSEC;
	CHECK(clock_sleep_until(deadline) == 0);
	now = clock_now_ns();
	CHECK(now >= deadline);
	CHECK(now - deadline < 500 * TUB_NSEC_PER_MSEC);

	/* Past deadlines (even 0) return at once. */
	start = clock_now_ns();
	CHECK(clock_sleep_until(start - TUB_NSEC_PER_MSEC) == 0);
	CHECK(clock_sleep_until(0) == 0);
	CHECK(clock_sleep_until(start) == 0);
	now = clock_now_ns();
	CHECK(now - start < 50 * TUB_NSEC_PER_MSEC);
}

/* A signal handler's interruption surfaces as -1/EINTR, not a full sleep. */
static void test_eintr(void)
{
	struct sigaction sa, old;
	struct itimerval it = {{0, 0}, {0, 20000}};
	struct itimerval off = {{0, 0}, {0, 0}};
	uint64_t start, now;
	int rc;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGALRM, &sa, &old) == 0);
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);

	start = clock_now_ns();
	errno = 0;
	rc = clock_sleep_until(start + 3 * TUB_NSEC_PER_SEC);
	now = clock_now_ns();
	CHECK(rc == -1);
	CHECK(errno == EINTR);
	CHECK(now - start < TUB_NSEC_PER_SEC);

	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
}

static void test_slack(void)
{
	clock_tighten_slack();
#ifdef __linux__
	CHECK(prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL) == 1);
#endif
}

int main(void)
{
	test_monotonic();
	test_sleep();
	test_eintr();
	test_slack();
	return check_done("test_clock");
}
