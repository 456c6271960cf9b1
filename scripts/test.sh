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
# which must run alone. Exit status: 0 all passed, 1 a test or a fuzzer
# failed, 2 bad usage or missing packages.
set -eu
cd "$(dirname "$0")/.."
PROG=test.sh
. scripts/lib/install.sh

usage() {
  sed -n '2,16s/^# \{0,1\}//p' "$0"
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
# shellcheck disable=SC2086
(cd "$dir" && ctest -j2 --output-on-failure --timeout 120 $select) || failed=1

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
