# wcbench compare -o DIR: change of GB/s per case, NEW vs BASE, one line per case.
# Variables (gnuplot -e): csv  = DIR/compare-plot.csv (columns rank, verdict, case, change_pct,
#                                change_lo_pct, change_hi_pct; rank 1 at the bottom)
#                         out  = output path without extension (writes out.png and out.svg)
#                         title, n = number of cases, thr = threshold in percent,
#                         labels = 1 to name each case on the y axis (few cases), 0 for ranks,
#                         unplotted = cases left out (status changes, one-sided): named in the title
# Columns are read by name.
if (!exists("csv")) csv = 'compare-plot.csv'
if (!exists("out")) out = 'compare'
if (!exists("title")) title = 'GB/s change per case, NEW vs BASE'
if (!exists("n")) n = 20
if (!exists("thr")) thr = 5
if (!exists("labels")) labels = 1

set datafile separator ','
set termoption noenhanced
h = labels ? 160 + 18 * n : 700
if (h > 8000) { h = 8000 }
if (h < 360) { h = 360 }
w = labels ? 1400 : 1000

if (!exists("unplotted")) unplotted = 0
set title title . sprintf("\npoint: median GB/s ratio; bar: range allowed by the two p10-p90 intervals; grey band: +-%.1f%% threshold", thr) . \
	(unplotted > 0 ? sprintf("\n%d cases not plotted (a status change, not measured, or on one side only): see the compare table", unplotted) : "")
set xlabel 'GB/s change, NEW vs BASE (%; GB/s = 10^9 B/s)'
if (labels) {
	set ylabel ''
	set ytics scale 0 font ',9'
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

is(v) = strcol("verdict") eq v
do for [fmt in 'png svg'] {
	if (fmt eq 'png') {
		set terminal pngcairo size w, h noenhanced font ',10'
	} else {
		set terminal svg size w, h noenhanced font 'Helvetica,10' background rgb 'white'
	}
	set output out . '.' . fmt
	if (labels) {
		plot csv using (0):"rank":ytic(strcol("case")) with points pt -1 notitle, \
		     csv using (is("regression") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 1 title 'regression (beyond noise)', \
		     csv using (is("same") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 2 title 'same (within noise)', \
		     csv using (is("improvement") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 3 title 'improvement (beyond noise)'
	} else {
		plot csv using (is("regression") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 1 title 'regression (beyond noise)', \
		     csv using (is("same") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 2 title 'same (within noise)', \
		     csv using (is("improvement") ? column("change_pct") : NaN):"rank":"change_lo_pct":"change_hi_pct" with xerrorbars ls 3 title 'improvement (beyond noise)'
	}
	set output
}
