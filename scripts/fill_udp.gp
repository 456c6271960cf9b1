# fill_udp.gp: datagrams held and dropped by a UDP socket nobody reads,
# against the granted SO_RCVBUF (log2 x, bytes; tics set by plotdata.awk).
load vars
set logscale x 2
set xlabel "SO_RCVBUF of the receiver, granted (bytes)"
set ylabel "datagrams"
set yrange [0:*]
set offsets graph 0.08, graph 0.08, graph 0.1, 0
set key below vertical Left reverse width 2 height 1
load plotfile
