/* The receiver's front door: accepts control connections and serves the
 * HELLO and TEST of every pending one at once (poll), so that silent or slow
 * clients cost only their own short timeout, never anyone else's turn. */
#ifndef TUB_GATE_H
#define TUB_GATE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sock.h"
#include "spec.h"
#include "wire.h"

#define GATE_HELLO_TIMEOUT_NS (3 * TUB_NSEC_PER_SEC) /* accept -> HELLO */
#define GATE_TEST_TIMEOUT_NS (3 * TUB_NSEC_PER_SEC)  /* HELLO -> TEST */
#define GATE_FRAME_MAX 4096 /* a HELLO or TEST frame, header included */
#define GATE_BACKLOG 1024

enum gate_event {
	GATE_TEST,     /* a connection sent HELLO and TEST: serve it */
	GATE_REJECTED, /* a connection broke the handshake; it was told why */
	GATE_STOPPED,  /* the stop flag was raised */
};

/* What gate_next hands back. */
struct gate_conn {
	int fd;                       /* GATE_TEST: the control connection,
					 blocking mode; the caller closes it */
	struct sock_addr peer;        /* unmapped */
	struct wire_hello hello;
	uint32_t test_len;            /* TEST body, not yet decoded */
	uint8_t test[GATE_FRAME_MAX];
	char why[TUB_TEXT_MAX];       /* GATE_REJECTED: the reason sent */
};

struct gate;

/* A gate on a listening socket lfd, holding at most max_pending
 * connections in their handshake (the oldest is dropped to make room).
 * NULL without memory. */
struct gate *gate_new(int lfd, size_t max_pending);
void gate_free(struct gate *g);

/* How many pending connections the fd limit allows, after raising the
 * soft limit to the hard one; *nofile gets the limit in force. */
size_t gate_max_pending(uint64_t *nofile);

/* Accept and read handshakes until one connection has sent its TEST (or
 * broke the rules, or stop is raised). Fills out. */
enum gate_event gate_next(struct gate *g, volatile sig_atomic_t *stop,
			  struct gate_conn *out);

/* Tell every pending connection the receiver is busy, and close them; a
 * test is about to run. */
void gate_refuse_all(struct gate *g);

/* Send an ERROR frame with reason on fd without waiting (best effort). */
void gate_send_error(int fd, const char *reason);

/* Accept one connection from listen_fd and tell it the receiver is busy
 * (during a test). Never blocks. 1 when what it had sent already was a
 * JOIN (a data connection for a test, not this one's: the caller counts
 * it), else 0. */
int gate_refuse_one(int listen_fd);

#endif
