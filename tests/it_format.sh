# What stdout gets: on a terminal (script(1) gives tub-send one) the
# summary and no CSV; redirected, the CSV header and row as before, the
# summary on stderr; --format human|csv|json chooses; -J is json; --csv FILE
# always writes the file.
. "$(dirname "$0")/lib.sh"
start_recv -q
S="$BIN/tub-send -c 127.0.0.1 -p $PORT -t 0.3 --kind rr"
HDR=run_id,

if command -v script >/dev/null 2>&1; then
	# script's own output is the terminal's: what tub-send wrote there
	timeout 20 script -qec "$S" /dev/null >"$WORK/tty.out" 2>&1
	check "terminal: the summary on stdout" \
		-n "$(grep 'tub-send: tcp rr to 127.0.0.1' "$WORK/tty.out")"
	check "terminal: no CSV header" -z "$(grep "^$HDR" "$WORK/tty.out")"
	timeout 20 script -qec "$S --format csv" /dev/null >"$WORK/tty2.out" 2>&1
	check "terminal, --format csv: the header" \
		-n "$(grep "^$HDR" "$WORK/tty2.out")"
	timeout 20 script -qec "$S -q" /dev/null >"$WORK/tty3.out" 2>&1
	check "terminal, -q: the CSV, no summary" \
		-n "$(grep "^$HDR" "$WORK/tty3.out")" -a \
		-z "$(grep 'tub-send: tcp rr' "$WORK/tty3.out")"
else
	echo "SKIP: no script(1): the terminal checks"
fi

timeout 20 $S >"$WORK/out" 2>"$WORK/err"
check "redirected: the CSV on stdout" "$(head -c 7 "$WORK/out")" = "$HDR"
check "redirected: two lines" "$(wc -l <"$WORK/out")" -eq 2
check "redirected: the summary on stderr" \
	-n "$(grep 'tub-send: tcp rr' "$WORK/err")"
timeout 20 $S --format human >"$WORK/out" 2>"$WORK/err"
check "--format human: the summary on stdout" \
	-n "$(grep 'tub-send: tcp rr' "$WORK/out")" -a ! -s "$WORK/err"
timeout 20 $S --format json >"$WORK/out" 2>/dev/null
check "--format json: one JSON line" "$(head -c 9 "$WORK/out")" = '{"run_id"'
timeout 20 $S -J --csv "$WORK/f.csv" >"$WORK/out" 2>/dev/null
check "-J --csv: JSON on stdout and the file" \
	"$(head -c 9 "$WORK/out")" = '{"run_id"' -a "$(csv_rows "$WORK/f.csv")" -eq 1
timeout 20 $S --format yaml >/dev/null 2>"$WORK/err"
rc=$?
check "--format yaml: usage error ($rc)" "$rc" -eq 2 -a \
	"$(wc -l <"$WORK/err")" -eq 1
finish
