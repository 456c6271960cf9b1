# scripts/compare.sh on hand-made runs (no network, ~5 s): points matched
# by their context, relative labels across paths (rate=0.9x, sndbuf=1bdp
# with other byte counts), the verdicts from the confidence intervals
# worked out here by hand, the largest change first, the meta.txt lines
# that differ, the points only one run has, and bad input. A relative
# point compares what each path gave it (0.9x of 88 and of 44 Mbit/s:
# throughput -50%, worse). The metrics are the columns summary.csv has
# (a CPU column judged lower-is-better by its name, one of no known
# sense not judged), flows and direction name a point, a run of an older
# tool (results.csv alone) is summarized, one without a point's columns
# refused; the change charts and the overlays keep a colour per run;
# titles of 300 characters and long labels stay inside the picture. The
# comparison is made with mawk too, when it is here (Debian's awk).
. "$(dirname "$0")/lib.sh"
CMP="$HERE/../scripts/compare.sh"

H=run_id,proto,kind,direction,msg_size_bytes,rate_req_bps,local_opts,remote_opts,point_label,window_req_pkts,rudp_cc,name,sndbuf_req_bytes,rows,n,throughput_bps_mean,throughput_bps_ci95,udp_loss_pct_mean,udp_loss_pct_ci95,rtt_p50_us_mean,rtt_p50_us_ci95,local_cpu_pct_mean,local_cpu_pct_ci95,strangers_refused_mean,strangers_refused_ci95
mkdir -p "$WORK/res/before" "$WORK/res/after"
printf 'run_id: r1\nlabel: before\nkernel: Linux 6.1\nnet.core.rmem_max: 212992\nlink: loopback\ncommand: scripts/bench.sh --label before\n' >"$WORK/res/before/meta.txt"
printf 'run_id: r2\nlabel: after\nkernel: Linux 6.1\nnet.core.rmem_max: 4194304\nlink: loopback\n' >"$WORK/res/after/meta.txt"
{
	echo "$H"
	echo 'r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,1 2 3,3,100000000,1000000,,,,,10,1,0,0'
	echo 'r1,udp,stream,forward,1400,88000000,,,rate=0.9x,,,udp stream 1400 B paced 0.9x=88M,,4 5 6,3,88000000,100000,0.1,0.05,,,,,,'
	echo 'r1,tcp,rr,forward,64,,nodelay,nodelay,,,,tcp rr 64 B nodelay,,7 8 9,3,,,,,40,5,,,,'
	echo 'r1,tcp,stream,forward,131072,,sndbuf=490000,,sndbuf=1bdp,,,tcp stream 128 KiB sndbuf 1bdp=479K,,10,1,90000000,,,,,,,,,'
	echo 'r1,udp,rr,forward,64,,,,,,,udp rr 64 B,,11,3,,,,,30,1,,,,'
} >"$WORK/res/before/summary.csv"
{
	echo "$H"
	echo 'r2,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,1 2 3,3,120000000,1000000,,,,,20,1,5,0'
	echo 'r2,udp,stream,forward,1400,44000000,,,rate=0.9x,,,udp stream 1400 B paced 0.9x=44M,,4 5 6,3,44000000,100000,0.5,0.05,,,,,,'
	echo 'r2,tcp,rr,forward,64,,nodelay,nodelay,,,,tcp rr 64 B nodelay,,7 8 9,3,,,,,42,5,,,,'
	echo 'r2,tcp,stream,forward,131072,,sndbuf=250000,,sndbuf=1bdp,,,tcp stream 128 KiB sndbuf 1bdp=244K,,10,1,95000000,,,,,,,,,'
	echo 'r2,rudp,stream,forward,1400,,,,,,,rudp stream 1400 B,,11,3,50000000,1000000,,,,,,,,'
} >"$WORK/res/after/summary.csv"

sh "$CMP" "$WORK/res/before" "$WORK/res/after" >"$WORK/out" 2>"$WORK/err.main"
check "compare exit 0" $? -eq 0
OUT=$(tail -n 1 "$WORK/out")
check "named cmp-<date>-before-vs-after beside A" \
	-n "$(echo "$OUT" | grep "^$WORK/res/cmp-[0-9-]*-before-vs-after$")"
C=$OUT/compare.csv
v() { awk -F, -v p="$1" -v m="$2" '$1 == p && $2 == m { print $NF }' "$C"; }
check "throughput +20% outside both intervals: better" "$(v 'tcp stream 128 KiB' throughput_bps)" = better
# the changes both intervals allow: 119/101 - 1 to 121/99 - 1
check "... its change, and the range the intervals allow" \
	-n "$(grep '^tcp stream 128 KiB,throughput_bps,bit/s,higher,.*,+20.0,17.8,22.2,better$' "$C")"
