# advice.awk: tuning advice from one run, as plain text.
#   awk -f scripts/lib/csv.awk -f scripts/advice.awk meta.txt summary.csv [maxrate.csv]
# It answers the user's question: which setting to use on this path, what
# it costs in delay, and how fast UDP goes without loss. A verdict table
# first (per transport: the recommended setting, its throughput, loss and
# added delay), then per transport the figures behind it:
# - TCP and reliable UDP: per message size, the best stream throughput and
#   its setting; the recommended setting, the one with the least added
#   delay (msg_delay_p50_over_min_us) among those within 95% of the best;
#   what the kernel's defaults give; the BDP (path.csv's, else from an rr
#   test) and the smallest SO_SNDBUF / SO_RCVBUF request reaching 95% of
#   the best; the setsockopt() calls, and the sysctl -w lines a request
#   above net.core.wmem_max / rmem_max needs. RUDP: its window against
#   the BDP.
# - UDP: only rows whose loss is within the bound (the threshold above
#   the path's own loss, with the sampling noise of both) and the max-rate
#   searches; the smallest SO_RCVBUF within the bound at the highest rate
#   tried; fragmentation. A row over the bound is never "best".
# Every figure names the rows of results.csv it stands on. The rules are
# in functions of their own (recommend, udp_ok, udp_bound), which
# tests/it_advice.sh checks on hand-made rows.

BEGIN {
	TARGET = 0.95      # "within 95% of the best"
	RUDP_WINDOW = 256  # tub-send's default --window
}

# ---- reading ----

FNR == 1 {
	file = (FILENAME ~ /meta\.txt$/) ? "meta" : ($0 ~ /^run_id,proto,msg_size_bytes,sndbuf_req/) ? "maxrate" : "summary"
	if (file != "meta") {
		for (k in col) delete col[k]
		csv_index($0, col)
		next
	}
}

file == "meta" {
	i = index($0, ": ")
	if (i > 1) meta[substr($0, 1, i - 1)] = substr($0, i + 2)
	next
}

file == "summary" {
	csv_split($0, row)
	# the advice stands on tests of one flow one way: a flow beside others
	# (-P, --flow, --bidir) or their sum answers another question
	if (("flows" in col && row[col["flows"]] > 1) ||
	    ("bidir" in col && row[col["bidir"]] == 1))
		next
	p = ++np
	for (k in col) S[p, k] = row[col[k]]
	next
}

file == "maxrate" {
	csv_split($0, row)
	m = ++nm
	for (k in col) M[m, k] = row[col[k]]
	M[m, "line"] = FNR - 1
	next
}

# ---- helpers ----

# o(text): a line of the sections, kept until the verdict above them is
# printed.
function o(text) {
	BUF = BUF text "\n"
}

function s(p, k) { return S[p, k] }
function num(x) { return x + 0 }

# mfig(name): a figure of the path from meta.txt ("path.bdp_bytes:
# 491753 bytes"), the number only; "" when missing.
function mfig(name,    v) {
	v = meta["path." name]
	sub(/ .*/, "", v)
	return v
}

function rows_txt(p,    r) {
	r = s(p, "rows")
	gsub(/ /, ", ", r)
	return "[rows " r "]"
}

function bytes_txt(b) {
	if (b >= 1e6) return sprintf("%.2f MB (%d bytes)", b / 1e6, b)
	if (b >= 1e3) return sprintf("%.1f KB (%d bytes)", b / 1e3, b)
	return sprintf("%d bytes", b)
}

function ms_txt(us) {
	if (us == "") return "-"
	us += 0
	if (us >= 100000) return sprintf("%.0f ms", us / 1000)
	if (us >= 1000) return sprintf("%.1f ms", us / 1000)
	return sprintf("%.0f us", us)
}

# delay_txt(p): "+8.8 ms p50 / +20.1 ms p99" of the message delay above
# its minimum; "-" without it.
function delay_txt(p) {
	if (!has_delay(p)) return "added delay not measured"
	return "added delay +" ms_txt(s(p, "msg_delay_p50_over_min_us_mean")) " p50 / +" \
		ms_txt(s(p, "msg_delay_p99_over_min_us_mean")) " p99"
}

# cpu_pair(p): "1.20 / 0.80", both ends' CPU s per GB, or "-"
function cpu_pair(p) {
	if (s(p, "local_cpu_s_per_gb_mean") == "" || s(p, "remote_cpu_s_per_gb_mean") == "")
		return "-"
	return sprintf("%.2f / %.2f", s(p, "local_cpu_s_per_gb_mean"), s(p, "remote_cpu_s_per_gb_mean"))
}

function has_delay(p) {
	return s(p, "msg_delay_p50_over_min_us_mean") != ""
}

function line(label, text) {
	o(sprintf("  %-18s %s", label, text))
}

