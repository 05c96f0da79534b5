#!/bin/sh
# Installs what wcbench needs on Debian: `./setup.sh` for building and running,
# `./setup.sh test` for the test suite too (cross compiler, qemu, guest kernels, chromium),
# `./setup.sh peers` for `make bench-peers` (the peer tools it compares wcbench with).
set -eu
cd "$(dirname "$0")"
what=${1:-run}
case "$what" in
run) lists="tests/deps/run.txt" ;;
test) lists=$(ls tests/deps/*.txt) ;;
peers) lists="tests/deps/run.txt bench/peers/deps.txt" ;;
*) echo "usage: ./setup.sh [run|test|peers]" >&2; exit 2 ;;
esac
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
pkgs=$(cat $lists | sed 's/#.*//' | tr -s ' \n' '\n' | sort -u | tr '\n' ' ')
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# Test guests need kernels and busybox for both arches, and aarch64 guests a QEMU >= 9 from the
# release's backports beside the system's (downloaded .debs, unpacked into a cache; see docs/guest.md).
# The nested-KVM guests (aarch64 at EL2) boot two Debian host kernels: 6.1 and 6.12.
if [ "$what" = test ] && [ -x guest/setup.sh ]; then
	guest/setup.sh
	guest/setup.sh --arch aarch64 --kernel debian:bookworm --kernel debian:bookworm-backports ||
		echo "setup: the nested-KVM guests' kernels (debian:bookworm, debian:bookworm-backports) are missing: their tests will say so" >&2
fi
# tinymembench (a peer) comes from trixie, whose libc needs are met here: fetched with the
# signature chain from the archive keyring to the .deb checked (bench/peers/fetch-debian-deb.sh)
if [ "$what" = peers ] && ! dpkg-query -W -f='${Status}' tinymembench 2>/dev/null | grep -q 'install ok installed'; then
	echo "setup: installing tinymembench from Debian trixie"
	bench/peers/fetch-debian-deb.sh trixie tinymembench
fi
echo "setup: ready ($what)"
