/* Spec checks against limits, enum names, interval series. */
#include "spec.h"

#include <string.h>

#include "check.h"
#include "clock.h"

static struct tub_spec good(void)
{
	struct tub_spec s;

	memset(&s, 0, sizeof s);
	s.session = 7;
	s.proto = TUB_PROTO_UDP;
	s.kind = TUB_KIND_STREAM;
	s.msg_size = 1400;
	s.duration_ns = 10 * TUB_NSEC_PER_SEC;
	s.timeout_ns = TUB_NSEC_PER_SEC;
	return s;
}

int main(void)
{
	struct tub_limits lim;
	char why[256];
	int v;

	spec_default_limits(&lim);
	struct tub_spec s = good();
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);

	s = good();
	s.session = 0;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.msg_size = 23; /* below the data header */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "UDP message size") != NULL);
	s = good();
	s.msg_size = 65508;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.proto = TUB_PROTO_TCP;
	s.msg_size = lim.max_msg_size + 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.duration_ns = lim.max_duration_ns + 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "duration") != NULL);
	s = good();
	s.duration_ns = 0;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.count = lim.max_count + 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.count = 10;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s = good();
	s.rate_bps = lim.max_rate_bps + 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.interval_ns = lim.min_interval_ns - 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.interval_ns = s.duration_ns / (TUB_INTERVALS_MAX + 1);
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.kind = TUB_KIND_RR;
	s.timeout_ns = 0;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.timeout_ns = 500; /* under 1 ms: a timeval of 0 would mean never */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.timeout_ns = TUB_NSEC_PER_MSEC;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s = good();
	s.interval_ns = UINT64_MAX; /* would wrap the sampling clock */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.interval_ns = s.duration_ns + 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.interval_ns = s.duration_ns;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s = good();
	s.duration_ns = 0;
	s.count = 1000;
	s.rate_bps = 1000; /* 1000 x 1400 B at 1 kbit/s: over 3 hours */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "longer than") != NULL);
	s.rate_bps = 1000000000;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s = good();
	s.kind = TUB_KIND_KEEPALIVE; /* TCP only */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "not implemented") != NULL);
	s = good();
	s.proto = TUB_PROTO_COUNT;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	memset(s.remote_opts, 'x', sizeof s.remote_opts);
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);

	CHECK(spec_proto_parse("udp", &v) == 0 && v == TUB_PROTO_UDP);
	CHECK(spec_proto_parse("UDP", &v) < 0);
	CHECK(spec_kind_parse("rr", &v) == 0 && v == TUB_KIND_RR);
	CHECK(spec_kind_parse("", &v) < 0);
	CHECK_STR(spec_kind_name(99), "?");
	CHECK_STR(spec_dir_name(TUB_DIR_REVERSE), "reverse");

	static struct tub_intervals iv;
	for (int i = 0; i < TUB_INTERVALS_MAX + 5; i++)
		spec_interval_push(&iv, (uint64_t)i, 1, 1);
	CHECK_EQ_U64(iv.n, TUB_INTERVALS_MAX);
	CHECK_EQ_U64(iv.truncated, 5);
	/* A rate must let the test finish: 36 h for one linger chunk at
	 * 1 bit/s was accepted once (no count, so the count rule missed it). */
	s = good();
	s.proto = TUB_PROTO_TCP;
	s.kind = TUB_KIND_LINGER;
	s.msg_size = 65536;
	s.duration_ns = 10 * TUB_NSEC_PER_SEC;
	s.count = 0;
	s.rate_bps = 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "bit/s take") != NULL);
	s.duration_ns = 2 * TUB_NSEC_PER_SEC; /* one message in 2 s: 262 kbit/s */
	s.rate_bps = 262144;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.rate_bps = 262143;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.duration_ns = 0;
	s.count = 32; /* 32 x 64 KiB within the 300 s limit */
	s.rate_bps = 1000000;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.rate_bps = 50000;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);

	/* The reply timeout's range holds for UDP connect as for rr. */
	s = good();
	s.kind = TUB_KIND_CONNECT;
	s.msg_size = 64;
	s.timeout_ns = 0;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "--rr-timeout") != NULL);
	s.timeout_ns = TUB_NSEC_PER_MSEC;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);

	/* RUDP memory: window x 1472 B within --max-window-bytes. */
	s = good();
	s.proto = TUB_PROTO_RUDP;
	s.window = 65535;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "--max-window-bytes") != NULL);
	s.window = (uint32_t)(lim.max_window_bytes / TUB_RUDP_PKT_MAX);
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.window++;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.window = 0; /* the default, 256 packets */
	lim.max_window_bytes = 256 * TUB_RUDP_PKT_MAX - 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	spec_default_limits(&lim);

	/* RUDP's congestion control and RTO bounds: rudp only, in order,
	 * paced with a rate. */
	s = good();
	s.proto = TUB_PROTO_RUDP;
	s.cc = TUB_RUDP_CC_CUBIC;
	s.rto_min_ns = 50 * TUB_NSEC_PER_MSEC;
	s.rto_max_ns = TUB_NSEC_PER_SEC;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.rto_min_ns = 3 * TUB_NSEC_PER_SEC; /* over rto-max */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "rto-min") != NULL);
	s.rto_max_ns = 0; /* the default, 2 s: still under rto-min */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.rto_min_ns = 0;
	s.rto_max_ns = 61 * TUB_NSEC_PER_SEC;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.rto_max_ns = 0;
	s.rto_min_ns = TUB_NSEC_PER_MSEC - 1;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s.rto_min_ns = 0;
	s.cc = TUB_RUDP_CC_PACED; /* good() has a rate */
	CHECK(spec_check(&s, &lim, why, sizeof why) == (s.rate_bps ? 0 : -1));
	s.rate_bps = 0;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "paced") != NULL);
	s.cc = TUB_RUDP_CC_COUNT;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.proto = TUB_PROTO_TCP;
	s.cc = TUB_RUDP_CC_CUBIC;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "rudp settings") != NULL);
	int cc = -1;
	CHECK(spec_cc_parse("aimd", &cc) == 0 && cc == TUB_RUDP_CC_RENO);
	CHECK(spec_cc_parse("cubic", &cc) == 0 && cc == TUB_RUDP_CC_CUBIC);
	CHECK(spec_cc_parse("bbr", &cc) < 0);
	CHECK_STR(spec_cc_name(TUB_RUDP_CC_PACED), "paced");

	/* A peer's report must make sense. */
	struct tub_side side;
	memset(&side, 0, sizeof side);
	CHECK(spec_side_check(&side, why, sizeof why) == 0);
	side.rx.delay_min_ns = 10;
	side.rx.delay_p50_ns = 20;
	side.rx.delay_p99_ns = 30;
	side.rx.delay_max_ns = 30;
	CHECK(spec_side_check(&side, why, sizeof why) == 0);
	side.rx.delay_min_ns = 21;
	CHECK(spec_side_check(&side, why, sizeof why) < 0);
	CHECK(strstr(why, "delay") != NULL);
	side.rx.delay_min_ns = 10;
	spec_interval_push(&side.tx.iv, 100, 1, 1);
	spec_interval_push(&side.tx.iv, 200, 1, 1);
	CHECK(spec_side_check(&side, why, sizeof why) == 0);
	spec_interval_push(&side.tx.iv, 150, 1, 1);
	CHECK(spec_side_check(&side, why, sizeof why) < 0);
	CHECK(strstr(why, "tx interval 2") != NULL);
	memset(&side, 0, sizeof side);
	side.rx.msgs = 5;
	side.rx.received = 6;
	CHECK(spec_side_check(&side, why, sizeof why) < 0);
	CHECK(strstr(why, "received") != NULL);

	/* rr's round trips (a DONE under -R): figures in order, and no more
	 * answered or lost than asked. */
	memset(&side, 0, sizeof side);
	side.tx.msgs = 10;
	side.rtt = (struct tub_rtt){.valid = 1, .done = 9, .lost = 1,
				    .min_ns = 5, .p50_ns = 6, .p90_ns = 7,
				    .p99_ns = 8, .p999_ns = 9, .max_ns = 10,
				    .mean_ns = 7};
	CHECK(spec_side_check(&side, why, sizeof why) == 0);
	side.rtt.p90_ns = 5;
	CHECK(spec_side_check(&side, why, sizeof why) < 0);
	CHECK(strstr(why, "rtt figures out of order") != NULL);
	side.rtt.p90_ns = 7;
	side.rtt.done = 11;
	CHECK(spec_side_check(&side, why, sizeof why) < 0);
	CHECK(strstr(why, "11 answered") != NULL);

	/* Fragments: 8 KiB is six IP packets on a 1500-byte MTU (1480 bytes
	 * of IP payload each, the UDP header in the first), 1472 B is one,
	 * 1473 B two; IPv6 takes 1448 per fragment (40 + 8 of headers). */
	CHECK_EQ_U64(spec_udp_fragments(8192, 1500, 0), 6);
	CHECK_EQ_U64(spec_udp_fragments(1472, 1500, 0), 1);
	CHECK_EQ_U64(spec_udp_fragments(1473, 1500, 0), 2);
	CHECK_EQ_U64(spec_udp_fragments(1452, 1500, 1), 1);
	CHECK_EQ_U64(spec_udp_fragments(1453, 1500, 1), 2);
	CHECK_EQ_U64(spec_udp_fragments(8192, 1500, 1), 6);
	CHECK_EQ_U64(spec_udp_fragments(65507, 65536, 0), 1);
	CHECK_EQ_U64(spec_udp_fragments(1400, 0, 0), 0);

	/* --bidir: a direction of stream only; its flows count twice against
	 * --max-flows, forward ones first. */
	s = good();
	s.dir = TUB_DIR_BIDIR;
	s.flows = 3;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	CHECK_EQ_U64(spec_sockets(&s), 6);
	CHECK_EQ_U64(spec_flow_dir(&s, 2), TUB_DIR_FORWARD);
	CHECK_EQ_U64(spec_flow_dir(&s, 3), TUB_DIR_REVERSE);
	CHECK_EQ_U64(spec_flow_dir(&s, 5), TUB_DIR_REVERSE);
	CHECK(strcmp(spec_dir_name(TUB_DIR_BIDIR), "bidir") == 0);
	s.flows = 9; /* 18 sockets over the default 16 */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "18 flows (both directions)") != NULL);
	s.flows = 8;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.rate_bps = lim.max_rate_bps / 16 + 1; /* the limit is of all 16 */
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	s = good();
	s.dir = TUB_DIR_BIDIR;
	s.kind = TUB_KIND_RR; /* a flow each way, but no -P */
	s.msg_size = 64;
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	s.flows = 2;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "belong to the stream kind") != NULL);
	s.flows = 1;
	s.kind = TUB_KIND_CONNECT;
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "bidir direction") != NULL);
	s = good();
	s.flows = 1;
	CHECK_EQ_U64(spec_sockets(&s), 1);
	CHECK_EQ_U64(spec_flow_dir(&s, 0), TUB_DIR_FORWARD);

	/* --flow: a flow's own remote options take the test's place in its
	 * spec; a flow without keeps the test's; unterminated ones are
	 * refused, as a gso the flow's size does not fit. */
	struct tub_spec f;
	s = good();
	snprintf(s.remote_opts, sizeof s.remote_opts, "rcvbuf=256K");
	s.flows = s.nmixed = 2;
	s.mix[0] = (struct tub_flow_spec){.proto = TUB_PROTO_TCP,
					  .msg_size = 1000};
	s.mix[1] = (struct tub_flow_spec){.proto = TUB_PROTO_UDP,
					  .msg_size = 1400,
					  .rate_bps = 1000000};
	snprintf(s.mix[1].remote_opts, sizeof s.mix[1].remote_opts,
		 "rcvbuf=1M,gro");
	CHECK(spec_check(&s, &lim, why, sizeof why) == 0);
	spec_flow_of(&s, 0, &f);
	CHECK(strcmp(f.remote_opts, "rcvbuf=256K") == 0);
	spec_flow_of(&s, 1, &f);
	CHECK(strcmp(f.remote_opts, "rcvbuf=1M,gro") == 0);
	CHECK_EQ_U64(f.proto, TUB_PROTO_UDP);
	snprintf(s.mix[1].remote_opts, sizeof s.mix[1].remote_opts,
		 "gso=1000");
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "flow 1: remote gso=1000") != NULL);
	memset(s.mix[1].remote_opts, 'x', sizeof s.mix[1].remote_opts);
	CHECK(spec_check(&s, &lim, why, sizeof why) < 0);
	CHECK(strstr(why, "flow 1: remote options not terminated") != NULL);

	return check_done("test_spec");
}
