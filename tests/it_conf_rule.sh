# The stopping rule of bench.sh --confidence on hand-made rows, no
# network: aggregate.awk's converged and confidence_* columns (stats.c's
# rule, its t table from tub-send --t-table), a failed row that is no
# sample, and lib/settle.awk's choice of the points that run no more.
. "$(dirname "$0")/lib.sh"
LIB=$HERE/../scripts/lib
AGG=$HERE/../scripts/aggregate.awk
TT=$("$BIN/tub-send" --t-table)

# summary CONFIDENCE: summary.csv of $WORK/r.csv into $WORK/s.csv.
summary() {
	awk -v t_table="$TT" -v confidence="$1" -f "$LIB/csv.awk" -f "$AGG" \
		"$WORK/r.csv" >"$WORK/s.csv"
}

# field NAME COLUMN: COLUMN of the summary row of the point named NAME.
field() {
	awk -v name="$1" -v c="$2" "$(cat "$LIB/csv.awk")"'
		NR == 1 { csv_index($0, col); next }
		{ csv_split($0, r); if (r[col["name"]] == name) print r[col[c]] }' "$WORK/s.csv"
}

# Three values 100 -+ d, d = H * sqrt(3) / t(95, 2): the half-width of the
# 95% interval is H% of the mean (4 for stream, 6 for rr). The 1-B stream
# has two ok rows and a failed one whose value would have made it three.
# v K D: the K-th of 100 - D, 100, 100 + D.
v() {
	awk -v k="$1" -v d="$2" 'BEGIN { printf "%.6f\n", 100 + (k - 2) * d }'
}
d4=$(awk 'BEGIN { printf "%.6f", 4 * sqrt(3) / 4.3027 }')
d6=$(awk 'BEGIN { printf "%.6f", 6 * sqrt(3) / 4.3027 }')
{
	echo "run_id,proto,kind,msg_size_bytes,status,throughput_bps,rr_rate_tps,fill_bytes,fill_held_msgs,linger_close_us"
	for k in 1 2 3; do
		echo "r,tcp,stream,8,ok,$(v $k "$d4"),,,,"
		echo "r,tcp,rr,64,ok,,$(v $k "$d6"),,,"
		echo "r,udp,fill,1400,ok,,,,92,"
		echo "r,tcp,linger,65536,ok,,,,,$(v $k 3)"
	done
	echo "r,tcp,stream,1,ok,$(v 1 "$d4"),,,,"
	echo "r,tcp,stream,1,ok,$(v 2 "$d4"),,,,"
	echo "r,tcp,stream,1,timeout,$(v 3 "$d4"),,,,"
	echo "r,udp,stream,1400,skipped,,,,,"
} >"$WORK/r.csv"

summary 95,5
S="tcp stream 8 B"; R="tcp rr 64 B no nodelay"; F="udp fill 1400 B"
L="tcp linger 64 KiB"; X="tcp stream 1 B"; K="udp stream 1400 B unlimited"
check "4% at 95,5: converged" "$(field "$S" converged)" = 1
check_awk "4% at 95,5: confidence_ci_pct 4" "$(field "$S" confidence_ci_pct) > 3.999 && $(field "$S" confidence_ci_pct) < 4.001"
check "4% at 95,5: judged by throughput_bps" "$(field "$S" confidence_metric)" = throughput_bps
check "4% at 95,5: level and target" "$(field "$S" confidence_level),$(field "$S" confidence_target_pct)" = 95,5
check "4% at 95,5: runs 3" "$(field "$S" runs)" -eq 3
check "6% at 95,5: not converged" "$(field "$R" converged)" = 0
check "6% at 95,5: judged by rr_rate_tps" "$(field "$R" confidence_metric)" = rr_rate_tps
check_awk "6%: confidence_ci in the metric's unit" "$(field "$R" confidence_ci) > 5.999 && $(field "$R" confidence_ci) < 6.001"
check "udp fill: identical fill_held_msgs converge" "$(field "$F" converged)" = 1
check "udp fill: judged by fill_held_msgs" "$(field "$F" confidence_metric)" = fill_held_msgs
check "linger: not judged" "$(field "$L" converged)" = ""
check "linger: no metric" "$(field "$L" confidence_metric)" = ""
check "a failed row is no sample: not converged" "$(field "$X" converged)" = 0
check "a failed row is no sample: n 2" "$(field "$X" n)" -eq 2
check "a failed row is no sample: but a run (runs 3)" "$(field "$X" runs)" -eq 3
check "skipped: runs 0" "$(field "$K" runs)" -eq 0
check "skipped: not judged" "$(field "$K" converged)" = ""
check "ci95 as before" "$(field "$S" throughput_bps_ci95)" = "$(field "$S" confidence_ci)"

summary 99,5
check "4% at 95 is 9.2% at 99: not converged" "$(field "$S" converged)" = 0
check_awk "at 99: t(99, 2) = 9.9248" "$(field "$S" confidence_ci_pct) > 9.22 && $(field "$S" confidence_ci_pct) < 9.23"
summary 90,5
check "4% at 95 is 2.7% at 90: converged" "$(field "$S" converged)" = 1
check "6% at 95 is 4.1% at 90: converged" "$(field "$R" converged)" = 1
summary 95,6.5
check "6% at 95,6.5: converged" "$(field "$R" converged)" = 1

