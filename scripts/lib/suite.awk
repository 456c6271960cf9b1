# suite.awk: expand suite files (scripts/suites/README) into the list of
# points and max-rate searches bench.sh runs, one per line, tab-separated:
#   type src proto kind size sndbuf rcvbuf lopt ropt rate duration repeat
#   interval params name label skip xargs
# type is "point" or "maxrate"; "-" marks an empty field; sizes are bytes,
# rates bit/s, durations seconds; lopt/ropt are tub-send's --local-opt and
# --remote-opt; params (maxrate) is "loss iterations precision lo hi
# [start]"; label names the point's relative values (rate=0.5x+sndbuf=1bdp,
# tub-send's --label); skip is why the point cannot run (a figure it needs
# is missing), its values then "-"; xargs are tub-send's options beyond
# those (rudp: --window N, --cc MODE), words joined by '+'.
# Variables: sets ("KEY=LIST ..." from --set, applied to every line),
# duration/repeat (from the command line, win over the suite), and the
# figures relative values and durations scale with (scripts/lib/scale.sh;
# empty: unknown):
#   ref_bps    what "1x" is: the bottleneck (payload bit/s of datagrams of
#              ref_size B), or on loopback the unpaced UDP rate
#   ref_size   the datagram size ref_bps was measured with (default 1400)
#   ref_why    why ref_bps is missing (the skip reason)
#   mtu ip_hdr the path's MTU and IP header (20, or 40 for IPv6), for the
#              wire bytes of a datagram; tcp_mss the TCP MSS
#   bdp, bdp_why   what "1bdp" is, in bytes; why it is missing
#   rtt_us     the path's RTT: tests last at least N round trips
#   search_ref 1: a max-rate search without lo/hi searches around ref_bps
# and kinds, a file with tub-send --list-kinds (the table of kinds, one a
# line: "stream tcp=131072 udp=1400 rudp=1400"): the kinds and transports
# there are, which kind runs on which transport, and its default size.
# Needs csv.awk (point_name). Exit status 2 on a bad suite, with file:line.

BEGIN {
	SWEEP_KEYS = " proto kind size sndbuf rcvbuf opts lopts ropts rate window cc parallel dir flows duration repeat interval "
	SEARCH_KEYS = " proto size sndbuf rcvbuf opts lopts ropts duration loss iterations precision lo hi "
	SET_KEYS = " duration repeat interval loss iterations precision "
	TCP_ONLY = " nodelay cork quickack maxseg congestion notsent_lowat rcvlowat keepalive keepidle keepintvl keepcnt user_timeout "
	# UDP segmentation and receive offload: plain UDP only (tub-send
	# skips them with a note on TCP and reliable UDP)
	UDP_ONLY = " gso gro "
	# the axes of the matrix, in the order they vary (last fastest)
	RUDP_MAX_WINDOW = int(16 * 1048576 / 1472)
	NAXES = split("proto kind size sndbuf rcvbuf opts lopts ropts rate window cc parallel dir flows", AXIS, " ")
	# suite defaults; "set" lines change them
	def["duration"] = 2; def["repeat"] = 1; def["interval"] = ""
	def["loss"] = 0.1; def["iterations"] = 8; def["precision"] = 0.02
	nover = split(sets, over_kv, " ")
	npoints = 0
	# round trips a test lasts at least (scripts/suites/README): streams
	# and max-rate trials 50 (TCP leaves slow start in log2(BDP / 10 MSS)
	# + 1 round trips, 6 on wan, 8 on satellite, and 50 keep that under a
	# sixth of the test; a UDP trial 2% over the bottleneck fills a queue of
	# one BDP in 50 round trips), the other kinds 20 (exchanges)
	RTTS_STREAM = 50; RTTS_OTHER = 20
	if (ref_size == "") ref_size = 1400
	if (mtu == "") mtu = 1500
	if (ip_hdr == "") ip_hdr = 20
	if (rtt_us == "") rtt_us = 0
	read_kinds(kinds)
}

