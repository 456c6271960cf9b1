# plotdelay.awk: the charts of what a setting costs in message delay, for
# plotdata.awk (which calls them; needs frontier.awk). "Added delay" is a
# stream's message delay above its minimum (msg_delay_p50_over_min_us,
# _p99_): the time a message waited in buffers and queues beyond the
# path's own delay. Every stream measures it (UDP: from the datagram's
# stamp, its place in the schedule when paced, to the read).

# ---- words and units ----

# setting_label(r, i): a stream point's setting, short: "TCP 8 KiB sndbuf
# 256K", "UDP 8 KiB rcvbuf 16K paced 0.9x", "TCP 8 KiB, defaults".
function setting_label(r, i,    t, a, n, j, seen, kv, lab, rate) {
	t = toupper(s(r, i, "proto")) " " fmt_size(s(r, i, "msg_size_bytes"))
	lab = s(r, i, "point_label")
	n = split(opts_txt(s(r, i, "local_opts"), lab) "," opts_txt(s(r, i, "remote_opts"), lab), a, ",")
	for (j = 1; j <= n; j++) {
		if (a[j] == "" || (a[j] in seen)) continue
		seen[a[j]] = 1
		split(a[j], kv, "=")
		t = t " " kv[1] (index(a[j], "=") ? " " (kv[3] != "" ? kv[2] "=" kv[3] : opt_value(kv[2])) : "")
	}
	if (s(r, i, "window_req_pkts") != "")
		t = t " window " (rel_of(lab, "window") == "" ? "" : rel_of(lab, "window") "=") s(r, i, "window_req_pkts")
	if (s(r, i, "proto") == "rudp" && s(r, i, "rudp_cc") !~ /^(|aimd|reno)$/) t = t " cc " s(r, i, "rudp_cc")
	rate = s(r, i, "rate_req_bps")
	if (rate != "")
		t = t " paced " (match(lab, /rate=[^ ,+]*/) ? substr(lab, RSTART + 5, RLENGTH - 5) : fmt_rate(rate))
	return t (kernel_default(r, i) ? ", defaults" : "")
}

# setting_words(r, i): the same in a sentence: "TCP 8 KiB with the
# kernel's defaults".
function setting_words(r, i,    t) {
	t = setting_label(r, i)
	sub(/, defaults$/, " with the kernel's defaults", t)
	return t
}

# opt_value(v): a byte count as the user types it (131072: 128K).
function opt_value(v) {
	return (v ~ /^[0-9]+$/ && v + 0 >= 1024) ? fmt_buf(v) : v
}

# kernel_default(r, i): the point sets no option, no rate, no window.
function kernel_default(r, i) {
	return s(r, i, "local_opts") == "" && s(r, i, "remote_opts") == "" && s(r, i, "rate_req_bps") == "" &&
		s(r, i, "window_req_pkts") == ""
}

# fmt_us(us): a delay in words: 830 µs, 8.87 ms, 1.2 s.
function fmt_us(us) {
	us += 0
	if (us >= 1e6) return sprintf("%.3g s", us / 1e6)
	if (us >= 1e3) return sprintf("%.3g ms", us / 1e3)
	return sprintf("%.3g µs", us)
}

# delay_unit(var, unitvar, max): "xs = 1e3; xunit = \"ms\"" for delays up
# to max µs.
function delay_unit(var, unitvar, m) {
	return var " = " ys_of(m) "; " unitvar " = \"" (ys_of(m) == 1e6 ? "s" : ys_of(m) == 1e3 ? "ms" : "µs") "\"\n"
}

# ys_of(max): the scale delay_unit picks for delays up to max µs.
function ys_of(m) {
	return (m >= 2e6) ? 1e6 : (m >= 2e3) ? 1e3 : 1
}

function delayed(r, i) {
	return s(r, i, "msg_delay_p50_over_min_us_mean") != "" && s(r, i, "msg_delay_p99_over_min_us_mean") != ""
}

