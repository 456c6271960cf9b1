#include "csv.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "kind.h"
#include "udpseg.h"

#ifndef TUB_VERSION
#define TUB_VERSION "0"
#endif

static struct csv_cell *next_cell(struct csv_row *row, const char *name)
{
	struct csv_cell *c = &row->cell[row->n < CSV_MAX_COLUMNS - 1
						 ? row->n++
						 : CSV_MAX_COLUMNS - 1];
	snprintf(c->name, sizeof c->name, "%s", name);
	c->type = CSV_EMPTY;
	c->str = NULL;
	c->num[0] = '\0';
	return c;
}

static void put_str(struct csv_row *row, const char *name, const char *s)
{
	struct csv_cell *c = next_cell(row, name);

	if (s != NULL) {
		c->type = CSV_STRING;
		c->str = s;
	}
}

static void put_u64(struct csv_row *row, const char *name, int applies,
		    uint64_t v)
{
	struct csv_cell *c = next_cell(row, name);

	if (applies) {
		c->type = CSV_NUMBER;
		snprintf(c->num, sizeof c->num, "%" PRIu64, v);
	}
}

static void put_i64(struct csv_row *row, const char *name, int applies,
		    int64_t v)
{
	struct csv_cell *c = next_cell(row, name);

	if (applies) {
		c->type = CSV_NUMBER;
		snprintf(c->num, sizeof c->num, "%" PRId64, v);
	}
}

static void put_f(struct csv_row *row, const char *name, int applies,
		  double v, int prec)
{
	struct csv_cell *c = next_cell(row, name);

	if (applies && isfinite(v)) {
		c->type = CSV_NUMBER;
		snprintf(c->num, sizeof c->num, "%.*f", prec, v);
	}
}

/* One option column: "local_req_sndbuf_bytes", "remote_granted_nodelay". */
static void put_opt(struct csv_row *row, int side, int granted,
		    const struct sockopt_set *set, int id)
{
	int has = sockopt_has(set, id);
	char name[CSV_NAME_MAX];

	snprintf(name, sizeof name, "%s_%s_%s", side ? "remote" : "local",
		 granted ? "granted" : "req", sockopt_info(id)->column);

	if (id == SOCKOPT_CONGESTION)
		put_str(row, name, has ? set->congestion : NULL);
	else
		put_i64(row, name, has, has ? set->value[id] : 0);
}

static void put_options(struct csv_row *row, int side,
			const struct sockopt_set *req,
			const struct sockopt_set *granted)
{
	for (int id = 0; id < SOCKOPT_COUNT; id++) {
		put_opt(row, side, 0, req, id);
		put_opt(row, side, 1, granted, id);
	}
}

static double secs(uint64_t ns)
{
	return ns / 1e9;
}

static double rate_bps(uint64_t bytes, uint64_t ns)
{
	return ns ? bytes * 8.0 / secs(ns) : NAN;
}

