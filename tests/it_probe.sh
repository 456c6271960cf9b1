# The path probe of bench.sh (scripts/lib/probe.sh) across emulated links
# (scripts/netns.sh): its figures against what the link emulates, and a cut
# link. Needs root and /dev/net/tun; skipped (with the reason) without them.
#   wan    20 ms each way, 100 Mbit/s of IP packets, no loss
#   lossy  the same + 1% random loss on every packet, each way: the probe's
#          loss train is one-way datagrams, so it meets 1% once
# RTT min within 5% of the 40 ms emulated (+ 200 us for the two stacks and
# tub-link's turns); the bottleneck (what the receiver got, UDP payload)
# within 5% of the link's rate times the payload's share of each packet,
# 1472 of 1500 B; loss within a factor 2 of 1% (3000 datagrams: outside it
# by chance 0.09% of the time); MTU 1500. A cut link: the probe says
# "failed" and why, its other steps "skipped", and the run goes on.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

need_link
[ -f "$HERE/../scripts/netns.sh" ] || skip "no scripts/netns.sh"

# bench_link PROFILE: bench.sh --link PROFILE with one short test; RUN.
bench_link() {
	timeout 90 sh "$BENCH" --bin "$BIN" --link "$1" --duration 1 --no-plot --no-maxrate \
		--sweep 'proto=tcp kind=rr size=64' --results "$WORK/res" --label "$1" \
		>"$WORK/$1.out" 2>"$WORK/$1.err"
	rc=$?
	check "bench --link $1 exit" $rc -eq 0
	[ $rc -eq 0 ] || cat "$WORK/$1.err"
	RUN=$(tail -n 1 "$WORK/$1.out")
	echo "it_probe: $1: $(grep '^path: RTT' "$WORK/$1.err")"
	check "$1: path.csv" -s "$RUN/path.csv"
	check "$1: probe_results.csv" -s "$RUN/probe_results.csv"
}

# probe_link PROFILE: bench_link, run once more (said so) when the
# bottleneck misses 5% of the link: a slow moment of a busy VM makes the
# trials' arrivals stretch and the search end low (a CI run's wan probe
# once found 72.8 Mbit/s, and a wifi probe here 43.7 of 50 while every
# other test ran right). A probe that is wrong misses both times.
probe_link() {
	bench_link "$1"
	bn=$(fig "$RUN" bottleneck_bps)
	if ! awk "BEGIN { b = \"$bn\" + 0; w = 1e8 * 1472 / 1500; exit !(b >= 0.95 * w && b <= 1.05 * w) }"; then
		echo "it_probe: $1: bottleneck ${bn:-missing}: once more"
		bench_link "$1"
	fi
}

# check_path PROFILE: the figures every profile shares (40 ms, 100 Mbit/s).
check_path() {
	for f in rtt_min_us rtt_p50_us rtt_max_us tcp_goodput_bps path_mtu_bytes path_loss_pct \
		bottleneck_bps bdp_bytes cc_local cc_remote; do
		check "$1: $f ok ($(fig "$RUN" "$f" status))" "$(fig "$RUN" "$f" status)" = ok
	done
	rtt=$(fig "$RUN" rtt_min_us)
	check_awk "$1: RTT min within 5% + 200 us of 40 ms ($rtt us)" \
		"\"$rtt\" != \"\" && $rtt >= 40000 - 2200 && $rtt <= 40000 + 2200"
	p50=$(fig "$RUN" rtt_p50_us)
	check_awk "$1: RTT p50 >= min ($p50 us)" "\"$p50\" != \"\" && $p50 >= $rtt"
	bn=$(fig "$RUN" bottleneck_bps)
	check_awk "$1: bottleneck within 5% of 100 Mbit/s x 1472/1500 ($bn)" \
		"\"$bn\" != \"\" && $bn >= 0.95 * 1e8 * 1472 / 1500 && $bn <= 1.05 * 1e8 * 1472 / 1500"
	check "$1: MTU 1500" "$(fig "$RUN" path_mtu_bytes)" = 1500
	tcp=$(fig "$RUN" tcp_goodput_bps)
	check_awk "$1: TCP goodput above 10 Mbit/s, below the bottleneck ($tcp)" \
		"\"$tcp\" != \"\" && $tcp > 1e7 && $tcp <= $bn * 1.02"
	bdp=$(fig "$RUN" bdp_bytes)
	check_awk "$1: BDP = bottleneck x RTT p50 ($bdp bytes)" \
		"\"$bdp\" != \"\" && $bdp >= 0.99 * $bn * $p50 / 8e6 && $bdp <= 1.01 * $bn * $p50 / 8e6"
	cc=$(fig "$RUN" cc_local)
	check "$1: the sender's congestion control ($cc) is one of the kernel's" \
		-n "$(tr ' ' '\n' </proc/sys/net/ipv4/tcp_available_congestion_control | grep -x "${cc:-none}")"
	check "$1: meta.txt has the path" -n "$(grep '^path: RTT min ' "$RUN/meta.txt")"
	check "$1: the table's title has the path" -n "$(grep '^path: RTT min ' "$WORK/$1.out")"
	check "$1: the run went on: its test ran" "$(csv_rows "$RUN/results.csv")" -eq 1
	secs=$(fig "$RUN" probe_duration_s)
	echo "it_probe: $1: the probe took $secs s"
	check_awk "$1: the probe within 30 s ($secs s)" "$secs <= 30"
}

