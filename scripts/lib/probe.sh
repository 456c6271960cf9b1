# probe.sh: the path probe of bench.sh (sourced). Before the sweep of a
# run that is not on loopback (--peer, --ssh, --link), a few short tests
# of the real tub-send against the run's receiver measure the path:
#   idle RTT       UDP rr, 64 B
#   TCP goodput    a TCP stream with default buffers; its MSS; both ends'
#                  congestion control
#   path MTU       UDP datagrams of the route's MTU with DF set
#   bottleneck     paced UDP at rates above and below it; the first trial,
#                  above it, tells roughly where it is
#   path loss      a slow paced UDP train (well under the bottleneck), run
#                  after that first trial
#   BDP            bottleneck x RTT min
# Every figure is a row of RUN/path.csv (figure,value,unit,how,status:
# status "ok", or why the value is missing or only a bound); the tests
# behind them are the rows of RUN/probe_results.csv, which `how` cites.
# Each step is bounded in time; one that fails leaves its figure empty
# with the reason, and the probe goes on. Sets and exports PATH_RTT_MIN_US,
# PATH_RTT_P50_US, PATH_LOSS_PCT, PATH_BOTTLENECK_BPS, PATH_TCP_GOODPUT_BPS,
# PATH_CC_LOCAL, PATH_CC_REMOTE, PATH_MTU, PATH_TCP_MSS, PATH_BDP_BYTES
# (empty when missing) and PATH_TEXT (the one-line summary).
# Uses RUN, WORK, LIB, HOST, MODE, SEND_WRAP, POINTS, SETS, STOP, KINDS
# (suite.awk's table of kinds) and sweep.sh's run_test (so its tests run
# as the sweep's do).

PROBE_CONNECT=3s        # tub-send's --connect-timeout in the probe
PROBE_GUARD=8           # seconds a probe test may run past its duration
PROBE_TRIAL_S=0.7       # one bottleneck trial
PROBE_TRIALS=6          # bottleneck trials at most
PROBE_LOSS_N=3000       # datagrams of the loss train (see probe_loss)
PROBE_LOSS_SIZE=1200    # ... their size: fits any IPv6 path

# probe_estimate [RTT_US]: seconds the probe takes on a path of a short
# RTT; with RTT_US, what is left after the RTT step at that RTT (each test
# costs a few round trips of handshake and results; the TCP stream 10 RTTs).
probe_estimate() {
  awk -v ovh="$OVERHEAD" -v t="$PROBE_TRIAL_S" -v rtt="${1:-}" 'BEGIN {
    if (rtt == "") { printf "%.0f\n", 1.5 + 2 + 0.3 + 1.5 + 4 * t + 8 * ovh; exit }
    r = rtt / 1e6; tcp = 10 * r; if (tcp < 2) tcp = 2; if (tcp > 6) tcp = 6
    printf "%.0f\n", tcp + 0.1 + 1.5 + 4 * t + 7 * (ovh + 4 * r) }'
}

# ---- path.csv ----

# path_var FIGURE: the shell variable of a figure.
path_var() {
  case $1 in
    rtt_min_us) echo PATH_RTT_MIN_US ;;
    rtt_p50_us) echo PATH_RTT_P50_US ;;
    rtt_max_us) echo PATH_RTT_MAX_US ;;
    path_loss_pct) echo PATH_LOSS_PCT ;;
    bottleneck_bps) echo PATH_BOTTLENECK_BPS ;;
    tcp_goodput_bps) echo PATH_TCP_GOODPUT_BPS ;;
    cc_local) echo PATH_CC_LOCAL ;;
    cc_remote) echo PATH_CC_REMOTE ;;
    path_mtu_bytes) echo PATH_MTU ;;
    tcp_mss_bytes) echo PATH_TCP_MSS ;;
    bdp_bytes) echo PATH_BDP_BYTES ;;
  esac
}

# path_row FIGURE VALUE UNIT HOW STATUS: one row of path.csv ("-" or ""
# for no value), and the figure's variable.
path_row() {
  f=$RUN/path.csv
  [ -s "$f" ] || echo "figure,value,unit,how,status" >"$f"
  val=$2
  [ "$val" = - ] && val=""
  awk -v mode=row -v figure="$1" -v value="$val" -v unit="$3" -v how="$4" \
    -v status="$5" -f "$LIB/csv.awk" -f "$LIB/path.awk" >>"$f"
  var=$(path_var "$1")
  [ -n "$var" ] && eval "$var=\$val"
  return 0
}

