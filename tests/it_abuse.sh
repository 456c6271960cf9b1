# Hostile peers (tub-abuse, tests/abuse.c) against the receiver and the
# sender, one scenario per finding of the security review: sleeps past the
# deadline, a spinning wait, silent clients that lock everyone out, a window
# that costs the receiver its memory, a data socket that trusts the first
# datagram, options a client should not set, versions not checked, a sender
# that waits forever or trusts the receiver's numbers. Every step is bounded
# (timeout, the helper's own --limit); each receiver serves one scenario.
. "$(dirname "$0")/lib.sh"
A=$BIN/tub-abuse
S=$BIN/tub-send
[ -x "$A" ] || { echo "FAIL: $A not built"; exit 1; }
MINE="" # PIDs of the receivers and helpers started here
trap 'for p in $MINE; do kill "$p" 2>/dev/null; done; cleanup' EXIT
trap 'exit 1' HUP INT TERM
TCK=$(getconf CLK_TCK)
WV=$("$BIN/tub-recv" -V | sed -n 's/.*(protocol \([0-9]*\)).*/\1/p')
NRECV=0

ms() { echo $(($(date +%s%N) / 1000000)); }

# sleep_until MS: until the clock of ms() reaches MS.
sleep_until() {
	d=$(($1 - $(ms)))
	if [ "$d" -gt 0 ]; then
		sleep "$(awk -v d="$d" 'BEGIN { printf "%.3f", d / 1000 }')"
	fi
}

# rstart [tub-recv options]: a receiver of our own (RP, RPORT); 1 if it
# did not start (an option it does not know, say).
rstart() {
	NRECV=$((NRECV + 1))
	out=$WORK/recv-$NRECV.out
	"$BIN/tub-recv" -p 0 "$@" >"$out" 2>"$WORK/recv-$NRECV.err" &
	RP=$!
	MINE="$MINE $RP"
	RPORT=""
	for _ in $(seq 1 50); do
		RPORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' \
			"$out" 2>/dev/null)
		[ -n "$RPORT" ] && return 0
		kill -0 "$RP" 2>/dev/null || break
		sleep 0.1
	done
	echo "note: tub-recv $* did not start: $(head -n 1 "$WORK/recv-$NRECV.err")"
	return 1
}

rstop() { kill "$RP" 2>/dev/null; wait "$RP" 2>/dev/null; forget "$RP"; }

# forget PID: it is gone (waited for): never kill that number later.
forget() { MINE=$(echo " $MINE " | sed "s/ $1 / /"); }

# kv FILE KEY: the last value of KEY= in a tub-abuse output.
kv() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

# kvn FILE KEY DEFAULT: a number, DEFAULT when KEY is missing.
kvn() { v=$(kv "$1" "$2"); echo "${v:-$3}"; }

# wait_kv FILE KEY: until tub-abuse has printed KEY (20 s at most: 200
# connections under ASan at ctest -j2 once took over 5).
wait_kv() {
	for _ in $(seq 1 200); do
		[ -n "$(kv "$1" "$2")" ] && return 0
		sleep 0.1
	done
	return 1
}

# field CSV NAME: a column of tub-send's row, empty without a row.
field() { [ -s "$1" ] && col "$1" "$2"; }

# send_to CSV ARGS...: one bounded tub-send; RC and WALL (ms) after it.
send_to() {
	csv=$1; shift
	rm -f "$csv"
	t=$(ms)
	timeout 10 "$S" -c 127.0.0.1 -q --csv "$csv" "$@" 2>>"$WORK/send.err"
	RC=$?
	WALL=$(($(ms) - t))
}

# has_word TEXT NUMBER: TEXT holds NUMBER, not as part of a longer one.
has_word() {
	[ -n "$2" ] && printf '%s\n' "$1" | grep -Eq "(^|[^0-9])$2([^0-9]|$)"
}