static void put_context(struct csv_row *row, const struct tub_result *r)
{
	const struct tub_spec *s = &r->spec;

	put_str(row, "run_id", r->run_id);
	put_str(row, "timestamp_utc", r->timestamp);
	put_str(row, "tool_version", TUB_VERSION);
	put_str(row, "remote_version", r->remote_version);
	put_str(row, "sender_host", r->sender_host);
	put_str(row, "receiver_host", r->receiver_host);
	put_str(row, "target", r->target);
	put_str(row, "family", r->family);
	put_str(row, "proto", spec_proto_name(s->proto));
	put_str(row, "kind", spec_kind_name(s->kind));
	put_str(row, "direction", spec_dir_name(s->dir));
	put_u64(row, "bidir", 1, (uint64_t)(r->bidir != 0));
	put_u64(row, "flows", 1, spec_flows(s));
	if (r->flow < 0)
		put_str(row, "flow", "sum");
	else
		put_u64(row, "flow", 1, (uint64_t)r->flow);
	put_f(row, "jain_index", r->flow < 0, r->jain_index, 4);
	put_u64(row, "msg_size_bytes", 1, s->msg_size);
	put_f(row, "duration_req_s", s->duration_ns != 0,
	      secs(s->duration_ns), 3);
	put_u64(row, "count_req", s->count != 0, s->count);
	put_u64(row, "rate_req_bps", s->rate_bps != 0, s->rate_bps);
	put_str(row, "point_label", r->label);
	/* Unpaced UDP offers what the host can send, whatever the path
	 * carries: an overload test, not a measure of what gets through. */
	put_u64(row, "udp_overload",
		s->proto == TUB_PROTO_UDP && kind_has(s->kind, KIND_FLOW),
		s->rate_bps == 0);
	put_u64(row, "spin", kind_has(s->kind, KIND_ROUND_TRIPS),
		(s->flags & TUB_SPEC_SPIN) != 0);
	put_f(row, "interval_req_s", s->interval_ns != 0,
	      secs(s->interval_ns), 3);
	put_str(row, "delivery", s->proto != TUB_PROTO_RUDP ? NULL
				 : s->flags & TUB_SPEC_UNORDERED ? "unordered"
								 : "ordered");
	put_str(row, "rudp_cc", s->proto != TUB_PROTO_RUDP ? NULL
				: spec_cc_name(s->cc));
	put_u64(row, "window_req_pkts", s->window != 0, s->window);
	put_f(row, "rudp_rto_min_ms", s->proto == TUB_PROTO_RUDP,
	      (s->rto_min_ns ? s->rto_min_ns : TUB_RUDP_RTO_MIN_DEFAULT_NS) /
		      1e6, 1);
	put_f(row, "rudp_rto_max_ms", s->proto == TUB_PROTO_RUDP,
	      (s->rto_max_ns ? s->rto_max_ns : TUB_RUDP_RTO_MAX_DEFAULT_NS) /
		      1e6, 1);
	put_str(row, "status", status_name(r->status));
	put_str(row, "error", r->error);
}

static void put_option_block(struct csv_row *row, const struct tub_result *r)
{
	put_str(row, "local_opts", r->local_opts);
	put_str(row, "remote_opts", r->spec.remote_opts);
	put_options(row, 0, &r->local_req, &r->local_granted);
	put_options(row, 1, &r->remote_req, &r->remote_granted);
	put_u64(row, "local_sndbuf_clamped", 1, r->local_clamped[0]);
	put_u64(row, "local_rcvbuf_clamped", 1, r->local_clamped[1]);
	put_u64(row, "remote_sndbuf_clamped", 1, r->remote_clamped[0]);
	put_u64(row, "remote_rcvbuf_clamped", 1, r->remote_clamped[1]);
	put_str(row, "local_opt_notes", r->local_notes);
	put_str(row, "remote_opt_notes", r->remote_notes);
}

