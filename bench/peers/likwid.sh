# likwid-bench (Debian's likwid) as a peer of wcbench; sourced by bench/peers/peers.sh.
#
# Pairs "likwid test:wcbench kernel", one per line, matched by store instruction and width (likwid's kernels
# store four registers per loop iteration; `likwid-bench -l TEST` gives the loop stride; wcbench's
# store 64 B per iteration):
#   store             MOVSD m64 (8 B)             mov_8          MOV r64 (8 B)
#   store_sse         MOVAPS m128 (16 B)          movdqa_16
#   store_avx         VMOVAPS m256 (32 B)         vmovdqa_32
#   store_avx512      VMOVAPS m512 (64 B)         vmovdqa64_64
#   store_mem_sse     MOVNTPD m128 (16 B, NT)     movntdq_16
#   store_mem_avx     VMOVNTPD m256 (32 B, NT)    vmovntdq_32
#   store_mem_avx512  VMOVNTPD m512 (64 B, NT)    vmovntdq_64
# likwid has no 8-byte non-temporal store: its store_mem is MOVNTPD (16 B), the same as
# store_mem_sse, so movnti_8 has no likwid peer.
likwid_name=likwid-bench
likwid_pairs="store:mov_8
store_sse:movdqa_16
store_avx:vmovdqa_32
store_avx512:vmovdqa64_64
store_mem_sse:movntdq_16
store_mem_avx:vmovntdq_32
store_mem_avx512:vmovntdq_64"
likwid_how="MByte/s / 1000 of one run (likwid-bench -t TEST -w N:<bytes>B:1 -i ITERS under
  taskset: one thread on the CPU; ITERS from one unrecorded run of its own calibration (-s 1)
  scaled to a timed stretch of about the stretch asked, at least one pass)"
LIKWID_BENCH=${LIKWID_BENCH:-likwid-bench}

# likwid_ready: 0 when usable, else says why on stdout
likwid_ready() {
	command -v "$LIKWID_BENCH" >/dev/null ||
		{ echo "$LIKWID_BENCH not found (./setup.sh peers installs Debian's likwid)"; return 1; }
}

# likwid_parse LOG BYTES: "GB/s iterations seconds" from likwid-bench's output, or return 1
likwid_parse() {
	# "MByte/s:<tabs>48301.81" (10^6 B/s: data volume / time), "Size (Byte):<tabs>16384",
	# "Iterations:<tabs>4194304", "Time:<tabs>1.389365e+00 sec"
	awk -F'\t+' -v bytes="$2" '
		function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
		$1 == "MByte/s:" && num($2) { mbs = $2 }
		$1 == "Size (Byte):" { size = $2 }
		$1 == "Iterations:" && $2 ~ /^[0-9]+$/ { it = $2 }
		$1 == "Time:" { split($2, t, " "); if (num(t[1])) secs = t[1] }
		END {
			if (mbs == "" || mbs <= 0 || it == "" || it <= 0 || secs == "" || secs <= 0) exit 1
			if (size != bytes) { print "likwid-bench used " size " bytes, not " bytes > "/dev/stderr"; exit 1 }
			printf "%.6f %s %s\n", mbs / 1000, it, secs
		}' "$1" 2>>"$1"
}

# likwid_run TEST BYTES CPU LOG: one run; prints GB/s and a note, or returns 1 (why in LOG)
likwid_run() {
	local test=$1 bytes=$2 cpu=$3 log=$4 iters_file="$work/likwid-iters-$1-$2" iters parsed
	if [ ! -s "$iters_file" ]; then
		taskset -c "$cpu" "$LIKWID_BENCH" -t "$test" -w "N:${bytes}B:1" -s 1 >"$log.calibration" 2>&1 &&
			parsed=$(likwid_parse "$log.calibration" "$bytes") || { cat "$log.calibration" >"$log"; return 1; }
		set -- $parsed
		awk -v it="$2" -v s="$3" -v ms="$stretch_ms" 'BEGIN {
			n = int(it * ms / (1000 * s) + 0.5); print n < 1 ? 1 : n }' >"$iters_file"
	fi
	iters=$(cat "$iters_file")
	taskset -c "$cpu" "$LIKWID_BENCH" -t "$test" -w "N:${bytes}B:1" -i "$iters" >"$log" 2>&1 &&
		parsed=$(likwid_parse "$log" "$bytes") || return 1
	set -- $parsed
	printf '%s\t%s\n' "$1" "$2 iterations in $3 s"
}
