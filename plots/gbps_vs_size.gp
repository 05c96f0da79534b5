# GB/s vs burst size: panels side by side, in each panel one line per series with p10-p90 bars.
# Drawn by `wcbench run`, `wcbench plot` (one panel per memory type x barrier, one series per
# case less its burst size) and `wcbench report` (one panel per machine, log y axis).
# Run as: gnuplot -c gbps_vs_size.gp POINTS SERIES PANELS PANEL_TITLES TITLE OUT YSCALE
#   POINTS        tab-separated "series x y y_lo y_hi" (no header), series k (from 1) in
#                 data block k-1 (blocks apart by two blank lines)
#   SERIES        one legend text per line, series 1 first
#   PANELS        tab-separated, header "first last": the series range of each panel
#   PANEL_TITLES  one title per line, panel 1 first
#   TITLE         the figure's title (may hold a newline)     OUT  path without extension
#   YSCALE        linear or log
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

set logscale x 2
set xtics ("8" 8, "16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, \
    "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864, \
    "256M" 268435456, "1G" 1073741824) nomirror
set mxtics default
if (ARG7 eq "log") {
    set logscale y 10
    set format y "%g"
    set grid xtics ytics mytics lc rgb "#dddddd"
} else {
    set yrange [0:*]
    set grid xtics ytics lc rgb "#dddddd"
}
# twelve distinguishable lines: colour, point type and dash all differ
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22 #000000 #393b79"
do for [i=1:12] {
    dash = (i <= 6) ? 1 : 2
    set linetype i lc rgb word(colours, i) lw 2 pt (i % 7) + 4 ps 0.7 dt dash
}
set linetype cycle 12
set xlabel "burst size (bytes; K = 1024)"
set ylabel "GB/s (10^9 bytes/s), median; bars p10-p90"
set key outside right top vertical Left reverse noenhanced font ",9" spacing 1.1
set tics nomirror
set border 3
set bars small
set termoption noenhanced

ncols = npanels < 3 ? npanels : 3
nrows = (npanels + ncols - 1) / ncols
panel_w = 720
panel_h = 430
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
            plot for [k=s0:s1] ARG1 index (k - 1) using 2:3:4:5 \
                with yerrorlines lt (k - s0 + 1) title label[k]
        } else {
            set label 99 "no ok rows" at graph 0.5, 0.5 center
            plot NaN notitle
            unset label 99
        }
    }
    unset multiplot
    set output
}
