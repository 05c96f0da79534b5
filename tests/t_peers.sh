#!/usr/bin/env bash
# bench/peers/peers.sh (make bench-peers) against stand-ins for likwid-bench, pmbw and
# tinymembench that print their documented output with known numbers, beside the real wcbench
# (tinymembench's pairs: beside a wcbench stand-in, whose fastest and median samples differ): the
# command lines the peers get (one CPU, exact bytes, one pmbw size, tinymembench once per round),
# the unit conversions (likwid MByte/s, pmbw B/s, tinymembench MB/s), the medians and spreads, the
# ratio and worst-ratio lines, the interleaving, the skips and the failed runs. Then
# bench/peers/fetch-debian-deb.sh against a local archive signed with a throwaway key: the good
# chain, and each link of it broken.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
[ "$(uname -m)" = x86_64 ] || { skip "peers" "the pairs are x86_64 kernels"; exit 77; }
command -v taskset >/dev/null || { missing "peers" "taskset not found"; exit 77; }
[ -x "$WCBENCH" ] || { fail "peers" "$WCBENCH is missing (make)"; exit 1; }
bin=$TMPROOT/bin
mkdir -p "$bin"

# likwid-bench stand-in: MByte/s cycles through FAKE_MBS, one value per call of each test;
# FAKE_BAD_TEST prints a non-number instead
cat >"$bin/likwid-bench" <<'EOF'
#!/usr/bin/env bash
echo "likwid-bench $* cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)" >>"$FAKE_LOG"
while getopts "t:w:i:s:" o; do case $o in t) t=$OPTARG ;; w) w=$OPTARG ;; esac; done
size=${w#*:}; size=${size%%B:*}
n=$(cat "$FAKE_DIR/likwid-$t" 2>/dev/null || echo 0); echo $((n + 1)) >"$FAKE_DIR/likwid-$t"
set -- $FAKE_MBS; shift $((n % $#)); mbs=$1
[ "$t" = "${FAKE_BAD_TEST:-}" ] && mbs=nan
printf 'Time:\t\t\t1.000000e+00 sec\nIterations:\t\t4242\nIterations per thread:\t4242\n'
printf 'Size (Byte):\t\t%s\nMByte/s:\t\t%s\n' "$size" "$mbs"
EOF
# pmbw stand-in: 0.6.3's -h (FAKE_PMBW_OLD: 0.6.2's, without -S), -f list without the 256-bit
# functions, and one RESULT line in ./stats.txt at 2.5e9 B/s
cat >"$bin/pmbw" <<'EOF'
#!/usr/bin/env bash
echo "pmbw $* cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)" >>"$FAKE_LOG"
if [ "$1" = -h ]; then
	echo "  -s <size>      Limit the _minimum_ test array size [byte]. Set to 0 for no limit." >&2
	[ -n "${FAKE_PMBW_OLD:-}" ] || echo "  -S <size>      Limit the _maximum_ test array size [byte]. Set to 0 for no limit." >&2
	exit 1
fi
if [ "$1 $2" = "-f list" ]; then
	printf 'Test Function List\n  ScanWrite64PtrSimpleLoop\n  ScanWrite64PtrUnrollLoop\n  ScanWrite128PtrSimpleLoop\n  ScanWrite128PtrUnrollLoop\n'
	exit 0
fi
while getopts "p:P:s:S:M:f:" o; do case $o in S) size=$OPTARG ;; f) f=$OPTARG ;; esac; done
rm -f stats.txt
printf 'RESULT\tdatetime=2024-01-01 00:00:00\thost=h\tversion=0.6.3\tfuncname=%s\tnthreads=1\tareasize=%s\tthreadsize=%s\ttestsize=%s\trepeats=1\ttestvol=1\ttestaccess=1\ttime=1.2\tbandwidth=2500000000\trate=1e-10\n' \
	"$f" "$size" $((size + 128)) $((size + 128)) >>stats.txt
EOF
# tinymembench stand-in: its bandwidth lines as tinymembench prints them (the test padded to 52,
# "%8.1f MB/s", the deviation when >= 0.1%), "C fill" MB/s cycling through FAKE_TMB_MBS, one value
# per run, and a decoy whose name starts with "C fill"; then its latency section's header and a
# minute of nothing, as the real one takes minutes more. FAKE_TMB_BAD: that test prints a
# non-number; FAKE_TMB_DROP: no line for it; FAKE_TMB_NOUNIT: no "1MB = 1000000 bytes" note
cat >"$bin/tinymembench" <<'EOF'
#!/usr/bin/env bash
echo "tinymembench $* cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)" >>"$FAKE_LOG"
echo $$ >>"$FAKE_DIR/tinymembench.pids"
n=$(cat "$FAKE_DIR/tinymembench-runs" 2>/dev/null || echo 0); echo $((n + 1)) >"$FAKE_DIR/tinymembench-runs"
set -- $FAKE_TMB_MBS; shift $((n % $#)); cfill=$1
line() {
	[ "$1" = "${FAKE_TMB_DROP:-}" ] && return
	if [ "$1" = "${FAKE_TMB_BAD:-}" ]; then printf ' %-52s : %8s MB/s\n' "$1" nan
	else printf ' %-52s : %8.1f MB/s%s\n' "$1" "$2" "${3:+ ($3)}"; fi
}
echo "tinymembench v0.4.9 (simple benchmark for memory throughput and latency)"
echo "== Memory bandwidth tests                                               =="
[ -n "${FAKE_TMB_NOUNIT:-}" ] || echo "== Note 1: 1MB = 1000000 bytes                                          =="
line "C copy" 9000 1.5%
line "C fill" "$cfill" 1.2%
line "C fill (shuffle within 16 byte blocks)" 99999
line "standard memset" 88888
line "SSE2 fill" 40000
line "SSE2 nontemporal fill" 25000 0.5%
echo
echo "== Memory latency test                                                  =="
exec sleep 60
EOF
# wcbench stand-in for tinymembench's pairs: `run` records its command line and CPU list and
# writes a results.csv whose fastest sample (ns_per_burst_min) stores 32 MiB at the GB/s of
# FAKE_WC_GBPS, cycling per kernel, and whose median sample is twice as slow; any other command
# is the real wcbench's (list kernels)
cat >"$bin/wcbench" <<'EOF'
#!/usr/bin/env bash
[ "$1" = run ] || exec "$REAL_WCBENCH" "$@"
echo "wcbench $* cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)" >>"$FAKE_LOG"
while [ $# -gt 0 ]; do case $1 in --out) out=$2; shift ;; -k) k=$2; shift ;; -s) s=$2; shift ;; esac; shift; done
n=$(cat "$FAKE_DIR/wc-$k" 2>/dev/null || echo 0); echo $((n + 1)) >"$FAKE_DIR/wc-$k"
set -- $FAKE_WC_GBPS; shift $((n % $#))
[ "$s" = 32M ] || { echo "the stand-in stores 32M only, not $s" >&2; exit 1; }
mkdir -p "$out"
awk -v g="$1" -v b=33554432 'BEGIN {
	print "run_id,kernel,samples,bursts_per_sample,ns_per_burst_median,ns_per_burst_min,gb_per_s_median,ns_per_burst_ci_lo,ns_per_burst_ci_hi,status"
	printf "fake,k,10,512,%.4f,%.4f,%.4f,%.4f,%.4f,ok\n", 2 * b / g, b / g, g / 2, 1.9 * b / g, 2.1 * b / g }' >"$out/results.csv"
EOF
chmod +x "$bin/likwid-bench" "$bin/pmbw" "$bin/tinymembench" "$bin/wcbench"

# peers NAME ENV...: run bench/peers/peers.sh on CPU 0 with the stand-ins; out in $TMPROOT/NAME.*
peers() {
	local name=$1; shift
	mkdir -p "$TMPROOT/$name.fake"
	env FAKE_LOG="$TMPROOT/$name.args" FAKE_DIR="$TMPROOT/$name.fake" FAKE_MBS="1000 3000 2000" \
		LIKWID_BENCH="$bin/likwid-bench" PMBW="$bin/pmbw" TINYMEMBENCH="$bin/tinymembench" \
		WCBENCH="$WCBENCH" REAL_WCBENCH="$WCBENCH" PEERS="likwid pmbw" \
		PEERS_SETS=16K PEERS_REPS=3 PEERS_STRETCH_MS=5 PEERS_TIME=0.1 "$@" \
		bench/peers/peers.sh 0 >"$TMPROOT/$name.out" 2>"$TMPROOT/$name.err"
	echo $? >"$TMPROOT/$name.rc"
}
# row NAME TEST: the table row of peer test TEST
row() { awk -v t="$2" '$2 == t && $4 == "16" && $5 == "KiB"' "$TMPROOT/$1.out"; }

peers both
o=$TMPROOT/both.out
rc=$(cat "$TMPROOT/both.rc")
[ "$rc" = 0 ] && pass "peers: exit 0 with both peers" || fail "peers: exit 0 with both peers" "exit $rc: $(tail -3 "$TMPROOT/both.err")"
n_likwid=$(awk '$1 == "likwid-bench" && $4 == 16' "$o" | wc -l)
n_pmbw=$(awk '$1 == "pmbw" && $4 == 16' "$o" | wc -l)
[ "$n_likwid" = 7 ] && [ "$n_pmbw" = 4 ] && pass "peers: a row per pair (7 likwid, 4 pmbw offered)" ||
	fail "peers: a row per pair" "likwid $n_likwid, pmbw $n_pmbw rows"
grep -q '^pmbw ScanWrite256PtrUnrollLoop: skipped: this pmbw does not offer it' "$o" &&
	pass "peers: a pmbw function -f list lacks is skipped with a line" || fail "peers: pmbw -f list skip line"

# likwid: MByte/s 1000, 3000, 2000 -> GB/s median 2.00 of 1.00..3.00
r=$(row both store)
case "$r" in *" 2.00 (1.00-3.00) "*) pass "peers: likwid MByte/s / 1000, median (min - max) of 3 runs" ;;
	*) fail "peers: likwid median (min - max)" "row: $r" ;; esac
# pmbw: bandwidth 2.5e9 B/s -> 2.50 GB/s, and the bytes it really stored
r=$(row both ScanWrite64PtrUnrollLoop)
case "$r" in *" 2.50 (2.50-2.50) "*"(pmbw: 16512 bytes stored per pass)"*) pass "peers: pmbw bandwidth / 10^9 and its array size" ;;
	*) fail "peers: pmbw GB/s" "row: $r" ;; esac

# ratio = wcbench median / peer median, best = wcbench max / peer max, from the printed cells
# (2 decimals: within 1%)
bad=$(awk '($1 == "likwid-bench" || $1 == "pmbw") && $4 == 16 {
	peer = $6; wc = $8; r = $10; split($7, p, /[()-]/); split($9, w, /[()-]/); rb = $11
	if (peer <= 0 || wc <= 0 || r <= 0 || (r - wc / peer) ^ 2 > (0.01 * r) ^ 2 ||
	    p[3] <= 0 || w[3] <= 0 || (rb - w[3] / p[3]) ^ 2 > (0.01 * rb) ^ 2) print }' "$o")
[ -z "$bad" ] && pass "peers: ratio of medians and of the fastest runs" || fail "peers: ratios" "$bad"
# verdict COLUMN WORDS: the closing line the ratios of COLUMN make
verdict() {
	awk -v c="$1" -v words="$2" '($1 == "likwid-bench" || $1 == "pmbw") && $4 == 16 {
		if (w == "" || $c < w) { w = $c; what = $1 " " $2 " vs " $3 ", 16 KiB" }
		if ($c < 1) below++ }
		END { printf "worst ratio (%s): %.3f (%s); every pair >= 1.0: ", words, w, what
			if (below) printf "no (%d of 11 pairs below 1.0)", below; else printf "yes (11 pairs)" }' "$o"
}
for v in "10 medians" "11 best runs"; do
	want=$(verdict "${v%% *}" "${v#* }")
	grep -qxF "$want" "$o" && pass "peers: worst ratio and whether every pair reached 1.0 (${v#* })" ||
		fail "peers: worst ratio line (${v#* })" "want '$want', got '$(grep '^worst' "$o")'"
