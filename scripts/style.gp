# style.gp: what every chart shares. plot.sh loads it first, with fmt
# ("png" or "svg"), out (the file to write), w and h (pixels) set, then
# the chart's NAME.vars.gp and scripts/NAME.gp.
set encoding utf8
if (fmt eq "svg") {
	set terminal svg size w, h dynamic noenhanced font "Sans,12" background rgb "white"
} else {
	set terminal pngcairo size w, h noenhanced font "Sans,11" background rgb "white"
}
set output out
set grid xtics ytics lc rgb "#e4e4e4" lw 1 dt solid
set border 3 lc rgb "#555555"
set tics nomirror out
set key outside right top vertical Left reverse samplen 2.5 spacing 1.1
set style data linespoints
set errorbars small
set offsets graph 0.03, graph 0.03, graph 0.05, 0
