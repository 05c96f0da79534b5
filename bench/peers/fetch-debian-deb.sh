#!/usr/bin/env bash
# Fetches one binary package of one suite of the Debian archive (main) and installs it, believing
# nothing it downloads until the chain from the keyring to the .deb checks out:
#   InRelease    one clear-signed message; gpgv finds at least one good signature by a key of the
#                keyring and no bad one (signatures by keys the keyring lacks are passed over, as
#                apt does); every good signature is made with a SHA-2 (or SHA-3) hash, not MD5,
#                SHA-1 or RIPEMD-160; only the text under the signature is read from then on, its
#                Codename or Suite must be the suite asked for, and its Valid-Until, where it has
#                one, must not have passed
#   Packages.xz  the size and SHA256 that Release lists for main/binary-ARCH/Packages.xz (fetched
#                by hash when Release says Acquire-By-Hash, so an archive update in between
#                cannot swap it)
#   the .deb     exactly one stanza of the package for ARCH (or all) there; its Filename (a plain
#                path under pool/), Size and SHA256; then its own control fields must name the
#                same package, version and architecture
# Any mismatch is refused with what did not match (exit 1) and nothing is installed.
#
# Usage: bench/peers/fetch-debian-deb.sh [--download-only DIR] SUITE PACKAGE
#   installs the verified .deb with apt-get (as root, else through sudo), which takes its
#   Depends from this system's own sources; --download-only DIR leaves it in DIR and prints its
#   path instead. `./setup.sh peers` runs it for tinymembench from trixie.
# Environment: DEBIAN_MIRROR (default https://deb.debian.org/debian; http:// and file:// work
#   too: everything is checked against the keyring), DEBIAN_KEYRING (default
#   /usr/share/keyrings/debian-archive-keyring.gpg; any keyring gpgv reads, e.g. a test's own
#   throwaway key), DEB_ARCH (default dpkg --print-architecture).
# Exit: 0 done, 1 refused or failed, 2 usage.
set -eu
mirror=${DEBIAN_MIRROR:-https://deb.debian.org/debian}
keyring=${DEBIAN_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}
download_only=""

say() { printf 'fetch-debian-deb: %s\n' "$*" >&2; }
refuse() { say "refused: $*"; exit 1; }
usage() { say "usage: $0 [--download-only DIR] SUITE PACKAGE"; exit 2; }

if [ "${1:-}" = --download-only ]; then
	[ $# -ge 2 ] || usage
	download_only=$2
	shift 2
fi
[ $# -eq 2 ] || usage
suite=$1 package=$2
# names go into URLs and file names: Debian's own character sets only
[[ "$suite" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || { say "not a suite name: $suite"; exit 2; }
[[ "$package" =~ ^[a-z0-9][a-z0-9+.-]+$ ]] || { say "not a package name: $package"; exit 2; }
arch=${DEB_ARCH:-$(dpkg --print-architecture 2>/dev/null || true)}
[[ "$arch" =~ ^[a-z0-9-]+$ ]] || { say "no architecture (dpkg --print-architecture, or DEB_ARCH)"; exit 2; }
for tool in curl gpgv xz sha256sum dpkg-deb; do
	command -v "$tool" >/dev/null || { say "$tool not found"; exit 1; }
done
[ -r "$keyring" ] || { say "keyring $keyring not readable (Debian's debian-archive-keyring)"; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fetch-debian-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

# get PATH MAXBYTES FILE: PATH under the mirror into FILE, at most MAXBYTES long
get() {
	curl -fsS --proto '=https,http,file' --max-filesize "$2" -o "$3" "$mirror/$1" ||
		{ say "could not download $mirror/$1"; exit 1; }
	[ "$(stat -c %s "$3")" -le "$2" ] || refuse "$1 is larger than $2 bytes"
}
# check_file FILE SIZE SHA256 WHAT: FILE has that size and hash
check_file() {
	local size sum
	size=$(stat -c %s "$1")
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$size" = "$2" ] || refuse "$4: $size bytes, the signed index says $2"
	[ "$sum" = "$3" ] || refuse "$4: SHA256 $sum, the signed index says $3"
}

# 1. InRelease: the signature, then only the signed text
dists=dists/$suite
get "$dists/InRelease" $((16 << 20)) "$work/InRelease"
# one clear-signed message and nothing around it: text outside the signature would not be covered
awk 'NR == 1 && $0 != "-----BEGIN PGP SIGNED MESSAGE-----" { bad = 1 }
	/^-----BEGIN PGP SIGNED MESSAGE-----$/ { begins++ }
	NF { last = $0 }
	END { exit bad || begins != 1 || last != "-----END PGP SIGNATURE-----" }' "$work/InRelease" ||
	refuse "$dists/InRelease is not one clear-signed message"
gpgv --status-fd 3 --keyring "$keyring" --output "$work/Release" "$work/InRelease" \
	3>"$work/gpgv.status" >"$work/gpgv.log" 2>&1 || true
# GOODSIG: a good signature by a key of the keyring that has not expired and is not revoked;
# ERRSIG with NO_PUBKEY: made by a key the keyring lacks (passed over); any other ERRSIG or a
# BADSIG: refused
if ! awk '$1 == "[GNUPG:]" { n[$2]++ }
	END { exit !(n["GOODSIG"] >= 1 && !n["BADSIG"] && n["ERRSIG"] + 0 == n["NO_PUBKEY"] + 0 &&
		!n["EXPKEYSIG"] && !n["REVKEYSIG"] && !n["EXPSIG"]) }' "$work/gpgv.status" ||
	[ ! -s "$work/Release" ]; then
	refuse "$dists/InRelease has no good signature by a key of $keyring: $(grep -E 'Good|BAD|Can.t|key' "$work/gpgv.log" | tr '\n' ' ')"
fi
# The hash each good signature was made with: VALIDSIG's 8th field after the fingerprint (gpg's
# doc/DETAILS), an RFC 4880 9.4 / RFC 9580 9.5 number. apt refuses SHA-1 signatures on archive
# files since 2.7 (2024: gpgv's and sqv's weak-hash policy, apt-secure(8)); MD5 and RIPEMD-160
# are weaker still. Only SHA-2 (8 SHA256, 9 SHA384, 10 SHA512, 11 SHA224) and SHA-3 (12, 14)
# pass; a gpgv that accepts SHA-1 itself (GnuPG 2.2 does for data signatures) is not relied on.
weak_hash=$(awk '$1 == "[GNUPG:]" && $2 == "VALIDSIG" { n++; if ($10 !~ /^(8|9|10|11|12|14)$/) { print $10; exit } }
	END { if (!n) print "none" }' "$work/gpgv.status")
if [ -n "$weak_hash" ]; then
	case $weak_hash in
	1) weak_hash=MD5 ;; 2) weak_hash=SHA-1 ;; 3) weak_hash=RIPEMD-160 ;;
	none) weak_hash="no hash gpgv named" ;; *) weak_hash="hash algorithm $weak_hash" ;;
	esac
	refuse "$dists/InRelease is signed with $weak_hash, which apt refuses: only SHA-2 or SHA-3 signatures are believed"
fi
say "$dists/InRelease: $(grep -o 'Good signature from "[^"]*"' "$work/gpgv.log" | paste -sd';' | sed 's/;/; /g')"
awk -v s="$suite" '/^(Suite|Codename): / && $2 == s { ok = 1 } /^$/ { exit } END { exit !ok }' "$work/Release" ||
	refuse "the signed Release is for $(grep -E '^(Suite|Codename): ' "$work/Release" | paste -sd' '), not $suite"

# Valid-Until: a signature does not age, so a mirror could serve an old signed Release (and the old
# packages it lists) for ever; apt refuses one whose Valid-Until has passed (apt.conf(5)
# Acquire::Check-Valid-Until, on by default; apt-secure(8)), and so does this. A Release without
# one is taken, as apt takes it: Debian's stable suites carry none (their Release changes only at
# point releases; bookworm's and bookworm-updates' have no Valid-Until, while -security and
# -backports do), so requiring it would refuse the real trixie archive. An unreadable date is
# refused, as apt refuses one ("Invalid 'Valid-Until' entry").
valid_until=$(awk '/^$/ { exit }
	tolower($0) ~ /^valid-until:/ { n++; v = substr($0, 13); sub(/^[ \t]+/, "", v); sub(/[ \t\r]+$/, "", v) }
	END { if (n > 1) exit 1; print v }' "$work/Release") ||
	refuse "$dists/InRelease has more than one Valid-Until"
if [ -n "$valid_until" ]; then
	# RFC 2822 (as apt writes and reads it): [Day, ]DD Mon YYYY HH:MM:SS UTC (or GMT, +0000)
	months=(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec)
	re='^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) ([A-Z][a-z]{2}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) (UTC|GMT|[+-]0000)$'
	[[ "$valid_until" =~ $re ]] || refuse "$dists/InRelease: Valid-Until '$valid_until' is not an RFC 2822 date in UTC"
	day=${BASH_REMATCH[3]} mon=${BASH_REMATCH[4]} year=${BASH_REMATCH[5]}
	hms="${BASH_REMATCH[6]}:${BASH_REMATCH[7]}:${BASH_REMATCH[8]}"
	mon_num=0
	for i in "${!months[@]}"; do [ "${months[$i]}" != "$mon" ] || mon_num=$((i + 1)); done
	# date -d also refuses what the pattern lets by (31 Feb, 25:00:00)
	until_s=$([ "$mon_num" -gt 0 ] && date -u -d "$year-$mon_num-$((10#$day)) $hms" +%s 2>/dev/null) ||
		refuse "$dists/InRelease: Valid-Until '$valid_until' is not a date"
	now_s=$(date -u +%s)
	[ "$until_s" -gt "$now_s" ] ||
		refuse "$dists/InRelease: Valid-Until $valid_until has passed (now $(date -u '+%F %T') UTC): an old signed Release, replayed or from a stale mirror"
else
	say "$dists/InRelease: no Valid-Until (Debian's stable suites have none); taken, as apt takes it"
fi

# 2. Packages.xz: size and SHA256 from the signed Release
index=main/binary-$arch/Packages.xz
index_line=$(awk -v p="$index" '
	/^[^ ]/ { in_sha = ($0 == "SHA256:"); next }
	in_sha && NF == 3 && $3 == p { if (length($1) == 64 && $1 !~ /[^0-9a-f]/ && $2 ~ /^[0-9]+$/) { print $1, $2; n++ } else bad = 1 }
	END { exit bad || n != 1 }' "$work/Release") ||
	refuse "the signed Release has no single well-formed SHA256 line for $index"
read -r index_sum index_size <<<"$index_line"
if awk '/^Acquire-By-Hash: yes$/ { y = 1 } /^$/ { exit } END { exit !y }' "$work/Release"; then
	get "$dists/main/binary-$arch/by-hash/SHA256/$index_sum" "$index_size" "$work/Packages.xz"
else
	get "$dists/$index" "$index_size" "$work/Packages.xz"
fi
check_file "$work/Packages.xz" "$index_size" "$index_sum" "$dists/$index"
xz -dc "$work/Packages.xz" >"$work/Packages" || refuse "$dists/$index does not decompress"

# 3. the package's stanza: Filename, Size, SHA256, Version
stanza=$(awk -v pkg="$package" -v arch="$arch" '
	function flush() {
		if (f["Package"] == pkg && (f["Architecture"] == arch || f["Architecture"] == "all")) {
			n++; out = f["Filename"] "\t" f["Size"] "\t" f["SHA256"] "\t" f["Version"] "\t" f["Architecture"]
		}
		delete f
	}
	/^$/ { flush(); next }
	/^[A-Za-z0-9-]+: / { c = index($0, ": "); f[substr($0, 1, c - 1)] = substr($0, c + 2) }
	END { flush(); if (n != 1) { print n + 0; exit 1 } print out }' "$work/Packages") ||
	refuse "$dists/$index has $stanza stanzas of $package for $arch, not one"
IFS=$'\t' read -r filename size sum version deb_arch <<<"$stanza"
[[ "$filename" =~ ^pool/[A-Za-z0-9+.~_/-]+\.deb$ && "$filename" != *..* ]] ||
	refuse "$package's Filename is not a plain .deb path under pool/: $filename"
[[ "$size" =~ ^[0-9]+$ && "$sum" =~ ^[0-9a-f]{64}$ ]] || refuse "$package's Size or SHA256 is malformed: '$size' '$sum'"
[[ "$version" =~ ^[A-Za-z0-9.+~:-]+$ ]] || refuse "$package's Version is malformed: $version"

# 4. the .deb
deb=$work/${filename##*/}
get "$filename" "$size" "$deb"
check_file "$deb" "$size" "$sum" "$filename"
control=$(dpkg-deb -f "$deb" Package Version Architecture) || refuse "$filename is not a readable .deb"
[ "$control" = "Package: $package
Version: $version
Architecture: $deb_arch" ] || refuse "$filename's control says $(echo "$control" | tr '\n' ' '), not $package $version $deb_arch"
say "$filename: size and SHA256 as signed"

if [ -n "$download_only" ]; then
	mkdir -p "$download_only"
	cp "$deb" "$download_only/"
	echo "$download_only/${deb##*/}"
	exit 0
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; say "apt-get could not install $filename"; exit 1; }
say "installed $package $version from $suite"
