# --spin: both ends poll the data socket instead of sleeping, for rr and
# connect on every transport; the row says spin 1; other kinds refuse it in
# one line; busy polling in the kernel (busy_poll, prefer_busy_poll) says
# it has no effect on loopback. The ends are pinned to different CPUs
# (taskset) where there are two; with both on one CPU they would measure
# the scheduler.
. "$(dirname "$0")/lib.sh"
CSV=$WORK/r.csv
PIN_R="" PIN_S=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
	PIN_R="taskset -c 0" PIN_S="taskset -c 1"
fi
recv_exec() { exec $PIN_R "$@"; }
start_recv -q

for p in tcp udp rudp; do
	for k in rr connect; do
		rm -f "$CSV"
		timeout 20 $PIN_S "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" \
			--proto "$p" --kind "$k" -n 200 --spin --csv "$CSV" \
			-q 2>"$WORK/err"
		st=$(col "$CSV" status)
		check "$p $k --spin: ok ($st: $(col "$CSV" error))" "$st" = ok
		check "$p $k --spin: the row says spin" "$(col "$CSV" spin)" = 1
		check "$p $k --spin: 200 round trips ($(col "$CSV" rr_done))" \
			"$(col "$CSV" rr_done)" -eq 200
	done
done
# Busy polling in the kernel: on loopback the socket has no NAPI id, and
# the row says the options had no effect; a receiver takes
# prefer_busy_poll only with --allow-opt.
rm -f "$CSV"
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --kind rr -n 50 -q \
	--local-opt busy_poll=50,prefer_busy_poll --csv "$CSV" 2>"$WORK/err"
check "busy polling: ok ($(col "$CSV" status): $(col "$CSV" error))" \
	"$(col "$CSV" status)" = ok
check "busy polling: asked ($(col "$CSV" local_req_prefer_busy_poll))" \
	"$(col "$CSV" local_req_prefer_busy_poll)" = 1
if [ "$(id -u)" -eq 0 ]; then
	check "busy polling: granted as root ($(col "$CSV" local_granted_prefer_busy_poll))" \
		"$(col "$CSV" local_granted_prefer_busy_poll)" = 1
fi
check "busy polling: no effect here, the notes say ($(col "$CSV" local_opt_notes))" \
	-n "$(col "$CSV" local_opt_notes | grep 'busy polling: no effect here')"
rm -f "$CSV"
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --kind rr -n 50 -q \
	--remote-opt prefer_busy_poll --csv "$CSV" 2>"$WORK/err"
check "remote prefer_busy_poll: refused ($(col "$CSV" status))" \
	"$(col "$CSV" status)" = refused
check "... naming --allow-opt ($(col "$CSV" error))" \
	-n "$(col "$CSV" error | grep 'allow-opt prefer_busy_poll')"

timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --spin -t 0.2 \
	>/dev/null 2>"$WORK/err"
rc=$?
check "stream --spin: usage error ($rc)" "$rc" -eq 2
check "... in one line naming the kinds ($(cat "$WORK/err"))" \
	"$(wc -l <"$WORK/err")" -eq 1 -a -n "$(grep 'round-trip kinds' "$WORK/err")"
finish
