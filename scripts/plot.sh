#!/bin/sh
# plot.sh: charts (PNG and SVG, gnuplot) and a report from run directories'
# CSV files alone; bench.sh calls it at the end of every run.
#   scripts/plot.sh RUN_DIR             charts into RUN_DIR/charts/, report
#                                       into RUN_DIR/report.md and index.html
#   scripts/plot.sh [-o DIR] RUN_DIR... several runs on the same axes, each
#                                       in its own colour and with its label
#                                       (default DIR: compare-<date> beside
#                                       the first run)
#   --data DIR                          keep what each chart is drawn from
#                                       in DIR: NAME.sN.dat (one per series),
#                                       NAME.vars.gp, NAME.plot.gp, charts.txt
# A chart the runs have no data for is left out. Without gnuplot (or
# $GNUPLOT) it draws nothing and says how to get it; it never installs it
# (bench.sh does, before its first test). Exit status: 0 ok, 1 some chart
# could not be drawn (gnuplot missing or failing), 2 bad usage.
# A summary.csv older than its results.csv (or missing) is remade, with the
# t table of tub-send --t-table: TUB_BIN=DIR, else build/, else the PATH.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
PROG=plot.sh
. "$LIB/util.sh"
. "$LIB/draw.sh"

OUT=""
DATA=""
RUNS=""
NRUNS=0
TMP=""

usage() {
  sed -n '2,18s/^# \{0,1\}//p' "$0"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      -o) [ $# -ge 2 ] || usage_error "-o needs a directory"; OUT=$2; shift ;;
      --data) [ $# -ge 2 ] || usage_error "--data needs a directory"; DATA=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      -*) usage_error "unknown option '$1'" ;;
      *)
        [ -s "$1/results.csv" ] || [ -s "$1/summary.csv" ] || [ -s "$1/maxrate.csv" ] ||
          usage_error "$1: no results.csv (not a run directory?)"
        RUNS="$RUNS$(cd "$1" && pwd)
"
        NRUNS=$((NRUNS + 1))
        ;;
    esac
    shift
  done
  [ "$NRUNS" -ge 1 ] || usage_error "which run directory?"
}

# fresh_summary RUN: summary.csv and advice.txt from the CSV files, when
# missing or older than what they come from (with the run's --confidence,
# from meta.txt).
fresh_summary() {
  run=$1
  [ -s "$run/results.csv" ] || [ -s "$run/maxrate.csv" ] || return 0
  if [ -s "$run/results.csv" ] &&
    { [ ! -s "$run/summary.csv" ] || [ "$run/results.csv" -nt "$run/summary.csv" ]; }; then
    if tt=$(t_table); then
      conf=$(sed -n 's/^confidence: \([0-9.,]*\).*/\1/p' "$run/meta.txt" 2>/dev/null)
      awk -v t_table="$tt" -v confidence="$conf" -f "$LIB/csv.awk" \
        -f "$ROOT/scripts/aggregate.awk" "$run/results.csv" >"$run/summary.csv.new" &&
        mv "$run/summary.csv.new" "$run/summary.csv"
      rm -f "$run/summary.csv.new"
    else
      say "$PROG: no tub-send for the t table (build it, or TUB_BIN=DIR): $run/summary.csv not rewritten"
    fi
  fi
  [ ! -s "$run/advice.txt" ] || [ "$run/summary.csv" -nt "$run/advice.txt" ] || return 0
  meta=$run/meta.txt
  [ -f "$meta" ] || meta=/dev/null
  set -- "$meta"
  [ -s "$run/summary.csv" ] && set -- "$@" "$run/summary.csv"
  [ -s "$run/maxrate.csv" ] && set -- "$@" "$run/maxrate.csv"
  awk -f "$LIB/csv.awk" -f "$ROOT/scripts/advice.awk" "$@" >"$run/advice.txt"
}

# data_files: the files plotdata.awk reads, run by run, one per line.
data_files() {
  k=0
  printf '%s' "$RUNS" | while IFS= read -r run; do
    k=$((k + 1))
    meta=$run/meta.txt
    if [ ! -f "$meta" ]; then   # a label for a run without one
      mkdir -p "$TMP/run$k"
      meta=$TMP/run$k/meta.txt
      printf 'label: %s\nlink: ?\n' "$(basename "$run")" >"$meta"
    fi
    echo "$meta"
    for f in summary.csv maxrate.csv intervals.csv results.csv; do
      [ -s "$run/$f" ] && echo "$run/$f"
    done
  done
}

out_dir() {
  if [ -z "$OUT" ]; then
    first=$(printf '%s' "$RUNS" | sed -n 1p)
    if [ "$NRUNS" -eq 1 ]; then OUT=$first
    else OUT=$(dirname "$first")/compare-$(date +%Y-%m-%d-%H%M%S)
    fi
  fi
  mkdir -p "$OUT/charts" || die "cannot create $OUT/charts"
  OUT=$(cd "$OUT" && pwd)
  rm -f "$OUT"/charts/*.png "$OUT"/charts/*.svg
}

cleanup() {
  [ -n "$TMP" ] && rm -rf "$TMP"
}

parse_args "$@"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tub-plot.XXXXXX") || die "cannot make a temporary directory"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s' "$RUNS" | while IFS= read -r run; do fresh_summary "$run"; done
out_dir
data_files >"$TMP/files"
# where the chart data goes: the temporary directory, or --data DIR
if [ -n "$DATA" ]; then
  mkdir -p "$DATA" || die "cannot create $DATA"
  CHD=$(cd "$DATA" && pwd)
  rm -f "$CHD"/*.s[0-9]*.dat "$CHD"/*.vars.gp "$CHD"/*.plot.gp "$CHD/charts.txt"
else
  CHD=$TMP
fi
IFS='
'
# shellcheck disable=SC2046 # one file name per line
set -- $(cat "$TMP/files")
IFS=' 	
'
awk -v out="$CHD" -f "$LIB/csv.awk" -f "$LIB/plotdata.awk" -f "$LIB/frontier.awk" \
  -f "$LIB/plotdelay.awk" -f "$LIB/plotsay.awk" "$@" ||
  die "preparing the chart data failed"
draw_all
. "$LIB/report.sh"
write_report
echo "$OUT"
[ "$DRAW_FAILED" -eq 0 ]
