#!/usr/bin/env bash
# Results on disk: a full disk, --resume (same run, same options, a run of an earlier schema
# version upgraded first, partial rows), one run per directory, bad --out, unique run ids.
source "$(dirname "$0")/lib.sh"
cd "$TOP"

RUN=(run --no-plot -k c_8 -T 0.005 --min-samples 2 --max-samples 4)
now=$("$WCBENCH" --version | sed -n 's/.*results schema \([0-9]*\).*/\1/p') # the schema version written
# case_keys CSV: one line per row naming its case; dups CSV: how many cases appear twice
case_keys() {
	awk -F, 'NR==1{for(i=1;i<=NF;i++) c[$i]=i; next}
		{print $c["env"], $c["target"], $c["kernel"], $c["barrier"], $c["barrier_every"], $c["burst_bytes"], $c["threads"], $c["drain"]}' "$1"
}
dups() { case_keys "$1" | sort | uniq -d | wc -l; }
rows() { echo $(($(wc -l <"$1") - 1)); }
ends_with_newline() { [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ]; }
json_value() { sed -n "s/.*\"$2\": *\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -1; }

# --- a full disk: a tmpfs when this test may mount one, else a file size limit (EFBIG) ---
SIZES=8,16,32,64,128,256,512,1K,2K,4K
full_case() { # NAME FS_BYTES: run into a filesystem that fills, then resume with room
	local name=$1 bytes=$2 mnt="$TMPROOT/fs-$2" how
	mkdir -p "$mnt"
	if mount -t tmpfs -o size="$bytes" tmpfs "$mnt" 2>/dev/null; then
		how=tmpfs
		"$WCBENCH" "${RUN[@]}" -s $SIZES --out "$mnt/r" >"$TMPROOT/full.out" 2>"$TMPROOT/full.err"
	else
		how="ulimit -f"
		(trap '' XFSZ; ulimit -f $((bytes / 1024)); exec "$WCBENCH" "${RUN[@]}" -s $SIZES --out "$mnt/r") \
			>"$TMPROOT/full.out" 2>"$TMPROOT/full.err"
	fi
	local rc=$? csv="$mnt/r/results.csv" said on n=0
	said=$(grep -o '[0-9]* rows are on disk' "$TMPROOT/full.err" | cut -d' ' -f1)
	[ -s "$csv" ] && n=$(rows "$csv")
	if [ $rc -eq 1 ] && [ -n "$said" ] && [ "$said" -eq "$n" ] && { [ ! -s "$csv" ] || ends_with_newline "$csv"; }; then
		pass "$name ($how): exit 1, says $said rows are on disk, and they are"
	else
		fail "$name ($how)" "exit $rc, said '${said}' rows, file has $n: $(tail -1 "$TMPROOT/full.err")"
	fi
	[ "$how" = tmpfs ] && mount -o remount,size=4m "$mnt"
	"$WCBENCH" "${RUN[@]}" -s $SIZES --out "$mnt/r" --resume >/dev/null 2>"$TMPROOT/full2.err"
	rc=$?
	local want=$(($(rows "$TMPROOT/ref.csv")))
	n=$(rows "$csv")
	[ $rc -eq 0 ] && [ "$n" -eq "$want" ] && [ "$(dups "$csv")" -eq 0 ] \
		&& pass "$name: --resume with room completes the run, every case once ($n rows)" \
		|| fail "$name: --resume with room" "exit $rc, $n rows of $want, $(dups "$csv") twice: $(tail -1 "$TMPROOT/full2.err")"
	[ "$how" = tmpfs ] && umount "$mnt"
}
"$WCBENCH" "${RUN[@]}" -s $SIZES --out "$TMPROOT/ref" >/dev/null 2>&1
cp "$TMPROOT/ref/results.csv" "$TMPROOT/ref.csv"
full_case "disk fills during the run" 8192
full_case "disk full from the start" 4096

# --- resume: one run, one run_id, metadata keeps the facts and lists the resumes ---
r="$TMPROOT/resume"
"$WCBENCH" "${RUN[@]}" -s 64,4K --out "$r" >/dev/null 2>&1
full=$(rows "$r/results.csv")
id=$(json_value "$r/metadata.json" run_id)
started=$(json_value "$r/metadata.json" started_utc)
# cut the file inside the third row: a partial last line, as a crash or a full disk leaves
head -c $(($(head -3 "$r/results.csv" | wc -c) + 40)) "$r/results.csv" >"$r/t" && mv "$r/t" "$r/results.csv"
sleep 1 # a resume in another second would get another run_id if it made one
"$WCBENCH" "${RUN[@]}" -s 64,4K --out "$r" --resume >/dev/null 2>"$TMPROOT/resume.err"
rc=$?
ids=$(col "$r/results.csv" run_id | sort -u | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$ids" = "$id " ] && pass "--resume keeps the run's run_id in every row ($id)" \
	|| fail "--resume keeps the run_id" "exit $rc, run_ids: $ids, metadata: $id"
bad_lines=$(awk -F, -v v="$now" 'NR>1 && $1 != v' "$r/results.csv" | wc -l)
[ "$(rows "$r/results.csv")" -eq "$full" ] && [ "$(dups "$r/results.csv")" -eq 0 ] && [ "$bad_lines" -eq 0 ] \
	&& grep -q 'partial last row' "$TMPROOT/resume.err" \
	&& pass "--resume drops a partial last row instead of gluing onto it ($full rows, each case once)" \
	|| fail "--resume after a partial row" "$(rows "$r/results.csv") rows of $full, $(dups "$r/results.csv") twice, $bad_lines glued lines"
[ "$(json_value "$r/metadata.json" run_id)" = "$id" ] && [ "$(json_value "$r/metadata.json" started_utc)" = "$started" ] \
	&& grep -q '"resumes": \[' "$r/metadata.json" && grep -q '"--resume"' "$r/metadata.json" \
	&& grep -q '"cpu_model"' "$r/metadata.json" \
	&& pass "metadata.json keeps the run's facts and lists the resume" \
	|| fail "metadata.json after --resume" "$(tail -5 "$r/metadata.json" | tr '\n' ' ')"
"$WCBENCH" "${RUN[@]}" -s 64,4K --out "$r" --resume >/dev/null 2>&1
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["resumes"]))' "$r/metadata.json" 2>&1)" = 2 ] \
	&& pass "a second resume is listed too, and metadata.json stays JSON" || fail "second resume in metadata.json"

