# advice.awk: tuning advice from one run, as plain text.
#   awk -f scripts/lib/csv.awk -f scripts/advice.awk meta.txt summary.csv [maxrate.csv]
# Per transport: the smallest SO_SNDBUF and SO_RCVBUF reaching 95% of the best
# measured stream throughput (with the granted size), the bandwidth-delay
# product from measured RTT and rate, requests the net.core.*mem_max sysctls
# clamped (and the line that lifts them), and where UDP lost datagrams in its
# receive buffer. Every figure names the rows it comes from.

BEGIN {
	FS_META = ": "
}

function v(name) {
	return (name in col) ? row[col[name]] : ""
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

function s(p, k) { return S[p, k] }

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

# next_pow2_txt(b): the buffer request to type for at least b bytes.
function next_pow2_txt(b,    x) {
	x = 4096
	while (x < b) x *= 2
	return fmt_buf(x)
}

# thr(p): mean throughput of a point, with its 95% CI when it has one.
# On UDP the datagrams lost come with it.
function thr(p,    t) {
	t = fmt_bits(s(p, "throughput_bps_mean"))
	if (s(p, "throughput_bps_ci95") != "")
		t = t sprintf(" +-%s (95%% CI, n=%d)", fmt_bits(s(p, "throughput_bps_ci95")), s(p, "n"))
	if (s(p, "udp_loss_pct_mean") != "")
		t = t sprintf(", loss %.3g%%", s(p, "udp_loss_pct_mean"))
	return t
}

function us_txt(us) {
	return (us >= 1000) ? sprintf("%.2f ms", us / 1000) : sprintf("%.1f us", us)
}

function line(label, text) {
	printf "  %-18s %s\n", label, text
}

# stream(p): an unpaced stream point with an ok row.
function stream(p, proto) {
	return s(p, "proto") == proto && s(p, "kind") == "stream" &&
		s(p, "rate_req_bps") == "" && s(p, "n") > 0 && s(p, "throughput_bps_mean") != ""
}

# other_opts(p): the point's options beyond the two buffers (its group).
function other_opts(p) {
	return opts_drop(s(p, "local_opts"), "sndbuf") "|" opts_drop(s(p, "remote_opts"), "rcvbuf")
}

# ---- buffers ----

# buffers(proto): per message size (and other options), the smallest
# sndbuf and rcvbuf reaching 95% of the best. Sets BEST[proto], BESTP[proto].
function buffers(proto,    p, g, key, ng, gid, gk, gsize, best, bp, any, target, d, dflt) {
	ng = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, proto)) continue
		key = s(p, "msg_size_bytes") SUBSEP other_opts(p)
		if (!(key in gid)) { gid[key] = ++ng; gk[ng] = key; gsize[ng] = s(p, "msg_size_bytes") }
		g = gid[key]
		if (s(p, "sndbuf_req_bytes") != "" || s(p, "rcvbuf_req_bytes") != "") any[g] = 1
		if (!(g in bp) || s(p, "throughput_bps_mean") + 0 > best[g]) {
			best[g] = s(p, "throughput_bps_mean") + 0
			bp[g] = p
		}
		if (!(proto in BEST) || best[g] > BEST[proto]) { BEST[proto] = best[g]; BESTP[proto] = bp[g] }
	}
	if (ng == 0) {
		print "  no unpaced " proto " stream test in this run"
		return
	}
	for (g = 1; g <= ng; g++) {
		split(gk[g], d, SUBSEP)
		printf "Throughput, stream, %s messages%s:\n", fmt_size(gsize[g]),
			(d[2] == "|") ? "" : " (options " d[2] ")"
		target = 0.95 * best[g]
		line("best measured", thr(bp[g]) ", " s(bp[g], "name") " " rows_txt(bp[g]))
		line("95% of best", fmt_bits(target))
		if (s(bp[g], "throughput_bps_ci95") != "" && s(bp[g], "throughput_bps_ci95") > 0.05 * best[g])
			line("caution", sprintf("the best is known to +-%.0f%% only; a longer --duration or more --repeat narrows it",
				100 * s(bp[g], "throughput_bps_ci95") / best[g]))
		if (!(g in any)) {
			line("buffers", "not swept for this size (--suite buffers sweeps them)")
			continue
		}
		PICK["sndbuf"] = PICK["rcvbuf"] = PAIR = ""
		smallest(proto, g, gid, "sndbuf", "rcvbuf", target, "SO_SNDBUF")
		smallest(proto, g, gid, "rcvbuf", "sndbuf", target, "SO_RCVBUF")
		smallest_pair(proto, g, gid, target)
		dflt = ""
		for (p = 1; p <= np; p++)
			if (stream(p, proto) && gid[s(p, "msg_size_bytes") SUBSEP other_opts(p)] == g &&
			    s(p, "sndbuf_req_bytes") == "" && s(p, "rcvbuf_req_bytes") == "") {
				dflt = p
				line("no buffer set", sprintf("%s (%.0f%% of best; granted sndbuf %s, rcvbuf %s) %s",
					thr(p), 100 * s(p, "throughput_bps_mean") / best[g],
					s(p, "sndbuf_granted_bytes"), s(p, "rcvbuf_granted_bytes"), rows_txt(p)))
			}
		line("=>", conclusion(proto, dflt, target))
	}
}