# thr(p): mean throughput of a point, with its 95% CI when it has one; on
# UDP the datagrams lost come with it.
function thr(p,    t) {
	t = fmt_bits(s(p, "throughput_bps_mean"))
	if (s(p, "throughput_bps_ci95") != "")
		t = t sprintf(" +-%s (95%% CI, n=%d)", fmt_bits(s(p, "throughput_bps_ci95")), s(p, "n"))
	if (s(p, "udp_loss_pct_mean") != "")
		t = t sprintf(", loss %.3g%%", s(p, "udp_loss_pct_mean"))
	return t
}

# setting(p): what distinguishes a stream point: its buffers, options,
# rate, window ("sndbuf 1bdp=480K", "local notsent_lowat=16K"); "kernel
# defaults" when nothing is set.
function setting(p,    n, pre) {
	n = s(p, "name")
	pre = s(p, "proto") " " s(p, "kind") " " fmt_size(s(p, "msg_size_bytes"))
	if (index(n, pre) == 1) n = substr(n, length(pre) + 2)
	if (n == "unlimited") return "unpaced"
	if (n == "" && s(p, "proto") == "rudp") return "default window (" RUDP_WINDOW " packets)"
	if (n == "") return "kernel defaults"
	return n
}

# defaults(p): no buffer, option, window or cc asked for.
# cc_default(cc): rudp's default congestion control (reno; aimd in rows
# written before cubic came), or none given.
function cc_default(cc) {
	return cc == "" || cc == "reno" || cc == "aimd"
}

function defaults(p) {
	return s(p, "sndbuf_req_bytes") == "" && s(p, "rcvbuf_req_bytes") == "" &&
		opts_drop(s(p, "local_opts"), "sndbuf") == "" && opts_drop(s(p, "remote_opts"), "rcvbuf") == "" &&
		s(p, "window_req_pkts") == "" && cc_default(s(p, "rudp_cc"))
}

# stream(p, proto): an ok stream point of proto with a throughput. TCP and
# RUDP: unpaced (a paced one shows the pacing, not the setting).
function stream(p, proto) {
	if (s(p, "proto") != proto || s(p, "kind") != "stream" || s(p, "n") + 0 == 0 ||
	    s(p, "throughput_bps_mean") == "") return 0
	return proto == "udp" || s(p, "rate_req_bps") == ""
}

# ---- the rules ----

# recommend(cand, n, top): of the candidate points cand[1..n], sets R_BEST
# (the fastest) and R_PICK, the recommended: among those within TARGET of
# the best (of top's throughput when given: the best of several groups),
# the least p50 added delay, delays within 5% + 1 ms of the least counting
# as a tie (one run's noise), a tie going to the kernel's defaults, then
# to the fewest settings, then to the faster; without delay figures, the
# best. R_NWITHIN: how many were within TARGET.
function recommend(cand, n, top,    i, p, target, dmin, d) {
	R_BEST = R_PICK = ""; R_NWITHIN = 0
	for (i = 1; i <= n; i++)
		if (R_BEST == "" || num(s(cand[i], "throughput_bps_mean")) > num(s(R_BEST, "throughput_bps_mean")))
			R_BEST = cand[i]
	if (R_BEST == "") return
	if (top == "") top = R_BEST
	target = TARGET * num(s(top, "throughput_bps_mean"))
	dmin = ""
	for (i = 1; i <= n; i++) {
		p = cand[i]
		if (num(s(p, "throughput_bps_mean")) < target) continue
		R_NWITHIN++
		if (has_delay(p) && (dmin == "" || num(s(p, "msg_delay_p50_over_min_us_mean")) < dmin))
			dmin = num(s(p, "msg_delay_p50_over_min_us_mean"))
	}
	for (i = 1; i <= n; i++) {
		p = cand[i]
		if (num(s(p, "throughput_bps_mean")) < target || !has_delay(p)) continue
		d = num(s(p, "msg_delay_p50_over_min_us_mean"))
		if (d > dmin * 1.05 + 1000) continue
		if (R_PICK == "" || better(p, R_PICK)) R_PICK = p
	}
	if (R_PICK == "") R_PICK = R_BEST
}

# better(p, q): between two tied settings, p is to be preferred: the
# kernel's defaults, else fewer settings, else faster.
function better(p, q,    np_, nq) {
	if (defaults(p) != defaults(q)) return defaults(p)
	np_ = nsettings(p); nq = nsettings(q)
	if (np_ != nq) return np_ < nq
	return num(s(p, "throughput_bps_mean")) > num(s(q, "throughput_bps_mean"))
}

# nsettings(p): buffers, options, window and cc a point sets.
function nsettings(p,    n, a, set) {
	n = (s(p, "sndbuf_req_bytes") != "") + (s(p, "rcvbuf_req_bytes") != "") + (s(p, "window_req_pkts") != "")
	set = opts_drop(opts_drop(s(p, "local_opts"), "sndbuf"), "rcvbuf")
	if (set != "") n += split(set, a, ",")
	set = opts_drop(opts_drop(s(p, "remote_opts"), "sndbuf"), "rcvbuf")
	if (set != "") n += split(set, a, ",")
	return n
}

