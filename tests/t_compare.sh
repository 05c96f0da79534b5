#!/usr/bin/env bash
# wcbench compare: matching by case key, the noise rule, exit codes, formats, the plot, and
# bad input (schema version, empty file, truncated row, shuffled / missing / extra columns).
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FX=tests/fixtures/compare
OUT=$TMPROOT/cmp

# cmp_run NAME ARGS...: run compare, keep stdout/stderr/exit in $OUT.NAME.{out,err,rc}
cmp_run() {
	local name=$1; shift
	"$WCBENCH" compare "$@" >"$OUT.$name.out" 2>"$OUT.$name.err"
	echo $? >"$OUT.$name.rc"
}
rc_of() { cat "$OUT.$1.rc"; }
# expect_rc NAME WANT DESCRIPTION
expect_rc() {
	local got; got=$(rc_of "$1")
	[ "$got" = "$2" ] && pass "$3" || fail "$3" "exit $got, want $2: $(head -c 300 "$OUT.$1.err")"
}
# bad NAME NEEDLE DESCRIPTION: exit 2, exactly one line on stderr naming NEEDLE, nothing on stdout
bad() {
	local rc lines; rc=$(rc_of "$1"); lines=$(wc -l <"$OUT.$1.err")
	if [ "$rc" = 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$2" "$OUT.$1.err" && [ ! -s "$OUT.$1.out" ]; then
		pass "$3"
	else
		fail "$3" "exit $rc, $lines stderr lines: $(head -c 300 "$OUT.$1.err")"
	fi
}
# first listed verdict row of a text table (after the header line starting with "verdict")
first_row() { awk '/^verdict /{h=1; next} h && NF {print; exit}' "$OUT.$1.out"; }
# csv_get NAME CASE-SUBSTRING COLUMN: a column of compare's --format csv output by header name
csv_get() {
	awk -F, -v want="$2" -v col="$3" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
		index($0, want) {print $(c[col]); exit}' "$OUT.$1.out"
}

check "compare --help explains the noise rule (the medians' intervals, p10-p90 without them) and exit codes" \
	bash -c "'$WCBENCH' compare --help | grep -q '95% confidence interval of its median' && '$WCBENCH' compare --help | grep -q 'p10' && '$WCBENCH' compare --help | grep -q 'exit status'"
# the key --help names is the schema's: the columns `wcbench schema` marks "case", in order
want=$("$WCBENCH" schema | awk -F'|' '$6 ~ /case/ { gsub(/[` ]/, "", $3); s = s (s ? ", " : "") $3 } END { print s }')
if [ -n "$want" ] && "$WCBENCH" compare --help | grep -qxF "  $want"; then
	pass "compare --help names the schema's case-key columns ($want)"
else
	fail "compare --help names the schema's case-key columns" "want '$want'"
fi

# --- identical inputs ---
cmp_run same $FX/base.csv $FX/base.csv
expect_rc same 0 "identical inputs: exit 0"
grep -q '^summary: 24 cases in both: 0 regressions, 0 status regressions' "$OUT.same.out" &&
	! grep -q 'REGRESSION' "$OUT.same.out" &&
	pass "identical inputs: 24 pairs, no regression listed" ||
	fail "identical inputs: 24 pairs, no regression listed" "$(tail -3 "$OUT.same.out")"

# a directory works like its results.csv
mkdir -p "$TMPROOT/rundir"; cp $FX/base.csv "$TMPROOT/rundir/results.csv"
cmp_run dir "$TMPROOT/rundir" $FX/base.csv
expect_rc dir 0 "a result directory reads as its results.csv"

# --- one case 30% slower, tight spreads: a regression, listed first ---
cmp_run slow30 $FX/base.csv $FX/slower30.csv
expect_rc slow30 1 "30% slower case: exit 1"
row=$(first_row slow30)
case "$row" in
REGRESSION*"WC vmovntdq_32+sfence@burst 4 KiB"*"0.700 (-30.0%)"*) pass "30% slower case is named first with ratio 0.700" ;;
*) fail "30% slower case is named first with ratio 0.700" "first row: $row" ;;
esac
[ "$(grep -c '^REGRESSION' "$OUT.slow30.out")" = 1 ] && pass "30% slower: exactly one regression" ||
	fail "30% slower: exactly one regression" "$(grep -c '^REGRESSION' "$OUT.slow30.out") listed"

