#!/bin/sh
# rudpbench.sh: reliable UDP against issue 16's targets, across tub-link
# between two namespaces (scripts/netns.sh; needs root), one part at a time:
#   goodput  1% random loss on every packet, 5 ms each way: TCP with
#            congestion=cubic against RUDP --cc cubic (and reno), in
#            alternating rounds of --duration s each; the median of each
#            and RUDP cubic / TCP cubic; TCP with this kernel's default
#            (BBR here) once, for reference.
#   heavy    20% and 30% random loss on the UDP datagrams (both ways), 5 ms
#            each way: -n 600 -l 1400 in --seeds seeded runs per loss rate,
#            each under a CPU-bound process started beside it; each run
#            must deliver all 600 complete, in order and intact within 60 s
#            with rudp_max_silence_ms <= rudp_rto_max_ms.
#   dead     the path cut 3 s into a stream: the sender must declare the
#            peer dead (or the stall) within the dead timer (30 s).
# Every program runs under timeout; the hog and the receivers are stopped by
# PID. Results in <results>/<date>-<label>/: goodput.csv, heavy.csv,
# dead.csv (tub-send rows), summary.txt (what held, what did not).
# Exit status: 0 every target checked held; 1 one did not; 2 usage.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NETNS=$ROOT/scripts/netns.sh
PARTS="goodput heavy dead"
ROUNDS=5
DURATION=10
SEEDS=10
LOSSES="20 30"
CC=cubic
LABEL=rudpbench
RESULTS=$ROOT/results
BIN=$ROOT/build
NAME=tubrb$$
RECV_PID=""
HOG_PID=""
FAILED=0

usage() {
	sed -n '2,19s/^# \{0,1\}//p' "$0"
	cat <<EOF
usage: scripts/rudpbench.sh [options]        (root: it makes namespaces)
  --parts "goodput heavy dead"  which parts (default "$PARTS")
  --rounds N        goodput: alternating rounds (default $ROUNDS)
  --duration S      goodput: seconds per run (default $DURATION)
  --seeds N         heavy: seeded runs per loss rate (default $SEEDS)
  --losses "20 30"  heavy: loss rates in percent (default "$LOSSES")
  --cc CC           heavy and dead: RUDP's --cc (default $CC)
  --label NAME      run label (default $LABEL)
  --results DIR     where the run directory goes (default results/)
  --bin DIR         the built programs (default build/)
EOF
}

die() {
	echo "rudpbench.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--parts) PARTS=${2:?}; shift ;;
	--rounds) ROUNDS=${2:?}; shift ;;
	--duration) DURATION=${2:?}; shift ;;
	--seeds) SEEDS=${2:?}; shift ;;
	--losses) LOSSES=${2:?}; shift ;;
	--cc) CC=${2:?}; shift ;;
	--label) LABEL=${2:?}; shift ;;
	--results) RESULTS=${2:?}; shift ;;
	--bin) BIN=${2:?}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) die "unknown option '$1' (try --help)" ;;
	esac
	shift
done
for n in "$ROUNDS" "$DURATION" "$SEEDS"; do
	case $n in '' | *[!0-9]* | 0) die "'$n' is not a positive number" ;; esac
done
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces); try: sudo $0"
[ -x "$BIN/tub-send" ] || die "no $BIN/tub-send: build first"

DIR=$RESULTS/$(date +%Y-%m-%d-%H%M%S)-$LABEL
mkdir -p "$DIR" || die "cannot create $DIR"
SUMMARY=$DIR/summary.txt
export TUB_BUILD="$BIN"

say() {
	echo "$*" | tee -a "$SUMMARY"
}

stop_recv() {
	if [ -n "$RECV_PID" ]; then
		kill "$RECV_PID" 2>/dev/null
		wait "$RECV_PID" 2>/dev/null
	fi
	RECV_PID=""
}

stop_hog() {
	if [ -n "$HOG_PID" ]; then
		kill "$HOG_PID" 2>/dev/null
		wait "$HOG_PID" 2>/dev/null
	fi
	HOG_PID=""
}

stop() {
	stop_hog
	stop_recv
	"$NETNS" down "$NAME" >/dev/null 2>&1
}
trap 'stop' EXIT
trap 'exit 130' INT TERM

