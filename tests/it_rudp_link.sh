# Reliable UDP across tub-link between two namespaces (scripts/netns.sh):
# every message delivered once, intact, in order (or not, when asked) under
# 1% and 5% loss, and goodput beside TCP's. Needs root and /dev/net/tun,
# else skipped. (On loopback: it_rudp; at 20% and 30%: it_rudp_loss.)
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_rudp_link: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
CSV=$WORK/r.csv

# delivered COUNT LABEL: all COUNT messages arrived, intact.
delivered() {
	check "$2: ok ($(col "$CSV" status) $(col "$CSV" error))" "$(col "$CSV" status)" = ok
	check "$2: sent all" "$(col "$CSV" tx_msgs)" -eq "$1"
	check "$2: received all" "$(col "$CSV" rx_msgs)" -eq "$1"
	check "$2: intact" "$(col "$CSV" rx_corrupt)" -eq 0
}

# Across tub-link: loss on the UDP datagrams (data and acknowledgements),
# 5 ms each way; the TCP control connection is left alone.
link_setup tubru
HOST=198.18.0.2
send() {
	timeout 90 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c "$HOST" -p "$PORT" \
		--csv "$CSV" -q "$@"
}
for loss in 1 5; do
	# at 5%, packets are also reordered and duplicated on the way
	extra=""; [ "$loss" = 5 ] && extra="--reorder 3% --dup 1%"
	# shellcheck disable=SC2086 # extra is a list of options
	link_up --delay 5ms --loss $loss% $extra --match udp --seed 7
	n=2000
	send --proto rudp -n $n -l 1400
	delivered $n "loss $loss% ordered"
	check "loss $loss% ordered: in order" "$(col "$CSV" rx_out_of_order)" -eq 0
	check "loss $loss%: retransmitted" \
		$(( $(col "$CSV" rudp_retrans_fast) + $(col "$CSV" rudp_retrans_timeout) )) -gt 0
	echo "it_rudp_link: loss $loss%: $(col "$CSV" throughput_bps) bit/s," \
		"rtx fast $(col "$CSV" rudp_retrans_fast) rto $(col "$CSV" rudp_retrans_timeout)," \
		"delay p99 over min $(col "$CSV" msg_delay_p99_over_min_us) us"
	send --proto rudp -n $n -l 1400 --unordered
	delivered $n "loss $loss% unordered"
done

# Goodput beside TCP's at 1% loss on every packet (TCP's too), 5 ms each way,
# with the same loss-based congestion control on both (cubic); BBR, this
# kernel's default, ignores random loss and is shown for reference only.
# Single 3 s runs spread +-25% here, so this checks the ballpark;
# scripts/rudpbench.sh --parts goodput takes the median of alternating
# 10 s rounds.
link_up --delay 5ms --loss 1% --seed 3
send --proto tcp -t 3 --local-opt congestion=cubic
tcp=$(col "$CSV" throughput_bps)
send --proto tcp -t 3
bbr=$(col "$CSV" throughput_bps)
send --proto rudp -t 3 --cc cubic
rudp=$(col "$CSV" throughput_bps)
echo "it_rudp_link: 1% loss, 10 ms RTT: tcp cubic $tcp, tcp default ($bbr), rudp cubic $rudp bit/s"
check "rudp at 1% loss ok" "$(col "$CSV" status)" = ok
check_awk "rudp goodput within sight of tcp cubic's ($rudp vs $tcp)" \
	"$rudp > $tcp / 2"
finish
