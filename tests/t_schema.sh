#!/usr/bin/env bash
# Results of every schema version read back: a run as version 1 wrote it (tests/fixtures/v1) goes
# through plot, report and compare, alone and against rows of this version; versions that do not
# exist or that are later are refused. (A resume across versions: tests/t_resume.sh.)
source "$(dirname "$0")/lib.sh"
cd "$TOP"
V1=tests/fixtures/v1/x86-host
now=$("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p')
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0

# the fixture is what version 1 wrote, and this wcbench writes a later version
v1rows=$(($(wc -l <"$V1/results.csv") - 1))
if [ "$(col "$V1/results.csv" schema_version | sort -u)" = 1 ] && ! head -1 "$V1/results.csv" | grep -q memtype_effective \
	&& grep -q '"schema_version": 1,' "$V1/metadata.json" && [ "$v1rows" -gt 0 ] && [ "${now:-0}" -ge 2 ]; then
	pass "fixture: a version-1 run ($v1rows rows, no memtype_effective); this wcbench writes version $now"
else
	fail "fixture: a version-1 run; this wcbench writes a later version" "wcbench --version: '$now'"
fi

# --- compare: version 1 with itself, and with the same rows as this version writes them ---
# v1_as_now: the fixture's rows in this version's header (memtype_effective after memtype_seen)
awk -F, -v v="$now" 'BEGIN{OFS=","} NR==1{for(i=1;i<=NF;i++) if($i=="memtype_seen") s=i; $s=$s",memtype_effective"; print; next}
	{$1=v; $s=$s",Normal"; print}' "$V1/results.csv" >"$TMPROOT/now.csv"
[ "$(head -1 "$TMPROOT/now.csv")" = "$("$WCBENCH" schema | awk -F'`' 'NR>2{printf "%s%s", sep, $2; sep=","}')" ] \
	&& pass "the fixture rewritten in this version's header" || fail "the fixture rewritten in this version's header" "$(head -1 "$TMPROOT/now.csv")"
summary_of() { grep '^summary:' "$1" | cut -c1-90; }
for pair in "v1 v1:$V1:$V1" "v1 vs $now:$V1:$TMPROOT/now.csv" "$now vs v1:$TMPROOT/now.csv:$V1"; do
	name=${pair%%:*}; rest=${pair#*:}; base=${rest%%:*}; new=${rest#*:}
	"$WCBENCH" compare "$base" "$new" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^summary: $v1rows cases in both: 0 regressions, 0 status regressions" "$TMPROOT/c.out" \
		&& pass "compare $name: every case paired, nothing changed (exit 0)" \
		|| fail "compare $name" "exit $rc: $(summary_of "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
done
# against a real run of this wcbench: c_8 without barrier is on every arch (--ignore memtype: WB or Normal-WB)
if "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$TMPROOT/real" >/dev/null 2>&1; then
	"$WCBENCH" compare --ignore memtype "$V1" "$TMPROOT/real" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
	rc=$?
	# exit 0 or 1: the timings are this machine's, a regression against the fixture is no error here
	[ $rc -le 1 ] && grep -q '^summary: 3 cases in both' "$TMPROOT/c.out" \
		&& pass "compare a version-1 run with a real run of version $now: the 3 common cases pair (exit $rc)" \
		|| fail "compare a version-1 run with a real run of version $now" "exit $rc: $(summary_of "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
else
	fail "a quick run for the mixed compare" "run failed"
fi

# --- report: a version-1 run beside a run of this version, its metadata.json read ---
"$WCBENCH" report -o "$TMPROOT/rep" "$V1" tests/fixtures/report/arm64-guest >"$TMPROOT/rep.out" 2>"$TMPROOT/rep.err"
rc=$?
[ $rc -eq 0 ] && grep -q "v1fixture, wcbench " "$TMPROOT/rep/index.html" && grep -q "v1fixture .* $v1rows rows)" "$TMPROOT/rep.out" \
	&& pass "report: a version-1 run beside a version-$now run, its machine named from metadata.json" \
	|| fail "report of a version-1 run" "exit $rc: $(head -c 300 "$TMPROOT/rep.err")"

# --- plot: a version-1 run's figures ---
if [ $have_gnuplot = 1 ]; then
	"$WCBENCH" plot "$V1" -o "$TMPROOT/plot" >/dev/null 2>"$TMPROOT/plot.err"
	rc=$?
	[ $rc -eq 0 ] && is_png "$TMPROOT/plot/gbps_vs_size.png" && grep -q movnti_8 "$TMPROOT/plot/gbps_vs_size.svg" \
		&& pass "plot: a version-1 run's figures" || fail "plot of a version-1 run" "exit $rc: $(head -c 300 "$TMPROOT/plot.err")"
else
	missing "plot: a version-1 run's figures" "gnuplot not installed"
fi

# --- versions that do not exist, later ones and garbage: exit 2, one line naming file and line ---
for v in 0 $((now + 1)) x; do
	sed "3s/^1,/$v,/" "$V1/results.csv" >"$TMPROOT/bad-$v.csv"
	for cmd in "compare $V1 $TMPROOT/bad-$v.csv" "plot $TMPROOT/bad-$v.csv -o $TMPROOT/bad-plot" \
		"report -o $TMPROOT/bad-rep $TMPROOT/bad-$v.csv"; do
		"$WCBENCH" $cmd >/dev/null 2>"$TMPROOT/bad.err"
		rc=$?
		if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/bad.err")" -eq 1 ] && grep -q "bad-$v.csv: line 3: schema.version" "$TMPROOT/bad.err"; then
			pass "${cmd%% *}: schema_version '$v' refused (exit 2, file and line named)"
		else
			fail "${cmd%% *}: schema_version '$v' refused" "exit $rc: $(head -c 300 "$TMPROOT/bad.err")"
		fi
	done
done
