# throughput_delay.gp: throughput against added message delay (p50, a
# whisker to p99), one point per setting, the frontier filled and labelled.
load vars
set xlabel "added message delay, p50 (" . xunit . "; whisker to p99; message delay above its minimum)"
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
set offsets graph 0.15, graph 0.05, graph 0.1, 0
set style textbox opaque noborder margins 0.5, 0.5
load plotfile
