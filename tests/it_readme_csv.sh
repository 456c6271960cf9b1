# README.md's section "The CSV row" names every column tub-send writes,
# from the header of a real row (common/csv.c's schema), and names no
# column the row does not have: a column added to csv.c without a line
# there fails here.
. "$(dirname "$0")/lib.sh"
README=$HERE/../README.md
start_recv -q
timeout 30 "$BIN/tub-send" -c 127.0.0.1 -p "$PORT" --kind rr -n 10 -q \
	--csv "$WORK/row.csv"
check "a row to read the header from" "$(csv_rows "$WORK/row.csv")" -eq 1
head -n 1 "$WORK/row.csv" | tr , '\n' >"$WORK/columns"
check "the header has columns" "$(wc -l <"$WORK/columns")" -gt 100

# the section, up to the next heading of its level
awk '/^## / { in_it = ($0 == "## The CSV row") } in_it' "$README" >"$WORK/section"
check "README has the section The CSV row" -s "$WORK/section"

while read -r c; do
	if grep -qF "\`$c\`" "$WORK/section"; then ok; else
		bad "README's The CSV row does not name column $c"
	fi
done <"$WORK/columns"

# the first cell of each table row names columns; each must be one
awk -F'|' '/^\| `/ { print $2 }' "$WORK/section" | grep -o '`[a-z0-9_]*`' |
	tr -d '`' >"$WORK/named"
check "the section's tables name columns" -s "$WORK/named"
while read -r c; do
	if grep -qxF "$c" "$WORK/columns"; then ok; else
		bad "README's The CSV row names $c, which the row does not have"
	fi
done <"$WORK/named"
finish
