# throughput_heatmap.gp: mean throughput per SO_SNDBUF x SO_RCVBUF cell
# (the axes are the sizes asked for, one column or row each).
load vars
set xlabel "SO_SNDBUF of the sender, asked for"
set ylabel "SO_RCVBUF of the receiver, asked for"
set cblabel "throughput (" . yunit . ")"
set cbrange [0:*]
set grid noxtics noytics
set tics scale 0
set offsets 0, 0, 0, 0
set style textbox opaque noborder fillcolor rgb "white"
set key off
load plotfile
