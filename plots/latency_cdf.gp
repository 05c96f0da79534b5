# Latency distribution of single bursts (run --latency): panels side by side (one per memory
# type x barrier), in each panel one line per case through its recorded quantiles. x: ns per
# burst with its drain (log); y: the fraction of bursts that took at least x (the complementary
# CDF, 1 - F, log), so the tail reads off the bottom: min at 1, p50 at 0.5, p90 at 0.1, p99 at
# 0.01, p99.9 at 0.001, the slowest burst at 1/N. Drawn by `wcbench run --latency`, `wcbench
# plot` and `wcbench report` (per machine).
# Run as: gnuplot -c latency_cdf.gp POINTS SERIES PANELS PANEL_TITLES TITLE OUT YSCALE
#   POINTS        tab-separated "series x y y_lo y_hi" (no header; y_lo, y_hi unused),
#                 series k (from 1) in data block k-1 (blocks apart by two blank lines)
#   SERIES        one legend text per line, series 1 first
#   PANELS        tab-separated, header "first last": the series range of each panel
#   PANEL_TITLES  one title per line, panel 1 first
#   TITLE         the figure's title (may hold a newline)     OUT  path without extension
#   YSCALE        log (the tail needs it) or linear
# Texts come from result files and are only ever data here: never evaluated, printed with
# noenhanced. Text lines start with 'L' (dropped) and carry '"' as byte 1 (see render/gnuplot.h).
set datafile separator "\t"
set datafile commentschars ""
dq = "\""
unesc(s) = (unesc_p = strstrt(s, "\001"), unesc_p ? s[1:unesc_p-1] . dq . unesc(s[unesc_p+1:]) : s)
text(s) = unesc(s[2:])

stats ARG2 using 0 nooutput
nseries = STATS_records
array label[nseries]
stats ARG2 using (label[int($0) + 1] = text(strcol(1)), 0) nooutput
stats ARG4 using 0 nooutput
npanels = STATS_records
array ptitle[npanels]
array pfirst[npanels]
array plast[npanels]
stats ARG4 using (ptitle[int($0) + 1] = text(strcol(1)), 0) nooutput
set datafile columnheaders
stats ARG3 using (pfirst[int($0) + 1] = column("first"), plast[int($0) + 1] = column("last"), 0) nooutput
# POINTS has no header: each series is read by `index`, which skips the other series' lines
# rather than evaluating each point once per series (time linear in the points)
set datafile nocolumnheaders

set logscale x 10
set xtics ("1 ns" 1, "10 ns" 10, "100 ns" 100, "1 us" 1e3, "10 us" 1e4, "100 us" 1e5, "1 ms" 1e6, \
    "10 ms" 1e7, "100 ms" 1e8, "1 s" 1e9, "10 s" 1e10)
set mxtics 10
if (ARG7 eq "log") {
    set logscale y 10
    set yrange [*:1.3]
    set ytics ("1 (min)" 1, "0.5 (p50)" 0.5, "0.1 (p90)" 0.1, "0.01 (p99)" 0.01, \
        "0.001 (p99.9)" 0.001, "1e-4" 0.0001, "1e-5" 0.00001, "1e-6" 0.000001)
} else {
    set yrange [0:1.05]
}
set grid xtics mxtics ytics lc rgb "#dddddd"
# twelve distinguishable lines: colour, point type and dash all differ
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22 #000000 #393b79"
do for [i=1:12] {
    dash = (i <= 6) ? 1 : 2
    set linetype i lc rgb word(colours, i) lw 2 pt (i % 7) + 4 ps 0.7 dt dash
}
set linetype cycle 12
set xlabel "time of one burst with its drain (log)"
set ylabel "fraction of bursts taking at least that long (1 - CDF, log)"
# the legend under each panel, a line per case: the labels are long (case keys)
set key outside below center vertical Left reverse noenhanced font ",9"
set tics nomirror
set border 3
set termoption noenhanced

ncols = npanels < 3 ? npanels : 3
nrows = (npanels + ncols - 1) / ncols
maxlines = 1
do for [p=1:npanels] {
    maxlines = plast[p] - pfirst[p] + 1 > maxlines ? plast[p] - pfirst[p] + 1 : maxlines
}
panel_w = 720
panel_h = 430 + 16 * maxlines
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size ncols*panel_w, nrows*panel_h + 70 font "Sans,10" noenhanced
    } else {
        set terminal svg size ncols*panel_w, nrows*panel_h + 70 font "Sans,10" noenhanced dynamic background rgb "white"
    }
    set output ARG6 . "." . fmt
    set multiplot layout nrows, ncols title ARG5 noenhanced
    do for [p=1:npanels] {
        set title ptitle[p] noenhanced
        s0 = int(pfirst[p])
        s1 = int(plast[p])
        if (s1 >= s0) {
            plot for [k=s0:s1] ARG1 index (k - 1) using 2:3 with linespoints lt (k - s0 + 1) title label[k]
        } else {
            set label 99 "no ok rows" at graph 0.5, 0.5 center
            plot [1:10] [0.1:1] NaN notitle
            unset label 99
        }
    }
    unset multiplot
    set output
}
