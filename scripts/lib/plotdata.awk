# plotdata.awk: from one or more run directories' CSV files, the data and
# the gnuplot commands of every chart that has data (plot.sh draws them).
#   awk -v out=DIR -f csv.awk -f plotdata.awk  RUN1/meta.txt RUN1/summary.csv
#       [RUN1/maxrate.csv] [RUN1/intervals.csv]  RUN2/meta.txt ...
# Each meta.txt starts the next run. For chart NAME it writes into DIR:
#   NAME.vars.gp   variables for scripts/NAME.gp (title, units, panels)
#   NAME.plot.gp   the plot commands, one per panel (series vary with the data)
#   NAME.sN.dat    one data file per series, sorted by x
# and one line per chart into DIR/charts.txt: name, caption, width, height
# and the scripts/*.gp that draws it (NAME.gp but for the heatmaps).
# Colours: TCP blues, UDP oranges, RUDP greens; within a transport the
# first colour is its own, others mark variants (one run) or runs (several
# runs, which also differ in dash pattern). Needs csv.awk.

BEGIN {
	PAL["tcp"] = "#1f77b4 #08519c #6baed6 #17becf #3949ab #74a9cf"
	PAL["udp"] = "#e6550d #a63603 #fd8d3c #d62728 #e7a100 #8c2d04"
	PAL["rudp"] = "#2ca02c #006d2c #74c476 #9acd32 #00796b #b5cf6b"
	split("7 5 9 11 13 15", PT, " ")        # filled; the open one is pt - 1
	NR_RUNS = 0
}

# ---- reading ----

FNR == 1 {
	base = FILENAME
	sub(/.*\//, "", base)
	if (base == "meta.txt") { r = ++NR_RUNS; LABEL[r] = ""; LINK[r] = "" }
	else { for (k in col) delete col[k]; csv_index($0, col); next }
}

base == "meta.txt" {
	i = index($0, ": ")
	if (i < 2) next
	k = substr($0, 1, i - 1)
	if (k == "label") LABEL[r] = substr($0, i + 2)
	if (k == "link") LINK[r] = substr($0, i + 2)
	if (k == "run_id") RUNID[r] = substr($0, i + 2)
	if (k == "hostname") MSND[r] = substr($0, i + 2)
	if (k == "receiver.hostname") MRCV[r] = substr($0, i + 2)
	next
}

base == "summary.csv" {
	csv_split($0, row)
	i = ++NS[r]
	for (k in col) S[r, i, k] = row[col[k]]
	if (SND[r] == "") { SND[r] = S[r, i, "sender_host"]; RCV[r] = S[r, i, "receiver_host"] }
	next
}

base == "maxrate.csv" {
	csv_split($0, row)
	i = ++NM[r]
	for (k in col) M[r, i, k] = row[col[k]]
	next
}

base == "intervals.csv" {
	csv_split($0, row)
	if (row[col["end"]] != "receiver" || !("results_row" in col)) next
	rr = row[col["results_row"]]
	k = ++IVN[r, rr]
	IVX[r, rr, k] = (row[col["start_s"]] + row[col["end_s"]]) / 2
	IVY[r, rr, k] = row[col["rate_bps"]]
	IVD[r, rr, k] = row[col["end_s"]] - row[col["start_s"]]
	if (IVD[r, rr, k] > IVMAX[r, rr]) IVMAX[r, rr] = IVD[r, rr, k]
	next
}

# ---- one chart: panels of series of points ----

# q(s): s as a gnuplot string in double quotes (newlines as \n).
function q(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\n/, "\\n", s)
	return "\"" s "\""
}

# chart_begin(name, multi): multi = 1 when NAME.gp draws panels under one
# title (then the panel titles leave out the link and hosts).
function chart_begin(name, multi) {
	CH = name; CHGP = name; MULTI = multi; NSER = 0; NPAN = 0; YMAX = 0
	for (k in SID) delete SID[k]
	for (k in VIDX) delete VIDX[k]
	for (k in NVAR) delete NVAR[k]
}

