# The delay charts from hand-made summary rows (no test runs, ~2 s): the
# frontier of throughput against added delay known by hand, a lossy UDP
# point kept off it, UDP without delay figures left out, delay against
# the buffer asked for; the sentences of these and of throughput_buffers,
# udp_loss_rate, rtt_size and maxrate_rcvbuf in charts.txt and the report;
# titles wrapped; frontier() alone under mawk and gawk.
. "$(dirname "$0")/lib.sh"
LIB="$HERE/../scripts/lib"
PLOT="$HERE/../scripts/plot.sh"
RUN=$WORK/run
DATA=$WORK/data

# frontier(): higher x and lower y are better; 4 is no candidate (it would
# beat 1, 2 and 5); 3 is beaten by 1; 7 ties 6 (both stay), 8 is as fast
# as 1 but more delayed.
for a in mawk gawk; do
  command -v $a >/dev/null 2>&1 || { echo "SKIP: $a not installed: frontier() under it"; continue; }
  got=$($a -f "$LIB/frontier.awk" -f /dev/stdin <<'EOF'
BEGIN {
	n = split("900 500 800 950 700 300 300 900", x, " ")
	split("2000 100 3000 50 500 20 20 2500", y, " ")
	split("1 1 1 0 1 1 1 1", c, " ")
	k = frontier(n, x, y, c, on)
	t = k ":"
	for (i = 1; i <= n; i++) t = t " " on[i]
	print t
}
EOF
)
  check "frontier() under $a: $got" "$got" = "5: 1 1 0 0 1 1 1 0"
done

# A run of hand-made points (8 KiB streams, added delay in µs):
#   A TCP defaults        900 Mbit/s  +2000 (p99 5000)  frontier
#   B TCP sndbuf 64K      500 Mbit/s  +100  (p99 400)   frontier
#   C TCP rcvbuf 1M       800 Mbit/s  +3000 (p99 6000)  beaten by A
#   D UDP paced, 5% loss  950 Mbit/s  +50   (p99 80)    lossy: not compared
#   E RUDP defaults       700 Mbit/s  +500  (p99 900)   frontier
#   F UDP paced 0.3x      300 Mbit/s  +20   (p99 40)    frontier (0.05% loss)
#   G UDP unpaced, no delay figures: left out
# The loss threshold is the max-rate searches' 0.5%; two rr points.
mkdir -p "$RUN"
printf 'label: hand\nlink: a made-up link whose description is long enough to run off a chart of a thousand pixels unless it is wrapped\nrun_id: hand\nhostname: here\n' >"$RUN/meta.txt"
{
  echo "run_id,proto,kind,msg_size_bytes,rate_req_bps,local_opts,remote_opts,point_label,name,sender_host,receiver_host,sndbuf_req_bytes,sndbuf_granted_bytes,rcvbuf_req_bytes,rcvbuf_granted_bytes,rows,n,throughput_bps_mean,throughput_bps_ci95,udp_loss_pct_mean,msg_delay_p50_over_min_us_mean,msg_delay_p50_over_min_us_ci95,msg_delay_p99_over_min_us_mean,rtt_p50_us_mean,rtt_p50_us_ci95,rtt_p99_us_mean"
  echo "hand,tcp,stream,8192,,,,,A,here,here,,,,,1,1,900000000,0,,2000,10,5000"
  echo "hand,tcp,stream,8192,,sndbuf=65536,,,B,here,here,65536,131072,,,2,1,500000000,0,,100,5,400"
  echo "hand,tcp,stream,8192,,,rcvbuf=1048576,,C,here,here,,,1048576,2097152,3,1,800000000,0,,3000,20,6000"
  echo "hand,udp,stream,8192,1000000000,,,rate=1x,D,here,here,,,,,4,1,950000000,0,5,50,1,80"
  echo "hand,rudp,stream,8192,,,,,E,here,here,,,,,5,1,700000000,0,,500,5,900"
  echo "hand,udp,stream,8192,300000000,,,rate=0.3x,F,here,here,,,,,6,1,300000000,0,0.05,20,1,40"
  echo "hand,udp,stream,8192,,,,,G,here,here,,,,,7,1,2000000000,0,30,,,"
  echo "hand,tcp,rr,64,,,,,H,here,here,,,,,8,1,,,,,,,50,1,90"
  echo "hand,tcp,rr,1400,,,,,I,here,here,,,,,9,1,,,,,,,80,1,150"
} >"$RUN/summary.csv"
{
  echo "run_id,proto,msg_size_bytes,sndbuf_req_bytes,rcvbuf_req_bytes,rcvbuf_granted_bytes,rcvbuf_clamped,loss_threshold_pct,rate_bps,rate_req_bps,throughput_bps,loss_pct,rcvbuf_drops,iterations,ceiling_bps,trial_rows,best_row,status"
  echo "hand,udp,1400,,65536,131072,0,0.5,200000000,,,,,,,,,ok"
  echo "hand,udp,1400,,1048576,2097152,0,0.5,900000000,,,,,,,,,sender_limited"
} >"$RUN/maxrate.csv"

GNUPLOT=/nonexistent/gnuplot sh "$PLOT" --data "$DATA" "$RUN" >/dev/null 2>"$WORK/err"
check "plot.sh without gnuplot: exit 1" $? -eq 1
for f in throughput_delay.vars.gp throughput_delay.plot.gp delay_buffers.vars.gp delay_buffers.plot.gp; do
  check "$f written" -s "$DATA/$f"
