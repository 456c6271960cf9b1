# -R: the receiver sends over the data path the client opened, the client
# measures. For stream on every transport (loopback): the row says
# direction reverse, the receiver's counters (tx) came in its DONE, this
# end's (rx) are its own, and the two agree; rr on every transport, its
# round trips from the receiver's DONE; kinds without a direction are
# refused with a one-line error.
. "$(dirname "$0")/lib.sh"
CSV=$WORK/r.csv
start_recv -q

send() {
	rm -f "$CSV"
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" \
		-q -R "$@" 2>"$WORK/err"
}

for p in tcp udp rudp; do
	extra=""
	[ "$p" != tcp ] && extra="-b 200M --local-opt rcvbuf=4M"
	# shellcheck disable=SC2086 # the options of the transport
	send --proto "$p" -t 1 $extra
	st=$(col "$CSV" status)
	check "-R $p stream: ok ($st: $(col "$CSV" error))" "$st" = ok
	check "-R $p stream: direction reverse" \
		"$(col "$CSV" direction)" = reverse
	tx=$(col "$CSV" tx_bytes); rx=$(col "$CSV" rx_bytes)
	check "-R $p stream: the receiver sent ($tx B)" "${tx:-0}" -gt 0
	check "-R $p stream: this end received ($rx B)" "${rx:-0}" -gt 0
	check "-R $p stream: received <= sent ($rx, $tx)" "${rx:-0}" -le "${tx:-0}"
	th=$(col "$CSV" throughput_bps)
	check "-R $p stream: a throughput ($th)" -n "$th"
	if [ "$p" = rudp ]; then
		# the sending endpoint's counters are the receiver's; its DONE
		# carries them
		ps=$(col "$CSV" rudp_pkts_sent)
		check "-R rudp stream: the sender's packets ($ps)" "${ps:-0}" -gt 0
		check "-R rudp stream: its srtt and window" \
			-n "$(col "$CSV" rudp_srtt_us)" -a -n "$(col "$CSV" rudp_cwnd_pkts)"
	fi
done
udp_lost=$(col "$CSV" udp_lost)
send --proto udp -t 1 -b 100M --local-opt rcvbuf=4M
check "-R udp: sent == received + lost ($(col "$CSV" udp_sent))" \
	"$(col "$CSV" udp_sent)" -eq \
	"$(($(col "$CSV" udp_received) + $(col "$CSV" udp_lost)))"
check "-R udp: no loss on loopback at 100M ($(col "$CSV" udp_lost))" \
	"$(col "$CSV" udp_lost)" -eq 0
: "$udp_lost"

# rr under -R: the receiver asks, this end echoes; its round trips come
# in its DONE and make the row.
for p in tcp udp rudp; do
	send --proto "$p" --kind rr -t 1
	st=$(col "$CSV" status)
	check "-R $p rr: ok ($st: $(col "$CSV" error))" "$st" = ok
	check "-R $p rr: direction reverse" "$(col "$CSV" direction)" = reverse
	done_=$(col "$CSV" rr_done)
	check "-R $p rr: round trips ($done_)" "${done_:-0}" -gt 100
	check "-R $p rr: as many requests as round trips and lost ($(col "$CSV" tx_msgs))" \
		"$(col "$CSV" tx_msgs)" -eq $((done_ + $(col "$CSV" rr_lost)))
	check_awk "-R $p rr: min <= p50 <= p99 <= max, and a rate" \
		"$(col "$CSV" rtt_min_us) > 0 && $(col "$CSV" rtt_min_us) <= $(col "$CSV" rtt_p50_us) && $(col "$CSV" rtt_p50_us) <= $(col "$CSV" rtt_p99_us) && $(col "$CSV" rtt_p99_us) <= $(col "$CSV" rtt_max_us) && $(col "$CSV" rr_rate_tps) > 0"
done

for k in connect fill linger; do
	send --proto tcp --kind "$k" -t 1
	rc=$?
	check "-R $k: usage error ($rc)" "$rc" -eq 2
	check "-R $k: one line naming the direction ($(cat "$WORK/err"))" \
		"$(wc -l <"$WORK/err")" -eq 1 -a \
		-n "$(grep 'reverse direction' "$WORK/err")"
done
finish
