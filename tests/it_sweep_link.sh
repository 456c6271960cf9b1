# scripts/bench.sh --link wan (scripts/netns.sh: 20 ms each way, 100 Mbit/s):
# the advice's bandwidth-delay product is the profile's (100 Mbit/s x 40 ms
# = 500 KB), and the namespaces are gone afterwards. Needs root and
# /dev/net/tun; skipped (with the reason) without them.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

need_link
[ -f "$HERE/../scripts/netns.sh" ] || skip "no scripts/netns.sh"

timeout 58 sh "$BENCH" --bin "$BIN" --link wan --duration 2 --no-plot \
	--sweep 'proto=tcp size=128K sndbuf=64K,1M' --sweep 'proto=tcp kind=rr size=64' \
	--results "$WORK/res" --label wan >"$WORK/out" 2>"$WORK/err" &
BENCH_PID=$!
wait $BENCH_PID
rc=$?
check "bench --link wan exit" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/err"
RUN=$(tail -n 1 "$WORK/out")
ADV=$RUN/advice.txt
check "3 rows" "$(wc -l <"$RUN/results.csv")" -eq 4
check "meta names the link" -n "$(grep '^link: emulated wan: ' "$RUN/meta.txt")"
last=$(sed -n 's/.*[-,]\([0-9]*\)$/\1/p' /sys/devices/system/cpu/online)
if [ -n "$last" ]; then
	check "meta: the link on CPU $last of its own" \
		-n "$(grep "^link: .*on CPU $last of its own" "$RUN/meta.txt")"
	# Steering by default only when the hosts keep two CPUs or more.
	steer=no
	[ "$(nproc)" -ge 3 ] && steer=yes
	check "meta: --link-steer $steer by default" \
		-n "$(grep "^link: .*(--link-steer $steer))$" "$RUN/meta.txt")"
fi
check "meta has the receiver's side" -n "$(grep '^receiver\.interface: ' "$RUN/meta.txt")"
check "the link's counters kept" -s "$RUN/link_stats.csv"
BDP=$(sed -n 's/^  BDP  *[0-9.]* [KM]B (\([0-9]*\) bytes) (path.csv: .*/\1/p' "$ADV" | head -n 1)
check_awk "BDP from the path, near 500 KB ($BDP bytes)" "\"$BDP\" != \"\" && $BDP >= 450000 && $BDP <= 550000"
check "64K sndbuf is far from the best" \
	-n "$(grep 'SO_SNDBUF  *1048576 is the smallest request reaching 95% of the best (granted 2097152; the request is 2.[0-9]* x BDP)' "$ADV")"
check "namespaces removed" -z "$(ip netns list 2>/dev/null | grep "^tb$BENCH_PID-")"
finish
