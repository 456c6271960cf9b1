# scripts/compare.sh on two hand-made runs (no network, < 1 s): points
# matched by their context, relative labels across paths (rate=0.9x,
# sndbuf=1bdp with other byte counts), the verdicts from the confidence
# intervals worked out here by hand, the largest change first, the
# meta.txt lines that differ, the points only one run has, and bad input.
# A relative point compares what each path gave it (0.9x of 88 and of
# 44 Mbit/s: throughput -50%, worse).
. "$(dirname "$0")/lib.sh"
CMP="$HERE/../scripts/compare.sh"

H=run_id,proto,kind,direction,msg_size_bytes,rate_req_bps,local_opts,remote_opts,point_label,window_req_pkts,rudp_cc,name,rows,n,throughput_bps_mean,throughput_bps_ci95,udp_loss_pct_mean,udp_loss_pct_ci95,rtt_p50_us_mean,rtt_p50_us_ci95
mkdir -p "$WORK/res/before" "$WORK/res/after"
printf 'run_id: r1\nlabel: before\nkernel: Linux 6.1\nnet.core.rmem_max: 212992\nlink: loopback\ncommand: scripts/bench.sh --label before\n' >"$WORK/res/before/meta.txt"
printf 'run_id: r2\nlabel: after\nkernel: Linux 6.1\nnet.core.rmem_max: 4194304\nlink: loopback\n' >"$WORK/res/after/meta.txt"
{
	echo "$H"
	echo 'r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,1 2 3,3,100000000,1000000,,,,'
	echo 'r1,udp,stream,forward,1400,88000000,,,rate=0.9x,,,udp stream 1400 B paced 0.9x=88M,4 5 6,3,88000000,100000,0.1,0.05,,'
	echo 'r1,tcp,rr,forward,64,,nodelay,nodelay,,,,tcp rr 64 B nodelay,7 8 9,3,,,,,40,5'
	echo 'r1,tcp,stream,forward,131072,,sndbuf=490000,,sndbuf=1bdp,,,tcp stream 128 KiB sndbuf 1bdp=479K,10,1,90000000,,,,,'
	echo 'r1,udp,rr,forward,64,,,,,,,udp rr 64 B,11,3,,,,,30,1'
} >"$WORK/res/before/summary.csv"
{
	echo "$H"
	echo 'r2,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,1 2 3,3,120000000,1000000,,,,'
	echo 'r2,udp,stream,forward,1400,44000000,,,rate=0.9x,,,udp stream 1400 B paced 0.9x=44M,4 5 6,3,44000000,100000,0.5,0.05,,'
	echo 'r2,tcp,rr,forward,64,,nodelay,nodelay,,,,tcp rr 64 B nodelay,7 8 9,3,,,,,42,5'
	echo 'r2,tcp,stream,forward,131072,,sndbuf=250000,,sndbuf=1bdp,,,tcp stream 128 KiB sndbuf 1bdp=244K,10,1,95000000,,,,,'
	echo 'r2,rudp,stream,forward,1400,,,,,,,rudp stream 1400 B,11,3,50000000,1000000,,,,'
} >"$WORK/res/after/summary.csv"

sh "$CMP" "$WORK/res/before" "$WORK/res/after" >"$WORK/out" 2>"$WORK/err"
check "compare exit 0" $? -eq 0
OUT=$(tail -n 1 "$WORK/out")
check "named cmp-<date>-before-vs-after beside A" \
	-n "$(echo "$OUT" | grep "^$WORK/res/cmp-[0-9-]*-before-vs-after$")"
C=$OUT/compare.csv
v() { awk -F, -v p="$1" -v m="$2" '$1 == p && $2 == m { print $NF }' "$C"; }
check "throughput +20% outside both intervals: better" "$(v 'tcp stream 128 KiB' throughput_bps)" = better
check "... its change" -n "$(grep '^tcp stream 128 KiB,throughput_bps,.*,+20.0,better$' "$C")"
check "loss 0.1 -> 0.5%, rate=0.9x of two paths matched: worse" "$(v 'udp stream 1400 B paced 0.9x=88M' udp_loss_pct)" = worse
check "rtt 40 +-5 vs 42 +-5: within noise" "$(v 'tcp rr 64 B nodelay' rtt_p50_us)" = "within noise"
check "sndbuf=1bdp matched across BDPs, one run: cannot tell" \
	"$(v 'tcp stream 128 KiB sndbuf 1bdp=479K' throughput_bps)" = "one run only: cannot tell"
M=$OUT/compare.md
first=$(sed -n '/^## The largest real changes/,/^## /p' "$M" | grep '^| [a-z]' | grep -v '^| point ' | head -n 1)
check "the largest change first (loss +400%): $first" -n "$(echo "$first" | grep 'udp_loss_pct')"
check "meta: rmem_max differs" -n "$(grep '^| net.core.rmem_max | 212992 | 4194304 |$' "$M")"
check "meta: the kernel does not" -z "$(grep '^| kernel ' "$M")"
check "only in before" -n "$(sed -n '/^## Only in before/,$p' "$M" | grep '^- udp rr 64 B \[rows 11\]')"
check "only in after" -n "$(sed -n '/^## Only in after/,$p' "$M" | grep '^- rudp stream 1400 B')"
check "index.html has the tables" -n "$(grep '<th>point</th>' "$OUT/index.html")"
check "index.html: no raw markdown table" -z "$(grep '<p>|' "$OUT/index.html")"
bt=$(printf '\140')
check "compare.md names the command in backticks" -n "$(grep -F "$bt""scripts/bench.sh --label before$bt" "$M")"
check "index.html: no backticks, <code> instead" -z "$(grep -F "$bt" "$OUT/index.html")"
check "... <code>" -n "$(grep -F '<code>scripts/bench.sh --label before</code>' "$OUT/index.html")"
check "stderr: the count" -n "$(grep '^4 points both runs have, 3 changes outside the noise$' "$WORK/err")"

# plot.sh overlays: rates 20 Gbit/s against 100 Mbit/s (200x) go on a log
# y axis, and the caption says so; 100 against 120 Mbit/s stay linear
mkdir -p "$WORK/res/fast"
sed 's/^label: before/label: fast/' "$WORK/res/before/meta.txt" >"$WORK/res/fast/meta.txt"
sed 's/^r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,1 2 3,3,100000000,/r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,1 2 3,3,20000000000,/' \
	"$WORK/res/before/summary.csv" >"$WORK/res/fast/summary.csv"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d1" -o "$WORK/p1" "$WORK/res/fast" "$WORK/res/before" >/dev/null 2>&1
check "200x apart: a log y axis, said" -n "$(grep '^throughput_size	.*Log y axis: the runs. rates differ by more than 10 times (90.0 Mbit/s to 20.00 Gbit/s)' "$WORK/d1/charts.txt")"
check "... set in the plot" -n "$(grep 'set logscale y' "$WORK/d1/throughput_size.plot.gp")"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d2" -o "$WORK/p2" "$WORK/res/before" "$WORK/res/after" >/dev/null 2>&1
check "1.4x apart: linear" -z "$(grep 'Log y axis' "$WORK/d2/charts.txt")"

mkdir -p "$WORK/res/empty"
sh "$CMP" "$WORK/res/before" "$WORK/res/empty" >/dev/null 2>"$WORK/err"
check "not a run: exit 2" $? -eq 2
check "... says why" -n "$(grep 'empty: no summary.csv' "$WORK/err")"
sh "$CMP" "$WORK/res/before" >/dev/null 2>"$WORK/err"
check "one run: exit 2" $? -eq 2
check "the script is executable" -x "$CMP"
finish
