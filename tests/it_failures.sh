# A receiver killed mid-test, garbage on the control port, a silent client,
# a refused spec: the sender gets a failure row and exit 1 within its
# timeout; the receiver survives what it can and serves the next test.
. "$(dirname "$0")/lib.sh"
start_recv
CSV=$WORK/r.csv

# Garbage first: the receiver must answer (or drop) it and go on.
head -c 300 /dev/urandom > "$WORK/junk"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$PORT" "$WORK/junk" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(open(sys.argv[2], "rb").read())
s.settimeout(8)
try:
    s.recv(1000)
except Exception:
    pass
s.close()
# a valid header announcing a body larger than the maximum
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(bytes([0x54, 0x42, 1, 1, 0x7f, 0xff, 0xff, 0xff]))
s.settimeout(8)
try:
    s.recv(1000)
except Exception:
    pass
s.close()
PY
fi
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 0.3
check "test after garbage works" "$(col "$CSV" status)" = ok

# A second sender while a test runs is told at once that the receiver is busy.
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" -q -t 1.5 --csv "$WORK/first.csv" &
FIRST=$!
sleep 0.4
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 1
check "busy: exit 1" $? -eq 1
check "busy: refused" "$(col "$CSV" status)" = refused
check "busy: reason" -n "$(col "$CSV" error | grep busy)"
wait "$FIRST"
check "busy: the first test unharmed" "$(col "$WORK/first.csv" status)" = ok

# A spec over the receiver's limits is refused with its reason.
kill "$RECV_PID"; wait "$RECV_PID" 2>/dev/null
start_recv --max-duration 1s
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 5
check "refused exit 1" $? -eq 1
check "refused status" "$(col "$CSV" status)" = refused
check "refused reason" -n "$(col "$CSV" error | grep duration)"

# What a client may not ask of the receiver: refused, and it serves on.
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -n 100 -i 1000s
check "huge interval refused" "$(col "$CSV" status)" = refused
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 0.2 \
	--proto tcp --kind rr --remote-opt linger=3600
check "long remote linger refused" "$(col "$CSV" status)" = refused
check "linger reason" -n "$(col "$CSV" error | grep linger)"
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 0.2 \
	--remote-opt congestion=nosuchcc
check "unknown congestion refused" "$(col "$CSV" status)" = refused
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
	--proto udp -n 1000 -b 1k
check "count too long at that rate refused" "$(col "$CSV" status)" = refused
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 0.2
check "still serving after refusals" "$(col "$CSV" status)" = ok

# A receiver that stops (SIGSTOP) under a count-only TCP test: no deadline
# from a duration, so the stall limit (10 s without progress) must end it.
start=$(date +%s)
timeout 60 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
	-n 100000000 -l 64K &
SEND=$!
sleep 0.5
kill -STOP "$RECV_PID"
wait "$SEND"; rc=$?
took=$(( $(date +%s) - start ))
kill -CONT "$RECV_PID"
check "stalled receiver: exit 1" "$rc" -eq 1
check "stalled receiver: timeout" "$(col "$CSV" status)" = timeout
check "stalled receiver: within 20 s ($took)" "$took" -le 20

# Kill the receiver in the middle of a TCP stream, then of a UDP stream.
for p in tcp udp; do
	start=$(date +%s)
	timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q \
		--proto $p -t 1 -b 100M &
	SEND=$!
	sleep 0.4
	kill -9 "$RECV_PID"; wait "$RECV_PID" 2>/dev/null
	wait "$SEND"; rc=$?
	took=$(( $(date +%s) - start ))
	check "$p: sender exit 1 after receiver death" "$rc" -eq 1
	status=$(col "$CSV" status)
	check "$p: failure status ($status)" "$status" != ok
	check "$p: a row even so" -n "$(col "$CSV" tx_bytes)"
	check "$p: within the timeout ($took s)" "$took" -le 12
	start_recv --max-duration 1s
done

# Nobody listening: connect_failed, exit 1.
kill "$RECV_PID"; wait "$RECV_PID" 2>/dev/null; RECV_PID=""
timeout 20 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --csv "$CSV" -q -t 1
check "no receiver exit 1" $? -eq 1
check "no receiver status" "$(col "$CSV" status)" = connect_failed
finish
