# scripts/bench.sh with the socket-behaviour kinds on loopback (~15 s): a
# tiny suite of --sweep lines with TCP and UDP fill, connect and linger
# (the linger points' rate reaching tub-send's -b as the reader's rate);
# their charts valid PNG and SVG and in the report; the chart data (plot.sh
# --data) holding the rows' values; and a run with only some kinds drawing
# only their charts, silently.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
PLOT="$HERE/../scripts/plot.sh"
OUT=$WORK/out
ERR=$WORK/err

set -- --sweep 'proto=tcp kind=fill sndbuf=16K,64K rcvbuf=64K' \
  --sweep 'proto=udp kind=fill rcvbuf=16K,64K' \
  --sweep 'proto=tcp,udp kind=connect' \
  --sweep 'proto=tcp kind=linger size=16K sndbuf=1M lopts=linger=off,linger=1,linger=0 rate=50M'

# The plan: the default sizes are tub-send's, the linger points keep their rate.
sh "$BENCH" --bin "$BIN" --duration 0.3 "$@" --dry-run >"$OUT" 2>"$ERR"
check "dry run exit 0" $? -eq 0
check "dry run lists 9 points" "$(wc -l <"$OUT")" -eq 9
check "tcp fill at 16 KiB a send" "$(grep -c '^tcp fill 16 KiB ' "$OUT")" -eq 2
check "udp fill at 1400 B" "$(grep -c '^udp fill 1400 B ' "$OUT")" -eq 2
check "connect at 64 B" "$(grep -c '^\(tcp\|udp\) connect 64 B ' "$OUT")" -eq 2
check "linger points name the reader's rate" "$(grep -c '^tcp linger .* reader 50M ' "$OUT")" -eq 3
# A TCP-only kind with the default protocols: TCP points only; naming a
# protocol that lacks the kind: exit 2, and why.
sh "$BENCH" --bin "$BIN" --sweep 'kind=linger,keepalive' --dry-run >"$WORK/dry" 2>"$ERR"
check "tcp-only kinds, default protos: exit 0" $? -eq 0
check "tcp-only kinds, default protos: 2 tcp points" \
  "$(grep -c '^tcp \(linger\|keepalive\) ' "$WORK/dry")" -eq 2
check "tcp-only kinds, default protos: no udp point" -z "$(grep '^udp ' "$WORK/dry")"
sh "$BENCH" --bin "$BIN" --sweep 'proto=udp kind=linger' --dry-run >/dev/null 2>"$ERR"
check "udp linger: exit 2" $? -eq 2
check "udp linger: says why" -n "$(grep 'kind=linger does not run on proto=udp' "$ERR")"

timeout 40 sh "$BENCH" --bin "$BIN" --duration 0.3 --results "$WORK/res" --label kinds "$@" \
  >"$OUT" 2>"$ERR"
rc=$?
check "bench exit" $rc -eq 0
[ $rc -eq 0 ] || cat "$ERR"
RUN=$(tail -n 1 "$OUT")
CSV=$RUN/results.csv
check "results.csv written" -s "$CSV"
check "9 rows" "$(($(wc -l <"$CSV") - 1))" -eq 9
# Progress lines say what each kind found; the table tells the linger
# points apart by their options and the reader's rate.
check "progress: tcp fill" "$(grep -c 'ok, send() took [0-9]* B before it would block' "$ERR")" -eq 2
check "progress: udp fill" "$(grep -c 'ok, a socket nobody reads held [0-9]* of [0-9]* datagrams, dropped [0-9]*' "$ERR")" -eq 2
check "progress: connect" "$(grep -c 'ok, [0-9]* exchanges/s, p50 ' "$ERR")" -eq 2
check "progress: linger" "$(grep -c 'ok, close() took .* the peer got [0-9]* B and saw ' "$ERR")" -eq 3
check "table: linger points named with the reader's rate" \
  "$(grep -c '^tcp linger 16 KiB .*reader 50M' "$ERR" "$OUT" | awk -F: '{ n += $NF } END { print n }')" -ge 3

