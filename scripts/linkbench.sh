#!/bin/sh
# How fast and how exact is tub-link itself? Two namespaces joined by
# tub-link with 1 ms each way (scripts/netns.sh); tub-link forwards on the
# last CPU, and the endpoints, and the packets it delivers (RPS), go through
# their stacks on the others (netns.sh's --own-cpu). Then:
#   1. UDP stream, 1472-byte datagrams (1500-byte packets) offered at RATE
#      for T seconds, no rate limit on the link: what arrives, tub-link's
#      delay error under load, and the jitter the receiver saw;
#   2. the same across a link limited to LINKRATE, which spaces releases as
#      a wire serializes packets;
#   3. TCP stream for T seconds across a 1 Gbit/s link: tub-link's delay
#      error both ways (data, and the ACKs that clock it);
#   4. UDP request/response, 64 bytes, N round trips: RTT less the 2 ms
#      configured, and tub-link's delay error when lightly loaded.
# Each part gets a fresh link, so its stats are its own. The delay error is
# tub-link's own: the time it started writing a packet less its due time.
#
#   scripts/linkbench.sh [-t SECONDS] [-n ROUND_TRIPS] [-b RATE] [-r LINKRATE]
#                        [--shared | --no-steer] [-- tub-link options]
#   --shared: no CPU of its own for tub-link (all share every CPU)
#   --no-steer: its own CPU, but the stack takes what tub-link delivers on
#               that CPU, inside tub-link's write (netns.sh --no-steer)
#   e.g. scripts/linkbench.sh -- --spin 200us
#
# Uses $TUB_BUILD (default build/). Exit status: 0 ok, 1 failed, 2 usage.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${TUB_BUILD:-$ROOT/build}
export TUB_BUILD="$BIN"
NETNS="$ROOT/scripts/netns.sh"
SECS=10
COUNT=5000
RATE=1050M
LINKRATE=1200mbit
SHARED=0
STEER=""

while [ $# -gt 0 ]; do
	case $1 in
	-t) SECS=${2:?}; shift 2 ;;
	-n) COUNT=${2:?}; shift 2 ;;
	-b) RATE=${2:?}; shift 2 ;;
	-r) LINKRATE=${2:?}; shift 2 ;;
	--shared) SHARED=1; shift ;;
	--no-steer) STEER=--no-steer; shift ;;
	--) shift; break ;;
	-h | --help) sed -n '2,27s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "linkbench.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
done
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
	echo "linkbench.sh: needs root and /dev/net/tun" >&2
	exit 2
fi

NAME=lb$$
NAME=$(printf '%.12s' "$NAME")
WORK=$(mktemp -d /tmp/tub-linkbench.XXXXXX)
RECV_PID=""

stop_recv() {
	if [ -n "$RECV_PID" ]; then
		kill "$RECV_PID" 2>/dev/null
		wait "$RECV_PID" 2>/dev/null
	fi
	RECV_PID=""
}
cleanup() {
	stop_recv
	"$NETNS" down "$NAME" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

[ -x "$BIN/tub-link" ] && [ -x "$BIN/tub-send" ] || {
	cmake -S "$ROOT" -B "$BIN" >/dev/null && cmake --build "$BIN" -j "$(nproc)" >/dev/null
} || { echo "linkbench.sh: build failed" >&2; exit 1; }

# col FILE NAME: NAME's value in the last row of a CSV file.
col() {
  awk -v col="$2" -f "$ROOT/scripts/lib/csv.awk" -f "$ROOT/tests/csvget.awk" "$1"
}
# linkcol DIR NAME: from tub-link's stats (one row per direction).
linkcol() {
	awk -F, -v d="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == d { print $h[c] }' "$WORK/link.csv"
}

OWN=--own-cpu
[ "$SHARED" -eq 0 ] || OWN=""

# up [tub-link options]: a fresh link and a receiver in side b; sets PORT.
up() {
	"$NETNS" down "$NAME" >/dev/null 2>&1
	"$NETNS" up "$NAME" $OWN $STEER --delay 1ms "$@" >"$WORK/up.out" || exit 1
	"$NETNS" exec "$NAME" b "$BIN/tub-recv" -p 0 -q >"$WORK/recv.out" 2>&1 &
	RECV_PID=$!
	PORT=""
	for _ in $(seq 1 50); do
		PORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' "$WORK/recv.out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "linkbench.sh: tub-recv did not start" >&2
	exit 1
}

# down: the link's final stats into link.csv, and the packets the kernel
# dropped at side a's device because tub-link did not read them in time.
down() {
	TUN_DROPS=$(ip netns exec "$NAME-a" cat "/sys/class/net/$NAME-ta/statistics/tx_dropped")
	"$NETNS" stats "$NAME" >"$WORK/link.csv" || exit 1
	stop_recv
	"$NETNS" down "$NAME"
}

send() {
	rm -f "$WORK/send.csv"
	"$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 -p "$PORT" -q \
		--csv "$WORK/send.csv" "$@" 2>"$WORK/send.err" || {
		echo "linkbench.sh: tub-send $*: failed:" \
			"$(col "$WORK/send.csv" status 2>/dev/null) $(col "$WORK/send.csv" error 2>/dev/null)" >&2
		cat "$WORK/send.err" >&2
		exit 1
	}
}

