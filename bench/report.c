#include "report.h"

#include <inttypes.h>
#include <string.h>

#include "kind.h"
#include "units.h"

static void line_buffers(FILE *f, const char *who,
			 const struct sockopt_set *req,
			 const struct sockopt_set *granted,
			 const uint8_t clamped[2], const char *notes)
{
	static const int ids[2] = {SOCKOPT_SNDBUF, SOCKOPT_RCVBUF};

	fprintf(f, "  %-6s", who);
	for (int i = 0; i < 2; i++) {
		int id = ids[i];
		fprintf(f, " %s ", sockopt_info(id)->name);
		if (sockopt_has(req, id))
			fprintf(f, "%" PRId64 " -> ", req->value[id]);
		else
			fprintf(f, "default ");
		if (sockopt_has(granted, id))
			fprintf(f, "%" PRId64 "%s", granted->value[id],
				clamped[i] ? " (clamped by sysctl)" : "");
		else
			fprintf(f, "?");
	}
	fputc('\n', f);
	if (notes[0])
		fprintf(f, "  %-6s notes: %s\n", who, notes);
}

/* A datagram larger than the path MTU goes as fragments: say so. */
static void summary_fragments(FILE *f, const struct tub_result *r)
{
	uint32_t n = spec_udp_fragments(r->spec.msg_size, r->probe.path_mtu,
					r->probe.ipv6);

	if (r->spec.proto == TUB_PROTO_UDP && n > 1)
		fprintf(f, "  each %u-byte datagram is %u IP fragments on this "
			"path's MTU of %u B: one lost fragment loses the whole "
			"datagram\n", r->spec.msg_size, n, r->probe.path_mtu);
}

