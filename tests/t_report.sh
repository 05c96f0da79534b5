#!/usr/bin/env bash
# wcbench report: from the fixture runs of two machines (x86 host, arm64 guest), the HTML and
# Markdown, every figure they reference (valid PNGs of the declared size, SVGs), the captions,
# bad input, and the page as headless Chromium renders it.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FX=tests/fixtures/report
R=$TMPROOT/report


check "report --help says what it writes" bash -c "'$WCBENCH' report --help | grep -q index.html"

# metadata.json beside one run (hostname, hypervisor) is read; the other run has none
mkdir -p "$TMPROOT/x86"
cp $FX/x86-host/results.csv "$TMPROOT/x86/"
cat >"$TMPROOT/x86/metadata.json" <<'JSON'
{
  "schema_version": 1,
  "run_id": "20250101T000000Z-x86host",
  "hostname": "testbox-7",
  "hypervisor": "none seen",
  "timer": "tsc",
  "timer_hz": 2400000000,
  "sampling": {"budget_s": 2, "stop_rule": "(p90-p10)/median <= 0.04"},
  "broken": [1, 2
JSON

"$WCBENCH" report -o "$R" "$TMPROOT/x86" $FX/arm64-guest >"$TMPROOT/rep.out" 2>"$TMPROOT/rep.err"
rc=$?
[ $rc -eq 0 ] && pass "report of two machines: exit 0" || fail "report of two machines: exit 0" "exit $rc: $(head -c 400 "$TMPROOT/rep.err")"
H=$R/index.html
[ -s "$H" ] && [ -s "$R/report.md" ] && pass "index.html and report.md written" || fail "index.html and report.md written"

# every image the page references exists; PNGs are valid and of the size the page declares
[ -s "$H" ] || H=/dev/null # the checks below then fail, each with its own line
refs=$(grep -o '\(src\|href\)="[^"#]*"' "$H" | sed 's/^[a-z]*="//; s/"$//' | sort -u)
nrefs=$(echo "$refs" | grep -c '\.\(png\|svg\)$')
[ "$nrefs" -ge 8 ] && pass "page references >= 8 figure files ($nrefs)" || fail "page references >= 8 figure files" "$nrefs"
bad_ref=""
for f in $refs; do
	case "$f" in
	http:*|https:*|/*) bad_ref="$bad_ref $f(absolute)" ;;
	*.png) is_png "$R/$f" || bad_ref="$bad_ref $f(not a PNG)" ;;
	*.svg) grep -q '<svg' "$R/$f" 2>/dev/null || bad_ref="$bad_ref $f(not an SVG)" ;;
	*) [ -e "$R/$f" ] || bad_ref="$bad_ref $f(missing)" ;;
	esac
done
[ -s "$H" ] && [ "$nrefs" -gt 0 ] && [ -z "$bad_ref" ] && pass "every referenced file exists, relative; PNGs and SVGs valid" || fail "every referenced file exists, relative; PNGs and SVGs valid" "$bad_ref"
bad_size="" nimg=0
while read -r src w h; do
	nimg=$((nimg + 1))
	got=$(png_size "$R/$src")
	[ "$got" = "${w}x${h}" ] || bad_size="$bad_size $src:$got!=${w}x${h}"
	if command -v identify >/dev/null; then
		id=$(identify -format '%m %wx%h' "$R/$src" 2>/dev/null)
		[ "$id" = "PNG ${w}x${h}" ] || bad_size="$bad_size $src:identify='$id'"
	fi
done < <(grep -o '<img src="[^"]*" width="[0-9]*" height="[0-9]*"' "$H" |
	sed 's/<img src="\([^"]*\)" width="\([0-9]*\)" height="\([0-9]*\)"/\1 \2 \3/')
[ "$nimg" -ge 6 ] && [ -z "$bad_size" ] && pass "all $nimg <img> PNGs decode (identify) to the declared width x height" ||
	fail "all <img> PNGs decode (identify) to the declared width x height" "$nimg images;$bad_size"
for f in best_vs_size barrier_cost_all; do
	[ -s "$R/$f.png" ] && [ -s "$R/$f.svg" ] && pass "$f.png and .svg written" || fail "$f.png and .svg written"
done

# content: machines, memtypes, best kernel, captions that say what was measured
grep -q 'testbox-7' "$H" && grep -q 'Example Arm Neoverse-class CPU' "$H" && grep -q '6.12.0-fixture' "$H" &&
	pass "machine table names both CPUs, the kernel and the hostname from metadata.json" ||
	fail "machine table names both CPUs, the kernel and the hostname from metadata.json"
grep -q '2400 MHz' "$H" && pass "timer frequency from metadata.json shown" || fail "timer frequency from metadata.json shown"
for mt in WB WC UC- Normal-WB Normal-NC Device-nGnRnE; do
	grep -q "<h3 id=\"memtype-[a-z-]*\">memtype $mt<" "$H" || { fail "a best-kernel table per memtype" "no $mt"; mt=x; break; }
done
[ "$mt" != x ] && pass "a best-kernel table for each of the 6 memtypes"
# the WB peak is vmovntdq_32 at 64 KiB on the x86 host (fixture: widest RAM kernel without barrier)
awk '/<h3 id="memtype-wb">/{f=1} f && /<tr><td>M1</{print; exit}' "$H" | grep -q 'vmovntdq_32</td><td>ram</td><td class="num">64 KiB' &&
	pass "WB best on M1 is vmovntdq_32 at 64 KiB" || fail "WB best on M1 is vmovntdq_32 at 64 KiB" "$(awk '/memtype-wb/{f=1} f && /<tr><td>M1/{print; exit}' "$H")"
grep -q '<td>M2</td><td>Device-nGnRnE</td><td>vfio:0000:00:03.0:bar2</td><td>unknown</td><td class="num">48</td><td class="num">0</td><td class="num">48</td>' "$H" &&
	pass "memtypes seen: Device-nGnRnE on M2 with 48 ok and 48 faults" || fail "memtypes seen: Device-nGnRnE on M2 with 48 ok and 48 faults"
ncap=$(grep -c '<figcaption>' "$H")
ngood=$(grep '<figcaption>' "$H" | grep 'Drain: fence' | grep 'Timer: ' | grep 'median of 20 samples' | grep 'p10-p90' | grep -c 'GB/s = 10^9 bytes/s')
[ "${ncap:-0}" -ge 6 ] && [ "$ncap" = "$ngood" ] && pass "every figure caption ($ncap) names drain, timer, statistic, GB/s unit" ||
	fail "every figure caption names drain, timer, statistic, GB/s unit" "$ngood of $ncap"
grep '<figcaption>' "$H" | grep -q 'M2 cntvct' && pass "captions name each machine's timer (cntvct on M2)" || fail "captions name each machine's timer (cntvct on M2)"
[ -s "$H" ] && ! grep -qi '<script\|https\?://\|@import' "$H" && pass "page is self-contained (no script, no network)" ||
	fail "page is self-contained (no script, no network)" "$(grep -oi '<script\|https\?://[^"]*' "$H" 2>/dev/null | head -2)"
# barrier_cost_all.csv: every barrier of both machines, 64-byte bursts, costs with the right sign
bars=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} {print $(c["barrier"])}' "$R/barrier_cost_all.csv" | sort -u | tr '\n' ' ')
[ "$bars" = "dgh dmb_oshst dsb_st mfence sfence " ] && pass "barrier_cost_all.csv has the barriers of both machines" || fail "barrier_cost_all.csv has the barriers of both machines" "'$bars'"
v=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $(c["machine"])=="M2" && $(c["memtype"])=="Normal-WB" && $(c["barrier"])=="dsb_st" {print $(c["cost_ns"])}' "$R/barrier_cost_all.csv")
awk -v v="$v" 'BEGIN{exit !(v > 50 && v < 70)}' && pass "M2 dsb_st costs ~60 ns per 64-byte burst on Normal-WB ($v)" || fail "M2 dsb_st costs ~60 ns per 64-byte burst on Normal-WB" "'$v'"
# the Markdown mirrors the page
grep -q '^| M1 | WB | ram | WB |' "$R/report.md" && grep -q '!\[.*\](best_vs_size.png)' "$R/report.md" &&
	grep -q 'Drain: fence' "$R/report.md" && pass "report.md has the tables, figures and captions" || fail "report.md has the tables, figures and captions"
# per machine results.csv reads back (columns by name) and equals its source row count
n1=$(($(wc -l <"$R"/m1-*/results.csv) - 1))
[ "$n1" = 270 ] && pass "M1's rows written to its directory (270)" || fail "M1's rows written to its directory (270)" "$n1"

