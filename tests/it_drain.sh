# A TCP stream whose send buffer cannot drain before its end, across the
# emulated wan (20 ms each way, 100 Mbit/s): sndbuf=4M against a receiver's
# rcvbuf=16K queues megabytes that a 32 KiB window drains at a few Mbit/s.
# The test ends at its deadline with status ok, says what was left unsent,
# and the sender's rate counts only what left the buffer. A count, by
# contrast, is delivered whole. Needs root and /dev/net/tun, else skipped.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_drain: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
link_setup tubdr
CSV=$WORK/r.csv

send() {
	rm -f "$CSV"
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
}

link_up --delay 20ms --rate 100mbit --queue 350
start=$(date +%s%N)
send -l 8K -t 2 --local-opt sndbuf=4M --remote-opt rcvbuf=16K
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
status=$(col "$CSV" status)
tput=$(col "$CSV" throughput_bps)
txr=$(col "$CSV" tx_rate_bps)
unsent=$(col "$CSV" tx_unsent_bytes)
unacked=$(col "$CSV" tx_unacked_bytes)
unsent_s=$(col "$CSV" tx_unsent_s)
grant=$(col "$CSV" remote_granted_rcvbuf_bytes)
echo "it_drain: wan, sndbuf 4M, rcvbuf 16K (granted $grant): $tput bit/s," \
	"sender $txr bit/s, $unsent B unsent ($unsent_s s), $unacked B in" \
	"flight, $took_ms ms in all"
check "drain: status ok ($(col "$CSV" error))" "$status" = ok
check "drain: bytes left unsent" "${unsent:-0}" -gt 0
check_awk "drain: unsent takes time at the rate ($unsent_s s)" \
	"$unsent_s > 1"
check "drain: finished within the duration + 2 s ($took_ms ms)" \
	"$took_ms" -le 4000
# The window bounds it: the granted buffer (half of it for data, the rest
# bookkeeping) over the 40 ms round trip, and not far below that.
check_awk "drain: throughput near window / RTT ($tput vs $grant B / 40 ms)" \
	"$tput <= $grant * 8 / 0.040 * 1.1 && $tput >= $grant / 2 * 8 / 0.040 * 0.5"
check_awk "drain: sender rate at most 10% above the receiver's ($txr vs $tput)" \
	"$txr <= $tput * 1.1"

# A count is delivered whole, however long it takes.
send -l 8K -n 40 --local-opt sndbuf=4M --remote-opt rcvbuf=16K
check "count: status ok ($(col "$CSV" error))" "$(col "$CSV" status)" = ok
check "count: all delivered" "$(col "$CSV" rx_bytes)" -eq 327680
check "count: nothing left unsent" "$(col "$CSV" tx_unsent_bytes)" -eq 0

# With room to spare nothing is left behind but what is in flight.
send -l 128K -t 2
check "plain: status ok" "$(col "$CSV" status)" = ok
check_awk "plain: sender rate near the receiver's ($(col "$CSV" tx_rate_bps) vs $(col "$CSV" throughput_bps))" \
	"$(col "$CSV" tx_rate_bps) <= $(col "$CSV" throughput_bps) * 1.1"

# On the same link (MTU 1500) an 8 KiB datagram goes as six IP fragments:
# the row and the summary say so.
rm -f "$CSV"
timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 -p "$PORT" \
	--csv "$CSV" --proto udp -l 8K -b 20M -t 1 2>"$WORK/summary"
check "fragments: status ok" "$(col "$CSV" status)" = ok
check "fragments: path MTU 1500" "$(col "$CSV" path_mtu_bytes)" -eq 1500
check "fragments: six per 8 KiB datagram" "$(col "$CSV" udp_ip_fragments)" -eq 6
check "fragments: the summary warns" \
	-n "$(grep 'one lost fragment loses the whole datagram' "$WORK/summary")"
# ... and so do bench.sh's table and advice, from the same row.
LIB=$HERE/../scripts/lib
awk -v t_table="$("$BIN/tub-send" --t-table)" -f "$LIB/csv.awk" \
	-f "$HERE/../scripts/aggregate.awk" "$CSV" >"$WORK/summary.csv"
printf 'link: emulated wan\n' >"$WORK/meta.txt"
check "fragments: the table marks the point" \
	-n "$(awk -f "$LIB/csv.awk" -f "$LIB/table.awk" "$WORK/summary.csv" | grep ' frag6 ')"
check "fragments: the advice warns" -n "$(awk -f "$LIB/csv.awk" \
	-f "$HERE/../scripts/advice.awk" "$WORK/meta.txt" "$WORK/summary.csv" |
	grep '6 fragments each; one lost fragment loses the datagram')"
finish
