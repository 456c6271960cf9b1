# The advice's rules on hand-made rows (no network, < 1 s): meta.txt and
# summary.csv written here, scripts/advice.awk's choices worked out by hand.
#   TCP   the recommended setting is the least added delay among those
#         within 95% of the best; the smallest SO_SNDBUF / SO_RCVBUF
#         request reaching 95%; the sysctl line a request above the
#         receiver's rmem_max needs; setsockopt() in C; across message
#         sizes the same rule over each size's pick.
#   UDP   a row whose loss is over the bound (the threshold above the
#         path's own loss, with the sampling noise) or the overload flood
#         is never "best"; the smallest receive buffer within the bound at
#         the highest rate where buffers were compared, by the size granted.
#   RUDP  a window below the BDP is named with the rate it caps at.
. "$(dirname "$0")/lib.sh"
LIB=$HERE/../scripts/lib

cat >"$WORK/meta.txt" <<'EOF'
run_id: hand
link: hand-made
loss_threshold_pct: 0.1
net.core.wmem_max: 4194304
net.core.rmem_max: 4194304
receiver.net.core.rmem_max: 4194304
path: RTT min 40.0 ms
path.rtt_min_us: 40000 us
path.bdp_bytes: 500000 bytes
path.bottleneck_bps: 100000000 bit/s
path.path_loss_pct: 0 %
path.cc_local: cubic
path.cc_remote: bbr
EOF

H=run_id,proto,kind,msg_size_bytes,rate_req_bps,local_opts,remote_opts,point_label,window_req_pkts,rudp_cc,name,rows,n,throughput_bps_mean,throughput_bps_ci95,tx_rate_bps_mean,duration_req_s,udp_loss_pct_mean,udp_overload,msg_delay_p50_over_min_us_mean,msg_delay_p99_over_min_us_mean,sndbuf_req_bytes,rcvbuf_req_bytes,sndbuf_granted_bytes,rcvbuf_granted_bytes
# row ROWS PROTO SIZE RATE LOPTS ROPTS LABEL WIN CC NAME THR LOSS OVERLOAD D50 D99 SNDBUF RCVBUF SGRANT RGRANT
row() {
	echo "hand,$2,stream,$3,$4,$5,$6,$7,$8,$9,${10},$1,1,${11},,${11},2,${12},${13},${14},${15},${16},${17},${18},${19}"
}
{
	echo "$H"
	# TCP 128 KiB: best D; within 95% (85.2 Mbit/s): A C D E; least delay E
	row 1 tcp 131072 "" "" "" "" "" "" "tcp stream 128 KiB" 88000000 "" "" 234000 300000 "" "" 16384 131072
	row 2 tcp 131072 "" sndbuf=262144 "" "" "" "" "tcp stream 128 KiB sndbuf 256K" 64900000 "" "" 8800 20000 262144 "" 524288 131072
	row 3 tcp 131072 "" sndbuf=1048576 "" "" "" "" "tcp stream 128 KiB sndbuf 1M" 88000000 "" "" 123000 200000 1048576 "" 2097152 131072
	row 4 tcp 131072 "" sndbuf=4194304 "" "" "" "" "tcp stream 128 KiB sndbuf 4M" 89700000 "" "" 585000 700000 4194304 "" 8388608 131072
	row 5 tcp 131072 "" notsent_lowat=131072 "" "" "" "" "tcp stream 128 KiB local notsent_lowat=128K" 87500000 "" "" 12000 25000 "" "" 16384 131072
	row 6 tcp 131072 "" "" rcvbuf=8388608 "" "" "" "tcp stream 128 KiB rcvbuf 8M" 86000000 "" "" 300000 400000 "" 8388608 16384 8388608
	# TCP 8 KiB: less delay, but under 95% of the 128 KiB pick
	row 7 tcp 8192 "" "" "" "" "" "" "tcp stream 8 KiB" 80000000 "" "" 5000 9000 "" "" 16384 131072
	# UDP: U1 best; U2 over the bound; U3 the smallest buffer by the size
	# granted (131072 < the default's 212992); U4 the flood; U5 over 1x
	row 8 udp 1400 88000000 "" "" rate=0.9x "" "" "udp stream 1400 B paced 0.9x=88M" 88100000 0.05 0 "" "" "" "" 212992 212992
	row 9 udp 1400 88000000 "" rcvbuf=16384 rate=0.9x "" "" "udp stream 1400 B rcvbuf 16K paced 0.9x=88M" 87600000 0.5 0 "" "" "" 16384 212992 32768
	row 10 udp 1400 88000000 "" rcvbuf=65536 rate=0.9x "" "" "udp stream 1400 B rcvbuf 64K paced 0.9x=88M" 87900000 0 0 "" "" "" 65536 212992 131072
	row 11 udp 1400 "" "" "" "" "" "" "udp stream 1400 B unlimited" 97000000 60 1 "" "" "" "" 212992 212992
	row 12 udp 1400 117000000 "" "" rate=1.2x "" "" "udp stream 1400 B paced 1.2x=117M" 98000000 15 0 "" "" "" "" 212992 212992
	# RUDP: the default window (256 < the BDP's 356 packets), and 700
	row 13 rudp 1400 "" "" "" "" "" aimd "rudp stream 1400 B" 65000000 "" "" 40000 130000 "" "" 212992 212992
	row 14 rudp 1400 "" "" "" window=2bdp 700 aimd "rudp stream 1400 B window 2bdp=700" 90000000 "" "" 30000 90000 "" "" 212992 212992
} >"$WORK/summary.csv"

