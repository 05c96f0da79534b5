#!/usr/bin/env bash
# Writers into a results directory: no write through a planted link or into a file with other
# hard links (each refusal one line naming the file and why); what killed writers leave is swept
# by the next; gnuplot ends with plot and is killed when too slow; a full disk leaves no partial
# figure; plotting many rows is linear and says what it left out.
source "$(dirname "$0")/lib.sh"
cd "$TOP"
FX=tests/fixtures/report/x86-host/results.csv
have_gnuplot=1
command -v gnuplot >/dev/null || have_gnuplot=0
TINY=(run --no-plot -k mov_8 -b none -s 64 -w 0:64K --time 0.05)
victim=$TMPROOT/victim
mkvictim() { printf 'victim, not to be written\n' >"$victim"; }
victim_intact() { [ "$(cat "$victim")" = "victim, not to be written" ] && [ "$(stat -c %h "$victim")" -le 2 ]; }

# plant DIR NAME KIND: DIR/NAME a symbolic link or a hard link to the victim
plant() {
	mkvictim
	rm -f "$1/$2"
	if [ "$3" = sym ]; then ln -s "$victim" "$1/$2"; else ln "$victim" "$1/$2"; fi
}
why_of() { [ "$1" = sym ] && echo "symbolic link" || echo "hard links"; }

# run --out DIR with each of its files planted
for name in results.csv metadata.json gnuplot.log barrier_cost.csv gbps_vs_size.png; do
	for kind in sym hard; do
		d=$TMPROOT/run-$name-$kind
		mkdir -p "$d"
		plant "$d" "$name" $kind
		"$WCBENCH" "${TINY[@]}" --out "$d" >/dev/null 2>"$d.err"
		rc=$?
		if [ $rc -eq 2 ] && victim_intact && [ "$(wc -l <"$d.err")" -eq 1 ] &&
			grep -q "$name: .*$(why_of $kind)" "$d.err"; then
			pass "run --out: $name as a $kind link refused (exit 2), victim unchanged"
		else
			fail "run --out: $name as a $kind link refused" "exit $rc, victim $(head -c 40 "$victim"): $(head -c 200 "$d.err")"
		fi
		rm -f "$d/$name"
	done
done

# run --resume with results.csv a link to a run's CSV elsewhere: no row appended, none cut
good=$TMPROOT/good
"$WCBENCH" "${TINY[@]}" --out "$good" >/dev/null 2>&1 || fail "a tiny run for the resume checks"
for kind in sym hard; do
	d=$TMPROOT/resume-$kind
	mkdir -p "$d"
	cp "$good/metadata.json" "$d/"
	cp "$good/results.csv" "$victim"
	printf 'partial' >>"$victim"
	sum=$(md5sum <"$victim")
	if [ $kind = sym ]; then ln -s "$victim" "$d/results.csv"; else ln "$victim" "$d/results.csv"; fi
	"$WCBENCH" "${TINY[@]}" --resume --out "$d" >/dev/null 2>"$d.err"
	rc=$?
	[ $rc -eq 2 ] && [ "$(md5sum <"$victim")" = "$sum" ] && grep -q "results.csv: .*$(why_of $kind)" "$d.err" &&
		pass "run --resume: results.csv as a $kind link refused (exit 2), its rows untouched" ||
		fail "run --resume: results.csv as a $kind link refused" "exit $rc: $(head -c 200 "$d.err")"
	rm -f "$d/results.csv"
done

# a killed writer's leftovers are removed by the next run or plot in that directory
sleep 0 & dead=$!
wait $dead
for cmd in run plot; do
	d=$TMPROOT/leftovers-$cmd
	cp -r "$good" "$d"
	for f in metadata.json.tmp.$dead verdict.json.tmp.$dead results.csv.upgrade.$dead; do echo x >"$d/$f"; done
	if [ $cmd = run ]; then
		"$WCBENCH" "${TINY[@]}" --resume --out "$d" >/dev/null 2>"$d.err"
	else
		PATH=/nonexistent:$PATH "$WCBENCH" plot "$d" >/dev/null 2>"$d.err"
	fi
	left=$(ls "$d" | grep -E '\.(tmp|upgrade)\.[0-9]+$' | tr '\n' ' ')
	[ -z "$left" ] && pass "$cmd: a killed writer's metadata.json.tmp, verdict.json.tmp and results.csv.upgrade are swept" ||
		fail "$cmd: killed writers' leftovers swept" "left: $left"
done

if [ $have_gnuplot = 0 ]; then
	missing "plot checks that need gnuplot" "gnuplot not installed"
	exit 0
fi

