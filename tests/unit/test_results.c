/* Results I/O: case and machine keys (bench/results/keys.c), result sets of every schema version
 * (resultset.c), the lists metadata.json gains after the start (metadata.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "common/util.h"
#include "results/comparison.h"
#include "results/keys.h"
#include "results/metadata.h"
#include "results/resultset.h"
#include "results/upgrade.h"

static void sample_row(struct row *r)
{
	memset(r, 0, sizeof *r);
	strcpy(r->run_id, "20261121T000000Z-a");
	strcpy(r->env, "host");
	strcpy(r->arch, "x86_64");
	strcpy(r->cpu_model, "cpu");
	strcpy(r->os_release, "6.1");
	strcpy(r->target, "ram");
	strcpy(r->target_kind, "ram");
	strcpy(r->map, "anon");
	strcpy(r->memtype, "WB");
	strcpy(r->kernel, "mov_8");
	strcpy(r->barrier, "sfence");
	strcpy(r->barrier_every, "64");
	r->burst_bytes = 64;
	r->threads = 1;
	strcpy(r->drain, "fence");
	r->gb_per_s_median = NAN;
}

/* The columns a reader needs by default (case key, status, statistics); the tests add the columns
 * later versions brought (memtype_effective, memtype_stage2). */
#define READER_HEADER "schema_version,env,target,target_kind,map,memtype,kernel,barrier,barrier_every," \
	"burst_bytes,threads,drain,status,samples,ns_per_burst_median,gb_per_s_median,gb_per_s_p10,gb_per_s_p90"
#define READER_ROW "host,ram,ram,anon,WB,c_8,none,64,64,1,fence,ok,5,3.0,21.3,20.1,22.0"

#define TEXT_OF(x) #x
#define TEXT_OF_VALUE(x) TEXT_OF(x)
#define SCHEMA_VERSION_TEXT TEXT_OF_VALUE(SCHEMA_VERSION)

static char csv_path[] = "/tmp/wcbench-rs-XXXXXX";

/* rs_load of a file holding text: its return code, the result set and the message */
static int load_text(const char *text, struct result_set *rs, char *err, size_t n)
{
	FILE *f = fopen(csv_path, "w");
	if (!f)
		return -EIO;
	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	return rs_load(csv_path, NULL, rs, err, n);
}