# --- a read error during --resume: exit 1, one line naming results.csv, the file byte-identical
# (never taken for a shorter file whose "partial last row" is cut, or for an empty one) ---
# tests/fault/readfail.c makes read() on the file fail with EIO after a short read; an LD_PRELOAD
# shim needs the binary without the sanitizer runtime, which must come first
RF_BIN=$TOP/wcbench
if ! command -v cc >/dev/null || [ ! -x "$RF_BIN" ] \
	|| ! cc -shared -fPIC -o "$TMPROOT/readfail.so" tests/fault/readfail.c -ldl 2>"$TMPROOT/rf.err"; then
	missing "--resume under read errors" "no cc or no $RF_BIN to build the read-fault shim with: $(head -1 "$TMPROOT/rf.err" 2>/dev/null)"
else
	rf="$TMPROOT/readfail"
	"$RF_BIN" "${RUN[@]}" -s 8,16,32,64,128,256,512,1K --out "$rf" >/dev/null 2>&1
	# read_fails NAME DIR PASSES AFTER ARGS...: exit 1, one line naming results.csv and the
	# error, results.csv byte for byte as it was, no upgrade file left
	read_fails() {
		local name=$1 dir=$2 passes=$3 after=$4; shift 4
		cp "$dir/results.csv" "$TMPROOT/rf-before.csv"
		READFAIL_PATH=/results.csv READFAIL_AFTER=$after READFAIL_PASSES=$passes LD_PRELOAD="$TMPROOT/readfail.so" \
			"$RF_BIN" "$@" --out "$dir" --resume >/dev/null 2>"$TMPROOT/rf.err"
		local rc=$?
		if [ $rc -eq 1 ] && [ "$(wc -l <"$TMPROOT/rf.err")" -eq 1 ] && grep -q 'results.csv: .*Input/output error' "$TMPROOT/rf.err" \
			&& cmp -s "$TMPROOT/rf-before.csv" "$dir/results.csv" && ! ls "$dir" | grep -q 'upgrade\|tmp'; then
			pass "$name: exit 1, one line naming results.csv and the error, the file byte-identical"
		else
			fail "$name" "exit $rc, $(cmp "$TMPROOT/rf-before.csv" "$dir/results.csv" 2>&1) $(ls "$dir" | tr '\n' ' '): $(head -3 "$TMPROOT/rf.err" | tr '\n' ' ')"
		fi
	}
	read_fails "--resume, EIO after a short read of 1000 bytes of results.csv" "$rf" 0 1000 "${RUN[@]}" -s 8,16,32,64,128,256,512,1K
	read_fails "--resume, EIO at the first read of results.csv (not taken for an empty file)" "$rf" 0 0 "${RUN[@]}" -s 8,16,32,64,128,256,512,1K
	read_fails "--resume, EIO when the finished rows are read after the header check" "$rf" 1 500 "${RUN[@]}" -s 8,16,32,64,128,256,512,1K
	# metadata.json read with EIO: the disk's error (exit 1) naming metadata.json, nothing changed
	cp "$rf/metadata.json" "$TMPROOT/rf-md-before.json"
	cp "$rf/results.csv" "$TMPROOT/rf-before.csv"
	READFAIL_PATH=/metadata.json READFAIL_AFTER=100 LD_PRELOAD="$TMPROOT/readfail.so" \
		"$RF_BIN" "${RUN[@]}" -s 8,16,32,64,128,256,512,1K --out "$rf" --resume >/dev/null 2>"$TMPROOT/rf.err"
	rc=$?
	[ $rc -eq 1 ] && [ "$(wc -l <"$TMPROOT/rf.err")" -eq 1 ] && grep -q 'metadata.json: .*Input/output error' "$TMPROOT/rf.err" &&
		cmp -s "$TMPROOT/rf-md-before.json" "$rf/metadata.json" && cmp -s "$TMPROOT/rf-before.csv" "$rf/results.csv" &&
		pass "--resume, EIO reading metadata.json: exit 1 (the disk's error, not usage), one line, nothing changed" ||
		fail "--resume, EIO reading metadata.json: exit 1, one line, nothing changed" "exit $rc: $(head -2 "$TMPROOT/rf.err" | tr '\n' ' ')"
	rf1="$TMPROOT/readfail-v1"
	cp -r tests/fixtures/v1/x86-host "$rf1"
	head -n 16 tests/fixtures/v1/x86-host/results.csv >"$rf1/results.csv"
	V1RUN=(run --quick --no-plot -k c_8,mov_8,movnti_8 -b none,sfence -s 64,4K,64K)
	read_fails "--resume of a version-1 run, EIO at the first read for its upgrade" "$rf1" 1 0 "${V1RUN[@]}"
	read_fails "--resume of a version-1 run, EIO at the second read for its upgrade" "$rf1" 2 700 "${V1RUN[@]}"
	grep -q '"upgraded_from_schema"' "$rf1/metadata.json" && fail "a version-1 run whose upgrade read failed is not marked upgraded" \
		|| pass "a version-1 run whose upgrade read failed is not marked upgraded"
