#!/usr/bin/env bash
# wcbench's RAM store kernels side by side with peer tools' store kernels (likwid-bench: likwid.sh,
# pmbw: pmbw.sh, tinymembench: tinymembench.sh) on one CPU, at the same working sets; prints per
# pair each side's GB/s with its spread and the ratio wcbench / peer, then the worst ratio.
# Usage: bench/peers/peers.sh [CPU]   (default CPU 0; `make bench-peers`; `./setup.sh peers`
# installs the peers Debian has). PEERS="likwid pmbw tinymembench" (the default) picks which peers
# to run. A missing peer is skipped with a line saying so; exit 77 when none is here, 2 when
# wcbench is not built or a setting is wrong, 1 when a run failed, else 0.
#
# How both sides are run, so that their figures are the same kind of number:
# - likwid-bench and pmbw take a working set: wcbench's window = burst = that set, so each burst
#   stores the whole set once, as one pass of the peers' loops; set sizes are exact bytes for
#   both (likwid's <n>B; pmbw adds one unrolled iteration, see pmbw.sh). tinymembench has its own
#   set, 32 MiB, and wcbench runs there beside it (-s 32M -w 0:32M).
# - Barrier none, drain none on wcbench's side: the peers fence nothing.
# - likwid-bench and pmbw: every run is one timed stretch, GB/s = bytes / time over it: about
#   PEERS_STRETCH_MS (default 1000, pmbw's shortest and likwid's default) for likwid (-i) and
#   wcbench (--sample-ms, one sample: --min-samples 1 --max-samples 1), at least one pass; pmbw's
#   own rule (>= 1 s) always. The median of 1-ms samples, wcbench's usual figure, drops the slow
#   samples that a 1 s average keeps, which on a busy machine is the larger difference; it is
#   shown apart ("wcbench run"), out of the ratios. Keep 1 s where other work competes for the
#   CPU: a short stretch (5 ms) right after likwid-bench's mostly sleeping start-up runs on the
#   scheduler's wake-up credit, which wcbench, busy calibrating, has spent (measured at 16 KiB
#   beside a CPU-bound process: likwid 54 GB/s, wcbench 24 GB/s, each 57 alone).
# - tinymembench reports the best of up to 10 stretches of >= 0.5 s; its wcbench side is the best
#   of 10 samples of >= 500 ms (tinymembench_wcbench_args; GB/s = bytes / ns_per_burst_min).
# - Rounds, interleaved so that drift on the machine reaches every side, all pinned to the one
#   CPU (taskset, and wcbench -c): for likwid and pmbw, PEERS_REPS (default 5) per kernel and
#   set: likwid, wcbench, pmbw, then the reverse; for tinymembench, PEERS_REPS (default its own,
#   tinymembench_reps) rounds of one tinymembench run for all its pairs and a wcbench run per
#   pair, then the reverse.
# - Each side: the median of its runs, and their min - max. Two ratios, wcbench / peer: of the
#   medians (the typical run) and of the fastest runs ("best": other work on the machine only
#   ever slows a run down, so the fastest of the rounds is the one it disturbed least).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
cpu=${1:-0}
WCBENCH=${WCBENCH:-./wcbench}
all_peers="likwid pmbw tinymembench"
peers=${PEERS:-$all_peers}
reps=${PEERS_REPS:-5}                # likwid and pmbw rounds; tinymembench's when set
sets=${PEERS_SETS:-16K 1G}           # likwid and pmbw sets: 16 KiB stays in L1, 1 GiB goes to DRAM
stretch_ms=${PEERS_STRETCH_MS:-1000} # one timed stretch per run (likwid, wcbench)
own_time=${PEERS_TIME:-2}            # -T of the "wcbench run" column (its default stop rule)

say() { printf 'bench/peers: %s\n' "$*" >&2; }
case "$reps" in ''|*[!0-9]*|0) say "PEERS_REPS must be a positive integer"; exit 2 ;; esac
case "$stretch_ms" in ''|*[!0-9]*|0) say "PEERS_STRETCH_MS must be a positive integer"; exit 2 ;; esac
for p in $peers; do
	case " $all_peers " in *" $p "*) ;; *) say "PEERS: no peer '$p' (known: $all_peers)"; exit 2 ;; esac