# ab OUT MODE ARGS...: tub-abuse in the foreground, its lines into OUT; a
# command line it refuses fails the test (its checks would pass blind).
ab() {
	out=$1; shift
	"$A" "$@" >"$out" 2>>"$WORK/abuse.err"
	ab_rc $? "$1"
}

# ab_rc STATUS MODE: the same for one that ran in the background.
ab_rc() {
	if [ "$1" -eq 2 ]; then
		bad "tub-abuse $2: bad usage: $(tail -n 1 "$WORK/abuse.err")"
	fi
}

cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# --- 1b (in the background: it waits out the receiver's deadline) ------
# A linger test at a slow reader rate (16 KiB reads at 4 kbit/s: one read
# every 33 s), its sender killed: the receiver must be free by its deadline
# (1 s of test + 10 s of slack, RUN_SLACK_NS) + 2 s.
rstart
LPORT=$RPORT
(
	t0=$(ms)
	"$S" -c 127.0.0.1 -p "$LPORT" -q --csv "$WORK/l1.csv" \
		--kind linger -l 16K -n 1 -b 4k -t 1 2>/dev/null &
	sp=$!
	sleep 0.5
	if kill -9 "$sp" 2>/dev/null; then echo accepted=1; else echo accepted=0; fi
	wait "$sp" 2>/dev/null
	sleep_until $((t0 + 13000))
	t=$(ms)
	timeout 10 "$S" -c 127.0.0.1 -p "$LPORT" -q --csv "$WORK/l2.csv" \
		-t 0.2 2>/dev/null
	echo rc=$?
	echo wall_ms=$(($(ms) - t))
) >"$WORK/linger.out" 2>&1 &
LINGER_JOB=$!
MINE="$MINE $LINGER_JOB"

# --- 1. linger: a reader rate that makes one read wait for ages --------
rstart
ab "$WORK/a1.out" client -p "$RPORT" --proto tcp --kind linger --size 64K \
	--rate 1 --count 0 --duration 1s --hold 0.2s --limit 8
check "linger at 1 bit/s: ERROR ($(kv "$WORK/a1.out" reply))" \
	"$(kv "$WORK/a1.out" reply)" = ERROR
check_awk "linger at 1 bit/s: answered at once ($(kv "$WORK/a1.out" reply_ms) ms)" \
	"$(kvn "$WORK/a1.out" reply_ms 99999) < 1000"
check "linger at 1 bit/s: reason names the rate" \
	-n "$(kv "$WORK/a1.out" reason | grep -Ei 'rate|bit/s')"
rstop

# --- 2. keepalive: a stray byte on the control connection --------------
# The helper runs a keepalive test (data connection open), writes one byte
# on the control connection 3 s after READY, and watches for 3 s more.
rstart
t0=$(ms)
"$A" client -p "$RPORT" --proto tcp --kind keepalive --size 64 \
	--duration 10s --connect-data --stray-after 3s --watch 3s --hold 0.5s \
	--limit 12 >"$WORK/ka.out" 2>>"$WORK/abuse.err" &
KA=$!
sleep_until $((t0 + 500))
c0=$(cputicks "$RP")
(send_to "$WORK/kbusy.csv" -p "$RPORT" -t 1; echo "rc=$RC wall_ms=$WALL") \
	>"$WORK/kbusy.out" &
KB=$!
sleep_until $((t0 + 2500))
c1=$(cputicks "$RP")
sleep_until $((t0 + 3400))
c2=$(cputicks "$RP")
sleep_until $((t0 + 5400))
c3=$(cputicks "$RP")
wait "$KA"
ab_rc $? client
wait "$KB"
lim=$((TCK * 2 / 10)) # 10% of one CPU over 2 s
check "keepalive: the helper's test ran ($(kv "$WORK/ka.out" reply))" \
	"$(kv "$WORK/ka.out" data_connected)" = 1
check "keepalive: a second sender refused ($(field "$WORK/kbusy.csv" status))" \
	"$(field "$WORK/kbusy.csv" status)" = refused
check "keepalive: ... as busy" \
	-n "$(field "$WORK/kbusy.csv" error | grep busy)"
