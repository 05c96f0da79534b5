/* Reading results CSV back (compare, report, resume): columns found by header name. */
#ifndef WCBENCH_RESULTS_CSV_H
#define WCBENCH_RESULTS_CSV_H

#include <stddef.h>

struct csv_table {
	size_t ncols;
	char **cols;     /* header names */
	size_t nrows;
	char ***rows;    /* rows[r][c], each a NUL-terminated string */
};

/*
 * Read a whole CSV file (RFC 4180 quoting). Returns 0, or -errno with a one-line message in err:
 * missing file, empty file, a row whose field count differs from the header's (a truncated
 * row), an unterminated quote.
 */
int csv_read(const char *path, struct csv_table *t, char *err, size_t errlen);
/* Column index by header name, or -1. */
int csv_col(const struct csv_table *t, const char *name);
void csv_free(struct csv_table *t);

struct sbuf;
/* Append s as one CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
void csv_field(struct sbuf *b, const char *s);
#endif
