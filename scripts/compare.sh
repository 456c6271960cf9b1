#!/bin/sh
# compare.sh: two runs of bench.sh, point by point, from their CSV files.
#   scripts/compare.sh [-o DIR] RUN_A RUN_B
# Writes compare.md, index.html and compare.csv into DIR (default:
# cmp-<date>-<label A>-vs-<label B> beside RUN_A): in a line, how many
# figures changed outside the noise; the runs by label and host pair; the
# largest real changes; what differs between the runs' meta.txt (kernel,
# sysctls, MTU, link, hosts, tool version); a chart per metric of the
# change at every point (charts/delta_*), the overlays of plot.sh (in
# DIR/overlay/); every point both runs have with each mean, its 95%
# confidence interval, the change in percent and a verdict (better, worse,
# within noise, no sense known, or one run only: cannot tell); the points
# only one run has. Points are matched by their context columns, metrics
# are the columns summary.csv has (scripts/lib/compare.awk), so runs of two
# host pairs, two paths or two versions of the tool compare. A run without
# summary.csv (older tools) is summarized from its results.csv here.
# Exit status: 0 ok, 1 the comparison failed, 2 bad usage or a directory
# that cannot be compared (said why).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
PROG=compare.sh
. "$LIB/util.sh"
. "$LIB/draw.sh"

usage() {
  sed -n '2,20s/^# \{0,1\}//p' "$0"
}

OUT=""
TMP=""
while [ $# -gt 0 ]; do
  case $1 in
    -o) [ $# -ge 2 ] || usage_error "-o needs a directory"; OUT=$2; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) usage_error "unknown option '$1'" ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 2 ] || usage_error "two run directories, A and B (got $#)"
A=$1 B=$2

# header_lacks FILE COL...: the named columns FILE's header does not have.
header_lacks() {
  f=$1
  shift
  awk -v head="$(head -n 1 "$f")" -v want="$*" -f "$LIB/csv.awk" -f /dev/stdin <<'EOF'
BEGIN {
  csv_index(head, col); n = split(want, w, " ")
  for (i = 1; i <= n; i++) if (!(w[i] in col)) t = t (t == "" ? "" : " ") w[i]
  print t
}
EOF
}

# view RUN N: the directory compare.awk and plot.sh read for RUN: RUN
# itself, or (a run of an older tool: no summary.csv, or one without
# means) TMP/runN with RUN's files and a summary.csv made here from its
# results.csv, RUN left as it is. Refuses what cannot be compared.
view() {
  r=$1
  [ -d "$r" ] || usage_error "$r: no such directory"
  [ -f "$r/meta.txt" ] ||
    say "$PROG: $r: no meta.txt (an older tool?): its hosts, kernel and sysctls are unknown, its label is its directory's name"
  if [ -s "$r/summary.csv" ] && head -n 1 "$r/summary.csv" | grep -q '_mean'; then
    lacks=$(header_lacks "$r/summary.csv" proto kind)
    [ -z "$lacks" ] || usage_error "$r/summary.csv has no column $lacks: a point cannot be named without it"
    echo "$r"
    return 0
  fi
  [ -s "$r/results.csv" ] ||
    usage_error "$r: no summary.csv with means and no results.csv (not a run of bench.sh, or one that measured nothing)"
  lacks=$(header_lacks "$r/results.csv" proto kind msg_size_bytes status)
  [ -z "$lacks" ] ||
    usage_error "$r/results.csv has no column $lacks (a tool too old to compare: its rows cannot be told apart)"
  tt=$(t_table) ||
    usage_error "$r has no summary.csv with means; making one from results.csv needs tub-send --t-table (build it: cmake -S . -B build && cmake --build build, or TUB_BIN=DIR)"
  v=$TMP/run$2
  mkdir -p "$v"
  for f in results.csv intervals.csv maxrate.csv; do
    [ -s "$r/$f" ] && ln -s "$(cd "$r" && pwd)/$f" "$v/$f"
  done
  if [ -f "$r/meta.txt" ]; then cp "$r/meta.txt" "$v/meta.txt"
  else printf 'label: %s\nlink: ?\n' "$(basename "$r")" >"$v/meta.txt"
  fi
  awk -v t_table="$tt" -f "$LIB/csv.awk" -f "$ROOT/scripts/aggregate.awk" "$r/results.csv" >"$v/summary.csv" ||
    usage_error "$r/results.csv: no summary could be made of it"
  say "$PROG: $r: no summary.csv with means (an older tool): summarized from its results.csv here (the run is left as it is)"
  echo "$v"
}

label() {
  l=$(sed -n 's/^label: //p' "$1/meta.txt" 2>/dev/null | head -n 1)
  [ -n "$l" ] || l=$(basename "$1")
  echo "$l"
}

cleanup() {
  [ -n "$TMP" ] && rm -rf "$TMP"
}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tub-compare.XXXXXX") || die "cannot make a temporary directory"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

VA=$(view "$A" 1) || exit 2
VB=$(view "$B" 2) || exit 2
LA=$(label "$VA") LB=$(label "$VB")
if [ "$LA" = "$LB" ]; then   # two runs of one label: their run ids tell them apart
  LA="$LA ($(sed -n 's/^run_id: //p' "$VA/meta.txt" | head -n 1))"
  LB="$LB ($(sed -n 's/^run_id: //p' "$VB/meta.txt" | head -n 1))"
  [ "$LA" != "$LB" ] || { LA="A: $LA"; LB="B: $LB"; }
fi
if [ -z "$OUT" ]; then
  safe() { echo "$1" | tr -c 'A-Za-z0-9._-' '_' | sed 's/_*$//' | cut -c1-40; }
  OUT=$(dirname "$A")/cmp-$(date +%Y-%m-%d-%H%M%S)-$(safe "$LA")-vs-$(safe "$LB")
fi
mkdir -p "$OUT/charts" || die "cannot make $OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/charts/delta_*

# the overlays (and a summary.csv older than its results.csv remade, as
# plot.sh does)
mkdir -p "$TMP/overlay"
"$ROOT/scripts/plot.sh" -o "$OUT/overlay" --data "$TMP/overlay" "$VA" "$VB" >/dev/null 2>"$TMP/plot.err"
case $? in
  0) ;;
  2) sed 's/^/  /' "$TMP/plot.err" >&2; die "plot.sh refused the runs" ;;
  *) sed 's/^/  /' "$TMP/plot.err" >&2; say "$PROG: some overlays could not be drawn" ;;
