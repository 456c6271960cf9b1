# tub-link between two namespaces (scripts/netns.sh): the receiver's loss
# count must equal the loss tub-link says it caused, and a configured delay
# must show in the RTT. Needs root and /dev/net/tun, else skipped.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_link: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
link_setup tubit
CSV=$WORK/r.csv

send() {
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
}

# 1. Loss (and duplicates, reordering). Other packets cross the link during
# a UDP test too: the TCP control connection, the small end markers. So the
# impairments apply only to what the receiver counts: UDP packets of 200
# bytes or more (--match, --match-min-size; the data datagrams are 1228
# bytes, the end markers 52), and only a2b. Everything else passes
# unimpaired, and tub-link's a2b dropped_loss counts exactly the data
# datagrams it dropped. Its reorder count is kept among the impaired
# packets alone (one is reordered when an impaired packet pushed later went
# first; a held one waits for its gap of impaired packets), which is what
# the receiver sees (RFC 4737): so the counts are equal, exactly. The
# receiver gets a large buffer (rcvbuf=4M), so that a busy machine
# descheduling it does not overflow its socket (loss that is not the
# link's, told apart by udp_rcvbuf_drops, which must stay 0).
link_up --a2b-loss 2% --a2b-dup 0.5% --a2b-reorder 0.5% --seed 1 \
	--match udp --match-min-size 200
send --proto udp --kind stream -l 1200 -b 50M -t 2 --remote-opt rcvbuf=4M
check "lossy udp exit" $? -eq 0
check "lossy udp status" "$(col "$CSV" status)" = ok
"$NETNS" stats "$NAME" >"$WORK/link.csv"
check "netns.sh stats" $? -eq 0
sent=$(col "$CSV" udp_sent); lost=$(col "$CSV" udp_lost)
dropped=$(linkcol a2b dropped_loss)
echo "it_link: $sent sent, receiver lost $lost, tub-link dropped $dropped," \
	"$(linkcol a2b unmatched) a2b packets not impaired"
check "receiver's loss == tub-link's drops ($lost, $dropped)" "$lost" -eq "$dropped"
check_awk "about 2% lost ($lost of $sent)" \
	"$lost > 0.013 * $sent && $lost < 0.027 * $sent"
check "no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" -eq 0
check "receiver's duplicates == tub-link's" "$(col "$CSV" udp_duplicates)" \
	-eq "$(linkcol a2b duplicated)"
reo=$(col "$CSV" udp_reordered); lreo=$(linkcol a2b reordered)
echo "it_link: receiver reordered $reo, tub-link reordered $lreo;" \
	"duplicates $(col "$CSV" udp_duplicates), tub-link $(linkcol a2b duplicated)"
check "receiver's reordered == tub-link's ($reo, $lreo)" "$reo" -eq "$lreo"
check "some reordered" "$lreo" -gt 0
check "no write errors" "$(linkcol a2b write_errors)" -eq 0
check "a2b in + duplicated == out + lost" \
	$(( $(linkcol a2b in) + $(linkcol a2b duplicated) )) -eq \
	$(( $(linkcol a2b out) + dropped ))
check "nothing dropped b2a" "$(linkcol b2a dropped_loss)" -eq 0
check "control packets passed unimpaired" "$(linkcol a2b unmatched)" -gt 0
# Stalls: each at least 50 us, the longest no more than all of them.
sn=$(linkcol a2b loop_stalls); smax=$(linkcol a2b loop_stall_max_us)
stot=$(linkcol a2b loop_stall_total_us)
echo "it_link: a2b loop stalls $sn, max $smax us, total $stot us"
check_awk "stall figures consistent ($sn, $smax, $stot)" \
	"($sn == 0 && $smax == 0 && $stot == 0) || ($sn > 0 && $smax >= 50 && $stot >= $smax && $stot >= 50 * $sn)"

# 1b. The same with -P 3: the flows' losses add up to tub-link's drops,
# exactly, and each flow's sent == received + lost.
link_up --a2b-loss 2% --seed 2 --match udp --match-min-size 200
send --proto udp -P 3 -l 1200 -b 15M -t 2 --remote-opt rcvbuf=4M
check "-P 3 lossy udp status" "$(col "$CSV" status)" = ok
"$NETNS" stats "$NAME" >"$WORK/link.csv"
lost=$(col "$CSV" udp_lost); dropped=$(linkcol a2b dropped_loss)
echo "it_link: -P 3: the flows lost $lost, tub-link dropped $dropped"
check "-P 3: the sum's loss == tub-link's drops ($lost, $dropped)" \
	"$lost" -eq "$dropped"
