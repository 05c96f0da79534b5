/* Result sets: results.csv files read back (compare, report, plot, resume) into struct row. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/csv.h"
#include "common/json.h"
#include "results/resultset.h"
#include "results/schema.h"

void fmt_bytes(unsigned long long b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	unsigned long long v = b;
	while (v >= 1024 && v % 1024 == 0 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%llu %s", v, unit[u]);
}

/* Besides the case-key columns (results/keys.h), what a reader needs by default. */
static const char *const default_required[] = {
	"status", "samples", "ns_per_burst_median", "gb_per_s_median", "gb_per_s_p10",
	"gb_per_s_p90", NULL
};

static void init_row(struct row *r)
{
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < schema_column_count; i++)
		if (schema_columns[i].type == COL_DOUBLE)
			*(double *)((char *)r + schema_columns[i].offset) = NAN;
}

static int parse_u64(const char *s, unsigned long long max, unsigned long long *out)
{
	if (!*s) {
		*out = 0;
		return 0;
	}
	if (*s == '-' || *s == '+' || *s == ' ')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_field(const struct column *c, const char *s, struct row *r, char *why, size_t wl)
{
	char *p = (char *)r + c->offset;
	unsigned long long u;
	switch (c->type) {
	case COL_SCHEMA_VERSION:
		return 0; /* checked by the caller */
	case COL_STR: {
		size_t sz = c->size;
		if (strlen(s) >= sz) {
			snprintf(why, wl, "value longer than %zu bytes", sz - 1);
			return -1;
		}
		memcpy(p, s, strlen(s) + 1);
		return 0;
	}
	case COL_UINT:
		if (parse_u64(s, 0xffffffffULL, &u)) {
			snprintf(why, wl, "'%.40s' is not an unsigned integer", s);
			return -1;
		}
		*(unsigned *)p = (unsigned)u;
		return 0;
	case COL_U64:
		if (parse_u64(s, ~0ULL, &u)) {
			snprintf(why, wl, "'%.40s' is not an unsigned integer", s);
			return -1;
		}
		*(uint64_t *)p = u;
		return 0;
	case COL_DOUBLE: {
		if (!*s) {
			*(double *)p = NAN;
			return 0;
		}
		char *end;
		errno = 0;
		double d = strtod(s, &end);
		if (errno || *end || end == s) {
			snprintf(why, wl, "'%.40s' is not a number", s);
			return -1;
		}
		*(double *)p = d;
		return 0;
	}
	case COL_STATUS:
		if (status_parse(s, (enum row_status *)p)) {
			snprintf(why, wl, "unknown status '%.40s' (ok, unsupported, fault, error)", s);
			return -1;
		}
		return 0;
	}
	return 0;
}

void rs_free(struct result_set *rs)
{
	free(rs->csv_path);
	free(rs->dir);
	free(rs->rows);
	free(rs->line);
	memset(rs, 0, sizeof *rs);
}

/* CSV record `cells` (line `line` of csv) into *row through the column map `at`. 0 or -EINVAL
 * with err set. */
static int parse_row(const char *csv, size_t line, const char *const *cells, int vcol, const int *at,
		     struct row *row, char *err, size_t errlen)
{
	const char *v = cells[vcol];
	size_t digits = strspn(v, "0123456789");
	if (!digits || v[digits]) {
		/* said as written, and why: 1.0000000001 is no version 1 */
		char shown[48], *end;
		utf8_one_line(v, NULL, shown, sizeof shown);
		strtod(v, &end);
		const char *why = !*v || *end ? "is not a number"
				: strpbrk(v, ".eE") ? "is not a whole number"
				: "is not written as digits alone";
		snprintf(err, errlen, "%s: line %zu: schema_version '%s' %s (a schema version is 1, 2, ...; "
			 "this wcbench reads versions 1 to %d)", csv, line, shown, why, SCHEMA_VERSION);
		return -EINVAL;
	}
	errno = 0;
	long ver = strtol(v, NULL, 10);
	if (errno || ver < 1 || ver > SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: line %zu: schema version %.40s %s (this wcbench reads versions 1 to %d)",
			 csv, line, v, ver < 1 ? "does not exist"
				       : "is later than this wcbench knows: read it with a later wcbench",
			 SCHEMA_VERSION);
		return -EINVAL;
	}
	init_row(row);
	for (size_t i = 0; i < schema_column_count; i++) {
		char why[160];
		/* a column added after the row's version holds what such rows meant (its `earlier`
		 * value) or stays empty, whatever the header holds */
		if (!column_in_version(&schema_columns[i], ver)) {
			if (schema_columns[i].earlier)
				parse_field(&schema_columns[i], schema_columns[i].earlier, row, why, sizeof why);
			continue;
		}
		if (at[i] < 0)
			continue;
		if (parse_field(&schema_columns[i], cells[at[i]], row, why, sizeof why)) {
			snprintf(err, errlen, "%s: line %zu: column %s: %s", csv, line,
				 schema_columns[i].name, why);
			return -EINVAL;
		}
	}
	return 0;
}