# ns per burst ratio is reported too (1/0.7 = 1.429)
cmp_run slow30csv --format csv $FX/base.csv $FX/slower30.csv
v=$(csv_get slow30csv "WC vmovntdq_32+sfence@burst 4 KiB" ns_per_burst_ratio)
[ "$v" = 1.42857 ] && pass "csv: ns per burst ratio NEW/BASE of the slower case is 1.42857" ||
	fail "csv: ns per burst ratio NEW/BASE of the slower case is 1.42857" "got '$v'"
v=$(awk -F, 'NR==2{print $2}' "$OUT.slow30csv.out")
[ "$v" = REGRESSION ] && pass "csv: first data line is the regression" || fail "csv: first data line is the regression" "got '$v'"
n=$(($(wc -l <"$OUT.slow30csv.out") - 1))
[ "$n" = 24 ] && pass "csv lists every case (24)" || fail "csv lists every case (24)" "$n lines"

# markdown
cmp_run slow30md --format md $FX/base.csv $FX/slower30.csv
expect_rc slow30md 1 "md format: exit 1 as well"
grep -q '^| REGRESSION | host sysfs-wc/sysfs-resource-wc WC vmovntdq\\_32+sfence@burst 4 KiB' "$OUT.slow30md.out" &&
	grep -q '^|---|---|---:|' "$OUT.slow30md.out" &&
	pass "md format: a Markdown table with the regression row" ||
	fail "md format: a Markdown table with the regression row" "$(head -12 "$OUT.slow30md.out")"

# --- 3% change: noise when the medians are known to +-4%, even with --threshold 1 ---
cmp_run wide3 $FX/base3-wide.csv $FX/slower3-wide.csv
expect_rc wide3 0 "3% slower, medians known to +-4%: not a regression"
cmp_run wide3t1 --threshold 1 $FX/base3-wide.csv $FX/slower3-wide.csv
expect_rc wide3t1 0 "3% slower, medians known to +-4%, --threshold 1: still not a regression (the intervals overlap)"
cmp_run wide3t1all --all --threshold 1 $FX/base3-wide.csv $FX/slower3-wide.csv
grep -q '^same .*WB movnti_8 4 KiB.*95% CIs of the medians overlap$' "$OUT.wide3t1all.out" &&
	pass "--threshold 1, 3% slower: the note says the medians' intervals overlap" ||
	fail "--threshold 1, 3% slower: the note says the medians' intervals overlap" "$(grep 'WB movnti_8 4 KiB' "$OUT.wide3t1all.out")"
# ... but a regression with tight intervals and --threshold 1: the intervals decide, not a fixed %
cmp_run tight3t1 --threshold 1 $FX/base3-tight.csv $FX/slower3-tight.csv
expect_rc tight3t1 1 "3% slower with tight intervals and --threshold 1: a regression"
cmp_run tight3 $FX/base3-tight.csv $FX/slower3-tight.csv
expect_rc tight3 0 "3% slower with tight intervals, default threshold 5%: not a regression"

# --- the medians' intervals judge, not p10-p90, when both rows have one ---
# 8% slower, both rows spreading +-12% (p10-p90 overlap) but both medians known to +-1%
cmp_run cidis --format csv $FX/base8-wide-spread.csv $FX/slower8-wide-spread.csv
CASE8="WB movnti_8+sfence@burst 64 KiB"
v=$(csv_get cidis "$CASE8" verdict); by=$(csv_get cidis "$CASE8" judged_by)
bp10=$(csv_get cidis "$CASE8" base_gb_per_s_p10); np90=$(csv_get cidis "$CASE8" new_gb_per_s_p90)
note=$(csv_get cidis "$CASE8" note)
if [ "$(rc_of cidis)" = 1 ] && [ "$v" = REGRESSION ] && [ "$by" = median-ci95 ] &&
	awk -v a="$np90" -v b="$bp10" 'BEGIN { exit !(a > b) }' && [ "${note#95% CIs of the medians disjoint: NEW <= }" != "$note" ]; then
	pass "8% slower, p10-p90 overlapping ($bp10 < $np90) but the medians' CIs disjoint: a REGRESSION, judged by the CIs"
else
	fail "8% slower, p10-p90 overlapping but the medians' CIs disjoint: a REGRESSION" "exit $(rc_of cidis), $v by '$by', p10 $bp10 / p90 $np90: $note"
