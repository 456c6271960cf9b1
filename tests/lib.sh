# Shared by the integration tests: start a receiver on an ephemeral port,
# read CSV columns, check, clean up. Sourced with BIN set to the build dir.
set -u
BIN=${1:?usage: $0 BUILD_DIR}
# No test installs anything (scripts/lib/install.sh): a timeout killing
# apt-get leaves dpkg broken. scripts/test.sh installs before the tests.
export TUB_NO_INSTALL=1
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/tub-it.XXXXXX)
RECV_PID=""
FAILS=0
CHECKS=0

cleanup() {
	[ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null
	[ -n "$RECV_PID" ] && wait "$RECV_PID" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# recv_exec CMD...: how the receiver is run; link_setup runs it in side b.
# It execs, so that the background job's PID ($!) is the receiver's.
recv_exec() { exec "$@"; }

# start_recv [tub-recv options]: starts one, sets RECV_PID and PORT.
start_recv() {
	# A fresh file: the background job truncates its own only when it
	# runs, and the old one still names the previous receiver's port.
	rm -f "$WORK/recv.out"
	recv_exec "$BIN/tub-recv" -p 0 "$@" >"$WORK/recv.out" 2>"$WORK/recv.err" &
	RECV_PID=$!
	PORT=""
	for _ in $(seq 1 50); do
		PORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' \
			"$WORK/recv.out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	echo "FAIL: tub-recv did not start"; cat "$WORK/recv.err"; exit 1
}

# stop_recv: the receiver started last, if any.
stop_recv() {
	[ -n "$RECV_PID" ] && { kill "$RECV_PID"; wait "$RECV_PID"; } 2>/dev/null
	RECV_PID=""
}

# link_setup PREFIX: for the tests across tub-link (scripts/netns.sh, root):
# a link name from PREFIX and our PID, receivers in side b, the link taken
# down on exit. Sets NETNS and NAME.
link_setup() {
	NETNS="$HERE/../scripts/netns.sh"
	export TUB_BUILD="$BIN"
	NAME=$(printf '%s%s' "$1" "$$" | cut -c1-12)
	recv_exec() { exec "$NETNS" exec "$NAME" b "$@"; }
	trap 'cleanup; "$NETNS" down "$NAME" >/dev/null 2>&1' EXIT
	trap 'exit 1' INT TERM
}

# link_up OPTIONS...: a fresh link with tub-link OPTIONS, and a quiet
# receiver in side b (RECV_PID, PORT).
link_up() {
	stop_recv
	"$NETNS" down "$NAME" >/dev/null 2>&1
	if ! "$NETNS" up "$NAME" "$@" >"$WORK/up.out" 2>&1; then
		cat "$WORK/up.out"
		echo "FAIL: netns.sh up $*"
		exit 1
	fi
	start_recv -q
}

# linkcol DIR NAME: the column NAME of tub-link's stats for direction DIR
# (a2b, b2a), from $WORK/link.csv (netns.sh stats NAME > $WORK/link.csv).
linkcol() {
	awk -F, -v d="$1" -v c="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$1 == d { print $h[c] }' "$WORK/link.csv"
}

# csv_rows FILE: its data rows (0 when empty or missing).
csv_rows() {
	if [ -s "$1" ]; then echo $(($(wc -l <"$1") - 1)); else echo 0; fi
}

# rowc CSV N COLUMN: the column COLUMN of data row N.
rowc() {
	awk -v n="$2" -v c="$3" -f "$HERE/../scripts/lib/csv.awk" -f /dev/stdin "$1" <<'EOF'
NR == 1 { csv_index($0, col); next }
NR == n + 1 { csv_split($0, r); print r[col[c]]; exit }
EOF
}

# fig RUN FIGURE [COLUMN]: a column (value) of the run's path.csv.
fig() {
	awk -F, -v mode=get -v figure="$2" -v c="${3:-value}" \
		-f "$HERE/../scripts/lib/csv.awk" -f "$HERE/../scripts/lib/path.awk" "$1/path.csv"
}

# col FILE NAME: the column NAME of the last row of FILE.
col() {
	awk -v col="$2" -f "$HERE/../scripts/lib/csv.awk" -f "$HERE/csvget.awk" "$1"
}

ok() { CHECKS=$((CHECKS + 1)); }
bad() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL: $*"; }

# check DESCRIPTION TEST-EXPRESSION...: like test(1), counted.
check() {
	desc=$1; shift
	if [ "$@" ]; then ok; else bad "$desc ($*)"; fi
}

# check_awk DESCRIPTION AWK-CONDITION: for float comparisons.
# udp_adds_up CSV NAME ROW...: each row's udp_sent is its udp_received
# plus its udp_lost.
udp_adds_up() {
	local f=$1 n=$2 i s r l
	shift 2
	for i in "$@"; do
		s=$(rowc "$f" "$i" udp_sent)
		r=$(rowc "$f" "$i" udp_received)
		l=$(rowc "$f" "$i" udp_lost)
		check "$n row $i: sent $s == received $r + lost $l" "$s" -eq $((r + l))
	done
}

check_awk() {
	if awk "BEGIN { exit !($2) }"; then ok; else bad "$1 ($2)"; fi
}

# have_gnuplot WHAT: 0 when gnuplot (or $GNUPLOT) is here; else says that
# the checks of WHAT are skipped.
have_gnuplot() {
	command -v "${GNUPLOT:-gnuplot}" >/dev/null 2>&1 && return 0
	echo "SKIP: gnuplot not installed: $*"
	return 1
}

finish() {
	if [ "$FAILS" -gt 0 ] && [ -s "$WORK/recv.err" ]; then
		echo "--- receiver's stderr:"
		tail -n 40 "$WORK/recv.err"
	fi
	echo "$(basename "$0" .sh): $((CHECKS - FAILS)) passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
	exit $?
}

# skip WHY: end the test as skipped, saying why (it checked nothing).
skip() {
	echo "$(basename "$0" .sh): skipped: $*"
	echo "$(basename "$0" .sh): 0 passed, 0 failed"
	exit 0
}

# need_link: skip without what an emulated link needs: root (network
# namespaces and TUN devices), /dev/net/tun, ip (iproute2), tub-link.
need_link() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, TUN devices)"
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	command -v ip >/dev/null 2>&1 || skip "no ip command (iproute2)"
	[ -x "$BIN/tub-link" ] || skip "no tub-link in $BIN"
}
