#!/usr/bin/env bash
# Results of every schema version read back: runs as versions 1 and 2 wrote them (tests/fixtures/v1,
# v2) go through plot, report and compare, alone, against each other and against rows of this
# version (microvm rows with memtype_stage2 among them); versions that do not exist or that are
# later are refused; a run of an earlier version is resumed by upgrading its results.csv (more in
# tests/t_resume.sh and tests/t_versions.sh, which also takes version 3).
source "$(dirname "$0")/lib.sh"
cd "$TOP"
V1=tests/fixtures/v1/x86-host
V2=tests/fixtures/v2/x86-host
now=$("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p')
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0
# header_of VERSION: the header that version wrote, from the column table (its "since" column)
header_of() { "$WCBENCH" schema | awk -F'|' -v v="$1" 'NR > 2 && $7 + 0 <= v { gsub(/[` ]/, "", $3); printf "%s%s", s, $3; s = "," }'; }
NOWHDR=$(header_of "${now:-0}")

# --- the fixtures are what versions 1 and 2 wrote, and this wcbench writes a later version ---
v1rows=$(($(wc -l <"$V1/results.csv") - 1))
v2rows=$(($(wc -l <"$V2/results.csv") - 1))
if [ "$(col "$V1/results.csv" schema_version | sort -u)" = 1 ] && [ "$(head -1 "$V1/results.csv")" = "$(header_of 1)" ] \
	&& grep -q '"schema_version": 1,' "$V1/metadata.json" && [ "$v1rows" -gt 0 ] && [ "${now:-0}" -ge 3 ]; then
	pass "fixture: a version-1 run ($v1rows rows, the version-1 header); this wcbench writes version $now"
else
	fail "fixture: a version-1 run; this wcbench writes a later version" "wcbench --version: '$now'"
fi
if [ "$(col "$V2/results.csv" schema_version | sort -u)" = 2 ] && [ "$(head -1 "$V2/results.csv")" = "$(header_of 2)" ] \
	&& head -1 "$V2/results.csv" | grep -q ',memtype_effective,' && ! head -1 "$V2/results.csv" | grep -q memtype_stage2 \
	&& grep -q '"schema_version": 2,' "$V2/metadata.json" && [ "$v2rows" -gt 0 ]; then
	pass "fixture: a version-2 run ($v2rows rows, memtype_effective, no memtype_stage2)"
else
	fail "fixture: a version-2 run" "header: $(head -1 "$V2/results.csv" | cut -c1-200)"
fi
echo "$NOWHDR" | grep -q ',memtype_seen,memtype_effective,memtype_stage2,kernel,' \
	&& pass "this version's header: memtype_stage2 after memtype_effective" \
	|| fail "this version's header: memtype_stage2 after memtype_effective" "$NOWHDR"

# as_now SRC OUT [NAME=VALUE...]: SRC's rows in this version's header, columns taken by name;
# NAME=VALUE sets a column (one SRC lacks, or one to change); schema_version says this version,
# mode throughput (as rows of versions before 4 read) unless set
as_now() {
	local src=$1 out=$2
	shift 2
	awk -F, -v hdr="$NOWHDR" -v v="$now" -v sets="mode=throughput $*" 'BEGIN {
		OFS = ","; n = split(hdr, H, ","); m = split(sets, S, " ")
		for (i = 1; i <= m; i++) { k = S[i]; sub(/=.*/, "", k); val = S[i]; sub(/^[^=]*=/, "", val); set[k] = val }
	}
	NR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; print hdr; next }
	{ line = ""
	  for (i = 1; i <= n; i++) {
		c = H[i]; f = c == "schema_version" ? v : (c in set) ? set[c] : (c in at) ? $at[c] : ""
		line = line (i > 1 ? "," : "") f
	  }
	  print line }' "$src" >"$out"
}
as_now "$V1/results.csv" "$TMPROOT/v1now.csv" memtype_effective=Normal
as_now "$V2/results.csv" "$TMPROOT/v2now.csv" memtype_stage2=Device
# rows as `wcbench vm` writes them: env microvm, the stage-2 type its probe inferred
as_now "$V2/results.csv" "$TMPROOT/microvm.csv" env=microvm memtype_effective=Normal memtype_stage2=Normal
[ "$(col "$TMPROOT/microvm.csv" env | sort -u)" = microvm ] && [ "$(col "$TMPROOT/microvm.csv" memtype_stage2 | sort -u)" = Normal ] \
	&& [ "$(col "$TMPROOT/v2now.csv" schema_version | sort -u)" = "$now" ] \
	&& pass "the fixtures' rows rewritten as version $now (microvm rows with memtype_stage2)" \
	|| fail "the fixtures' rows rewritten as version $now" "$(sed -n 2p "$TMPROOT/microvm.csv" | cut -c1-200)"

