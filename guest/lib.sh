# Helpers shared by guest/setup.sh, guest/run and guest/mkinitramfs.sh (bash, sourced).

die() { echo "$*" >&2; exit 1; }

guest_cache() { echo "${WCBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wcbench}/guest"; }

deb_arch() { # x86_64|aarch64 -> amd64|arm64
	case $1 in x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) return 1 ;; esac
}

kernel_file() { # the file QEMU boots for that arch
	case $1 in x86_64) echo vmlinux ;; aarch64) echo Image ;; esac
}

# Modules a guest loads (their dependencies come from modules.dep). The cache holds both sets;
# a guest with --virt also gets the KVM ones (arm64: KVM is built in, nothing to load; x86: the
# guest loads the vendor module its CPU flags ask for).
GUEST_MODULES="vfio-pci vfio_iommu_type1"
virt_modules() { # arch
	case $1 in x86_64) echo "kvm_amd kvm_intel" ;; aarch64) echo kvm ;; esac
}

# --- Debian kernels by suite ------------------------------------------------------------------------
# `debian:SUITE` names the kernel that apt's SUITE offers (linux-image-<arch> there, with SUITE's
# -security and -updates, whichever is newest). The release's own suite lives in the cache as it
# always did ($CACHE/<arch>/{abi,kernel}); every other suite in $CACHE/<arch>/suites/SUITE/.

