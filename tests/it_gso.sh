# UDP with segmentation (gso) and receive offload (gro) on loopback: the
# options applied and read back on both ends, the row says how many
# datagrams each buffer carried (more than one), the sequence counts stay
# consistent, and what GRO makes inexact (drops counted in buffers,
# arrival times shared) is empty with a note, never a wrong number.
. "$(dirname "$0")/lib.sh"
start_recv -q
CSV=$WORK/r.csv

send() {
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" -q --csv "$CSV" "$@"
}

"$BIN/tub-send" --list-options >"$WORK/opts"
check "--list-options has gso" -n "$(grep '^gso ' "$WORK/opts")"
check "--list-options has gro" -n "$(grep '^gro ' "$WORK/opts")"

# 1. Unpaced, gso on the sender, gro on the receiver.
send --proto udp -l 1400 -t 1 --local-opt gso --remote-opt gro,rcvbuf=4M
check "gso+gro exit" $? -eq 0
check "status" "$(col "$CSV" status)" = ok
check "gso granted (the message size)" "$(col "$CSV" local_granted_gso_bytes)" = 1400
check "gso asked: the message size" "$(col "$CSV" local_req_gso_bytes)" = 1400
check "gro granted" "$(col "$CSV" remote_granted_gro)" = 1
check "no option notes" -z "$(col "$CSV" local_opt_notes)$(col "$CSV" remote_opt_notes)"
ps=$(col "$CSV" udp_datagrams_per_send); pr=$(col "$CSV" udp_datagrams_per_recv)
sent=$(col "$CSV" udp_sent); got=$(col "$CSV" udp_received); lost=$(col "$CSV" udp_lost)
echo "it_gso: $ps datagrams per send, $pr per receive; sent $sent, received $got," \
	"lost $lost, tx_calls $(col "$CSV" tx_calls), rx_calls $(col "$CSV" rx_calls)"
echo "it_gso: notes: $(col "$CSV" udp_notes)"
check_awk "several datagrams per send ($ps)" "$ps > 1"
check_awk "several datagrams per receive ($pr)" "$pr > 1"
check "sent == received + lost" "$sent" -eq $((got + lost))
check "no duplicates" "$(col "$CSV" udp_duplicates)" -eq 0
check "received == distinct datagrams taken" "$got" -eq "$(col "$CSV" rx_msgs)"
check "payload == datagrams x size" "$(col "$CSV" rx_bytes)" -eq $((got * 1400))
check "coalesced buffers: jitter empty" -z "$(col "$CSV" udp_jitter_us)"
check "... and said why" -n "$(col "$CSV" udp_notes | grep 'udp_jitter_us empty')"
drops=$(col "$CSV" udp_rcvbuf_drops)
if [ -n "$drops" ]; then
	check "drops given: the path lost the rest" \
		"$(col "$CSV" udp_path_lost)" -eq $((lost - drops))
else
	check "drops empty: said why" -n "$(col "$CSV" udp_notes | grep 'SO_RXQ_OVFL counts buffers')"
	check "path loss empty too" -z "$(col "$CSV" udp_path_lost)"
fi

# 2. Paced, a count: every datagram accounted once.
rm -f "$CSV"
send --proto udp -l 1200 -n 20000 -b 400M --local-opt gso=1200,gro \
	--remote-opt gso,gro,rcvbuf=4M
check "paced exit" $? -eq 0
sent=$(col "$CSV" udp_sent); got=$(col "$CSV" udp_received)
check "paced: 20000 sent" "$sent" -eq 20000
check "paced: sent == received + lost" "$sent" -eq $((got + $(col "$CSV" udp_lost)))
check "paced: no duplicates" "$(col "$CSV" udp_duplicates)" -eq 0
echo "it_gso: paced: $(col "$CSV" udp_datagrams_per_send) per send," \
	"$(col "$CSV" udp_datagrams_per_recv) per receive, received $got"