# plot DIR with a figure or the log planted
r=$TMPROOT/plotdir
mkdir -p "$r"
cp "$FX" "$r/results.csv"
for name in gbps_vs_size.png barrier_cost.svg gnuplot.log; do
	for kind in sym hard; do
		plant "$r" "$name" $kind
		"$WCBENCH" plot "$r" >/dev/null 2>"$r.err"
		rc=$?
		[ $rc -eq 2 ] && victim_intact && [ "$(wc -l <"$r.err")" -eq 1 ] && grep -q "$name: .*$(why_of $kind)" "$r.err" &&
			pass "plot: $name as a $kind link refused before drawing (exit 2), victim unchanged" ||
			fail "plot: $name as a $kind link refused" "exit $rc: $(head -c 200 "$r.err")"
		rm -f "$r/$name"
	done
done

# a gnuplot that never finishes: a fake one that records its pid and sleeps
fake=$TMPROOT/fakebin
mkdir -p "$fake" "$TMPROOT/tmp"
cat >"$fake/gnuplot" <<EOF
#!/bin/sh
echo \$\$ >"$TMPROOT/gp.pid"
exec sleep 60
EOF
chmod +x "$fake/gnuplot"
# wait_for FILE: at most 10 s
wait_for() { for _ in $(seq 100); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1; }
gone() { for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; return 1; }
for sig in TERM INT KILL; do
	rm -f "$TMPROOT/gp.pid"
	o=$TMPROOT/sig-$sig
	TMPDIR=$TMPROOT/tmp PATH=$fake:$PATH "$WCBENCH" plot "$FX" -o "$o" >/dev/null 2>&1 &
	p=$!
	if ! wait_for "$TMPROOT/gp.pid"; then
		fail "SIG$sig to plot: gnuplot started"
		kill -KILL $p 2>/dev/null
		wait $p 2>/dev/null
		continue
	fi
	kill -$sig $p
	wait $p 2>/dev/null
	gp=$(cat "$TMPROOT/gp.pid")
	# SIGKILL leaves the data directory (nothing can run then); gnuplot still goes with its parent
	if gone "$gp" && { [ $sig = KILL ] || [ -z "$(ls "$TMPROOT/tmp")" ]; }; then
		pass "SIG$sig to plot: gnuplot ends with it$([ $sig = KILL ] || echo ", no wcbench-plot.* directory left")"
	else
		fail "SIG$sig to plot: gnuplot ends with it" "gnuplot $(kill -0 "$gp" 2>/dev/null && echo running || echo gone), tmp: $(ls "$TMPROOT/tmp")"
		kill -KILL "$gp" 2>/dev/null
	fi
	if [ $sig = KILL ]; then
		left=$(ls "$TMPROOT/tmp")
		TMPDIR=$TMPROOT/tmp "$WCBENCH" plot "$FX" -o "$TMPROOT/after-kill" >/dev/null 2>&1
		[ -n "$left" ] && [ -z "$(ls "$TMPROOT/tmp")" ] &&
			pass "the next plot removes the private directory a SIGKILLed one left ($left)" ||
			fail "the next plot removes the private directory a SIGKILLed one left" "before: ${left:-nothing}, after: $(ls "$TMPROOT/tmp")"
	fi
	rm -rf "$TMPROOT/tmp"/*
done

# too slow: killed after WCBENCH_GNUPLOT_TIMEOUT seconds, one line
rm -f "$TMPROOT/gp.pid"
WCBENCH_GNUPLOT_TIMEOUT=1 TMPDIR=$TMPROOT/tmp PATH=$fake:$PATH timeout 30 "$WCBENCH" plot "$FX" -o "$TMPROOT/slow" >/dev/null 2>"$TMPROOT/slow.err"
rc=$?
[ $rc -eq 1 ] && grep -q "gnuplot killed: .*more than 1 s" "$TMPROOT/slow.err" && [ -z "$(ls "$TMPROOT/tmp")" ] &&
	! ls "$TMPROOT/slow" | grep -q '\.png$' &&
	pass "plot: a gnuplot running past the time limit is killed, one-line error (exit 1), nothing left" ||
	fail "plot: gnuplot time limit" "exit $rc: $(head -c 200 "$TMPROOT/slow.err")"

# a full disk: no truncated figure, no temporary file
mnt=$TMPROOT/full
mkdir -p "$mnt"
if mount -t tmpfs -o size=48k tmpfs "$mnt" 2>/dev/null; then
	trap 'umount "$mnt" 2>/dev/null; rm -rf "$TMPROOT"' EXIT
	"$WCBENCH" plot "$FX" -o "$mnt" >/dev/null 2>"$TMPROOT/full.err"
	rc=$?
	bad=""
	for f in "$mnt"/*.png; do [ -e "$f" ] && ! { is_png "$f" && [ "$(tail -c 8 "$f" | od -An -tx1 | tr -d ' ')" = 49454e44ae426082 ]; } && bad="$bad $f"; done
	for f in "$mnt"/*.svg; do [ -e "$f" ] && ! grep -q '</svg>' "$f" && bad="$bad $f"; done
	left=$(ls "$mnt" | grep -E '\.tmp\.[0-9]+$')
	[ $rc -eq 1 ] && [ -z "$bad" ] && [ -z "$left" ] && grep -q "No space left" "$TMPROOT/full.err" &&
		pass "plot on a full disk: exit 1, no truncated figure, no temporary file" ||
		fail "plot on a full disk" "exit $rc, truncated:$bad, left: $left: $(head -c 200 "$TMPROOT/full.err")"
	umount "$mnt"
	trap 'rm -rf "$TMPROOT"' EXIT
else
	skip "plot on a full disk" "cannot mount a tmpfs here (not root?)"
fi

# 20,000 rows, 2,500 series: drawn within a generous bound, saying what was left out
big=$TMPROOT/big.csv
python3 - "$FX" "$big" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head, body = rows[0], rows[1:]
ok = [r for r in body if r[head.index("status")] == "ok" and r[head.index("mode")] == "throughput"]
w = csv.writer(open(sys.argv[2], "w", newline=""), lineterminator="\n")
w.writerow(head)
for i in range(20000):
    r = list(ok[i % len(ok)])
    r[head.index("target")] = "t%d" % (i // 8)
    r[head.index("burst_bytes")] = str(64 << (i % 8))
    w.writerow(r)
PY
t0=$(date +%s)
timeout 120 "$WCBENCH" plot "$big" -o "$TMPROOT/bigplot" >"$TMPROOT/big.out" 2>&1
rc=$?
t=$(($(date +%s) - t0))
[ $rc -eq 0 ] && [ $t -le 60 ] && grep -q "series and .* points left out" "$TMPROOT/big.out" && is_png "$TMPROOT/bigplot/gbps_vs_size.png" &&
	pass "plot: 20000 rows drawn in ${t}s (bound 60 s), what was left out said" ||
	fail "plot: 20000 rows" "exit $rc in ${t}s: $(head -c 300 "$TMPROOT/big.out")"

# report -o and compare -o with an output planted
for cmd in report compare; do
	o=$TMPROOT/out-$cmd
	mkdir -p "$o"
	name=$([ $cmd = report ] && echo index.html || echo compare.txt)
	for kind in sym hard; do
		plant "$o" "$name" $kind
		if [ $cmd = report ]; then "$WCBENCH" report -o "$o" "$FX" >/dev/null 2>"$o.err"
		else "$WCBENCH" compare -o "$o" "$FX" "$FX" >/dev/null 2>"$o.err"; fi
		rc=$?
		[ $rc -eq 2 ] && victim_intact && [ "$(wc -l <"$o.err")" -eq 1 ] && grep -q "$name: .*$(why_of $kind)" "$o.err" &&
			pass "$cmd -o: $name as a $kind link refused before writing (exit 2), victim unchanged" ||
			fail "$cmd -o: $name as a $kind link refused" "exit $rc: $(head -c 200 "$o.err")"
		rm -f "$o/$name"
	done
done

# readers: a results.csv planted as a link to a file elsewhere (here a good run's CSV, which an
# old reader would have taken in whole) is refused by report, compare and plot, named in one line
outside=$TMPROOT/outside.csv
cp "$FX" "$outside"
r=$TMPROOT/read-link
mkdir -p "$r"
cp tests/fixtures/report/x86-host/metadata.json "$r/" 2>/dev/null
ln -s "$outside" "$r/results.csv"
for cmd in report compare plot; do
	case $cmd in
	report) args=(report -o "$TMPROOT/read-report" "$r") ;;
	compare) args=(compare "$r" tests/fixtures/report/x86-host) ;;
	plot) args=(plot "$r" -o "$TMPROOT/read-plot") ;;
	esac
	"$WCBENCH" "${args[@]}" >"$TMPROOT/read.out" 2>"$TMPROOT/read.err"
	rc=$?
	[ $rc -ne 0 ] && grep -q "results.csv: is a symbolic link" "$TMPROOT/read.err" && [ "$(wc -l <"$TMPROOT/read.err")" -eq 1 ] &&
		pass "$cmd: a results.csv that is a symbolic link is not read (exit $rc, one line)" ||
		fail "$cmd: a results.csv that is a symbolic link is not read" "exit $rc: $(head -c 300 "$TMPROOT/read.err")"
done