function panel(title) {
	PTITLE[++NPAN] = title
	PSET[NPAN] = ""
}

# panel_set(cmd): a gnuplot command for the current panel, before its plot.
function panel_set(cmd) {
	PSET[NPAN] = PSET[NPAN] cmd "\n"
}

# variant(proto, key): 0, 1, ... per distinct key of a transport.
function variant(proto, key) {
	if (!((proto, key) in VIDX)) VIDX[proto, key] = NVAR[proto]++
	return VIDX[proto, key]
}

function colour(proto, i,    a, n) {
	if (!(proto in PAL)) proto = "tcp"
	n = split(PAL[proto], a, " ")
	return a[(i % n) + 1]
}

# style(r, proto, v, open): line and point style of a series.
function style(r, proto, v, open,    c, dt, pt) {
	if (NR_RUNS > 1) { c = colour(proto, r - 1); dt = r }
	else { c = colour(proto, v); dt = 1 }
	pt = PT[(v % 6) + 1] - (open ? 1 : 0)
	return sprintf("lc rgb %s dt %d pt %d ps 1.1 lw 2", q(c), dt, pt)
}

function smallpoints(st) {
	sub(/ps [0-9.]+/, "ps 0.6", st)
	return st
}

# title_of(r, text): a series title, with the run's label when comparing.
function title_of(r, text) {
	return (NR_RUNS > 1) ? LABEL[r] ": " text : text
}

# series(key, title, using, with): the series' id in the current panel.
function series(key, title, using, with,    id) {
	key = NPAN SUBSEP key
	if (key in SID) return SID[key]
	id = SID[key] = ++NSER
	STITLE[id] = title; SUSING[id] = using; SWITH[id] = with; SFUNC[id] = ""
	SPANEL[id] = NPAN; SN[id] = 0
	return id
}

# add(id, x, rest): a point (x first, then the other columns).
function add(id, x, rest,    n) {
	n = ++SN[id]
	SX[id, n] = x + 0
	SL[id, n] = x " " rest
}

function series_in_panel(p,    id, n) {
	for (id = 1; id <= NSER; id++) if (SPANEL[id] == p) n++
	return n
}

function npoints_max(    id, m) {
	m = 0
	for (id = 1; id <= NSER; id++) if (SFUNC[id] == "" && SN[id] > m) m = SN[id]
	return m
}

# write_series(id): its data file, sorted by x (insertion sort: few points).
function write_series(id,    f, i, j, n, tx, tl) {
	n = SN[id]
	for (i = 2; i <= n; i++) {
		tx = SX[id, i]; tl = SL[id, i]
		for (j = i - 1; j >= 1 && SX[id, j] > tx; j--) { SX[id, j + 1] = SX[id, j]; SL[id, j + 1] = SL[id, j] }
		SX[id, j + 1] = tx; SL[id, j + 1] = tl
	}
	f = out "/" CH ".s" id ".dat"
	for (i = 1; i <= n; i++) print SL[id, i] > f
	close(f)
	return f
}

# xtics_list(p, kind): "set xtics (...)" from the x values of panel p;
# kind "buf": 64K, "size": 1400 B, "gbuf": granted bytes.
function xtics_list(p, kind,    id, i, seen, xs, n, j, t, s) {
	n = 0
	for (id = 1; id <= NSER; id++) {
		if (SPANEL[id] != p) continue
		for (i = 1; i <= SN[id]; i++)
			if (!(SX[id, i] in seen)) { seen[SX[id, i]] = 1; xs[++n] = SX[id, i] }
	}
	for (i = 2; i <= n; i++) { t = xs[i]; for (j = i - 1; j >= 1 && xs[j] > t; j--) xs[j + 1] = xs[j]; xs[j + 1] = t }
	s = ""
	for (i = 1; i <= n; i++)
		s = s (i > 1 ? ", " : "") q(kind == "size" ? size_tic(xs[i]) : fmt_buf(xs[i])) " " xs[i]
	return "set xtics (" s ")"
}

