# Reliable UDP on loopback: every message delivered once, intact, in order
# (or not, when asked). Under loss on the emulated link: it_rudp_link.
. "$(dirname "$0")/lib.sh"
start_recv
CSV=$WORK/r.csv
send() { timeout 60 "$BIN/tub-send" -c "$HOST" -p "$PORT" --csv "$CSV" -q "$@"; }
HOST=127.0.0.1

# delivered COUNT LABEL: all COUNT messages arrived, intact.
delivered() {
	check "$2: ok ($(col "$CSV" status) $(col "$CSV" error))" "$(col "$CSV" status)" = ok
	check "$2: sent all" "$(col "$CSV" tx_msgs)" -eq "$1"
	check "$2: received all" "$(col "$CSV" rx_msgs)" -eq "$1"
	check "$2: intact" "$(col "$CSV" rx_corrupt)" -eq 0
}

send --proto rudp -n 20000 -l 1400
delivered 20000 "loopback ordered"
check "loopback ordered: in order" "$(col "$CSV" rx_out_of_order)" -eq 0
send --proto rudp -n 3000 -l 5000 --unordered --window 64
delivered 3000 "loopback unordered, fragmented"
check "unordered column" "$(col "$CSV" delivery)" = unordered
send --proto rudp -n 5000 -l 1400 --cc cubic --rto-min 100ms --rto-max 1s
delivered 5000 "loopback cubic"
check "cubic column" "$(col "$CSV" rudp_cc)" = cubic
check "rto-min column" "$(col "$CSV" rudp_rto_min_ms)" = 100.0
check "rto-max column" "$(col "$CSV" rudp_rto_max_ms)" = 1000.0
check_awk "silence within rto-max" "$(col "$CSV" rudp_max_silence_ms) <= 1000"
send --proto rudp -n 100 -l 1400 --cc aimd
check "aimd is reno" "$(col "$CSV" rudp_cc)" = reno
send --proto rudp --kind rr -n 1000 -l 64
check "loopback rr count" "$(col "$CSV" rr_done)" -eq 1000
check_awk "loopback rr p50 > 0" "$(col "$CSV" rtt_p50_us) > 0"
send --proto rudp --kind connect -n 200 -l 100
check "loopback connect ok" "$(col "$CSV" status)" = ok
check "loopback connect: 200 connections" "$(col "$CSV" rr_done)" -eq 200
check "loopback connect: each served once" "$(col "$CSV" rx_msgs)" -eq 200
send --proto rudp -t 0.5
check "loopback by time" "$(col "$CSV" status)" = ok
check "loopback by time: all delivered" \
	"$(col "$CSV" rx_msgs)" -eq "$(col "$CSV" tx_msgs)"
finish