static void put_ends(struct csv_row *row, const struct tub_result *r)
{
	const struct tub_tx *tx = &r->tx;
	const struct tub_rx *rx = &r->rx;
	int stream = kind_has(r->spec.kind, KIND_FLOW);

	put_u64(row, "tx_bytes", r->have_tx, tx->bytes);
	put_u64(row, "tx_msgs", r->have_tx, tx->msgs);
	put_u64(row, "tx_calls", r->have_tx, tx->calls);
	put_f(row, "tx_elapsed_s", r->have_tx, secs(tx->elapsed_ns), 6);
	/* Bytes that only reached our send buffer were not sent. */
	put_f(row, "tx_rate_bps", r->have_tx && stream,
	      rate_bps(tx->bytes - (tx->unsent_bytes < tx->bytes
					    ? tx->unsent_bytes
					    : tx->bytes),
		       tx->elapsed_ns), 0);
	put_u64(row, "tx_blocked", r->have_tx, tx->blocked);
	put_u64(row, "tx_enobufs", r->have_tx, tx->enobufs);
	int tcp_stream = stream && r->spec.proto == TUB_PROTO_TCP && r->have_tx;
	double rx_bps = rate_bps(rx->bytes, rx->elapsed_ns);
	put_u64(row, "tx_unsent_bytes", tcp_stream, tx->unsent_bytes);
	put_u64(row, "tx_unacked_bytes", tcp_stream, tx->unacked_bytes);
	put_f(row, "tx_unsent_s", tcp_stream && r->have_rx && rx_bps > 0,
	      tx->unsent_bytes * 8.0 / rx_bps, 3);
	int delay = r->have_rx && rx->delay_max_ns != 0;
	int merged = r->flow < 0; /* the sum: percentiles do not add up */
	/* 0: the ends' clocks are not comparable (two hosts); the figures
	 * above the minimum still are */
	put_f(row, "msg_delay_min_us", delay && rx->delay_min_ns != 0,
	      rx->delay_min_ns / 1e3, 3);
	put_f(row, "msg_delay_p50_over_min_us", delay && !merged,
	      (rx->delay_p50_ns - rx->delay_min_ns) / 1e3, 3);
	put_f(row, "msg_delay_p99_over_min_us", delay && !merged,
	      (rx->delay_p99_ns - rx->delay_min_ns) / 1e3, 3);
	put_f(row, "msg_delay_max_over_min_us", delay,
	      (rx->delay_max_ns - rx->delay_min_ns) / 1e3, 3);
	put_u64(row, "rx_out_of_order", r->have_rx && stream,
		rx->out_of_order);
	put_u64(row, "rx_corrupt", r->have_rx && stream, rx->corrupt);
	put_u64(row, "rx_bytes", r->have_rx, rx->bytes);
	put_u64(row, "rx_msgs", r->have_rx, rx->msgs);
	put_u64(row, "rx_calls", r->have_rx, rx->calls);
	/* other hosts' connections and datagrams, JOINs of no test here */
	put_u64(row, "strangers_refused", r->have_rx, rx->wrong_session);
	put_f(row, "rx_elapsed_s", r->have_rx, secs(rx->elapsed_ns), 6);
	put_f(row, "throughput_bps", r->have_rx && stream,
	      rate_bps(rx->bytes, rx->elapsed_ns), 0);
}

static void put_tcp(struct csv_row *row, const struct tub_result *r)
{
	int tcp = r->spec.proto == TUB_PROTO_TCP;
	int stream = kind_has(r->spec.kind, KIND_FLOW);
	const struct tub_tcpinfo *ti = &r->tx.tcpi;
	int info = tcp && r->have_tx && ti->valid;
	double msgs = r->spec.msg_size ? (double)r->rx.bytes / r->spec.msg_size
				       : 0;

	put_f(row, "tcp_recv_calls_per_msg",
	      tcp && stream && r->have_rx && msgs > 0, r->rx.calls / msgs, 3);
	put_u64(row, "tcp_retrans_segs", info, ti->total_retrans);
	put_u64(row, "tcp_rtt_us", info, ti->rtt_us);
	put_u64(row, "tcp_rttvar_us", info, ti->rttvar_us);
	put_u64(row, "tcp_cwnd_segs", info, ti->snd_cwnd);
	put_u64(row, "tcp_mss_bytes", info, ti->snd_mss);
}