# --- bad input: one line, exit 2 ---
bad() { # NAME NEEDLE ARGS...
	local name=$1 needle=$2; shift 2
	"$WCBENCH" report "$@" >"$TMPROOT/bad.out" 2>"$TMPROOT/bad.err"
	local rc=$? lines; lines=$(wc -l <"$TMPROOT/bad.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$needle" "$TMPROOT/bad.err"; then pass "$name"
	else fail "$name" "exit $rc, $lines lines: $(head -c 300 "$TMPROOT/bad.err")"; fi
}
bad "no RUN: exit 2" "no RUN" -o "$TMPROOT/r1"
bad "no -o: exit 2" "-o DIR" $FX/x86-host
mkdir -p "$TMPROOT/norun"
bad "a run directory without results.csv: exit 2" "no results.csv" -o "$TMPROOT/r2" $FX/x86-host "$TMPROOT/norun"
[ ! -e "$TMPROOT/r2" ] && pass "bad input writes nothing" || fail "bad input writes nothing"
# a schema version later than this wcbench reads
later=$(($("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p') + 1))
awk -F, -v v=$later 'BEGIN{OFS=","} NR>1{$1=v} {print}' $FX/x86-host/results.csv >"$TMPROOT/v2.csv"
bad "a later schema version: exit 2" "schema version $later" -o "$TMPROOT/r3" "$TMPROOT/v2.csv"
touch "$TMPROOT/afile"
bad "cannot create -o DIR: exit 2" "cannot create" -o "$TMPROOT/afile/sub" $FX/x86-host

# --- verdict.json of wcbench check beside a run: a verdict table, its text escaped ---
V=$TMPROOT/verdict-run
mkdir -p "$V"
cp $FX/x86-host/results.csv "$V/"
RID=$(awk -F, 'NR==2{print $2}' $FX/x86-host/results.csv)
verdict_json() { # RUN_ID SCHEMA_VERSION: two targets, one named with hostile text
	cat <<JSON
{"schema_version": $2, "run_id": "$1", "hostname": "h", "arch": "x86_64", "env": "host", "targets": [
 {"target": "ram", "map": "anon", "memtype_requested": "WB", "memtype_effective": "", "verdict": "works",
  "rule": "ram-normal", "advice": []},
 {"target": "vfio:0000:01:00.0:bar2 <script>alert(1)</script> & \"q\" |x|\nnext", "map": "vfio",
  "memtype_requested": "WC", "memtype_effective": "Device", "verdict": "broken", "rule": "probe-device",
  "advice": ["map resource2_wc <b>instead</b>", "second advice"]}]}
JSON
}
verdict_json "$RID" 1 >"$V/verdict.json"
"$WCBENCH" report -o "$TMPROOT/rv" "$V" $FX/arm64-guest >"$TMPROOT/rv.out" 2>"$TMPROOT/rv.err"
rc=$?
HV=$TMPROOT/rv/index.html
[ $rc -eq 0 ] && [ -s "$HV" ] && pass "report with a verdict.json: exit 0" || fail "report with a verdict.json: exit 0" "exit $rc: $(head -c 300 "$TMPROOT/rv.err")"
[ -s "$HV" ] || HV=/dev/null
[ "$(grep -c '<h3 id="verdicts-' "$HV")" = 1 ] && grep -q '<h2 id="verdicts">' "$HV" &&
	grep -qF '<tr><td>ram</td><td>anon</td><td>WB</td><td>-</td><td>works</td><td>ram-normal</td><td>-</td></tr>' "$HV" &&
	pass "a verdict table for M1 (the run with verdict.json) only: target, map, requested, effective, verdict, rule, advice" ||
	fail "a verdict table for M1 only" "$(grep -A4 'id="verdicts-' "$HV" | head -6)"
grep -qF '<td>vfio:0000:01:00.0:bar2 &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; |x|' "$HV" &&
	grep -qF '<td>map resource2_wc &lt;b&gt;instead&lt;/b&gt;</td></tr>' "$HV" && ! grep -qi '<script\|<b>instead' "$HV" &&
	! grep -q 'second advice' "$HV" &&
	pass "verdict table: text from verdict.json escaped; the first advice shown" ||
	fail "verdict table: text from verdict.json escaped; the first advice shown" "$(grep -F 'vfio:0000:01:00.0:bar2' "$HV" | head -2)"
grep -qF '| vfio:0000:01:00.0:bar2 &lt;script&gt;alert(1)&lt;/script&gt; &amp; "q" \|x\| next | vfio | WC | Device | broken | probe-device | map resource2\_wc &lt;b&gt;instead&lt;/b&gt; |' "$TMPROOT/rv/report.md" &&
	pass "report.md: the verdict row on one line, escaped for Markdown" ||
	fail "report.md: the verdict row on one line, escaped for Markdown" "$(grep -F 'probe-device' "$TMPROOT/rv/report.md")"
! grep -q 'id="verdicts' "$H" && ! grep -qi 'verdict' "$R/report.md" && pass "runs without verdict.json: no verdict section" ||
	fail "runs without verdict.json: no verdict section"
verdict_json 20990101T000000Z-other 1 >"$V/verdict.json"
"$WCBENCH" report -o "$TMPROOT/rv2" "$V" >"$TMPROOT/rv2.out" 2>"$TMPROOT/rv2.err"
rc=$?
[ $rc -eq 0 ] && grep -q "verdict.json is of run '20990101T000000Z-other' env 'host', which no rows beside it are from: not shown" "$TMPROOT/rv2.err" &&
	! grep -q 'id="verdicts' "$TMPROOT/rv2/index.html" &&
	pass "a verdict.json of another run: a note, no verdict table" || fail "a verdict.json of another run: a note, no verdict table" "exit $rc: $(cat "$TMPROOT/rv2.err")"
verdict_json "$RID" 2 >"$V/verdict.json"
bad "a verdict.json of schema version 2: exit 2" "verdict.json: schema version 2" -o "$TMPROOT/r5" "$V"
verdict_json "$RID" 1 | head -c 150 >"$V/verdict.json"
bad "a truncated verdict.json: exit 2 naming it" "verdict-run/verdict.json: line" -o "$TMPROOT/r6" "$V"
[ ! -e "$TMPROOT/r5" ] && [ ! -e "$TMPROOT/r6" ] && pass "a bad verdict.json: nothing written" || fail "a bad verdict.json: nothing written"

# --- the page in headless Chromium ---
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
	skip "chromium renders the report" "chromium not installed (tests/deps/report.txt)"
else
	prof=$(mktemp -d "$TMPROOT/chrome.XXXXXX")
	flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
		--disable-component-update --disable-sync --user-data-dir="$prof" --window-size=1400,3000)
	timeout 60 "$chrome" "${flags[@]}" --dump-dom "file://$H" >"$TMPROOT/dom.html" 2>"$TMPROOT/chrome.err"
	nt=$(grep -o '<table' "$TMPROOT/dom.html" | wc -l)
	ni=$(grep -o '<img ' "$TMPROOT/dom.html" | wc -l)
	[ "$nt" -ge 8 ] && [ "$ni" -ge 6 ] && pass "chromium DOM has the tables ($nt) and images ($ni)" ||
		fail "chromium DOM has the tables and images" "$nt tables, $ni images: $(tail -2 "$TMPROOT/chrome.err")"
	shot=$TMPROOT/shot.png
	timeout 60 "$chrome" "${flags[@]}" --screenshot="$shot" "file://$H" >/dev/null 2>>"$TMPROOT/chrome.err"
	if is_png "$shot" && [ "$(png_size "$shot")" = 1400x3000 ]; then
		pass "chromium screenshot of the page (1400x3000)"
		if ! command -v convert >/dev/null; then
			skip "screenshot is not blank, shows coloured plot lines" "ImageMagick (convert) not installed"
		else
		sd=$(convert "$shot" -colorspace Gray -format '%[fx:standard_deviation]' info: 2>/dev/null)
		awk -v s="$sd" 'BEGIN{exit !(s > 0.05)}' && pass "screenshot is not blank (grey stddev $sd)" ||
			fail "screenshot is not blank" "grey stddev '$sd'"
		# the images were loaded: the band of the figure has colour (plot lines), not only grey text
		sat=$(convert "$shot" -crop 1400x1200+0+1800 -colorspace HSL -channel G -separate -format '%[fx:maxima]' info: 2>/dev/null)
		awk -v s="$sat" 'BEGIN{exit !(s > 0.4)}' && pass "screenshot shows coloured plot lines (max saturation $sat)" ||
			fail "screenshot shows coloured plot lines" "max saturation '$sat'"
		fi
		if [ -n "${REPORT_SHOT:-}" ]; then cp "$shot" "$REPORT_SHOT"; fi
	else
		fail "chromium screenshot of the page (1400x3000)" "$(tail -3 "$TMPROOT/chrome.err")"
	fi
fi
