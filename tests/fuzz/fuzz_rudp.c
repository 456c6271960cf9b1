/* Fuzz target: one received datagram, handed to RUDP in every place a
 * stray or forged one can meet: rudp_peek_syn (what tub-recv's connect
 * server asks first), a fresh responder, a paced initiator that has sent
 * its SYN (and then sends a message), and the three endpoints of the
 * scene stopped mid-transfer (rudp_scene.h), which then send more, close
 * and run the connection out.
 *
 * Input: the datagram, whole (64-byte RUDP header, then the payload), as
 * recvfrom gives it; over 65536 bytes it is ignored. It arrives at
 * INPUT_AT, after every datagram of the seeds was sent.
 * Checks: each endpoint counts it once, as received, foreign or malformed;
 * a fresh responder answers with a SYN-ACK only what rudp_peek_syn calls
 * a SYN of its session; cwnd and the flight stay within the window; every
 * datagram emitted afterwards obeys the wire rules of rudp.h; rudp_output
 * and rudp_recv run dry; no message is over max_msg.
 * Seeds (gen_seeds.c): every datagram of the scene, built and run out by
 * the same code (SYN, SYN-ACK, ACKs with SACK bits, DATA fragments, the
 * lost one's retransmission, FIN, FIN-ACK), and broken ones: truncated,
 * a payload length not the datagram's, a bad version, type or flags, bad
 * handshake parameters, bad fragment fields, an ACK of data never sent,
 * another session. */
#include "fuzz.h"

#include <errno.h>
#include <string.h>

#include "rudp.h"
#include "rudp_scene.h"

#define MS 1000000ull
#define INPUT_AT (SCENE_T0 + 1000 * MS)
#define RUN_STEPS 64

static void expect_stats(const struct rudp *r)
{
	struct rudp_conf c;
	struct rudp_stats st;

	scene_conf(&c, 1);
	rudp_get_stats(r, &st);
	if (st.cwnd < 1 || st.cwnd > c.window)
		fuzz_fail("cwnd outside 1..window");
	if (st.inflight > c.window)
		fuzz_fail("more packets in flight than the window");
	if (st.peer_window > RUDP_MAX_WINDOW)
		fuzz_fail("a peer window over RUDP_MAX_WINDOW");
}

/* rudp_input, and the counts it must leave. */
static void input(struct rudp *r, const uint8_t *p, size_t n, uint64_t now)
{
	struct rudp_stats a, b;
	uint64_t counted;

	rudp_get_stats(r, &a);
	rudp_input(r, p, n, now);
	rudp_get_stats(r, &b);
	counted = (b.pkts_recv - a.pkts_recv) + (b.foreign - a.foreign);
	if (counted > 1 || counted + (b.malformed - a.malformed) == 0)
		fuzz_fail("a datagram not counted once as received, foreign "
			  "or malformed");
	expect_stats(r);
}

static void note_synack(void *arg, const uint8_t *pkt, size_t len)
{
	if (len >= RUDP_HDR_LEN && pkt[3] == RUDP_PKT_SYNACK)
		*(int *)arg = 1;
}

static void fresh_responder(const uint8_t *p, size_t n)
{
	struct scene s = {.now = INPUT_AT, .tap = note_synack};
	uint32_t session = 0;
	struct rudp_stats a, b;
	struct rudp_conf c;
	int syn, answered = 0;
	struct rudp *r;

	syn = rudp_peek_syn(p, n, &session) && session == SCENE_SESSION;
	scene_conf(&c, 1);
	r = rudp_new(&c, SCENE_SESSION, 0, SCENE_T0);
	if (!r)
		return;
	rudp_get_stats(r, &a);
	input(r, p, n, s.now);
	rudp_get_stats(r, &b);
	s.arg = &answered;
	scene_flush(&s, r, SCENE_SESSION, NULL, NULL, -1);
	if (answered && !syn)
		fuzz_fail("a responder answered what rudp_peek_syn does not "
			  "call a SYN");
	if (syn && !answered && b.malformed == a.malformed &&
	    b.stale == a.stale)
		fuzz_fail("a SYN by rudp_peek_syn neither answered nor counted "
			  "bad");
	rudp_free(r);
}

/* After a SYN-ACK it took, the initiator cuts a message by the peer's
 * parameters, whatever they were, and paces it out. */
static void syn_sent_initiator(const uint8_t *p, size_t n)
{
	struct scene s = {.now = SCENE_T0};
	static const uint8_t msg[1000];
	struct rudp_conf c;
	struct rudp *r;

	scene_conf(&c, 1);
	c.cc = RUDP_CC_PACED;
	c.pacing_bps = 10000000;
	r = rudp_new(&c, SCENE_SESSION, 1, SCENE_T0);
	if (!r)
		return;
	scene_flush(&s, r, SCENE_SESSION, NULL, NULL, -1);
	s.now = INPUT_AT;
	input(r, p, n, s.now);
	if (rudp_state(r) == RUDP_OPEN &&
	    rudp_send(r, msg, sizeof msg, s.now) < 0) {
		if (errno != EMSGSIZE && errno != EAGAIN)
			fuzz_fail("rudp_send on an open endpoint failed");
		rudp_send(r, msg, 1, s.now);
	}
	scene_flush(&s, r, SCENE_SESSION, NULL, NULL, -1);
	scene_drain(r);
	expect_stats(r);
	rudp_free(r);
}

static void mid_transfer(const uint8_t *p, size_t n)
{
	struct scene s;

	if (scene_build(&s, NULL, NULL) < 0)
		return;
	s.now = INPUT_AT;
	input(s.ini, p, n, s.now);
	input(s.ord, p, n, s.now);
	input(s.unord, p, n, s.now);
	scene_run(&s, RUN_STEPS);
	expect_stats(s.ini);
	expect_stats(s.ord);
	expect_stats(s.unord);
	scene_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	fresh_responder(data, size);
	syn_sent_initiator(data, size);
	mid_transfer(data, size);
	return 0;
}
