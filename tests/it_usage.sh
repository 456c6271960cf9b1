# Bad command lines: one line on stderr, exit status 2, no test run.
. "$(dirname "$0")/lib.sh"

usage_case() {
	desc=$1; shift
	timeout 10 "$@" >"$WORK/out" 2>"$WORK/err"
	rc=$?
	check "$desc: exit 2" "$rc" -eq 2
	check "$desc: one line" "$(wc -l < "$WORK/err")" -eq 1
}

# says DESCRIPTION TEXT: the last case's line has TEXT.
says() {
	check "$1: says '$2'" -n "$(grep -F -- "$2" "$WORK/err")"
}

S=$BIN/tub-send
usage_case "no host" "$S"
usage_case "unknown proto" "$S" -c 127.0.0.1 --proto sctp
usage_case "unknown kind" "$S" -c 127.0.0.1 --kind bulk
usage_case "on-idle without keepalive" "$S" -c 127.0.0.1 --on-idle true
usage_case "bad length" "$S" -c 127.0.0.1 -l 12Q
usage_case "zero length" "$S" -c 127.0.0.1 -l 0
usage_case "udp below header" "$S" -c 127.0.0.1 --proto udp -l 10
usage_case "udp above 64K" "$S" -c 127.0.0.1 --proto udp -l 65508
usage_case "bad time" "$S" -c 127.0.0.1 -t 10parsecs
usage_case "negative time" "$S" -c 127.0.0.1 -t -1
usage_case "bad rate" "$S" -c 127.0.0.1 -b fast
usage_case "bad count" "$S" -c 127.0.0.1 -n 1.5
usage_case "zero count" "$S" -c 127.0.0.1 -n 0
usage_case "zero count with a suffix" "$S" -c 127.0.0.1 -n 0K
usage_case "negative count" "$S" -c 127.0.0.1 -n -10K
usage_case "bad option" "$S" -c 127.0.0.1 --local-opt sndbuf=lots
usage_case "unknown sockopt" "$S" -c 127.0.0.1 --remote-opt nagle
usage_case "bad port" "$S" -c 127.0.0.1 -p 70000
usage_case "port 0" "$S" -c 127.0.0.1 -p 0
says "port 0" "port 0 is not a receiver's port (1..65535)"
usage_case "reverse connect" "$S" -c 127.0.0.1 -R --kind connect
says "reverse connect" "does not run in the reverse direction"
usage_case "bidir connect" "$S" -c 127.0.0.1 --bidir --kind connect
says "bidir connect" "does not run in the bidir direction"
usage_case "parallel" "$S" -c 127.0.0.1 -P 129
says "parallel" "flows from 1 to 128"
usage_case "parallel rr" "$S" -c 127.0.0.1 -P 2 --kind rr
says "parallel rr" "belong to the stream kind"
usage_case "stray arg" "$S" -c 127.0.0.1 extra
usage_case "unknown flag" "$S" -c 127.0.0.1 --frobnicate
usage_case "interval too short" "$S" -c 127.0.0.1 -i 1ms
usage_case "rr timeout under 1 ms" "$S" -c 127.0.0.1 --proto udp --kind rr --rr-timeout 500ns
usage_case "interval longer than test" "$S" -c 127.0.0.1 -t 1 -i 2s
usage_case "not a udp kind" "$S" -c 127.0.0.1 --proto udp --kind linger
usage_case "rudp fill not a kind" "$S" -c 127.0.0.1 --proto rudp --kind fill
usage_case "window without rudp" "$S" -c 127.0.0.1 --window 64
usage_case "window 0" "$S" -c 127.0.0.1 --proto rudp --window 0
says "window 0" "--window 0: at least 1 packet"
usage_case "cc unknown" "$S" -c 127.0.0.1 --proto rudp --cc bbr
says "cc unknown" "reno, cubic or paced"
usage_case "cc without rudp" "$S" -c 127.0.0.1 --cc cubic
usage_case "rto-max without rudp" "$S" -c 127.0.0.1 --rto-max 1s
usage_case "rto-min over rto-max" "$S" -c 127.0.0.1 --proto rudp --rto-min 3s
says "rto-min over rto-max" "over --rto-max"
usage_case "rto-max over 60 s" "$S" -c 127.0.0.1 --proto rudp --rto-max 61s
usage_case "paced without a rate" "$S" -c 127.0.0.1 --proto rudp --cc paced
usage_case "unknown proto names all three" "$S" -c 127.0.0.1 --proto sctp
says "unknown proto names all three" "(tcp, udp, rudp)"
printf 'a,b\n1,2\n' > "$WORK/other.csv"
usage_case "csv of another schema" "$S" -c 127.0.0.1 --csv "$WORK/other.csv"
R=$BIN/tub-recv
usage_case "recv bad port" "$R" -p x
usage_case "recv bad limit" "$R" --max-duration soon
usage_case "recv stray arg" "$R" extra
L=$BIN/tub-link
usage_case "link without devices" "$L"
usage_case "link bad delay" "$L" --dev-a x0 --dev-b x1 --delay soon
usage_case "link loss above 100%" "$L" --dev-a x0 --dev-b x1 --loss 101%
usage_case "link bad cpu" "$L" --dev-a x0 --dev-b x1 --cpu one
usage_case "link cpu not ours" "$L" --dev-a x0 --dev-b x1 --cpu 1023

"$S" --help >"$WORK/help"; check "help exit 0" $? -eq 0
check "send --help names rudp" -n "$(grep 'tcp | udp | rudp' "$WORK/help")"
"$R" --help >"$WORK/help"; check "recv help exit 0" $? -eq 0
check "recv --help names the transports" -n "$(grep 'tcp, udp and rudp' "$WORK/help")"

# -n takes tub-recv --max-count's suffixes: 1K is 1024.
start_recv -q
timeout 30 "$S" -c 127.0.0.1 -p "$PORT" --kind rr -n 1K -q --csv "$WORK/n.csv"
check "-n 1K runs" $? -eq 0
check "-n 1K is 1024 round trips" "$(col "$WORK/n.csv" count_req)" -eq 1024
check "-n 1K: all of them done" "$(col "$WORK/n.csv" rr_done)" -eq 1024
"$S" --list-options > "$WORK/opts"; check "list-options exit 0" $? -eq 0
check "list-options has sndbuf" -n "$(grep '^sndbuf ' "$WORK/opts")"
check "list-options has 22 options" "$(wc -l < "$WORK/opts")" -eq 22
finish
