#!/usr/bin/env bash
# wcbench's RAM store kernels side by side with peer tools' store kernels (likwid-bench: likwid.sh,
# pmbw: pmbw.sh) on one CPU, at the same working sets; prints per pair each side's GB/s with its
# spread and the ratio wcbench / peer, then the worst ratio.
# Usage: bench/peers/peers.sh [CPU]   (default CPU 0; `make bench-peers`; `./setup.sh peers`
# installs the Debian packages). A missing peer is skipped with a line saying so; exit 77 when
# none is here, 2 when wcbench is not built, 1 when a run failed, else 0.
#
# How both sides are run, so that their figures are the same kind of number:
# - Working set = wcbench's window = burst: each burst stores the whole set once, as one pass of
#   the peers' loops; barrier none, drain none (the peers fence nothing); set sizes are exact
#   bytes for both (likwid's <n>B; pmbw adds one unrolled iteration, see pmbw.sh).
# - Every run is one timed stretch, GB/s = bytes / time over it: about PEERS_STRETCH_MS (default
#   1000, pmbw's shortest and likwid's default) for likwid (-i) and wcbench (--sample-ms, one
#   sample: --min-samples 1 --max-samples 1), at least one pass; pmbw's own rule (>= 1 s) always.
#   The median of 1-ms samples, wcbench's usual figure, drops the slow samples that a 1 s average
#   keeps, which on a busy machine is the larger difference; it is shown apart ("wcbench run"),
#   out of the ratios. Keep 1 s where other work competes for the CPU: a short stretch (5 ms)
#   right after likwid-bench's mostly sleeping start-up runs on the scheduler's wake-up credit,
#   which wcbench, busy calibrating, has spent (measured at 16 KiB beside a CPU-bound process:
#   likwid 54 GB/s, wcbench 24 GB/s, each 57 alone).
# - REPS rounds per kernel, interleaved: likwid, wcbench, pmbw, then the reverse, so drift on the
#   machine reaches every side; all pinned to the one CPU (taskset, and wcbench -c).
# - Each side: the median of its REPS runs, and their min - max. Two ratios, wcbench / peer: of
#   the medians (the typical run) and of the fastest runs ("best": other work on the machine only
#   ever slows a run down, so the fastest of REPS is the one it disturbed least).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
cpu=${1:-0}
WCBENCH=${WCBENCH:-./wcbench}
reps=${PEERS_REPS:-5}
sets=${PEERS_SETS:-16K 1G}           # wcbench sizes: 16 KiB stays in L1, 1 GiB goes to DRAM
stretch_ms=${PEERS_STRETCH_MS:-1000} # one timed stretch per run (likwid, wcbench)
own_time=${PEERS_TIME:-2}            # -T of the "wcbench run" column (its default stop rule)
peers="likwid pmbw"

say() { printf 'bench/peers: %s\n' "$*" >&2; }
case "$reps" in ''|*[!0-9]*|0) say "PEERS_REPS must be a positive integer"; exit 2 ;; esac
case "$stretch_ms" in ''|*[!0-9]*|0) say "PEERS_STRETCH_MS must be a positive integer"; exit 2 ;; esac
[ "$(uname -m)" = x86_64 ] || { say "the pairs are x86_64 store kernels; this is $(uname -m)"; exit 77; }
[ -x "$WCBENCH" ] || { say "build wcbench first (make)"; exit 2; }
command -v taskset >/dev/null || { say "taskset not found (util-linux)"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT
for p in $peers; do . "$here/$p.sh"; done

# bytes SIZE: wcbench's size syntax (16K, 1G: binary) in bytes
bytes() {
	local n=${1%[KkMmGg]} m=1
	case "$1" in *[Kk]) m=1024 ;; *[Mm]) m=$((1 << 20)) ;; *[Gg]) m=$((1 << 30)) ;; esac
	case "$n" in ''|*[!0-9]*) say "not a size: $1"; exit 2 ;; esac
	echo $((n * m))
}

# kernel_available KERNEL: this wcbench and CPU have it (wcbench list kernels, AVAILABLE = yes)
kernel_available() {
	"$WCBENCH" list kernels | awk -v k="$1" '$1 == k && / yes$/ { found = 1 } END { exit !found }'
}

