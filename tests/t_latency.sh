#!/usr/bin/env bash
# wcbench run --latency: rows of mode latency whose quantiles are in order, with the timer's cost
# beside them; the latency_cdf plot, and no throughput figure drawn from latency rows; compare,
# report and plot take latency runs (hostile text in them stays data); vm refuses --latency.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
W=$TMPROOT/w
mkdir -p "$W"
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0
# the portable kernel and the arch's plain 8-byte store
case "$(uname -m)" in
x86_64) kernels=c_8,mov_8 ;;
aarch64) kernels=c_8,str_8 ;;
*) kernels=c_8 ;;
esac
rows=$(( $(echo "$kernels" | tr ',' '\n' | wc -l) * 8 )) # x 2 barriers x 2 sizes x 2 drains

"$WCBENCH" run --latency --quick -k "$kernels" -b none,sfence -s 64,4K -d fence,readback --out "$W/lat" \
	>"$W/lat.out" 2>"$W/lat.err"
rc=$?
# without sfence (aarch64) the barrier list is refused: use the arch's own
if [ $rc -eq 2 ] && grep -q "unknown barrier 'sfence'" "$W/lat.err"; then
	rm -rf "$W/lat"
	"$WCBENCH" run --latency --quick -k "$kernels" -b none,dmb_st -s 64,4K -d fence,readback --out "$W/lat" \
		>"$W/lat.out" 2>"$W/lat.err"
	rc=$?
fi
CSV=$W/lat/results.csv
[ $rc -eq 0 ] && [ -s "$CSV" ] && pass "run --latency --quick: exit 0, results.csv written" ||
	fail "run --latency --quick" "exit $rc: $(tail -2 "$W/lat.err" | tr '\n' ' ')"

