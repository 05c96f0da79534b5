#!/usr/bin/env bash
# Runs every test program and script; prints one closing line "N passed, N failed, N skipped".
# Expects `make test` to have built: native, sanitizer (SAN=1), static and aarch64 programs.
set -u
cd "$(dirname "$0")/.."
arch=$(uname -m)
log=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-tests.XXXXXX")
trap 'rm -rf "$log"' EXIT
passed=0 failed=0 skipped=0

# run NAME COMMAND...: run a test program or script, show its lines, count ok / not ok / skip
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
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
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

run "unit tests ($arch)" "build/$arch/unit_tests"
run "unit tests ($arch, ASan+UBSan)" "build/$arch-san/unit_tests"
run "unit tests ($arch, clang)" "build/$arch-clang/unit_tests"
run "kernels vs C reference ($arch)" "build/$arch/kernel_check"
run "kernels vs C reference ($arch, clang)" "build/$arch-clang/kernel_check"
run "kernels vs C reference ($arch, ASan+UBSan)" "build/$arch-san/kernel_check"
if [ "$arch" = x86_64 ]; then
	qemu=$(command -v qemu-aarch64-static || command -v qemu-aarch64)
	run "unit tests (aarch64 under qemu-user -cpu max)" "$qemu" -cpu max build/aarch64-static/unit_tests
	run "kernels vs C reference (aarch64 under qemu-user -cpu max)" "$qemu" -cpu max build/aarch64-static/kernel_check
fi
for t in tests/t_*.sh; do
	run "$(basename "$t" .sh)" bash "$t"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
