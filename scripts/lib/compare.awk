# compare.awk: two runs' summary.csv, point by point (scripts/compare.sh).
#   awk -v out=DIR -v la=LABEL_A -v lb=LABEL_B -f csv.awk -f compare.awk \
#       A/meta.txt A/summary.csv B/meta.txt B/summary.csv
# Writes DIR/compare.csv (one row per point and metric both runs have) and
# DIR/compare.md (the largest real changes, what differs in the runs'
# meta.txt, every shared point, the points only one run has).
# A point is named by its context columns, whichever of them the files
# have (KEYS): transport, kind, size, rate (its relative label when it has
# one: rate=0.9x means the same across two paths), options, window, cc,
# direction. The verdict of a metric: "within noise" when the two 95%
# confidence intervals of the means overlap; else better or worse by its
# sense (SENSE: +1 higher is better, -1 lower is better); "one run only:
# cannot tell" when a side has fewer than two ok repetitions (no interval).

BEGIN {
	NKEYS = split("proto kind direction msg_size_bytes point_label rate_req_bps local_opts remote_opts window_req_pkts rudp_cc", KEYS, " ")
	NMET = split("throughput_bps udp_loss_pct msg_delay_p50_over_min_us msg_delay_p99_over_min_us rtt_p50_us rtt_p99_us rr_rate_tps", MET, " ")
	SENSE["throughput_bps"] = 1; SENSE["rr_rate_tps"] = 1
	SENSE["udp_loss_pct"] = -1; SENSE["msg_delay_p50_over_min_us"] = -1
	SENSE["msg_delay_p99_over_min_us"] = -1; SENSE["rtt_p50_us"] = -1; SENSE["rtt_p99_us"] = -1
	UNIT["throughput_bps"] = "bit/s"; UNIT["rr_rate_tps"] = "/s"; UNIT["udp_loss_pct"] = "%"
	UNIT["msg_delay_p50_over_min_us"] = "us"; UNIT["msg_delay_p99_over_min_us"] = "us"
	UNIT["rtt_p50_us"] = "us"; UNIT["rtt_p99_us"] = "us"
	# the lines of meta.txt worth comparing: why two runs differ
	NMK = split("hostname receiver.hostname kernel link target tool_version mtu receiver.mtu " \
		"net.core.rmem_max net.core.wmem_max net.ipv4.tcp_rmem net.ipv4.tcp_wmem " \
		"net.ipv4.tcp_congestion_control receiver.net.core.rmem_max receiver.net.core.wmem_max " \
		"receiver.net.ipv4.tcp_rmem receiver.net.ipv4.tcp_congestion_control qdisc path " \
		"duration_per_test suite", MK, " ")
	side = 0
}

FNR == 1 && FILENAME ~ /meta\.txt$/ { side++; file = "meta" }
FNR == 1 && FILENAME ~ /summary\.csv$/ {
	file = "summary"
	for (k in col) delete col[k]
	csv_index($0, col)
	next
}

file == "meta" {
	i = index($0, ": ")
	if (i > 1) META[side, substr($0, 1, i - 1)] = substr($0, i + 2)
	next
}

file == "summary" {
	csv_split($0, row)
	key = ""
	for (k = 1; k <= NKEYS; k++) {
		c = KEYS[k]
		v = (c in col) ? row[col[c]] : ""
		# a relative value (rate=0.9x, sndbuf=1bdp) names the point, the
		# label has it; its absolute value differs by path
		lab = ("point_label" in col) ? row[col["point_label"]] : ""
		if (c == "rate_req_bps" && rel_of(lab, "rate") != "") v = ""
		if (c == "window_req_pkts" && rel_of(lab, "window") != "") v = ""
		if (c == "local_opts" || c == "remote_opts") v = relative_opts(v, lab)
		key = key SUBSEP v
	}
	if ((side, key) in ID) next   # the same point twice: the first counts
	n = ++NP[side]
	ID[side, key] = n
	P[side, n, "key"] = key
	P[side, n, "name"] = ("name" in col) ? row[col["name"]] : ""
	P[side, n, "rows"] = ("rows" in col) ? row[col["rows"]] : ""
	P[side, n, "n"] = ("n" in col) ? row[col["n"]] + 0 : 0
	for (m = 1; m <= NMET; m++) {
		c = MET[m]
		P[side, n, c] = (c "_mean" in col) ? row[col[c "_mean"]] : ""
		P[side, n, c "_ci"] = (c "_ci95" in col) ? row[col[c "_ci95"]] : ""
	}
	next
}

# relative_opts(opts, label): an option list with each value the label
# has as relative given so (sndbuf=1bdp), not as bytes.
function relative_opts(opts, label,    n, a, i, k, out) {
	n = split(opts, a, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		k = a[i]; sub(/=.*/, "", k)
		if (rel_of(label, k) != "") a[i] = k "=" rel_of(label, k)
		out = out (out == "" ? "" : ",") a[i]
	}
	return out
}

# verdict(m, a, b): of metric MET[m] for point a of run 1 and b of run 2.
function verdict(c, a, b,    ma, mb, ca, cb, lo_a, hi_a, lo_b, hi_b) {
	ma = P[1, a, c] + 0; mb = P[2, b, c] + 0
	ca = P[1, a, c "_ci"]; cb = P[2, b, c "_ci"]
	if (P[1, a, "n"] < 2 || P[2, b, "n"] < 2 || ca == "" || cb == "") return "one run only: cannot tell"
	lo_a = ma - ca; hi_a = ma + ca; lo_b = mb - cb; hi_b = mb + cb
	if (lo_a <= hi_b && lo_b <= hi_a) return "within noise"
	return ((mb - ma) * SENSE[c] > 0) ? "better" : "worse"
}