check "local_cpu_pct 10 -> 20%: lower is better, by its name: worse" "$(v 'tcp stream 128 KiB' local_cpu_pct)" = worse
check "strangers_refused, a sense not known: no verdict" "$(v 'tcp stream 128 KiB' strangers_refused)" = "no sense known"
check "... its sense said" -n "$(grep '^tcp stream 128 KiB,strangers_refused,,unknown,' "$C")"
check "loss 0.1 -> 0.5%, rate=0.9x of two paths matched: worse" "$(v 'udp stream 1400 B paced 0.9x=88M' udp_loss_pct)" = worse
check "rtt 40 +-5 vs 42 +-5: within noise" "$(v 'tcp rr 64 B nodelay' rtt_p50_us)" = "within noise"
check "sndbuf=1bdp matched across BDPs, one run: cannot tell" \
	"$(v 'tcp stream 128 KiB sndbuf 1bdp=479K' throughput_bps)" = "one run only: cannot tell"
M=$OUT/compare.md
first=$(sed -n '/^## The largest real changes/,/^## /p' "$M" | grep '^| [a-z]' | grep -v '^| point ' | head -n 1)
check "the largest change first (loss +400%): $first" -n "$(echo "$first" | grep 'udp_loss_pct')"
check "meta: rmem_max differs" -n "$(grep '^| net.core.rmem_max | 212992 | 4194304 |$' "$M")"
check "meta: the kernel does not" -z "$(grep '^| kernel ' "$M")"
check "only in before" -n "$(sed -n '/^## Only in A: before/,$p' "$M" | grep '^- udp rr 64 B \[rows 11\]')"
check "only in after" -n "$(sed -n '/^## Only in B: after/,$p' "$M" | grep '^- rudp stream 1400 B')"
check "the first line: what changed, the largest" \
	-n "$(sed -n 3p "$M" | grep '^\*\*B against A: 5 of 7 figures changed outside the noise (1 better, 3 worse, 1 with no sense known); the largest: udp stream 1400 B paced 0.9x=88M: udp_loss_pct +400.0% (worse).\*\*')"
check "A and B named by label and hosts" -n "$(grep '^- A: \*\*before\*\*, ' "$M")"
check "a change chart per metric with a real change" -n "$(grep '^## Change in throughput_bps$' "$M")"
check "... none where nothing changed outside the noise" -z "$(grep '^## Change in rtt_p50_us$' "$M")"
check "... said" -n "$(grep '^No change outside the noise, so no change chart, in: rtt_p50_us\.$' "$M")"
if have_gnuplot "the change charts and overlays drawn"; then
	check "delta_throughput_bps.png drawn" "$(head -c 8 "$OUT/charts/delta_throughput_bps.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
	check "... and its SVG, in the HTML" -n "$(grep '<img src="charts/delta_throughput_bps.svg"' "$OUT/index.html")"
	check "the overlays beside it" -s "$OUT/overlay/charts/throughput_size.svg"
	check "... in the report" -n "$(grep '^!\[Throughput vs message size\](overlay/charts/throughput_size.png)' "$M")"
	check "index.html: no raw markdown emphasis" -z "$(grep -F '**' "$OUT/index.html")"
fi
if [ -x /usr/bin/mawk ]; then
	mkdir -p "$WORK/mawk"
	ln -s /usr/bin/mawk "$WORK/mawk/awk"
	PATH="$WORK/mawk:$PATH" sh "$CMP" -o "$WORK/cmp-mawk" "$WORK/res/before" "$WORK/res/after" >/dev/null 2>"$WORK/err.mawk"
	check "with mawk: exit 0" $? -eq 0
	check "... the same compare.csv" -z "$(diff "$C" "$WORK/cmp-mawk/compare.csv")"
	check "... the same compare.md" -z "$(diff "$M" "$WORK/cmp-mawk/compare.md")"
else
	echo "SKIP: no /usr/bin/mawk: the comparison under mawk"
fi