fi

# --- resume refuses what is not this run ---
refuse() { # NAME NEEDLE ARGS...: exit 2, one line naming the problem, results untouched
	local name=$1 needle=$2; shift 2
	local before
	before=$(md5sum <"$r/results.csv")
	"$WCBENCH" "$@" >/dev/null 2>"$TMPROOT/refuse.err"
	local rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/refuse.err")" -eq 1 ] && grep -q -- "$needle" "$TMPROOT/refuse.err" \
		&& [ "$(md5sum <"$r/results.csv")" = "$before" ]; then
		pass "--resume refuses $name"
	else
		fail "--resume refuses $name" "exit $rc: $(cat "$TMPROOT/refuse.err")"
	fi
}
refuse "another --verify" "--verify" "${RUN[@]}" -s 64,4K --out "$r" --resume --verify
refuse "another --env" "--env" "${RUN[@]}" -s 64,4K --out "$r" --resume --env guest
refuse "another --window" "--window" "${RUN[@]}" -s 64,4K --out "$r" --resume -w 0:1M
refuse "another --target" "--target" "${RUN[@]}" -s 64,4K --out "$r" --resume -t ram -t ram
cp "$r/results.csv" "$TMPROOT/saved.csv"
sed -i '1s/,kernel,width_bytes,barrier,/,barrier,width_bytes,kernel,/' "$r/results.csv" # same names, another order
refuse "a header that is not this schema's" "header" "${RUN[@]}" -s 64,4K --out "$r" --resume
cp "$TMPROOT/saved.csv" "$r/results.csv"
refuse "another --probe" "--probe" "${RUN[@]}" -s 64,4K --out "$r" --resume --probe
# a results.csv of schema version 1 under this run's metadata: not this run's rows (a version-1
# run's own results.csv is upgraded: below and tests/t_versions.sh)
cp tests/fixtures/v1/x86-host/results.csv "$r/results.csv"
refuse "a results.csv of schema version 1 under a run of version $now (naming both versions)" \
	"results.csv holds rows of results schema version 1, but its run's metadata.json says version $now" \
	"${RUN[@]}" -s 64,4K --out "$r" --resume
