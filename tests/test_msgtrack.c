/* Unit tests for the message delay (bench/run.c's msg_track): the figures
 * above the minimum must not depend on the offset between the two ends'
 * clocks, and the minimum is reported only where it can be known. */
#include "run.h"

#include <stdint.h>

#include "check.h"

/* Feed n messages, the i-th sent at 1000 + 10 i on the sender's clock and
 * delivered delay(i) later on a receiver's clock offset by off ns. */
static void feed(struct msg_track *t, int n, int64_t off, int first_slow)
{
	for (int i = 0; i < n; i++) {
		uint64_t sent = 1000000 + 10 * (uint64_t)i;
		uint64_t delay = 5000 + (uint64_t)(i % 10) * 100;
		if (first_slow && (i == 0 || i == 9))
			delay = i == 0 ? 5900 : 5000; /* the first is not the quickest */
		msg_track_delay(t, sent, (uint64_t)((int64_t)(sent + delay) + off));
	}
}

static void one(int64_t off, int first_slow, int comparable)
{
	struct msg_track t;
	struct tub_rx rx = {0};

	CHECK(msg_track_init(&t, NULL) == 0);
	feed(&t, 1000, off, first_slow);
	msg_track_report(&t, &rx);
	/* above the minimum: 0 to 900 ns, p50 400, p99 900, whatever the
	 * offset; max exact, the percentiles within a bucket (0.4%, and the
	 * base's own bucket) */
	CHECK_EQ_U64(rx.delay_max_ns - rx.delay_min_ns, 900);
	CHECK_NEAR((double)(rx.delay_p50_ns - rx.delay_min_ns), 400, 8);
	CHECK_NEAR((double)(rx.delay_p99_ns - rx.delay_min_ns), 900, 8);
	if (comparable)
		CHECK_EQ_U64(rx.delay_min_ns, (uint64_t)(5000 + off));
	else
		CHECK_EQ_U64(rx.delay_min_ns, 0); /* unknown: the clocks differ */
	msg_track_free(&t);
}

int main(void)
{
	one(0, 0, 1);                        /* one clock */
	one(0, 1, 1);                        /* ... the first message slow */
	one(1000000000000LL, 0, 1);          /* receiver's clock ahead */
	one(-1000000000000LL, 0, 0);         /* ... behind: every delay < 0 */
	one(-1000000000000LL, 1, 0);
	one(-5000, 0, 1);                    /* ... the least delay exactly 0 */
	return check_done("test_msgtrack");
}
