#!/usr/bin/env bash
# Guest tests: boot an x86_64 (q35 + intel-iommu) and an aarch64 (virt + smmuv3, -cpu max) Linux
# guest under QEMU TCG, in parallel, each with an emulated ivshmem BAR backed by a host file, and run
# the static wcbench inside through `wcbench guest`:
#  - vfio:, sysfs: and sysfs-wc: targets on BAR 2, every kernel and barrier of the arch, --verify;
#    the rows come back with env=guest and status ok (unsupported only where the emulated CPU lacks
#    the feature: ST64B on aarch64, AVX-512/MOVDIR64B on x86), with the memory type of each path;
#  - afterwards the backing file holds exactly the last case's bytes inside the window and the
#    canary everywhere else;
#  - `wcbench probe` of the three paths: exit 0, vfio through the group path, region 2 of 1 MiB
#    with mmap, a 2 MiB DMA mapping at a non-zero IOVA, map and memtype per path as in the rows;
#  - bad targets inside the guest each give their clear error and exit 2.
#  - the launcher runs from a copy of the source tree that lacks wcbench-<arch> and builds it there
#    (make STATIC=1; the aarch64 cross build), and takes the run arguments as `-- run ARGS`;
#  - aarch64: a second ivshmem device added with --qemu-arg and named by its BDF in a target gets
#    memory decoding enabled and is measured like @dev (its backing file holds the same bytes).
#  - before booting: launcher usage of --virt, --kernel debian:SUITE (a suite apt knows no kernel
#    in: exit 2) and -- vm (no --out), guest/setup.sh --kernel, the cache directory per suite.
# Needs qemu-system-x86/arm (tests/deps/guest.txt), the kernels from guest/setup.sh and, for aarch64,
# the cross compiler and the QEMU >= 9 that guest/setup.sh unpacks beside the system's (the launcher
# uses it, with -smp 1,maxcpus=2); what is missing is skipped (a failure under CI, which ran
# ./setup.sh test).
# TCG timings mean nothing here.
source "$(dirname "$0")/lib.sh"

ARCHS=${WCBENCH_GUEST_ARCHS:-"x86_64 aarch64"}
SIZE=1M SIZE_BYTES=$((1 << 20))
WOFF=4096 WLEN=65536           # the window: --window 4K:64K
CANARY='\347'                  # 0xe7: a byte the store pattern does not contain

if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi

# launcher usage errors: exit 2 and a message, before booting anything
check_exit "guest --help exits 0" 0 "$WCBENCH" guest --help
grep -q -- "--device SPEC" "$TMPROOT/check.out" && pass "guest --help teaches the options" || fail "guest --help" "no --device in it"
check_exit "guest without --out: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg --device ivshmem:1M
check_exit "guest with a bad arch: exit 2" 2 "$WCBENCH" guest --arch sparc --accel tcg --device ivshmem:1M --out "$TMPROOT/u"
check_exit "guest with ivshmem size not a power of two: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg --device ivshmem:3M --out "$TMPROOT/u"
check_exit "guest with an unknown device kind: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg --device e1000:1 --out "$TMPROOT/u"
check_exit "guest with a host BDF that does not exist: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg --device vfio:0000:7e:1f.7 --out "$TMPROOT/u"
if ! command -v qemu-system-x86_64 >/dev/null; then
	missing "guest: absent host device named" "qemu-system-x86_64 is missing: the launcher says that first"
else
	grep -q "no PCI device 0000:7e:1f.7" "$TMPROOT/check.out" && pass "guest: absent host device named" || fail "guest: absent host device message" "$(cat "$TMPROOT/check.out")"
fi

# --virt, --kernel debian:SUITE, -- vm: usage, before booting anything
check_exit "guest --virt without --out: exit 2" 2 "$WCBENCH" guest --arch aarch64 --accel tcg --virt --device ivshmem:1M
grep -q -- "--out DIR is required" "$TMPROOT/check.out" && ! grep -q "unknown option" "$TMPROOT/check.out" &&
	pass "guest: --virt is an option (the complaint is the missing --out)" || fail "guest: --virt accepted" "$(head -1 "$TMPROOT/check.out")"