# path_get FIGURE COLUMN: a column (value, how, status) of path.csv.
path_get() {
  awk -F, -v mode=get -v figure="$1" -v c="$2" -f "$LIB/csv.awk" -f "$LIB/path.awk" \
    "$RUN/path.csv" 2>/dev/null
}

# ---- one probe test ----

# probe_test PROTO KIND SIZE DUR RATE LOPT ROPT [TUB-SEND ARGS...]: one
# test into probe_results.csv through sweep.sh's run_test ("-" for no
# rate or options). Sets T_ROW, T_STATUS and R_* (the columns read; "-"
# when empty). A receiver not reached ends the probe's network steps.
probe_test() {
  # shellcheck disable=SC2034 # sweep.sh's run_test reads them
  P_PROTO=$1 P_KIND=$2 P_SIZE=$3 P_DUR=$4 P_RATE=$5 P_LOPT=$6 P_ROPT=$7
  shift 7
  run_test "$PROBE_CSV" --connect-timeout "$PROBE_CONNECT" "$@"
  PROBE_TESTS=$((PROBE_TESTS + 1))
  IFS='	' read -r R_ERROR R_FAMILY R_MIN R_P50 R_DONE R_RRLOST R_THR R_TX R_MSS \
    R_RETR R_SENT R_RECV R_PLOST R_DROPS R_TXEL R_RXEL R_IPMTU R_MAX <<EOF
$(csv_last "$PROBE_CSV" error family rtt_min_us rtt_p50_us rr_done rr_lost \
    throughput_bps tx_rate_bps tcp_mss_bytes tcp_retrans_segs udp_sent udp_received \
    udp_path_lost udp_rcvbuf_drops tx_elapsed_s rx_elapsed_s path_mtu_bytes rtt_max_us)
EOF
  [ "$R_FAMILY" = ipv6 ] && PROBE_FAMILY=ipv6
  case $T_STATUS in
    connect_failed | timeout) PROBE_UNREACHED="$T_STATUS, probe row $T_ROW" ;;
  esac
}

# failed_text: the status of a figure whose test failed.
failed_text() {
  if [ "$T_STATUS" = ok ]; then echo "failed: the row has no value [probe row $T_ROW]"
  else echo "failed: $T_STATUS: $R_ERROR [probe row $T_ROW]"
  fi
}

# skip_reason: why a step does not run (empty: it runs).
skip_reason() {
  if [ -n "$STOP" ]; then echo "skipped: interrupted"
  elif [ -n "$PROBE_UNREACHED" ]; then
    echo "skipped: the receiver was not reached ($PROBE_UNREACHED)"
  fi
}

# us_text US: 40357 -> "40.36 ms", 250 -> "250 us".
us_text() {
  awk -v u="$1" 'BEGIN { if (u >= 1000) printf "%.2f ms\n", u / 1000; else printf "%.0f us\n", u }'
}

# ---- the steps ----

# probe_rtt: idle RTT, before anything else loads the path. 30 round trips
# of 64 B, a reply later than 2 s counts as lost, 3 s at most.
probe_rtt() {
  probe_test udp rr 64 3 - - - -n 30 --rr-timeout 2s
  PROBE_IPMTU=""
  [ "$R_IPMTU" != - ] && [ "$R_IPMTU" -gt 0 ] && PROBE_IPMTU=$R_IPMTU
  if [ "$T_STATUS" = ok ] && [ "$R_MIN" != - ]; then
    how="udp rr 64 B, $R_DONE round trips ($R_RRLOST lost), idle path [probe row $T_ROW]"
    path_row rtt_min_us "$R_MIN" us "$how" ok
    path_row rtt_p50_us "$R_P50" us "$how" ok
    path_row rtt_max_us "$R_MAX" us "$how" ok
    say "  RTT: min $(us_text "$R_MIN"), p50 $(us_text "$R_P50") ($R_DONE round trips; the rest of the probe: about $(probe_estimate "$R_MIN") s)"
  else
    why=$(failed_text)
    path_row rtt_min_us "" us "udp rr 64 B" "$why"
    path_row rtt_p50_us "" us "udp rr 64 B" "$why"
    path_row rtt_max_us "" us "udp rr 64 B" "$why"
    say "  RTT: $why"
  fi
}

