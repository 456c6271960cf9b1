# compare.awk: two runs' summary.csv, point by point (scripts/compare.sh).
#   awk -v out=DIR -v chd=DIR2 -v la=LABEL_A -v lb=LABEL_B -f csv.awk \
#       -f compare.awk A/meta.txt A/summary.csv B/meta.txt B/summary.csv
# Writes DIR/compare.csv (one row per point and metric both runs have),
# DIR/compare.md (what changed in a line, the largest real changes, what
# differs in the runs' meta.txt, a line "<!-- charts -->" where compare.sh
# puts the charts, every shared point, the points only one run has) and,
# into DIR2, the change charts in plot.sh's form (charts.txt, NAME.vars.gp,
# NAME.plot.gp, NAME.sN.dat; drawn by scripts/delta.gp).
#
# Nothing here is a fixed list of what summary.csv holds:
# - a metric is every column X with X_mean (its interval: X_ci95); its
#   sense comes from the words of its name (sense()): throughput, rate,
#   bps, tps: higher is better; loss, lost, drops, delay, rtt, jitter,
#   retrans, cpu: lower is better; any other is compared without a verdict
#   ("no sense known" when the intervals do not overlap).
# - a point is named by its context columns (ID_COLS, and any flows
#   column), those either file has; a column one file lacks counts as its
#   default there (direction forward, bidir 0, flow 0, flows 1, else
#   empty), so a run of an older tool matches on what it has. A relative value (rate=0.9x,
#   sndbuf=1bdp in point_label) names the point instead of its bytes.
# The verdict: "within noise" when the two 95% confidence intervals of the
# means overlap; else better or worse by the sense; "one run only: cannot
# tell" when a side has fewer than two ok repetitions (no interval).

BEGIN {
	NID = split("proto kind direction bidir flow msg_size_bytes point_label rate_req_bps local_opts remote_opts " \
		"window_req_pkts rudp_cc", ID_COLS, " ")
	DEF["direction"] = "forward"
	DEF["bidir"] = "0"; DEF["flow"] = "0"  # one flow, one way
	# the lines of meta.txt worth comparing: why two runs differ
	NMK = split("hostname receiver.hostname target kernel receiver.kernel link tool_version " \
		"interface mtu receiver.mtu nproc cpu " \
		"net.core.rmem_max net.core.wmem_max net.core.rmem_default net.core.wmem_default " \
		"net.ipv4.tcp_rmem net.ipv4.tcp_wmem net.ipv4.tcp_congestion_control " \
		"receiver.net.core.rmem_max receiver.net.core.wmem_max receiver.net.ipv4.tcp_rmem " \
		"receiver.net.ipv4.tcp_wmem receiver.net.ipv4.tcp_congestion_control qdisc path " \
		"duration_per_test suite", MK, " ")
	side = 0
	NCH = 0
}

FNR == 1 && FILENAME ~ /meta\.txt$/ { side++; file = "meta"; NP[side] = 0 }
FNR == 1 && FILENAME ~ /summary\.csv$/ {
	file = "summary"
	for (k in col) delete col[k]
	csv_index($0, col)
	for (k in col) {
		HAS[side, k] = 1
		if (k ~ /_mean$/) { m = k; sub(/_mean$/, "", m); MHAS[side, m] = 1; MALL[m] = 1 }
		else if (is_id(k)) IDALL[k] = 1
	}
	next
}

file == "meta" {
	i = index($0, ": ")
	if (i > 1) META[side, substr($0, 1, i - 1)] = substr($0, i + 2)
	next
}

file == "summary" {
	csv_split($0, row)
	n = ++NP[side]
	for (k in col) V[side, n, k] = row[col[k]]
	if (!((side, "snd") in HOST)) {
		HOST[side, "snd"] = V[side, n, "sender_host"]
		HOST[side, "rcv"] = V[side, n, "receiver_host"]
	}
	next
}

# is_id(c): c names a point (a context column), not a figure of it.
function is_id(c,    k) {
	for (k = 1; k <= NID; k++) if (ID_COLS[k] == c) return 1
	return c ~ /(^|_)flows($|_)/ && c !~ /_(mean|sd|ci95|min|max)$/
}

