# Two hosts' clocks, on one machine: the receiver in a time namespace of
# its own (unshare --time; root), its CLOCK_MONOTONIC behind the sender's
# by nearly the uptime, as a host booted later would be. The message delay
# above its minimum must still be there for UDP and TCP streams, and the
# minimum itself left empty (it came out negative); with the receiver's
# clock ahead, the minimum is there too (a large offset), < 2 s each.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root (a time namespace)"
unshare --time --monotonic=0 true 2>/dev/null || skip "unshare cannot make a time namespace here"
up=$(awk '{ print int($1) }' /proc/uptime)
[ "$up" -gt 200 ] || skip "the machine has been up only $up s"

# one OFFSET_S: a stream of each transport against a receiver whose clock
# is OFFSET_S off the sender's.
one() {
	off=$1
	recv_exec() { exec unshare --time --monotonic="$off" "$@"; }
	start_recv -B 127.0.0.1 -q
	for p in udp tcp; do
		rm -f "$WORK/$p.csv"
		"$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --proto "$p" -b 100m -t 0.5 -q --csv "$WORK/$p.csv"
		check "$off s: $p ok" "$(col "$WORK/$p.csv" status)" = ok
		check "$off s: $p p50 above the minimum ($(col "$WORK/$p.csv" msg_delay_p50_over_min_us) us)" \
			-n "$(col "$WORK/$p.csv" msg_delay_p50_over_min_us)"
		check "$off s: $p p99 >= p50" -n "$(awk -v a="$(col "$WORK/$p.csv" msg_delay_p99_over_min_us)" \
			-v b="$(col "$WORK/$p.csv" msg_delay_p50_over_min_us)" 'BEGIN { if (a + 0 >= b + 0) print 1 }')"
		min=$(col "$WORK/$p.csv" msg_delay_min_us)
		if [ "$off" -lt 0 ]; then
			check "$off s: $p minimum unknown" -z "$min"
		else
			check_awk "$off s: $p minimum holds the offset ($min us)" "\"$min\" != \"\" && $min >= $off * 1e6"
		fi
	done
	stop_recv
}

one "-$((up - 100))"
one 1000
finish
