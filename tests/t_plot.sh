#!/usr/bin/env bash
# wcbench plot (and report, compare) on untrusted CSV: text from a results file reaches gnuplot
# only as data (no command in a field runs, odd characters still print); readers refuse what is
# not a regular file, NUL bytes and foreign schema versions; no output directory is made before
# the input is known to be good; barrier cost keeps each barrier@where apart.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FX=tests/fixtures/report/x86-host/results.csv
W=$TMPROOT/w
mkdir -p "$W"
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0

# hostile FILE COLUMN VALUE: the fixture's first 12 rows (WB and WC, with and without barriers)
# with COLUMN set to VALUE in every row
hostile() {
	python3 - "$FX" "$1" "$2" "$3" <<'PY'
import csv, sys
src, out, column, value = sys.argv[1:]
rows = list(csv.reader(open(src)))
head, body = rows[0], rows[1:]
keep = [r for r in body if r[head.index("memtype")] in ("WB", "WC")][:60]
i = head.index(column)
for r in keep:
    r[i] = value
csv.writer(open(out, "w", newline=""), lineterminator="\n").writerows([head] + keep)
PY
}

# Each payload ends a gnuplot string and runs a command, in the quoting the old code used; the
# short one (backticks) fits every column. They create PW in the working directory.
payloads=(
	'";system "touch PW";#'
	"';system 'touch PW';#"
	'`>PW`'
	'@PW`>PW`'
)
columns="kernel target memtype barrier barrier_every drain cpu_model timer env target_kind map os_release run_id arch"
# one line on stderr, exit 0 (drawn) or 1/2 (refused)
verdict() { # RC ERRFILE
	[ "$1" -eq 0 ] || { [ "$1" -le 2 ] && [ "$(wc -l <"$2")" -eq 1 ]; }
}
bad=""
n=0
for c in $columns; do
	for p in "${payloads[@]}"; do
		n=$((n + 1))
		hostile "$W/h$n.csv" "$c" "$p"
		(cd "$W" && "$WCBENCH" plot "h$n.csv" -o "plot$n" >/dev/null 2>"err$n")
		rc=$?
		verdict $rc "$W/err$n" || bad="$bad plot:$c:rc=$rc:$(head -c 200 "$W/err$n")"
		[ -e "$W/PW" ] && { bad="$bad plot:$c:'$p' ran a command"; rm -f "$W/PW"; }
	done
done
[ -z "$bad" ] && pass "plot: $n hostile CSVs (a payload in each text column) run no command; drawn or one-line error" ||
	fail "plot: hostile CSVs run no command" "$bad"

# report and compare on a CSV whose every text column holds a payload (those that fit)
python3 - "$FX" "$W/all.csv" <<'PY'
import csv, sys
src, out = sys.argv[1:]
rows = list(csv.reader(open(src)))
head, body = rows[0], rows[1:80]
long = '";system "touch PW";#'
for r in body:
    for c in ("kernel", "target", "memtype", "cpu_model", "os_release", "run_id", "reason"):
        r[head.index(c)] = long if c != "target" else long + r[head.index("burst_bytes")][:0]
    for c in ("barrier_every", "drain", "timer", "env", "arch", "target_kind", "map"):
        r[head.index(c)] = "`>PW`"
csv.writer(open(out, "w", newline=""), lineterminator="\n").writerows([head] + body)
PY
(cd "$W" && "$WCBENCH" report -o rep all.csv >/dev/null 2>rep.err)
rc=$?
[ ! -e "$W/PW" ] && { [ $rc -le 1 ]; } && pass "report: payloads in every text column run no command (exit $rc)" ||
	fail "report: payloads in every text column run no command" "exit $rc, PW $( [ -e "$W/PW" ] && echo created || echo absent): $(head -c 300 "$W/rep.err")"
rm -f "$W/PW"
(cd "$W" && "$WCBENCH" compare -o cmp all.csv all.csv >/dev/null 2>cmp.err)
[ ! -e "$W/PW" ] && pass "compare -o: payloads run no command" || fail "compare -o: payloads run no command"
rm -f "$W/PW"