# idval(s, p, c): column c of point p of side s as it names the point.
function idval(s, p, c,    v, lab) {
	v = ((s, c) in HAS) ? V[s, p, c] : ""
	if (v == "") v = (c in DEF) ? DEF[c] : (c ~ /flows/ ? "1" : "")
	lab = V[s, p, "point_label"]
	# a relative value (rate=0.9x, sndbuf=1bdp) names the point, the
	# label has it; its absolute value differs by path
	if (c == "rate_req_bps" && rel_of(lab, "rate") != "") v = ""
	if (c == "window_req_pkts" && rel_of(lab, "window") != "") v = ""
	if (c == "local_opts" || c == "remote_opts") v = relative_opts(v, lab)
	return v
}

# relative_opts(opts, label): an option list with each value the label
# has as relative given so (sndbuf=1bdp), not as bytes.
function relative_opts(opts, label,    n, a, i, k, out) {
	n = split(opts, a, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		k = a[i]; sub(/=.*/, "", k)
		if (rel_of(label, k) != "") a[i] = k "=" rel_of(label, k)
		out = out (out == "" ? "" : ",") a[i]
	}
	return out
}

# point_title(s, p): the point's name, with what names it beyond that (a
# reverse direction, flows) when the name does not say it.
function point_title(s, p,    t, c, v) {
	t = ((s, "name") in HAS && V[s, p, "name"] != "") ? V[s, p, "name"] : \
		V[s, p, "proto"] " " V[s, p, "kind"] " " fmt_size(V[s, p, "msg_size_bytes"])
	v = idval(s, p, "direction")
	if (v != "forward" && index(t, v) == 0) t = t " " v
	for (c in IDALL) {
		if (c !~ /flows/) continue
		v = idval(s, p, c)
		if (v != "1" && index(t, "flow") == 0) t = t (c == "flows" ? " " v " flows" : " " c "=" v)
	}
	return t
}

# sense(m): +1 higher is better, -1 lower is better, 0 unknown; from the
# words of the name (a lower-is-better word wins: loss_rate is a loss).
function sense(m,    w, n, i, up) {
	n = split(m, w, "_")
	up = 0
	for (i = 1; i <= n; i++) {
		if (w[i] ~ /^(loss|lost|drop|drops|delay|rtt|rttvar|jitter|retrans|cpu)$/) return -1
		if (w[i] ~ /^(throughput|goodput|rate|bps|tps)$/) up = 1
	}
	return up
}

function sense_word(m) {
	return sense(m) > 0 ? "higher" : sense(m) < 0 ? "lower" : "unknown"
}

# unit_of(m): the unit the name ends in.
function unit_of(m) {
	if (m ~ /_bps$/) return "bit/s"
	if (m ~ /_tps$/) return "/s"
	if (m ~ /_pct$/) return "%"
	if (m ~ /_us$/) return "us"
	if (m ~ /_s$/) return "s"
	if (m ~ /_bytes$/) return "B"
	if (m ~ /_msgs$/) return "messages"
	if (m ~ /_segs$/) return "segments"
	return ""
}

function value(m, v,    u) {
	if (v == "") return "-"
	u = unit_of(m)
	if (u == "bit/s") return fmt_bits(v)
	if (u == "%") return sprintf("%.3g%%", v)
	if (u == "/s") return sprintf(v < 100 ? "%.1f/s" : "%.0f/s", v)
	if (u == "us") return fmt_us(v)
	return num(v) (u == "" ? "" : " " u)
}

# fmt_us(us): 812.5 us, 40.59 ms, 1.25 s.
function fmt_us(v,    a) {
	a = (v < 0) ? -v : v
	if (a >= 1e6) return sprintf("%.3g s", v / 1e6)
	if (a >= 1000) return sprintf("%.2f ms", v / 1000)
	return sprintf("%.1f us", v)
}

# num(v): 4 figures, no exponent below 1e9.
function num(v,    a) {
	a = (v < 0) ? -v : v
	return (a >= 1e4 && a < 1e9) ? sprintf("%.0f", v) : sprintf("%.4g", v)
}

