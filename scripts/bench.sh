#!/bin/sh
# bench.sh: TCP and UDP side by side; a sweep of tests from a suite
# (scripts/suites/), then summary, tuning advice, charts and a report in
# <results>/<YYYY-mm-dd-HHMMSS>-<label>/. Run with -h for the options.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
PROG=bench.sh
. "$LIB/util.sh"
. "$LIB/install.sh"
. "$LIB/target.sh"
. "$LIB/sweep.sh"
. "$LIB/probe.sh"
. "$LIB/scale.sh"

LABEL=""
SUITE=""
SWEEPS=""               # --sweep lines, one per line
SETS=""                 # --set KEY=LIST ...
DURATION=""
REPEAT=""
CONFIDENCE=""           # --confidence LEVEL,PCT
CONF_MAX=10             # runs of a point at most under --confidence without --repeat
T_TABLE=""              # tub-send --t-table: stats.c's t table, for aggregate.awk
KINDS=""                # a file of tub-send --list-kinds: the table of kinds, for suite.awk
QUICK=0
MODE=local
PEER=""
PEER_PORT=""
SSH=""
SSH_OPTS=""
LINK=""
LINK_STEER=""
RESULTS=$ROOT/results
BIN=""
PLOT=1
MAXRATE=1
PROBE=1
DRY_RUN=0

RUN=""
WORK=""
STOP=""

usage() {
  cat <<EOF
usage: scripts/bench.sh [options]
Run a suite of TCP and UDP tests against a tub-recv, then write results.csv,
summary.csv, maxrate.csv, advice.txt, charts and report.md into a run
directory, and print a table. With no options: suite quick (about a minute)
on loopback, charts drawn.

Where the receiver is (default: tub-recv started on 127.0.0.1):
  --peer HOST         a tub-recv already running on HOST
  --port N            its control port (default 5799; with --peer only)
  --ssh [USER@]HOST   copy the source to HOST over ssh, build and start
                      tub-recv there, stop it and remove the copy at the end
                      (with --peer too: ssh to one name, test to another)
  --ssh-opts 'OPTS'   more ssh options, e.g. '-p 2222 -i ~/.ssh/lab'
  --link PROFILE      across an emulated link (scripts/netns.sh, needs root):
                      lan, wan, lossy, wifi, satellite; with 2 CPUs or more
                      the link has the last one, the hosts the others
  --link-steer yes|no whether the hosts' CPUs also take the packets the link
                      delivers through their stacks (yes: an exact link; no:
                      the link's CPU does, leaving the hosts more CPU). The
                      default is yes with 3 CPUs or more, no with 2
What runs:
  --suite NAME|FILE   a suite of scripts/suites/ or a file (default quick);
                      rate=0.9x and sndbuf=1bdp scale to the probed path
                      (scripts/suites/README)
  --list-suites       the suites and what they are for
  --sweep 'LINE'      one more sweep line (scripts/suites/README); without
                      --suite, only the lines given run
  --set KEY=LIST      replace KEY on every line, e.g. --set size=1400,8K
  --duration DUR      length of every test: 3, 3s, 500ms (without it: the
                      suite's, and across a probed path at least 50 RTTs
                      for streams and max-rate trials, 20 for the rest)
  --repeat N          runs of every point
  --confidence L,P    repeat each point until the half-width of the L%
                      confidence interval of its mean is within P% of the
                      mean (L: 90, 95 or 99; e.g. 95,5): 3 runs at least,
                      --repeat N at most (without it $CONF_MAX, whatever the
                      suite says). It judges stream by throughput_bps, rr
                      and connect by rr_rate_tps, fill by fill_bytes (UDP:
                      fill_held_msgs), from ok runs only; linger and
                      keepalive run 3 times. Rounds of all points as with
                      --repeat; from the third, a point that converged (or
                      had no ok run) runs no more. The plan and the ETA are
                      maxima. summary.csv: runs, converged, confidence_*
  --quick             1 s per test (same as --duration 1s)
  --loss-threshold P  loss in percent the max-rate search allows (default
                      0.1), above the path's own loss when probed
  --no-maxrate        skip the max-rate searches
  --no-probe          do not measure the path first (with --peer, --ssh or
                      --link, a probe of ~10-20 s writes path.csv: RTT,
                      loss, bottleneck, TCP goodput, MTU, BDP)
  --dry-run           list the points and searches, run nothing (the
                      programs are built first where needed: the kinds
                      and their default sizes are tub-send's)
Output:
  --label NAME        name of the run, in its directory name
  --results DIR       where run directories go (default results/ in the repo)
  --no-plot           no charts (scripts/plot.sh RUN_DIR draws them later)
  --bin DIR           tub-send and tub-recv from DIR; do not build
  -h, --help          this text
Set-up: run as root on a system with apt-get, it first installs what is
missing of the build tools (cmake make gcc libc6-dev; only when it builds)
and gnuplot-nox (only when it draws), saying what; never with
TUB_NO_INSTALL=1. Otherwise, without the build tools it prints the command
to run and exits 2; without gnuplot it draws no charts and says how to get
them.
Progress goes to stderr; the table and, last, the run directory to stdout.
Ctrl-C stops after the current test, which still writes its row; what was
measured is summarized and drawn. Exit status: 0 all tests ok, 1 a test
failed, 2 bad usage or missing build tools, 130/143 stopped by
SIGINT/SIGTERM.
EOF
}

# ---- options ----

need_value() {
  [ "$2" -ge 2 ] || usage_error "$1 needs a value"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --label) need_value "$1" $#; LABEL=$2; shift ;;
      --suite) need_value "$1" $#; SUITE=$2; shift ;;
      --sweep) need_value "$1" $#; SWEEPS="$SWEEPS$2