summary ""
check "without confidence: converged empty" "$(field "$S" converged)" = ""
check "without confidence: level empty" "$(field "$S" confidence_level)" = ""
check "without confidence: runs all the same" "$(field "$S" runs)" -eq 3

# The table, not a copy: df 11 is stats.c's 2.2010 (the old awk took 10's
# 2.228), df 50 interpolated in 1/df between 40 and 60 (2.0086).
{
	echo "run_id,proto,kind,msg_size_bytes,status,throughput_bps"
	for i in $(seq 1 12); do echo "r,tcp,stream,8,ok,$((100 + i % 2 * 2))"; done
	for i in $(seq 1 51); do echo "r,tcp,stream,9,ok,$((100 + i % 2 * 2))"; done
} >"$WORK/r.csv"
summary ""
t_of() {   # t = ci95 / (sd / sqrt(n)) of the point NAME with N rows
	awk -v ci="$(field "$1" throughput_bps_ci95)" -v sd="$(field "$1" throughput_bps_sd)" \
		-v n="$2" 'BEGIN { printf "%.5f", ci / (sd / sqrt(n)) }'
}
check_awk "df 11: t 2.2010" "$(t_of "tcp stream 8 B" 12) > 2.2009 && $(t_of "tcp stream 8 B" 12) < 2.2011"
check_awk "df 50: t 2.0086" "$(t_of "tcp stream 9 B" 51) > 2.0085 && $(t_of "tcp stream 9 B" 51) < 2.0087"

# Standalone without the table, or with a bad confidence: exit 2, one line.
awk -f "$LIB/csv.awk" -f "$AGG" "$WORK/r.csv" >"$WORK/out" 2>"$WORK/err"
check "no t table: exit 2" $? -eq 2
check "no t table: one line" "$(wc -l <"$WORK/err")" -eq 1
check "no t table: says how" -n "$(grep -- '--t-table' "$WORK/err")"
check "no t table: no summary" ! -s "$WORK/out"
for c in 80,5 95 95,0 x,5 95,-1; do
	awk -v t_table="$TT" -v confidence="$c" -f "$LIB/csv.awk" -f "$AGG" "$WORK/r.csv" \
		>"$WORK/out" 2>"$WORK/err"
	check "confidence $c: exit 2" $? -eq 2
	check "confidence $c: one line" "$(wc -l <"$WORK/err")" -eq 1
done

# settle.awk after round 3: points (lines of points.tsv) 1 converged, 2 open,
# 3 open but at its maximum, 4 had no ok run, 5 has no figure (linger), 6
# settled before, 7 skipped (not in the plan); repeat 10 each, 2 s, 0.5 s
# overhead.
{
	echo "run_id,proto,kind,msg_size_bytes,status,throughput_bps,rr_rate_tps"
	for i in 1 2 3; do
		echo "r,tcp,stream,1,ok,100,"                     # rows 1 5 9 (.. 4 each round)
		echo "r,tcp,rr,1,ok,,$((100 + i * 20))"             # 2 6 10
		echo "r,tcp,stream,2,ok,$((100 + i * 20)),"        # 3 7 11
		echo "r,tcp,stream,3,error,,"                       # 4 8 12
	done
	echo "r,tcp,linger,1,ok,,"                                  # 13
	echo "r,tcp,rr,2,ok,,100"                                   # 14
	echo "r,tcp,rr,3,skipped,,"                                 # 15
} >"$WORK/r.csv"
summary 95,5
P=$WORK/points.tsv
: >"$P"
for i in 1 2 3 4 5 6 7; do
	rep=10 skip=-
	[ $i -eq 3 ] && rep=3
	[ $i -eq 7 ] && skip="sndbuf=1bdp needs the BDP"
	printf 'point\t-\ttcp\tstream\t1\t-\t-\t-\t-\t-\t2\t%d\t-\t-\tp%d\t-\t%s\n' \
		"$rep" "$i" "$skip" >>"$P"
done
printf '# point results_row\n1 9\n2 10\n3 11\n4 12\n5 13\n6 14\n7 15\n' >"$WORK/rows"
printf '# point settled\n6\n' >"$WORK/done"
awk -F '\t' -v round=3 -v ovh=0.5 -f "$LIB/csv.awk" -f "$LIB/settle.awk" \
	"$P" "$WORK/s.csv" "$WORK/rows" "$WORK/done" >"$WORK/settle" 2>&1
check "settle: exit 0" $? -eq 0
check "settle: done 1 3 4 5 7" "$(sed -n 's/^done //p' "$WORK/settle" | tr '\n' ' ')" = "1 3 4 5 7 "
check "settle: says converged" -n "$(grep '^say     converged: tcp stream 1 B after 3 runs: throughput_bps +-0% (95% confidence)$' "$WORK/settle")"
check "settle: says not converged at the maximum" -n "$(grep '^say     not converged: tcp stream 2 B after 3 runs' "$WORK/settle")"
check "settle: says no ok run" -n "$(grep '^say     tcp stream 3 B: no run of 3 was ok' "$WORK/settle")"
# 1, 4, 5 had 7 runs more planned, 3 none, 7 (skipped) was never planned:
# 21 tests, 21 x 2.5 s
check "settle: the plan shrinks, one point open" \
	"$(tail -n 1 "$WORK/settle")" = "CONF_SAVED_TESTS=21 CONF_SAVED_COST=52.500 CONF_OPEN=1"
finish