# link OPTIONS...: a fresh link, a receiver in side b; sets PORT.
link() {
	stop_recv
	"$NETNS" down "$NAME" >/dev/null 2>&1
	"$NETNS" up "$NAME" "$@" >"$DIR/up.log" 2>&1 ||
		{ cat "$DIR/up.log" >&2; die "netns.sh up $* failed"; }
	rm -f "$DIR/recv.out"
	"$NETNS" exec "$NAME" b "$BIN/tub-recv" -p 0 -q >"$DIR/recv.out" \
		2>>"$DIR/recv.log" &
	RECV_PID=$!
	PORT=""
	for _ in $(seq 1 50); do
		PORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' \
			"$DIR/recv.out")
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	die "receiver did not start"
}

# send CSV LIMIT ARGS...: one tub-send in side a under timeout LIMIT.
send() {
	csv=$1 limit=$2
	shift 2
	timeout "$limit" "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 \
		-p "$PORT" -q --csv "$csv" "$@"
}

# last CSV COLUMN: that column of the file's last row.
cat >"$DIR/last.awk" <<'EOF'
NR == 1 { csv_index($0, col); next }
{ csv_split($0, r); v = r[col[c]] }
END { print v }
EOF
last() {
	awk -v c="$2" -f "$ROOT/scripts/lib/csv.awk" -f "$DIR/last.awk" "$1"
}

# median of the numbers on stdin, one a line (empty if none).
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR) print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

# spread of the numbers on stdin: "min..max".
spread() {
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) print lo ".." hi }'
}

mbit() {
	awk -v v="$1" 'BEGIN { printf "%.1f", v / 1e6 }'
}

part_goodput() {
	csv=$DIR/goodput.csv
	say "== goodput: 1% loss on every packet, 5 ms each way, $ROUNDS rounds of $DURATION s"
	link --delay 5ms --loss 1% --seed 3
	: >"$DIR/goodput.txt"
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		# alternate the order, so that neither always goes first
		if [ $((r % 2)) -eq 1 ]; then order="tcp rudp reno"; else order="reno rudp tcp"; fi
		for m in $order; do
			case $m in
			tcp) args="--proto tcp --local-opt congestion=cubic" ;;
			rudp) args="--proto rudp --cc cubic" ;;
			reno) args="--proto rudp --cc reno" ;;
			esac
			# shellcheck disable=SC2086 # args is a list of options
			send "$csv" $((DURATION + 30)) $args -t "$DURATION" --label "$m"
			tp=$(last "$csv" throughput_bps)
			st=$(last "$csv" status)
			echo "$m $r $tp $st" >>"$DIR/goodput.txt"
			echo "  round $r $m: $(mbit "${tp:-0}") Mbit/s ($st)"
		done
		r=$((r + 1))
	done
	send "$csv" $((DURATION + 30)) --proto tcp -t "$DURATION" --label bbr
	bbr=$(last "$csv" throughput_bps)
	for m in tcp rudp reno; do
		eval "med_$m=\$(awk -v m=$m '\$1 == m && \$4 == \"ok\" { print \$3 }' \"\$DIR/goodput.txt\" | median)"
		eval "spr_$m=\$(awk -v m=$m '\$1 == m && \$4 == \"ok\" { printf \"%.1f\\n\", \$3 / 1e6 }' \"\$DIR/goodput.txt\" | spread)"
	done
	# shellcheck disable=SC2154 # set by the eval above
	ratio=$(awk -v a="${med_rudp:-0}" -v b="${med_tcp:-0}" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }')
	# shellcheck disable=SC2154
	say "  TCP cubic: median $(mbit "${med_tcp:-0}") Mbit/s ($spr_tcp)"
	# shellcheck disable=SC2154
	say "  RUDP cubic: median $(mbit "${med_rudp:-0}") Mbit/s ($spr_rudp)"
	# shellcheck disable=SC2154
	say "  RUDP reno: median $(mbit "${med_reno:-0}") Mbit/s ($spr_reno)"
	say "  TCP default (reference): $(mbit "${bbr:-0}") Mbit/s"
	if awk -v x="$ratio" 'BEGIN { exit !(x >= 0.9) }'; then
		say "  target RUDP cubic >= 0.9x TCP cubic: held ($ratio)"
	else
		say "  target RUDP cubic >= 0.9x TCP cubic: NOT held ($ratio)"
		FAILED=1
	fi
}

