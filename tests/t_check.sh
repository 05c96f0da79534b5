#!/usr/bin/env bash
# wcbench check on this machine (no device needed): usage errors exit 2 with nothing written; a RAM
# and a file target end to end (rows, verdict.json, JUnit checked by xmllint, TAP accepted by
# prove, the exit code of an all-unknown check); the aarch64 binary under qemu-user probes RAM as
# Normal; --rules and docs/check.md agree. Verdicts on real BARs are tested in guests
# (t_check_guest.sh) and on synthetic evidence (unit tests).
source "$(dirname "$0")/lib.sh"

if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi

check_exit "check --help exits 0" 0 "$WCBENCH" check --help
help=$(cat "$TMPROOT/check.out")
ok=1
for w in memtype-probe memtype-os model link throughput-8B fingerprint throughput-64B wc-uc-ratio --junit --tap --link --host-kernel BDF:barN 77; do
	grep -q -- "$w" <<<"$help" || { ok=0; fail "check --help explains $w"; }
done
[ $ok = 1 ] && pass "check --help explains every kind of evidence, the outputs and the exit codes"

# --rules: every rule the verdict knows, and the model's citations; docs/check.md carries the same
"$WCBENCH" check --rules > "$TMPROOT/rules.txt" 2>&1
for r in conflict probe-device pat-uc pat-uc-minus model-uncached cached-memory emulated link-ceiling wc-uc-ratio fingerprint-wc fingerprint-uc not-enough-evidence 8c47ce3e1d2c; do
	grep -q -- "$r" "$TMPROOT/rules.txt" || { fail "check --rules names $r"; ok=0; }
done
[ $ok = 1 ] && pass "check --rules lists every verdict rule and the model's commits"
if [ -f "$TOP/docs/check.md" ] && awk '/^<!-- rules:begin -->/{f=1;next} /^<!-- rules:end -->/{f=0} f' "$TOP/docs/check.md" |
	sed '/^```/d' | cmp -s - "$TMPROOT/rules.txt"; then
	pass "docs/check.md holds exactly what check --rules prints"
else
	fail "docs/check.md holds what check --rules prints" "regenerate: see docs/check.md"
fi

# usage errors: exit 2, one line, nothing written
n=0
for args in "" "nope:1" "0000:7e:1f.7:bar2" "7e:1f.7:bar9" "ram --link gen9x16" "ram --link x16" \
	"ram --host-kernel banana" "ram --env cloud" "ram --time 0" "ram --bogus" \
	"file:$TMPROOT/absent" "file:$TMPROOT/small -w 0:1M"; do
	n=$((n + 1))
	head -c 4096 /dev/zero > "$TMPROOT/small"
	# shellcheck disable=SC2086
	"$WCBENCH" check $args --out "$TMPROOT/bad$n" > "$TMPROOT/bad.out" 2>&1
	rc=$?
	if [ $rc = 2 ] && [ ! -e "$TMPROOT/bad$n" ] && [ "$(grep -c . "$TMPROOT/bad.out")" = 1 ] &&
	   grep -q '^wcbench check: ' "$TMPROOT/bad.out"; then
		pass "check $args: exit 2, one line, nothing written"
	else
		fail "check $args: exit 2, one line, nothing written" "exit $rc: $(head -3 "$TMPROOT/bad.out" | tr '\n' ' ')"
	fi
done

