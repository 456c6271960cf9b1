# perfbench.awk: scripts/perfbench.sh's summary and table. Needs csv.awk.
#   awk -v mode=summary -v pairs='WORKLOAD SUBJECT REFERENCE;...' \
#       -f csv.awk -f perfbench.awk runs.csv > summary.csv
#   awk -v mode=table -f csv.awk -f perfbench.awk summary.csv
# Summary: per workload and metric, the median, min and max of each of
# the two tools' ok runs, the ratio of the medians (subject / reference)
# and how much worse the subject is in the metric's sense (throughput:
# higher is better; loss and round trips: lower). min..max rather than an
# interquartile range: five runs have no quartiles worth the name. And
# the median of the paired ratios: run k of the subject over run k of the
# reference (they ran one after the other), which a machine that drifts
# between a fast and a slow state spoils less than the ratio of medians.

# metrics(workload, out): the metrics of a workload into out[1..n].
function metrics(w, out) {
	if (w ~ /^tcp_stream/) return split("throughput_gbps cpu_send_s_per_gb cpu_recv_s_per_gb", out, " ")
	if (w ~ /^udp_stream/) return split("throughput_gbps udp_loss_pct cpu_send_s_per_gb cpu_recv_s_per_gb", out, " ")
	return split("rtt_p50_us rtt_p99_us rtt_mean_us", out, " ")
}

function better(m) {
	return (m ~ /^throughput/) ? "higher" : "lower"
}

# stats(key): sets N, MED, MIN, MAX from vals[key, 1..cnt[key]].
function stats(key,    n, i, j, v, a) {
	n = cnt[key] + 0
	N = n; MED = MIN = MAX = ""
	if (n == 0) return
	for (i = 1; i <= n; i++) a[i] = vals[key, i] + 0
	for (i = 2; i <= n; i++) {   # insertion sort: a handful of runs
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--) a[j + 1] = a[j]
		a[j + 1] = v
	}
	MIN = a[1]; MAX = a[n]
	MED = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function num(x) {
	return (x == "") ? "" : sprintf("%.6g", x)
}

mode == "summary" && FNR == 1 { csv_index($0, col); next }
mode == "summary" {
	csv_split($0, r)
	if (r[col["status"]] != "ok") next
	w = r[col["workload"]]; t = r[col["tool"]]
	nm = metrics(w, ms)
	for (i = 1; i <= nm; i++) {
		v = r[col[ms[i]]]
		if (v == "") continue
		vals[w, t, ms[i], ++cnt[w, t, ms[i]]] = v
		byrep[w, t, ms[i], r[col["rep"]] + 0] = v
		if (r[col["rep"]] + 0 > maxrep) maxrep = r[col["rep"]] + 0
	}
}

# paired(w, s, ref, m): sets PN and PMED, the count and median of the
# ratios of run k of s over run k of ref, where both have the metric.
function paired(w, s, ref, m,    k) {
	PN = 0; PMED = ""
	for (k = 1; k <= maxrep; k++) {
		if (!((w, s, m, k) in byrep) || !((w, ref, m, k) in byrep)) continue
		if (byrep[w, ref, m, k] + 0 == 0) continue
		vals[SUBSEP "pairs", ++PN] = byrep[w, s, m, k] / byrep[w, ref, m, k]
	}
	cnt[SUBSEP "pairs"] = PN
	if (PN == 0) return
	stats(SUBSEP "pairs"); PMED = MED
}

mode == "table" && FNR == 1 { csv_index($0, col); next }
mode == "table" { rows[++nrows] = $0 }

function fmt(m, x) {
	if (x == "") return "-"
	if (m ~ /gbps$/) return sprintf("%.3f", x)
	if (m ~ /pct$/) return sprintf("%.2f", x)
	return sprintf("%.1f", x)
}

function spread(m, lo, hi) {
	return (lo == "") ? "-" : fmt(m, lo) ".." fmt(m, hi)
}

