# bench.sh --confidence on loopback (~10 s): a TCP rr point that converges
# at 95,500 stops at 3 runs of 6 (a linger point beside it, with no figure
# to converge on, runs 3 times); one that cannot (95,0.001) runs all 4 and
# says so; the plan says "up to"; bad values are usage errors. 500%: any
# three positive values converge (their sd is at most sqrt(3) x the mean,
# so the 95% half-width, 4.303 x sd / sqrt(3), at most 4.3 x the mean),
# where 50% failed with the loopback rate of a busy 2-CPU machine (+-58%
# over 3 runs of 0.3 s).
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
LIB=$HERE/../scripts/lib
OUT=$WORK/out
ERR=$WORK/err
RR='proto=tcp kind=rr size=64 duration=0.3s'

# field RUN NAME COLUMN: COLUMN of the summary.csv row of the point NAME.
field() {
	awk -v name="$2" -v c="$3" "$(cat "$LIB/csv.awk")"'
		NR == 1 { csv_index($0, col); next }
		{ csv_split($0, r); if (r[col["name"]] == name) print r[col[c]] }' "$1/summary.csv"
}

# bench NAME ARGS...: a run into $WORK/res; RUN is its directory.
bench() {
	label=$1; shift
	timeout 50 sh "$BENCH" --bin "$BIN" --no-plot --results "$WORK/res" --label "$label" "$@" \
		>"$OUT" 2>"$ERR"
	rc=$?
	check "$label: exit 0" $rc -eq 0
	[ $rc -eq 0 ] || cat "$ERR"
	RUN=$(tail -n 1 "$OUT")
}

for c in 95 80,5 x,5 95,0 95,-2 95,5x; do
	timeout 10 sh "$BENCH" --bin "$BIN" --sweep "$RR" --confidence "$c" --dry-run \
		>/dev/null 2>"$ERR"
	check "--confidence $c: exit 2" $? -eq 2
	check "--confidence $c: one line" "$(wc -l <"$ERR")" -eq 1
done
timeout 10 sh "$BENCH" --bin "$BIN" --sweep "$RR" --confidence 95,5 --repeat 2 --dry-run \
	>/dev/null 2>"$ERR"
check "--repeat 2 under 3: exit 2" $? -eq 2
timeout 10 sh "$BENCH" --bin "$BIN" --sweep "$RR" --confidence 95,5 --dry-run >"$OUT" 2>"$ERR"
check "dry run: 3 to 10 runs without --repeat" -n "$(grep ' x3-10 ' "$OUT")"
check "dry run: up to 10 tests" -n "$(grep '^up to 10 tests ' "$ERR")"

bench conv --sweep "$RR" --sweep 'proto=tcp kind=linger duration=0.3s' \
	--confidence 95,500 --repeat 6
P="tcp rr 64 B no nodelay"
check "converges: 3 rr rows and 3 linger" "$(($(wc -l <"$RUN/results.csv") - 1))" -eq 6
check "converges: runs 3" "$(field "$RUN" "$P" runs)" -eq 3
check "converges: converged 1" "$(field "$RUN" "$P" converged)" = 1
check "converges: by rr_rate_tps" "$(field "$RUN" "$P" confidence_metric)" = rr_rate_tps
check_awk "converges: within 500%" "$(field "$RUN" "$P" confidence_ci_pct) <= 500"
check "linger: 3 runs, not judged" \
	"$(field "$RUN" "tcp linger 64 KiB" runs),$(field "$RUN" "tcp linger 64 KiB" converged)" = "3,"
check "plan: up to 12 tests" -n "$(grep ': up to 12 tests and 0 max-rate searches' "$ERR")"
check "progress: run 1, up to 6" -n "$(grep '^\[1/<=12 [0-9:]*, eta <=[0-9:]*\] tcp rr 64 B no nodelay (run 1, up to 6) \.\.\. ok' "$ERR")"
check "progress: converged after 3 runs" -n "$(grep "^    converged: $P after 3 runs: rr_rate_tps +-" "$ERR")"
check "the table says so" -n "$(grep '^confidence 95%, within 500% of the mean: 1 of 1 points converged, 1 more ran 3 times' "$OUT")"
check "meta.txt records it" -n "$(grep '^confidence: 95,500 (each point 3 to 6 runs' "$RUN/meta.txt")"

bench noconv --sweep "$RR" --confidence 95,0.001 --repeat 4
check "does not converge: 4 rows" "$(($(wc -l <"$RUN/results.csv") - 1))" -eq 4
check "does not converge: runs 4" "$(field "$RUN" "$P" runs)" -eq 4
check "does not converge: converged 0" "$(field "$RUN" "$P" converged)" = 0
check "does not converge: target 0.001" "$(field "$RUN" "$P" confidence_target_pct)" = 0.001
check "does not converge: said" -n "$(grep "^    not converged: $P after 4 runs" "$ERR")"
check "does not converge: in the table" -n "$(grep "^  not converged: $P, 4 runs: rr_rate_tps +-" "$OUT")"

# Without --confidence the columns are there, empty, and runs counts.
bench plain --sweep "$RR" --repeat 2
check "plain: runs 2" "$(field "$RUN" "$P" runs)" -eq 2
check "plain: converged empty" "$(field "$RUN" "$P" converged)" = ""
check "plain: no up to" -z "$(grep 'up to' "$ERR")"
finish