# labels with odd characters still appear as written
odd="k'\"@\$x;\`y\` z"
hostile "$W/odd.csv" kernel "$odd"
if [ $have_gnuplot = 1 ]; then
	"$WCBENCH" plot "$W/odd.csv" -o "$W/odd" >/dev/null 2>"$W/odd.err"
	want=$(printf '%s' "$odd" | sed "s/&/\&amp;/g; s/</\&lt;/g; s/'/\&apos;/g; s/\"/\&quot;/g")
	grep -qF -- "$want" "$W/odd/gbps_vs_size.svg" 2>/dev/null || grep -qF -- "$odd" "$W/odd/gbps_vs_size.svg" 2>/dev/null
	[ $? -eq 0 ] && pass "plot: a kernel named $odd shows as written in the legend" ||
		fail "plot: odd characters show as written in the legend" "$(head -c 200 "$W/odd.err"); $(grep -o 'k[^<]*z' "$W/odd/gbps_vs_size.svg" 2>/dev/null | head -2)"
else
	skip "plot: odd characters show as written in the legend" "gnuplot not installed"
fi

# --- readers: only regular files, no NUL bytes, one schema version
mkfifo "$W/fifo"
for cmd in "plot $W/fifo" "report -o $W/r-fifo $W/fifo" "compare $W/fifo $FX"; do
	timeout 10 "$WCBENCH" $cmd >/dev/null 2>"$W/fifo.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q 'not a regular file' "$W/fifo.err" && pass "${cmd%% *}: a FIFO is refused (exit 2), not waited on" ||
		fail "${cmd%% *}: a FIFO is refused" "exit $rc: $(head -c 200 "$W/fifo.err")"
done
timeout 10 "$WCBENCH" plot /dev/zero >/dev/null 2>"$W/zero.err"
rc=$?
[ $rc -eq 2 ] && pass "plot: /dev/zero is refused (exit 2)" || fail "plot: /dev/zero is refused" "exit $rc"
python3 - "$FX" "$W/nul.csv" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
lines[10] = lines[10][:40] + b"\0" + lines[10][40:]
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
for cmd in "plot $W/nul.csv" "report -o $W/r-nul $W/nul.csv" "compare $FX $W/nul.csv"; do
	"$WCBENCH" $cmd >/dev/null 2>"$W/nul.err"
	rc=$?
	[ $rc -eq 2 ] && grep -q 'line 11: NUL' "$W/nul.err" && pass "${cmd%% *}: a NUL byte is a damaged row, named by its line (exit 2)" ||
		fail "${cmd%% *}: a NUL byte is a damaged row named by its line" "exit $rc: $(head -c 200 "$W/nul.err")"
