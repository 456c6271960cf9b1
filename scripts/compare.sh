#!/bin/sh
# compare.sh: two runs of bench.sh, point by point, from their CSV files.
#   scripts/compare.sh [-o DIR] RUN_A RUN_B
# Writes compare.md, index.html and compare.csv into DIR (default:
# cmp-<date>-<label A>-vs-<label B> beside RUN_A): the largest changes
# outside the noise, what differs between the runs' meta.txt (kernel,
# sysctls, MTU, link, hosts, tool version), every point both runs have with
# each mean, its 95% confidence interval, the change in percent and a
# verdict (better, worse, within noise, or one run only: cannot tell), and
# the points only one run has. Points are matched by their context
# (transport, kind, size, rate or its relative label, options, window),
# so runs of two host pairs or two paths compare. Exit status: 0 ok, 2 bad
# usage or a directory that is not a run.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
PROG=compare.sh
. "$LIB/util.sh"

usage() {
  sed -n '2,14s/^# \{0,1\}//p' "$0"
}

OUT=""
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
for r in "$A" "$B"; do
  [ -d "$r" ] || usage_error "$r: no such directory"
  [ -s "$r/summary.csv" ] || usage_error "$r: no summary.csv (not a run of bench.sh, or one that measured nothing)"
  [ -s "$r/meta.txt" ] || usage_error "$r: no meta.txt (not a run of bench.sh)"
  head -n 1 "$r/summary.csv" | grep -q '_mean' ||
    usage_error "$r/summary.csv has no means (made by an older tool: scripts/plot.sh $r remakes it)"
done

label() {
  l=$(sed -n 's/^label: //p' "$1/meta.txt" | head -n 1)
  [ -n "$l" ] || l=$(basename "$1")
  echo "$l"
}
LA=$(label "$A") LB=$(label "$B")
if [ -z "$OUT" ]; then
  safe() { echo "$1" | tr -c 'A-Za-z0-9._-' '_' | sed 's/_*$//'; }
  OUT=$(dirname "$A")/cmp-$(date +%Y-%m-%d-%H%M%S)-$(safe "$LA")-vs-$(safe "$LB")
fi
mkdir -p "$OUT" || die "cannot make $OUT"

say "$(awk -v out="$OUT" -v la="$LA" -v lb="$LB" -f "$LIB/csv.awk" -f "$LIB/compare.awk" \
  "$A/meta.txt" "$A/summary.csv" "$B/meta.txt" "$B/summary.csv")" ||
  die "the comparison failed"
. "$LIB/report.sh"
write_html "$OUT/compare.md" "$OUT/index.html"
echo "$OUT"
