# aggregate.awk: results.csv -> summary.csv, one row per point.
#   awk -v t_table="$(build/tub-send --t-table)" [-v confidence=LEVEL,PCT] \
#     -f scripts/lib/csv.awk -f scripts/aggregate.awk results.csv > summary.csv
#
# A point is the set of rows equal in every column that defines a test:
# run_id, target, proto, kind, direction, bidir, flows, flow (a test of
# several flows gives a point each, and one its sum), msg_size_bytes, duration_req_s,
# count_req, rate_req_bps, local_opts, remote_opts, point_label (the
# point's relative values, rate=0.5x: its name says them, beside the
# absolute values in their columns), and reliable UDP's window_req_pkts
# and rudp_cc. For each metric, over
# the point's rows with status ok that have a value: n, mean, sample
# standard deviation, the half-width of the 95% confidence interval of the
# mean (Student t, n-1 degrees of freedom), min and max. sd and ci95 are
# empty below two values. `rows` lists the point's data rows in results.csv
# (row 1 is the line after the header), failed ones included.
#
# t_table is common/stats.c's t table as tub-send --t-table prints it
# ("level df t" nodes, df inf: the normal quantile; linear in 1/df between
# nodes): the one table of the project. Without it: exit 2.
#
# runs: the point's tests that ran (its rows but skipped ones; failed and
# interrupted ones count). With confidence=LEVEL,PCT (bench.sh
# --confidence), converged says whether the point's deciding metric
# (confidence_metric: throughput_bps for stream, rr_rate_tps for rr and
# connect, fill_bytes for fill) has at least 3 values from ok rows and the
# half-width of its LEVEL% interval (confidence_ci, in the metric's unit;
# confidence_ci_pct, in percent of |mean|) is at most PCT% of |mean|: 1 or
# 0. linger and keepalive have no such metric: converged is empty, as it is
# for a point that never ran and for all points without confidence.
# confidence_level and confidence_target_pct repeat LEVEL and PCT.

BEGIN {
	NKEY = split("run_id target proto kind direction bidir flows flow msg_size_bytes duration_req_s count_req rate_req_bps local_opts remote_opts point_label window_req_pkts rudp_cc", KEY, " ")
	NMET = split("throughput_bps tx_rate_bps tx_unsent_bytes tx_unsent_s udp_ip_fragments udp_loss_pct udp_rcvbuf_drops udp_path_lost udp_jitter_us tcp_rtt_us tcp_retrans_segs rr_rate_tps rtt_min_us rtt_p50_us rtt_p90_us rtt_p99_us rtt_p999_us rtt_max_us connect_timewait fill_bytes fill_writable_after_read_us fill_sent_msgs fill_held_msgs fill_dropped_msgs linger_close_us linger_delivered_bytes ka_detect_s msg_delay_min_us msg_delay_p50_over_min_us msg_delay_p99_over_min_us msg_delay_max_over_min_us local_cpu_util_pct remote_cpu_util_pct local_cpu_s_per_gb remote_cpu_s_per_gb", MET, " ")
	# descriptive columns: summary name <- results column (first row's)
	NDESC = split("sender_host:sender_host receiver_host:receiver_host sndbuf_req_bytes:local_req_sndbuf_bytes sndbuf_granted_bytes:local_granted_sndbuf_bytes rcvbuf_req_bytes:remote_req_rcvbuf_bytes rcvbuf_granted_bytes:remote_granted_rcvbuf_bytes nodelay:local_req_nodelay udp_overload:udp_overload rr_timeout_s:rr_timeout_s", DESC, " ")
	NCLAMP = split("local_sndbuf_clamped local_rcvbuf_clamped remote_sndbuf_clamped remote_rcvbuf_clamped", CLAMP, " ")
	npoint = 0
	t_load(t_table)
	if (!(95 in TN))
		fail("no t table: run with -v t_table=\"$(tub-send --t-table)\"")
	# the metric that decides whether a point converged, by kind (or
	# transport and kind)
	CONF_MET["stream"] = "throughput_bps"
	CONF_MET["rr"] = CONF_MET["connect"] = "rr_rate_tps"
	CONF_MET["fill"] = "fill_bytes"
	CONF_MET["udp fill"] = "fill_held_msgs"
	CONF_MIN = 3   # stats.h STATS_CI_MIN_N
	conf_level = conf_pct = ""
	if (confidence != "") conf_parse(confidence)
}

# fail(msg): one line on stderr, exit status 2, no summary.
function fail(msg) {
	printf "aggregate.awk: %s\n", msg > "/dev/stderr"
	failed = 1
	exit 2
}

