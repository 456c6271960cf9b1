# sweep.sh: running the points and the max-rate searches (sourced by
# bench.sh). Each test is one tub-send run, in the background so that a
# signal reaches bench.sh at once; bench.sh passes it on to tub-send,
# which finishes its row with status "interrupted", and the sweep stops.
# Uses RUN, RUN_ID, WORK, BIN, LIB, HOST, PORT, SEND_WRAP, POINTS, STOP,
# and with --confidence CONFIDENCE (LEVEL,PCT) and T_TABLE (tub-send
# --t-table).

SEND_PID=""
DONE_TESTS=0
FAILED=0
OVERHEAD=0.35           # seconds a test costs beyond its duration (for the ETA)

# calc EXPR: awk arithmetic; calc_true EXPR: exit 0 when EXPR holds.
calc() {
  awk "BEGIN { printf \"%.10g\\n\", $1 }"
}
calc_true() {
  awk "BEGIN { exit !($1) }"
}
bits() {
  awk -v b="$1" "$(cat "$LIB/csv.awk")"' BEGIN { print fmt_bits(b) }'
}

# pct VALUE: a percentage to three figures.
pct() {
  awk -v x="$1" 'BEGIN { if (x == "-") print "-"; else printf "%.3g%%\n", x }'
}

# dash VALUE: VALUE, or nothing for "-".
dash() {
  [ "$1" = - ] || echo "$1"
}

# ---- the plan and the ETA ----

# plan_sums: TOTAL_TESTS, NSEARCH, MAX_REPEAT and PLAN_COST from POINTS
# (a point to skip costs nothing; the waits after fragmented UDP tests
# that lost datagrams, an estimate: frag_plan).
plan_sums() {
  eval "$(awk -F '\t' -v ovh="$OVERHEAD" '
    $17 != "" && $17 != "-" && $17 !~ /: pending$/ { next }
    $1 == "point" { tests += $12; cost += $12 * ($11 + ovh); if ($12 > rep) rep = $12 }
    $1 == "maxrate" { split($14, p, " "); n++; cost += (p[2] + 1) * ($11 + ovh) }
    END { printf "TOTAL_TESTS=%d NSEARCH=%d MAX_REPEAT=%d PLAN_COST=%.3f\n",
          tests, n, rep, cost }' "$POINTS")"
  frag_plan
  PLAN_COST=$(calc "$PLAN_COST + $FRAG_PLAN_S")
  DONE_COST=0
  START_TIME=$(date +%s)
}

# up_to: "<=" when the plan is a maximum (--confidence: a point that
# converges runs fewer times); upto_text: "up to " then.
up_to() {
  [ -z "${CONFIDENCE:-}" ] || printf '<='
}
upto_text() {
  [ -z "${CONFIDENCE:-}" ] || printf 'up to '
}

# clock_text: "0:12, eta 0:48" (elapsed, and the rest of the plan at the
# pace so far; "eta <=0:48" when the plan is a maximum).
clock_text() {
  now=$(date +%s)
  el=$((now - START_TIME))
  eta=$(awk -v p="$PLAN_COST" -v d="$DONE_COST" -v e="$el" 'BEGIN {
    left = p - d; if (left < 0) left = 0
    if (d > 0 && e > 0) left *= e / d
    print left }')
  echo "$(mmss "$el"), eta $(up_to)$(mmss "$eta")"
}

# ---- fragmented UDP after loss: the receiver's reassembly queues ----
#
# A UDP datagram larger than the MTU crosses as IP fragments; when one is
# lost the others wait in the receiver's reassembly queues until
# net.ipv4.ipfrag_time (30 s, per network namespace) expires them, in
# memory bounded by ipfrag_high_thresh, past which new fragments are
# dropped. After a fragmented point that lost datagrams, the next
# fragmented one would lose to that leftover (on lossy an 8 KiB point lost
# 100% after a 32 KiB one, 5.9% before it), so it waits until the queues
# have expired: ipfrag_time + 1 s from the end of the lossy point.
# Unfragmented points, TCP among them, run at once (and their time counts).
FRAG_END=""     # date +%s at the end of the last fragmented UDP test that lost datagrams
FRAG_ROW=""     # that test's row ("results.csv row 3")
FRAG_MTU=""     # its path_mtu_bytes
FRAG_WAITS=0    # waits so far, and their seconds
FRAG_WAITED=0
FRAG_PLAN_S=0

