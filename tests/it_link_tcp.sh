# TCP (and a UDP flood) across tub-link between two namespaces
# (scripts/netns.sh), held against the physics: goodput at a rate limit,
# the window / RTT bound of a small receive buffer, queue drops told apart
# from receiver drops, and keepalive across a silently cut path. Needs root
# and /dev/net/tun, else skipped. Each test prints what it measured.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_link_tcp: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
link_setup tubtc
CSV=$WORK/r.csv
IV=$WORK/iv.csv

send() {
	rm -f "$CSV" "$IV"
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
}

# linkcol DIR NAME: a column of tub-link's stats (fresh, via SIGUSR1).
linkcol() {
	"$NETNS" stats "$NAME" >"$WORK/link.csv" || return 1
	awk -F, -v d="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == d { print $h[c] }' "$WORK/link.csv"
}

# late_rate FROM: the receiver's payload rate (bit/s) over the intervals
# starting at FROM seconds or later: after TCP has ramped up.
late_rate() {
	awk -F, -v from="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["end"] == "receiver" && $h["start_s"] >= from {
			b += $h["bytes"]; t += $h["end_s"] - $h["start_s"] }
		END { if (t > 0) printf "%.0f\n", b * 8 / t; else print 0 }' "$IV"
}

mbit() { awk -v v="$1" 'BEGIN { printf "%.2f", v / 1e6 }'; }

# 1. Goodput at a rate limit: 50 Mbit/s, a 50 ms queue. The rate counts
# IP bytes (a TUN device has no link header); a full segment is an IP
# packet of the 1500-byte MTU carrying MSS 1448 bytes of payload (1500 less
# 20 of IP, 20 of TCP, 12 of the timestamp option), so the payload rate the
# receiver can see is 50 x 1448 / 1500 = 48.27 Mbit/s, which the issue's
# "within 5% of 50 Mbit/s" holds too (3.5% below it). The check: within 5%
# of that payload rate. 5 s: the start (slow start, the queue filling)
# costs a 3 s test 1-2% (47.39 Mbit/s once on a fresh machine). That
# leaves "within 5% of 50 Mbit/s" 1.6% for the hosts. But the link is only
# 50 Mbit/s while tub-link's forwarding loop has its CPU: time a busy VM
# takes from it is lost to the rate limiter (a packet read late leaves
# when it is read). On one slow spell here four 5 s runs gave 42.33,
# 46.64, 44.75 and 48.16 Mbit/s with the a2b loop stalled 2110, 888, 1425
# and 108 ms. So a miss is run once more, said so; and when it misses again
# with the loop stalled over 3% of the test (150 ms), the two rate checks
# are skipped, said so with the stall, because the link did not offer its
# rate. A link or a sender that does not fill the rate on a quiet host
# fails.
stream_50m() {
	st0=$(linkcol a2b loop_stall_total_us)
	send -t 5
	src=$?
	st1=$(linkcol a2b loop_stall_total_us)
	stall_ms=$(awk -v a="${st0:-0}" -v b="${st1:-0}" 'BEGIN { printf "%.0f", (b - a) / 1000 }')
	mss=$(col "$CSV" tcp_mss_bytes); thr=$(col "$CSV" throughput_bps)
	want=$(awk -v m="$mss" 'BEGIN { printf "%.0f", 50e6 * m / (m + 52) }')
}
link_up --rate 50mbit --queue-ms 50
stream_50m
if [ $src -eq 0 ] && ! awk "BEGIN { exit !(${thr:-0} >= 0.95 * 50e6) }"; then
	echo "it_link_tcp: 50 Mbit/s link: goodput $(mbit "$thr") Mbit/s, the link's loop stalled $stall_ms ms: once more"
	stream_50m
fi
check "50mbit stream exit" $src -eq 0
check "50mbit stream status" "$(col "$CSV" status)" = ok
echo "it_link_tcp: 50 Mbit/s link: goodput $(mbit "$thr") Mbit/s, MSS $mss," \
	"expected payload rate $(mbit "$want") Mbit/s," \
	"retransmits $(col "$CSV" tcp_retrans_segs), a2b loop stalled $stall_ms ms"
