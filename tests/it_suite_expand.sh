# The suite scaled to the path, without a network (< 1 s): PATH_* as the
# probe of wan would leave them, through scripts/lib/scale.sh's scale_vars
# into scripts/lib/suite.awk; relative rates (x) and buffers (bdp) must
# come out as the absolute values worked out here by hand, durations at
# least 50 or 20 RTTs unless --duration, the max-rate search around the
# bottleneck, and a point whose figure is missing skipped with the reason.
. "$(dirname "$0")/lib.sh"
LIB=$HERE/../scripts/lib
. "$LIB/util.sh"
. "$LIB/probe.sh"
. "$LIB/scale.sh"

# suite.awk's table of kinds, as bench.sh gives it
"$BIN/tub-send" --list-kinds >"$WORK/kinds"

# expand SUITE-TEXT [awk -v ...]: the points of a suite with SC_* as set.
expand() {
	printf '%s\n' "$1" >"$WORK/suite"
	shift
	old_ifs=$IFS
	IFS='
'
	# shellcheck disable=SC2046
	set -- $(suite_vars) "$@"
	IFS=$old_ifs
	awk -v kinds="$WORK/kinds" "$@" -f "$LIB/csv.awk" -f "$LIB/suite.awk" "$WORK/suite"
}

# field POINTS N FIELD: field FIELD (suite.awk's columns) of point N.
field() {
	awk -F '\t' -v n="$2" -v f="$3" 'NR == n { print $f }' "$1"
}

# --- wan: 100 Mbit/s of IP packets; the probe's figure is the payload of
# 1472 B datagrams, 98 Mbit/s; RTT 40.5 ms; BDP 490000 B
MODE=link PROBE=1 RUN=$WORK PROBE_FAMILY=ipv4
PATH_BOTTLENECK_BPS=98000000 PATH_MTU=1500 PATH_TCP_MSS=1448 PATH_BDP_BYTES=490000
PATH_RTT_MIN_US=40300 PATH_RTT_P50_US=40500
scale_vars
check "ref size is the MTU's datagram" "$SC_REF_SIZE" -eq 1472
SUITE='set duration=1s
proto=udp kind=stream size=1472 rate=1x
proto=udp kind=stream size=1400 rate=0.5x,0.9x,1.2x,max
proto=udp kind=stream size=8K,64 rate=1x,0.9x
proto=tcp kind=stream size=8K sndbuf=0.5bdp,1bdp,2bdp rcvbuf=1bdp
proto=udp kind=rr size=64
maxrate size=1400 rcvbuf=1M'
expand "$SUITE" >"$WORK/p"
check "points" "$(wc -l <"$WORK/p")" -eq 14
# 1x at the probe's own size is the figure itself
check "1x at 1472 B" "$(field "$WORK/p" 1 10)" = 98000000
# 1400 B: same IP rate, so x (1400 / 1428) / (1472 / 1500)
check "0.5x at 1400 B" "$(field "$WORK/p" 2 10)" = 48953005
check "0.9x at 1400 B" "$(field "$WORK/p" 3 10)" = 88115409
check "1.2x at 1400 B" "$(field "$WORK/p" 4 10)" = 117487212
check "label" "$(field "$WORK/p" 3 16)" = "rate=0.9x"
check "name shows both" "$(field "$WORK/p" 3 15)" = "udp stream 1400 B paced 0.9x=88.1M"
check "max stays unpaced" "$(field "$WORK/p" 5 10)" = -
check "max has no label" "$(field "$WORK/p" 5 16)" = -
# 8 KiB: six fragments, 8192 + 8 + 6 x 20 = 8320 B on the wire
check "1x at 8 KiB (fragments)" "$(field "$WORK/p" 6 10)" = 98327759
# 64 B: 92 B on the wire
check "0.9x at 64 B" "$(field "$WORK/p" 9 10)" = 62523629
# buffers: the request is f x BDP (the kernel doubles it for its overhead)
check "sndbuf 0.5bdp" "$(field "$WORK/p" 10 6)" = 245000
check "sndbuf 1bdp" "$(field "$WORK/p" 11 6)" = 490000
check "sndbuf 2bdp" "$(field "$WORK/p" 12 6)" = 980000
check "rcvbuf 1bdp" "$(field "$WORK/p" 12 7)" = 490000
check "lopt carries it" "$(field "$WORK/p" 11 8)" = "sndbuf=490000"
check "buffer labels" "$(field "$WORK/p" 12 16)" = "sndbuf=2bdp+rcvbuf=1bdp"
# durations: streams 50 x 40.5 ms = 2.025 -> 2.1 s; rr 20 x 40.5 ms < 1 s
check "stream lasts 50 RTTs" "$(field "$WORK/p" 2 11)" = 2.1
check "rr keeps the suite's 1 s" "$(field "$WORK/p" 13 11)" = 1
# the search: 0.1x to 1.25x, from 0.95x, trials of 50 RTTs; no flood
check "search range" "$(awk -F '\t' '$1 == "maxrate" { print $14 }' "$WORK/p")" = \
	"0.1 8 0.02 9790601 122382513 93010710"
check "search trial 50 RTTs" "$(awk -F '\t' '$1 == "maxrate" { print $11 }' "$WORK/p")" = 2.1
check "nothing skipped" "$(awk -F '\t' '$17 != "-"' "$WORK/p" | wc -l)" -eq 0

