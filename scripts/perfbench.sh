#!/usr/bin/env bash
# perfbench.sh: tub (tub-send/tub-recv) against iperf3 and sockperf on the
# same workloads, the same CPUs and the same host, runs alternating, so a
# change to tub can be shown to have made nothing slower. Or, with --bin-b,
# two builds of tub against each other. Run with -h for the options.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB=$ROOT/scripts/lib
PROG=perfbench.sh
# shellcheck source=scripts/lib/util.sh
. "$LIB/util.sh"
# shellcheck source=scripts/lib/install.sh
. "$LIB/install.sh"

IPERF3=${IPERF3:-iperf3}     # the commands, overridable (the test hides them)
SOCKPERF=${SOCKPERF:-sockperf}

REPS=5
TIME=5
PEER=""
TUB_PORT=5799
IPERF3_PORT=5201
SOCKPERF_PORT=11111
BIN=""
BIN_B=""
OUT=""
SERVER_CPU=""
CLIENT_CPU=""
WORKLOADS=tcp,udp,rr
SETTLE=0.5                   # seconds between runs: the last one's queues drain

HOST=127.0.0.1
SERVER_PIDS=()
CLIENT_PID=""
FLOOR_PID=""                 # udp-floor's receiver while a run has it
FAILED=0

usage() {
  cat <<EOF
usage: scripts/perfbench.sh [options]
Run the same workloads with tub and with iperf3 / sockperf, alternating
(tub, other, tub, other, ...), every program pinned to the same CPUs, and
write one CSV row per run, the medians and spreads per tool and workload,
and the ratio of the medians.

Workloads (--workloads, default tcp,udp,rr):
  tcp   TCP stream, 128 KiB messages        tub vs iperf3 (-l 128K)
  tcp4  the same on four flows at once      tub -P 4 vs iperf3 -P 4: both
        on the one client CPU (tub: one thread taking turns between the
        flows; iperf3 before 3.16: one thread too); not in the default
  udp   UDP stream, 1400 B datagrams, as fast as the sender can send
                                            tub vs iperf3 (-u -b 0 -l 1400)
  udp_gso  the same with tub's UDP offload: gso on the sender, gro on the
        receiver (iperf3 runs without: 3.21's --gsro is not assumed); not in
        the default, ask for it: --workloads udp,udp_gso
  udp_floor  the udp workload's tub against udp-floor (built beside
        tub-send): 1400 B datagrams, 64 to a sendmmsg and a recvmmsg, no
        header, no clock, no accounting: what the kernel alone carries,
        the ceiling of any sender without offload; loopback only, not in
        the default
  rr    UDP request/response, 64 B, one in flight: round-trip time
                                            tub vs sockperf ping-pong --full-rtt
                                            (iperf3 has no such mode)
  rr_spin  the same with tub's --spin (both ends poll, a CPU each)
                                            tub vs sockperf (blocking), not
                                            in the default set
Throughput is the receiver's payload (UDP: datagram payload, headers of
the tool's own included, as both count it); UDP loss beside it.

Options:
  --reps N            runs of each tool per workload (default $REPS)
  --time SEC          seconds per run, a whole number (default $TIME)
  --workloads LIST    a comma-separated subset of tcp,tcp4,udp,udp_gso,
                      udp_floor,rr,rr_spin
  --bin DIR           tub-send and tub-recv from DIR (default build/)
  --bin-b DIR         a second tub build: alternate tub@A (--bin) and tub@B
                      (--bin-b) instead of tub and the other tools; the
                      ratio is B/A (before/after in one session)
  --server-cpu N      CPU of the servers (default 0)
  --client-cpu N      CPU of the clients (default 1; 0 on one CPU)
  --peer HOST         against servers already running on HOST instead of
                      loopback: tub-recv (port --tub-port), iperf3 -s
                      (--iperf3-port) and sockperf server (--sockperf-port,
                      e.g. 'sockperf server -i 0.0.0.0 -p 11111'); pin them
                      there yourself: --server-cpu is for loopback only.
                      With --bin-b both builds' tub-send run against the
                      one tub-recv there
  --tub-port N        (default $TUB_PORT)   --iperf3-port N (default $IPERF3_PORT)
  --sockperf-port N   (default $SOCKPERF_PORT); the ports are for --peer only:
                      on loopback the script picks free ones
  --out DIR           where the files go (default
                      results/perfbench-<date>-<time>/)
  -h, --help          this text
On loopback (127.0.0.1) the script starts tub-recv, iperf3 -s and sockperf
server itself and stops them, by their PIDs, when it ends. Without iperf3
or sockperf it says how to get them and runs tub alone there. Every
program runs under timeout(1).
Files in DIR: runs.csv (a row per run), summary.csv (per workload and
metric: median, min, max of each tool, the ratio), table.txt (printed on
stdout too), meta.txt (host, versions, command), logs/ (each run's output).
Exit status: 0 every run ok, 1 a run failed (its row says so), 2 bad usage.
EOF
}

# ---- options ----

need_value() {
  [ "$2" -ge 2 ] || usage_error "$1 needs a value"
}

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --reps) need_value "$1" $#; REPS=$2; shift ;;
      --time) need_value "$1" $#; TIME=$2; shift ;;
      --workloads) need_value "$1" $#; WORKLOADS=$2; shift ;;
      --bin) need_value "$1" $#; BIN=$2; shift ;;
      --bin-b) need_value "$1" $#; BIN_B=$2; shift ;;
      --server-cpu) need_value "$1" $#; SERVER_CPU=$2; shift ;;
      --client-cpu) need_value "$1" $#; CLIENT_CPU=$2; shift ;;
      --peer) need_value "$1" $#; PEER=$2; shift ;;
      --tub-port) need_value "$1" $#; TUB_PORT=$2; shift ;;
      --iperf3-port) need_value "$1" $#; IPERF3_PORT=$2; shift ;;
      --sockperf-port) need_value "$1" $#; SOCKPERF_PORT=$2; shift ;;
      --out) need_value "$1" $#; OUT=$2; shift ;;
      -h | --help) usage; exit 0 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
    shift
  done
}