check "MSS 1448 (MTU 1500, timestamps)" "$mss" -eq 1448
if ! awk "BEGIN { exit !(${thr:-0} >= 0.95 * 50e6) }" && [ "$stall_ms" -gt 150 ]; then
	echo "SKIP: 50 Mbit/s rate: tub-link's a2b loop stalled $stall_ms ms of the 5 s test (the host took its CPU), so the link did not offer 50 Mbit/s"
else
	check_awk "goodput within 5% of the payload rate ($thr, $want)" \
		"$thr >= 0.95 * $want && $thr <= 1.05 * $want"
	check_awk "goodput within 5% of 50 Mbit/s ($thr)" \
		"$thr >= 0.95 * 50e6 && $thr <= 1.05 * 50e6"
fi

# 2. The window / RTT bound: 10 ms each way (RTT 20 ms, plus 60 us to
# serialize 1500 B at 200 Mbit/s: 20.06 ms), no queue limit (nothing
# dropped: the window alone limits). rcvbuf=32K is granted 65536 (Linux
# doubles it). Linux does not advertise all of it as window, only the share
# it expects to hold payload: with tcp_adv_win_scale = 1 (kernels before
# 6.6) exactly half; since 6.6 that sysctl is unused and the share is the
# receiver's scaling_ratio, payload / truesize of the segments it got,
# starting from half. Seen on this kernel (6.18, adv_win_scale 1, but
# unused): the sender's snd_wnd 39096 B, 0.60 of 65536, rcv_ssthresh 39520
# on the receiver; 39096 B / 20.06 ms = 15.6 Mbit/s, and the goodput
# 15.0 to 15.3 Mbit/s. So the test reads the window the receiver advertised
# (the sender's snd_wnd, from ss in the middle of the transfer), checks it
# is what the granted buffer allows (between half and three quarters of
# it; a 1448-byte segment's truesize is well over 1448 / 0.75), and holds
# the goodput within 20% of that window / RTT. The RTT is the one the
# connection had (its smoothed tcp_rtt_us): on a loaded machine the
# endpoints and tub-link add milliseconds (seen: 27.4 ms under ASan with
# CPU hogs, goodput 11.8 Mbit/s, 0.75 of the 20.06 ms bound but 1.03 of
# the 27.4 ms one; 23.4 to 24.7 ms and 0.97 of the bound in a normal
# build with hogs). The goodput must not beat the bound of the link's own
# RTT either (20.06 ms, +20%). The first second (slow start) is left out.
# window_of_data_conn: snd_wnd of side a's busiest TCP socket to side b.
window_of_data_conn() {
	"$NETNS" exec "$NAME" a ss -tin dst 198.18.0.2 2>/dev/null | awk '
		/bytes_sent:/ {
			s = $0; sub(/.*bytes_sent:/, "", s); sub(/ .*/, "", s)
			w = $0; if (!sub(/.*snd_wnd:/, "", w)) next
			sub(/ .*/, "", w)
			if (s + 0 > best) { best = s + 0; win = w }
		}
		END { print win + 0 }'
}
# A receiver that its host keeps from reading lets the window close for a
# while: a CI machine saw the window and the RTT right (40960 B, 20.6 ms)
# and the goodput 0.65 of the bound. Such a miss is run once more, said
# so; a window the buffer does not set misses both times.
stream_32k() {
	send -t 3 -i 0.5 --interval-csv "$IV" --remote-opt rcvbuf=32K &
	spid=$!
	sleep 1.5
	win=$(window_of_data_conn)
	wait "$spid"
	src=$?
	late=$(late_rate 1.0)
	rtt=$(col "$CSV" tcp_rtt_us)
	rbound=$(awk -v w="$win" -v r="${rtt:-0}" \
		'BEGIN { printf "%.0f", (r > 0 ? w * 8 / (r / 1e6) : 0) }')
}
link_up --delay 10ms --rate 200mbit
stream_32k
if [ $src -eq 0 ] && ! awk "BEGIN { exit !($late >= 0.8 * $rbound && $late <= 1.2 * $rbound) }"; then
	echo "it_link_tcp: rcvbuf 32K: goodput $(mbit "$late") Mbit/s, bound $(mbit "$rbound") (window $win B, tcp_rtt $rtt us): once more"
	stream_32k
