# --threads T below -P N, on loopback: a thread drives several flows,
# taking turns between them (common/fiber.c), at both ends. Every flow is
# ok and moves data, the sum row still adds up, and each flow's CPU is its
# own share of its thread's, not the whole thread's: the flows' CPU
# together never passes what T threads can spend in the flows' time. The
# processes run T workers beside their main thread. --threads out of range
# is a usage error on both ends.
. "$(dirname "$0")/lib.sh"
CSV=$WORK/t.csv
start_recv -q --threads 1

send() {
	rm -f "$CSV"
	timeout 40 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
		"$@" 2>"$WORK/err"
}

# flowsum COLUMN: the column summed over the flow rows.
flowsum() {
	awk -v c="$1" -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$CSV" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r); if (r[col["flow"]] != "sum") s += r[col[c]] }
END { printf "%.6f\n", s }
EOF
}

# least COLUMN: its least value over the flow rows.
least() {
	awk -v c="$1" -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$CSV" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r); if (r[col["flow"]] == "sum") next
  x = r[col[c]] + 0; if (n++ == 0 || x < m) m = x }
END { printf "%.6f\n", m }
EOF
}

for T in 1 3; do
	for run in "tcp" "udp -b 50M --local-opt rcvbuf=2M" "rudp" "tcp -R" \
		"udp -R -b 50M --remote-opt rcvbuf=2M" "rudp -R"; do
		set -- $run
		p=$1; shift
		name="$run -P 4 --threads $T"
		send --proto "$p" -P 4 --threads "$T" -t 1 "$@"
		check "$name: five rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 5
		for i in 1 2 3 4 5; do
			check "$name: row $i ok ($(rowc "$CSV" $i status): $(rowc "$CSV" $i error))" \
				"$(rowc "$CSV" $i status)" = ok
		done
		check_awk "$name: every flow moved data (least $(least rx_bytes) B)" \
			"$(least rx_bytes) > 100000"
		for c in rx_bytes tx_bytes; do
			check "$name: sum $c == the flows'" \
				"$(col "$CSV" $c)" -eq "$(flowsum $c | cut -d. -f1)"
		done
		if [ "$p" = udp ]; then
			udp_adds_up "$CSV" "$name" 1 2 3 4 5
		fi
		# Each end's flows' CPU together within its threads' CPUs over
		# the test's second and a half of slack (tub-send's T, the
		# receiver's 1); each flow has some of its own.
		for e in local remote; do
			t=$T; [ $e = remote ] && t=1
			u=$(flowsum ${e}_cpu_user_s); s=$(flowsum ${e}_cpu_sys_s)
			check_awk "$name: the flows' $e CPU $u + $s s within $t CPUs" \
				"$u + $s <= $t * 1.5 + 0.05"
			check_awk "$name: each flow's $e CPU its own" \
				"$(least ${e}_cpu_sys_s) + $(least ${e}_cpu_user_s) > 0"
		done
	done
done

# Both directions, and mixed flows, on one thread an end.
send --proto udp --bidir -P 2 --threads 1 -b 50M -t 1 \
	--local-opt rcvbuf=2M --remote-opt rcvbuf=2M
check "--bidir -P 2 --threads 1: six rows ($(csv_rows "$CSV"))" "$(csv_rows "$CSV")" -eq 6
for i in 1 2 3 4 5 6; do
	check "--bidir -P 2 --threads 1 row $i ok ($(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
	check "--bidir -P 2 --threads 1 row $i moved data" \
		"$(rowc "$CSV" $i rx_bytes)" -gt 1000000
done
send --flow tcp:rate=200M --flow udp:rate=50M --flow rudp:rate=50M --threads 1 -t 1
for i in 1 2 3; do
	check "mixed flows --threads 1 row $i ok ($(rowc "$CSV" $i error))" \
		"$(rowc "$CSV" $i status)" = ok
	check "mixed flows --threads 1 row $i moved data" \
		"$(rowc "$CSV" $i rx_bytes)" -gt 1000000
done
for p in tcp udp rudp; do
	send --proto "$p" --kind rr --bidir --threads 1 -t 1
	for i in 1 2; do
		check "$p rr --bidir --threads 1 row $i ok ($(rowc "$CSV" $i error))" \
			"$(rowc "$CSV" $i status)" = ok
		check "$p rr --bidir --threads 1 row $i: round trips ($(rowc "$CSV" $i rr_done))" \
			"$(rowc "$CSV" $i rr_done)" -gt 100
	done
done

# tasks PID: its threads now.
tasks() { ls "/proc/$1/task" 2>/dev/null | wc -l; }
rm -f "$CSV"
"$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q --proto tcp -P 4 \
	--threads 2 -b 100M -t 2 2>"$WORK/err" &
SPID=$!
sleep 1
st=$(tasks $SPID); rt=$(tasks $RECV_PID)
wait $SPID
check "-P 4 --threads 2: tub-send ran 2 workers and its main thread ($st)" "$st" -eq 3
check "tub-recv --threads 1: one worker and its main thread ($rt)" "$rt" -eq 2
check "... and the test was ok ($(col "$CSV" status))" "$(col "$CSV" status)" = ok

for a in 0 129 x; do
	send --proto tcp -P 2 --threads "$a" -t 1
	check "tub-send --threads $a: usage error" "$?" -eq 2
	check "... said in one line" "$(wc -l <"$WORK/err")" -eq 1
	timeout 5 "$BIN/tub-recv" -p 0 --threads "$a" >/dev/null 2>"$WORK/err"
	check "tub-recv --threads $a: usage error" "$?" -eq 2
done
send --proto tcp -t 0.5
check "the next test ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
finish