# read_kinds(file): tub-send's table of kinds into KSIZE[kind, proto] (the
# default size; a pair that is not there does not run), KIND_NAMES and
# PROTO_NAMES (" stream rr ... ", in the table's order) and their texts
# for errors ("stream, rr or linger").
function read_kinds(file,    line) {
	if (file == "" || (getline line < file) <= 0) {
		print "suite.awk: no table of kinds (-v kinds=FILE, from tub-send --list-kinds)" > "/dev/stderr"
		failed = 1
		exit 2
	}
	KIND_NAMES = PROTO_NAMES = " "
	do kind_line(line); while ((getline line < file) > 0)
	close(file)
	KIND_TEXT = or_list(KIND_NAMES)
	PROTO_TEXT = or_list(PROTO_NAMES)
}

# kind_line("stream tcp=131072 udp=1400"): one kind of the table.
function kind_line(line,    n, w, i, eq, p) {
	n = split(line, w, " ")
	if (n < 2) return
	KIND_NAMES = KIND_NAMES w[1] " "
	for (i = 2; i <= n; i++) {
		eq = index(w[i], "=")
		p = substr(w[i], 1, eq - 1)
		KSIZE[w[1], p] = substr(w[i], eq + 1) + 0
		if (index(PROTO_NAMES, " " p " ") == 0) PROTO_NAMES = PROTO_NAMES p " "
	}
}

# or_list(" a b c "): "a, b or c".
function or_list(names,    n, w, i, out) {
	n = split(names, w, " ")
	out = w[1]
	for (i = 2; i <= n; i++) out = out (i == n ? " or " : ", ") w[i]
	return out
}

# runs_on(kind): the transports it runs on, "tcp, udp".
function runs_on(kind,    n, w, i, out) {
	n = split(PROTO_NAMES, w, " ")
	out = ""
	for (i = 1; i <= n; i++)
		if ((kind, w[i]) in KSIZE) out = out (out == "" ? "" : ", ") w[i]
	return out
}

function fail(msg) {
	if (FILENAME ~ /\/command-line$/)
		printf "--sweep line %d: %s\n", FNR, msg > "/dev/stderr"
	else
		printf "suite %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 2
}

# ---- values ----

# bytes(v): "1400", "64K", "1M", "1.5MiB" in bytes (binary multiples).
function to_bytes(v, what,    n, u) {
	if (v !~ /^[0-9]+(\.[0-9]+)?([kKmMgG]([iI]?[bB])?)?$/)
		fail(what ": '" v "' is not a size like 1400, 64K or 1M" (what ~ /buf$/ ? ", or 1bdp" : ""))
	n = v + 0
	u = ""
	if (match(v, /[kKmMgG]/)) u = tolower(substr(v, RSTART, 1))
	if (u == "k") n *= 1024
	else if (u == "m") n *= 1048576
	else if (u == "g") n *= 1073741824
	return int(n)
}

# rate(v): "100M", "1G", "10mbit", "500000" in bit/s (decimal multiples).
function to_bps(v,    n, u) {
	if (v !~ /^[0-9]+(\.[0-9]+)?([kKmMgG])?(bit|bps)?$/)
		fail("rate: '" v "' is not a rate like 100M, 1G, 10mbit or 0.9x")
	n = v + 0
	u = ""
	if (match(v, /[kKmMgG]/)) u = tolower(substr(v, RSTART, 1))
	if (u == "k") n *= 1e3
	else if (u == "m") n *= 1e6
	else if (u == "g") n *= 1e9
	return sprintf("%.0f", n)
}

# seconds(v): "2", "2s", "500ms" in seconds.
function to_seconds(v, what) {
	if (v !~ /^[0-9]+(\.[0-9]+)?(ms|s)?$/ || v + 0 <= 0)
		fail(what ": '" v "' is not a duration like 2, 2s or 500ms")
	return (v ~ /ms$/) ? (v + 0) / 1000 : v + 0
}