# a bad output path is found before any case is timed: exit 2, one line naming the option and
# the path, no results.csv in --out (nothing measured)
bo=$TMPROOT/badout
mkdir -p "$bo/adir" "$bo/out-link" "$bo/out-verdict/verdict.json"
: >"$bo/file"
: >"$bo/shared.xml"
ln "$bo/shared.xml" "$bo/hard.xml"
ln -s "$bo/elsewhere.xml" "$bo/link.xml"
mkfifo "$bo/fifo.xml"
ln -s "$bo/elsewhere.csv" "$bo/out-link/results.csv"
n=0
while IFS='|' read -r what needle args; do
	n=$((n + 1))
	o=$bo/o$n
	case $args in *--out*) o=${args##*--out }; o=${o%% *} ;; *) args="$args --out $o" ;; esac
	# shellcheck disable=SC2086
	"$WCBENCH" check ram --time 0.05 $args >"$TMPROOT/badout.out" 2>"$TMPROOT/badout.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(grep -c . "$TMPROOT/badout.err")" = 1 ] && grep -qF -- "$needle" "$TMPROOT/badout.err" &&
	   [ ! -s "$TMPROOT/badout.out" ] && [ ! -e "$o/results.csv" ] && [ ! -e "$bo/elsewhere.csv" ]; then
		pass "check: $what: exit 2, one line naming it, nothing measured"
	else
		fail "check: $what: exit 2, one line naming it, nothing measured" \
			"exit $rc: $(head -3 "$TMPROOT/badout.err" | tr '\n' ' ')"
	fi
done <<EOF2
--junit in a directory that does not exist|--junit $bo/absent/j.xml: the directory $bo/absent does not exist|--junit $bo/absent/j.xml
--junit under a file|--junit $bo/file/j.xml: $bo/file is not a directory|--junit $bo/file/j.xml
--junit naming a directory|--junit $bo/adir: is a directory|--junit $bo/adir
--junit ending in /|--junit $bo/new/: names a directory|--junit $bo/new/
--junit a symbolic link|--junit $bo/link.xml: is a symbolic link|--junit $bo/link.xml
--junit a file with two hard links|--junit $bo/hard.xml: has 2 hard links|--junit $bo/hard.xml
--junit a FIFO|--junit $bo/fifo.xml: not a regular file|--junit $bo/fifo.xml
--out a file|--out $bo/file: exists and is not a directory|--out $bo/file
--out under a file|--out $bo/file/run: cannot create the directory: $bo/file is not a directory|--out $bo/file/run
--out whose results.csv is a symbolic link|--out $bo/out-link/results.csv: is a symbolic link|--out $bo/out-link
--out whose verdict.json is a directory|--out $bo/out-verdict/verdict.json: is a directory|--out $bo/out-verdict
EOF2
[ -z "$(ls -A "$bo/adir")" ] && [ ! -e "$bo/elsewhere.xml" ] && [ ! -e "$bo/new" ] &&
	pass "check: bad output paths: nothing created there" || fail "check: bad output paths: something created" "$(ls -R "$bo")"

# RAM end to end (in a directory where a killed check left its temporary files: swept)
D=$TMPROOT/ram
mkdir -p "$D"
echo x >"$D/metadata.json.tmp.999999999"
echo x >"$D/verdict.json.tmp.999999998"
"$WCBENCH" check ram --time 0.05 --out "$D" --junit "$D/junit.xml" > "$TMPROOT/ram.out" 2>"$TMPROOT/ram.err"
rc=$?
[ ! -e "$D/metadata.json.tmp.999999999" ] && [ ! -e "$D/verdict.json.tmp.999999998" ] &&
	pass "check: what a killed check left in --out (NAME.tmp.PID) is removed by the next" ||
	fail "check: a killed check's leftovers removed" "$(ls "$D" | tr '\n' ' ')"
[ $rc = 77 ] && pass "check ram: exit 77 (every verdict unknown)" || fail "check ram exit 77" "exit $rc: $(tail -3 "$TMPROOT/ram.err")"
[ -s "$D/results.csv" ] && [ -s "$D/metadata.json" ] && [ -s "$D/verdict.json" ] && [ -s "$D/junit.xml" ] &&
	pass "check ram: results.csv, metadata.json, verdict.json, junit.xml" || fail "check ram: files" "$(ls "$D" | tr '\n' ' ')"
rows=$(($(wc -l < "$D/results.csv") - 1))
st=$(col "$D/results.csv" status | sort -u | tr '\n' ' ')
drains=$(col "$D/results.csv" drain | sort -u)
[ "$rows" -ge 3 ] && [ "$st" = "ok " ] && [ "$drains" = readback ] &&
	pass "check ram: $rows timed cases written as rows, all ok, readback-drained" ||
	fail "check ram rows" "rows=$rows status=$st drain=$drains"
