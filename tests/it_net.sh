# IPv6 and names; a silent client costs the receiver one timeout, not its
# service; a stranger's datagrams are counted, not echoed.
. "$(dirname "$0")/lib.sh"
start_recv
CSV=$WORK/r.csv

if ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	timeout 20 "$BIN/tub-send" -c ::1 -p "$PORT" --csv "$CSV" -q -t 0.3
	check "ipv6 tcp status" "$(col "$CSV" status)" = ok
	check "ipv6 family" "$(col "$CSV" family)" = ipv6
	timeout 20 "$BIN/tub-send" -c ::1 -p "$PORT" --csv "$CSV" -q \
		--proto udp --kind rr -n 200
	check "ipv6 udp rr status" "$(col "$CSV" status)" = ok
	check "ipv6 udp rr done" "$(col "$CSV" rr_done)" -eq 200
else
	echo "it_net: no IPv6 on lo, IPv6 checks skipped"
fi
timeout 20 "$BIN/tub-send" -c localhost -p "$PORT" --csv "$CSV" -q \
	--proto udp -t 0.3 -b 10M
check "by name status" "$(col "$CSV" status)" = ok

# A client that connects and says nothing holds the receiver for at most
# its control timeout (5 s); the next test still runs.
if command -v python3 >/dev/null 2>&1; then
	python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $PORT))
open('$WORK/silent.up', 'w').close()
time.sleep(9); s.close()
" &
	SILENT=$!
	for _ in $(seq 1 100); do
		[ -e "$WORK/silent.up" ] && break
		sleep 0.05
	done
	sleep 0.1 # let the receiver take it before the next sender
	start=$(date +%s)
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
		-t 0.3 --connect-timeout 10
	took=$(( $(date +%s) - start ))
	check "after a silent client status" "$(col "$CSV" status)" = ok
	check "silent client cost <= 7 s ($took)" "$took" -le 7
	kill "$SILENT" 2>/dev/null; wait "$SILENT" 2>/dev/null
	check "receiver logged the timeout" \
		-n "$(grep 'timeout' "$WORK/recv.err")"
else
	echo "it_net: python3 missing, silent-client check skipped"
fi
finish
