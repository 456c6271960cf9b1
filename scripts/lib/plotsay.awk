# plotsay.awk: for plotdata.awk, the sentence that says what a chart shows
# for this run, with its figures (one run only: "" when comparing, or when
# the data make none; the report then keeps the chart's caption alone).
# The delay charts' own are in plotdelay.awk, whose helpers these use
# (buf_words, group_default, loss_threshold, fmt_us).

# buffer_extremes(metric, delayed_only): per line of the charts against
# one buffer at a time (a stream group of run 1, in the order met), the
# summary rows with the least and the most metric (its _mean): BX_ORD[1..n],
# BX_LO[group], BX_HI[group]; only points with delay figures when
# delayed_only. Returns n.
function buffer_extremes(metric, delayed_only,    i, g, n, m) {
	for (g in BX_LO) delete BX_LO[g]
	for (g in BX_HI) delete BX_HI[g]
	for (g in BX_ORD) delete BX_ORD[g]
	n = 0; m = metric "_mean"
	for (i = 1; i <= NS[1]; i++) {
		if (buf_which(1, i) == "" || (delayed_only && !delayed(1, i))) continue
		g = stream_group(1, i)
		if (!(g in BX_LO)) { BX_ORD[++n] = g; BX_LO[g] = BX_HI[g] = i }
		if (s(1, i, m) + 0 < s(1, BX_LO[g], m) + 0) BX_LO[g] = i
		if (s(1, i, m) + 0 > s(1, BX_HI[g], m) + 0) BX_HI[g] = i
	}
	return n
}

# say_buffers(): throughput_buffers: per line (up to three), the buffer it
# was fastest and slowest with, and its rate with no buffer set.
function say_buffers(    g, n, t, k, d) {
	if (NR_RUNS != 1) return ""
	n = buffer_extremes("throughput_bps", 0)
	t = ""
	for (k = 1; k <= n && k <= 3; k++) {
		g = BX_ORD[k]
		t = t (k > 1 ? "; " : "") g " was fastest with " buf_words(BX_HI[g]) ", " fmt_bits(s(1, BX_HI[g], "throughput_bps_mean"))
		d = group_default(g)
		if (d) t = t " (" fmt_bits(s(1, d, "throughput_bps_mean")) " with no buffer set)"
		if (BX_LO[g] != BX_HI[g]) t = t ", and slowest with " buf_words(BX_LO[g]) ", " fmt_bits(s(1, BX_LO[g], "throughput_bps_mean"))
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