done

# xs_of TITLE: the x values (added delay p50) of the series titled TITLE.
xs_of() {
  f=$(sed -n "s/^.*\"\([^\"]*\.dat\)\" using .* title \"$1\".*$/\1/p" "$DATA/throughput_delay.plot.gp")
  [ -n "$f" ] && cut -d' ' -f1 "$f" | tr '\n' ' '
}
check "TCP on the frontier: A and B" "$(xs_of 'TCP on the frontier')" = "100 2000 "
check "RUDP on the frontier: E" "$(xs_of 'RUDP on the frontier')" = "500 "
check "UDP on the frontier: F" "$(xs_of 'UDP on the frontier')" = "20 "
check "TCP beaten: C" "$(xs_of 'TCP, others')" = "3000 "
check "lossy UDP apart: D" "$(xs_of 'UDP, loss above 0.5% (not compared)')" = "50 "
check "no point without delay figures (G)" -z "$(grep -l '^2000000000' "$DATA"/throughput_delay.s*.dat)"
check "frontier labels" -n "$(grep -h 'TCP 8 KiB sndbuf 64K' "$DATA"/throughput_delay.s*.dat)"
check "UDP left out, said" -n "$(grep '^throughput_delay	.*UDP streams measure no message delay' "$DATA/charts.txt")"

say() { awk -F'	' -v n="$1" '$1 == n { print $6 }' "$DATA/charts.txt"; }
S=$(say throughput_delay)
echo "throughput_delay: $S"
check "sentence: TCP's least delayed" -n "$(echo "$S" | grep '^TCP 8 KiB sndbuf 64K had the least added delay, 500.0 Mbit/s at +100 µs (p99 +400 µs), and ')"
check "sentence: the fastest" -n "$(echo "$S" | grep 'TCP 8 KiB with the kernel.s defaults the most throughput, 900.0 Mbit/s at +2 ms')"
check "sentence: UDP's own frontier" -n "$(echo "$S" | grep '; UDP 8 KiB paced 0.3x was the fastest and the least delayed UDP setting: 300.0 Mbit/s at +20 µs (p99 +40 µs);')"
check "sentence: the lossy one" -n "$(echo "$S" | grep '1 UDP point lost more than 0.5% and is not compared\.$')"
S=$(say delay_buffers)
echo "delay_buffers: $S"
check "delay_buffers sentence" "$S" = "TCP 8 KiB waited least with SO_SNDBUF 64K, +100 µs (p99 +400 µs), and most with SO_RCVBUF 1M, +3 ms, against +2 ms with no buffer set (p50)."
check "delay_buffers: two panels" "$(grep -c '^plot ' "$DATA/delay_buffers.plot.gp")" -eq 2
check "delay_buffers: the lines with no buffer set" "$(grep -c '2000/ys with lines' "$DATA/delay_buffers.plot.gp")" -eq 2
S=$(say throughput_buffers)
check "throughput_buffers sentence" "$S" = "TCP 8 KiB was fastest with SO_RCVBUF 1M, 800.0 Mbit/s (900.0 Mbit/s with no buffer set), and slowest with SO_SNDBUF 64K, 500.0 Mbit/s."
S=$(say udp_loss_rate)
check "udp_loss_rate sentence: $S" "$S" = "UDP 8 KiB rcvbuf default lost 0.05% at 300.0 Mbit/s offered, the highest rate within 0.5%, and 5% at 1.00 Gbit/s."
S=$(say rtt_size)
check "rtt_size sentence: $S" "$S" = "The quickest round trip was TCP Nagle with 64 B messages, 50 µs (p50; p99 90 µs), the slowest TCP Nagle with 1400 B, 80 µs (p99 150 µs)."
S=$(say maxrate_rcvbuf)
check "maxrate_rcvbuf sentence: $S" "$S" = "The highest UDP rate within 0.5% loss was 900.0 Mbit/s (1400 B datagrams) with SO_RCVBUF 1M asked for (2M granted), as fast as the sender could send; SO_RCVBUF 64K asked for (128K granted) held 200.0 Mbit/s."
# the long link wrapped: no line of a title longer than the chart allows
long=$(sed -n 's/^\(set title\|ttl =\) //p' "$DATA"/*.gp | sed 's/\\n/\n/g' | awk 'length > 160' | head -n 1)
check "titles wrapped: $long" -z "$long"

if have_gnuplot "drawing the delay charts"; then
  sh "$PLOT" --data "$DATA" "$RUN" >/dev/null 2>"$WORK/err"
  check "plot.sh exit" $? -eq 0
  for f in throughput_delay.png throughput_delay.svg delay_buffers.png delay_buffers.svg; do
    check "$f drawn" -s "$RUN/charts/$f"
  done
  check "report: the sentence" -n "$(grep '^TCP 8 KiB sndbuf 64K had the least added delay' "$RUN/report.md")"
  check "report: the heading" -n "$(grep '^## Throughput vs added message delay' "$RUN/report.md")"
  check "index.html: the sentence" -n "$(grep '<p>TCP 8 KiB waited least with SO_SNDBUF 64K' "$RUN/index.html")"
fi
finish