# udp_bound(p): the loss a UDP point may have and still be advised from:
# the threshold, or across a lossy path csv.awk's loss_bound (the max-rate
# search's), from the point's datagrams sent and the probe's.
function udp_bound(p,    sent) {
	if (PATH_LOSS == "" || PATH_LOSS + 0 <= 0) return THRESHOLD + 0
	sent = (num(s(p, "msg_size_bytes")) > 0) ? \
		num(s(p, "tx_rate_bps_mean")) * num(s(p, "duration_req_s")) / 8 / num(s(p, "msg_size_bytes")) : 0
	return loss_bound(THRESHOLD, PATH_LOSS + 0, sent, num(mfig("loss_datagrams")))
}

# udp_ok(p): a UDP stream point the advice may stand on: not the overload
# flood, its loss known and within udp_bound.
function udp_ok(p) {
	if (s(p, "udp_overload") == "1" || s(p, "udp_loss_pct_mean") == "") return 0
	return num(s(p, "udp_loss_pct_mean")) <= udp_bound(p)
}

# ---- the path ----

function path_facts() {
	PATH_LOSS = mfig("path_loss_pct")
	THRESHOLD = ("loss_threshold_pct" in meta) ? meta["loss_threshold_pct"] + 0 : 0.1
	BDP = mfig("bdp_bytes"); BDP_FROM = ""
	if (BDP != "" && BDP + 0 <= 0) BDP = ""
	RTT_IDLE = mfig("rtt_p50_us"); if (RTT_IDLE == "") RTT_IDLE = mfig("rtt_min_us")
	if (BDP != "") BDP_FROM = "path.csv: bottleneck " fmt_bits(mfig("bottleneck_bps")) " x RTT p50 " ms_txt(RTT_IDLE)
	CC_L = meta["path.cc_local"]; if (CC_L == "") CC_L = meta["net.ipv4.tcp_congestion_control"]
	CC_R = meta["path.cc_remote"]; if (CC_R == "") CC_R = meta["receiver.net.ipv4.tcp_congestion_control"]
	if (CC_L == "" || CC_L == "?") CC_L = "unknown"
	if (CC_R == "" || CC_R == "?") CC_R = "unknown"
}

# rr_rtt(): without a probed path, the BDP's RTT from the smallest rr test
# (TCP's first); RTT_US and RTT_FROM.
function rr_rtt(    p, pick, pr, k) {
	RTT_US = ""; RTT_FROM = ""
	split("tcp udp rudp", pr, " ")
	for (k = 1; k <= 3 && RTT_US == ""; k++) {
		pick = ""
		for (p = 1; p <= np; p++) {
			if (s(p, "proto") != pr[k] || s(p, "kind") != "rr" || s(p, "rtt_p50_us_mean") == "") continue
			if (pick == "" || num(s(p, "msg_size_bytes")) < num(s(pick, "msg_size_bytes")) ||
			    (s(p, "msg_size_bytes") == s(pick, "msg_size_bytes") &&
			     num(s(p, "rtt_p50_us_mean")) < num(s(pick, "rtt_p50_us_mean"))))
				pick = p
		}
		if (pick != "") {
			RTT_US = s(pick, "rtt_p50_us_mean")
			RTT_FROM = "rtt_p50_us of " s(pick, "name") " " rows_txt(pick)
		}
	}
}

# ---- TCP and reliable UDP ----

# groups(proto): the stream points of proto by message size: G_N groups,
# G_SIZE[g], G_P[g, i] (G_NP[g] of them).
function groups(proto,    p, g, key) {
	for (key in G_ID) delete G_ID[key]
	G_N = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, proto)) continue
		key = s(p, "msg_size_bytes")
		if (!(key in G_ID)) { G_ID[key] = ++G_N; G_SIZE[G_N] = key; G_NP[G_N] = 0 }
		g = G_ID[key]
		G_P[g, ++G_NP[g]] = p
	}
}

