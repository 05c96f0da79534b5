#!/usr/bin/env bash
# Every reader takes every schema version: runs as versions 1, 2 and 3 wrote them
# (tests/fixtures/v1..v3) and a fresh run of this version go through compare (each way), report,
# plot and run --resume, which continues an earlier version's run by rewriting its results.csv in
# this version first (every finished row kept, value for value); a later version's run is refused.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
now=$("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p')
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0
# header_of VERSION: the header that version wrote, from the column table (its "since" column)
header_of() { "$WCBENCH" schema | awk -F'|' -v v="$1" 'NR > 2 && $7 + 0 <= v { gsub(/[` ]/, "", $3); printf "%s%s", s, $3; s = "," }'; }
NOWHDR=$(header_of "${now:-0}")
rows() { echo $(($(wc -l <"$1") - 1)); }
dups() { cols "$1" env target kernel barrier barrier_every burst_bytes threads drain mode | sort | uniq -d | wc -l; }
# json EXPR FILE [ARG]: EXPR over FILE's JSON as d (ARG as sys.argv[1]), a tuple's items space-separated
json() { python3 -c "import json, sys; d = json.load(open(sys.argv.pop())); r = ($1); print(*r) if isinstance(r, tuple) else print(r)" "${@:3}" "$2" 2>&1; }
# the sweep each fixture ran (its README), less --out
SWEEP=(--quick --no-plot -k c_8,mov_8,movnti_8 -b none,sfence -s 64,4K,64K)
declare -A OPTS=([1]="" [2]=--probe [3]=--probe)

if [ -z "$now" ] || [ "$now" -le 3 ]; then
	fail "this wcbench writes a version after the fixtures' (1 to 3)" "wcbench --version: '$now'"
	exit 1
fi

# --- a fresh run of this version: c_8 without a barrier runs on every arch ---
NEW="$TMPROOT/v$now"
if "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$NEW" >/dev/null 2>"$TMPROOT/new.err" &&
	[ "$(head -1 "$NEW/results.csv")" = "$NOWHDR" ] && [ "$(col "$NEW/results.csv" schema_version | sort -u)" = "$now" ]; then
	pass "a fresh run writes version $now ($(rows "$NEW/results.csv") rows)"
else
	fail "a fresh run of version $now" "$(tail -2 "$TMPROOT/new.err")"
	exit 1
fi

# judged_by OUT: the distinct judged_by values of compare --format csv's ok pairs
judged_by() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["judged_by"] != "" { print $c["judged_by"] }' "$1" | sort -u | tr '\n' ' '; }

for v in 1 2 3; do
	OLD=tests/fixtures/v$v/x86-host
	n=$(rows "$OLD/results.csv")
	if [ "$(col "$OLD/results.csv" schema_version | sort -u)" = "$v" ] && [ "$(head -1 "$OLD/results.csv")" = "$(header_of $v)" ] &&
		grep -q "\"schema_version\": $v," "$OLD/metadata.json" && [ "$n" -gt 3 ]; then
		pass "fixture v$v: $n rows as version $v wrote them"
	else
		fail "fixture v$v: rows as version $v wrote them" "$(head -c 200 "$OLD/results.csv")"
		continue
	fi

	# --- compare: with itself, and with the fresh run each way (rows of v1-3 read mode throughput) ---
	"$WCBENCH" compare "$OLD" "$OLD" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^summary: $n cases in both: 0 regressions, 0 status regressions" "$TMPROOT/c.out" \
		&& pass "compare v$v v$v: all $n cases paired, nothing changed (exit 0)" \
		|| fail "compare v$v v$v" "exit $rc: $(grep summary "$TMPROOT/c.out") $(head -c 200 "$TMPROOT/c.err")"
	for dir in "v$v:$OLD:$NEW:BASE" "v$now:$NEW:$OLD:NEW"; do
		IFS=: read -r first base new lacking <<<"$dir"
		other=$([ "$first" = "v$v" ] && echo "v$now" || echo "v$v")
		"$WCBENCH" compare --ignore memtype "$base" "$new" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
		rc=$?
		"$WCBENCH" compare --ignore memtype --format csv "$base" "$new" >"$TMPROOT/c.csv" 2>/dev/null
		by=$(judged_by "$TMPROOT/c.csv")
		# exit 0 or 1: the fixture's timings are another machine's; what matters is that the rows pair
		if [ $rc -le 1 ] && grep -q '^summary: 3 cases in both' "$TMPROOT/c.out" && [ "$by" = "p10-p90 " ] &&
			grep -q "(no interval in $lacking" "$TMPROOT/c.csv"; then
			pass "compare $first vs $other: the 3 common throughput cases pair, judged by p10-p90 (no interval in $lacking) (exit $rc)"
		else
			fail "compare $first vs $other" "exit $rc, judged by '$by': $(grep summary "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
		fi
	done

	# --- report and plot ---
	"$WCBENCH" report -o "$TMPROOT/rep$v" "$OLD" "$NEW" >"$TMPROOT/rep.out" 2>"$TMPROOT/rep.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "v${v}fixture, wcbench " "$TMPROOT/rep$v/index.html" && grep -q "v${v}fixture .* $n rows)" "$TMPROOT/rep.out" \
		&& pass "report: the version-$v run beside a version-$now run, its machine named" \
		|| fail "report of a version-$v run" "exit $rc: $(head -c 300 "$TMPROOT/rep.err")"
	if [ $have_gnuplot = 1 ]; then
		"$WCBENCH" plot "$OLD" -o "$TMPROOT/plot$v" >/dev/null 2>"$TMPROOT/plot.err"
		rc=$?
		[ $rc -eq 0 ] && is_png "$TMPROOT/plot$v/gbps_vs_size.png" && grep -q movnti_8 "$TMPROOT/plot$v/gbps_vs_size.svg" \
			&& pass "plot: the version-$v run's figures" || fail "plot of the version-$v run" "exit $rc: $(head -c 300 "$TMPROOT/plot.err")"
	else
		missing "plot: the version-$v run's figures" "gnuplot not installed"
	fi

	# --- resume: the last 3 cases unfinished, the last of them cut inside its row ---
	r="$TMPROOT/resume$v"
	cp -r "$OLD" "$r"
	head -n $((n + 1 - 3)) "$OLD/results.csv" >"$r/results.csv"
	sed -n "$((n + 1 - 2))p" "$OLD/results.csv" | head -c 50 >>"$r/results.csv"
	kept=$((n - 3))
	oldcols=$(head -1 "$OLD/results.csv" | tr ',' ' ' | sed 's/^schema_version //')
	# shellcheck disable=SC2086
	cols "$r/results.csv" $oldcols | head -n "$kept" >"$TMPROOT/before"
	"$WCBENCH" run "${SWEEP[@]}" ${OPTS[$v]} --out "$r" --resume >"$TMPROOT/resume.out" 2>"$TMPROOT/resume.err"
	rc=$?
	said=$(grep -c -- "--resume: a run of results schema version $v continues in version $now: $r/results.csv rewritten in version $now, all $kept finished rows kept (mode throughput, " "$TMPROOT/resume.err")
	[ $rc -eq 0 ] && [ "$said" -eq 1 ] && grep -q 'dropped a partial last row' "$TMPROOT/resume.err" \
		&& pass "resume of the version-$v run: exit 0, the partial row dropped, one line saying the $kept rows were rewritten in version $now" \
		|| fail "resume of the version-$v run" "exit $rc: $(cat "$TMPROOT/resume.err")"
	[ "$(rows "$r/results.csv")" -eq "$n" ] && [ "$(dups "$r/results.csv")" -eq 0 ] \
		&& pass "resume of the version-$v run: the missing cases finished, every case once ($n rows)" \
		|| fail "resume of the version-$v run: every case once" "$(rows "$r/results.csv") rows of $n, $(dups "$r/results.csv") twice"
	# shellcheck disable=SC2086
	cols "$r/results.csv" $oldcols | head -n "$kept" >"$TMPROOT/after"
	cmp -s "$TMPROOT/before" "$TMPROOT/after" && [ -s "$TMPROOT/before" ] \
		&& pass "resume of the version-$v run: every old row keeps every field of its version, text for text" \
		|| fail "resume of the version-$v run keeps the old rows" "$(diff "$TMPROOT/before" "$TMPROOT/after" | head -4)"
	[ "$(head -1 "$r/results.csv")" = "$NOWHDR" ] && [ "$(col "$r/results.csv" schema_version | sort -u)" = "$now" ] &&
		[ "$(cols "$r/results.csv" mode | sort -u)" = throughput ] &&
		[ "$(cols "$r/results.csv" ns_per_burst_ci_lo ns_per_burst_ci_hi | head -n "$kept" | sort -u)" = "|" ] \
		&& pass "resume of the version-$v run: one header and every row of version $now, mode throughput, no interval on the old rows" \
		|| fail "resume of the version-$v run: rows of version $now" "$(head -2 "$r/results.csv" | cut -c1-200)"
	got=$(json 'd["schema_version"], d["run_id"] == sys.argv[1], d["resumes"][-1].get("upgraded_from_schema"), d["resumes"][-1]["sampling"]["confidence"]' "$r/metadata.json" "$(col "$OLD/results.csv" run_id | head -1)")
	ids=$(col "$r/results.csv" run_id | sort -u | wc -l)
	[ "$got" = "$now True $v 0.95" ] && [ "$ids" -eq 1 ] \
		&& pass "resume of the version-$v run: metadata.json says version $now, the resume upgraded_from_schema $v with its sampling; one run_id" \
		|| fail "resume of the version-$v run: metadata.json" "got '$got', $ids run_ids"
	"$WCBENCH" compare "$r" "$r" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
	rc=$?
	"$WCBENCH" compare "$OLD" "$r" >"$TMPROOT/c2.out" 2>&1
	rc2=$?
	[ $rc -eq 0 ] && grep -q "^summary: $n cases in both: 0 regressions" "$TMPROOT/c.out" && [ $rc2 -le 1 ] &&
		grep -q "^summary: $n cases in both" "$TMPROOT/c2.out" && [ "$(ls -A "$r" | sort | tr '\n' ' ')" = "metadata.json results.csv " ] \
		&& pass "the resumed version-$v run reads back (compared with itself, and with the fixture: $n pairs); no file left beside it" \
		|| fail "the resumed version-$v run reads back" "exit $rc/$rc2: $(grep summary "$TMPROOT/c.out" "$TMPROOT/c2.out") $(ls -A "$r")"
	# a second resume: nothing to upgrade, nothing to run, nothing changed
	before=$(md5sum <"$r/results.csv")
	"$WCBENCH" run "${SWEEP[@]}" ${OPTS[$v]} --out "$r" --resume >/dev/null 2>"$TMPROOT/resume2.err"
	rc=$?
	got=$(json 'len(d["resumes"]), "upgraded_from_schema" in d["resumes"][-1]' "$r/metadata.json")
	[ $rc -eq 0 ] && ! grep -q 'schema version' "$TMPROOT/resume2.err" && [ "$(md5sum <"$r/results.csv")" = "$before" ] && [ "$got" = "2 False" ] \
		&& pass "a second resume of it: no upgrade, every case skipped, results.csv unchanged, a plain resume entry" \
		|| fail "a second resume of the upgraded version-$v run" "exit $rc, metadata '$got': $(cat "$TMPROOT/resume2.err")"