# relative(v, unit, key): "0.5x", "1bdp": a factor of a figure of the path,
# kept as written (a number and its unit) until emit() resolves it.
function relative(v, unit, key,    f) {
	f = substr(v, 1, length(v) - length(unit))
	if (f !~ /^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/ || f + 0 <= 0)
		fail(key ": '" v "' is not like 0.5" unit " or 2" unit)
	return (f + 0) unit
}

function is_rel(v) {
	return v ~ /(x|bdp)$/
}

# wire(proto, size): bytes on the wire (IP packets) per message of size B:
# UDP and RUDP datagrams with their UDP and IP headers, in IP fragments
# when bigger than the MTU; TCP segments of one MSS.
function wire(proto, size,    fp, nf, mss) {
	if (proto == "tcp") {
		mss = (tcp_mss != "") ? tcp_mss : mtu - ip_hdr - 32
		return size * mtu / mss
	}
	if (size + 8 + ip_hdr <= mtu) return size + 8 + ip_hdr
	fp = int((mtu - ip_hdr) / 8) * 8
	nf = int((size + 8 + fp - 1) / fp)
	return size + 8 + nf * ip_hdr
}

# rel_rate(f, proto, size): f x the reference rate, in payload bit/s of
# messages of size B: the same rate of IP packets as f x the reference's
# (so 1x fills the bottleneck whatever the size), rounded.
function rel_rate(f, proto, size,    ip) {
	if (proto != "tcp" && size == ref_size) return sprintf("%.0f", f * ref_bps)
	ip = ref_bps * wire("udp", ref_size) / ref_size
	return sprintf("%.0f", f * ip * size / wire(proto, size))
}

# resolve(key, v, proto, size): v with a relative value made absolute;
# R_LABEL gathers the labels, R_SKIP why one cannot be.
function resolve(key, v, proto, size,    f) {
	if (!is_rel(v)) return v
	R_LABEL = R_LABEL (R_LABEL == "" ? "" : "+") key "=" v
	f = v + 0
	if (v ~ /bdp$/) {
		if (bdp == "") {
			if (R_SKIP == "") R_SKIP = key "=" v " needs the path's BDP: " bdp_why
			return ""
		}
		return sprintf("%.0f", f * bdp)
	}
	if (ref_bps == "") {
		if (R_SKIP == "") R_SKIP = key "=" v " needs the reference rate: " ref_why
		return ""
	}
	return rel_rate(f, proto, size)
}

# resolve_opts(opts, proto, size): option values relative to the BDP
# resolved (lopts=notsent_lowat=0.5bdp), each named in the label (0 when
# the BDP is missing: the point is skipped then).
function resolve_opts(opts, proto, size,    n, a, i, eq, out, v) {
	n = split(opts, a, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		eq = index(a[i], "=")
		if (eq > 0 && substr(a[i], eq + 1) ~ /^[0-9.]+bdp$/) {
			v = resolve(substr(a[i], 1, eq - 1), relative(substr(a[i], eq + 1), "bdp", a[i]), proto, size)
			a[i] = substr(a[i], 1, eq) (v == "" ? 0 : v)
		}
		out = out (out == "" ? "" : ",") a[i]
	}
	return out
}

# window_pkts(bytes, asked, size): a window of reliable UDP in packets; a
# relative one (2bdp, resolved to bytes) in csv.awk's rudp_pkts.
function window_pkts(bytes, asked, size,    w) {
	if (asked !~ /bdp$/ || bytes == "") return bytes
	w = rudp_pkts(bytes, size)
	# a receiver refuses a window above its --max-window-bytes (16 MiB of
	# 1472 B packets by default): the largest it takes, said in the label
	if (w > RUDP_MAX_WINDOW) {
		w = RUDP_MAX_WINDOW
		R_LABEL = R_LABEL " (capped at " RUDP_MAX_WINDOW ": tub-recv --max-window-bytes)"
	}
	return w
}