cp "$TMPROOT/saved.csv" "$r/results.csv"
mv "$r/metadata.json" "$TMPROOT/saved.json"
refuse "a run without metadata.json" "metadata.json" "${RUN[@]}" -s 64,4K --out "$r" --resume
mv "$TMPROOT/saved.json" "$r/metadata.json"
# a name twice, where readers disagree on which counts: not taken for either
cp "$r/metadata.json" "$TMPROOT/saved.json"
sed -i '0,/"run_id": /s//"run_id": "another", "run_id": /' "$r/metadata.json"
refuse "a metadata.json naming run_id twice (not read as either)" "cannot tell whether this is the same run" "${RUN[@]}" -s 64,4K --out "$r" --resume
cp "$TMPROOT/saved.json" "$r/metadata.json"

# --- a run that schema version 1 wrote is continued: its results.csv rewritten in this version ---
v1="$TMPROOT/v1run"
cp -r tests/fixtures/v1/x86-host "$v1"
head -n 16 tests/fixtures/v1/x86-host/results.csv >"$v1/results.csv" # 15 of its 18 cases finished
want=$(head -n 16 tests/fixtures/v1/x86-host/results.csv | cols /dev/stdin kernel barrier burst_bytes ns_per_burst_median gb_per_s_p10)
"$WCBENCH" run --quick --no-plot -k c_8,mov_8,movnti_8 -b none,sfence -s 64,4K,64K --out "$v1" --resume >/dev/null 2>"$TMPROOT/v1.err"
rc=$?
got=$(head -n 16 "$v1/results.csv" | cols /dev/stdin kernel barrier burst_bytes ns_per_burst_median gb_per_s_p10)
[ $rc -eq 0 ] && [ "$(grep -c "a run of results schema version 1 continues in version $now: .*all 15 finished rows kept" "$TMPROOT/v1.err")" -eq 1 ] \
	&& [ "$(rows "$v1/results.csv")" -eq 18 ] && [ "$(dups "$v1/results.csv")" -eq 0 ] && [ "$got" = "$want" ] \
	&& [ "$(col "$v1/results.csv" schema_version | sort -u)" = "$now" ] && grep -q '"upgraded_from_schema": 1,' "$v1/metadata.json" \
	&& pass "--resume of a version-1 run: its 15 rows rewritten in version $now (values kept), the 3 missing cases run, the upgrade said and recorded" \
	|| fail "--resume of a version-1 run" "exit $rc, $(rows "$v1/results.csv") rows: $(cat "$TMPROOT/v1.err")"