# summary.csv carries the kinds' figures: one row per point here, so each
# mean is its row's value.
python3 - "$CSV" "$RUN/summary.csv" >"$WORK/sum.out" 2>&1 <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
summ = list(csv.DictReader(open(sys.argv[2], newline="")))
assert len(summ) == len(rows) == 9, (len(summ), len(rows))
checked = 0
for r, s in zip(rows, summ):
    for m in ("fill_bytes", "fill_held_msgs", "fill_dropped_msgs", "linger_close_us",
              "linger_delivered_bytes", "connect_timewait"):
        if r[m] == "":
            assert s[m + "_mean"] == "", (m, s[m + "_mean"])
            continue
        # summary.csv prints 6 significant figures, and values of 1e5 or more as integers
        assert abs(float(s[m + "_mean"]) - float(r[m])) <= max(0.5, 1e-5 * float(r[m])), (m, s[m + "_mean"], r[m])
        checked += 1
assert checked >= 12, checked
print("summary figures checked", checked)
EOF
check "summary.csv has the kinds' figures" $? -eq 0
cat "$WORK/sum.out"

# Charts: PNG signature, SVG start; the report shows each one.
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_svg() { head -c 5 "$1" | grep -q '^\(<?xml\|<svg\)'; }
if have_gnuplot "the kinds' charts"; then
  for c in fill_tcp fill_udp connect linger; do
    check "$c.png written" -s "$RUN/charts/$c.png"
    is_png "$RUN/charts/$c.png" && ok || bad "$c.png signature"
    is_svg "$RUN/charts/$c.svg" && ok || bad "$c.svg start"
    check "report shows $c" -n "$(grep "(charts/$c.png)" "$RUN/report.md")"
    check "index.html shows $c" -n "$(grep "charts/$c.svg" "$RUN/index.html")"
  done
fi
check "no stream charts without streams" ! -e "$RUN/charts/throughput_size.png"

# The data the charts are drawn from, against the rows (written with or
# without gnuplot).
TUB_BIN=$BIN sh "$PLOT" --data "$WORK/data" "$RUN" >/dev/null 2>"$ERR"
rc=$?
if have_gnuplot "plot.sh --data drawing"; then
  check "plot.sh --data exit 0" $rc -eq 0
  check "plot.sh --data quiet" ! -s "$ERR"
fi
check "charts.txt kept" -s "$WORK/data/charts.txt"
python3 - "$CSV" "$WORK/data" >"$WORK/py.out" 2>&1 <<'EOF'
import csv, glob, sys
res, data = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(res, newline="")))
assert all(r["status"] == "ok" for r in rows), [(r["kind"], r["status"], r["error"]) for r in rows]

def points(chart):
    """Every data line of the chart's series files, as lists of words."""
    out = []
    for f in sorted(glob.glob(f"{data}/{chart}.s*.dat")):
        out += [line.split() for line in open(f) if line.strip()]
    return out

def near(a, b):
    # the chart data has 6 significant figures (awk prints with %.6g): 2052.095 us
    # is written 2052.09, 2.4e-6 off
    return abs(float(a) - float(b)) <= 1e-5 * max(1.0, abs(float(b)))

def has(pts, x, y):
    return any(near(p[0], x) and near(p[1], y) for p in pts if len(p) >= 2)

def kind(proto, k):
    return [r for r in rows if r["proto"] == proto and r["kind"] == k]

# TCP fill: fill_bytes at the granted SO_SNDBUF, and the reference line
# at granted SO_SNDBUF + the peer's granted SO_RCVBUF.
pts = points("fill_tcp")
tf = kind("tcp", "fill")
assert len(tf) == 2, len(tf)
for r in tf:
    x, fb = r["local_granted_sndbuf_bytes"], r["fill_bytes"]
    assert int(fb) > 0, fb
    assert has(pts, x, fb), ("fill_bytes", x, fb, pts)
    ref = int(x) + int(r["remote_granted_rcvbuf_bytes"])
    assert has(pts, x, ref), ("reference", x, ref, pts)
