# plotdata.awk: from one or more run directories' CSV files, the data and
# the gnuplot commands of every chart that has data (plot.sh draws them).
#   awk -v out=DIR -f csv.awk -f plotdata.awk  RUN1/meta.txt RUN1/summary.csv
#       [RUN1/maxrate.csv] [RUN1/intervals.csv] [RUN1/results.csv]
#       RUN2/meta.txt ...
# results.csv gives the columns summary.csv does not average (fill_*,
# linger_*, connect_timewait), taken over each point's ok rows.
# Each meta.txt starts the next run. For chart NAME it writes into DIR:
#   NAME.vars.gp   variables for scripts/NAME.gp (title, units, panels)
#   NAME.plot.gp   the plot commands, one per panel (series vary with the data)
#   NAME.sN.dat    one data file per series, sorted by x
# and one line per chart into DIR/charts.txt: name, caption, width, height
# and the scripts/*.gp that draws it (NAME.gp but for the heatmaps).
# Colours: TCP blues, UDP oranges, RUDP greens; within a transport the
# first colour is its own, others mark variants (one run) or runs (several
# runs, which also differ in dash pattern). A sixth field of charts.txt,
# when there is one, says in a sentence what the chart shows for this run
# (one run only). Needs csv.awk, frontier.awk, plotdelay.awk (the delay
# charts) and plotsay.awk (the sentences of the others).