function ci_txt(m, ci,    u) {
	if (ci == "") return ""
	u = unit_of(m)
	if (u == "bit/s" || u == "us") return " +-" value(m, ci)
	return " +-" num(ci)
}

# verdict(m, a, b): of metric m for point a of run 1 and b of run 2.
function verdict(m, a, b,    ma, mb, ca, cb) {
	ma = V[1, a, m "_mean"] + 0; mb = V[2, b, m "_mean"] + 0
	ca = V[1, a, m "_ci95"]; cb = V[2, b, m "_ci95"]
	if (V[1, a, "n"] + 0 < 2 || V[2, b, "n"] + 0 < 2 || ca == "" || cb == "") return "one run only: cannot tell"
	if (ma - ca <= mb + cb && mb - cb <= ma + ca) return "within noise"
	if (sense(m) == 0) return "no sense known"
	return ((mb - ma) * sense(m) > 0) ? "better" : "worse"
}

function pct(a, b) {
	if (a + 0 == 0) return (b + 0 == 0) ? "0" : ""
	return sprintf("%+.1f", 100 * (b - a) / a)
}

# change_range(m, a, b): "lo hi", the changes in percent both intervals
# allow: B's low end against A's high end, B's high against A's low. It
# holds 0 exactly when the intervals overlap (the verdict's rule); hi is
# "" when A's interval reaches 0. "" without intervals.
function change_range(m, a, b,    ma, mb, ca, cb, lo, hi) {
	ma = V[1, a, m "_mean"] + 0; mb = V[2, b, m "_mean"] + 0
	ca = V[1, a, m "_ci95"]; cb = V[2, b, m "_ci95"]
	if (ca == "" || cb == "" || ma <= 0 || V[1, a, "n"] + 0 < 2 || V[2, b, "n"] + 0 < 2) return ""
	lo = sprintf("%.1f", 100 * ((mb - cb) / (ma + ca) - 1))
	hi = (ma - ca > 0) ? sprintf("%.1f", 100 * ((mb + cb) / (ma - ca) - 1)) : ""
	return lo " " hi
}

function row_md(a, b, m, v, ch) {
	return sprintf("| %s | %s | %s%s | %s%s | %s | %s |", TITLE[1, a], m,
		value(m, V[1, a, m "_mean"]), ci_txt(m, V[1, a, m "_ci95"]),
		value(m, V[2, b, m "_mean"]), ci_txt(m, V[2, b, m "_ci95"]),
		(ch == "" ? "-" : ch "%"), v)
}

function keys(    s, p, key, c) {
	nidc = 0
	for (c in IDALL) IDORD[++nidc] = c
	# a fixed order of the columns (for .. in is not)
	sort_str(IDORD, nidc)
	for (s = 1; s <= 2; s++)
		for (p = 1; p <= NP[s]; p++) {
			key = ""
			for (c = 1; c <= nidc; c++) key = key SUBSEP idval(s, p, IDORD[c])
			KEY[s, p] = key
			TITLE[s, p] = point_title(s, p)
			if (!((s, key) in ID)) ID[s, key] = p   # the same point twice: the first counts
		}
}

function sort_str(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}

# ---- the change charts: one per metric with a sense, a row per point ----

function q(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\n/, "\\n", s)
	return "\"" s "\""
}

# delta_add(m, title, ch, range, v): a point of metric m's chart.
# The charts come in the order of their largest real change (DBIG).
function delta_add(m, title, ch, range, v,    n, a) {
	if (ch == "" || sense(m) == 0) return
	if (!(m in DN)) { DORD[++NCH] = m; DBIG[m] = -1 }
	n = ++DN[m]
	DT[m, n] = title; DC[m, n] = ch + 0; DR[m, n] = range; DV[m, n] = v
	a = (ch + 0 < 0) ? -ch : ch + 0
	if ((v == "better" || v == "worse") && a > DBIG[m]) DBIG[m] = a
}

function delta_order(    i, j, t) {
	for (i = 2; i <= NCH; i++)
		for (j = i; j > 1 && DBIG[DORD[j]] > DBIG[DORD[j - 1]]; j--) { t = DORD[j]; DORD[j] = DORD[j - 1]; DORD[j - 1] = t }
}