# frag_count SIZE MTU: IP packets per UDP datagram of SIZE B on MTU
# (IPv4: 8 B of UDP header, fragments of MTU - 20 rounded down to 8).
frag_count() {
  awk -v s="$1" -v m="$2" 'BEGIN {
    per = int((m - 20) / 8) * 8
    if (per <= 0) { print 1; exit }
    n = int((s + 8 + per - 1) / per); print (n < 1) ? 1 : n }'
}

# frag_time: FRAG_TIME, the receiver's net.ipv4.ipfrag_time read now,
# and FRAG_TIME_HOW, where it came from when not from the receiver.
frag_time() {
  FRAG_TIME=$(receiver_sysctl net.ipv4.ipfrag_time | head -n 1)
  FRAG_TIME_HOW=""
  if [ -z "$FRAG_TIME" ]; then
    FRAG_TIME=30
    FRAG_TIME_HOW=", the receiver's unknown: Linux's default"
  fi
}

# frag_note CSV: after a test; remembers it when its datagrams were
# fragmented and some were lost on the path (udp_path_lost, or rr_lost of
# a UDP rr test). A datagram the receiver's socket buffer dropped had been
# reassembled whole: it leaves no reassembly queue behind.
frag_note() {
  IFS='	' read -r F_FRAGS F_LOST F_RRLOST F_MTU <<EOT
$(csv_last "$1" udp_ip_fragments udp_path_lost rr_lost path_mtu_bytes 2>/dev/null)
EOT
  case ${F_FRAGS:--} in -|*[!0-9]*) return 0 ;; esac
  [ "$F_FRAGS" -gt 1 ] || return 0
  case ${F_LOST:--} in -|*[!0-9]*) F_LOST=0 ;; esac
  case ${F_RRLOST:--} in -|*[!0-9]*) F_RRLOST=0 ;; esac
  [ "$F_LOST" -gt 0 ] || [ "$F_RRLOST" -gt 0 ] || return 0
  FRAG_END=$(date +%s)
  FRAG_ROW="$(basename "$1") row $(csv_rows "$1")"
  case ${F_MTU:--} in -|*[!0-9]*) ;; *) FRAG_MTU=$F_MTU ;; esac
}

# frag_wait CSV: before a test of the point in P_*: when it is UDP and
# fragmented and a fragmented test lost datagrams less than ipfrag_time +
# 1 s ago, waits out the rest (a signal ends the wait), says why, and
# notes it in waits.csv. Sets F_WAITED (seconds, 0 when none).
frag_wait() {
  F_WAITED=0
  [ -n "$FRAG_END" ] && [ "$P_PROTO" = udp ] || return 0
  mtu=${FRAG_MTU:-${PATH_MTU:-}}
  if [ -n "$mtu" ]; then   # unknown: taken as fragmented
    [ "$(frag_count "$P_SIZE" "$mtu")" -gt 1 ] || return 0
  fi
  frag_time
  left=$((FRAG_TIME + 1 - ($(date +%s) - FRAG_END)))
  FRAG_END=""
  [ "$left" -gt 0 ] || return 0
  say "    waiting $left s for the receiver's IP reassembly queues to expire (ipfrag_time $FRAG_TIME s$FRAG_TIME_HOW) after a fragmented UDP point that lost datagrams ($FRAG_ROW)"
  sleep "$left" &
  FRAG_SLEEP=$!
  while kill -0 "$FRAG_SLEEP" 2>/dev/null && [ -z "$STOP" ]; do
    wait "$FRAG_SLEEP"
  done
  kill "$FRAG_SLEEP" 2>/dev/null
  FRAG_SLEEP=""
  F_WAITED=$left
  FRAG_WAITS=$((FRAG_WAITS + 1))
  FRAG_WAITED=$((FRAG_WAITED + left))
  [ -s "$RUN/waits.csv" ] ||
    echo "csv,row,waited_s,ipfrag_time_s,ipfrag_time_default,after" >"$RUN/waits.csv"
  echo "$(basename "$1"),$(($(csv_rows "$1") + 1)),$left,$FRAG_TIME,$([ -n "$FRAG_TIME_HOW" ] && echo 1 || echo 0),$FRAG_ROW" >>"$RUN/waits.csv"
}

