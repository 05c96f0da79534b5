#!/usr/bin/env bash
# `wcbench check` and `wcbench run --probe` inside TCG guests, on an emulated ivshmem BAR (1 MiB,
# backed by a host file): one aarch64 guest (QEMU >= 9, -smp 1,maxcpus=2) and one x86_64 guest,
# booted in parallel, each once, through `wcbench guest ... -- check TARGETS`.
#  a) aarch64 emulator self-check, judged before anything else: an unaligned 8-byte STR to the
#     sysfs resource2 mapping (Device-nGnRE) must take an alignment fault (SIGBUS BUS_ADRALN), and
#     one to resource2_wc (Normal-NC) must complete. The store is made by tests/guest/unaligned_store.c
#     (built here, passed in with --file), not by the code under test. If the emulator raises no
#     fault, every probe would read Normal: the probe checks then fail as "nothing can be concluded".
#  b) the probe on the BAR's three paths: sysfs (Device-nGnRE) and vfio (Device-nGnRnE) read Device,
#     sysfs-wc (Normal-NC) reads Normal, both in `wcbench run --probe` rows (memtype_effective) and
#     in check's verdict.json; x86_64 has no timing-free probe: memtype_effective stays empty.
#  c) check end to end: the launcher's exit status is check's; verdict.json and junit.xml come back
#     and parse (python3 when present, else awk; xmllint --noout); aarch64: the Device paths are
#     broken, sysfs-wc unknown with memtype_effective Normal; x86_64: unknown, with the PAT type as
#     evidence (kind memtype-os); bad targets inside the guest exit 2 and write nothing.
# Needs what tests/t_guest.sh needs plus the QEMU that guest/setup.sh fetches for aarch64 and
# xmllint (tests/deps/guest.txt); what is missing is skipped (a failure under CI).
source "$(dirname "$0")/lib.sh"

ARCHS=${WCBENCH_GUEST_ARCHS:-"aarch64 x86_64"}
# WCBENCH_CHECK_GUEST_QEMU=PATH: the QEMU for the aarch64 guest (default: the launcher's choice);
# with one older than 9 the self-check must fail and the probe checks with it
QEMU_AARCH64=${WCBENCH_CHECK_GUEST_QEMU:-}
SIZE_BYTES=$((1 << 20))

if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi

# launcher usage for `-- check`: exit 2 before booting anything
# what this test is about must be in the build: a missing command fails here, it is not skipped
check_exit "wcbench check exists (check --help exits 0)" 0 "$WCBENCH" check --help
"$WCBENCH" run --help 2>&1 | grep -q -- "--probe" && pass "wcbench run --help offers --probe" ||
	fail "wcbench run --probe exists" "run --help does not mention --probe"
check_exit "guest -- check without targets: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" -- check
check_exit "guest -- check with --junit: exit 2 (the guest always writes DIR/junit.xml)" 2 "$WCBENCH" guest \
	--arch x86_64 --accel tcg --device ivshmem:1M --out "$TMPROOT/u" -- check --junit j.xml sysfs:@dev:bar2
grep -q "junit.xml" "$TMPROOT/check.out" && pass "guest -- check --junit: the message names junit.xml" ||
	fail "guest -- check --junit: message" "$(cat "$TMPROOT/check.out")"
check_exit "guest -- check with --out: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" -- check --out /tmp/x sysfs:@dev:bar2
check_exit "guest --file that does not exist: exit 2" 2 "$WCBENCH" guest --arch x86_64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" --file "$TMPROOT/nothing-here" -- check sysfs:@dev:bar2
check_exit "guest --qemu that is not a QEMU: exit 2" 2 "$WCBENCH" guest --arch aarch64 --accel tcg \
	--device ivshmem:1M --out "$TMPROOT/u" --qemu /bin/true -- check sysfs:@dev:bar2

runnable=
for a in $ARCHS; do
	why=
	command -v "qemu-system-$a" >/dev/null || why="qemu-system-$a is missing (apt-get install \$(cat tests/deps/guest.txt))"
	[ -z "$why" ] && [ "$a" != "$(uname -m)" ] && ! command -v "$a-linux-gnu-gcc" >/dev/null &&
		why="$a-linux-gnu-gcc is missing: no wcbench-$a and no self-check helper (apt-get install \$(cat tests/deps/core.txt))"
	[ -z "$why" ] && ! "$TOP/guest/setup.sh" --arch "$a" --check >/dev/null 2>&1 &&
		why="guest/setup.sh --arch $a --check: $("$TOP/guest/setup.sh" --arch "$a" --check 2>&1 | head -1) (./setup.sh test fetches it)"
	if [ -n "$why" ]; then missing "check guest $a" "$why"; else runnable="$runnable $a"; fi
