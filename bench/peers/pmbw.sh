# pmbw (Parallel Memory Bandwidth benchmark, 0.6.3 or later) as a peer of wcbench; sourced by
# bench/peers/peers.sh.
#
# Pairs "pmbw function:wcbench kernel", one per line: pmbw's sequential store-only functions (ScanWrite...),
# each a pointer loop over the array, repeated; Unroll = 16 stores per loop iteration, Simple = 1:
#   ScanWrite64Ptr{Unroll,Simple}Loop    MOV r64 (8 B)          mov_8
#   ScanWrite128Ptr{Unroll,Simple}Loop   MOVDQA xmm (16 B)      movdqa_16
#   ScanWrite256Ptr{Unroll,Simple}Loop   VMOVDQA ymm (32 B)     vmovdqa_32
# pmbw has no non-temporal and no 64-byte store function: those kernels have likwid peers only.
pmbw_name=pmbw
pmbw_pairs="ScanWrite64PtrUnrollLoop:mov_8
ScanWrite64PtrSimpleLoop:mov_8
ScanWrite128PtrUnrollLoop:movdqa_16
ScanWrite128PtrSimpleLoop:movdqa_16
ScanWrite256PtrUnrollLoop:vmovdqa_32
ScanWrite256PtrSimpleLoop:vmovdqa_32"
pmbw_how="bandwidth= of its RESULT line / 10^9 (bytes stored / seconds: pmbw -p 1 -P 1
  -s <bytes> -S <bytes> -f FUNC under taskset: one thread, one array size, its own rule of
  rerunning until one timed run lasts >= 1 s); pmbw rounds the array up to a whole unrolled
  iteration plus one (16 stores more: 16 KiB + 128 B for 64-bit stores), the note says how much"
PMBW=${PMBW:-pmbw}

# pmbw_ready: 0 when usable, else says why on stdout
pmbw_ready() {
	command -v "$PMBW" >/dev/null || {
		echo "$PMBW not found (Debian packages no pmbw: build pmbw 0.6.3 or later and put it on PATH, or PMBW=/path/to/pmbw)"
		return 1
	}
	# 0.6.2 and earlier read -s as the largest size and have no -S: they would run every size up to it
	"$PMBW" -h 2>&1 | grep -q -- '-S <size>' ||
		{ echo "$PMBW has no -S (one array size needs pmbw 0.6.3 or later)"; return 1; }
}

# pmbw_supports FUNC: whether this pmbw offers FUNC on this CPU (-f list: the supported ones)
pmbw_supports() {
	[ -s "$work/pmbw-list" ] || "$PMBW" -f list >"$work/pmbw-list" 2>/dev/null
	awk -v f="$1" '$1 == f { found = 1 } END { exit !found }' "$work/pmbw-list"
}

# pmbw_run FUNC BYTES CPU LOG: one run; prints GB/s and a note, or returns 1 (why in LOG)
pmbw_run() {
	local func=$1 bytes=$2 cpu=$3 log=$4 dir
	dir=$(mktemp -d "$work/pmbw.XXXXXX")
	# pmbw allocates and fills half the RAM unless -M says less; it needs the array once (its
	# areas are spaced 4 MiB + 16 KiB apart) and gets round_up_pow2(M) / 2 from -M M
	local floor=$((8 << 20)) mem
	mem=$((2 * (bytes > floor ? bytes : floor) + 1))
	# stats.txt is written to the working directory (removed first, then appended)
	(cd "$dir" && taskset -c "$cpu" "$PMBW" -p 1 -P 1 -s "$bytes" -S "$bytes" -M "$mem" -f "$func") >"$log" 2>&1 ||
		return 1
	[ -f "$dir/stats.txt" ] || { echo "pmbw wrote no stats.txt" >>"$log"; return 1; }
	# RESULT<TAB>key=value<TAB>...: bandwidth = testvol / time in bytes per second;
	# threadsize = the bytes each pass stores
	awk -F'\t' -v func_="$func" -v bytes="$bytes" '
		function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
		$1 == "RESULT" {
			delete kv
			for (i = 2; i <= NF; i++) { eq = index($i, "="); if (eq) kv[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
			if (kv["funcname"] == func_ && kv["nthreads"] == "1" && kv["areasize"] == bytes &&
			    num(kv["bandwidth"]) && kv["bandwidth"] > 0 && kv["threadsize"] ~ /^[0-9]+$/) {
				bw = kv["bandwidth"]; ts = kv["threadsize"]; n++
			}
		}
		END {
			if (n != 1) { print "expected one RESULT line for " func_ " at " bytes " bytes, found " n + 0 > "/dev/stderr"; exit 1 }
			printf "%.6f\t%s bytes stored per pass\n", bw / 1e9, ts
		}' "$dir/stats.txt" 2>>"$log"
}
