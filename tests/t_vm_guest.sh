#!/usr/bin/env bash
# `wcbench vm` nested under TCG: the stage-2 decision of two real host kernels. Inside an aarch64
# TCG guest booted at EL2 (wcbench guest --virt: QEMU >= 9, -smp 1,maxcpus=2), whose kernel has
# /dev/kvm, wcbench makes its own VM over the ivshmem BAR (4 MiB, backed by a host file), once with
# Debian bookworm's kernel (6.1) and once with bookworm-backports' (6.12), booted in parallel:
#  a) gates, judged first: the guest has /dev/kvm, and the emulator raises the Device alignment
#     fault the probe relies on (tests/guest/unaligned_store.c on resource2, not the code under
#     test). Without them nothing below can be concluded: they fail, and so do the checks.
#  b) vfio BAR2 + stage 1 normal-nc: 6.1 -> stage 2 Device (KVM_RUN fails with EFAULT); 6.12 ->
#     no fault, stage 2 Normal. Both: stage 1 device-ngnre -> Device at stage 1 (the payload's own
#     vector took the alignment fault; stage 2 not seen); sysfs resource2 + normal-nc -> stage 2
#     Device. The rows: env microvm, memtype = the stage-1 type, memtype_effective, memtype_stage2.
#  c) the store kernels in the microVM with --verify on a window in the middle of the BAR: rows ok
#     with verify ok, and afterwards the host reads the backing file: the window holds the pattern
#     and every byte outside what the guest may write (a canary) is untouched.
#  d) check in that guest (the KVM host of wcbench's VM): on 6.1 it says there is no write
#     combining in VMs, naming 6.9 and 8c47ce3e1d2c; on 6.12 that a guest can combine.
#  e) errors, each a clear message or row while the run goes on: a window that cannot be a memslot
#     (exit 2, nothing written); the payload's alignment fault and KVM's EFAULT (the probe's) end
#     their VM only: the cases after them run in a fresh VM and finish ok.
#  f) x86_64 (nested KVM under TCG works there: QEMU's TCG emulates SVM with nested paging): vm
#     with PAT stage-1 types WC and UC, --verify, the bytes on the host; no probe (empty columns).
# Needs what tests/t_check_guest.sh needs and both Debian arm64 kernels in the cache (./setup.sh
# test fetches them); what is missing is skipped (a failure under CI).
source "$(dirname "$0")/lib.sh"

SUITES=${WCBENCH_VM_SUITES:-"bookworm bookworm-backports"}
BAR=4M
BAR_BYTES=$((4 << 20))
PROBE_WIN=0:64K          # the probe's and the sweep's window
VERIFY_OFF=$((256 << 10)) VERIFY_LEN=$((64 << 10))   # --verify's window

if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi
check_exit "wcbench vm exists (vm --help exits 0)" 0 "$WCBENCH" vm --help
grep -q -- "--stage1" "$TMPROOT/check.out" && pass "vm --help explains --stage1" ||
	fail "vm --help explains --stage1" "$(head -3 "$TMPROOT/check.out")"
check_exit "vm --stage1 with an unknown type: exit 2" 2 "$WCBENCH" vm --stage1 no-such-type --target ram --out "$TMPROOT/u1"
grep -q "no-such-type" "$TMPROOT/check.out" && [ ! -e "$TMPROOT/u1" ] &&
	pass "vm --stage1 unknown: the message names it, nothing written" ||
	fail "vm --stage1 unknown: message, nothing written" "$(head -2 "$TMPROOT/check.out")"
check_exit "guest --kernel debian:no-such-suite: refused" 2 "$WCBENCH" guest --arch aarch64 --accel tcg --virt \
	--kernel debian:no-such-suite --device ivshmem:1M --out "$TMPROOT/u2" -- vm --target ram

