#!/usr/bin/env bash
# End to end: the CLI, a quick run into RAM with CSV, metadata and plots, bad input, resume,
# interruption, threads, the static and aarch64 builds.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# --- the CLI teaches ---
check_exit "wcbench with no command is a usage error" 2 "$WCBENCH"
check "wcbench --help lists the commands" bash -c "'$WCBENCH' --help | grep -q 'run' && '$WCBENCH' --help | grep -q compare"
# every option in --help and the man page: tests/unit/test_options.c walks the option table
# (every command's page, and the install of them all: tests/t_help.sh)
"$WCBENCH" run --man >"$TMPROOT/wcbench-run.1"
check "list shows c_8 available" bash -c "'$WCBENCH' list kernels | grep -E '^c_8 .* yes'"
check "list barriers shows none" bash -c "'$WCBENCH' list barriers | grep -q '^none'"
check "list targets shows ram" bash -c "'$WCBENCH' list targets | grep -q '^ram'"
check_exit "list of an unknown thing is a usage error" 2 "$WCBENCH" list bogus

# --- bad input: one line, exit 2, nothing written ---
bad_input() { # NAME NEEDLE ARGS...
	local name=$1 needle=$2; shift 2
	local out="$TMPROOT/bad-$RANDOM"
	"$WCBENCH" run "$@" --out "$out" >"$TMPROOT/bad.out" 2>"$TMPROOT/bad.err"
	local rc=$? lines
	lines=$(wc -l <"$TMPROOT/bad.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$needle" "$TMPROOT/bad.err" && [ ! -e "$out" ]; then
		pass "bad input: $name"
	else
		fail "bad input: $name" "exit $rc, $lines lines, $(cat "$TMPROOT/bad.err"), out exists: $([ -e "$out" ] && echo yes || echo no)"
	fi
}
bad_input "unknown kernel" "unknown kernel" -k nope_8
bad_input "size not a power of two" "power of two" -s 96
bad_input "window not aligned" "multiple of 64" -w 1:4K
bad_input "unknown target kind" "unknown target kind" -t bogus:1
bad_input "ram option unknown" "unknown RAM option" -t ram:fast
bad_input "NUMA node that does not exist" "does not exist" -t ram:node=97
if [ "$(awk '/HugePages_Free/{print $2}' /proc/meminfo)" = 0 ]; then
	bad_input "hugetlb without reserved pages" "nr_hugepages" -t ram:hugetlb
fi

# --- a bad output path: exit 2 before anything is measured, one line naming the option and the
# path; NOT_THERE (a results.csv, or a table on stdout) is not written ---
bo=$TMPROOT/badout
mkdir -p "$bo/link" "$bo/hard" "$bo/cmp/compare.csv" "$bo/rep" "$bo/plt"
: >"$bo/file"
: >"$bo/shared"
: >"$bo/shared2"
ln -s "$bo/elsewhere.csv" "$bo/link/results.csv"
ln "$bo/shared" "$bo/hard/metadata.json"
ln -s "$bo/elsewhere.md" "$bo/rep/report.md"
ln "$bo/shared2" "$bo/plt/gbps_vs_size.png"
bad_output() { # NAME NEEDLE NOT_THERE COMMAND...
	local name=$1 needle=$2 not_there=$3; shift 3
	"$@" >"$TMPROOT/badout.out" 2>"$TMPROOT/badout.err"
	local rc=$? lines
	lines=$(grep -c . "$TMPROOT/badout.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$needle" "$TMPROOT/badout.err" && [ ! -e "$not_there" ] &&
		[ ! -s "$TMPROOT/badout.out" ]; then
		pass "bad output path: $name"
	else
		fail "bad output path: $name" "exit $rc, $lines lines: $(head -2 "$TMPROOT/badout.err" | tr '\n' ' ')$([ -e "$not_there" ] && echo "; $not_there written")"
	fi
}
bad_output "run --out is a file" "--out $bo/file: exists and is not a directory" "$bo/file/results.csv" \
	"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 --out "$bo/file"
bad_output "run --out under a file" "--out $bo/file/run: cannot create the directory: $bo/file is not a directory" "$bo/file/run" \
	"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 --out "$bo/file/run"
bad_output "run --out whose results.csv is a symbolic link" "--out $bo/link/results.csv: is a symbolic link" \
	"$bo/elsewhere.csv" "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 --out "$bo/link"
bad_output "run --resume --out whose results.csv is a symbolic link" "--out $bo/link/results.csv: is a symbolic link" \
	"$bo/elsewhere.csv" "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 --resume --out "$bo/link"
bad_output "run --out whose metadata.json has two hard links" "--out $bo/hard/metadata.json: has 2 hard links" \
	"$bo/hard/results.csv" "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 --out "$bo/hard"
[ ! -s "$bo/shared" ] && pass "bad output path: the hard-linked file is untouched" || fail "bad output path: hard link written through"

# --- a quick run: CSV, metadata, plots ---
out="$TMPROOT/quick"
"$WCBENCH" run --quick --out "$out" >"$TMPROOT/quick.out" 2>"$TMPROOT/quick.err"
rc=$?
[ $rc -eq 0 ] && pass "run --quick exits 0" || fail "run --quick exits 0" "exit $rc: $(tail -3 "$TMPROOT/quick.err")"
csv="$out/results.csv"
header=$(head -1 "$csv")
want=$("$WCBENCH" schema | awk -F'`' 'NR>2{printf "%s%s", sep, $2; sep=","}')
[ "$header" = "$want" ] && pass "CSV header is the declared schema" || fail "CSV header is the declared schema" "$header"
# expected rows: kernels x (none + other barriers) x 3 sizes
nk=$("$WCBENCH" list kernels | awk 'NR>1 && ($2=="any" || $2=="'"$(uname -m)"'")' | wc -l)
nb=$("$WCBENCH" list barriers | awk 'NR>1 && ($2=="any" || $2=="'"$(uname -m)"'")' | wc -l)
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" -eq $((nk * nb * 3)) ] && pass "one row per case ($rows)" || fail "one row per case" "$rows rows, want $((nk * nb * 3))"
bad_status=$(col "$csv" status | grep -cvE '^(ok|unsupported)$')
[ "$bad_status" -eq 0 ] && pass "every row ok or unsupported" || fail "every row ok or unsupported" "$bad_status others"
nok=$(col "$csv" status | grep -c '^ok$')
[ "$nok" -ge $((3 * 3)) ] && pass "at least c_8 and two more kernels measured ($nok ok rows)" || fail "enough ok rows" "$nok"
awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
	$c["status"]=="ok" { m=$c["gb_per_s_median"]; if (!(m>0) || !($c["ns_per_burst_p10"] <= $c["ns_per_burst_median"]+0) ||
		!($c["ns_per_burst_median"] <= $c["ns_per_burst_p90"]+0) || !($c["ns_per_burst_min"] <= $c["ns_per_burst_p10"]+0) ||
		$c["samples"] < 1 || $c["bursts_per_sample"] < 1 || $c["drain"] != "fence" || $c["timer"] == "" || $c["cv"] == "") bad++ }
	$c["status"]=="unsupported" { if ($c["reason"] == "" || $c["gb_per_s_median"] != "") bad++ }
	END { exit bad > 0 }' "$csv" && pass "ok rows: min <= p10 <= median <= p90, GB/s > 0, how measured; unsupported rows say why" \
	|| fail "row contents consistent"
awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["status"]=="ok" {
	exp_gbps = $c["burst_bytes"] / $c["ns_per_burst_median"]; d = exp_gbps - $c["gb_per_s_median"]; if (d < 0) d = -d;
	if (d > 0.001 * exp_gbps + 0.0001) bad++ } END { exit bad > 0 }' "$csv" \
	&& pass "GB/s = burst bytes / ns per burst (10^9 B/s)" || fail "GB/s = burst bytes / ns per burst"
for key in pattern_hex timer_hz timer_cost_ns cpu_model os_release command_line topology_source hwcaps; do
	grep -q "\"$key\"" "$out/metadata.json" || missing_meta="${missing_meta:-} $key"
done
[ -z "${missing_meta:-}" ] && pass "metadata names machine, timer, pattern, command line" || fail "metadata keys" "missing$missing_meta"
grep -q '"pattern_hex": "a55a' "$out/metadata.json" && pass "metadata records the non-zero pattern" || fail "metadata pattern"
for p in gbps_vs_size barrier_cost; do
	if is_png "$out/$p.png" && [ "$(png_size "$out/$p.png" | cut -dx -f1)" -ge 600 ] && [ -s "$out/$p.svg" ]; then
		pass "plot $p: PNG ($(png_size "$out/$p.png")) and SVG"
	else
		fail "plot $p: PNG and SVG"
	fi
done
grep -q 'GB/s' "$out/gbps_vs_size.svg" && grep -q 'c_8' "$out/gbps_vs_size.svg" && grep -q 'burst size' "$out/gbps_vs_size.svg" \
	&& pass "GB/s plot is labelled and names the kernels" || fail "GB/s plot labels"
grep -q 'added ns per 64-byte burst' "$out/barrier_cost.svg" && pass "barrier plot is labelled" || fail "barrier plot labels"
check_exit "an existing results dir is not overwritten" 2 "$WCBENCH" run --quick --no-plot --out "$out" -k c_8
# compare, report and plot check their output directory before they print or write anything
bad_output "compare -o under a file" "-o $bo/file/cmp: cannot create the directory: $bo/file is not a directory" "$bo/file/cmp" \
	"$WCBENCH" compare -o "$bo/file/cmp" "$out" "$out"
bad_output "compare -o whose compare.csv is a directory" "-o $bo/cmp/compare.csv: is a directory" \
	"$bo/cmp/compare.txt" "$WCBENCH" compare -o "$bo/cmp" "$out" "$out"
bad_output "report -o whose report.md is a symbolic link" "-o $bo/rep/report.md: is a symbolic link" \
	"$bo/rep/index.html" "$WCBENCH" report -o "$bo/rep" "$out"
bad_output "report -o a file" "-o $bo/file: exists and is not a directory" "$bo/file/index.html" \
	"$WCBENCH" report -o "$bo/file" "$out"
bad_output "plot -o whose gbps_vs_size.png has two hard links" "-o $bo/plt/gbps_vs_size.png: has 2 hard links" \
	"$bo/plt/barrier_cost.png" "$WCBENCH" plot "$out" -o "$bo/plt"
[ ! -s "$bo/shared2" ] && [ ! -e "$bo/elsewhere.md" ] && pass "bad output path: nothing written through a link" ||
	fail "bad output path: written through a link"

# --- --probe: each target's effective memory type in its rows, how it was decided in metadata ---
# probe_entries DIR: the memtype_probes of DIR/metadata.json, one "target|memtype_effective|how" a line
probe_entries() {
	python3 -c 'import json, sys
for p in json.load(open(sys.argv[1])).get("memtype_probes", []): print("%s|%s|%s" % (p["target"], p["memtype_effective"], p["how"]))' "$1/metadata.json"
}
[ -z "$(col "$csv" memtype_effective | sort -u)" ] && ! grep -q memtype_probes "$out/metadata.json" \
	&& pass "without --probe: memtype_effective empty, no memtype_probes in metadata.json" \
	|| fail "without --probe: memtype_effective empty, no memtype_probes" "$(col "$csv" memtype_effective | sort -u | tr '\n' ' ')"
p="$TMPROOT/probe"
head -c 65536 /dev/zero >"$TMPROOT/probe.bin"
"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64,4K --probe -t ram -t file:"$TMPROOT/probe.bin" -w 0:4K --out "$p" \
	>/dev/null 2>"$TMPROOT/probe.err"
rc=$?
entries=$(probe_entries "$p" 2>&1)
if [ "$(uname -m)" = x86_64 ]; then
	[ $rc -eq 0 ] && [ "$(($(wc -l <"$p/results.csv") - 1))" -eq 4 ] && [ -z "$(col "$p/results.csv" memtype_effective | sort -u)" ] \
		&& [ "$(echo "$entries" | grep -c '^[^|]*||not probed: x86_64 has no timing-free probe')" -eq 2 ] \
		&& echo "$entries" | grep -q '^ram|' && echo "$entries" | grep -q '^file:' \
		&& pass "--probe on x86_64: memtype_effective empty in every row, metadata.json says why for each target" \
		|| fail "--probe on x86_64" "exit $rc, entries: $entries $(tail -2 "$TMPROOT/probe.err")"
else
	[ $rc -eq 0 ] && [ "$(col "$p/results.csv" memtype_effective | sort -u)" = Normal ] \
		&& [ "$(echo "$entries" | grep -c '|Normal|.*no alignment fault')" -eq 2 ] \
		&& pass "--probe on $(uname -m): Normal in every row of RAM and a file, metadata.json says how" \
		|| fail "--probe on $(uname -m)" "exit $rc, entries: $entries $(tail -2 "$TMPROOT/probe.err")"
fi
grep -q '"option_probe": "on"' "$p/metadata.json" && pass "--probe is among the options a resume must repeat" \
	|| fail "--probe recorded for --resume" "$(grep must_match "$p/metadata.json")"

# --- verify on RAM, every kernel and barrier ---
"$WCBENCH" run --quick --no-plot --verify --out "$TMPROOT/verify" >/dev/null 2>&1
v_ok=$(col "$TMPROOT/verify/results.csv" verify | grep -c '^ok$')
v_all=$(col "$TMPROOT/verify/results.csv" status | grep -c '^ok$')
[ "$v_ok" -eq "$v_all" ] && [ "$v_all" -gt 0 ] && pass "--verify: every measured case holds exactly the pattern ($v_ok)" \
	|| fail "--verify" "$v_ok of $v_all"

# --- threads and placement ---
"$WCBENCH" run --quick --no-plot -k c_8 -b none -s 4K -j 1,2 --out "$TMPROOT/threads" >/dev/null 2>&1
t2=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["threads"]==2 {print $c["cpus"] "|" $c["nodes"] "|" $c["packages"] "|" $c["status"]}' "$TMPROOT/threads/results.csv")
[[ "$t2" =~ ^[0-9]+\;[0-9]+\|[0-9-]+\;[0-9-]+\|[0-9-]+\;[0-9-]+\|ok$ ]] && pass "2 threads: each thread's CPU, node and package recorded ($t2)" \
	|| fail "2 threads recorded" "$t2"
check "ram:node=0 binds and runs" "$WCBENCH" run --quick --no-plot -k c_8 -b none -s 64 -t ram:node=0 --out "$TMPROOT/node"

# hugetlb for real when this test may reserve pages (root): then give them back
if [ -w /proc/sys/vm/nr_hugepages ] && [ "$(cat /proc/sys/vm/nr_hugepages)" = 0 ]; then
	echo 16 >/proc/sys/vm/nr_hugepages
	"$WCBENCH" run --no-plot -t ram:hugetlb -w 0:8M -k c_8 -b none -s 4K --verify --out "$TMPROOT/huge" >/dev/null 2>&1
	echo 0 >/proc/sys/vm/nr_hugepages
	[ "$(col "$TMPROOT/huge/results.csv" map)|$(col "$TMPROOT/huge/results.csv" verify)" = "hugetlb|ok" ] \
		&& pass "ram:hugetlb maps huge pages and verifies" || fail "ram:hugetlb run"
fi

# --- resume after truncation (more in tests/t_resume.sh) ---
r="$TMPROOT/resume"
"$WCBENCH" run --quick --no-plot -k c_8 -s 64,4K --out "$r" >/dev/null 2>&1
full=$(($(wc -l <"$r/results.csv") - 1))
head -3 "$r/results.csv" >"$r/t" && mv "$r/t" "$r/results.csv"
"$WCBENCH" run --quick --no-plot -k c_8 -s 64,4K --out "$r" --resume >/dev/null 2>&1
after=$(($(wc -l <"$r/results.csv") - 1))
dups=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
	{print $c["target"], $c["kernel"], $c["barrier"], $c["barrier_every"], $c["burst_bytes"], $c["threads"], $c["drain"]}' \
	"$r/results.csv" | sort | uniq -d | wc -l)
[ "$after" -eq "$full" ] && [ "$dups" -eq 0 ] && pass "--resume adds only the missing cases ($after rows)" \
	|| fail "--resume" "$after rows of $full, $dups duplicates"

# (interrupts: tests/t_interrupt.sh)

# --- static build (what guests run) ---
static=$TOP/wcbench-$(uname -m)
if [ -x "$static" ]; then
	"$static" run --quick --no-plot -k c_8 -b none --out "$TMPROOT/static" >/dev/null 2>&1
	grep -q '"topology_source": "sysfs' "$TMPROOT/static/metadata.json" && [ "$(col "$TMPROOT/static/results.csv" status | sort -u)" = ok ] \
		&& pass "static build runs, topology from sysfs" || fail "static build"
else
	fail "static build exists" "$static missing"
fi

# --- aarch64: the same quick run under qemu-user, every arm64 kernel and barrier ---
if [ "$(uname -m)" = x86_64 ]; then
	qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
	a="$TMPROOT/arm64"
	"$qemu" -cpu max "$TOP/wcbench-aarch64" run --quick --no-plot --verify -T 0.02 --out "$a" >/dev/null 2>"$TMPROOT/arm.err"
	arch_col=$(col "$a/results.csv" arch | sort -u)
	nonok=$(awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next} $c["status"]!="ok" {print $c["kernel"] ":" $c["status"]}' "$a/results.csv" | sort -u | tr '\n' ' ')
	kernels=$(col "$a/results.csv" kernel | sort -u | wc -l)
	barriers_=$(col "$a/results.csv" barrier | sort -u | wc -l)
	[ "$arch_col" = aarch64 ] && [ "$kernels" -eq 10 ] && [ "$barriers_" -eq 7 ] && [ "$nonok" = "st64b_64:unsupported " ] \
		&& pass "aarch64 under qemu: 10 kernels x 7 barriers verified ok, st64b_64 unsupported with reason" \
		|| fail "aarch64 under qemu" "arch=$arch_col kernels=$kernels barriers=$barriers_ not ok: $nonok $(tail -2 "$TMPROOT/arm.err")"
	grep -q 'HWCAP3_LS64' "$a/results.csv" && pass "st64b_64 row names the missing hwcap" || fail "st64b reason"
	# --probe: an unaligned STR into RAM or a file completes (Normal memory), inside the window only
	ap="$TMPROOT/arm64-probe"
	pf="$TMPROOT/arm64-probe.bin"
	head -c 65536 /dev/zero | tr '\0' '\347' >"$pf"
	"$qemu" -cpu max "$TOP/wcbench-aarch64" run --quick --no-plot -k str_8 -b none -s 64 -T 0.02 --probe \
		-t ram -t "file:$pf" -w 4K:4K --out "$ap" >/dev/null 2>"$TMPROOT/arm-probe.err"
	rc=$?
	entries=$(probe_entries "$ap" 2>&1)
	eff=$(col "$ap/results.csv" memtype_effective | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
	[ $rc -eq 0 ] && [ "$eff" = " 2 Normal " ] && [ "$(echo "$entries" | grep -c '|Normal|unaligned 8-byte STR at window+1: completed')" -eq 2 ] \
		&& pass "aarch64 under qemu: run --probe fills Normal in every row, metadata.json says how" \
		|| fail "aarch64 under qemu: run --probe" "exit $rc, column: $eff, entries: $entries $(tail -2 "$TMPROOT/arm-probe.err")"
	{ head -c 4096 "$pf" | tr -d '\347'; tail -c +8193 "$pf" | tr -d '\347'; } | cmp -s - /dev/null \
		&& pass "aarch64 under qemu: --probe stores nothing outside the window" \
		|| fail "aarch64 under qemu: --probe stores nothing outside the window"
fi

# --- the sanitizer build runs a real sweep clean ---
if [ -x "$TOP/wcbench-san" ]; then
	check "ASan/UBSan build: quick verified run is clean" "$TOP/wcbench-san" run --quick --verify -k c_8,mov_8 -j 1,2 --out "$TMPROOT/san"
fi

# --- the documented schema is the declared one ---
"$WCBENCH" schema >"$TMPROOT/schema.md"
if grep -qxF -f "$TMPROOT/schema.md" "$TOP/results/SCHEMA.md" && [ "$(grep -cxF -f "$TMPROOT/schema.md" "$TOP/results/SCHEMA.md")" -eq "$(wc -l <"$TMPROOT/schema.md")" ]; then
	pass "results/SCHEMA.md holds the column table wcbench declares"
else
	fail "results/SCHEMA.md is stale" "regenerate the table with: wcbench schema"
fi

# --- make install: the installed binary finds its plots and guest scripts ---
inst="$TMPROOT/inst"
if make -s -C "$TOP" install PREFIX="$inst" >"$TMPROOT/install.log" 2>&1; then
	"$inst/bin/wcbench" run --quick -k c_8 -b none --out "$TMPROOT/installed" >/dev/null 2>&1
	is_png "$TMPROOT/installed/gbps_vs_size.png" && pass "installed wcbench plots with its installed scripts" \
		|| fail "installed wcbench plots" "$(cat "$TMPROOT/installed/gnuplot.log" 2>/dev/null)"
	"$inst/bin/wcbench" guest --help >/dev/null 2>&1 && pass "installed wcbench finds its guest launcher" \
		|| fail "installed wcbench guest --help"
	cmp -s "$inst/share/man/man1/wcbench-run.1" "$TMPROOT/wcbench-run.1" && pass "make install installs run's man page" \
		|| fail "make install installs run's man page" "no $inst/share/man/man1/wcbench-run.1"
else
	fail "make install PREFIX=" "$(tail -3 "$TMPROOT/install.log")"
fi

# --- file target: stores only inside the window (the host-side twin of the guest BAR test) ---
f="$TMPROOT/bar.bin"
head -c 1048576 /dev/zero | tr '\0' '\347' >"$f"
"$WCBENCH" run --quick --no-plot --verify -t "file:$f" -w 4K:64K -k c_8,"$("$WCBENCH" list kernels | awk 'NR>2 && $NF=="yes"{print $1; exit}')" \
	--out "$TMPROOT/file" >/dev/null 2>&1
hex=$(sed -n 's/.*"pattern_hex": *"\([0-9a-f]*\)".*/\1/p' "$TMPROOT/file/metadata.json")
printf "$(echo "$hex" | sed 's/../\\x&/g')" >"$TMPROOT/period.bin"
{ head -c 4096 /dev/zero | tr '\0' '\347'
  for _ in $(seq 1024); do cat "$TMPROOT/period.bin"; done
  head -c $((1048576 - 4096 - 65536)) /dev/zero | tr '\0' '\347'; } >"$TMPROOT/expected.bin"
st=$(col "$TMPROOT/file/results.csv" status | sort -u | tr '\n' ' ')
if [ "$st" = "ok " ] && cmp -s "$TMPROOT/expected.bin" "$f"; then
	pass "file target: window holds the pattern, every byte outside it untouched"
else
	fail "file target" "statuses: $st; $(cmp "$TMPROOT/expected.bin" "$f" 2>&1 | head -1)"
fi
bad_input "file window past the end" "past the end of the file" -t "file:$f" -w 1M:4K

# --- wcbench plot: plots from the CSV alone ---
rm -f "$TMPROOT/verify"/*.png
"$WCBENCH" plot "$TMPROOT/verify" >/dev/null 2>&1
is_png "$TMPROOT/verify/gbps_vs_size.png" && is_png "$TMPROOT/verify/barrier_cost.png" \
	&& pass "wcbench plot draws a --no-plot run's figures" || fail "wcbench plot"
check_exit "wcbench plot without a run is a usage error" 2 "$WCBENCH" plot
check_exit "wcbench plot of a file that is not results is a usage error" 2 "$WCBENCH" plot "$TMPROOT/verify/metadata.json"

# --- progress: a line on stderr when it is a terminal, none when it is not ---
if command -v script >/dev/null; then
	script -qc "'$WCBENCH' run --quick --no-plot -k c_8 -b none --out '$TMPROOT/tty'" "$TMPROOT/tty.log" >/dev/null 2>&1
	grep -q '\[3/3, ' "$TMPROOT/tty.log" && pass "progress line on a terminal" || fail "progress line on a terminal"
	grep -q '\[1/3, ' "$TMPROOT/quick.err" && fail "no progress line when stderr is a file" || pass "no progress line when stderr is a file"
fi
