/* Reliable UDP, part: the wire format (rudp.h has the layout). */
#include "rudp_wire.h"

#include "bytes.h"

void rudp_hdr_put(uint8_t *p, const struct rudp_hdr *h)
{
	bytes_put16(p, RUDP_MAGIC);
	p[2] = RUDP_VERSION;
	p[3] = h->type;
	bytes_put32(p + 4, h->session);
	bytes_put32(p + 8, h->seq);
	bytes_put32(p + 12, h->ack);
	bytes_put64(p + 16, h->sack);
	bytes_put64(p + 24, h->ts);
	bytes_put64(p + 32, h->ts_echo);
	bytes_put32(p + 40, h->echo_seq);
	bytes_put32(p + 44, h->ack_delay);
	bytes_put32(p + 48, h->window);
	bytes_put32(p + 52, h->msg_id);
	bytes_put16(p + 56, h->frag_idx);
	bytes_put16(p + 58, h->frag_cnt);
	bytes_put16(p + 60, h->plen);
	bytes_put16(p + 62, h->flags);
}

int rudp_hdr_get(const uint8_t *p, size_t len, struct rudp_hdr *h)
{
	if (len < RUDP_HDR_LEN || bytes_get16(p) != RUDP_MAGIC ||
	    p[2] != RUDP_VERSION)
		return -1;
	h->type = p[3];
	h->session = bytes_get32(p + 4);
	h->seq = bytes_get32(p + 8);
	h->ack = bytes_get32(p + 12);
	h->sack = bytes_get64(p + 16);
	h->ts = bytes_get64(p + 24);
	h->ts_echo = bytes_get64(p + 32);
	h->echo_seq = bytes_get32(p + 40);
	h->ack_delay = bytes_get32(p + 44);
	h->window = bytes_get32(p + 48);
	h->msg_id = bytes_get32(p + 52);
	h->frag_idx = bytes_get16(p + 56);
	h->frag_cnt = bytes_get16(p + 58);
	h->plen = bytes_get16(p + 60);
	h->flags = bytes_get16(p + 62);
	if (h->type < RUDP_PKT_SYN || h->type > RUDP_PKT_FINACK)
		return -1;
	if (h->plen != len - RUDP_HDR_LEN || (h->flags & ~RUDP_F_KNOWN))
		return -1;
	return 0;
}

void rudp_hs_put(uint8_t *p, const struct rudp_hs *hs)
{
	bytes_put32(p, hs->mtu);
	bytes_put32(p + 4, hs->window);
	bytes_put32(p + 8, hs->max_msg);
}

int rudp_hs_get(const uint8_t *p, struct rudp_hs *hs)
{
	hs->mtu = bytes_get32(p);
	hs->window = bytes_get32(p + 4);
	hs->max_msg = bytes_get32(p + 8);
	return hs->mtu >= RUDP_MIN_MTU && hs->mtu <= RUDP_MAX_MTU &&
	       hs->window >= 1 && hs->window <= RUDP_MAX_WINDOW &&
	       hs->max_msg >= 1 && hs->max_msg <= RUDP_MAX_MSG ? 0 : -1;
}

int rudp_expand32(uint32_t x, uint64_t ref, uint64_t *out)
{
	int32_t d = (int32_t)(x - (uint32_t)ref);

	if (d < 0 && (uint64_t)(-(int64_t)d) > ref)
		return -1;
	*out = ref + (uint64_t)(int64_t)d;
	return 0;
}

/* Echo fields agree with the flags that announce them. */
static int echo_fields_ok(const struct rudp_hdr *h)
{
	if (!(h->flags & RUDP_F_ECHO))
		return h->ts_echo == 0 && h->ack_delay == 0 &&
		       !(h->flags & (RUDP_F_ESEQ | RUDP_F_DUP)) &&
		       h->echo_seq == 0;
	if (!(h->flags & RUDP_F_ESEQ))
		return h->echo_seq == 0 && !(h->flags & RUDP_F_DUP);
	return 1;
}

static int no_msg_fields(const struct rudp_hdr *h)
{
	return h->msg_id == 0 && h->frag_idx == 0 && h->frag_cnt == 0;
}

int rudp_hdr_fields_ok(const struct rudp_hdr *h)
{
	if (!echo_fields_ok(h) || h->window > RUDP_MAX_WINDOW)
		return 0;
	switch (h->type) {
	case RUDP_PKT_SYN:
		return h->plen == RUDP_HS_LEN && h->flags == 0 &&
		       h->seq == 0 && h->ack == 0 && h->sack == 0 &&
		       no_msg_fields(h);
	case RUDP_PKT_SYNACK:
		return h->plen == RUDP_HS_LEN &&
		       (h->flags & ~RUDP_F_ECHO) == 0 && h->seq == 0 &&
		       h->ack == 0 && h->sack == 0 && no_msg_fields(h);
	case RUDP_PKT_ACK:
		return h->plen == 0 && h->seq == 0 && no_msg_fields(h);
	case RUDP_PKT_DATA:
		return (h->flags & ~RUDP_F_ACKS) == 0 && h->frag_cnt > 0 &&
		       h->frag_idx < h->frag_cnt;
	case RUDP_PKT_FIN:
		return h->plen == 0 && (h->flags & ~RUDP_F_ACKS) == 0 &&
		       no_msg_fields(h);
	default: /* FINACK */
		return h->plen == 0 && (h->flags & ~RUDP_F_ACKS) == 0 &&
		       h->seq == 0 && no_msg_fields(h);
	}
}

int rudp_peek_syn(const uint8_t *pkt, size_t len, uint32_t *session)
{
	struct rudp_hdr h;
	struct rudp_hs hs;

	/* Exactly the SYNs a responder would take (on_syn), so that a
	 * server never opens a connection for one it will refuse. */
	if (rudp_hdr_get(pkt, len, &h) < 0 || h.type != RUDP_PKT_SYN ||
	    !rudp_hdr_fields_ok(&h) || rudp_hs_get(pkt + RUDP_HDR_LEN, &hs) < 0 ||
	    h.window > hs.window)
		return 0;
	*session = h.session;
	return 1;
}
