#!/usr/bin/env bash
# Every command's --help and man page come from its option table: each committed page is what the
# binary prints, renders without warnings, and is installed; `help CMD` is `CMD --help`.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

commands="run check compare report probe plot list guest vm"
"$WCBENCH" --man >"$TMPROOT/wcbench.1"
cmp -s "$TMPROOT/wcbench.1" docs/wcbench.1 && pass "docs/wcbench.1 is what wcbench --man prints" ||
	fail "docs/wcbench.1 is stale" "regenerate it with: wcbench --man >docs/wcbench.1"
for c in $commands; do
	"$WCBENCH" "$c" --man >"$TMPROOT/wcbench-$c.1"
	cmp -s "$TMPROOT/wcbench-$c.1" "docs/wcbench-$c.1" && pass "docs/wcbench-$c.1 is what wcbench $c --man prints" ||
		fail "docs/wcbench-$c.1 is stale" "regenerate it with: wcbench $c --man >docs/wcbench-$c.1"
	grep -qF "wcbench\\-$c" docs/wcbench.1 && pass "docs/wcbench.1 names wcbench-$c(1)" ||
		fail "docs/wcbench.1 names wcbench-$c(1)"
done
if command -v man >/dev/null; then
	for f in docs/wcbench.1 docs/wcbench-*.1; do
		w=$(man --warnings -l "$f" 2>&1 >/dev/null)
		[ -z "$w" ] && pass "man -l $f renders without warnings" || fail "man -l $f renders without warnings" "$w"
	done
else
	skip "man pages render (man is not installed: apt-get install man-db groff-base)"
fi
for c in $commands; do
	[ "$c" = guest ] && continue # guest --help is the launcher's (guest/run): tests/t_guest.sh
	"$WCBENCH" "$c" --help >"$TMPROOT/help" 2>&1 && [ -s "$TMPROOT/help" ] &&
		"$WCBENCH" help "$c" | cmp -s - "$TMPROOT/help" && pass "wcbench help $c is wcbench $c --help" ||
		fail "wcbench help $c is wcbench $c --help"
	"$WCBENCH" "$c" --version | grep -q "^wcbench .*(results schema" && pass "wcbench $c --version" ||
		fail "wcbench $c --version"
done
check_exit "an unknown command is a usage error" 2 "$WCBENCH" bogus
check_exit "an unknown option is a usage error" 2 "$WCBENCH" compare --bogus a b

inst="$TMPROOT/inst"
if make -s -C "$TOP" install PREFIX="$inst" >"$TMPROOT/install.log" 2>&1; then
	ok=1
	for f in docs/wcbench.1 docs/wcbench-*.1; do
		cmp -s "$f" "$inst/share/man/man1/${f#docs/}" || { ok=0; fail "make install installs $f"; }
	done
	[ $ok = 1 ] && pass "make install installs every man page"
else
	fail "make install PREFIX=" "$(tail -3 "$TMPROOT/install.log")"
fi