# whole_number OPTION VALUE MAX: VALUE is 1..MAX.
whole_number() {
  case $2 in
    '' | *[!0-9]* | 0*) usage_error "$1: '$2' is not a whole number >= 1" ;;
  esac
  if [ "${#2}" -gt 6 ] || [ "$2" -gt "$3" ]; then usage_error "$1: $2 is above $3"; fi
}

# check_cpu OPTION N: N is a CPU this process may run on.
check_cpu() {
  case $2 in
    '' | *[!0-9]*) usage_error "$1: '$2' is not a CPU number" ;;
  esac
  taskset -c "$2" true 2>/dev/null ||
    usage_error "$1: cannot run on CPU $2 (this process may use $(taskset -pc $$ | sed 's/.*: //'))"
}

check_port() {
  whole_number "$1" "$2" 65535
}

# check_bin OPTION DIR: DIR holds the tub programs this run needs; prints
# it as an absolute path.
check_bin() {
  local p
  [ -d "$2" ] || usage_error "$1: no directory '$2'"
  for p in tub-send tub-recv; do
    [ "$p" = tub-recv ] && [ -n "$PEER" ] && continue   # the peer has its own
    [ -x "$2/$p" ] || usage_error "$1: no $p in $2"
  done
  (cd "$2" && pwd)
}

