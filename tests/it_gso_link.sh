# UDP with gso on the sender across tub-link (scripts/netns.sh): the kernel
# cuts each GSO buffer into datagrams before the TUN device, so tub-link
# impairs datagrams one by one, and the receiver's loss, duplicate and
# reorder counts must equal tub-link's exactly, as for plain UDP
# (tests/it_link.sh says why the impairments match UDP of 200 B or more,
# a2b only). With gro on the receiver too: TUN does no GRO, so every
# buffer holds one datagram and every figure stays exact, jitter and drops
# included. Needs root and /dev/net/tun, else skipped.
. "$(dirname "$0")/lib.sh"
need_link
link_setup tubgso
CSV=$WORK/r.csv

send() {
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
}

# one_run LABEL OPTIONS...: a lossy run, its counts against tub-link's.
one_run() {
	label=$1; shift
	link_up --a2b-loss 2% --a2b-dup 0.5% --a2b-reorder 0.5% --seed 1 \
		--match udp --match-min-size 200
	rm -f "$CSV"
	send --proto udp --kind stream -l 1200 -b 200M -t 2 "$@"
	check "$label: exit" $? -eq 0
	check "$label: status" "$(col "$CSV" status)" = ok
	"$NETNS" stats "$NAME" >"$WORK/link.csv"
	sent=$(col "$CSV" udp_sent); lost=$(col "$CSV" udp_lost)
	# A burst the TUN device's queue (500 packets) cannot hold is dropped
	# before tub-link reads it: loss, but not the link's. Counted too.
	tundrop=$(ip netns exec "$NAME-a" cat "/sys/class/net/$NAME-ta/statistics/tx_dropped")
	dropped=$(( $(linkcol a2b dropped_loss) + tundrop ))
	ps=$(col "$CSV" udp_datagrams_per_send)
	echo "it_gso_link: $label: $sent sent ($ps per send," \
		"$(col "$CSV" udp_datagrams_per_recv) per receive), lost $lost," \
		"tub-link and the TUN queue dropped $dropped ($tundrop);" \
		"reordered $(col "$CSV" udp_reordered)" \
		"vs $(linkcol a2b reordered), duplicates $(col "$CSV" udp_duplicates)" \
		"vs $(linkcol a2b duplicated)"
	check "$label: gso granted" "$(col "$CSV" local_granted_gso_bytes)" = 1200
	# How many datagrams a send carries depends on how late the paced
	# sender wakes (1 on a quiet machine at this rate): said above, not
	# checked here; it_gso checks the batching unpaced on loopback.
	check "$label: receiver's loss == tub-link's drops + TUN's ($lost, $dropped)" \
		"$lost" -eq "$dropped"
	ld=$(linkcol a2b dropped_loss); seen=$((sent - tundrop))
	check_awk "$label: tub-link dropped about 2% ($ld of $seen)" \
		"$ld > 0.013 * $seen && $ld < 0.027 * $seen"
	check "$label: no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" = 0
	check "$label: path lost == lost" "$(col "$CSV" udp_path_lost)" -eq "$lost"
	check "$label: duplicates == tub-link's" "$(col "$CSV" udp_duplicates)" \
		-eq "$(linkcol a2b duplicated)"
	check "$label: reordered == tub-link's" "$(col "$CSV" udp_reordered)" \
		-eq "$(linkcol a2b reordered)"
	check "$label: some reordered" "$(linkcol a2b reordered)" -gt 0
	# every datagram crossed the TUN device on its own
	check "$label: tub-link saw each datagram" \
		"$(( $(linkcol a2b in) - $(linkcol a2b unmatched) + tundrop ))" -eq "$sent"
	check "$label: jitter given" -n "$(col "$CSV" udp_jitter_us)"
	check "$label: no notes" -z "$(col "$CSV" udp_notes)"
}

one_run gso --local-opt gso --remote-opt rcvbuf=4M
one_run gso+gro --local-opt gso --remote-opt gro,rcvbuf=4M
check "gso+gro: gro granted" "$(col "$CSV" remote_granted_gro)" = 1
check "gso+gro: TUN does no GRO: one datagram per receive" \
	"$(col "$CSV" udp_datagrams_per_recv)" = 1.00
stop_recv
finish