"; shift ;;
      --set) need_value "$1" $#; SETS="$SETS $2"; shift ;;
      --duration) need_value "$1" $#; DURATION=$2; shift ;;
      --repeat) need_value "$1" $#; REPEAT=$2; shift ;;
      --confidence) need_value "$1" $#; CONFIDENCE=$2; shift ;;
      --loss-threshold) need_value "$1" $#; SETS="$SETS loss=$2"; shift ;;
      --peer) need_value "$1" $#; PEER=$2; shift ;;
      --port) need_value "$1" $#; PEER_PORT=$2; shift ;;
      --ssh) need_value "$1" $#; SSH=$2; shift ;;
      --ssh-opts) need_value "$1" $#; SSH_OPTS=$2; shift ;;
      --link) need_value "$1" $#; LINK=$2; shift ;;
      --link-steer) need_value "$1" $#; LINK_STEER=$2; shift ;;
      --results) need_value "$1" $#; RESULTS=$2; shift ;;
      --bin) need_value "$1" $#; BIN=$2; shift ;;
      --quick) QUICK=1 ;;
      --no-plot) PLOT=0 ;;
      --no-maxrate) MAXRATE=0 ;;
      --no-probe) PROBE=0 ;;
      --dry-run) DRY_RUN=1 ;;
      --list-suites) list_suites; exit 0 ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
}

list_suites() {
  for f in "$ROOT"/scripts/suites/*; do
    [ "$(basename "$f")" = README ] && continue
    sed -n '1s/^# *//p' "$f"
  done
}

check_args() {
  case $LABEL in
    *[!A-Za-z0-9._-]* | .*) usage_error "--label: use letters, digits, '.', '_', '-'" ;;
  esac
  [ "$QUICK" -eq 1 ] && [ -z "$DURATION" ] && DURATION=1s
  if [ -n "$DURATION" ]; then
    echo "$DURATION" | grep -Eq '^[0-9]+(\.[0-9]+)?(ms|s)?$' ||
      usage_error "--duration: '$DURATION' is not like 3, 3s or 500ms"
    DURATION=$(echo "$DURATION" | awk '{ v = $0 + 0; if ($0 ~ /ms$/) v /= 1000; print v }')
    calc_true "$DURATION > 0" || usage_error "--duration: must be more than 0"
  fi
  case $REPEAT in
    '') ;;
    *[!0-9]* | 0*) usage_error "--repeat: '$REPEAT' is not a whole number >= 1" ;;
  esac
  check_confidence
  check_where
}

