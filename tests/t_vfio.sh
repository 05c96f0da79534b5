#!/usr/bin/env bash
# vfio/ library and BAR targets without hardware: a fake sysfs tree under $TMPROOT (selected with
# $WCBENCH_SYSFS_ROOT) whose resourceN files are plain files, so that sysfs targets really map,
# store and verify, and every refusal can be seen to leave the "BAR" untouched.
#  - tests/vfio/test_vfio.c (built here with the project's flags, gcc and clang, and under
#    ASan/UBSan): BDF/BAR parsing, sysfs reads, group viability, vfio_check messages;
#  - wcbench run over sysfs:/sysfs-wc: targets of the fake device: rows, memtype, PAT type seen,
#    window contents; refusals (host driver without --force, not prefetchable, decoding off, window
#    past the end, BAR 7, vfio on a non-viable group or unbound device) exit 2 and write nothing;
#  - wcbench probe of sysfs targets: device, map, memtype (and PAT type seen), region and window,
#    --json, nothing written; bad specs exit 2 before mapping anything, a failed mapping exits 1.
source "$(dirname "$0")/lib.sh"

R=$TMPROOT/sys
dev() { # BDF VENDOR DEVICE CLASS COMMAND DRIVER GROUP: a fake PCI device
	local d=$R/bus/pci/devices/$1
	mkdir -p "$d"
	echo "$2" > "$d/vendor"; echo "$3" > "$d/device"; echo "$4" > "$d/class"
	# config: 64 bytes, COMMAND (offset 4) = $5
	{ head -c 4 /dev/zero; printf "\\x$(printf %02x $(($5 & 255)))\\x$(printf %02x $(($5 >> 8)))"; head -c 58 /dev/zero; } > "$d/config"
	# resource: BAR0 256 B 32-bit, BAR2 1 MiB 64-bit prefetchable, BAR1/3/4/5 none, ROM none
	printf '%s\n' "0x00000000fe000000 0x00000000fe0000ff 0x0000000000040200" \
		"0x0000000000000000 0x0000000000000000 0x0000000000000000" \
		"0x0000008000000000 0x00000080000fffff 0x000000000014220c" \
		"0x0000000000000000 0x0000000000000000 0x0000000000000000" \
		"0x0000000000000000 0x0000000000000000 0x0000000000000000" \
		"0x0000000000000000 0x0000000000000000 0x0000000000000000" \
		"0x0000000000000000 0x0000000000000000 0x0000000000000000" > "$d/resource"
	head -c 256 /dev/zero | tr '\0' '\347' > "$d/resource0"
	head -c $((1 << 20)) /dev/zero | tr '\0' '\347' > "$d/resource2"
	ln -s resource2 "$d/resource2_wc"
	if [ -n "$6" ]; then mkdir -p "$R/bus/pci/drivers/$6"; ln -s "../../../bus/pci/drivers/$6" "$d/driver"; fi
	if [ -n "$7" ]; then
		mkdir -p "$R/kernel/iommu_groups/$7/devices"
		ln -s "../../../kernel/iommu_groups/$7" "$d/iommu_group"
		ln -s "../../../../bus/pci/devices/$1" "$R/kernel/iommu_groups/$7/devices/$1"
	fi
}
dev 0000:00:03.0 0x1af4 0x1110 0x050000 0x0006 vfio-pci 7
dev 0000:00:03.1 0x8086 0x10d3 0x020000 0x0006 e1000e 7
dev 0000:00:04.0 0x1af4 0x1110 0x050000 0x0000 "" 8
dev 0000:00:05.0 0x1af4 0x1110 0x050000 0x0006 vfio-pci ""
dev 0000:00:06.0 0x1af4 0x1110 0x050000 0x0006 vfio-pci 9
dev 0000:00:06.1 0x8086 0x7c00 0x060400 0x0006 pcieport 9
dev 0000:00:06.2 0x1af4 0x1110 0x050000 0x0006 "" 9
mkdir -p "$R/kernel/debug/x86"
printf '%s\n' "PAT memtype list:" "PAT: [mem 0x00000000fe000000-0x00000000fe001000] uncached-minus" \
	"PAT: [mem 0x0000008000000000-0x0000008000100000] write-combining" > "$R/kernel/debug/x86/pat_memtype_list"

