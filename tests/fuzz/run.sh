#!/bin/sh
# Fuzz every target with clang's libFuzzer (ASan + UBSan).
#   tests/fuzz/run.sh SECONDS [BUILD_DIR]
# Builds the targets and gen_seeds with clang into BUILD_DIR (default
# build-fuzz/ at the top of the tree), writes the seed corpus to
# BUILD_DIR/seeds, then runs each target, one at a time, for SECONDS on its
# working corpus BUILD_DIR/corpus/TARGET (the seeds, plus what earlier runs
# found), and prints how many inputs each one executed. A crash, hang or
# leak leaves its input in BUILD_DIR/crashes/ and the log in
# BUILD_DIR/logs/TARGET.log. CLANG names the compiler (default clang).
# Exit status: 0; 1 if a target failed or the build did; 2 usage. Without
# clang: a note, and 0.
set -eu

TARGETS="frame hello test ready done result error sockopt rudp"

usage() {
	echo "usage: $0 SECONDS [BUILD_DIR]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
secs=$1
case $secs in '' | *[!0-9]*) usage ;; esac
[ "$secs" -gt 0 ] || usage

cc=${CLANG:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "fuzz: clang not found, skipped"
	exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${2:-$top/build-fuzz}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The flags of CMakeLists.txt, and its version.
version=$(sed -n 's/^project(.* VERSION \([0-9][0-9.]*\).*/\1/p' \
	"$top/CMakeLists.txt")
warn="-Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
-Wmissing-prototypes -Wvla -Wpointer-arith"
base="-std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer $warn"
san="-fsanitize=address,undefined -fno-sanitize-recover=all"

# compile SRC OBJ FLAGS...: one object, or exit 1.
compile() {
	src=$1 obj=$2
	shift 2
	# shellcheck disable=SC2086
	if ! "$cc" $base "-DTUB_VERSION=\"${version:-0}\"" "-I$top/common" \
		"-I$here" $san "$@" -c "$src" -o "$obj"; then
		echo "fuzz: cannot compile $src" >&2
		exit 1
	fi
}

# link OUT FLAGS... OBJ...: one program, or exit 1.
link() {
	prog=$1
	shift
	# shellcheck disable=SC2086
	if ! "$cc" $san "$@" -lm -o "$prog"; then
		echo "fuzz: cannot link $prog" >&2
		exit 1
	fi
}

echo "fuzz: building with $cc into $out; $secs s per target"
rm -rf "$out/obj"
mkdir -p "$out/obj" "$out/logs" "$out/crashes"
libobjs=""
for src in "$top"/common/*.c; do
	obj=$out/obj/$(basename "$src" .c).o
	compile "$src" "$obj" -fsanitize=fuzzer-no-link
	libobjs="$libobjs $obj"
done
rm -f "$out/libtub.a"
# shellcheck disable=SC2086
ar rcs "$out/libtub.a" $libobjs
for f in fuzz_util rudp_scene gen_seeds gen_wire gen_rudp; do
	compile "$here/$f.c" "$out/obj/$f.o" -fsanitize=fuzzer-no-link -Werror
done
link "$out/gen_seeds" -fsanitize=fuzzer-no-link "$out/obj/gen_seeds.o" \
	"$out/obj/gen_wire.o" "$out/obj/gen_rudp.o" "$out/obj/rudp_scene.o" \
	"$out/obj/fuzz_util.o" "$out/libtub.a"
for t in $TARGETS; do
	compile "$here/fuzz_$t.c" "$out/obj/fuzz_$t.o" -fsanitize=fuzzer -Werror
	link "$out/fuzz_$t" -fsanitize=fuzzer "$out/obj/fuzz_$t.o" \
		"$out/obj/rudp_scene.o" "$out/obj/fuzz_util.o" "$out/libtub.a"
done

rm -rf "$out/seeds"
"$out/gen_seeds" "$out/seeds"

failed=""
for t in $TARGETS; do
	corpus=$out/corpus/$t
	log=$out/logs/$t.log
	mkdir -p "$corpus"
	cp "$out/seeds/$t"/* "$corpus"/
	if "$out/fuzz_$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$t-" "$corpus" >"$log" 2>&1; then
		status=ok
	else
		status=FAILED
		failed="$failed $t"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	printf 'fuzz: %-8s %-6s %10s executions, coverage %s, corpus %s\n' \
		"$t" "$status" "${execs:-?}" "${cov:-?}" \
		"$(find "$corpus" -type f | wc -l)"
	if [ "$status" = FAILED ]; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz: |.*runtime error)' \
			"$log" | head -n 5 | sed 's/^/fuzz:   /'
		sed -n 's/.*Test unit written to \(.*\)/fuzz:   input: \1/p' \
			"$log"
		echo "fuzz:   log: $log"
	fi
done

if [ -n "$failed" ]; then
	echo "fuzz: FAILED:$failed (inputs in $out/crashes/)"
	exit 1
fi
echo "fuzz: all targets ran $secs s each without a crash"