# check_confidence: --confidence LEVEL,PCT; its maximum becomes REPEAT,
# the runs of every point (suite.awk), 3 at least.
check_confidence() {
  [ -n "$CONFIDENCE" ] || return 0
  case $CONFIDENCE in
    *,*) ;;
    *) usage_error "--confidence: '$CONFIDENCE' is not LEVEL,PCT (e.g. 95,5: the 95% interval within 5% of the mean)" ;;
  esac
  c_level=${CONFIDENCE%%,*}
  c_pct=${CONFIDENCE#*,}
  case $c_level in
    90 | 95 | 99) ;;   # the levels of common/stats.c's t table
    *) usage_error "--confidence: level '$c_level' is not 90, 95 or 99" ;;
  esac
  echo "$c_pct" | grep -Eq '^([0-9]+(\.[0-9]*)?|\.[0-9]+)$' && calc_true "$c_pct > 0" ||
    usage_error "--confidence: '$c_pct' is not a percentage above 0 (the interval's half-width, in % of the mean)"
  if [ -n "$REPEAT" ]; then
    [ "$REPEAT" -ge 3 ] || usage_error "--confidence runs a point 3 times at least: --repeat $REPEAT is below"
  else
    REPEAT=$CONF_MAX
  fi
}

check_where() {
  case $PEER in -*) usage_error "--peer: '$PEER' is not a host name" ;; esac
  case $SSH in -*) usage_error "--ssh: '$SSH' is not a host name" ;; esac
  if [ -n "$PEER_PORT" ]; then
    [ -n "$PEER" ] && [ -z "$SSH" ] || usage_error "--port needs --peer (and no --ssh)"
    case $PEER_PORT in *[!0-9]*) usage_error "--port: '$PEER_PORT' is not a number" ;; esac
    [ "$PEER_PORT" -ge 1 ] && [ "$PEER_PORT" -le 65535 ] ||
      usage_error "--port: $PEER_PORT is out of range"
  fi
  [ -z "$LINK_STEER" ] || [ -n "$LINK" ] || usage_error "--link-steer needs --link"
  case $LINK_STEER in
    "" | yes | no) ;;
    *) usage_error "--link-steer: '$LINK_STEER' is not yes or no" ;;
  esac
  if [ -n "$LINK" ]; then
    [ -z "$PEER$SSH" ] || usage_error "--link is one machine; not with --peer or --ssh"
    case $LINK in
      lan | wan | lossy | wifi | satellite) ;;
      *) usage_error "--link: '$LINK' is not lan, wan, lossy, wifi or satellite" ;;
    esac
    MODE=link
  elif [ -n "$SSH" ]; then
    MODE=ssh
  elif [ -n "$PEER" ]; then
    MODE=peer
  fi
  if [ -z "$LABEL" ]; then
    case $MODE in
      local) LABEL=loopback ;;
      link) LABEL=link-$LINK ;;
      ssh) LABEL=$(printf '%s' "${PEER:-${SSH#*@}}" | tr -c 'A-Za-z0-9._-' _) ;;
      peer) LABEL=$(printf '%s' "$PEER" | tr -c 'A-Za-z0-9._-' _) ;;
    esac
    LABEL=$LABEL-$(basename "${SUITE:-quick}")
  fi
}

# ---- the suite ----

# suite_file: the file --suite names (a path, or a name in scripts/suites/).
suite_file() {
  if [ -f "$SUITE" ]; then echo "$SUITE"
  elif [ -f "$ROOT/scripts/suites/$SUITE" ]; then echo "$ROOT/scripts/suites/$SUITE"
  else usage_error "--suite: no file '$SUITE' and no suite of that name (--list-suites)"
  fi
}

# expand_suite: POINTS, the tests to run (lib/suite.awk's lines), from the
# suite file and the --sweep lines; suite.txt keeps both for the record.
expand_suite() {
  POINTS=$WORK/points.tsv
  set --
  if [ -n "$SUITE" ] || [ -z "$SWEEPS" ]; then
    SUITE=${SUITE:-quick}
    set -- "$(suite_file)"
  fi
  if [ -n "$SWEEPS" ]; then
    printf '%s' "$SWEEPS" >"$WORK/command-line"
    set -- "$@" "$WORK/command-line"
  fi
  cat "$@" >"$WORK/suite.txt"
  # the figures relative values and durations scale with (lib/scale.sh)
  old_ifs=$IFS
  IFS='
'
  # shellcheck disable=SC2046 # one -v or assignment a line
  set -- $(suite_vars) -f "$LIB/csv.awk" -f "$LIB/suite.awk" "$@"
  IFS=$old_ifs
  awk -v sets="$SETS" -v duration="$DURATION" -v repeat="$REPEAT" -v kinds="$KINDS" "$@" >"$POINTS" ||
    usage_error "the suite has an error (the line above)"
  if [ "$MAXRATE" -eq 0 ]; then
    grep -v '^maxrate	' "$POINTS" >"$POINTS.tmp"
    mv "$POINTS.tmp" "$POINTS"
  fi
}

