# Print the value of column COL in the last row of a CSV file (RFC 4180
# quoting, one record per line). Usage: awk -v col=NAME -f csvget.awk FILE
function parse(line, out,    n, i, c, f, q) {
	n = 0; f = ""; q = 0
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { f = f "\""; i++ }
				else q = 0
			} else f = f c
		} else if (c == "\"") q = 1
		else if (c == ",") { out[++n] = f; f = "" }
		else f = f c
	}
	out[++n] = f
	return n
}
NR == 1 { nh = parse($0, head); next }
{ last = $0 }
END {
	if (last == "") exit 1
	parse(last, row)
	for (i = 1; i <= nh; i++) if (head[i] == col) { print row[i]; exit 0 }
	print "csvget: no column " col > "/dev/stderr"
	exit 2
}
