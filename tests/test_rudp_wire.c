/* Unit tests for rudp_wire.c: the header and handshake payload round trip
 * at the offsets of rudp.h, the structural and per-type checks, the
 * widening of 32-bit sequence numbers. */
#include "rudp_wire.h"

#include <string.h>

#include "check.h"

static struct rudp_hdr data_hdr(void)
{
	struct rudp_hdr h;

	memset(&h, 0, sizeof h);
	h.type = RUDP_PKT_DATA;
	h.flags = RUDP_F_ECHO | RUDP_F_ESEQ;
	h.session = 0xA1B2C3D4u;
	h.seq = 7;
	h.ack = 3;
	h.sack = 0x8000000000000001ull;
	h.ts = 0x0102030405060708ull;
	h.ts_echo = 99;
	h.echo_seq = 2;
	h.ack_delay = 1000;
	h.window = 256;
	h.msg_id = 5;
	h.frag_idx = 1;
	h.frag_cnt = 3;
	h.plen = 10;
	return h;
}

/* Field by field: padding is not compared. */
static int hdr_eq(const struct rudp_hdr *a, const struct rudp_hdr *b)
{
	return a->type == b->type && a->flags == b->flags &&
	       a->session == b->session && a->seq == b->seq &&
	       a->ack == b->ack && a->sack == b->sack && a->ts == b->ts &&
	       a->ts_echo == b->ts_echo && a->echo_seq == b->echo_seq &&
	       a->ack_delay == b->ack_delay && a->window == b->window &&
	       a->msg_id == b->msg_id && a->frag_idx == b->frag_idx &&
	       a->frag_cnt == b->frag_cnt && a->plen == b->plen;
}

static void test_round_trip(void)
{
	struct rudp_hdr h = data_hdr(), g;
	uint8_t p[RUDP_HDR_LEN + 10] = {0};

	rudp_hdr_put(p, &h);
	CHECK(p[0] == 0x52 && p[1] == 0x55 && p[2] == RUDP_VERSION);
	CHECK(p[3] == RUDP_PKT_DATA);
	CHECK(p[4] == 0xA1 && p[7] == 0xD4);        /* session, big-endian */
	CHECK(p[24] == 0x01 && p[31] == 0x08);      /* ts */
	CHECK(p[60] == 0 && p[61] == 10);           /* payload length */
	CHECK_EQ_U64(rudp_hdr_get(p, sizeof p, &g), 0);
	CHECK(hdr_eq(&g, &h));
	CHECK(rudp_hdr_fields_ok(&g));
	/* length must match the payload length; magic, version, type */
	CHECK_EQ_U64(rudp_hdr_get(p, sizeof p - 1, &g), (uint64_t)-1);
	CHECK_EQ_U64(rudp_hdr_get(p, RUDP_HDR_LEN - 1, &g), (uint64_t)-1);
	p[2] = RUDP_VERSION + 1;
	CHECK_EQ_U64(rudp_hdr_get(p, sizeof p, &g), (uint64_t)-1);
	p[2] = RUDP_VERSION;
	p[3] = 0;
	CHECK_EQ_U64(rudp_hdr_get(p, sizeof p, &g), (uint64_t)-1);
	p[3] = RUDP_PKT_DATA;
	p[62] = 0x80; /* an unknown flag */
	CHECK_EQ_U64(rudp_hdr_get(p, sizeof p, &g), (uint64_t)-1);
}

static void test_fields(void)
{
	struct rudp_hdr h = data_hdr();

	h.frag_idx = 3; /* not below frag_cnt */
	CHECK(!rudp_hdr_fields_ok(&h));
	h = data_hdr();
	h.flags = RUDP_F_DUP; /* DUP without ECHO */
	CHECK(!rudp_hdr_fields_ok(&h));
	h = data_hdr();
	h.type = RUDP_PKT_ACK; /* an ACK has no payload nor message */
	CHECK(!rudp_hdr_fields_ok(&h));
	h.plen = 0;
	h.seq = 0;
	h.msg_id = h.frag_idx = h.frag_cnt = 0;
	CHECK(rudp_hdr_fields_ok(&h));
	h.window = RUDP_MAX_WINDOW + 1;
	CHECK(!rudp_hdr_fields_ok(&h));
}

static void test_hs(void)
{
	struct rudp_hs hs = {1472, 256, 1u << 20}, g;
	uint8_t p[RUDP_HS_LEN];

	rudp_hs_put(p, &hs);
	CHECK_EQ_U64(rudp_hs_get(p, &g), 0);
	CHECK(g.mtu == 1472 && g.window == 256 && g.max_msg == 1u << 20);
	hs.mtu = RUDP_MIN_MTU - 1;
	rudp_hs_put(p, &hs);
	CHECK_EQ_U64(rudp_hs_get(p, &g), (uint64_t)-1);
	hs.mtu = 1472;
	hs.window = 0;
	rudp_hs_put(p, &hs);
	CHECK_EQ_U64(rudp_hs_get(p, &g), (uint64_t)-1);
}

static void test_expand(void)
{
	uint64_t out;

	CHECK_EQ_U64(rudp_expand32(5, 3, &out), 0);
	CHECK_EQ_U64(out, 5);
	CHECK_EQ_U64(rudp_expand32(1, 0xFFFFFFF0ull, &out), 0);
	CHECK_EQ_U64(out, 0x100000001ull); /* across the wrap */
	CHECK_EQ_U64(rudp_expand32(0xFFFFFFF0u, 0x100000001ull, &out), 0);
	CHECK_EQ_U64(out, 0xFFFFFFF0ull);
	CHECK_EQ_U64(rudp_expand32(0xFFFFFFFFu, 0, &out), (uint64_t)-1);
}

int main(void)
{
	test_round_trip();
	test_fields();
	test_hs();
	test_expand();
	return check_done("test_rudp_wire");
}