advice() {
	awk -f "$LIB/csv.awk" -f "$HERE/../scripts/advice.awk" "$WORK/meta.txt" "$WORK/summary.csv" >"$WORK/advice.txt" 2>"$WORK/err"
}
advice
check "advice runs" $? -eq 0
A=$WORK/advice.txt
# section LINE-PREFIX: the first line of advice.txt that starts so
has() { grep -F -- "$1" "$A" | head -n 1; }

check "congestion control of both ends" -n "$(has 'congestion control: sender cubic, receiver bbr')"
check "TCP best" -n "$(has 'best measured      sndbuf 4M: 89.7 Mbit/s, added delay +585 ms p50 / +700 ms p99 [rows 4]')"
check "TCP recommended: least delay within 95%" \
	-n "$(has 'recommended        local notsent_lowat=128K: 87.5 Mbit/s (98% of the best), added delay +12.0 ms p50 / +25.0 ms p99 [rows 5]')"
check "... of the 5 within 95%" -n "$(has 'the least added delay of the 5 settings within 95% of the best (85.2 Mbit/s and up)')"
check "kernel defaults with their delay" -n "$(has 'kernel defaults    88.0 Mbit/s (98% of the best), added delay +234 ms p50')"
check "SO_SNDBUF: 1M is the smallest reaching 95%" \
	-n "$(has 'SO_SNDBUF          1048576 is the smallest request reaching 95% of the best (granted 2097152; the request is 2.10 x BDP)')"
check "SO_RCVBUF: 8M, over rmem_max" -n "$(has 'SO_RCVBUF          8388608 is the smallest request')"
check "... the sysctl line for it" -n "$(has "the request is above the receiver's net.core.rmem_max = 4194304: there, sysctl -w net.core.rmem_max=8388608")"
check "setsockopt for the recommended" \
	-n "$(has 'sender:   int v = 131072; setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, sizeof v);')"
check "verdict TCP: the 128 KiB pick, not the 8 KiB one" \
	-n "$(grep -E '^  TCP +87.5 Mbit/s +- +\+12.0 ms / \+25.0 ms +- +128 KiB messages, local notsent_lowat=128K \[rows 5\]' "$A")"
check "UDP best is the paced row within the bound" \
	-n "$(has 'best               1400 B paced 0.9x=88M: 88.1 Mbit/s, loss 0.05% (bound 0.1%)')"
check "the flood is never best" -z "$(grep -E '^  (best|UDP) .*unpaced' "$A")"
check "... it is listed as not advised from" -n "$(has 'overload test, loss 60% > 0.1% [rows 11]')"
check "a lossy row is not advised from" -n "$(has 'loss 0.5% > 0.1% [rows 9]')"
check "UDP SO_RCVBUF: the smallest granted within the bound" \
	-n "$(has 'SO_RCVBUF          65536 (granted 131072) is the smallest receive buffer that keeps the loss of 1400 B datagrams within the bound at 88.0 Mbit/s (rate=0.9x), the highest rate where buffers were compared')"
