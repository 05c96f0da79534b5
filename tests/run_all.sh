#!/usr/bin/env bash
# Runs every test program and script; prints one closing line "N passed, N failed, N skipped".
# Expects `make test` to have built: native, sanitizer (SAN=1), static and aarch64 programs.
# A program the build should have made but did not is a failure; a tool that is missing here
# (qemu-user) is a skip (a failure under CI, see `missing` in tests/lib.sh).
source "$(dirname "$0")/lib.sh"
cd "$TOP"
arch=$(uname -m)
log=$TMPROOT
passed=0 failed=0 skipped=0

# count: tally the ok / not ok / skip lines of $log/out
count() {
	passed=$((passed + $(grep -c '^ok - ' "$log/out")))
	failed=$((failed + $(grep -c '^not ok - ' "$log/out")))
	skipped=$((skipped + $(grep -c '^skip - ' "$log/out")))
}

# say LINE...: lines from run_all itself, shown and counted like a test's
say() { printf '%s\n' "$@" | tee "$log/out"; count; }

# run NAME COMMAND...: run a test program or script, show its lines, count ok / not ok / skip.
# Exit 77 with no failing check is a skip; any other non-zero exit without one is a failure.
run() {
	local name=$1; shift
	local start=$SECONDS
	echo "=== $name"
	"$@" >"$log/out" 2>&1
	local rc=$?
	# a test's own closing total would read as the suite's: keep it out of the log
	grep -Ev '^[0-9]+ passed, [0-9]+ failed' "$log/out"
	local p f s
	p=$(grep -c '^ok - ' "$log/out")
	f=$(grep -c '^not ok - ' "$log/out")
	s=$(grep -c '^skip - ' "$log/out")
	if [ "$rc" -eq 77 ] && [ "$f" -eq 0 ]; then
		[ "$s" -eq 0 ] && echo "skip - $name: exited 77 (skipped)" && s=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited $rc without a failing check"
		f=1
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && [ "$s" -eq 0 ]; then
		echo "not ok - $name ran no check"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	echo "=== $name: $p passed, $f failed, $s skipped ($((SECONDS - start)) s)"
}

# program NAME PROGRAM [ARGS...]: run a test program the build makes; missing, the build failed
program() {
	local name=$1 prog=$2
	if [ ! -x "$prog" ]; then
		echo "=== $name"
		say "not ok - $name: $prog is missing: the build failed or did not run (make test builds it)"
		return
	fi
	run "$@"
}

program "unit tests ($arch)" "build/$arch/unit_tests"
program "unit tests ($arch, ASan+UBSan)" "build/$arch-san/unit_tests"
program "unit tests ($arch, clang)" "build/$arch-clang/unit_tests"
program "kernels vs C reference ($arch)" "build/$arch/kernel_check"
program "kernels vs C reference ($arch, clang)" "build/$arch-clang/kernel_check"
program "kernels vs C reference ($arch, ASan+UBSan)" "build/$arch-san/kernel_check"
if [ "$arch" = x86_64 ]; then
	qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
	for p in unit_tests kernel_check; do
		name="$([ $p = unit_tests ] && echo "unit tests" || echo "kernels vs C reference") (aarch64 under qemu-user -cpu max)"
		if [ ! -x "build/aarch64-static/$p" ]; then
			program "$name" "build/aarch64-static/$p"
		elif [ -z "$qemu" ]; then
			echo "=== $name"
			say "$(missing "$name" "qemu-aarch64 is missing (apt-get install qemu-user-static)")"
		else
			run "$name" "$qemu" -cpu max "build/aarch64-static/$p"
		fi
	done
fi
for t in tests/t_*.sh; do
	run "$(basename "$t" .sh)" bash "$t"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