# loss_threshold(r): the loss in percent a run allows: its meta.txt's,
# else its max-rate searches', else bench.sh's default.
function loss_threshold(r,    i) {
	if (r in MTHR) return MTHR[r]
	for (i = 1; i <= NM[r]; i++)
		if (M[r, i, "loss_threshold_pct"] != "") return M[r, i, "loss_threshold_pct"] + 0
	return 0.1
}

# lossy(r, i): a UDP point that lost more than the run allows above the
# path's own loss (path_loss_pct): no setting to compare on delay,
# whatever its figures.
function lossy(r, i) {
	return s(r, i, "udp_loss_pct_mean") != "" &&
		s(r, i, "udp_loss_pct_mean") + 0 > loss_threshold(r) + ((r in MPLOSS) ? MPLOSS[r] : 0)
}

# ---- throughput against added delay, the frontier marked ----

# delay_points(r): the run's streams with throughput and added delay into
# DP[1..n] (summary row numbers) and DX, DY, DC (throughput, p50,
# candidate); ON[k] = 1 on the frontier of its transport (each answers
# the question for itself: UDP paced under the bottleneck would otherwise
# beat every TCP setting on delay and hide TCP's own trade-off). Returns n.
function delay_points(r,    i, n, t, pr, k, c, on) {
	n = 0
	for (i = 1; i <= NS[r]; i++) {
		if (!ok(r, i) || s(r, i, "kind") != "stream" || s(r, i, "throughput_bps_mean") == "" || !delayed(r, i)) continue
		DP[++n] = i
		DX[n] = s(r, i, "throughput_bps_mean")
		DY[n] = s(r, i, "msg_delay_p50_over_min_us_mean")
		DC[n] = !lossy(r, i)
	}
	split("tcp udp rudp", pr, " ")
	for (k = 1; k <= n; k++) ON[k] = 0
	for (t = 1; t <= 3; t++) {
		for (k = 1; k <= n; k++) c[k] = DC[k] && s(r, DP[k], "proto") == pr[t]
		frontier(n, DX, DY, c, on)
		for (k = 1; k <= n; k++) if (on[k]) ON[k] = 1
	}
	return n
}