# flows and direction name a point: a run whose summary.csv has a flows
# column (B) against one without (A: one flow, forward)
mkdir -p "$WORK/res/flows"
sed 's/^label: after/label: flows/' "$WORK/res/after/meta.txt" >"$WORK/res/flows/meta.txt"
{
	echo "$H,flows"
	echo 'r3,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,1 2 3,3,101000000,1000000,,,,,,,,,1'
	echo 'r3,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,4 5 6,3,300000000,1000000,,,,,,,,,4'
	echo 'r3,tcp,stream,reverse,131072,,,,,,,tcp stream 128 KiB,,7 8 9,3,90000000,1000000,,,,,,,,,1'
} >"$WORK/res/flows/summary.csv"
sh "$CMP" -o "$WORK/cmp-flows" "$WORK/res/before" "$WORK/res/flows" >/dev/null 2>"$WORK/err"
check "flows column in B only: exit 0" $? -eq 0
F=$WORK/cmp-flows/compare.md
check "one flow forward matches A's point (within noise)" \
	"$(awk -F, '$1 == "tcp stream 128 KiB" && $2 == "throughput_bps" { print $NF }' "$WORK/cmp-flows/compare.csv")" = "within noise"
check "4 flows: only in B" -n "$(sed -n '/^## Only in B/,$p' "$F" | grep '^- tcp stream 128 KiB 4 flows ')"
check "reverse: only in B" -n "$(sed -n '/^## Only in B/,$p' "$F" | grep '^- tcp stream 128 KiB reverse ')"
check "the column A lacks, said" -n "$(grep "^Only B's summary.csv has .*the context columns flows" "$F")"

# a run of an older tool: results.csv and meta.txt, no summary.csv (as
# bench.sh wrote before summary.csv was there), summarized here
mkdir -p "$WORK/res/old"
printf 'run_id: r0\nlabel: old\nkernel: Linux 6.1\nlink: loopback\n' >"$WORK/res/old/meta.txt"
{
	echo 'run_id,timestamp_utc,tool_version,proto,kind,direction,msg_size_bytes,duration_req_s,rate_req_bps,status,error,local_opts,remote_opts,throughput_bps,rtt_p50_us'
	echo 'r0,t,0,tcp,stream,forward,131072,1.000,,ok,,,,99000000,'
	echo 'r0,t,0,tcp,stream,forward,131072,1.000,,ok,,,,100000000,'
	echo 'r0,t,0,tcp,stream,forward,131072,1.000,,ok,,,,101000000,'
} >"$WORK/res/old/results.csv"
TUB_BIN=$BIN sh "$CMP" -o "$WORK/cmp-old" "$WORK/res/old" "$WORK/res/before" >/dev/null 2>"$WORK/err"
check "an older tool's run: exit 0" $? -eq 0
check "... said" -n "$(grep 'old: no summary.csv with means (an older tool): summarized from its results.csv here' "$WORK/err")"
check "... the run left as it is" ! -e "$WORK/res/old/summary.csv"
check "... the metrics it lacks, said" \
	-n "$(grep "^Only B's summary.csv has the metrics .*local_cpu_pct.* (not compared)" "$WORK/cmp-old/compare.md")"
check "... its point compared (100 vs 100 Mbit/s)" \
	"$(awk -F, '$1 == "tcp stream 128 KiB" && $2 == "throughput_bps" { print $NF }' "$WORK/cmp-old/compare.csv")" = "within noise"
mkdir -p "$WORK/res/ancient"
cp "$WORK/res/old/meta.txt" "$WORK/res/ancient/"
printf 'run_id,bytes,throughput_bps\nr,1,2\n' >"$WORK/res/ancient/results.csv"
TUB_BIN=$BIN sh "$CMP" "$WORK/res/ancient" "$WORK/res/before" >/dev/null 2>"$WORK/err"
check "a run without the columns of a point: exit 2" $? -eq 2
check "... says which" -n "$(grep 'ancient/results.csv has no column proto kind msg_size_bytes status' "$WORK/err")"
check "index.html has the tables" -n "$(grep '<th>point</th>' "$OUT/index.html")"
check "index.html: no raw markdown table" -z "$(grep '<p>|' "$OUT/index.html")"
bt=$(printf '\140')
check "compare.md names the command in backticks" -n "$(grep -F "$bt""scripts/bench.sh --label before$bt" "$M")"
check "index.html: no backticks, <code> instead" -z "$(grep -F "$bt" "$OUT/index.html")"
check "... <code>" -n "$(grep -F '<code>scripts/bench.sh --label before</code>' "$OUT/index.html")"
check "stderr: the count" -n "$(grep '^4 points both runs have, 4 changes outside the noise$' "$WORK/err.main")"

# plot.sh overlays: rates 20 Gbit/s against 100 Mbit/s (200x) go on a log
# y axis, and the caption says so; 100 against 120 Mbit/s stay linear
mkdir -p "$WORK/res/fast"
sed 's/^label: before/label: fast/' "$WORK/res/before/meta.txt" >"$WORK/res/fast/meta.txt"
sed 's/^r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,1 2 3,3,100000000,/r1,tcp,stream,forward,131072,,,,,,,tcp stream 128 KiB,,1 2 3,3,20000000000,/' \
	"$WORK/res/before/summary.csv" >"$WORK/res/fast/summary.csv"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d1" -o "$WORK/p1" "$WORK/res/fast" "$WORK/res/before" >/dev/null 2>&1