# t_load(text): the nodes of tub-send --t-table into TN[level] (how
# many), TDF[level, k] (df, 0 for inf) and TT[level, k], in df order.
function t_load(text,    w, n, i, lv) {
	n = split(text, w)
	if (n % 3) fail("t_table: not 'level df t' triples")
	for (i = 1; i < n; i += 3) {
		lv = w[i] + 0
		TN[lv]++
		TDF[lv, TN[lv]] = (w[i + 1] == "inf") ? 0 : w[i + 1] + 0
		TT[lv, TN[lv]] = w[i + 2] + 0
	}
}

# t_q(level, df): the two-sided t quantile, as stats_t computes it.
function t_q(level, df,    k, x0, x1) {
	for (k = 1; k <= TN[level]; k++) {
		if (TDF[level, k] != 0 && df > TDF[level, k]) continue
		if (TDF[level, k] == df || k == 1) return TT[level, k]
		x0 = 1 / TDF[level, k - 1]
		x1 = (TDF[level, k] == 0) ? 0 : 1 / TDF[level, k]
		return TT[level, k - 1] + (x0 - 1 / df) / (x0 - x1) * (TT[level, k] - TT[level, k - 1])
	}
	return TT[level, TN[level]]
}

# conf_parse(text): LEVEL,PCT into conf_level and conf_pct.
function conf_parse(text,    a) {
	if (split(text, a, ",") != 2 || a[1] !~ /^[0-9]+$/ || !((a[1] + 0) in TN) ||
	    a[2] !~ /^([0-9]+\.?[0-9]*|\.[0-9]+)$/ || a[2] + 0 <= 0)
		fail("confidence '" text "': not LEVEL,PCT with a LEVEL of the t table and PCT > 0")
	conf_level = a[1] + 0
	conf_pct = a[2] + 0
}

function v(name) {
	return (name in col) ? row[col[name]] : ""
}

# num(x): plain decimal, no exponent: 22868380263, 2.5, 0.000123.
function num(x,    a) {
	a = (x < 0) ? -x : x
	if (a >= 1e5) return sprintf("%.0f", x)
	if (a >= 1e-4 || a == 0) return sprintf("%.6g", x)
	return sprintf("%.10f", x)
}

# flow_suffix(): what names a row of a test of several flows: " x4 sum",
# " flow 1 of 2", " bidir reverse", " reverse"; "" for one flow forward.
function flow_suffix(    t, n) {
	t = ""
	n = v("flows") + 0
	if (v("point_label") ~ /(^|\+)flows=/) t = " (" v("point_label") ")"
	if (v("flow") == "sum") t = t " x" n " sum"
	else if (n > 1) t = t " flow " v("flow") " of " n
	if (v("bidir") == 1) t = t " bidir " v("direction")
	else if (v("direction") == "reverse") t = t " reverse"
	return t
}

NR == 1 {
	csv_index($0, col)
	next
}

{
	csv_split($0, row)
	rownum = NR - 1
	key = ""
	for (i = 1; i <= NKEY; i++) key = key SUBSEP v(KEY[i])
	if (!(key in pid)) {
		pid[key] = ++npoint
		p = npoint
		for (i = 1; i <= NKEY; i++) keyval[p, i] = v(KEY[i])
		for (i = 1; i <= NDESC; i++) {
			split(DESC[i], d, ":")
			desc[p, i] = v(d[2])
		}
		lo = opts_drop(v("local_opts"), "sndbuf")
		ro = opts_drop(v("remote_opts"), "rcvbuf")
		name[p] = point_name(v("proto"), v("kind"), v("msg_size_bytes"),
			v("local_req_sndbuf_bytes"), v("remote_req_rcvbuf_bytes"),
			lo, ro, v("rate_req_bps"), v("point_label"),
			v("window_req_pkts"), v("proto") == "rudp" && v("rudp_cc") != "aimd" && v("rudp_cc") != "reno" ? v("rudp_cc") : "")
		name[p] = name[p] flow_suffix()
	}
	p = pid[key]
	nrows[p]++
	kind[p] = v("kind")
	proto[p] = v("proto")
	rows[p] = rows[p] (rows[p] == "" ? "" : " ") rownum
	st = v("status")
	if (!((p, st) in nstatus)) statuses[p] = statuses[p] (statuses[p] == "" ? "" : " ") st
	nstatus[p, st]++
	if (st != "skipped") nrun[p]++
	for (i = 1; i <= NCLAMP; i++)
		if (v(CLAMP[i]) == "1") clamped[p, i] = 1
	if (st != "ok") next
	nok[p]++
	for (m = 1; m <= NMET; m++) {
		x = v(MET[m])
		if (x == "") continue
		k = ++cnt[p, m]
		val[p, m, k] = x + 0
	}
}