function chart_delay(    r, n, k, i, pass, id, c, xmin, xmax, nl, up, nf, udp_out, ord, np, nz) {
	chart_begin("throughput_delay", 0)
	panel("Throughput against added message delay, one point per setting")
	xmin = ""; xmax = 0; udp_out = 0; np = 0; nz = 0
	# the least delay above 0, and the largest: a log axis when they span
	# much, with a delay of 0 (within the histogram's resolution) drawn at
	# half the least
	for (r = 1; r <= NR_RUNS; r++) {
		n = delay_points(r)
		for (k = 1; k <= n; k++) {
			if (DY[k] + 0 > 0 && (xmin == "" || DY[k] + 0 < xmin)) xmin = DY[k] + 0
			if (DY[k] + 0 <= 0) nz++
			i = DP[k]
			if (s(r, i, "msg_delay_p99_over_min_us_mean") + 0 > xmax) xmax = s(r, i, "msg_delay_p99_over_min_us_mean") + 0
		}
	}
	DLOG = (xmin != "" && xmax / xmin > 30)
	DFLOOR = DLOG ? xmin / 2 : 0
	for (r = 1; r <= NR_RUNS; r++) {
		n = delay_points(r)
		np += n
		nf = 0
		# the frontier first, then the others, then the lossy (the key's order)
		for (pass = 1; pass <= 3; pass++)
		for (k = 1; k <= n; k++) {
			if (pass != (!DC[k] ? 3 : ON[k] ? 1 : 2)) continue
			i = DP[k]
			id = delay_series(r, i, pass)
			add(id, g10(dx(DY[k])), g10(DX[k]) " " g10(dx(s(r, i, "msg_delay_p99_over_min_us_mean"))))
			track(DX[k])
			if (pass == 1) ord[++nf] = g10(DY[k]) SUBSEP k
			# the kernel's defaults named too, unless comparing runs (too many)
			if (pass == 2 && kernel_default(r, i) && NR_RUNS == 1) {
				id = series("dlab" SUBSEP r, "", "($1/xs):($2/ys):3",
					"labels center offset 0,-1 boxed font \",9\" textcolor rgb \"#666666\"")
				add(id, g10(dx(DY[k])), g10(DX[k]) " " q(title_of(r, setting_label(r, i))))
			}
		}
		# each transport's frontier as a line, its points labelled above and to the left
		# (where no other point can be), on three levels in turn; the first,
		# at the left edge, above and to the right
		delay_sort(ord, nf)
		for (nl = 1; nl <= nf; nl++) {
			split(ord[nl], c, SUBSEP); k = c[2]; i = DP[k]
			id = series("line" SUBSEP r SUBSEP s(r, i, "proto"), (("line" SUBSEP r) in FLINE ? "" : title_of(r, "frontier")),
				"($1/xs):($2/ys)", "lines lc rgb \"#777777\" dt 2 lw 1")
			FLINE["line" SUBSEP r] = 1
			add(id, g10(dx(DY[k])), g10(DX[k]))
			up = (nl - 1) % 3
			id = series("flab" SUBSEP r SUBSEP (nl == 1) SUBSEP up, "", "($1/xs):($2/ys):3", "labels " \
				(nl == 1 ? "left offset -0.5," : "right offset -0.6,") (0.8 + up) " boxed font \",9\"")
			add(id, g10(dx(DY[k])), g10(DX[k]) " " q(title_of(r, setting_label(r, i))))
		}
		for (i = 1; i <= NS[r]; i++)
			if (ok(r, i) && s(r, i, "kind") == "stream" && s(r, i, "proto") == "udp" && !delayed(r, i)) udp_out++
		for (k in ON) delete ON[k]
	}
	if (np < 2) { NSER = 0; return }
	panel_set("set autoscale xfix")
	if (DLOG) panel_set("set logscale x")
	SAY = say_delay()
	chart_end("Throughput of each stream against the time its messages waited beyond the " \
		"quickest message of the test (added delay: message delay above its minimum, the share " \
		"of buffers and queues): marker at the median (p50, mean over the repetitions), whisker " \
		"to the 99th percentile (p99). Filled and labelled: the frontier, the settings that no " \
		"other is at least as fast and as little delayed as (p50; equal points both stay); " \
		"hollow: the others; grey labels (one run): the kernel's defaults. Each transport has its frontier" \
		(DLOG && nz ? "; a delay of 0 (within the histogram's 0.4%) is drawn at " fmt_us(DFLOOR) : "") \
		(udp_out ? "; UDP streams measure no message delay and are left out" : "") ".",
		1100, 650, rate_unit("ys", "yunit", YMAX) delay_unit("xs", "xunit", xmax))
}

# delay_series(r, i, pass): the series of a point of throughput_delay:
# pass 1 on the frontier (filled), 2 beaten (hollow), 3 lossy (grey).
function delay_series(r, i, pass,    proto, st) {
	proto = s(r, i, "proto")
	if (pass == 3)
		return series("lossy", title_of(r, "UDP, loss above " loss_threshold(r) "% (not compared)"),
			"($1/xs):($2/ys):($1/xs):($3/xs)", "xerrorbars lc rgb \"#aaaaaa\" pt 8 ps 1.1 lw 1")
	st = style(r, proto, 0, pass == 2)
	sub(/ps [0-9.]+ lw 2/, pass == 1 ? "ps 1.4 lw 1.5" : "ps 1.2 lw 1.5", st)
	return series(r SUBSEP proto SUBSEP pass, title_of(r, toupper(proto) (pass == 1 ? " on the frontier" : ", others")),
		"($1/xs):($2/ys):($1/xs):($3/xs)", "xerrorbars " st)
}

# dx(us): a delay as drawn: on a log axis, at least DFLOOR.
function dx(us) {
	return (DLOG && us + 0 < DFLOOR) ? DFLOOR : us + 0
}

