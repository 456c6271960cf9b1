# A test alone (no path probe) across a long path, the emulated satellite
# hop (300 ms each way, 20 Mbit/s): tub-send takes its UDP reply timeout
# from the control connection's round trip, so probes are not called lost
# for being late, and the receiver waits long enough for datagrams still on
# the path. A timeout set by hand still wins, and a summary whose probes
# all came back late says to raise it. Needs root and /dev/net/tun.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_longpath: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
link_setup tublp
CSV=$WORK/r.csv

send() {
	rm -f "$CSV"
	timeout 40 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" "$@" 2>"$WORK/summary"
}

link_up --delay 300ms --rate 20mbit --queue 1000
send --proto udp --kind rr -l 64 -n 8
to=$(col "$CSV" rr_timeout_s)
echo "it_longpath: udp rr across 600 ms: timeout $to s," \
	"p50 $(col "$CSV" rtt_p50_us) us, $(col "$CSV" rr_lost) lost"
check "rr: status ok" "$(col "$CSV" status)" = ok
check_awk "rr: the timeout fits the round trip ($to s)" "$to >= 1.2 && $to <= 3"
check "rr: no probe lost" "$(col "$CSV" rr_lost)" -eq 0
check "rr: all answered" "$(col "$CSV" rr_done)" -eq 8

send --proto udp --kind rr -l 64 -n 6 --rr-timeout 200ms
check "rr 200ms: status ok" "$(col "$CSV" status)" = ok
check "rr 200ms: the timeout as given" "$(col "$CSV" rr_timeout_s)" = 0.200
check "rr 200ms: every probe lost" "$(col "$CSV" rr_lost)" -eq 6
check "rr 200ms: the summary says to raise --rr-timeout" \
	-n "$(grep 'raise --rr-timeout' "$WORK/summary")"

# The last datagrams arrive 300 ms after DONE was sent: waited for.
send --proto udp -l 1200 -b 5M -t 1
check "stream: status ok" "$(col "$CSV" status)" = ok
check "stream: no datagram lost" "$(col "$CSV" udp_lost)" -eq 0
finish
