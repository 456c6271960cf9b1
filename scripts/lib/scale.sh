# scale.sh: the suite scaled to the path (sourced by bench.sh). Relative
# values of a suite (scripts/suites/README) are resolved against figures
# of the run: rate=0.5x against the bottleneck of the path probe (on
# loopback: the unpaced UDP rate measured first, scale_reference), and
# sndbuf=/rcvbuf=1bdp against the BDP; tests last at least N round trips
# of the probed RTT (suite.awk's scaled()). A point whose figure is
# missing is kept, with the reason, and skipped by the sweep.
# Sets the SC_* variables expand_suite gives suite.awk. Uses RUN, WORK,
# LIB, MODE, PROBE, DURATION, POINTS, PATH_* and PROBE_FAMILY (probe.sh).

SC_REF_BPS="" SC_REF_SIZE="" SC_REF_WHY="" SC_MTU="" SC_IP_HDR="" SC_TCP_MSS=""
SC_BDP="" SC_BDP_WHY="" SC_RTT_US="" SC_SEARCH_REF=""
REF_SIZE=1400           # the loopback reference: unpaced UDP datagrams of this size
REF_DUR=1               # ... for this long (s)

# suite_vars: suite.awk's variables from SC_*, one -v a line.
suite_vars() {
  for kv in ref_bps="$SC_REF_BPS" ref_size="$SC_REF_SIZE" ref_why="$SC_REF_WHY" \
    mtu="$SC_MTU" ip_hdr="$SC_IP_HDR" tcp_mss="$SC_TCP_MSS" bdp="$SC_BDP" \
    bdp_why="$SC_BDP_WHY" rtt_us="$SC_RTT_US" search_ref="$SC_SEARCH_REF"; do
    printf '%s\n' "-v" "$kv"
  done
}

# needs_ref: whether a point of POINTS has a rate relative to the reference.
needs_ref() {
  awk -F '\t' '$16 ~ /(^|\+)(rate|lo|hi|start)=[0-9.]+x/ { f = 1; exit } END { exit !f }' "$POINTS"
}

# why_missing FIGURE: why the path has no figure (path.csv's status).
why_missing() {
  if [ "$MODE" = local ]; then
    echo "loopback has no path to probe (relative buffers are for --peer, --ssh or --link)"
  elif [ "$PROBE" -eq 0 ]; then
    echo "no path probe (--no-probe)"
  else
    st=$(path_get "$1" status)
    echo "path.csv $1: ${st:-not measured}"
  fi
}

# scale_reference: on loopback, when the suite has relative rates, what
# 1x is: the receiving rate of an unpaced UDP stream of REF_SIZE B datagrams
# with default buffers, REF_DUR s (its row: probe_results.csv; the figure:
# path.csv, reference_bps).
scale_reference() {
  [ "$MODE" = local ] && needs_ref || return 0
  say "reference: an unpaced UDP stream of $REF_SIZE B for ${REF_DUR} s, for the suite's x rates"
  saved=$DONE_TESTS
  # shellcheck disable=SC2034 # sweep.sh's run_test reads them
  P_PROTO=udp P_KIND=stream P_SIZE=$REF_SIZE P_DUR=$REF_DUR P_RATE=- P_LOPT=- P_ROPT=- P_LABEL=reference
  run_test "$RUN/probe_results.csv"
  DONE_TESTS=$saved
  thr=$(csv_last "$RUN/probe_results.csv" throughput_bps 2>/dev/null)
  how="received of an unpaced UDP stream, $REF_SIZE B datagrams, default buffers, ${REF_DUR} s, loopback [probe row $T_ROW]"
  if [ "$T_STATUS" = ok ] && [ -n "$thr" ] && [ "$thr" != - ]; then
    SC_REF_BPS=$thr
    path_row reference_bps "$thr" bit/s "$how" ok
    say "reference: 1x = $(bits "$thr")"
  else
    SC_REF_WHY="the loopback reference failed: $T_STATUS: $(csv_last "$RUN/probe_results.csv" error 2>/dev/null) [probe_results.csv row $T_ROW]"
    path_row reference_bps "" bit/s "$how" "failed: $T_STATUS"
    say "reference: $SC_REF_WHY; its points are skipped"
  fi
}