done
# a schema version later than this wcbench reads
later=$(($("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p') + 1))
sed "2s/^[0-9]*,/$later,/" "$FX" >"$W/v2.csv"
"$WCBENCH" plot "$W/v2.csv" -o "$W/v2" >/dev/null 2>"$W/v2.err"
rc=$?
[ $rc -eq 2 ] && grep -q "schema version $later" "$W/v2.err" && [ ! -e "$W/v2" ] &&
	pass "plot: another schema version is refused (exit 2), no output directory made" ||
	fail "plot: another schema version is refused, no output directory made" "exit $rc: $(head -c 200 "$W/v2.err")"
sed '2s/,7\.242,/,fast,/' "$FX" >"$W/nan.csv"
"$WCBENCH" plot "$W/nan.csv" -o "$W/nan" >/dev/null 2>"$W/nan.err"
rc=$?
[ $rc -eq 2 ] && grep -q 'line 2' "$W/nan.err" && [ ! -e "$W/nan" ] && pass "plot: a non-number is refused with its line (exit 2)" ||
	fail "plot: a non-number is refused with its line" "exit $rc: $(head -c 200 "$W/nan.err")"

# --- output directory: not made for bad input; a bad --out is a usage error
for cmd in "plot $W/nul.csv -o $W/o1" "report -o $W/o2 $W/nul.csv" "compare -o $W/o3 $FX $W/nul.csv"; do
	"$WCBENCH" $cmd >/dev/null 2>&1
	out=$(echo "$cmd" | grep -o "$W/o[0-9]")
	[ ! -e "$out" ] && pass "${cmd%% *}: no output directory made for a bad input" ||
		fail "${cmd%% *}: no output directory made for a bad input"
done
: >"$W/afile"
for o in "$W/afile" /proc/wcbench-x; do
	for cmd in "plot $FX -o $o" "report -o $o $FX" "compare -o $o $FX $FX"; do
		"$WCBENCH" $cmd >"$W/o.out" 2>"$W/o.err"
		rc=$?
		[ $rc -eq 2 ] && [ ! -s "$W/o.out" ] && [ "$(wc -l <"$W/o.err")" -eq 1 ] &&
			pass "${cmd%% *} -o ${o##*/}: usage error (exit 2), nothing printed" ||
			fail "${cmd%% *} -o ${o##*/}: usage error, nothing printed" "exit $rc: $(head -c 200 "$W/o.err")"
	done
done

# --- barrier cost: sfence every 64 B and once per burst are two bars with their own costs
python3 - "$FX" "$W/every.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
h = rows[0]
c = {n: h.index(n) for n in h}
def pick(barrier):
    return next(r for r in rows[1:] if r[c["memtype"]] == "WB" and r[c["kernel"]] == "mov_8"
                and r[c["barrier"]] == barrier and r[c["burst_bytes"]] == "64")
base, b = pick("none"), pick("sfence")
out = [h, base]
for every, ns in (("64", "100.000"), ("burst", "20.000")):
    r = list(b)
    r[c["barrier_every"]] = every
    for k in ("ns_per_burst_median", "ns_per_burst_p10", "ns_per_burst_p90"):
        r[c[k]] = ns
    out.append(r)
base[c["ns_per_burst_median"]] = "10.000"
csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n").writerows(out)
PY
"$WCBENCH" plot "$W/every.csv" -o "$W/every" >/dev/null 2>"$W/every.err"
got=$(awk -F, 'NR > 1 { print $5 "@" $6 "=" $11 }' "$W/every/barrier_cost.csv" 2>/dev/null | sort | tr '\n' ' ')
[ "$got" = "sfence@64=90.000 sfence@burst=10.000 " ] && pass "barrier_cost.csv: sfence@64 and sfence@burst are two entries, each against the barrier-free row" ||
	fail "barrier_cost.csv: sfence@64 and sfence@burst apart" "'$got' $(head -c 200 "$W/every.err")"
mkdir -p "$W/rep-every"
"$WCBENCH" report -o "$W/rep-every" "$W/every.csv" >/dev/null 2>&1
got=$(awk -F, 'NR > 1 { print $6 "@" $8 "=" $14 "#" $7 }' "$W/rep-every/barrier_cost_all.csv" 2>/dev/null | sort | tr '\n' ' ')
[ "$got" = "sfence@64=90.000#1 sfence@burst=10.000#2 " ] && pass "report barrier_cost_all.csv: sfence@64 and sfence@burst are two bars of their own kind" ||
	fail "report barrier_cost_all.csv: sfence@64 and sfence@burst apart" "'$got'"

# --- plot without -o draws into the run's own directory, and says so (the path outlives the
# result set it came from) ---
if [ "$have_gnuplot" = 1 ]; then
	mkdir -p "$W/own"
	cp "$FX" "$W/own/results.csv"
	"$WCBENCH" plot "$W/own" >"$W/own.out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && grep -qxF "plots: $W/own/gbps_vs_size.png (.svg), barrier_cost.png (.svg)" "$W/own.out" &&
		is_png "$W/own/gbps_vs_size.png" && pass "plot RUN: into RUN, and the message names RUN" ||
		fail "plot RUN: into RUN, and the message names RUN" "exit $rc: $(head -c 200 "$W/own.out")"
	if [ -x "$TOP/wcbench-san" ]; then
		rm -f "$W/own"/*.png "$W/own"/*.svg
		check "plot RUN under ASan+UBSan: clean" "$TOP/wcbench-san" plot "$W/own"
	fi
else
	skip "plot RUN: into RUN" "gnuplot is missing"
fi