# windowed(proto): the TCP or RUDP advice, per message size; sets
# VERDICT[proto] (the recommended point of the fastest group).
function windowed(proto,    g, i, cand, n, dflt, best, pick, p, picks, bests, top) {
	groups(proto)
	if (G_N == 0) {
		o("  no unpaced " proto " stream test in this run")
		return
	}
	bdp_line(proto)
	for (g = 1; g <= G_N; g++) {
		n = 0
		for (i = 1; i <= G_NP[g]; i++) cand[++n] = G_P[g, i]
		recommend(cand, n)
		best = R_BEST; pick = R_PICK
		o(sprintf("Stream, %s messages (%d setting%s):", fmt_size(G_SIZE[g]), n, (n == 1 ? "" : "s")))
		line("best measured", setting(best) ": " thr(best) ", " delay_txt(best) " " rows_txt(best))
		if (s(best, "throughput_bps_ci95") != "" && num(s(best, "throughput_bps_ci95")) > 0.05 * num(s(best, "throughput_bps_mean")))
			line("caution", sprintf("the best is known to +-%.0f%% only; a longer --duration or more --repeat narrows it",
				100 * s(best, "throughput_bps_ci95") / s(best, "throughput_bps_mean")))
		dflt = ""
		for (i = 1; i <= n; i++) if (defaults(cand[i])) dflt = cand[i]
		if (n > 1) {
			line("recommended", setting(pick) ": " thr(pick) sprintf(" (%.0f%% of the best), ", 100 * pct_of(pick, best)) \
				delay_txt(pick) " " rows_txt(pick))
			line("", sprintf("the least added delay of the %d setting%s within 95%% of the best (%s and up)",
				R_NWITHIN, (R_NWITHIN == 1 ? "" : "s"), fmt_bits(TARGET * s(best, "throughput_bps_mean"))))
		}
		if (dflt != "" && dflt != pick)
			line("kernel defaults", thr(dflt) sprintf(" (%.0f%% of the best), ", 100 * pct_of(dflt, best)) delay_txt(dflt) \
				"; granted sndbuf " s(dflt, "sndbuf_granted_bytes") ", rcvbuf " s(dflt, "rcvbuf_granted_bytes") " " rows_txt(dflt))
		else if (dflt == "" && n > 1)
			line("kernel defaults", "not measured at this size")
		if (proto == "tcp") window_requests(cand, n, best)
		else rudp_window(cand, n, best, pick)
		if (n > 1) calls(proto, pick)
		picks[g] = pick
		bests[g] = best
	}
	# across message sizes, the same rule over each size's pick, within
	# 95% of the best of them all
	recommend(bests, G_N)
	top = R_BEST
	recommend(picks, G_N, top)
	VERDICT[proto] = R_PICK
}

function pct_of(p, best) {
	if (num(s(best, "throughput_bps_mean")) <= 0) return 0
	return num(s(p, "throughput_bps_mean")) / num(s(best, "throughput_bps_mean"))
}

# window_requests(cand, n, best): the BDP, and per buffer the smallest
# request (the other buffer left to the kernel) reaching 95% of the best.
function window_requests(cand, n, best,    b, bufs, i, p, pick, top, tried, k, target, lab) {
	target = TARGET * num(s(best, "throughput_bps_mean"))
	split("sndbuf rcvbuf", bufs, " ")
	for (k = 1; k <= 2; k++) {
		b = bufs[k]
		pick = top = ""; tried = 0
		for (i = 1; i <= n; i++) {
			p = cand[i]
			if (s(p, b "_req_bytes") == "" || s(p, (k == 1 ? "rcvbuf" : "sndbuf") "_req_bytes") != "") continue
			tried++
			if (top == "" || num(s(p, "throughput_bps_mean")) > num(s(top, "throughput_bps_mean"))) top = p
			if (num(s(p, "throughput_bps_mean")) >= target &&
			    (pick == "" || num(s(p, b "_req_bytes")) < num(s(pick, b "_req_bytes"))))
				pick = p
		}
		if (tried == 0) continue
		lab = (k == 1) ? "SO_SNDBUF" : "SO_RCVBUF"
		if (pick != "") {
			line(lab, sprintf("%s is the smallest request reaching 95%% of the best (granted %s%s): %s, %s %s",
				s(pick, b "_req_bytes"), s(pick, b "_granted_bytes"),
				(BDP + 0 <= 0 ? "" : sprintf("; the request is %.2f x BDP", s(pick, b "_req_bytes") / BDP)),
				thr(pick), delay_txt(pick), rows_txt(pick)))
			WINDOW[b] = s(pick, b "_req_bytes")
			sysctl_need(b, WINDOW[b], pick)
		} else
			line(lab, sprintf("no request tried reaches 95%% of the best; the best of them, %s (granted %s), gave %s %s",
				s(top, b "_req_bytes"), s(top, b "_granted_bytes"), thr(top), rows_txt(top)))
	}
}

function bdp_line(proto,    b) {
	if (BDP != "") {
		line("BDP", bytes_txt(BDP) " (" BDP_FROM ")")
		return
	}
	rr_rtt()
	if (RTT_US == "" || !("tcp" in FASTEST)) {
		line("BDP", "unknown: no path probe (loopback, --no-probe) and no rr test")
		return
	}
	b = FASTEST["tcp"] * RTT_US / 1e6 / 8
	line("BDP", sprintf("%s x %s = %s (no path probe: the best TCP throughput x %s)",
		fmt_bits(FASTEST["tcp"]), ms_txt(RTT_US), bytes_txt(b), RTT_FROM))
}