dry_run() {
  awk -F '\t' -v conf="$CONFIDENCE" '
  function times(n) { return conf == "" ? "x" n : "x3-" n }
  function xargs(x) { gsub(/\+/, " ", x); return x }
  {
    if ($17 ~ /: pending$/)
      printf "%-44s %s  %ss  --label %s (its value once the path is measured)\n", $15, times($12), $11, $16
    else if ($17 != "-")
      printf "%-44s skipped: %s\n", $15, $17
    else if ($1 == "point")
      printf "%-44s %s  %ss  --local-opt %s --remote-opt %s%s%s\n", $15, times($12), $11, $8, $9,
        ($16 == "-" ? "" : " --label " $16), ($18 == "-" || $18 == "" ? "" : " " xargs($18))
    else
      printf "%-44s search  %ss per trial, loss <= %s%%\n", "maxrate " $15, $11, substr($14, 1, index($14, " ") - 1)
  }' "$POINTS"
  plan_sums
  say "$(upto_text)$TOTAL_TESTS tests and $NSEARCH max-rate searches, $(upto_text)about $(mmss "$PLAN_COST")"
  if [ "$MODE" != local ] && [ "$PROBE" -eq 1 ]; then
    say "and first the path probe (path.csv): about $(probe_estimate) s at a short RTT"
  fi
}

# ---- build ----

sources_newer_than() {
  find "$ROOT/common" "$ROOT/bench" "$ROOT/CMakeLists.txt" -newer "$1" 2>/dev/null |
    head -n 1
}

# programs: what this run needs (tub-link too across an emulated link).
programs() {
  echo tub-send tub-recv
  [ "$MODE" = link ] && echo tub-link
}

needs_build() {
  for p in $(programs); do
    [ -x "$BIN/$p" ] || return 0
    [ -z "$(sources_newer_than "$BIN/$p")" ] || return 0
  done
  return 1
}

# set_up BUILD: what this run needs from the system, before any test (as
# root with apt-get, installed; lib/install.sh): the build tools when BUILD
# is 1, gnuplot when it draws. Without the build tools: exit 2, saying how
# to get them.
set_up() {
  tools=""
  [ "$1" -eq 1 ] && tools="cmake make gcc libc6-dev"
  plot=""
  [ "$PLOT" -eq 1 ] && [ "$DRY_RUN" -eq 0 ] && plot="gnuplot-nox"
  rc=0
  install_missing "$tools" "$plot" || rc=$?
  [ $rc -eq 0 ] || exit $rc
}

build_programs() {
  say "building $(programs | tr '\n' ' ')in $BIN ..."
  jobs=$(nproc 2>/dev/null || echo 2)
  cmake -S "$ROOT" -B "$BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2 || die "build failed"
  for p in $(programs); do
    cmake --build "$BIN" -j "$jobs" --target "$p" >&2 || die "build failed"
  done
}

prepare_programs() {
  if [ -n "$BIN" ]; then
    for p in $(programs); do
      [ -x "$BIN/$p" ] || usage_error "--bin: no $p in $BIN"
    done
    BIN=$(cd "$BIN" && pwd)
    set_up 0
    return 0
  fi
  BIN=$ROOT/build
  if needs_build; then
    set_up 1
    build_programs
  else
    set_up 0
  fi
}

# read_tables: what the scripts take from tub-send instead of a copy:
# T_TABLE (aggregate.awk's t table) and KINDS (suite.awk's table of kinds).
read_tables() {
  T_TABLE=$("$BIN/tub-send" --t-table 2>/dev/null) && [ -n "$T_TABLE" ] ||
    die "$BIN/tub-send has no --t-table (built before it?): rebuild it"
  KINDS=$WORK/kinds
  "$BIN/tub-send" --list-kinds >"$KINDS" 2>/dev/null && [ -s "$KINDS" ] ||
    die "$BIN/tub-send has no --list-kinds (built before it?): rebuild it"
}

# ---- the run directory and meta.txt ----

