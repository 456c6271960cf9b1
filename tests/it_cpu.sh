# What each end spent: the CPU columns of every kind are there and make
# sense (0..100% of one CPU, with no slack: one thread an end, its CPU
# clock read inside the wall clock's window; a stream's ends both above 0),
# and the receiver's own figures (remote_cpu_*) agree with an outside
# view of its process: /proc/PID/schedstat (time on a CPU, in ns) and
# /proc/PID/stat (user and system time, in clock ticks) read before and
# after each test, within 10% + 10 ms (stat: + one tick per field, as it
# truncates).
. "$(dirname "$0")/lib.sh"
CSV=$WORK/r.csv
start_recv -q
TCK=$(getconf CLK_TCK)

send() {
	rm -f "$CSV"
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q "$@"
}

# oncpu: the receiver's time on a CPU so far, ns (schedstat's first field).
oncpu() { cut -d' ' -f1 "/proc/$RECV_PID/schedstat"; }

# ticks: its user + system time so far, clock ticks (stat fields 14, 15;
# the command name in parentheses may hold spaces: count from its end).
ticks() { sed 's/.*) //' "/proc/$RECV_PID/stat" | awk '{ print $12 + $13 }'; }

for run in "tcp stream -t 1" "udp stream -t 1 -b 200M" "rudp stream -t 1" \
	"tcp rr -t 1" "udp rr -t 1" "rudp rr -t 1" "tcp connect -t 1" \
	"udp connect -t 1" "tcp fill" "udp fill" "tcp linger -n 4"; do
	set -- $run
	p=$1 k=$2; shift 2
	c0=$(oncpu); t0=$(ticks)
	send --proto "$p" --kind "$k" "$@"
	c1=$(oncpu); t1=$(ticks)
	st=$(col "$CSV" status)
	check "$p $k: ok ($st)" "$st" = ok
	for end in local remote; do
		u=$(col "$CSV" ${end}_cpu_user_s); s=$(col "$CSV" ${end}_cpu_sys_s)
		pct=$(col "$CSV" ${end}_cpu_util_pct)
		check "$p $k: $end cpu columns ($u, $s, $pct)" \
			-n "$u" -a -n "$s" -a -n "$pct"
		check_awk "$p $k: $end util within 0..100% of one CPU ($pct)" \
			"$pct >= 0 && $pct <= 100"
		[ "$k" = stream ] && check_awk "$p $k: $end spent some ($u + $s)" \
			"$u + $s > 0"
	done
	ru=$(col "$CSV" remote_cpu_user_s); rs=$(col "$CSV" remote_cpu_sys_s)
	r="($ru + $rs)"
	o="($c1 - $c0) / 1e9"
	check_awk "$p $k: remote cpu $ru + $rs s ~ schedstat $(((c1 - c0) / 1000000)) ms" \
		"$r - $o <= 0.1 * $o + 0.01 && $o - $r <= 0.1 * $o + 0.01"
	o="($t1 - $t0) / $TCK"
	check_awk "$p $k: remote cpu $ru + $rs s ~ stat $((t1 - t0)) ticks of 1/$TCK s" \
		"$r - $o <= 0.1 * $o + 0.01 + 2 / $TCK && $o - $r <= 0.1 * $o + 0.01 + 2 / $TCK"
	if [ "$k" = stream ]; then
		g=$(col "$CSV" remote_cpu_s_per_gb)
		check_awk "$p $k: cpu per GB ($g s)" "$g > 0"
	fi
done
finish
