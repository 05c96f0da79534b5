#!/usr/bin/env bash
# What a guest sends back is hostile data: `wcbench guest-import` (the launcher's import of the
# guest's serial stream) fed crafted archives, without QEMU. Each case checks that no file outside
# --out changed (a victim file and directory with known content), that the refused entries are
# named, that the good files arrived as plain 0644 files, and the exit status.
source "$(dirname "$0")/lib.sh"

if [ ! -x "$WCBENCH" ]; then fail "wcbench binary" "$WCBENCH is missing (make)"; exit 1; fi
if ! command -v python3 >/dev/null; then missing "guest-import" "python3 is missing (it builds the archives)"; exit 0; fi

VICTIM=$TMPROOT/victim.txt VDIR=$TMPROOT/victimdir
echo "victim: known content" > "$VICTIM"
mkdir -p "$VDIR" && echo "in the victim dir" > "$VDIR/keep.txt"
victim_state() { { cat "$VICTIM"; ls -la "$VDIR" | sed 1d | awk '{print $1, $NF}'; cat "$VDIR"/*; } 2>&1 | md5sum; }
VSTATE=$(victim_state)

# mk CASE SERIAL: the serial file a guest would write (base64 of a tar between the markers)
cat > "$TMPROOT/mk.py" <<'EOF'
import base64, io, sys, tarfile
case, serial, victim, vdir = sys.argv[1:5]
buf = io.BytesIO()
tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT)
def add(name, data=b"", type=tarfile.REGTYPE, link="", mode=0o644, **kw):
    ti = tarfile.TarInfo(name)
    ti.type, ti.linkname, ti.mode = type, link, mode
    for k, v in kw.items(): setattr(ti, k, v)
    if type == tarfile.REGTYPE:
        ti.size = len(data)
        tf.addfile(ti, io.BytesIO(data))
    else:
        tf.addfile(ti)
def good():
    add("./", type=tarfile.DIRTYPE, mode=0o755)
    add("./guest/", type=tarfile.DIRTYPE, mode=0o755)
    add("./guest/rc", b"0\n")
    add("./run/", type=tarfile.DIRTYPE, mode=0o755)
    add("./run/results.csv", b"good,rows\n")
if case in ("good", "prelink-csv", "prelink-guest"):
    good()
elif case == "links":
    good()
    add("./run/results.csv", type=tarfile.SYMTYPE, link=victim)
    add("./guest/evil", type=tarfile.SYMTYPE, link=vdir)           # then a file through it:
    add("./run/guest/evil/keep.txt", b"PWNED via run/guest\n")      # the old second cp -r
    add("./run/d", type=tarfile.SYMTYPE, link=vdir)
    add("./run/d/keep.txt", b"PWNED via run/d\n")
    add("./guest/hard", type=tarfile.LNKTYPE, link=victim)
elif case == "specials":
    good()
    add("./run/blk", type=tarfile.BLKTYPE, devmajor=7, devminor=0, mode=0o666)
    add("./run/chr", type=tarfile.CHRTYPE, devmajor=1, devminor=3, mode=0o666)
    add("./run/fifo", type=tarfile.FIFOTYPE)
    add("./run/suid", b"#!/bin/sh\n", mode=0o4755, uid=4242, gid=4242)
elif case == "names":
    good()
    add("./run/new\nline", b"x")
    add("./run/esc\x1b[2Jx", b"x")
    add("./run/../../escaped", b"PWNED\n")
    add(victim, b"PWNED absolute\n")
    add("./run/.hidden", b"x")
    add("./elsewhere/f", b"x")
    add("./guest/console.log", b"forged console\n")
    add("./run/a/b/c/d/e/f/g/h/deep", b"x")
    add("./run/sub/ok.txt", b"nested ok\n")
elif case == "longname":
    good()
    add("./run/" + "n" * 120, b"x")                                 # a GNU 'L' entry first
elif case == "pax":
    tf.close(); buf = io.BytesIO()
    tf = tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT)
    good()
    add("./run/paxed", b"x", pax_headers={"comment": "hi"})
elif case == "many":
    good()
    for i in range(5): add("./run/f%d" % i, b"x")
elif case == "hostile":  # what the stand-in QEMU below sends back
    good()
    add("./guest/init.log", b"kvm: \x1b[31mforged\n")
    add("./guest/evil", type=tarfile.SYMTYPE, link=victim)          # then a file through it:
    add("./run/guest/evil", b"PWNED via run/guest\n")              # the old second cp -r
    add("./run/metadata.json", type=tarfile.FIFOTYPE)
    add("./run/blk", type=tarfile.BLKTYPE, devmajor=7, devminor=0, mode=0o666)
elif case == "big":
    good()
    add("./run/big", b"B" * 4096)
else:
    good()
tf.close()
raw = buf.getvalue()
if case == "checksum":
    raw = bytearray(raw); raw[512 * 2 + 3] ^= 0x20; raw = bytes(raw)  # ./guest/rc's name: 'e' -> 'E'
if case == "truncated":
    raw = raw[:512 * 3 + 100]
text = base64.encodebytes(raw).decode()
if case == "garbage":
    lines = text.splitlines(); lines.insert(2, "this is $$ not base64"); text = "\n".join(lines) + "\n"
with open(serial, "w", newline="") as f:
    if case == "nomarkers":
        f.write(text)
    elif case == "noend":
        f.write("WCBENCH-OUT-BEGIN\r\n" + text)
    else:
        f.write("boot noise\r\nWCBENCH-OUT-BEGIN\r\n" + text.replace("\n", "\r\n") + "WCBENCH-OUT-END\r\n")
EOF

# imp CASE [importer options]: a fresh --out, the serial file, the import; leaves $O, $IRC, $IOUT
imp() {
	local c=$1; shift
	O=$TMPROOT/out-$c
	rm -rf "$O"; mkdir -p "$O"
	case $c in
	prelink-csv) ln -s "$VICTIM" "$O/results.csv" ;;
	prelink-guest) ln -s "$VDIR" "$O/guest" ;;
	esac
	python3 "$TMPROOT/mk.py" "$c" "$TMPROOT/serial-$c.txt" "$VICTIM" "$VDIR" || { fail "$c: building the archive"; return; }
	"$WCBENCH" guest-import --from "$TMPROOT/serial-$c.txt" --out "$O" "$@" > "$TMPROOT/imp.out" 2>&1
	IRC=$?
	IOUT=$(cat "$TMPROOT/imp.out")
}
victim_intact() { # CASE
	[ "$(victim_state)" = "$VSTATE" ] && pass "$1: no file outside --out changed" ||
		fail "$1: no file outside --out changed" "$(cat "$VICTIM"; ls -la "$VDIR")"
}
only_plain_files() { # CASE: under --out nothing but directories and 0644 regular files of ours
	local odd
	odd=$(find "$O" -mindepth 1 \( -type d -o \( -type f -perm 0644 -links 1 -user "$(id -u)" \) \) -prune -o -print | head -3)
	odd=$odd$(find "$O" -mindepth 1 -type d \( -perm /7022 \) -print | head -3)
	[ -z "$odd" ] && pass "$1: --out holds only directories and plain 0644 files" ||
		fail "$1: --out holds only directories and plain 0644 files" "$odd"
}
said() { # CASE NAME PATTERN: the importer's output names the entry (grep -E)
	if grep -Eq -- "$3" <<< "$IOUT"; then pass "$1: says $2"; else fail "$1: says $2" "no /$3/ in: $(head -c 600 <<< "$IOUT" | tr '\n' '|')"; fi
}
good_arrived() { # CASE
	[ "$(cat "$O/guest/rc" 2>/dev/null)" = 0 ] && [ "$(cat "$O/results.csv" 2>/dev/null)" = "good,rows" ] &&
		pass "$1: the good files arrived (guest/rc, results.csv)" ||
		fail "$1: the good files arrived" "$(ls -laR "$O" | head -20 | tr '\n' '|')"
}

imp good
[ "$IRC" = 0 ] && [ -z "$IOUT" ] && pass "good: exit 0, nothing said" || fail "good: exit 0, nothing said" "exit $IRC: $IOUT"
good_arrived good; only_plain_files good

# the same tree packed by busybox tar, as guest/init does
if [ -x /bin/busybox ] && /bin/busybox tar --help >/dev/null 2>&1; then
	T=$TMPROOT/bbtree; mkdir -p "$T/guest" "$T/run/second"
	echo 0 > "$T/guest/rc"; echo good,rows > "$T/run/results.csv"; echo nested > "$T/run/second/results.csv"
	O=$TMPROOT/out-busybox; mkdir -p "$O"
	{ echo WCBENCH-OUT-BEGIN; /bin/busybox tar -C "$T" -cf - . | base64; echo WCBENCH-OUT-END; } > "$TMPROOT/serial-bb.txt"
	check_exit "busybox tar: exit 0" 0 "$WCBENCH" guest-import --from "$TMPROOT/serial-bb.txt" --out "$O"
	good_arrived busybox
	[ "$(cat "$O/second/results.csv" 2>/dev/null)" = nested ] && pass "busybox tar: a subdirectory of run/ arrives" ||
		fail "busybox tar: a subdirectory of run/ arrives" "$(ls -R "$O" | tr '\n' ' ')"
else
	skip "busybox tar" "no /bin/busybox with tar here"
fi

imp links
[ "$IRC" = 1 ] && pass "links: exit 1" || fail "links: exit 1" "exit $IRC"
victim_intact links; only_plain_files links; good_arrived links
said links "the symbolic link over results.csv" "^\./run/results\.csv: refused: a symbolic link \(to $VICTIM\)"
said links "the symbolic link in guest/" "^\./guest/evil: refused: a symbolic link"
said links "the file under run/guest/ (the old copy through guest/'s link)" "^\./run/guest/evil/keep\.txt: refused: run/guest/"
said links "the hard link" "^\./guest/hard: refused: a hard link \(to $VICTIM\)"
[ "$(cat "$O/d/keep.txt" 2>/dev/null)" = "PWNED via run/d" ] && [ ! -L "$O/d" ] &&
	pass "links: a file behind a refused link lands in a real directory inside --out" ||
	fail "links: file behind a refused link" "$(ls -la "$O" | tr '\n' '|')"
[ ! -e "$O/guest/evil" ] && [ ! -e "$O/guest/hard" ] && pass "links: no link made" || fail "links: no link made" "$(ls -la "$O/guest")"

imp specials
[ "$IRC" = 1 ] && pass "specials: exit 1" || fail "specials: exit 1" "exit $IRC"
victim_intact specials; only_plain_files specials; good_arrived specials
said specials "the block device" "^\./run/blk: refused: a block device"
said specials "the character device" "^\./run/chr: refused: a character device"
said specials "the FIFO" "^\./run/fifo: refused: a FIFO"
[ "$(stat -c %a "$O/suid" 2>/dev/null)" = 644 ] && [ "$(stat -c %u "$O/suid")" = "$(id -u)" ] &&
	pass "specials: a setuid file of uid 4242 arrives as 0644, owned by the importer" ||
	fail "specials: setuid file" "$(stat -c '%a %u' "$O/suid" 2>&1)"

imp names
[ "$IRC" = 1 ] && pass "names: exit 1" || fail "names: exit 1" "exit $IRC"
victim_intact names; only_plain_files names; good_arrived names
said names "a newline in a name, escaped" '^\./run/new\\nline: refused: the character .\\n'
said names "an ESC in a name, escaped" '^\./run/esc\\x1b\[2Jx: refused: the character .\\x1b'
said names "'..'" "^\./run/\.\./\.\./escaped: refused: '\.\.' in its path"
said names "an absolute path" "^$VICTIM: refused: an absolute path"
said names "a name starting with '.'" "^\./run/\.hidden: refused: a path component starting with '\.'"
said names "outside guest/ and run/" "^\./elsewhere/f: refused: outside guest/ and run/"
said names "guest/console.log (the launcher's own)" "^\./guest/console\.log: refused: a name the launcher writes itself"
said names "too deep" "^\./run/a/b/c/d/e/f/g/h/deep: refused: deeper than 8 levels"
grep -q $'\x1b' "$TMPROOT/imp.out" && fail "names: no raw ESC in the output" "it is there" || pass "names: no raw ESC in the output"
[ "$(cat "$O/sub/ok.txt" 2>/dev/null)" = "nested ok" ] && [ ! -e "$TMPROOT/escaped" ] && [ ! -e "$O/escaped" ] &&
	pass "names: a nested good file arrived, '..' went nowhere" || fail "names: nested file, '..'" "$(ls -R "$O" | tr '\n' ' ')"

imp longname
[ "$IRC" = 1 ] && pass "longname: exit 1" || fail "longname: exit 1" "exit $IRC"
said longname "the GNU long name" "refused: a GNU long name"
good_arrived longname
imp pax
[ "$IRC" = 1 ] && pass "pax: exit 1" || fail "pax: exit 1" "exit $IRC"
said pax "the pax header" "refused: a pax header"

imp many --max-files 4
[ "$IRC" = 1 ] && pass "many: exit 1" || fail "many: exit 1" "exit $IRC"
said many "the files past --max-files" "^\./run/f2: refused: more than 4 files"
n=$(find "$O" -type f | wc -l)
[ "$n" = 4 ] && pass "many: 4 files taken" || fail "many: 4 files taken" "$n"
imp big --max-file-size 1K
said big "the file past --max-file-size" "^\./run/big: refused: 4096 bytes, more than 1024 a file"
[ "$IRC" = 1 ] && [ ! -e "$O/big" ] && good_arrived big && pass "big: exit 1, not written" || fail "big: exit 1, not written" "exit $IRC"
imp big --max-total-size 4K
said big "the file past --max-total-size" "^\./run/big: refused: past 4096 bytes in all"

for c in checksum truncated garbage noend; do
	imp "$c"
	[ "$IRC" = 1 ] && pass "$c: exit 1" || fail "$c: exit 1" "exit $IRC"
	victim_intact "$c"
	[ ! -e "$O/results.csv" ] && [ ! -e "$O/guest/rc" ] && pass "$c: refused whole, nothing taken" ||
		fail "$c: refused whole" "$(ls -R "$O" | tr '\n' ' ')"
	cmp -s "$TMPROOT/serial-$c.txt" "$O/guest/serial.txt" && grep -q "the raw stream is kept in $O/guest/serial.txt" <<< "$IOUT" &&
		pass "$c: the raw stream kept as guest/serial.txt, and named" || fail "$c: raw stream kept" "$IOUT"
done
imp checksum; said checksum "the header with the wrong checksum" "corrupt: the tar header at byte 1024 has a wrong checksum"
imp truncated; said truncated "truncated" "corrupt: the tar stream .*\(truncated\)"
imp garbage; said garbage "the line that is not base64" "corrupt: line 5: ' ' is not base64"
imp noend; said noend "no end marker" "corrupt: the stream ends without WCBENCH-OUT-END"
imp nomarkers
[ "$IRC" = 1 ] && grep -q "no WCBENCH-OUT-BEGIN" <<< "$IOUT" && pass "nomarkers: exit 1, says so" || fail "nomarkers" "exit $IRC: $IOUT"

imp prelink-csv
[ "$IRC" = 0 ] && pass "prelink-csv: exit 0" || fail "prelink-csv: exit 0" "exit $IRC: $IOUT"
victim_intact prelink-csv
[ ! -L "$O/results.csv" ] && [ "$(cat "$O/results.csv")" = "good,rows" ] &&
	pass "prelink-csv: a link already at results.csv is replaced, not written through" || fail "prelink-csv" "$(ls -la "$O")"
imp prelink-guest
[ "$IRC" = 1 ] && pass "prelink-guest: exit 1" || fail "prelink-guest: exit 1" "exit $IRC"
victim_intact prelink-guest
said prelink-guest "the guest/ link" "^\./guest/rc: refused: $O/guest: a link or not a directory"
[ "$(cat "$O/results.csv" 2>/dev/null)" = "good,rows" ] && pass "prelink-guest: run/ files still arrive" || fail "prelink-guest: run/ files" "$(ls -la "$O")"

check_exit "guest-import without --out: exit 2" 2 "$WCBENCH" guest-import --from "$TMPROOT/serial-good.txt"
check_exit "guest-import --max-files 0: exit 2" 2 "$WCBENCH" guest-import --from x --out "$TMPROOT" --max-files 0
mkfifo "$TMPROOT/fifo"
check_exit "guest-import --from a FIFO: exit 1 at once, not waiting" 1 timeout 10 "$WCBENCH" guest-import --from "$TMPROOT/fifo" --out "$TMPROOT"
! "$WCBENCH" --help | grep -q guest-import && pass "guest-import is not in the main --help" || fail "guest-import is not in the main --help"

# The launcher itself, QEMU replaced by a script that writes a hostile serial stream (or floods
# the console): what reaches --out, the exit status, the bound on what QEMU writes. No guest boots.
FAKE=$TMPROOT/fakebin
mkdir -p "$FAKE"
cat > "$FAKE/qemu-system-x86_64" <<'EOF'
#!/bin/bash
[ "$1" = --version ] && { echo "QEMU emulator version 10.0.0 (a stand-in)"; exit 0; }
for a; do case $a in file,id=wcout,path=*) serial=${a#*path=} ;; esac; done
echo "stand-in console"
[ "${FAKE_MODE:-}" = flood ] && exec head -c 64M /dev/zero   # bounded itself, should the bound fail
[ "${FAKE_MODE:-}" = hang ] && { echo $$ > "$FAKE_PIDFILE"; exec sleep 60; }   # a guest that never ends
cat "$FAKE_SERIAL" > "$serial"
EOF
chmod +x "$FAKE/qemu-system-x86_64"
echo "not a kernel" > "$TMPROOT/kernel"
fake_launch() { # OUT: the launcher with the stand-in QEMU, bounded; leaves $LRC and $TMPROOT/launch.out
	WCBENCH_GUEST_BUSYBOX=/bin/busybox timeout -k 5 120 "$WCBENCH" guest --arch x86_64 --accel tcg \
		--kernel "$TMPROOT/kernel" --binary "$WCBENCH" --qemu "$FAKE/qemu-system-x86_64" \
		--device ivshmem:1M --out "$1" --timeout 60 -- --target ram > "$TMPROOT/launch.out" 2>&1
	LRC=$?
}
if [ "$(uname -m)" != x86_64 ] || [ ! -x /bin/busybox ] || LC_ALL=C readelf -l /bin/busybox 2>/dev/null | grep -q interpreter ||
   ! command -v cpio >/dev/null; then
	missing "launcher with a stand-in QEMU" "needs an x86_64 host, a static /bin/busybox and cpio (apt-get install busybox-static cpio)"
else
	python3 "$TMPROOT/mk.py" hostile "$TMPROOT/serial-hostile.txt" "$VICTIM" "$VDIR"
	O=$TMPROOT/out-launch
	FAKE_SERIAL=$TMPROOT/serial-hostile.txt fake_launch "$O"
	IOUT=$(cat "$TMPROOT/launch.out")
	[ "$LRC" = 1 ] && pass "launcher: a hostile guest's results: exit 1" || fail "launcher: hostile results: exit 1" "exit $LRC: $(tail -3 <<< "$IOUT")"
	victim_intact "launcher"
	only_plain_files "launcher"
	good_arrived "launcher"
	said launcher "the link, one line" "^wcbench guest: \./guest/evil: refused: a symbolic link"
	said launcher "the FIFO" "^wcbench guest: \./run/metadata\.json: refused: a FIFO"
	said launcher "the block device" "^wcbench guest: \./run/blk: refused: a block device"
	grep -q "refused" "$O/guest/import.log" 2>/dev/null && pass "launcher: the refused entries are in guest/import.log" ||
		fail "launcher: guest/import.log" "$(ls "$O/guest")"
	grep -q $'\x1b' "$TMPROOT/launch.out" && fail "launcher: no raw ESC from the guest on the terminal" "it is there" ||
		pass "launcher: no raw ESC from the guest on the terminal"

	# a corrupt stream: the message names the copy kept in --out, not the launcher's scratch file
	python3 "$TMPROOT/mk.py" checksum "$TMPROOT/serial-c.txt" "$VICTIM" "$VDIR"
	O=$TMPROOT/out-launch-corrupt
	FAKE_SERIAL=$TMPROOT/serial-c.txt fake_launch "$O"
	IOUT=$(cat "$TMPROOT/launch.out")
	[ "$LRC" = 1 ] && grep -q "corrupt: .*kept in $O/guest/serial.txt" <<< "$IOUT" && cmp -s "$TMPROOT/serial-c.txt" "$O/guest/serial.txt" &&
		! grep -q "wcbench-guest\.[A-Za-z0-9]*/out.txt" <<< "$IOUT" &&
		pass "launcher: corrupt results: exit 1, the raw stream kept in guest/serial.txt and named" ||
		fail "launcher: corrupt results" "exit $LRC: $(grep -m3 'corrupt\|wcbench guest' <<< "$IOUT")"

	# a guest that floods its console: QEMU stopped at the output bound
	O=$TMPROOT/out-launch-flood
	FAKE_MODE=flood WCBENCH_GUEST_OUTPUT_LIMIT_KB=1024 fake_launch "$O"
	IOUT=$(cat "$TMPROOT/launch.out")
	sz=$(stat -c %s "$O/guest/console.log" 2>/dev/null || echo none)
	[ "$LRC" = 1 ] && [ "$sz" = 1048576 ] && grep -q "wrote 1024 KiB to console.log (the limit)" <<< "$IOUT" &&
		pass "launcher: a flooded console stops at the bound (1 MiB here), said, exit 1" ||
		fail "launcher: console bound" "exit $LRC, console.log $sz bytes: $(grep 'wcbench guest' <<< "$IOUT" | head -3)"

	# a signal to the launcher stops QEMU with it (not left running up to --timeout). SIGINT is
	# left out: a shell started in the background here ignores it, and may not trap it.
	for sig in TERM HUP; do
		O=$TMPROOT/out-launch-$sig
		rm -f "$TMPROOT/qemu.pid"
		# wcbench guest execs the launcher: $! is the launcher itself (bounded by --timeout 30)
		FAKE_MODE=hang FAKE_PIDFILE=$TMPROOT/qemu.pid WCBENCH_GUEST_BUSYBOX=/bin/busybox "$WCBENCH" guest \
			--arch x86_64 --accel tcg --kernel "$TMPROOT/kernel" --binary "$WCBENCH" \
			--qemu "$FAKE/qemu-system-x86_64" --device ivshmem:1M --out "$O" --timeout 30 -- --target ram \
			> "$TMPROOT/launch.out" 2>&1 &
		lp=$!
		for _ in $(seq 100); do [ -s "$TMPROOT/qemu.pid" ] && break; sleep 0.1; done
		qp=$(cat "$TMPROOT/qemu.pid" 2>/dev/null)
		kill -$sig $lp
		wait $lp
		lrc=$?
		gone=1
		for _ in $(seq 50); do kill -0 "$qp" 2>/dev/null || { gone=0; break; }; sleep 0.1; done
		[ -n "$qp" ] && [ $gone = 0 ] && [ $lrc -gt 128 ] && grep -q "stopped by SIG$sig" "$TMPROOT/launch.out" &&
			pass "launcher: SIG$sig stops QEMU with the launcher (exit $lrc), said in one line" ||
			fail "launcher: SIG$sig stops QEMU with the launcher" "qemu ${qp:-?} $([ $gone = 0 ] && echo gone || echo 'still running'), launcher exit $lrc: $(tail -2 "$TMPROOT/launch.out")"
		[ -z "$qp" ] || kill -KILL "$qp" 2>/dev/null || :
	done
fi