"$WCBENCH" guest --help 2>&1 | grep -q -- "--virt" && "$WCBENCH" guest --help 2>&1 | grep -q -- "-- vm" &&
	pass "guest --help teaches --virt and -- vm" || fail "guest --help teaches --virt and -- vm" "not in the help"
check_exit "guest -- vm with --out: exit 2" 2 "$WCBENCH" guest --arch aarch64 --accel tcg --device ivshmem:1M \
	--out "$TMPROOT/u" -- vm --out /tmp/x --target vfio:@dev:bar2
grep -q -- "-- vm: leave --out out" "$TMPROOT/check.out" && pass "guest -- vm --out: the message says why" ||
	fail "guest -- vm --out: message" "$(head -1 "$TMPROOT/check.out")"
check_exit "guest -- vm with -oDIR: exit 2" 2 "$WCBENCH" guest --arch aarch64 --accel tcg --device ivshmem:1M \
	--out "$TMPROOT/u" -- vm -o/tmp/x
check_exit "guest --kernel debian: (no suite): exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" --kernel debian:
check_exit "guest --kernel 'debian:no such': exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" --kernel "debian:no such"
check_exit "guest --kernel debian:SUITE with --modules: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" --kernel debian:bookworm --modules /lib/modules
HOSTDA=$(dpkg --print-architecture 2>/dev/null)
if ! command -v apt-cache >/dev/null || [ -z "$(apt-cache show --no-all-versions "linux-image-$HOSTDA" 2>/dev/null | head -1)" ]; then
	missing "guest --kernel debian:nosuch" "apt knows no linux-image-$HOSTDA here (apt-get update)"
else
	# a suite apt knows no kernel in is a bad argument: exit 2, before anything is written
	check_exit "guest --kernel debian:nosuch: exit 2" 2 "$WCBENCH" guest --arch "$(uname -m)" --accel tcg \
		--device ivshmem:1M --out "$TMPROOT/nosuch" --kernel debian:nosuch
	grep -q "apt knows no linux-image-$HOSTDA in suite nosuch" "$TMPROOT/check.out" && [ ! -e "$TMPROOT/nosuch" ] &&
		pass "guest --kernel debian:nosuch: the message names the suite, nothing written" ||
		fail "guest --kernel debian:nosuch: message" "$(head -1 "$TMPROOT/check.out")$([ -e "$TMPROOT/nosuch" ] && echo "; $TMPROOT/nosuch was created")"
fi
check_exit "guest/setup.sh --kernel without debian:: exit 2" 2 "$TOP/guest/setup.sh" --kernel bookworm --check
check_exit "guest/setup.sh --kernel debian:Bad: exit 2" 2 "$TOP/guest/setup.sh" --kernel debian:Bad --check
# each suite has its own cache directory; the release's own stays where the default kernel always was
got=$(WCBENCH_CACHE=$TMPROOT/c bash -c '. "$1/guest/lib.sh"; kernel_cache aarch64 "$(release_codename)"; kernel_cache aarch64; kernel_cache aarch64 some-backports' _ "$TOP" | paste -sd' ')
want="$TMPROOT/c/guest/aarch64 $TMPROOT/c/guest/aarch64 $TMPROOT/c/guest/aarch64/suites/some-backports"
[ "$got" = "$want" ] && pass "guest: kernel cache per suite (the release's own in <arch>/, others in <arch>/suites/SUITE)" ||
	fail "guest: kernel cache per suite" "got $got, want $want"
WCBENCH_CACHE=$TMPROOT/c "$TOP/guest/setup.sh" --arch aarch64 --kernel debian:some-backports --check > "$TMPROOT/check.out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "no guest kernel for aarch64 (debian:some-backports) in $TMPROOT/c/guest/aarch64/suites/some-backports" "$TMPROOT/check.out" &&
	pass "guest/setup.sh --check of an absent suite: exit 1, naming its directory" ||
	fail "guest/setup.sh --check of an absent suite" "exit $rc: $(head -1 "$TMPROOT/check.out")"

