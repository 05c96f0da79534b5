#!/usr/bin/env bash
# The machine reference: each real run records one before its first case and one after its last
# (metadata.json "machine_reference"), and compare tells a case that changed from a machine that
# changed: NEW's references edited to a machine 10% slower, its rows to cases 12% and 40% slower
# (and 12% faster).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

case $(uname -m) in
x86_64) K=mov_8 ;;
aarch64) K=str_8 ;;
*) K=c_8 ;;
esac
if ! command -v python3 >/dev/null; then
	missing "machine reference checks" "python3 (reads and edits metadata.json and the CSV) not found"
	exit 0
fi

# refs DIR: one line per machine_reference entry: when|kernel|cpu|median|lo|hi|samples|what
refs() {
	python3 - "$1/metadata.json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1])).get("machine_reference", []):
    print("|".join(str(r.get(k, "?")) for k in
                   ("when", "kernel", "cpu", "ns_per_kib_median", "ns_per_kib_ci_lo", "ns_per_kib_ci_hi", "samples", "what")))
EOF
}

# --- two real runs: a start and an end reference each, figures that hold together ---
for run in a b; do
	"$WCBENCH" run --quick --no-plot -k $K -b none -s 64,4K --out "$TMPROOT/$run" >/dev/null 2>"$TMPROOT/$run.err"
	rc=$?
	lines=$(refs "$TMPROOT/$run" 2>&1)
	bad=$(printf '%s\n' "$lines" | awk -F'|' -v k=$K '
		{ n++ ; w[$1]++
		  num = "^[0-9]+([.][0-9]+)?(e[-+]?[0-9]+)?$"
		  if ($2 != k || $3 !~ /^[0-9]+$/ || $4 !~ num || $5 !~ num || $6 !~ num || $7 !~ /^[0-9]+$/ ||
		      !($5 > 0 && $5 <= $4 && $4 <= $6 && $7 >= 6) || index($8, k " stores into a 4 KiB L1-resident buffer, barrier none, drain none, on CPU " $3) != 1)
			print "entry " n ": " $0 }
		END { if (n != 2 || w["start"] != 1 || w["end"] != 1) print n " entries, " w["start"] + 0 " start, " w["end"] + 0 " end" }')
	said=$(grep -c "^wcbench: machine reference at the \(start\|end\): .* ns per KiB \[.*: the median's 95% CI, [0-9]* samples\]" "$TMPROOT/$run.err")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$said" = 2 ]; then
		pass "run $run: metadata.json holds a start and an end reference ($K), ci_lo <= median <= ci_hi, positive, said on stderr"
	else
		fail "run $run: machine references in metadata.json" "exit $rc, said $said times: ${bad:-$lines}"
	fi
done

# a resume records its own start and end: four references, all read back by compare
cp -r "$TMPROOT/a" "$TMPROOT/res"
head -2 "$TMPROOT/a/results.csv" >"$TMPROOT/res/results.csv" # one case left to run
"$WCBENCH" run --quick --no-plot -k $K -b none -s 64,4K --out "$TMPROOT/res" --resume >/dev/null 2>&1
n=$(refs "$TMPROOT/res" | awk -F'|' '{ print $1 }' | tr '\n' ' ')
[ "$n" = "start end start end " ] && pass "--resume adds the session's own start and end references ($n)" ||
	fail "--resume adds its references" "got: $n"

# an interrupted run takes its end reference too: one long case, SIGINT after 1 s
"$WCBENCH" run --no-plot -k c_8 -b none -s 4K -T 60 --sample-ms 50 --min-samples 100000 --max-samples 100000 \
	--precision 0.0001 --out "$TMPROOT/int" >/dev/null 2>"$TMPROOT/int.err" &
pid=$!
{ sleep 10; kill -KILL $pid; } 2>/dev/null &
watchdog=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
kill $watchdog 2>/dev/null
wait $watchdog 2>/dev/null
n=$(refs "$TMPROOT/int" | awk -F'|' '{ print $1 }' | tr '\n' ' ')
[ $rc = 130 ] && [ "$n" = "start end " ] && pass "a run ended by SIGINT records its start and end references (exit 130)" ||
	fail "an interrupted run's references" "exit $rc, references: $n"

# --- compare of the two real runs: the reference line, a machine? count ---
"$WCBENCH" compare "$TMPROOT/a" "$TMPROOT/b" >"$TMPROOT/ab.out" 2>&1
grep -q "^machine reference ($K into 4 KiB of L1, no target; the medians' 95% CIs of 2 BASE and 2 NEW references): BASE [0-9.]*-[0-9.]* ns/KiB, NEW [0-9.]*-[0-9.]*: NEW's CPU ran " "$TMPROOT/ab.out" &&
	grep -q '^summary: 2 cases in both: .* [0-9]* machine? ' "$TMPROOT/ab.out" &&
	pass "compare of two real runs: the reference line before the table, machine? counted" ||
	fail "compare of two real runs: the reference line" "$(head -8 "$TMPROOT/ab.out" | tail -3)"

# --- a machine 10% slower, built from run a: its measured median scales everything ---
# scale DIR REF_FACTOR CASE_FACTORS: DIR's references set to run a's first median x REF_FACTOR
# (+-0.1%), its rows to run a's with GB/s x the factor of their burst ("64=0.88 4096=0.6") and
# their medians' CIs +-0.5%
scale() {
	rm -rf "$1"; cp -r "$TMPROOT/a" "$1"
	python3 - "$1" "$2" "$3" <<'EOF'
import csv, json, re, sys
d, ref, factors = sys.argv[1], float(sys.argv[2]), dict(kv.split("=") for kv in sys.argv[3].split())
path = d + "/metadata.json"
text = open(path).read()
m = json.loads(text)["machine_reference"][0]["ns_per_kib_median"] * ref
for key, f in (("median", 1), ("ci_lo", 0.999), ("ci_hi", 1.001)):
    text = re.sub(r'"ns_per_kib_%s": [^,}]*' % key, '"ns_per_kib_%s": %.6g' % (key, m * f), text)
open(path, "w").write(text)
rows = list(csv.DictReader(open(d + "/results.csv")))
with open(d + "/results.csv", "w", newline="") as out:
    w = csv.DictWriter(out, fieldnames=rows[0].keys(), lineterminator="\n")
    w.writeheader()
    for r in rows:
        g = float(factors.get(r["burst_bytes"], "1"))
        ns = float(r["ns_per_burst_median"]) / g
        r["ns_per_burst_median"] = "%.6g" % ns
        r["ns_per_burst_ci_lo"], r["ns_per_burst_ci_hi"] = "%.6g" % (ns * 0.995), "%.6g" % (ns * 1.005)
        for c in ("gb_per_s_median", "gb_per_s_p10", "gb_per_s_p90"):
            r[c] = "%.6g" % (float(r[c]) * g)
        w.writerow(r)
EOF
}
scale "$TMPROOT/base" 1 "64=1 4096=1"
scale "$TMPROOT/slow" 1.111111 "64=0.88 4096=0.6"   # NEW's CPU 10% slower; cases -12%, -40%
scale "$TMPROOT/fast" 1.111111 "64=1.12 4096=1"     # ... and a case 12% faster
"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/slow" >"$TMPROOT/slow.out" 2>&1
rc=$?
# the range the test set: speed NEW/BASE from 0.999/(1.111111 x 1.001) to 1.001/(1.111111 x 0.999)
want=$(awk 'BEGIN { printf "NEW'"'"'s CPU ran %.1f-%.1f%% slower", (1 - 1.001 / (1.111111 * 0.999)) * 100, (1 - 0.999 / (1.111111 * 1.001)) * 100 }')
grep -qF "$want; a slowdown of up to " "$TMPROOT/slow.out" && pass "a machine 10% slower: the line says '$want'" ||
	fail "a machine 10% slower: the line" "want '$want': $(grep '^machine reference' "$TMPROOT/slow.out")"
m=$(grep -c '^machine? .* 64 B ' "$TMPROOT/slow.out"); r=$(grep -c '^REGRESSION .* 4 KiB ' "$TMPROOT/slow.out")
if [ $rc = 1 ] && [ "$m" = 1 ] && [ "$r" = 1 ] &&
	grep -q '^summary: 2 cases in both: 1 regressions, 0 status regressions (ok -> not ok), 0 improvements, 1 machine? ' "$TMPROOT/slow.out" &&
	grep -q "^machine? .*within the machine's drift: its reference ran up to [0-9.]*% slower" "$TMPROOT/slow.out" &&
	grep -q "^REGRESSION .*beyond the machine's drift" "$TMPROOT/slow.out"; then
	pass "a machine 10% slower: the -12% case is machine?, the -40% case a REGRESSION (exit 1), counted apart"
else
	fail "a machine 10% slower: verdicts" "exit $rc, $m machine?, $r REGRESSION: $(grep -E '^(summary|machine\?|REGRESSION)' "$TMPROOT/slow.out")"
fi
# machine? alone is not a regression: exit 0
"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/fast" >"$TMPROOT/fast.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q '^improvement .* 64 B ' "$TMPROOT/fast.out" && grep -q ', 1 improvements, 0 machine? ' "$TMPROOT/fast.out" &&
	pass "a machine 10% slower and a case 12% faster (the other direction): an improvement, exit 0" ||
	fail "the other direction stays an improvement" "exit $rc: $(grep -E '^(summary|machine\?|improvement)' "$TMPROOT/fast.out")"
scale "$TMPROOT/slow12" 1.111111 "64=0.88 4096=1"
"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/slow12" >"$TMPROOT/slow12.out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q ': 0 regressions, .* 1 machine? ' "$TMPROOT/slow12.out" &&
	pass "machine? alone is not a regression: exit 0" || fail "machine? alone: exit 0" "exit $rc"

# csv and md carry the verdict and the machine's change
"$WCBENCH" compare --format csv "$TMPROOT/base" "$TMPROOT/slow" >"$TMPROOT/slow.csv" 2>&1
v=$(cols "$TMPROOT/slow.csv" verdict burst_bytes machine_change_lo_pct machine_change_hi_pct | LC_ALL=C sort | tr '\n' ' ')
echo "$v" | grep -Eq '^REGRESSION\|4096\|-10\.[0-9]+\|-9\.[0-9]+ machine\?\|64\|-10\.[0-9]+\|-9\.[0-9]+ $' &&
	pass "--format csv: the verdicts (REGRESSION, machine?) and the machine's change on every line ($v)" ||
	fail "--format csv carries machine?" "$v"
"$WCBENCH" compare --format md "$TMPROOT/base" "$TMPROOT/slow" >"$TMPROOT/slow.md" 2>&1
grep -q '^| machine? | ' "$TMPROOT/slow.md" && grep -q '^machine reference (' "$TMPROOT/slow.md" &&
	grep -q '^- Machine rule: when the machine reference' "$TMPROOT/slow.md" && grep -q '1 machine? ' "$TMPROOT/slow.md" &&
	pass "--format md: the machine rule, the reference line, a machine? row and its count" ||
	fail "--format md carries machine?" "$(grep -E 'machine' "$TMPROOT/slow.md" | head -5)"

# --- no reference, or one that cannot be trusted: the noise rule alone, as before ---
# nometa VARIANT: NEW = slow with its metadata.json changed (VARIANT: python expression on text)
nometa() {
	rm -rf "$TMPROOT/nr"; cp -r "$TMPROOT/slow" "$TMPROOT/nr"
	python3 -c 'import re, sys; p = sys.argv[1] + "/metadata.json"; text = open(p).read(); open(p, "w").write('"$1"')' "$TMPROOT/nr"
	"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/nr" >"$TMPROOT/nr.out" 2>&1
}
for variant in \
	'text.replace("\"machine_reference\"", "\"other\"")|no machine_reference (a run of an earlier wcbench)' \
	're.sub(r"\"ns_per_kib_median\": [^,]*", "\"ns_per_kib_median\": NaN", text)|not JSON this reader takes' \
	're.sub(r"\"ns_per_kib_ci_lo\": [^,]*", "\"ns_per_kib_ci_lo\": -1", text)|ns_per_kib_ci_lo: not a number' \
	're.sub(r"\"ns_per_kib_median\": ([^,]*)", "\"ns_per_kib_median\": \"\\1\"", text)|ns_per_kib_median: not a number' \
	'text.replace("\"machine_reference\": [", "\"machine_reference\": [" + "[" * 40 + "]" * 40 + ",")|nested more than' \
	'text.replace("\"run_id\": \"", "\"run_id\": \"another-")|is of run '"'"'another-'; do
	expr=${variant%|*} needle=${variant##*|}
	nometa "$expr"
	rc=$?
	if [ $rc = 1 ] && grep -q "^machine reference: none in NEW (.*$needle" "$TMPROOT/nr.out" &&
		grep -q ': 2 regressions, .* 0 machine? ' "$TMPROOT/nr.out"; then
		pass "NEW's metadata.json: '$needle': no reference, both cases REGRESSION as by the noise rule alone"
	else
		fail "NEW's metadata.json: '$needle'" "exit $rc: $(grep -E '^(machine reference|summary)' "$TMPROOT/nr.out")"
	fi
done
rm -f "$TMPROOT/nr/metadata.json"
"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/nr" >"$TMPROOT/nr.out" 2>&1
[ $? = 1 ] && grep -q '^machine reference: none in NEW (no metadata.json beside its rows)' "$TMPROOT/nr.out" &&
	pass "no metadata.json in NEW: no reference, the noise rule alone" ||
	fail "no metadata.json in NEW" "$(grep '^machine reference' "$TMPROOT/nr.out")"

# --- help and docs say the rule, the same words (the code's machine_rule_text) ---
"$WCBENCH" compare --help >"$TMPROOT/help" 2>&1
rule=$(awk '/The machine rule:$/ { on = 1; next } on && /^  / { sub(/^  /, ""); s = s (s ? " " : "") $0; next } on { exit } END { print s }' "$TMPROOT/help")
grep -q '^  machine?  ' "$TMPROOT/help" && [ -n "$rule" ] && [ "${rule#when the machine reference}" != "$rule" ] &&
	pass "compare --help names machine? and the machine rule" || fail "compare --help names the machine rule" "rule: '$rule'"
grep -qxF "> $rule" docs/compare-report.md && grep -q 'machine_reference' docs/compare-report.md &&
	grep -q '`machine_reference`: `utc`, `when`' results/SCHEMA.md &&
	pass "docs/compare-report.md quotes the rule --help prints; results/SCHEMA.md lists machine_reference" ||
	fail "docs document the machine reference and its rule" "want '> $rule' in docs/compare-report.md"
