# path.awk: path.csv, the probe's figures (scripts/lib/probe.sh), one row
# per figure: figure,value,unit,how,status. Needs csv.awk. By mode:
#   row      (no input) the row of -v figure value unit how status
#   get      the column -v c of the row of -v figure
#   summary  the one-line summary of the figures
#   meta     the figures as meta.txt lines: "path.FIGURE: VALUE UNIT (status)"

function us_text(us) {
	if (us == "") return "?"
	us += 0
	return (us >= 1000) ? sprintf("%.1f ms", us / 1000) : sprintf("%.0f us", us)
}

function or_q(x) {
	return (x == "") ? "?" : x
}

function summary(    why, f, t) {
	t = sprintf("RTT min %s p50 %s, loss %s, bottleneck %s (UDP) / %s TCP %s->%s, MTU %s, BDP %s",
		us_text(v["rtt_min_us"]), us_text(v["rtt_p50_us"]),
		(v["path_loss_pct"] == "" ? "?" : sprintf("%.2f%%", v["path_loss_pct"])),
		(v["bottleneck_bps"] == "" ? "?" : fmt_bits(v["bottleneck_bps"])) \
			(s["bottleneck_bps"] ~ /^lower/ ? " or more" : ""),
		(v["tcp_goodput_bps"] == "" ? "?" : fmt_bits(v["tcp_goodput_bps"])),
		or_q(v["cc_local"]), or_q(v["cc_remote"]), or_q(v["path_mtu_bytes"]),
		(v["bdp_bytes"] == "" ? "?" : sprintf("%.0f KB", v["bdp_bytes"] / 1000)))
	# the first figure missing, and why
	for (f = 1; f <= nf; f++)
		if (s[fig[f]] ~ /^(failed|skipped)/) {
			why = s[fig[f]]
			sub(/ \[probe row.*/, "", why)
			return t " (" fig[f] ": " why ")"
		}
	return t
}

BEGIN {
	if (mode == "row") {
		print csv_quote(figure) "," csv_quote(value) "," csv_quote(unit) "," \
			csv_quote(how) "," csv_quote(status)
		exit
	}
}

NR == 1 { csv_index($0, col); next }

{
	csv_split($0, r)
	fig[++nf] = r[1]
	v[r[1]] = r[col["value"]]
	s[r[1]] = r[col["status"]]
	if (mode == "get" && r[1] == figure) {
		print r[col[c]]
		exit
	}
	if (mode == "meta")
		print "path." r[1] ": " or_q(v[r[1]]) \
			(v[r[1]] == "" || r[col["unit"]] == "" ? "" : " " r[col["unit"]]) \
			(s[r[1]] == "ok" ? "" : " (" s[r[1]] ")")
}

END {
	if (mode == "summary")
		print summary()
}