BEGIN {
	PAL["tcp"] = "#1f77b4 #08519c #6baed6 #17becf #3949ab #74a9cf"
	PAL["udp"] = "#e6550d #a63603 #fd8d3c #d62728 #e7a100 #8c2d04"
	PAL["rudp"] = "#2ca02c #006d2c #74c476 #9acd32 #00796b #b5cf6b"
	split("7 5 9 11 13 15", PT, " ")        # filled; the open one is pt - 1
	PTOFF["tcp"] = 0; PTOFF["udp"] = 1; PTOFF["rudp"] = 2   # several runs: a marker per transport
	LEGEND_CHARS = 56   # a legend entry longer than this is shortened
	WRAP_LINES = 4      # a title's lines at most
	NR_RUNS = 0
	# the columns of results.csv kept (per run and row)
	split("status fill_bytes fill_sndbuf_end_bytes fill_sent_msgs fill_held_msgs " \
		"fill_dropped_msgs linger_bytes linger_close_us linger_delivered_bytes " \
		"linger_peer_saw connect_timewait local_granted_sndbuf_bytes " \
		"remote_granted_rcvbuf_bytes local_req_linger_s", RKEEP, " ")
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
	if (k == "loss_threshold_pct") MTHR[r] = substr($0, i + 2) + 0
	if (k == "path.path_loss_pct") MPLOSS[r] = substr($0, i + 2) + 0
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

base == "results.csv" {
	if ($0 !~ /,(fill|linger|connect),/) next
	csv_split($0, row)
	for (k in RKEEP) if (RKEEP[k] in col) RES[r, FNR - 1, RKEEP[k]] = row[col[RKEEP[k]]]
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
# title (then the panel titles leave out the link and hosts). A chart
# function may set SAY (its sentence for this run) and ACROSS (1: NAME.gp
# lays the panels side by side) before chart_end.
function chart_begin(name, multi) {
	CH = name; CHGP = name; MULTI = multi; NSER = 0; NPAN = 0; YMAX = 0; YMINP = ""
	SAY = ""; ACROSS = 0
	for (k in SID) delete SID[k]
	for (k in VIDX) delete VIDX[k]
	for (k in NVAR) delete NVAR[k]
	for (k in GROUP) delete GROUP[k]
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

# style(r, proto, v, open): line and point style of a series. One run:
# the transport's colours, a variant each. Several: the run's colour
# (run_colour, the same on every chart), the series told apart by marker
# (one per transport and variant) and dash (per variant), equal in every
# run so that the same series of two runs differ in colour alone.
function style(r, proto, v, open,    c, dt, pt) {
	if (NR_RUNS > 1) { c = run_colour(r); dt = (v % 5) + 1; pt = PT[((v + PTOFF[proto]) % 6) + 1] }
	else { c = colour(proto, v); dt = 1; pt = PT[(v % 6) + 1] }
	pt -= (open ? 1 : 0)
	return sprintf("lc rgb %s dt %d pt %d ps 1.1 lw 2", q(c), dt, pt)
}

# tint(c, f): colour "#rrggbb" mixed with white, f from 0 (c) to 1 (white);
# a light bar the same in PNG and SVG (no transparency).
function tint(c, f,    k, out, v) {
	out = "#"
	for (k = 0; k < 3; k++) {
		v = hexbyte(substr(c, 2 + 2 * k, 2))
		out = out sprintf("%02x", int(v + (255 - v) * f + 0.5))
	}
	return out
}

function hexbyte(h) {
	h = tolower(h)
	return 16 * (index("0123456789abcdef", substr(h, 1, 1)) - 1) + index("0123456789abcdef", substr(h, 2, 1)) - 1
}

function smallpoints(st) {
	sub(/ps [0-9.]+/, "ps 0.6", st)
	return st
}

# title_of(r, text): a series title, with the run's label (its first 20
# characters) when comparing.
function title_of(r, text) {
	return (NR_RUNS > 1) ? shorten(LABEL[r], 20) ": " text : text
}

# series(key, title, using, with): the series' id in the current panel.
function series(key, title, using, with,    id) {
	key = NPAN SUBSEP key
	if (key in SID) return SID[key]
	id = SID[key] = ++NSER
	STITLE[id] = shorten(title, LEGEND_CHARS); SUSING[id] = using; SWITH[id] = with; SFUNC[id] = ""
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
# Titles are wrapped to the width of the chart, or of a panel.
function chart_end(caption, w, h, vars,    f, p, id, cmd, sep, file, pw) {
	if (NSER == 0) return
	caption = overlay_log(caption)
	f = out "/" CH ".vars.gp"
	printf "ttl = %s\nnpanels = %d\n%s", q(wrap(chart_title(), title_chars(w))), NPAN, vars > f
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
		# one panel: its title is centred over the plot, the key beside it
		pw = title_chars(ACROSS ? w / NPAN : MULTI ? w : 0.7 * w)
		printf "set title %s\n%s%s\n", q(MULTI ? wrap(PTITLE[p], pw) : wrap(PTITLE[p], pw) "\n" wrap(chart_title(), pw)),
			PSET[p], cmd > f
	}
	close(f)
	printf "%s\t%s\t%d\t%d\t%s%s\n", CH, caption, w, h, CHGP, (SAY == "" ? "" : "\t" SAY) > (out "/charts.txt")
}

# title_chars(px): how many characters of a title fit in px pixels (the
# SVG's 12-point font is the wider; a margin left for the axis labels).
function title_chars(px) {
	return int((px - 100) / 7.5)
}

# wrap(text, n): text broken at spaces into lines of at most n characters
# (a longer word cut into pieces of n), at most WRAP_LINES of them: the
# last then ends in an ellipsis. A title never runs off the picture.
function wrap(text, n,    w, k, j, out, line, nl) {
	if (n < 10) n = 10
	k = split(text, w, " ")
	out = ""; line = ""; nl = 0
	for (j = 1; j <= k; j++) {
		while (length(w[j]) > n) {
			if (line != "") { out = out line "\n"; nl++; line = "" }
			out = out substr(w[j], 1, n) "\n"; nl++
			w[j] = substr(w[j], n + 1)
		}
		if (line != "" && length(line) + 1 + length(w[j]) > n) { out = out line "\n"; nl++; line = w[j] }
		else line = line (line == "" ? "" : " ") w[j]
	}
	out = out line
	k = split(out, w, "\n")
	if (k <= WRAP_LINES) return out
	out = ""
	for (j = 1; j < WRAP_LINES; j++) out = out w[j] "\n"
	return out shorten(w[WRAP_LINES] " " w[WRAP_LINES + 1], n)
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
# the charts but share draw tests of one flow one way
function ok(r, i) { return s(r, i, "n") > 0 && single(r, i) }
function single(r, i) { return s(r, i, "flows") <= 1 && s(r, i, "bidir") != 1 }
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
function track(y) {
	if (y + 0 > YMAX) YMAX = y + 0
	if (y + 0 > 0 && (YMINP == "" || y + 0 < YMINP)) YMINP = y + 0
}

# overlay_log(caption): several runs whose rates differ more than 10x
# (loopback against wan: 20 Gbit/s and 0.1) on a linear axis leave one a
# flat line on the floor: a log y axis then, said in the caption.
function overlay_log(caption,    p) {
	if (NR_RUNS < 2 || YMINP == "" || YMAX / YMINP <= 10 ||
	    CH !~ /^(throughput_buffers|throughput_size|maxrate_rcvbuf|intervals|throughput_delay)$/) return caption
	for (p = 1; p <= NPAN; p++) PSET[p] = PSET[p] "set logscale y\nset yrange [*:*]\n"
	return caption " Log y axis: the runs' rates differ by more than 10 times (" \
		fmt_bits(YMINP) " to " fmt_bits(YMAX) ")."
}

# ---- what results.csv adds: columns over a point's ok rows ----

# rstat(r, i, k): the mean of results column k over the ok rows of summary
# row i ("" without a value); RN, RLO, RHI: how many, min and max.
function rstat(r, i, k,    a, n, j, x, sum) {
	n = split(s(r, i, "rows"), a, " ")
	RN = 0; sum = 0; RLO = ""; RHI = ""
	for (j = 1; j <= n; j++) {
		if (RES[r, a[j], "status"] != "ok") continue
		x = RES[r, a[j], k]
		if (x == "") continue
		x += 0; RN++; sum += x
		if (RLO == "" || x < RLO) RLO = x
		if (RHI == "" || x > RHI) RHI = x
	}
	return RN ? sum / RN : ""
}

# rfirst(r, i, k): column k of the point's first ok row.
function rfirst(r, i, k,    a, n, j) {
	n = split(s(r, i, "rows"), a, " ")
	for (j = 1; j <= n; j++)
		if (RES[r, a[j], "status"] == "ok" && RES[r, a[j], k] != "") return RES[r, a[j], k]
	return ""
}

# rwords(r, i, k): the values of a text column, "FIN", or "FIN 2, RST 1"
# when the rows differ (upper case).
function rwords(r, i, k,    a, n, j, x, cnt, order, m, t) {
	n = split(s(r, i, "rows"), a, " ")
	m = 0
	for (j = 1; j <= n; j++) {
		if (RES[r, a[j], "status"] != "ok" || RES[r, a[j], k] == "") continue
		x = toupper(RES[r, a[j], k])
		if (!(x in cnt)) order[++m] = x
		cnt[x]++
	}
	if (m == 1) return order[1]
	t = ""
	for (j = 1; j <= m; j++) t = t (j > 1 ? ", " : "") order[j] " " cnt[order[j]]
	return t
}

# g10(x): a number for a data file: whole numbers whole, others to 10 figures.
function g10(x) {
	return (x == int(x)) ? sprintf("%.0f", x) : sprintf("%.10g", x)
}

# pow2_tics(axis, lo, hi): "set Xtics (...)" at the powers of two from lo
# to hi, labelled 64K, 1M.
function pow2_tics(axis, lo, hi,    v, t) {
	v = 1
	while (v * 2 <= lo) v *= 2
	t = ""
	for (; v <= hi * 1.01 || t == ""; v *= 2) t = t (t == "" ? "" : ", ") q(fmt_buf(v)) " " v
	return "set " axis "tics (" t ")"
}

# remote_others(r, i): the receiver's options but rcvbuf, when they differ
# from the sender's.
function remote_others(r, i,    ro) {
	ro = opts_drop(opts_drop(s(r, i, "remote_opts"), "rcvbuf"), "sndbuf")
	return (ro == others(r, i)) ? "" : ro
}

# fill_group(r, i, fixed): the line a TCP fill point is on: its message size,
# the buffer held fixed (sndbuf or rcvbuf) and the other options.
function fill_group(r, i, fixed,    g, ro, b) {
	b = s(r, i, fixed "_req_bytes")
	g = "TCP " fmt_size(s(r, i, "msg_size_bytes")) " sends, " \
		(fixed == "sndbuf" ? "SO_SNDBUF " : "peer's SO_RCVBUF ") \
		(b == "" ? "default" : fmt_buf(b)) " (granted " fmt_buf(s(r, i, fixed "_granted_bytes")) ")"
	if (others(r, i) != "") g = g " " others(r, i)
	ro = remote_others(r, i)
	if (ro != "") g = g " remote " ro
	return g
}

function tcp_fill(r, i) {
	return ok(r, i) && s(r, i, "proto") == "tcp" && s(r, i, "kind") == "fill" &&
		rstat(r, i, "fill_bytes") != ""
}

# The bytes send() took before it would block, TCP, against the granted
# SO_SNDBUF (the receiver's buffer fixed) and against the peer's granted
# SO_RCVBUF (the sender's fixed), each with the sum of both as a reference.
# A point goes to the panel whose axis varies along its line (both when
# both vary; when neither, to the buffer it set).
function chart_fill_tcp(    b, r, i, p, which, fixed, g, k, nv, seenv, id, v, y, lo, hi, x, ref, ymin, ymax, st, inpan) {
	chart_begin("fill_tcp", 1)
	ACROSS = 1
	for (k in REFG) delete REFG[k]
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!tcp_fill(r, i)) continue
		for (p = 1; p <= 2; p++) {
			which = (p == 1) ? "sndbuf" : "rcvbuf"; fixed = (p == 1) ? "rcvbuf" : "sndbuf"
			if (s(r, i, which "_req_bytes") == "") continue
			k = p SUBSEP r SUBSEP fill_group(r, i, fixed)
			if (!((k, s(r, i, which "_req_bytes")) in seenv)) { seenv[k, s(r, i, which "_req_bytes")] = 1; nv[k]++ }
		}
	}
	for (p = 1; p <= 2; p++) {
		which = (p == 1) ? "sndbuf" : "rcvbuf"; fixed = (p == 1) ? "rcvbuf" : "sndbuf"
		panel(p == 1 ? "Against the sender's SO_SNDBUF" : "Against the receiver's SO_RCVBUF")
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (!tcp_fill(r, i) || s(r, i, which "_req_bytes") == "") continue
			k = p SUBSEP r SUBSEP fill_group(r, i, fixed)
			inpan = (nv[k] >= 2) || (p == 1 && nv[2 SUBSEP r SUBSEP fill_group(r, i, "sndbuf")] < 2) ||
				(p == 2 && s(r, i, "sndbuf_req_bytes") == "")
			if (!inpan) continue
			g = fill_group(r, i, fixed)
			v = variant("tcp", g)
			y = rstat(r, i, "fill_bytes"); lo = RLO; hi = RHI
			x = s(r, i, which "_granted_bytes")
			ref = s(r, i, "sndbuf_granted_bytes") + s(r, i, "rcvbuf_granted_bytes")
			if (x == "") continue
			id = series(r SUBSEP g, title_of(r, g), "1:2:3:4", "yerrorlines " style(r, "tcp", v, 0))
			add(id, x, g10(y) " " g10(lo) " " g10(hi))
			st = style(r, "tcp", v, 0)
			sub(/dt [0-9]+/, "dt 2", st); sub(/ pt [0-9]+ ps [0-9.]+ lw 2/, " lw 1.5", st)
			id = series("ref" SUBSEP r SUBSEP g, "", "1:2", "lines " st)
			b = s(r, i, fixed "_req_bytes")
			REFG[id] = title_of(r, (fixed == "sndbuf" ? "SO_SNDBUF " : "SO_RCVBUF ") (b == "" ? "default" : fmt_buf(b)))
			add(id, x, g10(ref))
			if (ymin == "" || lo < ymin) ymin = lo
			if (ref < ymin) ymin = ref
			if (hi > ymax) ymax = hi
			if (ref > ymax) ymax = ref
		}
		if (NSER == 0 || SPANEL[NSER] != NPAN) { NPAN--; continue }
		panel_set(xtics_list(NPAN, "buf"))
		panel_set("set xlabel " q(p == 1 ? "SO_SNDBUF of the sender, granted (bytes; Linux grants twice what is asked)" : \
			"SO_RCVBUF of the receiver, granted (bytes; Linux grants twice what is asked)"))
	}
	if (NSER == 0) return
	# the reference's title names its line when a panel has several
	for (id = 1; id <= NSER; id++)
		if (id in REFG) STITLE[id] = "granted SO_SNDBUF + peer's granted SO_RCVBUF" \
			(series_in_panel(SPANEL[id]) > 2 ? " (" REFG[id] ")" : "")
	for (k in REFG) delete REFG[k]
	for (p = 1; p <= NPAN; p++)
		PSET[p] = PSET[p] pow2_tics("y", ymin, ymax) "\n" sprintf("set yrange [%g:%g]\n", ymin / 1.3, ymax * 1.3)
	chart_end("TCP fill: the receiver does not read, the sender writes until send() would " \
		"block; fill_bytes is what send() took (mean over the repetitions, bars: min to max), " \
		"against the sender's SO_SNDBUF (left) and the receiver's SO_RCVBUF (right), each as " \
		"the kernel granted it. Dashed: the granted SO_SNDBUF plus the peer's granted SO_RCVBUF: " \
		"send() blocks when both buffers are full, not when the peer is slow.",
		NPAN == 1 ? 1000 : 700 * NPAN, 480 + 22 * NSER / NPAN, "")
}

# UDP fill: the datagrams a socket nobody reads held, and those it dropped,
# against the granted SO_RCVBUF.
function chart_fill_udp(    r, i, g, v, id, x, y, b, st, lab, what, k, ymax, asked, xs, nx) {
	chart_begin("fill_udp", 0)
	panel("What a UDP socket nobody reads holds, and drops (UDP fill)")
	split("held dropped sent", what, " ")
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!ok(r, i) || s(r, i, "proto") != "udp" || s(r, i, "kind") != "fill") continue
		x = s(r, i, "rcvbuf_granted_bytes")
		if (x == "" || rstat(r, i, "fill_held_msgs") == "") continue
		g = "UDP " fmt_size(s(r, i, "msg_size_bytes"))
		b = s(r, i, "sndbuf_req_bytes")
		if (b != "") g = g " sndbuf " fmt_buf(b)
		if (others(r, i) != "") g = g " " others(r, i)
		if (remote_others(r, i) != "") g = g " remote " remote_others(r, i)
		for (k = 1; k <= 3; k++) {
			y = rstat(r, i, "fill_" what[k] "_msgs")
			if (y == "") continue
			v = variant("udp", g SUBSEP what[k])
			st = style(r, "udp", v, k == 2)
			if (k == 2) sub(/dt 1 /, "dt 2 ", st)
			if (k == 3) { sub(/dt 1 /, "dt 3 ", st); sub(/lw 2/, "lw 1", st); st = smallpoints(st) }
			id = series(r SUBSEP g SUBSEP k, title_of(r, g " " what[k] (k == 1 ? " (queued in SO_RCVBUF)" : \
				k == 2 ? " (dropped: buffer full)" : " (held + dropped)")), "1:2:3:4", "yerrorlines " st)
			add(id, x, g10(y) " " g10(RLO) " " g10(RHI))
			if (RHI > ymax) ymax = RHI
		}
		# the tics: what was granted, and what asked for
		lab = (s(r, i, "rcvbuf_req_bytes") == "") ? "default" : fmt_buf(s(r, i, "rcvbuf_req_bytes"))
		if (!(x in asked)) { asked[x] = lab; xs[++nx] = x + 0 }
		else if (index("/" asked[x] "/", "/" lab "/") == 0) asked[x] = asked[x] "/" lab
	}
	if (NSER == 0) return
	sort_num(xs, nx)
	lab = ""
	for (k = 1; k <= nx; k++) lab = lab (k > 1 ? ", " : "") q(fmt_buf(xs[k]) "\n(asked " asked[xs[k]] ")") " " xs[k]
	panel_set("set xtics (" lab ")")
	chart_end("UDP fill: the sender sends datagrams to a receiver that does not read; " \
		"fill_held_msgs stayed queued in its SO_RCVBUF, fill_dropped_msgs the kernel threw " \
		"away without telling anyone, dotted: their sum, fill_sent_msgs. Means over the " \
		"repetitions (bars: min to max) against the SO_RCVBUF the kernel granted (across; the " \
		"size asked for under it).", 1000, 600, "")
}