check_args() {
  whole_number --reps "$REPS" 1000
  whole_number --time "$TIME" 3600   # iperf3 and sockperf take whole seconds
  local w
  for w in ${WORKLOADS//,/ }; do
    case $w in
      tcp | tcp4 | udp | udp_gso | rr | rr_spin) ;;
      udp_floor) [ -z "$PEER" ] || usage_error "--workloads: udp_floor runs on loopback only (udp-floor has no server to leave running)" ;;
      *) usage_error "--workloads: '$w' is not tcp, tcp4, udp, udp_gso, udp_floor, rr or rr_spin" ;;
    esac
  done
  [ -n "${WORKLOADS//,/}" ] || usage_error "--workloads: empty"
  if [ -n "$PEER" ]; then
    case $PEER in -* | *[!A-Za-z0-9.:_-]*) usage_error "--peer: '$PEER' is not a host name or address" ;; esac
    HOST=$PEER
  fi
  check_port --tub-port "$TUB_PORT"
  check_port --iperf3-port "$IPERF3_PORT"
  check_port --sockperf-port "$SOCKPERF_PORT"
  [ -n "$SERVER_CPU" ] || SERVER_CPU=0
  if [ -z "$CLIENT_CPU" ]; then
    CLIENT_CPU=1
    taskset -c 1 true 2>/dev/null || CLIENT_CPU=0   # one CPU: share it
  fi
  check_cpu --server-cpu "$SERVER_CPU"
  check_cpu --client-cpu "$CLIENT_CPU"
  BIN=$(check_bin --bin "${BIN:-$ROOT/build}")
  [ -z "$BIN_B" ] || BIN_B=$(check_bin --bin-b "$BIN_B")
  [ -n "$OUT" ] || OUT=$ROOT/results/perfbench-$(date +%Y%m%d-%H%M%S)
  [ ! -e "$OUT/runs.csv" ] || usage_error "--out: $OUT already holds a runs.csv"
}

# ---- what runs ----

# workload_name KEY: its name in the CSV files.
workload_name() {
  case $1 in
    tcp) echo tcp_stream_128k ;;
    tcp4) echo tcp_stream_128k_p4 ;;
    udp) echo udp_stream_1400 ;;
    udp_gso) echo udp_stream_1400_gso ;;
    udp_floor) echo udp_stream_1400_floor ;;
    rr) echo udp_rr_64 ;;
    rr_spin) echo udp_rr_64_spin ;;
  esac
}

# have TOOL: TOOL's command is here.
have() {
  command -v "$1" >/dev/null 2>&1
}

# other_tool KEY: the tool tub is compared with on workload KEY.
other_tool() {
  case $1 in
    tcp | tcp4 | udp | udp_gso) echo iperf3 ;;
    rr | rr_spin) echo sockperf ;;
    udp_floor) echo floor ;;
  esac
}

# pair KEY: "SUBJECT REFERENCE", the two tools of workload KEY; the ratio
# is SUBJECT / REFERENCE (tub / other, or B / A). REFERENCE is "-" when
# it cannot run.
pair() {
  if [ -n "$BIN_B" ]; then
    echo "tub@B tub@A"
    return
  fi
  local o
  o=$(other_tool "$1")
  if [ "$o" = iperf3 ] && ! have "$IPERF3"; then o=-; fi
  if [ "$o" = sockperf ] && ! have "$SOCKPERF"; then o=-; fi
  if [ "$o" = floor ] && [ ! -x "$BIN/udp-floor" ]; then o=-; fi
  echo "tub $o"
}

# say_missing: for each other tool that is absent, what is skipped and
# how to get it. Never installs: a benchmark should not change the host.
say_missing() {
  [ -z "$BIN_B" ] || return 0
  local t w skipped
  for t in iperf3 sockperf; do
    skipped=""
    for w in ${WORKLOADS//,/ }; do
      [ "$(other_tool "$w")" = "$t" ] && skipped="$skipped $(workload_name "$w")"
    done
    [ -n "$skipped" ] || continue
    local cmd=$IPERF3
    [ "$t" = sockperf ] && cmd=$SOCKPERF
    have "$cmd" && continue
    install_hint "$t"
    say "$PROG: no $t: tub runs alone on$skipped"
  done
  if uses_workload udp_floor && [ ! -x "$BIN/udp-floor" ]; then
    say "$PROG: no udp-floor in $BIN (cmake --build builds it): tub runs alone on $(workload_name udp_floor)"
  fi
}

# uses_workload KEY: KEY is one of this session's workloads.
uses_workload() {
  case ",$WORKLOADS," in *",$1,"*) return 0 ;; esac
  return 1
}

