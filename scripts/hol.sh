#!/bin/sh
# hol.sh: head-of-line blocking made visible. Across an emulated link
# (tub-link between two namespaces, scripts/netns.sh; needs root) with a
# range of random loss rates, the same paced stream of messages goes over
# TCP, reliable UDP in order, and reliable UDP unordered. Goodput and the
# message delay above its minimum (p50, p99) are charted against the loss
# rate: in-order delivery makes every message wait behind a lost one.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NETNS=$ROOT/scripts/netns.sh
LOSSES="0 0.5 1 2 5"
RATE=1M
SIZE=500
DELAY=10ms
DURATION=8
LABEL=hol
CC=cubic
SEED=11
RESULTS=$ROOT/results
BIN=$ROOT/build
NAME=tubhol$$
RECV_PID=""

usage() {
  cat <<EOF
usage: scripts/hol.sh [options]          (root: it makes network namespaces)
  --losses "0 1 5"   loss rates in percent (default "$LOSSES")
  --rate R           offered rate of every stream (default $RATE)
  --size S           message size (default $SIZE bytes)
  --delay D          one-way delay of the link (default $DELAY)
  --duration S       seconds per test (default $DURATION)
  --cc CC            RUDP's congestion control: reno, cubic, paced
                     (default $CC)
  --seed N           tub-link's loss seed (default $SEED): one seed drops
                     the same packets every run; others show how much a
                     figure owes to one loss pattern
  --label NAME       run label (default $LABEL)
  --results DIR      where the run directory goes (default results/)
  --bin DIR          the built programs (default build/)
Writes <results>/<date>-<label>/hol.csv (one tub-send row per test; the
loss rate is in run_id), hol.dat, hol.png and hol.svg.
EOF
}

die() { echo "hol.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    --losses) LOSSES=${2:?}; shift ;;
    --rate) RATE=${2:?}; shift ;;
    --size) SIZE=${2:?}; shift ;;
    --delay) DELAY=${2:?}; shift ;;
    --duration) DURATION=${2:?}; shift ;;
    --cc) CC=${2:?}; shift ;;
    --seed) SEED=${2:?}; shift ;;
    --label) LABEL=${2:?}; shift ;;
    --results) RESULTS=${2:?}; shift ;;
    --bin) BIN=${2:?}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
  shift
done
case $SEED in ''|*[!0-9]*) die "--seed: '$SEED' is not a whole number" ;; esac
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces); try: sudo $0"
[ -x "$BIN/tub-send" ] || die "no $BIN/tub-send: build first (cmake -S . -B build && cmake --build build)"
command -v gnuplot >/dev/null ||
  echo "hol.sh: gnuplot missing (apt-get install -y gnuplot-nox): CSV only" >&2

RUN=$(date +%Y-%m-%d-%H%M%S)-$LABEL
DIR=$RESULTS/$RUN
mkdir -p "$DIR" || die "cannot create $DIR"
CSV=$DIR/hol.csv
export TUB_BUILD=$BIN

stop() {
  if [ -n "$RECV_PID" ]; then
    kill "$RECV_PID" 2>/dev/null
    wait "$RECV_PID" 2>/dev/null
  fi
  RECV_PID=""
  "$NETNS" down "$NAME" >/dev/null 2>&1
}
trap 'stop' EXIT
trap 'exit 130' INT TERM

# link LOSS: a fresh link and a receiver on side b; sets PORT.
link() {
  stop
  "$NETNS" up "$NAME" --delay "$DELAY" --loss "$1%" --seed "$SEED" >"$DIR/up.log" 2>&1 ||
    { cat "$DIR/up.log" >&2; die "netns.sh up failed"; }
  rm -f "$DIR/recv.out"
  "$NETNS" exec "$NAME" b "$BIN/tub-recv" -p 0 -q >"$DIR/recv.out" 2>>"$DIR/recv.log" &
  RECV_PID=$!
  PORT=""
  for _ in $(seq 1 50); do
    PORT=$(sed -n 's/^tub-recv: listening on port \([0-9]*\)$/\1/p' "$DIR/recv.out")
    [ -n "$PORT" ] && return 0
    sleep 0.1
  done
  die "receiver did not start"
}

for loss in $LOSSES; do
  link "$loss"
  # TCP with nodelay: Nagle would hold each paced message back for up to a
  # round trip behind the one before, which is not head-of-line blocking.
  # RUDP with --cc (cubic by default; before RACK and the tail probe, its
  # AIMD fell back to one packet after each timeout and queued everyone,
  # which hid the ordering effect, so the chart was drawn with paced).
  for mode in "tcp --local-opt nodelay" "rudp --cc $CC" "rudp --cc $CC --unordered"; do
    echo "loss $loss%: $mode ..." >&2
    # shellcheck disable=SC2086 # mode holds two words for rudp unordered
    "$NETNS" exec "$NAME" a "$BIN/tub-send" -c 198.18.0.2 -p "$PORT" -q \
      --proto $mode -l "$SIZE" -b "$RATE" -t "$DURATION" \
      --run-id "$RUN-loss$loss" --csv "$CSV" ||
      echo "hol.sh: loss $loss% $mode failed (see $CSV)" >&2
  done
done
stop

# One line per test: loss, series, goodput (Mbit/s), message delay p50 and
# p99 above the minimum (ms).
awk -f "$ROOT/scripts/lib/csv.awk" -f "$ROOT/scripts/hol.awk" "$CSV" |
  sort -k2,2 -k1,1g >"$DIR/hol.dat"

if command -v gnuplot >/dev/null; then
  for fmt in png svg; do
    gnuplot -e "dat='$DIR/hol.dat'; out='$DIR/hol.$fmt'; fmt='$fmt'; title='Head-of-line blocking: $SIZE-byte messages at $RATE, $DELAY each way, random loss on tub-link (TCP nodelay, RUDP $CC)'" \
      "$ROOT/scripts/hol.gp" || echo "hol.sh: gnuplot failed for $fmt" >&2
  done
fi
echo "$DIR"
