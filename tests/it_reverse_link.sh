# -R across tub-link with loss in one direction only: the receiver (side b)
# sends, so the data goes b2a, and the loss there must be what the client
# counts, exactly, as it is forward (it_link). Loss a2b (the client's
# direction, which carries only its ACKs and the JOIN) must not show.
# Needs root and /dev/net/tun.
. "$(dirname "$0")/lib.sh"
need_link
link_setup tubrv
CSV=$WORK/r.csv

send() {
	rm -f "$CSV"
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q -R "$@"
}

# UDP: 2% of the data datagrams b2a (1228-byte packets; the JOIN, its echo
# and the end markers are under 200 bytes and pass).
link_up --delay 2ms --b2a-loss 2% --seed 3 --match udp --match-min-size 200
send --proto udp -l 1200 -b 50M -t 2 --local-opt rcvbuf=4M
check "udp -R: ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
"$NETNS" stats "$NAME" >"$WORK/link.csv"
sent=$(col "$CSV" udp_sent); lost=$(col "$CSV" udp_lost)
dropped=$(linkcol b2a dropped_loss)
echo "it_reverse_link: udp -R: $sent sent by the receiver, $lost lost," \
	"tub-link dropped $dropped b2a, $(linkcol a2b dropped_loss) a2b"
check "udp -R: loss == tub-link's b2a drops ($lost, $dropped)" \
	"${lost:-x}" = "${dropped:-y}"
check_awk "udp -R: about 2% ($lost of $sent)" \
	"$lost > 0.013 * $sent && $lost < 0.027 * $sent"
check "udp -R: no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" -eq 0

# The same loss a2b only: nothing of the data is lost.
link_up --delay 2ms --a2b-loss 2% --seed 3 --match udp --match-min-size 200
send --proto udp -l 1200 -b 50M -t 2 --local-opt rcvbuf=4M
check "udp -R, a2b loss: nothing lost ($(col "$CSV" udp_lost))" \
	"$(col "$CSV" udp_lost)" -eq 0

# TCP and RUDP: the receiver's retransmissions reach the row.
link_up --delay 5ms --b2a-loss 1% --seed 5 --match tcp --match-min-size 1000
send --proto tcp -t 2 -b 50M
check "tcp -R: ok ($(col "$CSV" status))" "$(col "$CSV" status)" = ok
rt=$(col "$CSV" tcp_retrans_segs)
check "tcp -R: the sender's retransmissions in the row ($rt)" "${rt:-0}" -gt 0
link_up --delay 5ms --b2a-loss 1% --seed 5 --match udp --match-min-size 200
send --proto rudp -n 2000
check "rudp -R: ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
check "rudp -R: all 2000 delivered ($(col "$CSV" rx_msgs))" \
	"$(col "$CSV" rx_msgs)" -eq 2000
finish
