# GB/s vs burst size, one line per store kernel, one panel per memory type x barrier.
# Variables (set with gnuplot -e, wcbench run does it):
#   csv       results.csv of one run          out       output path without extension
#   subtitle  how it was measured             memtypes, barriers: panel word lists
#   s_kernel, s_threads, s_drain, s_every, s_target, s_label: parallel word lists, one per line
#   ncols, nrows: panel grid
set datafile separator ","
set datafile columnheaders
set datafile missing ""

# A point belongs to series k in panel (mt, b) when all its keys match.
match(k, mt, b) = strcol("status") eq "ok" && strcol("memtype") eq mt && strcol("barrier") eq b \
    && strcol("kernel") eq word(s_kernel, k) && strcol("threads") eq word(s_threads, k) \
    && strcol("drain") eq word(s_drain, k) && strcol("barrier_every") eq word(s_every, k) \
    && strcol("target") eq word(s_target, k)
xval(k, mt, b) = match(k, mt, b) ? column("burst_bytes") : NaN

set logscale x 2
set xtics ("8" 8, "16" 16, "64" 64, "256" 256, "1K" 1024, "4K" 4096, "16K" 16384, "64K" 65536, \
    "256K" 262144, "1M" 1048576, "4M" 4194304, "16M" 16777216, "64M" 67108864, \
    "256M" 268435456, "1G" 1073741824) nomirror
set mxtics default
# twelve distinguishable lines: colour, point type and dash all differ
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22 #000000 #393b79"
do for [i=1:12] {
    dash = (i <= 6) ? 1 : 2
    set linetype i lc rgb word(colours, i) pt (i % 7) + 4 dt dash
}
set linetype cycle 12
set xlabel "burst size (bytes; K = 1024)"
set ylabel "GB/s (10^9 bytes/s), median"
set yrange [0:*]
set grid xtics ytics lc rgb "#dddddd"
set key outside right top vertical Left reverse noenhanced font ",9" spacing 1.1
set style line 1 lw 2 pt 7 ps 0.7
set tics nomirror
set border 3
set bars small

panel_w = 720
panel_h = 430
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size ncols*panel_w, nrows*panel_h + 60 font "Sans,10" noenhanced
        set output out.".png"
    } else {
        set terminal svg size ncols*panel_w, nrows*panel_h + 60 font "Sans,10" noenhanced dynamic
        set output out.".svg"
    }
    set multiplot layout nrows, ncols title "Store bandwidth vs burst size\n".subtitle noenhanced
    do for [mt in memtypes] {
        do for [b in barriers] {
            set title sprintf("memtype %s, barrier %s", mt, b) noenhanced
            plot for [k=1:words(s_label)] csv \
                using (xval(k, mt, b)):"gb_per_s_median":"gb_per_s_p10":"gb_per_s_p90" \
                with yerrorlines lw 2 ps 0.7 title word(s_label, k)
        }
    }
    unset multiplot
    set output
}