why=
command -v aarch64-linux-gnu-gcc >/dev/null || why="aarch64-linux-gnu-gcc is missing (apt-get install \$(cat tests/deps/core.txt))"
[ -z "$why" ] && ! "$TOP/guest/setup.sh" --arch aarch64 --check >/dev/null 2>&1 &&
	why="guest/setup.sh --arch aarch64 --check: $("$TOP/guest/setup.sh" --arch aarch64 --check 2>&1 | head -1)"
runnable=
for s in $SUITES; do
	w=$why
	[ -z "$w" ] && ! "$TOP/guest/setup.sh" --arch aarch64 --kernel "debian:$s" --check >/dev/null 2>&1 &&
		w="guest/setup.sh --arch aarch64 --kernel debian:$s --check: not cached (./setup.sh test fetches it)"
	if [ -n "$w" ]; then missing "vm nested, kernel debian:$s" "$w"; else runnable="$runnable $s"; fi
done
[ -n "$runnable" ] || exit 0

HELPER=$TMPROOT/unaligned_store
aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -std=gnu11 -o "$HELPER" "$TOP/tests/guest/unaligned_store.c" \
	> "$TMPROOT/helper.log" 2>&1 || { fail "self-check helper built" "$(head -3 "$TMPROOT/helper.log" | tr '\n' ' ')"; exit 1; }

ONE="-k str_8 -b none -s 64 --quick --no-plot"
# kernels/kernels.c's store_pattern, as the host reads it back from the file (burst 64: byte x of
# the window is pattern[x % 64])
PATTERN_HEX=a55ac33c9669f00f112233445566778899aabbccddeeff011223344556677889
PATTERN_HEX+=9aabbccddeeff102132435465768798a9bacbdcedfe1f20314253647586a7b8c
launch() { # suite: boots the guest, leaves $TMPROOT/$suite/{out,launch.log,launch.rc,secs,bar.bin}
	local s=$1 d=$TMPROOT/$1
	mkdir -p "$d"
	# the canary: every byte 0xee; only the windows below may change
	head -c $BAR_BYTES /dev/zero | tr '\0' '\356' > "$d/bar.bin"
	local ex=(
		# exec-1, exec-2: the gates
		--exec 'ls /dev/kvm && dmesg | grep -m1 -i "kvm.*initialized\|VHE"'
		--exec 'unaligned_store /sys/bus/pci/devices/@dev/resource2'
		# exec-3: the stage-1 x stage-2 sweep, one case per target and type
		--exec "wcbench vm --stage1 normal-nc,device-ngnre --target vfio:@dev:bar2 --target sysfs:@dev:bar2 --window $PROBE_WIN $ONE --out \$WC_OUT/vm"
		# exec-4: the kernels with --verify, in the middle of the BAR
		--exec "wcbench vm --stage1 device-ngnre,normal-nc --target vfio:@dev:bar2 --window $VERIFY_OFF:$VERIFY_LEN -k str_8,st1_q64 -b none -s 64 --quick --verify --no-plot --out \$WC_OUT/verify"
		# exec-5: check, with the microVM's evidence
		--exec "wcbench check vfio:@dev:bar2 --window $PROBE_WIN --time 0.02 --out \$WC_OUT/check"
		# exec-6: a window that cannot be a memslot
		--exec "wcbench vm --stage1 normal-nc --target vfio:@dev:bar2 --window 4160:4096 $ONE --out \$WC_OUT/badwin; rc=\$?; echo \"written: \$(ls -A \$WC_OUT/badwin 2>/dev/null | wc -l)\"; exit \$rc"
	)
	local start=$SECONDS
	"$WCBENCH" guest --arch aarch64 --accel tcg --virt --kernel "debian:$s" --device "ivshmem:$BAR:$d/bar.bin" \
		--out "$d/out" --timeout 300 --console --file "$HELPER" "${ex[@]}" > "$d/launch.log" 2>&1
	echo $? > "$d/launch.rc"
	echo $((SECONDS - start)) > "$d/secs"
}

