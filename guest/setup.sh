#!/bin/bash
# Fetch what the guest launcher needs to boot Debian guests, into the cache:
#   $CACHE/<arch>/kernel/{vmlinux|Image}  the kernel QEMU boots (x86: decompressed vmlinux, booted via PVH)
#   $CACHE/<arch>/kernel/modules/lib/modules/<abi>/   the VFIO module closure + modules.dep
#   $CACHE/<arch>/busybox                 static busybox for the initramfs
#   $CACHE/<arch>/abi                     the kernel ABI this was made from
# CACHE is $WCBENCH_CACHE/guest, default ~/.cache/wcbench/guest. Idempotent: does nothing when the
# cache already holds the ABI that `apt-cache depends linux-image-<arch>` names.
# Usage: guest/setup.sh [--arch x86_64|aarch64|all] [--check]
#   --check: only report whether the cache is complete (exit 0) or not (exit 1).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

archs="x86_64 aarch64" check=0
while [ $# -gt 0 ]; do
	case $1 in
	--arch) [ "${2:-}" = all ] && archs="x86_64 aarch64" || archs=${2:?--arch needs x86_64, aarch64 or all}; shift 2 ;;
	--check) check=1; shift ;;
	-h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "setup.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

# Modules the guest needs (their dependencies come from modules.dep).
WANT_MODULES="vfio-pci vfio_iommu_type1"

need() { command -v "$1" >/dev/null 2>&1 || die "setup.sh: '$1' is missing: install the packages in tests/deps/guest.txt (apt-get install --no-install-recommends \$(cat tests/deps/guest.txt))"; }

ensure_foreign_arch() { # deb-arch
	local da=$1
	[ "$da" = "$(dpkg --print-architecture)" ] && return 0
	dpkg --print-foreign-architectures | grep -qx "$da" && apt-cache show "busybox-static:$da" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || die "setup.sh: Debian architecture $da is not enabled: run as root: dpkg --add-architecture $da && apt-get update"
	dpkg --add-architecture "$da"
	apt-get update -qq
}

setup_arch() {
	local arch=$1 da abi dir tmp
	da=$(deb_arch "$arch")
	dir=$(guest_cache)/$arch
	if [ $check = 1 ]; then
		[ -s "$dir/abi" ] && [ -x "$dir/busybox" ] && [ -s "$dir/kernel/$(kernel_file "$arch")" ] && return 0
		echo "setup.sh: no guest kernel for $arch in $dir" >&2; return 1
	fi
	need apt-get; need apt-cache; need dpkg-deb; need depmod; need xz
	ensure_foreign_arch "$da"
	# linux-image-amd64 depends on linux-image-<abi>-amd64: that names the ABI.
	abi=$(apt-cache depends "linux-image-$da:$da" 2>/dev/null | sed -n "s/^ *Depends: linux-image-\(.*\)-$da\(:$da\)\{0,1\}\$/\1/p" | head -1)
	[ -n "$abi" ] || die "setup.sh: apt-cache depends linux-image-$da names no kernel: run apt-get update"
	if [ -s "$dir/abi" ] && [ "$(cat "$dir/abi")" = "$abi-$da" ] && [ -x "$dir/busybox" ] &&
	   [ -s "$dir/kernel/$(kernel_file "$arch")" ]; then
		echo "guest $arch: kernel $abi-$da already in $dir"
		return 0
	fi
	echo "guest $arch: fetching linux-image-$abi-$da-unsigned and busybox-static:$da into $dir"
	mkdir -p "$dir"
	tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	(cd "$tmp" && apt-get download -q "linux-image-$abi-$da-unsigned:$da" "busybox-static:$da" 2>&1 |
		grep -v 'Download is performed unsandboxed' || true)
	ls "$tmp"/linux-image-*.deb "$tmp"/busybox-static_*.deb >/dev/null 2>&1 ||
		die "setup.sh: apt-get download failed for linux-image-$abi-$da-unsigned:$da busybox-static:$da"
	dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/k"
	dpkg-deb -x "$tmp"/busybox-static_*.deb "$tmp/bb"
	local kabi="$abi-$da"
	depmod -b "$tmp/k" "$kabi"
	rm -rf "$dir/kernel.new"; mkdir -p "$dir/kernel.new"
	copy_modules "$tmp/k/lib/modules/$kabi" "$dir/kernel.new/modules/lib/modules/$kabi" $WANT_MODULES
	cp "$tmp/k/boot/config-$kabi" "$dir/kernel.new/config"
	case $arch in
	x86_64) extract_vmlinux "$tmp/k/boot/vmlinuz-$kabi" "$dir/kernel.new/vmlinux" ;;
	aarch64) cp "$tmp/k/boot/vmlinuz-$kabi" "$dir/kernel.new/Image" ;;
	esac
	install -m 755 "$tmp/bb/bin/busybox" "$dir/busybox"
	rm -rf "$dir/kernel"; mv "$dir/kernel.new" "$dir/kernel"
	echo "$kabi" > "$dir/abi"
	echo "guest $arch: kernel $kabi ready in $dir"
}

rc=0
for a in $archs; do
	case $a in x86_64|aarch64) ;; *) die "setup.sh: unknown arch '$a' (x86_64, aarch64 or all)" ;; esac
	setup_arch "$a" || rc=1
done
exit $rc