static void summary_stream(FILE *f, const struct tub_result *r)
{
	char a[32], b[32];
	const struct tub_tx *tx = &r->tx;
	const struct tub_rx *rx = &r->rx;

	if (r->have_rx && rx->elapsed_ns)
		fprintf(f, "  throughput %s (receiver: %s in %.3f s)\n",
			units_fmt_rate(rx->bytes * 8e9 / rx->elapsed_ns, a,
				       sizeof a),
			units_fmt_size(rx->bytes, b, sizeof b),
			rx->elapsed_ns / 1e9);
	uint64_t sent = tx->bytes - (tx->unsent_bytes < tx->bytes
					     ? tx->unsent_bytes : tx->bytes);
	if (r->have_tx && tx->elapsed_ns)
		fprintf(f, "  sender     %s (%s sent in %.3f s, %" PRIu64
			" messages written)\n",
			units_fmt_rate(sent * 8e9 / tx->elapsed_ns, a,
				       sizeof a),
			units_fmt_size(sent, b, sizeof b),
			tx->elapsed_ns / 1e9, tx->msgs);
	if (r->have_tx && tx->unsent_bytes > 0) {
		double bps = r->have_rx && rx->elapsed_ns
				     ? rx->bytes * 8e9 / rx->elapsed_ns : 0;
		fprintf(f, "  left in the send buffer at the end: %s never "
			"sent", units_fmt_size(tx->unsent_bytes, a, sizeof a));
		if (bps > 0)
			fprintf(f, " (%.2f s at the measured rate)",
				tx->unsent_bytes * 8 / bps);
		fprintf(f, ", %s in flight; not waited for\n",
			units_fmt_size(tx->unacked_bytes, b, sizeof b));
	}
	if (r->spec.proto == TUB_PROTO_TCP && r->have_rx && rx->bytes) {
		double msgs = (double)rx->bytes / r->spec.msg_size;
		fprintf(f, "  recv() calls per %u-byte message: %.2f\n",
			r->spec.msg_size, rx->calls / msgs);
	}
	if (r->have_rx && rx->delay_max_ns) {
		char min[48] = "unknown (the clocks differ)";
		if (rx->delay_min_ns)
			snprintf(min, sizeof min, "%.1f us", rx->delay_min_ns / 1e3);
		if (r->flow < 0) /* percentiles of flows do not add up */
			fprintf(f, "  message delay over all flows: min %s, max "
				"+%.1f us above it", min,
				(rx->delay_max_ns - rx->delay_min_ns) / 1e3);
		else
			fprintf(f, "  message delay: min %s, p50 +%.1f, p99 "
				"+%.1f, max +%.1f us above it", min,
				(rx->delay_p50_ns - rx->delay_min_ns) / 1e3,
				(rx->delay_p99_ns - rx->delay_min_ns) / 1e3,
				(rx->delay_max_ns - rx->delay_min_ns) / 1e3);
		if (r->spec.proto == TUB_PROTO_UDP)
			fprintf(f, "\n");
		else
			fprintf(f, "; %" PRIu64 " out of order, %" PRIu64
				" corrupt\n", rx->out_of_order, rx->corrupt);
	}
	if (r->have_tx && tx->rudp.valid)
		fprintf(f, "  rudp (%s, %s): %" PRIu64 " packets sent, %" PRIu64
			" retransmitted on timeout, %" PRIu64 " after RACK (%"
			PRIu64 " lost, %" PRIu64 " of them not), %" PRIu64
			" tail probes, %" PRIu64 " spurious; srtt %.1f us, cwnd %u,"
			" longest silence %.1f ms\n",
			r->spec.flags & TUB_SPEC_UNORDERED ? "unordered"
							   : "ordered",
			spec_cc_name(r->spec.cc),
			tx->rudp.pkts_sent, tx->rudp.retrans_timeout,
			tx->rudp.retrans_fast, tx->rudp.rack_losses,
			tx->rudp.spurious_rack, tx->rudp.tlp, tx->rudp.spurious,
			tx->rudp.srtt_ns / 1e3, tx->rudp.cwnd,
			tx->rudp.max_silence_ns / 1e6);
	if (r->spec.proto == TUB_PROTO_TCP && tx->tcpi.valid)
		fprintf(f, "  TCP_INFO%s: %u retransmitted segments, rtt %u us "
			"(var %u), cwnd %u x %u B\n",
			r->flow < 0 ? " (flows: summed, rtt the largest)" : "",
			tx->tcpi.total_retrans,
			tx->tcpi.rtt_us, tx->tcpi.rttvar_us, tx->tcpi.snd_cwnd,
			tx->tcpi.snd_mss);
	if (r->spec.proto == TUB_PROTO_UDP && r->have_rx && r->have_tx) {
		uint64_t lost = tx->msgs > rx->received
					? tx->msgs - rx->received : 0;
		fprintf(f, "  datagrams: %" PRIu64 " sent, %" PRIu64
			" received, %" PRIu64 " lost (%.3f%%; %" PRIu64
			" dropped in the receive buffer), %" PRIu64
			" reordered (max extent %" PRIu64 "), %" PRIu64
			" duplicates",
			tx->msgs, rx->received, lost,
			tx->msgs ? 100.0 * lost / tx->msgs : 0.0,
			rx->rcvbuf_drops, rx->reordered, rx->reorder_max,
			rx->duplicates);
		if (r->flow >= 0)
			fprintf(f, "; jitter %.1f us", rx->jitter_ns / 1e3);
		fputc('\n', f);
	}
}

/* Per-interval rates, from the receiver where it reported, else ours. */
static void summary_intervals(FILE *f, const struct tub_result *r)
{
	const struct tub_intervals *iv = r->have_rx && r->rx.iv.n ? &r->rx.iv
								   : &r->tx.iv;
	const char *who = iv == &r->rx.iv ? "receiver" : "sender";
	uint64_t prev = 0;
	char a[32];

	if (r->spec.interval_ns == 0 || iv->n == 0)
		return;
	fprintf(f, "  intervals (%s):\n", who);
	for (uint32_t i = 0; i < iv->n; i++) {
		const struct tub_interval *s = &iv->s[i];
		double secs = (s->end_ns - prev) / 1e9;
		fprintf(f, "    %7.2f-%7.2f s  %12s  %10" PRIu64 " msgs\n",
			prev / 1e9, s->end_ns / 1e9,
			units_fmt_rate(secs > 0 ? s->bytes * 8 / secs : 0, a,
				       sizeof a),
			s->msgs);
		prev = s->end_ns;
	}
}

