# wcbench report: GB/s vs burst size, one panel per machine side by side (same y scale). In each
# panel one line per memory type: the kernel + barrier that reached the highest median GB/s there.
# Variables (gnuplot -e, set by wcbench report):
#   csv      best_vs_size.csv (columns machine, series, burst_bytes, gb_per_s_median,
#            gb_per_s_p10, gb_per_s_p90, ...; read by name)
#   out      output path without extension (writes out.png and out.svg)
#   subtitle how it was measured        titles  panel titles, one word per machine
#   labels   series names, one word per series (global numbering)
#   sfirst, slast  first and last series number of each machine's panel
#   nm       number of machines         ymin, ymax  y range (GB/s, log scale)
set datafile separator ","
set datafile columnheaders
set datafile missing ""
set termoption noenhanced

set logscale x 2
set xtics ("64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, \
    "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864) nomirror
set logscale y 10
set yrange [ymin:ymax]
set format y "%g"
set xlabel "burst size (bytes; K = 1024)"
set ylabel "GB/s (10^9 bytes/s), median; bars p10-p90"
set grid xtics ytics mytics lc rgb "#dddddd"
set key top left Left reverse noenhanced font ",9" spacing 1.1 box opaque
set tics nomirror
set border 3
set bars small
set offsets graph 0.03, graph 0.03, 0, 0
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22"
do for [i=1:10] {
    set linetype i lc rgb word(colours, i) lw 2 pt (i % 7) + 4 ps 0.8
}
set linetype cycle 10

cols = nm < 3 ? nm : 3
rows = (nm + cols - 1) / cols
panel_w = 760
panel_h = 520
inseries(s) = column("series") == s ? column("burst_bytes") : NaN

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size cols*panel_w, rows*panel_h + 70 font "Sans,10" noenhanced
    } else {
        set terminal svg size cols*panel_w, rows*panel_h + 70 font "Sans,10" noenhanced dynamic background rgb "white"
    }
    set output out.".".fmt
    set multiplot layout rows, cols title "Store bandwidth vs burst size, machines side by side\n".subtitle noenhanced
    do for [m=1:nm] {
        s0 = int(word(sfirst, m))
        s1 = int(word(slast, m))
        set title word(titles, m) noenhanced
        if (s1 >= s0) {
            plot for [s=s0:s1] csv using (inseries(s)):"gb_per_s_median":"gb_per_s_p10":"gb_per_s_p90" \
                with yerrorlines lt (s - s0 + 1) title word(labels, s)
        } else {
            set label 99 "no ok rows" at graph 0.5, 0.5 center
            plot NaN notitle
            unset label 99
        }
    }
    unset multiplot
    set output
}