# scaled(dur, kind): the duration, at least N round trips of the path
# (not when --duration gave it, nor for keepalive, which has its own clock).
function scaled(dur, kind,    n, d) {
	if (duration != "" || rtt_us <= 0 || kind == "keepalive") return dur
	n = (kind == "stream" || kind == "maxrate") ? RTTS_STREAM : RTTS_OTHER
	d = n * rtt_us / 1e6
	d = int(d * 10 + 0.999) / 10
	return (d > dur) ? d : dur
}

function number(v, what) {
	sub(/%$/, "", v)
	if (v !~ /^[0-9]+(\.[0-9]+)?$/)
		fail(what ": '" v "' is not a number")
	return v + 0
}

# normal(key, v): one value of a list, checked and in the form used inside.
function normal(key, v) {
	if (key == "proto") {
		if (index(PROTO_NAMES, " " v " ") == 0) fail("proto: '" v "' is not " PROTO_TEXT)
		return v
	}
	if (key == "kind") {
		if (index(KIND_NAMES, " " v " ") == 0) fail("kind: '" v "' is not " KIND_TEXT)
		return v
	}
	if (key == "size") return to_bytes(v, "size")
	if (key == "sndbuf" || key == "rcvbuf") {
		if (v ~ /^[0-9.]+bdp$/) return relative(v, "bdp", key)
		return (v == "default" || v == "-") ? "" : to_bytes(v, key)
	}
	if (key == "rate" || key == "lo" || key == "hi") {
		if (v ~ /^[0-9.]+x$/) return relative(v, "x", key)
		return (v == "max" || v == "-" || v == "unlimited") ? "" : to_bps(v)
	}
	if (key == "window") {
		if (v == "default" || v == "-") return ""
		if (v ~ /^[0-9.]+bdp$/) return relative(v, "bdp", key)
		if (v !~ /^[1-9][0-9]*$/) fail("window: '" v "' is not a number of packets or like 2bdp")
		return v + 0
	}
	if (key == "cc") {
		if (v == "default" || v == "-") return ""
		if (v !~ /^(aimd|reno|cubic|paced)$/) fail("cc: '" v "' is not reno, cubic or paced (aimd: reno)")
		return v
	}
	if (key == "opts" || key == "lopts" || key == "ropts") {
		if (v == "-" || v == "none") return ""
		if (v !~ /^[a-z_]+(=[A-Za-z0-9.]+)?(\+[a-z_]+(=[A-Za-z0-9.]+)?)*$/)
			fail(key ": '" v "' is not like nodelay or nodelay+linger=0")
		gsub(/\+/, ",", v)
		return v
	}
	if (key == "parallel") {
		if (v !~ /^[1-9][0-9]*$/ || v + 0 > 128) fail("parallel: '" v "' is not a number of flows from 1 to 128")
		return (v == 1) ? "" : v + 0
	}
	if (key == "dir") {
		if (v !~ /^(forward|reverse|bidir)$/) fail("dir: '" v "' is not forward, reverse or bidir")
		return (v == "forward") ? "" : v
	}
	if (key == "flows") return flows_value(v)
	if (key == "duration" || key == "interval") return to_seconds(v, key)
	if (key == "repeat" || key == "iterations") {
		if (v !~ /^[1-9][0-9]*$/) fail(key ": '" v "' is not a whole number >= 1")
		return v + 0
	}
	if (key == "loss") return number(v, "loss")
	if (key == "precision") return number(v, "precision") / 100
	fail("unknown key '" key "'")
}