function size_tic(b) {
	return (b >= 1024 && b % 1024 == 0) ? (b / 1024) "K" : b ""
}

# chart_end(caption, w, h, vars): write the files; skipped without data.
function chart_end(caption, w, h, vars,    f, p, id, cmd, sep, file) {
	if (NSER == 0) return
	f = out "/" CH ".vars.gp"
	printf "ttl = %s\nnpanels = %d\n%s", q(chart_title()), NPAN, vars > f
	close(f)
	f = out "/" CH ".plot.gp"
	for (p = 1; p <= NPAN; p++) {
		cmd = ""; sep = "plot "
		for (id = 1; id <= NSER; id++) {
			if (SPANEL[id] != p) continue
			# a series is a data file, or a function of x (SFUNC)
			cmd = cmd sep (SFUNC[id] != "" ? SFUNC[id] : q(write_series(id)) " using " SUSING[id]) \
				" with " SWITH[id] \
				(STITLE[id] == "" ? " notitle" : " title " q(STITLE[id]))
			sep = ", \\\n     "
		}
		if (cmd == "") continue
		printf "%s", xrange_of(p) > f
		printf "set title %s\n%s%s\n", q(MULTI ? PTITLE[p] : PTITLE[p] "\n" chart_title()),
			PSET[p], cmd > f
	}
	close(f)
	printf "%s\t%s\t%d\t%d\t%s\n", CH, caption, w, h, CHGP > (out "/charts.txt")
}

# xrange_of(p): "set autoscale x", or a range around a single x value
# (which gnuplot cannot scale).
function xrange_of(p,    id, i, lo, hi) {
	lo = ""
	for (id = 1; id <= NSER; id++) {
		if (SPANEL[id] != p) continue
		for (i = 1; i <= SN[id]; i++) {
			if (lo == "" || SX[id, i] < lo) lo = SX[id, i]
			if (hi == "" || SX[id, i] > hi) hi = SX[id, i]
		}
	}
	if (lo != "" && lo == hi && lo > 0) return sprintf("set xrange [%g:%g]\n", lo / 2, lo * 2)
	return "set autoscale x\n"
}

# chart_title(): what every chart's title ends with: link and hosts.
function chart_title(    r, t) {
	for (r = 1; r <= NR_RUNS; r++) {
		if (SND[r] == "") SND[r] = MSND[r]
		if (RCV[r] == "") RCV[r] = (MRCV[r] != "") ? MRCV[r] : SND[r]
	}
	if (NR_RUNS == 1)
		return LINK[1] ", " SND[1] " to " RCV[1]
	t = ""
	for (r = 1; r <= NR_RUNS; r++)
		t = t (r > 1 ? " vs " : "") LABEL[r] " (" LINK[r] ", " SND[r] " to " RCV[r] ")"
	return t
}

# throughput_unit(max): "ys = 1e9; yunit = ..." for values up to max bit/s.
function rate_unit(var, unitvar, m) {
	if (m >= 2e9) return var " = 1e9; " unitvar " = \"Gbit/s\"\n"
	if (m >= 2e6) return var " = 1e6; " unitvar " = \"Mbit/s\"\n"
	return var " = 1e3; " unitvar " = \"kbit/s\"\n"
}

# ---- what a summary row is ----

