#!/usr/bin/env bash
# Hostile input and a hostile world: windows that wrap or do not fit (run and probe refuse them
# alike: exit 2, one line, nothing written), sizes with stray characters, a file target truncated
# underneath a run (fault rows, not SIGBUS), a thread that cannot be started (an error row, not a
# hang).
source "$(dirname "$0")/lib.sh"
cd "$TOP"

ONE=(-k c_8 -b none -s 64 -T 0.05 --quick --no-plot)
# a file of N bytes of 0xA5 (a canary: stores of the pattern are easy to tell from it)
canary_file() { head -c "$2" /dev/zero | tr '\0' '\245' >"$1"; }

# refused NAME NEEDLE COMMAND ARGS...: exit 2, one line on stderr naming NEEDLE, no --out written
refused() {
	local name=$1 needle=$2 cmd=$3; shift 3
	local out="$TMPROOT/refused-$RANDOM" rc lines
	if [ "$cmd" = run ]; then
		"$WCBENCH" run "$@" "${ONE[@]}" --out "$out" >"$TMPROOT/r.out" 2>"$TMPROOT/r.err"
	else
		"$WCBENCH" probe "$@" >"$TMPROOT/r.out" 2>"$TMPROOT/r.err"
	fi
	rc=$?
	lines=$(wc -l <"$TMPROOT/r.err")
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$needle" "$TMPROOT/r.err" && [ ! -e "$out" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, $lines lines: $(head -c 300 "$TMPROOT/r.err" | tr '\n' ' ') out written: $([ -e "$out" ] && echo yes || echo no)"
	fi
}

# --- windows that wrap or do not fit: run and probe refuse the same ---
f="$TMPROOT/target.bin"
canary_file "$f" 8192
sum_before=$(sha256sum <"$f")
for cmd in run probe; do
	refused "$cmd: file window whose end wraps (18446744073709551552:128)" "past the end of the file" \
		$cmd --window 18446744073709551552:128 $([ $cmd = run ] && echo -t) "file:$f"
	refused "$cmd: RAM window of 2^64-64 bytes" "MemAvailable" \
		$cmd --window 0:18446744073709551552 $([ $cmd = run ] && echo -t) ram
	refused "$cmd: window length ' -64'" "must be OFF:LEN" $cmd --window "0: -64" $([ $cmd = run ] && echo -t) ram
	refused "$cmd: window length '64i'" "must be OFF:LEN" $cmd --window 0:64i $([ $cmd = run ] && echo -t) ram
done
[ "$(sha256sum <"$f")" = "$sum_before" ] && pass "the file is untouched by the refused windows" ||
	fail "the file is untouched by the refused windows" "its bytes changed"

# more RAM than there is: refused before anything is mapped, naming both numbers
mem_total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
too_big=$((mem_total_kb * 4 * 1024))
refused "run: RAM window of 4 x MemTotal ($too_big bytes)" "0:$too_big goes past the end of the memory available (MemAvailable: [0-9]* bytes" \
	run -t ram -w "0:$too_big"

# a long --window is read whole: 0:000...0064K is 64 KiB, not cut to 64 bytes
long="0:$(printf '0%.0s' $(seq 140))64K"
win=$("$WCBENCH" probe --window "$long" ram 2>&1 | awk -F': ' '$1 == "window" {print $2}')
[ "${win#*:}" = 65536 ] && pass "a ${#long}-character --window is read whole (64K)" ||
	fail "a ${#long}-character --window is read whole (64K)" "window: $win"

# a window in the middle of a file: stores land inside it, never before or after it
f2="$TMPROOT/middle.bin"
canary_file "$f2" 12288
canary_file "$TMPROOT/canary4k" 4096
out="$TMPROOT/middle"
"$WCBENCH" run -t "file:$f2" -w 4096:4096 --verify "${ONE[@]}" --out "$out" >/dev/null 2>"$TMPROOT/middle.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s -n 4096 "$f2" "$TMPROOT/canary4k" &&
	cmp -s -n 4096 <(tail -c 4096 "$f2") "$TMPROOT/canary4k" && ! cmp -s -n 4096 <(tail -c +4097 "$f2") "$TMPROOT/canary4k"; then
	pass "file window 4096:4096: the window was written, the bytes before and after it untouched"