# flows_value("tcp/udp:rate=0.5x:size=1400"): mixed flows (tub-send
# --flow), '/' between flows, each PROTO[:size=S][:rate=R][:local=OPT]
# [:remote=OPT] (an option each; local= again for another); checked, kept
# as written ('-': none).
function flows_value(v,    n, f, i, m, k, parts, kv) {
	if (v == "-") return ""
	n = split(v, f, "/")
	for (i = 1; i <= n; i++) {
		m = split(f[i], parts, ":")
		if (index(PROTO_NAMES, " " parts[1] " ") == 0)
			fail("flows: '" f[i] "' does not begin with a transport (" PROTO_TEXT ")")
		for (k = 2; k <= m; k++) {
			split(parts[k], kv, "=")
			if (kv[1] == "size") to_bytes(kv[2], "flows size")
			else if (kv[1] == "rate") { if (kv[2] !~ /^[0-9.]+x$/) to_bps(kv[2]) }
			else if (kv[1] == "local" || kv[1] == "remote") {
				if (kv[2] !~ /^[a-z_]+$/)
					fail("flows: '" parts[k] "' in '" f[i] "' is not " kv[1] "=OPTION (a socket option, as tub-send --list-options names them)")
			} else fail("flows: '" parts[k] "' in '" f[i] "' is not size=, rate=, local= or remote=")
		}
	}
	return v
}

# flow_args(flows, size): tub-send's --flow options (words joined by '+')
# for a flows= value, each flow's size its own or the kind's default for
# its transport, and a relative rate resolved against the path (named
# in R_LABEL).
function flow_args(flows,    n, f, i, m, k, parts, kv, proto, size, rate, out, spec, own, end) {
	n = split(flows, f, "/")
	out = ""
	for (i = 1; i <= n; i++) {
		m = split(f[i], parts, ":")
		proto = parts[1]; size = KSIZE["stream", proto]; rate = ""
		own["local"] = own["remote"] = ""
		for (k = 2; k <= m; k++) {
			split(parts[k], kv, "=")
			if (kv[1] == "size") size = to_bytes(kv[2], "flows size")
			else if (kv[1] == "rate") rate = kv[2]
			else own[kv[1]] = own[kv[1]] (own[kv[1]] == "" ? "" : ",") substr(parts[k], length(kv[1]) + 2)
		}
		if (rate ~ /x$/) {
			if (ref_bps == "" && R_SKIP == "") R_SKIP = "flows rate=" rate " needs the reference rate: " ref_why
			rate = rel_rate(rate + 0, proto, size)
		} else if (rate != "") rate = to_bps(rate)
		spec = proto ":size=" size (rate == "" ? "" : ":rate=" rate)
		for (end = 1; end <= 2; end++)
			if (own[end == 1 ? "local" : "remote"] != "")
				spec = spec ":" (end == 1 ? "local" : "remote") "=" own[end == 1 ? "local" : "remote"]
		out = out (out == "" ? "" : "+") "--flow+" spec
	}
	return out
}

# ---- lines ----

# take(word, keys, list): parse KEY=V1,V2 into list[key, i], list[key] = n.
function take(word, keys, list,    eq, key, n, i, a) {
	eq = index(word, "=")
	if (eq < 2) fail("'" word "' is not KEY=VALUE[,VALUE...]")
	key = substr(word, 1, eq - 1)
	if (index(keys, " " key " ") == 0) fail("unknown key '" key "' here")
	n = split(substr(word, eq + 1), a, ",")
	if (n == 0) fail(key ": no value")
	for (i = 1; i <= n; i++) {
		if (a[i] == "") fail(key ": empty value in '" word "'")
		list[key, i] = normal(key, a[i])
	}
	list[key] = n
	return key
}

function clear(list,    k) {
	for (k in list) delete list[k]
}

