# scripts/bench.sh --suite tiny on loopback (~10 s): the files of a run,
# every CSV whole and regular, summary.csv against statistics recomputed
# here from the rows (python3, not the awk that wrote it), the max-rate
# search, advice.txt traced back to rows, valid PNG and SVG charts, the
# report; then plot.sh overlaying two runs, and the suite errors.
. "$(dirname "$0")/lib.sh"
BENCH="$HERE/../scripts/bench.sh"
PLOT="$HERE/../scripts/plot.sh"
OUT=$WORK/out
ERR=$WORK/err

# A suite with a mistake: exit 2 and the file:line of it.
printf 'proto=tcp size=64Q\n' >"$WORK/bad.suite"
sh "$BENCH" --bin "$BIN" --suite "$WORK/bad.suite" --dry-run >/dev/null 2>"$ERR"
check "bad suite exit 2" $? -eq 2
check "bad suite says where" -n "$(grep 'bad.suite:1: size' "$ERR")"
sh "$BENCH" --bin "$BIN" --suite tiny --dry-run >"$OUT" 2>"$ERR"
check "dry run lists 10 points and a search" "$(wc -l <"$OUT")" -eq 11

timeout 55 sh "$BENCH" --bin "$BIN" --suite tiny --results "$WORK/res" --label tiny \
  >"$OUT" 2>"$ERR"
rc=$?
check "bench exit" $rc -eq 0
[ $rc -eq 0 ] || cat "$ERR"
RUN=$(tail -n 1 "$OUT")
for f in results.csv summary.csv intervals.csv maxrate.csv maxrate_trials.csv \
  advice.txt meta.txt report.md index.html suite.txt; do
  check "$f written" -s "$RUN/$f"
done
check "progress shows point i of N and an ETA" \
  -n "$(grep '^\[20/20 [0-9]*:[0-9][0-9], eta [0-9]*:[0-9][0-9]\] ' "$ERR")"

# Every CSV: a header and whole rows of as many fields (RFC 4180).
"$BIN/tub-send" --t-table >"$WORK/t.txt"
python3 - "$RUN" "$WORK/t.txt" >"$WORK/py.out" 2>&1 <<'EOF'
import csv, math, sys
run = sys.argv[1]
def rows(name):
    with open(f"{run}/{name}", newline="") as f:
        return list(csv.reader(f))
for name, n in (("results.csv", 21), ("summary.csv", 11), ("maxrate.csv", 2)):
    r = rows(name)
    widths = {len(x) for x in r}
    print(f"{name} lines {len(r)} widths {len(widths)}")
    assert len(r) == n and len(widths) == 1, (name, len(r), widths)

# Recompute summary.csv from results.csv: group by the columns that define
# a point, statistics over ok rows.
# (the t quantiles: tub-send --t-table, stats.c's; a run of this size
# needs df up to 30, where the table has every df)
T = {int(d): float(t) for lv, d, t in (l.split() for l in open(sys.argv[2]))
     if lv == "95" and d != "inf"}
assert abs(T[4] - 2.776) < 1e-3, T
def t95(df):
    return T[df]
key = ("run_id target proto kind direction msg_size_bytes duration_req_s "
       "count_req rate_req_bps local_opts remote_opts").split()
with open(f"{run}/results.csv", newline="") as f:
    res = list(csv.DictReader(f))
with open(f"{run}/summary.csv", newline="") as f:
    summ = {tuple(r[k] for k in key): r for r in csv.DictReader(f)}
groups = {}
for i, r in enumerate(res, 1):
    groups.setdefault(tuple(r[k] for k in key), []).append((i, r))
assert len(groups) == len(summ) == 10, (len(groups), len(summ))
checked = 0
for k, members in groups.items():
    s = summ[k]
    assert s["rows"] == " ".join(str(i) for i, _ in members), (s["rows"], members)
    for m in ("throughput_bps", "udp_loss_pct", "rtt_p50_us", "rtt_p99_us", "rr_rate_tps"):
        xs = [float(r[m]) for _, r in members if r["status"] == "ok" and r[m] != ""]
        if not xs:
            assert s[m + "_mean"] == "", (m, s[m + "_mean"])
            continue
        mean = sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - 1))
        ci = t95(len(xs) - 1) * sd / math.sqrt(len(xs))
        for name, want in (("mean", mean), ("sd", sd), ("ci95", ci),
                           ("min", min(xs)), ("max", max(xs))):
            got = float(s[f"{m}_{name}"])
            assert abs(got - want) <= 1e-5 * max(1.0, abs(want)), (k, m, name, got, want)
            checked += 1
print("statistics checked", checked)