check "... and the one over it named" -n "$(has 'over the bound there: 16384 (granted 32768) lost 0.5%')"
check "verdict UDP" -n "$(grep -E '^  UDP +88.1 Mbit/s +0.05% .*\[rows 8\]' "$A")"
check "RUDP: the default window caps it" \
	-n "$(has 'window             default window (256 packets): 256 packets x 1400 B = 358.4 KB (358400 bytes) is below the BDP (358 packets): it caps reliable UDP near window / RTT = 71.7 Mbit/s; it made 65.0 Mbit/s; window=2bdp (--window 715)')"
check "RUDP recommended: window 700" -n "$(has '=>                 tub-send --proto rudp --window 700')"
check "... 1.96 x the BDP" -n "$(has 'window             the recommended 700 packets are 2.0 x the BDP')"
check "verdict RUDP" -n "$(grep -E '^  RUDP +90.0 Mbit/s .*window 2bdp=700 \[rows 14\]' "$A")"
check "the verdict comes first" "$(grep -n '^Verdict' "$A" | cut -d: -f1)" -lt "$(grep -n '^== TCP' "$A" | cut -d: -f1)"

# a path losing 1%: the bound is the threshold + the path's loss + 3 sd of
# the noise in both counts: 10000 datagrams sent (88 Mbit/s x 2 s / 1400 B
# = 15714 here), 3000 in the probe: 0.1 + 1 + 300 sqrt(0.0099 (1/15714 +
# 1/3000)) = 1.692%; a row losing 1.5% is within it
sed -i 's/^path.path_loss_pct: 0 %/path.path_loss_pct: 1 %/' "$WORK/meta.txt"
echo "path.loss_datagrams: 3000" >>"$WORK/meta.txt"
sed -i 's/^\(hand,udp,stream,1400,88000000,,,rate=0.9x,,,udp stream 1400 B paced 0.9x=88M,8,1,88100000,,88100000,2,\)0.05/\11.5/' "$WORK/summary.csv"
advice
check "lossy path: the bound counts the path's own loss" -n "$(has 'paced 0.9x=88M: 88.1 Mbit/s, loss 1.5% (bound 1.69%)')"
check "... and 0.5% is within it" -z "$(has 'loss 0.5% >')"

