/* Reliable UDP, part: the buffers. The send FIFO of whole messages (length
 * prefixed) waiting to be cut into packets; the send ring, where a packet
 * lives in slot seq % w until it is cumulatively acknowledged, with the
 * packets in flight on a list in transmission order (RACK walks it from
 * the head); the receive ring, where packet seq lives in slot seq % w
 * while base <= seq < base + w, and the reassembly of the head message.
 * Internal to rudp*.c (and their tests). All memory comes at init. */
#ifndef TUB_RUDP_RING_H
#define TUB_RUDP_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define RUDP_NIL UINT32_MAX
#define RUDP_LEN_PREFIX 4 /* bytes before each message in the FIFO */

/* ---- send FIFO -------------------------------------------------------- */

struct rudp_fifo {
	uint8_t *buf;
	size_t cap, head, used;
};

/* Append n bytes (the caller checked the room); copy n bytes at off from
 * the head out; drop n bytes off the head; the head message's length. */
void rudp_fifo_put(struct rudp_fifo *f, const void *src, size_t n);
void rudp_fifo_get(const struct rudp_fifo *f, size_t off, void *dst,
		   size_t n);
void rudp_fifo_drop(struct rudp_fifo *f, size_t n);
uint32_t rudp_fifo_head_len(const struct rudp_fifo *f);

/* ---- send ring ---------------------------------------------------------- */

enum rudp_tx_state { RUDP_TX_FREE, RUDP_TX_FLIGHT, RUDP_TX_SACKED,
		     RUDP_TX_LOST };
enum rudp_lost_why { RUDP_WHY_NONE, RUDP_WHY_RACK, RUDP_WHY_RTO };

struct rudp_tx_slot {
	uint64_t seq;
	uint64_t tx_order;     /* transmission counter at the last send */
	uint64_t last_ts;      /* time of the last send */
	uint32_t msg_id;
	uint32_t prev, next;   /* flight list, in transmission order */
	uint16_t frag_idx, frag_cnt, len;
	uint8_t state;         /* enum rudp_tx_state */
	uint8_t why;           /* RUDP_TX_LOST: enum rudp_lost_why */
	uint8_t lost_by;       /* the last loss marking's why (spurious?) */
	uint8_t tx_count, spurious;
};

struct rudp_txq {
	struct rudp_tx_slot *slot;
	uint8_t *data;         /* w x slot_bytes payload */
	uint32_t w, slot_bytes;
	uint32_t head, tail;   /* flight list */
	uint32_t inflight;     /* on the list */
	uint64_t inflight_bytes; /* their payload */
	uint32_t lost;         /* RUDP_TX_LOST, waiting to go again */
};

int rudp_txq_init(struct rudp_txq *q, uint32_t w, uint32_t slot_bytes);
void rudp_txq_free(struct rudp_txq *q);

/* Slot index and payload of packet seq. */
uint32_t rudp_txq_index(const struct rudp_txq *q, uint64_t seq);
uint8_t *rudp_txq_data(const struct rudp_txq *q, uint64_t seq);

/* Slot i was (re)transmitted: it goes to the tail of the flight list. */
void rudp_txq_fly(struct rudp_txq *q, uint32_t i);

/* Slot i reached the peer (SACKed, or below the cumulative ack if
 * !sacked): its state before, RUDP_TX_FLIGHT or RUDP_TX_LOST meaning news. */
enum rudp_tx_state rudp_txq_delivered(struct rudp_txq *q, uint32_t i,
				      int sacked);

/* Slot i (in flight) is deemed lost. */
void rudp_txq_lose(struct rudp_txq *q, uint32_t i, enum rudp_lost_why why);

/* ---- receive ring ------------------------------------------------------- */

enum rudp_rx_state { RUDP_RX_EMPTY, RUDP_RX_HELD, RUDP_RX_QUEUED,
		     RUDP_RX_CONSUMED };

struct rudp_rx_slot {
	uint32_t msg_id;
	uint16_t frag_idx, frag_cnt, len;
	uint8_t state;
};

struct rudp_rxq {
	struct rudp_rx_slot *slot;
	uint8_t *data;
	uint32_t w, slot_bytes;
	int ordered;
	uint64_t base;         /* oldest slot not yet freed */
	uint64_t nxt;          /* all below arrived (the cumulative ack) */
	uint64_t high;         /* one above the highest arrived */
	uint64_t *ready;       /* unordered: starts of whole messages */
	uint32_t ready_head, ready_len;
	uint8_t *asm_buf;      /* max_msg bytes */
	uint32_t asm_len, asm_msg_id;
	uint16_t asm_next, asm_cnt;
	int asm_active, asm_full;
	uint64_t broken;       /* packets that did not continue a message */
};

int rudp_rxq_init(struct rudp_rxq *x, uint32_t w, uint32_t slot_bytes,
		  uint32_t max_msg, int ordered);
void rudp_rxq_free(struct rudp_rxq *x);

/* Whether packet seq (base <= seq < base + w) already arrived. */
int rudp_rxq_has(const struct rudp_rxq *x, uint64_t seq);

/* Store packet seq (in the ring, not there yet), then move what is whole
 * towards the app. */
void rudp_rxq_store(struct rudp_rxq *x, uint64_t seq, uint32_t msg_id,
		    uint16_t frag_idx, uint16_t frag_cnt, const uint8_t *pl,
		    uint16_t len);

/* SACK bitmap: bit i set if packet nxt + 1 + i arrived. */
uint64_t rudp_rxq_sack(const struct rudp_rxq *x);

/* Packets beyond nxt the sender may still send. */
uint64_t rudp_rxq_window(const struct rudp_rxq *x);

/* Length of the next whole message, or -1 if none. */
ssize_t rudp_rxq_peek_len(const struct rudp_rxq *x);

/* Copy the next whole message (rudp_rxq_peek_len said it is there) into
 * dst and free its room. */
void rudp_rxq_take(struct rudp_rxq *x, uint8_t *dst);

/* Nothing is held: every packet up to nxt went to the app. */
int rudp_rxq_empty(const struct rudp_rxq *x);

#endif