# ---- running things, bounded ----

# bounded LOG SECS CMD...: CMD under timeout, its output into LOG, in the
# background so that a signal reaches our trap at once (a foreground child
# would hold it until it ends); returns CMD's status.
bounded() {
  local log=$1 secs=$2 rc=0
  shift 2
  timeout --kill-after=5 "$secs" "$@" >"$log" 2>&1 &
  CLIENT_PID=$!
  wait "$CLIENT_PID" || rc=$?
  CLIENT_PID=""
  return "$rc"
}

# client LOG CMD...: CMD on the client CPU, bounded by the run's time plus
# the tools' own set-up (connect, sockperf's warm-up, iperf3's end).
client() {
  local log=$1
  shift
  bounded "$log" $((TIME + 20)) taskset -c "$CLIENT_CPU" "$@"
}

# server LOG CMD...: CMD started on the server CPU in the background,
# bounded by the whole session's time should our trap never run; its PID
# (timeout's, which passes our TERM on to CMD) kept for cleanup.
server() {
  local log=$1
  shift
  timeout --kill-after=5 "$SESSION_LIMIT" taskset -c "$SERVER_CPU" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
}

# stop_pid PID: TERM it and reap it.
stop_pid() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# wait_for LOG PID REGEX: until LOG has a line matching REGEX (0), or PID
# has exited or 5 s have passed (1).
wait_for() {
  for _ in $(seq 1 50); do
    grep -Eq "$3" "$1" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

cleanup() {
  local p
  [ -z "$CLIENT_PID" ] || stop_pid "$CLIENT_PID"
  [ -z "$FLOOR_PID" ] || stop_pid "$FLOOR_PID"
  for p in "${SERVER_PIDS[@]}"; do stop_pid "$p"; done
  SERVER_PIDS=()
}

# ---- servers on loopback ----

# start_tub_recv NAME DIR: DIR's tub-recv on a free port (it picks one);
# sets PORT_<NAME>.
start_tub_recv() {
  local log=$OUT/logs/server-$1.log port
  server "$log" "$2/tub-recv" -p 0 -B "$HOST" -q
  wait_for "$log" "$SERVER_PID" '^tub-recv: listening on port [0-9]+$' ||
    die "$2/tub-recv did not start: $(tail -n 1 "$log")"
  port=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' "$log")
  printf -v "PORT_$1" '%s' "$port"
}

# port_free PORT: no TCP or UDP socket here is bound to PORT (iperf3's UDP
# test takes the UDP port of its TCP one). Without ss: assumed free, and
# the server's own bind is the test.
port_free() {
  have ss || return 0
  [ -z "$(ss -Htuan "sport = :$1" 2>/dev/null)" ]
}

# start_on_free_port NAME BASE REGEX CMD...: CMD with PORT in it replaced
# by a free port from BASE on, tried on up to 20 ports until its log
# matches REGEX; sets PORT_<NAME>. Neither iperf3 nor sockperf picks a
# free port itself.
start_on_free_port() {
  local name=$1 port=$2 ready=$3 log=$OUT/logs/server-$1.log try a
  shift 3
  for try in $(seq 1 20); do
    port=$((port + try))
    port_free "$port" || continue
    local argv=()
    for a in "$@"; do [ "$a" = PORT ] && argv+=("$port") || argv+=("$a"); done
    server "$log" "${argv[@]}"
    if wait_for "$log" "$SERVER_PID" "$ready" && kill -0 "$SERVER_PID" 2>/dev/null; then
      printf -v "PORT_$name" '%s' "$port"
      return 0
    fi
    stop_pid "$SERVER_PID"   # port taken (sockperf says so and exits 0)
  done
  die "$name server did not start: $(tail -n 1 "$log")"
}

# uses TOOL: some workload of this session runs TOOL.
uses() {
  local w
  for w in ${WORKLOADS//,/ }; do
    case " $(pair "$w") " in *" $1 "*) return 0 ;; esac
  done
  return 1
}

start_servers() {
  if [ -n "$PEER" ]; then
    PORT_tub=$TUB_PORT PORT_tubB=$TUB_PORT
    PORT_iperf3=$IPERF3_PORT PORT_sockperf=$SOCKPERF_PORT
    return 0
  fi
  start_tub_recv tub "$BIN"
  [ -z "$BIN_B" ] || start_tub_recv tubB "$BIN_B"
  # Ports from apart bases for the two, so neither takes the other's.
  # --forceflush: iperf3's "listening" line would wait in a buffer.
  local base=$((20000 + $$ % 10000 * 2))
  if uses iperf3; then
    start_on_free_port iperf3 "$base" '^Server listening on' \
      "$IPERF3" -s -B "$HOST" -p PORT --forceflush
  fi
  if uses sockperf; then
    start_on_free_port sockperf $((base + 1000)) 'to block on socket' \
      "$SOCKPERF" server -i "$HOST" -p PORT
  fi
}

# ---- one run of each tool ----
# Each sets R_STATUS (ok or failed), R_THR (Gbit/s), R_LOSS (%), R_P50,
# R_P99, R_MEAN (us) and R_NOTE (why it failed).

reset_result() {
  R_STATUS=failed R_THR="" R_LOSS="" R_P50="" R_P99="" R_MEAN="" R_NOTE=""
  R_CPU_SND="" R_CPU_RCV=""
}

# set_cpu SEND_PCT RECV_PCT: each end's CPU (% of one CPU over the run) as
# CPU seconds per 10^9 bytes received, from R_THR: the same for every tool
# that reports its CPU (tub's row, iperf3's cpu_utilization_percent).
set_cpu() {
  [ -n "$1" ] && [ -n "$2" ] && [ "$1" != - ] && [ "$2" != - ] && [ -n "$R_THR" ] || return 0
  read -r R_CPU_SND R_CPU_RCV < <(awk -v s="$1" -v r="$2" -v g="$R_THR" \
    'BEGIN { if (g > 0) printf "%.4f %.4f\n", s / 100 * 8 / g, r / 100 * 8 / g; else print "" }')
}

# col CSV NAME: NAME's value in the last row of tub-send's CSV.
col() {
  awk -v col="$2" -f "$LIB/csv.awk" -f "$ROOT/tests/csvget.awk" "$1" 2>/dev/null || true
}

# run_tub KEY DIR PORT LOG: DIR's tub-send, its row into LOG's .csv.
run_tub() {
  local args rc=0 csv=${4%.log}.csv
  case $1 in
    tcp) args=(--proto tcp -l 128K) ;;
    tcp4) args=(--proto tcp -l 128K -P 4) ;;   # the sum row last: col reads it
    udp | udp_floor) args=(--proto udp -l 1400) ;;   # no -b: unpaced
    udp_gso) args=(--proto udp -l 1400 --local-opt gso --remote-opt gro) ;;
    rr) args=(--proto udp --kind rr -l 64) ;;
    rr_spin) args=(--proto udp --kind rr -l 64 --spin) ;;
  esac
  client "$4" "$2/tub-send" -c "$HOST" -p "$3" -q -t "$TIME" --csv "$csv" "${args[@]}" || rc=$?
  R_STATUS=$(col "$csv" status)
  if [ "$rc" -ne 0 ] || [ "$R_STATUS" != ok ]; then
    R_STATUS=failed
    R_NOTE="exit $rc $(col "$csv" status) $(col "$csv" error) $(tail -n 1 "$4")"
    return 0
  fi
  if [ "$1" = rr ] || [ "$1" = rr_spin ]; then
    set_rtt "$(col "$csv" rtt_p50_us)" "$(col "$csv" rtt_p99_us)" "$(col "$csv" rtt_mean_us)"
  else
    set_rate "$(col "$csv" throughput_bps)" "$(col "$csv" udp_loss_pct)"
    set_cpu "$(col "$csv" local_cpu_util_pct)" "$(col "$csv" remote_cpu_util_pct)"
  fi
  case $1 in udp | udp_gso | udp_floor) ;; *) R_LOSS="" ;; esac
}

