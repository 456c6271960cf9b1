# -P N on loopback: N flows, each its own socket, on every
# transport, forward, -R and --bidir. The CSV has a row a flow (flow
# 0..N-1) and a sum row last (a direction); every flow moved data; the sum
# row's counts are the sums of the flows'; Jain's index is the formula on
# the flows' throughputs; UDP's sent == received + lost holds per flow and
# summed. A receiver's --max-flows refuses more (--bidir's flows count
# twice), with a row that says why; a receiver with a --data-port of its
# own serves flows too.
. "$(dirname "$0")/lib.sh"
CSV=$WORK/p.csv
start_recv -q --max-flows 4

send() {
	rm -f "$CSV"
	timeout 40 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
		"$@" 2>"$WORK/err"
}

# flowsum COLUMN [DIRECTION]: the column summed over the flow rows (of
# that direction).
flowsum() {
	awk -v c="$1" -v d="${2:-}" -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$CSV" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r)
  if (r[col["flow"]] != "sum" && (d == "" || r[col["direction"]] == d))
	s += r[col[c]] }
END { printf "%.0f\n", s }
EOF
}

# jain: Jain's index of the flow rows' throughput_bps, and the least of them.
jain() {
	awk -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$CSV" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r); if (r[col["flow"]] == "sum") next
  x = r[col["throughput_bps"]]; n++; s += x; s2 += x * x
  if (n == 1 || x < least) least = x }
END { printf "%.4f %.0f\n", s * s / (n * s2), least }
EOF
}

for run in "tcp" "udp -b 50M --local-opt rcvbuf=2M" "rudp" "tcp -R" \
	"udp -R -b 50M --local-opt rcvbuf=2M" "rudp -R"; do
	set -- $run
	p=$1; shift
	send --proto "$p" -P 4 -t 1 "$@"
	check "$run -P 4: five rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 5
	check "$run: the sum last ($(col "$CSV" flow))" "$(col "$CSV" flow)" = sum
	check "$run: status ok ($(col "$CSV" status): $(col "$CSV" error))" \
		"$(col "$CSV" status)" = ok
	for i in 1 2 3 4; do
		check "$run: row $i is flow $((i - 1))" \
			"$(rowc "$CSV" "$i" flow)" = "$((i - 1))"
		check "$run: flow $((i - 1)) ok" "$(rowc "$CSV" "$i" status)" = ok
	done
	for c in rx_bytes tx_bytes rx_msgs; do
		check "$run: sum $c == the flows' ($(col "$CSV" $c), $(flowsum $c))" \
			"$(col "$CSV" $c)" -eq "$(flowsum $c)"
	done
	set -- $(jain)
	check "$run: every flow moved data (least $2 bit/s)" "${2:-0}" -gt 0
	got=$(col "$CSV" jain_index)
	check "$run: Jain's index $got == the formula's $1" \
		"$(awk -v a="$got" -v b="$1" 'BEGIN { d = a - b; print (d < 0 ? -d : d) < 0.00015 }')" = 1
	th=$(col "$CSV" throughput_bps)
	check "$run: sum throughput ($th) >= the largest flow's share" \
		"$(awk -v t="$th" -v l="$2" 'BEGIN { print (t >= l) }')" = 1
	if [ "$p" = udp ]; then
		for c in udp_sent udp_received udp_lost; do
			check "$run: sum $c == the flows'" \
				"$(col "$CSV" $c)" -eq "$(flowsum $c)"
		done
		udp_adds_up "$CSV" "$run" 1 2 3 4 5
	fi
done

