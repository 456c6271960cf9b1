# table.awk: the terminal table of a run, one line per point of summary.csv
# (means over the point's ok rows; n = how many).
#   awk -f csv.awk -f table.awk summary.csv
# Needs csv.awk.

function v(name) {
	return (name in col) ? row[col[name]] : ""
}

# A datagram cut into IP fragments is lost with any one of them: marked.
function loss_txt(   t) {
	if (v("udp_loss_pct_mean") == "") return "-"
	t = sprintf("%.2f%%", v("udp_loss_pct_mean"))
	if (v("udp_ip_fragments_mean") + 0 > 1)
		t = t " frag" v("udp_ip_fragments_mean")
	return t
}

function rtt_txt() {
	if (v("rtt_p50_us_mean") == "") return "-"
	return sprintf("%.1f / %.1f", v("rtt_p50_us_mean"), v("rtt_p99_us_mean"))
}

# the added delay (message delay above its minimum), p50, of a stream
function delay_txt(    d) {
	d = v("msg_delay_p50_over_min_us_mean")
	if (d == "") return "-"
	d += 0 # a row with a quoted field gives strings: compare numbers
	if (d >= 100000) return sprintf("+%.0f ms", d / 1000)
	if (d >= 1000) return sprintf("+%.1f ms", d / 1000)
	return sprintf("+%.0f us", d)
}

# CPU of both ends, tub-send / tub-recv: per 10^9 bytes delivered for a
# stream, as a share of one CPU for the others (their bytes are few)
function cpu_txt(    l, r) {
	l = v("local_cpu_s_per_gb_mean"); r = v("remote_cpu_s_per_gb_mean")
	if (v("throughput_bps_mean") != "" && l != "" && r != "")
		return sprintf("%.2f/%.2f s/GB", l, r)
	l = v("local_cpu_util_pct_mean"); r = v("remote_cpu_util_pct_mean")
	if (l == "" || r == "") return "-"
	return sprintf("%.0f/%.0f%%", l, r)
}

function tps_txt() {
	return v("rr_rate_tps_mean") == "" ? "-" : sprintf("%.0f", v("rr_rate_tps_mean"))
}

NR == 1 { csv_index($0, col); next }
{
	csv_split($0, row)
	ok = v("n") + 0 > 0
	k = ++nl
	# an unpaced UDP stream floods the path: the overload test
	name[k] = v("name") (v("udp_overload") == "1" ? " overload" : "")
	st[k] = v("status")
	n[k] = v("n")
	thr[k] = ok ? fmt_bits(v("throughput_bps_mean")) : "-"
	loss[k] = ok ? loss_txt() : "-"
	dl[k] = ok ? delay_txt() : "-"
	rtt[k] = ok ? rtt_txt() : "-"
	tps[k] = ok ? tps_txt() : "-"
	cpu[k] = ok ? cpu_txt() : "-"
	if (length(name[k]) > w) w = length(name[k])
	if (length(st[k]) > sw) sw = length(st[k])
}
END {
	if (w < 4) w = 4
	if (sw < 6) sw = 6
	fmt = "%-" w "s %3s %-" sw "s %14s %14s %10s %18s %10s %16s\n"
	printf fmt, "test", "n", "status", "throughput", "loss", "delay p50", "rtt p50/p99 us", "trans/s", "cpu send/recv"
	for (k = 1; k <= nl; k++)
		printf fmt, name[k], n[k], st[k], thr[k], loss[k], dl[k], rtt[k], tps[k], cpu[k]
	for (k = 1; k <= nl && !fragnote; k++)
		fragnote = loss[k] ~ /frag/
	if (fragnote)
		print "fragN: each datagram is N IP fragments on this path's MTU; one lost fragment loses the datagram"
	for (k = 1; k <= nl && !delaynote; k++)
		delaynote = dl[k] != "-"
	if (delaynote)
		print "delay p50: the added delay, the message delay above its minimum (waits in buffers and queues)"
	for (k = 1; k <= nl && !cpunote; k++)
		cpunote = cpu[k] != "-"
	if (cpunote)
		print "cpu send/recv: tub-send's / tub-recv's CPU, seconds per 10^9 bytes delivered (streams) or % of one CPU; on loopback each carries part of the other's kernel work"
}