# every row is of mode latency; every ok row's quantiles are in order, with the timer's cost and
# at least the 1000 bursts a p99.9 needs (the --min-samples of latency mode) or a reason saying not
bad=$(cols "$CSV" mode status latency_ns_p50 latency_ns_p90 latency_ns_p99 latency_ns_p999 latency_ns_max \
	latency_timer_ns samples bursts_per_sample ns_per_burst_median reason | awk -F'|' '
	$1 != "latency" { print "mode " $1; next }
	$2 != "ok" { print "status " $2 ": " $12; next }
	!($3 != "" && $3 >= 0 && $3 <= $4 && $4 <= $5 && $5 <= $6 && $6 <= $7 && $7 > 0) { print "order " $3 " " $4 " " $5 " " $6 " " $7 }
	$3 == 0 && $12 !~ /timer steps of/ { print "p50 0 ns without the coarse timer caveat" }
	!($8 != "" && ($8 > 0 || $12 ~ /timer steps of/)) { print "latency_timer_ns " $8 }
	$9 < 1000 && $12 !~ /bursts/ { print "samples " $9 " without a reason" }
	$10 != 1 { print "bursts_per_sample " $10 }
	($11 - $3 > 0.006 || $3 - $11 > 0.006) { print "ns_per_burst_median " $11 " is not p50 " $3 }
	{ n++ } END { if (n != want) print n + 0 " ok rows, want " want }' want="$rows")
[ -z "$bad" ] && pass "latency rows: mode latency, all $rows ok, p50 <= p90 <= p99 <= p99.9 <= max, latency_timer_ns > 0 (or a coarse timer said), one burst per sample, median = p50" ||
	fail "latency rows in order" "$(echo "$bad" | head -5 | tr '\n' ';')"
grep -q "quickest case per kernel" "$W/lat.out" && grep -q "not subtracted" "$W/lat.out" &&
	! grep -q "fastest case per kernel" "$W/lat.out" &&
	pass "run --latency: the closing summary is of latency (quickest p50 per kernel, timer not subtracted)" ||
	fail "run --latency: the closing summary is of latency" "$(head -c 300 "$W/lat.out")"

# plots: latency_cdf drawn; a latency-only run draws no throughput figure
if [ $have_gnuplot = 1 ]; then
	[ -s "$W/lat/latency_cdf.png" ] && is_png "$W/lat/latency_cdf.png" && [ -s "$W/lat/latency_cdf.svg" ] &&
		grep -q "<svg" "$W/lat/latency_cdf.svg" &&
		pass "latency_cdf.png and .svg drawn" || fail "latency_cdf.png and .svg drawn" "$(ls "$W/lat")"
	[ ! -e "$W/lat/gbps_vs_size.png" ] && [ ! -e "$W/lat/barrier_cost.png" ] && [ ! -e "$W/lat/barrier_cost.csv" ] &&
		grep -qxF "plots: $W/lat/latency_cdf.png (.svg)" "$W/lat.out" &&
		pass "a latency-only run draws no gbps_vs_size or barrier_cost, and says which plots it drew" ||
		fail "a latency-only run draws no throughput figure" "$(ls "$W/lat"); $(grep plots: "$W/lat.out")"
else
	missing "latency_cdf drawn" "gnuplot is missing"
fi

# a CSV of both modes: throughput figures from throughput rows only, latency_cdf from latency rows
"$WCBENCH" run --quick --no-plot -k c_8 -b none,"$(cols "$CSV" barrier | grep -v none | head -1)" -s 64,4K \
	-d fence --out "$W/thr" >/dev/null 2>&1
# (one run_id: one machine with rows of both modes)
python3 - "$W/thr/results.csv" "$CSV" "$W/mixed.csv" <<'PY'
import csv, sys
thr, lat, out = sys.argv[1:]
t = list(csv.reader(open(thr)))
l = list(csv.reader(open(lat)))
k, run = l[0].index("kernel"), l[0].index("run_id")
for r in l[1:]:
    r[k] = "latmark_" + r[k]
    r[run] = t[1][run]
csv.writer(open(out, "w", newline=""), lineterminator="\n").writerows(t + l[1:])
PY
if [ $have_gnuplot = 1 ]; then
	"$WCBENCH" plot "$W/mixed.csv" -o "$W/mixed" >"$W/mixed.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -q c_8 "$W/mixed/gbps_vs_size.svg" && ! grep -q latmark_ "$W/mixed/gbps_vs_size.svg" &&
		! grep -q latmark_ "$W/mixed/barrier_cost.svg" && ! grep -q latmark_ "$W/mixed/barrier_cost.csv" &&
		grep -q latmark_ "$W/mixed/latency_cdf.svg" &&
		pass "plot of throughput and latency rows: gbps_vs_size and barrier_cost without the latency rows, latency_cdf with them" ||
		fail "plot of both modes keeps them apart" "exit $rc: $(head -c 300 "$W/mixed.out")"
	"$WCBENCH" report -o "$W/rep-mixed" "$W/mixed.csv" >"$W/rep-mixed.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ -s "$W/rep-mixed/best_vs_size.csv" ] && ! grep -q latmark_ "$W/rep-mixed/best_vs_size.csv" &&
		! grep -q latmark_ "$W/rep-mixed/barrier_cost_all.csv" &&
		ls "$W"/rep-mixed/*/latency_cdf.png >/dev/null 2>&1 &&
		pass "report of both modes: exit 0, its figures without latency rows, the machine's latency_cdf drawn" ||
		fail "report of both modes" "exit $rc: $(head -c 300 "$W/rep-mixed.out")"
else
	missing "plot of both modes keeps them apart" "gnuplot is missing"
fi

# compare a latency run against itself: nothing regressed
"$WCBENCH" compare "$W/lat" "$W/lat" >"$W/cmp.out" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "$rows cases in both: 0 regressions" "$W/cmp.out" &&
	pass "compare of a latency run against itself: exit 0, $rows cases, 0 regressions" ||
	fail "compare of a latency run against itself" "exit $rc: $(grep -m1 'cases in both' "$W/cmp.out")"

# report takes a latency-only run: its GB/s figures have no row to draw (a note, not a missing
# figure: exit 0 where gnuplot is), and it draws the machine's latency_cdf
"$WCBENCH" report -o "$W/rep" "$W/lat" >"$W/rep.out" 2>"$W/rep.err"
rc=$?
[ $rc -le 1 ] && [ -s "$W/rep/index.html" ] && [ -s "$W/rep/report.md" ] &&
	{ [ $have_gnuplot = 0 ] || [ $rc -eq 0 ]; } && ! grep -q "warning" "$W/rep.err" &&
	{ [ $have_gnuplot = 0 ] || ls "$W"/rep/*/latency_cdf.png >/dev/null 2>&1; } &&
	pass "report of a latency run: written (exit $rc, saying why), the machine's latency_cdf drawn" ||
	fail "report of a latency run" "exit $rc: $(head -c 300 "$W/rep.err")"