function s(r, i, k) { return S[r, i, k] }
function ok(r, i) { return s(r, i, "n") > 0 }
function unpaced_stream(r, i) {
	return ok(r, i) && s(r, i, "kind") == "stream" && s(r, i, "rate_req_bps") == "" &&
		s(r, i, "throughput_bps_mean") != ""
}
function no_bufs(r, i) {
	return s(r, i, "sndbuf_req_bytes") == "" && s(r, i, "rcvbuf_req_bytes") == ""
}
function others(r, i) {
	return opts_drop(opts_drop(s(r, i, "local_opts"), "sndbuf"), "rcvbuf")
}
# stream_group(r, i): "TCP 8 KiB" (and other options): the line a buffer point is on.
function stream_group(r, i) {
	return toupper(s(r, i, "proto")) " " fmt_size(s(r, i, "msg_size_bytes")) (others(r, i) == "" ? "" : " " others(r, i))
}
function ci(x) { return (x == "") ? 0 : x }
function track(y) { if (y + 0 > YMAX) YMAX = y + 0 }

# ---- the charts ----

function chart_buffers(    r, i, p, proto, g, v, id, which, x) {
	chart_begin("throughput_buffers", 1)
	for (p = 1; p <= 2; p++) {
		which = (p == 1) ? "sndbuf" : "rcvbuf"
		panel(p == 1 ? "SO_SNDBUF of the sender (the receiver's buffer left to the kernel)" : \
			"SO_RCVBUF of the receiver (the sender's buffer left to the kernel)")
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (!unpaced_stream(r, i)) continue
			x = s(r, i, which "_req_bytes")
			if (x == "" || s(r, i, (p == 1 ? "rcvbuf" : "sndbuf") "_req_bytes") != "") continue
			proto = s(r, i, "proto")
			g = stream_group(r, i)
			v = variant(proto, g)
			id = series(r SUBSEP g, title_of(r, g), "1:($2/ys):($3/ys)", "yerrorlines " style(r, proto, v, 0))
			add(id, x, s(r, i, "throughput_bps_mean") " " ci(s(r, i, "throughput_bps_ci95")))
			track(s(r, i, "throughput_bps_mean"))
			GROUP[id] = r SUBSEP g; GPROTO[id] = proto; GV[id] = v
		}
		if (NSER == 0 || SPANEL[NSER] != NPAN) { NPAN--; continue }
		panel_set(xtics_list(NPAN, "buf"))
		reference_lines()
	}
	if (npoints_max() < 1) { NSER = 0; return }
	chart_end("Throughput of unpaced streams against the socket buffer asked for, one " \
		"buffer at a time: the sender's SO_SNDBUF and the receiver's SO_RCVBUF; " \
		"thin dotted lines: the same test with no buffer set. Error bars: 95% confidence " \
		"interval of the mean over the repetitions.", 1400, 470 + 22 * series_in_panel(1),
		rate_unit("ys", "yunit", YMAX))
}

# reference_lines(): for each series of the current panel, the throughput
# of its test with no buffer set, as a flat dotted line across the panel.
function reference_lines(    id, last, r, i, g, gk, rid, d) {
	last = NSER
	for (id = 1; id <= last; id++) {
		if (SPANEL[id] != NPAN) continue
		split(GROUP[id], gk, SUBSEP)
		r = gk[1]
		for (i = 1; i <= NS[r]; i++) {
			if (!unpaced_stream(r, i) || !no_bufs(r, i)) continue
			g = stream_group(r, i)
			if (g != gk[2]) continue
			d = style(r, GPROTO[id], GV[id], 0)
			sub(/dt [0-9]+/, "dt 3", d); sub(/ pt [0-9]+ ps [0-9.]+ lw 2/, " lw 1.5", d)
			rid = series("ref" SUBSEP GROUP[id], title_of(r, g " no buffer set"), "", "lines " d)
			SFUNC[rid] = s(r, i, "throughput_bps_mean") "/ys"
		}
	}
}

