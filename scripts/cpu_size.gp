# cpu_size.gp: CPU seconds per GB delivered, both ends, against message
# size (log2 x).
load vars
set logscale x 2
set xlabel "message size (bytes per send call)"
set ylabel "CPU seconds per GB delivered"
set yrange [0:*]
load plotfile