# connect: one bar per transport (and message size, options, run).
function chart_connect(    r, i, n, k, ord, cx, pr, x, t, j, tmp, lab, pan, phase) {
	chart_begin("connect", 1)
	ACROSS = 1
	n = 0
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!ok(r, i) || s(r, i, "kind") != "connect" || s(r, i, "rr_rate_tps_mean") == "") continue
		pr = s(r, i, "proto")
		# order: run, transport (tcp udp rudp), message size
		ord[++n] = sprintf("%03d %d %012d %s", r, (pr == "tcp") ? 1 : (pr == "udp") ? 2 : 3,
			s(r, i, "msg_size_bytes"), others(r, i)) SUBSEP r SUBSEP i
	}
	if (n == 0) return
	for (j = 2; j <= n; j++) { t = ord[j]; for (k = j - 1; k >= 1 && ord[k] > t; k--) ord[k + 1] = ord[k]; ord[k + 1] = t }
	lab = ""
	for (j = 1; j <= n; j++) {
		split(ord[j], tmp, SUBSEP); cx[j] = tmp[2] SUBSEP tmp[3]
		r = tmp[2]; i = tmp[3]
		t = toupper(s(r, i, "proto")) " " fmt_size(s(r, i, "msg_size_bytes")) (others(r, i) == "" ? "" : "\n" others(r, i))
		if (NR_RUNS > 1) t = LABEL[r] "\n" t
		lab = lab (j > 1 ? ", " : "") q(t) " " (j - 1)
	}
	for (pan = 1; pan <= 2; pan++) {
		panel(pan == 1 ? "Exchanges per second" : "Time per exchange: p50 (solid) and p99 (light)")
		# the bars first, then the error bars and labels over them
		for (phase = 1; phase <= 2; phase++)
		for (j = 1; j <= n; j++) {
			split(cx[j], tmp, SUBSEP)
			x = j - 1
			if (pan == 1) connect_bar(tmp[1], tmp[2], x, 0.6, "rr_rate_tps", 0, phase, "%.0f/s")
			else {
				connect_bar(tmp[1], tmp[2], x - 0.2, 0.38, "rtt_p50_us", 0, phase, "p50\\n%.0f µs")
				connect_bar(tmp[1], tmp[2], x + 0.2, 0.38, "rtt_p99_us", 0.6, phase, "p99\\n%.0f µs")
			}
		}
		panel_set("set xtics (" lab ")")
		# room for tic labels of two or three lines
		if (index(lab, "\\n")) panel_set("set bmargin " (NR_RUNS > 1 && lab ~ /\\n.*\\n/ ? 5 : 4))
		panel_set(sprintf("set xrange [-0.6:%g]", n - 0.4))
		panel_set("set ylabel " q(pan == 1 ? "exchanges per second (connect, request, reply, close)" : \
			"time per exchange (µs)"))
	}
	chart_end("connect: every exchange opens a fresh TCP connection, UDP socket or RUDP " \
		"connection, sends one request, reads the reply and closes. Left: exchanges per second " \
		"(rr_rate_tps), with the TIME_WAIT sockets the test left behind (connect_timewait); right: " \
		"the time of one whole exchange, median (solid) and 99th percentile (light). Means over " \
		"the repetitions, error bars: 95% confidence interval.", 1300, 560, "")
}

