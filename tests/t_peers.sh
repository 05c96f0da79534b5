#!/usr/bin/env bash
# bench/peers/peers.sh (make bench-peers) against stand-ins for likwid-bench and pmbw that print
# their documented output with known numbers, beside the real wcbench: the command lines the peers
# get (one CPU, exact bytes, one pmbw size), the unit conversions (likwid MByte/s, pmbw B/s), the
# medians and spreads, the ratio and worst-ratio lines, the interleaving, and the skips.
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
chmod +x "$bin/likwid-bench" "$bin/pmbw"

# peers NAME ENV...: run bench/peers/peers.sh on CPU 0 with the stand-ins; out in $TMPROOT/NAME.*
peers() {
	local name=$1; shift
	mkdir -p "$TMPROOT/$name.fake"
	env FAKE_LOG="$TMPROOT/$name.args" FAKE_DIR="$TMPROOT/$name.fake" FAKE_MBS="1000 3000 2000" \
		LIKWID_BENCH="$bin/likwid-bench" PMBW="$bin/pmbw" WCBENCH="$WCBENCH" \
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

# a peer printing a non-number: no figure for its pair, said so, exit 1; pmbw absent: skipped
peers bad FAKE_BAD_TEST=store_avx512 PMBW=/nonexistent/pmbw PEERS_REPS=1
o=$TMPROOT/bad.out
[ "$(cat "$TMPROOT/bad.rc")" = 1 ] && pass "peers: a failed peer run exits 1" || fail "peers: failed run exit" "exit $(cat "$TMPROOT/bad.rc")"
case "$(row bad store_avx512)" in *" n/a (-) "*"[peer: 0 of 1 runs]"*) pass "peers: a non-number from a peer is no figure" ;;
	*) fail "peers: non-number" "$(row bad store_avx512)" ;; esac
[ "$(grep -c '; every pair >= 1.0: unknown (1 of 7 pairs have no figure)$' "$o")" = 2 ] &&
	pass "peers: a pair without figure leaves 'every pair' unknown" || fail "peers: unknown line" "$(grep '^worst' "$o")"
grep -q '^pmbw: skipped: /nonexistent/pmbw not found' "$o" && pass "peers: a missing peer is skipped with a line" ||
	fail "peers: missing peer line" "$(head -2 "$o")"

# no peer at all: exit 77; a pmbw without -S (0.6.2) is no peer
peers none LIKWID_BENCH=/nonexistent/likwid-bench FAKE_PMBW_OLD=1
[ "$(cat "$TMPROOT/none.rc")" = 77 ] && grep -q '^pmbw: skipped: .* has no -S' "$TMPROOT/none.out" &&
	grep -q 'no peer tool is available' "$TMPROOT/none.err" && pass "peers: no usable peer: exit 77, each said" ||
	fail "peers: no peer" "exit $(cat "$TMPROOT/none.rc"): $(cat "$TMPROOT/none.out" "$TMPROOT/none.err")"
