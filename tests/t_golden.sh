#!/usr/bin/env bash
# Outputs pinned byte for byte: what compare, report, plot, upgrade and the generated docs make
# from the committed fixtures must not change when code moves. The expected files were made by
# `tests/t_golden.sh --update` from the code as it was before the move; a deliberate change of
# output updates them in the same commit (and says why). The version, paths and dates are masked.
mode=${1:-}
source "$(dirname "$0")/lib.sh"
cd "$TOP"
G=$TOP/tests/golden/expected
F=$TOP/tests/fixtures
W=$TMPROOT/golden
mkdir -p "$W"
ver=$("$WCBENCH" --version | awk '{ print $2 }')
# the version, where the test ran, and the minute a report was made are not outputs of the code
mask() {
	[ -n "$ver" ] && sed -i "s/$ver/VERSION/g; s/${ver%-dirty}/VERSION/g" "$1"
	sed -i -E "s|$W|WORK|g; s|$TOP|TOP|g; s/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC/DATE UTC/g" "$1"
}

# each case writes its outputs into $W/NAME/ (stdout as stdout, stderr as stderr, rc as rc)
case_run() {
	local name=$1; shift
	mkdir -p "$W/$name"
	(cd "$W/$name" && "$@" >stdout 2>stderr; echo $? >rc)
}
C=$F/compare
for pair in "base.csv slower30.csv" "base.csv faster20.csv" "base3-tight.csv slower3-tight.csv" \
	"base3-wide.csv slower3-wide.csv" "base.csv one-missing.csv" "base.csv fault.csv" \
	"base.csv shuffled.csv" "base8-wide-spread.csv slower8-wide-spread.csv" "base-v3.csv slower30.csv"; do
	set -- $pair
	n=cmp-${1%.csv}-${2%.csv}
	case_run "$n-text" "$WCBENCH" compare --all "$C/$1" "$C/$2"
	case_run "$n-md" "$WCBENCH" compare --format md "$C/$1" "$C/$2"
	case_run "$n-csv" "$WCBENCH" compare --format csv "$C/$1" "$C/$2"
done
case_run cmp-out "$WCBENCH" compare --format md -o out "$C/base.csv" "$C/slower30.csv"
case_run cmp-ignore "$WCBENCH" compare --ignore env,target --threshold 10 "$C/base.csv" "$C/slower30.csv"
case_run cmp-strict "$WCBENCH" compare --strict "$C/base.csv" "$C/one-missing.csv"
case_run cmp-v1-v3 "$WCBENCH" compare --all "$F/v1/x86-host" "$F/v3/x86-host"
case_run cmp-bad "$WCBENCH" compare "$C/base.csv" "$C/truncated.csv"
case_run report "$WCBENCH" report -o out "$F/report/x86-host" "$F/report/arm64-guest"
case_run report-v "$WCBENCH" report -o out "$F/v1/x86-host" "$F/v2/x86-host" "$F/v3/x86-host"
case_run rules "$WCBENCH" check --rules
case_run schema "$WCBENCH" schema
case_run list-targets "$WCBENCH" list targets
case_run man-run "$WCBENCH" run --man
# verdict.json, JUnit and TAP as the unit tests make them from fixed verdicts
UNIT=${UNIT_TESTS:-$TOP/build/$(uname -m)/unit_tests}
mkdir -p "$W/verdict-formats"
WCBENCH_UNIT_ARTIFACTS=$W/verdict-formats "$UNIT" >/dev/null 2>&1 || fail "golden: unit tests for the verdict formats" "$UNIT failed"
# plot: what it draws from, not the pictures (gnuplot's own bytes are not ours)
mkdir -p "$W/plot"
cp -r "$F/v3/x86-host" "$W/plot/run"
case_run plot "$WCBENCH" plot "$W/plot/run"
rm -f "$W"/*/out/*.png "$W"/*/out/*/*.png "$W"/*/out/*.svg "$W"/*/out/*/*.svg "$W"/plot/run/*.png "$W"/plot/run/*.svg
find "$W" -type f | while read -r f; do mask "$f"; done

if [ "$mode" = --update ]; then
	rm -rf "$G" && mkdir -p "$(dirname "$G")" && cp -r "$W" "$G"
	echo "updated $G"
	exit 0
fi
if [ ! -d "$G" ]; then fail "golden outputs" "$G is missing (tests/t_golden.sh --update)"; exit 1; fi
for d in "$G"/*/; do
	n=$(basename "$d")
	if out=$(diff -r "$d" "$W/$n" 2>&1); then pass "golden: $n byte-identical"
	else fail "golden: $n differs" "$(printf '%s' "$out" | head -5 | tr '\n' ' ')"; fi
done
for d in "$W"/*/; do
	n=$(basename "$d")
	[ -d "$G/$n" ] || fail "golden: $n has no expected outputs" "run tests/t_golden.sh --update"
done
