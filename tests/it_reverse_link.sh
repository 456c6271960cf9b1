# -R across tub-link with loss in one direction only: the receiver (side b)
# sends, so the data goes b2a, and the loss there must be what the client
# counts, exactly, as it is forward (it_link). Loss a2b (the client's
# direction, which carries only its ACKs and the JOIN) must not show.
# --bidir under the same one-way loss: the reverse row has it all, the
# forward row none; UDP rr -R loses exactly the requests tub-link drops.
# Needs root and /dev/net/tun.
. "$(dirname "$0")/lib.sh"
need_link
link_setup tubrv
CSV=$WORK/r.csv

send() {
	both "$@" -R
}

both() {
	rm -f "$CSV"
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
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

# --bidir with the loss b2a only: the reverse flow loses exactly what
# tub-link dropped, the forward flow nothing.
link_up --delay 2ms --b2a-loss 2% --seed 4 --match udp --match-min-size 200
both --bidir --proto udp -l 1200 -b 30M -t 2 --local-opt rcvbuf=4M \
	--remote-opt rcvbuf=4M
"$NETNS" stats "$NAME" >"$WORK/link.csv"
for i in 1 2; do
	check "udp --bidir row $i: ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
done
check "udp --bidir: forward, then reverse" \
	"$(rowc "$CSV" 1 direction)/$(rowc "$CSV" 2 direction)" = forward/reverse
fl=$(rowc "$CSV" 1 udp_lost); rl=$(rowc "$CSV" 2 udp_lost)
rs=$(rowc "$CSV" 2 udp_sent); dropped=$(linkcol b2a dropped_loss)
echo "it_reverse_link: udp --bidir: forward lost $fl of $(rowc "$CSV" 1 udp_sent)," \
	"reverse lost $rl of $rs; tub-link dropped $dropped b2a," \
	"$(linkcol a2b dropped_loss) a2b"
check "udp --bidir: forward lost nothing ($fl)" "${fl:-x}" = 0
check "udp --bidir: reverse loss == tub-link's b2a drops ($rl, $dropped)" \
	"${rl:-x}" = "${dropped:-y}"
check_awk "udp --bidir: reverse about 2% ($rl of $rs)" \
	"$rl > 0.013 * $rs && $rl < 0.027 * $rs"

# TCP --bidir: the retransmissions are the reverse flow's, not the
# forward's (its data passes; the ACKs b2a are small and pass too).
link_up --delay 5ms --b2a-loss 1% --seed 5 --match tcp --match-min-size 1000
both --bidir --proto tcp -t 2 -b 30M
for i in 1 2; do
	check "tcp --bidir row $i: ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
done
frt=$(rowc "$CSV" 1 tcp_retrans_segs); rrt=$(rowc "$CSV" 2 tcp_retrans_segs)
echo "it_reverse_link: tcp --bidir: forward retransmitted $frt, reverse $rrt"
check "tcp --bidir: forward retransmitted nothing ($frt)" "${frt:-x}" = 0
check "tcp --bidir: reverse retransmitted ($rrt)" "${rrt:-0}" -gt 0

# UDP rr -R with 5% of the requests lost b2a (the receiver asks; 300 B
# requests and replies, the JOIN passes): every probe lost is one
# tub-link dropped, and the round trips take the link's 4 ms.
link_up --delay 2ms --b2a-loss 5% --seed 6 --match udp --match-min-size 200
both -R --proto udp --kind rr -l 300 -t 2
"$NETNS" stats "$NAME" >"$WORK/link.csv"
check "udp rr -R: ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
lost=$(col "$CSV" rr_lost); dropped=$(linkcol b2a dropped_loss)
echo "it_reverse_link: udp rr -R: $(col "$CSV" rr_done) round trips," \
	"$lost lost, $(col "$CSV" rr_late) late; tub-link dropped $dropped b2a," \
	"$(linkcol a2b dropped_loss) a2b; rtt min $(col "$CSV" rtt_min_us) us"
check "udp rr -R: lost == tub-link's b2a drops ($lost, $dropped)" \
	"${lost:-x}" = "${dropped:-y}"
check "udp rr -R: none late" "$(col "$CSV" rr_late)" -eq 0
check_awk "udp rr -R: rtt min over the link's 4 ms ($(col "$CSV" rtt_min_us) us)" \
	"$(col "$CSV" rtt_min_us) >= 4000"

# UDP rr --bidir under the same loss b2a: the forward flow loses replies,
# the reverse flow requests, and together exactly what tub-link dropped.
link_up --delay 2ms --b2a-loss 5% --seed 7 --match udp --match-min-size 200
both --bidir --proto udp --kind rr -l 300 -t 2
"$NETNS" stats "$NAME" >"$WORK/link.csv"
for i in 1 2; do
	check "udp rr --bidir row $i: ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
done
fl=$(rowc "$CSV" 1 rr_lost); rl=$(rowc "$CSV" 2 rr_lost)
dropped=$(linkcol b2a dropped_loss)
echo "it_reverse_link: udp rr --bidir: forward lost $fl of $(rowc "$CSV" 1 tx_msgs)," \
	"reverse $rl of $(rowc "$CSV" 2 tx_msgs); tub-link dropped $dropped b2a"
check "udp rr --bidir: both lost some ($fl, $rl)" "$((fl > 0 && rl > 0))" -eq 1
check "udp rr --bidir: the two together == tub-link's b2a drops ($((fl + rl)), $dropped)" \
	"$((fl + rl))" -eq "${dropped:-0}"

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
