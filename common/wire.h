/* The control protocol and the data-packet header.
 *
 * Control frames travel on the TCP control connection:
 *   header (8 bytes): magic u16 0x5442 "TB", version u8, type u8, body length
 *   u32; then the body. All integers big-endian. Strings are u16 length + bytes,
 *   printable ASCII only, no NUL, shorter than their field. Doubles are IEEE 754
 *   bit patterns in a u64. A body must be consumed exactly: short or trailing
 *   bytes are errors, as are unknown enum values and out-of-range counts.
 *
 * Data header (UDP datagrams, 24 bytes): session u32, flags u32, seq u64,
 * send time u64 (ns, sender's monotonic clock). */
#ifndef TUB_WIRE_H
#define TUB_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sockopt.h"
#include "spec.h"

#define WIRE_MAGIC 0x5442u
#define WIRE_VERSION 9 /* 3: one port (READY's secret, JOIN), CPU; 4: GSO/GRO
			  * buffer counts in DONE/RESULT; 5: TEST carries
			  * rudp's cc and RTO bounds; 6: TEST carries
			  * the flows, DONE and RESULT come one a flow;
			  * 7: TEST carries mixed flows (--flow); 8: each
			  * with its remote options, and a flow's DONE or
			  * RESULT what its options gave; 9: DONE
			  * carries RUDP's sender counters (-R) */
#define WIRE_HDR_LEN 8
#define WIRE_MAX_BODY (128u * 1024u)
#define WIRE_MAX_FRAME (WIRE_HDR_LEN + WIRE_MAX_BODY)

enum wire_type {
	WIRE_HELLO = 1, /* sender -> receiver: who I am */
	WIRE_TEST,      /* sender -> receiver: the spec */
	WIRE_READY,     /* receiver -> sender: data port, granted options */
	WIRE_DONE,      /* sender -> receiver: sender's counters */
	WIRE_RESULT,    /* receiver -> sender: receiver's counters */
	WIRE_ERROR,     /* either way: a reason, then the connection closes */
	WIRE_JOIN,      /* sender -> receiver, first on a data connection (or
			   datagram) to the data port: which test it is for */
	WIRE_TYPE_END
};

struct wire_hello {
	uint32_t version;                 /* WIRE_VERSION of the speaker */
	char host[TUB_HOST_MAX];          /* speaker's host name */
	char tool_version[TUB_VERSION_MAX];
};

struct wire_ready {
	uint16_t data_port;               /* nonzero; the control port's
					     number unless --data-port */
	uint64_t secret;                  /* nonzero: what a JOIN shows */
	char host[TUB_HOST_MAX];
	char tool_version[TUB_VERSION_MAX];
	struct sockopt_set granted;       /* read back from the data socket */
	uint8_t sndbuf_clamped;           /* 0 or 1 */
	uint8_t rcvbuf_clamped;           /* 0 or 1 */
	char notes[TUB_TEXT_MAX];         /* options refused or skipped */
};

/* A data connection's (or UDP flow's) first message: the test's session,
 * the flow, and READY's secret, so that no stranger can join. */
struct wire_join {
	uint32_t session;
	uint16_t flow;
	uint64_t secret;
};

#define WIRE_JOIN_LEN (WIRE_HDR_LEN + 14) /* the whole frame */

struct wire_error {
	char reason[TUB_TEXT_MAX];
};

#define WIRE_DATA_HDR_LEN 24
#define WIRE_DATA_END 0x1u        /* end marker: no payload counted */
#define WIRE_DATA_KNOWN_FLAGS WIRE_DATA_END

struct wire_data {
	uint32_t session;
	uint32_t flags;
	uint64_t seq;
	uint64_t send_ns;
};

/* Encoders write a whole frame (header and body) into buf; they return the
 * frame length, or -1 if cap is too small. */
int wire_encode_hello(uint8_t *buf, size_t cap, const struct wire_hello *m);
int wire_encode_test(uint8_t *buf, size_t cap, const struct tub_spec *m);
int wire_encode_ready(uint8_t *buf, size_t cap, const struct wire_ready *m);
int wire_encode_done(uint8_t *buf, size_t cap, const struct tub_side *m);
int wire_encode_result(uint8_t *buf, size_t cap, const struct tub_side *m);
int wire_encode_error(uint8_t *buf, size_t cap, const struct wire_error *m);
int wire_encode_join(uint8_t *buf, size_t cap, const struct wire_join *m);

/* Check a frame header. Returns 0 with *type and *body_len set, or -1 with a
 * one-line reason (bad magic, other version, unknown type, body too long). */
int wire_decode_header(const uint8_t *hdr, int *type, uint32_t *body_len,
		       char *err, size_t errlen);

/* Decoders take a body (without the header). 0, or -1 with a reason. They
 * check every field: lengths, enums, ranges, string content. They do not
 * check a spec against a receiver's limits (spec_check does). */
int wire_decode_hello(const uint8_t *body, size_t len, struct wire_hello *m,
		      char *err, size_t errlen);
int wire_decode_test(const uint8_t *body, size_t len, struct tub_spec *m,
		     char *err, size_t errlen);
int wire_decode_ready(const uint8_t *body, size_t len, struct wire_ready *m,
		      char *err, size_t errlen);
int wire_decode_done(const uint8_t *body, size_t len, struct tub_side *m,
		     char *err, size_t errlen);
int wire_decode_result(const uint8_t *body, size_t len, struct tub_side *m,
		       char *err, size_t errlen);
int wire_decode_error(const uint8_t *body, size_t len, struct wire_error *m,
		      char *err, size_t errlen);
int wire_decode_join(const uint8_t *body, size_t len, struct wire_join *m,
		     char *err, size_t errlen);

/* A whole JOIN frame (header and body, as a datagram carries it); 0, or
 * -1 when it is anything else. */
int wire_parse_join(const uint8_t *frame, size_t len, struct wire_join *m);

/* Data header into p[WIRE_DATA_HDR_LEN]. */
void wire_data_encode(uint8_t *p, const struct wire_data *d);

/* Data header from a datagram of len bytes; -1 if shorter than the header
 * or carrying unknown flags. */
int wire_data_decode(const uint8_t *p, size_t len, struct wire_data *d);

#endif