static void summary_rr(FILE *f, const struct tub_result *r)
{
	struct tub_rtt t;

	csv_rtt(r, &t);
	if (!t.valid)
		return;
	fprintf(f, "  %" PRIu64 " round trips in %.3f s (%.0f/s), %" PRIu64
		" lost, %" PRIu64 " late%s\n", t.done, t.elapsed_ns / 1e9,
		t.elapsed_ns ? t.done / (t.elapsed_ns / 1e9) : 0.0, t.lost,
		t.late, r->spec.dir == TUB_DIR_REVERSE ? " (the receiver asked)"
							 : "");
	uint64_t tried = t.done + t.lost;
	if (r->spec.proto == TUB_PROTO_UDP && tried > 0 &&
	    t.lost * 10 >= tried * 9 && t.late * 2 >= t.lost)
		fprintf(f, "  nearly every probe was lost, and most of them came "
			"back late: the reply timeout (%.0f ms) is shorter than "
			"this path's round trip; raise --rr-timeout\n",
			r->spec.timeout_ns / 1e6);
	if (t.done)
		fprintf(f, "  rtt us: min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  "
			"p99.9 %.1f  max %.1f  mean %.1f\n", t.min_ns / 1e3,
			t.p50_ns / 1e3, t.p90_ns / 1e3, t.p99_ns / 1e3,
			t.p999_ns / 1e3, t.max_ns / 1e3, t.mean_ns / 1e3);
}

static void summary_probe(FILE *f, const struct tub_result *r)
{
	const struct tub_probe *p = &r->probe;
	char a[32], b[32];

	switch (r->spec.kind) {
	case TUB_KIND_FILL:
		if (r->spec.proto == TUB_PROTO_TCP)
			fprintf(f, "  send() took %s in %.1f ms before it "
				"would block (peer not reading); writable "
				"%.1f us after the peer began to read\n",
				units_fmt_size(p->fill_bytes, a, sizeof a),
				p->fill_ns / 1e6, p->fill_writable_ns / 1e3);
		else if (r->have_rx)
			fprintf(f, "  %" PRIu64 " datagrams sent to a socket "
				"nobody read: %" PRIu64 " held, %" PRIu64
				" dropped (buffer full)\n", r->tx.msgs,
				r->rx.msgs, r->rx.rcvbuf_drops);
		break;
	case TUB_KIND_LINGER:
		fprintf(f, "  close() blocked %.3f ms with %s written; the "
			"peer saw %s after %s\n", p->close_ns / 1e6,
			units_fmt_size(p->linger_bytes, a, sizeof a),
			r->have_rx ? spec_end_name(r->rx.end_how) : "?",
			units_fmt_size(r->rx.bytes, b, sizeof b));
		break;
	case TUB_KIND_KEEPALIVE:
		if (p->ka_detected)
			fprintf(f, "  dead peer noticed after %.3f s (%s); "
				"expected %.3f s\n", p->ka_ns / 1e9,
				p->ka_error, p->ka_expected_ns / 1e9);
		else
			fprintf(f, "  no error within the test's %.1f s: a "
				"dead peer would go unnoticed (expected "
				"detection: %s)\n", r->spec.duration_ns / 1e9,
				p->ka_expected_ns ? "later" : "never, "
				"keepalive is off");
		break;
	case TUB_KIND_CONNECT:
		if (p->timewait >= 0)
			fprintf(f, "  %" PRId64 " sockets left in TIME_WAIT\n",
				p->timewait);
		break;
	default:
		break;
	}
}

/* One end's CPU over the data phase. */
static void cpu_part(FILE *f, const char *end, const struct tub_cpu *c,
		     uint64_t bytes)
{
	double s = (c->user_ns + c->sys_ns) / 1e9;

	if (!c->valid || c->wall_ns == 0) {
		fprintf(f, " %s ?", end);
		return;
	}
	fprintf(f, " %s %.3f s (user %.3f, sys %.3f), %.0f%% of a CPU", end, s,
		c->user_ns / 1e9, c->sys_ns / 1e9, s / (c->wall_ns / 1e9) * 100);
	if (bytes > 0)
		fprintf(f, ", %.2f s/GB", s / (bytes / 1e9));
}

