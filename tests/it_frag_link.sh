# Fragmented UDP across the emulated lossy link (scripts/netns.sh profile
# lossy, 1% random loss each way; root and /dev/net/tun, else skipped with
# the reason), ~45 s: a 32 KiB point (23 fragments a datagram) loses
# datagrams and leaves incomplete datagrams in the receiver's IP reassembly
# queues; the 8 KiB point after it waits until they expire, and then loses
# about what six fragments at 1% give (< 15%), not ~100%. The 1400 B point
# after that is not fragmented and does not wait.
# To keep it short the test lowers net.ipv4.ipfrag_time to 3 s in the
# receiver's namespace (NAME-b of bench.sh's own link, only there) as soon
# as it exists, and checks that the sweep read that and waited 3 + 1 s.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

need_link

# bench.sh itself in the background (its PID names its link: tb + the
# first 10 digits), so that the test finds its namespaces.
sh "$BENCH" --bin "$BIN" --link lossy --no-plot --no-maxrate --results "$WORK/res" \
	--label frag --sweep 'proto=udp size=32K rate=0.9x' \
	--sweep 'proto=udp size=8K rate=0.9x' --sweep 'proto=udp size=1400 rate=0.9x' \
	>"$WORK/out" 2>"$WORK/err" &
BPID=$!
NS=$(printf 'tb%.10s' "$BPID")-b
set_ok=0
t=0
while [ $t -lt 300 ] && kill -0 "$BPID" 2>/dev/null; do
	if ip netns exec "$NS" sysctl -q -w net.ipv4.ipfrag_time=3 2>/dev/null; then
		set_ok=1
		break
	fi
	sleep 0.1
	t=$((t + 1))
done
check "ipfrag_time=3 set in the receiver's namespace $NS" $set_ok -eq 1
# a guard: bench.sh has 150 s
t=0
while kill -0 "$BPID" 2>/dev/null && [ $t -lt 150 ]; do
	sleep 1
	t=$((t + 1))
done
kill -0 "$BPID" 2>/dev/null && kill -TERM "$BPID"
wait "$BPID"
rc=$?
check "bench --link lossy exit" $rc -eq 0
[ $rc -eq 0 ] || tail -n 30 "$WORK/err"
RUN=$(tail -n 1 "$WORK/out")
CSV=$RUN/results.csv
grep '^\[\|waiting' "$WORK/err"

check "32K: 23 fragments" "$(rowc "$CSV" 1 udp_ip_fragments)" = 23
check_awk "32K: lost datagrams" "$(rowc "$CSV" 1 udp_lost) > 0"
check "8K: 6 fragments" "$(rowc "$CSV" 2 udp_ip_fragments)" = 6
loss=$(rowc "$CSV" 2 udp_loss_pct)
check_awk "8K after 32K: loss < 15% ($loss%), not the leftover's ~100%" "$loss < 15"
check "8K: ok" "$(rowc "$CSV" 2 status)" = ok
check "the wait is said" -n "$(grep "waiting [34] s for the receiver's IP reassembly queues to expire (ipfrag_time 3 s) after a fragmented UDP point that lost datagrams" "$WORK/err")"
check "one wait (the 1400 B point does not wait)" "$(csv_rows "$RUN/waits.csv")" -eq 1
check "waits.csv: before row 2" "$(rowc "$RUN/waits.csv" 1 row)" = 2
check "waits.csv: ipfrag_time 3 s, read from the receiver" \
	"$(rowc "$RUN/waits.csv" 1 ipfrag_time_s),$(rowc "$RUN/waits.csv" 1 ipfrag_time_default)" = 3,0
w=$(rowc "$RUN/waits.csv" 1 waited_s)
check_awk "waited 3 + 1 s, give or take the clock's second ($w s)" "$w >= 3 && $w <= 4"
check "meta.txt: the receiver's ipfrag_time" -n "$(grep '^receiver.net.ipv4.ipfrag_time: ' "$RUN/meta.txt")"
check "meta.txt: frag_wait" -n "$(grep '^frag_wait: 1 waits' "$RUN/meta.txt")"
finish
