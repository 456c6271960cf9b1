#!/bin/sh
# remote.sh: what bench.sh --ssh does on the receiving host; sent over ssh
# as `ssh HOST sh -s -- CMD [DIR]` so nothing is installed there.
#   mkdir        make a private temporary directory, print its path
#   build DIR    build tub-recv from the source copied into DIR
#   start DIR    start DIR/build/tub-recv -p 0 in the background, print its port
#   stop DIR     stop that tub-recv (by its PID) and remove DIR
# Exit status: 0 ok, 1 failed (with a line on stderr).
set -u

fail() {
  echo "remote.sh on $(uname -n): $*" >&2
  exit 1
}

# ours DIR: DIR is one of the directories mkdir made.
ours() {
  case $1 in
    /tmp/tub-bench.*) [ -d "$1" ] && [ -O "$1" ] ;;
    *) return 1 ;;
  esac
}

cmd_build() {
  for t in cmake make; do
    command -v "$t" >/dev/null 2>&1 ||
      fail "no $t; the receiving host needs cmake, make and a C compiler"
  done
  cd "$1" || fail "no directory $1"
  jobs=$(nproc 2>/dev/null || echo 2)
  { cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
    cmake --build build -j "$jobs" --target tub-recv; } >build.log 2>&1 ||
    { tail -n 20 build.log >&2; fail "the build failed (log: $1/build.log)"; }
}

cmd_start() {
  cd "$1" || fail "no directory $1"
  nohup build/tub-recv -p 0 </dev/null >recv.log 2>&1 &
  echo $! >recv.pid
  i=0
  while [ $i -lt 100 ]; do
    port=$(sed -n 's/^tub-recv: listening on port \([0-9][0-9]*\)$/\1/p' recv.log)
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$(cat recv.pid)" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  cat recv.log >&2
  fail "tub-recv did not start"
}

cmd_stop() {
  if [ -r "$1/recv.pid" ]; then
    pid=$(cat "$1/recv.pid")
    # only the tub-recv this script started, not a recycled PID
    if [ -r "/proc/$pid/cmdline" ] &&
      tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'build/tub-recv -p 0'; then
      kill "$pid" 2>/dev/null
    elif [ ! -d /proc ]; then
      kill "$pid" 2>/dev/null
    fi
    cat "$1/recv.log" 2>/dev/null
  fi
  rm -rf "$1"
}

case ${1:-} in
  mkdir) mktemp -d /tmp/tub-bench.XXXXXX || fail "cannot make a directory in /tmp" ;;
  build | start | stop)
    [ $# -eq 2 ] || fail "$1 needs a directory"
    ours "$2" || fail "$2 is not a directory of bench.sh"
    "cmd_$1" "$2"
    ;;
  *) fail "unknown command '${1:-}'" ;;
esac
