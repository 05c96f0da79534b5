# wcbench compare -o DIR: change of GB/s per case, NEW vs BASE, one line per case.
# Run as: gnuplot -c compare.gp POINTS CASES TITLE OUT THR LABELS UNPLOTTED
#   POINTS     tab-separated, header "rank verdict change_pct change_lo_pct change_hi_pct";
#              rank 1 at the bottom; verdict 1 regression, 2 same, 3 improvement
#   CASES      the case name of each rank, one per line, rank 1 first
#   TITLE      first title line      OUT  output path without extension (out.png, out.svg)
#   THR        threshold in percent  LABELS  1: name each case on the y axis, 0: ranks only
#   UNPLOTTED  cases left out (status changes, one-sided): counted in the title
# Case names come from result files and are only ever data here: never evaluated, printed with
# noenhanced. Text lines start with 'L' (dropped) and carry '"' as byte 1 (see render/gnuplot.h).
set datafile separator "\t"
set datafile commentschars ""
dq = "\""
unesc(s) = (unesc_p = strstrt(s, "\001"), unesc_p ? s[1:unesc_p-1] . dq . unesc(s[unesc_p+1:]) : s)
text(s) = unesc(s[2:])

stats ARG2 using 0 nooutput
n = STATS_records
array case_name[n]
stats ARG2 using (case_name[int($0) + 1] = text(strcol(1)), 0) nooutput
set datafile columnheaders
thr = real(ARG5)
labels = int(ARG6)
unplotted = int(ARG7)

set termoption noenhanced
h = labels ? 160 + 18 * n : 700
if (h > 8000) { h = 8000 }
if (h < 360) { h = 360 }
w = labels ? 1400 : 1000

set title ARG3 . sprintf("\npoint: median GB/s ratio; bar: range the two intervals that judged it allow (medians' 95%% CIs, or p10-p90); grey band: +-%.1f%% threshold", thr) . \
	(unplotted > 0 ? sprintf("\n%d cases not plotted (a status change, not measured, or on one side only): see the compare table", unplotted) : "") noenhanced
set xlabel 'GB/s change, NEW vs BASE (%; GB/s = 10^9 B/s)'
if (labels) {
	set ylabel ''
	set ytics scale 0 font ',9' noenhanced
} else {
	set ylabel 'case, worst at the top (rank)'
	set ytics
}
set yrange [0.3 : n + 0.7]
set grid xtics
set key outside bottom center horizontal
set bmargin 6
set xzeroaxis lt -1
set object 1 rectangle from -thr, graph 0 to thr, graph 1 fillcolor rgb '#e8e8e8' fillstyle solid noborder behind
set style line 1 lc rgb '#c0392b' pt 7 ps 1.0 lw 1.5
set style line 2 lc rgb '#7f8c8d' pt 7 ps 0.7 lw 1
set style line 3 lc rgb '#27ae60' pt 7 ps 1.0 lw 1.5

is(v) = column("verdict") == v
rank_name(r) = case_name[int(r)]
do for [fmt in 'png svg'] {
	if (fmt eq 'png') {
		set terminal pngcairo size w, h noenhanced font ',10'
	} else {
		set terminal svg size w, h noenhanced font 'Helvetica,10' background rgb 'white'
	}
	set output ARG4 . '.' . fmt
	if (labels) {
		plot ARG1 using (0):"rank":ytic(rank_name(column("rank"))) with points pt -1 notitle, \
		     ARG1 using (is(1) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 1 title 'regression (beyond noise)', \
		     ARG1 using (is(2) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 2 title 'same (within noise)', \
		     ARG1 using (is(3) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 3 title 'improvement (beyond noise)'
	} else {
		plot ARG1 using (is(1) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 1 title 'regression (beyond noise)', \
		     ARG1 using (is(2) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 2 title 'same (within noise)', \
		     ARG1 using (is(3) ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 3 title 'improvement (beyond noise)'
	}
	set output
}