# 3. Reverse (-R): the receiver sends with gso, this end reads with gro.
rm -f "$CSV"
send --proto udp -l 1400 -t 0.5 -R --remote-opt gso --local-opt gro,rcvbuf=4M
check "-R exit" $? -eq 0
check "-R status" "$(col "$CSV" status)" = ok
ps=$(col "$CSV" udp_datagrams_per_send)
check_awk "-R: several datagrams per send ($ps)" "$ps > 1"
check "-R: remote gso granted" "$(col "$CSV" remote_granted_gso_bytes)" = 1400
sent=$(col "$CSV" udp_sent); got=$(col "$CSV" udp_received)
check "-R: sent == received + lost" "$sent" -eq $((got + $(col "$CSV" udp_lost)))

# 4. Without gro the receiver gets plain datagrams: all exact.
rm -f "$CSV"
send --proto udp -l 1400 -n 5000 -b 100M --local-opt gso --remote-opt rcvbuf=4M
check "gso alone exit" $? -eq 0
check "gso alone: one datagram per receive" "$(col "$CSV" udp_datagrams_per_recv)" = 1.00
check "gso alone: jitter given" -n "$(col "$CSV" udp_jitter_us)"
check "gso alone: drops given" -n "$(col "$CSV" udp_rcvbuf_drops)"
check "gso alone: no notes" -z "$(col "$CSV" udp_notes)"

# 5. Refused: a gso size that is not the message size; skipped with a note
# on TCP and reliable UDP.
send --proto udp -l 1400 -t 0.2 --local-opt gso=1200 2>"$WORK/err"
check "gso=1200 with -l 1400: usage error" $? -eq 2
check "... says why" -n "$(grep 'gso=1200 but the messages are 1400 B' "$WORK/err")"
send --proto udp -l 1400 -t 0.2 --remote-opt gso=1000 2>"$WORK/err"
check "remote gso=1000 with -l 1400: usage error" $? -eq 2
rm -f "$CSV"
send --proto tcp -t 0.3 --local-opt gso,gro
check "tcp with gso exit" $? -eq 0
check "tcp: gso skipped with a note" -n "$(col "$CSV" local_opt_notes | grep 'gso: UDP only, skipped')"
check "tcp: no UDP columns" -z "$(col "$CSV" udp_datagrams_per_send)"
rm -f "$CSV"
send --proto rudp -t 0.3 --remote-opt gro
check "rudp with gro exit" $? -eq 0
check "rudp: gro skipped with a note" -n "$(col "$CSV" remote_opt_notes | grep 'gro: plain UDP only, skipped')"
# rr with gso: single datagrams of the message size, not cut
rm -f "$CSV"
send --proto udp --kind rr -n 200 --local-opt gso --remote-opt gso,gro
check "rr with gso exit" $? -eq 0
check "rr with gso: every round trip" "$(col "$CSV" rr_done)" -eq 200
# Mixed flows of two sizes under a test-wide gso (and gso on the sending
# receiver under -R): each flow segments at its own message size, as one
# datagram is one message (the test's size, -l, once went to every flow).
for dir in "" -R; do
	rm -f "$CSV"
	# shellcheck disable=SC2086 # empty or -R
	send $dir --flow udp:size=1400:rate=20M --flow udp:size=8000:rate=20M \
		-t 0.5 --local-opt gso,rcvbuf=4M --remote-opt gso,gro,rcvbuf=4M
	check "mixed gso$dir: exit" $? -eq 0
	for n in 1 2; do
		sz=$(rowc "$CSV" $n msg_size_bytes)
		for end in local remote; do
			check "mixed gso$dir: flow $((n - 1)) $end gso asked and granted = its $sz B" \
				"$(rowc "$CSV" $n ${end}_req_gso_bytes)/$(rowc "$CSV" $n ${end}_granted_gso_bytes)" = "$sz/$sz"
		done
		check "mixed gso$dir: flow $((n - 1)) ok, nothing lost" \
			"$(rowc "$CSV" $n status)/$(rowc "$CSV" $n udp_lost)" = ok/0
	done
done
finish
