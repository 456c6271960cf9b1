# delay_buffers.gp: added message delay (p50, p99) against SO_SNDBUF
# (left) and SO_RCVBUF (right), each asked for alone: the x axes of
# throughput_buffers.gp.
load vars
set multiplot layout 1, npanels title "Added message delay vs socket buffer size\n" . ttl
set logscale x 2
set xlabel "buffer asked for (Linux grants twice this, capped by wmem_max / rmem_max)"
set ylabel "added message delay (" . yunit . ", above its minimum)"
set key below horizontal Left reverse width 2
load plotfile
unset multiplot
