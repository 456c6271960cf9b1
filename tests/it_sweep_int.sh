# Ctrl-C in the middle of a sweep: SIGINT to bench.sh while a test runs.
# bench.sh passes it on to tub-send, which finishes its row ("interrupted");
# the sweep stops there, what was measured is summarized and drawn, the
# receiver is stopped, the exit status is 130, and results.csv is valid:
# a header and whole rows, all with as many fields.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
ERR=$WORK/err

# A shell ignores SIGINT in what it starts with &, and a shell started so
# cannot trap it; python3 sets it back to the default first, as it is for a
# command typed at a terminal.
python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])' \
  sh "$BENCH" --bin "$BIN" --suite tiny --duration 1 --results "$WORK/res" --label int \
  >"$WORK/out" 2>"$ERR" &
BENCH_PID=$!
for _ in $(seq 1 150); do
  grep -q '^\[3/20 ' "$ERR" && break
  sleep 0.1
done
sleep 0.4   # the third test is under way
T0=$(date +%s)
kill -INT "$BENCH_PID"
wait "$BENCH_PID"
rc=$?
T1=$(date +%s)
check "exit 130 after SIGINT" $rc -eq 130
check "stopped within 10 s" $((T1 - T0)) -le 10
RUN=$(ls -d "$WORK/res/"*-int)
CSV=$RUN/results.csv

python3 - "$CSV" >"$WORK/py.out" 2>&1 <<'EOF'
import csv, sys
with open(sys.argv[1], newline="") as f:
    text = f.read()
assert text.endswith("\n"), "the last row is not whole"
rows = list(csv.reader(text.splitlines()))
head, body = rows[0], rows[1:]
assert head[0] == "run_id" and "status" in head, head[:3]
assert all(len(r) == len(head) for r in body), {len(r) for r in body}
st = [r[head.index("status")] for r in body]
print(len(body), st)
assert 1 <= len(body) < 20, len(body)
assert st[-1] == "interrupted", st
assert all(s == "ok" for s in st[:-1]), st
EOF
rc=$?
check "results.csv whole, last row interrupted (python3)" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/py.out"
check "said it stopped" -n "$(grep 'stopped; summarizing' "$ERR")"
check "no search after the stop" -z "$(grep '^\[search' "$ERR")"
check "summary.csv written" -s "$RUN/summary.csv"
check "advice.txt written" -s "$RUN/advice.txt"
check "report written" -s "$RUN/report.md"
check "the table printed" -n "$(grep '^tcp stream 1400 B ' "$WORK/out")"
PORT=$(sed -n 's/^tub-recv: listening on port \([0-9][0-9]*\)$/\1/p' "$RUN/recv.log")
"$BIN/tub-send" -c 127.0.0.1 -p "${PORT:-1}" -n 1 --connect-timeout 1 -q \
  --csv "$WORK/probe.csv" 2>/dev/null
check "receiver stopped" "$(col "$WORK/probe.csv" status)" = connect_failed
finish