function print_table(    i, subj, ref, m, wp, ratio_name) {
	if (nrows == 0) { print "(no runs)"; return }
	csv_split(rows[1], r)
	subj = r[col["subject"]]
	ratio_name = (subj == "tub@B") ? "B/A" : "tub/other"
	printf "%-21s %-16s %10s %-19s  %-9s %10s %-19s  %9s  %7s  %s\n", "workload", "metric",
		subj, " (min..max)", "vs", "median", " (min..max)", ratio_name, "paired", subj " worse by"
	for (i = 1; i <= nrows; i++) {
		csv_split(rows[i], r)
		m = r[col["metric"]]
		ref = r[col["reference"]]
		wp = r[col["subject_worse_pct"]]
		printf "%-21s %-16s %10s %-19s  %-9s %10s %-19s  %9s  %7s  %s\n", r[col["workload"]], m,
			fmt(m, r[col["subject_median"]]),
			" (" spread(m, r[col["subject_min"]], r[col["subject_max"]]) ")",
			(ref == "" ? "-" : ref), fmt(m, r[col["reference_median"]]),
			(ref == "" ? " -" : " (" spread(m, r[col["reference_min"]], r[col["reference_max"]]) ")"),
			(r[col["ratio"]] == "" ? "-" : sprintf("%.3f", r[col["ratio"]])),
			(r[col["pair_ratio_median"]] == "" ? "-" : sprintf("%.3f", r[col["pair_ratio_median"]])),
			(wp == "" ? "-" : sprintf("%+.1f%%", wp))
	}
	print "median and (min..max) of the ok runs; " ratio_name ": ratio of the medians; paired: median of"
	print "the ratios of run k over run k (each pair ran back to back), less spoiled by a drifting machine;"
	print "throughput_gbps: receiver's payload, higher is better; udp_loss_pct, rtt_*_us (whole"
	print "round trips; sockperf --full-rtt): lower is better. worse by: the ratio in the metric's sense."
	print "cpu_send/recv_s_per_gb: each end's CPU seconds per 10^9 bytes received (tub's row; iperf3's"
	print "cpu_utilization_percent), lower is better; on loopback each end carries part of the other's kernel work."
}

END {
	if (mode == "table") { print_table(); exit }
	print "workload,metric,better,subject,subject_runs,subject_median,subject_min,subject_max," \
		"reference,reference_runs,reference_median,reference_min,reference_max,ratio,subject_worse_pct," \
		"pairs,pair_ratio_median"
	np = split(pairs, pl, ";")
	for (p = 1; p <= np; p++) {
		if (split(pl[p], f, " ") < 3) continue
		w = f[1]; s = f[2]; ref = (f[3] == "-") ? "" : f[3]
		nm = metrics(w, ms)
		for (i = 1; i <= nm; i++) {
			m = ms[i]
			stats(w SUBSEP s SUBSEP m); sn = N; smed = MED; smin = MIN; smax = MAX
			rn = 0; rmed = rmin = rmax = ""
			if (ref != "") { stats(w SUBSEP ref SUBSEP m); rn = N; rmed = MED; rmin = MIN; rmax = MAX }
			ratio = worse = ""
			if (smed != "" && rmed != "" && rmed != 0) {
				ratio = smed / rmed
				worse = (better(m) == "higher") ? (1 - ratio) * 100 : (ratio - 1) * 100
			}
			PN = 0; PMED = ""
			if (ref != "") paired(w, s, ref, m)
			print w "," m "," better(m) "," s "," sn "," num(smed) "," num(smin) "," num(smax) "," \
				ref "," (ref == "" ? "" : rn) "," num(rmed) "," num(rmin) "," num(rmax) "," \
				(ratio == "" ? "" : sprintf("%.4f", ratio)) "," (worse == "" ? "" : sprintf("%.2f", worse)) "," \
				(ref == "" ? "" : PN) "," (PMED == "" ? "" : sprintf("%.4f", PMED))
		}
	}
}