# --- compare: each version with itself and with the same rows as the others write them ---
summary_of() { grep '^summary:' "$1" | cut -c1-90; }
for pair in "v1 v1:$V1:$V1" "v2 v2:$V2:$V2" "v1 vs $now:$V1:$TMPROOT/v1now.csv" "$now vs v1:$TMPROOT/v1now.csv:$V1" \
	"v2 vs $now:$V2:$TMPROOT/v2now.csv" "$now vs v2:$TMPROOT/v2now.csv:$V2"; do
	name=${pair%%:*}; rest=${pair#*:}; base=${rest%%:*}; new=${rest#*:}
	rows=$v1rows
	case "$name" in *v2*) rows=$v2rows ;; esac
	"$WCBENCH" compare "$base" "$new" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
	rc=$?
	[ $rc -eq 0 ] && grep -q "^summary: $rows cases in both: 0 regressions, 0 status regressions" "$TMPROOT/c.out" \
		&& pass "compare $name: every case paired, nothing changed (exit 0)" \
		|| fail "compare $name" "exit $rc: $(summary_of "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
done
# the two fixtures ran the same sweep on different days: every case pairs, the timings may differ
"$WCBENCH" compare "$V1" "$V2" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
rc=$?
[ $rc -le 1 ] && grep -q "^summary: $v1rows cases in both" "$TMPROOT/c.out" \
	&& pass "compare v1 vs v2: the $v1rows cases pair (exit $rc)" \
	|| fail "compare v1 vs v2" "exit $rc: $(summary_of "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
# env is part of the case key: microvm rows pair with host rows only with --ignore env
"$WCBENCH" compare "$V2" "$TMPROOT/microvm.csv" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
rc=$?
"$WCBENCH" compare --ignore env "$V2" "$TMPROOT/microvm.csv" >"$TMPROOT/ci.out" 2>"$TMPROOT/ci.err"
rci=$?
[ $rc -ne 0 ] && ! grep -q "^summary: $v2rows cases in both" "$TMPROOT/c.out" \
	&& [ $rci -eq 0 ] && grep -q "^summary: $v2rows cases in both: 0 regressions" "$TMPROOT/ci.out" \
	&& pass "compare v2 vs microvm rows: distinct cases (exit $rc), all paired with --ignore env (exit 0)" \
	|| fail "compare v2 vs microvm rows" "exit $rc / $rci: $(summary_of "$TMPROOT/c.out") | $(summary_of "$TMPROOT/ci.out") $(head -c 300 "$TMPROOT/ci.err")"
# against a real run of this wcbench: c_8 without barrier is on every arch (--ignore memtype: WB or Normal-WB)
if "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$TMPROOT/real" >/dev/null 2>&1; then
	[ "$(head -1 "$TMPROOT/real/results.csv")" = "$NOWHDR" ] && [ "$(col "$TMPROOT/real/results.csv" memtype_stage2 | sort -u)" = "" ] \
		&& pass "a real run writes version $now, memtype_stage2 empty on host rows" \
		|| fail "a real run writes version $now, memtype_stage2 empty" "$(head -2 "$TMPROOT/real/results.csv" | cut -c1-200)"
	for old in "$V1" "$V2"; do
		"$WCBENCH" compare --ignore memtype "$old" "$TMPROOT/real" >"$TMPROOT/c.out" 2>"$TMPROOT/c.err"
		rc=$?
		# exit 0 or 1: the timings are this machine's, a regression against the fixture is no error here
		[ $rc -le 1 ] && grep -q '^summary: 3 cases in both' "$TMPROOT/c.out" \
			&& pass "compare $old with a real run of version $now: the 3 common cases pair (exit $rc)" \
			|| fail "compare $old with a real run of version $now" "exit $rc: $(summary_of "$TMPROOT/c.out") $(head -c 300 "$TMPROOT/c.err")"
	done
else
	fail "a quick run for the mixed compare" "run failed"
fi

# --- report: runs of versions 1 and 2 beside rows of this version, machines named ---
"$WCBENCH" report -o "$TMPROOT/rep" "$V1" "$V2" "$TMPROOT/microvm.csv" tests/fixtures/report/arm64-guest \
	>"$TMPROOT/rep.out" 2>"$TMPROOT/rep.err"
rc=$?
[ $rc -eq 0 ] && grep -q "v1fixture, wcbench " "$TMPROOT/rep/index.html" && grep -q "v1fixture .* $v1rows rows)" "$TMPROOT/rep.out" \
	&& grep -q "v2fixture, wcbench " "$TMPROOT/rep/index.html" && grep -q "v2fixture .* $v2rows rows)" "$TMPROOT/rep.out" \
	&& grep -qF '| M3: x86\_64 microvm |' "$TMPROOT/rep/report.md" \
	&& pass "report: version-1 and version-2 runs beside version-$now rows (microvm among them), machines named" \
	|| fail "report of version-1 and version-2 runs" "exit $rc: $(head -c 300 "$TMPROOT/rep.err")"