fi
check "32K stream exit" $src -eq 0
check "32K stream status" "$(col "$CSV" status)" = ok
granted=$(col "$CSV" remote_granted_rcvbuf_bytes)
bound=$(awk -v w="$win" 'BEGIN { printf "%.0f", w * 8 / 0.02006 }')
echo "it_link_tcp: rcvbuf 32K: granted $granted, advertised window $win B;" \
	"goodput $(mbit "$late") Mbit/s after 1 s," \
	"$(mbit "$(col "$CSV" throughput_bps)") overall; bound" \
	"$(mbit "$rbound") Mbit/s at tcp_rtt $rtt us, $(mbit "$bound") at" \
	"20.06 ms; retransmits $(col "$CSV" tcp_retrans_segs)"
check "rcvbuf=32K granted 65536" "$granted" -eq 65536
check_awk "advertised window from the granted buffer ($win of $granted)" \
	"$win >= 0.5 * $granted && $win <= 0.75 * $granted"
check_awk "goodput within 20% of window / RTT ($late, $rbound)" \
	"$late >= 0.8 * $rbound && $late <= 1.2 * $rbound"
check_awk "goodput not above window / 20.06 ms ($late, $bound)" \
	"$late <= 1.2 * $bound"
check "nothing dropped on the way" "$(linkcol a2b dropped_queue)" -eq 0

# 4 MiB granted: the window (over 2 MB) is far above the path's BDP
# (200 Mbit/s x 20 ms = 500 KB), so the rate limits: at least 85% of the
# payload rate 200 x 1448 / 1500 = 193.1 Mbit/s after the first second.
send -t 3 -i 0.5 --interval-csv "$IV" --remote-opt rcvbuf=2M
check "2M stream exit" $? -eq 0
check "2M stream status" "$(col "$CSV" status)" = ok
granted=$(col "$CSV" remote_granted_rcvbuf_bytes)
late=$(late_rate 1.0)
echo "it_link_tcp: rcvbuf 2M: granted $granted; goodput $(mbit "$late")" \
	"Mbit/s after 1 s, $(mbit "$(col "$CSV" throughput_bps)") overall" \
	"(payload rate 193.07), tcp_rtt $(col "$CSV" tcp_rtt_us) us"
check "rcvbuf=2M granted 4 MiB" "$granted" -eq 4194304
check_awk "goodput >= 85% of the payload rate ($late)" \
	"$late >= 0.85 * 200e6 * 1448 / 1500"

# 3. UDP offered faster than the rate: 80 Mbit/s of payload into a
# 50 Mbit/s link with a 20 ms queue. The queue tail-drops the excess. Only
# the data datagrams (UDP, 200 B or more) are impaired (--match): tub-link
# never tail-drops the others (the TCP control connection, the 52-byte end
# markers), so its a2b dropped_queue counts data datagrams only, and the
# receiver's loss must equal it exactly. The receiver gets a large buffer
# (rcvbuf=4M) so that a busy machine descheduling it does not overflow
# its socket: loss at the receiver (SO_RXQ_OVFL) must stay 0 and is told
# apart from loss on the path.
link_up --rate 50mbit --queue-ms 20 --match udp --match-min-size 200
send --proto udp --kind stream -l 1200 -b 80M -t 2 --remote-opt rcvbuf=4M
check "udp flood exit" $? -eq 0
check "udp flood status" "$(col "$CSV" status)" = ok
lost=$(col "$CSV" udp_lost); qd=$(linkcol a2b dropped_queue)
tund=$("$NETNS" exec "$NAME" a cat "/sys/class/net/$NAME-ta/statistics/tx_dropped")
echo "it_link_tcp: udp 80M into 50mbit: sent $(col "$CSV" udp_sent)," \
	"receiver lost $lost (rcvbuf drops $(col "$CSV" udp_rcvbuf_drops))," \
	"tub-link queue drops $qd, loss drops $(linkcol a2b dropped_loss);" \
	"goodput $(mbit "$(col "$CSV" throughput_bps)") Mbit/s;" \
	"dropped in front of tub-link $tund"