fi
# 8% slower, p10-p90 apart, but NEW has 6 samples: its median's CI is wide and overlaps BASE's
cmp_run ci6 --format csv $FX/base.csv $FX/slower8-6samples.csv
v=$(csv_get ci6 "$CASE8" verdict); by=$(csv_get ci6 "$CASE8" judged_by)
bp10=$(csv_get ci6 "$CASE8" base_gb_per_s_p10); np90=$(csv_get ci6 "$CASE8" new_gb_per_s_p90)
note=$(csv_get ci6 "$CASE8" note); thr=$(csv_get ci6 "$CASE8" threshold_pct)
if [ "$(rc_of ci6)" = 0 ] && [ "$v" = same ] && [ "$by" = median-ci95 ] && [ "$note" = "95% CIs of the medians overlap" ] &&
	awk -v a="$np90" -v b="$bp10" 'BEGIN { exit !(a < b) }' && [ "$thr" = 5.00 ]; then
	pass "8% slower, p10-p90 apart ($np90 < $bp10) but the medians' CIs overlap (6 samples): same, threshold not raised"
else
	fail "8% slower with overlapping medians' CIs: same" "exit $(rc_of ci6), $v by '$by', p90 $np90 / p10 $bp10, threshold $thr: $note"
fi

# --- without an interval (fewer than 6 samples): p10-p90, the threshold raised by sqrt(10/n) ---
cmp_run s20 $FX/base.csv $FX/slower8-20samples.csv
expect_rc s20 1 "8% slower, 20 samples each: a regression"
grep -q '^REGRESSION .*95% CIs of the medians disjoint' "$OUT.s20.out" && pass "20 samples each: the medians' CIs judged" ||
	fail "20 samples each: the medians' CIs judged" "$(first_row s20)"
cmp_run s3 $FX/base.csv $FX/slower8-3samples.csv
expect_rc s3 0 "8% slower but only 3 samples in NEW: within noise (threshold raised to 9.1%)"
cmp_run s3csv --format csv $FX/base.csv $FX/slower8-3samples.csv
note=$(csv_get s3csv "$CASE8" note)
[ "$(csv_get s3csv "$CASE8" judged_by)" = p10-p90 ] && [ "$(csv_get s3csv "$CASE8" new_gb_per_s_ci_lo)" = "" ] &&
	[ "$note" = "|-8.0%| below threshold 9.1%; intervals: p10-p90 ranges (no interval in NEW; only 3 samples: threshold 9.1%)" ] &&
	pass "3 samples: no CI in NEW, judged by p10-p90 with the threshold raised, the note says so" ||
	fail "3 samples: judged by p10-p90, the note says so" "$note"

# --- rows of schema 3 (no mode, no interval) pair with version-4 throughput rows ---
cmp_run v3new $FX/base-v3.csv $FX/slower30.csv
cmp_run v3same $FX/base-v3.csv $FX/base.csv
cmp_run newv3 $FX/slower30.csv $FX/base-v3.csv
[ "$(rc_of v3new)" = 1 ] && grep -q '^summary: 24 cases in both: 1 regressions' "$OUT.v3new.out" &&
	grep -q '^REGRESSION .*vmovntdq_32+sfence@burst 4 KiB.*p10-p90 ranges disjoint: .*(no interval in BASE)$' "$OUT.v3new.out" &&
	[ "$(rc_of v3same)" = 0 ] && grep -q '^summary: 24 cases in both: 0 regressions' "$OUT.v3same.out" &&
	[ "$(rc_of newv3)" = 0 ] && grep -q '^improvement .*(no interval in NEW)$' "$OUT.newv3.out" &&
	pass "schema-3 rows (mode read as throughput) pair with version-4 rows both ways, judged by p10-p90, the note naming the side without an interval" ||
	fail "schema-3 rows pair with version-4 rows" "exit $(rc_of v3new)/$(rc_of v3same)/$(rc_of newv3): $(first_row v3new) $(grep summary "$OUT.v3new.out")"

# --- mode is part of the case key: a latency row never pairs with a throughput row ---
cmp_run lat $FX/base.csv $FX/latency-row.csv
[ "$(rc_of lat)" = 0 ] && grep -q '^summary: 24 cases in both: .* 0 only in BASE, 1 only in NEW' "$OUT.lat.out" &&
	grep -q '^only-in-NEW .*WB movnti_8 64 B x1 drain=fence mode=latency ' "$OUT.lat.out" &&
	pass "a latency row of a case BASE measured for throughput: only-in-NEW, named by its mode" ||
	fail "a latency row pairs with nothing" "exit $(rc_of lat): $(grep -E '^only|^summary' "$OUT.lat.out")"

# --- improvements, status changes, one-sided rows ---
cmp_run fast $FX/base.csv $FX/faster20.csv
expect_rc fast 0 "20% faster: exit 0"
grep -q '^improvement .*WB vmovntdq_32 64 KiB' "$OUT.fast.out" && pass "20% faster case listed as improvement" ||
	fail "20% faster case listed as improvement" "$(first_row fast)"
