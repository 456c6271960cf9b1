# share_time.gp: each flow's per-interval throughput over time, a panel a
# test of several flows on one path.
load vars
set multiplot layout npanels, 1 title "Who had the path, over time\n" . ttl
set xlabel "time since the test started (s)"
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
set lmargin 10
set rmargin 4
set key below horizontal Left reverse width 2 height 1
load plotfile
unset multiplot