# meta_key KEY [receiver]: a line of meta.txt ("receiver." KEY with
# receiver); empty when missing or '?'.
meta_key() {
  k=$1
  [ $# -gt 1 ] && k=receiver.$1
  v=$(awk -v k="$k: " 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }' "$RUN/meta.txt")
  [ "$v" = '?' ] && v=""
  echo "$v"
}

# probe_cc: the congestion control of each end (its sysctl in meta.txt,
# read where each end runs); only the sender's acts on the probe's stream.
probe_cc() {
  v=$(meta_key net.ipv4.tcp_congestion_control)
  if [ -n "$v" ]; then path_row cc_local "$v" "" "net.ipv4.tcp_congestion_control of the sender (meta.txt)" ok
  else path_row cc_local "" "" "net.ipv4.tcp_congestion_control of the sender" "unknown: not readable here"
  fi
  v=$(meta_key net.ipv4.tcp_congestion_control receiver)
  if [ -n "$v" ]; then path_row cc_remote "$v" "" "net.ipv4.tcp_congestion_control of the receiver (meta.txt)" ok
  elif [ "$MODE" = peer ]; then
    path_row cc_remote "" "" "net.ipv4.tcp_congestion_control of the receiver" \
      "unknown: its tub-recv was started by hand (--ssh reads the receiver's sysctls)"
  else
    path_row cc_remote "" "" "net.ipv4.tcp_congestion_control of the receiver" \
      "unknown: the receiver's facts could not be had (meta.txt)"
  fi
}

# probe_tcp: goodput of a TCP stream with default buffers (autotuned),
# 128 KiB writes, for 10 RTTs (2 s to 6 s); its MSS.
probe_tcp() {
  why=$(skip_reason)
  if [ -n "$why" ]; then
    path_row tcp_goodput_bps "" bit/s "tcp stream, default buffers" "$why"
    path_row tcp_mss_bytes "" bytes "TCP_INFO snd_mss" "$why"
    say "  TCP: $why"
    return 0
  fi
  dur=$(awk -v r="${PATH_RTT_MIN_US:-0}" 'BEGIN { d = 10 * r / 1e6; if (d < 2) d = 2; if (d > 6) d = 6; printf "%.3g\n", d }')
  probe_test tcp stream 131072 "$dur" - - -
  cc="${PATH_CC_LOCAL:-?}->${PATH_CC_REMOTE:-?}"
  if [ "$T_STATUS" = ok ] && [ "$R_THR" != - ]; then
    path_row tcp_goodput_bps "$R_THR" bit/s "tcp stream, default buffers, 128 KiB writes, ${dur} s, congestion control $cc (sender->receiver), $R_RETR segments retransmitted [probe row $T_ROW]" ok
    say "  TCP: $(bits "$R_THR") with default buffers, $cc, $R_RETR retransmitted"
  else
    why=$(failed_text)
    path_row tcp_goodput_bps "" bit/s "tcp stream, default buffers, ${dur} s" "$why"
    say "  TCP: $why"
  fi
  if [ "$R_MSS" != - ]; then
    hdr=40
    [ "$PROBE_FAMILY" = ipv6 ] && hdr=60
    ts=""
    if [ "$(meta_key net.ipv4.tcp_timestamps)" = 1 ] &&
      [ "$(meta_key net.ipv4.tcp_timestamps receiver)" != 0 ]; then
      ts=12   # on both ends (or the receiver's unknown): negotiated
    fi
    PROBE_MSS_MTU=$((R_MSS + hdr + ${ts:-0}))
    path_row tcp_mss_bytes "$R_MSS" bytes "TCP_INFO snd_mss of the stream; + $hdr B of IP and TCP headers${ts:+ + 12 B of timestamps (on at both ends)} = an MTU of $PROBE_MSS_MTU [probe row $T_ROW]" ok
  else
    path_row tcp_mss_bytes "" bytes "TCP_INFO snd_mss of the stream" "$(failed_text)"
  fi
}

# mtu_trial SIZE: 20 datagrams of SIZE B with DF set (IP_MTU_DISCOVER 2);
# 0 when one arrived. Too big for the path: EMSGSIZE (the interface's MTU,
# or the one an ICMP "fragmentation needed" taught the kernel), or none
# arrives (a black hole).
mtu_trial() {
  probe_test udp stream "$1" 1 10000000 mtu_discover=2 - -n 20
  MTU_ROWS="$MTU_ROWS${MTU_ROWS:+,}$T_ROW"
  [ "$T_STATUS" = ok ] && [ "$R_RECV" != - ] && [ "$R_RECV" -gt 0 ]
}

# probe_mtu: the largest UDP datagram with DF set that crosses the path,
# plus the UDP/IP headers. It starts at the MTU the kernel holds for the
# route (IP_MTU; else the sending interface's): a datagram cannot be
# bigger. When that does not arrive (an ICMP "fragmentation needed", or a
# black hole), it halves the range down to the IPv4 minimum of 576 (IPv6:
# 1280), 8 trials at most. Without either MTU, or when no datagram
# crosses, the MTU from the TCP MSS.
probe_mtu() {
  hdr=28
  [ "$PROBE_FAMILY" = ipv6 ] && hdr=48
  ifmtu=$(meta_key mtu)
  dev=$(meta_key interface | sed 's/ .*//')
  # where to start: what the kernel holds for the route (IP_MTU of the rr
  # test's connected socket: the interface's MTU, or less where an ICMP
  # said so), else the interface's
  MTU_TOP=${PROBE_IPMTU:-$ifmtu}
  MTU_FROM="the interface ${dev:-?} has MTU ${ifmtu:-?}"
  [ -n "$PROBE_IPMTU" ] && MTU_FROM="IP_MTU of a connected UDP socket: $PROBE_IPMTU; $MTU_FROM"
  MTU_ROWS=""
  MTU_WHY=$(skip_reason)
  [ -n "$MTU_WHY" ] || [ -n "$MTU_TOP" ] || MTU_WHY="neither IP_MTU nor the sending interface's MTU is known"
  [ -n "$MTU_WHY" ] || mtu_search
  if [ -z "$PATH_MTU" ] && [ -n "$PROBE_MSS_MTU" ]; then
    path_row path_mtu_bytes "$PROBE_MSS_MTU" bytes "from the TCP MSS (tcp_mss_bytes)" \
      "ok: from the MSS (UDP with DF: ${MTU_WHY:-$(skip_reason)})"
  elif [ -z "$PATH_MTU" ]; then
    path_row path_mtu_bytes "" bytes "UDP datagrams with DF set, or the TCP MSS" \
      "${MTU_WHY:-$(skip_reason)}"
  fi
  say "  MTU: ${PATH_MTU:-$(path_get path_mtu_bytes status)}"
}

# mtu_search: probe_mtu's trials; sets MTU_WHY when they give no figure.
mtu_search() {
  top=$((MTU_TOP - hdr))
  if mtu_trial "$top"; then
    path_row path_mtu_bytes "$MTU_TOP" bytes "a UDP datagram of $top B with DF set (mtu_discover=2) crossed the path, and no bigger one can leave ($MTU_FROM) [probe rows $MTU_ROWS]" ok
    return 0
  fi
  if [ "$T_STATUS" = ok ]; then first="none of 20 arrived"
  else first="$T_STATUS: $R_ERROR"
  fi
  lo=548
  [ "$PROBE_FAMILY" = ipv6 ] && lo=1232
  hi=$top
  n=1
  while [ $n -lt 8 ] && [ $((hi - lo)) -gt 8 ] && [ -z "$(skip_reason)" ]; do
    mid=$(((lo + hi) / 2))
    if mtu_trial "$mid"; then lo=$mid; else hi=$mid; fi
    n=$((n + 1))
  done
  if [ -n "$(skip_reason)" ]; then
    MTU_WHY=$(skip_reason)
  elif [ "$lo" -eq 548 ] || [ "$lo" -eq 1232 ]; then
    MTU_WHY="failed: no datagram with DF set crossed, down to $hi B ($first at $top B) [probe rows $MTU_ROWS]"
  else
    path_row path_mtu_bytes $((lo + hdr)) bytes "UDP datagrams with DF set: $lo B crossed, $hi B did not ($first at $top B; $MTU_FROM) [probe rows $MTU_ROWS]" "ok: within $((hi - lo)) B"
  fi
}

# bn_trial RATE: one bottleneck trial, MTU-sized datagrams paced at RATE
# bit/s for PROBE_TRIAL_S into a large receive buffer; B_* its figures.
bn_trial() {
  probe_test udp stream "$BN_SIZE" "$PROBE_TRIAL_S" "$1" - rcvbuf=4M
  BN_N=$((BN_N + 1))
  BN_ROWS="$BN_ROWS${BN_ROWS:+,}$T_ROW"
  B_RATE=$1 B_ROW=$T_ROW B_OK=0 B_ERR="$T_STATUS: $R_ERROR" B_STATUS=$T_STATUS
  [ "$T_STATUS" = ok ] && [ "$R_SENT" != - ] && [ "$R_THR" != - ] && B_OK=1
  B_THR=$R_THR B_TX=$R_TX B_SENT=$R_SENT B_PLOST=$R_PLOST B_DROPS=$R_DROPS
  B_TXEL=$R_TXEL B_RXEL=$R_RXEL
}

# bn_judge: B_PASS 1 when the trial's rate is one the path carries to the
# receiving program: its loss (on the path and in the receiver's socket
# buffer: a receiving host that cannot keep up is a bottleneck too) within
# the path's own loss + the threshold (allowing three standard deviations
# of the sampling noise of both counts), and its datagrams arriving as
# fast as they were sent (the span of the arrivals at most 2% + 2 ms
# longer than that of the sends: a queue building up at the bottleneck
# stretches it before it overflows and drops; the allowance is for the
# hosts' and the link's scheduling, and a rate up to 2% over the
# bottleneck that passes still delivers only the bottleneck's rate, which
# is the figure). B_WHY says what it saw.
bn_judge() {
  B_PASS=0
  if [ "$B_OK" -ne 1 ]; then
    B_WHY=$B_ERR
    return 0
  fi
  eval "$(awk -v s="$B_SENT" -v l="$B_PLOST" -v d="$B_DROPS" -v p0="${PATH_LOSS_PCT:-0}" \
    -v n0="${PROBE_LOSS_SENT:-0}" -v thr="$PROBE_THRESHOLD" -v tx="$B_TXEL" -v rx="$B_RXEL" 'BEGIN {
    d += 0; loss = 100 * (l + d) / s; p = (p0 > thr ? p0 : thr) / 100
    noise = 300 * sqrt(p * (1 - p) * (1 / s + (n0 > 0 ? 1 / n0 : 0)))
    bound = p0 + thr + noise
    stretch = (tx > 0) ? 100 * (rx - tx) / tx : 0
    pass = (loss <= bound && rx <= tx * 1.02 + 0.002)
    buf = (d > 0) ? sprintf("; %.3g%% in the receiver'"'"'s socket buffer", 100 * d / s) : ""
    printf "B_PASS=%d B_LOSS=%.4g B_WHY=\"loss %.3g%% (bound %.3g%%%s), arrivals %+.2g%% longer\"\n",
      pass, loss, loss, bound, buf, stretch }')"
}

bn_say() {
  if [ "$B_OK" -ne 1 ]; then
    say "    trial $BN_N at $(bits "$B_RATE"): $B_WHY"
    return 0
  fi
  what="fail"
  [ "$B_PASS" -eq 1 ] && what="pass"
  say "    trial $BN_N at $(bits "$B_RATE"): received $(bits "$B_THR"), $B_WHY ($what)"
}

# bn_first: the bottleneck's first trial, above it unless the path is much
# faster than TCP made it: twice the TCP goodput (at least 100 Mbit/s; 1
# Gbit/s without it). What arrives, the bottleneck or less, sets the rate
# of the loss train; the verdict waits for the path's loss.
bn_first() {
  BN_N=0 BN_ROWS="" BN_BEST="" BN_FIRST_THR=""
  BN_SIZE=1400
  if [ -n "$PATH_MTU" ]; then
    BN_SIZE=$((PATH_MTU - 28))
    [ "$PROBE_FAMILY" = ipv6 ] && BN_SIZE=$((PATH_MTU - 48))
  fi
  [ -z "$(skip_reason)" ] || return 0
  r=1000000000
  [ -n "$PATH_TCP_GOODPUT_BPS" ] &&
    r=$(awk -v g="$PATH_TCP_GOODPUT_BPS" 'BEGIN { r = 2 * g; if (r < 1e8) r = 1e8; printf "%.0f\n", r }')
  bn_trial "$r"
  [ "$B_OK" -eq 1 ] && BN_FIRST_THR=$B_THR
  BN_FIRST="$B_RATE $B_OK $B_THR $B_TX $B_SENT $B_PLOST $B_DROPS $B_TXEL $B_RXEL $B_ROW"
  BN_FIRST_ERR=$B_ERR BN_FIRST_STATUS=$B_STATUS
}

# probe_loss: the path's own loss, from a paced train of 3000 datagrams of
# 1200 B at a fifth of what the first bottleneck trial delivered (at most
# 20 Mbit/s; 10 Mbit/s without it), 4 s at most. Paced well under the
# bottleneck, no queue builds: what is lost is the path's. 3000: at 1%
# loss, 30 lost are expected, and the count falls outside a factor 2
# (under 15 or over 60) with a chance of 0.09% (binomial; 2000 gives 0.5%,
# 1000 3%). Drops in the receiver's socket buffer are not the path's.
probe_loss() {
  why=$(skip_reason)
  if [ -n "$why" ]; then
    path_row path_loss_pct "" % "paced UDP train" "$why"
    say "  loss: $why"
    return 0
  fi
  rate=$(awk -v d="$BN_FIRST_THR" 'BEGIN {
    r = (d == "") ? 1e7 : d / 5; if (r > 2e7) r = 2e7; if (r < 1e5) r = 1e5; printf "%.0f\n", r }')
  size=$PROBE_LOSS_SIZE
  [ "$BN_SIZE" -lt "$size" ] && size=$BN_SIZE
  dur=$(awk -v n="$PROBE_LOSS_N" -v s="$size" -v r="$rate" 'BEGIN {
    d = 1.2 * n * s * 8 / r + 0.2; if (d > 4) d = 4; printf "%.3g\n", d }')
  probe_test udp stream "$size" "$dur" "$rate" - rcvbuf=4M -n "$PROBE_LOSS_N"
  if [ "$T_STATUS" = ok ] && [ "$R_SENT" != - ] && [ "$R_SENT" -gt 0 ]; then
    PROBE_LOSS_SENT=$R_SENT
    pct=$(awk -v l="$R_PLOST" -v s="$R_SENT" 'BEGIN { printf "%.4g\n", 100 * l / s }')
    st=ok
    [ "$R_SENT" -lt "$PROBE_LOSS_N" ] &&
      st="ok: only $R_SENT datagrams in ${dur} s: a rough figure"
    path_row path_loss_pct "$pct" % "$R_PLOST of $R_SENT datagrams of $size B lost on the path, paced at $(bits "$rate"); $R_DROPS more dropped in the receiver's socket buffer, not counted [probe row $T_ROW]" "$st"
    say "  loss: $(pct "$pct") ($R_PLOST of $R_SENT datagrams at $(bits "$rate"))"
  else
    why=$(failed_text)
    path_row path_loss_pct "" % "paced UDP train at $(bits "$rate")" "$why"
    say "  loss: $why"
  fi
}

# bn_take: the trial in B_* into the search: LO (the highest rate that
# passed, BN_BEST its row's figures) or HI (the lowest that failed;
# at most 1.02 x what a failing trial delivered: a rate above the
# bottleneck cannot arrive faster than it does). A rate the receiver
# refuses is no figure of the path: the search goes on below it, and the
# figure is a lower bound (BN_REFUSED).
bn_take() {
  bn_judge
  bn_say
  if [ "$B_PASS" -eq 1 ]; then
    if [ -z "$LO" ] || calc_true "$B_RATE > $LO"; then
      LO=$B_RATE
      BN_BEST="$B_THR $B_RATE $B_TX $B_ROW"
      BN_BEST_WHY=$B_WHY
    fi
    # the sender could not offer the rate: nothing higher can be tried
    [ "$B_TX" != - ] && calc_true "$B_TX < 0.95 * $B_RATE" && BN_LIMIT=$B_TX
  else
    [ "$B_STATUS" = refused ] && BN_REFUSED=$B_ERR
    if [ -z "$HI" ] || calc_true "$B_RATE < $HI"; then HI=$B_RATE; fi
    BN_LASTD=""
    [ "$B_OK" -eq 1 ] && BN_LASTD=$B_THR
    if [ "$B_OK" -eq 1 ] && calc_true "$B_THR * 1.02 < $HI" &&
      { [ -z "$LO" ] || calc_true "$B_THR * 1.02 > $LO"; }; then
      HI=$(calc "$B_THR * 1.02")
    fi
  fi
}

# probe_bottleneck: after bn_first and the path's loss, the search: up
# from a pass by doubling, down from a fail to just under what it
# delivered, then halving the interval until it is within 1% or
# PROBE_TRIALS are done. The figure is what the receiver got at the
# highest rate that passed.
probe_bottleneck() {
  why=$(skip_reason)
  if [ -n "$why" ] && [ "$BN_N" -eq 0 ]; then
    path_row bottleneck_bps "" bit/s "paced UDP" "$why"
    say "  bottleneck: $why"
    return 0
  fi
  LO="" HI="" BN_LIMIT="" BN_LASTD="" BN_BEST_WHY="" BN_REFUSED=""
  say "  bottleneck: $BN_SIZE B datagrams, ${PROBE_TRIAL_S} s trials, path loss allowed ${PATH_LOSS_PCT:-0}% + ${PROBE_THRESHOLD}% (--loss-threshold)"
  # shellcheck disable=SC2086 # the first trial's figures, as words
  set -- $BN_FIRST
  B_RATE=$1 B_OK=$2 B_THR=$3 B_TX=$4 B_SENT=$5 B_PLOST=$6 B_DROPS=$7 B_TXEL=$8 B_RXEL=$9
  B_ROW=${10} B_ERR=$BN_FIRST_ERR B_STATUS=$BN_FIRST_STATUS
  n_save=$BN_N
  BN_N=1
  bn_take
  BN_N=$n_save
  while [ "$BN_N" -lt "$PROBE_TRIALS" ] && [ -z "$(skip_reason)" ] && [ -z "$BN_LIMIT" ]; do
    if [ -z "$HI" ]; then next=$(calc "2 * $LO")
    elif [ -z "$LO" ]; then
      # just under what the last failing trial delivered
      next=$(calc "$HI / 2")
      [ -n "$BN_LASTD" ] && calc_true "0.98 * $BN_LASTD < $HI" && next=$(calc "0.98 * $BN_LASTD")
    else
      calc_true "$HI - $LO > 0.01 * $HI" || break
      next=$(calc "($LO + $HI) / 2")
    fi
    bn_trial "$(awk -v r="$next" 'BEGIN { printf "%.0f\n", r }')"
    bn_take
  done
  if [ -n "$BN_BEST" ]; then
    # shellcheck disable=SC2086
    set -- $BN_BEST
    ip=$(awk -v t="$1" -v s="$BN_SIZE" -v h="$([ "$PROBE_FAMILY" = ipv6 ] && echo 48 || echo 28)" \
      'BEGIN { printf "%.0f\n", t * (s + h) / s }')
    how="received at the highest paced UDP rate that passed, $(bits "$2") offered ($(bits "$3") sent; $BN_BEST_WHY); $(bits "$ip") of IP packets; $BN_N trials of ${PROBE_TRIAL_S} s, $BN_SIZE B datagrams [probe rows $BN_ROWS, best $4]"
    st=ok
    if [ -n "$BN_LIMIT" ]; then st="lower bound: the sender offered only $(bits "$BN_LIMIT")"
    elif [ -n "$BN_REFUSED" ]; then st="lower bound: the receiver refused a higher rate ($BN_REFUSED)"
    elif [ -z "$HI" ]; then st="lower bound: every rate tried passed"
    elif calc_true "$HI - $LO > 0.01 * $HI"; then st="ok: within $(calc "100 * ($HI - $LO) / $HI" | awk '{ printf "%.2g", $1 }')% after $BN_N trials"
    fi
    path_row bottleneck_bps "$1" bit/s "$how" "$st"
    case $st in
      ok) tail="" ;;
      ok:*) tail=${st#ok} ;;
      *) tail=" ($st)" ;;
    esac
    say "  bottleneck: $(bits "$1") received$tail"
  else
    st=$(skip_reason)
    if [ -z "$st" ] && [ -n "$BN_REFUSED" ]; then st="failed: the receiver refused every rate tried, down to $(bits "$HI") ($BN_REFUSED)"
    elif [ -z "$st" ]; then st="failed: no rate passed in $BN_N trials, down to $(bits "$HI") (the last: $B_WHY)"
    fi
    path_row bottleneck_bps "" bit/s "paced UDP, $BN_SIZE B datagrams [probe rows $BN_ROWS]" "$st"
    say "  bottleneck: $st"
  fi
}