cmp_run fault $FX/base.csv $FX/fault.csv
expect_rc fault 1 "ok -> fault: exit 1"
case "$(first_row fault)" in
STATUS-REGRESSION*"WC movnti_8 64 B"*) pass "ok -> fault is a STATUS-REGRESSION, listed first" ;;
*) fail "ok -> fault is a STATUS-REGRESSION, listed first" "$(first_row fault)" ;;
esac
cmp_run onlies $FX/base.csv $FX/one-missing.csv
expect_rc onlies 0 "a case only in BASE and one only in NEW: exit 0"
grep -q '^only-in-BASE .*WB movnti_8+sfence@burst 64 B' "$OUT.onlies.out" &&
	grep -q '^only-in-NEW .*WB movnti_8 128 B' "$OUT.onlies.out" &&
	pass "one-sided cases are listed (only-in-BASE, only-in-NEW)" ||
	fail "one-sided cases are listed (only-in-BASE, only-in-NEW)" "$(grep only "$OUT.onlies.out")"
cmp_run strict --strict $FX/base.csv $FX/one-missing.csv
expect_rc strict 1 "--strict: a case that vanished counts as a regression"

# --- columns found by header name ---
cmp_run shuf $FX/base.csv $FX/shuffled.csv
expect_rc shuf 0 "columns in another order compare equal to the original"
grep -q '^summary: 24 cases in both: 0 regressions' "$OUT.shuf.out" && pass "shuffled columns: all 24 cases paired" ||
	fail "shuffled columns: all 24 cases paired" "$(tail -2 "$OUT.shuf.out")"
cmp_run shuf30 $FX/shuffled.csv $FX/slower30.csv
expect_rc shuf30 1 "shuffled BASE vs 30% slower NEW: still finds the regression"
# an unknown extra column (first and last) is ignored
awk -F, 'BEGIN{OFS=","} NR==1{print "colour," $0 ",extra_note"; next} {print "blue," $0 ",\"a, b\""}' \
	$FX/base.csv >"$TMPROOT/extra.csv"
cmp_run extra $FX/base.csv "$TMPROOT/extra.csv"
expect_rc extra 0 "unknown extra columns are ignored"
cmp_run nomed $FX/base.csv $FX/no-gbps-median.csv
bad nomed "required column 'gb_per_s_median' is missing" "a missing required column: exit 2 naming it"
# a key column missing, made here with awk (drop 'kernel')
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) if($i=="kernel") k=i}
	{s=""; n=0; for(i=1;i<=NF;i++) if(i!=k) s=s (n++ ? "," : "") $i; print s}' \
	$FX/base.csv >"$TMPROOT/nokernel.csv"
cmp_run nokern "$TMPROOT/nokernel.csv" $FX/base.csv
bad nokern "BASE .*'kernel'" "a missing key column in BASE: exit 2 naming BASE and the column"

# --- bad input ---
# a schema version later than this wcbench reads
later=$(($("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p') + 1))
cmp_run schema $FX/base.csv $FX/schema-later.csv
bad schema "schema version $later is later" "a later schema version: exit 2 naming the version"
cmp_run empty $FX/base.csv $FX/empty.csv
bad empty "empty" "empty file: exit 2"
cmp_run hdr $FX/base.csv $FX/header-only.csv
bad hdr "no rows" "header only: exit 2"
# an ok row whose median cannot be judged is a damaged row (exit 2, file and line named), never
# "same" or "not-measured" with exit 0; set_field FILE LINE COLUMN VALUE: a copy with one field set
set_field() {
	awk -F, -v OFS=, -v l="$2" -v col="$3" -v v="$4" 'NR==1{for(i=1;i<=NF;i++) if($i==col) c=i}
		NR==l{$c=v} {print}' "$1"
}
for bad_value in nan inf -inf '' 0 -5; do
	case $bad_value in nan | '') said='empty or nan' ;; *) said=$bad_value ;; esac
	set_field $FX/base.csv 5 gb_per_s_median "$bad_value" >"$TMPROOT/badmed.csv"
	cmp_run badmed $FX/base.csv "$TMPROOT/badmed.csv"
	bad badmed "NEW $TMPROOT/badmed.csv: line 5: status ok but gb_per_s_median is $said: damaged row" \
		"NEW ok row with gb_per_s_median '$bad_value': exit 2, one line naming the file, line 5 and the value"
done
set_field $FX/base.csv 7 ns_per_burst_median nan >"$TMPROOT/badns.csv"
cmp_run badns "$TMPROOT/badns.csv" $FX/base.csv
bad badns "BASE $TMPROOT/badns.csv: line 7: status ok but ns_per_burst_median is empty or nan" \
	"BASE ok row with ns_per_burst_median nan: exit 2, one line naming the file and line 7"
set_field $FX/base.csv 9 gb_per_s_p10 -1 >"$TMPROOT/badp10.csv"
cmp_run badp10 $FX/base.csv "$TMPROOT/badp10.csv"
bad badp10 "line 9: status ok but gb_per_s_p10 is -1" "NEW ok row with gb_per_s_p10 -1 (an interval hiding any change): exit 2 naming line 9"
cmp_run trunc $FX/base.csv $FX/truncated.csv
bad trunc "line 25: .*truncated" "truncated last row: exit 2 naming the line"
cmp_run missing $FX/base.csv "$TMPROOT/nope.csv"
bad missing "nope.csv: No such file" "missing file: exit 2"
mkdir -p "$TMPROOT/emptydir"
cmp_run nocsvdir "$TMPROOT/emptydir" $FX/base.csv
bad nocsvdir "no results.csv" "a directory without results.csv: exit 2"
# no rows in common: another env on every row
awk -F, 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) if($i=="env") e=i; print; next} {$e="guest"; print}' \
	$FX/base.csv >"$TMPROOT/guest.csv"