# x86_64: nested KVM under TCG works (QEMU's TCG emulates AMD SVM with nested paging; the guest
# loads kvm_amd): the same interface, PAT types at stage 1, no timing-free probe
X86=
if command -v qemu-system-x86_64 >/dev/null && "$TOP/guest/setup.sh" --arch x86_64 --check >/dev/null 2>&1; then X86=1
else missing "vm nested, x86_64" "qemu-system-x86_64 or the x86_64 guest kernel is missing (./setup.sh test)"; fi
launch_x86() {
	local d=$TMPROOT/x86_64
	mkdir -p "$d"
	head -c $BAR_BYTES /dev/zero | tr '\0' '\356' > "$d/bar.bin"
	local start=$SECONDS
	"$WCBENCH" guest --arch x86_64 --accel tcg --virt --device "ivshmem:$BAR:$d/bar.bin" --out "$d/out" --timeout 300 \
		--console -- vm --stage1 wc,uc --target vfio:@dev:bar2 --target sysfs:@dev:bar2 \
		--window $VERIFY_OFF:$VERIFY_LEN -k mov_8,movnti_8 -b none -s 64 --quick --verify > "$d/launch.log" 2>&1
	echo $? > "$d/launch.rc"
	echo $((SECONDS - start)) > "$d/secs"
}

start=$SECONDS
for s in $runnable; do launch "$s" & done
[ -n "$X86" ] && launch_x86 &
wait
echo "# nested guests done in $((SECONDS - start)) s ($(for s in $runnable; do echo -n "$s $(cat "$TMPROOT/$s/secs") s "; done))"

# row KIND STAGE1 FILE: "memtype_effective|memtype_stage2|status|env" of the first row of that target
# kind and stage-1 type
row() { cols "$3" target memtype memtype_effective memtype_stage2 status env |
	awk -F'|' -v k="$1:" -v m="$2" 'index($1, k) == 1 && $2 == m { print $3 "|" $4 "|" $5 "|" $6; exit }'; }

# expect NAME GOT WANT
expect() { [ "$2" = "$3" ] && pass "$1 ($3)" || fail "$1" "got '$2', want '$3'"; }

# bytes_differ FILE OFF LEN BYTE: how many bytes of FILE[OFF, OFF+LEN) are not BYTE (octal)
bytes_differ() { tail -c +$(($2 + 1)) "$1" | head -c "$3" | tr -d "\\$4" | wc -c; }