/* Every schema version up to this one reads; a row of an earlier one has the later columns empty. */
static void test_versions(void)
{
	int fd = mkstemp(csv_path);
	if (fd >= 0)
		close(fd);
	struct result_set rs;
	char err[512];
	int rc = load_text(READER_HEADER "\n1," READER_ROW "\n", &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 1 && !rs.rows[0].memtype_effective[0] && rs.rows[0].gb_per_s_median == 21.3,
	      "rs_load: a version-1 file (no memtype_effective column) reads, the column empty (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER ",memtype_effective\n2," READER_ROW ",Normal\n", &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 1 && !strcmp(rs.rows[0].memtype_effective, "Normal"),
	      "rs_load: a version-2 row reads memtype_effective (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER ",memtype_effective\n1," READER_ROW ",Device\n2," READER_ROW ",Normal\n",
		       &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 2 && !rs.rows[0].memtype_effective[0] &&
	      !strcmp(rs.rows[1].memtype_effective, "Normal"),
	      "rs_load: versions mixed in one file: the version-1 row has no memtype_effective whatever the header says (%s)", err);
	rs_free(&rs);
	/* version 3: memtype_stage2; rows of versions 1 and 2 read it empty whatever the header says */
	rc = load_text(READER_HEADER ",memtype_effective,memtype_stage2\n3," READER_ROW ",Normal,Device\n",
		       &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 1 && !strcmp(rs.rows[0].memtype_effective, "Normal") &&
	      !strcmp(rs.rows[0].memtype_stage2, "Device"),
	      "rs_load: a version-3 row reads memtype_effective and memtype_stage2 (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER ",memtype_effective\n2," READER_ROW ",Normal\n3," READER_ROW ",Device\n",
		       &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 2 && !rs.rows[0].memtype_stage2[0] && !rs.rows[1].memtype_stage2[0] &&
	      !strcmp(rs.rows[1].memtype_effective, "Device"),
	      "rs_load: a version-3 row in a file without memtype_stage2 reads it empty (%s)", err);
	rs_free(&rs);
	/* version 4: mode (rows before it were all throughput, whatever the header says), the
	 * median's interval, latency columns */
	rc = load_text(READER_HEADER ",mode,ns_per_burst_ci_lo,latency_ns_p99\n3," READER_ROW ",latency,1.5,9\n4,"
		       READER_ROW ",latency,2.5,9\n4," READER_ROW ",,,\n", &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 3 && !strcmp(rs.rows[0].mode, "throughput") && isnan(rs.rows[0].ns_per_burst_ci_lo) &&
	      isnan(rs.rows[0].latency_ns_p99) && !strcmp(rs.rows[1].mode, "latency") &&
	      rs.rows[1].ns_per_burst_ci_lo == 2.5 && rs.rows[1].latency_ns_p99 == 9 && !rs.rows[2].mode[0] &&
	      isnan(rs.rows[2].latency_ns_p99),
	      "rs_load: a version-3 row reads mode throughput and no interval; version 4 reads them (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER "\n1," READER_ROW "\n2," READER_ROW "\n3," READER_ROW "\n", &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 3 && !strcmp(rs.rows[0].mode, "throughput") && !strcmp(rs.rows[2].mode, "throughput"),
	      "rs_load: a file of versions 1 to 3 without a mode column reads mode throughput (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER ",memtype_stage2,memtype_effective\n1," READER_ROW ",Device,Device\n2,"
		       READER_ROW ",Device,Normal\n3," READER_ROW ",Normal,Device\n", &rs, err, sizeof err);
	CHECK(rc == 0 && rs.nrows == 3 && !rs.rows[0].memtype_stage2[0] && !rs.rows[0].memtype_effective[0] &&
	      !rs.rows[1].memtype_stage2[0] && !strcmp(rs.rows[1].memtype_effective, "Normal") &&
	      !strcmp(rs.rows[2].memtype_stage2, "Normal") && !strcmp(rs.rows[2].memtype_effective, "Device"),
	      "rs_load: versions 1, 2 and 3 mixed: each row reads only its version's columns (%s)", err);
	rs_free(&rs);
	rc = load_text(READER_HEADER ",memtype_stage2\n3," READER_ROW ",Normal-and-then-some\n", &rs, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "line 2") && strstr(err, "memtype_stage2") && strstr(err, "longer than 15") &&
	      rs.nrows == 0,
	      "rs_load: a memtype_stage2 longer than its field is refused, naming line and column (%s)", err);
	rs_free(&rs);
	static const struct {
		const char *version, *needle;
	} bad[] = {
		{ "0", "schema version 0 does not exist" },
		{ "5", "schema version 5 is later" },
		{ "99999999999999999999", "is later" },
		{ "", "is not a number" },
		{ "2x", "is not a number" },
		{ "+2", "'+2' is not written as digits alone" },
		{ " 2", "' 2' is not written as digits alone" },
		{ "-1", "'-1' is not written as digits alone" },
		{ "1.0000000001", "'1.0000000001' is not a whole number" },
		{ "1.0", "'1.0' is not a whole number" },
		{ "1e0", "'1e0' is not a whole number" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[1024];
		snprintf(text, sizeof text, READER_HEADER "\n2," READER_ROW "\n%s," READER_ROW "\n", bad[i].version);
		rc = load_text(text, &rs, err, sizeof err);
		CHECK(rc == -EINVAL && strstr(err, csv_path) && strstr(err, "line 3") && strstr(err, bad[i].needle) &&
		      !strchr(err, '\n') && rs.nrows == 0 && !rs.rows,
		      "rs_load: schema_version '%s' refused in one line naming file, line and why (%s)", bad[i].version, err);
		rs_free(&rs);
	}
	unlink(csv_path);
}

