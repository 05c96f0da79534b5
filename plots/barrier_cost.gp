# Cost of each barrier per 64-byte burst: groups of bars (a case, or a machine and memory type),
# one bar per barrier@where with a p10-p90 error bar. Drawn by `wcbench run`, `wcbench plot` and
# `wcbench report`, which pair each barrier row with the barrier-free row of the same case.
# Run as: gnuplot -c barrier_cost.gp BARS KINDS GROUPS GROUP_TITLES TITLE YLABEL XLABEL OUT
#   BARS          tab-separated, header "x kind y y_lo y_hi"; kind numbered from 1
#   KINDS         one legend text per line (kind 1 first)
#   GROUPS        tab-separated, header "x": where each group's tic label goes
#   GROUP_TITLES  one tic label per line, group 1 first
#   TITLE (may hold a newline), YLABEL, XLABEL; OUT  path without extension
# Texts come from result files and are only ever data here: never evaluated, printed with
# noenhanced. Text lines start with 'L' (dropped) and carry '"' as byte 1 (see render/gnuplot.h).
set datafile separator "\t"
set datafile commentschars ""
dq = "\""
unesc(s) = (unesc_p = strstrt(s, "\001"), unesc_p ? s[1:unesc_p-1] . dq . unesc(s[unesc_p+1:]) : s)
text(s) = unesc(s[2:])

stats ARG2 using 0 nooutput
nkinds = STATS_records
array kind[nkinds]
stats ARG2 using (kind[int($0) + 1] = text(strcol(1)), 0) nooutput
stats ARG4 using 0 nooutput
ngroups = STATS_records
array gtitle[ngroups]
array gx[ngroups]
stats ARG4 using (gtitle[int($0) + 1] = text(strcol(1)), 0) nooutput
set datafile columnheaders
stats ARG3 using (gx[int($0) + 1] = column("x"), 0) nooutput
stats ARG1 using "x" nooutput
xmax = STATS_max + 1

set xtics () rotate by -25 nomirror scale 0 noenhanced font ",9"
do for [g=1:ngroups] {
    set xtics add (gtitle[g] gx[g])
}
set xrange [0:xmax]
set ylabel ARG6 noenhanced
set xlabel ARG7 noenhanced
set grid ytics lc rgb "#dddddd"
set xzeroaxis lt -1
set key outside right top vertical Left reverse noenhanced title "barrier@where"
set tics nomirror
set border 3
set style fill solid 0.85 border -1
set boxwidth 0.85
set bmargin 9
set termoption noenhanced
colours = "#1f77b4 #d62728 #2ca02c #9467bd #ff7f0e #17becf #8c564b #e377c2 #7f7f7f #bcbd22"
do for [i=1:10] {
    set linetype i lc rgb word(colours, i)
}
set linetype cycle 10
inkind(k) = column("kind") == k ? column("x") : NaN

w = 300 + 40 * xmax
w = w < 900 ? 900 : w > 4000 ? 4000 : w
do for [fmt in "png svg"] {
    if (fmt eq "png") {
        set terminal pngcairo size w, 620 font "Sans,10" noenhanced
    } else {
        set terminal svg size w, 620 font "Sans,10" noenhanced dynamic background rgb "white"
    }
    set output ARG8 . "." . fmt
    set title ARG5 noenhanced
    plot for [k=1:nkinds] ARG1 using (inkind(k)):"y" with boxes lt k title kind[k], \
         ARG1 using "x":"y":"y_lo":"y_hi" with yerrorbars lc rgb "#222222" pt -1 notitle
    set output
}
