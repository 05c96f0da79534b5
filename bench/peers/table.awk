# The table of bench/peers/peers.sh. Input: first the pairs ("peer:test:kernel:set" lines, on
# stdin as "-"; set: the peer's own working set in bytes, empty for the sets of PEERS_SETS), then
# runs.tsv: KIND PEER TEST KERNEL SET REP GBPS LO HI NOTE, tab-separated, KIND peer (one peer
# run), wc (one wcbench run beside PEER: "wcbench" for the runs likwid and pmbw share, else the
# peer with its own set) or own (wcbench's default run: median, 95% CI lo, hi). Variables: sets
# (PEERS_SETS in bytes), names ("likwid=likwid-bench pmbw=pmbw "), reps (rounds per peer,
# "likwid=5 tinymembench=3 ").

function label(b) {
	if (b % 1073741824 == 0) return b / 1073741824 " GiB"
	if (b % 1048576 == 0) return b / 1048576 " MiB"
	if (b % 1024 == 0) return b / 1024 " KiB"
	return b " B"
}
# stats KEY: sets med, lo, hi, n from the values vals[KEY, 1..count[KEY]]
function stats(key,   i, j, t, x) {
	n = count[key]
	for (i = 1; i <= n; i++) x[i] = vals[key, i]
	for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j + 1] = x[j]; x[j + 1] = t }
	if (n == 0) return 0
	lo = x[1]; hi = x[n]
	med = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
	return n
}
# "median (min-max)": two words whatever the magnitudes, so the columns split on blanks
function cell(key) {
	if (!stats(key)) return sprintf("%7s %-15s", "n/a", "(-)")
	return sprintf("%7.2f %-15s", med, sprintf("(%.2f-%.2f)", lo, hi))
}

# rate KIND RATIO WHAT: note a ratio of kind median or best; returns it
function rate(kind, x, what) {
	if (!(kind in worst) || x < worst[kind]) { worst[kind] = x; worstwhat[kind] = what }
	if (x < 1) below[kind]++
	return x
}
function verdict(kind, words) {
	printf "worst ratio (%s): %.3f (%s); every pair >= 1.0: ", words, worst[kind], worstwhat[kind]
	if (unrated) printf "unknown (%d of %d pairs have no figure)\n", unrated, rated + unrated
	else if (below[kind]) printf "no (%d of %d pairs below 1.0)\n", below[kind], rated
	else printf "yes (%d pairs)\n", rated
}

# row PAIR AT: the table row of one pair at working set AT (bytes)
function row(p, at,   f, pk, wk, pc, pn, pmed, pbest, wc, wn, wmed, wbest, r, rb, what, extra, o) {
	split(p, f, ":")
	pk = "peer" SUBSEP f[1] SUBSEP f[2] SUBSEP at
	wk = "wc" SUBSEP (f[4] == "" ? "wcbench" : f[1]) SUBSEP f[3] SUBSEP at
	pc = cell(pk); pn = n; pmed = med; pbest = hi
	wc = cell(wk); wn = n; wmed = med; wbest = hi
	r = rb = "-"
	if (pn && wn && pmed > 0 && pbest > 0) {
		what = name[f[1]] " " f[2] " vs " f[3] ", " label(at)
		r = sprintf("%6.3f", rate("median", wmed / pmed, what))
		rb = sprintf("%6.3f", rate("best", wbest / pbest, what))
		rated++
	} else unrated++
	extra = ""
	if (pn < rounds[f[1]]) extra = extra sprintf("  [peer: %d of %d runs]", pn, rounds[f[1]])
	if (wn < rounds[f[1]]) extra = extra sprintf("  [wcbench: %d of %d runs]", wn, rounds[f[1]])
	if (f[1] == "pmbw" && (pk in note)) extra = extra "  (pmbw: " note[pk] ")"
	o = (f[3] SUBSEP at) in own ? own[f[3], at] : sprintf("%7s [-]", "n/a")
	printf "%-12s %-25s %-12s %-6s %s %s %6s %6s  %s%s\n", name[f[1]], f[2], f[3], label(at), pc, wc, r, rb, o, extra
}

BEGIN {
	nn = split(names, nv, " ")
	for (i = 1; i <= nn; i++) { eq = index(nv[i], "="); name[substr(nv[i], 1, eq - 1)] = substr(nv[i], eq + 1) }
	nn = split(reps, nv, " ")
	for (i = 1; i <= nn; i++) { eq = index(nv[i], "="); rounds[substr(nv[i], 1, eq - 1)] = substr(nv[i], eq + 1) }
	nsets = split(sets, set, " ")
}
FILENAME == "-" { split($0, f, ":"); if (f[3] != "") pair[++npairs] = $0; next }
{
	key = $1 SUBSEP $2 SUBSEP $3 SUBSEP $5
	if ($1 == "own") { own[$3, $5] = sprintf("%7.2f [%.2f-%.2f]", $7, $8, $9); next }
	vals[key, ++count[key]] = $7
	if ($10 != "") note[key] = $10
}
END {
	printf "%-12s %-25s %-12s %-6s %-23s %-23s %6s %6s  %s\n", "peer", "peer test", "wcbench", "set",
		"peer GB/s (min-max)", "wcbench GB/s (min-max)", "ratio", "best", "wcbench run [95% CI]"
	rated = 0; unrated = 0
	for (s = 1; s <= nsets; s++)
		for (i = 1; i <= npairs; i++) { split(pair[i], f, ":"); if (f[4] == "") row(pair[i], set[s]) }
	for (i = 1; i <= npairs; i++) { split(pair[i], f, ":"); if (f[4] != "") row(pair[i], f[4]) }
	if (!rated) { print "worst ratio: none (no pair has figures on both sides)"; exit }
	verdict("median", "medians")
	verdict("best", "best runs")
}
