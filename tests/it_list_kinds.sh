# suite.awk's kinds are tub-send's: for every kind of tub-send --list-kinds
# and every transport the table names, a sweep line of that pair expands to
# one point of the table's default size where the table has the pair, and
# fails in one line saying the kind does not run there where it has not.
# Run with awk and, where it is here, mawk (Debian's default awk).
. "$(dirname "$0")/lib.sh"
LIB=$HERE/../scripts/lib
KINDS=$WORK/kinds
"$BIN/tub-send" --list-kinds >"$KINDS"
check "--list-kinds exit 0" $? -eq 0
check "--list-kinds has kinds" -s "$KINDS"
PROTOS=$(awk '{ for (i = 2; i <= NF; i++) { sub(/=.*/, "", $i); print $i } }' "$KINDS" |
	awk '!seen[$0]++')

# view AWK LINE: suite.awk's points of one sweep line (stderr in $WORK/err).
view() {
	printf '%s\n' "$2" >"$WORK/suite"
	"$1" -v kinds="$KINDS" -f "$LIB/csv.awk" -f "$LIB/suite.awk" "$WORK/suite" \
		2>"$WORK/err"
}

compare() {
	a=$1
	while read -r kind pairs; do
		for p in $PROTOS; do
			size=$(printf '%s\n' $pairs | sed -n "s/^$p=//p")
			view "$a" "proto=$p kind=$kind" >"$WORK/points"
			rc=$?
			if [ -n "$size" ]; then
				check "$a: $kind runs on $p" "$rc" -eq 0
				check "$a: $kind on $p: one point" "$(wc -l <"$WORK/points")" -eq 1
				check "$a: $kind on $p: default size $size" \
					"$(cut -f 5 "$WORK/points")" = "$size"
			else
				check "$a: $kind does not run on $p: exit 2" "$rc" -eq 2
				check "$a: $kind on $p: one line" "$(wc -l <"$WORK/err")" -eq 1
				check "$a: $kind on $p: says so" \
					-n "$(grep "kind=$kind does not run on proto=$p" "$WORK/err")"
			fi
		done
	done <"$KINDS"
	view "$a" "kind=no_such_kind" >/dev/null
	check "$a: a kind the table lacks: exit 2" $? -eq 2
	view "$a" "proto=no_such_proto" >/dev/null
	check "$a: a transport the table lacks: exit 2" $? -eq 2
}

compare awk
if [ -x /usr/bin/mawk ]; then compare /usr/bin/mawk; else echo "SKIP: no mawk"; fi
finish
