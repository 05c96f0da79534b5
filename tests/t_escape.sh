#!/usr/bin/env bash
# Hostile text in results.csv fields, metadata.json values and a run directory's name reaches
# report.md, index.html, compare's text, Markdown and CSV, and the terminal only escaped for
# each: no raw markup from the data, no escape sequence or CR, no line the data started.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FX=tests/fixtures/report

if ! command -v python3 >/dev/null; then
	missing "escape: hostile runs" "python3 (to write the hostile CSV and JSON) is missing"
	exit 0
fi

# hostile texts, each short enough for any field: markup, a link, table breakers, terminal
# escapes (clear, title with BEL), CR, a newline that starts a fake summary / TAP line, bytes
# that are not UTF-8, C1 controls
export HOSTILE_MARKUP=$'<script>alert(1)</script> <img src=x onerror=alert(1)> \e[2J\nsummary: x'
export HOSTILE_LINK=$'](javascript:alert(1)) a|b|c \e]0;title\a *x* `y`'
export HOSTILE_LINES=$'cr\rX \e[2J\nsummary: 0 regressions\nok 1 - fake'
export HOSTILE_BYTES=$'\xff\xfe \xc2\x85 \xc2\x9b <b>end</b>'

# a directory name holds all but '/'
DIRNAME=$'run<img src=x onerror=alert(1)>](javascript:alert(1))|x|\e[2J\e]0;t\a\r\nsummary: 0 regressions\xff\xc2\x85'
BASE=$TMPROOT/$DIRNAME-base
NEW=$TMPROOT/$DIRNAME-new
mkdir -p "$BASE" "$NEW"