# set_rate BITS_PER_S LOSS_PCT: R_THR in Gbit/s and R_LOSS, as every tool's
# rows write them.
set_rate() {
  R_STATUS=ok
  R_THR=$(awk -v b="$1" 'BEGIN { printf "%.4f", b / 1e9 }')
  R_LOSS=""
  [ -z "$2" ] || [ "$2" = - ] || R_LOSS=$(awk -v l="$2" 'BEGIN { printf "%.4f", l }')
}

# set_rtt P50 P99 MEAN: in us.
set_rtt() {
  R_STATUS=ok
  read -r R_P50 R_P99 R_MEAN < <(awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { printf "%.3f %.3f %.3f\n", a, b, c }')
}

# iperf3_figures JSON: "BITS_PER_S LOST_PCT ERROR", the receiver's figures
# of iperf3 -J (lib/iperf3.awk: awk, as jq is no part of a bare Debian).
iperf3_figures() {
  awk -f "$LIB/iperf3.awk" "$1"
}

# run_iperf3 KEY LOG: iperf3's client, its JSON into LOG.
run_iperf3() {
  local args rc=0 b l e
  case $1 in
    tcp) args=(-l 128K) ;;
    tcp4) args=(-l 128K -P 4) ;;   # end.sum_received: all four
    udp | udp_gso) args=(-u -b 0 -l 1400) ;;   # -b 0: unpaced (its UDP default is 1 Mbit/s)
  esac
  client "$2" "$IPERF3" -c "$HOST" -p "$PORT_iperf3" -t "$TIME" -J "${args[@]}" || rc=$?
  local cs cr
  read -r b l e cs cr < <(iperf3_figures "$2")
  if [ "$rc" -ne 0 ] || [ "$b" = - ]; then
    R_NOTE="exit $rc ${e//_/ }"
    return 0
  fi
  set_rate "$b" "$l"
  set_cpu "$cs" "$cr"   # the client sends: host_total, the server remote_total
  [ "$1" = udp ] || [ "$1" = udp_gso ] || R_LOSS=""
}