# rudp_window(cand, n, best, pick): reliable UDP's windows against the
# BDP, in packets as the suite's window=2bdp counts them (csv.awk's
# rudp_pkts): a window of fewer
# packets than the BDP holds caps the transfer near window / RTT.
function rudp_window(cand, n, best, pick,    i, p, w, per, need, cap) {
	if (BDP == "") {
		w = s(pick, "window_req_pkts"); if (w == "") w = RUDP_WINDOW
		line("window", w " packets; no path probe, so no BDP to size it from")
		return
	}
	per = rudp_payload(s(pick, "msg_size_bytes"))
	need = rudp_pkts(BDP, per)
	for (i = 1; i <= n; i++) {
		p = cand[i]
		w = s(p, "window_req_pkts"); if (w == "") w = RUDP_WINDOW
		if (w + 0 >= need) continue
		cap = (RTT_IDLE + 0 > 0) ? "near window / RTT = " fmt_bits(w * per * 8 / (RTT_IDLE / 1e6)) : "below the path"
		line("window", sprintf("%s: %d packets x %d B = %s is below the BDP (%d packets): it caps reliable UDP %s; it made %s; window=2bdp (--window %d) sizes it from the path",
			setting(p), w, per, bytes_txt(w * per), need, cap, fmt_bits(s(p, "throughput_bps_mean")),
			rudp_pkts(2 * BDP, per)))
	}
	w = s(pick, "window_req_pkts"); if (w == "") w = RUDP_WINDOW
	if (w + 0 >= need)
		line("window", sprintf("the recommended %d packets are %.1f x the BDP", w, w / need))
}

# sysctl_need(buf, req, p): the sysctl -w line a request above the
# maximum needs (the sender's wmem_max, the receiver's rmem_max).
function sysctl_need(b, req, p,    name, max, where) {
	name = (b == "sndbuf") ? "net.core.wmem_max" : "net.core.rmem_max"
	where = (b == "sndbuf") ? "sender" : "receiver"
	max = sysctl_of(b == "sndbuf" ? "local" : "remote", name)
	if (max == "?" || req + 0 <= max + 0) return
	line("", sprintf("the request is above the %s's %s = %s: there, sysctl -w %s=%d", where, name, max, name, req))
}

function sysctl_of(end, name,    k) {
	k = (end == "remote" && ("receiver." name) in meta) ? "receiver." name : name
	return (k in meta) ? meta[k] : "?"
}

# calls(proto, p): the setsockopt() calls of the recommended setting.
function calls(proto, p,    set, n, a, i, j, opt, val, ends) {
	if (defaults(p)) {
		line("=>", "set nothing: the kernel's defaults are the recommended setting" \
			(proto == "tcp" ? " (TCP autotunes both buffers)" : ""))
		return
	}
	if (proto == "rudp") {
		line("=>", "tub-send --proto rudp" (s(p, "window_req_pkts") == "" ? "" : " --window " s(p, "window_req_pkts")) \
			(cc_default(s(p, "rudp_cc")) ? "" : " --cc " s(p, "rudp_cc")))
		return
	}
	line("=>", "in C, before connect() / listen() (a buffer set later does not widen the window scale):")
	if (s(p, "sndbuf_req_bytes") != "") {
		print_call("sender", "SOL_SOCKET", "SO_SNDBUF", s(p, "sndbuf_req_bytes"), "Linux doubles it")
		sysctl_need("sndbuf", s(p, "sndbuf_req_bytes"), p)
	}
	if (s(p, "rcvbuf_req_bytes") != "") {
		print_call("receiver", "SOL_SOCKET", "SO_RCVBUF", s(p, "rcvbuf_req_bytes"), "Linux doubles it; turns off receive autotuning")
		sysctl_need("rcvbuf", s(p, "rcvbuf_req_bytes"), p)
	}
	split("local remote", ends, " ")
	for (i = 1; i <= 2; i++) {
		set = opts_drop(opts_drop(s(p, ends[i] "_opts"), "sndbuf"), "rcvbuf")
		n = split(set, a, ",")
		for (j = 1; j <= n; j++) {
			opt = a[j]; val = ""
			if (index(opt, "=") > 0) {
				val = substr(opt, index(opt, "=") + 1)
				opt = substr(opt, 1, index(opt, "=") - 1)
			}
			opt_call(ends[i] == "local" ? "sender" : "receiver", opt, val)
		}
	}
}

# opt_call(who, opt, val): the C for one of tub-send's options (names as in
# tub-send --list-options), with its level, name and kind of value.
function opt_call(who, opt, val,    k, lv, nm, v) {
	k = "int"
	if (opt ~ /^(nodelay|cork|quickack|maxseg|notsent_lowat|keepidle|keepintvl|keepcnt|user_timeout)$/) {
		lv = "IPPROTO_TCP"; nm = "TCP_" toupper(opt)
	} else if (opt ~ /^(keepalive|rcvlowat|busy_poll|priority)$/) {
		lv = "SOL_SOCKET"; nm = "SO_" toupper(opt)
	} else if (opt == "congestion") {
		o(sprintf("    %-9s setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, \"%s\", %d);", who ":", val, length(val)))
		return
	} else if (opt == "linger") {
		o(sprintf("    %-9s struct linger l = { .l_onoff = %d, .l_linger = %d }; setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);",
			who ":", (val == "off" ? 0 : 1), (val == "off" ? 0 : val + 0)))
		return
	} else if (opt == "tos") {
		lv = "IPPROTO_IP"; nm = "IP_TOS (IPv6: IPPROTO_IPV6, IPV6_TCLASS)"
	} else if (opt == "mtu_discover") {
		lv = "IPPROTO_IP"; nm = "IP_MTU_DISCOVER (IPv6: IPPROTO_IPV6, IPV6_MTU_DISCOVER)"
	} else {
		o(sprintf("    %-9s %s%s (tub-send --list-options says what it sets)", who ":", opt, (val == "" ? "" : "=" val)))
		return
	}
	v = (val == "") ? 1 : (opt ~ /^(notsent_lowat|rcvlowat|maxseg)$/) ? bytes_of(val) : val
	print_call(who, lv, nm, v, "")
}

