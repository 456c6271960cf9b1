# throughput_size.gp: stream throughput against message size (log2 x).
load vars
set logscale x 2
set xlabel "message size (bytes per send call)"
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
load plotfile