w=$(sed -n 's/.*wall_ms=//p' "$WORK/kbusy.out")
check "keepalive: ... within 1 s ($w ms)" "${w:-99999}" -lt 1000
check "keepalive: CPU while idle < 10% ($((c1 - c0)) ticks in 2 s)" \
	$((c1 - c0)) -lt "$lim"
check "keepalive: CPU after the stray byte < 10% ($((c3 - c2)) ticks in 2 s)" \
	$((c3 - c2)) -lt "$lim"
check "keepalive: stray byte answered with ERROR" \
	"$(kv "$WORK/ka.out" watch_reply)" = ERROR
check_awk "keepalive: ... within 1 s ($(kv "$WORK/ka.out" error_after_ms) ms)" \
	"$(kvn "$WORK/ka.out" error_after_ms -1) >= 0 && $(kvn "$WORK/ka.out" error_after_ms -1) <= 1000"
check_awk "keepalive: ... and closed within 1 s ($(kv "$WORK/ka.out" eof_after_ms) ms)" \
	"$(kvn "$WORK/ka.out" eof_after_ms -1) >= 0 && $(kvn "$WORK/ka.out" eof_after_ms -1) <= 1000"
rstop

# --- 3. silent clients must not lock everyone out -----------------------
# legit_rr TAG: a TCP and a UDP rr test, each done in under 3 s.
legit_rr() {
	for p in tcp udp; do
		send_to "$WORK/rr.csv" -p "$RPORT" --proto $p --kind rr -n 20
		check "$1: $p rr ok ($(field "$WORK/rr.csv" status))" \
			"$(field "$WORK/rr.csv" status)" = ok
		check "$1: $p rr in under 3 s ($WALL ms)" "$WALL" -lt 3000
	done
}

# hold_conns N WHAT TAG: N control connections held while legit_rr runs.
hold_conns() {
	rstart
	"$A" hold -p "$RPORT" --conns "$1" --send "$2" --hold 40s --limit 45 \
		>"$WORK/hold.out" 2>>"$WORK/abuse.err" &
	H=$!
	MINE="$MINE $H"
	wait_kv "$WORK/hold.out" holding
	check "$3: all $1 connected ($(kv "$WORK/hold.out" connected))" \
		"$(kv "$WORK/hold.out" connected)" = "$1"
	legit_rr "$3"
	kill "$H" 2>/dev/null
	wait "$H" 2>/dev/null
	forget "$H"
	rstop
}

hold_conns 3 none "3 silent"
hold_conns 3 mix "3 silent, HELLO only, half a header"
hold_conns 200 mix "200 held"

# READY, no data connection, control closed: noticed at once.
rstart
ab "$WORK/nodata.out" client -p "$RPORT" --proto tcp --kind stream \
	--duration 10s --limit 8
check "no data connection: READY first" "$(kv "$WORK/nodata.out" reply)" = READY
sleep 0.5
send_to "$WORK/after.csv" -p "$RPORT" -t 0.3
check "no data connection: the next test ok ($(field "$WORK/after.csv" status))" \
	"$(field "$WORK/after.csv" status)" = ok
check "no data connection: ... in under 2.5 s ($WALL ms)" "$WALL" -lt 2500

# While a real test runs, a new control connection hears "busy" at once.
timeout 15 "$S" -c 127.0.0.1 -p "$RPORT" -q --csv "$WORK/long.csv" -t 3 \
	2>>"$WORK/send.err" &
LONG=$!
sleep 0.5
ab "$WORK/busy.out" client -p "$RPORT" --silent --watch 2s --limit 5
check "busy: ERROR to a new connection" "$(kv "$WORK/busy.out" watch_reply)" = ERROR
check "busy: ... saying busy" -n "$(kv "$WORK/busy.out" watch_reason | grep busy)"
check_awk "busy: ... within 0.5 s ($(kv "$WORK/busy.out" error_after_ms) ms)" \
	"$(kvn "$WORK/busy.out" error_after_ms -1) >= 0 && $(kvn "$WORK/busy.out" error_after_ms -1) <= 500"