# delay_sort(a, n): a[1..n] ("delay" SUBSEP k) by delay, ascending.
function delay_sort(a, n,    i, j, t, u, v) {
	for (i = 2; i <= n; i++) {
		t = a[i]; split(t, u, SUBSEP)
		for (j = i - 1; j >= 1; j--) { split(a[j], v, SUBSEP); if (v[1] + 0 <= u[1] + 0) break; a[j + 1] = a[j] }
		a[j + 1] = t
	}
}

# say_delay(): the sentence of throughput_delay for one run: per
# transport, the least delayed and the fastest setting on its frontier,
# and its kernel's defaults beside them.
function say_delay(    n, k, t, pr, p, lo, hi, nf, nl, out, part, d, i) {
	if (NR_RUNS != 1) return ""
	n = delay_points(1)
	nl = 0
	for (k = 1; k <= n; k++) if (!DC[k]) nl++
	split("tcp udp rudp", pr, " ")
	out = ""
	for (t = 1; t <= 3; t++) {
		lo = hi = 0; nf = 0
		for (k = 1; k <= n; k++) {
			if (!DC[k] || !ON[k] || s(1, DP[k], "proto") != pr[t]) continue
			nf++
			if (!lo || DY[k] + 0 < DY[lo] + 0) lo = k
			if (!hi || DX[k] + 0 > DX[hi] + 0) hi = k
		}
		if (!nf) continue
		if (lo == hi)
			part = setting_words(1, DP[lo]) " was the fastest and the least delayed " toupper(pr[t]) " setting: " \
				delay_figures(DP[lo])
		else
			part = setting_words(1, DP[lo]) " had the least added delay, " delay_figures(DP[lo]) ", and " \
				setting_words(1, DP[hi]) " the most throughput, " delay_figures(DP[hi]) \
				(nf > 2 ? ", of " nf " " toupper(pr[t]) " settings on its frontier" : "")
		# the defaults of the least delayed one's transport and size
		d = 0
		for (i = 1; i <= NS[1]; i++)
			if (ok(1, i) && s(1, i, "kind") == "stream" && delayed(1, i) && kernel_default(1, i) &&
			    s(1, i, "proto") == pr[t] && s(1, i, "msg_size_bytes") == s(1, DP[lo], "msg_size_bytes")) d = i
		if (d && d != DP[lo] && d != DP[hi])
			part = part " (" setting_words(1, d) ": " delay_figures(d) ")"
		out = out (out == "" ? "" : "; ") part
	}
	if (out == "") return ""
	if (nl) out = out "; " nl " UDP point" (nl > 1 ? "s" : "") " lost more than " loss_threshold(1) "% and " \
		(nl > 1 ? "are" : "is") " not compared"
	for (k in ON) delete ON[k]
	return out "."
}

# delay_figures(i): "64.5 Mbit/s at +8.87 ms (p99 +220 ms)".
function delay_figures(i) {
	return fmt_bits(s(1, i, "throughput_bps_mean")) " at +" fmt_us(s(1, i, "msg_delay_p50_over_min_us_mean")) \
		" (p99 +" fmt_us(s(1, i, "msg_delay_p99_over_min_us_mean")) ")"
}

# ---- added delay against the buffer asked for ----

