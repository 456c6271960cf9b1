# --spin: both ends poll the data socket instead of sleeping, for rr and
# connect on every transport; the row says spin 1; other kinds refuse it in
# one line. The ends are pinned to different CPUs (taskset) where there
# are two; with both on one CPU they would measure the scheduler.
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
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --spin -t 0.2 \
	>/dev/null 2>"$WORK/err"
rc=$?
check "stream --spin: usage error ($rc)" "$rc" -eq 2
check "... in one line naming the kinds ($(cat "$WORK/err"))" \
	"$(wc -l <"$WORK/err")" -eq 1 -a -n "$(grep 'round-trip kinds' "$WORK/err")"
finish
