# settle.awk: after round `round` (3 or later) of a sweep with bench.sh
# --confidence, which points need no more runs. Needs csv.awk.
#   awk -F '\t' -v round=R -v ovh=S -f csv.awk -f settle.awk \
#     points.tsv summary.csv ROWS DONE
# summary.csv is aggregate.awk's with -v confidence; ROWS has "I ROW"
# lines: point I (its line in points.tsv) last wrote results.csv row ROW;
# DONE the points settled before, one I a line (# lines are comments).
# A point is settled when it converged (converged 1), when it has no
# metric to converge on (converged empty: linger, keepalive), when none
# of its runs was ok (more would not converge), or at its maximum
# (points.tsv's repeat). Prints "done I" for each point settled now,
# "say TEXT" for the progress, and last the shell assignments
# CONF_SAVED_TESTS (runs no longer planned), CONF_SAVED_COST (their
# seconds, at ovh beyond the duration) and CONF_OPEN (points that run in
# the next round).

FILENAME != file { file = FILENAME; f++ }
/^#/ { next }
# a point that cannot run (skipped) is not in the plan (plan_sums)
f == 1 { rep[FNR] = $12; dur[FNR] = $11; skip[FNR] = $17 != "" && $17 != "-" && $17 !~ /: pending$/; next }
f == 2 && FNR == 1 { csv_index($0, col); next }
f == 2 {
	csv_split($0, r)
	n = split(r[col["rows"]], rr, " ")
	for (i = 1; i <= n; i++) at[rr[i]] = FNR
	conv[FNR] = r[col["converged"]]
	nok[FNR] = r[col["n"]] + 0
	runs[FNR] = r[col["runs"]] + 0
	name[FNR] = r[col["name"]]
	metric[FNR] = r[col["confidence_metric"]]
	pct[FNR] = r[col["confidence_ci_pct"]]
	level[FNR] = r[col["confidence_level"]]
	target[FNR] = r[col["confidence_target_pct"]]
	next
}
f == 3 { split($0, a, " "); prow[a[1]] = a[2]; if (a[1] + 0 > maxi) maxi = a[1] + 0; next }
f == 4 { done[$1 + 0] = 1; next }

# within(s): "throughput_bps within 2.1% at 95%", or the metric alone.
function within(s) {
	if (pct[s] == "") return metric[s]
	return sprintf("%s +-%.3g%% (%s%% confidence)", metric[s], pct[s], level[s])
}

function settle(i, text) {
	print "done " i
	if (text != "") print "say     " text
	if (rep[i] > round && !skip[i]) {
		saved += rep[i] - round
		cost += (rep[i] - round) * (dur[i] + ovh)
	}
}

END {
	for (i = 1; i <= maxi; i++) {
		if (!(i in prow) || (i in done) || !(prow[i] in at)) continue
		s = at[prow[i]]
		if (conv[s] == 1)
			settle(i, "converged: " name[s] " after " runs[s] " runs: " within(s))
		else if (conv[s] == "")
			settle(i, runs[s] ? name[s] ": " runs[s] " runs, the minimum (no figure of its kind to converge on)" : "")
		else if (nok[s] == 0)
			settle(i, name[s] ": no run of " runs[s] " was ok: not run again")
		else if (round >= rep[i])
			settle(i, "not converged: " name[s] " after " runs[s] " runs: " within(s) " (target " target[s] "%)")
		else
			open++
	}
	printf "CONF_SAVED_TESTS=%d CONF_SAVED_COST=%.3f CONF_OPEN=%d\n", saved, cost, open
}
