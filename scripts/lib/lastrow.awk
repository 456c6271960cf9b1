# lastrow.awk: columns of the last row of a results CSV, tab-separated.
# awk -v cols="status udp_loss_pct brief" -f csv.awk -f lastrow.awk FILE
# Empty values print as "-". The pseudo-column "brief" is a few words on the
# result, for progress lines.
# Needs csv.awk. Exit 1 when the file has no data row.

function v(name) {
	return (name in col) ? row[col[name]] : ""
}

function brief(    s, k) {
	k = v("kind")
	if (k == "connect" && v("rr_rate_tps") != "") {
		s = sprintf("%.0f exchanges/s, p50 %.1f us", v("rr_rate_tps"), v("rtt_p50_us"))
		if (v("connect_timewait") != "") s = s ", " v("connect_timewait") " TIME_WAIT"
		return s
	}
	if (k == "fill" && v("fill_sent_msgs") != "")
		return sprintf("a socket nobody reads held %d of %d datagrams, dropped %d",
			v("fill_held_msgs"), v("fill_sent_msgs"), v("fill_dropped_msgs"))
	if (k == "fill" && v("fill_bytes") != "")
		return sprintf("send() took %d B before it would block", v("fill_bytes"))
	if (k == "linger" && v("linger_close_us") != "") {
		if (v("linger_close_us") >= 1000) s = sprintf("%.1f ms", v("linger_close_us") / 1000)
		else s = sprintf("%.0f us", v("linger_close_us"))
		return sprintf("close() took %s, the peer got %d B and saw %s", s,
			v("linger_delivered_bytes"), (v("linger_peer_saw") == "") ? "-" : v("linger_peer_saw"))
	}
	if (k == "keepalive" && v("ka_detected") != "") {
		if (v("ka_detected") + 0 == 0) return "dead peer not seen"
		s = sprintf("dead peer seen after %.2f s", v("ka_detect_s"))
		if (v("ka_expected_s") != "") s = s sprintf(" (expected %.2f s)", v("ka_expected_s"))
		return s
	}
	if (k == "rr" && v("rtt_p50_us") != "") {
		s = sprintf("rtt p50 %.1f us, p99 %.1f us", v("rtt_p50_us"), v("rtt_p99_us"))
		if (v("rr_lost") + 0 > 0) s = s ", " v("rr_lost") " lost"
		return s
	}
	if (v("throughput_bps") == "") return ""
	s = fmt_bits(v("throughput_bps"))
	if (v("udp_loss_pct") != "") s = s sprintf(", loss %.2f%%", v("udp_loss_pct"))
	return s
}

NR == 1 { csv_index($0, col); next }
{ last = $0 }
END {
	if (last == "") exit 1
	csv_split(last, row)
	n = split(cols, want, " ")
	out = ""
	for (i = 1; i <= n; i++) {
		x = (want[i] == "brief") ? brief() : v(want[i])
		out = out (i > 1 ? "\t" : "") (x == "" ? "-" : x)
	}
	print out
}