# --- the C unit checks -------------------------------------------------------------------------
FLAGS="-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -std=gnu11 -D_GNU_SOURCE -Ikernels -Ibench -Ivfio"
cd "$TOP"
built=0
for cc in gcc clang; do
	if ! command -v $cc >/dev/null; then missing "test_vfio with $cc" "$cc is missing (apt-get install \$(cat tests/deps/core.txt))"; continue; fi
	for san in "" "-fsanitize=address,undefined -fno-sanitize-recover=all"; do
		exe=$TMPROOT/test_vfio_$cc${san:+_san}
		if $cc $FLAGS $san -g -o "$exe" tests/vfio/test_vfio.c vfio/pcisys.c vfio/vfio.c 2> "$TMPROOT/cc.log"; then
			built=1
			if [ -z "$san" ] && [ $cc = gcc ]; then "$exe" "$R"; else
				# the other builds only report a summary
				"$exe" "$R" > "$TMPROOT/u.out" 2>&1 && pass "test_vfio ($cc${san:+, ASan+UBSan}): all checks pass" ||
					fail "test_vfio ($cc${san:+, ASan+UBSan})" "$(grep -v '^ok' "$TMPROOT/u.out" | head -3 | tr '\n' ' ')"
			fi
		elif [ -n "$san" ] && grep -qiE 'cannot find .*(asan|ubsan)|sanitizer.*(not found|missing)|lib.*san.*No such file' "$TMPROOT/cc.log"; then
			missing "test_vfio ($cc, ASan+UBSan)" "no sanitizer runtime for $cc: $(head -1 "$TMPROOT/cc.log")"
		else
			fail "test_vfio builds with $cc${san:+ (ASan+UBSan)}" "$(head -3 "$TMPROOT/cc.log" | tr '\n' ' ')"
		fi
	done
done
[ $built = 1 ] || fail "test_vfio built" "no compiler"

# --- wcbench run over the fake device ------------------------------------------------------------
if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi
export WCBENCH_SYSFS_ROOT=$R
D=$R/bus/pci/devices
one=(-k c_8 -b none --quick --no-plot)
sum() { md5sum "$@" | cut -d' ' -f1 | paste -sd' '; }
before=$(sum $D/*/resource2 $D/*/resource0)

check_exit "sysfs-wc on a non-prefetchable BAR: exit 2" 2 "$WCBENCH" run --target sysfs-wc:0000:00:03.0:bar0 "${one[@]}" --out "$TMPROOT/r1"
grep -q "BAR 0 of 0000:00:03.0 is not prefetchable" "$TMPROOT/check.out" && pass "sysfs-wc on BAR 0: says it is not prefetchable" || fail "sysfs-wc on BAR 0 message" "$(cat "$TMPROOT/check.out")"
check_exit "sysfs on a device bound to e1000e without --force: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:03.1:bar2 "${one[@]}" --out "$TMPROOT/r2"
grep -q "0000:00:03.1 is bound to e1000e.*--force" "$TMPROOT/check.out" && pass "host driver: names it and --force" || fail "host driver message" "$(cat "$TMPROOT/check.out")"
check_exit "memory decoding off: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:04.0:bar2 "${one[@]}" --out "$TMPROOT/r3"
grep -q "memory decoding is off" "$TMPROOT/check.out" && pass "decoding off: says so" || fail "decoding off message" "$(cat "$TMPROOT/check.out")"
check_exit "window past the BAR end: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:03.0:bar2 --window 960K:128K "${one[@]}" --out "$TMPROOT/r4"
grep -q "goes past the end of BAR 2" "$TMPROOT/check.out" && pass "window past the end: says so" || fail "window message" "$(cat "$TMPROOT/check.out")"
check_exit "window offset not a multiple of 64: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:03.0:bar2 --window 100:4K "${one[@]}" --out "$TMPROOT/r5"
check_exit "BAR 7: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:03.0:bar7 "${one[@]}" --out "$TMPROOT/r6"
check_exit "vfio on a non-viable group: exit 2" 2 "$WCBENCH" run --target vfio:0000:00:03.0:bar2 "${one[@]}" --out "$TMPROOT/r7"
grep -q "group 7 is not viable: 0000:00:03.1 in the same group is bound to e1000e" "$TMPROOT/check.out" && pass "vfio non-viable group: names the culprit" || fail "non-viable message" "$(cat "$TMPROOT/check.out")"
check_exit "vfio on an unbound device: exit 2" 2 "$WCBENCH" run --target vfio:0000:00:04.0:bar2 "${one[@]}" --out "$TMPROOT/r8"
grep -q "bind it to vfio-pci first" "$TMPROOT/check.out" && pass "vfio unbound: bind it to vfio-pci first" || fail "unbound message" "$(cat "$TMPROOT/check.out")"
check_exit "no such device: exit 2" 2 "$WCBENCH" run --target sysfs:0000:00:1e.7:bar2 "${one[@]}" --out "$TMPROOT/r9"
[ "$(sum $D/*/resource2 $D/*/resource0)" = "$before" ] && pass "refused targets wrote nothing" || fail "refused targets wrote nothing" "a resource file changed"