# --- plot: each earlier version's figures ---
for old in "$V1" "$V2"; do
	if [ $have_gnuplot = 1 ]; then
		rm -rf "$TMPROOT/plot"
		"$WCBENCH" plot "$old" -o "$TMPROOT/plot" >/dev/null 2>"$TMPROOT/plot.err"
		rc=$?
		[ $rc -eq 0 ] && is_png "$TMPROOT/plot/gbps_vs_size.png" && grep -q movnti_8 "$TMPROOT/plot/gbps_vs_size.svg" \
			&& pass "plot: $old's figures" || fail "plot of $old" "exit $rc: $(head -c 300 "$TMPROOT/plot.err")"
	else
		missing "plot: $old's figures" "gnuplot not installed"
	fi
done

# --- a version that is not a whole number: refused as such, its text as written ---
for v in 1.0000000001 1.0 1e0; do
	sed "3s/^1,/$v,/" "$V1/results.csv" >"$TMPROOT/frac.csv"
	"$WCBENCH" compare "$V1" "$TMPROOT/frac.csv" >/dev/null 2>"$TMPROOT/frac.err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/frac.err")" -eq 1 ] \
		&& grep -qF "frac.csv: line 3: schema_version '$v' is not a whole number" "$TMPROOT/frac.err" \
		&& pass "compare: schema_version '$v' refused as not a whole number, said as written (exit 2, line named)" \
		|| fail "compare: schema_version '$v' refused as not a whole number" "exit $rc: $(head -c 300 "$TMPROOT/frac.err")"
done

# --- versions that do not exist, later ones and garbage: exit 2, one line naming file and line ---
for fx in "1:$V1" "2:$V2"; do
	was=${fx%%:*}; dir=${fx#*:}
	for v in 0 $((now + 1)) x; do
		sed "3s/^$was,/$v,/" "$dir/results.csv" >"$TMPROOT/bad-$v.csv"
		for cmd in "compare $dir $TMPROOT/bad-$v.csv" "plot $TMPROOT/bad-$v.csv -o $TMPROOT/bad-plot" \
			"report -o $TMPROOT/bad-rep $TMPROOT/bad-$v.csv"; do
			"$WCBENCH" $cmd >/dev/null 2>"$TMPROOT/bad.err"
			rc=$?
			if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/bad.err")" -eq 1 ] && grep -q "bad-$v.csv: line 3: schema.version" "$TMPROOT/bad.err"; then
				pass "${cmd%% *}: in a version-$was file, schema_version '$v' refused (exit 2, file and line named)"
			else
				fail "${cmd%% *}: in a version-$was file, schema_version '$v' refused" "exit $rc: $(head -c 300 "$TMPROOT/bad.err")"
			fi
		done
	done
done

# --- resume: a version-2 run is continued, its rows rewritten in this version (tests/t_versions.sh) ---
v2run="$TMPROOT/v2run"
cp -r "$V2" "$v2run"
"$WCBENCH" run --quick --no-plot --probe -k c_8,mov_8,movnti_8 -b none,sfence -s 64,4K,64K --out "$v2run" --resume \
	>/dev/null 2>"$TMPROOT/v2.err"
rc=$?
[ $rc -eq 0 ] && grep -q "a run of results schema version 2 continues in version $now: .*all $v2rows finished rows kept" "$TMPROOT/v2.err" \
	&& [ "$(head -1 "$v2run/results.csv")" = "$NOWHDR" ] && [ "$(col "$v2run/results.csv" schema_version | sort -u)" = "$now" ] \
	&& [ "$(cols "$v2run/results.csv" ns_per_burst_median | md5sum)" = "$(cols "$V2/results.csv" ns_per_burst_median | md5sum)" ] \
	&& pass "--resume of a version-2 run: its rows rewritten in version $now, their medians as they were" \
	|| fail "--resume of a version-2 run" "exit $rc: $(cat "$TMPROOT/v2.err")"
# a version-2 results.csv under a run of this version: not that run's rows
if [ -s "$TMPROOT/real/metadata.json" ]; then
	cp "$V2/results.csv" "$TMPROOT/real/results.csv"
	before=$(md5sum <"$TMPROOT/real/results.csv")
	"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K,64K --out "$TMPROOT/real" --resume >/dev/null 2>"$TMPROOT/v2csv.err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/v2csv.err")" -eq 1 ] \
		&& grep -q "results.csv holds rows of results schema version 2, but its run's metadata.json says version $now" "$TMPROOT/v2csv.err" \
		&& [ "$(md5sum <"$TMPROOT/real/results.csv")" = "$before" ] \
		&& pass "--resume over a version-2 results.csv of a version-$now run: exit 2, both versions named, file untouched" \
		|| fail "--resume over a version-2 results.csv" "exit $rc: $(cat "$TMPROOT/v2csv.err")"
else
	fail "--resume over a version-2 results.csv" "no run of this version to resume"
fi
