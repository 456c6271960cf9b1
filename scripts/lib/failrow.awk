# failrow.awk: a results row for a test that left none (tub-send refused to
# run or was killed), in the column order of the header of the file given.
# Variables: status why run_id target proto kind size dur rate lopt ropt host now
# label (the point's, "-": none).
# Needs csv.awk.

function val(name) {
	if (name == "run_id") return run_id
	if (name == "timestamp_utc") return now
	if (name == "sender_host") return host
	if (name == "target") return target
	if (name == "proto") return proto
	if (name == "kind") return kind
	if (name == "direction") return "forward"
	if (name == "msg_size_bytes") return size
	if (name == "duration_req_s") return sprintf("%.3f", dur)
	if (name == "rate_req_bps") return rate
	if (name == "status") return status
	if (name == "error") return why
	if (name == "point_label") return (label == "-") ? "" : label
	if (name == "local_opts") return lopt
	if (name == "remote_opts") return ropt
	return ""
}

NR == 1 {
	n = csv_split($0, head)
	if (rate == "-") rate = ""
	if (lopt == "-") lopt = ""
	if (ropt == "-") ropt = ""
	out = ""
	for (i = 1; i <= n; i++)
		out = out (i > 1 ? "," : "") csv_quote(val(head[i]))
	print out
	exit
}