# hostile_run SRC DIR SCALE: SRC's rows with every free-text field hostile, GB/s times SCALE
hostile_run() {
	python3 - "$1" "$2/results.csv" "$3" <<'PY'
import csv, os, sys
src, dst, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
def env(k):
    return os.environb[k.encode()].decode("utf-8", "surrogateescape")
fields = {"cpu_model": env("HOSTILE_MARKUP"), "os_release": env("HOSTILE_LINK"),
          "target": env("HOSTILE_LINES"), "device": env("HOSTILE_BYTES"),
          "reason": " ".join(env(k) for k in ("HOSTILE_MARKUP", "HOSTILE_LINK", "HOSTILE_LINES", "HOSTILE_BYTES"))}
with open(src, newline="", encoding="utf-8", errors="surrogateescape") as f:
    rows = list(csv.reader(f))
head = rows[0]
for r in rows[1:]:
    for name, text in fields.items():
        r[head.index(name)] = text
    for i, name in enumerate(head):
        if r[i] and (name.startswith("gb_per_s_") or name.startswith("ns_per_burst_")):
            x = float(r[i])
            r[i] = "%.4f" % (x * scale if name.startswith("gb_") else x / scale)
with open(dst, "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
    csv.writer(f, lineterminator="\n").writerows(rows)
PY
}
# hostile_metadata DIR: metadata.json of DIR's run with hostile hostname, hypervisor and rule
hostile_metadata() {
	python3 - "$1" <<'PY'
import csv, json, os, sys
d = sys.argv[1]
h = " ".join(os.environb[k].decode("utf-8", "replace") for k in (b"HOSTILE_MARKUP", b"HOSTILE_LINK", b"HOSTILE_LINES"))
with open(d + "/results.csv", newline="", encoding="utf-8", errors="surrogateescape") as f:
    run_id = list(csv.DictReader(f))[0]["run_id"]
meta = {"schema_version": 1, "run_id": run_id, "hostname": h, "hypervisor": h, "timer": "tsc",
        "timer_hz": 2400000000, "sampling": {"budget_s": 2, "stop_rule": h}}
with open(d + "/metadata.json", "w", encoding="utf-8") as f:
    json.dump(meta, f)
PY
}
hostile_run $FX/x86-host/results.csv "$BASE" 1 && hostile_run $FX/x86-host/results.csv "$NEW" 0.5 &&
	hostile_metadata "$BASE" && hostile_metadata "$NEW" ||
	{ fail "escape: hostile runs written"; exit 0; }

has_byte() { LC_ALL=C grep -q "$(printf "$2")" "$1"; }
# no_raw_control NAME FILE: no ESC, CR, BEL or C1 (UTF-8 \xc2\x80-\x9f) byte in FILE
no_raw_control() {
	local bad=""
	has_byte "$2" '\033' && bad="$bad ESC"
	has_byte "$2" '\r' && bad="$bad CR"
	has_byte "$2" '\a' && bad="$bad BEL"
	LC_ALL=C grep -q "$(printf '\302')[$(printf '\200')-$(printf '\237')]" "$2" && bad="$bad C1"
	[ -z "$bad" ] && pass "$1" || fail "$1" "raw$bad"
}
# lines_starting FILE PREFIX: how many lines of FILE start with PREFIX
lines_starting() { LC_ALL=C grep -c "^$2" "$1"; }

# --- report ---
R=$TMPROOT/report
"$WCBENCH" report -o "$R" "$BASE" >"$TMPROOT/rep.out" 2>"$TMPROOT/rep.err"
rc=$?
{ [ $rc -eq 0 ] || [ $rc -eq 1 ]; } && [ -s "$R/report.md" ] && pass "report of a hostile run: report.md written" ||
	fail "report of a hostile run: report.md written" "exit $rc: $(head -c 300 "$TMPROOT/rep.err")"
M=$R/report.md
[ -s "$M" ] || M=/dev/null
if [ -s "$M" ] && ! LC_ALL=C grep -q '<' "$M"; then pass "report.md: no raw '<' (the data's tags are entities)"
else fail "report.md: no raw '<' (the data's tags are entities)" "$(LC_ALL=C grep -m2 '<' "$M" | head -c 300)"; fi
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$M" && pass "report.md: the data's <script> is shown as text" ||
	fail "report.md: the data's <script> is shown as text"
# a link needs "](" with the ']' unescaped
if [ -s "$M" ] && ! LC_ALL=C grep -q '[^\\]](javascript' "$M"; then pass "report.md: no ](javascript: link from the data"
else fail "report.md: no ](javascript: link from the data" "$(LC_ALL=C grep -m1 -o '.\](javascript' "$M")"; fi
no_raw_control "report.md: no ESC, CR, BEL or C1 byte from the data" "$M"
[ "$(lines_starting "$M" 'summary:')" = 0 ] && [ "$(lines_starting "$M" 'ok 1')" = 0 ] &&
	pass "report.md: no line started by the data" || fail "report.md: no line started by the data"
# every table row has as many cell separators ('|' not after a backslash) as its header
bad_rows=$(LC_ALL=C awk '
	function seps(s,   t) { t = s; gsub(/\\\|/, "", t); return gsub(/\|/, "", t) }
	/^\|/ { n = seps($0); if (!inrow) { want = n; inrow = 1 } else if (n != want) bad++ ; next }
	{ inrow = 0 }
	END { print bad + 0 }' "$M")
[ -s "$M" ] && [ "$bad_rows" = 0 ] && pass "report.md: every table row has its header's number of cells" ||
	fail "report.md: every table row has its header's number of cells" "$bad_rows rows differ"
# rendered as Markdown: no element or attribute from the data survives
renderer=""
for r in cmark pandoc markdown; do command -v $r >/dev/null && { renderer=$r; break; }; done
if [ -n "$renderer" ]; then
	case $renderer in
	pandoc) pandoc -f gfm -t html "$M" >"$TMPROOT/md.html" 2>/dev/null ;;
	cmark) cmark --unsafe "$M" >"$TMPROOT/md.html" 2>/dev/null ;;
	*) markdown "$M" >"$TMPROOT/md.html" 2>/dev/null ;;
	esac
	if grep -qi '<script\|<img src=x\|onerror=alert(1)>\|href="javascript' "$TMPROOT/md.html"; then
		fail "report.md rendered by $renderer: no tag, handler or link from the data" \
			"$(grep -io -m2 '<script[^>]*>\|<img src=x[^>]*>\|href="javascript[^"]*"' "$TMPROOT/md.html" | head -2)"
	else
		pass "report.md rendered by $renderer: no tag, handler or link from the data"
	fi
else
	missing "report.md rendered as Markdown" "no Markdown renderer (cmark, pandoc, markdown)"
fi
H=$R/index.html
[ -s "$H" ] || H=/dev/null
if [ -s "$H" ] && ! grep -qi '<script\|<img src=x\|onerror=alert(1)>' "$H"; then pass "index.html: no tag from the data"
else fail "index.html: no tag from the data"; fi
no_raw_control "index.html: no ESC, CR, BEL or C1 byte from the data" "$H"
cat "$TMPROOT/rep.out" "$TMPROOT/rep.err" >"$TMPROOT/rep.all"
no_raw_control "report's terminal output: no ESC, CR, BEL or C1 byte" "$TMPROOT/rep.all"
[ "$(lines_starting "$TMPROOT/rep.all" 'summary:')" = 0 ] && pass "report's terminal output: no line started by the data" ||
	fail "report's terminal output: no line started by the data" "$(grep -m1 '^summary:' "$TMPROOT/rep.all")"

# --- compare ---
"$WCBENCH" compare --all "$BASE" "$NEW" >"$TMPROOT/cmp.out" 2>"$TMPROOT/cmp.err"
rc=$?
[ $rc -eq 1 ] && pass "compare of hostile runs: exit 1 (NEW is slower)" ||
	fail "compare of hostile runs: exit 1 (NEW is slower)" "exit $rc: $(head -c 300 "$TMPROOT/cmp.err")"
cat "$TMPROOT/cmp.out" "$TMPROOT/cmp.err" >"$TMPROOT/cmp.all"
no_raw_control "compare text: no ESC, CR, BEL or C1 byte" "$TMPROOT/cmp.all"
n=$(lines_starting "$TMPROOT/cmp.all" 'summary:')
[ "$n" = 1 ] && pass "compare text: exactly one line starts with summary:" ||
	fail "compare text: exactly one line starts with summary:" "$n lines"
grep -q '^summary: .* [1-9][0-9]* regressions' "$TMPROOT/cmp.out" && pass "compare text: the summary counts the regressions" ||
	fail "compare text: the summary counts the regressions" "$(grep '^summary:' "$TMPROOT/cmp.out" | head -c 200)"
grep -qF '\nsummary: 0 regressions' "$TMPROOT/cmp.out" && grep -qF '\x1b[2J' "$TMPROOT/cmp.out" &&
	pass "compare text: the data's newline and ESC shown as \\n and \\x1b" ||
	fail "compare text: the data's newline and ESC shown as \\n and \\x1b"

"$WCBENCH" compare --all --format md "$BASE" "$NEW" >"$TMPROOT/cmp.md" 2>/dev/null
if [ -s "$TMPROOT/cmp.md" ] && ! LC_ALL=C grep -q '<' "$TMPROOT/cmp.md"; then pass "compare md: no raw '<'"
else fail "compare md: no raw '<'" "$(LC_ALL=C grep -m1 '<' "$TMPROOT/cmp.md" | head -c 200)"; fi
no_raw_control "compare md: no ESC, CR, BEL or C1 byte" "$TMPROOT/cmp.md"
[ "$(lines_starting "$TMPROOT/cmp.md" '\*\*Summary:\*\*')" = 1 ] && [ "$(lines_starting "$TMPROOT/cmp.md" 'summary:')" = 0 ] &&
	pass "compare md: one summary line, none from the data" || fail "compare md: one summary line, none from the data"

"$WCBENCH" compare --all --format csv "$BASE" "$NEW" >"$TMPROOT/cmp.csv" 2>/dev/null
python3 - "$TMPROOT/cmp.csv" <<'PY' >"$TMPROOT/csv.check" 2>&1
import csv, os, sys
h = os.environb[b"HOSTILE_LINES"].decode("utf-8", "surrogateescape")
with open(sys.argv[1], newline="", encoding="utf-8", errors="surrogateescape") as f:
    rows = list(csv.reader(f))
head = rows[0]
assert len(rows) > 1, "no rows"
assert all(len(r) == len(head) for r in rows), "a row with another number of fields"
assert all(r[head.index("target")] == h for r in rows[1:]), "target not read back whole"
print("ok")
PY
[ "$(cat "$TMPROOT/csv.check")" = ok ] && pass "compare csv: RFC 4180 quoting, every hostile field reads back whole" ||
	fail "compare csv: RFC 4180 quoting, every hostile field reads back whole" "$(tail -1 "$TMPROOT/csv.check")"

# an error message naming a file by its hostile path stays one line
mkdir -p "$TMPROOT/$DIRNAME-damaged"
printf 'schema_version,run_id\n4,x\n' >"$TMPROOT/$DIRNAME-damaged/results.csv"
"$WCBENCH" compare "$TMPROOT/$DIRNAME-damaged" "$NEW" >"$TMPROOT/dmg.out" 2>&1
no_raw_control "compare error on a damaged file: no ESC, CR, BEL or C1 byte" "$TMPROOT/dmg.out"
[ "$(lines_starting "$TMPROOT/dmg.out" 'summary:')" = 0 ] && pass "compare error on a damaged file: no line started by the data" ||
	fail "compare error on a damaged file: no line started by the data"

# probe names a target by its (hostile) path in its error line
"$WCBENCH" probe "file:$TMPROOT/$DIRNAME-absent" >"$TMPROOT/probe.out" 2>&1
no_raw_control "probe error on a hostile path: no ESC, CR, BEL or C1 byte" "$TMPROOT/probe.out"
[ "$(lines_starting "$TMPROOT/probe.out" 'summary:')" = 0 ] && pass "probe error on a hostile path: no line started by the data" ||
	fail "probe error on a hostile path: no line started by the data"

# probe --json of a target whose path is not UTF-8: still one valid JSON (UTF-8) document
pj=$TMPROOT/pj-$(printf 'a\377\033b')
truncate -s 64K "$pj"
"$WCBENCH" probe --json "file:$pj" >"$TMPROOT/probe.json" 2>&1
python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' "$TMPROOT/probe.json" 2>"$TMPROOT/probe.json.err" &&
	pass "probe --json: a path that is not UTF-8 still gives valid JSON" ||
	fail "probe --json: a path that is not UTF-8 still gives valid JSON" "$(tail -1 "$TMPROOT/probe.json.err")"
