#!/bin/sh
# Build and run every test (unit and loopback integration).
#   scripts/test.sh            warnings as errors, build in build/
#   scripts/test.sh --asan     AddressSanitizer + UBSan, build in build-asan/
set -eu
cd "$(dirname "$0")/.."
dir=build
flags="-DTUB_WERROR=ON"
if [ "${1:-}" = "--asan" ]; then
	dir=build-asan
	flags="$flags -DTUB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug"
fi
cmake -S . -B "$dir" $flags >/dev/null
cmake --build "$dir" -j "$(nproc)"
cd "$dir"
ctest --output-on-failure --timeout 120