# Both buffers set together: one heatmap per transport (one run only), of
# the message size with the most such points.
function chart_heatmap(proto,    r, i, key, cnt, best, g, xs, ys, nx, ny, xi, yi, id, t, k, v, sv, rv) {
	if (NR_RUNS != 1) return
	r = 1
	for (i = 1; i <= NS[r]; i++)
		if (unpaced_stream(r, i) && s(r, i, "proto") == proto &&
		    s(r, i, "sndbuf_req_bytes") != "" && s(r, i, "rcvbuf_req_bytes") != "")
			if (++cnt[stream_group(r, i)] > cnt[best]) best = stream_group(r, i)
	if (best == "" || cnt[best] < 4) return
	for (i = 1; i <= NS[r]; i++) {
		if (!unpaced_stream(r, i) || stream_group(r, i) != best ||
		    s(r, i, "sndbuf_req_bytes") == "" || s(r, i, "rcvbuf_req_bytes") == "") continue
		sv = s(r, i, "sndbuf_req_bytes") + 0; rv = s(r, i, "rcvbuf_req_bytes") + 0
		if (!(sv in xi)) { xi[sv] = 1; xs[++nx] = sv }
		if (!(rv in yi)) { yi[rv] = 1; ys[++ny] = rv }
	}
	if (nx < 2 || ny < 2) return
	sort_num(xs, nx); sort_num(ys, ny)
	for (k = 1; k <= nx; k++) xi[xs[k]] = k - 1
	for (k = 1; k <= ny; k++) yi[ys[k]] = k - 1
	chart_begin("throughput_heatmap_" proto, 0)
	CHGP = "throughput_heatmap"
	panel("Throughput of " best " streams, SO_SNDBUF x SO_RCVBUF")
	id = series("cells", "", "1:2:(0.5):(0.5):($3/ys)", "boxxyerror fs solid 1.0 noborder lc palette")
	v = series("values", "", "1:2:(sprintf(\"%.3g\", $3/ys))", "labels boxed font \",10\"")
	for (i = 1; i <= NS[r]; i++) {
		if (!unpaced_stream(r, i) || stream_group(r, i) != best ||
		    s(r, i, "sndbuf_req_bytes") == "" || s(r, i, "rcvbuf_req_bytes") == "") continue
		t = s(r, i, "throughput_bps_mean")
		add(id, xi[s(r, i, "sndbuf_req_bytes") + 0], yi[s(r, i, "rcvbuf_req_bytes") + 0] " " t)
		add(v, xi[s(r, i, "sndbuf_req_bytes") + 0], yi[s(r, i, "rcvbuf_req_bytes") + 0] " " t)
		track(t)
	}
	t = ""; for (k = 1; k <= nx; k++) t = t (k > 1 ? ", " : "") q(fmt_buf(xs[k])) " " (k - 1)
	panel_set("set xtics (" t ")")
	t = ""; for (k = 1; k <= ny; k++) t = t (k > 1 ? ", " : "") q(fmt_buf(ys[k])) " " (k - 1)
	panel_set("set ytics (" t ")")
	panel_set(sprintf("set xrange [-0.5:%g]\nset yrange [-0.5:%g]", nx - 0.5, ny - 0.5))
	panel_set(proto == "udp" ? "set palette defined (0 \"#fff5eb\", 1 \"#fd8d3c\", 2 \"#7f2704\")" : \
		"set palette defined (0 \"#f7fbff\", 1 \"#6baed6\", 2 \"#08306b\")")
	chart_end("Throughput of unpaced " toupper(proto) " streams with both buffers asked for: " \
		"the sender's SO_SNDBUF across, the receiver's SO_RCVBUF up; each cell is the mean " \
		"over the repetitions, its value in the cell.", 900, 700, rate_unit("ys", "yunit", YMAX))
}

function sort_num(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}

