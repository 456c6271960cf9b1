# intervals.gp: per-interval throughput over time, one panel per transport.
load vars
set multiplot layout npanels, 1 title "Throughput over time\n" . ttl
set xlabel "time since the test started (s)"
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
set lmargin 10
set rmargin 4
set key below horizontal Left reverse width 2 height 1
load plotfile
unset multiplot
