# Every command the README tells a user to type, scripts/NAME.sh (not the
# sourced scripts/lib/*.sh), runs as typed: executable in git (mode
# 100755), or on disk when this is not a git checkout (< 1 s).
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$HERE/.." && pwd)
names=$(grep -o 'scripts/[A-Za-z0-9_]*\.sh' "$ROOT/README.md" | sort -u)
check "the README names scripts" -n "$names"
for f in $names; do
	check "$f exists" -f "$ROOT/$f"
	if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		mode=$(git -C "$ROOT" ls-files -s "$f" | cut -d' ' -f1)
		check "$f: mode 100755 in git (is ${mode:-not in git})" "$mode" = 100755
	else
		check "$f: executable" -x "$ROOT/$f"
	fi
done
finish