# connect_bar(r, i, x, width, metric, light, phase, fmt): phase 1 the bar of
# summary row i (its colour tinted by light), phase 2 its error bar and its
# label (fmt of the mean; for the rate, the TIME_WAIT sockets left too),
# above the error bar.
function connect_bar(r, i, x, width, m, light, phase, fmt,    pr, c, id, y, e, tw) {
	y = s(r, i, m "_mean")
	if (y == "") return
	e = ci(s(r, i, m "_ci95"))
	pr = s(r, i, "proto")
	if (phase == 1) {
		c = (NR_RUNS > 1) ? run_colour(r) : colour(pr, variant(pr, others(r, i) SUBSEP s(r, i, "msg_size_bytes")))
		id = series("bar" SUBSEP r SUBSEP i SUBSEP m, "", "1:2:(" width ")",
			"boxes fs solid 1.0 border lc rgb " q(c) " lc rgb " q(tint(c, light)))
		add(id, x, g10(y))
		return
	}
	if (e > 0) {
		id = series("err", "", "1:($2-$3):(0):(2*$3)", "vectors heads size screen 0.008,90 lc rgb \"#333333\" lw 1.5")
		add(id, x, g10(y) " " g10(e))
	}
	id = series("val" fmt, "", "1:2:(sprintf(\"" fmt "\", $3))",
		"labels offset 0," (index(fmt, "\\n") ? 1.5 : 0.9) " font \",10\"")
	add(id, x, g10(y + e) " " g10(y))
	tw = (m == "rr_rate_tps") ? rstat(r, i, "connect_timewait") : ""
	if (tw != "" && tw > 0) {
		id = series("tw", "", "1:2:(sprintf(\"%.0f TIME_WAIT\\nsockets left\", $3))",
			"labels offset 0,2.7 font \",9\" textcolor rgb \"#555555\"")
		add(id, x, g10(y + e) " " g10(tw))
	}
}

