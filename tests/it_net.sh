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

# A client that connects and says nothing costs the next sender nothing:
# the receiver serves handshakes side by side; when a test starts, the
# connections still in their handshake are told it is busy. With no test to
# make way for, a silent one is dropped after its HELLO timeout (3 s), and
# the log says so.
if command -v python3 >/dev/null 2>&1; then
	silent() { # silent NAME: connect, say nothing, keep what comes back
		python3 -c "
import socket
s = socket.create_connection(('127.0.0.1', $PORT))
open('$WORK/$1.up', 'w').close()
s.settimeout(5)
got = b''
try:
    while True:
        b = s.recv(4096)
        if not b: break
        got += b
except OSError:
    pass
open('$WORK/$1.got', 'wb').write(got)
" &
		SILENT=$!
		for _ in $(seq 1 100); do
			[ -e "$WORK/$1.up" ] && break
			sleep 0.05
		done
	}
	silent first
	sleep 0.1 # let the receiver take it before the next sender
	start=$(date +%s)
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
		-t 0.3 --connect-timeout 10
	took=$(( $(date +%s) - start ))
	check "after a silent client status" "$(col "$CSV" status)" = ok
	check "silent client cost <= 1 s ($took)" "$took" -le 1
	wait "$SILENT" 2>/dev/null
	check "the silent client was told: busy" \
		-n "$(grep -a busy "$WORK/first.got")"
	silent second
	wait "$SILENT" 2>/dev/null
	check "the silent client was told: no HELLO" \
		-n "$(grep -a 'no HELLO within' "$WORK/second.got")"
	check "receiver logged the HELLO timeout" \
		-n "$(grep 'no HELLO within' "$WORK/recv.err")"
else
	echo "it_net: python3 missing, silent-client check skipped"
fi
finish
