#!/usr/bin/env bash
# The verdict formats as other tools read them: the unit tests write JUnit XML, TAP and
# verdict.json made from hostile strings (<, &, ]]>, quotes, newlines, control bytes, '#') into
# WCBENCH_UNIT_ARTIFACTS; xmllint must accept the XML with the counts it declares, prove and
# TAP::Parser the TAP with no line broken by data, a standard JSON parser the verdict.json, whose
# every field bench/check/SCHEMA.md documents. Packages: tests/deps/check.txt.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
UNIT=${UNIT_TESTS:-$TOP/build/$(uname -m)/unit_tests}
A=$TMPROOT/art
mkdir -p "$A"

if [ ! -x "$UNIT" ]; then
	fail "unit tests leave the verdict formats in WCBENCH_UNIT_ARTIFACTS" "$UNIT is missing (make test-programs)"
	exit 1
fi
WCBENCH_UNIT_ARTIFACTS=$A "$UNIT" >"$TMPROOT/unit.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ -s "$A/junit.xml" ] && [ -s "$A/tap.txt" ] && [ -s "$A/verdict.json" ] && [ -s "$A/expect.txt" ]; then
	pass "unit tests leave junit.xml, tap.txt, verdict.json in WCBENCH_UNIT_ARTIFACTS"
else
	fail "unit tests leave junit.xml, tap.txt, verdict.json in WCBENCH_UNIT_ARTIFACTS" \
		"exit $rc: $(grep '^not ok' "$TMPROOT/unit.out" | head -3 | tr '\n' ' ')"
fi
# the counts the unit test made its verdicts with: tests=N failures=F skipped=S
read -r tests failures skipped < <(sed 's/[a-z]*=//g' "$A/expect.txt" 2>/dev/null)
tests=${tests:-0} failures=${failures:-0} skipped=${skipped:-0}

# --- JUnit XML ---
X=$A/junit.xml
if ! command -v xmllint >/dev/null; then
	missing "junit.xml is well-formed XML (xmllint)" "xmllint is missing (apt-get install libxml2-utils)"
else
	check "junit.xml is well-formed XML (xmllint --noout)" xmllint --noout "$X"
	xp() { xmllint --xpath "$1" "$X" 2>/dev/null; }
	got="$(xp 'count(/testsuite)') $(xp 'string(/testsuite/@name)') $(xp 'count(//testcase)') $(xp 'string(/testsuite/@tests)')"
	[ "$got" = "1 wcbench check $tests $tests" ] && pass "junit: one testsuite 'wcbench check', $tests testcases as its tests attribute says" ||
		fail "junit: one testsuite 'wcbench check', $tests testcases as its tests attribute says" "got '$got'"
	got="$(xp 'count(//testcase/failure)') $(xp 'string(/testsuite/@failures)') $(xp 'count(//testcase/skipped)') $(xp 'string(/testsuite/@skipped)')"
	[ "$got" = "$failures $failures $skipped $skipped" ] && pass "junit: $failures failures (broken, degraded) and $skipped skipped (unknown), as declared" ||
		fail "junit: failures and skipped as declared" "got '$got', want '$failures $failures $skipped $skipped'"
	got=$(xp 'count(//testcase[@classname="wcbench.check"])')
	[ "$got" = "$tests" ] && pass "junit: every testcase has classname wcbench.check" || fail "junit: every testcase has classname wcbench.check" "$got"
	# the hostile name comes back out of the XML as it went in (markup, ]]>, quotes, a line break)
	name=$(xp 'string(//testcase[2]/@name)')
	case "$name" in
	*'<b>&amp; ]]> "q" '"'a' # SKIP x"$'\n''not ok 99 injected'*) pass "junit: a name with <, &, ]]>, quotes and a newline reads back unchanged" ;;
	*) fail "junit: a name with <, &, ]]>, quotes and a newline reads back unchanged" "'$name'" ;;
	esac
	msg=$(xp 'string(//testcase[2]/failure/@message)')
	case "$msg" in
	'broken (rule '*'rule with ]]> and <tag> & "q"'*) pass "junit: failure message says the verdict and rule, escaped" ;;
	*) fail "junit: failure message says the verdict and rule, escaped" "'$msg'" ;;
	esac
fi

