# Every transport x kind on loopback for about a second; the rows must be
# whole and consistent.
. "$(dirname "$0")/lib.sh"
start_recv
CSV=$WORK/r.csv

run() {
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q "$@"
}

# TCP stream
run --proto tcp --kind stream -t 1 -i 0.25 --interval-csv "$WORK/iv.csv" \
	--local-opt sndbuf=256K --remote-opt rcvbuf=512K
check "tcp stream exit" $? -eq 0
check "tcp stream status" "$(col "$CSV" status)" = ok
check "tcp stream bytes" "$(col "$CSV" rx_bytes)" -gt 0
check "tcp stream sent >= received" "$(col "$CSV" tx_bytes)" -ge "$(col "$CSV" rx_bytes)"
check_awk "tcp throughput > 0" "$(col "$CSV" throughput_bps) > 0"
check_awk "tcp recv calls per msg > 0" "$(col "$CSV" tcp_recv_calls_per_msg) > 0"
check "tcp rtt from TCP_INFO" -n "$(col "$CSV" tcp_rtt_us)"
check "sndbuf requested" "$(col "$CSV" local_req_sndbuf_bytes)" -eq 262144
check "sndbuf granted doubled" "$(col "$CSV" local_granted_sndbuf_bytes)" -eq 524288
check "remote rcvbuf granted doubled" "$(col "$CSV" remote_granted_rcvbuf_bytes)" -eq 1048576
check "udp columns empty on tcp" -z "$(col "$CSV" udp_lost)"
check "interval rows" "$(grep -c ',receiver,' "$WORK/iv.csv")" -ge 3

# UDP stream, paced
run --proto udp --kind stream -t 1 -b 200M -l 1200
check "udp stream exit" $? -eq 0
check "udp stream status" "$(col "$CSV" status)" = ok
sent=$(col "$CSV" udp_sent); got=$(col "$CSV" udp_received); lost=$(col "$CSV" udp_lost)
check "udp sent > 0" "$sent" -gt 0
check "udp received + lost == sent" $((got + lost)) -eq "$sent"
check_awk "udp paced rate within 5% of 200M" \
	"$(col "$CSV" tx_rate_bps) > 190e6 && $(col "$CSV" tx_rate_bps) < 210e6"
check "udp path lost <= lost" "$(col "$CSV" udp_path_lost)" -le "$lost"
check "udp no wrong session" "$(col "$CSV" udp_wrong_session)" -eq 0

# UDP stream, unlimited: loss allowed, accounting must still close
run --proto udp --kind stream -t 1
check "udp unlimited status" "$(col "$CSV" status)" = ok
sent=$(col "$CSV" udp_sent); got=$(col "$CSV" udp_received); lost=$(col "$CSV" udp_lost)
check "udp unlimited received + lost == sent" $((got + lost)) -eq "$sent"
check "udp unlimited path+rcvbuf == lost" \
	$(( $(col "$CSV" udp_path_lost) + $(col "$CSV" udp_rcvbuf_drops) )) -ge "$lost"

# rr, both transports, by time and by count
for p in tcp udp; do
	opt=""; [ "$p" = tcp ] && opt=nodelay
	run --proto "$p" --kind rr -t 1 -l 64 --local-opt "$opt"
	check "$p rr status" "$(col "$CSV" status)" = ok
	check "$p rr done > 0" "$(col "$CSV" rr_done)" -gt 0
	check_awk "$p rr percentiles ordered" \
		"$(col "$CSV" rtt_min_us) <= $(col "$CSV" rtt_p50_us) && \
		 $(col "$CSV" rtt_p50_us) <= $(col "$CSV" rtt_p90_us) && \
		 $(col "$CSV" rtt_p90_us) <= $(col "$CSV" rtt_p99_us) && \
		 $(col "$CSV" rtt_p99_us) <= $(col "$CSV" rtt_p999_us) && \
		 $(col "$CSV" rtt_p999_us) <= $(col "$CSV" rtt_max_us)"
	check "$p rr served by receiver" "$(col "$CSV" rx_msgs)" -ge "$(col "$CSV" rr_done)"
	run --proto "$p" --kind rr -n 500 -l 200
	check "$p rr count exact" "$(col "$CSV" rr_done)" -eq 500
done

# one header, then one row per test
check "one header" "$(grep -c '^run_id,' "$CSV")" -eq 1
check "header and 7 rows" "$(wc -l < "$CSV")" -eq 8
check "nodelay granted on the last tcp rr" \
	"$(grep -c ',tcp,rr,' "$CSV")" -eq 2
finish
