# bench.sh with the suite keys of several flows, on loopback (~20 s):
# parallel=, dir= and flows= expand into tub-send's -P, -R/--bidir and
# --flow; every row of such a test lands in results.csv, summary.csv
# names each flow (and a sum) as a point of its own, each interval sample
# belongs to its own flow's row, the advice leaves those points out, and
# the charts share and share_time are drawn. A key used off the stream
# kind is a suite error.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
OUT=$WORK/out
ERR=$WORK/err

printf 'proto=tcp kind=rr parallel=2\n' >"$WORK/bad.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/bad.suite" --dry-run >/dev/null 2>"$ERR"
check "parallel= with rr: exit 2" $? -eq 2
check "... says why ($(cat "$ERR"))" -n "$(grep 'belong to kind=stream' "$ERR")"
# --set parallel=2 over a suite with rr lines: the rr points stay one flow
printf 'proto=tcp kind=stream,rr\n' >"$WORK/mixed.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/mixed.suite" --set parallel=2 \
	--set dir=reverse --dry-run >"$OUT" 2>"$ERR"
check "--set parallel=2 over rr lines: exit 0 ($(cat "$ERR"))" $? -eq 0
check "... the stream point x2 reverse" -n "$(grep 'tcp stream 128 KiB x2 reverse' "$OUT")"
check "... the rr point reverse, one flow" -n "$(grep 'tcp rr 64 B no nodelay reverse' "$OUT" | grep -v x2)"
printf 'flows=tcp/sctp\n' >"$WORK/bad.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/bad.suite" --dry-run >/dev/null 2>"$ERR"
check "flows= with an unknown transport: exit 2" $? -eq 2

# a flow's own options: local=/remote=, one option each, repeated for more
printf 'flows=tcp:local=congestion=reno/tcp:local=congestion=cubic:local=nodelay:remote=rcvbuf=64K\n' >"$WORK/own.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/own.suite" --dry-run >"$OUT" 2>"$ERR"
check "flows= with options: tub-send's --flow has them" \
	-n "$(grep -e '--flow tcp:size=131072:local=congestion=reno --flow tcp:size=131072:local=congestion=cubic,nodelay:remote=rcvbuf=64K$' "$OUT")"
printf 'flows=tcp:local=\n' >"$WORK/bad.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/bad.suite" --dry-run >/dev/null 2>"$ERR"
check "flows= with local= and no option: exit 2" $? -eq 2

cat >"$WORK/flows.suite" <<'EOF'
set duration=1s repeat=1
proto=tcp rate=50M parallel=1,2 dir=forward,bidir
flows=tcp:rate=30M/udp:rate=20M:size=1400,udp:rate=10M/rudp:rate=10M
EOF
sh "$BENCH" --bin "$BIN" --suite "$WORK/flows.suite" --dry-run >"$OUT" 2>"$ERR"
check "dry run: six points ($(wc -l <"$OUT"))" "$(wc -l <"$OUT")" -eq 6

timeout 100 sh "$BENCH" --bin "$BIN" --suite "$WORK/flows.suite" \
	--results "$WORK/res" --label flows >"$OUT" 2>"$ERR"
rc=$?
check "bench exit $rc" $rc -eq 0
[ $rc -eq 0 ] || cat "$ERR"
RUN=$(tail -n 1 "$OUT")
# 1 + 2 (bidir) + 3 (x2 and its sum) + 6 (x2 each way, a sum each) + 2 + 2
check "results.csv: 16 rows ($(csv_rows "$RUN/results.csv"))" \
	"$(csv_rows "$RUN/results.csv")" -eq 16
bad=$(awk -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$RUN/results.csv" <<'EOF'
NR == 1 { csv_index($0, c); next }
{ csv_split($0, r); if (r[c["status"]] != "ok") n++ }
END { print n + 0 }
EOF
)
check "every row ok ($bad not)" "$bad" -eq 0
names=$(awk -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$RUN/summary.csv" <<'EOF'
NR == 1 { csv_index($0, c); next }
{ csv_split($0, r); print r[c["name"]] }
EOF
)
for want in "tcp stream 128 KiB paced 50M x2 sum" \
	"tcp stream 128 KiB paced 50M flow 1 of 2 bidir reverse" \
	"tcp stream 128 KiB paced 50M x2 sum bidir reverse" \
	"udp stream 1400 B paced 20M (flows=tcp:rate=30M/udp:rate=20M:size=1400) flow 1 of 2" \
	"rudp stream 1400 B paced 10M (flows=udp:rate=10M/rudp:rate=10M) flow 1 of 2"; do
	check "summary names '$want'" -n "$(printf '%s\n' "$names" | grep -Fx "$want")"
done
check "summary: a point a row, 16 ($(csv_rows "$RUN/summary.csv"))" \
	"$(csv_rows "$RUN/summary.csv")" -eq 16
# each interval sample belongs to the row of its flow and direction
bad=$(awk -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$RUN/results.csv" "$RUN/intervals.csv" <<'EOF'
FNR == 1 { delete c; csv_index($0, c); f++; next }
f == 1 { csv_split($0, r); FL[FNR - 1] = r[c["flow"]] "/" r[c["direction"]]; next }
{ csv_split($0, r); n++
  if (FL[r[c["results_row"]]] != r[c["flow"]] "/" r[c["direction"]]) bad++ }
END { print (n > 0 ? bad + 0 : "none") }
EOF
)
check "interval samples on their own flow's row ($bad wrong)" "$bad" = 0
check "advice cites no flow of several" \
	-z "$(grep -e ' of 2' -e 'x2' "$RUN/advice.txt")"
for c in share share_time; do
	check "chart $c.png" -s "$RUN/charts/$c.png"
	check "chart $c.svg" -s "$RUN/charts/$c.svg"
done
finish
