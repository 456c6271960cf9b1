/* Seeds of the RUDP target: every datagram of the scene (rudp_scene.h),
 * built and run out by the state machine itself, then broken copies of
 * them, patched at the offsets of the wire layout in rudp.h. */
#include "gen_seeds.h"

#include <stdio.h>
#include <string.h>

#include "rudp.h"
#include "rudp_scene.h"

/* The wire layout of rudp.h. */
#define OFF_VERSION 2
#define OFF_TYPE 3
#define OFF_SESSION 4
#define OFF_SEQ 8
#define OFF_ACK 12
#define OFF_SACK 16
#define OFF_TS_ECHO 32
#define OFF_WINDOW 48
#define OFF_FRAG_IDX 56
#define OFF_FRAG_CNT 58
#define OFF_PLEN 60
#define OFF_FLAGS 62
#define OFF_HS_MTU (RUDP_HDR_LEN + 0)
#define OFF_HS_WINDOW (RUDP_HDR_LEN + 4)
#define OFF_HS_MAX_MSG (RUDP_HDR_LEN + 8)

struct dgram {
	uint8_t b[SCENE_MTU + 1];
	size_t n;
};

/* The first datagram of each type, to break. */
struct taps {
	struct gen *g;
	unsigned seen;
	struct dgram first[RUDP_PKT_FINACK + 1];
};

static const char *type_name(int type)
{
	static const char *const names[] = {"?",   "syn", "synack", "ack",
					    "data", "fin", "finack"};

	return type >= 0 && type <= RUDP_PKT_FINACK ? names[type] : "?";
}

static void tap(void *arg, const uint8_t *pkt, size_t len)
{
	struct taps *t = arg;
	struct dgram *d = &t->first[pkt[OFF_TYPE]];
	char name[64];

	snprintf(name, sizeof name, "ok-%03u-%s", t->seen++,
		 type_name(pkt[OFF_TYPE]));
	gen_save(t->g, "rudp", name, pkt, len);
	if (d->n == 0 && len <= SCENE_MTU) {
		memcpy(d->b, pkt, len);
		d->n = len;
	}
}

/* A copy of the first datagram of type with a field set to v, saved. */
static void save_with(struct taps *t, int type, const char *name, int off,
		      uint64_t v, int bytes)
{
	const struct dgram *d = &t->first[type];
	struct dgram c;
	char full[64];

	if (d->n == 0 || (size_t)(off + bytes) > d->n) {
		gen_fail(t->g, "rudp: no %s datagram for %s", type_name(type),
			 name);
		return;
	}
	c = *d;
	gen_put_be(c.b + off, v, bytes);
	snprintf(full, sizeof full, "bad-%s", name);
	gen_save(t->g, "rudp", full, c.b, c.n);
}

/* The first datagram of type cut to, or padded with zeros to, n bytes. */
static void save_sized(struct taps *t, int type, const char *name, size_t n)
{
	struct dgram c = t->first[type];
	char full[64];

	if (c.n == 0 || n > sizeof c.b) {
		gen_fail(t->g, "rudp: no %s datagram for %s", type_name(type),
			 name);
		return;
	}
	if (n > c.n)
		memset(c.b + c.n, 0, n - c.n);
	snprintf(full, sizeof full, "bad-%s", name);
	gen_save(t->g, "rudp", full, c.b, n);
}

