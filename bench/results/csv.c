#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"
#include "common/util.h"
#include "results/csv.h"

struct strvec {
	size_t n, cap;
	char **v;
};

static int push(struct strvec *s, char *x)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		char **v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = x;
	return 0;
}

/* Parse one record starting at *pp; advances past its line end. Returns 0, 1 at end of input,
 * or -EINVAL for an unterminated quote. */
static int parse_record(char **pp, struct strvec *fields)
{
	char *p = *pp;
	if (!*p)
		return 1;
	for (;;) {
		char *out = p, *start = p;
		if (*p == '"') {
			p++;
			for (;;) {
				if (!*p)
					return -EINVAL;
				if (*p == '"') {
					if (p[1] == '"') {
						*out++ = '"';
						p += 2;
						continue;
					}
					p++;
					break;
				}
				*out++ = *p++;
			}
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				*out++ = *p++;
		}
		/* read the separator before terminating the field: for an unquoted field the NUL
		 * lands on it */
		char sep = *p;
		char after = sep ? p[1] : '\0';
		*out = '\0';
		if (push(fields, start))
			return -ENOMEM;
		if (sep == ',') {
			p++;
			continue;
		}
		if (sep == '\r') {
			p++;
			sep = after;
		}
		if (sep == '\n')
			p++;
		else if (sep != '\0')
			return -EINVAL; /* garbage after a closing quote */
		*pp = p;
		return 0;
	}
}

/* Results files are small; a bigger one is not a results file (or is an attack). */
#define CSV_MAX_BYTES (256u << 20)

/* The line (1-based) holding offset `at` of buf. */
static size_t line_of(const char *buf, size_t at)
{
	size_t line = 1;
	for (size_t i = 0; i < at; i++)
		line += buf[i] == '\n';
	return line;
}

int csv_read(const char *path, struct csv_table *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	size_t len;
	char *buf = read_regular_file(path, CSV_MAX_BYTES, &len, err, errlen);
	if (!buf)
		return -errno;
	/* a NUL byte would end a field early and make a damaged row look whole */
	const char *nul = memchr(buf, '\0', len);
	if (nul) {
		snprintf(err, errlen, "%s: line %zu: NUL byte (damaged row)", path, line_of(buf, (size_t)(nul - buf)));
		free(buf);
		return -EINVAL;
	}
	if (len == 0 || strspn(buf, " \t\r\n") == len) {
		free(buf);
		snprintf(err, errlen, "%s: empty file (no CSV header)", path);
		return -EINVAL;
	}

	struct strvec fields = { 0 };
	char *p = buf;
	int rc = parse_record(&p, &fields);
	if (rc) {
		free(fields.v);
		free(buf);
		snprintf(err, errlen, "%s: line 1: malformed header", path);
		return -EINVAL;
	}
	t->ncols = fields.n;
	t->cols = fields.v;
	struct strvec rows = { 0 };
	for (size_t line = 2;; line++) {
		struct strvec rf = { 0 };
		rc = parse_record(&p, &rf);
		if (rc == 1)
			break;
		if (rc == 0 && rf.n == 1 && !rf.v[0][0]) {
			free(rf.v); /* blank line */
			continue;
		}
		if (rc == 0 && rf.n != t->ncols) {
			snprintf(err, errlen, "%s: line %zu: %zu fields, the header has %zu (truncated or damaged row)",
				 path, line, rf.n, t->ncols);
			rc = -EINVAL;
		} else if (rc < 0) {
			snprintf(err, errlen, "%s: line %zu: unterminated quoted field", path, line);
		}
		if (rc == 0)
			rc = push(&rows, (char *)rf.v);
		if (rc) {
			free(rf.v);
			t->rows = (char ***)rows.v;
			t->nrows = rows.n;
			csv_free(t);
			return rc;
		}
	}
	t->rows = (char ***)rows.v;
	t->nrows = rows.n;
	return 0;
}

int csv_col(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return (int)i;
	return -1;
}

void csv_free(struct csv_table *t)
{
	for (size_t r = 0; r < t->nrows; r++)
		free(t->rows[r]);
	free(t->rows);
	/* every string points into one buffer, which starts at the first header field */
	if (t->ncols)
		free(t->cols[0]);
	free(t->cols);
	memset(t, 0, sizeof *t);
}

void csv_field(struct sbuf *b, const char *s)
{
	sb_esc(b, esc_csv, s);
}
