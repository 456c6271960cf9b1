#!/bin/sh
# bench.sh: TCP and UDP side by side, one short sweep. Writes
# <results>/<YYYY-mm-dd-HHMMSS>-<label>/{results.csv,intervals.csv,meta.txt}
# and prints a TCP-vs-UDP table. Run with -h for the options.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROG=bench.sh
TOTAL=6                 # tests in run_tests

LABEL=loopback
DURATION=""
PEER=""
PEER_PORT=""
QUICK=0
RESULTS=$ROOT/results
BIN=""

RECV_PID=""
FAILED=0
NUM=0
IN_TEST=0

usage() {
  cat <<EOF
usage: scripts/bench.sh [options]
Run six tests (TCP stream, UDP stream unlimited and paced at 1G, TCP rr with
and without nodelay, UDP rr) and print a TCP-vs-UDP table.
  --label NAME      name of the run, in its directory name (default loopback)
  --duration DUR    length of each test: 3, 3s, 500ms (default 3s)
  --quick           1 s per test (unless --duration is given)
  --peer HOST       use the tub-recv already running on HOST (default: start
                    one on loopback and stop it at the end)
  --port N          its control port (default 5799; only with --peer)
  --results DIR     where run directories go (default results/ in the repo)
  --bin DIR         use tub-send and tub-recv from DIR; do not build
  -h, --help        this text
Builds build/tub-send and build/tub-recv first when they are missing or older
than the sources. Exit status: 0 all tests ok, 1 a test failed, 2 bad usage.
EOF
}

usage_error() {
  echo "$PROG: $* (see $PROG -h)" >&2
  exit 2
}

say() {
  echo "$*" >&2
}

# shell_quote ARG: ARG as the shell would need it typed.
shell_quote() {
  case $1 in
    '' | *[!A-Za-z0-9_./=:,+@%-]*)
      printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
  esac
}

# ---- options ----

need_value() {
  [ "$2" -ge 2 ] || usage_error "$1 needs a value"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --label) need_value "$1" $#; LABEL=$2; shift ;;
      --duration) need_value "$1" $#; DURATION=$2; shift ;;
      --peer) need_value "$1" $#; PEER=$2; shift ;;
      --port) need_value "$1" $#; PEER_PORT=$2; shift ;;
      --results) need_value "$1" $#; RESULTS=$2; shift ;;
      --bin) need_value "$1" $#; BIN=$2; shift ;;
      --quick) QUICK=1 ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
}

check_args() {
  case $LABEL in
    '' | *[!A-Za-z0-9._-]* | .*) usage_error "--label: use letters, digits, '.', '_', '-'" ;;
  esac
  if [ -z "$DURATION" ]; then
    DURATION=3s
    [ "$QUICK" -eq 1 ] && DURATION=1s
  fi
  echo "$DURATION" | grep -Eq '^[0-9]+(\.[0-9]+)?(ms|s)?$' ||
    usage_error "--duration: '$DURATION' is not like 3, 3s or 500ms"
  case $DURATION in *s) ;; *) DURATION=${DURATION}s ;; esac
  [ "$(duration_limit)" -gt 30 ] || usage_error "--duration: must be more than 0"
  case $PEER in -*) usage_error "--peer: '$PEER' is not a host name" ;; esac
  if [ -n "$PEER_PORT" ]; then
    [ -n "$PEER" ] || usage_error "--port needs --peer"
    case $PEER_PORT in '' | *[!0-9]*) usage_error "--port: '$PEER_PORT' is not a number" ;; esac
    [ "$PEER_PORT" -ge 1 ] && [ "$PEER_PORT" -le 65535 ] ||
      usage_error "--port: $PEER_PORT is out of range"
  fi
}

# duration_limit: seconds after which one test counts as hung
# (its duration, rounded up, plus 30 s for connecting and grace).
duration_limit() {
  echo "$DURATION" | awk '{
    v = $0 + 0; if ($0 ~ /ms$/) v /= 1000
    if (v <= 0) { print 0; exit }
    print int(v) + (v > int(v)) + 30 }'
}

# ---- build ----

sources_newer_than() {
  find "$ROOT/common" "$ROOT/bench" "$ROOT/CMakeLists.txt" -newer "$1" 2>/dev/null |
    head -n 1
}

needs_build() {
  for p in tub-send tub-recv; do
    [ -x "$BIN/$p" ] || return 0
    [ -z "$(sources_newer_than "$BIN/$p")" ] || return 0
  done
  return 1
}

check_build_tools() {
  missing=""
  for t in cmake make; do
    command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
  done
  command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 || missing="$missing gcc"
  [ -z "$missing" ] && return 0
  echo "$PROG: missing$missing; install with: sudo apt-get install -y cmake make gcc libc6-dev" >&2
  exit 2
}

build_programs() {
  check_build_tools
  say "building tub-send and tub-recv in $BIN ..."
  jobs=$(nproc 2>/dev/null || echo 2)
  cmake -S "$ROOT" -B "$BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2 &&
    cmake --build "$BIN" -j "$jobs" --target tub-send >&2 &&
    cmake --build "$BIN" -j "$jobs" --target tub-recv >&2 ||
    { echo "$PROG: build failed" >&2; exit 1; }
}

