#!/usr/bin/env bash
# tests/run_all.sh itself, on a fake tree (its own copy of run_all.sh and lib.sh, stand-in test
# programs and scripts), so the suite's counting can be seen to work:
#  - ok / not ok / skip lines of programs and scripts are counted, the closing line says how many
#    were skipped, and a script's own total does not leak into the log;
#  - a test program the build did not make is a failure, not a skip;
#  - a missing qemu-user is a skip (a failure under CI), and a script that exits 77 is a skip.
source "$(dirname "$0")/lib.sh"

F=$TMPROOT/fake
arch=$(uname -m)
mkdir -p "$F/tests" "$F/bin"
cp "$TOP/tests/run_all.sh" "$TOP/tests/lib.sh" "$F/tests/"
prog() { # PATH LINES...: a stand-in test program printing LINES and its own total
	mkdir -p "$(dirname "$F/$1")"
	local p=$1; shift
	{ echo '#!/bin/sh'; for l in "$@"; do echo "echo '$l'"; done; echo "echo '9 passed, 0 failed'"; } > "$F/$p"
	chmod +x "$F/$p"
}
prog "build/$arch/unit_tests" "ok - u1" "ok - u2"
# build/$arch-san/unit_tests: not built
prog "build/$arch-clang/unit_tests" "ok - u1"
prog "build/$arch/kernel_check" "ok - k1" "skip - k2: CPU lacks it"
prog "build/$arch-clang/kernel_check" "ok - k1"
prog "build/$arch-san/kernel_check" "ok - k1"
prog build/aarch64-static/unit_tests "ok - a1"
prog build/aarch64-static/kernel_check "ok - a1"
printf '%s\n' 'echo "ok - s1"' 'echo "skip - s2: no tool"' > "$F/tests/t_a.sh"
printf '%s\n' 'exit 77' > "$F/tests/t_b.sh"
# a PATH without qemu-user
for t in bash sh grep mktemp rm tee uname basename dirname cat sed tr awk printf; do
	p=$(command -v $t) && [ "${p:0:1}" = / ] && ln -sf "$p" "$F/bin/$t"
done

(unset CI; PATH=$F/bin bash "$F/tests/run_all.sh") > "$TMPROOT/all.out" 2>&1
rc=$?
last=$(tail -1 "$TMPROOT/all.out")
if [ "$arch" = x86_64 ]; then want="7 passed, 1 failed, 5 skipped"; else want="7 passed, 1 failed, 3 skipped"; fi
[ "$last" = "$want" ] && pass "run_all: the closing line counts ok, not ok and skip ($last)" ||
	fail "run_all: closing line" "got '$last', want '$want'"
[ $rc = 1 ] && pass "run_all: exits 1 when a check failed" || fail "run_all exit" "exit $rc, want 1"
grep -q "^not ok - unit tests ($arch, ASan+UBSan): build/$arch-san/unit_tests is missing" "$TMPROOT/all.out" &&
	pass "run_all: a test program the build did not make is a failure" ||
	fail "run_all: missing program" "$(grep -i 'san' "$TMPROOT/all.out" | head -3 | tr '\n' ' ')"
grep -q "^skip - t_b: exited 77" "$TMPROOT/all.out" && pass "run_all: a script exiting 77 is a skip" ||
	fail "run_all: exit 77" "$(grep t_b "$TMPROOT/all.out" | tr '\n' ' ')"
grep -q '^9 passed' "$TMPROOT/all.out" && fail "run_all: a program's own total stays out of the log" "it leaked" ||
	pass "run_all: a program's own total stays out of the log"
if [ "$arch" = x86_64 ]; then
	[ "$(grep -c '^skip - .*qemu-aarch64 is missing' "$TMPROOT/all.out")" = 2 ] &&
		pass "run_all: without qemu-user the aarch64 programs are skipped" ||
		fail "run_all: no qemu-user" "$(grep aarch64 "$TMPROOT/all.out" | tr '\n' ' ')"
	CI=true PATH=$F/bin bash "$F/tests/run_all.sh" > "$TMPROOT/ci.out" 2>&1
	[ "$(grep -c '^not ok - .*qemu-aarch64 is missing' "$TMPROOT/ci.out")" = 2 ] &&
		pass "run_all: under CI a missing qemu-user is a failure" ||
		fail "run_all: no qemu-user under CI" "$(grep aarch64 "$TMPROOT/ci.out" | tr '\n' ' ')"
fi
