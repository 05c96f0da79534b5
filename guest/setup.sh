#!/bin/bash
# Fetch what the guest launcher needs to boot Debian guests, into the cache:
#   $CACHE/<arch>/kernel/{vmlinux|Image}  the kernel QEMU boots (x86: decompressed vmlinux, booted via PVH)
#   $CACHE/<arch>/kernel/modules/lib/modules/<abi>/   the VFIO and KVM module closures + modules.dep
#   $CACHE/<arch>/abi                     the kernel ABI this was made from
#   $CACHE/<arch>/suites/SUITE/{kernel,abi}  the same for `--kernel debian:SUITE` (another suite
#                                         than the release's own, e.g. bookworm-backports)
#   $CACHE/<arch>/busybox                 static busybox for the guest's initramfs (any kernel)
#   $CACHE/qemu/<version>/usr/...         (aarch64, when the system QEMU is older than 9) QEMU from
#   $CACHE/qemu/current -> <version>      <codename>-backports, unpacked beside the system's QEMU
# CACHE is $WCBENCH_CACHE/guest, default ~/.cache/wcbench/guest. Idempotent: does nothing when the
# cache already holds the ABI that the suite's linux-image-<arch> names and the QEMU version that
# backports offers.
# Usage: guest/setup.sh [--arch x86_64|aarch64|all] [--kernel debian:SUITE]... [--check]
#   --kernel debian:SUITE  the kernel of that apt suite (repeatable; default: the release's own,
#                          e.g. debian:bookworm; debian:<codename>-backports adds its apt source)
#   --check  only report whether the cache is complete (exit 0) or not (exit 1).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

archs="x86_64 aarch64" check=0 suites=()
while [ $# -gt 0 ]; do
	case $1 in
	--arch) [ "${2:-}" = all ] && archs="x86_64 aarch64" || archs=${2:?--arch needs x86_64, aarch64 or all}; shift 2 ;;
	--kernel)
		case ${2:-} in
		debian:*) suite_valid "${2#debian:}" || { echo "setup.sh: --kernel $2: '${2#debian:}' is not an apt suite name (e.g. debian:bookworm-backports)" >&2; exit 2; } ;;
		*) echo "setup.sh: --kernel needs debian:SUITE (e.g. debian:bookworm-backports), not '${2:-}'" >&2; exit 2 ;;
		esac
		suites+=("${2#debian:}"); shift 2 ;;
	--check) check=1; shift ;;
	-h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "setup.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#suites[@]} -gt 0 ] || suites=("")   # "": the release's own suite

need() { command -v "$1" >/dev/null 2>&1 || die "setup.sh: '$1' is missing: install the packages in tests/deps/guest.txt (apt-get install --no-install-recommends \$(cat tests/deps/guest.txt))"; }

foreign_ok=" "   # arches found enabled in this run (each apt-cache call takes a second or two)
ensure_foreign_arch() { # deb-arch
	local da=$1
	[ "$da" = "$(dpkg --print-architecture)" ] && return 0
	case $foreign_ok in *" $da "*) return 0 ;; esac
	dpkg --print-foreign-architectures | grep -qx "$da" && apt-cache show "busybox-static:$da" >/dev/null 2>&1 &&
		foreign_ok="$foreign_ok$da " && return 0
	[ "$(id -u)" = 0 ] || die "setup.sh: Debian architecture $da is not enabled: run as root: dpkg --add-architecture $da && apt-get update"
	dpkg --add-architecture "$da"
	apt-get update -qq
}