check "-P 3: no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" -eq 0
for i in 1 2 3; do
	s=$(rowc "$CSV" "$i" udp_sent); r=$(rowc "$CSV" "$i" udp_received)
	l=$(rowc "$CSV" "$i" udp_lost)
	check "-P 3 flow $((i - 1)): lost some ($l), sent $s == $r + $l" \
		"${l:-0}" -gt 0 -a "$s" -eq $((r + l))
done

# 2. Delay: 10 ms each way, so 20 ms round trips.
link_up --delay 10ms
send --proto udp --kind rr -l 64 -n 150
check "rr exit" $? -eq 0
check "rr status" "$(col "$CSV" status)" = ok
p50=$(col "$CSV" rtt_p50_us)
echo "it_link: rr rtt p50 $p50 us, min $(col "$CSV" rtt_min_us) us"
check_awk "rtt p50 within 2% of 20000 us ($p50)" \
	"$p50 >= 19600 && $p50 <= 20400"
check_awk "rtt min >= 20000 us" "$(col "$CSV" rtt_min_us) >= 20000"

# jitter_runs N: N short paced UDP streams (1200 B every 5 ms), each one's
# RFC 3550 jitter in us on a line of $WORK/jit.
jitter_runs() {
	: >"$WORK/jit"
	for _ in $(seq 1 "$1"); do
		rm -f "$CSV"
		send --proto udp --kind stream -l 1200 -b 1920K -t 0.6 ||
			{ bad "jitter stream exit"; continue; }
		col "$CSV" udp_jitter_us >>"$WORK/jit"
	done
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Without jitter the figure is the noise of pacing and forwarding alone:
# tens of us here, a few hundred under load (in 22 runs one was above
# 667 us). The median of 5 runs is far below what 2 ms of jitter gives
# (below). A machine whose own noise is that large (CI saw a median of
# 1010 us, with its forwarding loop stalled 549 times, up to 20 ms, while
# other tests ran) cannot tell the link's jitter from its own: after a
# second try the size checks are skipped, said so, not failed.
quiet=0
for try in 1 2; do
	jitter_runs 5
	j0=$(median "$WORK/jit")
	echo "it_link: jitter without link jitter, try $try, us: $(tr '\n' ' ' <"$WORK/jit")(median $j0)"
	if awk "BEGIN { exit !($j0 < 667) }"; then quiet=1; break; fi
done
[ "$quiet" = 1 ] || echo "SKIP: jitter size: this machine's own jitter (median $j0 us) is too large to check the link's (2 ms: 1333 us) against"

# 3. Jitter: 10 ms +- 2 ms each way, tub-link's default (keep order: a
# packet's release is max(its own due time, the previous one's)). The
# stream is paced at one datagram every 5 ms, more than 2 x 2 ms apart, so
# no packet is ever due before the previous one and keeping order never
# changes a release: each transit is delay + U, U uniform on +-J and
# independent (tub-link draws one per packet). Consecutive differences D are
# differences of two such uniforms (triangular on +-2J): E|D| = 2J/3, and
# RFC 3550's J (J += (|D| - J) / 16) converges to that: 1333 us for 2 ms.
# (A denser stream would have its releases pushed back to the previous
# one's, which shrinks D: the figure would be smaller than 2J/3.)
# J is one EWMA sample: simulating these rules, one run of 120 datagrams
# gives J with a spread (sd) of 186 us, the median of 9 runs 74 us. So the
# median of 9 runs must be within 20% (267 us, 3.6 sd) of 1333 us: a jitter
# of the wrong size (1 ms or 3 ms of link jitter give 667 or 2000 us) fails,
# and the noise of a loaded machine (above; a run now and then near 2.5 ms)
# barely moves a median. The seed is tub-link's default, so the draws are
# the same each time this test runs (seen: medians 1279 to 1337 us), and
# what varies is the machine's noise.
link_up --delay 10ms --jitter 2ms
jitter_runs 9
jm=$(median "$WORK/jit")
echo "it_link: jitter +-2 ms, us: $(tr '\n' ' ' <"$WORK/jit")(median $jm, expected 1333)"
check "9 jitter runs" "$(wc -l <"$WORK/jit")" -eq 9
if [ "$quiet" = 1 ]; then
	check_awk "jitter median within 20% of 2J/3 = 1333 us ($jm)" \
		"$jm >= 1067 && $jm <= 1600"
fi
check "jitter kept the order" "$(col "$CSV" udp_reordered)" -eq 0

# 4. A CPU of its own (netns.sh --own-cpu, with two CPUs or more): one
# forwarding thread serves both directions and may run on the last CPU
# only, what netns.sh exec starts runs on the others, and the link still
# forwards.
# steers_off MASK CPU: "yes" when the sysfs CPU mask has some CPU set but
# not CPU.
steers_off() {
	awk -v m="$1" -v c="$2" 'BEGIN {
		n = split(m, w, ","); x = w[n - int(c / 32)]; v = 0
		for (i = 1; i <= length(x); i++)
			v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
		print (m ~ /[1-9a-f]/ && int(v / 2 ^ (c % 32)) % 2 == 0) ? "yes" : "no"
	}'
}
last=$(sed -n 's/.*[-,]\([0-9]*\)$/\1/p' /sys/devices/system/cpu/online)
if [ -n "$last" ]; then
	link_up --own-cpu --no-steer --delay 1ms
	rps=$(ip netns exec "$NAME-b" cat "/sys/class/net/$NAME-tb/queues/rx-0/rps_cpus")
	check "--no-steer: no RPS ($rps)" -z "$(echo "$rps" | tr -d ',0')"
	link_up --own-cpu --delay 1ms
	check "up says which CPU" -n "$(grep " on CPU $last of its own" "$WORK/up.out")"
	pid=$(cat /run/tub-netns/"$NAME"/pid /tmp/tub-netns/"$NAME"/pid 2>/dev/null | head -1)
	fwd=$(for t in /proc/"${pid:-0}"/task/*; do
		[ "${t##*/}" = "$pid" ] || sed -n 's/^Cpus_allowed_list:\t//p' "$t/status"
	done | sort -u | tr '\n' ' ')
	check "forwarding thread on CPU $last only ($fwd)" "$fwd" = "$last "
	check "one forwarding thread" "$(ls /proc/"${pid:-0}"/task | wc -l)" -eq 2
	ep=$("$NETNS" exec "$NAME" a sed -n 's/^Cpus_allowed_list:\t//p' /proc/self/status)
	echo "it_link: --own-cpu: forwarding thread on '$fwd', exec on '$ep'"
	on=$(echo "$ep" | awk -F, -v c="$last" '{
		for (i = 1; i <= NF; i++) { n = split($i, r, "-"); if (c >= r[1] && c <= r[n]) print "yes" }
	}')
	check "exec keeps off CPU $last ($ep)" -n "$ep" -a -z "$on"
	# What tub-link delivers is taken through the stack on the other CPUs:
	# the RPS mask of each device has a CPU set, and not the link's.
	for side in a b; do
		rps=$(ip netns exec "$NAME-$side" cat "/sys/class/net/$NAME-t$side/queues/rx-0/rps_cpus")
		check "side $side steers off CPU $last ($rps)" "$(steers_off "$rps" "$last")" = yes
	done
	send --proto udp --kind rr -l 64 -n 100
	check "rr on its own CPU: status" "$(col "$CSV" status)" = ok
	check_awk "rr on its own CPU: rtt min >= 2000 us" "$(col "$CSV" rtt_min_us) >= 2000"
else
	echo "it_link: one CPU: --own-cpu not tried"
fi

# 5. down: tub-link gone, namespaces gone; a second down is harmless.
pid=$(cat /run/tub-netns/"$NAME"/pid /tmp/tub-netns/"$NAME"/pid 2>/dev/null | head -1)
stop_recv
"$NETNS" down "$NAME"
check "down exit" $? -eq 0
check "tub-link stopped" ! -d "/proc/${pid:-0}"
check "namespaces deleted" -z "$(ip netns list | grep "^$NAME-")"
"$NETNS" down "$NAME"
check "second down exit" $? -eq 0
finish
