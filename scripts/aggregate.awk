# aggregate.awk: results.csv -> summary.csv, one row per point.
#   awk -f scripts/lib/csv.awk -f scripts/aggregate.awk results.csv > summary.csv
#
# A point is the set of rows equal in every column that defines a test:
# run_id, target, proto, kind, direction, msg_size_bytes, duration_req_s,
# count_req, rate_req_bps, local_opts, remote_opts, point_label (the
# point's relative values, rate=0.5x: its name says them, beside the
# absolute values in their columns), and reliable UDP's window_req_pkts
# and rudp_cc. For each metric, over
# the point's rows with status ok that have a value: n, mean, sample
# standard deviation, the half-width of the 95% confidence interval of the
# mean (Student t, n-1 degrees of freedom), min and max. sd and ci95 are
# empty below two values. `rows` lists the point's data rows in results.csv
# (row 1 is the line after the header), failed ones included.

BEGIN {
	NKEY = split("run_id target proto kind direction msg_size_bytes duration_req_s count_req rate_req_bps local_opts remote_opts point_label window_req_pkts rudp_cc", KEY, " ")
	NMET = split("throughput_bps tx_rate_bps tx_unsent_bytes tx_unsent_s udp_ip_fragments udp_loss_pct udp_rcvbuf_drops udp_path_lost udp_jitter_us tcp_rtt_us tcp_retrans_segs rr_rate_tps rtt_min_us rtt_p50_us rtt_p90_us rtt_p99_us rtt_p999_us rtt_max_us connect_timewait fill_bytes fill_writable_after_read_us fill_sent_msgs fill_held_msgs fill_dropped_msgs linger_close_us linger_delivered_bytes ka_detect_s msg_delay_min_us msg_delay_p50_over_min_us msg_delay_p99_over_min_us msg_delay_max_over_min_us", MET, " ")
	# descriptive columns: summary name <- results column (first row's)
	NDESC = split("sender_host:sender_host receiver_host:receiver_host sndbuf_req_bytes:local_req_sndbuf_bytes sndbuf_granted_bytes:local_granted_sndbuf_bytes rcvbuf_req_bytes:remote_req_rcvbuf_bytes rcvbuf_granted_bytes:remote_granted_rcvbuf_bytes nodelay:local_req_nodelay udp_overload:udp_overload rr_timeout_s:rr_timeout_s", DESC, " ")
	NCLAMP = split("local_sndbuf_clamped local_rcvbuf_clamped remote_sndbuf_clamped remote_rcvbuf_clamped", CLAMP, " ")
	# two-sided 95% quantiles of Student's t by degrees of freedom; between
	# entries the next lower df is used (a slightly wider interval)
	split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228", T95, " ")
	T95[15] = 2.131; T95[20] = 2.086; T95[30] = 2.042
	npoint = 0
}

function t95(df,    d) {
	if (df > 30) return 1.96
	for (d = df; d >= 1; d--)
		if (d in T95) return T95[d]
	return ""
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
			lo, ro, v("rate_req_bps"), v("point_label"))
	}
	p = pid[key]
	nrows[p]++
	rows[p] = rows[p] (rows[p] == "" ? "" : " ") rownum
	st = v("status")
	if (!((p, st) in nstatus)) statuses[p] = statuses[p] (statuses[p] == "" ? "" : " ") st
	nstatus[p, st]++
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

# stats(p, m): "mean,sd,ci95,min,max" of the metric's values.
function stats(p, m,    n, k, x, sum, mean, ss, sd, lo, hi) {
	n = cnt[p, m] + 0
	if (n == 0) return ",,,,"
	sum = 0
	lo = hi = val[p, m, 1]
	for (k = 1; k <= n; k++) {
		x = val[p, m, k]
		sum += x
		if (x < lo) lo = x
		if (x > hi) hi = x
	}
	mean = sum / n
	if (n < 2) return num(mean) ",,," num(lo) "," num(hi)
	ss = 0
	for (k = 1; k <= n; k++) ss += (val[p, m, k] - mean) ^ 2
	sd = sqrt(ss / (n - 1))
	return num(mean) "," num(sd) "," num(t95(n - 1) * sd / sqrt(n)) "," num(lo) "," num(hi)
}

END {
	head = ""
	for (i = 1; i <= NKEY; i++) head = head KEY[i] ","
	head = head "name"
	for (i = 1; i <= NDESC; i++) { split(DESC[i], d, ":"); head = head "," d[1] }
	for (i = 1; i <= NCLAMP; i++) head = head "," CLAMP[i]
	head = head ",rows,n_rows,n,status"
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
		for (m = 1; m <= NMET; m++) out = out "," stats(p, m)
		print out
	}
}
