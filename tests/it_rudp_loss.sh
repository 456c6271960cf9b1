# Reliable UDP under heavy loss across tub-link (scripts/netns.sh): at 20%
# and 30% random loss on the UDP datagrams both ways, 5 ms each way, with a
# CPU-bound process beside it, 600 messages of 1400 B arrive complete, in
# order and intact within 60 s, and the sender is never silent longer than
# rto-max while it waits (rudp_max_silence_ms). One seed per loss rate;
# scripts/rudpbench.sh --parts heavy runs ten. Needs root and /dev/net/tun,
# else skipped. Seen here: ~4 s at 20%, ~7 s at 30%.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_rudp_loss: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
CSV=$WORK/r.csv
HOG=""
link_setup tubrl
trap 'cleanup; [ -n "$HOG" ] && kill "$HOG" 2>/dev/null; "$NETNS" down "$NAME" >/dev/null 2>&1' EXIT
HOST=198.18.0.2
for loss in 20 30; do
	link_up --delay 5ms --loss $loss% --match udp --seed 5
	sh -c 'while :; do :; done' &
	HOG=$!
	t0=$(date +%s)
	timeout 90 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c "$HOST" -p "$PORT" \
		--csv "$CSV" -q --proto rudp --cc cubic -n 600 -l 1400
	took=$(($(date +%s) - t0))
	kill "$HOG" 2>/dev/null
	wait "$HOG" 2>/dev/null
	HOG=""
	check "loss $loss%: ok ($(col "$CSV" status) $(col "$CSV" error))" \
		"$(col "$CSV" status)" = ok
	check "loss $loss%: all 600 received" "$(col "$CSV" rx_msgs)" -eq 600
	check "loss $loss%: in order" "$(col "$CSV" rx_out_of_order)" -eq 0
	check "loss $loss%: intact" "$(col "$CSV" rx_corrupt)" -eq 0
	check "loss $loss%: within 60 s ($took s)" "$took" -le 60
	check_awk "loss $loss%: silence within rto-max" \
		"$(col "$CSV" rudp_max_silence_ms) <= $(col "$CSV" rudp_rto_max_ms)"
	echo "it_rudp_loss: loss $loss%: $took s, rtx rto $(col "$CSV" rudp_retrans_timeout)" \
		"rack $(col "$CSV" rudp_retrans_fast) tlp $(col "$CSV" rudp_tlp)," \
		"longest silence $(col "$CSV" rudp_max_silence_ms) ms"
done
finish