# status_text(p): "ok", or "ok 2, timeout 1" when the rows differ.
function status_text(p,    n, i, s, a, out) {
	n = split(statuses[p], a, " ")
	if (n == 1) return a[1]
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? ", " : "") a[i] " " nstatus[p, a[i]]
	return out
}

# moments(p, m): the n, mean, sample sd (0 below two values), min and max
# of the metric's values, into M_N, M_MEAN, M_SD, M_LO, M_HI.
function moments(p, m,    k, x, sum, ss) {
	M_N = cnt[p, m] + 0
	M_MEAN = M_SD = M_LO = M_HI = 0
	if (M_N == 0) return
	sum = 0
	M_LO = M_HI = val[p, m, 1]
	for (k = 1; k <= M_N; k++) {
		x = val[p, m, k]
		sum += x
		if (x < M_LO) M_LO = x
		if (x > M_HI) M_HI = x
	}
	M_MEAN = sum / M_N
	if (M_N < 2) return
	ss = 0
	for (k = 1; k <= M_N; k++) ss += (val[p, m, k] - M_MEAN) ^ 2
	M_SD = sqrt(ss / (M_N - 1))
}

# half_width(level): of the level% interval of the mean in M_* (n >= 2).
function half_width(level) {
	return t_q(level, M_N - 1) * M_SD / sqrt(M_N)
}

# stats(p, m): "mean,sd,ci95,min,max" of the metric's values.
function stats(p, m) {
	moments(p, m)
	if (M_N == 0) return ",,,,"
	if (M_N < 2) return num(M_MEAN) ",,," num(M_LO) "," num(M_HI)
	return num(M_MEAN) "," num(M_SD) "," num(half_width(95)) "," num(M_LO) "," num(M_HI)
}

# metric_index(name): m with MET[m] == name, or 0.
function metric_index(name,    m) {
	for (m = 1; m <= NMET; m++)
		if (MET[m] == name) return m
	return 0
}

# converged(p): "converged,confidence_level,confidence_target_pct,
# confidence_metric,confidence_ci,confidence_ci_pct" (the rule of
# stats_ci_within); all empty without confidence. Not judged (converged
# empty): no metric for the kind, no run, or no value of the metric in ok
# rows.
function converged(p,    m, hw, c, am) {
	if (conf_level == "") return ",,,,,"
	m = ((proto[p] " " kind[p]) in CONF_MET) ? CONF_MET[proto[p] " " kind[p]] : CONF_MET[kind[p]]
	m = metric_index(m)
	if (m == 0) return "," conf_level "," conf_pct ",,,"
	moments(p, m)
	c = (nrun[p] + 0 == 0 || (M_N == 0 && nok[p] > 0)) ? "" : 0
	if (M_N < 2) return c "," conf_level "," conf_pct "," MET[m] ",,"
	hw = half_width(conf_level)
	am = (M_MEAN < 0) ? -M_MEAN : M_MEAN
	if (M_N >= CONF_MIN && hw <= conf_pct / 100 * am) c = 1
	return c "," conf_level "," conf_pct "," MET[m] "," num(hw) "," (am == 0 ? "" : num(100 * hw / am))
}

END {
	if (failed) exit 2
	head = ""
	for (i = 1; i <= NKEY; i++) head = head KEY[i] ","
	head = head "name"
	for (i = 1; i <= NDESC; i++) { split(DESC[i], d, ":"); head = head "," d[1] }
	for (i = 1; i <= NCLAMP; i++) head = head "," CLAMP[i]
	head = head ",rows,n_rows,n,status,runs,converged,confidence_level,confidence_target_pct,confidence_metric,confidence_ci,confidence_ci_pct"
	for (m = 1; m <= NMET; m++)
		head = head "," MET[m] "_mean," MET[m] "_sd," MET[m] "_ci95," MET[m] "_min," MET[m] "_max"
	print head
	for (p = 1; p <= npoint; p++) {
		out = ""
		for (i = 1; i <= NKEY; i++) out = out csv_quote(keyval[p, i]) ","
		out = out csv_quote(name[p])
		for (i = 1; i <= NDESC; i++) out = out "," csv_quote(desc[p, i])
		for (i = 1; i <= NCLAMP; i++) out = out "," (((p, i) in clamped) ? 1 : 0)
		out = out "," rows[p] "," nrows[p] "," (nok[p] + 0) "," csv_quote(status_text(p))
		out = out "," (nrun[p] + 0) "," converged(p)
		for (m = 1; m <= NMET; m++) out = out "," stats(p, m)
		print out
	}
}