if command -v python3 >/dev/null; then
	out=$(python3 - "$D/verdict.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["targets"][0]
need = ["target", "map", "memtype_requested", "memtype_effective", "verdict", "evidence", "advice"]
missing = [k for k in need if k not in t]
print(t["target"], t["verdict"], t["rule"], len(t["evidence"]), len(t["advice"]), ",".join(missing) or "-")
PY
)
	set -- $out
	[ "$1 $2 $3" = "ram unknown cached-memory" ] && [ "$4" -ge 3 ] && [ "$5" -ge 1 ] && [ "$6" = - ] &&
		pass "verdict.json parses: ram unknown by cached-memory, with evidence and advice" ||
		fail "verdict.json content" "$out"
else
	missing "verdict.json parsed" "python3 is missing"
fi
if command -v xmllint >/dev/null; then
	xmllint --noout "$D/junit.xml" 2>"$TMPROOT/xml.err" && grep -q '<skipped' "$D/junit.xml" &&
		pass "JUnit from a real check is well-formed XML, the unknown target skipped" ||
		fail "JUnit well-formed" "$(head -2 "$TMPROOT/xml.err")"
else
	missing "JUnit checked with xmllint" "xmllint is missing (apt-get install libxml2-utils)"
fi
grep -q "^ram .*unknown" "$TMPROOT/ram.out" && grep -q "time: " "$TMPROOT/ram.out" &&
	pass "terminal: one line per target, and how the time split" || fail "terminal text" "$(head -3 "$TMPROOT/ram.out")"

# TAP through prove; a file target beside RAM
head -c $((1 << 20)) /dev/zero > "$TMPROOT/buf"
"$WCBENCH" check --tap --time 0.05 --out "$TMPROOT/tap" ram "file:$TMPROOT/buf" > "$TMPROOT/tap.txt" 2>/dev/null
rc=$?
[ $rc = 77 ] && head -1 "$TMPROOT/tap.txt" | grep -qx 'TAP version 13' && grep -qx '1\.\.2' "$TMPROOT/tap.txt" &&
	pass "check --tap: TAP version 13, a plan of 2, exit 77" || fail "check --tap" "exit $rc: $(head -3 "$TMPROOT/tap.txt" | tr '\n' ' ')"
if command -v prove >/dev/null; then
	printf '#!/bin/sh\ncat %s\n' "$TMPROOT/tap.txt" > "$TMPROOT/tap.t"
	chmod +x "$TMPROOT/tap.t"
	prove -e sh "$TMPROOT/tap.t" > "$TMPROOT/prove.out" 2>&1 && grep -q 'Result: PASS' "$TMPROOT/prove.out" &&
		pass "prove accepts check's TAP" || fail "prove accepts check's TAP" "$(tail -3 "$TMPROOT/prove.out" | tr '\n' ' ')"
else
	missing "prove accepts check's TAP" "prove (perl) is missing"
fi
check_exit "check into a directory that holds results: exit 2" 2 "$WCBENCH" check ram --out "$D"

# the aarch64 build under qemu-user: the probe runs (RAM is Normal) and the emulator is detected
if [ "$(uname -m)" = x86_64 ] && [ -x "$TOP/wcbench-aarch64" ]; then
	qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
	A=$TMPROOT/arm
	"$qemu" -cpu max "$TOP/wcbench-aarch64" check ram --time 0.02 --out "$A" > "$TMPROOT/arm.out" 2>&1
	rc=$?
	eff=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["targets"][0]; print(t["memtype_effective"], t["verdict"])' "$A/verdict.json" 2>/dev/null)
	[ $rc = 77 ] && [ "$eff" = "Normal unknown" ] && grep -q 'alignment fault' "$A/verdict.json" &&
		pass "aarch64 under qemu-user: RAM probed Normal (no alignment fault), verdict unknown" ||
		fail "aarch64 check ram" "exit $rc, '$eff': $(tail -2 "$TMPROOT/arm.out" | tr '\n' ' ')"
fi