# bytes_of(v): a size as tub-send reads it (16K, 1m, 64KiB, 2G: powers of
# 1024) in bytes.
function bytes_of(v,    f, u) {
	f = v + 0
	u = v
	sub(/^[0-9.]+/, "", u)
	sub(/i?B$/, "", u)
	if (u ~ /^[kK]$/) return f * 1024
	if (u ~ /^[mM]$/) return f * 1048576
	if (u ~ /^[gG]$/) return f * 1073741824
	return f
}

function print_call(who, level, name, val, note) {
	o(sprintf("    %-9s int v = %s; setsockopt(fd, %s, %s, &v, sizeof v);%s", who ":", val, level, name,
		(note == "" ? "" : "  /* " note " */")))
}

# ---- UDP ----

function udp(    p, cand, n, bad, nbad, best, i) {
	n = nbad = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, "udp")) continue
		if (udp_ok(p)) cand[++n] = p
		else bad[++nbad] = p
	}
	o(sprintf("Streams whose loss is within the bound (%.3g%% above the path's own %s, with its sampling noise):",
		THRESHOLD, (PATH_LOSS == "" ? "(no probe: 0%)" : sprintf("%.3g%%", PATH_LOSS))))
	best = ""
	for (i = 1; i <= n; i++)
		if (best == "" || num(s(cand[i], "throughput_bps_mean")) > num(s(best, "throughput_bps_mean"))) best = cand[i]
	if (best == "")
		line("best", "no UDP stream stayed within the bound: nothing to advise from")
	else {
		line("best", fmt_size(s(best, "msg_size_bytes")) " " setting(best) ": " thr(best) " (bound " sprintf("%.3g%%", udp_bound(best)) "), " delay_txt(best) " " rows_txt(best))
		VERDICT["udp"] = best
	}
	udp_rcvbuf()
	if (nbad > 0) {
		o(sprintf("Not advised from (loss over the bound, or the overload flood):"))
		for (i = 1; i <= nbad; i++)
			o(sprintf("  %-44s %s%s%s %s", fmt_size(s(bad[i], "msg_size_bytes")) " " setting(bad[i]) ":", (s(bad[i], "udp_overload") == "1" ? "overload test, " : ""),
				sprintf("loss %.3g%% > %.3g%%", s(bad[i], "udp_loss_pct_mean"), udp_bound(bad[i])),
				(num(s(bad[i], "udp_rcvbuf_drops_mean")) > 0 ? sprintf(", %.0f datagrams dropped in the receive buffer (udp_rcvbuf_drops)",
					s(bad[i], "udp_rcvbuf_drops_mean")) : ""), rows_txt(bad[i])))
	}
	maxrates()
	fragments()
}

# udp_rcvbuf(): the smallest SO_RCVBUF that keeps the loss within the
# bound at the highest rate where receive buffers were compared (paced
# points of one size and rate with two receive buffers or more, the
# kernel's default counting as one, ordered by the size granted). When
# none held there, the line says so and the next rate down is tried.
function udp_rcvbuf(    p, key, nb, k, nk, keys, rate, size, order, i, j, t, pick, fails, said, n, kv) {
	nk = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, "udp") || s(p, "rate_req_bps") == "" || s(p, "sndbuf_req_bytes") != "") continue
		key = s(p, "msg_size_bytes") SUBSEP s(p, "rate_req_bps")
		if (!(key in nb)) keys[++nk] = key
		nb[key]++
	}
	# the compared groups, highest rate first
	n = 0
	for (k = 1; k <= nk; k++) if (nb[keys[k]] >= 2) order[++n] = keys[k]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && group_rate(order[j]) > group_rate(order[j - 1]); j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	if (n == 0) {
		line("SO_RCVBUF", "receive buffers not compared at one rate (--suite tune or buffers compares them)")
		return
	}
	said = 0
	for (i = 1; i <= n; i++) {
		split(order[i], kv, SUBSEP); size = kv[1]; rate = kv[2]
		pick = ""; fails = ""
		for (p = 1; p <= np; p++) {
			if (!stream(p, "udp") || s(p, "sndbuf_req_bytes") != "" || s(p, "msg_size_bytes") != size ||
			    s(p, "rate_req_bps") != rate) continue
			if (!udp_ok(p)) {
				fails = fails (fails == "" ? "" : ", ") rcvbuf_txt(p) sprintf(" lost %.3g%%", s(p, "udp_loss_pct_mean"))
				continue
			}
			if (pick == "" || num(s(p, "rcvbuf_granted_bytes")) < num(s(pick, "rcvbuf_granted_bytes"))) pick = p
		}
		if (pick == "") {
			line(said++ ? "" : "SO_RCVBUF", sprintf("%s datagrams at %s: no receive buffer tried kept the loss within the bound (%s)",
				fmt_size(size), fmt_bits(rate), fails))
			continue
		}
		line(said++ ? "" : "SO_RCVBUF", sprintf("%s is the smallest receive buffer that keeps the loss of %s datagrams within the bound at %s%s: %s %s",
			rcvbuf_txt(pick), fmt_size(size), fmt_bits(rate),
			(s(pick, "point_label") == "" ? "" : " (" s(pick, "point_label") ")") (i == 1 ? ", the highest rate where buffers were compared" : ""),
			thr(pick), rows_txt(pick)))
		if (fails != "") line("", "over the bound there: " fails)
		if (s(pick, "rcvbuf_req_bytes") != "") {
			print_call("receiver", "SOL_SOCKET", "SO_RCVBUF", s(pick, "rcvbuf_req_bytes"), "Linux doubles it")
			sysctl_need("rcvbuf", s(pick, "rcvbuf_req_bytes"), pick)
		}
		return
	}
}