done
ARCHS=$runnable
[ -n "$ARCHS" ] || exit 0
if command -v xmllint >/dev/null; then XMLLINT=1; else
	XMLLINT=; missing "junit.xml well-formed" "xmllint is missing (apt-get install libxml2-utils)"; fi

# The self-check helper, static, for the aarch64 guest's /bin.
HELPER=$TMPROOT/unaligned_store
if [[ " $ARCHS " == *" aarch64 "* ]]; then
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -std=gnu11 -o "$HELPER" "$TOP/tests/guest/unaligned_store.c" \
		> "$TMPROOT/helper.log" 2>&1 && pass "aarch64: self-check helper built (aarch64-linux-gnu-gcc -static)" ||
		fail "aarch64: self-check helper built" "$(head -3 "$TMPROOT/helper.log" | tr '\n' ' ')"
fi

TARGETS="vfio:@dev:bar2 sysfs:@dev:bar2 sysfs-wc:@dev:bar2"
ONE="-k c_8 -b none -s 64 --quick --no-plot"
# Bad targets for check inside the guest: "expected message|target". Each writes to a fresh
# directory; the exec prints how many entries it holds afterwards ("written: N").
BAD=(
	"no PCI device 0000:07:1e.7|vfio:0000:07:1e.7:bar2"
	"is not a PCI address|vfio:00:3:bar2"
	"BAR 7 does not exist|vfio:@dev:bar7"
	"is not prefetchable|sysfs-wc:@dev:bar0"
	"no-such-option|--no-such-option sysfs:@dev:bar2"
)
bad_exec() { # N TARGET: the shell line that checks one bad target
	echo "wcbench check --out /tmp/bad-$1 --env guest $2; rc=\$?; echo \"written: \$(ls -A /tmp/bad-$1 2>/dev/null | wc -l)\"; exit \$rc"
}