# smallest_pair(...): of the points with both buffers asked for, the one
# reaching target with the least memory (sndbuf + rcvbuf).
function smallest_pair(proto, g, gid, target,    p, pick, tried) {
	pick = ""; tried = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, proto) || gid[s(p, "msg_size_bytes") SUBSEP other_opts(p)] != g) continue
		if (s(p, "sndbuf_req_bytes") == "" || s(p, "rcvbuf_req_bytes") == "") continue
		tried++
		if (s(p, "throughput_bps_mean") + 0 >= target && (pick == "" ||
		    s(p, "sndbuf_req_bytes") + s(p, "rcvbuf_req_bytes") < s(pick, "sndbuf_req_bytes") + s(pick, "rcvbuf_req_bytes")))
			pick = p
	}
	if (tried == 0) return
	if (pick == "") {
		line("both together", "no pair tried reaches it")
		return
	}
	line("both together", sprintf("sndbuf %s + rcvbuf %s is the smallest pair reaching it (granted %s, %s): %s %s",
		fmt_buf(s(pick, "sndbuf_req_bytes")), fmt_buf(s(pick, "rcvbuf_req_bytes")),
		s(pick, "sndbuf_granted_bytes"), s(pick, "rcvbuf_granted_bytes"), thr(pick), rows_txt(pick)))
	PAIR = pick
}

# conclusion(proto, dflt, target): what to do, from the lines above.
function conclusion(proto, dflt, target,    t) {
	if (dflt != "" && s(dflt, "throughput_bps_mean") + 0 >= target)
		return "the kernel's defaults reach 95% of the best: set no buffer" \
			(proto == "tcp" ? " (TCP autotunes both)" : "")
	t = ""
	if (PICK["sndbuf"] != "") t = "SO_SNDBUF " fmt_buf(PICK["sndbuf"])
	if (PICK["rcvbuf"] != "") t = t (t == "" ? "" : " and ") "SO_RCVBUF " fmt_buf(PICK["rcvbuf"])
	if (t == "" && PAIR != "")
		return "ask for SO_SNDBUF " fmt_buf(s(PAIR, "sndbuf_req_bytes")) " and SO_RCVBUF " \
			fmt_buf(s(PAIR, "rcvbuf_req_bytes")) " together"
	if (t == "") return "no buffer setting tried reached 95% of the best"
	t = "ask for " t " (each alone reached 95% of the best)"
	if (proto == "udp")
		t = t "; unpaced UDP loses datagrams whatever the buffer: pace the sender under the max-rate found below"
	return t
}