done
awk '$1 == "likwid-bench" && $2 == "store" && $12 > 0 && $13 ~ /^\[[0-9.]+-[0-9.]+\]$/' "$o" | grep -q . &&
	pass "peers: wcbench's own median and 95% CI beside" || fail "peers: wcbench run column" "$(row both store)"

# the peers' command lines: one CPU, the exact bytes, likwid's calibration once then -i
a=$TMPROOT/both.args
# (pmbw -h and -f list only say what pmbw offers: not pinned)
runs=$(grep -E -- ' -(t|f Scan)' "$a")
[ -n "$runs" ] && ! grep -qv 'cpus=0$' <<<"$runs" && pass "peers: every peer run pinned to CPU 0" ||
	fail "peers: pinning" "$(grep -v 'cpus=0$' <<<"$runs" | head -2)"
# the stand-in's calibration: 4242 iterations in 1 s; a 5 ms stretch is 21 of them
l=$(grep -c '^likwid-bench -t store -w N:16384B:1 -s 1 cpus' "$a")
li=$(grep -c '^likwid-bench -t store -w N:16384B:1 -i 21 cpus' "$a")
[ "$l" = 1 ] && [ "$li" = 3 ] && pass "peers: likwid calibrates once, then -i iterations for the stretch, at the exact bytes" ||
	fail "peers: likwid command lines" "$(grep -- '-t store ' "$a")"