# --force lets sysfs through; the stores land in the window only
check "sysfs with --force on a device bound to e1000e runs" "$WCBENCH" run --target sysfs:0000:00:03.1:bar2 --force --window 4K:4K -s 4K --verify "${one[@]}" --out "$TMPROOT/r10"
check "sysfs and sysfs-wc targets run with --verify" "$WCBENCH" run --target sysfs:0000:00:03.0:bar2 --target sysfs-wc:0000:00:03.0:bar2 \
	--window 4K:64K -s 64,4K,64K --verify "${one[@]}" --out "$TMPROOT/r11"
csv=$TMPROOT/r11/results.csv
if [ -s "$csv" ]; then
	rows=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ print $c["target_kind"] " " $c["map"] " " $c["memtype"] " " $c["memtype_seen"] " " $c["status"] " " $c["verify"] }' "$csv" | sort -u | paste -sd'|')
	if [ "$(uname -m)" = x86_64 ]; then
		want="sysfs sysfs-resource UC- WC ok ok|sysfs-wc sysfs-resource-wc WC WC ok ok"
	else
		want="sysfs sysfs-resource Device-nGnRE unknown ok ok|sysfs-wc sysfs-resource-wc Normal-NC unknown ok ok"
	fi
	[ "$rows" = "$want" ] && pass "rows: map, memtype, PAT type seen, status, verify ($rows)" || fail "rows" "got $rows, want $want"
	# the window [4K, 68K) holds the pattern, the rest the canary
	hex=$(sed -n 's/.*"pattern_hex": *"\([0-9a-f]*\)".*/\1/p' "$TMPROOT/r11/metadata.json")
	printf "$(echo "$hex" | sed 's/../\\x&/g')" > "$TMPROOT/p.bin"
	{ head -c 4096 /dev/zero | tr '\0' '\347'; for i in $(seq 1024); do cat "$TMPROOT/p.bin"; done
	  head -c $((1048576 - 4096 - 65536)) /dev/zero | tr '\0' '\347'; } > "$TMPROOT/expect.bin"
	cmp -s "$TMPROOT/expect.bin" "$D/0000:00:03.0/resource2" && pass "the BAR holds the pattern inside the window and the canary outside" ||
		fail "BAR contents" "$(cmp "$TMPROOT/expect.bin" "$D/0000:00:03.0/resource2" 2>&1 | head -1)"
else
	fail "rows" "no $csv"
fi

# --- wcbench probe over the fake device: what sysfs targets map to, nothing stored -----------------
check_exit "probe --help exits 0" 0 "$WCBENCH" probe --help
grep -q "never writes to the device" "$TMPROOT/check.out" && pass "probe --help says it never writes to the device" ||
	fail "probe --help" "no 'never writes to the device' in it"