# linger_label(ls): what a linger setting is called (from local_req_linger_s).
function linger_label(ls) {
	if (ls == "" || ls < 0) return "SO_LINGER off"
	if (ls == 0) return "SO_LINGER 0 s (abort)"
	return "SO_LINGER " ls " s"
}

# linger_rank(ls): off first, then the longest timeout, 0 last.
function linger_rank(ls) {
	if (ls == "" || ls < 0) return 0
	if (ls == 0) return 1e9
	return 1e6 - ls
}

function linger_group(r, i,    g, o, b, rate) {
	rate = s(r, i, "rate_req_bps")
	g = "reader at " (rate == "" ? "full speed" : fmt_bits(rate))
	b = s(r, i, "sndbuf_req_bytes")
	if (b != "") g = g ", SO_SNDBUF " fmt_buf(b) " (granted " fmt_buf(s(r, i, "sndbuf_granted_bytes")) ")"
	o = opts_drop(others(r, i), "linger")
	if (o != "") g = g ", " o
	return g
}

# linger: close() time and what the peer got, per SO_LINGER setting (across)
# and reader (one bar each), FIN or RST marked.
function chart_linger(    rdr, nr, fs, lo, r, i, n, ng, cat, ncat, catls, grp, gi, j, k, t, x, w, c, id, ls, v, y, peer, pan, lab, ymax, written, tmin, tmax, unit, us) {
	chart_begin("linger", 1)
	ACROSS = 1
	ncat = 0; ng = 0
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!ok(r, i) || s(r, i, "kind") != "linger" || rstat(r, i, "linger_close_us") == "") continue
		ls = rfirst(r, i, "local_req_linger_s")
		t = linger_label(ls)
		if (!(t in catls)) { catls[t] = linger_rank(ls); cat[++ncat] = t }
		t = r SUBSEP linger_group(r, i)
		if (!(t in gi)) { gi[t] = ++ng; grp[ng] = t; rdr[t] = nr[r]++ }
	}
	if (ncat == 0) return
	for (j = 2; j <= ncat; j++) { t = cat[j]; for (k = j - 1; k >= 1 && catls[cat[k]] > catls[t]; k--) cat[k + 1] = cat[k]; cat[k + 1] = t }
	for (j = 1; j <= ncat; j++) { catls[cat[j]] = j - 1; lab = lab (j > 1 ? ", " : "") q(cat[j]) " " (j - 1) }
	w = 0.8 / ng
	fs = (ng > 2) ? 8 : 10     # the labels' font: smaller over narrow bars
	for (pan = 1; pan <= 2; pan++) {
		panel(pan == 1 ? "How long close() took" : "What the peer got before the end, and how it ended")
		# the bars first (the marks and labels go over them)
		for (k = 1; k <= ng; k++) linger_bars(grp[k], k, rdr[grp[k]], w)
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (!ok(r, i) || s(r, i, "kind") != "linger" || rstat(r, i, "linger_close_us") == "") continue
			t = r SUBSEP linger_group(r, i)
			k = gi[t]
			split(t, v, SUBSEP)
			x = catls[linger_label(rfirst(r, i, "local_req_linger_s"))] - 0.4 + w * (k - 0.5)
			peer = rwords(r, i, "linger_peer_saw")
			y = rstat(r, i, pan == 1 ? "linger_close_us" : "linger_delivered_bytes")
			if (y == "") continue
			add(linger_bars(t, k, rdr[t], w), x, g10(y))
			if (pan == 1) {
				id = series("val", "", "1:2:(tfmt($2))", "labels offset 0,0.8 font \"," fs "\"")
				add(id, x, g10(y))
				if (tmin == "" || RLO < tmin) tmin = RLO
				if (RHI > tmax) tmax = RHI
			} else {
				if (peer ~ /RST/) {
					id = series("rst", "", "1:2:(" w * 0.92 ")", "boxes fs transparent pattern 4 noborder lc rgb \"#d62728\"")
					add(id, x, g10(y))
				}
				# over narrow bars the mark alone (the axis gives the bytes)
				id = series(peer ~ /RST/ ? "lrst" : "lfin", "", (ng > 2) ? "1:2:3" : "1:2:(bfmt($2) . \"\\n\" . strcol(3))",
					"labels offset 0,1.4 font \"," fs "\" textcolor rgb " (peer ~ /RST/ ? "\"#d62728\"" : "\"#333333\""))
				add(id, x, g10(y) " " q(peer))
				written = rstat(r, i, "linger_bytes")
				if (written > ymax) ymax = written
			}
		}
		if (pan == 1) {
			# decades from under the shortest to over the longest
			us = 1
			t = ""
			while (us * 10 <= tmin) us *= 10
			lo = us
			for (;; us *= 10) {
				t = t (t == "" ? "" : ", ") q(us >= 1e6 ? (us / 1e6) " s" : us >= 1e3 ? (us / 1e3) " ms" : us " µs") " " us
				if (us >= tmax) break
			}
			panel_set("set logscale y\nset ytics (" t ")")
			panel_set(sprintf("set yrange [%g:%g]", lo, us * 4))
			panel_set("set ylabel \"close() time (log scale)\"")
		} else {
			unit = (ymax >= 2 * 1048576) ? 1048576 : 1024
			panel_set("unset logscale y")
			panel_set(sprintf("set yrange [0:%g]", ymax * 1.2))
			panel_set("set ylabel \"bytes the peer received (" (unit == 1024 ? "KiB" : "MiB") ")\"")
			panel_set(sprintf("set ytics (%s)", lin_tics(ymax, unit)))
			id = series("written", "bytes written before close()", "", "lines lc rgb \"#777777\" dt 3 lw 1.5")
			SFUNC[id] = g10(ymax)
		}
		panel_set("set xtics (" lab ")")
		panel_set(sprintf("set xrange [-0.6:%g]", ncat - 0.4))
	}
	chart_end("linger: the sender writes linger_bytes to a receiver that reads at the rate " \
		"shown, then calls close() at once. Left: how long close() blocked (linger_close_us, " \
		"log scale); right: the bytes the peer received (linger_delivered_bytes) and whether the " \
		"connection ended with FIN (orderly) or RST (hatched red: the queued data thrown away). " \
		"SO_LINGER=T bounds how long close() waits; SO_LINGER=0 resets the connection. Means over " \
		"the repetitions.", 1400, 560 + 22 * ng, "")
}

