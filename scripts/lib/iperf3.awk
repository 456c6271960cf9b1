# iperf3.awk: the receiver's figures of one iperf3 -J run, for
# scripts/perfbench.sh: "BITS_PER_S LOST_PCT ERROR HOST_CPU REMOTE_CPU" on
# one line, "-" for each missing (ERROR with its spaces and commas as "_";
# the CPU figures: end.cpu_utilization_percent, % of one CPU, the client's
# and the server's).
#   awk -f iperf3.awk run.json
# They come from end.sum_received, which iperf3 has for UDP too since 3.8
# (it counts datagram payload, as tub does). Before, a UDP test had only
# end.sum, whose bits/s are the sender's: scaled by the loss to what
# arrived. The JSON is iperf3's own pretty print, one key a line, and
# these blocks hold no nested object.

function val(s) {
	sub(/^[^:]*:[ \t]*/, "", s)
	sub(/,[ \t]*$/, "", s)
	gsub(/"/, "", s)
	return s
}

/^\t"end":[ \t]*\{/ { in_end = 1 }
in_end && /"sum_received":[ \t]*\{/ { blk = "r"; next }
in_end && /"sum":[ \t]*\{/ { blk = "s"; next }
blk != "" && /\}/ { blk = ""; next }
blk != "" && /"bits_per_second":/ { bps[blk] = val($0) }
blk != "" && /"lost_percent":/ { lost[blk] = val($0) }
/^\t"error":/ { err = val($0) }
in_end && /"host_total":/ && cs == "" { cs = val($0) }
in_end && /"remote_total":/ && cr == "" { cr = val($0) }

END {
	b = l = ""
	if ("r" in bps) {
		b = bps["r"]
		l = ("r" in lost) ? lost["r"] : ("s" in lost) ? lost["s"] : ""
	} else if (("s" in bps) && ("s" in lost)) {
		b = bps["s"] * (1 - lost["s"] / 100)
		l = lost["s"]
	}
	gsub(/[ ,]/, "_", err)
	printf "%s %s %s %s %s\n", (b == "" ? "-" : b), (l == "" ? "-" : l), (err == "" ? "-" : err),
		(cs == "" ? "-" : cs), (cr == "" ? "-" : cr)
}