/* Append one "; "-separated note to the row's udp_notes. */
static void udp_note(struct csv_row *row, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void udp_note(struct csv_row *row, const char *fmt, ...)
{
	size_t at = strlen(row->udp_notes);
	va_list ap;

	if (at > 0 && at + 2 < sizeof row->udp_notes) {
		memcpy(row->udp_notes + at, "; ", 3);
		at += 2;
	}
	va_start(ap, fmt);
	vsnprintf(row->udp_notes + at, sizeof row->udp_notes - at, fmt, ap);
	va_end(ap);
}

static void put_udp(struct csv_row *row, const struct tub_result *r)
{
	int both = r->spec.proto == TUB_PROTO_UDP &&
		   kind_has(r->spec.kind, KIND_FLOW) && r->have_tx && r->have_rx;
	const struct tub_rx *rx = &r->rx;
	uint64_t sent = r->tx.msgs;
	uint64_t lost = sent > rx->received ? sent - rx->received : 0;
	uint64_t in_buf = rx->rcvbuf_drops < lost ? rx->rcvbuf_drops : lost;
	/* With GRO the socket drops whole buffers, and SO_RXQ_OVFL counts
	 * them, not the datagrams in them: none dropped is still exact. */
	int drops_exact = !rx->gro || rx->rcvbuf_drops == 0;
	/* A coalesced buffer's datagrams share one arrival time. */
	int jitter_exact = rx->coalesced == 0;

	row->udp_notes[0] = '\0';
	if (both && !drops_exact)
		udp_note(row, "GRO: %llu receive buffers dropped, of up to "
			 "%d datagrams each (SO_RXQ_OVFL counts buffers): "
			 "udp_rcvbuf_drops, udp_path_lost empty",
			 (unsigned long long)rx->rcvbuf_drops,
			 UDPSEG_MAX_SEGMENTS);
	if (both && !jitter_exact)
		udp_note(row, "GRO: %llu of %llu buffers coalesced, one "
			 "arrival time each: udp_jitter_us empty",
			 (unsigned long long)rx->coalesced,
			 (unsigned long long)rx->bufs);
	put_u64(row, "udp_sent", both, sent);
	put_u64(row, "udp_received", both, rx->received);
	put_u64(row, "udp_lost", both, lost);
	put_f(row, "udp_loss_pct", both && sent, sent ? 100.0 * lost / sent : 0,
	      4);
	put_u64(row, "udp_rcvbuf_drops", both && drops_exact, rx->rcvbuf_drops);
	put_u64(row, "udp_path_lost", both && drops_exact, lost - in_buf);
	put_u64(row, "udp_duplicates", both, rx->duplicates);
	put_u64(row, "udp_reordered", both, rx->reordered);
	put_u64(row, "udp_reorder_max", both, rx->reorder_max);
	put_u64(row, "udp_too_old", both, rx->too_old);
	put_u64(row, "udp_wrong_session", both, rx->wrong_session);
	put_f(row, "udp_jitter_us", both && jitter_exact, rx->jitter_ns / 1e3,
	      3);
	/* A "send" is one buffer handed to the kernel (a sendmsg, or one
	 * entry of a sendmmsg): with GSO it carries many datagrams. */
	put_f(row, "udp_datagrams_per_send", both && r->tx.bufs,
	      r->tx.bufs ? (double)sent / r->tx.bufs : 0, 2);
	put_f(row, "udp_datagrams_per_recv", both && rx->bufs,
	      rx->bufs ? (double)rx->msgs / rx->bufs : 0, 2);
	put_str(row, "udp_notes", both && row->udp_notes[0] ? row->udp_notes : NULL);
	/* One lost fragment loses the whole datagram. */
	uint32_t frags = spec_udp_fragments(r->spec.msg_size,
					    r->probe.path_mtu, r->probe.ipv6);
	int udp = r->spec.proto == TUB_PROTO_UDP && r->have_tx;
	put_u64(row, "path_mtu_bytes", udp && r->probe.path_mtu,
		r->probe.path_mtu);
	put_u64(row, "udp_ip_fragments", udp && frags, frags);
}

/* Kernel counters over the test, of each end's whole network namespace. */
static void put_kernel(struct csv_row *row, const struct tub_result *r)
{
	const struct tub_kernel *rk = &r->rx.kernel, *tk = &r->tx.kernel;
	int udp = r->spec.proto == TUB_PROTO_UDP && r->have_rx && rk->valid;
	int tcp = r->spec.proto == TUB_PROTO_TCP && r->have_tx && tk->valid;

	put_u64(row, "kernel_udp_rcvbuf_errors", udp, rk->udp_rcvbuf_errors);
	put_u64(row, "kernel_ip_reasm_fails", udp, rk->ip_reasm_fails);
	put_u64(row, "kernel_tcp_retrans_segs", tcp, tk->tcp_retrans_segs);
	put_str(row, "kernel_scope", udp || tcp ? "netns" : "");
}

/* The RTT figures of a histogram. */
static void rtt_of_hist(const struct hist *h, struct tub_rtt *out)
{
	if (h == NULL || h->count == 0)
		return;
	out->min_ns = h->min;
	out->p50_ns = hist_percentile(h, 50);
	out->p90_ns = hist_percentile(h, 90);
	out->p99_ns = hist_percentile(h, 99);
	out->p999_ns = hist_percentile(h, 99.9);
	out->max_ns = h->max;
	out->mean_ns = (uint64_t)hist_mean(h);
}

void csv_rtt(const struct tub_result *r, struct tub_rtt *out)
{
	memset(out, 0, sizeof *out);
	if (r->rtt_peer.valid) {
		*out = r->rtt_peer;
		return;
	}
	if (r->rtt == NULL)
		return;
	out->valid = 1;
	out->done = r->rr_done;
	out->lost = r->rr_lost;
	out->late = r->rr_late;
	out->elapsed_ns = r->rr_elapsed_ns;
	rtt_of_hist(r->rtt, out);
}

static void put_rr(struct csv_row *row, const struct tub_result *r)
{
	struct tub_rtt t;

	csv_rtt(r, &t);
	int rr = kind_has(r->spec.kind, KIND_ROUND_TRIPS) && t.valid;
	int any = rr && t.done > 0;

	put_u64(row, "rr_done", rr, t.done);
	put_u64(row, "rr_lost", rr, t.lost);
	put_u64(row, "rr_late", rr, t.late);
	put_f(row, "rr_timeout_s", rr && r->spec.proto == TUB_PROTO_UDP,
	      secs(r->spec.timeout_ns), 3);
	put_f(row, "rr_rate_tps", rr && t.elapsed_ns,
	      t.elapsed_ns ? t.done / secs(t.elapsed_ns) : 0, 1);
	put_f(row, "rtt_min_us", any, t.min_ns / 1e3, 3);
	put_f(row, "rtt_mean_us", any, t.mean_ns / 1e3, 3);
	put_f(row, "rtt_p50_us", any, t.p50_ns / 1e3, 3);
	put_f(row, "rtt_p90_us", any, t.p90_ns / 1e3, 3);
	put_f(row, "rtt_p99_us", any, t.p99_ns / 1e3, 3);
	put_f(row, "rtt_p999_us", any, t.p999_ns / 1e3, 3);
	put_f(row, "rtt_max_us", any, t.max_ns / 1e3, 3);
}

/* The socket-behaviour kinds: fill, linger, keepalive, connect. */
static void put_probe(struct csv_row *row, const struct tub_result *r)
{
	const struct tub_probe *p = &r->probe;
	int k = r->spec.kind, tcp = r->spec.proto == TUB_PROTO_TCP;
	int fill = k == TUB_KIND_FILL && r->have_tx;
	int linger = k == TUB_KIND_LINGER && r->have_tx;
	int ka = k == TUB_KIND_KEEPALIVE && r->have_tx;

	put_u64(row, "fill_bytes", fill && tcp, p->fill_bytes);
	put_f(row, "fill_time_us", fill && tcp, p->fill_ns / 1e3, 1);
	put_i64(row, "fill_sndbuf_end_bytes", fill && tcp &&
		p->fill_sndbuf_end >= 0, p->fill_sndbuf_end);
	put_f(row, "fill_writable_after_read_us", fill && tcp && r->have_rx,
	      p->fill_writable_ns / 1e3, 1);
	put_u64(row, "fill_sent_msgs", fill && !tcp, r->tx.msgs);
	put_u64(row, "fill_held_msgs", fill && !tcp && r->have_rx,
		r->rx.msgs);
	put_u64(row, "fill_dropped_msgs", fill && !tcp && r->have_rx,
		r->rx.rcvbuf_drops);
	put_u64(row, "linger_bytes", linger, p->linger_bytes);
	put_f(row, "linger_close_us", linger, p->close_ns / 1e3, 1);
	put_u64(row, "linger_delivered_bytes", linger && r->have_rx,
		r->rx.bytes);
	put_str(row, "linger_peer_saw",
		linger && r->have_rx ? spec_end_name(r->rx.end_how) : NULL);
	put_u64(row, "ka_detected", ka, p->ka_detected);
	put_f(row, "ka_detect_s", ka && p->ka_detected, p->ka_ns / 1e9, 3);
	put_f(row, "ka_expected_s", ka && p->ka_expected_ns,
	      p->ka_expected_ns / 1e9, 3);
	put_str(row, "ka_error", ka && p->ka_detected ? p->ka_error : NULL);
	int rudp = r->spec.proto == TUB_PROTO_RUDP;
	const struct tub_rudp_tx *u = &r->tx.rudp;
	int rv = rudp && r->have_tx && u->valid;
	put_u64(row, "rudp_retrans_timeout", rv, u->retrans_timeout);
	put_u64(row, "rudp_retrans_fast", rv, u->retrans_fast);
	put_u64(row, "rudp_spurious_retrans", rv, u->spurious);
	put_u64(row, "rudp_pkts_sent", rv, u->pkts_sent);
	put_f(row, "rudp_srtt_us", rv, u->srtt_ns / 1e3, 1);
	put_u64(row, "rudp_cwnd_pkts", rv, u->cwnd);
	put_u64(row, "rudp_tlp", rv, u->tlp);
	put_u64(row, "rudp_rack_losses", rv, u->rack_losses);
	put_u64(row, "rudp_spurious_rack", rv, u->spurious_rack);
	put_f(row, "rudp_max_silence_ms", rv, u->max_silence_ns / 1e6, 1);
	put_u64(row, "rudp_dup_dropped", rudp && r->have_rx, r->rx.dup_dropped);
	put_u64(row, "rudp_foreign", rudp && r->have_rx, r->rx.foreign);
	put_i64(row, "connect_timewait",
		k == TUB_KIND_CONNECT && tcp && r->have_tx && p->timewait >= 0,
		p->timewait);
}

/* One end's CPU: user and system seconds, the share of one CPU over the
 * data phase, and CPU seconds per 10^9 payload bytes the test delivered
 * (rx_bytes: the same bytes for both ends). */
static void put_cpu_end(struct csv_row *row, const char *end,
			const struct tub_cpu *c, uint64_t bytes)
{
	char name[CSV_NAME_MAX];
	double cpu_s = (c->user_ns + c->sys_ns) / 1e9;

	snprintf(name, sizeof name, "%s_cpu_user_s", end);
	put_f(row, name, c->valid, c->user_ns / 1e9, 3);
	snprintf(name, sizeof name, "%s_cpu_sys_s", end);
	put_f(row, name, c->valid, c->sys_ns / 1e9, 3);
	snprintf(name, sizeof name, "%s_cpu_util_pct", end);
	put_f(row, name, c->valid && c->wall_ns > 0,
	      cpu_s / (c->wall_ns / 1e9) * 100, 1);
	snprintf(name, sizeof name, "%s_cpu_s_per_gb", end);
	put_f(row, name, c->valid && bytes > 0, cpu_s / (bytes / 1e9), 3);
}

static void put_cpu(struct csv_row *row, const struct tub_result *r)
{
	uint64_t bytes = r->have_rx ? r->rx.bytes : 0;

	put_cpu_end(row, "local", &r->cpu_local, bytes);
	put_cpu_end(row, "remote", &r->cpu_remote, bytes);
}

void csv_fill(const struct tub_result *r, struct csv_row *row)
{
	row->n = 0;
	put_context(row, r);
	put_option_block(row, r);
	put_ends(row, r);
	put_tcp(row, r);
	put_udp(row, r);
	put_kernel(row, r);
	put_rr(row, r);
	put_probe(row, r);
	put_cpu(row, r);
}

static int empty_row(struct csv_row *row)
{
	struct tub_result *r = calloc(1, sizeof *r);

	if (r == NULL)
		return -1;
	csv_fill(r, row);
	free(r);
	return 0;
}

int csv_column_count(void)
{
	struct csv_row *row = malloc(sizeof *row);
	int n = row && empty_row(row) == 0 ? row->n : 0;

	free(row);
	return n;
}

int csv_write_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL)
		return fputs(s, f) < 0 ? -1 : 0;
	if (fputc('"', f) == EOF)
		return -1;
	for (; *s; s++) {
		if (*s == '"' && fputc('"', f) == EOF)
			return -1;
		if (fputc(*s, f) == EOF)
			return -1;
	}
	return fputc('"', f) == EOF ? -1 : 0;
}