runnable=
for a in $ARCHS; do
	why=
	command -v "qemu-system-$a" >/dev/null || why="qemu-system-$a is missing (apt-get install \$(cat tests/deps/guest.txt))"
	[ -z "$why" ] && [ "$a" != "$(uname -m)" ] && ! command -v "$a-linux-gnu-gcc" >/dev/null &&
		why="$a-linux-gnu-gcc is missing: the launcher cannot build wcbench-$a (apt-get install \$(cat tests/deps/core.txt))"
	[ -z "$why" ] && ! "$TOP/guest/setup.sh" --arch "$a" --check >/dev/null 2>&1 &&
		why="guest/setup.sh --arch $a --check: $("$TOP/guest/setup.sh" --arch "$a" --check 2>&1 | head -1) (./setup.sh test fetches it)"
	if [ -n "$why" ]; then missing "guest $a" "$why"; else runnable="$runnable $a"; fi
done
ARCHS=$runnable
[ -n "$ARCHS" ] || exit 0

# A copy of the source tree without the static binaries: the launcher must build wcbench-<arch>
# there. The build directories come along (timestamps kept), so make only links.
TREE=$TMPROOT/tree
mkdir -p "$TREE/build"
cp -a "$TOP/Makefile" "$TOP/bench" "$TOP/kernels" "$TOP/vfio" "$TOP/guest" "$TOP/plots" "$TREE/"
cp "$WCBENCH" "$TREE/wcbench"
for a in $ARCHS; do [ -d "$TOP/build/$a-static" ] && cp -a "$TOP/build/$a-static" "$TREE/build/"; done
rm -f "$TREE"/wcbench-*

# a tree whose build fails: the launcher says so in one line (make's output goes to build.log)
set -- $ARCHS
BROKEN=$TMPROOT/broken
cp -a "$TREE" "$BROKEN"
echo 'this is not C' >> "$BROKEN/bench/cmd/guest.c"
check_exit "guest from a tree whose build fails: exit 1" 1 "$BROKEN/wcbench" guest --arch "$1" --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/broken-out" -- --target ram
grep -q "^wcbench guest: no wcbench-$1 yet: building it" "$TMPROOT/check.out" &&
	[ "$(grep -c "^wcbench guest: building wcbench-$1 failed (make .*): .*error:" "$TMPROOT/check.out")" = 1 ] &&
	[ "$(grep -c . "$TMPROOT/check.out")" = 2 ] &&
	pass "guest: a failed build: one line saying it builds, one naming the make and its first error" ||
	fail "guest: a failed build" "$(head -4 "$TMPROOT/check.out" | tr '\n' ' ')"
rm -rf "$BROKEN"

# Bad targets, run inside the guest after the measured run: "expected message|shell line".
# @dev is the ivshmem device; $SERIAL (found in the guest) is the PCI serial port, bound to `serial`.
one="-k c_8 -b none -s 64 --quick --no-plot --out /tmp/bad"
BAD=(
	"no PCI device 0000:07:1e.7|wcbench run --target vfio:0000:07:1e.7:bar2 $one"
	"is not a PCI address|wcbench run --target vfio:00:3:bar2 $one"
	"BAR 7 does not exist|wcbench run --target vfio:@dev:bar7 $one"
	"goes past the end of BAR 2|wcbench run --target vfio:@dev:bar2 --window 960K:128K $one"
	"is not prefetchable|wcbench run --target sysfs-wc:@dev:bar0 $one"
	"is bound to serial|S=\$(grep -l 0x0002 /sys/bus/pci/devices/*/device | cut -d/ -f6); wcbench run --target sysfs:\$S:bar1 $one"
	"is an I/O port BAR|S=\$(grep -l 0x0002 /sys/bus/pci/devices/*/device | cut -d/ -f6); wcbench run --target sysfs:\$S:bar0 --force $one"
	"is not bound to any driver: bind it to vfio-pci first|echo @dev > /sys/bus/pci/drivers/vfio-pci/unbind && wcbench run --target vfio:@dev:bar2 $one"
	"memory decoding is off|printf '\\000\\000' | dd of=/sys/bus/pci/devices/@dev/config bs=1 seek=4 count=2 conv=notrunc 2>/dev/null && wcbench run --target sysfs:@dev:bar2 $one"
)
# `wcbench probe` of the three BAR paths, run as exec-2 while the device is still bound to vfio-pci
PROBE="wcbench probe vfio:@dev:bar2 sysfs-wc:@dev:bar2 sysfs:@dev:bar2"
NAMES=(wrong-bdf bad-bdf-syntax bar7 window-past-end sysfs-wc-nonprefetchable host-driver-no-force io-bar vfio-not-bound decoding-off)

