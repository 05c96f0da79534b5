#!/bin/bash
# Fetch what the guest launcher needs to boot Debian guests, into the cache:
#   $CACHE/<arch>/kernel/{vmlinux|Image}  the kernel QEMU boots (x86: decompressed vmlinux, booted via PVH)
#   $CACHE/<arch>/kernel/modules/lib/modules/<abi>/   the VFIO module closure + modules.dep
#   $CACHE/<arch>/busybox                 static busybox for the guest's initramfs
#   $CACHE/<arch>/abi                     the kernel ABI this was made from
#   $CACHE/qemu/<version>/usr/...         (aarch64, when the system QEMU is older than 9) QEMU from
#   $CACHE/qemu/current -> <version>      <codename>-backports, unpacked beside the system's QEMU
# CACHE is $WCBENCH_CACHE/guest, default ~/.cache/wcbench/guest. Idempotent: does nothing when the
# cache already holds the ABI that `apt-cache depends linux-image-<arch>` names and the QEMU version
# that backports offers.
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
	-h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
	mkdir -p "$dir" || die "setup.sh: cannot create $dir"
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

# --- QEMU for aarch64 guests ------------------------------------------------------------------------
# The system QEMU stays as it is (x86 guests keep using it); a newer qemu-system-arm from the
# release's backports is unpacked into the cache when the system one raises no Device alignment
# faults (older than 9).
QEMU_PKGS="qemu-system-arm qemu-system-common qemu-system-data"
qemu_tmp=
trap '[ -n "$qemu_tmp" ] && rm -rf "$qemu_tmp"' EXIT

# backports_configured SUITE: some enabled apt source names SUITE
backports_configured() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		case $f in
		*.sources) awk -v s="$1" 'BEGIN { RS = ""; FS = "\n" }
			{ on = 1; hit = 0
			  for (i = 1; i <= NF; i++) {
				if ($i ~ /^[ \t]*#/) continue
				if (tolower($i) ~ /^enabled:[ \t]*no/) on = 0
				if ($i ~ /^Suites:/) { n = split(substr($i, 8), w, /[ \t]+/); for (j = 1; j <= n; j++) if (w[j] == s) hit = 1 }
			  }
			  if (on && hit) found = 1 }
			END { exit !found }' "$f" ;;
		*) awk -v s="$1" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == s) found = 1 } END { exit !found }' "$f" ;;
		esac && return 0
	done
	return 1
}

# release_source CODENAME: "URI KEYRING" of the enabled deb source for CODENAME itself (KEYRING
# may be empty), from the deb822 .sources files first, then the one-line lists
release_source() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk -v s="$1" 'BEGIN { RS = ""; FS = "\n" }
			{ on = 1; deb = 0; hit = 0; uri = ""; key = ""
			  for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^[ \t]*#/) continue
				if (tolower(l) ~ /^enabled:[ \t]*no/) on = 0
				if (l ~ /^Types:/ && l ~ /(^|[ \t])deb([ \t]|$)/) deb = 1
				if (l ~ /^URIs:/) { split(substr(l, 6), u, /[ \t]+/); uri = (u[1] != "") ? u[1] : u[2] }
				if (l ~ /^Signed-By:/) { key = substr(l, 11); gsub(/^[ \t]+|[ \t]+$/, "", key) }
				if (l ~ /^Suites:/) { n = split(substr(l, 8), w, /[ \t]+/); for (j = 1; j <= n; j++) if (w[j] == s) hit = 1 }
			  }
			  if (on && deb && hit && uri != "" && key !~ /\n/) { print uri " " key; exit }
			}' "$f" | grep . && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk -v s="$1" '$1 != "deb" { next }
			{ key = ""; i = 2
			  if ($2 ~ /^\[/) { for (; i <= NF; i++) { if ($i ~ /^\[?signed-by=/) { key = $i; sub(/^\[?signed-by=/, "", key); sub(/\]$/, "", key) }
			                                         if ($i ~ /\]$/) { i++; break } } }
			  if ($(i + 1) == s) { print $i " " key; exit } }' "$f" | grep . && return 0
	done
	return 1
}

# backports_version PACKAGE SUITE: the version SUITE offers, or nothing
backports_version() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' -v s="$2" '$3 ~ (" " s "/") { v = $2; gsub(/[ \t]/, "", v); print v; exit }'
}