function delta_charts(    k, m, n, i, f, fo, fi, lo, hi, r, xlo, xhi, tics, h, lab, nout, nin, span, cmd, ttl) {
	delta_order()
	QUIET = ""
	for (k = 1; k <= NCH; k++) {
		m = DORD[k]; n = DN[m]
		# a metric with no change outside the noise: named, not drawn
		if (DBIG[m] < 0) { QUIET = QUIET (QUIET == "" ? "" : ", ") m; continue }
		fo = chd "/delta_" m ".s1.dat"; fi = chd "/delta_" m ".s2.dat"
		xlo = 0; xhi = 0; tics = ""; nout = nin = 0
		for (i = 1; i <= n; i++) {
			split(DR[m, i], r, " ")
			lo = (DR[m, i] == "") ? DC[m, i] : r[1] + 0
			hi = (DR[m, i] == "" || r[2] == "") ? DC[m, i] : r[2] + 0
			lab = sprintf("%+.1f%% %s", DC[m, i], DV[m, i] == "one run only: cannot tell" ? "cannot tell" : DV[m, i])
			if (DR[m, i] != "" && r[2] == "") lab = lab " (A's interval reaches 0: no upper bound)"
			f = (DV[m, i] == "better" || DV[m, i] == "worse") ? fo : fi
			if (f == fo) nout++; else nin++
			printf "%d %s %s %s %s\n", n - i, DC[m, i], lo, hi, q(lab) > f
			if (lo < xlo) xlo = lo
			if (hi > xhi) xhi = hi
			tics = tics (i > 1 ? ", " : "") q(shorten(DT[m, i], 44)) " " (n - i)
		}
		close(fo); close(fi)
		span = xhi - xlo; if (span == 0) span = 10
		h = 200 + 30 * n
		ttl = "Change in " m " (" sense_word(m) " is better), B: " lb " against A: " la
		f = chd "/delta_" m ".vars.gp"
		printf "ttl = %s\nnpanels = 1\n", q(wrap_title(ttl, 110)) > f
		close(f)
		f = chd "/delta_" m ".plot.gp"
		printf "set ytics (%s)\nset yrange [-0.7:%g]\nset xrange [%g:%g]\n", tics, n - 0.3,
			xlo - 0.08 * span, xhi + 0.45 * span > f
		cmd = ""
		if (nout) cmd = q(fo) " using 2:1:3:4 with xerrorbars lc rgb " q(run_colour(2)) " pt 7 ps 1.4 lw 2 title \"outside the noise\", " \
			q(fo) " using 4:1:5 with labels left offset 1,0 font \",10\" notitle"
		if (nin) cmd = cmd (cmd == "" ? "" : ", ") q(fi) " using 2:1:3:4 with xerrorbars lc rgb " q(run_colour(2)) \
			" pt 6 ps 1.4 lw 1.5 title \"within noise or cannot tell\", " \
			q(fi) " using 4:1:5 with labels left offset 1,0 font \",10\" textcolor rgb \"#555555\" notitle"
		printf "plot %s\n", cmd > f
		close(f)
		printf "delta_%s\tChange of %s (B against A, in percent of A's mean) at every point both runs have, " \
			"one row each; filled markers: outside the noise, open: within noise or one run only. " \
			"The bar spans the changes both 95%% intervals allow (B's low end against A's high end to B's " \
			"high against A's low): it crosses 0 exactly where the verdict is within noise.\t1000\t%d\tdelta\n",
			m, m, h > (chd "/charts.txt")
	}
	close(chd "/charts.txt")
}

# wrap_title(text, n): text broken at spaces into lines of at most n
# characters, at most 3 (the last shortened).
function wrap_title(text, n,    w, k, j, out, line, nl) {
	k = split(text, w, " ")
	out = ""; line = ""; nl = 1
	for (j = 1; j <= k; j++) {
		w[j] = shorten(w[j], n)
		if (line != "" && length(line) + 1 + length(w[j]) > n) {
			if (nl == 3) return out shorten(line " " w[j], n)
			out = out line "\n"; nl++; line = w[j]
		} else line = line (line == "" ? "" : " ") w[j]
	}
	return out line
}