done
[ "$(uname -m)" = x86_64 ] || { say "the pairs are x86_64 store kernels; this is $(uname -m)"; exit 77; }
[ -x "$WCBENCH" ] || { say "build wcbench first (make)"; exit 2; }
command -v taskset >/dev/null || { say "taskset not found (util-linux)"; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-peers.XXXXXX")
running_pid="" # a peer run under way (a peer's _run sets it): stopped on the way out
trap '[ -z "$running_pid" ] || kill "$running_pid" 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
for p in $all_peers; do . "$here/$p.sh"; done

# bytes SIZE: wcbench's size syntax (16K, 1G: binary) in bytes
bytes() {
	local n=${1%[KkMmGg]} m=1
	case "$1" in *[Kk]) m=1024 ;; *[Mm]) m=$((1 << 20)) ;; *[Gg]) m=$((1 << 30)) ;; esac
	case "$n" in ''|*[!0-9]*) say "not a size: $1"; exit 2 ;; esac
	echo $((n * m))
}
set_bytes=""
for size in $sets; do set_bytes="$set_bytes $(bytes "$size")"; done

# kernel_available KERNEL: this wcbench and CPU have it (wcbench list kernels, AVAILABLE = yes)
kernel_available() {
	"$WCBENCH" list kernels | awk -v k="$1" '$1 == k && / yes$/ { found = 1 } END { exit !found }'
}
# own_set PEER: the peer's own working set (wcbench syntax), empty when it takes PEERS_SETS
own_set() { local v=${1}_set; echo "${!v:-}"; }
# peer_reps PEER: its rounds
peer_reps() {
	local v=${1}_reps
	if [ -n "$(own_set "$1")" ]; then echo "${PEERS_REPS:-${!v:-5}}"; else echo "$reps"; fi
}