prepare_programs() {
  if [ -n "$BIN" ]; then
    for p in tub-send tub-recv; do
      [ -x "$BIN/$p" ] || usage_error "--bin: no $p in $BIN"
    done
    return 0
  fi
  BIN=$ROOT/build
  if needs_build; then build_programs; fi
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
  CSV=$RUN/results.csv
}

sysctl_value() {
  f=/proc/sys/$(echo "$1" | tr . /)
  if [ -r "$f" ]; then tr '\t' ' ' <"$f"; else echo '?'; fi
}

cpu_model() {
  m=$(awk -F': *' '/^(model name|Hardware|cpu model)/ { print $2; exit }' \
    /proc/cpuinfo 2>/dev/null)
  echo "${m:-?}"
}

write_meta() {
  {
    echo "date: $(date '+%Y-%m-%d %H:%M:%S %z')"
    echo "run_id: $RUN_ID"
    echo "label: $LABEL"
    echo "target: ${PEER:-loopback (local tub-recv)}${PEER:+ port ${PEER_PORT:-5799}}"
    echo "duration_per_test: $DURATION"
    echo "kernel: $(uname -a)"
    echo "cpu: $(cpu_model)"
    echo "nproc: $(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)"
    echo "# sysctls of this (sending) host"
    for k in net.core.rmem_max net.core.wmem_max net.core.rmem_default \
      net.core.wmem_default net.ipv4.tcp_rmem net.ipv4.tcp_wmem \
      net.ipv4.tcp_congestion_control net.core.default_qdisc; do
      echo "$k: $(sysctl_value "$k")"
    done
    echo "lo_mtu: $(cat /sys/class/net/lo/mtu 2>/dev/null || echo '?')"
    echo "tool_version: $("$BIN/tub-send" --version 2>&1)"
    echo "command: $CMDLINE"
  } >"$RUN/meta.txt"
}

# ---- the local receiver ----

start_receiver() {
  "$BIN/tub-recv" -p 0 -B 127.0.0.1 >"$RUN/recv.log" 2>&1 &
  RECV_PID=$!
  i=0
  while [ $i -lt 50 ]; do
    PORT=$(sed -n 's/^tub-recv: listening on port \([0-9][0-9]*\)$/\1/p' "$RUN/recv.log")
    [ -n "$PORT" ] && return 0
    kill -0 "$RECV_PID" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  echo "$PROG: tub-recv did not start:" >&2
  cat "$RUN/recv.log" >&2
  exit 1
}

stop_receiver() {
  [ -n "$RECV_PID" ] || return 0
  kill "$RECV_PID" 2>/dev/null
  wait "$RECV_PID" 2>/dev/null
  RECV_PID=""
}

on_signal() {
  stop_receiver
  [ "$IN_TEST" -eq 1 ] && say " interrupted"
  say "$PROG: interrupted; partial results in ${RUN:-(none)}"
  exit "$1"
}

# ---- the tests ----

csv_rows() {
  if [ -f "$CSV" ]; then wc -l <"$CSV"; else echo 0; fi
}

# send ARGS...: one tub-send run with the common options.
send() {
  guard=""
  command -v timeout >/dev/null 2>&1 && guard="timeout --foreground $(duration_limit)"
  # shellcheck disable=SC2086 # guard is several words on purpose
  $guard "$BIN/tub-send" -c "$HOST" -p "$PORT" -t "$DURATION" -q \
    --csv "$CSV" --run-id "$RUN_ID" "$@" 2>>"$RUN/send.log"
}

# why_failed RC ROWS_BEFORE: one line on why the last test failed.
why_failed() {
  if [ "$1" -eq 124 ]; then
    echo "timed out after $(duration_limit) s"
  elif [ "$(csv_rows)" -gt "$2" ]; then
    awk "$CSV_PARSE"'
      NR == 1 { parse($0, h); next }
      { last = $0 }
      END { parse(last, r); for (i in h) v[h[i]] = r[i]
            print v["status"] (v["error"] != "" ? ": " v["error"] : "") }' "$CSV"
  else
    echo "exit $1, no result row (see $RUN/send.log)"
  fi
}

# run_test NAME ARGS...: run one test, report progress, note a failure.
run_test() {
  name=$1
  shift
  NUM=$((NUM + 1))
  printf '[%d/%d] %s ...' "$NUM" "$TOTAL" "$name" >&2
  before=$(csv_rows)
  IN_TEST=1
  send "$@"
  rc=$?
  IN_TEST=0
  if [ $rc -eq 0 ]; then
    echo " ok" >&2
  else
    FAILED=$((FAILED + 1))
    echo " FAILED: $(why_failed $rc "$before")" >&2
  fi
}

stream_test() {
  name=$1
  shift
  run_test "$name" --kind stream -i 0.5 --interval-csv "$RUN/intervals.csv" "$@"
}