function group_rate(key,    k) {
	split(key, k, SUBSEP)
	return k[2] + 0
}

function rcvbuf_txt(p) {
	if (s(p, "rcvbuf_req_bytes") == "") return "the default (granted " s(p, "rcvbuf_granted_bytes") ")"
	return s(p, "rcvbuf_req_bytes") " (granted " s(p, "rcvbuf_granted_bytes") ")"
}


function maxrates(    m, t) {
	if (nm == 0) return
	o("Highest UDP rate within the bound, per SO_RCVBUF (maxrate.csv; trials in maxrate_trials.csv):")
	for (m = 1; m <= nm; m++) {
		t = sprintf("  %s, rcvbuf %s (granted %s): ", fmt_size(M[m, "msg_size_bytes"]),
			(M[m, "rcvbuf_req_bytes"] == "" ? "default" : M[m, "rcvbuf_req_bytes"]),
			M[m, "rcvbuf_granted_bytes"])
		if (M[m, "rate_bps"] != "") {
			t = t sprintf("%s offered, loss %.3g%% (bound %s%%)", fmt_bits(M[m, "rate_bps"]), M[m, "loss_pct"],
				(M[m, "loss_bound_pct"] == "" ? M[m, "loss_threshold_pct"] : M[m, "loss_bound_pct"]))
			if (!("udp" in MAXRATE) || num(M[m, "rate_bps"]) > num(M[MAXRATE["udp"], "rate_bps"])) MAXRATE["udp"] = m
		} else
			t = t sprintf("none (%s)", M[m, "status"])
		o(t sprintf(" [maxrate.csv row %d; maxrate_trials.csv rows %s%s]", M[m, "line"], M[m, "trial_rows"],
			(M[m, "best_row"] == "" ? "" : ", best " M[m, "best_row"])))
	}
}

# fragments(): UDP points whose datagrams the path cut into IP fragments.
function fragments(    p, any, f) {
	for (p = 1; p <= np; p++) {
		if (s(p, "proto") != "udp" || s(p, "n") + 0 == 0) continue
		f = s(p, "udp_ip_fragments_mean")
		if (f == "" || f <= 1) continue
		if (!any) o("Datagrams larger than the path MTU (udp_ip_fragments: IP packets per datagram):")
		any = 1
		o(sprintf("  %-44s %s fragments each; one lost fragment loses the datagram %s", s(p, "name") ":", f, rows_txt(p)))
	}
	if (any)
		o("  keep UDP datagrams within the path MTU (path_mtu_bytes less 28 B of headers for IPv4, 48 B for IPv6)")
}

# ---- clamps ----

function clamps(    p, e, b, flag, req, ends, bufs, i, j, n, worst, rws, sysname, where) {
	split("local remote", ends, " ")
	split("sndbuf rcvbuf", bufs, " ")
	n = 0
	for (i = 1; i <= 2; i++)
	for (j = 1; j <= 2; j++) {
		e = ends[i]; b = bufs[j]
		flag = e "_" b "_clamped"
		worst = ""; rws = ""
		for (p = 1; p <= np; p++) {
			if (s(p, flag) != "1") continue
			req = requested(p, e, b)
			if (worst == "" || req + 0 > worst + 0) worst = req
			rws = rws (rws == "" ? "" : ", ") s(p, "rows")
		}
		if (worst == "") continue
		if (n++ == 0) o("Buffer requests the sysctls clamped (the granted size in the rows is what the test had):")
		gsub(/ /, ", ", rws)
		sysname = (b == "sndbuf") ? "net.core.wmem_max" : "net.core.rmem_max"
		where = (e == "local") ? "sender" : "receiver"
		o(sprintf("  %s=%s on the %s was clamped to %s = %s [rows %s]; to allow it there: sysctl -w %s=%d",
			b, worst, where, sysname, sysctl_of(e, sysname), rws, sysname, worst))
	}
}