int rs_load(const char *path, const char *const *required, struct result_set *rs, char *err,
	    size_t errlen)
{
	memset(rs, 0, sizeof *rs);
	struct stat st;
	if (stat(path, &st)) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	char *csv, *dir;
	if (S_ISDIR(st.st_mode)) {
		if (asprintf(&csv, "%s/results.csv", path) < 0)
			return -ENOMEM;
		dir = strdup(path);
	} else {
		csv = strdup(path);
		const char *slash = strrchr(path, '/');
		dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	}
	rs->csv_path = csv;
	rs->dir = dir;
	if (!csv || !dir) {
		rs_free(rs);
		return -ENOMEM;
	}

	struct csv_table t;
	int rc = csv_read(csv, &t, err, errlen);
	if (rc) {
		if (rc == -ENOENT && S_ISDIR(st.st_mode))
			snprintf(err, errlen, "%s: no results.csv in this directory (is it a `wcbench run --out` directory?)",
				 path);
		rs_free(rs);
		return rc;
	}
	int vcol = csv_col(&t, "schema_version");
	if (vcol < 0) {
		snprintf(err, errlen, "%s: no schema_version column: not a wcbench results CSV (header starts '%.60s')",
			 csv, t.ncols ? t.cols[0] : "");
		rc = -EINVAL;
		goto fail;
	}
	if (!required)
		for (size_t i = 0; i < schema_column_count; i++)
			/* (a key column added later is missing from earlier versions' headers) */
			if ((schema_columns[i].key & KEY_CASE) && !schema_columns[i].added_in &&
			    csv_col(&t, schema_columns[i].name) < 0) {
				snprintf(err, errlen, "%s: required column '%s' is missing from the header",
					 csv, schema_columns[i].name);
				rc = -EINVAL;
				goto fail;
			}
	for (const char *const *q = required ? required : default_required; *q; q++)
		if (csv_col(&t, *q) < 0) {
			snprintf(err, errlen, "%s: required column '%s' is missing from the header", csv, *q);
			rc = -EINVAL;
			goto fail;
		}

	/* map schema columns to CSV columns by name */
	int *at = malloc(schema_column_count * sizeof *at);
	rs->rows = t.nrows ? calloc(t.nrows, sizeof *rs->rows) : NULL;
	rs->line = t.nrows ? calloc(t.nrows, sizeof *rs->line) : NULL;
	if (!at || (t.nrows && (!rs->rows || !rs->line))) {
		free(at);
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", csv);
		goto fail;
	}
	for (size_t i = 0; i < schema_column_count; i++)
		at[i] = csv_col(&t, schema_columns[i].name);

	for (size_t r = 0; r < t.nrows; r++) {
		/* csv_read skips blank lines, so this is the record number, which is the line
		 * number unless a quoted field held a newline */
		size_t line = r + 2;
		rc = parse_row(csv, line, (const char *const *)t.rows[r], vcol, at, &rs->rows[r], err, errlen);
		rs->line[r] = line;
		if (rc)
			break;
		rs->nrows++;
	}
	free(at);
	if (rc)
		goto fail;
	csv_free(&t);
	return 0;
fail:
	csv_free(&t);
	rs_free(rs);
	return rc;
}


int row_case_name(const struct row *r, char *buf, size_t len)
{
	char sz[32];
	fmt_bytes(r->burst_bytes, sz, sizeof sz);
	char bar[48];
	if (!strcmp(r->barrier, "none") || !r->barrier[0])
		bar[0] = '\0';
	else
		snprintf(bar, sizeof bar, "+%s@%s", r->barrier, r->barrier_every);
	return snprintf(buf, len, "%s %s/%s %s %s%s %s x%u drain=%s", r->env, r->target_kind, r->map,
			r->memtype, r->kernel, bar, sz, r->threads, r->drain);
}