check_suite() {
	local s=$1 d=$TMPROOT/$1 o=$TMPROOT/$1/out k
	k=$(grep -m1 -o 'kernel [0-9][^ ]*' "$o/guest/init.log" 2>/dev/null | cut -d' ' -f2)
	local tag="$s (${k:-kernel ?})"
	if ! grep -q '^/dev/kvm' "$o/guest/exec-1.out" 2>/dev/null; then
		fail "$tag: GATE: the guest has /dev/kvm (--virt)" "$(cat "$o/guest/exec-1.out" 2>/dev/null || tail -5 "$d/launch.log")"
		return
	fi
	pass "$tag: the guest has /dev/kvm ($(sed -n 2p "$o/guest/exec-1.out" | sed 's/^\[[^]]*\] //' | cut -c1-60))"
	if [ "$(cat "$o/guest/exec-2.out" 2>/dev/null)" != alignment-fault ]; then
		fail "$tag: GATE: EMULATOR SELF-CHECK: an unaligned STR to resource2 (Device) faults" \
			"unaligned_store said '$(cat "$o/guest/exec-2.out" 2>/dev/null)': QEMU < 9 or -smp 1: nothing below can be concluded"
		return
	fi
	pass "$tag: emulator self-check: an unaligned STR to resource2 (Device-nGnRE) faults"

	local major=${k%%.*} rest=${k#*.} minor
	minor=${rest%%[!0-9]*}
	local new=0; { [ "${major:-0}" -gt 6 ] || { [ "${major:-0}" -eq 6 ] && [ "${minor:-0}" -ge 9 ]; }; } && new=1

	# b) the stage-2 decision
	local csv=$o/vm/results.csv
	if [ ! -s "$csv" ]; then
		fail "$tag: wcbench vm wrote results.csv" "$(tail -3 "$o/guest/exec-3.out" 2>/dev/null)"
	else
		local r
		r=$(row vfio Normal-NC "$csv")
		if [ $new = 1 ]; then
			expect "$tag: vfio + stage 1 Normal-NC: no fault, stage 2 Normal (since 6.9)" "$r" "Normal|Normal|ok|microvm"
		else
			expect "$tag: vfio + stage 1 Normal-NC: stage 2 Device, KVM_RUN EFAULT (before 6.9)" "$r" "Device|Device|ok|microvm"
		fi
		expect "$tag: vfio + stage 1 Device-nGnRE: Device at stage 1, stage 2 not seen" "$(row vfio Device-nGnRE "$csv")" "Device||ok|microvm"
		expect "$tag: sysfs resource2 + stage 1 Normal-NC: stage 2 Device" "$(row sysfs Normal-NC "$csv")" "Device|Device|ok|microvm"
		expect "$tag: sysfs resource2 + stage 1 Device-nGnRE: Device at stage 1" "$(row sysfs Device-nGnRE "$csv")" "Device||ok|microvm"
		grep -q "EFAULT" "$o/guest/exec-3.out" && grep -q "alignment fault" "$o/guest/exec-3.out" &&
			pass "$tag: the probe's EFAULT and the payload's alignment fault are said, and the run went on" ||
			fail "$tag: the probe's outcomes are said" "$(grep -m3 'memtype_effective' "$o/guest/exec-3.out")"
		grep -q '"memtype_probes"' "$o/vm/metadata.json" && grep -q 'stage1=normal-nc' "$o/vm/metadata.json" &&
			pass "$tag: metadata.json says how each stage-1 type was probed" ||
			fail "$tag: metadata.json memtype_probes" "$(grep -c stage1= "$o/vm/metadata.json" 2>/dev/null)"
	fi

	# c) --verify, and the bytes on the host
	csv=$o/verify/results.csv
	local n_ok
	n_ok=$(cols "$csv" status verify 2>/dev/null | grep -c '^ok|ok$')
	[ "$n_ok" = 4 ] && pass "$tag: 2 kernels x 2 stage-1 types with --verify: 4 rows ok, verify ok" ||
		fail "$tag: --verify rows ok" "$n_ok of 4: $(cols "$csv" kernel memtype status reason 2>/dev/null | head -4 | tr '\n' ' ')"
	local pat bad
	pat=$(od -An -tx1 -j$VERIFY_OFF -N64 "$d/bar.bin" | tr -d ' \n')
	# the kernels' pattern (kernels/kernels.c store_pattern), as the host reads it from the file
	local want=$PATTERN_HEX
	[ "$pat" = "$want" ] && pass "$tag: the host's backing file holds the pattern at the window's start" ||
		fail "$tag: the pattern reached the host's file" "read $pat"
	bad=$(tail -c +$((VERIFY_OFF + 1)) "$d/bar.bin" | head -c $VERIFY_LEN | od -An -tx1 -v | tr -s ' \n' '\n' | grep -v '^$' |
		awk -v w="$want" '{ if ($1 != substr(w, ((NR - 1) % 64) * 2 + 1, 2)) n++ } END { print n + 0 }')
	[ "$bad" = 0 ] && pass "$tag: every byte of the verify window is the pattern (host view)" ||
		fail "$tag: the verify window holds the pattern" "$bad bytes differ"
	# outside: [64K, 256K) and [320K, 4M) were never in a window: still the canary
	bad=$(( $(bytes_differ "$d/bar.bin" 65536 $((VERIFY_OFF - 65536)) 356) +
		$(bytes_differ "$d/bar.bin" $((VERIFY_OFF + VERIFY_LEN)) $((BAR_BYTES - VERIFY_OFF - VERIFY_LEN)) 356) ))
	[ "$bad" = 0 ] && pass "$tag: the canary outside the windows is untouched ($((BAR_BYTES - VERIFY_LEN - 65536)) bytes)" ||
		fail "$tag: canary untouched" "$bad bytes changed outside the windows"

	# d) check's microVM evidence
	local c=$o/guest/exec-5.out
	if [ $new = 1 ]; then
		grep -q "Normal at stage 2" "$c" && pass "$tag: check: in a guest this BAR is Normal at stage 2 (can combine)" ||
			fail "$tag: check says Normal at stage 2" "$(grep -m2 -i 'microvm\|stage 2' "$c" | tr '\n' ' ' | cut -c1-300)"
	else
		grep -q "no write combining in VMs" "$c" && grep -q "6\.9" "$c" && grep -q "8c47ce3e1d2c" "$c" &&
			pass "$tag: check: no write combining in VMs on this host kernel, naming 6.9 and 8c47ce3e1d2c" ||
			fail "$tag: check says no WC in VMs (6.9, 8c47ce3e1d2c)" "$(grep -m2 -i 'microvm\|stage 2' "$c" | tr '\n' ' ' | cut -c1-300)"
	fi
	grep -q '"kind": *"microvm"' "$o/check/verdict.json" 2>/dev/null && pass "$tag: verdict.json has the microvm evidence" ||
		fail "$tag: verdict.json microvm evidence" "$(grep -c microvm "$o/check/verdict.json" 2>/dev/null)"

	# e) a window that cannot be a memslot
	expect "$tag: a window off the page grid: exit 2" "$(cat "$o/guest/exec-6.rc" 2>/dev/null)" 2
	grep -q "page boundary" "$o/guest/exec-6.out" && grep -q "written: 0" "$o/guest/exec-6.out" &&
		pass "$tag: ... says why (page boundary) and writes nothing" ||
		fail "$tag: badwin message" "$(head -2 "$o/guest/exec-6.out" | tr '\n' ' ')"
}

for s in $runnable; do check_suite "$s"; done

if [ -n "$X86" ]; then
	d=$TMPROOT/x86_64 o=$TMPROOT/x86_64/out
	expect "x86_64: wcbench guest --virt -- vm exits 0 (vm's status)" "$(cat "$d/launch.rc")" 0
	rows=$(cols "$o/results.csv" env memtype memtype_effective memtype_stage2 status verify 2>/dev/null | sort | uniq -c | awk '{ $1 = $1; print }' | paste -sd' ')
	expect "x86_64: 2 targets x 2 kernels x WC, UC: rows ok, verify ok, no probe (empty effective and stage 2)" "$rows" \
		"4 microvm|UC|||ok|ok 4 microvm|WC|||ok|ok"
	got=$(od -An -tx1 -N64 "$d/bar.bin" -j$VERIFY_OFF | tr -d ' \n')
	[ "$got" = "$PATTERN_HEX" ] &&
		pass "x86_64: the pattern reached the host's backing file" || fail "x86_64: the pattern reached the host's file" "read $got"
	bad=$(( $(bytes_differ "$d/bar.bin" 0 $VERIFY_OFF 356) +
		$(bytes_differ "$d/bar.bin" $((VERIFY_OFF + VERIFY_LEN)) $((BAR_BYTES - VERIFY_OFF - VERIFY_LEN)) 356) ))
	[ "$bad" = 0 ] && pass "x86_64: the canary outside the window is untouched" ||
		fail "x86_64: canary untouched" "$bad bytes changed outside the window"
	cat "$o/guest/"*.out 2>/dev/null | grep -q "no timing-free probe" && pass "x86_64: vm says it has no probe here, and measures" ||
		fail "x86_64: vm says why it does not probe" "$(grep -m1 memtype_effective "$o/guest/"*.out 2>/dev/null)"
fi
exit 0