/* Both ends' CPU, and which of them sent. On loopback the kernel bills a
 * packet's softirq work to whichever process runs: the split between the
 * ends is not theirs alone. */
static void summary_cpu(FILE *f, const struct tub_result *r)
{
	uint64_t bytes = r->have_rx ? r->rx.bytes : 0;
	int rev = r->spec.dir == TUB_DIR_REVERSE;

	fputs("  cpu:", f);
	cpu_part(f, rev ? "this end (received)" : "this end (sent)",
		 &r->cpu_local, bytes);
	fputc(';', f);
	cpu_part(f, rev ? "receiver (sent)" : "receiver", &r->cpu_remote,
		 bytes);
	if (strcmp(r->target, "127.0.0.1") == 0 || strcmp(r->target, "::1") == 0 ||
	    strcmp(r->target, "localhost") == 0)
		fputs(" (loopback: each end carries part of the other's "
		      "kernel work)", f);
	if (r->bidir)
		fputs(" (--bidir: this direction's flows)", f);
	fputc('\n', f);
}

void report_summary(FILE *f, const struct tub_result *r)
{
	const char *dir = r->spec.dir != TUB_DIR_REVERSE ? ""
			  : r->bidir ? " from the receiver"
				     : " from the receiver (-R)";

	fprintf(f, "tub-send: %s%s %s%s to %s (%s), %u-byte messages: %s%s%s\n",
		r->bidir ? "--bidir: " : "", spec_proto_name(r->spec.proto),
		spec_kind_name(r->spec.kind), dir,
		r->target, r->receiver_host[0] ? r->receiver_host : "?",
		r->spec.msg_size, status_name(r->status), r->error[0] ? ": " : "",
		r->error);
	if (spec_mixed_protos(&r->spec))
		fprintf(f, "  flow %d of %u (--flow), beside the others on the "
			"same path\n", r->flow, spec_flows(&r->spec));
	if (r->flow < 0)
		fprintf(f, "  the sum of %u flows; Jain's fairness index of their "
			"throughputs %.3f (1: all equal, %.3f: one had it all)\n",
			spec_flows(&r->spec), r->jain_index,
			1.0 / spec_flows(&r->spec));
	if (kind_has(r->spec.kind, KIND_FLOW))
		summary_stream(f, r);
	else if (kind_has(r->spec.kind, KIND_ROUND_TRIPS))
		summary_rr(f, r);
	summary_fragments(f, r);
	summary_probe(f, r);
	summary_cpu(f, r);
	summary_intervals(f, r);
	line_buffers(f, "local", &r->local_req, &r->local_granted,
		     r->local_clamped, r->local_notes);
	if (r->remote_granted.mask || r->remote_notes[0])
		line_buffers(f, "remote", &r->remote_req, &r->remote_granted,
			     r->remote_clamped, r->remote_notes);
}

void report_flow(FILE *f, const struct tub_result *r)
{
	char a[32], b[32];
	const struct tub_rx *rx = &r->rx;

	fprintf(f, "tub-send: %s%sflow %d: ", r->bidir ? spec_dir_name(r->spec.dir)
						       : "",
		r->bidir ? " " : "", r->flow);
	if (r->spec.nmixed && r->flow >= 0) { /* --flow: what it was */
		const struct tub_flow_spec *m =
			&r->spec.mix[(unsigned)r->flow % r->spec.nmixed];
		fprintf(f, "(%s%s%s%s%s) ", spec_proto_name(m->proto),
			m->local_opts[0] ? ", local " : "", m->local_opts,
			m->remote_opts[0] ? ", remote " : "", m->remote_opts);
	}
	int said = r->have_rx && rx->elapsed_ns; /* figures before the status */
	if (said)
		fprintf(f, "%s (%s in %.3f s)",
			units_fmt_rate(rx->bytes * 8e9 / rx->elapsed_ns, a,
				       sizeof a),
			units_fmt_size(rx->bytes, b, sizeof b),
			rx->elapsed_ns / 1e9);
	if (said && r->have_tx && r->spec.proto == TUB_PROTO_UDP && r->tx.msgs)
		fprintf(f, ", %" PRIu64 " of %" PRIu64 " datagrams lost",
			r->tx.msgs > rx->received ? r->tx.msgs - rx->received
						  : 0,
			r->tx.msgs);
	if (said && r->tx.tcpi.valid)
		fprintf(f, ", %u retransmitted", r->tx.tcpi.total_retrans);
	fprintf(f, "%s%s%s%s\n", said ? ": " : "", status_name(r->status),
		r->error[0] ? ": " : "", r->error);
}