# One seeded run under heavy loss beside a CPU hog; appends to heavy.txt.
heavy_run() {
	loss=$1 seed=$2 csv=$DIR/heavy.csv
	link --delay 5ms --loss "$loss%" --match udp --seed "$seed"
	sh -c 'while :; do :; done' &
	HOG_PID=$!
	t0=$(date +%s.%N)
	send "$csv" 90 --proto rudp --cc "$CC" -n 600 -l 1400 \
		--label "loss$loss-seed$seed"
	t1=$(date +%s.%N)
	stop_hog
	wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	st=$(last "$csv" status)
	rx=$(last "$csv" rx_msgs)
	ooo=$(last "$csv" rx_out_of_order)
	bad=$(last "$csv" rx_corrupt)
	sil=$(last "$csv" rudp_max_silence_ms)
	rmax=$(last "$csv" rudp_rto_max_ms)
	ok=no
	if [ "$st" = ok ] && [ "${rx:-0}" -eq 600 ] && [ "${ooo:-1}" -eq 0 ] &&
		[ "${bad:-1}" -eq 0 ] &&
		awk -v w="$wall" -v s="${sil:-1e9}" -v m="${rmax:-0}" \
			'BEGIN { exit !(w <= 60 && s <= m) }'; then
		ok=yes
	fi
	echo "$loss $seed $ok $wall $sil $st" >>"$DIR/heavy.txt"
	echo "  loss $loss% seed $seed: $st, $rx msgs, $wall s, silence <= $sil ms," \
		"rtx rto $(last "$csv" rudp_retrans_timeout) rack $(last "$csv" rudp_retrans_fast)" \
		"tlp $(last "$csv" rudp_tlp): $ok"
}

part_heavy() {
	say "== heavy loss: 600 x 1400 B, 5 ms each way, loss on UDP, a CPU hog beside, --cc $CC"
	: >"$DIR/heavy.txt"
	for loss in $LOSSES; do
		s=1
		while [ "$s" -le "$SEEDS" ]; do
			heavy_run "$loss" "$s"
			s=$((s + 1))
		done
		good=$(awk -v l="$loss" '$1 == l && $3 == "yes"' "$DIR/heavy.txt" | wc -l)
		walls=$(awk -v l="$loss" '$1 == l { print $4 }' "$DIR/heavy.txt" | spread)
		wmed=$(awk -v l="$loss" '$1 == l { print $4 }' "$DIR/heavy.txt" | median)
		sil=$(awk -v l="$loss" '$1 == l { print $5 }' "$DIR/heavy.txt" | sort -g | tail -n 1)
		say "  loss $loss%: $good of $SEEDS complete, in order, intact within 60 s;" \
			"wall median $wmed s ($walls); longest silence $sil ms"
		[ "$good" -eq "$SEEDS" ] || FAILED=1
	done
}

part_dead() {
	csv=$DIR/dead.csv
	say "== dead peer: the path cut 3 s into a stream, 5 ms each way, --cc $CC"
	link --delay 5ms
	t0=$(date +%s.%N)
	send "$csv" 90 --proto rudp --cc "$CC" -t 60 &
	spid=$!
	sleep 3
	"$NETNS" cut "$NAME"
	wait "$spid"
	t1=$(date +%s.%N)
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a - 3 }')
	st=$(last "$csv" status)
	err=$(last "$csv" error)
	say "  after the cut: $st in $took s ($err)"
	if [ "$st" != ok ] && awk -v t="$took" 'BEGIN { exit !(t <= 31) }'; then
		say "  target declared dead within the dead timer (30 s): held"
	else
		say "  target declared dead within the dead timer (30 s): NOT held"
		FAILED=1
	fi
	"$NETNS" heal "$NAME"
}

say "rudpbench: $(date), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $PARTS; do
	case $p in
	goodput) part_goodput ;;
	heavy) part_heavy ;;
	dead) part_dead ;;
	*) die "unknown part '$p'" ;;
	esac
done
stop
say "results in $DIR"
exit "$FAILED"