int csv_write_header(FILE *f)
{
	struct csv_row *row = malloc(sizeof *row);
	int rc = -1;

	if (row == NULL || empty_row(row) < 0)
		goto out;
	for (int i = 0; i < row->n; i++) {
		if ((i && fputc(',', f) == EOF) ||
		    csv_write_field(f, row->cell[i].name) < 0)
			goto out;
	}
	rc = fputc('\n', f) == EOF ? -1 : 0;
out:
	free(row);
	return rc;
}

int csv_write_row(FILE *f, const struct csv_row *row)
{
	for (int i = 0; i < row->n; i++) {
		const struct csv_cell *c = &row->cell[i];
		const char *text = c->type == CSV_STRING   ? c->str
				   : c->type == CSV_NUMBER ? c->num
							   : "";
		if ((i && fputc(',', f) == EOF) || csv_write_field(f, text) < 0)
			return -1;
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

int csv_write_json(FILE *f, const struct csv_row *row)
{
	fputc('{', f);
	for (int i = 0; i < row->n; i++) {
		const struct csv_cell *c = &row->cell[i];
		if (i)
			fputc(',', f);
		json_string(f, c->name);
		fputc(':', f);
		if (c->type == CSV_STRING)
			json_string(f, c->str);
		else if (c->type == CSV_NUMBER)
			fputs(c->num, f);
		else
			fputs("null", f);
	}
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

/* Compare the first line of f with the header this version writes. */
static int header_matches(FILE *f)
{
	char *want = NULL, *have = NULL;
	size_t wlen = 0, hcap = 0;
	FILE *mem = open_memstream(&want, &wlen);
	int ok = 0;

	if (mem == NULL)
		return 0;
	csv_write_header(mem);
	fclose(mem);
	rewind(f);
	ssize_t got = getline(&have, &hcap, f);
	ok = got >= 0 && (size_t)got == wlen && memcmp(have, want, wlen) == 0;
	free(want);
	free(have);
	return ok;
}

FILE *csv_open_append(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "a+");

	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0) {
		if (csv_write_header(f) < 0 || fflush(f) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", path,
				 strerror(errno));
			fclose(f);
			return NULL;
		}
		return f;
	}
	if (!header_matches(f)) {
		snprintf(err, errlen,
			 "%s has another header (another version or another "
			 "tool); use a new file", path);
		fclose(f);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	return f;
}
