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
#include "results/keys.h"
#include "results/metadata.h"
#include "results/resultset.h"

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
		{ "+2", "is not a number" },
		{ " 2", "is not a number" },
		{ "-1", "is not a number" },
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
	rc = metadata_check_resume(dir, &md, run_id, sizeof run_id, err, sizeof err);
	CHECK(rc == 0 && !strcmp(run_id, "r"), "metadata: a run of this schema version may resume (%s)", err);

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
	f = fopen(path, "w");
	fputs("{\n  \"schema_version\": 1,\n  \"run_id\": \"r\",\n  \"resumes\": []\n}\n", f);
	fclose(f);
	rc = metadata_check_resume(dir, &md, run_id, sizeof run_id, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "version 1,") && strstr(err, "writes version " SCHEMA_VERSION_TEXT ",") &&
	      strstr(err, "metadata.json"),
	      "metadata: a run of schema version 1 is not resumed: both versions named (%s)", err);
	f = fopen(path, "w");
	fputs("{\n  \"schema_version\": 2,\n  \"run_id\": \"r\",\n  \"memtype_probes\": [],\n  \"resumes\": []\n}\n", f);
	fclose(f);
	rc = metadata_check_resume(dir, &md, run_id, sizeof run_id, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "version 2,") && strstr(err, "writes version " SCHEMA_VERSION_TEXT ",") &&
	      strstr(err, "metadata.json"),
	      "metadata: a run of schema version 2 is not resumed either: both versions named (%s)", err);
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
}
