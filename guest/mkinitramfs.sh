#!/bin/bash
# Build the guest's initramfs (newc cpio, uncompressed: the kernel unpacks it fastest).
# Usage: guest/mkinitramfs.sh --out FILE --busybox PATH --binary PATH --etc DIR
#                             [--modules LIBMODULESDIR --want "mod1 mod2"] [--add SRC:DEST]...
#   --busybox  a static busybox for the guest's arch (installed as /bin/busybox; /init links the rest)
#   --binary   the wcbench to run (/bin/wcbench); a dynamic one also gets its libraries (ldd)
#   --etc      files copied to /etc (wcbench.conf, wcbench.args, wcbench.exec)
#   --modules  a lib/modules/<version> directory with modules.dep; --want names the modules whose
#              closure (from modules.dep) goes in, with their load order in modules.load
#   --add      any other file, e.g. --add ./tool:/bin/tool
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

out= bb= bin= etc= mods= want= adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--busybox) bb=$2; shift 2 ;;
	--binary) bin=$2; shift 2 ;;
	--etc) etc=$2; shift 2 ;;
	--modules) mods=$2; shift 2 ;;
	--want) want=$2; shift 2 ;;
	--add) adds+=("$2"); shift 2 ;;
	*) die "mkinitramfs.sh: unknown argument '$1'" ;;
	esac
done
[ -n "$out" ] && [ -x "$bb" ] && [ -f "$bin" ] || die "mkinitramfs.sh: --out, --busybox and --binary are required"
command -v cpio >/dev/null || die "mkinitramfs.sh: cpio is missing (apt-get install cpio)"

root=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc,proc,sys,dev,tmp,lib/modules}
install -m 755 "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$HERE/init" "$root/init"
install -m 755 "$bin" "$root/bin/wcbench"
# A dynamic binary (only for a guest of the host's arch): bring its loader and libraries.
if ! LC_ALL=C readelf -l "$bin" 2>/dev/null | grep -q 'Requesting program interpreter' ; then :; else
	ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | sort -u | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
	done
fi
[ -n "$etc" ] && cp "$etc"/* "$root/etc/"
if [ -n "$mods" ]; then
	ver=$(basename "$mods")
	copy_modules "$mods" "$root/lib/modules/$ver" $want
fi
for a in ${adds[@]+"${adds[@]}"}; do
	mkdir -p "$root$(dirname "${a#*:}")"; cp -L "${a%%:*}" "$root${a#*:}"
done
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out"