# --- --probe: a resumed run probes again before its first case, and its rows get the column ---
pr="$TMPROOT/probe"
"$WCBENCH" "${RUN[@]}" -s 64,4K --probe --out "$pr" >/dev/null 2>&1
full=$(rows "$pr/results.csv")
head -3 "$pr/results.csv" >"$pr/t" && mv "$pr/t" "$pr/results.csv"
"$WCBENCH" "${RUN[@]}" -s 64,4K --probe --out "$pr" --resume >/dev/null 2>"$TMPROOT/probe.err"
rc=$?
probes=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["memtype_probes"]))' "$pr/metadata.json" 2>&1)
effective=$(col "$pr/results.csv" memtype_effective | sort -u | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$(rows "$pr/results.csv")" -eq "$full" ] && [ "$probes" = 2 ] && [ "$(echo "$effective" | wc -w)" -le 1 ] \
	&& pass "--resume --probe: finishes the run, a second entry in memtype_probes, one memtype_effective in all rows ('$effective')" \
	|| fail "--resume --probe" "exit $rc, $(rows "$pr/results.csv") rows of $full, probes: $probes, column: '$effective' $(tail -1 "$TMPROOT/probe.err")"

# --- one run per directory ---
l="$TMPROOT/locked"
"$WCBENCH" run --no-plot -k c_8 -b none -s 64,128,256,512 -T 2 --min-samples 100000 --max-samples 100000 \
	--out "$l" >/dev/null 2>&1 &
first=$!
for _ in $(seq 50); do [ -s "$l/results.csv" ] && break; sleep 0.1; done
start=$(date +%s%N)
"$WCBENCH" "${RUN[@]}" -b none -s 64,128,256,512 --out "$l" --resume >/dev/null 2>"$TMPROOT/lock.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
kill -KILL $first 2>/dev/null
wait $first 2>/dev/null
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/lock.err")" -eq 1 ] && grep -q 'in use' "$TMPROOT/lock.err" && [ $ms -lt 1500 ] \
	&& pass "a --resume beside a running run fails at once (exit 2 in $ms ms)" \
	|| fail "--resume beside a running run" "exit $rc after $ms ms: $(cat "$TMPROOT/lock.err")"
together_bad=0
for k in 1 2 3 4 5 6; do
	d="$TMPROOT/together$k"
	"$WCBENCH" "${RUN[@]}" -b none -s 64 --out "$d" >/dev/null 2>&1 &
	a=$!
	"$WCBENCH" "${RUN[@]}" -b none -s 64 --out "$d" >/dev/null 2>&1 &
	b=$!
	wait $a; ra=$?
	wait $b; rb=$?
	headers=$(grep -c '^schema_version' "$d/results.csv")
	[ "$((ra + rb))" -eq 2 ] && [ "$headers" -eq 1 ] && [ "$(rows "$d/results.csv")" -eq 1 ] || together_bad=$((together_bad + 1))
done
[ $together_bad -eq 0 ] && pass "two runs started together into one directory: one runs, the other exits 2" \
	|| fail "two runs into one directory" "$together_bad of 6 tries went wrong"

# --- bad --out: a usage error before anything is measured ---
echo keep >"$TMPROOT/plain"
"$WCBENCH" "${RUN[@]}" -s 64 --out "$TMPROOT/plain" >/dev/null 2>"$TMPROOT/out.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/out.err")" -eq 1 ] && [ "$(cat "$TMPROOT/plain")" = keep ] \
	&& pass "--out naming a regular file: exit 2, one line, file untouched" \
	|| fail "--out naming a regular file" "exit $rc: $(cat "$TMPROOT/out.err")"
"$WCBENCH" "${RUN[@]}" -s 64 --out "$TMPROOT/plain/sub" >/dev/null 2>"$TMPROOT/out.err"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$TMPROOT/out.err")" -eq 1 ] && ! grep -q '^wcbench: ' "$TMPROOT/out.err" \
	&& pass "--out that cannot be created: exit 2 before measuring" \
	|| fail "--out that cannot be created" "exit $rc: $(cat "$TMPROOT/out.err")"

# --- run ids: two runs started in the same second differ ---
"$WCBENCH" "${RUN[@]}" -b none -s 64 --out "$TMPROOT/id1" >/dev/null 2>&1 &
a=$!
"$WCBENCH" "${RUN[@]}" -b none -s 64 --out "$TMPROOT/id2" >/dev/null 2>&1
wait $a
id1=$(json_value "$TMPROOT/id1/metadata.json" run_id)
id2=$(json_value "$TMPROOT/id2/metadata.json" run_id)
[ -n "$id1" ] && [ "$id1" != "$id2" ] && [ ${#id1} -le 39 ] && pass "two runs at once get different run_ids ($id1, $id2)" \
	|| fail "unique run_id" "'$id1' and '$id2'"