# stream TITLE [tub-link options]: part 1 or 2.
stream() {
	title=$1
	shift
	up "$@"
	send --proto udp -l 1472 -b "$RATE" -t "$SECS"
	down
	awk -v title="$title" -v thr="$(col "$WORK/send.csv" throughput_bps)" \
		-v tx="$(col "$WORK/send.csv" tx_rate_bps)" \
		-v lost="$(col "$WORK/send.csv" udp_lost)" \
		-v rbuf="$(col "$WORK/send.csv" udp_rcvbuf_drops)" \
		-v out="$(linkcol a2b out)" -v bytes="$(linkcol a2b bytes_out)" \
		-v qd="$(linkcol a2b dropped_queue)" \
		-v secs="$SECS" -v tund="$TUN_DROPS" \
		-v p50="$(linkcol a2b delay_err_p50_us)" -v p99="$(linkcol a2b delay_err_p99_us)" \
		-v max="$(linkcol a2b delay_err_max_us)" \
		-v jit="$(col "$WORK/send.csv" udp_jitter_us)" \
		-v sn="$(linkcol a2b loop_stalls)" -v smax="$(linkcol a2b loop_stall_max_us)" \
		-v stot="$(linkcol a2b loop_stall_total_us)" 'BEGIN {
		printf "udp stream 1500 B packets, %s, offered %.2f Gbit/s:\n", title, tx / 1e9
		printf "  received      %.3f Gbit/s of payload\n", thr / 1e9
		printf "  tub-link out  %.3f Gbit/s of IP packets, %.0f packets/s (over %d s)\n", bytes * 8 / secs / 1e9, out / secs, secs
		printf "  lost %d: %d in the receiver'"'"'s buffer, %d at tub-link'"'"'s input device, %d in its queue\n", lost, rbuf, tund, qd
		printf "  delay error   p50 %.1f us  p99 %.1f us  max %.1f us\n", p50, p99, max
		printf "  stalls        %d times the forwarding loop went 50 us or more without a turn: %.1f ms in all, at most %.1f us\n", sn, stot / 1e3, smax
		printf "  jitter (RFC 3550, against the send schedule) %.1f us at the receiver\n", jit
	}'
}

place="sharing the CPUs with the endpoints"
[ -n "$OWN" ] && place="on the last CPU, the endpoints on the others (netns.sh --own-cpu)"
[ -n "$OWN" ] && [ -n "$STEER" ] && place="$place, no RPS (--no-steer)"
echo "linkbench: tub-link, 1 ms each way; $(nproc) CPUs, tub-link $place; options: ${*:-none}"

stream "no rate limit" "$@"
stream "link rate $LINKRATE" --rate "$LINKRATE" "$@"

up --rate 1gbit --queue 1000 "$@"
send --proto tcp -t "$SECS"
down
awk -v thr="$(col "$WORK/send.csv" throughput_bps)" \
	-v rtt="$(col "$WORK/send.csv" tcp_rtt_us)" \
	-v e50="$(linkcol a2b delay_err_p50_us)" -v e99="$(linkcol a2b delay_err_p99_us)" \
	-v emax="$(linkcol a2b delay_err_max_us)" \
	-v f50="$(linkcol b2a delay_err_p50_us)" -v f99="$(linkcol b2a delay_err_p99_us)" \
	-v fmax="$(linkcol b2a delay_err_max_us)" -v pa="$(linkcol a2b out)" -v pb="$(linkcol b2a out)" \
	-v sn="$(linkcol a2b loop_stalls)" -v smax="$(linkcol a2b loop_stall_max_us)" \
	-v stot="$(linkcol a2b loop_stall_total_us)" -v secs="$SECS" 'BEGIN {
	printf "tcp stream across 1 Gbit/s, 1 ms each way:\n"
	printf "  received      %.3f Gbit/s of payload, tcp_rtt %.0f us; %.0f data and %.0f ACK packets/s\n", thr / 1e9, rtt, pa / secs, pb / secs
	printf "  delay error a2b p50 %.1f us  p99 %.1f us  max %.1f us\n", e50, e99, emax
	printf "  delay error b2a p50 %.1f us  p99 %.1f us  max %.1f us\n", f50, f99, fmax
	printf "  stalls        %d of 50 us or more: %.1f ms in all, at most %.1f us\n", sn, stot / 1e3, smax
}'

up "$@"
send --proto udp --kind rr -l 64 -n "$COUNT"
down
awk -v p50="$(col "$WORK/send.csv" rtt_p50_us)" -v p99="$(col "$WORK/send.csv" rtt_p99_us)" \
	-v n="$(col "$WORK/send.csv" rr_done)" \
	-v e50="$(linkcol a2b delay_err_p50_us)" -v e99="$(linkcol a2b delay_err_p99_us)" \
	-v emax="$(linkcol a2b delay_err_max_us)" \
	-v f50="$(linkcol b2a delay_err_p50_us)" -v f99="$(linkcol b2a delay_err_p99_us)" \
	-v fmax="$(linkcol b2a delay_err_max_us)" \
	-v sn="$(linkcol a2b loop_stalls)" -v smax="$(linkcol a2b loop_stall_max_us)" \
	-v stot="$(linkcol a2b loop_stall_total_us)" 'BEGIN {
	printf "udp rr 64 B, %d round trips, 2 ms configured:\n", n
	printf "  rtt p50 %.1f us (+%.1f)  p99 %.1f us (+%.1f)\n", p50, p50 - 2000, p99, p99 - 2000
	printf "  delay error a2b p50 %.1f us  p99 %.1f us  max %.1f us\n", e50, e99, emax
	printf "  delay error b2a p50 %.1f us  p99 %.1f us  max %.1f us\n", f50, f99, fmax
	printf "  stalls        %d of 50 us or more: %.1f ms in all, at most %.1f us\n", sn, stot / 1e3, smax
}'
