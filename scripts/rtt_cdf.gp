# rtt_cdf.gp: each rr test's percentiles as points of a distribution; the
# y axis is in "nines" (-log10 of the share above) so the tail shows.
load vars
set logscale x
set xlabel "round-trip time (µs, log scale)"
set ylabel "share of round trips at or below (percentile)"
set ytics ("min" 0, "p50" 0.30103, "p90" 1, "p99" 2, "p99.9" 3, "max" 4)
set yrange [-0.2:4.3]
set offsets 0, 0, 0, 0
set key inside left top Left reverse box lc rgb "#cccccc" opaque
load plotfile