# --bidir: both directions at once, forward rows first. One flow a
# direction: two rows and no sum; two: each direction's flows, then their
# sum.
for run in "tcp" "udp -b 50M --local-opt rcvbuf=2M --remote-opt rcvbuf=2M" \
	"rudp -b 50M"; do
	set -- $run
	p=$1; shift
	send --proto "$p" --bidir -t 1 "$@"
	check "$run --bidir: two rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 2
	for i in 1 2; do
		d=forward; [ "$i" = 2 ] && d=reverse
		check "$run --bidir row $i: $d ($(rowc "$CSV" "$i" direction))" \
			"$(rowc "$CSV" "$i" direction)" = $d
		check "$run --bidir row $i: bidir 1" "$(rowc "$CSV" "$i" bidir)" = 1
		check "$run --bidir row $i: flow 0" "$(rowc "$CSV" "$i" flow)" = 0
		check "$run --bidir $d: ok ($(rowc "$CSV" "$i" status): $(rowc "$CSV" "$i" error))" \
			"$(rowc "$CSV" "$i" status)" = ok
		check "$run --bidir $d: moved data" \
			"$(rowc "$CSV" "$i" rx_bytes)" -gt 1000000
		check "$run --bidir $d: both ends' CPU" \
			-n "$(rowc "$CSV" "$i" local_cpu_sys_s)" -a \
			-n "$(rowc "$CSV" "$i" remote_cpu_sys_s)"
		if [ "$p" = udp ]; then
			s=$(rowc "$CSV" "$i" udp_sent)
			r=$(rowc "$CSV" "$i" udp_received)
			l=$(rowc "$CSV" "$i" udp_lost)
			check "$run --bidir $d: sent $s == received $r + lost $l" \
				"$s" -eq $((r + l))
		fi
	done
	send --proto "$p" --bidir -P 2 -t 1 "$@"
	check "$run --bidir -P 2: six rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 6
	want="forward/0 forward/1 forward/sum reverse/0 reverse/1 reverse/sum"
	got=""
	for i in 1 2 3 4 5 6; do
		got="$got $(rowc "$CSV" "$i" direction)/$(rowc "$CSV" "$i" flow)"
	done
	check "$run --bidir -P 2: rows$got" "${got# }" = "$want"
	for i in 1 2 3 4 5 6; do
		check "$run --bidir -P 2 row $i ok ($(rowc "$CSV" "$i" error))" \
			"$(rowc "$CSV" "$i" status)" = ok
	done
	for c in rx_bytes tx_bytes; do
		check "$run --bidir -P 2: forward sum $c == its flows'" \
			"$(rowc "$CSV" 3 $c)" -eq "$(flowsum $c forward)"
		check "$run --bidir -P 2: reverse sum $c == its flows'" \
			"$(rowc "$CSV" 6 $c)" -eq "$(flowsum $c reverse)"
	done
done

send --proto tcp --bidir -P 3 -t 1
check "--bidir -P 3 (six flows) over --max-flows 4: refused ($(col "$CSV" status))" \
	"$(col "$CSV" status)" = refused
check "--bidir -P 3: the row says why ($(col "$CSV" error))" \
	-n "$(col "$CSV" error | grep '6 flows (both directions) over the receiver.s limit of 4')"
# rr --bidir: each end asks on its own flow, the other echoes.
for p in tcp udp rudp; do
	send --proto "$p" --kind rr --bidir -t 1
	check "$p rr --bidir: two rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 2
	check "$p rr --bidir: forward, then reverse" \
		"$(rowc "$CSV" 1 direction)/$(rowc "$CSV" 2 direction)" = forward/reverse
	for i in 1 2; do
		check "$p rr --bidir row $i: ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
			"$(rowc "$CSV" $i status)" = ok
		check "$p rr --bidir row $i: round trips ($(rowc "$CSV" $i rr_done))" \
			"$(rowc "$CSV" $i rr_done)" -gt 100
		check_awk "$p rr --bidir row $i: rtt min <= p50 <= max" \
			"$(rowc "$CSV" $i rtt_min_us) > 0 && $(rowc "$CSV" $i rtt_min_us) <= $(rowc "$CSV" $i rtt_p50_us) && $(rowc "$CSV" $i rtt_p50_us) <= $(rowc "$CSV" $i rtt_max_us)"
	done
done
send --proto tcp --kind connect --bidir -t 1
check "--bidir with connect: usage error" "$?" -eq 2
send --proto tcp --kind rr -P 2 -t 1
check "-P with rr: usage error" "$?" -eq 2
send --proto tcp -R --bidir -t 1
check "-R with --bidir: usage error" "$?" -eq 2

send --proto tcp -P 5 -t 1
check "-P 5 over --max-flows 4: refused ($(col "$CSV" status))" \
	"$(col "$CSV" status)" = refused
check "-P 5: the row says why ($(col "$CSV" error))" \
	-n "$(col "$CSV" error | grep 'over the receiver.s limit of 4')"
check "-P 5: one row" "$(csv_rows "$CSV")" -eq 1

send --proto tcp --kind rr -P 2 -t 1
check "-P with rr: usage error" "$?" -eq 2

