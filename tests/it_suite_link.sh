# The suite scaled to the path across emulated links (scripts/netns.sh;
# root and /dev/net/tun, else skipped with the reason), ~70 s:
#   wan    UDP at 0.5x and 0.9x the probed bottleneck lose < 0.5% on the
#          path (what the receive buffer dropped is the host's), each at
#          the rate the label says (f x the bottleneck x 1400/1428 x
#          1500/1472, the same rate of IP packets); an unpaced point is the
#          overload test; a TCP stream with sndbuf=1bdp asks for the BDP;
#          streams last 50 RTTs (>= 2 s at 40 ms), rr the suite's 1 s
#   lossy  (1% random loss) the max-rate search judges loss above the
#          path's own and finds a rate near the bottleneck, not above it
#          (arrivals that kept pace), no flood
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"

need_link

# bench_link PROFILE ARGS...: a run across PROFILE; RUN.
bench_link() {
	p=$1
	shift
	timeout 150 sh "$BENCH" --bin "$BIN" --link "$p" --no-plot --results "$WORK/res" \
		--label "$p" "$@" >"$WORK/$p.out" 2>"$WORK/$p.err"
	rc=$?
	check "bench --link $p exit" $rc -eq 0
	[ $rc -eq 0 ] || tail -n 30 "$WORK/$p.err"
	RUN=$(tail -n 1 "$WORK/$p.out")
}

# --- wan
bench_link wan --sweep 'proto=udp size=1400 rate=0.5x,0.9x,max duration=1s' \
	--sweep 'proto=tcp size=128K sndbuf=1bdp duration=1s' \
	--sweep 'proto=udp kind=rr size=64 duration=1s' --no-maxrate
CSV=$RUN/results.csv
bn=$(fig "$RUN" bottleneck_bps)
rtt=$(fig "$RUN" rtt_p50_us)
bdp=$(fig "$RUN" bdp_bytes)
echo "it_suite_link: wan: bottleneck $bn bit/s, RTT p50 $rtt us, BDP $bdp B"
grep -h "^ *trial\|bottleneck:" "$WORK/wan.err" "$WORK/wan.out" | sed "s/^/it_suite_link: wan: probe: /"
check "wan: 5 rows" "$(csv_rows "$CSV")" -eq 5
n=1
for f in 0.5 0.9; do
	check "wan: ${f}x ok" "$(rowc "$CSV" $n status)" = ok
	check "wan: ${f}x label" "$(rowc "$CSV" $n point_label)" = "rate=${f}x"
	r=$(rowc "$CSV" $n rate_req_bps)
	check_awk "wan: ${f}x rate $r" \
		"$r == sprintf(\"%.0f\", $f * $bn * 1500 / 1472 * 1400 / 1428)"
	# A rate under the bottleneck loses nothing on the path; what the
	# receiver's buffer drops is its host's (a CI machine dropped 4.7% of
	# 0.5x there, while this test ran alone).
	sent=$(rowc "$CSV" $n udp_sent)
	lost=$(rowc "$CSV" $n udp_lost)
	drops=$(rowc "$CSV" $n udp_rcvbuf_drops)
	plost=$(rowc "$CSV" $n udp_path_lost)
	echo "it_suite_link: wan: ${f}x sent $sent, lost $lost: rcvbuf $drops, path $plost"
	check "wan: ${f}x rcvbuf drops counted" -n "$plost"
	check_awk "wan: ${f}x loses < 0.5% on the path ($plost of $sent)" \
		"$plost + 0 < 0.005 * $sent"
	check "wan: ${f}x not an overload" "$(rowc "$CSV" $n udp_overload)" = 0
	d=$(rowc "$CSV" $n duration_req_s)
	check_awk "wan: ${f}x lasts 50 RTTs ($d s)" "$d >= 50 * $rtt / 1e6 && $d < 50 * $rtt / 1e6 + 0.11"
	n=$((n + 1))
done
check "wan: unpaced is the overload test" "$(rowc "$CSV" 3 udp_overload)" = 1
check "wan: the table says overload" -n "$(grep 'udp stream 1400 B unlimited overload' "$WORK/wan.out")"
check "wan: the table shows the label" -n "$(grep 'paced 0.9x=' "$WORK/wan.out")"
check "wan: sndbuf=1bdp asks for the BDP" "$(rowc "$CSV" 4 local_req_sndbuf_bytes)" = "$bdp"
check "wan: rr keeps 1 s" "$(rowc "$CSV" 5 duration_req_s)" = 1.000
check "wan: rr timeout from the control RTT" -n "$(rowc "$CSV" 5 rr_timeout_s)"
# summary.csv: the point keeps its label, and its name says it
lab=$(awk -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$RUN/summary.csv" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r); if (r[col["point_label"]] == "rate=0.9x") print r[col["name"]] }
EOF
)
check "wan: summary names the label ($lab)" -n "$(echo "$lab" | grep '^udp stream 1400 B paced 0.9x=')"

# --- lossy: the search finds a rate, judged above the path's own loss
# 6 trials: from 0.95x, one trial failed by the host (CI: 0.95x failed,
# and 4 trials ended at 0.79x) still leaves the search above 0.8x.
bench_link lossy --sweep 'maxrate size=1400 iterations=6 duration=1s'
M=$RUN/maxrate.csv
pl=$(fig "$RUN" path_loss_pct)
bn=$(fig "$RUN" bottleneck_bps)
echo "it_suite_link: lossy: path loss $pl%, bottleneck $bn; $(sed -n 2p "$M")"
grep -h '^ *trial\|=>' "$WORK/lossy.err" "$WORK/lossy.out" | sed 's/^/it_suite_link: lossy: /'
check "lossy: search ok" "$(rowc "$M" 1 status)" = ok
check "lossy: path loss in the row" "$(rowc "$M" 1 path_loss_pct)" = "$pl"
r=$(rowc "$M" 1 rate_bps)
# the emulated 100 Mbit/s of IP packets carries 98.04 Mbit/s of 1400 B
# datagrams; a rate above it passes only by the arrivals allowance
# (0.1% + 2 ms of a 1 s trial + the jitter)
check_awk "lossy: max rate $r within 0.8x the bottleneck ($bn) and 1.01x the link" \
	"$r > 0.8 * $bn && $r < 1.01 * 100e6 * 1400 / 1428"
check "lossy: the search judged the arrivals" -n "$(grep "arrivals .* ms (allowed" "$WORK/lossy.err" "$WORK/lossy.out")"
floods=0
t=1
while [ $t -le "$(csv_rows "$RUN/maxrate_trials.csv")" ]; do
	[ "$(rowc "$RUN/maxrate_trials.csv" $t udp_overload)" = 1 ] && floods=$((floods + 1))
	t=$((t + 1))
done
check "lossy: no unpaced trial" "$floods" -eq 0
finish
