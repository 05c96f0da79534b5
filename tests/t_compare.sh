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

check "compare --help explains the noise rule and exit codes" \
	bash -c "'$WCBENCH' compare --help | grep -q 'p10' && '$WCBENCH' compare --help | grep -q 'exit status'"
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
grep -q '^| REGRESSION | host sysfs-wc/sysfs-resource-wc WC vmovntdq_32+sfence@burst 4 KiB' "$OUT.slow30md.out" &&
	grep -q '^|---|---|---:|' "$OUT.slow30md.out" &&
	pass "md format: a Markdown table with the regression row" ||
	fail "md format: a Markdown table with the regression row" "$(head -12 "$OUT.slow30md.out")"

# --- 3% change: noise inside wide spreads, even with --threshold 1 ---
cmp_run wide3 $FX/base3-wide.csv $FX/slower3-wide.csv
expect_rc wide3 0 "3% slower inside wide spreads: not a regression"
cmp_run wide3t1 --threshold 1 $FX/base3-wide.csv $FX/slower3-wide.csv
expect_rc wide3t1 0 "3% slower inside wide spreads, --threshold 1: still not a regression (spreads overlap)"
# ... but a regression with tight spreads and --threshold 1: the spread decides, not a fixed %
cmp_run tight3t1 --threshold 1 $FX/base3-tight.csv $FX/slower3-tight.csv
expect_rc tight3t1 1 "3% slower with tight spreads and --threshold 1: a regression"
cmp_run tight3 $FX/base3-tight.csv $FX/slower3-tight.csv
expect_rc tight3 0 "3% slower with tight spreads, default threshold 5%: not a regression"

# --- sample counts: 8% slower is a regression with 20 samples, not with 3 (threshold x sqrt(10/3)) ---
cmp_run s20 $FX/base.csv $FX/slower8-20samples.csv
expect_rc s20 1 "8% slower, 20 samples each: a regression"
cmp_run s3 $FX/base.csv $FX/slower8-3samples.csv
expect_rc s3 0 "8% slower but only 3 samples in NEW: within noise (threshold raised to 9.1%)"

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