grep -qE '^pmbw -p 1 -P 1 -s 16384 -S 16384 -M [0-9]+ -f ScanWrite128PtrSimpleLoop cpus=0$' "$a" &&
	pass "peers: pmbw runs one thread, one size, one function" || fail "peers: pmbw command line" "$(grep -- '-f Scan' "$a" | head -1)"
# interleaving: round 1 likwid first, round 2 reversed (pmbw first)
grep -q 'mov_8: round 1 of 3: likwid:store wcbench:mov_8 pmbw:ScanWrite64PtrUnrollLoop pmbw:ScanWrite64PtrSimpleLoop$' "$TMPROOT/both.err" &&
	grep -q 'mov_8: round 2 of 3: pmbw:ScanWrite64PtrSimpleLoop pmbw:ScanWrite64PtrUnrollLoop wcbench:mov_8 likwid:store$' "$TMPROOT/both.err" &&
	pass "peers: sides interleaved, the order reversed every other round" || fail "peers: interleaving" "$(grep 'mov_8: round' "$TMPROOT/both.err")"

# a peer printing a non-number: no figure for its pair, said so, exit 1; pmbw and tinymembench
# absent (every peer asked for): skipped
peers bad FAKE_BAD_TEST=store_avx512 PMBW=/nonexistent/pmbw TINYMEMBENCH=/nonexistent/tinymembench PEERS= PEERS_REPS=1
o=$TMPROOT/bad.out
[ "$(cat "$TMPROOT/bad.rc")" = 1 ] && pass "peers: a failed peer run exits 1" || fail "peers: failed run exit" "exit $(cat "$TMPROOT/bad.rc")"
case "$(row bad store_avx512)" in *" n/a (-) "*"[peer: 0 of 1 runs]"*) pass "peers: a non-number from a peer is no figure" ;;
	*) fail "peers: non-number" "$(row bad store_avx512)" ;; esac
[ "$(grep -c '; every pair >= 1.0: unknown (1 of 7 pairs have no figure)$' "$o")" = 2 ] &&
	pass "peers: a pair without figure leaves 'every pair' unknown" || fail "peers: unknown line" "$(grep '^worst' "$o")"