function pct(a, b) {
	if (a + 0 == 0) return (b + 0 == 0) ? "0" : ""
	return sprintf("%+.1f", 100 * (b - a) / a)
}

function value(c, v) {
	if (v == "") return "-"
	if (c == "throughput_bps") return fmt_bits(v)
	if (c == "udp_loss_pct") return sprintf("%.3g%%", v)
	if (c == "rr_rate_tps") return sprintf("%.0f/s", v)
	return sprintf("%.1f us", v)
}

function ci_txt(c, ci) {
	if (ci == "") return ""
	if (c == "throughput_bps") return " +-" fmt_bits(ci)
	return sprintf(" +-%.3g", ci)
}

END {
	csv = out "/compare.csv"; md = out "/compare.md"
	print "point,metric,unit,mean_a,ci95_a,n_a,rows_a,mean_b,ci95_b,n_b,rows_b,change_pct,verdict" > csv
	nc = 0; nr = 0
	for (a = 1; a <= NP[1]; a++) {
		key = P[1, a, "key"]
		if (!((2, key) in ID)) continue
		b = ID[2, key]
		for (m = 1; m <= NMET; m++) {
			c = MET[m]
			if (P[1, a, c] == "" || P[2, b, c] == "") continue
			v = verdict(c, a, b)
			ch = pct(P[1, a, c], P[2, b, c])
			printf "%s,%s,%s,%s,%s,%d,%s,%s,%s,%d,%s,%s,%s\n", csv_quote(P[1, a, "name"]), c, UNIT[c],
				P[1, a, c], P[1, a, c "_ci"], P[1, a, "n"], csv_quote(P[1, a, "rows"]),
				P[2, b, c], P[2, b, c "_ci"], P[2, b, "n"], csv_quote(P[2, b, "rows"]), ch, v > csv
			L[++nc] = sprintf("| %s | %s | %s%s | %s%s | %s | %s |", P[1, a, "name"], c,
				value(c, P[1, a, c]), ci_txt(c, P[1, a, c "_ci"]), value(c, P[2, b, c]), ci_txt(c, P[2, b, c "_ci"]),
				(ch == "" ? "-" : ch "%"), v)
			if (v == "better" || v == "worse") {
				R[++nr] = L[nc]
				RA[nr] = (ch == "") ? 1e9 : (ch + 0 < 0 ? -ch : ch + 0)
			}
		}
	}
	# the largest real changes first (insertion sort: few)
	for (i = 2; i <= nr; i++)
		for (j = i; j > 1 && RA[j] > RA[j - 1]; j--) {
			t = R[j]; R[j] = R[j - 1]; R[j - 1] = t
			t = RA[j]; RA[j] = RA[j - 1]; RA[j - 1] = t
		}
	print "# Comparison: " la " vs " lb > md
	print "" > md
	for (s = 1; s <= 2; s++)
		print "- " (s == 1 ? "A: " la : "B: " lb) " (" META[s, "run_id"] "): " META[s, "link"] \
			(META[s, "command"] == "" ? "" : "; `" META[s, "command"] "`") > md
	print "- a verdict is \"within noise\" where the two 95% confidence intervals of the means overlap, " \
		"else better or worse by the metric's sense (throughput and rates: higher; loss, delay, RTT: lower); " \
		"\"one run only: cannot tell\" where a run has fewer than two ok repetitions of the point (--repeat 3 or " \
		"--confidence gives intervals); the rows are those of each run's results.csv (compare.csv)" > md
	print "" > md
	print "## The largest real changes" > md
	print "" > md
	if (nr == 0) print "None: no change outside the noise" (nc ? "" : " (no metric both runs have)") "." > md
	else {
		print "| point | metric | A | B | change | verdict |" > md
		print "|---|---|---|---|---|---|" > md
		for (i = 1; i <= nr && i <= 10; i++) print R[i] > md
	}
	print "" > md
	print "## What differs between the runs (meta.txt)" > md
	print "" > md
	nd = 0
	for (k = 1; k <= NMK; k++) {
		if (META[1, MK[k]] == META[2, MK[k]]) continue
		if (!nd++) { print "| | A | B |" > md; print "|---|---|---|" > md }
		printf "| %s | %s | %s |\n", MK[k], META[1, MK[k]], META[2, MK[k]] > md
	}
	if (!nd) print "Nothing of kernel, hosts, sysctls, MTU, link, path, suite and tool version." > md
	print "" > md
	print "## Every point both runs have" > md
	print "" > md
	if (nc == 0) print "None." > md
	else {
		print "| point | metric | A | B | change | verdict |" > md
		print "|---|---|---|---|---|---|" > md
		for (i = 1; i <= nc; i++) print L[i] > md
	}
	for (s = 1; s <= 2; s++) {
		no = 0
		for (p = 1; p <= NP[s]; p++) {
			if ((3 - s, P[s, p, "key"]) in ID) continue
			if (!no++) { print "" > md; print "## Only in " (s == 1 ? la : lb) > md; print "" > md }
			print "- " P[s, p, "name"] " [rows " P[s, p, "rows"] "]" > md
		}
	}
	printf "%d points both runs have, %d changes outside the noise\n", ncommon(), nr
}

function ncommon(    a, k) {
	k = 0
	for (a = 1; a <= NP[1]; a++) if ((2, P[1, a, "key"]) in ID) k++
	return k
}