/* An ok row: ns per burst median (64 B, one thread) with its interval and p10-p90. */
static void timed_row(struct row *r, double ns, double ci_lo, double ci_hi, unsigned samples)
{
	sample_row(r);
	r->status = STATUS_OK;
	r->samples = samples;
	strcpy(r->mode, "throughput");
	r->ns_per_burst_median = ns;
	r->ns_per_burst_ci_lo = ci_lo;
	r->ns_per_burst_ci_hi = ci_hi;
	r->gb_per_s_median = 64 / ns;
	r->gb_per_s_p10 = 64 / (ns * 1.2); /* +-20%: the p10-p90 ranges of the pairs below overlap */
	r->gb_per_s_p90 = 64 / (ns * 0.8);
}

/* compare's rule: the medians' intervals where both rows have one, else p10-p90; a damaged
 * interval counts as none. */
static void test_compare_rule(void)
{
	struct row r;
	double lo, hi;
	timed_row(&r, 10, 9.9, 10.2, 20);
	CHECK(gb_ci_interval(&r, &lo, &hi) && fabs(lo - 6.4 * 10 / 10.2) < 1e-9 && fabs(hi - 6.4 * 10 / 9.9) < 1e-9,
	      "compare: a row's CI in GB/s is threads x burst / ns_ci_hi .. / ns_ci_lo (%g..%g)", lo, hi);
	static const double bad[][2] = { { 10.1, 10.2 }, { 9.9, 9.95 }, { NAN, 10.2 }, { 9.9, NAN }, { -1, 10.2 },
					 { 0, 10.2 }, { 9.9, INFINITY } };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		timed_row(&r, 10, bad[i][0], bad[i][1], 20);
		CHECK(!gb_ci_interval(&r, &lo, &hi), "compare: no interval from ends %g..%g around a median of 10 ns",
		      bad[i][0], bad[i][1]);
	}
	timed_row(&r, 10, 9.9, 10.2, 20);
	r.status = STATUS_FAULT;
	CHECK(!gb_ci_interval(&r, &lo, &hi), "compare: a row that is not ok has no interval");

	struct row b, n;
	struct result_set rb = { .nrows = 1, .rows = &b }, rn = { .nrows = 1, .rows = &n };
	size_t lb = 2, ln = 2;
	rb.line = &lb;
	rn.line = &ln;
	struct cmp_entry *e = NULL;
	size_t ne = 0;
	struct cmp_counts c;
	/* 8% slower: p10-p90 overlap, the CIs do not */
	timed_row(&b, 10, 9.95, 10.05, 20);
	timed_row(&n, 10.87, 10.8, 10.95, 20);
	int rc = compare_runs(&rb, &rn, 0, 5, &e, &ne, &c);
	CHECK(rc == 0 && ne == 1 && e[0].v == V_REGRESSION && e[0].basis == BASIS_CI && e[0].thr_eff == 5 &&
	      strstr(e[0].note, "95% CIs of the medians disjoint"),
	      "compare: 8%% slower, p10-p90 overlapping, CIs disjoint: REGRESSION by the CIs (%s)", ne ? e[0].note : "");
	free(e);
	/* the same change, NEW's CI wide: overlap */
	timed_row(&n, 10.87, 9.9, 11.5, 20);
	rc = compare_runs(&rb, &rn, 0, 5, &e, &ne, &c);
	CHECK(rc == 0 && ne == 1 && e[0].v == V_NOISE && e[0].basis == BASIS_CI && !strcmp(e[0].note, "95% CIs of the medians overlap"),
	      "compare: 8%% slower, CIs overlapping: same (%s)", ne ? e[0].note : "");
	free(e);
	/* 80% faster, NEW without an interval (3 samples): p10-p90 (+-20% here), threshold raised to 9.1% */
	timed_row(&n, 10 / 1.8, NAN, NAN, 3);
	rc = compare_runs(&rb, &rn, 0, 5, &e, &ne, &c);
	CHECK(rc == 0 && ne == 1 && e[0].v == V_IMPROVEMENT && e[0].basis == BASIS_SPREAD && fabs(e[0].thr_eff - 9.129) < 0.01 &&
	      strstr(e[0].note, "p10-p90 ranges disjoint: BASE <= ") && strstr(e[0].note, "(no interval in NEW; only 3 samples: threshold 9.1%)"),
	      "compare: 80%% faster, NEW of 3 samples without a CI: improvement by p10-p90, threshold 9.1%% (%s)", ne ? e[0].note : "");
	free(e);
	/* a latency row and a throughput row of one case do not pair */
	timed_row(&n, 10, 9.95, 10.05, 20);
	strcpy(n.mode, "latency");
	rc = compare_runs(&rb, &rn, 0, 5, &e, &ne, &c);
	CHECK(rc == 0 && ne == 2 && c.paired == 0 && c.v[V_ONLY_BASE] == 1 && c.v[V_ONLY_NEW] == 1 &&
	      (strstr(e[0].name, " mode=latency") || strstr(e[1].name, " mode=latency")),
	      "compare: a latency row never pairs with a throughput row, and its name says its mode");
	free(e);
}

