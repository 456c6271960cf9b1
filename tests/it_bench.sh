# scripts/bench.sh end to end on loopback with short tests (suite compare:
# the six tests of the TCP-vs-UDP table): the run directory, its files, the
# table, the exit status, and that the receiver it started is gone
# afterwards, also when it is stopped by a signal.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
OUT=$WORK/out
ERR=$WORK/err

bench() {
  timeout 25 sh "$BENCH" --bin "$BIN" "$@"
}

# row_col FILE N NAME: column NAME of data row N (1 = first after the header).
row_col() {
  { sed -n 1p "$1"; sed -n "$(($2 + 1))p" "$1"; } >"$WORK/row.csv"
  col "$WORK/row.csv" "$3"
}

# port_closed PORT: nothing answers on 127.0.0.1 PORT any more.
port_closed() {
  "$BIN/tub-send" -c 127.0.0.1 -p "$1" -n 1 --connect-timeout 1 -q \
    --csv "$WORK/probe.csv" 2>/dev/null
  [ $? -eq 1 ] && [ "$(col "$WORK/probe.csv" status)" = connect_failed ]
}

recv_port() {
  sed -n 's/^tub-recv: listening on port \([0-9][0-9]*\)$/\1/p' "$1/recv.log"
}

# Bad usage: one line on stderr, exit 2.
bench --duration soon >/dev/null 2>"$ERR"
check "bad duration exit 2" $? -eq 2
check "bad duration one line" "$(wc -l <"$ERR")" -eq 1
bench --port 5799 >/dev/null 2>"$ERR"
check "--port without --peer exit 2" $? -eq 2

# A whole run.
bench --results "$WORK/results" --suite compare --duration 0.5 --label ittest \
  >"$OUT" 2>"$ERR"
rc=$?
check "bench exit" $rc -eq 0
[ $rc -eq 0 ] || cat "$ERR"
RUN=$(tail -n 1 "$OUT")
check "last line is the run dir" -d "$RUN"
case $RUN in
  "$WORK/results/"*-ittest) ok ;;
  *) bad "run dir name ($RUN)" ;;
esac
CSV=$RUN/results.csv
check "header and 6 rows" "$(wc -l <"$CSV")" -eq 7
for n in 1 2 3 4 5 6; do
  check "row $n status" "$(row_col "$CSV" $n status)" = ok
done
check "run id is the dir name" "$(col "$CSV" run_id)" = "$(basename "$RUN")"
check "3 stream and 3 rr rows" "$(grep -c ',stream,' "$CSV")" -eq 3
check "two tcp rr rows" "$(grep -c ',tcp,rr,' "$CSV")" -eq 2
check "nodelay on the first tcp rr" "$(row_col "$CSV" 4 local_granted_nodelay)" = 1
# compare's 0.9x: of the unpaced UDP rate measured first (path.csv)
ref=$(awk -F, '$1 == "reference_bps" { print $2 }' "$RUN/path.csv")
check "udp paced at 0.9x" "$(row_col "$CSV" 3 rate_req_bps)" = \
  "$(awk -v r="$ref" 'BEGIN { printf "%.0f", 0.9 * r }')"
check "its label" "$(row_col "$CSV" 3 point_label)" = "rate=0.9x"
check "the unpaced one is the overload test" "$(row_col "$CSV" 2 udp_overload)" = 1
check "meta has rmem_max" -n "$(grep '^net.core.rmem_max: ' "$RUN/meta.txt")"
check "meta has the command" -n "$(grep '^command: .*--label ittest' "$RUN/meta.txt")"
check "meta has the version" -n "$(grep '^tool_version: tub-send ' "$RUN/meta.txt")"
check "intervals.csv exists" -s "$RUN/intervals.csv"
check "interval rows" "$(grep -c ',receiver,' "$RUN/intervals.csv")" -ge 3
check "table has tcp lines" "$(grep -c '^tcp .* ok ' "$OUT")" -eq 3
check "table has udp lines" "$(grep -c '^udp .* ok ' "$OUT")" -eq 3
check "table shows Gbit/s or Mbit/s" -n "$(grep -E '[GM]bit/s' "$OUT")"
check "progress on stderr" \
  -n "$(grep '^\[6/6 [0-9:]*, eta [0-9:]*\] udp rr 64 B \.\.\. ok, rtt p50 ' "$ERR")"
PORT=$(recv_port "$RUN")
check "receiver had a port" -n "$PORT"
port_closed "$PORT"
check "receiver stopped at the end" $? -eq 0

# Stopped by SIGTERM in the middle: exit 143, receiver gone.
# (bench.sh itself, not the bench function: the signal must reach it)
sh "$BENCH" --bin "$BIN" --results "$WORK/results2" --suite compare --duration 1 \
  --label term --no-plot >"$OUT" 2>"$ERR" &
BENCH_PID=$!
for _ in $(seq 1 100); do
  grep -q '^\[1/6 ' "$ERR" && break
  sleep 0.1
done
kill -TERM "$BENCH_PID"
wait "$BENCH_PID"
check "SIGTERM exit 143" $? -eq 143
RUN2=$(ls -d "$WORK/results2/"*-term)
PORT=$(recv_port "$RUN2")
check "receiver had a port (term)" -n "$PORT"
port_closed "$PORT"
check "receiver stopped after SIGTERM" $? -eq 0
finish