else
	fail "file window 4096:4096" "exit $rc: $(head -2 "$TMPROOT/middle.err" | tr '\n' ' ')"
fi

# --- a file target truncated underneath the run ---
# wait_for FILE TEXT: until FILE holds TEXT (at most 20 s)
wait_for() { for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# the cases run until their budget (no stop rule can end them): the truncation lands in case 1,
# whose kernel faults; case 2 then faults in --verify's look at the 4 KiB before the window
LONG=(-k c_8 -b none -T 3 --min-samples 100000 --max-samples 100000 --no-plot)

f3="$TMPROOT/shrinks.bin"
canary_file "$f3" $((1 << 20))
out="$TMPROOT/shrinks"
"$WCBENCH" run -t "file:$f3" -w 4K:64K --verify -s 64,128 "${LONG[@]}" --out "$out" >/dev/null 2>"$TMPROOT/shrinks.err" &
pid=$!
wait_for "$TMPROOT/shrinks.err" "cases into" && sleep 0.5
truncate -s 0 "$f3"
wait $pid
rc=$?
statuses=$(col "$out/results.csv" status 2>/dev/null | sort | uniq -c | tr -s ' \n' ' ')
reasons=$(col "$out/results.csv" reason 2>/dev/null | grep -c SIGBUS)
if [ $rc -eq 1 ] && [ "$statuses" = " 2 fault " ] && [ "$reasons" -eq 2 ]; then
	pass "--verify on a file truncated during the run: two fault rows naming SIGBUS, exit 1"
else
	fail "--verify on a file truncated during the run" "exit $rc$([ $rc -gt 128 ] && echo " (killed by signal $((rc - 128)))"), statuses:$statuses, $reasons rows naming SIGBUS"
fi

# truncated before its target is mapped (while a RAM case runs): the fault-in is armed too
f4="$TMPROOT/shrinks2.bin"
canary_file "$f4" $((1 << 20))
out="$TMPROOT/shrinks2"
"$WCBENCH" run -t ram -t "file:$f4" -w 0:64K -s 64 "${LONG[@]}" --out "$out" >/dev/null 2>"$TMPROOT/shrinks2.err" &
pid=$!
wait_for "$TMPROOT/shrinks2.err" "cases into" && sleep 0.5
truncate -s 0 "$f4"
wait $pid
rc=$?
file_row=$(awk -F, 'NR > 1 && /file:/' "$out/results.csv" 2>/dev/null)
case "$rc:$file_row" in
1:*,fault,*SIGBUS*faulting\ the\ file\ in*)
	pass "a file truncated before it is mapped: a fault row naming SIGBUS, the run ends (exit 1)" ;;
*)
	fail "a file truncated before it is mapped" "exit $rc$([ $rc -gt 128 ] && echo " (killed by signal $((rc - 128)))"), row: ${file_row:-none}" ;;
esac

# --- a thread that cannot be started: an error row, not a hang ---
# Thread stacks as large as the stack limit (4 GB) cannot be mapped under a 3 GB address-space
# limit, so the second thread's pthread_create fails. ASan cannot run under such a limit at all.
if [ "$(nproc)" -lt 2 ]; then
	skip "thread start failure" "needs 2 CPUs"
elif ! { (ulimit -s 4000000 && ulimit -v 3000000 && "$WCBENCH" list kernels) >/dev/null 2>&1; } 2>/dev/null; then
	skip "thread start failure" "this build or shell cannot run under ulimit -s 4000000 -v 3000000"
else
	out="$TMPROOT/nothread"
	(ulimit -s 4000000 && ulimit -v 3000000 &&
		exec timeout -s KILL 30 "$WCBENCH" run -j 2 "${ONE[@]}" --out "$out") >/dev/null 2>"$TMPROOT/nothread.err"
	rc=$?
	row=$(col "$out/results.csv" status 2>/dev/null),$(col "$out/results.csv" reason 2>/dev/null)
	case "$rc:$row" in
	"1:error,cannot start thread 2 of 2"*) pass "pthread_create failing: an error row naming the thread, exit 1, no hang" ;;
	*) fail "pthread_create failing" "exit $rc$([ $rc -eq 137 ] && echo " (hung: killed after 30 s)"), row: $row" ;;
	esac
fi