# scale_vars: SC_* from the run's figures: across a network the probe's
# PATH_* (1x: the bottleneck, the payload rate of datagrams of the path's
# MTU; durations from RTT p50), on loopback the reference (scale_reference).
scale_vars() {
  SC_RTT_US="" SC_SEARCH_REF="" SC_TCP_MSS="" SC_BDP_WHY=""
  [ "$MODE" = local ] || SC_REF_WHY=""
  SC_REF_SIZE=$REF_SIZE SC_MTU=65536 SC_IP_HDR=20
  [ "$SC_REF_WHY" = pending ] && SC_REF_WHY="not measured"
  if [ "$MODE" != local ]; then
    SC_IP_HDR=20
    [ "${PROBE_FAMILY:-ipv4}" = ipv6 ] && SC_IP_HDR=40
    SC_MTU=${PATH_MTU:-1500}
    SC_REF_SIZE=$((SC_MTU - SC_IP_HDR - 8))
    SC_REF_BPS=${PATH_BOTTLENECK_BPS:-}
    [ -n "$SC_REF_BPS" ] || SC_REF_WHY="no bottleneck figure: $(why_missing bottleneck_bps)"
    [ -n "$SC_REF_BPS" ] && SC_SEARCH_REF=1
    SC_TCP_MSS=${PATH_TCP_MSS:-}
    SC_RTT_US=${PATH_RTT_P50_US:-${PATH_RTT_MIN_US:-}}
  fi
  SC_BDP=${PATH_BDP_BYTES:-}
  [ -n "$SC_BDP" ] || SC_BDP_WHY=$(why_missing bdp_bytes)
}

# scale_points: the suite expanded again with the run's figures (POINTS,
# RUN/points.tsv), and a line saying what scaled.
scale_points() {
  scale_vars
  expand_suite
  cp "$POINTS" "$RUN/points.tsv"
  n=$(awk -F '\t' '$17 != "-" { n++ } END { print n + 0 }' "$POINTS")
  t=""
  [ -n "$SC_REF_BPS" ] && t="1x = $(bits "$SC_REF_BPS")"
  [ -n "$SC_BDP" ] && t="$t${t:+, }1bdp = $SC_BDP B"
  if [ -n "$SC_RTT_US" ] && [ -z "$DURATION" ]; then
    t="$t${t:+, }tests at least 50 round trips (streams, max-rate trials) or 20 (the rest) of $(us_text "$SC_RTT_US")"
  fi
  [ -z "$t" ] || say "suite scaled to the path: $t (points.tsv)"
  duration_warning
  [ "$n" -eq 0 ] || say "$n points skipped: a figure they need is missing (see their rows)"
  plan_sums
}

# duration_warning: SHORT_TEXT, a warning when a --duration given on the
# command line is shorter than the 50 round trips of the probed RTT that a
# TCP stream needs to leave slow start and settle (the suite's own
# durations would scale); said now, in meta.txt and under the table.
duration_warning() {
  SHORT_TEXT=""
  [ -n "$DURATION" ] && [ -n "$SC_RTT_US" ] || return 0
  SHORT_TEXT=$(awk -v d="$DURATION" -v r="$SC_RTT_US" 'BEGIN {
    n = d * 1e6 / r
    if (n < 50) printf "--duration %gs is %.1f round trips of %.1f ms, under the 50 a TCP stream needs to leave slow start and settle (%.1f s); streams and max-rate trials read low or early, rr points have few transactions\n", d, n, r / 1000, 50 * r / 1e6 }')
  [ -z "$SHORT_TEXT" ] || {
    say "warning: $SHORT_TEXT"
    echo "warning: $SHORT_TEXT" >>"$RUN/meta.txt"
  }
}

# scale_init: before the first expansion (the plan, --dry-run): the
# figures are not measured yet; on loopback, or without the probe, the
# BDP never is.
scale_init() {
  SC_REF_WHY=pending SC_BDP_WHY=pending
  [ "$MODE" = local ] || [ "$PROBE" -eq 0 ] || return 0
  SC_BDP_WHY=$(why_missing bdp_bytes)
  [ "$MODE" = local ] || SC_REF_WHY="no bottleneck figure: $(why_missing bottleneck_bps)"
}