wait "$LONG"
check "busy: the running test unharmed" "$(field "$WORK/long.csv" status)" = ok
rstop

# --- 4. RUDP window memory ------------------------------------------------
# A window of 65535 packets, filled: 70000 messages of 1 KiB. Refused, and
# the receiver's peak RSS (VmHWM) stays under 64 MiB either way.
rstart
ab "$WORK/win.out" rudp -p "$RPORT" --proto rudp --window 65535 \
	--count 70000 --size 1024 --limit 15
check "window 65535: refused ($(kv "$WORK/win.out" reply))" \
	"$(kv "$WORK/win.out" reply)" = ERROR
check "window 65535: reason names max-window-bytes" \
	-n "$(kv "$WORK/win.out" reason | grep max-window-bytes)"
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$RP/status")
check "window 65535: receiver's peak RSS under 64 MiB (${hwm} kB)" \
	"${hwm:-999999}" -lt 65536
send_to "$WORK/rudp.csv" -p "$RPORT" --proto rudp -t 1
check "rudp, default window: ok ($(field "$WORK/rudp.csv" status))" \
	"$(field "$WORK/rudp.csv" status)" = ok
rstop
if rstart --max-window-bytes 1M; then
	ok
	send_to "$WORK/rudp.csv" -p "$RPORT" --proto rudp --window 1000 -t 0.5
	check "max-window-bytes 1M: 1000 x 1472 B refused ($(field "$WORK/rudp.csv" status))" \
		"$(field "$WORK/rudp.csv" status)" = refused
	send_to "$WORK/rudp.csv" -p "$RPORT" --proto rudp -t 0.5
	check "max-window-bytes 1M: the default window ok ($(field "$WORK/rudp.csv" status))" \
		"$(field "$WORK/rudp.csv" status)" = ok
	rstop
else
	bad "tub-recv --max-window-bytes 1M starts"
fi

# --- 5. RUDP data socket: check before connecting ---------------------------
# tub-abuse plays the whole rudp sender (common/rudp.c): with --junk-first
# a wrong-session SYN from another socket of this host reaches the data port
# 50 ms before the real handshake, deterministically.
rstart
ab "$WORK/ru0.out" rudp -p "$RPORT" --proto rudp --count 200 --limit 12
check "rudp helper works ($(kv "$WORK/ru0.out" status))" \
	"$(kv "$WORK/ru0.out" status)" = ok
ab "$WORK/ru1.out" rudp -p "$RPORT" --proto rudp --count 200 --junk-first \
	--limit 12
check "rudp after a junk datagram: ok ($(kv "$WORK/ru1.out" status): $(kv "$WORK/ru1.out" why))" \
	"$(kv "$WORK/ru1.out" status)" = ok
check "rudp after a junk datagram: all 200 delivered" \
	"$(kv "$WORK/ru1.out" rx_msgs)" = 200
rstop

# One SYN, then silence: a few SYN-ACKs, and the receiver free in 7 s.
rstart
t0=$(ms)
"$A" rudp-syn -p "$RPORT" --proto rudp --duration 10s --watch 7.5s \
	--limit 12 >"$WORK/syn.out" 2>>"$WORK/abuse.err" &
SY=$!
sleep_until $((t0 + 7200))
send_to "$WORK/syn.csv" -p "$RPORT" -t 0.3
check "silent SYN: receiver free after 7 s ($(field "$WORK/syn.csv" status))" \
	"$(field "$WORK/syn.csv" status)" = ok
wait "$SY"
ab_rc $? rudp-syn
n=$(kv "$WORK/syn.out" synacks)
check "silent SYN: answered ($n SYN-ACKs)" "${n:-0}" -ge 1
check "silent SYN: at most 6 SYN-ACKs ($n)" "${n:-99}" -le 6
check_awk "silent SYN: the last within 6 s ($(kv "$WORK/syn.out" last_synack_ms) ms)" \
	"$(kvn "$WORK/syn.out" last_synack_ms 99999) <= 6000"
