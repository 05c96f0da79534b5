#!/usr/bin/env bash
# Ctrl-C and SIGTERM: the run ends within a sample (not at the end of the case), a second signal
# ends it at once, finished rows stay, the exit code names the signal.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

# One case that, left alone, takes its whole 60 s budget: samples of 50 ms, never enough of them.
LONG=(run --no-plot -k c_8 -b none -s 4K -T 60 --sample-ms 50 --min-samples 100000 --max-samples 100000 --precision 0.0001)

# signal_run NAME OUT SIGNALS...: start the long case, send each signal (1 s, then 0.3 s apart),
# leave RC and the seconds from the last signal to the exit in SECS
signal_run() {
	local out=$1; shift
	"$WCBENCH" "${LONG[@]}" --out "$out" >/dev/null 2>"$TMPROOT/sig.err" &
	local pid=$! first=1 t_sig watchdog
	# a run that ignores the signals is ended after 10 s (and the check fails)
	{ sleep 10; kill -KILL $pid; } 2>/dev/null &
	watchdog=$!
	for sig in "$@"; do
		sleep $([ $first = 1 ] && echo 1 || echo 0.3)
		first=0
		t_sig=$(date +%s%N)
		kill -"$sig" $pid 2>/dev/null
	done
	wait $pid 2>/dev/null
	RC=$?
	kill $watchdog 2>/dev/null
	wait $watchdog 2>/dev/null
	SECS=$(awk -v ns=$(($(date +%s%N) - t_sig)) 'BEGIN { printf "%.1f", ns / 1e9 }')
}
header_only() { [ "$(wc -l <"$1/results.csv")" -eq 1 ]; }

# needs the measuring side to honour case_spec.stop (bench/measure/measure.c)
signal_run "$TMPROOT/int" INT
[ $RC -eq 130 ] && awk -v s=$SECS 'BEGIN { exit !(s < 3) }' && header_only "$TMPROOT/int" && grep -q -- '--resume' "$TMPROOT/sig.err" \
	&& pass "SIGINT ends a 60 s case within a sample: exit 130 after $SECS s, the unfinished case not written" \
	|| fail "SIGINT within a sample" "exit $RC after $SECS s: $(tail -1 "$TMPROOT/sig.err")"
signal_run "$TMPROOT/term" TERM
[ $RC -eq 143 ] && awk -v s=$SECS 'BEGIN { exit !(s < 3) }' && header_only "$TMPROOT/term" \
	&& pass "SIGTERM ends a 60 s case within a sample: exit 143 after $SECS s" \
	|| fail "SIGTERM within a sample" "exit $RC after $SECS s: $(tail -1 "$TMPROOT/sig.err")"

# a second signal: at once, whatever the case is doing
signal_run "$TMPROOT/twice" INT INT
[ $RC -eq 130 ] && awk -v s=$SECS 'BEGIN { exit !(s < 1) }' \
	&& pass "a second SIGINT exits at once (130 after $SECS s)" || fail "second SIGINT" "exit $RC after $SECS s"
signal_run "$TMPROOT/twice-term" TERM TERM
[ $RC -eq 143 ] && awk -v s=$SECS 'BEGIN { exit !(s < 1) }' \
	&& pass "a second SIGTERM exits at once (143 after $SECS s)" || fail "second SIGTERM" "exit $RC after $SECS s"

# short cases: the signal keeps every finished row whole, says how to resume, and --resume
# completes the run
SHORT=(run --no-plot -k c_8 -b none -s 64,128,256,512,1K,2K,4K,8K -T 0.3 --min-samples 100000 --max-samples 100000)
for sig in INT TERM; do
	s="$TMPROOT/short-$sig"
	"$WCBENCH" "${SHORT[@]}" --out "$s" >/dev/null 2>"$TMPROOT/short.err" &
	pid=$!
	sleep 2.2 # past the start references (up to ~0.6 s) and a few 0.3 s cases, before the eighth
	kill -$sig $pid
	wait $pid
	rc=$? want=$([ $sig = INT ] && echo 130 || echo 143)
	kept=$(($(wc -l <"$s/results.csv") - 1))
	[ $rc -eq $want ] && [ "$kept" -ge 1 ] && [ "$kept" -lt 8 ] && grep -q -- '--resume' "$TMPROOT/short.err" \
		&& [ "$(tail -c 1 "$s/results.csv" | od -An -c | tr -d ' ')" = '\n' ] \
		&& pass "SIG$sig between short cases: exit $want, $kept finished rows kept whole, tells how to resume" \
		|| fail "SIG$sig keeps rows" "exit $rc, $kept rows: $(tail -1 "$TMPROOT/short.err")"
	"$WCBENCH" "${SHORT[@]}" -T 0.01 --out "$s" --resume >/dev/null 2>&1 && [ "$(($(wc -l <"$s/results.csv") - 1))" -eq 8 ] \
		&& pass "--resume after SIG$sig completes the run (8 rows)" || fail "--resume after SIG$sig"
done
