/* Reliable UDP, part: the wire format of rudp.h in and out of byte
 * buffers, and the checks that need no connection state. Internal to
 * rudp*.c (and their tests). */
#ifndef TUB_RUDP_WIRE_H
#define TUB_RUDP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "rudp.h"

#define RUDP_F_KNOWN (RUDP_F_ECHO | RUDP_F_ESEQ | RUDP_F_DUP | RUDP_F_PROBE)
#define RUDP_F_ACKS (RUDP_F_ECHO | RUDP_F_ESEQ | RUDP_F_DUP)

/* One header, fields as on the wire (magic and version implied). */
struct rudp_hdr {
	uint8_t type;
	uint16_t flags;
	uint32_t session, seq, ack;
	uint64_t sack, ts, ts_echo;
	uint32_t echo_seq, ack_delay, window, msg_id;
	uint16_t frag_idx, frag_cnt, plen;
};

/* The SYN and SYN-ACK payload. */
struct rudp_hs {
	uint32_t mtu, window, max_msg;
};

/* Write h into the first RUDP_HDR_LEN bytes of p. */
void rudp_hdr_put(uint8_t *p, const struct rudp_hdr *h);

/* Read a header: structure only (length, magic, version, type, payload
 * length against len, known flags). 0, or -1. */
int rudp_hdr_get(const uint8_t *p, size_t len, struct rudp_hdr *h);

/* Per-type field rules that need no connection state: 1 if they hold. */
int rudp_hdr_fields_ok(const struct rudp_hdr *h);

/* Write and read the handshake payload (RUDP_HS_LEN bytes); get checks
 * the bounds of rudp.h: 0, or -1. */
void rudp_hs_put(uint8_t *p, const struct rudp_hs *hs);
int rudp_hs_get(const uint8_t *p, struct rudp_hs *hs);

/* Widen a 32-bit wire sequence number to the 64-bit one nearest ref: 0,
 * or -1 if that would be below 0. */
int rudp_expand32(uint32_t x, uint64_t ref, uint64_t *out);

#endif