# sockperf_figures LOG: "P50 P99 MEAN" in us of sockperf ping-pong
# --full-rtt (lib/sockperf.awk). --full-rtt: without it sockperf reports
# half the round trip ("latency"), and tub whole round trips.
sockperf_figures() {
  awk -f "$LIB/sockperf.awk" "$1"
}

# run_sockperf LOG: sockperf ping-pong, 64 B over UDP, one in flight.
run_sockperf() {
  local rc=0 p50 p99 mean
  client "$1" "$SOCKPERF" ping-pong -i "$HOST" -p "$PORT_sockperf" -m 64 -t "$TIME" --full-rtt || rc=$?
  read -r p50 p99 mean < <(sockperf_figures "$1")
  if [ "$rc" -ne 0 ] || [ "$p50" = - ]; then
    R_NOTE="exit $rc $(grep -m 1 ERROR "$1" || tail -n 1 "$1")"
    return 0
  fi
  set_rtt "$p50" "$p99" "$mean"
}

# floor_figure LOG: the bits per second of udp-floor's figures line.
floor_figure() {
  sed -n 's/^datagrams .* bits_per_second \([0-9]*\).*/\1/p' "$1" | tail -n 1
}

# run_floor LOG: udp-floor's receiver on the server CPU, its sender on the
# client CPU, on a port free now; the figure is the receiver's (it ends
# 300 ms after the last datagram). udp-floor has no loss count: without
# a header it cannot tell a lost datagram from one never sent.
run_floor() {
  local rc=0 port=$((30000 + $$ % 10000)) rlog=${1%.log}-recv.log pid b
  for _ in $(seq 1 20); do port_free "$port" && break; port=$((port + 1)); done
  timeout --kill-after=5 $((TIME + 20)) taskset -c "$SERVER_CPU" \
    "$BIN/udp-floor" recv "$HOST" "$port" "$TIME" >"$rlog" 2>&1 &
  pid=$!
  FLOOR_PID=$pid
  if ! wait_for "$rlog" "$pid" '^udp-floor: ready$'; then
    stop_pid "$pid"
    FLOOR_PID=""
    R_NOTE="udp-floor recv did not start: $(tail -n 1 "$rlog")"
    return 0
  fi
  client "$1" "$BIN/udp-floor" send "$HOST" "$port" "$TIME" || rc=$?
  wait "$pid" || rc=$?
  FLOOR_PID=""
  b=$(floor_figure "$rlog")
  if [ "$rc" -ne 0 ] || [ -z "$b" ]; then
    R_NOTE="exit $rc $(tail -n 1 "$rlog") $(tail -n 1 "$1")"
    return 0
  fi
  set_rate "$b" ""
}