static int write_series(FILE *f, const struct tub_result *r, const char *end,
			const struct tub_intervals *iv)
{
	uint64_t prev = 0;

	for (uint32_t i = 0; i < iv->n; i++) {
		const struct tub_interval *s = &iv->s[i];
		double secs = (s->end_ns - prev) / 1e9;
		csv_write_field(f, r->run_id);
		fprintf(f, ",%s,%s,%s,%u,%.6f,%.6f,%" PRIu64 ",%" PRIu64
			",%.0f,", spec_proto_name(r->spec.proto),
			spec_kind_name(r->spec.kind), end, i, prev / 1e9,
			s->end_ns / 1e9, s->bytes, s->msgs,
			secs > 0 ? s->bytes * 8 / secs : 0.0);
		if (r->flow < 0)
			fputs("sum", f);
		else
			fprintf(f, "%d", r->flow);
		fprintf(f, ",%s\n", spec_dir_name(r->spec.dir));
		prev = s->end_ns;
	}
	return ferror(f) ? -1 : 0;
}

int report_intervals(FILE *f, const struct tub_result *r)
{
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0)
		fputs("run_id,proto,kind,end,index,start_s,end_s,bytes,msgs,"
		      "rate_bps,flow,direction\n", f);
	if (r->have_tx && write_series(f, r, "sender", &r->tx.iv) < 0)
		return -1;
	if (r->have_rx && write_series(f, r, "receiver", &r->rx.iv) < 0)
		return -1;
	return 0;
}

/* One comparison line: agree, or by how much not. */
static void kernel_line(FILE *f, const char *what, uint64_t kernel,
			const char *ours_name, uint64_t ours)
{
	fprintf(f, "  kernel %s %" PRIu64 " %s %s %" PRIu64 "%s\n", what, kernel,
		kernel == ours ? "==" : "!=", ours_name, ours,
		kernel == ours ? "" : " (other traffic in the namespace, or a "
				      "miscount)");
}

void report_kernel_check(FILE *f, const struct tub_result *r)
{
	const struct tub_kernel *rk = &r->rx.kernel, *tk = &r->tx.kernel;

	fprintf(f, "  kernel check (per network namespace, all its traffic):\n");
	if (r->spec.proto == TUB_PROTO_UDP && kind_has(r->spec.kind, KIND_FLOW) &&
	    r->have_rx && rk->valid) {
		kernel_line(f, "Udp RcvbufErrors (receiver)", rk->udp_rcvbuf_errors,
			    "udp_rcvbuf_drops", r->rx.rcvbuf_drops);
		fprintf(f, "  kernel Ip ReasmFails (receiver) %" PRIu64 " (a lost "
			"fragment counts when its queue expires, "
			"net.ipv4.ipfrag_time after)\n", rk->ip_reasm_fails);
	}
	if (r->spec.proto == TUB_PROTO_TCP && r->have_tx && tk->valid &&
	    r->tx.tcpi.valid)
		kernel_line(f, "Tcp RetransSegs (sender)", tk->tcp_retrans_segs,
			    "tcp_retrans_segs", r->tx.tcpi.total_retrans);
	if (!rk->valid && !tk->valid)
		fprintf(f, "  /proc/net/snmp could not be read\n");
}