# frag_plan: FRAG_PLAN_S, an estimate of the waits for the ETA: across a
# path that loses (PATH_LOSS_PCT > 0) every fragmented UDP test is taken
# to lose, and the next fragmented one to wait ipfrag_time + 1 s less the
# time of the tests between (the receiver's ipfrag_time from meta.txt,
# else 30 s).
frag_plan() {
  FRAG_PLAN_S=0
  [ -n "${PATH_LOSS_PCT:-}" ] && [ -n "${PATH_MTU:-}" ] || return 0
  calc_true "$PATH_LOSS_PCT > 0" || return 0
  t=$(sed -n 's/^receiver\.net\.ipv4\.ipfrag_time: *\([0-9][0-9]*\)$/\1/p' \
    "$WORK/receiver_info" 2>/dev/null | head -n 1)
  FRAG_PLAN_S=$(awk -F '\t' -v ovh="$OVERHEAD" -v mtu="$PATH_MTU" -v T="${t:-30}" '
    function frag(i,   per) {
      per = int((mtu - 20) / 8) * 8
      return (ty[i] == "maxrate" || pr[i] == "udp") && per > 0 &&
        int((sz[i] + 8 + per - 1) / per) > 1
    }
    function one(i) {
      if (frag(i)) {
        if (since >= 0 && since < T + 1) w += T + 1 - since
        since = 0
      } else if (since >= 0) since += du[i]
    }
    $17 != "" && $17 != "-" && $17 !~ /: pending$/ { next }
    $1 == "point" || $1 == "maxrate" {
      n++; ty[n] = $1; pr[n] = $3; sz[n] = $5 + 0; du[n] = $11 + ovh; rep[n] = $12
      if ($1 == "point" && $12 > maxrep) maxrep = $12
      if ($1 == "maxrate") { split($14, p, " "); tr[n] = p[2] + 1 }
    }
    END {
      since = -1   # seconds since the last fragmented test ended (-1: none yet)
      for (r = 1; r <= maxrep; r++)
        for (i = 1; i <= n; i++) if (ty[i] == "point" && r <= rep[i]) one(i)
      for (i = 1; i <= n; i++) if (ty[i] == "maxrate") for (k = 1; k <= tr[i]; k++) one(i)
      printf "%d\n", w
    }' "$POINTS")
}

# frag_summary: one line on the waits, for meta.txt and the table.
frag_summary() {
  if [ "$FRAG_WAITS" -eq 0 ]; then
    echo "frag_wait: none (a fragmented UDP test waits ipfrag_time + 1 s after one that lost datagrams)"
  else
    echo "frag_wait: $FRAG_WAITS waits, $FRAG_WAITED s in all, for the receiver's IP reassembly queues to expire after fragmented UDP tests that lost datagrams (waits.csv)"
  fi
}

# ---- one tub-send ----

# send CSV ARGS...: one tub-send run with the common options; returns its
# exit status (124: killed by the guard).
send() {
  csv=$1
  shift
  set -- "$BIN/tub-send" -c "$HOST" -p "$PORT" -q --csv "$csv" --run-id "$RUN_ID" "$@"
  command -v timeout >/dev/null 2>&1 && set -- timeout "$GUARD_S" "$@"
  # shellcheck disable=SC2086 # SEND_WRAP is a command prefix
  $SEND_WRAP "$@" 2>"$WORK/send.err" &
  SEND_PID=$!
  while :; do
    wait "$SEND_PID"
    rc=$?
    # a trapped signal ends the wait early while tub-send runs on
    [ $rc -gt 128 ] && kill -0 "$SEND_PID" 2>/dev/null && continue
    break
  done
  SEND_PID=""
  cat "$WORK/send.err" >>"$RUN/send.log"
  return "$rc"
}

# forward_signal: called from the trap; tub-send finishes its row.
forward_signal() {
  [ -n "$SEND_PID" ] && kill -INT "$SEND_PID" 2>/dev/null
  return 0
}

# failure_row CSV RC [STATUS WHY]: a row for the test of the point in P_*
# that left none (tub-send refused the options, or hung and was killed),
# or, with STATUS and WHY, one that did not run (skipped).
failure_row() {
  csv=$1
  rc=$2
  if [ $# -ge 4 ]; then st=$3; why=$4
  elif [ "$rc" -eq 124 ]; then st=timeout; why="killed by bench.sh after $GUARD_S s"
  else st=error; why="tub-send exit $rc: $(tail -n 1 "$WORK/send.err" 2>/dev/null)"
  fi
  if [ ! -s "$csv" ]; then   # no header yet: take tub-send's
    "$BIN/tub-send" -c 127.0.0.1 -p 1 -n 1 --connect-timeout 0.2 -q \
      --csv "$WORK/probe.csv" 2>/dev/null
    sed -n 1p "$WORK/probe.csv" >"$csv"
    rm -f "$WORK/probe.csv"
  fi
  [ -s "$csv" ] || return 0
  head -n 1 "$csv" >"$WORK/head.csv"
  awk -v status="$st" -v why="$why" -v run_id="$RUN_ID" -v target="$HOST" \
    -v proto="$P_PROTO" -v kind="$P_KIND" -v size="$P_SIZE" -v dur="$P_DUR" \
    -v rate="$P_RATE" -v lopt="$P_LOPT" -v ropt="$P_ROPT" -v host="$(uname -n)" \
    -v label="${P_LABEL:--}" \
    -v now="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    -f "$LIB/csv.awk" -f "$LIB/failrow.awk" "$WORK/head.csv" >>"$csv"
}

# point_args: tub-send's options for the point in P_*.
point_args() {
  set -- --proto "$P_PROTO" --kind "$P_KIND" -l "$P_SIZE" -t "${P_DUR}s"
  [ "$P_LOPT" = - ] || set -- "$@" --local-opt "$P_LOPT"
  [ "$P_ROPT" = - ] || set -- "$@" --remote-opt "$P_ROPT"
  [ "$P_RATE" = - ] || set -- "$@" -b "$P_RATE"
  [ "${P_LABEL:--}" = - ] || set -- "$@" --label "$P_LABEL"
  # shellcheck disable=SC2046 # xargs are words joined by '+'
  [ "${P_XARGS:--}" = - ] || set -- "$@" $(echo "$P_XARGS" | tr '+' ' ')
  printf '%s\n' "$@"
}

# run_test CSV [EXTRA ARGS...]: one test of the point in P_*; sets T_ROW
# (its row in CSV: its last, with flows), T_FIRST and T_STATUS.
run_test() {
  csv=$1
  shift
  before=$(csv_rows "$csv")
  # a hung tub-send is killed this long after its duration (GUARD_EXTRA:
  # the path probe's shorter bound): its own bounds (stall 10 s, RESULT
  # wait, grace of 2 RTTs) and 4 round trips of the probed path on top
  GUARD_S=$(awk -v d="$P_DUR" -v x="${GUARD_EXTRA:-31}" -v r="${PATH_RTT_P50_US:-0}" \
    'BEGIN { r = 4 * r / 1e6; print int(d) + x + (r > int(r) ? int(r) + 1 : int(r)) }')
  # the point's options are plain words (checked by suite.awk)
  # shellcheck disable=SC2046
  send "$csv" $(point_args) "$@"
  rc=$?
  [ "$(csv_rows "$csv")" -gt "$before" ] || failure_row "$csv" "$rc"
  T_FIRST=$((before + 1)) # with flows, the test's rows run to T_ROW
  T_ROW=$(csv_rows "$csv")
  T_STATUS=$(csv_last "$csv" status 2>/dev/null) || T_STATUS=error
  [ "$T_ROW" -le "$T_FIRST" ] || T_STATUS=$(rows_status "$csv" "$T_FIRST")
  DONE_TESTS=$((DONE_TESTS + 1))
}

# rows_status CSV FIRST: ok when every row from FIRST on is, else the
# first other status (a test of several flows has a row each).
rows_status() {
  awk -v from="$2" -f "$LIB/csv.awk" -f /dev/stdin "$1" <<'EOF'
NR == 1 { csv_index($0, col); next }
NR - 1 >= from { csv_split($0, r); if (st == "" && r[col["status"]] != "ok") st = r[col["status"]] }
END { print (st == "" ? "ok" : st) }
EOF
}

# read_point LINE-FIELDS: the fields of one line of POINTS into P_*.
read_point() {
  IFS='	' read -r P_TYPE P_SRC P_PROTO P_KIND P_SIZE P_SNDBUF P_RCVBUF \
    P_LOPT P_ROPT P_RATE P_DUR P_REPEAT P_IV P_PARAMS P_NAME P_LABEL P_SKIP P_XARGS <&3
}

# skip_point CSV: the row of a point that cannot run (P_SKIP says why:
# a figure of the path it needs is missing); not a failure.
skip_point() {
  P_SIZE=${P_SIZE:--}
  failure_row "$1" 0 skipped "$P_SKIP"
  T_ROW=$(csv_rows "$1")
  T_STATUS=skipped
}

# ---- the sweep ----

# append_intervals FIRST: this test's interval samples into intervals.csv,
# each with the results.csv row it belongs to: the test's rows from FIRST
# on, one a flow and direction (tub-send writes their series in the order
# of its rows).
append_intervals() {
  [ -s "$WORK/iv.csv" ] || return 0
  awk -F, -v row="$1" -v head="$([ -s "$RUN/intervals.csv" ] && echo 0 || echo 1)" '
    NR == 1 { if (head) print $0 ",results_row"
              for (i = 1; i <= NF; i++) c[$i] = i; next }
    { k = $(c["flow"]) SUBSEP $(c["direction"])
      if (NR > 2 && k != prev) row++
      prev = k; print $0 "," row }' "$WORK/iv.csv" >>"$RUN/intervals.csv"
  rm -f "$WORK/iv.csv"
}

sweep_point() {
  n=$((DONE_TESTS + 1))
  label=$P_NAME
  if [ -n "${CONFIDENCE:-}" ]; then label="$label (run $ROUND, up to $P_REPEAT)"
  elif [ "$P_REPEAT" -gt 1 ]; then label="$label (run $ROUND/$P_REPEAT)"
  fi
  if [ "${P_SKIP:--}" != - ]; then
    [ "$ROUND" -eq 1 ] || return 0
    skip_point "$RUN/results.csv"
    say "[skipped] $label: $P_SKIP"
    return 0
  fi
  frag_wait "$RUN/results.csv"
  DONE_COST=$(calc "$DONE_COST + $F_WAITED")
  [ -z "$STOP" ] || return 0
  printf '[%d/%s%d %s] %s ...' "$n" "$(up_to)" "$TOTAL_TESTS" "$(clock_text)" "$label" >&2
  rm -f "$WORK/iv.csv"
  if [ "$P_IV" = - ]; then
    run_test "$RUN/results.csv"
  else
    run_test "$RUN/results.csv" -i "${P_IV}s" --interval-csv "$WORK/iv.csv"
    append_intervals "$T_FIRST"
  fi
  frag_note "$RUN/results.csv"
  DONE_COST=$(calc "$DONE_COST + $P_DUR + $OVERHEAD")
  if [ "$T_STATUS" = ok ]; then
    echo " ok, $(csv_last "$RUN/results.csv" brief)" >&2
  else
    FAILED=$((FAILED + 1))
    echo " $(csv_last "$RUN/results.csv" status error | tr '\t' ':' | sed 's/:-$//; s/:/: /')" >&2
  fi
}

# run_sweep: every point, repeat rounds of the whole list (so a drift in
# the machine spreads over all points, and a stopped sweep has them all once).
# With --confidence, from round 3 on a point that has converged (or
# cannot: conf_round) is left out of the later rounds, which go on while
# a point is open and below its maximum.
run_sweep() {
  ROUND=1
  echo "# point results_row" >"$WORK/conf_rows"
  echo "# point settled" >"$WORK/conf_done"
  while [ "$ROUND" -le "$MAX_REPEAT" ] && [ -z "$STOP" ]; do
    PI=0
    while read_point; do
      PI=$((PI + 1))
      [ "$P_TYPE" = point ] && [ "$ROUND" -le "$P_REPEAT" ] || continue
      grep -qx "$PI" "$WORK/conf_done" && continue
      T_ROW=""
      sweep_point
      [ -z "$T_ROW" ] || echo "$PI $T_ROW" >>"$WORK/conf_rows"
      [ -z "$STOP" ] || break
    done 3<"$POINTS"
    [ -z "${CONFIDENCE:-}" ] || [ -n "$STOP" ] || conf_round || break
    ROUND=$((ROUND + 1))
  done
}

# conf_round: after round ROUND (3 or later) of a sweep with --confidence:
# the points settled now (lib/settle.awk, from the summary so far) leave
# the plan, and the progress says how each ended. Returns 1 when no point
# is left for another round.
conf_round() {
  [ "$ROUND" -ge 3 ] || return 0
  awk -v t_table="$T_TABLE" -v confidence="$CONFIDENCE" -f "$LIB/csv.awk" \
    -f "$ROOT/scripts/aggregate.awk" "$RUN/results.csv" >"$WORK/conf.csv" || return 0
  awk -F '\t' -v round="$ROUND" -v ovh="$OVERHEAD" -f "$LIB/csv.awk" -f "$LIB/settle.awk" \
    "$POINTS" "$WORK/conf.csv" "$WORK/conf_rows" "$WORK/conf_done" >"$WORK/settle.out" ||
    return 0
  sed -n 's/^done //p' "$WORK/settle.out" >>"$WORK/conf_done"
  sed -n 's/^say //p' "$WORK/settle.out" >&2
  eval "$(tail -n 1 "$WORK/settle.out")"
  TOTAL_TESTS=$((TOTAL_TESTS - CONF_SAVED_TESTS))
  PLAN_COST=$(calc "$PLAN_COST - $CONF_SAVED_COST")
  [ "$CONF_OPEN" -gt 0 ]
}

# ---- max-rate searches ----

# rate_bps is what the sender offered (tx_rate_bps) in the best passing
# trial, rate_req_bps what it was asked for; trial_rows are rows of
# maxrate_trials.csv, best_row the one behind rate_bps.
# path_loss_pct is the path's own loss (the probe's), which a trial may lose
# on top of loss_threshold_pct (with its sampling noise: trial_bound);
# loss_bound_pct is the bound the best trial passed.
MAXRATE_HEAD="run_id,proto,msg_size_bytes,sndbuf_req_bytes,rcvbuf_req_bytes,rcvbuf_granted_bytes,rcvbuf_clamped,loss_threshold_pct,rate_bps,rate_req_bps,throughput_bps,loss_pct,rcvbuf_drops,iterations,ceiling_bps,trial_rows,best_row,status,path_loss_pct,loss_bound_pct"

# trial RATE: one test of the search at RATE bit/s ("-": unpaced); sets
# T_PASS (1: ok and loss within the threshold above the path's own loss,
# S_BOUND), T_LOSS, T_TX, T_THR.
trial() {
  TRIALS=$((TRIALS + 1))
  P_RATE=$1
  frag_wait "$RUN/maxrate_trials.csv"
  DONE_COST=$(calc "$DONE_COST + $F_WAITED")
  run_test "$RUN/maxrate_trials.csv"
  frag_note "$RUN/maxrate_trials.csv"
  [ -n "$FIRST_ROW" ] || FIRST_ROW=$T_ROW
  DONE_COST=$(calc "$DONE_COST + $P_DUR + $OVERHEAD")
  IFS='	' read -r T_LOSS T_TX T_THR T_GRANT T_CLAMP T_DROPS T_SENT T_TXEL T_RXEL <<EOF
$(csv_last "$RUN/maxrate_trials.csv" udp_loss_pct tx_rate_bps throughput_bps \
    remote_granted_rcvbuf_bytes remote_rcvbuf_clamped udp_rcvbuf_drops udp_sent \
    tx_elapsed_s rx_elapsed_s)
EOF
  trial_bound
  trial_stretch
  T_PASS=0 T_LOSS_OK=0
  [ "$T_STATUS" = ok ] && [ "$T_LOSS" != - ] && calc_true "$T_LOSS <= $S_BOUND" && T_LOSS_OK=1
  [ $T_LOSS_OK -eq 1 ] && [ "$T_KEPT_UP" -eq 1 ] && T_PASS=1
  if [ "$1" = - ]; then what="unpaced"; else what="at $(bits "$1")"; fi
  if [ "$T_STATUS" != ok ]; then verdict="$T_STATUS"
  elif [ $T_PASS -eq 1 ]; then verdict="pass"
  elif [ $T_LOSS_OK -eq 1 ]; then verdict="fail: queued at the bottleneck"
  else verdict="fail"
  fi
  bound=""
  [ -z "${PATH_LOSS_PCT:-}" ] || bound=" (bound $(pct "$S_BOUND"))$T_STRETCH_TEXT"
  say "    trial $TRIALS $what: sent $(bits "$T_TX"), loss $(pct "$T_LOSS")$bound ($verdict)"
  # the best is the highest rate actually offered (the sender may fall short)
  if [ $T_PASS -eq 1 ] && { [ -z "$B_RATE" ] || calc_true "$T_TX > $B_RATE"; }; then
    B_RATE=$T_TX; B_REQ=$(dash "$1"); B_LOSS=$T_LOSS; B_THR=$T_THR; B_DROPS=$T_DROPS
    B_ROW=$T_ROW B_BOUND=$S_BOUND
  fi
  return 0
}

# trial_bound: S_BOUND, the loss a trial may have: the threshold, and
# across a probed path csv.awk's loss_bound of it above the path's own
# loss (S_PATH), the probe's train (PROBE_LOSS_SENT datagrams) and the
# trial's (T_SENT).
trial_bound() {
  S_BOUND=$S_LOSS
  [ -n "${PATH_LOSS_PCT:-}" ] || return 0
  S_BOUND=$(awk -v thr="$S_LOSS" -v p0="$S_PATH" -v s="${T_SENT:--}" \
    -v n0="${PROBE_LOSS_SENT:-0}" -f "$LIB/csv.awk" -f /dev/stdin <<'EOF'
BEGIN { printf "%.4g\n", loss_bound(thr, p0, (s == "-") ? 0 : s + 0, n0 + 0) }
EOF
)
}

# trial_stretch: T_KEPT_UP 1 when the trial's datagrams arrived as fast as
# they were sent. Across a probed path a rate a little above the
# bottleneck loses next to nothing in a short trial: the bottleneck's
# queue takes the excess, and the arrivals stretch instead (wan,
# 100 Mbit/s with a 40 ms queue: 99.96 Mbit/s offered for 2.1 s lost
# 0.06% and arrived over 40 ms more, at 98.04 Mbit/s). The span of the
# arrivals may exceed that of the sends by 0.1% + 2 ms of scheduling +
# the idle path's delay spread (rtt_max - rtt_min of the probe: jitter).
# Under the bottleneck they kept within 0.1 ms across wan; with 0.5% the
# search passed 98.7 Mbit/s there (13.4 ms late, allowed 15.4).
# Without a probe (loopback) there is no such queue and T_KEPT_UP stays
# 1. T_STRETCH_TEXT says what it saw.
trial_stretch() {
  T_KEPT_UP=1 T_STRETCH_TEXT=""
  [ -n "${PATH_RTT_MIN_US:-}" ] && [ "${T_TXEL:--}" != - ] && [ "${T_RXEL:--}" != - ] || return 0
  eval "$(awk -v tx="$T_TXEL" -v rx="$T_RXEL" -v lo="$PATH_RTT_MIN_US" \
    -v hi="${PATH_RTT_MAX_US:-$PATH_RTT_MIN_US}" 'BEGIN {
    allow = 0.001 * tx + 0.002 + (hi - lo) / 1e6
    printf "T_KEPT_UP=%d T_STRETCH_TEXT=\", arrivals %+.1f ms (allowed %.1f ms)\"\n",
      (rx - tx <= allow), 1000 * (rx - tx), 1000 * allow }')"
}

# search_point: the search for the point in P_*, one row of maxrate.csv.
# An unpaced trial gives the sender's ceiling and what got through; when it
# lost too much, the search runs between a floor and 1.25 x what got
# through (capped by the ceiling), starting just under that, halving the
# interval (geometrically while it spans more than a factor 4) until it is
# within the precision or the trials run out. lo passes (or is the floor),
# hi fails. Across a probed path, the search runs between 0.1x and 1.25x
# the bottleneck, from 0.95x (suite.awk's start), and no trial is a flood.
# A trial passes with loss up to the threshold plus the path's own, and
# (across a probed path) arrivals that kept pace with the sends.
search_point() {
  # shellcheck disable=SC2086 # the parameters are words
  set -- $P_PARAMS
  S_LOSS=$1 S_ITER=$2 S_PREC=$3 lo=$4 hi=$5 next=${6:-}
  [ "$next" = - ] && next=""
  S_PATH=${PATH_LOSS_PCT:-0}
  NS=$((NS + 1))
  TRIALS=0 FIRST_ROW="" B_RATE="" B_REQ="" B_LOSS="" B_THR="" B_DROPS="" B_ROW="" B_BOUND="" status=""
  T_GRANT="" T_CLAMP="" ceiling=""
  if [ "${P_SKIP:--}" != - ]; then
    say "[search $NS/$NSEARCH skipped] $P_NAME: $P_SKIP"
    status=skipped
    write_maxrate_row
    return 0
  fi
  if [ -n "${PATH_LOSS_PCT:-}" ]; then
    say "[search $NS/$NSEARCH $(clock_text)] $P_NAME: highest rate with loss <= $S_LOSS% above the path's own $(pct "$S_PATH") (and its sampling noise)"
  else
    say "[search $NS/$NSEARCH $(clock_text)] $P_NAME: highest rate with loss <= $S_LOSS%"
  fi
  if [ "$hi" = - ]; then
    trial -
    if [ "$T_STATUS" != ok ] || [ "$T_TX" = - ]; then status=failed
    elif [ $T_PASS -eq 1 ]; then status=sender_limited
    else
      hi=$(calc "($T_THR * 1.25 < $T_TX) ? $T_THR * 1.25 : $T_TX")
      next=$(calc "0.95 * $T_THR")
    fi
  fi
  ceiling=$hi
  [ "$hi" = - ] || calc_true "$lo > 0" || lo=$(calc "$hi / 1000")
  steps=0
  while [ -z "$status" ] && [ -z "$STOP" ] && [ $steps -lt "$S_ITER" ] &&
    calc_true "$hi - $lo > $S_PREC * $hi"; do
    mid=${next:-$(calc "($hi / $lo > 4) ? sqrt($lo * $hi) : ($lo + $hi) / 2")}
    calc_true "$mid > $lo && $mid < $hi" || mid=$(calc "($lo + $hi) / 2")
    mid=$(awk -v m="$mid" 'BEGIN { printf "%.0f", m }')
    next=""
    trial "$mid"
    if [ $T_PASS -eq 1 ]; then lo=$mid; else hi=$mid; fi
    steps=$((steps + 1))
  done
  if [ -n "$STOP" ] && [ -z "$status" ]; then status=interrupted
  elif [ -z "$status" ] && [ -z "$B_RATE" ]; then status=none_passed
  elif [ -z "$status" ]; then status=ok
  fi
  write_maxrate_row
  if [ -n "$B_RATE" ]; then
    say "    => $(bits "$B_RATE") offered, loss $(pct "$B_LOSS"), after $TRIALS trials"
  else
    say "    => no rate passed ($status) after $TRIALS trials"
  fi
}

write_maxrate_row() {
  f=$RUN/maxrate.csv
  [ -s "$f" ] || echo "$MAXRATE_HEAD" >"$f"
  last=$(csv_rows "$RUN/maxrate_trials.csv" 2>/dev/null)
  rows=""
  [ -z "$FIRST_ROW" ] || rows=$FIRST_ROW-$last
  echo "$RUN_ID,udp,$P_SIZE,$(dash "$P_SNDBUF"),$(dash "$P_RCVBUF"),$(dash "${T_GRANT:--}"),$(dash "${T_CLAMP:--}"),$S_LOSS,$B_RATE,$B_REQ,$(dash "${B_THR:--}"),$B_LOSS,$(dash "${B_DROPS:--}"),$TRIALS,$(dash "${ceiling:--}"),$rows,$B_ROW,$status,$(dash "${PATH_LOSS_PCT:--}"),$B_BOUND" >>"$f"
}

run_searches() {
  NS=0
  while [ -z "$STOP" ] && read_point; do
    [ "$P_TYPE" = maxrate ] || continue
    search_point
  done 3<"$POINTS"
}