esac

mkdir -p "$TMP/delta"
awk -v out="$OUT" -v chd="$TMP/delta" -v la="$LA" -v lb="$LB" -f "$LIB/csv.awk" -f "$LIB/compare.awk" \
  "$VA/meta.txt" "$VA/summary.csv" "$VB/meta.txt" "$VB/summary.csv" >"$TMP/count" ||
  die "the comparison failed"
say "$(cat "$TMP/count")"
CHD=$TMP/delta
draw_all
. "$LIB/report.sh"

# charts_md: the change charts drawn, then the overlays, as markdown.
charts_md() {
  n=0
  while IFS='	' read -r name caption _w _h _gp _say; do
    [ -f "$OUT/charts/$name.png" ] || continue
    n=$((n + 1))
    echo "## Change in ${name#delta_}"
    echo
    echo "$caption"
    echo
    echo "![change in ${name#delta_}](charts/$name.png) ([SVG](charts/$name.svg))"
    echo
  done <"$TMP/delta/charts.txt"
  [ "$n" -gt 0 ] || { echo "No change charts (no metric with a sense both runs have, or no gnuplot)."; echo; }
  while IFS='	' read -r name caption _w _h _gp _say; do
    [ -f "$OUT/overlay/charts/$name.png" ] || continue
    echo "## Both runs on the same axes: $(chart_heading "$name")"
    echo
    # run_colour (csv.awk): run 1 blue, run 2 red, on every chart
    echo "$caption A in blue, B in red; overlay/index.html has them with each run's tables."
    echo
    echo "![$(chart_heading "$name")](overlay/charts/$name.png) ([SVG](overlay/charts/$name.svg))"
    echo
  done <"$TMP/overlay/charts.txt"
}
charts_md >"$TMP/charts.md"
awk -v f="$TMP/charts.md" '$0 == "<!-- charts -->" { while ((getline l < f) > 0) print l; next } { print }' \
  "$OUT/compare.md" >"$TMP/compare.md" && mv "$TMP/compare.md" "$OUT/compare.md"
write_html "$OUT/compare.md" "$OUT/index.html"
[ "$DRAW_FAILED" -eq 0 ] || say "$PROG: some change charts could not be drawn"
echo "$OUT"