# linger_bars(t, k, ri, w): the series of the bars of group t (run SUBSEP
# title; the k-th group, the ri-th reader of its run). One run: the first
# reader in TCP blue, the next in a light blue; several: a colour per run,
# lighter for its later readers.
function linger_bars(t, k, ri, w,    v, c) {
	split(t, v, SUBSEP)
	if (NR_RUNS > 1) c = tint(run_colour(v[1]), ri ? 0.5 : 0)
	else c = colour("tcp", (k == 1) ? 0 : (k == 2) ? 2 : k)
	return series("bar" SUBSEP t, title_of(v[1], v[2]), "1:2:(" w * 0.92 ")",
		"boxes fs solid 1.0 border lc rgb " q(c) " lc rgb " q(c))
}

# lin_tics(max, unit): y tics of a bytes axis in units of unit, 4 to 8 of them.
function lin_tics(m, unit,    step, v, t, steps, j) {
	split("0.25 0.5 1 2 4 8 16 32 64 128 256 512 1024", steps, " ")
	for (j = 1; j <= 13; j++) { step = steps[j] * unit; if (m / step <= 6) break }
	t = ""
	for (v = 0; v <= m * 1.15; v += step) t = t (t == "" ? "" : ", ") q(v / unit) " " v
	return t
}

