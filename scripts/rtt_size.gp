# rtt_size.gp: round-trip p50 and p99 against message size (log2 x).
load vars
set logscale x 2
set xlabel "message size (bytes, each way)"
set ylabel "round-trip time (µs)"
set yrange [0:*]
load plotfile
