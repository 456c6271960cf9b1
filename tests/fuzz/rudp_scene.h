/* A deterministic RUDP connection for the fuzz target and the seed
 * generator, so that the seeds are packets the target's endpoints expect.
 *
 * One initiator and two responders (ordered and unordered) of session
 * SCENE_SESSION, joined by a perfect channel in virtual time: the
 * initiator's datagrams go to both responders, the ordered one's come
 * back, the unordered one's are dropped. scene_build stops part way
 * through a transfer: handshake done, three messages sent (one of four
 * fragments), the third DATA packet lost, the responders' ACKs not yet
 * delivered; scene_run then sends six more messages (twelve packets, more
 * than the window), closes, and runs the connection out. */
#ifndef TUB_RUDP_SCENE_H
#define TUB_RUDP_SCENE_H

#include <stddef.h>
#include <stdint.h>

#include "rudp.h"

#define SCENE_SESSION 0x7e570001u
#define SCENE_T0 1000000000ull /* virtual time of every rudp_new */
#define SCENE_MTU 256          /* mtu_payload: 192 payload bytes */
#define SCENE_MAX_MSG 2048

/* Sees every datagram an endpoint of the scene emits. */
typedef void (*scene_tap)(void *arg, const uint8_t *pkt, size_t len);

struct scene {
	struct rudp *ini, *ord, *unord;
	uint64_t now;
	scene_tap tap; /* may be NULL */
	void *arg;
};

/* The configuration of every scene endpoint. */
void scene_conf(struct rudp_conf *c, int ordered);

/* Build the scene as described above; 0, or -1 (out of memory). */
int scene_build(struct scene *s, scene_tap tap, void *arg);

/* Send six more messages and close the initiator; then exchange
 * datagrams, moving time to the next timer, until every endpoint is
 * closed or dead or steps run out. */
void scene_run(struct scene *s, int steps);

/* Free the endpoints. */
void scene_free(struct scene *s);

/* Take every datagram r has due at now: each checked against the wire
 * rules of rudp.h (aborts if broken), shown to the tap, handed to to1 and
 * to2 (either may be NULL) unless it is the drop-th one (-1: none).
 * Returns how many there were. */
int scene_flush(struct scene *s, struct rudp *r, uint32_t session,
		struct rudp *to1, struct rudp *to2, int drop);

/* Take every message r holds, checking each against max_msg. */
void scene_drain(struct rudp *r);

#endif