make_run_dir() {
  mkdir -p "$RESULTS" && RESULTS=$(cd "$RESULTS" && pwd) ||
    { echo "$PROG: cannot create $RESULTS" >&2; exit 1; }
  RUN_ID=$(date +%Y-%m-%d-%H%M%S)-$LABEL
  base=$RUN_ID
  n=1
  while [ -e "$RESULTS/$RUN_ID" ]; do   # two runs in the same second
    n=$((n + 1))
    RUN_ID=$base-$n
  done
  RUN=$RESULTS/$RUN_ID
  mkdir "$RUN" || { echo "$PROG: cannot create $RUN" >&2; exit 1; }
  cp "$WORK/suite.txt" "$RUN/suite.txt"
  cp "$POINTS" "$RUN/points.tsv"
}

write_meta() {
  {
    echo "date: $(date '+%Y-%m-%d %H:%M:%S %z')"
    echo "run_id: $RUN_ID"
    echo "label: $LABEL"
    echo "suite: ${SUITE:-(command line)}${SWEEPS:+ + --sweep lines} (suite.txt, points.tsv)"
    echo "plan: $(upto_text)$TOTAL_TESTS tests, $NSEARCH max-rate searches"
    [ -z "$CONFIDENCE" ] ||
      echo "confidence: $CONFIDENCE (each point 3 to $REPEAT runs, until the half-width of the ${CONFIDENCE%%,*}% interval of its mean is within ${CONFIDENCE#*,}% of the mean; summary.csv converged)"
    if [ -n "$DURATION" ]; then
      echo "duration_per_test: ${DURATION}s (command line)"
    else
      echo "duration_per_test: as in the suite"
    fi
    echo "link: $(describe_link)"
    echo "loss_threshold_pct: $(probe_threshold)"
    echo "target: $HOST port $PORT"
    echo "# this host (the sender)"
    # where tub-send runs (across --link: in namespace a)
    # shellcheck disable=SC2086 # SEND_WRAP is a command prefix
    $SEND_WRAP sh "$LIB/hostinfo.sh" "$HOST"
    case $MODE in
      local) echo "# the receiver: this host (loopback)" ;;
      peer) echo "# the receiver: $PEER (tub-recv started by hand; --ssh collects its facts)" ;;
      ssh) echo "# the receiver: $SSH (over ssh)" ;;
      link) echo "# the receiver: namespace b of the emulated link" ;;
    esac
    receiver_info >"$WORK/receiver_info"
    cat "$WORK/receiver_info"
    if [ "$MODE" = ssh ] || [ "$MODE" = link ] && [ ! -s "$WORK/receiver_info" ]; then
      echo "# the receiver's facts could not be had: $(head -n 1 "$WORK/receiver_info.err" 2>/dev/null)"
    fi
    echo "tool_version: $("$BIN/tub-send" --version 2>&1)"
    echo "command: $CMDLINE"
  } >"$RUN/meta.txt"
}

# ---- after the tests ----

