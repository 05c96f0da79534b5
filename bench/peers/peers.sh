#!/usr/bin/env bash
# wcbench's RAM store kernels side by side with likwid-bench's store kernels on the same machine,
# one core, the same working sets: prints GB/s of each and the ratio wcbench / peer.
# Usage: bench/peers/peers.sh [CPU]   (default CPU 0; needs Debian's likwid: apt-get install likwid)
# Both sides: no barrier, no fence at the end (likwid-bench has none), working set = the window,
# the pattern of each is its own (wcbench: non-zero 64-byte pattern; likwid: its init value).
set -eu
cd "$(dirname "$0")/.."
cpu=${1:-0}
WCBENCH=${WCBENCH:-./wcbench}
command -v likwid-bench >/dev/null || { echo "bench/peers/peers.sh: likwid-bench not found (apt-get install likwid)" >&2; exit 77; }
[ -x "$WCBENCH" ] || { echo "bench/peers/peers.sh: build wcbench first (make)" >&2; exit 2; }
out=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-peers.XXXXXX")
trap 'rm -rf "$out"' EXIT

# likwid test -> wcbench kernel: 8/16/32/64-byte regular, then non-temporal stores
pairs="store:mov_8 store_sse:movdqa_16 store_avx:vmovdqa_32 store_avx512:vmovdqa64_64
store_mem:movnti_8 store_mem_sse:movntdq_16 store_mem_avx:vmovntdq_32 store_mem_avx512:vmovntdq_64"
kernels=$(for p in $pairs; do printf '%s,' "${p#*:}"; done)
kernels=${kernels%,}

# working sets: likwid's sizes are decimal (kB, GB); wcbench windows are the binary neighbours
for ws in "16kB 16K 16K" "1GB 1G 1M"; do
	set -- $ws
	lsize=$1 window=$2 burst=$3
	"$WCBENCH" run --no-plot -k "$kernels" -b none -d none -s "$burst" -w "0:$window" -c "$cpu" \
		-T 3 --out "$out/wc-$lsize" >/dev/null 2>"$out/wc-$lsize.err" || { cat "$out/wc-$lsize.err" >&2; exit 1; }
done

printf '%-18s %-14s %-6s %10s %10s %7s %8s %9s\n' "likwid-bench" "wcbench" "set" "peer GB/s" "wc GB/s" "ratio" "wc cv" "timer %"
for ws in 16kB 1GB; do
	for p in $pairs; do
		test=${p%%:*} kernel=${p#*:}
		# likwid-bench needs its own domain syntax; S0 is the socket of core $cpu on one-socket VMs
		peer=$(likwid-bench -t "$test" -w "S0:$ws:1" 2>/dev/null | awk -F'\t+' '/^MByte\/s:/{print $2/1000}')
		row=$(awk -F, -v k="$kernel" 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
			$c["kernel"]==k { printf "%s %s %s %s %s", $c["status"], $c["gb_per_s_median"], $c["cv"],
				$c["timer_ns"], $c["ns_per_burst_median"] * $c["bursts_per_sample"] }' "$out/wc-$ws/results.csv")
		set -- $row
		status=$1 wc=${2:-} cv=${3:-} timer_ns=${4:-} sample_ns=${5:-}
		if [ "$status" != ok ] || [ -z "$peer" ]; then
			printf '%-18s %-14s %-6s %10s %10s %7s\n' "$test" "$kernel" "$ws" "${peer:-n/a}" "${wc:-$status}" "-"
			continue
		fi
		awk -v t="$test" -v k="$kernel" -v ws="$ws" -v peer="$peer" -v wc="$wc" -v cv="$cv" \
			-v tn="$timer_ns" -v sn="$sample_ns" 'BEGIN {
			printf "%-18s %-14s %-6s %10.2f %10.2f %7.3f %7.2f%% %8.4f%%\n", t, k, ws, peer, wc, wc / peer, 100 * cv, 100 * 2 * tn / sn }'
	done
done
echo "GB/s = 10^9 B/s. wcbench: median of samples (>= 1 ms each, stop at (p90-p10)/median <= 2% or 3 s),"
echo "drain none, barrier none, CPU $cpu; timer % = two timer reads / one sample. likwid-bench: MByte/s / 1000."