function chart_sizes(    r, i, proto, g, id) {
	chart_begin("throughput_size", 0)
	panel("Throughput by message size, no socket buffer set")
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!unpaced_stream(r, i) || !no_bufs(r, i)) continue
		proto = s(r, i, "proto")
		g = toupper(proto) (others(r, i) == "" ? "" : " " others(r, i))
		id = series(r SUBSEP g, title_of(r, g), "1:($2/ys):($3/ys)",
			"yerrorlines " style(r, proto, variant(proto, g), 0))
		add(id, s(r, i, "msg_size_bytes"), s(r, i, "throughput_bps_mean") " " ci(s(r, i, "throughput_bps_ci95")))
		track(s(r, i, "throughput_bps_mean"))
	}
	if (npoints_max() < 2) { NSER = 0; return }
	panel_set(xtics_list(1, "size"))
	chart_end("Throughput of unpaced streams against the message size (bytes per send() " \
		"call; one datagram each for UDP), kernel default buffers. Error bars: 95% " \
		"confidence interval over the repetitions.", 1000, 600, rate_unit("ys", "yunit", YMAX))
}

function rr_variant(r, i,    g, o) {
	g = toupper(s(r, i, "proto"))
	o = others(r, i)
	if (s(r, i, "proto") == "tcp") {
		g = g (o ~ /(^|,)nodelay(,|$)/ ? " nodelay" : " Nagle")
		o = opts_drop(o, "nodelay")
	}
	return g (o == "" ? "" : " " o)
}

function chart_rtt_size(    r, i, proto, g, v, id, ymin, st) {
	chart_begin("rtt_size", 0)
	panel("Request/response round trips by message size")
	ymin = ""
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!ok(r, i) || s(r, i, "kind") != "rr" || s(r, i, "rtt_p50_us_mean") == "" || !no_bufs(r, i)) continue
		proto = s(r, i, "proto")
		g = rr_variant(r, i)
		v = variant(proto, g)
		id = series(r SUBSEP g SUBSEP 50, title_of(r, g " p50"), "1:2:3", "yerrorlines " style(r, proto, v, 0))
		add(id, s(r, i, "msg_size_bytes"), s(r, i, "rtt_p50_us_mean") " " ci(s(r, i, "rtt_p50_us_ci95")))
		st = style(r, proto, v, 1)
		if (NR_RUNS == 1) sub(/dt 1/, "dt 2", st)
		sub(/lw 2/, "lw 1.5", st)
		id = series(r SUBSEP g SUBSEP 99, title_of(r, g " p99"), "1:2", "linespoints " st)
		add(id, s(r, i, "msg_size_bytes"), s(r, i, "rtt_p99_us_mean"))
		track(s(r, i, "rtt_p99_us_mean"))
		if (ymin == "" || s(r, i, "rtt_p50_us_mean") + 0 < ymin) ymin = s(r, i, "rtt_p50_us_mean") + 0
	}
	if (npoints_max() < 2) { NSER = 0; return }
	panel_set(xtics_list(1, "size"))
	if (ymin > 0 && YMAX / ymin > 30) panel_set("set logscale y")
	chart_end("Round-trip time of request/response exchanges against the message size: " \
		"median (p50, filled markers, with 95% confidence interval over the repetitions) " \
		"and 99th percentile (p99, open markers).", 1000, 600, "")
}

