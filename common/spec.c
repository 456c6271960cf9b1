#include "spec.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "kind.h"
#include "sockopt.h"

static const char *const proto_names[TUB_PROTO_COUNT] = {"tcp", "udp", "rudp"};
static const char *const dir_names[TUB_DIR_COUNT] = {"forward", "reverse",
							  "bidir"};
static const char *const end_names[TUB_END_COUNT] = {"none", "fin", "rst"};
static const char *const cc_names[TUB_RUDP_CC_COUNT] = {"reno", "cubic",
							"paced"};

static const char *name_of(const char *const *names, int count, int v)
{
	return v >= 0 && v < count ? names[v] : "?";
}

static int parse_name(const char *const *names, int count, const char *s,
		      int *out)
{
	for (int i = 0; i < count; i++) {
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

const char *spec_end_name(int end)
{
	return name_of(end_names, TUB_END_COUNT, end);
}

const char *spec_cc_name(int cc)
{
	return name_of(cc_names, TUB_RUDP_CC_COUNT, cc);
}

int spec_cc_parse(const char *s, int *cc)
{
	if (strcmp(s, "aimd") == 0) { /* the name before cubic came */
		*cc = TUB_RUDP_CC_RENO;
		return 0;
	}
	return parse_name(cc_names, TUB_RUDP_CC_COUNT, s, cc);
}

const char *spec_proto_name(int proto)
{
	return name_of(proto_names, TUB_PROTO_COUNT, proto);
}

const char *spec_kind_name(int kind)
{
	const struct kind_info *i = kind_info(kind);

	return i ? i->name : "?";
}

const char *spec_dir_name(int dir)
{
	return name_of(dir_names, TUB_DIR_COUNT, dir);
}

int spec_proto_parse(const char *s, int *proto)
{
	return parse_name(proto_names, TUB_PROTO_COUNT, s, proto);
}

int spec_kind_parse(const char *s, int *kind)
{
	for (int k = 0; k < TUB_KIND_COUNT; k++) {
		if (strcmp(kind_info(k)->name, s) == 0) {
			*kind = k;
			return 0;
		}
	}
	return -1;
}

void spec_default_limits(struct tub_limits *lim)
{
	lim->max_duration_ns = 300 * TUB_NSEC_PER_SEC;
	lim->max_count = 100000000;
	lim->max_rate_bps = 100000000000ull; /* 100 Gbit/s */
	lim->max_msg_size = 1024 * 1024;
	lim->min_interval_ns = 10 * TUB_NSEC_PER_MSEC;
	lim->max_window_bytes = 16u << 20;
	lim->max_flows = TUB_FLOWS_DEFAULT_MAX;
}

/* Parallel flows: where a flow is a flow, within the receiver's limit,
 * their rates together within its rate limit. */
static int flows_check(const struct tub_spec *s, const struct tub_limits *lim,
		       char *reason, size_t len)
{
	uint32_t n = spec_sockets(s);

	if (n == 1)
		return 0;
	/* rr --bidir: a flow each way, each end asking on its own */
	if (!kind_has(s->kind, KIND_FLOW) &&
	    !(s->dir == TUB_DIR_BIDIR && spec_flows(s) == 1 && !s->nmixed)) {
		snprintf(reason, len, "parallel flows (-P, --flow) belong to the "
			 "stream kind, not %s", spec_kind_name(s->kind));
		return -1;
	}
	if (n > TUB_FLOWS_MAX || n > lim->max_flows) {
		snprintf(reason, len, "%u flows%s over the receiver's limit of %u",
			 n, s->dir == TUB_DIR_BIDIR ? " (both directions)" : "",
			 lim->max_flows < TUB_FLOWS_MAX ? lim->max_flows
							: TUB_FLOWS_MAX);
		return -1;
	}
	if (!s->nmixed && s->rate_bps > lim->max_rate_bps / n) {
		snprintf(reason, len, "%u flows at %llu bit/s each are over the "
			 "receiver's limit of %llu bit/s in all", n,
			 (unsigned long long)s->rate_bps,
			 (unsigned long long)lim->max_rate_bps);
		return -1;
	}
	return 0;
}

/* The rudp settings: on rudp only; the RTO's bounds in sense and order
 * (with the defaults for what is 0); paced needs a rate. */
static int rudp_settings_check(const struct tub_spec *s, char *reason,
			       size_t len)
{
	uint64_t lo = s->rto_min_ns ? s->rto_min_ns
				    : TUB_RUDP_RTO_MIN_DEFAULT_NS;
	uint64_t hi = s->rto_max_ns ? s->rto_max_ns
				    : TUB_RUDP_RTO_MAX_DEFAULT_NS;

	if (s->proto != TUB_PROTO_RUDP) {
		if (s->cc || s->rto_min_ns || s->rto_max_ns ||
		    (s->flags & TUB_SPEC_UNORDERED) || s->window) {
			snprintf(reason, len, "unordered, window, cc and the "
				 "rto bounds are rudp settings, not %s",
				 spec_proto_name(s->proto));
			return -1;
		}
		return 0;
	}
	if (lo < TUB_RUDP_RTO_LOW_NS || hi > TUB_RUDP_RTO_HIGH_NS ||
	    lo > hi) {
		snprintf(reason, len, "rudp rto-min %.3f s and rto-max %.3f s: "
			 "need %.3f s <= rto-min <= rto-max <= %.0f s",
			 lo / 1e9, hi / 1e9, TUB_RUDP_RTO_LOW_NS / 1e9,
			 TUB_RUDP_RTO_HIGH_NS / 1e9);
		return -1;
	}
	if (s->cc == TUB_RUDP_CC_PACED && s->rate_bps == 0) {
		snprintf(reason, len, "rudp cc paced needs a rate");
		return -1;
	}
	return 0;
}

void spec_flow_of(const struct tub_spec *s, unsigned i, struct tub_spec *f)
{
	*f = *s;
	f->dir = (uint8_t)spec_flow_dir(s, i);
	if (s->nmixed) {
		const struct tub_flow_spec *m = &s->mix[i % s->nmixed];
		f->proto = m->proto;
		f->msg_size = m->msg_size;
		f->rate_bps = m->rate_bps;
		if (m->remote_opts[0] &&
		    memchr(m->remote_opts, '\0', sizeof m->remote_opts))
			snprintf(f->remote_opts, sizeof f->remote_opts, "%s",
				 m->remote_opts);
	}
}

int spec_mixed_protos(const struct tub_spec *s)
{
	for (unsigned i = 1; i < s->nmixed; i++)
		if (s->mix[i].proto != s->mix[0].proto)
			return 1;
	return 0;
}

/* --flow: as many flow specs as flows, each a test of its own as far as
 * spec_check goes, their rates together within the limit. */
static int mix_check(const struct tub_spec *s, const struct tub_limits *lim,
		     char *reason, size_t len)
{
	char why[TUB_TEXT_MAX];
	unsigned ways = s->dir == TUB_DIR_BIDIR ? 2 : 1;
	uint64_t rate = 0;

	if (s->nmixed != spec_flows(s) || s->nmixed > TUB_FLOWS_MAX) {
		snprintf(reason, len, "%u flow specs for %u flows", s->nmixed,
			 spec_flows(s));
		return -1;
	}
	for (unsigned i = 0; i < s->nmixed; i++) {
		struct tub_spec f;
		if (memchr(s->mix[i].remote_opts, '\0',
			   sizeof s->mix[i].remote_opts) == NULL) {
			snprintf(reason, len, "flow %u: remote options not "
				 "terminated", i);
			return -1;
		}
		spec_flow_of(s, i, &f);
		f.nmixed = 0;
		f.flows = 1;
		f.dir = TUB_DIR_FORWARD;
		if (spec_check(&f, lim, why, sizeof why) < 0) {
			snprintf(reason, len, "flow %u: %.200s", i, why);
			return -1;
		}
		uint64_t r = s->mix[i].rate_bps;
		rate = r > (UINT64_MAX - rate) / ways ? UINT64_MAX
						      : rate + r * ways;
	}
	if (rate > lim->max_rate_bps) {
		snprintf(reason, len, "the flows' rates add up to %llu bit/s, "
			 "over the receiver's limit of %llu bit/s",
			 (unsigned long long)rate,
			 (unsigned long long)lim->max_rate_bps);
		return -1;
	}
	return 0;
}

int spec_check(const struct tub_spec *s, const struct tub_limits *lim,
	       char *reason, size_t len)
{
	if (s->nmixed && mix_check(s, lim, reason, len) < 0)
		return -1;
	if (s->session == 0) {
		snprintf(reason, len, "session id 0 is reserved");
		return -1;
	}
	if (s->proto >= TUB_PROTO_COUNT || s->kind >= TUB_KIND_COUNT ||
	    s->dir >= TUB_DIR_COUNT) {
		snprintf(reason, len, "unknown transport, kind or direction");
		return -1;
	}
	if (!kind_runs_on(s->kind, s->proto, s->dir)) {
		char on[32];
		if (kind_runs_on(s->kind, s->proto, TUB_DIR_FORWARD))
			snprintf(reason, len, "kind %s does not run in the %s "
				 "direction (-R, --bidir: stream and rr)",
				 spec_kind_name(s->kind), spec_dir_name(s->dir));
		else
			snprintf(reason, len, "kind %s is not implemented on "
				 "%s (it runs on %s)", spec_kind_name(s->kind),
				 spec_proto_name(s->proto),
				 kind_protos(s->kind, on, sizeof on));
		return -1;
	}
	if (s->msg_size == 0 || s->msg_size > lim->max_msg_size) {
		snprintf(reason, len, "message size %u outside 1..%u bytes",
			 s->msg_size, lim->max_msg_size);
		return -1;
	}
	if (s->proto == TUB_PROTO_UDP &&
	    (s->msg_size < TUB_UDP_MSG_MIN || s->msg_size > TUB_UDP_MSG_MAX)) {
		snprintf(reason, len,
			 "UDP message size %u outside %u..%u bytes (the data "
			 "header takes %u)",
			 s->msg_size, TUB_UDP_MSG_MIN, TUB_UDP_MSG_MAX,
			 TUB_UDP_MSG_MIN);
		return -1;
	}
	if (s->proto == TUB_PROTO_RUDP &&
	    (s->msg_size < TUB_MSG_HDR || s->msg_size > (1u << 20))) {
		snprintf(reason, len, "rudp message size %u outside %u..%u "
			 "bytes", s->msg_size, TUB_MSG_HDR, 1u << 20);
		return -1;
	}
	if (s->window > TUB_RUDP_WINDOW_MAX ||
	    (s->flags & ~TUB_SPEC_KNOWN_FLAGS) || s->cc >= TUB_RUDP_CC_COUNT) {
		snprintf(reason, len, "bad window, flags or congestion control");
		return -1;
	}
	if (rudp_settings_check(s, reason, len) < 0)
		return -1;
	if (s->proto == TUB_PROTO_RUDP) {
		uint64_t w = s->window ? s->window : TUB_RUDP_WINDOW_DEFAULT;
		uint64_t n = spec_sockets(s); /* each flow has its rings */
		if (w * TUB_RUDP_PKT_MAX * n > lim->max_window_bytes) {
			snprintf(reason, len, "rudp window of %llu packets x %u B "
				 "x %llu flow%s over the receiver's "
				 "--max-window-bytes of %llu",
				 (unsigned long long)w, TUB_RUDP_PKT_MAX,
				 (unsigned long long)n, n == 1 ? "" : "s",
				 (unsigned long long)lim->max_window_bytes);
			return -1;
		}
	}
	if ((s->flags & TUB_SPEC_SPIN) && !kind_has(s->kind, KIND_ROUND_TRIPS)) {
		snprintf(reason, len, "--spin belongs to the round-trip kinds "
			 "(rr, connect), not %s", spec_kind_name(s->kind));
		return -1;
	}
	if (s->duration_ns == 0 && s->count == 0) {
		snprintf(reason, len, "neither a duration nor a count given");
		return -1;
	}
	if (flows_check(s, lim, reason, len) < 0)
		return -1;
	if (s->duration_ns > lim->max_duration_ns) {
		snprintf(reason, len, "duration %.3f s over the receiver's limit "
			 "of %.3f s", s->duration_ns / 1e9,
			 lim->max_duration_ns / 1e9);
		return -1;
	}
	if (s->count > lim->max_count) {
		snprintf(reason, len, "count %llu over the receiver's limit of %llu",
			 (unsigned long long)s->count,
			 (unsigned long long)lim->max_count);
		return -1;
	}
	if (s->rate_bps > lim->max_rate_bps) {
		snprintf(reason, len, "rate %llu bit/s over the receiver's limit "
			 "of %llu bit/s", (unsigned long long)s->rate_bps,
			 (unsigned long long)lim->max_rate_bps);
		return -1;
	}
	/* A rate must let the test finish: its count (or, without one, its
	 * first message) within the time the test may run. */
	if (s->rate_bps != 0) {
		double n = s->count ? (double)s->count : 1;
		double need = n * s->msg_size * 8 / (double)s->rate_bps * 1e9;
		double may = s->count || s->duration_ns == 0
				     ? (double)lim->max_duration_ns
				     : (double)s->duration_ns;
		if (need > may) {
			snprintf(reason, len, "%.0f message%s of %u B at %llu "
				 "bit/s take %.1f s, longer than the %.1f s "
				 "the test may run", n, n == 1 ? "" : "s",
				 s->msg_size, (unsigned long long)s->rate_bps,
				 need / 1e9, may / 1e9);
			return -1;
		}
	}
	if (s->interval_ns != 0) {
		if (s->interval_ns > lim->max_duration_ns ||
		    (s->duration_ns && s->interval_ns > s->duration_ns)) {
			snprintf(reason, len, "interval longer than the test");
			return -1;
		}
		if (s->interval_ns < lim->min_interval_ns) {
			snprintf(reason, len, "interval under the minimum of "
				 "%.3f s", lim->min_interval_ns / 1e9);
			return -1;
		}
		if (s->duration_ns / s->interval_ns > TUB_INTERVALS_MAX) {
			snprintf(reason, len, "more than %u intervals in the "
				 "duration", TUB_INTERVALS_MAX);
			return -1;
		}
	}
	if (kind_has(s->kind, KIND_ROUND_TRIPS) && s->proto == TUB_PROTO_UDP &&
	    (s->timeout_ns < TUB_NSEC_PER_MSEC ||
	     s->timeout_ns > 60 * TUB_NSEC_PER_SEC)) {
		snprintf(reason, len, "reply timeout (--rr-timeout) outside "
			 "1 ms .. 60 s");
		return -1;
	}
	if (memchr(s->remote_opts, '\0', sizeof s->remote_opts) == NULL) {
		snprintf(reason, len, "remote options not terminated");
		return -1;
	}
	/* Unparsable options are the receiver's to refuse, with its policy;
	 * here only what the spec itself makes wrong. */
	struct sockopt_set o;
	char why[TUB_TEXT_MAX];
	if (s->proto == TUB_PROTO_UDP &&
	    sockopt_parse(s->remote_opts, &o, NULL, 0) == 0 &&
	    sockopt_check_size(&o, s->msg_size, why, sizeof why) < 0) {
		snprintf(reason, len, "remote %s", why);
		return -1;
	}
	return 0;
}

void spec_interval_push(struct tub_intervals *iv, uint64_t end_ns,
			uint64_t bytes, uint64_t msgs)
{
	if (iv->n >= TUB_INTERVALS_MAX) {
		iv->truncated++;
		return;
	}
	iv->s[iv->n].end_ns = end_ns;
	iv->s[iv->n].bytes = bytes;
	iv->s[iv->n].msgs = msgs;
	iv->n++;
}

/* Interval samples end in time order. */
static int intervals_ok(const struct tub_intervals *iv, const char *which,
			char *reason, size_t len)
{
	for (uint32_t i = 1; i < iv->n; i++) {
		if (iv->s[i].end_ns < iv->s[i - 1].end_ns) {
			snprintf(reason, len, "%s interval %u ends at %llu ns, "
				 "before interval %u (%llu ns)", which, i,
				 (unsigned long long)iv->s[i].end_ns, i - 1,
				 (unsigned long long)iv->s[i - 1].end_ns);
			return -1;
		}
	}
	return 0;
}

int spec_side_check(const struct tub_side *side, char *reason, size_t len)
{
	const struct tub_rx *rx = &side->rx;
	const struct tub_rtt *t = &side->rtt;

	if (side->opts.valid &&
	    sockopt_check_granted(&side->opts.granted, reason, len) < 0)
		return -1;
	if (t->valid && t->done > 0 &&
	    !(t->min_ns <= t->p50_ns && t->p50_ns <= t->p90_ns &&
	      t->p90_ns <= t->p99_ns && t->p99_ns <= t->p999_ns &&
	      t->p999_ns <= t->max_ns && t->min_ns <= t->mean_ns &&
	      t->mean_ns <= t->max_ns)) {
		snprintf(reason, len, "rtt figures out of order (min %llu, "
			 "p50 %llu, max %llu, mean %llu ns)",
			 (unsigned long long)t->min_ns,
			 (unsigned long long)t->p50_ns,
			 (unsigned long long)t->max_ns,
			 (unsigned long long)t->mean_ns);
		return -1;
	}
	if (t->valid && (t->done > side->tx.msgs || t->lost > side->tx.msgs)) {
		snprintf(reason, len, "rtt: %llu answered or %llu lost of %llu "
			 "requests", (unsigned long long)t->done,
			 (unsigned long long)t->lost,
			 (unsigned long long)side->tx.msgs);
		return -1;
	}

	if (rx->delay_max_ns != 0 &&
	    !(rx->delay_min_ns <= rx->delay_p50_ns &&
	      rx->delay_p50_ns <= rx->delay_p99_ns &&
	      rx->delay_p99_ns <= rx->delay_max_ns)) {
		snprintf(reason, len, "rx delay figures out of order (min %llu, "
			 "p50 %llu, p99 %llu, max %llu ns)",
			 (unsigned long long)rx->delay_min_ns,
			 (unsigned long long)rx->delay_p50_ns,
			 (unsigned long long)rx->delay_p99_ns,
			 (unsigned long long)rx->delay_max_ns);
		return -1;
	}
	if (rx->received > rx->msgs || rx->duplicates > rx->msgs) {
		snprintf(reason, len, "rx received (%llu) or duplicates (%llu) "
			 "above the datagrams counted (%llu)",
			 (unsigned long long)rx->received,
			 (unsigned long long)rx->duplicates,
			 (unsigned long long)rx->msgs);
		return -1;
	}
	if (rx->coalesced > rx->bufs || rx->bufs > rx->msgs ||
	    side->tx.bufs > side->tx.msgs) {
		snprintf(reason, len, "rx buffers (%llu, %llu coalesced) above "
			 "its datagrams (%llu), or tx buffers (%llu) above its "
			 "datagrams (%llu)", (unsigned long long)rx->bufs,
			 (unsigned long long)rx->coalesced,
			 (unsigned long long)rx->msgs,
			 (unsigned long long)side->tx.bufs,
			 (unsigned long long)side->tx.msgs);
		return -1;
	}
	if (rx->reorder_max > 0 && rx->reordered == 0) {
		snprintf(reason, len, "rx reorder extent %llu without a "
			 "reordered datagram",
			 (unsigned long long)rx->reorder_max);
		return -1;
	}
	const struct tub_cpu *c = &side->cpu;
	if (c->valid && (c->user_ns > UINT64_MAX / 4 || c->sys_ns > UINT64_MAX / 4 ||
			 c->wall_ns > 400ull * 24 * 3600 * TUB_NSEC_PER_SEC)) {
		snprintf(reason, len, "cpu figures out of range (user %llu, sys "
			 "%llu, wall %llu ns)", (unsigned long long)c->user_ns,
			 (unsigned long long)c->sys_ns,
			 (unsigned long long)c->wall_ns);
		return -1;
	}
	if (intervals_ok(&side->tx.iv, "tx", reason, len) < 0 ||
	    intervals_ok(&rx->iv, "rx", reason, len) < 0)
		return -1;
	return 0;
}

uint32_t spec_udp_fragments(uint32_t payload, uint32_t mtu, int ipv6)
{
	uint32_t ip_hdr = ipv6 ? 40 : 20, frag_hdr = ipv6 ? 8 : 0;
	uint64_t data = (uint64_t)payload + 8; /* the UDP header rides along */

	if (mtu < ip_hdr + frag_hdr + 8 + 8)
		return 0;
	if (data <= mtu - ip_hdr)
		return 1;
	uint32_t per = (mtu - ip_hdr - frag_hdr) / 8 * 8;
	return (uint32_t)((data + per - 1) / per);
}