# x86_64: a last --exec line that plants what a hostile guest would (a link to a host file in
# guest/ and a file through it in run/guest/, a FIFO, a block device): the launcher must refuse
# each, name it, exit 1, and change no host file
VICTIM=$TMPROOT/victim.txt
echo "victim: known content" > "$VICTIM"
HOSTILE="ln -s $VICTIM \$WC_OUT/../guest/evil; mkdir -p \$WC_OUT/guest; echo PWNED > \$WC_OUT/guest/evil; mkfifo \$WC_OUT/fifo; mknod \$WC_OUT/blk b 7 0; ln -s $VICTIM \$WC_OUT/link"
# aarch64: a second ivshmem device that only QEMU knows of (at slot 0x10), measured through sysfs
EXTRA_BDF=0000:00:10.0
launch() { # arch: boots the guest, leaves $TMPROOT/$arch/{out,bar.bin,launch.rc,secs}
	local a=$1 d=$TMPROOT/$1
	mkdir -p "$d"
	head -c $SIZE_BYTES /dev/zero | tr '\0' "$CANARY" > "$d/bar.bin"
	# exec-1: the lists; exec-2: probe (before the bad targets unbind the device); exec-3..: BAD
	local ex=(--exec "wcbench list kernels; wcbench list barriers" --exec "$PROBE")
	for b in "${BAD[@]}"; do ex+=(--exec "${b#*|}"); done
	[ "$a" = x86_64 ] && ex+=(--exec "$HOSTILE")
	local qextra=() textra=()
	if [ "$a" = aarch64 ]; then
		cp "$d/bar.bin" "$d/bar2.bin"
		qextra=(--qemu-arg -object --qemu-arg "memory-backend-file,id=extra,share=on,mem-path=$d/bar2.bin,size=$SIZE_BYTES"
			--qemu-arg -device --qemu-arg "ivshmem-plain,memdev=extra,addr=0x10")
		textra=(--target "sysfs:$EXTRA_BDF:bar2")
	fi
	local start=$SECONDS
	# no --binary: the launcher finds the tree lacks wcbench-$a and builds it
	"$TREE/wcbench" guest --arch "$a" --accel tcg --device "ivshmem:$SIZE:$d/bar.bin" \
		--out "$d/out" --timeout 300 --console "${ex[@]}" ${qextra[@]+"${qextra[@]}"} \
		-- run --target vfio:@dev:bar2 --target sysfs:@dev:bar2 --target sysfs-wc:@dev:bar2 ${textra[@]+"${textra[@]}"} \
		--window 4K:64K --verify --quick --kernel all --barrier all --drain fence,readback > "$d/launch.log" 2>&1
	echo $? > "$d/launch.rc"
	echo $((SECONDS - start)) > "$d/secs"
}

start=$SECONDS
for a in $ARCHS; do launch "$a" & done
wait
echo "# both guests done in $((SECONDS - start)) s ($(for a in $ARCHS; do echo -n "$a $(cat "$TMPROOT/$a/secs") s "; done))"