grep -q '^pmbw: skipped: /nonexistent/pmbw not found' "$o" &&
	grep -q '^tinymembench: skipped: /nonexistent/tinymembench not found' "$o" &&
	pass "peers: a missing peer is skipped with a line" || fail "peers: missing peer line" "$(head -3 "$o")"

# no peer at all: exit 77; a pmbw without -S (0.6.2) is no peer
peers none LIKWID_BENCH=/nonexistent/likwid-bench FAKE_PMBW_OLD=1
[ "$(cat "$TMPROOT/none.rc")" = 77 ] && grep -q '^pmbw: skipped: .* has no -S' "$TMPROOT/none.out" &&
	grep -q 'no peer tool is available' "$TMPROOT/none.err" && pass "peers: no usable peer: exit 77, each said" ||
	fail "peers: no peer" "exit $(cat "$TMPROOT/none.rc"): $(cat "$TMPROOT/none.out" "$TMPROOT/none.err")"

# tinymembench: one run per round for its three pairs at its 32 MiB, beside the wcbench stand-in
# trow NAME TEST: the table row of tinymembench test TEST, from the wcbench column on (the test
# names hold blanks: that column starts at character 40): kernel, set (2 words), peer median,
# (min-max), wcbench median, (min-max), ratio, best, wcbench run, [CI], notes
trow() {
	awk -v t="$2" 'substr($0, 1, 13) == "tinymembench " {
		x = substr($0, 14, 25); sub(/ +$/, "", x); if (x == t) print substr($0, 40) }' "$TMPROOT/$1.out"
}
# stand-in pids still there (stopped after their bandwidth lines, none should be)
tmb_alive() {
	local pid alive=""
	for pid in $(cat "$TMPROOT"/*.fake/tinymembench.pids 2>/dev/null); do
		kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
	done
	echo "$alive"
}
start=$SECONDS
peers tmb PEERS=tinymembench WCBENCH="$bin/wcbench" FAKE_TMB_MBS="10000 30000 20000" FAKE_WC_GBPS="20 25 16"
took=$((SECONDS - start))
o=$TMPROOT/tmb.out
rc=$(cat "$TMPROOT/tmb.rc")
[ "$rc" = 0 ] && pass "peers: tinymembench: exit 0" || fail "peers: tinymembench: exit 0" "exit $rc: $(tail -3 "$TMPROOT/tmb.err")"
n=$(awk 'substr($0, 1, 13) == "tinymembench " && substr($0, 53, 6) == "32 MiB"' "$o" | wc -l)
[ "$n" = 3 ] && pass "peers: tinymembench: a row per pair, at its 32 MiB" || fail "peers: tinymembench rows" "$n rows: $(cat "$o")"
# C fill: MB/s 10000, 30000, 20000 -> GB/s median 20.00 of 10.00..30.00; wcbench: the fastest
# samples' 20, 25, 16 GB/s -> 20.00 of 16.00..25.00 (its medians would be half that); ratio
# 20 / 20, best 25 / 30. SSE2 fill: 40000 MB/s each run; SSE2 nontemporal fill: 25000.
# tcheck TEST PEER WCBENCH RATIO BEST: the row's figures
tcheck() {
	trow tmb "$1" | awk -v want="$2 $3 $4 $5" '{ got = $4 " " $5 " " $6 " " $7 " " $8 " " $9 }
		END { if (got != want) { print "want " want ", got " got; exit 1 } }'
}
bad=""
for want in "C fill|20.00 (10.00-30.00)|20.00 (16.00-25.00)|1.000|0.833" \
	"SSE2 fill|40.00 (40.00-40.00)|20.00 (16.00-25.00)|0.500|0.625" \
	"SSE2 nontemporal fill|25.00 (25.00-25.00)|20.00 (16.00-25.00)|0.800|1.000"; do
	IFS='|' read -r t p w r b <<<"$want"
	why=$(tcheck "$t" "$p" "$w" "$r" "$b") || bad="$bad $t: $why;"
done
[ -z "$bad" ] && pass "peers: tinymembench MB/s / 1000, wcbench bytes / ns_per_burst_min, medians, spreads, ratios" ||
	fail "peers: tinymembench figures" "$bad"
[ "$(trow tmb "C fill" | awk '{ print $1, $2, $3 }')" = "mov_8 32 MiB" ] &&
	[ "$(trow tmb "SSE2 fill" | awk '{ print $1 }')" = movdqa_16 ] &&
	[ "$(trow tmb "SSE2 nontemporal fill" | awk '{ print $1 }')" = movntdq_16 ] &&
	pass "peers: tinymembench's tests paired with mov_8, movdqa_16, movntdq_16" || fail "peers: tinymembench pairs" "$(grep '^tinymembench' "$o")"
# the closing lines, from the ratios above: SSE2 fill is the worst of both; C fill's 1.000 is not below
grep -qxF 'worst ratio (medians): 0.500 (tinymembench SSE2 fill vs movdqa_16, 32 MiB); every pair >= 1.0: no (2 of 3 pairs below 1.0)' "$o" &&
	grep -qxF 'worst ratio (best runs): 0.625 (tinymembench SSE2 fill vs movdqa_16, 32 MiB); every pair >= 1.0: no (2 of 3 pairs below 1.0)' "$o" &&
	pass "peers: tinymembench pairs in the worst-ratio lines" || fail "peers: tinymembench worst ratio" "$(grep '^worst' "$o")"
trow tmb "C fill" | awk '$10 > 0 && $11 ~ /^\[[0-9.]+-[0-9.]+\]$/' | grep -q . &&
	pass "peers: tinymembench pairs: wcbench's own median and 95% CI at 32 MiB beside" || fail "peers: tinymembench own column" "$(trow tmb "C fill")"
a=$TMPROOT/tmb.args
[ "$(grep -c '^tinymembench' "$a")" = 3 ] && [ "$(grep -c '^tinymembench  cpus=0$' "$a")" = 3 ] &&
	pass "peers: tinymembench runs once per round (3), without options, pinned to CPU 0" ||
	fail "peers: tinymembench command lines" "$(grep '^tinymembench' "$a")"
bad=""
for k in mov_8 movdqa_16 movntdq_16; do
	n=$(grep -cE -- "^wcbench run --no-plot -k $k -b none -d none -s 32M -w 0:32M -c 0 --sample-ms 500 --min-samples 10 --max-samples 10 -T 600 --out [^ ]+ cpus=0$" "$a")
	[ "$n" = 3 ] || bad="$bad $k: $n runs;"
done
[ -z "$bad" ] && pass "peers: wcbench beside tinymembench: 32M, 10 samples of >= 500 ms, barrier and drain none, CPU 0" ||
	fail "peers: wcbench command lines beside tinymembench" "$bad $(grep -- '-s 32M' "$a" | head -2)"
order=$(awk '/^tinymembench/ { printf "T " } /^wcbench run/ && / --sample-ms 500 / { for (i = 1; i < NF; i++) if ($i == "-k") printf "%s ", $(i + 1) }' "$a")
[ "$order" = "T mov_8 movdqa_16 movntdq_16 movntdq_16 movdqa_16 mov_8 T T mov_8 movdqa_16 movntdq_16 " ] &&
	grep -q '32M tinymembench: round 2 of 3: wcbench:movntdq_16 wcbench:movdqa_16 wcbench:mov_8 tinymembench$' "$TMPROOT/tmb.err" &&
	pass "peers: tinymembench and wcbench interleaved, the order reversed every other round" ||
	fail "peers: tinymembench interleaving" "ran: $order"
# each stand-in sleeps a minute after its last line: stopped there, not waited for
alive=$(tmb_alive)
[ "$took" -lt 60 ] && [ -z "$alive" ] && pass "peers: tinymembench stopped once its lines are there (${took} s for 3 rounds)" ||
	fail "peers: tinymembench stopped early" "took $took s, still running:$alive"
tr '\n' ' ' <"$o" | grep -qF 'wcbench: -s 32M -w 0:32M --sample-ms 500 --min-samples 10 --max-samples 10, GB/s = bytes / ns_per_burst_min (its fastest sample).' &&
	pass "peers: the table says how tinymembench's wcbench side was measured" || fail "peers: tinymembench footer" "$(tail -12 "$o")"

# a tinymembench line missing (a decoy "C fill (shuffle ...)" line stays) or not a number: no
# figure for that pair, said so, exit 1; the other pair keeps its figure
peers tmbbad PEERS=tinymembench WCBENCH="$bin/wcbench" FAKE_TMB_MBS=20000 FAKE_WC_GBPS=20 \
	FAKE_TMB_DROP="C fill" FAKE_TMB_BAD="SSE2 fill" PEERS_REPS=1
o=$TMPROOT/tmbbad.out e=$TMPROOT/tmbbad.err
[ "$(cat "$TMPROOT/tmbbad.rc")" = 1 ] &&
	grep -q '^bench/peers: tinymembench C fill at 32M, round 1, failed: tinymembench C fill: no line$' "$e" &&
	grep -qF 'bench/peers: tinymembench SSE2 fill at 32M, round 1, failed: tinymembench SSE2 fill: not "<number> MB/s": "     nan MB/s"' "$e" &&
	pass "peers: a missing or garbled tinymembench line is a failed run: exit 1, the line named" ||
	fail "peers: tinymembench failed run" "exit $(cat "$TMPROOT/tmbbad.rc"): $(grep -v round "$e" | head -3)"
[ "$(trow tmbbad "C fill" | awk '$4 == "n/a" && /\[peer: 0 of 1 runs\]/ { print "na" }')" = na ] &&
	[ "$(trow tmbbad "SSE2 fill" | awk '$4 == "n/a" { print "na" }')" = na ] &&
	[ "$(trow tmbbad "SSE2 nontemporal fill" | awk '{ print $4 }')" = 25.00 ] &&
	grep -q 'every pair >= 1.0: unknown (2 of 3 pairs have no figure)$' "$o" &&
	pass "peers: no figure for those pairs (not the decoy's), the others kept" ||
	fail "peers: tinymembench failed rows" "$(grep -e '^tinymembench' -e '^worst' "$o")"
# without its "1MB = 1000000 bytes" note the unit is not known: no figure at all
peers tmbunit PEERS=tinymembench WCBENCH="$bin/wcbench" FAKE_TMB_MBS=20000 FAKE_WC_GBPS=20 FAKE_TMB_NOUNIT=1 PEERS_REPS=1
[ "$(cat "$TMPROOT/tmbunit.rc")" = 1 ] && [ "$(grep -c 'its unit is unknown$' "$TMPROOT/tmbunit.err")" = 3 ] &&
	grep -q '^worst ratio: none' "$TMPROOT/tmbunit.out" &&
	pass "peers: tinymembench output without its unit note gives no figure" ||
	fail "peers: tinymembench unit" "exit $(cat "$TMPROOT/tmbunit.rc"): $(grep -v round "$TMPROOT/tmbunit.err" | head -3)"
alive=$(tmb_alive)
[ -z "$alive" ] || { fail "peers: tinymembench stand-ins left running" "$alive"; kill $alive 2>/dev/null; }
# a peer name that is not one: exit 2 before anything runs
peers badname PEERS="likwid nosuch"
[ "$(cat "$TMPROOT/badname.rc")" = 2 ] && grep -q "PEERS: no peer 'nosuch'" "$TMPROOT/badname.err" &&
	pass "peers: PEERS with an unknown name: exit 2" || fail "peers: PEERS unknown name" "exit $(cat "$TMPROOT/badname.rc")"

# bench/peers/fetch-debian-deb.sh against a local archive (file://) signed with a throwaway key
fetch_tests() {
	local t
	for t in gpg gpgv gpgconf dpkg-deb xz curl sha256sum; do
		command -v "$t" >/dev/null || { skip "fetch-debian-deb" "$t not found"; return 0; }
	done
	export GNUPGHOME=$TMPROOT/gnupg
	mkdir -m 700 "$GNUPGHOME"
	trap 'gpgconf --kill all 2>/dev/null; rm -rf "$TMPROOT"' EXIT
	local who
	for who in archive stranger; do
		gpg --batch --quiet --passphrase '' --quick-gen-key "wcbench test $who <$who@test.invalid>" ed25519 sign never \
			>/dev/null 2>&1 || { fail "fetch-debian-deb: a throwaway key" "gpg --quick-gen-key failed"; return 0; }
	done
	gpg --batch --export archive@test.invalid >"$TMPROOT/keyring.gpg"
	m=$TMPROOT/mirror
	idx=$m/dists/trixie/main/binary-amd64
	deb=pool/main/t/tinymembench/tinymembench_1.0-1_amd64.deb
	mkdir -p "$idx" "$m/${deb%/*}"
	mkdeb tinymembench 1.0-1 "$m/$deb"
	cp "$m/$deb" "$TMPROOT/good.deb"
	# the package for another architecture and another package around it: only its amd64 stanza counts
	{
		stanza tinymembench-doc 1.0-1 amd64 pool/main/t/tinymembench/doc.deb "$TMPROOT/good.deb"
		stanza tinymembench 1.0-1 i386 pool/main/t/tinymembench/tinymembench_1.0-1_i386.deb "$TMPROOT/good.deb"
		stanza tinymembench 1.0-1 amd64 "$deb" "$m/$deb"
	} >"$TMPROOT/Packages.good"
	index "$TMPROOT/Packages.good"
	release trixie archive
	cp "$idx/Packages.xz" "$TMPROOT/Packages.xz.good"
	cp "$m/dists/trixie/InRelease" "$TMPROOT/InRelease.good"

	fetch good trixie
	if [ "$(cat "$TMPROOT/fetch-good.rc")" = 0 ] && [ "$(cat "$TMPROOT/fetch-good.out")" = "$TMPROOT/dl-good/${deb##*/}" ] &&
		cmp -s "$TMPROOT/dl-good/${deb##*/}" "$m/$deb" && grep -q 'Good signature from "wcbench test archive' "$TMPROOT/fetch-good.err"; then
		pass "fetch-debian-deb: a good chain (signature, Packages.xz, .deb) gives the .deb"
	else
		fail "fetch-debian-deb: good chain" "exit $(cat "$TMPROOT/fetch-good.rc"): $(cat "$TMPROOT/fetch-good.err")"
	fi
	release trixie archive stranger
	fetch twokeys trixie
	[ "$(cat "$TMPROOT/fetch-twokeys.rc")" = 0 ] &&
		pass "fetch-debian-deb: a second signature by a key not in the keyring is passed over" ||
		fail "fetch-debian-deb: two signatures" "$(cat "$TMPROOT/fetch-twokeys.err")"

	release trixie stranger
	refused stranger trixie "a signature by a key not in the keyring" 'has no good signature by a key of'
	cp "$TMPROOT/InRelease.good" "$m/dists/trixie/InRelease"
	sed -i 's/^Origin: test$/Origin: tesT/' "$m/dists/trixie/InRelease"
	refused edited trixie "signed text changed after signing" 'has no good signature by a key of'
	{ printf 'SHA256:\n %s 1 main/binary-amd64/Packages.xz\n\n' "$(printf 0%.0s {1..64})"; cat "$TMPROOT/InRelease.good"; } >"$m/dists/trixie/InRelease"
	refused outside trixie "text outside the signed message" 'InRelease is not one clear-signed message'
	cp "$TMPROOT/InRelease.good" "$m/dists/trixie/InRelease"
	mkdir -p "$m/dists/sid"
	cp -R "$m/dists/trixie/." "$m/dists/sid/"
	refused suite sid "another suite's signed Release" 'the signed Release is for Suite: stable Codename: trixie, not sid'

	# Valid-Until: one still ahead is taken; one past (an old signed state replayed) is refused, and
	# so is one that is not an RFC 2822 date
	local rfc2822='+%a, %d %b %Y %H:%M:%S UTC'
	release_extra="Valid-Until: $(LC_ALL=C date -u -d '+7 days' "$rfc2822")" release trixie archive
	fetch ahead trixie
	[ "$(cat "$TMPROOT/fetch-ahead.rc")" = 0 ] &&
		pass "fetch-debian-deb: a Valid-Until a week ahead is taken" ||
		fail "fetch-debian-deb: Valid-Until ahead" "$(cat "$TMPROOT/fetch-ahead.err")"
	release_extra="Valid-Until: $(LC_ALL=C date -u -d '-2 days' "$rfc2822")" release trixie archive
	refused expired trixie "a Release whose Valid-Until has passed" 'refused: dists/trixie/InRelease: Valid-Until '
	grep -q 'has passed' "$TMPROOT/fetch-expired.err" && [ "$(grep -c refused "$TMPROOT/fetch-expired.err")" = 1 ] &&
		pass "fetch-debian-deb: an expired Valid-Until is said in one line" ||
		fail "fetch-debian-deb: expired Valid-Until message" "$(cat "$TMPROOT/fetch-expired.err")"
	release_extra="Valid-Until: $(LC_ALL=C date -u -d '-1 minute' "$rfc2822" | sed 's/ UTC$/ GMT/')" release trixie archive
	refused expired-gmt trixie "a Valid-Until a minute past, in GMT" 'has passed'
	release_extra="Valid-Until: Sat, 30 Feb 2999 08:23:44 UTC" release trixie archive
	refused baddate trixie "a Valid-Until that is no date" "Valid-Until 'Sat, 30 Feb 2999 08:23:44 UTC' is not a date"
	release_extra="Valid-Until: 2999-12-14 08:23:44" release trixie archive
	refused notrfc trixie "a Valid-Until not in RFC 2822 form" 'is not an RFC 2822 date in UTC'
	release_extra="Valid-Until: Sat, 14 Dec 2999 08:23:44 +0100" release trixie archive
	refused notutc trixie "a Valid-Until not in UTC" 'is not an RFC 2822 date in UTC'
	# a SHA-1 signature by the archive's own key: refused by the script itself, whatever this gpgv
	# thinks of SHA-1 (GnuPG 2.2's accepts it; a gpgv that refuses it leaves no good signature)
	if release_digest=SHA1 release trixie archive 2>/dev/null; then
		if gpgv --keyring "$TMPROOT/keyring.gpg" "$m/dists/trixie/InRelease" >/dev/null 2>&1; then
			refused sha1 trixie "an InRelease signed with SHA-1" 'refused: dists/trixie/InRelease is signed with SHA-1, which apt refuses'
		else
			refused sha1 trixie "an InRelease signed with SHA-1 (this gpgv refuses it itself)" 'has no good signature by a key of'
		fi
	else
		skip "fetch-debian-deb: SHA-1 signature" "this gpg does not sign with SHA-1"
	fi
	release_digest=SHA512 release trixie archive
	fetch sha512 trixie
	[ "$(cat "$TMPROOT/fetch-sha512.rc")" = 0 ] &&
		pass "fetch-debian-deb: an InRelease signed with SHA512 is taken" ||
		fail "fetch-debian-deb: SHA512 signature" "$(cat "$TMPROOT/fetch-sha512.err")"
	cp "$TMPROOT/InRelease.good" "$m/dists/trixie/InRelease"

	# Packages.xz swapped for one that points at another .deb: its hash is not the signed one
	mkdeb tinymembench 1.0-1 "$TMPROOT/evil.deb" evil
	cp "$TMPROOT/evil.deb" "$m/pool/main/t/tinymembench/evil.deb"
	stanza tinymembench 1.0-1 amd64 pool/main/t/tinymembench/evil.deb "$TMPROOT/evil.deb" | xz >"$idx/Packages.xz"
	refused index trixie "a Packages.xz other than the signed one" "refused: dists/trixie/main/binary-amd64/Packages.xz: "
	# by hash: the signed one is fetched from by-hash/ even while the plain path has the other one
	mkdir -p "$idx/by-hash/SHA256"
	cp "$idx/Packages.xz" "$TMPROOT/Packages.xz.evil"
	cp "$TMPROOT/Packages.xz.good" "$idx/Packages.xz"
	cp "$TMPROOT/Packages.xz.good" "$idx/by-hash/SHA256/$(sha256sum <"$TMPROOT/Packages.xz.good" | cut -d' ' -f1)"
	release_extra="Acquire-By-Hash: yes" release trixie archive
	cp "$TMPROOT/Packages.xz.evil" "$idx/Packages.xz"
	fetch byhash trixie
	[ "$(cat "$TMPROOT/fetch-byhash.rc")" = 0 ] && cmp -s "$TMPROOT/dl-byhash/${deb##*/}" "$TMPROOT/good.deb" &&
		pass "fetch-debian-deb: Acquire-By-Hash: Packages.xz fetched by its signed hash" ||
		fail "fetch-debian-deb: by hash" "$(cat "$TMPROOT/fetch-byhash.err")"
	cp "$TMPROOT/Packages.xz.good" "$idx/Packages.xz"
	cp "$TMPROOT/InRelease.good" "$m/dists/trixie/InRelease"

	# the .deb changed, same size
	printf 'X' | dd of="$m/$deb" bs=1 seek=200 conv=notrunc status=none
	refused deb trixie "a .deb other than the one the index lists" "refused: $deb: SHA256 "
	cp "$TMPROOT/good.deb" "$m/$deb"

	# signed indexes that say odd things: a path out of pool/, two stanzas, a .deb of another package
	stanza tinymembench 1.0-1 amd64 "pool/../../${deb##*/}" "$m/$deb" >"$TMPROOT/Packages.odd"
	index "$TMPROOT/Packages.odd"; release trixie archive
	refused path trixie "a Filename out of pool/" "Filename is not a plain .deb path under pool/"
	cat "$TMPROOT/Packages.good" "$TMPROOT/Packages.good" >"$TMPROOT/Packages.odd"
	index "$TMPROOT/Packages.odd"; release trixie archive
	refused twice trixie "two stanzas of the package" "has 2 stanzas of tinymembench for amd64, not one"
	mkdeb tinymembench-evil 1.0-1 "$m/pool/main/t/tinymembench/other.deb"
	stanza tinymembench 1.0-1 amd64 pool/main/t/tinymembench/other.deb "$m/pool/main/t/tinymembench/other.deb" >"$TMPROOT/Packages.odd"
	index "$TMPROOT/Packages.odd"; release trixie archive
	refused control trixie "a .deb whose control names another package" "control says Package: tinymembench-evil"
}
# mkdeb NAME VERSION FILE [TEXT]: a small package, TEXT in its one file
mkdeb() {
	local root=$TMPROOT/debroot-$1
	rm -rf "$root"
	mkdir -p "$root/DEBIAN" "$root/usr/bin"
	printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: test <test@test.invalid>\nDescription: stand-in\n' \
		"$1" "$2" >"$root/DEBIAN/control"
	printf '#!/bin/sh\necho %s\n' "${4:-stand-in}" >"$root/usr/bin/$1"
	chmod 755 "$root/usr/bin/$1"
	dpkg-deb --root-owner-group --build "$root" "$3" >/dev/null
}
# stanza NAME VERSION ARCH FILENAME FILE: a Packages stanza for FILE at FILENAME
stanza() {
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nDescription: stand-in\n two lines\nFilename: %s\nSize: %s\nSHA256: %s\n\n' \
		"$1" "$2" "$3" "$4" "$(stat -c %s "$5")" "$(sha256sum <"$5" | cut -d' ' -f1)"
}
# index PACKAGES: the archive's Packages.xz
index() { xz -c "$1" >"$idx/Packages.xz"; }
# release SUITE KEY...: dists/SUITE/InRelease over its Packages.xz, signed by each KEY
# (release_extra: one more header line; release_digest: gpg's --digest-algo)
release() {
	local dir=$m/dists/$1 signers=() k; shift
	for k; do signers+=(-u "$k@test.invalid"); done
	{
		printf 'Origin: test\nSuite: stable\nCodename: trixie\n'
		[ -z "${release_extra:-}" ] || echo "$release_extra"
		printf 'MD5Sum:\n %s %s main/binary-amd64/Packages.xz\n' "$(md5sum <"$idx/Packages.xz" | cut -d' ' -f1)" "$(stat -c %s "$idx/Packages.xz")"
		printf 'SHA256:\n %s %s main/binary-amd64/Packages.xz\n' "$(sha256sum <"$idx/Packages.xz" | cut -d' ' -f1)" "$(stat -c %s "$idx/Packages.xz")"
	} >"$dir/Release"
	gpg --batch --yes --quiet "${signers[@]}" ${release_digest:+--digest-algo "$release_digest"} \
		--clearsign -o "$dir/InRelease" "$dir/Release"
	rm "$dir/Release"
}
# fetch NAME SUITE: the script's download-only mode on the local archive; out in $TMPROOT/fetch-NAME.*
fetch() {
	DEBIAN_MIRROR="file://$m" DEBIAN_KEYRING="$TMPROOT/keyring.gpg" DEB_ARCH=amd64 \
		bench/peers/fetch-debian-deb.sh --download-only "$TMPROOT/dl-$1" "$2" tinymembench \
		>"$TMPROOT/fetch-$1.out" 2>"$TMPROOT/fetch-$1.err"
	echo $? >"$TMPROOT/fetch-$1.rc"
}
# refused NAME SUITE WHAT MESSAGE: the script refuses (exit 1) saying MESSAGE, and leaves no .deb
refused() {
	fetch "$1" "$2"
	if [ "$(cat "$TMPROOT/fetch-$1.rc")" = 1 ] && grep -qF -- "$4" "$TMPROOT/fetch-$1.err" &&
		[ -z "$(ls -A "$TMPROOT/dl-$1" 2>/dev/null)" ]; then
		pass "fetch-debian-deb: refuses $3"
	else
		fail "fetch-debian-deb: refuses $3" "exit $(cat "$TMPROOT/fetch-$1.rc"): $(cat "$TMPROOT/fetch-$1.err")"
	fi
}
fetch_tests