setup_qemu() {
	local sys major codename suite ver dir tmp src uri key lib missing have p
	sys=$(command -v qemu-system-aarch64 || true)
	major=${sys:+$(qemu_major "$sys")}
	dir=$(qemu_cache)
	if [ -x "$dir/current/usr/bin/qemu-system-aarch64" ] &&
	   [ "$(qemu_major "$dir/current/usr/bin/qemu-system-aarch64")" -ge $QEMU_FAULTS_MIN_MAJOR ] 2>/dev/null; then
		have=1
	else
		have=0
	fi
	if [ -n "$major" ] && [ "$major" -ge $QEMU_FAULTS_MIN_MAJOR ]; then
		[ $check = 1 ] || echo "guest aarch64: the system's QEMU $major raises Device alignment faults: nothing to fetch"
		return 0
	fi
	if [ $check = 1 ]; then
		[ $have = 1 ] && return 0
		echo "setup.sh: no QEMU >= $QEMU_FAULTS_MIN_MAJOR for aarch64 guests in $dir (the system's is ${major:-missing})" >&2
		return 1
	fi
	need apt-get; need apt-cache; need dpkg-deb
	codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "setup.sh: no VERSION_CODENAME in /etc/os-release: cannot name the backports suite for a newer QEMU"
	suite=$codename-backports
	if ! backports_configured "$suite"; then
		[ "$(id -u)" = 0 ] || die "setup.sh: QEMU ${major:-?} raises no Device alignment faults and apt has no $suite source: run guest/setup.sh as root once (it adds /etc/apt/sources.list.d/wcbench-backports.sources)"
		src=$(release_source "$codename") || die "setup.sh: no apt source for $codename found to model a $suite source on"
		uri=${src%% *} key=${src#* }
		[ "$key" = "$src" ] && key=
		echo "guest aarch64: adding the apt source $suite ($uri${key:+, signed by $key}) for QEMU >= $QEMU_FAULTS_MIN_MAJOR"
		{
			echo "Types: deb"
			echo "URIs: $uri"
			echo "Suites: $suite"
			echo "Components: main"
			[ -n "$key" ] && echo "Signed-By: $key"
		} > /etc/apt/sources.list.d/wcbench-backports.sources || die "setup.sh: cannot write the apt source"
		apt-get update -qq || die "setup.sh: apt-get update failed after adding $suite"
	fi
	ver=$(backports_version qemu-system-arm "$suite")
	if [ -z "$ver" ]; then
		[ "$(id -u)" = 0 ] || die "setup.sh: apt knows no qemu-system-arm in $suite: run apt-get update (as root)"
		apt-get update -qq || die "setup.sh: apt-get update failed"
		ver=$(backports_version qemu-system-arm "$suite")
		[ -n "$ver" ] || die "setup.sh: $suite offers no qemu-system-arm"
	fi
	local vdir=${ver#*:}      # the epoch's colon stays out of the path
	if [ -x "$dir/$vdir/usr/bin/qemu-system-aarch64" ]; then
		ln -sfn "$vdir" "$dir/current"
		echo "guest aarch64: QEMU $ver already in $dir/$vdir"
		return 0
	fi
	echo "guest aarch64: fetching qemu-system-arm $ver from $suite into $dir/$vdir (the system's QEMU ${major:-?} stays)"
	mkdir -p "$dir" || die "setup.sh: cannot create $dir"
	tmp=$(mktemp -d "$dir/.fetch.XXXXXX") || die "setup.sh: cannot write to $dir"
	qemu_tmp=$tmp
	(cd "$tmp" && apt-get download -q $(for p in $QEMU_PKGS; do echo "$p/$suite"; done) 2>&1 |
		grep -v 'Download is performed unsandboxed' || true)
	for p in $QEMU_PKGS; do
		ls "$tmp/${p}"_*.deb >/dev/null 2>&1 || die "setup.sh: apt-get download $p/$suite failed"
		dpkg-deb -x "$tmp/${p}"_*.deb "$tmp/prefix" || die "setup.sh: dpkg-deb -x $p failed"
	done
	rm -rf "$tmp/prefix/usr/share/doc" "$tmp/prefix/usr/share/man"
	# Built for this release, it should need no library the release lacks: say which if it does.
	missing=$(ldd "$tmp/prefix/usr/bin/qemu-system-aarch64" 2>/dev/null | awk '/not found/ { print $1 }' | paste -sd' ')
	if [ -n "$missing" ]; then
		lib=$(dpkg-deb -f "$tmp"/qemu-system-arm_*.deb Depends | tr ',' '\n' | sed 's/|.*//; s/^ *//; s/ .*//' |
			while read -r p; do
				case " $QEMU_PKGS " in *" $p "*) continue ;; esac
				dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || echo "$p"
			done | paste -sd' ')
		die "setup.sh: QEMU $ver needs libraries this system lacks ($missing): apt-get install -t $suite ${lib:-<the packages that provide them>}"
	fi
	"$tmp/prefix/usr/bin/qemu-system-aarch64" --version >/dev/null || die "setup.sh: the unpacked QEMU $ver does not run"
	rm -rf "${dir:?}/${vdir:?}"; mv "$tmp/prefix" "$dir/$vdir" || die "setup.sh: cannot move QEMU into $dir/$vdir"
	ln -sfn "$vdir" "$dir/current"
	rm -rf "$tmp"
	echo "guest aarch64: QEMU $ver ready in $dir/$vdir ($(qemu_major "$dir/current/usr/bin/qemu-system-aarch64").x; use it with guest/run, which passes -L and QEMU_MODULE_DIR)"
}

rc=0
for a in $archs; do
	case $a in x86_64|aarch64) ;; *) die "setup.sh: unknown arch '$a' (x86_64, aarch64 or all)" ;; esac
	setup_arch "$a" || rc=1
	if [ "$a" = aarch64 ]; then setup_qemu || rc=1; fi
done
exit $rc