# The peers here, and the pairs each can run; a pair whose kernel this CPU lacks is said once.
active=""
pairs=""    # "peer:test:kernel" lines
for p in $peers; do
	name_var=${p}_name
	if why=$(${p}_ready); then
		active="$active $p"
	else
		echo "${!name_var}: skipped: $why"
		continue
	fi
	pairs_var=${p}_pairs
	for pair in ${!pairs_var}; do
		test=${pair%%:*} kernel=${pair#*:}
		if ! kernel_available "$kernel"; then
			echo "${!name_var} $test: skipped: wcbench's $kernel is not available on this CPU"
		elif [ "$p" = pmbw ] && ! pmbw_supports "$test"; then
			echo "pmbw $test: skipped: this pmbw does not offer it on this CPU (pmbw -f list)"
		else
			pairs="$pairs$p:$test:$kernel
"
		fi
	done
done
[ -n "$active" ] || { say "no peer tool is available: nothing to compare"; exit 77; }
[ -n "$pairs" ] || { say "no pair can run on this CPU"; exit 77; }
kernels=$(printf '%s' "$pairs" | awk -F: '!seen[$3]++ { print $3 }')

# record KIND PEER TEST KERNEL SET REP GBPS LO HI NOTE: one line of $work/runs.tsv
record() { local IFS=$'\t'; printf '%s\n' "$*" >>"$work/runs.tsv"; }
: >"$work/runs.tsv"
failed=0

# wcbench_run KERNEL SIZE REP: one wcbench run of one timed sample (see the top of this file)
wcbench_run() {
	local kernel=$1 size=$2 rep=$3 out="$work/wc-$1-$2-$3"
	if taskset -c "$cpu" "$WCBENCH" run --no-plot -k "$kernel" -b none -d none -s "$size" -w "0:$size" \
		-c "$cpu" --sample-ms "$stretch_ms" --min-samples 1 --max-samples 1 -T 600 \
		--out "$out" >"$out.log" 2>&1; then
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			$c["status"] == "ok" { printf "%s\t%s\n", $c["gb_per_s_median"], $c["bursts_per_sample"] " bursts" }' \
			"$out/results.csv"
	fi
}

# wcbench_own KERNEL SIZE: wcbench as it runs by default (1-ms samples, the median known to
# +-1% or -T), for its median and the median's 95% confidence interval in GB/s
wcbench_own() {
	local kernel=$1 size=$2 bytes=$3 out="$work/wc-own-$1-$2"
	taskset -c "$cpu" "$WCBENCH" run --no-plot -k "$kernel" -b none -d none -s "$size" -w "0:$size" \
		-c "$cpu" -T "$own_time" --out "$out" >"$out.log" 2>&1 || return 0
	awk -F, -v b="$bytes" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["status"] == "ok" && $c["ns_per_burst_ci_lo"] > 0 {
			printf "%s\t%.6f\t%.6f\t%s\n", $c["gb_per_s_median"], b / $c["ns_per_burst_ci_hi"],
				b / $c["ns_per_burst_ci_lo"], $c["samples"] " samples" }' "$out/results.csv"
}

for size in $sets; do
	nbytes=$(bytes "$size")
	for kernel in $kernels; do
		# sides of this kernel: its likwid tests, wcbench, its pmbw functions
		sides=$(printf '%s' "$pairs" | awk -F: -v k="$kernel" '$3 == k && $1 == "likwid" { print $1 ":" $2 }
			END { print "wcbench:" k }')
		sides="$sides $(printf '%s' "$pairs" | awk -F: -v k="$kernel" '$3 == k && $1 != "likwid" { print $1 ":" $2 }')"
		for rep in $(seq 1 "$reps"); do
			order=$sides
			[ $((rep % 2)) -eq 1 ] || order=$(printf '%s\n' $sides | tac)
			say "$size $kernel: round $rep of $reps: $(echo $order)"
			for side in $order; do
				p=${side%%:*} test=${side#*:}
				if [ "$p" = wcbench ]; then
					res=$(wcbench_run "$kernel" "$size" "$rep")
					log="$work/wc-$kernel-$size-$rep.log"
				else
					log="$work/$p-$test-$size-$rep.log"
					res=$(${p}_run "$test" "$nbytes" "$cpu" "$log") || res=""
				fi
				if [ -z "$res" ]; then
					failed=1
					say "$side at $size, round $rep, failed: $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ')"
					continue
				fi
				gbps=${res%%$'\t'*} note=${res#*$'\t'}
				if [ "$p" = wcbench ]; then
					record wc wcbench "$kernel" "$kernel" "$nbytes" "$rep" "$gbps" "" "" "$note"
				else
					record peer "$p" "$test" "$kernel" "$nbytes" "$rep" "$gbps" "" "" "$note"
				fi
			done
		done
		res=$(wcbench_own "$kernel" "$size" "$nbytes") || res=""
		if [ -n "$res" ]; then
			IFS=$'\t' read -r med lo hi note <<<"$res"
			record own wcbench "$kernel" "$kernel" "$nbytes" 0 "$med" "$lo" "$hi" "$note"
		fi
	done
done

# The table: pairs in the order given, per working set.
names=""
for p in $active; do v=${p}_name; names="$names$p=${!v} "; done
printf '%s' "$pairs" | awk -F'\t' -v reps="$reps" -v names="$names" -v sets="$sets" \
	-f "$here/table.awk" - "$work/runs.tsv"
echo "GB/s = 10^9 B/s on every side. Each side: the median of its $reps runs, (min - max) of them;"
echo "ratio = wcbench median / peer median; best = wcbench max / peer max (the least disturbed runs)."
echo "All runs on CPU $cpu (taskset), interleaved per kernel:"
echo "likwid, wcbench, pmbw, then the reverse. Working set: wcbench window = burst, barrier none,"
echo "drain none. wcbench: one sample of >= $stretch_ms ms (and one pass) per run, GB/s = bytes / its time."
for p in $active; do v=${p}_name h=${p}_how; echo "${!v}: ${!h}"; done
echo "wcbench run: wcbench's own figure, not in the ratio: the median of its 1-ms samples and the"
echo "median's 95% confidence interval (ns_per_burst_ci_lo/_hi), -T $own_time, default --precision."
exit $failed