# ---- the charts ----

# buf_which(r, i): "sndbuf" or "rcvbuf" for an unpaced stream that asked
# for that buffer alone (a point of the buffer charts), else "".
function buf_which(r, i,    sb, rb) {
	if (!unpaced_stream(r, i)) return ""
	sb = s(r, i, "sndbuf_req_bytes"); rb = s(r, i, "rcvbuf_req_bytes")
	if (sb != "" && rb == "") return "sndbuf"
	if (rb != "" && sb == "") return "rcvbuf"
	return ""
}

# buffer_panel(p): opens panel p of the charts against one buffer at a
# time (throughput_buffers, delay_buffers); which buffer it is.
function buffer_panel(p) {
	panel(p == 1 ? "SO_SNDBUF of the sender (the receiver's buffer left to the kernel)" : \
		"SO_RCVBUF of the receiver (the sender's buffer left to the kernel)")
	return (p == 1) ? "sndbuf" : "rcvbuf"
}

function chart_buffers(    r, i, p, proto, g, v, id, which, x) {
	chart_begin("throughput_buffers", 1)
	ACROSS = 1
	for (p = 1; p <= 2; p++) {
		which = buffer_panel(p)
		for (r = 1; r <= NR_RUNS; r++)
		for (i = 1; i <= NS[r]; i++) {
			if (buf_which(r, i) != which) continue
			x = s(r, i, which "_req_bytes")
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
		reference_lines("throughput_bps", "")
	}
	if (npoints_max() < 1) { NSER = 0; return }
	SAY = say_buffers()
	chart_end("Throughput of unpaced streams against the socket buffer asked for, one " \
		"buffer at a time: the sender's SO_SNDBUF and the receiver's SO_RCVBUF; " \
		"thin dotted lines: the same test with no buffer set. Error bars: 95% confidence " \
		"interval of the mean over the repetitions.", 1400, 470 + 22 * series_in_panel(1),
		rate_unit("ys", "yunit", YMAX))
}

# reference_lines(k, what): for each series of the current panel with a
# GROUP, column k (its mean) of its test with no buffer set, as a flat
# dotted line across the panel; what ends its title.
function reference_lines(k, what,    id, last, r, i, g, gk, rid, d) {
	last = NSER
	for (id = 1; id <= last; id++) {
		if (SPANEL[id] != NPAN) continue
		if (!(id in GROUP)) continue
		split(GROUP[id], gk, SUBSEP)
		r = gk[1]
		for (i = 1; i <= NS[r]; i++) {
			if (!unpaced_stream(r, i) || !no_bufs(r, i) || s(r, i, k "_mean") == "") continue
			g = stream_group(r, i)
			if (g != gk[2]) continue
			d = style(r, GPROTO[id], GV[id], 0)
			sub(/dt [0-9]+/, "dt 3", d); sub(/ pt [0-9]+ ps [0-9.]+ lw 2/, " lw 1.5", d)
			rid = series("ref" SUBSEP GROUP[id], title_of(r, g " no buffer set" what), "", "lines " d)
			SFUNC[rid] = s(r, i, k "_mean") "/ys"
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
		"call; one datagram each for UDP, many a call with gso), kernel default buffers. Error bars: 95% " \
		"confidence interval over the repetitions.", 1000, 600, rate_unit("ys", "yunit", YMAX))
}

# cpu_size: what a byte costs each end, by message size: CPU seconds per
# 10^9 bytes delivered, tub-send's (filled) and tub-recv's (open), of the
# unpaced streams with kernel default buffers.
function chart_cpu_size(    r, i, proto, g, v, end, id, col, lab) {
	chart_begin("cpu_size", 0)
	panel("CPU per GB delivered by message size, both ends")
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (!unpaced_stream(r, i) || !no_bufs(r, i)) continue
		proto = s(r, i, "proto")
		g = toupper(proto) (others(r, i) == "" ? "" : " " others(r, i))
		v = variant(proto, g)
		for (end = 0; end <= 1; end++) {
			col = end ? "remote_cpu_s_per_gb_mean" : "local_cpu_s_per_gb_mean"
			if (s(r, i, col) == "") continue
			lab = g (end ? " tub-recv" : " tub-send")
			id = series(r SUBSEP g SUBSEP end, title_of(r, lab), "1:2",
				"linespoints " style(r, proto, v, end))
			add(id, s(r, i, "msg_size_bytes"), s(r, i, col))
			track(s(r, i, col))
		}
	}
	if (npoints_max() < 2) { NSER = 0; return }
	panel_set(xtics_list(1, "size"))
	chart_end("What each byte costs: CPU seconds (user + system) per 10^9 payload bytes " \
		"delivered, of tub-send (filled markers) and tub-recv (open), unpaced streams " \
		"with kernel default buffers. On loopback the kernel bills part of each end's " \
		"packet work to the other: their sum is the test's cost, the split is not theirs.", \
		1000, 600, "")
}

# share_name(r, i): a test of several flows as the share charts name it:
# "tcp + udp:rate=0.5x" (flows=), or the point's name without its flow.
function share_name(r, i,    name) {
	name = s(r, i, "name")
	sub(/ flow [0-9]+ of [0-9]+/, "", name)
	if (sub(/^[a-z]+ stream [0-9.]+ [KMG]?i?B \(flows=/, "", name)) {
		sub(/\)/, "", name)
		gsub(/\//, " + ", name)
	}
	return name
}

# share: who got what of the path in each test of several flows (the
# share suite's flows=, -P, --bidir): a bar a flow, its transport's
# colour, the tests side by side; their sums left out.
function chart_share(    r, i, g, key, ng, j, x, id, proto, nf, tics) {
	chart_begin("share", 0)
	panel("What each flow got, tests of several flows on one path")
	ng = 0
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (s(r, i, "n") <= 0 || s(r, i, "flow") == "sum" ||
		    (single(r, i) && s(r, i, "point_label") !~ /(^|\+)flows=/) ||
		    s(r, i, "throughput_bps_mean") == "") continue
		key = r SUBSEP s(r, i, "point_label") SUBSEP s(r, i, "flows") SUBSEP s(r, i, "bidir")
		if (s(r, i, "point_label") !~ /(^|\+)flows=/)
			key = key SUBSEP s(r, i, "proto") SUBSEP s(r, i, "msg_size_bytes") SUBSEP s(r, i, "rate_req_bps")
		if (!(key in SHIDX)) {
			SHIDX[key] = ++ng
			SHLAB[ng] = title_of(r, share_name(r, i) (single(r, i) ? " alone" : ""))
			SHN[ng] = 0
		}
		g = SHIDX[key]
		j = SHN[g]++
		SHPROTO[g, j] = s(r, i, "proto")
		SHY[g, j] = s(r, i, "throughput_bps_mean")
	}
	for (g = 1; g <= ng; g++) {
		nf = SHN[g]
		for (j = 0; j < nf; j++) {
			proto = SHPROTO[g, j]
			x = g + (j - (nf - 1) / 2) * 0.8 / nf
			id = series(proto, toupper(proto), "1:($2/ys):3", "boxes lc rgb " q(colour(proto, 0)))
			add(id, x, SHY[g, j] " " (0.7 / nf))
			track(SHY[g, j])
		}
		tics = tics (g > 1 ? ", " : "") q(SHLAB[g]) " " g
	}
	for (k in SHIDX) delete SHIDX[k]
	if (ng == 0) return
	panel_set("set xtics (" tics ")")
	panel_set("set xrange [0.4:" (ng + 0.6) "]")
	chart_end("Throughput of each flow of a test of several flows on one path (the share " \
		"suite: TCP alone, beside UDP at half and 0.9 of the bottleneck, beside reliable " \
		"UDP; or -P and --bidir points), a bar a flow in its transport's colour. An " \
		"unresponsive UDP flow keeps its rate and TCP backs off; a congestion-controlled " \
		"flow shares.", 1000, 600, rate_unit("ys", "yunit", YMAX))
}

# share_time: each flow's throughput over time, a panel a test of several
# flows (the first six; first repetition): who took the path, and when.
function chart_share_time(    r, i, key, g, ng, rows, rr, id, k, proto, lab) {
	chart_begin("share_time", 1)
	ng = 0
	for (r = 1; r <= NR_RUNS; r++)
	for (i = 1; i <= NS[r]; i++) {
		if (s(r, i, "n") <= 0 || s(r, i, "flow") == "sum" || single(r, i)) continue
		split(s(r, i, "rows"), rows, " ")
		rr = rows[1]
		if (!((r, rr) in IVN)) continue
		key = r SUBSEP s(r, i, "point_label") SUBSEP s(r, i, "flows") SUBSEP s(r, i, "bidir")
		if (s(r, i, "point_label") !~ /(^|\+)flows=/)
			key = key SUBSEP s(r, i, "proto") SUBSEP s(r, i, "msg_size_bytes") SUBSEP s(r, i, "rate_req_bps")
		if (!(key in TGID)) {
			if (ng >= 6) continue
			TGID[key] = ++ng
			panel(title_of(r, share_name(r, i)))
		}
		g = TGID[key]
		if (g != NPAN) continue # the panels in the order of their tests
		proto = s(r, i, "proto")
		lab = toupper(proto) " flow " s(r, i, "flow") (s(r, i, "bidir") == 1 ? " " s(r, i, "direction") : "")
		id = series(r SUBSEP rr, title_of(r, lab), "1:($2/ys)",
			"linespoints " smallpoints(style(r, proto, s(r, i, "flow") + 0, 0)))
		for (k = 1; k <= IVN[r, rr]; k++) {
			if (IVD[r, rr, k] < 0.5 * IVMAX[r, rr]) continue
			add(id, IVX[r, rr, k], IVY[r, rr, k])
			track(IVY[r, rr, k])
		}
	}
	for (k in TGID) delete TGID[k]
	if (NSER == 0) return
	chart_end("Throughput each flow's receiver saw in each sampling interval, a panel a test " \
		"of several flows on one path (intervals.csv, first repetition): an unresponsive " \
		"UDP flow holds its rate from the start, TCP takes what is left.", 1000,
		300 + 260 * NPAN, rate_unit("ys", "yunit", YMAX))
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
	SAY = say_rtt_size()
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
	SAY = say_loss()
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
	SAY = say_maxrate()
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
	chart_delay_buffers()
	chart_delay()
	chart_heatmap("tcp")
	chart_heatmap("udp")
	chart_sizes()
	chart_cpu_size()
	chart_share()
	chart_share_time()
	chart_rtt_size()
	chart_cdf()
	chart_loss()
	chart_maxrate()
	chart_intervals()
	chart_fill_tcp()
	chart_fill_udp()
	chart_connect()
	chart_linger()
}