# Mixed flows with options of their own: each row asks for and is granted
# its flow's (the receiver's side comes in the flow's RESULT; READY shows
# only the first flow's), the others the test's.
# flow_opts WHERE: four flows, two TCP with their own congestion control
# (and one its own receive buffer), two UDP (one its own receive buffer)
flow_opts() {
	send --remote-opt rcvbuf=256K --flow tcp:local=congestion=reno \
		--flow tcp:local=congestion=cubic:remote=rcvbuf=64K \
		--flow udp:rate=20M:remote=rcvbuf=1M --flow udp:rate=20M -t 0.5
	for i in 1 2 3 4; do
		check "$1: own options, row $i ok ($(rowc "$CSV" $i error))" \
			"$(rowc "$CSV" $i status)" = ok
	done
	check "$1: the rows' local congestion control: their own" \
		"$(rowc "$CSV" 1 local_granted_congestion)/$(rowc "$CSV" 2 local_granted_congestion)" = reno/cubic
	check "$1: the rows' local options as asked" \
		"$(rowc "$CSV" 1 local_opts)/$(rowc "$CSV" 2 local_opts)/$(rowc "$CSV" 3 local_opts)" = "congestion=reno/congestion=cubic/"
	want="262144/65536/1048576/262144"
	got="$(rowc "$CSV" 1 remote_req_rcvbuf_bytes)/$(rowc "$CSV" 2 remote_req_rcvbuf_bytes)/$(rowc "$CSV" 3 remote_req_rcvbuf_bytes)/$(rowc "$CSV" 4 remote_req_rcvbuf_bytes)"
	check "$1: each row's remote rcvbuf asked: its flow's or the test's ($got)" \
		"$got" = "$want"
	# Linux doubles a request (rmem_max, 4 MiB or more here, allows these)
	want="524288/131072/2097152/524288"
	got="$(rowc "$CSV" 1 remote_granted_rcvbuf_bytes)/$(rowc "$CSV" 2 remote_granted_rcvbuf_bytes)/$(rowc "$CSV" 3 remote_granted_rcvbuf_bytes)/$(rowc "$CSV" 4 remote_granted_rcvbuf_bytes)"
	check "$1: each row's remote rcvbuf granted, its own socket's ($got)" \
		"$got" = "$want"
}
RMAX=$(cat /proc/sys/net/core/rmem_max 2>/dev/null || echo 0)
if [ "$RMAX" -ge 1048576 ]; then
	flow_opts "one port"
else
	echo "it_parallel: skip the flows' own buffers: net.core.rmem_max $RMAX under 1 MiB"
fi
send --flow tcp:local=congestion=reno --flow tcp -t 0.5
check "own options, one transport: two rows and a sum ($(csv_rows "$CSV"))" \
	"$(csv_rows "$CSV")" -eq 3
check "... the sum shows no one flow's options ($(rowc "$CSV" 3 local_granted_congestion))" \
	"$(rowc "$CSV" 3 local_opts)/$(rowc "$CSV" 3 local_granted_congestion)" = /
check "... and says where they are" \
	-n "$(rowc "$CSV" 3 local_opt_notes | grep 'options of their own: see their rows')"
send --flow tcp --flow tcp:remote=prefer_busy_poll -t 0.5
check "a flow's remote option the receiver keeps off: refused ($(col "$CSV" status))" \
	"$(rowc "$CSV" 1 status)" = refused
check "... and said: $(rowc "$CSV" 1 error)" \
	-n "$(rowc "$CSV" 1 error | grep 'prefer_busy_poll is off on this receiver')"
send --flow tcp:local= -t 0.5
check "--flow tcp:local= (empty): usage error" "$?" -eq 2
send --flow tcp:remote=bogus=1 -t 0.5
check "--flow tcp:remote=bogus=1: usage error" "$?" -eq 2
send --flow udp:size=1400:local=gso=1000 -t 0.5
check "--flow udp:size=1400:local=gso=1000: usage error" "$?" -eq 2

# A data port of its own: the TCP flows share the test's listener, the
# UDP flows' sockets its port number.
stop_recv
DPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
[ -n "$DPORT" ] || DPORT=$((PORT + 1))
start_recv -q --data-port "$DPORT"
for p in tcp udp rudp; do
	send --proto "$p" -P 3 -t 0.5 -b 20M
	check "--data-port $p -P 3: ok ($(col "$CSV" status): $(col "$CSV" error))" \
		"$(col "$CSV" status)" = ok
	check "--data-port $p -P 3: four rows" "$(csv_rows "$CSV")" -eq 4
done
# Mixed flows there: the TCP flows join the test's listener, the datagram
# flows its port number, and the listener is closed after.
send --flow udp:rate=20M --flow tcp:rate=20M --flow rudp:rate=20M -t 0.5
for i in 1 2 3; do
	check "--data-port mixed row $i ok ($(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
done
check "--data-port mixed: udp, tcp, rudp in flow order" \
	"$(rowc "$CSV" 1 proto)/$(rowc "$CSV" 2 proto)/$(rowc "$CSV" 3 proto)" = udp/tcp/rudp
[ "$RMAX" -lt 1048576 ] || flow_opts "--data-port"
send --proto tcp -t 0.5
check "--data-port: the next test ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
finish
