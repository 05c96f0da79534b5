#!/usr/bin/env bash
# The machine references: each real run records both kinds (core, memory) before its first case
# and after its last (metadata.json "machine_reference"), and compare tells a case that changed
# from a machine that changed: NEW's core references edited to a machine 10% slower, its rows to
# cases 12% and 40% slower (and 12% faster); then its memory references alone 8% slower, which
# speak only for the cases of a large RAM window.
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

# refs DIR: one line per machine_reference entry: when|kernel|cpu|median|lo|hi|samples|what|kind|buffer_bytes
refs() {
	python3 - "$1/metadata.json" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1])).get("machine_reference", []):
    print("|".join(str(r.get(k, "?")) for k in
                   ("when", "kernel", "cpu", "ns_per_kib_median", "ns_per_kib_ci_lo", "ns_per_kib_ci_hi", "samples", "what",
                    "kind", "buffer_bytes")))
EOF
}

# --- two real runs: a start and an end reference of each kind, figures that hold together ---
for run in a b; do
	"$WCBENCH" run --quick --no-plot -k $K -b none -s 64,4K --out "$TMPROOT/$run" >/dev/null 2>"$TMPROOT/$run.err"
	rc=$?
	lines=$(refs "$TMPROOT/$run" 2>&1)
	bad=$(printf '%s\n' "$lines" | awk -F'|' -v k=$K '
		{ n++ ; w[$1 "/" $9]++
		  num = "^[0-9]+([.][0-9]+)?(e[-+]?[0-9]+)?$"
		  what = $9 == "core" ? k " stores into a 4 KiB L1-resident buffer, barrier none, drain none, on CPU " $3 : \
		         k " stores in 4 KiB bursts streaming through a 256 MiB anonymous buffer (prefaulted before timing; beyond the caches: DRAM), barrier none, drain none, on CPU " $3
		  if ($2 != k || $3 !~ /^[0-9]+$/ || $4 !~ num || $5 !~ num || $6 !~ num || $7 !~ /^[0-9]+$/ ||
		      !($5 > 0 && $5 <= $4 && $4 <= $6 && $7 >= 6) || index($8, what) != 1 ||
		      $10 != ($9 == "core" ? 4096 : 268435456))
			print "entry " n ": " $0 }
		END { if (n != 4 || w["start/core"] != 1 || w["end/core"] != 1 || w["start/memory"] != 1 || w["end/memory"] != 1)
			print n " entries: " w["start/core"] + 0 " start/core, " w["end/core"] + 0 " end/core, " \
			      w["start/memory"] + 0 " start/memory, " w["end/memory"] + 0 " end/memory" }')
	said=$(grep -c "^wcbench: \(core\|memory\) machine reference at the \(start\|end\): .* ns per KiB \[.*: the median's 95% CI, [0-9]* samples\]" "$TMPROOT/$run.err")
	if [ $rc -eq 0 ] && [ -z "$bad" ] && [ "$said" = 4 ]; then
		pass "run $run: metadata.json holds a start and an end reference of each kind ($K; core 4 KiB, memory 256 MiB), ci_lo <= median <= ci_hi, positive, said on stderr"
	else
		fail "run $run: machine references in metadata.json" "exit $rc, said $said times: ${bad:-$lines}"
	fi
done

# a resume records its own start and end: eight references, all read back by compare
cp -r "$TMPROOT/a" "$TMPROOT/res"
head -2 "$TMPROOT/a/results.csv" >"$TMPROOT/res/results.csv" # one case left to run
"$WCBENCH" run --quick --no-plot -k $K -b none -s 64,4K --out "$TMPROOT/res" --resume >/dev/null 2>&1
n=$(refs "$TMPROOT/res" | awk -F'|' '{ print $1 "/" $9 }' | tr '\n' ' ')
[ "$n" = "start/core start/memory end/core end/memory start/core start/memory end/core end/memory " ] && pass "--resume adds the session's own start and end references ($n)" ||
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
n=$(refs "$TMPROOT/int" | awk -F'|' '{ print $1 "/" $9 }' | tr '\n' ' ')
[ $rc = 130 ] && [ "$n" = "start/core start/memory end/core end/memory " ] && pass "a run ended by SIGINT records its start and end references (exit 130)" ||
	fail "an interrupted run's references" "exit $rc, references: $n"

# --- compare of the two real runs: the reference line, a machine? count ---
"$WCBENCH" compare "$TMPROOT/a" "$TMPROOT/b" >"$TMPROOT/ab.out" 2>&1
grep -q "^machine reference core ($K into 4 KiB of L1, no target; the medians' 95% CIs of 2 BASE and 2 NEW references): BASE [0-9.]*-[0-9.]* ns/KiB, NEW [0-9.]*-[0-9.]*: NEW's CPU ran " "$TMPROOT/ab.out" &&
	grep -q "^machine reference memory ($K in 4 KiB bursts through 256 MiB of RAM, no target; the medians' 95% CIs of 2 BASE and 2 NEW references): BASE [0-9.]*-[0-9.]* ns/KiB, NEW [0-9.]*-[0-9.]*: NEW's stores to DRAM ran " "$TMPROOT/ab.out" &&
	grep -q '^summary: 2 cases in both: .* [0-9]* machine? ' "$TMPROOT/ab.out" &&
	pass "compare of two real runs: a line per reference kind before the table, machine? counted" ||
	fail "compare of two real runs: the reference line" "$(head -8 "$TMPROOT/ab.out" | tail -3)"

# --- a machine 10% slower, built from run a: its measured median scales everything ---
# scale DIR CORE_FACTOR CASE_FACTORS [MEMORY_FACTOR [WINDOW64 [KIND64]]]: DIR's core references set
# to run a's first core median x CORE_FACTOR (+-0.1%), its memory references to run a's first
# memory median x MEMORY_FACTOR (default 1), its rows to run a's with GB/s x the factor of their
# burst ("64=0.88 4096=0.6") and their medians' CIs +-0.5%; the 64-byte row's window_bytes and
# target_kind set to WINDOW64 and KIND64 when given
scale() {
	rm -rf "$1"; cp -r "$TMPROOT/a" "$1"
	python3 - "$1" "$2" "$3" "${4:-1}" "${5:-}" "${6:-}" <<'EOF'
import csv, json, sys
d, factors = sys.argv[1], dict(kv.split("=") for kv in sys.argv[3].split())
by_kind = {"core": float(sys.argv[2]), "memory": float(sys.argv[4])}
path = d + "/metadata.json"
meta = json.load(open(path))
refs = meta["machine_reference"]
first = {k: next(r["ns_per_kib_median"] for r in refs if r.get("kind", "core") == k) for k in by_kind}
for r in refs:
    k = r.get("kind", "core")
    m = first[k] * by_kind[k]
    r["ns_per_kib_median"], r["ns_per_kib_ci_lo"], r["ns_per_kib_ci_hi"] = m, m * 0.999, m * 1.001
json.dump(meta, open(path, "w"), indent=2)
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
        if r["burst_bytes"] == "64" and sys.argv[5]:
            r["window_bytes"] = sys.argv[5]
        if r["burst_bytes"] == "64" and sys.argv[6]:
            r["target_kind"] = sys.argv[6]
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
grep -q "^machine reference memory (.*: NEW's stores to DRAM ran between 0.2% slower and 0.2% faster; less than the 5.0% threshold" "$TMPROOT/slow.out" &&
	pass "a machine 10% slower in its core only: the memory line says its references did not move" ||
	fail "the memory line of a core-only drift" "$(grep '^machine reference memory' "$TMPROOT/slow.out")"
m=$(grep -c '^machine? .* 64 B ' "$TMPROOT/slow.out"); r=$(grep -c '^REGRESSION .* 4 KiB ' "$TMPROOT/slow.out")
if [ $rc = 1 ] && [ "$m" = 1 ] && [ "$r" = 1 ] &&
	grep -q '^summary: 2 cases in both: 1 regressions, 0 status regressions (ok -> not ok), 0 improvements, 1 machine? ' "$TMPROOT/slow.out" &&
	grep -q "^machine? .*within the machine's drift: its core reference ran up to [0-9.]*% slower" "$TMPROOT/slow.out" &&
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
v=$(cols "$TMPROOT/slow.csv" verdict burst_bytes machine_reference machine_change_lo_pct machine_change_hi_pct | LC_ALL=C sort | tr '\n' ' ')
echo "$v" | grep -Eq '^REGRESSION\|4096\|core\|-10\.[0-9]+\|-9\.[0-9]+ machine\?\|64\|core\|-10\.[0-9]+\|-9\.[0-9]+ $' &&
	pass "--format csv: the verdicts (REGRESSION, machine?) and the machine's change on every line ($v)" ||
	fail "--format csv carries machine?" "$v"
"$WCBENCH" compare --format md "$TMPROOT/base" "$TMPROOT/slow" >"$TMPROOT/slow.md" 2>&1
grep -q '^| machine? | ' "$TMPROOT/slow.md" && grep -q '^machine reference core (' "$TMPROOT/slow.md" &&
	grep -q '^machine reference memory (' "$TMPROOT/slow.md" && grep -q '^- Which reference: a case on a RAM or file target' "$TMPROOT/slow.md" &&
	grep -q '^- Machine rule: when the machine reference' "$TMPROOT/slow.md" && grep -q '1 machine? ' "$TMPROOT/slow.md" &&
	pass "--format md: the machine rule, the reference line, a machine? row and its count" ||
	fail "--format md carries machine?" "$(grep -E 'machine' "$TMPROOT/slow.md" | head -5)"

# --- the memory path alone 8% slower, the core unchanged: only a large RAM window's case is machine? ---
# both cases 7% slower; the 64-byte row's window set to 256 MiB (its 4 KiB twin keeps --quick's
# 16 MiB: the core reference's); then the same on a vfio BAR (no reference speaks for it)
scale "$TMPROOT/mbase" 1 "64=1 4096=1" 1 268435456
scale "$TMPROOT/mslow" 1 "64=0.93 4096=0.93" 1.086957 268435456
"$WCBENCH" compare "$TMPROOT/mbase" "$TMPROOT/mslow" >"$TMPROOT/mslow.out" 2>&1
rc=$?
"$WCBENCH" compare --format csv "$TMPROOT/mbase" "$TMPROOT/mslow" >"$TMPROOT/mslow.csv" 2>&1
v=$(cols "$TMPROOT/mslow.csv" verdict burst_bytes machine_reference | LC_ALL=C sort | tr '\n' ' ')
if [ $rc = 1 ] && [ "$v" = "REGRESSION|4096|core machine?|64|memory " ] &&
	grep -q "^machine reference memory (.*NEW's stores to DRAM ran 7\.[0-9]-8\.[0-9]% slower; a slowdown of up to" "$TMPROOT/mslow.out" &&
	grep -q "^machine reference core (.*less than the 5.0% threshold" "$TMPROOT/mslow.out" &&
	grep -q "^machine? .* 64 B .*within the machine's drift: its memory reference ran up to" "$TMPROOT/mslow.out"; then
	pass "the memory path 8% slower, the core not: the 256 MiB-window case is machine? (memory), the 16 MiB one a REGRESSION (core)"
else
	fail "a memory-only drift" "exit $rc, csv: $v; $(grep -E '^(machine|REGRESSION)' "$TMPROOT/mslow.out")"
fi
scale "$TMPROOT/mbase" 1 "64=1 4096=1" 1 268435456 vfio
scale "$TMPROOT/mslow" 1 "64=0.93 4096=0.93" 1.086957 268435456 vfio
"$WCBENCH" compare "$TMPROOT/mbase" "$TMPROOT/mslow" >"$TMPROOT/mbar.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q ': 2 regressions, .* 0 machine? ' "$TMPROOT/mbar.out" &&
	grep -q "^REGRESSION .*no machine reference speaks for a device BAR" "$TMPROOT/mbar.out" &&
	pass "the same drift on a vfio BAR case: a REGRESSION, its note saying no reference speaks for a device" ||
	fail "a BAR case under a memory drift" "exit $rc: $(grep -E '^(summary|REGRESSION)' "$TMPROOT/mbar.out")"

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
	'text.replace("\"run_id\": \"", "\"run_id\": \"another-")|is of run '"'"'another-' \
	'text.replace("\"kind\": \"memory\"", "\"kind\": \"Memory\"")|kind: not "core" or "memory"' \
	'text.replace("\"kind\": \"memory\"", "\"kind\": 2")|kind: not "core" or "memory"' \
	're.sub(r"\"buffer_bytes\": 268435456", "\"buffer_bytes\": -1", text)|buffer_bytes: not a whole number'; do
	expr=${variant%|*} needle=${variant##*|}
	nometa "$expr"
	rc=$?
	if [ $rc = 1 ] && grep -q "^machine reference core: none in NEW (.*$needle" "$TMPROOT/nr.out" &&
		grep -q "^machine reference memory: none in NEW (.*$needle" "$TMPROOT/nr.out" &&
		grep -q ': 2 regressions, .* 0 machine? ' "$TMPROOT/nr.out"; then
		pass "NEW's metadata.json: '$needle': no reference, both cases REGRESSION as by the noise rule alone"
	else
		fail "NEW's metadata.json: '$needle'" "exit $rc: $(grep -E '^(machine reference|summary)' "$TMPROOT/nr.out")"
	fi
done
rm -f "$TMPROOT/nr/metadata.json"
"$WCBENCH" compare "$TMPROOT/base" "$TMPROOT/nr" >"$TMPROOT/nr.out" 2>&1
[ $? = 1 ] && grep -q '^machine reference core: none in NEW (no metadata.json beside its rows)' "$TMPROOT/nr.out" &&
	pass "no metadata.json in NEW: no reference, the noise rule alone" ||
	fail "no metadata.json in NEW" "$(grep '^machine reference' "$TMPROOT/nr.out")"

# --- help and docs say the rule, the same words (the code's machine_rule_text) ---
"$WCBENCH" compare --help >"$TMPROOT/help" 2>&1
rule=$(awk '/The machine rule:$/ { on = 1; next } on && /^  / { sub(/^  /, ""); s = s (s ? " " : "") $0; next } on { exit } END { print s }' "$TMPROOT/help")
grep -q '^  machine?  ' "$TMPROOT/help" && [ -n "$rule" ] && [ "${rule#when the machine reference}" != "$rule" ] &&
	pass "compare --help names machine? and the machine rule" || fail "compare --help names the machine rule" "rule: '$rule'"
choice=$(awk '/^Which reference speaks for a case:$/ { on = 1; next } on && /^  / { sub(/^  /, ""); s = s (s ? " " : "") $0; next } on { exit } END { print s }' "$TMPROOT/help")
[ "${choice#a case on a RAM or file target}" != "$choice" ] && grep -qxF "> $choice" docs/compare-report.md &&
	pass "docs/compare-report.md quotes which reference speaks for a case as --help prints it" ||
	fail "docs quote which reference speaks for a case" "want '> $choice' in docs/compare-report.md"
grep -qxF "> $rule" docs/compare-report.md && grep -q 'machine_reference' docs/compare-report.md &&
	grep -q '`machine_reference`: `utc`, `when`' results/SCHEMA.md && grep -q '`kind` (`core` / `memory`' results/SCHEMA.md &&
	pass "docs/compare-report.md quotes the rule --help prints; results/SCHEMA.md lists machine_reference" ||
	fail "docs document the machine reference and its rule" "want '> $rule' in docs/compare-report.md"
