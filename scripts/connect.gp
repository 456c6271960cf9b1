# connect.gp: a fresh connection per exchange: exchanges per second (left)
# and the time of one exchange, p50 and p99 (right); one bar per transport.
load vars
set multiplot layout 1, 2 title "A fresh connection per exchange (connect)\n" . ttl
set yrange [0:*]
set offsets 0, 0, graph 0.22, 0
set grid noxtics
set xtics scale 0
set key off
set lmargin 12
load plotfile
unset multiplot
