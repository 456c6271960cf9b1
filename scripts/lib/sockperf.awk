# sockperf.awk: the round trips of one sockperf ping-pong --full-rtt run,
# for scripts/perfbench.sh: "P50 P99 MEAN" in us on one line, "-" for each
# missing. Output that says it is one way ("Latency is", no --full-rtt)
# gives none: tub's figures are whole round trips.
#   awk -f sockperf.awk run.log

{ gsub("\033\\[[0-9;]*m", "") }   # its colours
/percentile 50\.000 =/ { p50 = $NF }
/percentile 99\.000 =/ { p99 = $NF }
/avg-rtt=/ { m = $0; sub(/.*avg-rtt=/, "", m); sub(/[^0-9.].*/, "", m); mean = m }
/Summary: Latency is/ { oneway = 1 }

END {
	if (oneway) p50 = p99 = mean = ""
	printf "%s %s %s\n", (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99), (mean == "" ? "-" : mean)
}