before=$(sum $D/0000:00:03.0/resource2 $D/0000:00:03.0/resource0)
check_exit "probe of sysfs and sysfs-wc targets: exit 0" 0 "$WCBENCH" probe sysfs:0000:00:03.0:bar2 sysfs-wc:0000:00:03.0:bar2 sysfs:0000:00:03.0:bar0
cp "$TMPROOT/check.out" "$TMPROOT/probe.out"
got=$(awk '/^kind: / { k = $2 } /^device: / { d = $3 } /^map: / { m = $2 } /^memtype: / { t = $2 } /^region_len: / { l = $2 }
	/^window: / { print k " " d " " m " " t " " l " " $2 }' "$TMPROOT/probe.out" | paste -sd'|')
if [ "$(uname -m)" = x86_64 ]; then uc=UC- wc=WC; else uc=Device-nGnRE wc=Normal-NC; fi
want="sysfs bar2 sysfs-resource $uc 1048576 0:1048576|sysfs-wc bar2 sysfs-resource-wc $wc 1048576 0:1048576|sysfs bar0 sysfs-resource $uc 256 0:256"
[ "$got" = "$want" ] && pass "probe: device, map, memtype, region length and window per target" || fail "probe: per target" "got $got, want $want"
if [ "$(uname -m)" = x86_64 ]; then
	got=$(grep '^memtype_seen:' "$TMPROOT/probe.out" | cut -d' ' -f2 | paste -sd' ')
	[ "$got" = "WC WC UC-" ] && pass "probe: memtype_seen from the PAT list ($got)" || fail "probe: memtype_seen" "got $got, want WC WC UC-"
fi
grep -q '^vfio_path\|^iova' "$TMPROOT/probe.out" && fail "probe: sysfs targets show no vfio part" "$(grep '^vfio_path\|^iova' "$TMPROOT/probe.out")" ||
	pass "probe: sysfs targets show no vfio part"
check_exit "probe --json --window 4K:64K: exit 0" 0 "$WCBENCH" probe --json --window 4K:64K sysfs-wc:0000:00:03.0:bar2
if command -v python3 >/dev/null; then
	got=$(python3 -c 'import json, sys; o = json.load(open(sys.argv[1]))[0]; print(o["map"], o["window"], o["region_len"])' "$TMPROOT/check.out" 2>&1)
	[ "$got" = "sysfs-resource-wc 4096:65536 1048576" ] && pass "probe --json: valid JSON, map and window ($got)" || fail "probe --json" "$got"
fi
[ "$(sum $D/0000:00:03.0/resource2 $D/0000:00:03.0/resource0)" = "$before" ] && pass "probe wrote nothing to the BARs" ||
	fail "probe wrote nothing" "a resource file changed"

check_exit "probe without a SPEC: exit 2" 2 "$WCBENCH" probe
check_exit "probe of an unknown target kind: exit 2" 2 "$WCBENCH" probe bogus:0000:00:03.0:bar2
grep -q "^wcbench probe: unknown target kind 'bogus'" "$TMPROOT/check.out" && pass "probe: unknown kind named in one line" || fail "probe unknown kind message" "$(cat "$TMPROOT/check.out")"
check_exit "probe of BAR 7: exit 2" 2 "$WCBENCH" probe sysfs:0000:00:03.0:bar7
grep -q "^wcbench probe: .*BAR 7 does not exist" "$TMPROOT/check.out" && pass "probe: BAR 7 does not exist" || fail "probe BAR 7 message" "$(cat "$TMPROOT/check.out")"
check_exit "probe of a good and a bad spec: exit 2, nothing printed" 2 "$WCBENCH" probe sysfs:0000:00:03.0:bar2 sysfs:0000:00:1e.7:bar2
[ "$(grep -c . "$TMPROOT/check.out")" = 1 ] && pass "probe: a bad spec stops before any target is mapped" || fail "probe: bad spec output" "$(cat "$TMPROOT/check.out")"
check_exit "probe of sysfs on a device bound to e1000e: exit 2" 2 "$WCBENCH" probe sysfs:0000:00:03.1:bar2
check "probe --force of sysfs on a device bound to e1000e" "$WCBENCH" probe --force sysfs:0000:00:03.1:bar2
check_exit "probe of vfio on an unbound device: exit 2" 2 "$WCBENCH" probe vfio:0000:00:04.0:bar2
grep -q "bind it to vfio-pci first" "$TMPROOT/check.out" && pass "probe vfio unbound: bind it to vfio-pci first" || fail "probe vfio unbound message" "$(cat "$TMPROOT/check.out")"
check_exit "probe --window past the BAR end: exit 2" 2 "$WCBENCH" probe --window 960K:128K sysfs:0000:00:03.0:bar2
# a resource file that cannot be mapped (a FIFO): probe passes, map fails: exit 1 with the reason
dev 0000:00:07.0 0x1af4 0x1110 0x050000 0x0006 "" ""
rm "$D/0000:00:07.0/resource2"; mkfifo "$D/0000:00:07.0/resource2"
check_exit "probe whose mapping fails: exit 1" 1 "$WCBENCH" probe sysfs:0000:00:07.0:bar2
grep -q "^wcbench probe: 0000:00:07.0: mmap of resource2 failed" "$TMPROOT/check.out" && [ "$(grep -c . "$TMPROOT/check.out")" = 1 ] &&
	pass "probe: a failed mapping is named, in one line" ||
	fail "probe: failed mapping message" "$(cat "$TMPROOT/check.out")"
