# Shared helpers for tests/t_*.sh. Each check prints "ok - NAME", "not ok - NAME: why" or
# "skip - NAME: why";
# tests/run_all.sh counts those lines.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WCBENCH=${WCBENCH:-$TOP/wcbench}
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-test.XXXXXX")
trap 'rm -rf "$TMPROOT"' EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1${2:+: $2}"; }
# skip NAME WHY: a check that cannot run here (its tool is missing); counted apart, never as passed
skip() { echo "skip - $1${2:+: $2}"; }
# missing NAME WHY: a tool or cache the check needs is not here: a skip, except under CI ($CI set),
# which runs ./setup.sh test first: there it should exist, so its absence is a failure, not unseen
missing() {
	if [ -n "${CI:-}" ] && [ "${CI:-}" != false ]; then fail "$1" "$2 (CI ran ./setup.sh test, which should provide it)"
	else skip "$1" "$2"; fi
}
# col FILE NAME: a CSV column's values by header name, one per line (no quoted commas there)
col() { awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i; next } { print $c }' "$1"; }
# cols FILE NAME...: the named CSV columns of each row, joined by '|' (RFC 4180 quotes understood)
cols() {
	local f=$1; shift
	awk -v want="$*" '
	function split_csv(line, out,   n, i, c, q, f) {
		n = 0; f = ""; q = 0
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (q) { if (c == "\"") { if (substr(line, i + 1, 1) == "\"") { f = f c; i++ } else q = 0 } else f = f c }
			else if (c == "\"") q = 1
			else if (c == ",") { out[++n] = f; f = "" }
			else f = f c
		}
		out[++n] = f
		return n
	}
	BEGIN { nw = split(want, w, " ") }
	{ sub(/\r$/, ""); n = split_csv($0, v) }
	NR == 1 { for (i = 1; i <= n; i++) idx[v[i]] = i; next }
	{ o = ""; for (k = 1; k <= nw; k++) o = o (k > 1 ? "|" : "") ((w[k] in idx) ? v[idx[w[k]]] : "?"); print o }' "$f"
}
# is_png FILE: has the PNG signature; png_size FILE: WxH from the IHDR chunk
is_png() { [ "$(od -An -tx1 -N8 "$1" 2>/dev/null | tr -d ' ')" = 89504e470d0a1a0a ]; }
png_size() {
	local w h
	w=$(od -An -tu1 -j16 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	h=$(od -An -tu1 -j20 -N4 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	echo "${w}x${h}"
}
# check NAME COMMAND...: passes when COMMAND exits 0
check() {
	local name=$1; shift
	if "$@" >"$TMPROOT/check.out" 2>&1; then pass "$name"; else fail "$name" "$(tail -3 "$TMPROOT/check.out" | tr '\n' ' ')"; fi
}
# check_exit NAME CODE COMMAND...: passes when COMMAND exits with CODE
check_exit() {
	local name=$1 want=$2; shift 2
	"$@" >"$TMPROOT/check.out" 2>&1
	local got=$?
	if [ "$got" -eq "$want" ]; then pass "$name"; else fail "$name" "exit $got, want $want: $(tail -2 "$TMPROOT/check.out" | tr '\n' ' ')"; fi
}