# probe_bdp: bottleneck x RTT p50, in bytes (the TCP goodput when the
# bottleneck is missing).
probe_bdp() {
  # the median round trip: on a jittery path (wifi: min 5.9 ms, p50
  # 10.6 ms) the minimum is a round trip data rarely gets, and a window
  # sized by it starves; on a steady one the two are alike
  rtt=${PATH_RTT_P50_US:-$PATH_RTT_MIN_US} rtt_what="RTT p50"
  [ -n "$PATH_RTT_P50_US" ] || rtt_what="RTT min"
  rate=$PATH_BOTTLENECK_BPS what="bottleneck"
  if [ -z "$rate" ] && [ -n "$PATH_TCP_GOODPUT_BPS" ]; then
    rate=$PATH_TCP_GOODPUT_BPS what="TCP goodput (no bottleneck figure)"
  fi
  if [ -n "$rate" ] && [ -n "$rtt" ]; then
    v=$(awk -v r="$rate" -v t="$rtt" 'BEGIN { printf "%.0f\n", r * t / 8e6 }')
    st=ok
    [ "$what" = bottleneck ] || st="ok: from the TCP goodput; the bottleneck is missing"
    case $(path_get bottleneck_bps status) in
      "lower bound"*) [ "$what" = bottleneck ] && st="lower bound: the bottleneck's is one" ;;
    esac
    path_row bdp_bytes "$v" bytes "$what $(bits "$rate") x $rtt_what $(us_text "$rtt")" "$st"
  else
    path_row bdp_bytes "" bytes "bottleneck x RTT p50" \
      "skipped: no $([ -z "$rtt" ] && echo RTT || echo "bottleneck or TCP goodput") figure"
  fi
}