# The percentiles of each rr test as points of a CDF, on a "nines" axis.
function chart_cdf(    r, i, size, proto, g, id, k, pc, yv, x, xmin, xmax) {
	chart_begin("rtt_cdf", 0)
	split("rtt_min_us rtt_p50_us rtt_p90_us rtt_p99_us rtt_p999_us rtt_max_us", pc, " ")
	split("0 0.30103 1 2 3 4", yv, " ")
	for (r = 1; r <= NR_RUNS; r++) {
		size = ""
		for (i = 1; i <= NS[r]; i++)
			if (ok(r, i) && s(r, i, "kind") == "rr" && s(r, i, "rtt_p50_us_mean") != "" && no_bufs(r, i) &&
			    (size == "" || s(r, i, "msg_size_bytes") + 0 < size))
				size = s(r, i, "msg_size_bytes") + 0
		if (size == "") continue
		if (NPAN == 0) panel("")
		CDF_SIZE = (CDF_SIZE == "" || CDF_SIZE == size) ? size : "mixed"
		for (i = 1; i <= NS[r]; i++) {
			if (!ok(r, i) || s(r, i, "kind") != "rr" || s(r, i, "msg_size_bytes") + 0 != size ||
			    s(r, i, "rtt_p50_us_mean") == "" || !no_bufs(r, i)) continue
			proto = s(r, i, "proto")
			g = rr_variant(r, i)
			id = series(r SUBSEP g, title_of(r, g), "1:2", "linespoints " style(r, proto, variant(proto, g), 0))
			for (k = 1; k <= 6; k++) {
				x = s(r, i, pc[k] "_mean")
				if (x == "" || x <= 0) continue
				add(id, x, yv[k])
				if (xmin == "" || x + 0 < xmin) xmin = x + 0
				if (x + 0 > xmax) xmax = x + 0
			}
		}
	}
	if (NSER == 0) return
	panel_set(sprintf("set xrange [%g:%g]", xmin / 1.4, xmax * 1.4))
	PTITLE[1] = "Round-trip time distribution, " (CDF_SIZE == "mixed" ? "smallest rr message of each run" : fmt_size(CDF_SIZE) " messages")
	chart_end("Distribution of round-trip times, TCP against UDP and TCP_NODELAY on and off: " \
		"the markers are the percentiles each test reports (min, p50, p90, p99, p99.9, max; " \
		"means over the repetitions), not single samples, on an axis that spreads the tail.",
		1000, 600, "")
}

function chart_loss(    p, r, i, proto, g, id, xmin, xmax, x) {
	chart_begin("udp_loss_rate", 1)
	for (p = 1; p <= 2; p++) {
		panel(p == 1 ? "Datagrams lost" : "Interarrival jitter (RFC 3550)")
		panel_set(p == 1 ? "set ylabel \"lost (% of sent)\"" : "set ylabel \"jitter (µs)\"")
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (!ok(r, i) || s(r, i, "proto") == "tcp" || s(r, i, "kind") != "stream" ||
			    s(r, i, "rate_req_bps") == "" || s(r, i, "udp_loss_pct_mean") == "") continue
			proto = s(r, i, "proto")
			g = toupper(proto) " " fmt_size(s(r, i, "msg_size_bytes"))
			if (s(r, i, "sndbuf_req_bytes") != "") g = g " sndbuf " fmt_buf(s(r, i, "sndbuf_req_bytes"))
			g = g " rcvbuf " (s(r, i, "rcvbuf_req_bytes") == "" ? "default" : fmt_buf(s(r, i, "rcvbuf_req_bytes")))
			if (others(r, i) != "") g = g " " others(r, i)
			x = s(r, i, "rate_req_bps") + 0
			if (p == 1) {
				id = series(r SUBSEP g, title_of(r, g), "($1/xs):2:3", "yerrorlines " style(r, proto, variant(proto, g), 0))
				add(id, x, s(r, i, "udp_loss_pct_mean") " " ci(s(r, i, "udp_loss_pct_ci95")))
			} else {
				id = series(r SUBSEP g, title_of(r, g), "($1/xs):2:3", "yerrorlines " style(r, proto, variant(proto, g), 0))
				add(id, x, ci(s(r, i, "udp_jitter_us_mean")) " " ci(s(r, i, "udp_jitter_us_ci95")))
			}
			if (xmin == "" || x < xmin) xmin = x
			if (x > xmax) xmax = x
		}
	}
	if (npoints_max() < 2) { NSER = 0; return }
	if (xmax / xmin > 20) { PSET[1] = PSET[1] "set logscale x\n"; PSET[2] = PSET[2] "set logscale x\n" }
	chart_end("UDP at a paced offered rate: datagrams lost (top; udp_loss_pct, receive-buffer " \
		"drops and path loss together) and interarrival jitter (bottom), with 95% " \
		"confidence intervals over the repetitions.", 1000, 800, rate_unit("xs", "xunit", xmax))
}

