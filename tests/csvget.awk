# Print the value of column COL in the last row of a CSV file. Needs
# scripts/lib/csv.awk for csv_split. Usage:
#   awk -v col=NAME -f scripts/lib/csv.awk -f tests/csvget.awk FILE
NR == 1 { nh = csv_split($0, head); next }
{ last = $0 }
END {
	if (last == "") exit 1
	csv_split(last, row)
	for (i = 1; i <= nh; i++) if (head[i] == col) { print row[i]; exit 0 }
	print "csvget: no column " col > "/dev/stderr"
	exit 2
}