check "200x apart: a log y axis, said" -n "$(grep '^throughput_size	.*Log y axis: the runs. rates differ by more than 10 times (90.0 Mbit/s to 20.00 Gbit/s)' "$WORK/d1/charts.txt")"
check "... set in the plot" -n "$(grep 'set logscale y' "$WORK/d1/throughput_size.plot.gp")"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d2" -o "$WORK/p2" "$WORK/res/before" "$WORK/res/after" >/dev/null 2>&1
check "1.4x apart: linear" -z "$(grep 'Log y axis' "$WORK/d2/charts.txt")"
# a colour per run on every chart: run 1 blue, run 2 red (run_colour)
check "overlays: every series of run 1 in its colour" \
	-z "$(grep -h ' title "fast: ' "$WORK"/d1/*.plot.gp | grep -v 'lc rgb "#1f77b4"')"
check "... of run 2 in its" -z "$(grep -h ' title "before: ' "$WORK"/d1/*.plot.gp | grep -v 'lc rgb "#d62728"')"
check "... there are some" -n "$(grep -h ' title "before: ' "$WORK"/d1/*.plot.gp)"

# titles of 300 characters and labels of 100: inside the picture
long=$(printf 'a long link description %.0s' $(seq 1 13))
mkdir -p "$WORK/res/long" "$WORK/res/long2"
printf 'run_id: r9\nlabel: %s\nlink: %s\n' "$(printf 'x%.0s' $(seq 1 100))" "$long" >"$WORK/res/long/meta.txt"
# its buffer point asked for a SO_SNDBUF: a throughput_buffers chart
sed 's/sndbuf 1bdp=479K,,10,/sndbuf 1bdp=479K,490000,10,/' "$WORK/res/before/summary.csv" >"$WORK/res/long/summary.csv"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d3" -o "$WORK/p3" "$WORK/res/long" >/dev/null 2>&1
check "the link is 300 characters" "${#long}" -ge 300
check "throughput_buffers is 1400 pixels wide" -n "$(grep '^throughput_buffers	.*	1400	[0-9]*	' "$WORK/d3/charts.txt")"
# title_chars(1400) in plotdata.awk: (1400 - 100) / 7.5 characters a line
over=$(awk '/^ttl = |^set title / { s = $0; sub(/^[^"]*"/, "", s); sub(/"$/, "", s)
	n = split(s, l, /\\n/); for (i = 1; i <= n; i++) if (length(l[i]) > 173) print l[i] }' \
	"$WORK/d3/throughput_buffers.vars.gp" "$WORK/d3/throughput_buffers.plot.gp")
check "... every line of its titles within 173 characters" -z "$over"
check "... wrapped onto lines" -n "$(grep '^ttl = ".*\\n' "$WORK/d3/throughput_buffers.vars.gp")"
if have_gnuplot "the picture's size"; then
	w=$(od -An -tu1 -j 16 -N 4 "$WORK/p3/charts/throughput_buffers.png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	check "the PNG is 1400 pixels wide" "$w" -eq 1400
fi
cp "$WORK/res/long/meta.txt" "$WORK/res/long2/meta.txt"
cp "$WORK/res/long/summary.csv" "$WORK/res/long2/"
sh "$HERE/../scripts/plot.sh" --data "$WORK/d4" -o "$WORK/p4" "$WORK/res/long" "$WORK/res/long2" >/dev/null 2>&1
check "legend entries of a 100-character label: shortened (56 characters and an ellipsis)" \
	-z "$(grep -hv '^set title' "$WORK"/d4/*.plot.gp | grep -o ' title "[^"]*"' | awk 'length($0) > 8 + 56 + 3')"
check "... there are some" -n "$(grep -h 'title "xxxxxxxxxxxxxxxxxxx…: ' "$WORK"/d4/*.plot.gp)"

mkdir -p "$WORK/res/empty"
sh "$CMP" "$WORK/res/before" "$WORK/res/empty" >/dev/null 2>"$WORK/err"
check "not a run: exit 2" $? -eq 2
check "... says why" -n "$(grep 'empty: no summary.csv' "$WORK/err")"
sh "$CMP" "$WORK/res/before" >/dev/null 2>"$WORK/err"
check "one run: exit 2" $? -eq 2
check "the script is executable" -x "$CMP"
finish