rstop

# --- 6. socket options a client may not set ---------------------------------
# refused_opt OPT WORD...: --remote-opt OPT refused, the reason naming WORDs.
refused_opt() {
	o=$1; shift
	send_to "$WORK/opt.csv" -p "$RPORT" -t 0.2 --remote-opt "$o"
	check "$o: refused ($(field "$WORK/opt.csv" status))" \
		"$(field "$WORK/opt.csv" status)" = refused
	for w in "$@"; do
		check "$o: reason names $w" \
			-n "$(field "$WORK/opt.csv" error | grep -e "$w")"
	done
}

rstart
refused_opt tos=255 tos --allow-opt
refused_opt maxseg=88 maxseg
refused_opt user_timeout=2147483647 user_timeout
refused_opt mtu_discover=0 mtu_discover
rstop
for o in tos=255 mtu_discover=0; do
	name=${o%%=*}
	if rstart --allow-opt "$name"; then
		send_to "$WORK/opt.csv" -p "$RPORT" -t 0.2 --remote-opt "$o"
		check "--allow-opt $name: $o accepted ($(field "$WORK/opt.csv" status))" \
			"$(field "$WORK/opt.csv" status)" = ok
		rstop
	else
		bad "tub-recv --allow-opt $name starts"
	fi
done

# --- 7. protocol versions -----------------------------------------------------
rstart
ab "$WORK/v99.out" client -p "$RPORT" --hello-version 99 --duration 1s \
	--limit 8
reason=$(kv "$WORK/v99.out" reason)
check "HELLO version 99: ERROR ($(kv "$WORK/v99.out" reply))" \
	"$(kv "$WORK/v99.out" reply)" = ERROR
has_word "$reason" 99
check "HELLO version 99: reason names 99 ($reason)" $? -eq 0
has_word "$reason" "$WV"
check "HELLO version 99: reason names version $WV" $? -eq 0
rstop

# fake_recv BEHAVIOUR: a lying receiver in the background (FPID, FPORT).
fake_recv() {
	"$A" fake-recv --behave "$1" --limit 12 >"$WORK/fake-$1.out" \
		2>>"$WORK/abuse.err" &
	FPID=$!
	MINE="$MINE $FPID"
	wait_kv "$WORK/fake-$1.out" port
	FPORT=$(kv "$WORK/fake-$1.out" port)
}

fake_recv version
send_to "$WORK/fv.csv" -p "$FPORT" -t 0.5
wait "$FPID"
ab_rc $? fake-recv
forget "$FPID"
other=$(kv "$WORK/fake-version.out" sent_version)
err=$(field "$WORK/fv.csv" error)
check "receiver of version $other: exit 1 ($RC)" "$RC" -eq 1
check "receiver of version $other: protocol_error ($(field "$WORK/fv.csv" status))" \
	"$(field "$WORK/fv.csv" status)" = protocol_error
has_word "$err" "$other"
check "receiver of version $other: error names it ($err)" $? -eq 0
has_word "$err" "$WV"
check "receiver of version $other: error names ours, $WV" $? -eq 0

# --- 8. UDP connect: junk must not hold a probe forever --------------------
fake_recv udp-junk
send_to "$WORK/fj.csv" -p "$FPORT" --proto udp --kind connect -t 2 \
	--rr-timeout 500ms
wait "$FPID"
ab_rc $? fake-recv
forget "$FPID"
check "udp connect under junk: junk was sent ($(kv "$WORK/fake-udp-junk.out" junk_sent))" \
	"$(kvn "$WORK/fake-udp-junk.out" junk_sent 0)" -gt 0
check "udp connect under junk: ends within 5 s ($WALL ms, rc $RC)" \
	"$WALL" -lt 5000
rstart
send_to "$WORK/rt0.csv" -p "$RPORT" --proto udp --kind connect -t 0.5 \
	--rr-timeout 0
check "udp connect --rr-timeout 0: usage error ($RC)" "$RC" -eq 2
rstop

