# hol.gp: goodput and message delay against loss, for TCP, RUDP in order and
# RUDP unordered. Set on the command line: dat, out, fmt, title.
if (fmt eq "svg") {
	set terminal svg size 1100, 520 dynamic noenhanced font "Sans,12" background rgb "white"
} else {
	set terminal pngcairo size 1100, 520 noenhanced font "Sans,11" background rgb "white"
}
set output out
set multiplot layout 1, 2 title title
set grid xtics ytics lc rgb "#e4e4e4"
set border 3 lc rgb "#555555"
set tics nomirror out
set xlabel "random loss on the link (%)"
set style data linespoints
# the project's colours: TCP blue, reliable UDP greens
tcp = "#1f77b4"; rord = "#006d2c"; runo = "#74c476"

set title "goodput at the receiver"
set ylabel "goodput (Mbit/s)"
set yrange [0:*]
set key below maxrows 2
plot dat using (strcol(2) eq "tcp" ? $1 : NaN):3 title "TCP" lc rgb tcp lw 2 pt 7, \
     dat using (strcol(2) eq "rudp-ordered" ? $1 : NaN):3 title "RUDP ordered" lc rgb rord lw 2 pt 5, \
     dat using (strcol(2) eq "rudp-unordered" ? $1 : NaN):3 title "RUDP unordered" lc rgb runo lw 2 pt 9

set title "message delay above its minimum (log scale)"
set ylabel "delay (ms): p50 solid, p99 dashed"
set logscale y
set yrange [0.01:*]
set key below maxrows 2 width -2
atleast(v) = v > 0.01 ? v : 0.01
plot dat using (strcol(2) eq "tcp" ? $1 : NaN):(atleast($4)) title "TCP p50" lc rgb tcp lw 2 pt 7, \
     dat using (strcol(2) eq "tcp" ? $1 : NaN):(atleast($5)) title "TCP p99" lc rgb tcp lw 2 dt 2 pt 6, \
     dat using (strcol(2) eq "rudp-ordered" ? $1 : NaN):(atleast($4)) title "RUDP ordered p50" lc rgb rord lw 2 pt 5, \
     dat using (strcol(2) eq "rudp-ordered" ? $1 : NaN):(atleast($5)) title "RUDP ordered p99" lc rgb rord lw 2 dt 2 pt 4, \
     dat using (strcol(2) eq "rudp-unordered" ? $1 : NaN):(atleast($4)) title "RUDP unordered p50" lc rgb runo lw 2 pt 9, \
     dat using (strcol(2) eq "rudp-unordered" ? $1 : NaN):(atleast($5)) title "RUDP unordered p99" lc rgb runo lw 2 dt 2 pt 8
unset multiplot
