#!/bin/sh
# Build and run every test: unit, loopback integration, and as root the
# emulated-link ones.
#   scripts/test.sh              warnings as errors, build in build/
#   scripts/test.sh --asan       AddressSanitizer + UBSan, build in build-asan/;
#                                leaves out the tests labelled heavy (the
#                                emulated-link tests, the soak: run them once,
#                                without --asan)
#   scripts/test.sh --fuzz SECS  after the tests, tests/fuzz/run.sh SECS (every
#                                libFuzzer target for SECS; skipped without clang)
# First it installs what the build and the tests need (scripts/lib/install.sh):
# as root with apt-get it installs what is missing, saying what; otherwise it
# prints the command to run and exits 2. No test installs anything: they run
# with TUB_NO_INSTALL=1. ctest runs two tests at a time; CMakeLists.txt says
# which must run alone. When only emulated-link tests (label heavy) failed,
# they run once more, alone, and that run decides. Exit status: 0 all
# passed, 1 a test or a fuzzer failed, 2 bad usage or missing packages.
set -eu
cd "$(dirname "$0")/.."
PROG=test.sh
. scripts/lib/install.sh

usage() {
  sed -n '2,17s/^# \{0,1\}//p' "$0"
}

dir=build
flags="-DTUB_WERROR=ON"
select=""
fuzz=""
while [ $# -gt 0 ]; do
  case $1 in
    --asan)
      dir=build-asan
      flags="$flags -DTUB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"
      select="-LE heavy"
      ;;
    --fuzz)
      [ $# -ge 2 ] || { echo "$PROG: --fuzz needs SECONDS" >&2; exit 2; }
      case $2 in
        '' | *[!0-9]*) echo "$PROG: --fuzz: '$2' is not a whole number of seconds" >&2; exit 2 ;;
      esac
      fuzz=$2
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$PROG: unknown argument '$1' (see $PROG -h)" >&2; exit 2 ;;
  esac
  shift
done

# Everything before the first test, and never under a timeout.
rc=0
install_missing "cmake make gcc libc6-dev iproute2 python3 gnuplot-nox openssh-server nftables" \
  "clang libclang-rt-14-dev iperf3 sockperf chromium-headless-shell" || rc=$?
[ $rc -eq 0 ] || exit $rc
export TUB_NO_INSTALL=1

# shellcheck disable=SC2086 # lists of options
cmake -S . -B "$dir" $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
failed=0
lastfailed="$dir/Testing/Temporary/LastTestsFailed.log"
rm -f "$lastfailed" # this run's list, not an earlier one's
# shellcheck disable=SC2086
(cd "$dir" && ctest -j2 --output-on-failure --timeout 120 $select) || failed=1

# The emulated-link tests hold figures to a few percent that need tub-link,
# a forwarder in user space, to get its CPU on time, and a slow spell of a
# VM takes it (CMakeLists.txt). When only tests labelled heavy failed, they
# run once more, alone, saying so; a fault fails both times, and any other
# test that failed fails the run as it is.
if [ $failed -eq 1 ] && [ -z "$select" ] && [ -s "$lastfailed" ]; then
  heavy=$(cd "$dir" && ctest -N -L heavy | sed -n 's/^ *Test *#[0-9]*: *//p')
  names=$(cut -d: -f2- "$lastfailed")
  others=$(printf '%s\n' "$names" | grep -vxF -e "$heavy" || true)
  if [ -n "$heavy" ] && [ -z "$others" ]; then
    echo "$PROG: only emulated-link tests failed ($(printf '%s\n' "$names" | tr '\n' ' ' | sed 's/ $//')): they run once more, alone" >&2
    (cd "$dir" && ctest --rerun-failed --output-on-failure --timeout 120) && failed=0
  fi
fi

if [ -n "$fuzz" ]; then
  if [ -f tests/fuzz/run.sh ]; then
    run=tests/fuzz/run.sh
    [ -x $run ] || run="sh $run"
    $run "$fuzz" || { echo "$PROG: a fuzzer failed" >&2; failed=1; }
  else
    echo "$PROG: --fuzz: no tests/fuzz/run.sh; no fuzzing" >&2
  fi
fi
exit $failed
