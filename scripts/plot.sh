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

# t_table: common/stats.c's t table (tub-send --t-table), for
# aggregate.awk: from TUB_BIN (bench.sh sets it), else build/ in the
# tree, else tub-send on the PATH. Fails when there is none.
t_table() {
  for s in ${TUB_BIN:+"$TUB_BIN/tub-send"} "$ROOT/build/tub-send" \
    "$(command -v tub-send 2>/dev/null)"; do
    [ -x "$s" ] && "$s" --t-table 2>/dev/null && return 0
  done
  return 1
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

# valid_chart FILE: a PNG starts with its 8-byte signature, an SVG with
# "<?xml" or "<svg".
valid_chart() {
  [ -s "$1" ] || return 1
  case $1 in
    *.png) [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ;;
    *.svg) head -c 5 "$1" | grep -q '^\(<?xml\|<svg\)' ;;
  esac
}

# draw NAME W H GP: NAME.png and NAME.svg from the prepared files and
# scripts/GP.gp.
draw() {
  for fmt in png svg; do
    f=$OUT/charts/$1.$fmt
    "${GNUPLOT:-gnuplot}" -e "fmt='$fmt'; out='$f'; w=$2; h=$3" \
      -e "vars='$CHD/$1.vars.gp'; plotfile='$CHD/$1.plot.gp'" \
      "$ROOT/scripts/style.gp" "$ROOT/scripts/$4.gp" 2>"$TMP/gnuplot.err"
    # warnings are gnuplot's business; errors and broken files are ours
    if ! valid_chart "$f" || grep -v -i -e warning -e '^ *$' -e '^ *plot ' -e '^ *\^' \
      "$TMP/gnuplot.err" | grep -q .; then
      say "$PROG: $1.$fmt: gnuplot said:"
      sed 's/^/  /' "$TMP/gnuplot.err" >&2
      valid_chart "$f" || { rm -f "$f"; DRAW_FAILED=1; }
    fi
  done
}

draw_all() {
  DRAW_FAILED=0
  need_gnuplot || { DRAW_FAILED=1; return; }
  while IFS='	' read -r name _caption w h gp _say; do
    draw "$name" "$w" "$h" "$gp"
  done <"$CHD/charts.txt"
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