check "receiver's loss == tub-link's queue drops ($lost, $qd)" "$lost" -eq "$qd"
check "no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" -eq 0
check "path loss is all the loss" "$(col "$CSV" udp_path_lost)" -eq "$lost"
check_awk "about 3/8 lost ($lost)" \
	"$lost > 0.3 * $(col "$CSV" udp_sent) && $lost < 0.45 * $(col "$CSV" udp_sent)"
check "no write errors" "$(linkcol a2b write_errors)" -eq 0
# What passed, passed at the rate: 1200 B of payload per 1228 B IP packet.
thr=$(col "$CSV" throughput_bps)
check_awk "udp goodput within 5% of 50 x 1200 / 1228 Mbit/s ($thr)" \
	"$thr >= 0.95 * 50e6 * 1200 / 1228 && $thr <= 1.05 * 50e6 * 1200 / 1228"

# 4. Keepalive across a cut path: the connection goes idle, the hook cuts
# the link (netns.sh cut: tub-link drops everything, both ways, silently),
# and the sender's kernel probes after keepidle 1 s, then every keepintvl
# 1 s; after keepcnt 3 unanswered probes it gives up: ETIMEDOUT at 4 s
# (ka_expected_s) after the last packet. tub-send's clock starts when the
# hook has returned, so the hook's own time (measured by the hook) is added
# back. Early by at most 0.2 s (the last packet came a little before the
# hook started; timer rounding); late by at most 1.5 s (the kernel's timers
# for seconds-long timeouts fire up to ~1/8 late, tub-send polls every
# 100 ms, and a loaded machine adds its delays).
link_up
hook="s=\$(date +%s%N) && TUB_BUILD='$BIN' sh '$NETNS' cut $NAME &&"
hook="$hook echo \$((\$(date +%s%N) - s)) >'$WORK/hook_ns'"
send --kind keepalive -t 15 --local-opt keepalive,keepidle=1,keepintvl=1,keepcnt=3 \
	--on-idle "$hook"
check "keepalive exit" $? -eq 0
check "keepalive status" "$(col "$CSV" status)" = ok
hook_s=$(awk '{ printf "%.3f", $1 / 1e9 }' "$WORK/hook_ns" 2>/dev/null)
det=$(col "$CSV" ka_detect_s); exp=$(col "$CSV" ka_expected_s)
cut=$(linkcol a2b dropped_cut)
echo "it_link_tcp: keepalive: detected $(col "$CSV" ka_detected)" \
	"($(col "$CSV" ka_error)) after $det s + hook ${hook_s:-?} s," \
	"expected $exp s; $cut packets dropped a2b by the cut"
check "keepalive detected" "$(col "$CSV" ka_detected)" -eq 1
check "keepalive error" "$(col "$CSV" ka_error)" = ETIMEDOUT
check "hook timed" -n "$hook_s"
check_awk "detection on time ($det + ${hook_s:-0} vs $exp)" \
	"$det + ${hook_s:-0} >= $exp - 0.2 && $det + ${hook_s:-0} <= $exp + 1.5"
check "probes dropped by the cut (>= 3)" "${cut:-0}" -ge 3
"$NETNS" heal "$NAME"
check "heal exit" $? -eq 0
# The receiver holds the dead connection until its deadline: a fresh one.
stop_recv
start_recv -q

# Without keepalive, nothing notices the dead path within the test.
send --kind keepalive -t 3 --on-idle "TUB_BUILD='$BIN' sh '$NETNS' cut $NAME"
check "no keepalive exit" $? -eq 0
check "no keepalive status" "$(col "$CSV" status)" = ok
echo "it_link_tcp: no keepalive: detected $(col "$CSV" ka_detected)," \
	"expected '$(col "$CSV" ka_expected_s)'"
check "no keepalive: not detected" "$(col "$CSV" ka_detected)" -eq 0
"$NETNS" heal "$NAME"
check "heal exit" $? -eq 0
stop_recv
"$NETNS" down "$NAME"
check "down exit" $? -eq 0
finish
