# One port through a firewall: the receiver's namespace (side b of the
# emulated link) drops every packet in but those to the control port, TCP
# and UDP, and established traffic, as a host firewall or a cloud security
# group that opens 5799 would. Every kind on every transport runs through
# it, and -P 4 forward and reverse on the three, --bidir -P 2 and mixed
# flows (--flow). The same receiver with a separate --data-port (the old
# way: a port the firewall does not open) fails, so the test proves the
# point. A stranger that shows a JOIN on the port during a test is refused and
# counted, and the test goes on. Needs root, /dev/net/tun and nft.
. "$(dirname "$0")/lib.sh"
need_link
command -v nft >/dev/null 2>&1 || skip "needs nft (nftables)"
link_setup tubfw
CSV=$WORK/r.csv

# wall PORT: side b's input accepts only PORT (tcp, udp) and what belongs
# to connections it has.
wall() {
	"$NETNS" exec "$NAME" b nft -f - <<EOF
table inet tubwall {
	chain input {
		type filter hook input priority 0; policy drop;
		ct state established,related accept
		iif lo accept
		tcp dport $1 accept
		udp dport $1 accept
		counter
	}
}
EOF
}

# dropped: packets the wall dropped so far.
dropped() {
	"$NETNS" exec "$NAME" b nft list chain inet tubwall input |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

send() {
	rm -f "$CSV"
	timeout 40 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q --connect-timeout 2s "$@"
}

link_up --delay 1ms
wall "$PORT" || { bad "nft rules"; finish; }
for run in "tcp stream" "tcp rr" "tcp connect" "tcp fill" "tcp linger" \
	"udp stream" "udp rr" "udp connect" "udp fill" \
	"rudp stream" "rudp rr" "rudp connect"; do
	set -- $run
	extra="-t 1"
	[ "$2" = linger ] && extra="-n 4"
	[ "$2" = fill ] && extra=""
	[ "$1" = udp ] && [ "$2" = stream ] && extra="-t 1 -b 50M"
	# shellcheck disable=SC2086 # the options of the run
	send --proto "$1" --kind "$2" $extra
	st=$(col "$CSV" status)
	check "through the wall: $run ok ($st: $(col "$CSV" error))" "$st" = ok
done
for run in "tcp" "udp -b 20M" "rudp" "tcp -R" "udp -R -b 20M" "rudp -R"; do
	set -- $run
	p=$1; shift
	send --proto "$p" -P 4 -t 1 "$@"
	check "through the wall: $run -P 4 ok ($(col "$CSV" status): $(col "$CSV" error))" \
		"$(col "$CSV" status)" = ok
	check "through the wall: $run -P 4: five rows" "$(csv_rows "$CSV")" -eq 5
done
send --flow tcp:rate=20M --flow udp:rate=20M --flow rudp:rate=20M -t 1
for i in 1 2 3; do
	check "through the wall: mixed flows row $i ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
done
for run in "tcp" "udp -b 20M" "rudp -b 20M"; do
	set -- $run
	p=$1; shift
	send --proto "$p" --bidir -P 2 -t 1 "$@"
	check "through the wall: $run --bidir -P 2: six rows" "$(csv_rows "$CSV")" -eq 6
	for i in 1 2 3 4 5 6; do
		check "through the wall: $run --bidir -P 2 row $i ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
			"$(rowc "$CSV" $i status)" = ok
	done
done
check "the wall dropped nothing of the tests ($(dropped))" "$(dropped)" -eq 0

# A stranger during a TCP stream: it connects to the port and shows a JOIN
# that is not this test's; refused and counted, and the test goes on.
send --proto tcp -t 3 -b 20M &
SP=$!
sleep 1
"$NETNS" exec "$NAME" a "$BIN/tub-abuse" stranger -p "$PORT" \
	--host 198.18.0.2 --limit 5s >"$WORK/stranger.out" 2>&1
wait "$SP"
check "stranger: the test went on ($(col "$CSV" status))" "$(col "$CSV" status)" = ok
n=$(col "$CSV" strangers_refused)
check "stranger: refused and counted ($n)" "${n:-0}" -ge 1
check "stranger: told why ($(cat "$WORK/stranger.out"))" \
	-n "$(grep 'not this test' "$WORK/stranger.out")"

# The old way: data on a port of its own, which the wall does not open.
stop_recv
start_recv -q --data-port $((PORT + 1))
"$NETNS" exec "$NAME" b nft flush ruleset
wall "$PORT"
for p in tcp udp; do
	send --proto "$p" -t 1
	st=$(col "$CSV" status)
	check "--data-port behind the wall: $p fails ($st: $(col "$CSV" error))" \
		"$st" = connect_failed
done
finish
