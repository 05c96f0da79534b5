# tinymembench (Debian's, from trixie: `./setup.sh peers` fetches it with
# bench/peers/fetch-debian-deb.sh) as a peer of wcbench; sourced by bench/peers/peers.sh.
#
# tinymembench takes no options. One run times every one of its bandwidth tests over its one
# buffer of 32 MiB (1 MB = 10^6 B in its output), so all its pairs run at 32 MiB
# (tinymembench_set) and one run per round gives them all. Per test it prints the best (MAX)
# of up to 10 measurements, each a stretch of >= 0.5 s of whole passes over the buffer (it
# stops early once their standard deviation is below 0.1% of the best, after 3), as
# "<test padded> : <MB/s> MB/s" plus " (x.y%)" = that deviation / the best when >= 0.1%.
# Its bandwidth section takes minutes and a latency section follows: peers.sh reads its
# output line by line (stdbuf -oL) and stops it once every line of its pairs is there.
#
# Pairs "tinymembench test:wcbench kernel", one per line, by the loops that Debian's amd64 build
# (0.4+git20231218+ds-2+b1) has: `objdump -d` of the stripped binary, each loop found through
# the test table entry that names it (the address beside the test's name):
#   C fill                 8 x MOV r64 (8 B) per 64 B, add/cmp/jne    mov_8
#   SSE2 fill              4 x MOVDQA xmm (16 B) per 64 B             movdqa_16
#   SSE2 nontemporal fill  4 x MOVNTDQ xmm (16 B) per 64 B            movntdq_16
# Not paired: "standard memset" is glibc's (REP STOSB or vector stores, non-temporal above a
# size, chosen at run time: no one kernel); the "C fill (shuffle within N byte blocks)" tests
# store 8 B out of address order inside each block, an order no wcbench kernel has.
tinymembench_name=tinymembench
tinymembench_pairs="C fill:mov_8
SSE2 fill:movdqa_16
SSE2 nontemporal fill:movntdq_16"
tinymembench_set=32M
# One round costs one tinymembench run (its bandwidth section: 3 to 3.7 min on the 2-vCPU guest
# of README.md) plus a wcbench run per pair (about 9 s each): 3 rounds, not 5, unless PEERS_REPS
tinymembench_reps=3
# wcbench's side as the same kind of number: the best of 10 samples of >= 500 ms
# (ns_per_burst_min) against tinymembench's best of up to 10 stretches of >= 0.5 s
tinymembench_wcbench_args="--sample-ms 500 --min-samples 10 --max-samples 10"
tinymembench_how="MB/s / 1000 of its line for the test (its best of up to 10 stretches of
  >= 0.5 s over its 32 MiB buffer; tinymembench takes no options), one run per round for all
  its pairs under taskset, stopped after its last line needed; $tinymembench_reps rounds unless
  PEERS_REPS, as one run takes minutes (3 to 3.7 on a 2-vCPU guest)"
TINYMEMBENCH=${TINYMEMBENCH:-tinymembench}
# a run still short of its lines after this long is stopped and counts as failed
TINYMEMBENCH_LIMIT_S=${TINYMEMBENCH_LIMIT_S:-1800}

# tinymembench_ready: 0 when usable, else says why on stdout
tinymembench_ready() {
	command -v "$TINYMEMBENCH" >/dev/null ||
		{ echo "$TINYMEMBENCH not found (./setup.sh peers fetches Debian trixie's tinymembench)"; return 1; }
	# without it the output comes in one block when tinymembench exits, after its latency section
	command -v stdbuf >/dev/null || { echo "stdbuf not found (coreutils)"; return 1; }
	case "$TINYMEMBENCH_LIMIT_S" in ''|*[!0-9]*|0) echo "TINYMEMBENCH_LIMIT_S must be a positive integer"; return 1 ;; esac
}

# tinymembench_parse LOG: "test<TAB>GB/s<TAB>note" for every test of the pairs that LOG has
# once, well-formed; says on stderr what is wrong with each other one and returns 1
tinymembench_parse() {
	printf '%s\n' "$tinymembench_pairs" | awk '
		FILENAME == "-" { c = index($0, ":"); want[++n] = substr($0, 1, c - 1); wanted[want[n]] = 1; next }
		/^== Note 1: 1MB = 1000000 bytes +==$/ { unit = 1 }
		{
			c = index($0, " : ")
			if (!c) next
			t = substr($0, 1, c - 1); sub(/^ +/, "", t); sub(/ +$/, "", t)
			if (!(t in wanted)) next
			seen[t]++
			rest = substr($0, c + 3)
			if (rest ~ /^ *[0-9]+(\.[0-9]+)? MB\/s( \([0-9]+(\.[0-9]+)?%\))?$/) {
				split(rest, w, " "); mbs[t] = w[1] + 0
				dev[t] = w[3] == "" ? "its deviation < 0.1%" : "its deviation " substr(w[3], 2, length(w[3]) - 2)
			} else bad_line[t] = rest
		}
		END {
			for (i = 1; i <= n; i++) {
				t = want[i]
				if (!unit) why = "no \"1MB = 1000000 bytes\" note: its unit is unknown"
				else if (!seen[t]) why = "no line"
				else if (seen[t] > 1) why = seen[t] " lines"
				else if (t in bad_line) why = "not \"<number> MB/s\": \"" bad_line[t] "\""
				else if (mbs[t] <= 0) why = "not a positive MB/s"
				else { printf "%s\t%.6f\t%s\n", t, mbs[t] / 1000, dev[t]; continue }
				printf "tinymembench %s: %s\n", t, why > "/dev/stderr"
				failed = 1
			}
			exit failed
		}' - "$1"
}

# tinymembench_done LOG: every line of the pairs is in LOG (and the last one is complete)
tinymembench_done() {
	[ -z "$(tail -c 1 "$1")" ] && tinymembench_parse "$1" >/dev/null 2>&1
}

# tinymembench_run CPU LOG: one run for all pairs; prints tinymembench_parse's lines, or
# returns 1 with why in LOG (the lines it did get are still printed). Sets running_pid while
# it runs, for peers.sh to stop it on exit.
tinymembench_run() {
	local cpu=$1 log=$2 deadline=$((SECONDS + TINYMEMBENCH_LIMIT_S))
	stdbuf -oL taskset -c "$cpu" "$TINYMEMBENCH" </dev/null >"$log" 2>&1 &
	running_pid=$!
	while kill -0 "$running_pid" 2>/dev/null; do
		tinymembench_done "$log" && break
		# its bandwidth section is over: the lines missing will not come
		grep -q '^== Memory latency test' "$log" && break
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "tinymembench: stopped after $TINYMEMBENCH_LIMIT_S s (TINYMEMBENCH_LIMIT_S)" >>"$log"
			break
		fi
		sleep 0.2
	done
	kill "$running_pid" 2>/dev/null || true
	wait "$running_pid" 2>/dev/null || true
	running_pid=""
	tinymembench_parse "$log" 2>>"$log"
}