# --- 9. the sender checks the receiver's numbers ----------------------------
fake_recv rcvbuf
send_to "$WORK/fr.csv" -p "$FPORT" --proto udp --kind fill -t 2
wait "$FPID"
ab_rc $? fake-recv
forget "$FPID"
d=$(kv "$WORK/fake-rcvbuf.out" datagrams)
check "rcvbuf 2^62: protocol_error ($(field "$WORK/fr.csv" status))" \
	"$(field "$WORK/fr.csv" status)" = protocol_error
check "rcvbuf 2^62: error names rcvbuf" \
	-n "$(field "$WORK/fr.csv" error | grep rcvbuf)"
check "rcvbuf 2^62: ends fast ($WALL ms)" "$WALL" -lt 3000
check "rcvbuf 2^62: no flood (${d:-?} datagrams)" "${d:-999999999}" -lt 100000

fake_recv delay
send_to "$WORK/fd.csv" -p "$FPORT" --proto tcp -t 0.5
wait "$FPID"
ab_rc $? fake-recv
forget "$FPID"
check "delay_min > delay_p50: protocol_error ($(field "$WORK/fd.csv" status))" \
	"$(field "$WORK/fd.csv" status)" = protocol_error
check "delay_min > delay_p50: error names the delay" \
	-n "$(field "$WORK/fd.csv" error | grep delay)"

fake_recv intervals
send_to "$WORK/fi.csv" -p "$FPORT" --proto tcp -t 0.5 -i 0.1
wait "$FPID"
ab_rc $? fake-recv
forget "$FPID"
check "intervals backwards: protocol_error ($(field "$WORK/fi.csv" status))" \
	"$(field "$WORK/fi.csv" status)" = protocol_error
check "intervals backwards: error names the intervals" \
	-n "$(field "$WORK/fi.csv" error | grep -Ei 'interval|iv\.')"

# --- 1b, the result -----------------------------------------------------------
wait "$LINGER_JOB"
forget "$LINGER_JOB"
if [ "$(kv "$WORK/linger.out" accepted)" != 1 ]; then
	echo "note: the 4 kbit/s linger test was over before the kill"
fi
check "linger, sender killed: receiver free by deadline + 2 s ($(field "$WORK/l2.csv" status))" \
	"$(field "$WORK/l2.csv" status)" = ok
w=$(kv "$WORK/linger.out" wall_ms)
check "linger, sender killed: ... the next test in under 2 s (${w:-?} ms)" \
	"${w:-99999}" -lt 2000

# --- 9. -P: a client that asks for flows and opens fewer ------------------
# Four TCP flows asked for, one opened: the receiver gives up on the second
# within its 5 s, says which, and serves the next test. Three UDP flows
# asked for, none joined: the same.
for run in "tcp 1" "udp 0"; do
	set -- $run
	rstart
	ab "$WORK/fl.out" client -p "$RPORT" --proto "$1" --kind stream \
		--size 1000 --duration 5s --flows 4 --connect-data --watch 9s \
		--limit 12
	e=$(kvn "$WORK/fl.out" error_after_ms -1)
	check "-P 4, $1, fewer flows: READY ($(kv "$WORK/fl.out" reply))" \
		"$(kv "$WORK/fl.out" reply)" = READY
	check "-P 4, $1, fewer flows: ERROR ($(kv "$WORK/fl.out" watch_reason))" \
		-n "$(kv "$WORK/fl.out" watch_reason | grep "flow $2")"
	check_awk "-P 4, $1, fewer flows: ... within 6.5 s ($e ms)" \
		"$e >= 0 && $e <= 6500"
	send_to "$WORK/fl.csv" -p "$RPORT" -t 1
	check "-P 4, $1: the next test ok ($(field "$WORK/fl.csv" status))" \
		"$(field "$WORK/fl.csv" status)" = ok
	rstop
done

cat "$WORK"/recv-*.err >"$WORK/recv.err" 2>/dev/null
finish
