/* The RUDP scene of the fuzz target and the seed generator (see
 * rudp_scene.h). */
#include "rudp_scene.h"

#include <errno.h>
#include <string.h>

#include "fuzz.h"

#define MS 1000000ull
#define FLUSH_MAX 1024 /* far over window + control packets */

void scene_conf(struct rudp_conf *c, int ordered)
{
	memset(c, 0, sizeof *c);
	c->mtu_payload = SCENE_MTU;
	c->window = 8;
	c->ordered = ordered;
	c->rto_init_ns = 200 * MS;
	c->rto_min_ns = 5 * MS;
	c->rto_max_ns = 2000 * MS;
	c->dead_ns = 3000 * MS; /* short, so that runs reach DEAD */
	c->max_msg = SCENE_MAX_MSG;
	c->ack_delay_ns = 1 * MS;
}

static uint32_t be32_at(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* What rudp.h says every datagram is. */
static void expect_dgram(const uint8_t *p, size_t n, uint32_t session)
{
	if (n < RUDP_HDR_LEN || n > SCENE_MTU)
		fuzz_fail("rudp_output gave a datagram of a bad length");
	if (((unsigned)p[0] << 8 | p[1]) != RUDP_MAGIC || p[2] != RUDP_VERSION)
		fuzz_fail("rudp_output gave a bad magic or version");
	if (p[3] < RUDP_PKT_SYN || p[3] > RUDP_PKT_FINACK)
		fuzz_fail("rudp_output gave an unknown type");
	if (be32_at(p + 4) != session)
		fuzz_fail("rudp_output gave another session");
	if (((size_t)p[60] << 8 | p[61]) != n - RUDP_HDR_LEN)
		fuzz_fail("rudp_output gave a payload length not the "
			  "datagram's");
}

int scene_flush(struct scene *s, struct rudp *r, uint32_t session,
		struct rudp *to1, struct rudp *to2, int drop)
{
	uint8_t pkt[SCENE_MTU];
	ssize_t n;
	int i;

	for (i = 0; i < FLUSH_MAX; i++) {
		n = rudp_output(r, pkt, sizeof pkt, s->now);
		if (n < 0)
			fuzz_fail("rudp_output failed with room for the mtu");
		if (n == 0)
			return i;
		expect_dgram(pkt, (size_t)n, session);
		if (s->tap)
			s->tap(s->arg, pkt, (size_t)n);
		if (i == drop)
			continue;
		if (to1)
			rudp_input(to1, pkt, (size_t)n, s->now);
		if (to2)
			rudp_input(to2, pkt, (size_t)n, s->now);
	}
	fuzz_fail("rudp_output does not run dry");
}

void scene_drain(struct rudp *r)
{
	uint8_t msg[SCENE_MAX_MSG];
	int i;

	for (i = 0; i < FLUSH_MAX; i++) {
		if (rudp_recv(r, msg, sizeof msg) < 0) {
			if (errno == EMSGSIZE)
				fuzz_fail("rudp_recv has a message over "
					  "max_msg");
			return;
		}
	}
	fuzz_fail("rudp_recv does not run dry");
}

int scene_build(struct scene *s, scene_tap tap, void *arg)
{
	static const uint32_t sizes[] = {100, 600, 0};
	uint8_t msg[600];
	struct rudp_conf c;
	size_t i;

	memset(s, 0, sizeof *s);
	s->tap = tap;
	s->arg = arg;
	s->now = SCENE_T0;
	scene_conf(&c, 1);
	s->ini = rudp_new(&c, SCENE_SESSION, 1, s->now);
	s->ord = rudp_new(&c, SCENE_SESSION, 0, s->now);
	scene_conf(&c, 0);
	s->unord = rudp_new(&c, SCENE_SESSION, 0, s->now);
	if (!s->ini || !s->ord || !s->unord) {
		scene_free(s);
		return -1;
	}
	scene_flush(s, s->ini, SCENE_SESSION, s->ord, s->unord, -1); /* SYN */
	s->now += MS;
	scene_flush(s, s->ord, SCENE_SESSION, s->ini, NULL, -1); /* SYN-ACK */
	scene_flush(s, s->unord, SCENE_SESSION, NULL, NULL, -1);
	s->now += MS;
	scene_flush(s, s->ini, SCENE_SESSION, s->ord, s->unord, -1); /* ACK */
	for (i = 0; i < sizeof msg; i++)
		msg[i] = (uint8_t)(i * 7 + 1);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		if (rudp_send(s->ini, msg, sizes[i], s->now) < 0)
			fuzz_fail("scene: rudp_send refused a message");
	s->now += MS;
	scene_flush(s, s->ini, SCENE_SESSION, s->ord, s->unord, 2); /* DATA */
	s->now += MS;
	scene_flush(s, s->ord, SCENE_SESSION, NULL, NULL, -1); /* ACKs, held */
	scene_flush(s, s->unord, SCENE_SESSION, NULL, NULL, -1);
	return 0;
}

static int finished(const struct rudp *r)
{
	return rudp_state(r) >= RUDP_CLOSED;
}

/* The earliest timer of the three; UINT64_MAX if none. */
static uint64_t next_timer(const struct scene *s)
{
	uint64_t t = rudp_next_timer(s->ini), u;

	u = rudp_next_timer(s->ord);
	t = u < t ? u : t;
	u = rudp_next_timer(s->unord);
	return u < t ? u : t;
}

void scene_run(struct scene *s, int steps)
{
	uint8_t msg[300];
	uint64_t t;
	int i, sent;

	/* More than the window holds; refused once the connection broke. */
	memset(msg, 0x5a, sizeof msg);
	for (i = 0; i < 6; i++)
		rudp_send(s->ini, msg, sizeof msg, s->now);
	rudp_close(s->ini, s->now);
	for (i = 0; i < steps; i++) {
		sent = scene_flush(s, s->ini, SCENE_SESSION, s->ord, s->unord,
				   -1);
		sent += scene_flush(s, s->ord, SCENE_SESSION, s->ini, NULL, -1);
		sent += scene_flush(s, s->unord, SCENE_SESSION, NULL, NULL, -1);
		scene_drain(s->ord);
		scene_drain(s->unord);
		if (finished(s->ini) && finished(s->ord) && finished(s->unord))
			return;
		t = next_timer(s);
		if (t == UINT64_MAX && !sent)
			return; /* nothing will ever happen again */
		if (t <= s->now || t == UINT64_MAX)
			s->now += MS / 1000;
		else
			s->now = t;
	}
}

void scene_free(struct scene *s)
{
	rudp_free(s->ini);
	rudp_free(s->ord);
	rudp_free(s->unord);
	s->ini = s->ord = s->unord = NULL;
}