function chart_maxrate(    r, i, g, id, v, x, y, lab) {
	chart_begin("maxrate_rcvbuf", 0)
	panel("Highest UDP rate with loss at or under the threshold")
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NM[r]; i++) {
		x = M[r, i, "rcvbuf_granted_bytes"]
		if (x == "") continue
		g = "UDP " fmt_size(M[r, i, "msg_size_bytes"]) ", loss <= " M[r, i, "loss_threshold_pct"] "%"
		if (M[r, i, "sndbuf_req_bytes"] != "") g = g ", sndbuf " fmt_buf(M[r, i, "sndbuf_req_bytes"])
		v = variant("udp", g)
		y = (M[r, i, "rate_bps"] == "") ? 0 : M[r, i, "rate_bps"]
		lab = (M[r, i, "rcvbuf_req_bytes"] == "") ? "default" : fmt_buf(M[r, i, "rcvbuf_req_bytes"])
		id = series(r SUBSEP g, title_of(r, g), "1:($2/ys)", "linespoints " style(r, "udp", v, 0))
		add(id, x, y)
		id = series("lab" SUBSEP r SUBSEP g, "", "1:($2/ys):3", "labels offset 0,1.2 font \",10\" textcolor rgb \"#555555\"")
		add(id, x, y " " q("asked " lab))
		track(y)
	}
	if (NSER == 0) return
	panel_set(xtics_list(1, "buf"))
	chart_end("The highest offered UDP rate whose loss stayed at or under the threshold " \
		"(binary search, RFC 2544 style; maxrate.csv) against the receive buffer the " \
		"kernel granted; each marker is labelled with the SO_RCVBUF asked for.", 1000, 600,
		rate_unit("ys", "yunit", YMAX))
}

# Per-interval throughput of the streams with no buffer and no pacing set
# (else of the first few streams), first repetition.
function chart_intervals(    pr, t, proto, r, i, rr, id, k, n, fallback, rows, g) {
	chart_begin("intervals", 1)
	split("tcp udp rudp", pr, " ")
	for (t = 1; t <= 3; t++) {
		proto = pr[t]
		for (fallback = 0; fallback <= 1; fallback++) {
			n = 0
			for (r = 1; r <= NR_RUNS; r++)
			for (i = 1; i <= NS[r]; i++) {
				if (s(r, i, "proto") != proto || s(r, i, "kind") != "stream" || !ok(r, i)) continue
				if (!fallback && !(no_bufs(r, i) && s(r, i, "rate_req_bps") == "" && others(r, i) == "")) continue
				split(s(r, i, "rows"), rows, " ")
				rr = rows[1]
				if (!((r, rr) in IVN) || n >= 6) continue
				if (n == 0) panel(toupper(proto) " streams, receiver side")
				n++
				g = s(r, i, "name")
				id = series(r SUBSEP g, title_of(r, g " (row " rr ")"), "1:($2/ys)",
					"linespoints " smallpoints(style(r, proto, variant(proto, g), 0)))
				# a last interval cut short says little: left out
				for (k = 1; k <= IVN[r, rr]; k++) {
					if (IVD[r, rr, k] < 0.5 * IVMAX[r, rr]) continue
					add(id, IVX[r, rr, k], IVY[r, rr, k])
					track(IVY[r, rr, k])
				}
			}
			if (n > 0) break
		}
	}
	if (NSER == 0) return
	chart_end("Throughput the receiver saw in each sampling interval (intervals.csv, " \
		"first repetition; a last interval shorter than half the others left out), plotted " \
		"at the middle of the interval: a steady line is a " \
		"steady rate, dips are stalls.", 1000, 300 + 260 * NPAN, rate_unit("ys", "yunit", YMAX))
}

END {
	printf "" > (out "/charts.txt")
	chart_buffers()
	chart_heatmap("tcp")
	chart_heatmap("udp")
	chart_sizes()
	chart_rtt_size()
	chart_cdf()
	chart_loss()
	chart_maxrate()
	chart_intervals()
}
