#!/bin/sh
# One replay test: generate a target's seeds, then run the target on them.
#   replay.sh GEN_SEEDS TARGET_BIN SEEDS_DIR TARGET
set -eu
gen=$1 bin=$2 dir=$3 target=$4
rm -rf "${dir:?}/${target:?}"
mkdir -p "$dir"
"$gen" "$dir" "$target"
"$bin" "$dir/$target"