# smallest(...): the smallest `which` buffer (the other one unset) whose
# point reaches target; one line on it.
function smallest(proto, g, gid, which, other, target, label,    p, pick, top, tried) {
	pick = ""; top = ""; tried = 0
	for (p = 1; p <= np; p++) {
		if (!stream(p, proto) || gid[s(p, "msg_size_bytes") SUBSEP other_opts(p)] != g) continue
		if (s(p, which "_req_bytes") == "" || s(p, other "_req_bytes") != "") continue
		tried++
		if (top == "" || s(p, "throughput_bps_mean") + 0 > s(top, "throughput_bps_mean") + 0) top = p
		if (s(p, "throughput_bps_mean") + 0 >= target &&
		    (pick == "" || s(p, which "_req_bytes") + 0 < s(pick, which "_req_bytes") + 0))
			pick = p
	}
	if (tried == 0) return
	if (pick != "") {
		line(label, sprintf("%s is the smallest request reaching it (granted %s): %s %s",
			fmt_buf(s(pick, which "_req_bytes")), s(pick, which "_granted_bytes"),
			thr(pick), rows_txt(pick)))
		CHOSEN[proto, which] = PICK[which] = s(pick, which "_req_bytes")
	} else
		line(label, sprintf("no request tried reaches it; the best, %s (granted %s), gave %s %s",
			fmt_buf(s(top, which "_req_bytes")), s(top, which "_granted_bytes"),
			thr(top), rows_txt(top)))
}

# ---- round trip and BDP ----

# rtt(proto): sets RTT_US and RTT_FROM; the median round trip of the
# smallest rr test of proto (else TCP's), else TCP_INFO's smoothed RTT.
function rtt(proto,    p, pick, pr, k) {
	RTT_US = ""; RTT_FROM = ""
	split(proto " tcp udp", pr, " ")
	for (k = 1; k <= 3 && RTT_US == ""; k++) {
		pick = ""
		for (p = 1; p <= np; p++) {
			if (s(p, "proto") != pr[k] || s(p, "kind") != "rr" || s(p, "rtt_p50_us_mean") == "") continue
			if (pick == "" || s(p, "msg_size_bytes") + 0 < s(pick, "msg_size_bytes") + 0 ||
			    (s(p, "msg_size_bytes") == s(pick, "msg_size_bytes") &&
			     s(p, "rtt_p50_us_mean") + 0 < s(pick, "rtt_p50_us_mean") + 0))
				pick = p
		}
		if (pick != "") {
			RTT_US = s(pick, "rtt_p50_us_mean")
			RTT_FROM = "rtt_p50_us of " s(pick, "name") " " rows_txt(pick)
		}
	}
	if (RTT_US == "" && (proto in BESTP) && s(BESTP[proto], "tcp_rtt_us_mean") != "") {
		RTT_US = s(BESTP[proto], "tcp_rtt_us_mean")
		RTT_FROM = "tcp_rtt_us (TCP_INFO, under load) of " s(BESTP[proto], "name") " " rows_txt(BESTP[proto])
	}
}

function bdp(proto,    b, w) {
	print "Round trip and bandwidth-delay product:"
	rtt(proto)
	if (RTT_US == "" || !(proto in BEST)) {
		line("BDP", "needs an rr test and a stream test in the run")
		return
	}
	line("RTT", us_txt(RTT_US) ": " RTT_FROM)
	b = BEST[proto] * RTT_US / 1e6 / 8
	line("BDP", sprintf("%s x %s = %s", fmt_bits(BEST[proto]), us_txt(RTT_US), bytes_txt(b)))
	if (proto == "udp")
		w = "UDP has no window: its receive buffer must hold what arrives while the receiver is not reading; " \
			"the drops below show how much is enough"
	else
		w = "a buffer request of at least " next_pow2_txt(b) " covers one BDP (the kernel doubles it for its bookkeeping)"
	if (proto != "udp" && (proto, "rcvbuf") in CHOSEN)
		w = w sprintf("; the SO_RCVBUF found above is %.1f x BDP", CHOSEN[proto, "rcvbuf"] / b)
	line("=>", w)
}

# ---- clamps ----

function sysctl_of(end, name,    k) {
	k = (end == "remote" && ("receiver." name) in meta) ? "receiver." name : name
	return (k in meta) ? meta[k] : "?"
}

