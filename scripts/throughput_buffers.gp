# throughput_buffers.gp: stream throughput against SO_SNDBUF (left) and
# SO_RCVBUF (right), each asked for alone; log2 x axis in bytes.
load vars
set multiplot layout 1, npanels title "Throughput vs socket buffer size\n" . ttl
set logscale x 2
set xlabel "buffer asked for (Linux grants twice this, capped by wmem_max / rmem_max)"
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
set key below horizontal Left reverse width 2
load plotfile
unset multiplot
