# The socket-behaviour kinds on loopback: connect, fill, linger, and
# keepalive without a cut (the cut needs the namespace harness: it_link).
. "$(dirname "$0")/lib.sh"
start_recv
CSV=$WORK/r.csv
send() { timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q "$@"; }

# connect: a fresh TCP connection per exchange costs more than one UDP
# exchange; every TCP connection we closed first leaves a TIME_WAIT.
send --proto tcp --kind connect -t 0.7
check "tcp connect ok" "$(col "$CSV" status)" = ok
tcp_ops=$(col "$CSV" rr_done); tcp_min=$(col "$CSV" rtt_min_us)
check "tcp connect ops > 0" "$tcp_ops" -gt 0
check_awk "tcp connect rate > 0" "$(col "$CSV" rr_rate_tps) > 0"
check "tcp TIME_WAIT counted" "$(col "$CSV" connect_timewait)" -gt 0
check "receiver served them all" "$(col "$CSV" rx_msgs)" -eq "$tcp_ops"
send --proto udp --kind connect -t 0.7
check "udp connect ok" "$(col "$CSV" status)" = ok
check "udp connect ops > 0" "$(col "$CSV" rr_done)" -gt 0
# the fastest exchange of each: the p50 of a UDP exchange swings 25..90 us
# with the wake-ups on a busy VM (measured here), the least does not
check_awk "tcp exchange slower than udp (least $tcp_min vs $(col "$CSV" rtt_min_us) us)" \
	"$tcp_min > $(col "$CSV" rtt_min_us)"

# fill, TCP: bytes before send() blocks grow with SO_SNDBUF and stay within
# the granted send buffer plus the peer's granted receive buffer.
prev=0
for sb in 16K 64K 256K; do
	send --kind fill --local-opt sndbuf=$sb --remote-opt rcvbuf=64K
	check "fill $sb ok" "$(col "$CSV" status)" = ok
	fill=$(col "$CSV" fill_bytes)
	room=$(( $(col "$CSV" local_granted_sndbuf_bytes) + \
		 $(col "$CSV" remote_granted_rcvbuf_bytes) ))
	check "fill $sb grows ($fill > $prev)" "$fill" -gt "$prev"
	check "fill $sb within granted buffers ($fill <= $room)" "$fill" -le "$room"
	check "fill $sb all delivered after" "$(col "$CSV" rx_bytes)" -eq "$fill"
	check "fill $sb writable again" -n "$(col "$CSV" fill_writable_after_read_us)"
	prev=$fill
done

# fill, UDP: what a socket nobody reads holds, and what it drops.
prev=0
for rb in 16K 64K 256K; do
	send --proto udp --kind fill --remote-opt rcvbuf=$rb
	check "udp fill $rb ok" "$(col "$CSV" status)" = ok
	sent=$(col "$CSV" fill_sent_msgs); held=$(col "$CSV" fill_held_msgs)
	dropped=$(col "$CSV" fill_dropped_msgs)
	check "udp fill $rb held + dropped == sent" $((held + dropped)) -eq "$sent"
	check "udp fill $rb dropped some" "$dropped" -gt 0
	check "udp fill $rb held grows ($held > $prev)" "$held" -gt "$prev"
	prev=$held
done

# linger: a slow reader (-b) keeps data in flight when we close().
send --kind linger -b 50M --local-opt linger=off,sndbuf=1M
check "linger off: fin" "$(col "$CSV" linger_peer_saw)" = fin
check "linger off: everything delivered" \
	"$(col "$CSV" linger_delivered_bytes)" -eq "$(col "$CSV" linger_bytes)"
check_awk "linger off: close() returns at once" "$(col "$CSV" linger_close_us) < 50000"
send --kind linger -b 50M --local-opt linger=2,sndbuf=1M
check "linger 2: fin" "$(col "$CSV" linger_peer_saw)" = fin
check "linger 2: everything delivered" \
	"$(col "$CSV" linger_delivered_bytes)" -eq "$(col "$CSV" linger_bytes)"
check_awk "linger 2: close() blocked while data drained" \
	"$(col "$CSV" linger_close_us) > 100000 && $(col "$CSV" linger_close_us) < 2100000"
# A reader too slow for the data to drain within T: close() blocks T, then
# the kernel goes on delivering in the background (FIN, nothing lost).
send --kind linger -b 8M --local-opt linger=1,sndbuf=1M
check_awk "linger 1 vs slow reader: close() blocked about T = 1 s" \
	"$(col "$CSV" linger_close_us) > 950000 && $(col "$CSV" linger_close_us) < 1300000"
check "linger 1 vs slow reader: fin" "$(col "$CSV" linger_peer_saw)" = fin
send --kind linger -b 50M --local-opt linger=0,sndbuf=1M
check "linger 0: rst" "$(col "$CSV" linger_peer_saw)" = rst
check "linger 0: data lost" \
	"$(col "$CSV" linger_delivered_bytes)" -lt "$(col "$CSV" linger_bytes)"

# keepalive with nothing cut: nothing to notice within the test's limit.
send --kind keepalive -t 1 --local-opt keepalive,keepidle=1,keepintvl=1,keepcnt=2
check "keepalive ok" "$(col "$CSV" status)" = ok
check "keepalive: nothing detected" "$(col "$CSV" ka_detected)" -eq 0
check "keepalive: expected idle + intvl x cnt" "$(col "$CSV" ka_expected_s)" = 3.000
send --kind keepalive -t 0.5
check "keepalive off: nothing expected" -z "$(col "$CSV" ka_expected_s)"
send --proto udp --kind keepalive -t 0.5 2>/dev/null
check "udp keepalive is a usage error" $? -eq 2
finish