# vm has no latency mode: refused in one line before anything runs
"$WCBENCH" vm --latency ram >"$W/vm.out" 2>"$W/vm.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$W/vm.err")" -eq 1 ] && grep -q -- "--latency" "$W/vm.err" && [ ! -s "$W/vm.out" ] &&
	pass "vm --latency: refused in one line (exit 2)" || fail "vm --latency refused" "exit $rc: $(cat "$W/vm.err")"

# hostile text in latency rows reaches gnuplot as data only (as tests/t_plot.sh does for
# throughput rows): each payload, in each text column of every row, creates PW if it runs
payloads=(
	'";system "touch PW";#'
	"';system 'touch PW';#"
	'`>PW`'
	'"; system("touch PW")'
)
columns="kernel target memtype barrier drain cpu_model timer barrier_every env target_kind map"
bad=""
n=0
for c in $columns; do
	for p in "${payloads[@]}"; do
		n=$((n + 1))
		python3 - "$CSV" "$W/h$n.csv" "$c" "$p" <<'PY'
import csv, sys
src, out, column, value = sys.argv[1:]
rows = list(csv.reader(open(src)))
i = rows[0].index(column)
for r in rows[1:]:
    r[i] = value
csv.writer(open(out, "w", newline=""), lineterminator="\n").writerows(rows)
PY
		(cd "$W" && "$WCBENCH" plot "h$n.csv" -o "plot$n" >/dev/null 2>"err$n")
		rc=$?
		{ [ $rc -eq 0 ] || { [ $rc -le 2 ] && [ "$(wc -l <"$W/err$n")" -eq 1 ]; }; } ||
			bad="$bad $c:rc=$rc:$(head -c 200 "$W/err$n")"
		[ $have_gnuplot = 1 ] && [ $rc -eq 0 ] && [ ! -s "$W/plot$n/latency_cdf.svg" ] && bad="$bad $c: no latency_cdf"
		[ -e "$W/PW" ] && { bad="$bad $c:'$p' ran a command"; rm -f "$W/PW"; }
	done
done
[ -z "$bad" ] && pass "plot: $n hostile latency CSVs (a payload in each text column) run no command and draw latency_cdf" ||
	fail "plot: hostile latency CSVs run no command" "$bad"
odd="k'\"@\$x;\`y\` z"
python3 - "$CSV" "$W/odd.csv" "$odd" <<'PY'
import csv, sys
src, out, value = sys.argv[1:]
rows = list(csv.reader(open(src)))
i = rows[0].index("kernel")
for r in rows[1:]:
    r[i] = value
csv.writer(open(out, "w", newline=""), lineterminator="\n").writerows(rows)
PY
if [ $have_gnuplot = 1 ]; then
	"$WCBENCH" plot "$W/odd.csv" -o "$W/odd" >/dev/null 2>"$W/odd.err"
	want=$(printf '%s' "$odd" | sed "s/&/\&amp;/g; s/</\&lt;/g; s/'/\&apos;/g; s/\"/\&quot;/g")
	{ grep -qF -- "$want" "$W/odd/latency_cdf.svg" || grep -qF -- "$odd" "$W/odd/latency_cdf.svg"; } 2>/dev/null &&
		pass "plot: a latency row's kernel named $odd shows as written in the legend" ||
		fail "plot: odd characters show as written in latency_cdf's legend" "$(head -c 200 "$W/odd.err")"
	if [ -x "$TOP/wcbench-san" ]; then
		check "plot of a latency run under ASan+UBSan: clean" "$TOP/wcbench-san" plot "$W/lat" -o "$W/san"
	fi
fi
