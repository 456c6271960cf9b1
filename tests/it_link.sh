# tub-link between two namespaces (scripts/netns.sh): the receiver's loss
# count must equal the loss tub-link says it caused, and a configured delay
# must show in the RTT. Needs root and /dev/net/tun, else skipped.
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v ip >/dev/null; then
	echo "it_link: skipped: needs root and /dev/net/tun"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
NETNS="$HERE/../scripts/netns.sh"
export TUB_BUILD="$BIN"
NAME=$(printf 'tubit%s' "$$" | cut -c1-12)
CSV=$WORK/r.csv

link_cleanup() {
	cleanup
	"$NETNS" down "$NAME" >/dev/null 2>&1
}
trap link_cleanup EXIT
trap 'exit 1' INT TERM

# up OPTIONS...: a fresh link and a receiver in side b (RECV_PID, PORT).
up() {
	[ -n "$RECV_PID" ] && { kill "$RECV_PID"; wait "$RECV_PID"; } 2>/dev/null
	RECV_PID=""
	"$NETNS" down "$NAME"
	if ! "$NETNS" up "$NAME" "$@" >"$WORK/up.out" 2>&1; then
		cat "$WORK/up.out"
		echo "FAIL: netns.sh up $*"
		exit 1
	fi
	"$NETNS" exec "$NAME" b "$BIN/tub-recv" -p 0 -q >"$WORK/recv.out" \
		2>"$WORK/recv.err" &
	RECV_PID=$!
	PORT=""
	for _ in $(seq 1 50); do
		PORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' \
			"$WORK/recv.out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "FAIL: tub-recv did not start in $NAME-b"; cat "$WORK/recv.err"; exit 1
}

send() {
	timeout 30 "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" --csv "$CSV" -q "$@"
}

# linkcol DIR NAME: a column of tub-link's stats (fresh, via SIGUSR1).
linkcol() {
	awk -F, -v d="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == d { print $h[c] }' "$WORK/link.csv"
}

# 1. Loss (and duplicates, reordering). Other packets cross the link during
# a UDP test too: the TCP control connection, the small end markers. So the
# impairments apply only to what the receiver counts: UDP packets of 200
# bytes or more (--match, --match-min-size; the data datagrams are 1228
# bytes, the end markers 52), and only a2b. Everything else passes
# unimpaired, and tub-link's a2b dropped_loss counts exactly the data
# datagrams it dropped. Its reorder count may also include a data datagram
# that only control packets overtook, which the receiver cannot see: so
# that one is compared within a margin.
up --a2b-loss 2% --a2b-dup 0.5% --a2b-reorder 0.5% --seed 1 \
	--match udp --match-min-size 200
send --proto udp --kind stream -l 1200 -b 50M -t 2
check "lossy udp exit" $? -eq 0
check "lossy udp status" "$(col "$CSV" status)" = ok
"$NETNS" stats "$NAME" >"$WORK/link.csv"
check "netns.sh stats" $? -eq 0
sent=$(col "$CSV" udp_sent); lost=$(col "$CSV" udp_lost)
dropped=$(linkcol a2b dropped_loss)
echo "it_link: $sent sent, receiver lost $lost, tub-link dropped $dropped," \
	"$(linkcol a2b unmatched) a2b packets not impaired"
check "receiver's loss == tub-link's drops ($lost, $dropped)" "$lost" -eq "$dropped"
check_awk "about 2% lost ($lost of $sent)" \
	"$lost > 0.013 * $sent && $lost < 0.027 * $sent"
check "no rcvbuf drops" "$(col "$CSV" udp_rcvbuf_drops)" -eq 0
check "receiver's duplicates == tub-link's" "$(col "$CSV" udp_duplicates)" \
	-eq "$(linkcol a2b duplicated)"
reo=$(col "$CSV" udp_reordered); lreo=$(linkcol a2b reordered)
check_awk "receiver's reordered ~ tub-link's ($reo, $lreo)" \
	"$lreo > 0 && $reo <= $lreo && $reo >= 0.9 * $lreo - 2"
check "a2b in + duplicated == out + lost" \
	$(( $(linkcol a2b in) + $(linkcol a2b duplicated) )) -eq \
	$(( $(linkcol a2b out) + dropped ))
check "nothing dropped b2a" "$(linkcol b2a dropped_loss)" -eq 0
check "control packets passed unimpaired" "$(linkcol a2b unmatched)" -gt 0

# 2. Delay: 10 ms each way, so 20 ms round trips.
up --delay 10ms
send --proto udp --kind rr -l 64 -n 150
check "rr exit" $? -eq 0
check "rr status" "$(col "$CSV" status)" = ok
p50=$(col "$CSV" rtt_p50_us)
echo "it_link: rr rtt p50 $p50 us, min $(col "$CSV" rtt_min_us) us"
check_awk "rtt p50 within 2% of 20000 us ($p50)" \
	"$p50 >= 19600 && $p50 <= 20400"
check_awk "rtt min >= 20000 us" "$(col "$CSV" rtt_min_us) >= 20000"

# 3. down: tub-link gone, namespaces gone; a second down is harmless.
pid=$(cat /run/tub-netns/"$NAME"/pid /tmp/tub-netns/"$NAME"/pid 2>/dev/null | head -1)
kill "$RECV_PID" 2>/dev/null; wait "$RECV_PID" 2>/dev/null; RECV_PID=""
"$NETNS" down "$NAME"
check "down exit" $? -eq 0
check "tub-link stopped" ! -d "/proc/${pid:-0}"
check "namespaces deleted" -z "$(ip netns list | grep "^$NAME-")"
"$NETNS" down "$NAME"
check "second down exit" $? -eq 0
finish