function clamps(proto,    p, e, b, flag, req, ends, bufs, i, j, n, worst, rws, sysname, where) {
	split("local remote", ends, " ")
	split("sndbuf rcvbuf", bufs, " ")
	n = 0
	for (i = 1; i <= 2; i++)
	for (j = 1; j <= 2; j++) {
		e = ends[i]; b = bufs[j]
		flag = e "_" b "_clamped"
		worst = ""; rws = ""
		for (p = 1; p <= np; p++) {
			if (s(p, "proto") != proto || s(p, flag) != "1") continue
			req = requested(p, e, b)
			if (worst == "" || req + 0 > worst + 0) worst = req
			rws = rws (rws == "" ? "" : ", ") s(p, "rows")
		}
		if (worst == "") continue
		n++
		gsub(/ /, ", ", rws)
		sysname = (b == "sndbuf") ? "net.core.wmem_max" : "net.core.rmem_max"
		where = (e == "local") ? "sender" : "receiver"
		printf "  %s=%s on the %s was clamped to %s = %s [rows %s]\n", b, fmt_buf(worst),
			where, sysname, sysctl_of(e, sysname), rws
		printf "    to allow it, on the %s: sysctl -w %s=%d\n", where, sysname, worst
	}
	if (n == 0) print "  no buffer request was clamped by net.core.rmem_max / wmem_max"
}

# requested(p, end, buf): the request behind a clamp flag; sender sndbuf
# and receiver rcvbuf have columns, the other two come from the options.
function requested(p, e, b,    o, n, a, i) {
	if (e == "local" && b == "sndbuf") return s(p, "sndbuf_req_bytes")
	if (e == "remote" && b == "rcvbuf") return s(p, "rcvbuf_req_bytes")
	o = s(p, e "_opts")
	n = split(o, a, ",")
	for (i = 1; i <= n; i++)
		if (a[i] ~ "^" b "=") return substr(a[i], length(b) + 2) + 0
	return 0
}

# ---- UDP receive-buffer drops ----

function udp_drops(    p, drops, any) {
	print "Datagrams dropped in the receive buffer (udp_rcvbuf_drops, SO_RXQ_OVFL):"
	any = 0
	for (p = 1; p <= np; p++) {
		if (s(p, "proto") != "udp" || s(p, "kind") != "stream" || s(p, "n") == 0) continue
		any = 1
		drops = s(p, "udp_rcvbuf_drops_mean")
		if (drops == "") continue
		printf "  %-44s %s\n", s(p, "name") ":", drop_txt(p)
	}
	if (!any) print "  no UDP stream test in this run"
	first_drop()
}

# fragments(): the UDP points whose datagrams the path cut into IP
# fragments: one lost fragment loses the datagram, so their loss is not
# the path's loss per packet.
function fragments(    p, any, f) {
	for (p = 1; p <= np; p++) {
		if (s(p, "proto") != "udp" || s(p, "n") == 0) continue
		f = s(p, "udp_ip_fragments_mean")
		if (f == "" || f <= 1) continue
		if (!any) print "Datagrams larger than the path MTU (udp_ip_fragments: IP packets per datagram):"
		any = 1
		printf "  %-44s %s fragments each; one lost fragment loses the datagram %s\n", s(p, "name") ":", f, rows_txt(p)
	}
	if (any)
		print "  keep UDP datagrams within the path MTU (path_mtu_bytes less 28 B of headers for IPv4, 48 B for IPv6)"
}

function drop_txt(p,    d) {
	d = s(p, "udp_rcvbuf_drops_mean") + 0
	if (d == 0) return "none " rows_txt(p)
	return sprintf("%.0f dropped (loss %.3g%%, max %s) %s", d, s(p, "udp_loss_pct_mean"),
		s(p, "udp_rcvbuf_drops_max"), rows_txt(p))
}