# summarize: summary.csv from results.csv, advice.txt from both and maxrate.csv.
summarize() {
  set -- "$RUN/meta.txt"
  if [ -s "$RUN/results.csv" ]; then
    awk -v t_table="$T_TABLE" -v confidence="$CONFIDENCE" -f "$LIB/csv.awk" \
      -f "$ROOT/scripts/aggregate.awk" "$RUN/results.csv" >"$RUN/summary.csv"
    set -- "$@" "$RUN/summary.csv"
  fi
  [ -s "$RUN/maxrate.csv" ] && set -- "$@" "$RUN/maxrate.csv"
  [ $# -gt 1 ] || return 0
  awk -f "$LIB/csv.awk" -f "$ROOT/scripts/advice.awk" "$@" >"$RUN/advice.txt"
}

draw() {
  [ "$PLOT" -eq 1 ] && { [ -s "$RUN/results.csv" ] || [ -s "$RUN/maxrate.csv" ]; } || return 0
  say "drawing the charts ..."
  TUB_BIN=$BIN sh "$ROOT/scripts/plot.sh" "$RUN" >/dev/null ||
    say "$PROG: charts incomplete (see above); the CSV files are complete"
}

print_table() {
  echo "TCP vs UDP to $HOST ($(describe_link)), run $RUN_ID"
  [ -z "$PATH_TEXT" ] || echo "path: $PATH_TEXT"
  if [ -s "$RUN/summary.csv" ]; then
    awk -f "$LIB/csv.awk" -f "$LIB/table.awk" "$RUN/summary.csv"
  else
    echo "(no result rows)"
  fi
  [ "$FRAG_WAITS" -eq 0 ] || frag_summary
  [ -z "$CONFIDENCE" ] || [ ! -s "$RUN/summary.csv" ] || confidence_summary
  [ -z "${SHORT_TEXT:-}" ] || echo "warning: $SHORT_TEXT"
  if [ -s "$RUN/maxrate.csv" ]; then
    echo
    awk -F, "$(cat "$LIB/csv.awk")"'
      NR > 1 { printf "max loss-free UDP rate, %s B, rcvbuf %s: %s\n", $3,
        ($5 == "" ? "default" : fmt_buf($5)),
        ($9 == "" ? $18 : sprintf("%s (loss %.3g%%)", fmt_bits($9), $12)) }' \
      "$RUN/maxrate.csv"
  fi
  echo
  echo "$RUN"
}

# confidence_summary: one line on how the points converged, and one for
# each that did not.
confidence_summary() {
  awk -v target="$CONFIDENCE" "$(cat "$LIB/csv.awk")"'
    NR == 1 { csv_index($0, col); next }
    { csv_split($0, r) }
    r[col["converged"]] == 1 { yes++ }
    r[col["converged"]] == "" && r[col["runs"]] > 0 { other++ }
    r[col["converged"]] == 0 {
      no++
      ci = r[col["confidence_ci_pct"]]
      ci = (ci == "") ? "(fewer than 2 ok runs)" : sprintf("+-%.3g%%", ci)
      t = t sprintf("\n  not converged: %s, %d runs: %s %s", r[col["name"]],
        r[col["runs"]], r[col["confidence_metric"]], ci)
    }
    END {
      split(target, a, ",")
      printf "confidence %s%%, within %s%% of the mean: %d of %d points converged%s%s\n",
        a[1], a[2], yes, yes + no,
        other ? sprintf(", %d more ran 3 times (no figure of their kind to converge on)", other) : "", t
    }' "$RUN/summary.csv"
}

# ---- signals and cleanup ----

on_signal() {
  if [ -n "$STOP" ]; then   # a second one: out at once
    forward_signal
    exit "$1"
  fi
  STOP=$1
  forward_signal
  say ""
  say "$PROG: stopping after this test (Ctrl-C again: at once) ..."
}

cleanup() {
  target_stop
  [ -n "$WORK" ] && rm -rf "$WORK"
}

# ---- main ----

CMDLINE=$(shell_quote "$0")
for a in "$@"; do CMDLINE="$CMDLINE $(shell_quote "$a")"; done

parse_args "$@"
check_args
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tub-bench.XXXXXX") || die "cannot make a temporary directory"
trap 'cleanup' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM
scale_init
# the programs first, a dry run too: the suite's kinds, their transports
# and default sizes are tub-send's (--list-kinds)
prepare_programs
read_tables
expand_suite
if [ "$DRY_RUN" -eq 1 ]; then dry_run; exit 0; fi
plan_sums
make_run_dir
target_start
write_meta
PATH_TEXT=""
[ "$MODE" = local ] || [ "$PROBE" -eq 0 ] || probe_path
[ -n "$STOP" ] || scale_reference
scale_points

plan_sums   # the clock starts now
FRAG_PLAN_TEXT=""
[ "$FRAG_PLAN_S" -eq 0 ] ||
  FRAG_PLAN_TEXT=" (with about $(mmss "$FRAG_PLAN_S") of waits for the receiver's IP reassembly queues after fragmented UDP tests that lose)"
say "run $RUN_ID: $(upto_text)$TOTAL_TESTS tests and $NSEARCH max-rate searches against $HOST port $PORT, $(upto_text)about $(mmss "$PLAN_COST")$FRAG_PLAN_TEXT"
[ -n "$STOP" ] || run_sweep
[ -n "$STOP" ] || run_searches
target_stop
frag_summary >>"$RUN/meta.txt"
[ -s "$RUN/send.log" ] || rm -f "$RUN/send.log"
[ -n "$STOP" ] && say "$PROG: stopped; summarizing what was measured in $RUN"
summarize
draw
print_table
[ -z "$STOP" ] || exit "$STOP"
[ "$FAILED" -eq 0 ]