/* The whole of path, or NULL. */
static char *slurp(const char *path)
{
	char err[256];
	return read_regular_file(path, 1 << 20, NULL, err, sizeof err);
}

/* An earlier version's results.csv rewritten in this one: every field's text kept, the columns
 * added since as rs_load reads them; a file that does not read is left as it was. */
static void test_upgrade(void)
{
	char dir[] = "/tmp/wcbench-up-XXXXXX", path[64], err[512] = "";
	if (!mkdtemp(dir)) {
		CHECK(0, "upgrade: a temporary directory");
		return;
	}
	snprintf(path, sizeof path, "%s/results.csv", dir);
	/* a version-2 row, a version-1 row (its memtype_effective field is not its version's), a
	 * quoted reason, numbers with more digits than wcbench writes */
	static const char old_text[] = READER_HEADER ",memtype_effective,reason\n"
		"2," READER_ROW ",Normal,\"a, \"\"quoted\"\" reason\"\n"
		"1,host,ram,ram,anon,WB,c_8,none,64,64,1,fence,ok,5,3.00001,21.29999,20.1,22.0,Device,\n";
	FILE *f = fopen(path, "w");
	fputs(old_text, f);
	fclose(f);
	struct result_set before, after;
	int rb = rs_load(path, NULL, &before, err, sizeof err);
	size_t rows = 0;
	int rc = results_upgrade(path, &rows, err, sizeof err);
	int ra = rs_load(path, NULL, &after, err + 256, 256);
	char *text = slurp(path), *header = NULL;
	size_t hlen = 0;
	csv_header_line(&header, &hlen);
	bool same = !rb && !ra && before.nrows == 2 && after.nrows == 2;
	for (size_t i = 0; same && i < 2; i++)
		same = !memcmp(&before.rows[i], &after.rows[i], sizeof before.rows[i]);
	CHECK(rc == 0 && rows == 2 && same, "upgrade: both rows kept, each reading as before (%s)", err);
	CHECK(text && header && !strncmp(text, header, hlen), "upgrade: the file has this version's header");
	/* the fields as the new header orders them: schema_version first, mode throughput */
	const char *r1 = text ? strchr(text, '\n') : NULL, *r2 = r1 ? strchr(r1 + 1, '\n') : NULL;
	CHECK(r1 && !strncmp(r1 + 1, SCHEMA_VERSION_TEXT ",", 2) && r2 && !strncmp(r2 + 1, SCHEMA_VERSION_TEXT ",", 2) &&
	      strstr(r1, ",Normal,") && strstr(r1, ",\"a, \"\"quoted\"\" reason\"\n") && strstr(r1, ",fence,throughput,") &&
	      strstr(r2, ",3.00001,") && strstr(r2, ",21.29999,") && !strstr(r2, "Device"),
	      "upgrade: rows say version " SCHEMA_VERSION_TEXT ", texts copied as they were, mode throughput, the version-1 row without memtype_effective");
	free(text);
	free(header);
	rs_free(&before);
	rs_free(&after);
	/* a row that does not read: refused, nothing changed, no temporary file left */
	static const char damaged[] = READER_HEADER "\n1," READER_ROW "\n1,host,ram,ram,anon,WB,c_8,none,64,64,1,fence,ok,five,3.0,21.3,20.1,22.0\n";
	f = fopen(path, "w");
	fputs(damaged, f);
	fclose(f);
	rc = results_upgrade(path, &rows, err, sizeof err);
	text = slurp(path);
	char listing[256];
	snprintf(listing, sizeof listing, "ls -A %s | grep -qv '^results.csv$'", dir);
	CHECK(rc == -EINVAL && strstr(err, "line 3") && strstr(err, "samples") && text && !strcmp(text, damaged) &&
	      system(listing) != 0,
	      "upgrade: a damaged row is refused naming line and column, the file left as it was (%s)", err);
	free(text);
	unlink(path);
	rmdir(dir);
}