launch() { # arch: boots the guest, leaves $TMPROOT/$arch/{out,launch.log,launch.rc,secs}
	local a=$1 d=$TMPROOT/$1 ex=() i=0
	mkdir -p "$d"
	head -c $SIZE_BYTES /dev/zero > "$d/bar.bin"
	if [ "$a" = aarch64 ]; then
		# exec-1, exec-2: the emulator self-check (Device must fault, Normal-NC must not)
		[ -n "$QEMU_AARCH64" ] && ex+=(--qemu "$QEMU_AARCH64")
		ex+=(--file "$HELPER" --exec 'unaligned_store /sys/bus/pci/devices/@dev/resource2'
			--exec 'unaligned_store /sys/bus/pci/devices/@dev/resource2_wc')
	fi
	# then: run --probe, its rows in DIR/probe-run/; then the bad targets
	ex+=(--exec "wcbench run --probe --target vfio:@dev:bar2 --target sysfs:@dev:bar2 --target sysfs-wc:@dev:bar2 --window 4K:64K $ONE --out \$WC_OUT/probe-run")
	for b in "${BAD[@]}"; do i=$((i + 1)); ex+=(--exec "$(bad_exec $i "${b#*|}")"); done
	# last: BDF:barN, every mapping path of the BAR at once (and the WC/UC ratio between them)
	ex+=(--exec "wcbench check @dev:bar2 --window 4K:64K --out \$WC_OUT/all-paths")
	# and: wcbench vm in a guest without /dev/kvm (no --virt): exit 2, one line, nothing written
	ex+=(--exec "wcbench vm --target ram --quick --out /tmp/novm; rc=\$?; echo \"written: \$(ls -A /tmp/novm 2>/dev/null | wc -l)\"; exit \$rc")
	local start=$SECONDS
	"$WCBENCH" guest --arch "$a" --accel tcg --device "ivshmem:1M:$d/bar.bin" --out "$d/out" --timeout 300 \
		--console "${ex[@]}" -- check $TARGETS --window 4K:64K > "$d/launch.log" 2>&1
	echo $? > "$d/launch.rc"
	echo $((SECONDS - start)) > "$d/secs"
}

start=$SECONDS
for a in $ARCHS; do launch "$a" & done
wait
echo "# guests done in $((SECONDS - start)) s ($(for a in $ARCHS; do echo -n "$a $(cat "$TMPROOT/$a/secs") s "; done))"

# verdicts FILE: one line per target, "kind|memtype_effective|verdict|evidence kinds (sorted, comma)"
verdicts() {
	if command -v python3 >/dev/null; then
		python3 - "$1" <<'EOF'
import json, sys
def walk(o):
    if isinstance(o, dict):
        if "target" in o and "verdict" in o:
            yield o
            return
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)
try:
    doc = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print("unparsable: %s" % e, file=sys.stderr)
    sys.exit(1)
for t in walk(doc):
    ev = t.get("evidence") or []
    kinds = sorted({e.get("kind", "") for e in ev if isinstance(e, dict)})
    print("%s|%s|%s|%s" % (str(t.get("target", "")).split(":")[0], t.get("memtype_effective", ""),
                           t.get("verdict", ""), ",".join(kinds)))
EOF
	else
		# each target object starts at its "target" key; its fields and evidence follow it
		awk 'BEGIN { RS = "\"target\"[ \t\r\n]*:[ \t\r\n]*\"" }
		function val(s, key,   m) {
			if (!match(s, "\"" key "\"[ \t\r\n]*:[ \t\r\n]*\"[^\"]*\"")) return ""
			m = substr(s, RSTART, RLENGTH); sub(/^[^:]*:[ \t\r\n]*"/, "", m); sub(/"$/, "", m); return m
		}
		NR > 1 {
			kind = $0; sub(/[:"].*/, "", kind)
			rest = $0; n = 0; delete seen; out = ""
			while (match(rest, /"kind"[ \t\r\n]*:[ \t\r\n]*"[^"]*"/)) {
				k = substr(rest, RSTART, RLENGTH); sub(/^[^:]*:[ \t\r\n]*"/, "", k); sub(/"$/, "", k)
				if (!(k in seen)) { seen[k] = 1; list[++n] = k }
				rest = substr(rest, RSTART + RLENGTH)
			}
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t }
			for (i = 1; i <= n; i++) out = out (i > 1 ? "," : "") list[i]
			print kind "|" val($0, "memtype_effective") "|" val($0, "verdict") "|" out
		}' "$1"
	fi
}

check_arch() {
	local a=$1 d=$TMPROOT/$1 o=$TMPROOT/$1/out
	local rc; rc=$(cat "$d/launch.rc")
	local gate=ok   # aarch64: whether the emulator can show Device at all

	# a) the emulator self-check, before anything depends on it
	if [ "$a" = aarch64 ]; then
		local ver smp dev nc
		ver=$(cat "$o/guest/qemu.version" 2>/dev/null)
		smp=$(grep -o -- '-smp [^ ]*' "$o/guest/qemu.cmd" 2>/dev/null | tr -d '\\')
		dev=$(cat "$o/guest/exec-1.out" 2>/dev/null)
		nc=$(cat "$o/guest/exec-2.out" 2>/dev/null)
		if [ "$dev" = alignment-fault ]; then
			pass "$a: emulator self-check: an unaligned 8-byte STR to resource2 (Device-nGnRE) faults (BUS_ADRALN; ${ver:-QEMU ?}, $smp)"
		else
			gate="the emulator raises no Device alignment fault: QEMU < 9 or -smp 1 without maxcpus: nothing can be concluded"
			fail "$a: EMULATOR SELF-CHECK" "$gate (qemu.version: ${ver:-none}; qemu.cmd: ${smp:-no -smp}; unaligned_store said: ${dev:-nothing}, exit $(cat "$o/guest/exec-1.rc" 2>/dev/null || echo none))"
		fi
		[ "$nc" = completed ] && pass "$a: emulator self-check: the same store to resource2_wc (Normal-NC) completes" ||
			fail "$a: emulator self-check: resource2_wc store completes" "unaligned_store said: ${nc:-nothing}"
		[[ $smp == *maxcpus=2* ]] && pass "$a: the launcher gave QEMU $smp" || fail "$a: -smp 1,maxcpus=2" "qemu.cmd has ${smp:-no -smp}"
	fi
	# the launcher's exit status is check's: aarch64 has broken paths (1), x86_64 only unknown ones (77)
	local want_rc=77; [ "$a" = aarch64 ] && want_rc=1
	[ "$rc" = "$want_rc" ] && pass "$a: wcbench guest -- check exits $want_rc, check's status" ||
		fail "$a: wcbench guest -- check exits $want_rc" "exit $rc: $(grep -m2 -i 'wcbench' "$o/guest/check.out" 2>/dev/null | tr '\n' ' ' || tail -2 "$d/launch.log")"
	grep -q "^wcbench check vfio:" "$o/guest/init.log" 2>/dev/null && grep -q -- "--host-kernel $(uname -r)" "$o/guest/init.log" &&
		grep -q -- "--junit /tmp/out/run/junit.xml" "$o/guest/init.log" &&
		pass "$a: the guest ran wcbench check ARGS --out ... --env guest --junit ... --host-kernel $(uname -r)" ||
		fail "$a: the guest ran wcbench check" "$(grep -m1 '^wcbench' "$o/guest/init.log" 2>/dev/null || echo 'no command in init.log')"

	# c) verdict.json and junit.xml came back and parse
	local v=$o/verdict.json lines=
	if [ ! -s "$v" ]; then
		fail "$a: verdict.json came back" "no $v ($(grep -m1 'wcbench check:' "$o/guest/check.out" 2>/dev/null || tail -1 "$d/launch.log"))"
	elif ! lines=$(verdicts "$v" 2>"$d/verdicts.err") || [ -z "$lines" ]; then
		fail "$a: verdict.json parses" "$(cat "$d/verdicts.err") $(head -c 200 "$v")"
		lines=
	else
		pass "$a: verdict.json came back and parses ($(echo "$lines" | wc -l) targets$(command -v python3 >/dev/null && echo ', python3' || echo ', awk'))"
	fi
	local j=$o/junit.xml
	if [ ! -s "$j" ]; then fail "$a: junit.xml came back" "no $j"
	elif [ -n "$XMLLINT" ]; then
		xmllint --noout "$j" 2> "$d/xmllint.err" && pass "$a: junit.xml is well-formed (xmllint --noout)" ||
			fail "$a: junit.xml well-formed" "$(head -2 "$d/xmllint.err" | tr '\n' ' ')"
	fi
	if [ -s "$j" ]; then
		local tc fl sk want_fl=0 want_sk=3
		[ "$a" = aarch64 ] && want_fl=2 want_sk=1
		tc=$(grep -o '<testcase[ >]' "$j" | wc -l)
		fl=$(grep -o '<failure[ >/]' "$j" | wc -l)
		sk=$(grep -o '<skipped[ >/]' "$j" | wc -l)
		[ "$tc" = 3 ] && [ "$fl" = $want_fl ] && [ "$sk" = $want_sk ] &&
			pass "$a: junit.xml: 3 testcases, $fl failures (broken), $sk skipped (unknown)" ||
			fail "$a: junit.xml testcases" "$tc testcases, $fl failures, $sk skipped; want 3, $want_fl, $want_sk"
	fi
	[ -s "$o/results.csv" ] && [ -s "$o/metadata.json" ] && pass "$a: the check's results.csv and metadata.json came back" ||
		fail "$a: the check's results.csv and metadata.json came back" "$(ls "$o" 2>/dev/null | tr '\n' ' ')"

	# b) + c) per path, from verdict.json: kind|memtype_effective|verdict|evidence kinds
	local kind want got line
	for kind in vfio sysfs sysfs-wc; do
		line=$(echo "$lines" | awk -F'|' -v k="$kind" '$1 == k' | head -1)
		if [ "$a" = aarch64 ]; then
			case $kind in sysfs-wc) want="Normal|unknown" ;; *) want="Device|broken" ;; esac
		else
			want="|unknown"
		fi
		got=$(echo "$line" | cut -d'|' -f2,3)
		if [ "$a" = aarch64 ] && [ "$gate" != ok ]; then
			fail "$a: check $kind: memtype_effective and verdict" "not concluded: $gate"
		elif [ "$a" = aarch64 ]; then
			[ -n "$line" ] && [ "$got" = "$want" ] && pass "$a: check $kind: memtype_effective ${want%|*}, verdict ${want#*|}" ||
				fail "$a: check $kind: memtype_effective and verdict" "got ${line:-no entry for $kind}, want $want"
		else
			[ -n "$line" ] && [ "$got" = "$want" ] && pass "$a: check $kind: verdict unknown, memtype_effective empty (no probe on x86)" ||
				fail "$a: check $kind: verdict unknown" "got ${line:-no entry for $kind}, want $want"
			[[ ,$(echo "$line" | cut -d'|' -f4), == *,memtype-os,* ]] &&
				pass "$a: check $kind: the PAT type is evidence (memtype-os)" ||
				fail "$a: check $kind: memtype-os evidence" "evidence kinds: $(echo "$line" | cut -d'|' -f4)"
		fi
	done

	# b) run --probe rows: the memtype_effective column per path
	local csv=$o/probe-run/results.csv pn=1
	[ "$a" = aarch64 ] && pn=3
	if [ ! -s "$csv" ]; then
		fail "$a: run --probe rows came back" "no $csv: exit $(cat "$o/guest/exec-$pn.rc" 2>/dev/null), $(grep -v '^#' "$o/guest/exec-$pn.out" 2>/dev/null | tail -2 | tr '\n' ' ')"
	elif ! head -1 "$csv" | tr ',' '\n' | grep -qx memtype_effective; then
		fail "$a: run --probe rows have memtype_effective" "no such column in $(head -1 "$csv" | cut -c1-120)..."
	else
		got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{ print $c["target_kind"] "=" $c["memtype_effective"] }' "$csv" | LC_ALL=C sort -u | paste -sd' ')
		if [ "$a" = aarch64 ]; then
			want="sysfs-wc=Normal sysfs=Device vfio=Device"
			if [ "$gate" != ok ]; then fail "$a: run --probe: memtype_effective per path" "not concluded: $gate"
			else
				[ "$got" = "$want" ] && pass "$a: run --probe rows: memtype_effective $got" ||
					fail "$a: run --probe: memtype_effective per path" "got $got, want $want"
			fi
		else
			want="sysfs-wc= sysfs= vfio="
			[ "$got" = "$want" ] && pass "$a: run --probe rows: memtype_effective empty on every path (x86 has no probe)" ||
				fail "$a: run --probe: memtype_effective" "got $got, want $want"
		fi
	fi

	# c) bad targets: exit 2, their message, nothing written
	local i=0 b msg erc eout
	for b in "${BAD[@]}"; do
		i=$((i + 1)); msg=${b%%|*}
		erc=$(cat "$o/guest/exec-$((pn + i)).rc" 2>/dev/null || echo none)
		eout=$(cat "$o/guest/exec-$((pn + i)).out" 2>/dev/null)
		if [ "$erc" = 2 ] && [[ $eout == *"$msg"* ]] && [[ $eout == *"written: 0"* ]]; then
			pass "$a: check ${b#*|}: exit 2${msg:+, '$msg'}, nothing written"
		else
			fail "$a: check ${b#*|}" "exit $erc, want 2${msg:+ and '$msg'} and nothing written: $(echo "$eout" | tail -2 | tr '\n' ' ')"
		fi
	done

	# d) BDF:barN expands to the paths this kernel offers; the WC path is paired with an uncached one
	local all=$o/all-paths/verdict.json kinds
	if [ ! -s "$all" ]; then
		fail "$a: check @dev:bar2 (BDF:barN)" "no verdict.json: $(tail -2 "$o/guest/exec-$((pn + i + 1)).out" 2>/dev/null | tr '\n' ' ')"
	else
		kinds=$(verdicts "$all" | cut -d'|' -f1 | LC_ALL=C sort | paste -sd' ')
		[ "$kinds" = "sysfs sysfs-wc vfio" ] && pass "$a: check BDF:barN checks every path of the BAR ($kinds)" ||
			fail "$a: check BDF:barN paths" "got '$kinds', want 'sysfs sysfs-wc vfio'"
		verdicts "$all" | grep '^sysfs-wc|' | cut -d'|' -f4 | grep -q 'wc-uc-ratio' &&
			pass "$a: check BDF:barN: the sysfs-wc path carries the WC/UC ratio against an uncached path" ||
			fail "$a: check BDF:barN: WC/UC ratio" "$(verdicts "$all" | grep '^sysfs-wc|')"
	fi
	# e) no /dev/kvm here: wcbench vm says so and stops; check says why it has no microVM evidence
	local nv=$((pn + i + 2))
	erc=$(cat "$o/guest/exec-$nv.rc" 2>/dev/null || echo none)
	eout=$(cat "$o/guest/exec-$nv.out" 2>/dev/null)
	if [ "$erc" = 2 ] && [[ $eout == *"/dev/kvm is missing"* ]] && [[ $eout == *"written: 0"* ]]; then
		pass "$a: wcbench vm without /dev/kvm: exit 2, '/dev/kvm is missing', nothing written"
	else
		fail "$a: wcbench vm without /dev/kvm" "exit $erc: $(echo "$eout" | head -2 | tr '\n' ' ')"
	fi
}

for a in $ARCHS; do check_arch "$a"; done