check_arch() {
	local a=$1 d=$TMPROOT/$1 o=$TMPROOT/$1/out csv=$TMPROOT/$1/out/results.csv
	local rc; rc=$(cat "$d/launch.rc")
	if [ "$a" = x86_64 ]; then
		# the hostile --exec line: refused entries make the launcher exit 1; the run itself passed
		local rrc; rrc=$(cat "$o/guest/run.rc" 2>/dev/null)
		[ "$rc" = 1 ] && [ "$rrc" = 0 ] && pass "$a: wcbench guest exits 1 (the hostile exec line's files refused), the run inside 0" ||
			fail "$a: wcbench guest exits 1, the run inside 0" "exit $rc, run.rc $rrc: $(tail -5 "$d/launch.log" | tr '\n' ' ')"
		[ "$(cat "$VICTIM")" = "victim: known content" ] && pass "$a: hostile guest: the host file it linked to is unchanged" ||
			fail "$a: hostile guest: host file unchanged" "$(cat "$VICTIM")"
		local odd; odd=$(find "$o" -mindepth 1 ! -type f ! -type d | head -3)
		[ -z "$odd" ] && pass "$a: hostile guest: no link, FIFO or device node in --out" || fail "$a: hostile guest: nothing but files in --out" "$odd"
		local e miss=
		for e in "./guest/evil: refused: a symbolic link" "./run/guest/evil: refused: run/guest/" "./run/fifo: refused: a FIFO" \
			 "./run/blk: refused: a block device" "./run/link: refused: a symbolic link"; do
			grep -qF "wcbench guest: $e" "$d/launch.log" || miss="$miss [$e]"
		done
		[ -z "$miss" ] && pass "$a: hostile guest: each refused entry named in one line" || fail "$a: hostile guest: refused entries named" "missing$miss"
	elif [ "$rc" = 0 ]; then pass "$a: wcbench guest exits 0"; else
		fail "$a: wcbench guest exits 0" "exit $rc: $(tail -5 "$d/launch.log" | tr '\n' ' ')"; fi
	grep -q "building it" "$d/launch.log" && [ -x "$TREE/wcbench-$a" ] &&
		pass "$a: the launcher built wcbench-$a in a source tree that lacked it" ||
		fail "$a: the launcher builds wcbench-$a" "$(grep -m2 'wcbench guest:' "$d/launch.log" | tr '\n' ' ')"
	grep -q "^wcbench run --target vfio:" "$o/guest/init.log" 2>/dev/null &&
		pass "$a: \`-- run ARGS\` passes ARGS to wcbench run" ||
		fail "$a: \`-- run ARGS\`" "$(grep -m1 '^wcbench run' "$o/guest/init.log" 2>/dev/null)"
	if [ ! -s "$csv" ]; then fail "$a: rows came back" "no $csv"; return; fi
	local n; n=$(($(wc -l < "$csv") - 1))
	[ "$n" -gt 0 ] && pass "$a: $n rows came back to the host" || fail "$a: rows came back" "empty CSV"
	[ "$(col "$csv" env | sort -u)" = guest ] && pass "$a: every row says env=guest" ||
		fail "$a: every row says env=guest" "$(col "$csv" env | sort -u | tr '\n' ' ')"
	[ "$(col "$csv" arch | sort -u)" = "$a" ] && pass "$a: rows come from an $a guest" ||
		fail "$a: rows come from an $a guest" "$(col "$csv" arch | sort -u | tr '\n' ' ')"

	# status: ok everywhere but the features the emulated CPU lacks
	local bad
	bad=$(awk -F, -v a="$a" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ s = $c["status"]; k = $c["kernel"]; r = $c["reason"] }
		s == "ok" && $c["verify"] != "ok" { print k " " $c["target"] " verify=" $c["verify"]; next }
		s == "ok" { next }
		a == "aarch64" && s == "unsupported" && k == "st64b_64" { next }
		a == "x86_64" && s == "unsupported" && r ~ /CPU lacks/ { next }
		{ print k " " $c["barrier"] " " $c["target"] " " s " " r }' "$csv" | sort -u | head -5)
	[ -z "$bad" ] && pass "$a: every case ok with --verify (only missing CPU features unsupported)" ||
		fail "$a: every case ok with --verify" "$bad"

	# every kernel and barrier of the arch was in the run
	local list="$o/guest/exec-1.out" want got
	for what in KERNEL BARRIER; do
		want=$(awk -v a="$a" -v w="$what" '$1 == "KERNEL" || $1 == "BARRIER" { sec = $1; next }
			sec == w && ($2 == "any" || $2 == a) { print $1 }' "$list" | sort -u | tr '\n' ' ')
		got=$(col "$csv" "$( [ $what = KERNEL ] && echo kernel || echo barrier)" | sort -u | tr '\n' ' ')
		[ -n "$want" ] && [ "$want" = "$got" ] && pass "$a: every ${what,,} ran ($want)" ||
			fail "$a: every ${what,,} ran" "listed: $want; in the CSV: $got"
	done

	[ -s "$o/gbps_vs_size.png" ] && pass "$a: the host drew the guest run's plots" ||
		fail "$a: the host drew the guest run's plots" "no $o/gbps_vs_size.png"

	# the read-back drain ran on every BAR path
	got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["status"] == "ok" { print $c["target_kind"] ":" $c["drain"] }' "$csv" | LC_ALL=C sort -u | paste -sd' ')
	[ "$got" = "sysfs-wc:fence sysfs-wc:readback sysfs:fence sysfs:readback vfio:fence vfio:readback" ] &&
		pass "$a: drain fence and readback measured on every BAR path" ||
		fail "$a: drain fence and readback on every BAR path" "$got"

	# map and memory type per target kind
	local expect
	if [ "$a" = aarch64 ]; then
		expect="sysfs sysfs-resource Device-nGnRE|sysfs-wc sysfs-resource-wc Normal-NC|vfio vfio Device-nGnRnE"
	else
		expect="sysfs sysfs-resource UC-|sysfs-wc sysfs-resource-wc WC|vfio vfio UC"
	fi
	got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["target_kind"] " " $c["map"] " " $c["memtype"] }' "$csv" | sort -u | paste -sd'|')
	[ "$got" = "$expect" ] && pass "$a: map and memtype per target ($got)" ||
		fail "$a: map and memtype per target" "got $got, want $expect"
	if [ "$a" = x86_64 ]; then
		got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{ print $c["target_kind"] "=" $c["memtype_seen"] }' "$csv" | sort -u | paste -sd' ')
		[[ $got == *"sysfs-wc=WC"* && $got != *unknown* ]] && pass "$a: PAT type seen recorded ($got)" ||
			fail "$a: PAT type seen recorded" "$got"
	fi

	# the backing file: the last case's bytes inside the window, the canary outside
	local hex burst period
	hex=$(sed -n 's/.*"pattern_hex": *"\([0-9a-f]*\)".*/\1/p' "$o/metadata.json")
	burst=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["status"] == "ok" { b = $c["burst_bytes"] } END { print b }' "$csv")
	if [ ${#hex} != 128 ] || [ -z "$burst" ]; then
		fail "$a: window holds the last case's bytes" "no pattern_hex in metadata.json or no ok row"
	else
		period=$((burst < 64 ? burst : 64))
		printf "$(echo "$hex" | sed 's/../\\x&/g')" | head -c $period > "$d/period.bin"
		: > "$d/window.bin"
		while [ "$(stat -c %s "$d/window.bin")" -lt $WLEN ]; do cat "$d/period.bin" >> "$d/window.bin"; done
		truncate -s $WLEN "$d/window.bin"
		{ head -c $WOFF /dev/zero | tr '\0' "$CANARY"; cat "$d/window.bin"
		  head -c $((SIZE_BYTES - WOFF - WLEN)) /dev/zero | tr '\0' "$CANARY"; } > "$d/expected.bin"
		local diff f
		for f in bar.bin bar2.bin; do
			[ -e "$d/$f" ] || continue
			diff=$(cmp "$d/expected.bin" "$d/$f" 2>&1 | head -1)
			if [ -z "$diff" ]; then
				pass "$a: after the guest, $f: the window holds the last case's bytes (burst $burst) and the canary is intact outside"
			else
				fail "$a: $f after the guest" "$diff (window is bytes $((WOFF + 1))-$((WOFF + WLEN)))"
			fi
		done
	fi

	# aarch64: the device added with --qemu-arg, named only by its BDF, was enabled and measured
	if [ "$a" = aarch64 ]; then
		got=$(awk -F, -v t="$EXTRA_BDF" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			!index($c["target"], t) { next }
			$c["status"] == "ok" && $c["verify"] == "ok" { n++; next }
			$c["status"] != "unsupported" { bad++ }
			END { print n + 0, bad + 0 }' "$csv")
		[ "${got% *}" -gt 0 ] && [ "${got#* }" = 0 ] &&
			pass "$a: a second device from --qemu-arg, named by its BDF: ${got% *} rows ok and verified" ||
			fail "$a: second device $EXTRA_BDF measured" "rows ok, bad: $got; $(grep -m1 "$EXTRA_BDF" "$o/guest/run.out" 2>/dev/null)"
		grep -q "^$EXTRA_BDF: enabled" "$o/guest/init.log" 2>/dev/null &&
			pass "$a: the guest enabled memory decoding for $EXTRA_BDF" ||
			fail "$a: memory decoding enabled for $EXTRA_BDF" "not in $o/guest/init.log"
	fi

	# wcbench probe (exec-2): the vfio path, regions, a DMA mapping, map and memtype per path
	local p=$o/guest/exec-2.out prc
	prc=$(cat "$o/guest/exec-2.rc" 2>/dev/null || echo none)
	[ "$prc" = 0 ] && pass "$a: wcbench probe of vfio, sysfs-wc, sysfs exits 0" ||
		fail "$a: wcbench probe exits 0" "exit $prc: $(grep 'wcbench probe:' "$p" 2>/dev/null | head -2 | tr '\n' ' ')"
	grep -qx "vfio_path: group" "$p" 2>/dev/null && pass "$a: probe: vfio through the group/container path" ||
		fail "$a: probe: vfio_path group" "$(grep vfio_path "$p" 2>/dev/null)"
	grep -Eq "^iommu_group: [0-9]+$" "$p" 2>/dev/null && pass "$a: probe: IOMMU group named ($(grep iommu_group "$p"))" ||
		fail "$a: probe: iommu_group" "$(grep iommu_group "$p" 2>/dev/null)"
	grep -Eq "^region2: bar2 size=1048576 .* read,write,mmap" "$p" 2>/dev/null &&
		pass "$a: probe: vfio region 2 is 1 MiB with mmap" || fail "$a: probe: region 2" "$(grep '^region2' "$p" 2>/dev/null)"
	grep -Eq "^region7: config size=[1-9]" "$p" 2>/dev/null && pass "$a: probe: config region listed" ||
		fail "$a: probe: config region" "$(grep '^region7' "$p" 2>/dev/null)"
	grep -Eq "^iova: 0x0*[1-9a-f][0-9a-f]*$" "$p" 2>/dev/null && grep -qx "dma_len: 2097152" "$p" && grep -qx "dma: ok" "$p" &&
		pass "$a: probe: 2 MiB DMA-mapped through the IOMMU and unmapped ($(grep '^iova' "$p"))" ||
		fail "$a: probe: DMA mapping" "$(grep -E '^(iova|dma)' "$p" 2>/dev/null | tr '\n' ' ')"
	got=$(awk '/^kind: / { k = $2 } /^map: / { m = $2 } /^memtype: / { print k " " m " " $2 }' "$p" 2>/dev/null | sort | paste -sd'|')
	[ "$got" = "$expect" ] && pass "$a: probe: map and memtype per path, as the run's rows" ||
		fail "$a: probe: map and memtype per path" "got $got, want $expect"
	if [ "$a" = x86_64 ]; then
		got=$(awk '/^kind: / { k = $2 } /^memtype_seen: / { print k "=" $2 }' "$p" 2>/dev/null | sort | paste -sd' ')
		want=$(printf '%s\n' vfio=UC- sysfs-wc=WC sysfs=UC- | sort | paste -sd' ')
		[ "$got" = "$want" ] && pass "$a: probe: PAT type seen per path ($got)" ||
			fail "$a: probe: PAT type seen" "got $got, want $want"
	fi

	# bad targets: exit 2 and the message
	local i=0
	for b in "${BAD[@]}"; do
		local n=$((i + 3)) msg=${b%%|*} name=${NAMES[$i]}
		i=$((i + 1))
		local erc eout
		erc=$(cat "$o/guest/exec-$n.rc" 2>/dev/null || echo none)
		eout=$(cat "$o/guest/exec-$n.out" 2>/dev/null)
		if [ "$erc" = 2 ] && [[ $eout == *"$msg"* ]]; then
			pass "$a: bad target $name: exit 2, '$msg'"
		else
			fail "$a: bad target $name" "exit $erc, want 2 and '$msg': $(echo "$eout" | tail -2 | tr '\n' ' ')"
		fi
	done
}

for a in $ARCHS; do check_arch "$a"; done