/* metadata.json read as a hostile file: appends land inside the named list, or are refused. */
static void test_metadata_lists(void)
{
	char dir[] = "/tmp/wcbench-md-XXXXXX", path[64], err[512] = "";
	if (!mkdtemp(dir)) {
		CHECK(0, "metadata: a temporary directory");
		return;
	}
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	/* strings holding brackets, quotes and the list's own name must not be taken for structure */
	static const char start[] =
		"{\n  \"schema_version\": " SCHEMA_VERSION_TEXT ",\n  \"run_id\": \"r\",\n"
		"  \"command_line\": [\"a]b\", \"\\\"memtype_probes\\\": [\", \"c\\\\\"],\n"
		"  \"sampling\": {\"x\": [1, {\"y\": \"}\"}]},\n"
		"  \"memtype_probes\": [],\n  \"resumes\": []\n}\n";
	FILE *f = fopen(path, "w");
	fputs(start, f);
	fclose(f);
	int rc = metadata_add_memtype_probe(dir, "file:/x]\"y", "Normal", "how, with ] and \\", err, sizeof err);
	int rc2 = metadata_add_memtype_probe(dir, "ram", "", "not probed", err, sizeof err);
	char *text = read_regular_file(path, 1 << 20, NULL, err, sizeof err);
	const char *list = text ? strstr(text, "\"memtype_probes\": [\n    {\"target\": \"file:/x]\\\"y\"") : NULL;
	CHECK(rc == 0 && rc2 == 0 && list && strstr(list, "\"how\": \"how, with ] and \\\\\"") &&
	      strstr(list, "},\n    {\"target\": \"ram\", \"memtype_effective\": \"\"") &&
	      strstr(list, "\"}\n  ],\n  \"resumes\": []\n}\n") && !memcmp(text, start, (size_t)(strstr(start, "  \"memtype_probes") - start)),
	      "metadata: two probes appended inside memtype_probes, escaped, the rest as it was (%s)", err);
	free(text);
	struct run_metadata md = { .argc = 1, .argv = (char *[]){ "run", NULL } };
	rc = metadata_add_resume(dir, &md, err, sizeof err);
	text = read_regular_file(path, 1 << 20, NULL, err, sizeof err);
	CHECK(rc == 0 && text && strstr(text, "\"resumes\": [\n    {\"utc\": \"") && strstr(text, "\"command_line\": [\"run\"]}\n  ]\n}\n"),
	      "metadata: a resume is appended to resumes (%s)", err);
	free(text);
	char run_id[64];
	long version = 0;
	rc = metadata_check_resume(dir, &md, run_id, sizeof run_id, &version, err, sizeof err);
	CHECK(rc == 0 && !strcmp(run_id, "r") && version == SCHEMA_VERSION,
	      "metadata: a run of this schema version may resume (%s)", err);

	static const char *const damaged[] = {
		"{\"schema_version\": 2, \"resumes\": []}",          /* no memtype_probes list */
		"{\"schema_version\": 2, \"memtype_probes\": \"[]\"}", /* not a list */
		"{\"schema_version\": 2, \"memtype_probes\": [",       /* cut short */
		"{\"a\": \"\\",                                      /* cut inside an escape */
		"[\"memtype_probes\", []]",                           /* not an object */
		"",
	};
	for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
		f = fopen(path, "w");
		fputs(damaged[i], f);
		fclose(f);
		rc = metadata_add_memtype_probe(dir, "ram", "", "x", err, sizeof err);
		text = read_regular_file(path, 1 << 20, NULL, err + 256, 256);
		CHECK(rc == -EINVAL && strstr(err, "memtype_probes") && text && !strcmp(text, damaged[i]),
		      "metadata: damaged file %zu refused, left as it was (%s)", i, err);
		free(text);
	}
	/* runs of earlier versions are resumed (and upgraded by the caller); a later one is not */
	for (long v = 1; v <= SCHEMA_VERSION + 1; v++) {
		f = fopen(path, "w");
		fprintf(f, "{\n  \"schema_version\": %ld,\n  \"run_id\": \"r\",\n  \"resumes\": []\n}\n", v);
		fclose(f);
		version = 0;
		err[0] = '\0';
	rc = metadata_check_resume(dir, &md, run_id, sizeof run_id, &version, err, sizeof err);
		char was[32];
		snprintf(was, sizeof was, "version %ld,", v);
		if (v <= SCHEMA_VERSION)
			CHECK(rc == 0 && version == v, "metadata: a run of schema version %ld may resume (%s)", v, err);
		else
			CHECK(rc == -EINVAL && strstr(err, was) && strstr(err, "later than version " SCHEMA_VERSION_TEXT " ") &&
			      strstr(err, "metadata.json") && strstr(err, "--out") && !strchr(err, '\n'),
			      "metadata: a run of a later schema version is refused in one line naming both versions (%s)", err);
	}

	/* an option a version did not record yet reads as what that version had */
	struct resume_option probe = { .name = "probe", .value = "off", .since = 2, .earlier = "off" };
	struct run_metadata mp = { .options = &probe, .noptions = 1 };
	f = fopen(path, "w");
	fputs("{\n  \"schema_version\": 1,\n  \"run_id\": \"r\",\n  \"must_match_on_resume\": {\"option_env\": \"host\"},\n  \"resumes\": []\n}\n", f);
	fclose(f);
	err[0] = '\0';
	rc = metadata_check_resume(dir, &mp, run_id, sizeof run_id, &version, err, sizeof err);
	CHECK(rc == 0, "metadata: a version-1 run, which had no --probe, resumes without it (%s)", err);
	probe.value = "on";
	err[0] = '\0';
	rc = metadata_check_resume(dir, &mp, run_id, sizeof run_id, &version, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "--probe is 'on'") && strstr(err, "used 'off'"),
	      "metadata: ... but not with --probe, which that run did not use (%s)", err);
	probe.value = "off";
	f = fopen(path, "w");
	fputs("{\n  \"schema_version\": 2,\n  \"run_id\": \"r\",\n  \"must_match_on_resume\": {\"option_env\": \"host\"},\n  \"resumes\": []\n}\n", f);
	fclose(f);
	err[0] = '\0';
	rc = metadata_check_resume(dir, &mp, run_id, sizeof run_id, &version, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "does not record --probe"),
	      "metadata: a version-2 run that does not record --probe is refused: that version recorded it (%s)", err);

	/* a resume that upgraded the run: the version it came from, schema_version now this one, and
	 * the options that version did not record yet recorded as it ran them */
	static const char v1[] = "{\n  \"schema_version\": 1,\n  \"wcbench_version\": \"x\",\n  \"run_id\": \"r\",\n"
				 "  \"must_match_on_resume\": {\"option_env\": \"host\"},\n  \"resumes\": []\n}\n";
	f = fopen(path, "w");
	fputs(v1, f);
	fclose(f);
	mp.upgraded_from = 1;
	mp.argc = md.argc;
	mp.argv = md.argv;
	err[0] = '\0';
	rc = metadata_add_resume(dir, &mp, err, sizeof err);
	text = read_regular_file(path, 1 << 20, NULL, err + 256, 256);
	const char *entry = text ? strstr(text, "\"resumes\": [\n    {\"utc\": \"") : NULL;
	CHECK(rc == 0 && text && !strncmp(text, "{\n  \"schema_version\": " SCHEMA_VERSION_TEXT ",\n  \"wcbench_version\": \"x\",\n", 47) &&
	      strstr(text, "\"must_match_on_resume\": {\"option_env\": \"host\", \"option_probe\": \"off\"},\n") &&
	      entry && strstr(entry, "\"upgraded_from_schema\": 1, \"sampling\": {") && strstr(entry, "\"stop_rule\": \""),
	      "metadata: an upgrading resume sets schema_version to " SCHEMA_VERSION_TEXT ", records --probe as the "
	      "version-1 run had it, upgraded_from_schema 1 and its sampling (%s)", err);
	free(text);
	err[0] = '\0';
	rc = metadata_check_resume(dir, &mp, run_id, sizeof run_id, &version, err, sizeof err);
	CHECK(rc == 0 && version == SCHEMA_VERSION, "metadata: once upgraded, the run is of this version and resumes (%s)", err);
	mp.upgraded_from = 0;
	rc = metadata_add_resume(dir, &mp, err, sizeof err);
	text = read_regular_file(path, 1 << 20, NULL, err + 256, 256);
	const char *once = text ? strstr(text, "upgraded_from_schema") : NULL;
	CHECK(rc == 0 && text && strstr(text, "\"option_env\": \"host\", \"option_probe\": \"off\"},\n") && once &&
	      !strstr(once + 1, "upgraded_from_schema") && strstr(text, "},\n    {\"utc\": \""),
	      "metadata: a later resume of it is a plain entry: no upgrade, no option twice (%s)", err);
	free(text);
	md.upgraded_from = 0;
	unlink(path);
	rmdir(dir);
}

