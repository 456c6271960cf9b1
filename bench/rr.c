/* The round-trip workloads, one for every transport: a request, its reply,
 * the next request (rr); the same on a fresh connection each time
 * (connect); and the end that echoes. The transport gives the framing
 * (struct transport: send one message, receive one); a lossy one also
 * gives each reply a timeout, after which the probe counts as lost. */
#include "kinds.h"

#include <stdlib.h>

#include "clock.h"
#include "kind.h"

#define RR_IDLE_NS (10 * TUB_NSEC_PER_MSEC) /* echo: look at control */

/* Wait for the reply to probe seq sent at t0, until until (lossy) or for
 * good. Replies to earlier probes are late: counted, dropped, the wait goes
 * on. 1 answered, 0 lost, -1 failed. */
static int await_reply(struct conn *c, const struct transport *t,
		       uint8_t *rep, uint64_t seq, uint64_t until)
{
	struct run_ctx *ctx = c->ctx;

	for (;;) {
		uint64_t got = seq;
		ssize_t n = t->recv(c, rep, ctx->spec->msg_size,
				    t->lossy ? until : UINT64_MAX, &got);
		if (n == CONN_EOF)
			return run_fail(ctx, ST_PEER_CLOSED, "receiver closed "
					"the data connection");
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (got == seq)
			return 1;
		ctx->res->rr_late++;
	}
}

/* A probe's end: a round trip recorded, or a lost one counted. */
static void probe_done(struct run_ctx *ctx, int answered, uint64_t t0,
		       uint64_t now)
{
	if (answered) {
		hist_record(ctx->res->rtt, now - t0);
		ctx->res->rr_done++;
		ctx->progress_ns = now;
	} else {
		ctx->res->rr_lost++;
	}
}

/* The requesting end's round trips into its report (under -R they go in
 * DONE to tub-send, which writes the row). */
static void rtt_report(struct run_ctx *ctx)
{
	csv_rtt(ctx->res, &ctx->mine.rtt);
}

/* The requesting end's loop, over the test's connection (rr) or a fresh
 * one per probe (connect). */
static int request_loop(struct run_ctx *ctx, int per_op)
{
	const struct tub_spec *s = ctx->spec;
	const struct transport *t = run_transport(s->proto);
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *req = malloc(s->msg_size), *rep = malloc(s->msg_size);
	struct conn c = {.ctx = ctx, .fd = ctx->data, .initiator = 1,
			 .op_fd = -1};
	struct ticker tick;
	int rc = 0;

	if (req == NULL || rep == NULL) {
		free(req);
		free(rep);
		return run_fail(ctx, ST_NO_MEMORY, "message buffers");
	}
	run_fill_pattern(req, s->msg_size);
	if (!per_op && t->open(&c) < 0) {
		free(req);
		free(rep);
		return -1;
	}
	uint64_t start = clock_now_ns(), now = start;
	uint64_t end = s->duration_ns ? start + s->duration_ns : UINT64_MAX;
	c.next_ctl = start + RUN_CTL_CHECK_NS;
	ticker_start(&tick, start, s->interval_ns);
	while (now < end && (s->count == 0 || tx->msgs < s->count)) {
		if ((rc = run_keep_going(ctx, now, &c.next_ctl)) < 0)
			break;
		uint64_t seq = tx->msgs, t0 = clock_now_ns();
		if (per_op && (rc = t->dial(&c, seq)) < 0)
			break;
		int sent = t->send(&c, req, s->msg_size, seq, t0), answered = 0;
		if (sent == 1 && !per_op) {
			now = clock_now_ns(); /* not sent: try again */
			continue;
		}
		if (sent >= 0) { /* on a fresh socket, one not sent is lost */
			tx->msgs++;
			tx->calls++;
			tx->bytes += s->msg_size;
		}
		if (sent == 0) {
			uint64_t until = t0 + s->timeout_ns;
			if (per_op && end < until)
				until = end;
			if (per_op && ctx->deadline_ns < until)
				until = ctx->deadline_ns;
			answered = await_reply(&c, t, rep, seq, until);
		}
		now = clock_now_ns();
		rc = sent < 0 || answered < 0 ? -1 : 0;
		if (rc == 0)
			probe_done(ctx, answered, t0, now);
		c.abort = rc < 0;
		if (per_op && t->close(&c) < 0)
			rc = -1;
		if (rc < 0)
			break;
		ticker_tick(&tick, now, tx->bytes, ctx->res->rr_done, &tx->iv);
	}
	ctx->res->rr_elapsed_ns = now - start;
	tx->elapsed_ns = now - start;
	ticker_finish(&tick, now, tx->bytes, ctx->res->rr_done, &tx->iv);
	c.abort = rc < 0;
	if (!per_op && t->close(&c) < 0)
		rc = -1;
	if (per_op && t->ops_done)
		t->ops_done(ctx);
	rtt_report(ctx);
	free(req);
	free(rep);
	return rc;
}

int rr_client(struct run_ctx *ctx)
{
	return request_loop(ctx, 0);
}

int connect_client(struct run_ctx *ctx)
{
	return request_loop(ctx, 1);
}

int rr_server(struct run_ctx *ctx)
{
	const struct tub_spec *s = ctx->spec;
	const struct transport *t = run_transport(s->proto);
	struct tub_rx *rx = &ctx->mine.rx;
	struct tub_tx *tx = &ctx->mine.tx;
	uint8_t *buf = malloc(s->msg_size);
	struct conn c = {.ctx = ctx, .fd = ctx->data, .op_fd = -1,
			 .per_op = kind_has(s->kind, KIND_PER_OP)};
	uint64_t first = 0, last = 0;
	int rc = 0;

	if (buf == NULL)
		return run_fail(ctx, ST_NO_MEMORY, "message buffer");
	if (t->open(&c) < 0) {
		free(buf);
		return -1;
	}
	while (!ctx->peer_done) {
		uint64_t now = clock_now_ns();
		if ((rc = run_keep_going(ctx, now, &c.next_ctl)) < 0)
			break;
		ssize_t n = t->recv(&c, buf, s->msg_size, now + RR_IDLE_NS,
				    NULL);
		if (n == CONN_EOF)
			break; /* between requests: the sender is done */
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0) {
			c.next_ctl = 0; /* idle: look at the control side */
			continue;
		}
		last = clock_now_ns();
		if (rx->msgs++ == 0)
			first = last;
		ctx->progress_ns = last;
		rx->calls++;
		rx->bytes += (uint64_t)n;
		int w = t->send(&c, buf, (size_t)n, 0, last);
		if (w < 0) {
			rc = -1;
			break;
		}
		if (w == 0) {
			tx->msgs++;
			tx->calls++;
			tx->bytes += (uint64_t)n;
		}
	}
	rx->elapsed_ns = last - first;
	tx->elapsed_ns = last - first;
	c.abort = rc < 0;
	t->close(&c);
	free(buf);
	return rc;
}