# The peers here, and the pairs each can run; a pair whose kernel this CPU lacks is said once.
active=""
pairs=""    # "peer:test:kernel:own set in bytes (empty: PEERS_SETS)" lines
for p in $peers; do
	name_var=${p}_name
	if why=$(${p}_ready); then
		active="$active $p"
	else
		echo "${!name_var}: skipped: $why"
		continue
	fi
	pairs_var=${p}_pairs
	pset=$(own_set "$p")
	[ -z "$pset" ] || pset=$(bytes "$pset")
	while IFS= read -r pair; do
		[ -n "$pair" ] || continue
		test=${pair%:*} kernel=${pair##*:}
		if ! kernel_available "$kernel"; then
			echo "${!name_var} $test: skipped: wcbench's $kernel is not available on this CPU"
		elif [ "$p" = pmbw ] && ! pmbw_supports "$test"; then
			echo "pmbw $test: skipped: this pmbw does not offer it on this CPU (pmbw -f list)"
		else
			pairs="$pairs$p:$test:$kernel:$pset
"
		fi
	done <<<"${!pairs_var}"
done
[ -n "$active" ] || { say "no peer tool is available: nothing to compare"; exit 77; }
[ -n "$pairs" ] || { say "no pair can run on this CPU"; exit 77; }

# record KIND PEER TEST KERNEL SET REP GBPS LO HI NOTE: one line of $work/runs.tsv. KIND peer: a
# peer run; wc: a wcbench run beside PEER ("wcbench": the runs likwid and pmbw share); own:
# wcbench's default run
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

# wcbench_best PEER KERNEL SIZE REP: one wcbench run of the samples PEER's _wcbench_args ask for;
# GB/s of its fastest sample (bytes / ns_per_burst_min)
wcbench_best() {
	local args_var=${1}_wcbench_args kernel=$2 size=$3 rep=$4 out="$work/wc-$1-$2-$3-$4" nbytes
	nbytes=$(bytes "$size")
	# shellcheck disable=SC2086 # the peer's options, one word each
	if taskset -c "$cpu" "$WCBENCH" run --no-plot -k "$kernel" -b none -d none -s "$size" -w "0:$size" \
		-c "$cpu" ${!args_var} -T 600 --out "$out" >"$out.log" 2>&1; then
		awk -F, -v b="$nbytes" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			("ns_per_burst_min" in c) && $c["status"] == "ok" && $c["ns_per_burst_min"] > 0 {
				printf "%.6f\t%s\n", b / $c["ns_per_burst_min"], $c["samples"] " samples of " $c["bursts_per_sample"] " bursts" }' \
			"$out/results.csv"
	fi
}

# wcbench_own KERNEL SIZE BYTES: wcbench as it runs by default (1-ms samples, the median known to
# +-1% or -T), for its median and the median's 95% confidence interval in GB/s
own_done=" "
wcbench_own() {
	local kernel=$1 size=$2 bytes=$3 out="$work/wc-own-$1-$2" res
	case "$own_done" in *" $kernel@$bytes "*) return 0 ;; esac
	own_done="$own_done$kernel@$bytes "
	taskset -c "$cpu" "$WCBENCH" run --no-plot -k "$kernel" -b none -d none -s "$size" -w "0:$size" \
		-c "$cpu" -T "$own_time" --out "$out" </dev/null >"$out.log" 2>&1 || return 0
	res=$(awk -F, -v b="$bytes" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["status"] == "ok" && $c["ns_per_burst_ci_lo"] > 0 {
			printf "%s\t%.6f\t%.6f\t%s\n", $c["gb_per_s_median"], b / $c["ns_per_burst_ci_hi"],
				b / $c["ns_per_burst_ci_lo"], $c["samples"] " samples" }' "$out/results.csv")
	[ -z "$res" ] && return 0
	IFS=$'\t' read -r med lo hi note <<<"$res"
	record own wcbench "$kernel" "$kernel" "$bytes" 0 "$med" "$lo" "$hi" "$note"
}

# round_order REP SIDE...: the sides in order, reversed in every even round, one per line
round_order() {
	local rep=$1; shift
	if [ $((rep % 2)) -eq 1 ]; then printf '%s\n' "$@"; else printf '%s\n' "$@" | tac; fi
}
# failed_run WHAT LOG: a run that gave no figure
failed_run() {
	failed=1
	say "$1 failed: $(tail -n 3 "$2" 2>/dev/null | tr '\n' ' ')"
}

# likwid and pmbw: per set and kernel, rounds of likwid's tests, wcbench, pmbw's functions
shared=$(printf '%s' "$pairs" | awk -F: '$4 == ""')
kernels=$(printf '%s\n' "$shared" | awk -F: 'NF && !seen[$3]++ { print $3 }')
shared_sets=$sets
[ -n "$kernels" ] || shared_sets=""
for size in $shared_sets; do
	nbytes=$(bytes "$size")
	for kernel in $kernels; do
		sides=()
		mapfile -t sides < <(printf '%s\n' "$shared" | awk -F: -v k="$kernel" '$3 == k && $1 == "likwid" { print $1 ":" $2 }
			END { print "wcbench:" k }')
		mapfile -t -O "${#sides[@]}" sides < <(printf '%s\n' "$shared" | awk -F: -v k="$kernel" '$3 == k && $1 != "likwid" { print $1 ":" $2 }')
		for rep in $(seq 1 "$reps"); do
			mapfile -t order < <(round_order "$rep" "${sides[@]}")
			say "$size $kernel: round $rep of $reps: ${order[*]}"
			for side in "${order[@]}"; do
				p=${side%%:*} test=${side#*:}
				if [ "$p" = wcbench ]; then
					res=$(wcbench_run "$kernel" "$size" "$rep")
					log="$work/wc-$kernel-$size-$rep.log"
				else
					log="$work/$p-$test-$size-$rep.log"
					res=$(${p}_run "$test" "$nbytes" "$cpu" "$log") || res=""
				fi
				if [ -z "$res" ]; then
					failed_run "$side at $size, round $rep," "$log"
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
		wcbench_own "$kernel" "$size" "$nbytes"
	done
done

# Peers with their own set (tinymembench): per round one run of the peer for all its pairs and a
# wcbench run per pair beside it
for p in $active; do
	size=$(own_set "$p")
	[ -n "$size" ] || continue
	nbytes=$(bytes "$size") n=$(peer_reps "$p")
	own=$(printf '%s' "$pairs" | awk -F: -v p="$p" '$1 == p')
	[ -n "$own" ] || continue
	case "$n" in ''|*[!0-9]*|0) say "${p}_reps must be a positive integer"; exit 2 ;; esac
	sides=("$p")
	mapfile -t -O 1 sides < <(printf '%s\n' "$own" | awk -F: '!seen[$3]++ { print "wcbench:" $3 }')
	for rep in $(seq 1 "$n"); do
		mapfile -t order < <(round_order "$rep" "${sides[@]}")
		say "$size $p: round $rep of $n: ${order[*]}"
		for side in "${order[@]}"; do
			if [ "$side" = "$p" ]; then
				log="$work/$p-$rep.log"
				${p}_run "$cpu" "$log" >"$work/$p-$rep.res" || true
				# a figure for each of its pairs, or why not
				while IFS=: read -r _ test kernel _; do
					line=$(awk -F'\t' -v t="$test" '$1 == t' "$work/$p-$rep.res")
					if [ -z "$line" ]; then
						# the peer's parser says "PEER TEST: why"; else the end of its output
						why=$(grep -F "$p $test: " "$log" | tail -n 1)
						[ -n "$why" ] || why=$(tail -n 3 "$log" | tr '\n' ' ')
						failed=1
						say "$p $test at $size, round $rep, failed: $why"
						continue
					fi
					IFS=$'\t' read -r _ gbps note <<<"$line"
					record peer "$p" "$test" "$kernel" "$nbytes" "$rep" "$gbps" "" "" "$note"
				done <<<"$own"
			else
				kernel=${side#wcbench:}
				res=$(wcbench_best "$p" "$kernel" "$size" "$rep")
				if [ -z "$res" ]; then
					failed_run "wcbench $kernel at $size beside $p, round $rep," "$work/wc-$p-$kernel-$size-$rep.log"
					continue
				fi
				record wc "$p" "$kernel" "$kernel" "$nbytes" "$rep" "${res%%$'\t'*}" "" "" "${res#*$'\t'}"
			fi
		done
	done
	while IFS=: read -r _ _ kernel _; do wcbench_own "$kernel" "$size" "$nbytes"; done <<<"$own"
done

# The table: the pairs in the order given, per working set; the pairs with their own set last.
names="" peer_rounds=""
for p in $active; do
	v=${p}_name
	names="$names$p=${!v} " peer_rounds="$peer_rounds$p=$(peer_reps "$p") "
done
printf '%s' "$pairs" | awk -F'\t' -v reps="$peer_rounds" -v names="$names" -v sets="$set_bytes" \
	-f "$here/table.awk" - "$work/runs.tsv"
echo "GB/s = 10^9 B/s on every side. Each side: the median of its runs, (min - max) of them;"
echo "ratio = wcbench median / peer median; best = wcbench max / peer max (the least disturbed runs)."
echo "All runs on CPU $cpu (taskset; wcbench -c too); wcbench: barrier none, drain none."
# the sides of a round as run: likwid's tests, wcbench, pmbw's functions
shared_names="" before="" after=""
for p in $active; do
	v=${p}_name
	[ -z "$(own_set "$p")" ] || continue
	shared_names="$shared_names${shared_names:+ and }${!v}"
	if [ "$p" = likwid ]; then before="${!v}, "; else after="$after, ${!v}"; fi
done
# para TEXT: TEXT in lines of at most 95 characters
para() { printf '%s\n' "$*" | fold -s -w 96 | sed 's/ *$//'; }
if [ -n "$shared_names" ]; then
	para "$shared_names: $reps rounds per kernel and set, interleaved: ${before}wcbench$after, then" \
		"the reverse. Working set: wcbench window = burst. wcbench: one sample of >= $stretch_ms ms" \
		"(and one pass) per run, GB/s = bytes / its time."
fi
for p in $active; do
	size=$(own_set "$p") v=${p}_name a=${p}_wcbench_args
	[ -n "$size" ] || continue
	para "${!v}: $(peer_reps "$p") rounds at its own working set, $size, interleaved: ${!v} (one" \
		"run for all its pairs), wcbench per kernel, then the reverse. wcbench: -s $size -w 0:$size" \
		"${!a}, GB/s = bytes / ns_per_burst_min (its fastest sample)."
done
for p in $active; do v=${p}_name h=${p}_how; echo "${!v}: ${!h}"; done
echo "wcbench run: wcbench's own figure, not in the ratio: the median of its 1-ms samples and the"
echo "median's 95% confidence interval (ns_per_burst_ci_lo/_hi), -T $own_time, default --precision."
exit $failed