# requested(p, end, buf): the request behind a clamp flag.
function requested(p, e, b,    set, n, a, i) {
	if (e == "local" && b == "sndbuf") return s(p, "sndbuf_req_bytes")
	if (e == "remote" && b == "rcvbuf") return s(p, "rcvbuf_req_bytes")
	set = s(p, e "_opts")
	n = split(set, a, ",")
	for (i = 1; i <= n; i++)
		if (a[i] ~ "^" b "=") return bytes_of(substr(a[i], length(b) + 2))
	return 0
}

# ---- the text ----

function header(    p, snd, rcv, nmax, run) {
	for (p = 1; p <= np && snd == ""; p++) { snd = s(p, "sender_host"); rcv = s(p, "receiver_host"); run = s(p, "run_id") }
	if (run == "") run = (nm > 0) ? M[1, "run_id"] : meta["run_id"]
	if (snd == "") snd = meta["hostname"]
	if (rcv == "") rcv = ("receiver.hostname" in meta) ? meta["receiver.hostname"] : snd
	print "Tuning advice for run " run
	print "link: " meta["link"] "; sender " snd ", receiver " rcv
	if ("path" in meta) print "path: " meta["path"]
	print "congestion control: sender " CC_L ", receiver " CC_R " (net.ipv4.tcp_congestion_control;" \
		" TCP's trade-off between throughput and delay depends on it)"
	print "Figures are means over repetitions (summary.csv); [rows ...] are the data rows"
	print "of results.csv behind each one (row 1 is the line after the header). Added delay:"
	print "the message delay above its minimum (msg_delay_*_over_min_us), time spent in"
	print "buffers and queues beyond the path's own delay."
	for (p = 1; p <= np; p++) if (s(p, "n") + 0 > nmax) nmax = s(p, "n") + 0
	if (nmax == 1)
		print "Each point ran once: differences of less than ~20% may be noise (--repeat 3 tells)."
	print ""
}

# verdict(): one line per transport, its recommended setting.
function verdict(    t, pr, p, m, any) {
	split("tcp udp rudp", pr, " ")
	for (t = 1; t <= 3; t++) if (pr[t] in VERDICT) any = 1
	if (!any && !("udp" in MAXRATE)) return
	print "Verdict on this path (each transport's recommended setting; the figures behind it below):"
	printf "  %-5s %-13s %-8s %-24s %-16s %s\n", "", "throughput", "loss", "added delay p50 / p99", "cpu s/GB snd/rcv", "setting"
	for (t = 1; t <= 3; t++) {
		if (!(pr[t] in VERDICT)) continue
		p = VERDICT[pr[t]]
		printf "  %-5s %-13s %-8s %-24s %-16s %s %s\n", toupper(pr[t]), fmt_bits(s(p, "throughput_bps_mean")),
			(s(p, "udp_loss_pct_mean") == "" ? "-" : sprintf("%.3g%%", s(p, "udp_loss_pct_mean"))),
			(has_delay(p) ? "+" ms_txt(s(p, "msg_delay_p50_over_min_us_mean")) " / +" ms_txt(s(p, "msg_delay_p99_over_min_us_mean")) : "-"),
			cpu_pair(p),
			fmt_size(s(p, "msg_size_bytes")) " messages, " setting(p), rows_txt(p)
	}
	if ("udp" in MAXRATE) {
		m = MAXRATE["udp"]
		printf "  UDP within the loss bound: up to %s offered (%s, rcvbuf %s) [maxrate.csv row %d]\n", fmt_bits(M[m, "rate_bps"]),
			fmt_size(M[m, "msg_size_bytes"]), (M[m, "rcvbuf_req_bytes"] == "" ? "default" : M[m, "rcvbuf_req_bytes"]), M[m, "line"]
	}
	print ""
}

# section(proto): the advice for one transport.
function section(proto) {
	o("== " toupper(proto) " ==")
	if (proto == "udp") udp()
	else windowed(proto)
	o("")
}

END {
	if (np == 0 && nm == 0) { print "no results: no advice"; exit }
	path_facts()
	for (p = 1; p <= np; p++)
		if (stream(p, "tcp") && (!("tcp" in FASTEST) || num(s(p, "throughput_bps_mean")) > FASTEST["tcp"]))
			FASTEST["tcp"] = num(s(p, "throughput_bps_mean"))
	for (t = 1; t <= 3; t++) {
		proto = (t == 1) ? "tcp" : (t == 2) ? "udp" : "rudp"
		has = 0
		for (p = 1; p <= np; p++) if (s(p, "proto") == proto) has = 1
		if (has || (proto == "udp" && nm > 0)) section(proto)
	}
	clamps()
	header()
	verdict()
	printf "%s", BUF
}
