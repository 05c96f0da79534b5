/*
 * Result sets read back from CSV (compare, report, plot, resume).
 * Columns are found by header name (csv_col), so a CSV with its columns in another order reads
 * the same; rows are parsed into struct row through schema_columns[].
 */
#ifndef WCBENCH_RESULTS_RESULTSET_H
#define WCBENCH_RESULTS_RESULTSET_H

#include <stdbool.h>
#include <stddef.h>

#include "results/schema.h"

struct result_set {
	char *csv_path;      /* the results.csv that was read */
	char *dir;           /* the run directory, or the directory holding the CSV */
	size_t nrows;
	struct row *rows;    /* numbers not measured are NAN, as csv_write_row leaves them empty */
	size_t *line;        /* CSV line of each row, for messages */
};

/*
 * Read a results directory (DIR/results.csv) or a CSV file written by `wcbench run`.
 * `required` lists the columns the caller needs (NULL-terminated; NULL: every case-key column, status
 * and the statistics); schema_version is always required and must be 1 to SCHEMA_VERSION in every
 * row (rows of several versions may be mixed: a row reads the columns its version has, the columns
 * added later read as empty). Unknown columns are ignored, missing optional ones read as empty.
 * Returns 0, or -errno with one line in err that names the file (and line, column).
 */
int rs_load(const char *path, const char *const *required, struct result_set *rs, char *err,
	    size_t errlen);
void rs_free(struct result_set *rs);

/* Human name of a case: "host ram/anon WB movnti_8+sfence@burst 4 KiB x1 drain=fence". */
int row_case_name(const struct row *r, char *buf, size_t len);
/* "4 KiB", "64 B", "1 MiB" (powers of two), otherwise the byte count. */
void fmt_bytes(unsigned long long b, char *buf, size_t len);

#endif
