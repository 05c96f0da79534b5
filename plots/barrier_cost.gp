# Cost of each barrier per 64-byte burst: ns per burst with the barrier minus without it, same
# kernel, target, threads and drain. wcbench writes barrier_cost.csv from results.csv, one line
# per kernel with columns cost_ns_<barrier>, cost_ns_p10_<barrier>, cost_ns_p90_<barrier>.
# Variables: csv (barrier_cost.csv), out (path without extension), subtitle, barriers (words)
set datafile separator ","
set datafile columnheaders
set datafile missing ""

set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "added ns per 64-byte burst (median; bars p10-p90)"
set xlabel "store kernel (memtype)"
set yrange [0:*]
set grid ytics lc rgb "#dddddd"
set key inside left top noenhanced
set xtics rotate by -30 noenhanced nomirror
set tics nomirror
set border 3

do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size 1100, 620 font "Sans,10" noenhanced
        set output out.".png"
    } else {
        set terminal svg size 1100, 620 font "Sans,10" noenhanced dynamic
        set output out.".svg"
    }
    set title "Barrier cost per 64-byte burst\n".subtitle noenhanced
    plot for [i=1:words(barriers)] csv \
        using "cost_ns_".word(barriers, i):"cost_ns_p10_".word(barriers, i):"cost_ns_p90_".word(barriers, i):xtic(strcol("label")) \
        title word(barriers, i)
    set output
}
