# lastrow.awk: columns of the last row of a results CSV, tab-separated.
# awk -v cols="status udp_loss_pct brief" -f csv.awk -f lastrow.awk FILE
# Empty values print as "-". The pseudo-column "brief" is a few words on the
# result, for progress lines.
# Needs csv.awk. Exit 1 when the file has no data row.

function v(name) {
	return (name in col) ? row[col[name]] : ""
}

function brief(    s) {
	if (v("kind") == "rr" && v("rtt_p50_us") != "") {
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