done

# --- an upgrade that stopped before metadata.json said so: the next resume records it ---
m="$TMPROOT/mdbehind"
cp -r "$TMPROOT/resume3" "$m"
python3 - "$m/metadata.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["schema_version"] = 3
d["resumes"] = []
json.dump(d, open(p, "w"), indent=2)
EOF
before=$(md5sum <"$m/results.csv")
"$WCBENCH" run "${SWEEP[@]}" --probe --out "$m" --resume >/dev/null 2>"$TMPROOT/behind.err"
rc=$?
got=$(json 'd["schema_version"], d["resumes"][-1].get("upgraded_from_schema")' "$m/metadata.json")
[ $rc -eq 0 ] && grep -q "a run of results schema version 3 continues in version $now ($m/results.csv holds no row of an earlier version)" "$TMPROOT/behind.err" \
	&& [ "$got" = "$now 3" ] && [ "$(md5sum <"$m/results.csv")" = "$before" ] \
	&& pass "results.csv already of version $now under a version-3 metadata.json: the resume records upgraded_from_schema 3, rows untouched" \
	|| fail "results.csv upgraded, metadata.json behind" "exit $rc, metadata '$got': $(cat "$TMPROOT/behind.err")"

# --- a damaged row in an earlier version's results.csv: exit 2 naming it, nothing touched ---
d="$TMPROOT/damaged"
cp -r tests/fixtures/v3/x86-host "$d"
awk -F, 'BEGIN { OFS = "," } NR == 4 { $28 = "many" } { print }' tests/fixtures/v3/x86-host/results.csv >"$d/results.csv"
before=$(cat "$d/results.csv" "$d/metadata.json" | md5sum)
"$WCBENCH" run "${SWEEP[@]}" --probe --out "$d" --resume >/dev/null 2>"$TMPROOT/damaged.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/damaged.err")" -eq 1 ] && grep -q 'line 4: column samples' "$TMPROOT/damaged.err" \
	&& [ "$(cat "$d/results.csv" "$d/metadata.json" | md5sum)" = "$before" ] && [ "$(ls -A "$d" | wc -l)" -eq 2 ] \
	&& pass "resume of a version-3 run with a damaged row: exit 2, one line naming line and column, files untouched" \
	|| fail "resume of a version-3 run with a damaged row" "exit $rc: $(cat "$TMPROOT/damaged.err")"

