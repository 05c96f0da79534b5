# Shared helpers for tests/t_*.sh. Each check prints "ok - NAME" or "not ok - NAME: why";
# tests/run_all.sh counts those lines.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WCBENCH=${WCBENCH:-$TOP/wcbench}
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/wcbench-test.XXXXXX")
trap 'rm -rf "$TMPROOT"' EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1${2:+: $2}"; }
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
