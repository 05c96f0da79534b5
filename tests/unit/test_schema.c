#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "results/csv.h"
#include "results/schema.h"

void test_schema(void)
{
	/* the columns the results must have, in any order the schema chooses */
	static const char *const required[] = {
		"schema_version", "run_id", "env", "arch", "cpu_model", "os_release", "target", "map",
		"memtype", "kernel", "width_bytes", "barrier", "barrier_every", "burst_bytes",
		"window_bytes", "threads", "cpus", "drain", "samples", "ns_per_burst_median",
		"ns_per_burst_p10", "ns_per_burst_p90", "ns_per_burst_min", "gb_per_s_median", "cv",
		"status", "reason",
	};
	CHECK(!strcmp(schema_columns[0].name, "schema_version"), "schema: first column is schema_version");
	bool all = true;
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		bool found = false;
		for (size_t c = 0; c < schema_column_count; c++)
			found |= !strcmp(schema_columns[c].name, required[i]);
		if (!found)
			printf("# missing column %s\n", required[i]);
		all &= found;
	}
	CHECK(all, "schema: every required column is declared");
	bool unique = true, described = true;
	for (size_t a = 0; a < schema_column_count; a++) {
		described &= schema_columns[a].desc && schema_columns[a].desc[0];
		for (size_t b = a + 1; b < schema_column_count; b++)
			unique &= strcmp(schema_columns[a].name, schema_columns[b].name) != 0;
	}
	CHECK(unique && described, "schema: names unique, each described");

	/* versions: memtype_effective came with version 2, after memtype_seen, outside every key */
	const struct column *eff = schema_column("memtype_effective");
	CHECK(eff && eff > schema_columns && !strcmp(eff[-1].name, "memtype_seen") && eff->key == 0 &&
	      eff->added_in == 2 && SCHEMA_VERSION >= 2,
	      "schema: memtype_effective follows memtype_seen, is in no key, and came with version 2");
	/* memtype_stage2 came with version 3, after memtype_effective, outside every key */
	const struct column *st2 = schema_column("memtype_stage2");
	CHECK(st2 && st2 > schema_columns && !strcmp(st2[-1].name, "memtype_effective") && st2->key == 0 &&
	      st2->added_in == 3 && st2->type == COL_STR && st2->size == sizeof(((struct row *)0)->memtype_stage2) &&
	      SCHEMA_VERSION >= 3,
	      "schema: memtype_stage2 follows memtype_effective, is in no key, and came with version 3");
	/* version 4: mode (a case key that rows of earlier versions read as throughput), the
	 * median's interval and the latency columns */
	const struct column *mode = schema_column("mode");
	CHECK(mode && !strcmp(mode[-1].name, "drain") && (mode->key & KEY_CASE) && mode->added_in == 4 &&
	      mode->earlier && !strcmp(mode->earlier, "throughput") && SCHEMA_VERSION == 4,
	      "schema: mode follows drain, is a case key, came with version 4 (this one), earlier rows read throughput");
	const char *v4_cols[] = { "ns_per_burst_ci_lo", "ns_per_burst_ci_hi", "latency_ns_p50", "latency_ns_p90",
				  "latency_ns_p99", "latency_ns_p999", "latency_ns_max", "latency_timer_ns" };
	bool v4_ok = true;
	for (size_t i = 0; i < sizeof v4_cols / sizeof v4_cols[0]; i++) {
		const struct column *c = schema_column(v4_cols[i]);
		v4_ok &= c && c->added_in == 4 && c->type == COL_DOUBLE && c->key == 0 && !c->earlier &&
			 !strcmp(c->unit, "ns");
	}
	CHECK(v4_ok, "schema: the interval and latency columns are ns, outside every key, from version 4, empty before");
	const struct column *env = schema_column("env");
	CHECK(env && strstr(env->desc, "host") && strstr(env->desc, "guest") && strstr(env->desc, "microvm") &&
	      strstr(env->desc, "wcbench vm") && (env->key & KEY_CASE),
	      "schema: env names its values host, guest and microvm (the rows of wcbench vm), and is a case key");
	CHECK(st2 && !column_in_version(st2, 1) && !column_in_version(st2, 2) && column_in_version(st2, 3),
	      "schema: memtype_stage2 is in the rows of version 3 only");
	CHECK(!column_in_version(eff, 1) && column_in_version(eff, 2) && column_in_version(eff, 3) &&
	      column_in_version(&schema_columns[0], 1) && column_in_version(&schema_columns[0], SCHEMA_VERSION) &&
	      !column_in_version(&schema_columns[0], 0) && !column_in_version(&schema_columns[0], SCHEMA_VERSION + 1),
	      "schema: a column is in the versions from the one that added it to this one");
	/* the header as version 1 wrote it (a fact of the past: it never changes) */
	static const char v1_header[] =
		"schema_version,run_id,env,arch,cpu_model,os_release,target,target_kind,device,map,memtype,"
		"memtype_seen,kernel,width_bytes,barrier,barrier_every,burst_bytes,window_bytes,threads,cpus,"
		"nodes,packages,drain,timer,timer_ns,samples,bursts_per_sample,ns_per_burst_median,"
		"ns_per_burst_p10,ns_per_burst_p90,ns_per_burst_min,gb_per_s_median,gb_per_s_p10,gb_per_s_p90,"
		"cv,verify,status,reason\n";
	/* and as version 2 wrote it (tests/fixtures/v2 holds a run of it) */
	static const char v2_header[] =
		"schema_version,run_id,env,arch,cpu_model,os_release,target,target_kind,device,map,memtype,"
		"memtype_seen,memtype_effective,kernel,width_bytes,barrier,barrier_every,burst_bytes,window_bytes,"
		"threads,cpus,nodes,packages,drain,timer,timer_ns,samples,bursts_per_sample,ns_per_burst_median,"
		"ns_per_burst_p10,ns_per_burst_p90,ns_per_burst_min,gb_per_s_median,gb_per_s_p10,gb_per_s_p90,"
		"cv,verify,status,reason\n";
	/* and version 3 */
	static const char v3_header[] =
		"schema_version,run_id,env,arch,cpu_model,os_release,target,target_kind,device,map,memtype,"
		"memtype_seen,memtype_effective,memtype_stage2,kernel,width_bytes,barrier,barrier_every,burst_bytes,"
		"window_bytes,threads,cpus,nodes,packages,drain,timer,timer_ns,samples,bursts_per_sample,"
		"ns_per_burst_median,ns_per_burst_p10,ns_per_burst_p90,ns_per_burst_min,gb_per_s_median,gb_per_s_p10,"
		"gb_per_s_p90,cv,verify,status,reason\n";
	static const char v4_header[] =
		"schema_version,run_id,env,arch,cpu_model,os_release,target,target_kind,device,map,memtype,"
		"memtype_seen,memtype_effective,memtype_stage2,kernel,width_bytes,barrier,barrier_every,burst_bytes,"
		"window_bytes,threads,cpus,nodes,packages,drain,mode,timer,timer_ns,samples,bursts_per_sample,"
		"ns_per_burst_median,ns_per_burst_p10,ns_per_burst_p90,ns_per_burst_min,ns_per_burst_ci_lo,"
		"ns_per_burst_ci_hi,gb_per_s_median,gb_per_s_p10,gb_per_s_p90,cv,latency_ns_p50,latency_ns_p90,"
		"latency_ns_p99,latency_ns_p999,latency_ns_max,latency_timer_ns,verify,status,reason\n";
	char *h3 = NULL;
	size_t l3 = 0;
	CHECK(csv_header_line_of_version(3, &h3, &l3) == 0 && l3 == strlen(v3_header) && !memcmp(h3, v3_header, l3),
	      "schema: the version-3 header is rebuilt exactly from the table");
	free(h3);
	char *h1 = NULL, *h2 = NULL, *hnow = NULL, *hcur = NULL;
	size_t l1 = 0, l2 = 0, lnow = 0, lcur = 0;
	int rc1 = csv_header_line_of_version(1, &h1, &l1);
	CHECK(rc1 == 0 && l1 == strlen(v1_header) && !memcmp(h1, v1_header, l1),
	      "schema: the version-1 header is rebuilt exactly from the table");
	int rc2 = csv_header_line_of_version(2, &h2, &l2);
	CHECK(rc2 == 0 && l2 == strlen(v2_header) && !memcmp(h2, v2_header, l2),
	      "schema: the version-2 header is rebuilt exactly from the table");
	CHECK(csv_header_line_of_version(SCHEMA_VERSION, &hnow, &lnow) == 0 && csv_header_line(&hcur, &lcur) == 0 &&
	      lnow == lcur && !memcmp(hnow, hcur, lcur) && lcur == strlen(v4_header) && !memcmp(hcur, v4_header, lcur),
	      "schema: this version's header is version 4's");
	free(h1);
	free(h2);
	free(hnow);
	free(hcur);
	char *hbad = NULL;
	size_t lbad = 0;
	CHECK(csv_header_line_of_version(0, &hbad, &lbad) == -EINVAL &&
	      csv_header_line_of_version(SCHEMA_VERSION + 1, &hbad, &lbad) == -EINVAL && !hbad,
	      "schema: no header for version 0 or a later version");
	/* (a run of an earlier version is upgraded instead: results/upgrade.c, tests/t_versions.sh) */
	char refusal[512], was[32], now[48];
	snprintf(was, sizeof was, "version %d,", SCHEMA_VERSION + 1);
	snprintf(now, sizeof now, "later than version %d that", SCHEMA_VERSION);
	schema_refuse_resume(refusal, sizeof refusal, "d/results.csv", SCHEMA_VERSION + 1);
	CHECK(strstr(refusal, "d/results.csv") && strstr(refusal, was) && strstr(refusal, now) &&
	      strstr(refusal, "--out") && !strchr(refusal, '\n'),
	      "schema: a resume of a later version's run is refused in one line naming the file, both versions and what to do");

	/* write a row with awkward text and read it back by name */
	char path[] = "/tmp/wcbench-schema-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct row r;
	memset(&r, 0, sizeof r);
	strcpy(r.kernel, "mov_8");
	strcpy(r.reason, "a reason, with \"quotes\" and commas");
	r.burst_bytes = 4096;
	r.gb_per_s_median = 12.5;
	r.ns_per_burst_p10 = NAN;
	r.status = STATUS_FAULT;
	strcpy(r.memtype_effective, "Device");
	strcpy(r.memtype_stage2, "Normal");
	csv_write_header(f);
	csv_write_row(f, &r);
	csv_write_row(f, &r);
	fclose(f);
	struct csv_table t;
	char err[256];
	int rc = csv_read(path, &t, err, sizeof err);
	CHECK(rc == 0 && t.ncols == schema_column_count && t.nrows == 2, "csv: header and rows read back");
	if (rc == 0) {
		CHECK(!strcmp(t.rows[1][csv_col(&t, "reason")], r.reason), "csv: quoted field round-trips");
		CHECK(!strcmp(t.rows[0][csv_col(&t, "status")], "fault"), "csv: status by name");
		CHECK(atoi(t.rows[0][csv_col(&t, "schema_version")]) == SCHEMA_VERSION, "csv: version column");
		CHECK(!strcmp(t.rows[0][csv_col(&t, "memtype_effective")], "Device") &&
		      !strcmp(t.rows[0][csv_col(&t, "memtype_stage2")], "Normal") &&
		      csv_col(&t, "memtype_stage2") == csv_col(&t, "memtype_effective") + 1,
		      "csv: memtype_effective and, after it, memtype_stage2 written");
		CHECK(!strcmp(t.rows[0][csv_col(&t, "burst_bytes")], "4096") &&
		      atof(t.rows[0][csv_col(&t, "gb_per_s_median")]) == 12.5, "csv: numbers by name");
		CHECK(!strcmp(t.rows[0][csv_col(&t, "ns_per_burst_p10")], ""), "csv: unmeasured is empty");
		CHECK(csv_col(&t, "no_such") == -1, "csv: unknown column is -1");
		csv_free(&t);
	}
	/* damaged files */
	f = fopen(path, "w");
	fputs("a,b,c\n1,2\n", f);
	fclose(f);
	rc = csv_read(path, &t, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "line 2"), "csv: truncated row is an error naming the line (%s)", err);
	f = fopen(path, "w");
	fclose(f);
	rc = csv_read(path, &t, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "empty"), "csv: empty file is an error (%s)", err);
	f = fopen(path, "w");
	fputs("a,b\n\"open,1\n", f);
	fclose(f);
	rc = csv_read(path, &t, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "unterminated"), "csv: unterminated quote is an error (%s)", err);
	unlink(path);
	rc = csv_read(path, &t, err, sizeof err);
	CHECK(rc == -ENOENT, "csv: missing file is -ENOENT (%s)", err);
}