# ties and the C of other options, on a second set of rows:
# - 128 KiB: defaults 88.1 at +237.717 ms, rcvbuf 4M 88.2 at +237.710 ms
#   (one run's noise: a tie, and the defaults win it), congestion=bbr at
#   +300 ms;
# - the verdict across sizes is within 95% of the best of all: 128 KiB's
#   best 100 (sndbuf 4M, +500 ms), pick 95.5 (sndbuf 1M, +20 ms); 8 KiB's
#   pick 91 at +5 ms is under 95% of 100, so the verdict is 128 KiB's;
# - UDP receive buffers at 1x all lost; at 0.9x 64K held.
{
	echo "$H"
	row 1 tcp 131072 "" "" "" "" "" "" "tcp stream 128 KiB" 88100000 "" "" 237717 300000 "" "" 16384 131072
	row 2 tcp 131072 "" "" rcvbuf=4194304 "" "" "" "tcp stream 128 KiB rcvbuf 4M" 88200000 "" "" 237710 300000 "" 4194304 16384 8388608
	row 3 tcp 131072 "" congestion=bbr congestion=bbr "" "" "" "tcp stream 128 KiB congestion=bbr" 87000000 "" "" 300000 400000 "" "" 16384 131072
	row 5 tcp 65536 "" sndbuf=4194304 "" "" "" "" "tcp stream 64 KiB sndbuf 4M" 100000000 "" "" 500000 600000 4194304 "" 8388608 131072
	row 6 tcp 65536 "" sndbuf=1048576 "" "" "" "" "tcp stream 64 KiB sndbuf 1M" 95500000 "" "" 20000 40000 1048576 "" 2097152 131072
	row 7 tcp 8192 "" "" "" "" "" "" "tcp stream 8 KiB" 91000000 "" "" 5000 9000 "" "" 16384 131072
	row 8 tcp 8192 "" sndbuf=65536 "" "" "" "" "tcp stream 8 KiB sndbuf 64K" 50000000 "" "" 4000 9000 65536 "" 131072 131072
	row 9 udp 1400 98000000 "" rcvbuf=65536 rate=1x "" "" "udp stream 1400 B rcvbuf 64K paced 1x=98M" 97000000 0.9 0 "" "" "" 65536 212992 131072
	row 10 udp 1400 98000000 "" rcvbuf=1048576 rate=1x "" "" "udp stream 1400 B rcvbuf 1M paced 1x=98M" 97000000 0.5 0 "" "" "" 1048576 212992 2097152
	row 11 udp 1400 88000000 "" rcvbuf=65536 rate=0.9x "" "" "udp stream 1400 B rcvbuf 64K paced 0.9x=88M" 88000000 0 0 "" "" "" 65536 212992 131072
	row 12 udp 1400 88000000 "" rcvbuf=1048576 rate=0.9x "" "" "udp stream 1400 B rcvbuf 1M paced 0.9x=88M" 88000000 0 0 "" "" "" 1048576 212992 2097152
} >"$WORK/summary.csv"
sed -i 's/^path.path_loss_pct: 1 %/path.path_loss_pct: 0 %/' "$WORK/meta.txt"
advice
check "tie: the defaults win over rcvbuf 4M 7 us faster" \
	-n "$(has 'recommended        kernel defaults: 88.1 Mbit/s (100% of the best), added delay +238 ms p50')"
check "verdict across sizes: within 95% of the best of all" \
	-n "$(grep -E '^  TCP +95.5 Mbit/s .*64 KiB messages, sndbuf 1M \[rows 6\]' "$A")"
# the C of other options, each as tub-send names it
cat >"$WORK/calls.awk" <<'EOF'
BEGIN {
	opt_call("sender", "congestion", "bbr"); opt_call("sender", "linger", "0")
	opt_call("sender", "linger", "off"); opt_call("sender", "tos", "16")
	opt_call("sender", "notsent_lowat", "64KiB"); opt_call("receiver", "rcvlowat", "1m")
	opt_call("sender", "nodelay", "")
	printf "%s", BUF
	exit
}
EOF
awk -f "$LIB/csv.awk" -f "$HERE/../scripts/advice.awk" -f "$WORK/calls.awk" >"$WORK/calls.txt"
C=$WORK/calls.txt
check "TCP_CONGESTION takes a string" -n "$(grep -F 'setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3);' "$C")"
check "SO_LINGER takes a struct linger" \
	-n "$(grep -F 'struct linger l = { .l_onoff = 1, .l_linger = 0 }; setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);' "$C")"
check "linger=off" -n "$(grep -F 'struct linger l = { .l_onoff = 0, .l_linger = 0 }' "$C")"
check "IP_TOS is at IPPROTO_IP" -n "$(grep -F 'int v = 16; setsockopt(fd, IPPROTO_IP, IP_TOS' "$C")"
check "64KiB in bytes" -n "$(grep -F 'int v = 65536; setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, sizeof v);' "$C")"
check "1m in bytes, SO_RCVLOWAT" -n "$(grep -F 'receiver: int v = 1048576; setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT' "$C")"
check "a flag is 1" -n "$(grep -F 'int v = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY' "$C")"
check "UDP: none held at 1x, said" \
	-n "$(has '1400 B datagrams at 98.0 Mbit/s: no receive buffer tried kept the loss within the bound (65536 (granted 131072) lost 0.9%, 1048576 (granted 2097152) lost 0.5%)')"
check "... and 64K at 0.9x" -n "$(has '65536 (granted 131072) is the smallest receive buffer that keeps the loss of 1400 B datagrams within the bound at 88.0 Mbit/s (rate=0.9x):')"
[ "$FAILS" -eq 0 ] || cat "$A"
finish
