# fill_tcp.gp: the bytes send() took before it would block (TCP fill)
# against the granted SO_SNDBUF (left) and the peer's granted SO_RCVBUF
# (right); log2 axes in bytes, tics set by plotdata.awk.
load vars
set multiplot layout 1, npanels title "How much send() takes before it blocks (TCP fill)\n" . ttl
set logscale x 2
set logscale y 2
set ylabel "bytes send() accepted before it would block"
set offsets graph 0.06, graph 0.06, 0, 0
set key below vertical Left reverse width 2 height 1
load plotfile
unset multiplot