# The search: its trials exist, its rate is one trial's offered rate.
mr = rows("maxrate.csv")
hd, row = mr[0], dict(zip(mr[0], mr[1]))
trials = list(csv.DictReader(open(f"{run}/maxrate_trials.csv", newline="")))
lo, hi = (int(x) for x in row["trial_rows"].split("-"))
assert lo == 1 and hi == len(trials) == int(row["iterations"]), (row, len(trials))
if row["rate_bps"]:
    best = trials[int(row["best_row"]) - 1]
    assert float(best["tx_rate_bps"]) == float(row["rate_bps"]), (best["tx_rate_bps"], row)
    assert float(best["udp_loss_pct"]) <= float(row["loss_threshold_pct"])
print("maxrate ok", row["status"], row["rate_bps"])

# advice.txt: every row it cites exists; its best TCP stream is the best mean.
import re
adv = open(f"{run}/advice.txt").read()
cited = [int(x) for grp in re.findall(r"\[rows ([0-9, ]+)\]", adv) for x in grp.split(", ")]
assert cited and max(cited) <= len(res), cited
best = max(float(s["throughput_bps_mean"]) for s in summ.values()
           if s["proto"] == "tcp" and s["kind"] == "stream" and s["rate_req_bps"] == ""
           and s["throughput_bps_mean"])
want = "%.2f Gbit/s" % (best / 1e9) if best >= 1e9 else "%.1f Mbit/s" % (best / 1e6)
tcp = adv.split("== TCP ==", 1)[1].split("\n== ", 1)[0]
bests = [l.split(": ", 1)[1] for l in re.findall(r"  best measured +(.*)", tcp)]
assert any(b.startswith(want) for b in bests), (bests, want)
print("advice ok")
EOF
rc=$?
check "CSV files, statistics, search and advice (python3)" $rc -eq 0
[ $rc -eq 0 ] || cat "$WORK/py.out"

check "advice has TCP and UDP" "$(grep -c '^== \(TCP\|UDP\) ==$' "$RUN/advice.txt")" -eq 2
check "advice names SO_SNDBUF" -n "$(grep 'SO_SNDBUF ' "$RUN/advice.txt")"
check "advice has a BDP" -n "$(grep '  BDP  .* = [0-9.]* [KM]B' "$RUN/advice.txt")"
check "advice has the verdict" -n "$(grep '^Verdict on this path' "$RUN/advice.txt")"

# Charts: PNG signature, SVG start; the report shows each one.
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
is_svg() { head -c 5 "$1" | grep -q '^\(<?xml\|<svg\)'; }
if have_gnuplot "the run's charts"; then
  for c in throughput_buffers rtt_cdf udp_loss_rate maxrate_rcvbuf intervals; do
    check "$c.png is a PNG" -s "$RUN/charts/$c.png"
    is_png "$RUN/charts/$c.png" && ok || bad "$c.png signature"
    is_svg "$RUN/charts/$c.svg" && ok || bad "$c.svg start"
    check "report shows $c" -n "$(grep "(charts/$c.png)" "$RUN/report.md")"
    check "index.html shows $c" -n "$(grep "charts/$c.svg" "$RUN/index.html")"
  done
fi
check "no chart without data (one message size)" ! -e "$RUN/charts/throughput_size.png"

# plot.sh again from the CSV files alone, and two runs overlaid.
rm -rf "$RUN/charts" "$RUN/summary.csv"
TUB_BIN=$BIN sh "$PLOT" "$RUN" >/dev/null 2>"$ERR"
rc=$?
check "plot.sh remade summary.csv" -s "$RUN/summary.csv"
if have_gnuplot "plot.sh redrawing and overlaying two runs"; then
  check "plot.sh redraws" $rc -eq 0
  is_png "$RUN/charts/rtt_cdf.png" && ok || bad "redrawn rtt_cdf.png"
  cp -r "$RUN" "$WORK/res/again"
  sed -i 's/^label: .*/label: again/' "$WORK/res/again/meta.txt"
  sh "$PLOT" -o "$WORK/cmp" "$RUN" "$WORK/res/again" >"$OUT" 2>"$ERR"
  check "plot.sh compares two runs" $? -eq 0
  is_png "$WORK/cmp/charts/throughput_buffers.png" && ok || bad "compare chart"
  check "compare report names both runs" "$(grep -c '^## \(tiny\|again\)$' "$WORK/cmp/report.md")" -eq 2
  check "compare titles carry the labels" -n "$(grep -l 'again: ' "$WORK/cmp/charts/throughput_buffers.svg")"
fi

# Without gnuplot: a clear word, the CSV files all the same.
GNUPLOT=/nonexistent/gnuplot sh "$PLOT" "$RUN" >/dev/null 2>"$ERR"
check "no gnuplot: exit 1" $? -eq 1
check "no gnuplot: says how to get it" -n "$(grep 'gnuplot is missing; to draw them: ' "$ERR")"
check "no gnuplot: report still written" -s "$RUN/report.md"
check "no gnuplot: installs nothing" -z "$(grep -i 'installing' "$ERR")"
finish