# probe_sysctls: both ends' buffer and TCP sysctls (meta.txt), one row each.
probe_sysctls() {
  for end in local remote; do
    r=""
    [ $end = remote ] && r=receiver
    v=""
    for k in net.core.rmem_max net.core.wmem_max net.core.rmem_default net.core.wmem_default \
      net.ipv4.tcp_rmem net.ipv4.tcp_wmem net.ipv4.tcp_timestamps net.ipv4.udp_mem; do
      x=$(meta_key "$k" $r | tr ' ' /)
      [ -n "$x" ] && v="$v${v:+ }${k#net.*.}=$x"
    done
    if [ -n "$v" ]; then path_row "sysctls_$end" "$v" "" "meta.txt (hostinfo.sh where that end runs)" ok
    elif [ "$MODE" = peer ]; then
      path_row "sysctls_$end" "" "" "meta.txt" "unknown: its tub-recv was started by hand (--ssh reads the receiver's sysctls)"
    else path_row "sysctls_$end" "" "" "meta.txt" "unknown: not in meta.txt"
    fi
  done
}

# probe_threshold: the max-rate searches' loss threshold (suite.awk's
# default, the suite's `set loss=`, --loss-threshold) for a search line.
probe_threshold() {
  # shellcheck disable=SC2086 # the --set words, one a line
  loss_sets=$(printf '%s\n' $SETS | grep '^loss=')
  t=$({ grep -E '^[[:space:]]*set[[:space:]]' "$WORK/suite.txt"; echo 'maxrate size=1400'; } |
    awk -v sets="$loss_sets" -v kinds="$KINDS" -f "$LIB/csv.awk" -f "$LIB/suite.awk" 2>/dev/null |
    awk -F '\t' '$1 == "maxrate" { split($14, p, " "); print p[1]; exit }')
  echo "${t:-0.1}"
}