# words(line, w): the words of a line without its comment.
function words(line, w) {
	sub(/#.*/, "", line)
	return split(line, w, /[ \t]+/)
}

{
	n = words($0, w)
	first = 1
	while (first <= n && w[first] == "") first++
	if (first > n) next
	verb = w[first]
	if (verb == "set") {
		for (i = first + 1; i <= n; i++) {
			if (w[i] == "") continue
			clear(tmp)
			k = take(w[i], SET_KEYS, tmp)
			if (tmp[k] != 1) fail("set " k ": one value only")
			def[k] = tmp[k, 1]
		}
		next
	}
	if (verb == "maxrate") keys = SEARCH_KEYS
	else if (verb == "sweep" || index(verb, "=") > 0) keys = SWEEP_KEYS
	else fail("a line is 'set ...', 'maxrate ...' or KEY=LIST ...; not '" verb "'")
	if (verb == "sweep" || verb == "maxrate") first++
	clear(L)
	for (i = first; i <= n; i++)
		if (w[i] != "") take(w[i], keys, L)
	clear(ONLINE) # the keys the line names (not --set's)
	for (k in L) if (index(k, SUBSEP) == 0) ONLINE[k] = 1
	apply_overrides(keys)
	if (verb == "maxrate") expand_search()
	else expand_sweep()
}

# --set KEY=LIST on the command line replaces KEY on every line that has it.
function apply_overrides(keys,    i, k) {
	for (i = 1; i <= nover; i++) {
		k = over_kv[i]
		sub(/=.*/, "", k)
		if (index(keys, " " k " ") == 0) {
			# a transport override that leaves out UDP drops the searches
			if (k == "proto" && keys == SEARCH_KEYS && over_kv[i] !~ /udp/) L["skip"] = 1
			continue
		}
		take(over_kv[i], keys, L)
	}
}

function get(key, fallback) {
	return (key in L) ? L[key, 1] : fallback
}

# the line's or the suite's setting, the command line's first
function setting(key) {
	if (key == "duration" && duration != "") return duration
	if (key == "repeat" && repeat != "") return repeat
	return get(key, def[key])
}

# strip_tcp(opts): opts without the options that only mean something on TCP.
function strip_tcp(opts) {
	return strip_only(opts, TCP_ONLY)
}

# strip_only(opts, names): opts without those of names (" a b ").
function strip_only(opts, names,    n, i, a, name, out) {
	n = split(opts, a, ",")
	out = ""
	for (i = 1; i <= n; i++) {
		name = a[i]
		sub(/=.*/, "", name)
		if (index(names, " " name " ") == 0)
			out = out (out == "" ? "" : ",") a[i]
	}
	return out
}

function join(a, b) {
	return (a == "") ? b : (b == "") ? a : a "," b
}

function dash(v) {
	return (v == "") ? "-" : v
}

# default_size(proto, kind): tub-send's own default for the kind, from its
# table.
function default_size(proto, kind) {
	if (!kind_ok(proto, kind)) not_on(proto, kind)
	return KSIZE[kind, proto]
}

# not_on(proto, kind): fail, the kind does not run on that transport.
function not_on(proto, kind) {
	fail("kind=" kind " does not run on proto=" proto " (tub-send --list-kinds: " kind " runs on " runs_on(kind) ")")
}

# Stream tests sample throughput ten times (0.1 s to 1 s apart).
function interval_for(dur,    iv) {
	iv = setting("interval")
	if (iv != "") return iv
	iv = dur / 10
	return (iv < 0.1) ? 0.1 : (iv > 1) ? 1 : iv
}

# emit(...): one output line, unless the same test came before.
# A relative value (0.5x, 1bdp) is resolved here; the point keeps it as
# its label, and a point whose figure is missing is emitted with the
# reason in its skip field.
function emit(type, proto, kind, size, sndbuf, rcvbuf, lo, ro, rate, dur, rep, params, win, cc, par, dir, flows,    lopt, ropt, key, name, iv, np, pa, i, xargs) {
	# flows are the stream's, a direction the stream's and rr's: a line
	# that names them elsewhere is wrong; --set's are left out there
	if (kind != "stream") {
		if ((par != "" && ONLINE["parallel"]) || (flows != "" && ONLINE["flows"]))
			fail("parallel= and flows= belong to kind=stream")
		if (dir != "" && ONLINE["dir"] && kind != "rr")
			fail("dir= belongs to kind=stream and kind=rr")
		par = flows = ""
		if (kind != "rr") dir = ""
	}
	if (proto != "tcp") { lo = strip_tcp(lo); ro = strip_tcp(ro) }
	if (proto != "udp") { lo = strip_only(lo, UDP_ONLY); ro = strip_only(ro, UDP_ONLY) }
	# a stream's offered rate; for linger, the rate the receiver reads at
	if (kind != "stream" && kind != "linger") rate = ""
	# the window and congestion control of reliable UDP only
	if (proto != "rudp") win = cc = ""
	R_LABEL = ""; R_SKIP = ""
	sndbuf = resolve("sndbuf", sndbuf, proto, size)
	rcvbuf = resolve("rcvbuf", rcvbuf, proto, size)
	rate = resolve("rate", rate, proto, size)
	lo = resolve_opts(lo, proto, size)
	ro = resolve_opts(ro, proto, size)
	win = window_pkts(resolve("window", win, proto, size), win, size)
	xargs = ""
	if (win != "") xargs = "--window+" win
	if (cc != "") xargs = xargs (xargs == "" ? "" : "+") "--cc+" cc
	if (par != "") xargs = xargs (xargs == "" ? "" : "+") "-P+" par
	if (dir != "") xargs = xargs (xargs == "" ? "" : "+") (dir == "reverse" ? "-R" : "--bidir")
	if (flows != "") {
		xargs = xargs (xargs == "" ? "" : "+") flow_args(flows)
		R_LABEL = R_LABEL (R_LABEL == "" ? "" : "+") "flows=" flows
		rate = ""
	}
	if (type == "maxrate") {
		np = split(params, pa, " ")
		pa[4] = resolve("lo", pa[4], proto, size)
		pa[5] = resolve("hi", pa[5], proto, size)
		if (np > 5) pa[6] = resolve("start", pa[6], proto, size)
		if (pa[4] == "") pa[4] = 0
		params = pa[1]
		for (i = 2; i <= np; i++) params = params " " dash(pa[i])
	}
	dur = scaled(dur, (type == "maxrate") ? "maxrate" : kind)
	lopt = join(sndbuf == "" ? "" : "sndbuf=" sndbuf, lo)
	ropt = join(rcvbuf == "" ? "" : "rcvbuf=" rcvbuf, ro)
	key = type SUBSEP proto SUBSEP kind SUBSEP size SUBSEP lopt SUBSEP ropt SUBSEP rate SUBSEP dur SUBSEP R_LABEL SUBSEP xargs
	if (key in seen) return
	seen[key] = 1
	name = point_name(proto, kind, size, sndbuf, rcvbuf, lo, ro, rate, R_LABEL, win, cc)
	if (flows != "") { name = "flows " flows; gsub(/\//, " + ", name) }
	if (par != "") name = name " x" par
	if (dir != "") name = name " " dir
	if (type == "maxrate") name = "udp " fmt_size(size) (sndbuf == "" ? "" : " sndbuf " fmt_buf(sndbuf)) " rcvbuf " (rcvbuf == "" ? "default" : fmt_buf(rcvbuf))
	iv = (kind == "stream") ? interval_for(dur) : "-"
	printf "%s\t%s:%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
		type, FILENAME, FNR, proto, kind, size, dash(sndbuf), dash(rcvbuf),
		dash(lopt), dash(ropt), dash(rate), dur, rep, iv, params, name,
		dash(R_LABEL), dash(R_SKIP), dash(xargs)
	npoints++
}

# kind_ok(proto, kind): whether tub-send runs that kind over that protocol.
function kind_ok(proto, kind) {
	return (kind, proto) in KSIZE
}

# Every combination of the line's lists, the last axis varying fastest. A
# kind that a protocol does not have is left out when the protocols are
# the default (tcp and udp), and an error when the line names them.
function expand_sweep(    i, idx, v, ax, dur, rep, size, lo, ro, pdef, fp) {
	pdef = !("proto" in L)
	for (i = 1; i <= NAXES; i++) {
		ax = AXIS[i]
		if (!(ax in L)) {
			L[ax] = 1
			L[ax, 1] = (ax == "proto") ? "tcp" : (ax == "kind") ? "stream" : ""
			if (ax == "proto") { L[ax] = 2; L[ax, 2] = "udp" }
		}
		idx[i] = 1
	}
	dur = setting("duration"); rep = setting("repeat")
	while (1) {
		for (i = 1; i <= NAXES; i++) v[AXIS[i]] = L[AXIS[i], idx[i]]
		lo = join(v["opts"], v["lopts"]); ro = join(v["opts"], v["ropts"])
		if (v["flows"] != "") { # the flows name their transports
			split(v["flows"], fp, /[\/:]/)
			if (idx[1] > 1) v["kind"] = "" # once, not once a proto
			v["proto"] = fp[1]
		}
		if (v["kind"] == "" && v["flows"] != "") {
		} else if (kind_ok(v["proto"], v["kind"])) {
			size = (v["size"] == "") ? default_size(v["proto"], v["kind"]) : v["size"]
			emit("point", v["proto"], v["kind"], size, v["sndbuf"], v["rcvbuf"],
				lo, ro, v["rate"], dur, rep, "-", v["window"], v["cc"],
				v["parallel"], v["dir"], v["flows"])
		} else if (!pdef)
			not_on(v["proto"], v["kind"])
		for (i = NAXES; i >= 1; i--) {
			if (++idx[i] <= L[AXIS[i]]) break
			idx[i] = 1
		}
		if (i < 1) break
	}
}

# One search per sndbuf x rcvbuf (x size, x option set).
function expand_search(    s, a, b, o, p, q, i, k, v, sax, size, params, lo, ro) {
	if ("skip" in L) return
	if ("proto" in L && (L["proto"] != 1 || L["proto", 1] != "udp"))
		fail("maxrate: the search is for proto=udp only")
	if (!kind_ok("udp", "stream")) not_on("udp", "stream")
	for (k in def) {
		v = setting(k)
		L[k] = 1; L[k, 1] = v
	}
	if (!("size" in L)) { L["size"] = 1; L["size", 1] = 1400 }
	split("sndbuf rcvbuf opts lopts ropts lo hi", sax, " ")
	for (i = 1; i <= 7; i++) if (!(sax[i] in L)) { L[sax[i]] = 1; L[sax[i], 1] = "" }
	params = L["loss", 1] " " L["iterations", 1] " " L["precision", 1] " " \
		(L["lo", 1] == "" ? 0 : L["lo", 1]) " " dash(L["hi", 1])
	# across a link with a bottleneck, no flood: from 0.1x to 1.25x,
	# starting just under the bottleneck
	if (search_ref == 1 && ref_bps != "" && L["lo", 1] == "" && L["hi", 1] == "")
		params = L["loss", 1] " " L["iterations", 1] " " L["precision", 1] " 0.1x 1.25x 0.95x"
	for (s = 1; s <= L["size"]; s++)
	for (a = 1; a <= L["sndbuf"]; a++)
	for (b = 1; b <= L["rcvbuf"]; b++)
	for (o = 1; o <= L["opts"]; o++)
	for (p = 1; p <= L["lopts"]; p++)
	for (q = 1; q <= L["ropts"]; q++) {
		size = L["size", s]
		lo = join(L["opts", o], L["lopts", p]); ro = join(L["opts", o], L["ropts", q])
		emit("maxrate", "udp", "stream", size, L["sndbuf", a], L["rcvbuf", b],
			lo, ro, "", L["duration", 1], 1, params, "", "", "", "", "")
	}
}

END {
	if (failed) exit 2
	if (npoints == 0) {
		print "suite: no points (a suite needs at least one KEY=LIST or maxrate line)" > "/dev/stderr"
		exit 2
	}
}