static void save_broken(struct taps *t)
{
	const struct dgram *data = &t->first[RUDP_PKT_DATA];
	struct dgram c;

	gen_save(t->g, "rudp", "bad-empty", "", 0);
	save_sized(t, RUDP_PKT_SYN, "short-header", RUDP_HDR_LEN - 1);
	save_sized(t, RUDP_PKT_DATA, "data-cut", data->n - 1);
	save_sized(t, RUDP_PKT_DATA, "data-padded", data->n + 1);
	save_with(t, RUDP_PKT_DATA, "plen-over", OFF_PLEN,
		  data->n - RUDP_HDR_LEN + 1, 2);
	save_with(t, RUDP_PKT_DATA, "plen-huge", OFF_PLEN, 0xffff, 2);
	save_with(t, RUDP_PKT_SYN, "magic", 0, RUDP_MAGIC ^ 0xffff, 2);
	save_with(t, RUDP_PKT_SYN, "version", OFF_VERSION, RUDP_VERSION + 1,
		  1);
	save_with(t, RUDP_PKT_ACK, "type-0", OFF_TYPE, 0, 1);
	save_with(t, RUDP_PKT_ACK, "type-next", OFF_TYPE, RUDP_PKT_FINACK + 1,
		  1);
	save_with(t, RUDP_PKT_ACK, "flags-unknown", OFF_FLAGS, 0x8000, 2);
	save_with(t, RUDP_PKT_ACK, "flags-eseq-alone", OFF_FLAGS,
		  RUDP_F_ESEQ, 2);
	save_with(t, RUDP_PKT_ACK, "ack-ahead", OFF_ACK, 1000, 4);
	save_with(t, RUDP_PKT_ACK, "ack-behind", OFF_ACK, UINT32_MAX, 4);
	save_with(t, RUDP_PKT_ACK, "sack-all", OFF_SACK, UINT64_MAX, 8);
	save_with(t, RUDP_PKT_ACK, "window-over", OFF_WINDOW,
		  RUDP_MAX_WINDOW + 1, 4);
	save_with(t, RUDP_PKT_ACK, "echo-future", OFF_TS_ECHO, UINT64_MAX, 8);
	save_with(t, RUDP_PKT_DATA, "session", OFF_SESSION, SCENE_SESSION + 1,
		  4);
	save_with(t, RUDP_PKT_DATA, "seq-far", OFF_SEQ, 1000000, 4);
	save_with(t, RUDP_PKT_DATA, "frag-idx-cnt", OFF_FRAG_IDX, 1, 2);
	save_with(t, RUDP_PKT_DATA, "frag-cnt-0", OFF_FRAG_CNT, 0, 2);
	save_with(t, RUDP_PKT_DATA, "frag-cnt-huge", OFF_FRAG_CNT, 0xffff, 2);
	save_with(t, RUDP_PKT_SYN, "syn-mtu-0", OFF_HS_MTU, 0, 4);
	save_with(t, RUDP_PKT_SYN, "syn-mtu-huge", OFF_HS_MTU, UINT32_MAX, 4);
	save_with(t, RUDP_PKT_SYN, "syn-window-0", OFF_HS_WINDOW, 0, 4);
	save_with(t, RUDP_PKT_SYN, "syn-window-over", OFF_HS_WINDOW,
		  RUDP_MAX_WINDOW + 1, 4);
	save_with(t, RUDP_PKT_SYN, "syn-max-msg-0", OFF_HS_MAX_MSG, 0, 4);
	save_with(t, RUDP_PKT_SYN, "syn-header-window", OFF_WINDOW, 9, 4);
	save_with(t, RUDP_PKT_SYN, "syn-seq", OFF_SEQ, 1, 4);
	save_with(t, RUDP_PKT_SYNACK, "synack-echo-future", OFF_TS_ECHO,
		  UINT64_MAX, 8);

	/* The smallest peer a SYN-ACK may announce: taken. */
	c = t->first[RUDP_PKT_SYNACK];
	if (c.n < OFF_HS_MAX_MSG + 4) {
		gen_fail(t->g, "rudp: no SYN-ACK to shrink");
		return;
	}
	gen_put_be(c.b + OFF_WINDOW, 1, 4);
	gen_put_be(c.b + OFF_HS_MTU, RUDP_MIN_MTU, 4);
	gen_put_be(c.b + OFF_HS_WINDOW, 1, 4);
	gen_put_be(c.b + OFF_HS_MAX_MSG, 1, 4);
	gen_save(t->g, "rudp", "ok-synack-smallest-peer", c.b, c.n);
}

void gen_rudp(struct gen *g)
{
	static struct taps t; /* zeroed */
	struct scene s;

	if (!gen_wanted(g, "rudp"))
		return;
	memset(&t, 0, sizeof t);
	t.g = g;
	if (scene_build(&s, tap, &t) < 0) {
		gen_fail(g, "rudp: no memory for the scene");
		return;
	}
	scene_run(&s, 64);
	if (rudp_state(s.ini) != RUDP_CLOSED)
		gen_fail(g, "rudp: the scene did not close (state %s)",
			 rudp_state_name(rudp_state(s.ini)));
	scene_free(&s);
	save_broken(&t);
}