# setup_arch ARCH SUITE: the kernel of SUITE ("": the release's own) and busybox for ARCH
setup_arch() {
	local arch=$1 suite=$2 da abi ver dir bbdir tmp name found want
	da=$(deb_arch "$arch")
	dir=$(kernel_cache "$arch" "$suite")
	bbdir=$(guest_cache)/$arch
	if [ -n "$suite" ]; then name=debian:$suite; else name="the release's own suite"; fi
	if [ $check = 1 ]; then
		cache_complete "$dir" "$arch" && [ -x "$bbdir/busybox" ] && return 0
		echo "setup.sh: no guest kernel for $arch ($name) in $dir" >&2; return 1
	fi
	need apt-get; need apt-cache; need dpkg-deb; need depmod; need xz
	ensure_foreign_arch "$da"
	case $suite in "$(release_codename)-backports") [ -n "$(release_codename)" ] && ensure_backports_source "$suite" "the $suite kernel" ;; esac
	# linux-image-<arch> in the suite depends on linux-image-<abi>-<arch>: that names the ABI.
	found=$(debian_kernel "$arch" "${suite:-$(release_codename)}" || true)
	if [ -z "$found" ] && [ -z "$suite" ]; then
		# no codename, or sources that name the release otherwise: apt's candidate
		abi=$(apt-cache depends "linux-image-$da:$da" 2>/dev/null | sed -n "s/^ *Depends: linux-image-\(.*\)-$da\(:$da\)\{0,1\}\$/\1/p" | head -1)
		[ -n "$abi" ] && found="? $abi"
	fi
	if [ -z "$found" ]; then
		[ -n "$suite" ] && die "setup.sh: apt knows no linux-image-$da in suite $suite (nor $suite-security, $suite-updates): name a suite of apt's sources (apt-cache policy lists them), or run apt-get update"
		die "setup.sh: apt-cache depends linux-image-$da names no kernel: run apt-get update"
	fi
	read -r ver abi <<< "$found"
	want="$GUEST_MODULES $(virt_modules "$arch")"
	if [ -s "$dir/abi" ] && [ "$(cat "$dir/abi")" = "$abi-$da" ] && [ -x "$bbdir/busybox" ] && cache_complete "$dir" "$arch"; then
		echo "guest $arch: kernel $abi-$da ($name) already in $dir"
		return 0
	fi
	echo "guest $arch: fetching linux-image-$abi-$da-unsigned ($name, $ver) and busybox-static:$da into $dir"
	mkdir -p "$dir" "$bbdir" || die "setup.sh: cannot create $dir"
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
	# shellcheck disable=SC2086
	copy_modules "$tmp/k/lib/modules/$kabi" "$dir/kernel.new/modules/lib/modules/$kabi" $want ||
		die "setup.sh: $kabi lacks modules a guest needs ($want)"
	cp "$tmp/k/boot/config-$kabi" "$dir/kernel.new/config"
	case $arch in
	x86_64) extract_vmlinux "$tmp/k/boot/vmlinuz-$kabi" "$dir/kernel.new/vmlinux" ;;
	aarch64) cp "$tmp/k/boot/vmlinuz-$kabi" "$dir/kernel.new/Image" ;;
	esac
	install -m 755 "$tmp/bb/bin/busybox" "$bbdir/busybox.new" && mv -f "$bbdir/busybox.new" "$bbdir/busybox"
	# swap in place: a guest starting meanwhile finds one kernel directory or the other
	rm -rf "$dir/kernel.old"
	[ -d "$dir/kernel" ] && mv "$dir/kernel" "$dir/kernel.old"
	mv "$dir/kernel.new" "$dir/kernel"
	rm -rf "$dir/kernel.old"
	echo "$kabi" > "$dir/abi"
	echo "guest $arch: kernel $kabi ($name) ready in $dir"
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

# ensure_backports_source SUITE WHAT: apt has a source for SUITE (<codename>-backports); if not, add
# /etc/apt/sources.list.d/wcbench-backports.sources with the mirror and keyring of the release's
# own source (as root) and update apt's lists. WHAT says what it is for.
ensure_backports_source() {
	local suite=$1 what=$2 src uri key
	backports_configured "$suite" && return 0
	[ "$(id -u)" = 0 ] || die "setup.sh: $what needs apt's $suite source, which is missing: run guest/setup.sh as root once (it adds /etc/apt/sources.list.d/wcbench-backports.sources)"
	src=$(release_source "${suite%-backports}") || die "setup.sh: no apt source for ${suite%-backports} found to model a $suite source on"
	uri=${src%% *} key=${src#* }
	[ "$key" = "$src" ] && key=
	echo "guest: adding the apt source $suite ($uri${key:+, signed by $key}) for $what"
	{
		echo "Types: deb"
		echo "URIs: $uri"
		echo "Suites: $suite"
		echo "Components: main"
		[ -n "$key" ] && echo "Signed-By: $key"
	} > /etc/apt/sources.list.d/wcbench-backports.sources || die "setup.sh: cannot write the apt source"
	apt-get update -qq || die "setup.sh: apt-get update failed after adding $suite"
}

# backports_version PACKAGE SUITE: the version SUITE offers, or nothing
backports_version() {
	apt-cache madison "$1" 2>/dev/null | awk -F'|' -v s="$2" '$3 ~ (" " s "/") { v = $2; gsub(/[ \t]/, "", v); print v; exit }'
}

setup_qemu() {
	local sys major codename suite ver dir tmp lib missing have p
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
	codename=$(release_codename)
	[ -n "$codename" ] || die "setup.sh: no VERSION_CODENAME in /etc/os-release: cannot name the backports suite for a newer QEMU"
	suite=$codename-backports
	ensure_backports_source "$suite" "QEMU >= $QEMU_FAULTS_MIN_MAJOR (QEMU ${major:-?} raises no Device alignment faults)"
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
	for s in "${suites[@]}"; do setup_arch "$a" "$s" || rc=1; done
	if [ "$a" = aarch64 ]; then setup_qemu || rc=1; fi
done
exit $rc