# 1. wan: no loss of its own
probe_link wan
check_path wan
# --duration 1 is about 25 round trips of the probed RTT (p50, 40 ms of
# netem delay plus a little): said, in meta.txt and the table
check "wan: a short --duration is warned of" \
	-n "$(grep '^warning: --duration 1s is 2[3-5]\.[0-9] round trips of 4[0-3]\.[0-9] ms' "$WORK/wan.err")"
check "wan: ... in meta.txt" -n "$(grep '^warning: --duration 1s' "$RUN/meta.txt")"
check "wan: ... under the table" -n "$(grep '^warning: --duration 1s' "$WORK/wan.out")"
loss=$(fig "$RUN" path_loss_pct)
check_awk "wan: no path loss ($loss%)" "\"$loss\" != \"\" && $loss < 0.1"

# 2. lossy: 1% on the way the datagrams go
probe_link lossy
check_path lossy
loss=$(fig "$RUN" path_loss_pct)
check_awk "lossy: path loss within a factor 2 of 1% ($loss%)" \
	"\"$loss\" != \"\" && $loss >= 0.5 && $loss <= 2"

# 3. A cut link: bench.sh --peer from side a of a link of our own, cut
# before it starts and healed once the probe has said its last line.
link_setup tubpr
link_up --profile wan --own-cpu --no-steer
"$NETNS" cut "$NAME" >/dev/null
"$NETNS" exec "$NAME" a sh "$BENCH" --bin "$BIN" --peer 198.18.0.2 --port "$PORT" \
	--duration 1 --no-plot --no-maxrate --sweep 'proto=tcp kind=rr size=64' \
	--results "$WORK/res" --label cut >"$WORK/cut.out" 2>"$WORK/cut.err" &
BENCH_PID=$!
i=0
while ! grep -q '^path: RTT' "$WORK/cut.err" && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
"$NETNS" heal "$NAME" >/dev/null
wait $BENCH_PID
rc=$?
check "cut: bench.sh goes on after the probe (exit $rc)" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/cut.err"
RUN=$(tail -n 1 "$WORK/cut.out")
st=$(fig "$RUN" rtt_min_us status)
echo "it_probe: cut: rtt_min_us: $st"
check "cut: RTT failed, saying why ($st)" -n "$(echo "$st" | grep '^failed: connect_failed: ')"
check "cut: no RTT" -z "$(fig "$RUN" rtt_min_us)"
for f in tcp_goodput_bps path_mtu_bytes path_loss_pct bottleneck_bps; do
	check "cut: $f skipped" -n "$(fig "$RUN" "$f" status | grep '^skipped: the receiver was not reached')"
done
check "cut: meta.txt says so" -n "$(grep '^path: RTT min ? .*(rtt_min_us: failed: ' "$RUN/meta.txt")"
check "cut: the test after the probe ran, healed" \
	"$(awk -v col=status -f "$HERE/../scripts/lib/csv.awk" -f "$HERE/csvget.awk" "$RUN/results.csv")" = ok
secs=$(fig "$RUN" probe_duration_s)
check_awk "cut: the probe gave up within 10 s ($secs s)" "$secs <= 10"
finish