rr_test() {
  name=$1
  shift
  run_test "$name" --kind rr -l 64 "$@"
}

# Names as the table derives them from the rows.
run_tests() {
  stream_test "tcp stream 128 KiB" --proto tcp -l 128K
  stream_test "udp stream 1400 B unlimited" --proto udp -l 1400
  stream_test "udp stream 1400 B paced 1G" --proto udp -l 1400 -b 1G
  rr_test "tcp rr 64 B nodelay" --proto tcp --local-opt nodelay --remote-opt nodelay
  rr_test "tcp rr 64 B no nodelay" --proto tcp
  rr_test "udp rr 64 B" --proto udp
}

# ---- the table ----

# RFC 4180 field splitting for one record on one line; mawk-compatible.
CSV_PARSE='
function parse(line, out,    n, i, c, f, inq) {
  n = 0; f = ""; inq = 0
  for (i = 1; i <= length(line); i++) {
    c = substr(line, i, 1)
    if (inq && c == "\"") {
      if (substr(line, i + 1, 1) == "\"") { f = f c; i++ } else inq = 0
    } else if (inq) f = f c
    else if (c == "\"") inq = 1
    else if (c == ",") { out[++n] = f; f = "" }
    else f = f c
  }
  out[++n] = f
  return n
}'

TABLE_AWK='
function v(name) { return (name in col) ? row[col[name]] : "" }
function size_txt(b) { return (b >= 1024 && b % 1024 == 0) ? b / 1024 " KiB" : b " B" }
function rate_txt(r) {
  if (r >= 1e9) return sprintf("%gG", r / 1e9)
  if (r >= 1e6) return sprintf("%gM", r / 1e6)
  return sprintf("%gK", r / 1e3)
}
function test_name(   n) {
  n = v("proto") " " v("kind") " " size_txt(v("msg_size_bytes"))
  if (v("kind") == "stream" && v("rate_req_bps") != "")
    n = n " paced " rate_txt(v("rate_req_bps"))
  else if (v("kind") == "stream" && v("proto") == "udp")
    n = n " unlimited"
  if (v("kind") == "rr" && v("proto") == "tcp")
    n = n (v("local_req_nodelay") == "1" ? " nodelay" : " no nodelay")
  return n
}
function bits_txt(b) {
  if (b == "") return "-"
  if (b >= 1e9) return sprintf("%.2f Gbit/s", b / 1e9)
  if (b >= 1e6) return sprintf("%.1f Mbit/s", b / 1e6)
  return sprintf("%.1f kbit/s", b / 1e3)
}
function loss_txt(   done, lost) {
  if (v("udp_loss_pct") != "") return sprintf("%.2f%%", v("udp_loss_pct"))
  done = v("rr_done"); lost = v("rr_lost")
  if (v("proto") == "udp" && lost != "" && done + lost > 0)
    return sprintf("%.2f%%", 100 * lost / (done + lost))
  return "-"
}
function rtt_txt() {
  if (v("rtt_p50_us") == "") return "-"
  return sprintf("%.1f / %.1f", v("rtt_p50_us"), v("rtt_p99_us"))
}
function tps_txt() {
  return v("rr_rate_tps") == "" ? "-" : sprintf("%.0f", v("rr_rate_tps"))
}
function line(a, b, c, d, e, f) {
  printf "%-28s %-14s %14s %8s %18s %10s\n", a, b, c, d, e, f
}
NR == 1 {
  n = parse($0, head)
  for (i = 1; i <= n; i++) col[head[i]] = i
  line("test", "status", "throughput", "loss", "rtt p50/p99 us", "trans/s")
  next
}
{
  parse($0, row)
  ok = v("status") == "ok"
  line(test_name(), v("status"), ok ? bits_txt(v("throughput_bps")) : "-",
       ok ? loss_txt() : "-", ok ? rtt_txt() : "-", ok ? tps_txt() : "-")
  if (v("error") != "") print "    error: " v("error")
}'

print_table() {
  echo "TCP vs UDP to $HOST, $DURATION per test, run $RUN_ID"
  if [ -s "$CSV" ]; then
    awk "$CSV_PARSE$TABLE_AWK" "$CSV"
  else
    echo "(no result rows)"
  fi
  echo
  echo "$RUN"
}

# ---- main ----

CMDLINE=$(shell_quote "$0")
for a in "$@"; do CMDLINE="$CMDLINE $(shell_quote "$a")"; done

parse_args "$@"
check_args
prepare_programs
make_run_dir
write_meta

trap 'stop_receiver' EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

if [ -n "$PEER" ]; then
  HOST=$PEER
  PORT=${PEER_PORT:-5799}
else
  HOST=127.0.0.1
  start_receiver
fi
say "run $RUN_ID: $TOTAL tests of $DURATION against $HOST port $PORT"

run_tests
stop_receiver
[ -s "$RUN/send.log" ] || rm -f "$RUN/send.log"
print_table
[ "$FAILED" -eq 0 ]