void test_results(void)
{
	CHECK(make_dirs("") == -ENOENT, "make_dirs: an empty path is refused, not read past");
	struct row a, b;
	sample_row(&a);
	sample_row(&b);
	CHECK(same_case(&a, &b, 0) && same_machine(&a, &b), "keys: equal rows share case and machine key");
	strcpy(b.barrier_every, "burst");
	CHECK(!same_case(&a, &b, 0), "keys: barrier_every is part of the case key");
	CHECK(same_case(&a, &b, case_key_bit("barrier_every")), "keys: --ignore barrier_every matches them");
	b = a;
	strcpy(b.target, "file:/x");
	CHECK(!same_case(&a, &b, 0), "keys: target is part of the case key");
	b = a;
	b.gb_per_s_median = 3;
	strcpy(b.reason, "x");
	CHECK(same_case(&a, &b, 0), "keys: measured values are not part of the case key");
	b = a;
	strcpy(b.run_id, "20261121T000001Z-a");
	CHECK(same_case(&a, &b, 0) && !same_machine(&a, &b), "keys: run_id is the machine's, not the case's");
	CHECK(case_key_bit("burst_bytes") && !case_key_bit("gb_per_s_median") && !case_key_bit("run_id"),
	      "keys: only case-key columns have an ignore bit");
	struct row rows[3];
	sample_row(&rows[0]);
	sample_row(&rows[1]);
	strcpy(rows[1].kernel, "movnti_8");
	sample_row(&rows[2]);
	rows[2].burst_bytes = 4096;
	struct case_key_set set;
	CHECK(case_key_set_build(&set, rows, 3) == 0, "keys: a set of three case keys is built");
	b = rows[2];
	b.gb_per_s_median = 7;
	CHECK(case_key_set_has(&set, &rows[1]) && case_key_set_has(&set, &b),
	      "keys: the set holds each row's case (measured values aside)");
	b.burst_bytes = 64 * 1024;
	CHECK(!case_key_set_has(&set, &b), "keys: the set does not hold a case none of its rows had");
	case_key_set_free(&set);
	CHECK(case_key_set_build(&set, NULL, 0) == 0 && !case_key_set_has(&set, &a),
	      "keys: an empty set holds nothing");
	case_key_set_free(&set);
	char list[256];
	key_column_list(KEY_CASE, list, sizeof list);
	CHECK(strstr(list, "target, target_kind") && strstr(list, "drain"), "keys: case key columns listed (%s)", list);
	b = a;
	strcpy(b.memtype_effective, "Normal");
	CHECK(same_case(&a, &b, 0) && !case_key_bit("memtype_effective"),
	      "keys: memtype_effective is an observation, not part of the case key");
	test_versions();
	test_metadata_lists();
	test_upgrade();
	test_compare_rule();
}