# As throughput_buffers, one buffer at a time, the same points and axes:
# the p50 (filled, with its 95% confidence interval) and p99 (open) of the
# added delay, the same test with no buffer set dotted.
function chart_delay_buffers(    r, i, p, proto, g, v, id, which, x, st, ymin, a) {
	chart_begin("delay_buffers", 1)
	ACROSS = 1
	ymin = ""
	for (p = 1; p <= 2; p++) {
		which = buffer_panel(p)
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (buf_which(r, i) != which || !delayed(r, i)) continue
			x = s(r, i, which "_req_bytes")
			proto = s(r, i, "proto")
			g = stream_group(r, i)
			v = variant(proto, g)
			id = series(r SUBSEP g, title_of(r, g " p50"), "1:($2/ys):($3/ys)", "yerrorlines " style(r, proto, v, 0))
			add(id, x, s(r, i, "msg_delay_p50_over_min_us_mean") " " ci(s(r, i, "msg_delay_p50_over_min_us_ci95")))
			GROUP[id] = r SUBSEP g; GPROTO[id] = proto; GV[id] = v
			st = style(r, proto, v, 1)
			if (NR_RUNS == 1) sub(/dt 1/, "dt 2", st)
			sub(/lw 2/, "lw 1.5", st)
			id = series(r SUBSEP g SUBSEP 99, title_of(r, g " p99"), "1:($2/ys)", "linespoints " st)
			add(id, x, s(r, i, "msg_delay_p99_over_min_us_mean"))
			track(s(r, i, "msg_delay_p99_over_min_us_mean"))
			if (ymin == "" || s(r, i, "msg_delay_p50_over_min_us_mean") + 0 < ymin)
				ymin = s(r, i, "msg_delay_p50_over_min_us_mean") + 0
		}
		if (NSER == 0 || SPANEL[NSER] != NPAN) { NPAN--; continue }
		panel_set(xtics_list(NPAN, "buf"))
		reference_lines("msg_delay_p50_over_min_us", " (p50)")
	}
	if (npoints_max() < 1) { NSER = 0; return }
	# both panels on one y axis, the lines with no buffer set in it
	for (id = 1; id <= NSER; id++)
		if (SFUNC[id] != "") { split(SFUNC[id], a, "/"); if (a[1] + 0 < ymin) ymin = a[1] + 0; track(a[1]) }
	for (p = 1; p <= NPAN; p++)
		PSET[p] = PSET[p] ((ymin > 0 && YMAX / ymin > 30) ? \
			sprintf("set logscale y\nset yrange [%g:%g]\n", ymin / 1.5 / ys_of(YMAX), YMAX * 1.5 / ys_of(YMAX)) : \
			sprintf("set yrange [0:%g]\n", YMAX * 1.1 / ys_of(YMAX)))
	SAY = say_delay_buffers()
	chart_end("Added message delay (above its minimum: the time messages waited in buffers " \
		"and queues) of the unpaced streams of the chart above, against the socket buffer asked " \
		"for: median (p50, filled markers, with 95% confidence interval over the repetitions) and " \
		"99th percentile (p99, open markers); thin dotted lines: the p50 of the same test with no " \
		"buffer set.", 1400, 470 + 22 * series_in_panel(1), delay_unit("ys", "yunit", YMAX))
}

# say_delay_buffers(): per line of the chart (up to three), the buffer with
# the least and the most added delay (p50), and the delay with none set.
function say_delay_buffers(    g, n, t, k, d) {
	if (NR_RUNS != 1) return ""
	n = buffer_extremes("msg_delay_p50_over_min_us", 1)
	t = ""
	for (k = 1; k <= n && k <= 3; k++) {
		g = BX_ORD[k]
		t = t (k > 1 ? "; " : "") g " waited least with " buf_words(BX_LO[g]) ", +" \
			fmt_us(s(1, BX_LO[g], "msg_delay_p50_over_min_us_mean")) " (p99 +" fmt_us(s(1, BX_LO[g], "msg_delay_p99_over_min_us_mean")) \
			"), and most with " buf_words(BX_HI[g]) ", +" fmt_us(s(1, BX_HI[g], "msg_delay_p50_over_min_us_mean"))
		d = group_default(g)
		if (d && delayed(1, d)) t = t ", against +" fmt_us(s(1, d, "msg_delay_p50_over_min_us_mean")) " with no buffer set"
	}
	return t == "" ? "" : t " (p50)."
}

# buf_words(i): "SO_SNDBUF 256K".
function buf_words(i,    w) {
	w = buf_which(1, i)
	return (w == "sndbuf" ? "SO_SNDBUF " : "SO_RCVBUF ") fmt_buf(s(1, i, w "_req_bytes"))
}

# group_default(g): the summary row of line g's test with no buffer set, or 0.
function group_default(g,    i) {
	for (i = 1; i <= NS[1]; i++)
		if (unpaced_stream(1, i) && no_bufs(1, i) && stream_group(1, i) == g) return i
	return 0
}