cmp_run nocommon $FX/base.csv "$TMPROOT/guest.csv"
bad nocommon "no case in common.*--ignore env" "no case in common: exit 2 suggesting --ignore env"
cmp_run ignenv --ignore env $FX/base.csv "$TMPROOT/guest.csv"
expect_rc ignenv 0 "--ignore env pairs a host run with a guest run"
cmp_run badthr --threshold abc $FX/base.csv $FX/base.csv
bad badthr "threshold" "--threshold abc: exit 2"
cmp_run badfmt --format xml $FX/base.csv $FX/base.csv
bad badfmt "format" "--format xml: exit 2"
cmp_run one $FX/base.csv
bad one "want two runs" "one run only: exit 2"

# --- -o DIR: files and the plot ---
cmp_run outdir --format md -o "$TMPROOT/o" $FX/base.csv $FX/slower30.csv
expect_rc outdir 1 "-o DIR: exit 1 for the regression"
if ! command -v gnuplot >/dev/null; then
	skip "-o DIR writes compare.png and .svg, naming the regressed case" "gnuplot not installed"
else
missing=""
for f in compare.md compare.csv compare.png compare.svg compare-plot.csv; do
	[ -s "$TMPROOT/o/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && pass "-o DIR writes compare.md, .csv, .png, .svg" || fail "-o DIR writes compare.md, .csv, .png, .svg" "missing$missing"
sig=$(od -An -tx1 -N8 "$TMPROOT/o/compare.png" 2>/dev/null | tr -d ' ')
[ "$sig" = 89504e470d0a1a0a ] && pass "compare.png is a PNG" || fail "compare.png is a PNG" "signature '$sig'"
grep -q '<svg' "$TMPROOT/o/compare.svg" && grep -q 'vmovntdq_32+sfence' "$TMPROOT/o/compare.svg" &&
	pass "compare.svg names the regressed case" || fail "compare.svg names the regressed case"
fi
# a case that cannot be plotted (ok -> fault) is counted in the plot's title, not silently left out
cmp_run outfault -o "$TMPROOT/of" $FX/base.csv $FX/fault.csv
expect_rc outfault 1 "-o DIR with ok -> fault: exit 1"
grep -q '1 cases not plotted' "$TMPROOT/of/compare.svg" 2>/dev/null &&
	pass "compare plot names the case it could not plot (status change)" ||
	fail "compare plot names the case it could not plot (status change)"

# --- verdict.json on both sides (wcbench check) ---
RID=$(awk -F, 'NR==2{print $2}' $FX/base.csv)
# vrun DIR TARGET|MAP|VERDICT...: a run directory of base.csv and a verdict.json of those targets
vrun() {
	local d=$1 sep="" tg mp v; shift
	mkdir -p "$d"; cp $FX/base.csv "$d/results.csv"
	{
		printf '{"schema_version": 1, "run_id": "%s", "hostname": "h", "arch": "x86_64", "env": "host", "targets": [' "$RID"
		for t in "$@"; do
			IFS='|' read -r tg mp v <<<"$t"
			printf '%s\n {"target": "%s", "map": "%s", "memtype_requested": "WC", "memtype_effective": "", "verdict": "%s", "rule": "rule-%s", "advice": ["advice for %s"]}' \
				"$sep" "$tg" "$mp" "$v" "$v" "$tg"
			sep=","
		done
		printf ']}\n'
	} >"$d/verdict.json"
}
VF=vfio:0000:01:00.0:bar2 SW=sysfs-wc:0000:02:00.0:bar0
vrun "$TMPROOT/vb" "ram|anon|works" "$VF|vfio|works" "$SW|sysfs-resource-wc|unknown"
vrun "$TMPROOT/vn" "ram|anon|works" "$VF|vfio|broken" "$SW|sysfs-resource-wc|broken"
cmp_run vworse "$TMPROOT/vb" "$TMPROOT/vn"
expect_rc vworse 1 "verdict works -> broken: exit 1, though every row is the same"
grep -qE "^VERDICT-REGRESSION +$VF +vfio +works +broken +rule-broken +advice for $VF\$" "$OUT.vworse.out" &&
	pass "works -> broken is listed as VERDICT-REGRESSION with both verdicts" ||
	fail "works -> broken is listed as VERDICT-REGRESSION with both verdicts" "$(grep -A3 '^verdicts' "$OUT.vworse.out")"
grep -qE "^not-comparable +$SW +sysfs-resource-wc +unknown +broken " "$OUT.vworse.out" &&
	[ "$(grep -c '^VERDICT-REGRESSION' "$OUT.vworse.out")" = 1 ] &&
	grep -q '^verdicts: 3 targets in both: 1 worse (VERDICT-REGRESSION), 0 improved, 1 same, 1 not comparable' "$OUT.vworse.out" &&
	pass "unknown -> broken is listed as not-comparable, not as a regression" ||
	fail "unknown -> broken is listed as not-comparable, not as a regression" "$(grep -A6 '^verdicts' "$OUT.vworse.out")"
vrun "$TMPROOT/vb2" "$SW|sysfs-resource-wc|unknown" "$VF|vfio|broken"
vrun "$TMPROOT/vn2" "$SW|sysfs-resource-wc|broken" "$VF|vfio|works"
cmp_run vunk "$TMPROOT/vb2" "$TMPROOT/vn2"
expect_rc vunk 0 "unknown -> broken and broken -> works: exit 0"
grep -qE "^verdict-improved +$VF +vfio +broken +works" "$OUT.vunk.out" && pass "broken -> works is listed as verdict-improved" ||
	fail "broken -> works is listed as verdict-improved" "$(grep -A4 '^verdicts' "$OUT.vunk.out")"
cmp_run vmd --format md "$TMPROOT/vb" "$TMPROOT/vn"
grep -qF "| VERDICT-REGRESSION | $VF | vfio | works | broken | rule-broken | advice for $VF |" "$OUT.vmd.out" &&
	pass "md: the verdict table in Markdown" || fail "md: the verdict table in Markdown" "$(grep -A5 'Verdicts' "$OUT.vmd.out")"
cmp_run vcsv --format csv -o "$TMPROOT/vo" "$TMPROOT/vb" "$TMPROOT/vn"
expect_rc vcsv 1 "csv format: a verdict regression still exits 1"
[ "$(wc -l <"$OUT.vcsv.out")" = 25 ] && grep -qF "VERDICT-REGRESSION $VF (vfio): works -> broken" "$OUT.vcsv.err" &&
	pass "csv format: stdout is the case CSV alone, the verdict regression named on stderr" ||
	fail "csv format: stdout is the case CSV alone, the verdict regression named on stderr" "$(cat "$OUT.vcsv.err")"
grep -qF "1,VERDICT-REGRESSION,$VF,vfio,1,works,broken,rule-works,rule-broken,advice for $VF" "$TMPROOT/vo/compare-verdicts.csv" 2>/dev/null &&
	[ "$(wc -l <"$TMPROOT/vo/compare-verdicts.csv")" = 4 ] &&
	pass "-o DIR writes compare-verdicts.csv, every target" || fail "-o DIR writes compare-verdicts.csv, every target"
# a BAR at another address on another machine: paired only with --ignore target
vrun "$TMPROOT/vb3" "$VF|vfio|works"
vrun "$TMPROOT/vn3" "vfio:0000:81:00.0:bar2|vfio|broken"
cmp_run vaddr "$TMPROOT/vb3" "$TMPROOT/vn3"
cmp_run vaddri --ignore target "$TMPROOT/vb3" "$TMPROOT/vn3"
[ "$(rc_of vaddr)" = 0 ] && grep -q '^only-in-BASE ' "$OUT.vaddr.out" && grep -q '^only-in-NEW ' "$OUT.vaddr.out" &&
	[ "$(rc_of vaddri)" = 1 ] && grep -q '^VERDICT-REGRESSION ' "$OUT.vaddri.out" &&
	pass "targets at other addresses: one-sided, paired by map with --ignore target (then a regression)" ||
	fail "targets at other addresses: one-sided, paired by map with --ignore target" "exit $(rc_of vaddr) / $(rc_of vaddri)"
vrun "$TMPROOT/vn4" "ram|anon|works" "$VF|vfio|works"
cmp_run vgone "$TMPROOT/vb" "$TMPROOT/vn4"
cmp_run vgones --strict "$TMPROOT/vb" "$TMPROOT/vn4"
[ "$(rc_of vgone)" = 0 ] && [ "$(rc_of vgones)" = 1 ] && grep -qE "^only-in-BASE +$SW" "$OUT.vgone.out" &&
	pass "a target only in BASE is listed; a regression with --strict" || fail "a target only in BASE is listed; a regression with --strict" "exit $(rc_of vgone) / $(rc_of vgones)"
# only one side, another run, damaged, hostile text
cmp_run vone "$TMPROOT/vb" $FX/slower30.csv
grep -q '^note: only BASE holds a verdict.json: verdicts not compared' "$OUT.vone.out" && [ "$(rc_of vone)" = 1 ] &&
	! grep -q '^verdicts' "$OUT.vone.out" && pass "verdict.json on one side only: a note, the cases compared as before" ||
	fail "verdict.json on one side only: a note, the cases compared as before" "$(tail -3 "$OUT.vone.out")"
vrun "$TMPROOT/vother" "ram|anon|broken"
sed -i "s/$RID/20990101T000000Z-other/" "$TMPROOT/vother/verdict.json"
cmp_run vother "$TMPROOT/vb" "$TMPROOT/vother"
[ "$(rc_of vother)" = 0 ] && grep -q "verdict.json is of run '20990101T000000Z-other', not of the rows beside it" "$OUT.vother.err" &&
	pass "a verdict.json of another run: a note on stderr, not compared" || fail "a verdict.json of another run: a note on stderr, not compared" "$(cat "$OUT.vother.err")"
vrun "$TMPROOT/vbad" "ram|anon|works"
head -c 60 "$TMPROOT/vbad/verdict.json" >"$TMPROOT/vbad/v" && mv "$TMPROOT/vbad/v" "$TMPROOT/vbad/verdict.json"
cmp_run vbad "$TMPROOT/vb" "$TMPROOT/vbad"
bad vbad "NEW .*vbad/verdict.json: line 1" "a truncated verdict.json: exit 2, one line naming it"
# a version said as written: 1.0000000001 is no "version 1"
vrun "$TMPROOT/vfrac" "ram|anon|works"
sed -i 's/"schema_version": 1,/"schema_version": 1.0000000001,/' "$TMPROOT/vfrac/verdict.json"
cmp_run vfrac "$TMPROOT/vb" "$TMPROOT/vfrac"
bad vfrac "NEW .*vfrac/verdict.json: schema_version is 1.0000000001, not a whole number" \
	"a verdict.json of schema_version 1.0000000001: exit 2, the version said as written, refused as not a whole number"
# a name twice: works here, broken to python and jq: refused, not read as either
vrun "$TMPROOT/vdup" "ram|anon|works"
sed -i 's/"verdict": "works"/"verdict": "works", "verdict": "broken"/' "$TMPROOT/vdup/verdict.json"
cmp_run vdup "$TMPROOT/vb" "$TMPROOT/vdup"
bad vdup "NEW .*vdup/verdict.json: line 2 column [0-9]*: the member name \"verdict\" repeats in one object" \
	"a verdict.json naming \"verdict\" twice (works, then broken): exit 2, one line naming the file and the key"
vrun "$TMPROOT/vv2" "ram|anon|works"
sed -i 's/"schema_version": 1/"schema_version": 2/' "$TMPROOT/vv2/verdict.json"
cmp_run vv2 "$TMPROOT/vv2" "$TMPROOT/vn"
bad vv2 "BASE .*schema version 2" "a verdict.json of schema version 2: exit 2"
vrun "$TMPROOT/vh" 'ram\u001b[2J\nINJECTED|anon|broken'
vrun "$TMPROOT/vhb" 'ram\u001b[2J\nINJECTED|anon|works'
cmp_run vhost "$TMPROOT/vhb" "$TMPROOT/vh"
! grep -q $'\x1b' "$OUT.vhost.out" && ! grep -q '^INJECTED' "$OUT.vhost.out" &&
	grep -qE '^VERDICT-REGRESSION +ram\\x1b\[2J\\nINJECTED +anon' "$OUT.vhost.out" &&
	pass "text from verdict.json stays on its line, control characters shown as \\x1b and \\n" ||
	fail "text from verdict.json stays on its line, control characters shown as \\x1b and \\n" "$(grep -A3 '^verdicts' "$OUT.vhost.out" | cat -A | head -3)"
! grep -qi 'verdicts' "$OUT.same.out" "$OUT.slow30.out" && pass "runs without verdict.json: no verdict section" ||
	fail "runs without verdict.json: no verdict section"

# --- the fixtures follow the schema, and a real run reads back ---
if [ -s results/SCHEMA.md ]; then
	want=$(awk -F'|' '/^\| [0-9]+ \| `/{gsub(/[` ]/,"",$3); s=s (s?",":"") $3} END{print s}' results/SCHEMA.md)
	[ "$(head -1 $FX/base.csv)" = "$want" ] && pass "fixture header = the columns of results/SCHEMA.md" ||
		fail "fixture header = the columns of results/SCHEMA.md" "re-run tests/fixtures/make_fixtures.py"
else
	fail "fixture header = the columns of results/SCHEMA.md" "results/SCHEMA.md missing"
fi
if "$WCBENCH" run --quick --no-plot -o "$TMPROOT/real" >"$TMPROOT/real.log" 2>&1; then
	cmp_run real "$TMPROOT/real" "$TMPROOT/real/results.csv"
	nreal=$(($(wc -l <"$TMPROOT/real/results.csv") - 1))
	expect_rc real 0 "a real 'wcbench run --quick' compared with itself: exit 0"
	grep -q "^summary: $nreal cases in both: 0 regressions" "$OUT.real.out" &&
		pass "a real run: all $nreal rows paired with themselves" ||
		fail "a real run: all rows paired with themselves" "$(tail -3 "$OUT.real.out") $(cat "$OUT.real.err")"
else
	fail "a real 'wcbench run --quick' compared with itself: exit 0" "run failed: $(tail -2 "$TMPROOT/real.log")"
fi

# --- a reference hides nothing: NEW's machine references at 1e9 ns per KiB (the most metadata.json
# may hold) and every ok case 90% slower: the move is reported as a finding, each case stays a
# REGRESSION, exit 1 ---
if [ ! -s "$TMPROOT/real/metadata.json" ] || ! command -v python3 >/dev/null; then
	missing "references of 1e9 ns per KiB do not turn regressions into machine?" "no real run or no python3"
else
	cp -r "$TMPROOT/real" "$TMPROOT/inflated"
	python3 - "$TMPROOT/inflated" <<'PY'
import csv, json, sys
d = sys.argv[1]
meta = json.load(open(d + "/metadata.json"))
for r in meta["machine_reference"]:
    r["ns_per_kib_median"], r["ns_per_kib_ci_lo"], r["ns_per_kib_ci_hi"] = 0.99e9, 0.98e9, 1e9
json.dump(meta, open(d + "/metadata.json", "w"), indent=2)
rows = list(csv.DictReader(open(d + "/results.csv")))
with open(d + "/results.csv", "w", newline="") as out:
    w = csv.DictWriter(out, fieldnames=rows[0].keys(), lineterminator="\n")
    w.writeheader()
    for r in rows:
        if r["status"] == "ok":
            for c in ("ns_per_burst_median", "ns_per_burst_ci_lo", "ns_per_burst_ci_hi", "ns_per_burst_p10", "ns_per_burst_p90"):
                if r[c]:
                    r[c] = "%.6g" % (float(r[c]) * 10)
            for c in ("gb_per_s_median", "gb_per_s_p10", "gb_per_s_p90"):
                r[c] = "%.6g" % (float(r[c]) / 10)
        w.writerow(r)
PY
	cmp_run inflated "$TMPROOT/real" "$TMPROOT/inflated"
	nok=$(col "$TMPROOT/real/results.csv" status | grep -c '^ok$')
	nreg=$(grep -c '^REGRESSION ' "$OUT.inflated.out")
	[ "$(rc_of inflated)" = 1 ] && [ "$nreg" -eq "$nok" ] && ! grep -q '^machine? ' "$OUT.inflated.out" &&
		grep -q '^machine reference core moved by [0-9.e+]*x (NEW ran up to [0-9.e+]* times slower): more than compare accepts as an explanation (limit 2x); regressions counted as regressions' "$OUT.inflated.out" &&
		pass "NEW references of 1e9 ns per KiB: reported as a move beyond the limit, all $nok -90% cases stay REGRESSIONs, exit 1" ||
		fail "NEW references of 1e9 ns per KiB" "exit $(rc_of inflated), $nreg REGRESSION of $nok: $(grep -E '^machine|^summary' "$OUT.inflated.out" | head -3 | tr '\n' ' ')"
fi