# --- a later version's run: refused, one line, untouched ---
l="$TMPROOT/later"
cp -r "$NEW" "$l"
sed -i "s/\"schema_version\": $now,/\"schema_version\": $((now + 1)),/" "$l/metadata.json"
before=$(cat "$l/results.csv" "$l/metadata.json" | md5sum)
"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$l" --resume >/dev/null 2>"$TMPROOT/later.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/later.err")" -eq 1 ] \
	&& grep -q "schema version $((now + 1)), later than version $now .*another --out" "$TMPROOT/later.err" \
	&& [ "$(cat "$l/results.csv" "$l/metadata.json" | md5sum)" = "$before" ] \
	&& pass "resume of a later version's run: exit 2, one line naming both versions and what to do, files untouched" \
	|| fail "resume of a later version's run" "exit $rc: $(cat "$TMPROOT/later.err")"

# --- this version's own run resumes as before: no upgrade ---
o="$TMPROOT/own"
cp -r "$NEW" "$o"
head -n 2 "$NEW/results.csv" >"$o/results.csv"
"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$o" --resume >/dev/null 2>"$TMPROOT/own.err"
rc=$?
[ $rc -eq 0 ] && ! grep -q 'schema version' "$TMPROOT/own.err" && [ "$(rows "$o/results.csv")" -eq "$(rows "$NEW/results.csv")" ] \
	&& [ "$(json '"upgraded_from_schema" in d["resumes"][-1]' "$o/metadata.json")" = False ] \
	&& pass "resume of a version-$now run: finished, no upgrade said or recorded" \
	|| fail "resume of a version-$now run" "exit $rc: $(cat "$TMPROOT/own.err")"