# run_tool KEY TOOL LOG: one run of TOOL on workload KEY.
run_tool() {
  reset_result
  case $2 in
    tub | tub@A) run_tub "$1" "$BIN" "$PORT_tub" "$3" ;;
    tub@B) run_tub "$1" "$BIN_B" "$PORT_tubB" "$3" ;;
    iperf3) run_iperf3 "$1" "$3" ;;
    sockperf) run_sockperf "$3" ;;
    floor) run_floor "$3" ;;
  esac
}

# ---- the session ----

CSV_HEAD=workload,tool,rep,order,started_utc,time_s,status,throughput_gbps,udp_loss_pct,rtt_p50_us,rtt_p99_us,rtt_mean_us,cpu_send_s_per_gb,cpu_recv_s_per_gb,log,note

# record WORKLOAD TOOL REP ORDER STARTED LOG: the run's row.
record() {
  local note=${R_NOTE//,/;}
  note=$(printf '%s' "$note" | tr '\n\r' '  ')
  echo "$1,$2,$3,$4,$5,$TIME,$R_STATUS,$R_THR,$R_LOSS,$R_P50,$R_P99,$R_MEAN,$R_CPU_SND,$R_CPU_RCV,$6,$note" >>"$OUT/runs.csv"
}

# brief: the run's figures for the progress line.
brief() {
  if [ "$R_STATUS" != ok ]; then echo "FAILED: $R_NOTE"
  elif [ -n "$R_P50" ]; then echo "rtt p50 $R_P50 us, p99 $R_P99 us, mean $R_MEAN us"
  elif [ -n "$R_LOSS" ]; then echo "$R_THR Gbit/s, loss $R_LOSS%"
  else echo "$R_THR Gbit/s"
  fi
}

# plan: the runs, one per line: KEY REP TOOL. Per workload the two tools
# alternate, tub, other, tub, other (with --bin-b: A, B, A, B), so a
# drift of the machine touches both alike.
plan() {
  local w r s ref
  for w in ${WORKLOADS//,/ }; do
    read -r s ref < <(pair "$w")
    for r in $(seq 1 "$REPS"); do
      if [ -n "$BIN_B" ]; then
        echo "$w $r $ref"; echo "$w $r $s"
      else
        echo "$w $r $s"
        [ "$ref" = - ] || echo "$w $r $ref"
      fi
    done
  done
}

run_all() {
  local n total w r t name log started
  total=$(plan | wc -l)
  say "$PROG: $total runs of $TIME s, $(describe_where): about $(mmss $((total * (TIME + 2))))"
  n=0
  while read -r w r t; do
    n=$((n + 1))
    name=$(workload_name "$w")
    log=logs/$name-${t/@/-}-$r.log
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    run_tool "$w" "$t" "$OUT/$log"
    record "$name" "$t" "$r" "$n" "$started" "$log"
    [ "$R_STATUS" = ok ] || FAILED=1
    say "[$n/$total] $name $t rep $r: $(brief)"
    sleep "$SETTLE"
  done < <(plan)
}

# pairs: "WORKLOAD SUBJECT REFERENCE" for the summary.
pairs() {
  local w s ref
  for w in ${WORKLOADS//,/ }; do
    read -r s ref < <(pair "$w")
    echo "$(workload_name "$w") $s $ref"
  done
}

summarize() {
  awk -v pairs="$(pairs | tr '\n' ';')" -v mode=summary -f "$LIB/csv.awk" \
    -f "$LIB/perfbench.awk" "$OUT/runs.csv" >"$OUT/summary.csv"
  {
    echo "perfbench: $(describe_where); $REPS runs of $TIME s per tool, alternating"
    awk -v mode=table -f "$LIB/csv.awk" -f "$LIB/perfbench.awk" "$OUT/summary.csv"
  } >"$OUT/table.txt"
}

describe_where() {
  if [ -n "$PEER" ]; then
    echo "against $PEER (servers there), clients on CPU $CLIENT_CPU"
  else
    echo "loopback $HOST, servers on CPU $SERVER_CPU, clients on CPU $CLIENT_CPU"
  fi
}

# version CMD...: the first line CMD prints, or "absent".
version() {
  have "$1" || { echo absent; return 0; }
  "$@" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -m 1 -v '^$' || true
}

write_meta() {
  {
    echo "date: $(date '+%Y-%m-%d %H:%M:%S %z')"
    echo "command: $CMDLINE"
    echo "where: $(describe_where)"
    echo "reps: $REPS, time_s: $TIME, workloads: $WORKLOADS"
    echo "bin: $BIN ($("$BIN/tub-send" --version 2>&1 | head -n 1))"
    [ -z "$BIN_B" ] || echo "bin_b: $BIN_B ($("$BIN_B/tub-send" --version 2>&1 | head -n 1))"
    echo "source: $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?')"
    echo "iperf3: $(version "$IPERF3" --version)"
    echo "sockperf: $(version "$SOCKPERF" --version)"
    sh "$LIB/hostinfo.sh" "$HOST"
  } >"$OUT/meta.txt"
}

# on_signal STATUS: stop the run in flight and the servers, summarize the
# runs done (they are valid), and exit.
on_signal() {
  trap '' INT TERM
  cleanup
  say "$PROG: stopped; summarizing the runs done"
  if [ "$(csv_rows "$OUT/runs.csv")" -gt 0 ]; then
    summarize
    cat "$OUT/table.txt"
  fi
  echo "$OUT"
  exit "$1"
}

main() {
  CMDLINE=$(shell_quote "$0")
  local a
  for a in "$@"; do CMDLINE="$CMDLINE $(shell_quote "$a")"; done
  parse_args "$@"
  check_args
  mkdir -p "$OUT/logs" || die "cannot create $OUT"
  OUT=$(cd "$OUT" && pwd)
  SESSION_LIMIT=$(( $(plan | wc -l) * (TIME + 30) + 60 ))
  trap cleanup EXIT
  trap 'on_signal 130' INT
  trap 'on_signal 143' TERM
  say_missing
  write_meta
  start_servers
  echo "$CSV_HEAD" >"$OUT/runs.csv"
  run_all
  cleanup
  summarize
  cat "$OUT/table.txt"
  echo
  echo "$OUT"
  return "$FAILED"
}

main "$@"