print("fill_tcp ok", [r["fill_bytes"] for r in tf])

# UDP fill: held and dropped at the granted SO_RCVBUF; held + dropped = sent.
pts = points("fill_udp")
uf = kind("udp", "fill")
assert len(uf) == 2, len(uf)
for r in uf:
    x = r["remote_granted_rcvbuf_bytes"]
    held, dropped, sent = (int(r[f"fill_{k}_msgs"]) for k in ("held", "dropped", "sent"))
    assert held > 0 and held + dropped == sent, (held, dropped, sent)
    for v in (held, dropped, sent):
        assert has(pts, x, v), ("udp fill", x, v, pts)
print("fill_udp ok", [(r["fill_held_msgs"], r["fill_dropped_msgs"]) for r in uf])

# connect: the rate and the p50 and p99 of each transport in the bars.
pts = points("connect")
for r in kind("tcp", "connect") + kind("udp", "connect"):
    ys = [p[1] for p in pts]
    for m in ("rr_rate_tps", "rtt_p50_us", "rtt_p99_us"):
        assert any(near(y, r[m]) for y in ys), (r["proto"], m, r[m], pts)
tw = kind("tcp", "connect")[0]["connect_timewait"]
assert any(len(p) >= 3 and near(p[2], tw) for p in pts), ("TIME_WAIT", tw)
print("connect ok")

# linger: the rate reached tub-send (-b); close() time and bytes delivered
# in the chart; RST marked where the peer saw one.
pts = points("linger")
lg = kind("tcp", "linger")
assert len(lg) == 3, len(lg)
for r in lg:
    assert r["rate_req_bps"] == "50000000", r["rate_req_bps"]
    assert any(near(p[1], r["linger_close_us"]) for p in pts), ("close", r["linger_close_us"])
    assert any(near(p[1], r["linger_delivered_bytes"]) for p in pts), ("delivered", r["linger_delivered_bytes"])
saw = {r["local_req_linger_s"]: r["linger_peer_saw"] for r in lg}
assert saw == {"-1": "fin", "1": "fin", "0": "rst"}, saw
rst = [r for r in lg if r["linger_peer_saw"] == "rst"][0]
assert int(rst["linger_delivered_bytes"]) < int(rst["linger_bytes"]), rst["linger_delivered_bytes"]
marks = [p for p in pts if len(p) >= 3 and p[2].strip('"') in ("FIN", "RST")]
assert sorted(p[2].strip('"') for p in marks) == ["FIN", "FIN", "RST"], marks
assert any(near(p[1], rst["linger_delivered_bytes"]) and p[2].strip('"') == "RST" for p in marks), marks
print("linger ok", saw)
EOF
rc=$?
check "chart data matches the rows (python3)" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/py.out"

# A run with only connect rows: only the connect chart, and not a word.
ONLY=$WORK/res/only-connect
mkdir -p "$ONLY"
cp "$RUN/meta.txt" "$ONLY/"
awk -F, 'NR == 1 || /,connect,/' "$CSV" >"$ONLY/results.csv"
TUB_BIN=$BIN sh "$PLOT" "$ONLY" >/dev/null 2>"$ERR"
rc=$?
if have_gnuplot "the chart of connect rows"; then
  check "plot.sh on connect rows exit 0" $rc -eq 0
  check "plot.sh on connect rows quiet" ! -s "$ERR"
  is_png "$ONLY/charts/connect.png" && ok || bad "connect chart from connect rows"
fi
for c in fill_tcp fill_udp linger; do
  check "no $c chart without its rows" ! -e "$ONLY/charts/$c.png"
done
check "report leaves out the charts without data" -z "$(grep 'charts/\(fill\|linger\)' "$ONLY/report.md")"
finish