# reliable UDP's window relative to the BDP, in packets of 1408 B of
# payload, or of the message when smaller (1400 B: 490000 / 1400 = 350;
# 2bdp: 700); cc passed on;
# neither on TCP points; NOTSENT_LOWAT relative to the BDP
expand 'set duration=1s
proto=tcp,rudp size=1400 window=1bdp,2bdp cc=paced
proto=tcp lopts=notsent_lowat=0.25bdp,notsent_lowat=16K' >"$WORK/p"
check "window points: tcp once, rudp twice, lowat twice" "$(wc -l <"$WORK/p")" -eq 5
check "tcp without rudp options" "$(field "$WORK/p" 1 18)" = -
check "rudp window 1bdp in packets" "$(field "$WORK/p" 2 18)" = "--window+350+--cc+paced"
check "rudp window 2bdp" "$(field "$WORK/p" 3 18)" = "--window+700+--cc+paced"
check "window label" "$(field "$WORK/p" 3 16)" = "window=2bdp"
check "window name" "$(field "$WORK/p" 3 15)" = "rudp stream 1400 B window 2bdp=700 cc paced"
check "notsent_lowat 0.25bdp" "$(field "$WORK/p" 4 8)" = "notsent_lowat=122500"
check "notsent_lowat label" "$(field "$WORK/p" 4 16)" = "notsent_lowat=0.25bdp"
check "notsent_lowat name" "$(field "$WORK/p" 4 15)" = "tcp stream 128 KiB local notsent_lowat=0.25bdp=120K"
check "absolute notsent_lowat" "$(field "$WORK/p" 5 8)" = "notsent_lowat=16K"
expand 'proto=rudp window=0' >/dev/null 2>"$WORK/err"
check "window=0 is an error" $? -eq 2
expand 'proto=rudp cc=bbr' >/dev/null 2>"$WORK/err"
check "cc=bbr is an error" $? -eq 2
check "... says so" -n "$(grep "cc: 'bbr' is not reno, cubic or paced" "$WORK/err")"

# --duration wins over the RTT
expand "$SUITE" -v duration=1 >"$WORK/p"
check "--duration wins" "$(field "$WORK/p" 2 11)" = 1
check "--duration wins for the search" "$(awk -F '\t' '$1 == "maxrate" { print $11 }' "$WORK/p")" = 1

# satellite: 600 ms RTT: a stream 30 s, an rr 12 s
PATH_RTT_P50_US=600400
scale_vars
expand "$SUITE" >"$WORK/p"
check "satellite stream" "$(field "$WORK/p" 2 11)" = 30.1
check "satellite rr" "$(field "$WORK/p" 13 11)" = 12.1
PATH_RTT_P50_US=40500

# a probe without a bottleneck: its points skipped with path.csv's reason
printf 'figure,value,unit,how,status\nbottleneck_bps,,bit/s,paced UDP,"failed: no rate passed"\nbdp_bytes,,bytes,x,"skipped: no RTT figure"\n' >"$WORK/path.csv"
PATH_BOTTLENECK_BPS="" PATH_BDP_BYTES=""
scale_vars
expand "$SUITE" >"$WORK/p"
check "skip reason" "$(field "$WORK/p" 2 17)" = \
	"rate=0.5x needs the reference rate: no bottleneck figure: path.csv bottleneck_bps: failed: no rate passed"
check "no value when skipped" "$(field "$WORK/p" 2 10)" = -
check "bdp skip reason" "$(field "$WORK/p" 10 17)" = \
	"sndbuf=0.5bdp needs the path's BDP: path.csv bdp_bytes: skipped: no RTT figure"
check "unpaced still runs" "$(field "$WORK/p" 5 17)" = -
check "search without a bottleneck: unpaced first" \
	"$(awk -F '\t' '$1 == "maxrate" { print $14 }' "$WORK/p")" = "0.1 8 0.02 0 -"

# loopback: 1x is the unpaced UDP rate measured first (1400 B, 2 Gbit/s);
# no BDP, no RTT
MODE=local PATH_RTT_P50_US="" PATH_RTT_MIN_US="" PATH_MTU="" PATH_TCP_MSS=""
SC_REF_BPS=2000000000 SC_REF_WHY=""
scale_vars
expand "$SUITE" >"$WORK/p"
check "loopback 0.5x" "$(field "$WORK/p" 2 10)" = 1000000000
check "loopback 1.2x" "$(field "$WORK/p" 4 10)" = 2400000000
check "loopback durations as the suite" "$(field "$WORK/p" 2 11)" = 1
check "loopback bdp skipped" -n "$(field "$WORK/p" 11 17 | grep 'needs the path.s BDP: loopback')"
check "loopback search unpaced" "$(awk -F '\t' '$1 == "maxrate" { print $14 }' "$WORK/p")" = "0.1 8 0.02 0 -"

# bad relative values are suite errors
expand 'proto=udp rate=x' >/dev/null 2>"$WORK/err"
check "rate=x is an error" $? -eq 2
check "says so" -n "$(grep "rate: .x. is not a rate like .* or 0.9x" "$WORK/err")"
expand 'proto=tcp sndbuf=-1bdp' >/dev/null 2>"$WORK/err"
check "sndbuf=-1bdp is an error" $? -eq 2

# every shipped suite expands, scaled and not
for s in "$HERE"/../scripts/suites/*; do
	[ "$(basename "$s")" = README ] && continue
	expand "$(cat "$s")" >/dev/null 2>"$WORK/err"
	check "suite $(basename "$s") expands" $? -eq 0
done
finish
