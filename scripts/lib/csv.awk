# csv.awk: RFC 4180 helpers shared by the scripts' awk programs (mawk-safe).
# Records are one per line (tub-send never writes a newline inside a field).

# csv_split(line, out): the fields of line into out[1..n]; returns n.
function csv_split(line, out,    n, i, c, f, q, len) {
	if (index(line, "\"") == 0)
		return split(line, out, ",")
	n = 0; f = ""; q = 0; len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ }
				else q = 0
			} else f = f c
		} else if (c == "\"") q = 1
		else if (c == ",") { out[++n] = f; f = "" }
		else f = f c
	}
	out[++n] = f
	return n
}

# csv_quote(s): s as one CSV field.
function csv_quote(s) {
	if (s !~ /[",\r\n]/)
		return s
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}

# csv_index(line, col): col[name] = position for each name in a header line.
function csv_index(line, col,    h, n, i) {
	n = csv_split(line, h)
	for (i = 1; i <= n; i++)
		col[h[i]] = i
	return n
}

# Human units, shared by tables, names and advice.
function fmt_bits(b) {
	if (b == "") return "-"
	b += 0
	if (b >= 1e9) return sprintf("%.2f Gbit/s", b / 1e9)
	if (b >= 1e6) return sprintf("%.1f Mbit/s", b / 1e6)
	return sprintf("%.1f kbit/s", b / 1e3)
}

# fmt_size(bytes): 1400 B, 8 KiB, 1.5 MiB.
function fmt_size(b) {
	b += 0
	if (b >= 1048576 && b % 65536 == 0) return (b / 1048576) " MiB"
	if (b >= 1024 && b % 256 == 0) return (b / 1024) " KiB"
	return b " B"
}

# fmt_buf(bytes): the short form a user types: 64K, 4M, 1000.
function fmt_buf(b) {
	b += 0
	if (b >= 1048576 && b % 1048576 == 0) return (b / 1048576) "M"
	if (b >= 1024 && b % 1024 == 0) return (b / 1024) "K"
	return b ""
}

# fmt_rate(bps): 100M, 1.5G, 800K (decimal, as tub-send's -b reads them).
function fmt_rate(r) {
	r += 0
	if (r >= 1e9) return sprintf("%gG", r / 1e9)
	if (r >= 1e6) return sprintf("%gM", r / 1e6)
	if (r >= 1e3) return sprintf("%gK", r / 1e3)
	return sprintf("%g", r)
}

# opts_drop(spec, name): the option list spec without its name=... entries.
function opts_drop(spec, name,    n, i, a, out) {
	n = split(spec, a, ",")
	out = ""
	for (i = 1; i <= n; i++)
		if (a[i] != "" && a[i] !~ ("^" name "(=|$)"))
			out = out (out == "" ? "" : ",") a[i]
	return out
}

# point_name(...): how a point is called in progress lines, tables and charts,
# e.g. "udp stream 1400 B rcvbuf 64K paced 1G", "tcp rr 64 B no nodelay".
# lopts/ropts are the option lists without the sender's sndbuf and the
# receiver's rcvbuf, which come as numbers (empty: not set). label, the
# point's relative values (rate=0.5x+sndbuf=1bdp, tub-send's --label), names
# them as the suite does, with the value they had: "paced 0.5x=49.4M",
# "sndbuf 1bdp=488K"; "paced 0.5x" alone when the figure was missing; an
# option's value as "notsent_lowat=0.25bdp=121K", or 16384 as 16K. win and
# cc: reliable UDP's window (packets) and congestion control, when set.
function point_name(proto, kind, size, sndbuf, rcvbuf, lopts, ropts, rate, label, win, cc,    n, wr) {
	n = proto " " kind " " fmt_size(size)
	if (sndbuf != "" || rel_of(label, "sndbuf") != "") n = n " sndbuf " rel_txt(label, "sndbuf", sndbuf, 0)
	if (rcvbuf != "" || rel_of(label, "rcvbuf") != "") n = n " rcvbuf " rel_txt(label, "rcvbuf", rcvbuf, 0)
	lopts = opts_txt(lopts, label); ropts = opts_txt(ropts, label)
	if (lopts == ropts) {
		if (lopts != "") n = n " " lopts
	} else {
		if (lopts != "") n = n " local " lopts
		if (ropts != "") n = n " remote " ropts
	}
	wr = rel_of(label, "window")
	if (win != "" || wr != "") n = n " window " (wr == "" ? win : (win == "" ? wr : wr "=" win))
	if (cc != "") n = n " cc " cc
	if (proto == "tcp" && kind == "rr" && lopts !~ /(^|,)nodelay(,|$)/)
		n = n " no nodelay"
	if (kind == "stream" && (rate != "" || rel_of(label, "rate") != "")) n = n " paced " rel_txt(label, "rate", rate, 1)
	else if (kind == "stream" && proto == "udp") n = n " unlimited"
	else if (kind == "linger" && (rate != "" || rel_of(label, "rate") != "")) n = n " reader " rel_txt(label, "rate", rate, 1)
	return n
}

# loss_bound(thr, p0, sent, n0): the UDP loss in percent a test may have
# and still pass (the max-rate search) or be advised from (advice.awk):
# the threshold thr above the path's own loss p0 (the probe's, from n0
# datagrams), with three standard deviations of the sampling noise of
# that loss in both counts (the test's sent datagrams and the probe's;
# a count of 0 adds none). A path losing 1% read 0.8% from 3000
# datagrams: without the noise a test that lost the path's 1% would fail
# by that alone.
function loss_bound(thr, p0, sent, n0,    q) {
	q = p0 / 100
	return thr + p0 + 300 * sqrt(q * (1 - q) * ((sent > 0 ? 1 / sent : 0) + (n0 > 0 ? 1 / n0 : 0)))
}

# rudp_payload(size): the payload of one reliable-UDP packet carrying
# messages of size B: 1408 B (a 1472 B datagram less RUDP's 64 B header),
# or the message when it is smaller.
function rudp_payload(size) {
	size += 0
	return (size > 0 && size < 1408) ? size : 1408
}

# rudp_pkts(bytes, size): the packets of rudp_payload(size) that hold
# bytes, rounded up (the suite's window=2bdp, the advice's BDP in packets).
function rudp_pkts(bytes, size,    per) {
	per = rudp_payload(size)
	return int((bytes + per - 1) / per)
}

# opts_txt(opts, label): an option list as a name shows it: a value the
# label has as relative with both ("notsent_lowat=0.25bdp=121K"), a
# number of whole KiB short (16384: 16K).
function opts_txt(opts, label,    n, a, i, eq, k, v, r, out) {
	n = split(opts, a, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		eq = index(a[i], "=")
		if (eq > 0) {
			k = substr(a[i], 1, eq - 1); v = substr(a[i], eq + 1); r = rel_of(label, k)
			if (r != "") a[i] = k "=" (v == "" || v == "0" ? r : rel_txt(label, k, v, 0))
			else if (v ~ /^[0-9]+$/ && v + 0 >= 1024) a[i] = k "=" fmt_buf(v)
		}
		out = out (out == "" ? "" : ",") a[i]
	}
	return out
}

# rel_of(label, key): the relative value of key in a point's label
# ("rate=0.5x+sndbuf=1bdp", "rate": "0.5x"), or "".
function rel_of(label, key,    n, i, a) {
	n = split(label, a, "+")
	for (i = 1; i <= n; i++)
		if (index(a[i], key "=") == 1) return substr(a[i], length(key) + 2)
	return ""
}

# rel_txt(label, key, v, israte): v as a name shows it: "0.5x=49.4M",
# "1bdp=488K", "0.5x" (no value), or the plain value.
function rel_txt(label, key, v, israte,    r, t) {
	r = rel_of(label, key)
	if (v == "") return r
	if (israte) t = (r == "") ? fmt_rate(v) : fmt_rate(sprintf("%.3g", v))
	else if (r == "") t = fmt_buf(v)
	else t = (v + 0 >= 1048576) ? sprintf("%.3gM", v / 1048576) : (v + 0 >= 1024) ? sprintf("%.3gK", v / 1024) : v ""
	return (r == "") ? t : r "=" t
}

# run_colour(r): the colour of run r (1, 2, ...) wherever several runs are
# drawn, overlays (plotdata.awk) and the change charts (compare.awk) alike:
# a run keeps it on every chart. Within a run, transports and variants
# differ by marker and dash, not by colour.
function run_colour(r,    a, n) {
	n = split("#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #8c564b #e377c2 #17becf", a, " ")
	return a[((r - 1) % n) + 1]
}

# shorten(s, n): s when it has at most n characters, else its first
# n - 1 and an ellipsis (a legend entry or an axis label that must fit).
function shorten(s, n) {
	return (length(s) <= n) ? s : substr(s, 1, n - 1) "…"
}