# ---- the report ----

function run_line(s, l,    h) {
	h = META[s, "hostname"] != "" ? META[s, "hostname"] : HOST[s, "snd"]
	h = (h == "" ? "?" : h) " to " (META[s, "receiver.hostname"] != "" ? META[s, "receiver.hostname"] : \
		HOST[s, "rcv"] != "" ? HOST[s, "rcv"] : "?")
	if (META[s, "target"] != "") h = h " at " META[s, "target"]
	return "- " (s == 1 ? "A" : "B") ": **" l "**, " h "; link: " (META[s, "link"] == "" ? "?" : META[s, "link"]) \
		"; run " (META[s, "run_id"] == "" ? "?" : META[s, "run_id"]) \
		(META[s, "command"] == "" ? "" : "; `" META[s, "command"] "`")
}

END {
	keys()
	nmet = 0
	for (m in MALL) if ((1, m) in MHAS && (2, m) in MHAS) MET[++nmet] = m
	sort_str(MET, nmet)
	csv = out "/compare.csv"; md = out "/compare.md"
	printf "" > (chd "/charts.txt")
	print "point,metric,unit,sense,mean_a,ci95_a,n_a,rows_a,mean_b,ci95_b,n_b,rows_b,change_pct,change_lo_pct,change_hi_pct,verdict" > csv
	nc = 0; nr = 0; nzero = 0; nb = nw = nn = nt = nu = 0
	for (a = 1; a <= NP[1]; a++) {
		key = KEY[1, a]
		if (!((2, key) in ID)) continue
		b = ID[2, key]
		for (k = 1; k <= nmet; k++) {
			m = MET[k]
			if (V[1, a, m "_mean"] == "" || V[2, b, m "_mean"] == "") continue
			v = verdict(m, a, b)
			ch = pct(V[1, a, m "_mean"], V[2, b, m "_mean"])
			rg = change_range(m, a, b)
			split(rg, rgv, " ")
			printf "%s,%s,%s,%s,%s,%s,%d,%s,%s,%s,%d,%s,%s,%s,%s,%s\n", csv_quote(TITLE[1, a]), m, unit_of(m),
				sense_word(m), V[1, a, m "_mean"], V[1, a, m "_ci95"], V[1, a, "n"], csv_quote(V[1, a, "rows"]),
				V[2, b, m "_mean"], V[2, b, m "_ci95"], V[2, b, "n"], csv_quote(V[2, b, "rows"]), ch,
				rgv[1], rgv[2], v > csv
			if (v == "better") nb++; else if (v == "worse") nw++; else if (v == "within noise") nn++
			else if (v == "no sense known") nu++; else nt++
			# a figure 0 in both runs says nothing: in compare.csv only
			if (V[1, a, m "_mean"] + 0 == 0 && V[2, b, m "_mean"] + 0 == 0) { nzero++; continue }
			delta_add(m, TITLE[1, a], ch, rg, v)
			L[++nc] = row_md(a, b, m, v, ch)
			if (v == "better" || v == "worse") {
				R[++nr] = L[nc]
				# a change from 0 has no percentage: after those that have one
				RA[nr] = (ch == "") ? -1 : (ch + 0 < 0 ? -ch : ch + 0)
				RTXT[nr] = TITLE[1, a] ": " m " " (ch == "" ? "" : ch "% ") "(" v ")"
			}
		}
	}
	delta_charts()
	# the largest real changes first (insertion sort: few)
	for (i = 2; i <= nr; i++)
		for (j = i; j > 1 && RA[j] > RA[j - 1]; j--) {
			t = R[j]; R[j] = R[j - 1]; R[j - 1] = t
			t = RA[j]; RA[j] = RA[j - 1]; RA[j - 1] = t
			t = RTXT[j]; RTXT[j] = RTXT[j - 1]; RTXT[j - 1] = t
		}
	print "# Comparison: " la " vs " lb > md
	print "" > md
	printf "**B against A: %d of %d figures changed outside the noise (%d better, %d worse%s)%s.** " \
		"%d within noise, %d cannot tell (a run without repetitions).\n", nb + nw + nu, nb + nw + nn + nt + nu,
		nb, nw, (nu ? ", " nu " with no sense known" : ""), (nr ? "; the largest: " RTXT[1] : ""), nn, nt > md
	print "" > md
	print run_line(1, la) > md
	print run_line(2, lb) > md
	print "- a verdict is *within noise* where the two 95% confidence intervals of the means overlap, " \
		"else *better* or *worse* by the metric's sense, read from its name (throughput and rates: higher; " \
		"loss, delay, RTT, jitter, retransmits, CPU: lower); *no sense known* for another metric outside the noise; " \
		"*one run only: cannot tell* where a run has fewer than two ok repetitions of the point (--repeat 3 or " \
		"--confidence gives intervals); every figure with its rows in compare.csv" > md
	print "" > md
	print "## The largest real changes" > md
	print "" > md
	if (nr == 0) print "None: no change outside the noise" (nc + nzero ? "" : " (no metric both runs have)") "." > md
	else {
		print "| point | metric | A | B | change | verdict |" > md
		print "|---|---|---|---|---|---|" > md
		for (i = 1; i <= nr && i <= 10; i++) print R[i] > md
	}
	print "" > md
	print "## What differs between the runs (meta.txt)" > md
	print "" > md
	nd = 0
	for (k = 1; k <= NMK; k++) {
		if (META[1, MK[k]] == META[2, MK[k]]) continue
		if (!nd++) { print "| | A | B |" > md; print "|---|---|---|" > md }
		printf "| %s | %s | %s |\n", MK[k], META[1, MK[k]], META[2, MK[k]] > md
	}
	if (!nd) print "Nothing of kernel, hosts, sysctls, MTU, link, path, suite and tool version." > md
	notes()
	print "" > md
	if (QUIET != "") { print "" > md; print "No change outside the noise, so no change chart, in: " QUIET "." > md }
	print "" > md
	print "<!-- charts -->" > md
	print "" > md
	print "## Every point both runs have" > md
	print "" > md
	if (nc == 0) print "None." > md
	else {
		print "| point | metric | A | B | change | verdict |" > md
		print "|---|---|---|---|---|---|" > md
		for (i = 1; i <= nc; i++) print L[i] > md
	}
	if (nzero) {
		print "" > md
		print nzero " figures 0 in both runs are left out here (compare.csv has them)." > md
	}
	for (s = 1; s <= 2; s++) {
		no = 0
		for (p = 1; p <= NP[s]; p++) {
			if ((3 - s, KEY[s, p]) in ID) continue
			if (!no++) { print "" > md; print "## Only in " (s == 1 ? "A: " la : "B: " lb) > md; print "" > md }
			print "- " TITLE[s, p] " [rows " V[s, p, "rows"] "]" > md
		}
	}
	close(md); close(csv)
	printf "%d points both runs have, %d changes outside the noise\n", ncommon(), nr
}

# notes(): what one run's summary.csv has and the other's lacks (a newer
# or older tool): metrics not compared, context columns taken as default.
function notes(    s, m, c, t, u) {
	for (s = 1; s <= 2; s++) {
		t = ""
		for (m in MALL) if (!((3 - s, m) in MHAS) && (s, m) in MHAS) t = t (t == "" ? "" : ", ") m
		u = ""
		for (c in IDALL) if (!((3 - s, c) in HAS) && (s, c) in HAS) u = u (u == "" ? "" : ", ") c
		if (t == "" && u == "") continue
		print "" > md
		print "Only " (s == 1 ? "A" : "B") "'s summary.csv has" (t == "" ? "" : " the metrics " t " (not compared)") \
			(t != "" && u != "" ? ";" : "") (u == "" ? "" : " the context columns " u \
			" (the other run's points count as their default: forward, 1 flow, none)") "." > md
	}
}

function ncommon(    a, k) {
	k = 0
	for (a = 1; a <= NP[1]; a++) if ((2, KEY[1, a]) in ID) k++
	return k
}