# path_summary: the one line of the figures (the report, meta.txt, the
# table's title).
path_summary() {
  awk -F, -v mode=summary -f "$LIB/csv.awk" -f "$LIB/path.awk" "$RUN/path.csv"
}

# path_meta: the probe's lines of meta.txt.
path_meta() {
  {
    echo "# the path (path.csv; its tests in probe_results.csv)"
    echo "path: $PATH_TEXT"
    awk -F, -v mode=meta -f "$LIB/csv.awk" -f "$LIB/path.awk" "$RUN/path.csv"
    # the size of the loss count, for the sampling noise of path_loss_pct
    [ -z "$PROBE_LOSS_SENT" ] || echo "path.loss_datagrams: $PROBE_LOSS_SENT"
  } >>"$RUN/meta.txt"
}

# probe_path: the whole probe; path.csv, probe_results.csv, PATH_*, and
# its lines in meta.txt.
probe_path() {
  PROBE_CSV=$RUN/probe_results.csv
  PROBE_TESTS=0 PROBE_UNREACHED="" PROBE_FAMILY=ipv4 PROBE_MSS_MTU="" PROBE_LOSS_SENT=""
  PATH_RTT_MIN_US="" PATH_RTT_P50_US="" PATH_RTT_MAX_US="" PATH_LOSS_PCT="" PATH_BOTTLENECK_BPS=""
  PATH_TCP_GOODPUT_BPS="" PATH_CC_LOCAL="" PATH_CC_REMOTE="" PATH_MTU="" PATH_TCP_MSS=""
  PATH_BDP_BYTES=""
  PROBE_THRESHOLD=$(probe_threshold)
  saved_tests=$DONE_TESTS
  # shellcheck disable=SC2034 # sweep.sh's run_test reads it
  GUARD_EXTRA=$PROBE_GUARD
  t0=$(date +%s)
  say "path: probing $HOST first (about $(probe_estimate) s at a short RTT; --no-probe skips it)"
  probe_rtt
  probe_cc
  probe_tcp
  probe_mtu
  bn_first
  probe_loss
  probe_bottleneck
  probe_bdp
  probe_sysctls
  t1=$(date +%s)
  path_row probe_duration_s $((t1 - t0)) s "wall time of the probe (tests: $PROBE_TESTS)" ok
  DONE_TESTS=$saved_tests
  unset GUARD_EXTRA
  PATH_TEXT=$(path_summary)
  export PATH_RTT_MIN_US PATH_RTT_P50_US PATH_RTT_MAX_US PATH_LOSS_PCT PATH_BOTTLENECK_BPS \
    PATH_TCP_GOODPUT_BPS PATH_CC_LOCAL PATH_CC_REMOTE PATH_MTU PATH_TCP_MSS \
    PATH_BDP_BYTES PATH_TEXT
  path_meta
  say "path: $PATH_TEXT (in $((t1 - t0)) s; path.csv)"
}
