# wcbench report: cost of each barrier per 64-byte burst, all machines, grouped bars.
# Variables (gnuplot -e, set by wcbench report):
#   csv       barrier_cost_all.csv: one line per bar, columns x (position), barrier_index,
#             cost_ns, cost_p10_ns, cost_p90_ns, ... (read by name)
#   out       output path without extension (writes out.png and out.svg)
#   subtitle  how it was measured      barriers  barrier names, one word per barrier_index
#   xt        group tics: "'M1 WB (movnti_8)' 2.5, ..."   xmax  right end of the x axis
set datafile separator ","
set datafile columnheaders
set datafile missing ""
set termoption noenhanced

eval "set xtics (".xt.") rotate by -25 nomirror scale 0 noenhanced font ',9'"
set xrange [0:xmax]
set ylabel "added ns per 64-byte burst (median; bars p10-p90)"
set xlabel "machine, memory type (store kernel)"
set grid ytics lc rgb "#dddddd"
set xzeroaxis lt -1
set key outside right top vertical Left reverse noenhanced title "barrier"
set tics nomirror
set border 3
set style fill solid 0.85 border -1
set boxwidth 0.85
set bmargin 9
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22"
do for [i=1:10] {
    set linetype i lc rgb word(colours, i)
}
set linetype cycle 10
inbar(b) = column("barrier_index") == b ? column("x") : NaN

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1300, 620 font "Sans,10" noenhanced
    } else {
        set terminal svg size 1300, 620 font "Sans,10" noenhanced dynamic background rgb "white"
    }
    set output out.".".fmt
    set title "Barrier cost per 64-byte burst, all machines\n".subtitle noenhanced
    plot for [b=1:words(barriers)] csv using (inbar(b)):"cost_ns" with boxes lt b title word(barriers, b), \
         csv using "x":"cost_ns":"cost_p10_ns":"cost_p90_ns" with yerrorbars lc rgb "#222222" pt -1 notitle
    set output
}
