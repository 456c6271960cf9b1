# delta.gp: a change chart of scripts/compare.sh: B's change against A in
# percent, one row per point (its name on the y axis), the bar the range
# both runs' 95% intervals allow, a line at 0 (no change).
load vars
set title ttl
set xlabel "change, B against A (% of A's mean)"
set grid xtics noytics
set key outside bottom center horizontal
set offsets 0, 0, 0, 0
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb "#555555" lw 1.5 front
set format x "%+g%%"
load plotfile
