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
