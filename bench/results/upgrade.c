/* A run's results.csv of an earlier schema version rewritten in this one (run --resume). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/util.h"
#include "results/csv.h"
#include "results/resultset.h"
#include "results/schema.h"
#include "results/upgrade.h"

/* The new text: this version's header, then each record of t in this version's columns. A
 * field's text is copied, never re-formatted, so no number changes by a digit. */
static int upgraded_text(const struct csv_table *t, struct sbuf *b)
{
	char *header;
	size_t hlen;
	int rc = csv_header_line(&header, &hlen);
	if (rc)
		return rc;
	sb_printf(b, "%s", header);
	free(header);
	int vcol = csv_col(t, "schema_version");
	int *at = malloc(schema_column_count * sizeof *at);
	if (!at)
		return -ENOMEM;
	if (vcol < 0) { /* (rs_load refused such a file already) */
		free(at);
		return -EINVAL;
	}
	for (size_t i = 0; i < schema_column_count; i++)
		at[i] = csv_col(t, schema_columns[i].name);
	for (size_t r = 0; r < t->nrows; r++) {
		/* rs_load has read this file: every row's version is a number from 1 to this one */
		long ver = strtol(t->rows[r][vcol], NULL, 10);
		bool first = true;
		for (size_t i = 0; i < schema_column_count; i++) {
			const struct column *c = &schema_columns[i];
			if (!column_in_version(c, SCHEMA_VERSION))
				continue;
			if (!first)
				sb_printf(b, ",");
			first = false;
			if (c->type == COL_SCHEMA_VERSION) {
				sb_printf(b, "%d", SCHEMA_VERSION);
				continue;
			}
			/* as parse_row (results/resultset.c) reads the old row */
			const char *v = !column_in_version(c, ver) ? (c->earlier ? c->earlier : "")
				      : at[i] >= 0 ? t->rows[r][at[i]] : "";
			csv_field(b, v);
		}
		sb_printf(b, "\n");
	}
	free(at);
	return b->oom ? -ENOMEM : 0;
}

/* path written whole and synced (mode: the old file's permissions). 0 or -errno. */
static int write_synced(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0 && errno == EEXIST && !unlink(path)) /* left by a process of the same pid */
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, data, len);
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

/* The directory holding path synced, so the rename is on disk too. 0 or -errno. */
static int sync_dir_of(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = fsync(fd) ? -errno : 0;
	close(fd);
	return rc;
}

/* Whether b holds a's rows, value for value (both read by rs_load, which zeroes each row before
 * filling it: equal rows are equal bytes). */
static bool same_rows(const struct result_set *a, const struct result_set *b)
{
	if (a->nrows != b->nrows)
		return false;
	for (size_t i = 0; i < a->nrows; i++)
		if (memcmp(&a->rows[i], &b->rows[i], sizeof a->rows[i]))
			return false;
	return true;
}

int results_upgrade(const char *csv_path, size_t *nrows, char *err, size_t errlen)
{
	struct result_set old = { 0 }, back = { 0 };
	struct csv_table t = { 0 };
	struct sbuf b = { 0 };
	char tmp[PATH_MAX], why[PATH_MAX + 200];
	struct stat st, after;
	*nrows = 0;
	if (stat(csv_path, &st)) {
		snprintf(err, errlen, "%s: %s", csv_path, strerror(errno));
		return -errno;
	}
	/* the old file as every reader takes it: a row that does not read is not copied blindly.
	 * A read error is the disk's (-EIO, exit 1), not a file that is not a run's. */
	int rc = rs_load(csv_path, NULL, &old, why, sizeof why);
	if (!rc)
		rc = csv_read(csv_path, &t, why, sizeof why);
	if (rc) {
		snprintf(err, errlen, "%s", why);
		rc = rc == -ENOMEM || rc == -EIO ? rc : -EINVAL;
		goto out;
	}
	/* both reads of one file: rows written in between would be read by one and not the other */
	if (stat(csv_path, &after) || after.st_ino != st.st_ino || after.st_size != st.st_size ||
	    after.st_mtim.tv_sec != st.st_mtim.tv_sec || after.st_mtim.tv_nsec != st.st_mtim.tv_nsec) {
		rc = -EIO;
		snprintf(err, errlen, "%s: changed while being read for the upgrade; left as it was", csv_path);
		goto out;
	}
	rc = upgraded_text(&t, &b);
	if (rc) {
		snprintf(err, errlen, "%s: cannot upgrade: %s", csv_path, strerror(-rc));
		goto out;
	}
	if (snprintf(tmp, sizeof tmp, "%s.upgrade.%ld", csv_path, (long)getpid()) >= (int)sizeof tmp) {
		rc = -ENAMETOOLONG;
		snprintf(err, errlen, "%s: %s", csv_path, strerror(-rc));
		goto out;
	}
	rc = write_synced(tmp, b.s, b.len, st.st_mode & 0777);
	if (rc) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(-rc));
		unlink(tmp);
		goto out;
	}
	/* never lose a row: the new file must read back as the old one did */
	if (rs_load(tmp, NULL, &back, why, sizeof why) || !same_rows(&old, &back)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: the upgraded rows do not read back as the old ones; %s left as it was",
			 tmp, csv_path);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, csv_path)) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot replace it: %s", csv_path, strerror(-rc));
		unlink(tmp);
		goto out;
	}
	rc = sync_dir_of(csv_path);
	if (rc)
		snprintf(err, errlen, "%s: replaced, but its directory cannot be synced: %s", csv_path,
			 strerror(-rc));
	*nrows = old.nrows;
out:
	sb_free(&b);
	csv_free(&t);
	rs_free(&old);
	rs_free(&back);
	return rc;
}

void results_upgrade_describe(long from, char *buf, size_t len)
{
	size_t o = 0, empty = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < schema_column_count; i++) {
		const struct column *c = &schema_columns[i];
		if (column_in_version(c, from) || !column_in_version(c, SCHEMA_VERSION))
			continue;
		if (!c->earlier) {
			empty++;
			continue;
		}
		int w = snprintf(buf + o, len - o, "%s%s %s", o ? ", " : "", c->name, c->earlier);
		if (w < 0 || (size_t)w >= len - o)
			return;
		o += (size_t)w;
	}
	if (empty)
		snprintf(buf + o, len - o, "%sthe %s%zu added column%s empty", o ? ", " : "", o ? "other " : "",
			 empty, empty == 1 ? "" : "s");
}
