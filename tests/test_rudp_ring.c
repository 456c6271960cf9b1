/* Unit tests for rudp_ring.c: the send FIFO across its wrap, the flight
 * list in transmission order with its counts, the receive ring's SACK
 * bits, window, in-order and unordered delivery and reassembly. */
#include "rudp_ring.h"

#include <string.h>

#include "check.h"

static void test_fifo(void)
{
	uint8_t buf[16], out[16];
	struct rudp_fifo f = {buf, sizeof buf, 0, 0};
	uint32_t len = 6;
	int round;

	for (round = 0; round < 5; round++) { /* 10 bytes a round: wraps */
		rudp_fifo_put(&f, &len, sizeof len);
		rudp_fifo_put(&f, "abcdef", 6);
		CHECK_EQ_U64(f.used, 10);
		CHECK_EQ_U64(rudp_fifo_head_len(&f), 6);
		rudp_fifo_get(&f, RUDP_LEN_PREFIX, out, 6);
		CHECK(memcmp(out, "abcdef", 6) == 0);
		rudp_fifo_drop(&f, 10);
		CHECK_EQ_U64(f.used, 0);
	}
}

static void test_flight(void)
{
	struct rudp_txq q;
	uint32_t i;

	CHECK(rudp_txq_init(&q, 8, 100) == 0);
	for (i = 0; i < 4; i++)
		rudp_txq_fly(&q, i);
	CHECK_EQ_U64(q.inflight, 4);
	CHECK(q.head == 0 && q.tail == 3);
	rudp_txq_lose(&q, 0, RUDP_WHY_RACK);
	CHECK(q.head == 1 && q.lost == 1 && q.inflight == 3);
	CHECK_EQ_U64(q.slot[0].lost_by, RUDP_WHY_RACK);
	rudp_txq_fly(&q, 0); /* sent again: to the tail */
	CHECK(q.head == 1 && q.tail == 0 && q.lost == 0 && q.inflight == 4);
	rudp_txq_fly(&q, 2); /* a probe of one in flight: moves */
	CHECK(q.tail == 2 && q.inflight == 4);
	CHECK(q.slot[3].next == 0 && q.slot[0].next == 2);
	CHECK_EQ_U64(rudp_txq_delivered(&q, 3, 1), RUDP_TX_FLIGHT);
	CHECK_EQ_U64(rudp_txq_delivered(&q, 3, 1), RUDP_TX_SACKED); /* old */
	CHECK_EQ_U64(q.slot[3].state, RUDP_TX_SACKED);
	CHECK_EQ_U64(rudp_txq_delivered(&q, 3, 0), RUDP_TX_SACKED);
	CHECK_EQ_U64(q.slot[3].state, RUDP_TX_FREE); /* cumulative: freed */
	CHECK_EQ_U64(q.inflight, 3);
	CHECK(rudp_txq_data(&q, 9) == q.data + 100);
	rudp_txq_free(&q);
}

static void test_rx_ordered(void)
{
	struct rudp_rxq x;
	uint8_t out[64];

	CHECK(rudp_rxq_init(&x, 8, 10, 64, 1) == 0);
	CHECK_EQ_U64(rudp_rxq_window(&x), 8);
	/* message 0 in two pieces (seq 0, 1), message 1 whole (seq 2);
	 * seq 2 then 1 arrive before 0 */
	rudp_rxq_store(&x, 2, 1, 0, 1, (const uint8_t *)"xyz", 3);
	CHECK_EQ_U64(x.nxt, 0);
	CHECK_EQ_U64(rudp_rxq_sack(&x), 0x2); /* nxt + 1 + 1 = 2 */
	rudp_rxq_store(&x, 1, 0, 1, 2, (const uint8_t *)"6789", 4);
	CHECK_EQ_U64(rudp_rxq_sack(&x), 0x3);
	CHECK(rudp_rxq_has(&x, 1) && !rudp_rxq_has(&x, 0));
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), (uint64_t)-1); /* in order */
	rudp_rxq_store(&x, 0, 0, 0, 2, (const uint8_t *)"0123456789", 10);
	CHECK_EQ_U64(x.nxt, 3);
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), 14);
	rudp_rxq_take(&x, out);
	CHECK(memcmp(out, "01234567896789", 14) == 0);
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), 3);
	rudp_rxq_take(&x, out);
	CHECK(memcmp(out, "xyz", 3) == 0);
	CHECK(rudp_rxq_empty(&x));
	CHECK_EQ_U64(rudp_rxq_window(&x), 8);
	rudp_rxq_free(&x);
}

static void test_rx_unordered(void)
{
	struct rudp_rxq x;
	uint8_t out[64];

	CHECK(rudp_rxq_init(&x, 8, 10, 64, 0) == 0);
	rudp_rxq_store(&x, 2, 1, 0, 1, (const uint8_t *)"xyz", 3);
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), 3); /* whole: goes ahead */
	rudp_rxq_take(&x, out);
	CHECK(memcmp(out, "xyz", 3) == 0);
	CHECK_EQ_U64(rudp_rxq_window(&x), 8); /* 0 and 1 still to come */
	rudp_rxq_store(&x, 0, 0, 0, 2, (const uint8_t *)"0123456789", 10);
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), (uint64_t)-1);
	rudp_rxq_store(&x, 1, 0, 1, 2, (const uint8_t *)"ab", 2);
	CHECK_EQ_U64(rudp_rxq_peek_len(&x), 12);
	rudp_rxq_take(&x, out);
	CHECK(memcmp(out, "0123456789ab", 12) == 0);
	CHECK(rudp_rxq_empty(&x));
	CHECK_EQ_U64(x.base, 3);
	/* a piece that continues no message is counted and dropped */
	rudp_rxq_store(&x, 3, 7, 1, 2, (const uint8_t *)"zz", 2);
	CHECK_EQ_U64(x.broken, 1);
	rudp_rxq_free(&x);
}

int main(void)
{
	test_fifo();
	test_flight();
	test_rx_ordered();
	test_rx_unordered();
	return check_done("test_rudp_ring");
}