# --- TAP ---
T=$A/tap.txt
bad_lines=$(grep -cvE '^(TAP version 13|1\.\.[0-9]+|(not )?ok [0-9]+ .*|#( .*)?)$' "$T")
nres=$(grep -cE '^(not )?ok [0-9]+ ' "$T")
[ "$bad_lines" = 0 ] && [ "$nres" = "$tests" ] && [ "$(head -2 "$T" | tr '\n' ' ')" = "TAP version 13 1..$tests " ] &&
	pass "tap: version line, plan, $tests result lines, every other line a '# ' diagnostic (no line broken by data)" ||
	fail "tap: no line broken by data" "$bad_lines odd lines, $nres result lines: $(grep -vE '^(TAP version 13|1\.\.[0-9]+|(not )?ok [0-9]+ .*|#( .*)?)$' "$T" | head -2)"
if ! command -v prove >/dev/null || ! perl -MTAP::Parser -e 1 2>/dev/null; then
	missing "tap: prove and TAP::Parser read it" "prove / TAP::Parser (perl) is missing"
else
	# TAP::Parser: no parse error, and exactly the results the verdicts give
	got=$(perl -MTAP::Parser -e '
		local $/; open my $f, "<", $ARGV[0] or die "$ARGV[0]: $!";
		my $p = TAP::Parser->new({ tap => scalar <$f> });
		while (defined(my $r = $p->next)) {}
		my @e = $p->parse_errors;
		printf "%d %d %d %d %d %d\n", $p->version, $p->tests_planned, $p->tests_run,
			scalar($p->failed), scalar($p->skipped), scalar(@e);
		print STDERR "$_\n" for @e;' "$T" 2>"$TMPROOT/tap.err")
	[ "$got" = "13 $tests $tests $failures $skipped 0" ] &&
		pass "tap: TAP::Parser reads version 13, $tests planned and run, $failures failed, $skipped skipped, no parse error" ||
		fail "tap: TAP::Parser reads it as the verdicts say" "got '$got' want '13 $tests $tests $failures $skipped 0': $(head -2 "$TMPROOT/tap.err")"
	prove -e cat "$T" >"$TMPROOT/prove.out" 2>&1
	if grep -q "Tests=$tests," "$TMPROOT/prove.out" && grep -q "Failed: $failures)" "$TMPROOT/prove.out" &&
		! grep -qi 'parse error' "$TMPROOT/prove.out"; then
		pass "tap: prove accepts it ($tests tests, $failures failed, no parse error)"
	else
		fail "tap: prove accepts it" "$(tail -4 "$TMPROOT/prove.out" | tr '\n' ' ')"
	fi
fi

# --- text ---
heads=$(grep -vc '^ ' "$A/text.txt")
[ "$heads" = "$tests" ] && ! LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$A/text.txt" &&
	pass "text: one line per target, the rest indented, no control character" ||
	fail "text: one line per target, the rest indented, no control character" "$heads head lines"

# --- verdict.json: a standard parser reads it; bench/check/SCHEMA.md documents every field ---
if ! perl -MJSON::PP -e 1 2>/dev/null; then
	missing "verdict.json: JSON::PP reads it" "perl JSON::PP is missing"
else
	keys=$(perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or die; my $d = JSON::PP->new->utf8->decode(<$f>);
		my %k; my $walk; $walk = sub { my $x = shift;
			if (ref $x eq "HASH") { for (keys %$x) { $k{$_} = 1; $walk->($x->{$_}) } }
			elsif (ref $x eq "ARRAY") { $walk->($_) for @$x } };
		$walk->($d); print "$_\n" for sort keys %k;
		print STDERR "targets: ", scalar @{$d->{targets}}, "\n";' "$A/verdict.json" 2>"$TMPROOT/json.err")
	[ -n "$keys" ] && grep -q "^targets: $tests\$" "$TMPROOT/json.err" &&
		pass "verdict.json: JSON::PP reads it, $tests targets" || fail "verdict.json: JSON::PP reads it" "$(head -2 "$TMPROOT/json.err")"
	S=bench/check/SCHEMA.md
	documented=$(grep -oE '^\| `[a-z0-9_]+`' "$S" | sed 's/^| `//; s/`$//' | sort -u)
	undocumented=$(comm -23 <(echo "$keys") <(echo "$documented") | tr '\n' ' ')
	unwritten=$(comm -13 <(echo "$keys") <(echo "$documented") | tr '\n' ' ')
	[ -n "$documented" ] && [ -z "$undocumented" ] && [ -z "$unwritten" ] &&
		pass "SCHEMA.md documents every field verdict.json has, and no other" ||
		fail "SCHEMA.md documents every field verdict.json has, and no other" "undocumented: '$undocumented' not written: '$unwritten'"
fi