# first_drop: per receive buffer, the lowest paced rate with drops and the
# highest without.
function first_drop(    p, key, lowd, hiok, k, n, keys, rb, seen, d) {
	for (p = 1; p <= np; p++) {
		if (s(p, "proto") != "udp" || s(p, "kind") != "stream" || s(p, "rate_req_bps") == "" ||
		    s(p, "udp_rcvbuf_drops_mean") == "") continue
		key = s(p, "msg_size_bytes") SUBSEP s(p, "rcvbuf_req_bytes")
		if (!(key in seen)) { seen[key] = 1; keys[++n] = key }
		if (s(p, "udp_rcvbuf_drops_mean") + 0 > 0) {
			if (!(key in lowd) || s(p, "rate_req_bps") + 0 < s(lowd[key], "rate_req_bps") + 0) lowd[key] = p
		} else if (!(key in hiok) || s(p, "rate_req_bps") + 0 > s(hiok[key], "rate_req_bps") + 0)
			hiok[key] = p
	}
	for (k = 1; k <= n; k++) {
		split(keys[k], d, SUBSEP)
		rb = (d[2] == "") ? "default rcvbuf" : "rcvbuf " fmt_buf(d[2])
		printf "  => paced, %s, %s: ", fmt_size(d[1]), rb
		if (keys[k] in lowd)
			printf "drops from %s offered %s", fmt_rate(s(lowd[keys[k]], "rate_req_bps")), rows_txt(lowd[keys[k]])
		else
			printf "no drops at any rate tried"
		if (keys[k] in hiok)
			printf "; none up to %s %s", fmt_rate(s(hiok[keys[k]], "rate_req_bps")), rows_txt(hiok[keys[k]])
		printf "\n"
	}
}

function maxrates(    m) {
	if (nm == 0) return
	print "Highest UDP rate with loss at or under the threshold (maxrate.csv; trials in maxrate_trials.csv):"
	for (m = 1; m <= nm; m++) {
		printf "  %s, rcvbuf %s (granted %s): ", fmt_size(M[m, "msg_size_bytes"]),
			(M[m, "rcvbuf_req_bytes"] == "" ? "default" : fmt_buf(M[m, "rcvbuf_req_bytes"])),
			M[m, "rcvbuf_granted_bytes"]
		if (M[m, "rate_bps"] != "")
			printf "%s offered, loss %.3g%% <= %s%%", fmt_bits(M[m, "rate_bps"]), M[m, "loss_pct"], M[m, "loss_threshold_pct"]
		else
			printf "none (%s)", M[m, "status"]
		printf " [maxrate.csv row %d; maxrate_trials.csv rows %s%s]\n", M[m, "line"], M[m, "trial_rows"],
			(M[m, "best_row"] == "" ? "" : ", best " M[m, "best_row"])
	}
}

# ---- the text ----

function header(    p, snd, rcv, nmax) {
	for (p = 1; p <= np && snd == ""; p++) { snd = s(p, "sender_host"); rcv = s(p, "receiver_host"); run = s(p, "run_id") }
	if (run == "") run = (nm > 0) ? M[1, "run_id"] : meta["run_id"]
	if (snd == "") snd = meta["hostname"]
	if (rcv == "") rcv = ("receiver.hostname" in meta) ? meta["receiver.hostname"] : snd
	print "Tuning advice for run " run
	print "link: " meta["link"] "; sender " snd ", receiver " rcv
	print "Figures are means over repetitions (summary.csv); [rows ...] are the data rows"
	print "of results.csv behind each one (row 1 is the line after the header)."
	for (p = 1; p <= np; p++) if (s(p, "n") + 0 > nmax) nmax = s(p, "n") + 0
	if (nmax == 1)
		print "Each point ran once: differences of less than ~20% may be noise (--repeat 3 tells)."
	print ""
}

END {
	if (np == 0 && nm == 0) { print "no results: no advice"; exit }
	header()
	if (np == 0) { print "== UDP =="; maxrates(); exit }
	for (t = 1; t <= 3; t++) {
		proto = (t == 1) ? "tcp" : (t == 2) ? "udp" : "rudp"
		has = 0
		for (p = 1; p <= np; p++) if (s(p, "proto") == proto) has = 1
		if (!has) continue
		print "== " toupper(proto) " =="
		buffers(proto)
		bdp(proto)
		print "Buffer requests clamped by the sysctls:"
		clamps(proto)
		if (proto == "tcp" && ((proto, "rcvbuf") in CHOSEN))
			print "  note: setting SO_RCVBUF on TCP turns off receive autotuning (tcp_rmem " meta["net.ipv4.tcp_rmem"] ")"
		if (proto == "udp") { udp_drops(); fragments(); maxrates() }
		print ""
	}
}
