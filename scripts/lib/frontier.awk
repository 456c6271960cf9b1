# frontier.awk: the points no other point beats on both counts (mawk-safe).

# frontier(n, x, y, cand, on): on[i] = 1 for each candidate point i
# (cand[i] true, 1..n) that no other candidate dominates, 0 for the rest;
# returns how many are on. Higher x is better (throughput), lower y is
# better (added delay); j dominates i when x[j] >= x[i] and y[j] <= y[i],
# one of them strictly: equal points both stay on.
function frontier(n, x, y, cand, on,    i, j, k) {
	k = 0
	for (i = 1; i <= n; i++) {
		on[i] = 0
		if (!cand[i]) continue
		for (j = 1; j <= n; j++)
			if (j != i && cand[j] && dominates(x[j], y[j], x[i], y[i])) break
		if (j > n) { on[i] = 1; k++ }
	}
	return k
}

# dominates(xa, ya, xb, yb): a is at least as good as b on both counts and
# better on one.
function dominates(xa, ya, xb, yb) {
	xa += 0; ya += 0; xb += 0; yb += 0
	return xa >= xb && ya <= yb && (xa > xb || ya < yb)
}