release_codename() { (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}"); }

suite_valid() { [[ $1 =~ ^[a-z][a-z0-9.+-]{0,40}$ ]]; }

# kernel_cache ARCH [SUITE]: the directory that holds SUITE's kernel (default: the release's own)
kernel_cache() {
	local rel
	rel=$(release_codename)
	if [ -z "${2:-}" ] || [ "$2" = "$rel" ]; then echo "$(guest_cache)/$1"
	else echo "$(guest_cache)/$1/suites/$2"; fi
}

# debian_kernel ARCH SUITE: "VERSION ABI" of linux-image-<arch> in SUITE (or SUITE-security,
# SUITE-updates: the newest), ABI as in linux-image-ABI-<arch>, e.g. "6.1.192-2 6.1.0-56";
# nothing (status 1) when apt knows none there. The suite is always named: apt may know newer ones.
debian_kernel() {
	local da ver abi best= bestabi=
	da=$(deb_arch "$1") || return 1
	# one apt-cache call (each one reads every package list: a second or two)
	while read -r ver abi; do
		if [ -z "$best" ] || dpkg --compare-versions "$ver" gt "$best"; then best=$ver bestabi=$abi; fi
	done < <(apt-cache show --no-all-versions "linux-image-$da:$da/$2" "linux-image-$da:$da/$2-security" \
			"linux-image-$da:$da/$2-updates" 2>/dev/null | awk -v da="$da" '
		/^Package:/ { v = ""; a = "" }
		/^Version:/ { v = $2 }
		/^Depends:/ { n = split(substr($0, 10), d, /[,|]/)
			for (i = 1; i <= n; i++) { p = d[i]; sub(/^ +/, "", p); sub(/ .*/, "", p); sub(/:.*/, "", p)
				if (p ~ ("^linux-image-.*-" da "$")) { a = substr(p, 13, length(p) - 12 - length(da) - 1); break } } }
		/^$/ { if (v != "" && a != "") print v, a; v = ""; a = "" }
		END { if (v != "" && a != "") print v, a }')
	[ -n "$best" ] && echo "$best $bestabi"
}

# cache_complete DIR ARCH: DIR holds a kernel, its ABI and every module a guest may load
cache_complete() {
	local d=$1 abi
	[ -s "$d/abi" ] && [ -s "$d/kernel/$(kernel_file "$2")" ] || return 1
	abi=$(cat "$d/abi")
	# shellcheck disable=SC2046,SC2086
	module_closure "$d/kernel/modules/lib/modules/$abi" $GUEST_MODULES $(virt_modules "$2") >/dev/null 2>&1
}

# extract_vmlinux BZIMAGE OUT: the decompressed ELF vmlinux inside an x86 bzImage (xz, gzip or
# zstd payload), so that QEMU can boot it through PVH (about twice as fast as a bzImage).
extract_vmlinux() {
	local in=$1 out=$2 off magic tool
	for magic in '\xfd7zXZ\x00:xz -dc --single-stream' '\x28\xb5\x2f\xfd:zstd -dcq' '\x1f\x8b\x08:gzip -dcq'; do
		tool=${magic#*:}
		command -v "${tool%% *}" >/dev/null 2>&1 || continue
		for off in $(LC_ALL=C grep -obUaP "${magic%%:*}" "$in" 2>/dev/null | cut -d: -f1 | head -5); do
			tail -c +$((off + 1)) "$in" | $tool > "$out.tmp" 2>/dev/null || true
			if [ "$(head -c 4 "$out.tmp" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done
	done
	rm -f "$out.tmp"
	echo "cannot find a compressed ELF vmlinux inside $in" >&2
	return 1
}

# mod_name PATH -> module name with '-' as '_', no .ko[.xz|.zst|.gz]
mod_name() { local b=${1##*/}; b=${b%%.ko*}; echo "${b//-/_}"; }

# module_closure MODDIR NAME...: the .ko paths (relative to MODDIR, as in modules.dep) of NAME and
# everything it depends on, in load order (dependencies first). Built-in modules are skipped;
# a module that is neither built in nor in modules.dep is an error.
module_closure() {
	local dir=$1; shift
	[ -s "$dir/modules.dep" ] || { echo "no modules.dep in $dir (run depmod)" >&2; return 1; }
	awk -v want="$*" -v builtin="$dir/modules.builtin" '
	function norm(p,  b) { b = p; sub(/.*\//, "", b); sub(/\.ko.*$/, "", b); gsub(/-/, "_", b); return b }
	BEGIN {
		n = split(want, w, " ")
		while ((getline line < builtin) > 0) isbuiltin[norm(line)] = 1
	}
	{
		path = $1; sub(/:$/, "", path)
		name = norm(path); file[name] = path
		deps[name] = ""
		for (i = NF; i >= 2; i--) deps[name] = deps[name] " " $i   # modprobe loads the last first
	}
	END {
		for (k = 1; k <= n; k++) {
			m = w[k]; gsub(/-/, "_", m)
			if (!(m in file)) {
				if (m in isbuiltin) continue
				print "module " w[k] " is neither built in nor in modules.dep" > "/dev/stderr"; bad = 1; continue
			}
			c = split(deps[m], d, " ")
			for (i = 1; i <= c; i++) if (!(d[i] in seen)) { seen[d[i]] = 1; print d[i] }
			if (!(file[m] in seen)) { seen[file[m]] = 1; print file[m] }
		}
		exit bad
	}' "$dir/modules.dep"
}

# copy_modules SRC DST NAME...: copy the closure of NAME from SRC (a lib/modules/<ver> directory)
# to DST, decompressing .ko.xz/.ko.zst/.ko.gz, and write DST/modules.dep (plain .ko names) and
# DST/modules.load (the load order).
copy_modules() {
	local src=$1 dst=$2; shift 2
	local list rel out
	list=$(module_closure "$src" "$@") || return 1
	mkdir -p "$dst"
	: > "$dst/modules.load"
	for rel in $list; do
		out=$dst/${rel%%.ko*}.ko
		mkdir -p "${out%/*}"
		case $rel in
		*.ko) cp "$src/$rel" "$out" ;;
		*.ko.xz) xz -dc "$src/$rel" > "$out" ;;
		*.ko.zst) zstd -dcq "$src/$rel" > "$out" ;;
		*.ko.gz) gzip -dc "$src/$rel" > "$out" ;;
		*) echo "unknown module file $rel" >&2; return 1 ;;
		esac
		echo "${rel%%.ko*}.ko" >> "$dst/modules.load"
	done
	# modules.dep of the copy: the source lines of the copied modules, without compression suffixes
	awk -v keep="$list" 'BEGIN { n = split(keep, k, " "); for (i = 1; i <= n; i++) want[k[i]":"] = 1 }
		($1 in want) { print }' "$src/modules.dep" | sed -E 's/\.ko\.(xz|zst|gz)/.ko/g' > "$dst/modules.dep"
	for f in modules.builtin modules.order; do [ -f "$src/$f" ] && cp "$src/$f" "$dst/"; done
	return 0
}

# QEMU for aarch64 guests. TCG raises the architectural alignment fault for an unaligned access to
# Device memory only from QEMU 9.0 on; the memory-type probe depends on it (older: Normal everywhere).
QEMU_FAULTS_MIN_MAJOR=9

qemu_cache() { echo "$(guest_cache)/qemu"; }

# qemu_major BINARY: its major version (7, 10), or nothing
qemu_major() { "$1" --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([0-9][0-9]*\)\..*/\1/p'; }

# qemu_prefix BINARY: PREFIX when BINARY is PREFIX/usr/bin/qemu-system-* of an unpacked package
# (not the system's): such a copy looks for its ROMs and modules in the system paths unless told
# (-L PREFIX/usr/share/qemu, QEMU_MODULE_DIR)
qemu_prefix() {
	local bin dir
	bin=$(readlink -f "$1" 2>/dev/null) || return 1
	dir=${bin%/usr/bin/*}
	[ "$dir" != "$bin" ] && [ -n "$dir" ] && [ -d "$dir/usr/share/qemu" ] && echo "$dir"
}

# qemu_module_dir PREFIX: PREFIX/usr/lib/<multiarch>/qemu
qemu_module_dir() {
	local d
	for d in "$1"/usr/lib/*/qemu; do [ -d "$d" ] && echo "$d" && return 0; done
	return 1
}
