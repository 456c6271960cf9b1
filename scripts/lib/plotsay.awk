# plotsay.awk: for plotdata.awk, the sentence that says what a chart shows
# for this run, with its figures (one run only: "" when comparing, or when
# the data make none; the report then keeps the chart's caption alone).
# The delay charts' own are in plotdelay.awk, whose helpers these use
# (buf_words, group_default, loss_threshold, fmt_us).

# say_buffers(): throughput_buffers: per line (up to three), the buffer it
# was fastest and slowest with, and its rate with no buffer set.
function say_buffers(    i, g, n, lo, hi, ord, t, k, d) {
	if (NR_RUNS != 1) return ""
	n = 0
	for (i = 1; i <= NS[1]; i++) {
		if (buf_which(1, i) == "") continue
		g = stream_group(1, i)
		if (!(g in lo)) { ord[++n] = g; lo[g] = hi[g] = i }
		if (s(1, i, "throughput_bps_mean") + 0 < s(1, lo[g], "throughput_bps_mean") + 0) lo[g] = i
		if (s(1, i, "throughput_bps_mean") + 0 > s(1, hi[g], "throughput_bps_mean") + 0) hi[g] = i
	}
	t = ""
	for (k = 1; k <= n && k <= 3; k++) {
		g = ord[k]
		t = t (k > 1 ? "; " : "") g " was fastest with " buf_words(hi[g]) ", " fmt_bits(s(1, hi[g], "throughput_bps_mean"))
		d = group_default(g)
		if (d) t = t " (" fmt_bits(s(1, d, "throughput_bps_mean")) " with no buffer set)"
		if (lo[g] != hi[g]) t = t ", and slowest with " buf_words(lo[g]) ", " fmt_bits(s(1, lo[g], "throughput_bps_mean"))
	}
	return t == "" ? "" : t "."
}

# say_maxrate(): maxrate_rcvbuf: the receive buffer that held the highest
# rate within the loss threshold, and what the smallest one held.
function say_maxrate(    i, hi, lo, t) {
	if (NR_RUNS != 1) return ""
	for (i = 1; i <= NM[1]; i++) {
		if (M[1, i, "rcvbuf_granted_bytes"] == "" || M[1, i, "rate_bps"] == "") continue
		if (!hi || M[1, i, "rate_bps"] + 0 > M[1, hi, "rate_bps"] + 0) hi = i
		if (!lo || M[1, i, "rcvbuf_granted_bytes"] + 0 < M[1, lo, "rcvbuf_granted_bytes"] + 0) lo = i
	}
	if (!hi) return ""
	t = "The highest UDP rate within " M[1, hi, "loss_threshold_pct"] "% loss was " fmt_bits(M[1, hi, "rate_bps"]) \
		" (" fmt_size(M[1, hi, "msg_size_bytes"]) " datagrams) with " maxrate_buf(hi) \
		(M[1, hi, "status"] == "sender_limited" ? ", as fast as the sender could send" : "")
	if (lo != hi) t = t "; " maxrate_buf(lo) " held " fmt_bits(M[1, lo, "rate_bps"])
	return t "."
}

# maxrate_buf(i): "SO_RCVBUF 64K asked for (128K granted)".
function maxrate_buf(i) {
	return "SO_RCVBUF " (M[1, i, "rcvbuf_req_bytes"] == "" ? "left to the kernel" : fmt_buf(M[1, i, "rcvbuf_req_bytes"]) " asked for") \
		" (" fmt_buf(M[1, i, "rcvbuf_granted_bytes"]) " granted)"
}

# say_loss(): udp_loss_rate: for the line with the most offered rates, the
# highest rate whose loss stayed within the run's threshold, and the loss
# at its highest rate.
function say_loss(    i, g, cnt, best, ok_i, top, least, t, th) {
	if (NR_RUNS != 1) return ""
	for (i = 1; i <= NS[1]; i++)
		if (loss_point(i) && ++cnt[loss_group(i)] > cnt[best]) best = loss_group(i)
	if (best == "") return ""
	th = loss_threshold(1)
	for (i = 1; i <= NS[1]; i++) {
		if (!loss_point(i) || loss_group(i) != best) continue
		if (!top || s(1, i, "rate_req_bps") + 0 > s(1, top, "rate_req_bps") + 0) top = i
		if (s(1, i, "udp_loss_pct_mean") + 0 <= th && (!ok_i || s(1, i, "rate_req_bps") + 0 > s(1, ok_i, "rate_req_bps") + 0)) ok_i = i
		if (!least || s(1, i, "udp_loss_pct_mean") + 0 < s(1, least, "udp_loss_pct_mean") + 0) least = i
	}
	t = best
	if (!ok_i) {
		ok_i = least
		t = t " lost more than " th "% at every offered rate, the least " loss_pct(least) " at " fmt_bits(s(1, least, "rate_req_bps"))
	} else t = t " lost " loss_pct(ok_i) " at " fmt_bits(s(1, ok_i, "rate_req_bps")) " offered, the highest rate within " th "%"
	if (top != ok_i) t = t ", and " loss_pct(top) " at " fmt_bits(s(1, top, "rate_req_bps"))
	return t "."
}

function loss_pct(i) {
	return sprintf("%.3g%%", s(1, i, "udp_loss_pct_mean"))
}

# loss_point(i), loss_group(i): a point of udp_loss_rate and its line
# (as chart_loss names it).
function loss_point(i) {
	return ok(1, i) && s(1, i, "proto") != "tcp" && s(1, i, "kind") == "stream" &&
		s(1, i, "rate_req_bps") != "" && s(1, i, "udp_loss_pct_mean") != ""
}

function loss_group(i,    g) {
	g = toupper(s(1, i, "proto")) " " fmt_size(s(1, i, "msg_size_bytes"))
	if (s(1, i, "sndbuf_req_bytes") != "") g = g " sndbuf " fmt_buf(s(1, i, "sndbuf_req_bytes"))
	g = g " rcvbuf " (s(1, i, "rcvbuf_req_bytes") == "" ? "default" : fmt_buf(s(1, i, "rcvbuf_req_bytes")))
	if (others(1, i) != "") g = g " " others(1, i)
	return g
}

# say_rtt_size(): rtt_size: the quickest and the slowest round trip (p50).
function say_rtt_size(    i, lo, hi) {
	if (NR_RUNS != 1) return ""
	for (i = 1; i <= NS[1]; i++) {
		if (!ok(1, i) || s(1, i, "kind") != "rr" || s(1, i, "rtt_p50_us_mean") == "" || !no_bufs(1, i)) continue
		if (!lo || s(1, i, "rtt_p50_us_mean") + 0 < s(1, lo, "rtt_p50_us_mean") + 0) lo = i
		if (!hi || s(1, i, "rtt_p50_us_mean") + 0 > s(1, hi, "rtt_p50_us_mean") + 0) hi = i
	}
	if (!lo || lo == hi) return ""
	return "The quickest round trip was " rr_variant(1, lo) " with " fmt_size(s(1, lo, "msg_size_bytes")) \
		" messages, " fmt_us(s(1, lo, "rtt_p50_us_mean")) " (p50; p99 " fmt_us(s(1, lo, "rtt_p99_us_mean")) \
		"), the slowest " rr_variant(1, hi) " with " fmt_size(s(1, hi, "msg_size_bytes")) ", " \
		fmt_us(s(1, hi, "rtt_p50_us_mean")) " (p99 " fmt_us(s(1, hi, "rtt_p99_us_mean")) ")."
}
