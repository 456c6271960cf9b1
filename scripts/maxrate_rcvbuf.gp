# maxrate_rcvbuf.gp: the max-rate search's result against SO_RCVBUF granted.
load vars
set logscale x 2
set xlabel "SO_RCVBUF granted by the kernel (bytes)"
set ylabel "highest rate within the loss threshold (" . yunit . ")"
set yrange [0:*]
set offsets graph 0.08, graph 0.08, graph 0.12, 0
load plotfile
