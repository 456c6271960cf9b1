# share.gp: what each flow of a test of several flows got, a bar a flow
# (x: the tests; the bars' width in the data's third column).
load vars
set style fill solid 0.85 border -1
set xtics rotate by -20
set ylabel "throughput (" . yunit . ")"
set yrange [0:*]
load plotfile
