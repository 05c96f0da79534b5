/* Continuing a run: see resume.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/util.h"
#include "results/schema.h"
#include "results/upgrade.h"
#include "sweep/resume.h"

#define RESULTS_MAX (1UL << 30) /* a results.csv to resume: far more rows than any sweep */

/* The schema version (1 to this one) whose complete header text begins with, or 0; *partial: text
 * holds no line yet and is the beginning of a version's header (a header cut short). */
static long schema_of_header(const char *text, size_t len, bool *partial)
{
	*partial = false;
	for (long v = SCHEMA_VERSION; v >= 1; v--) {
		char *header;
		size_t hlen;
		if (csv_header_line_of_version(v, &header, &hlen))
			return 0;
		bool whole = len >= hlen && !memcmp(text, header, hlen);
		*partial |= len < hlen && !memcmp(text, header, len);
		free(header);
		if (whole)
			return v;
	}
	return 0;
}

int resume_trim_results(const char *csv_path, int fd, bool *need_header, long *version, char *err,
			size_t n)
{
	size_t len = 0;
	char why[PATH_MAX + 100];
	char *text = read_regular_file(csv_path, RESULTS_MAX, &len, why, sizeof why);
	int rc = 0;
	*need_header = false;
	*version = 0;
	size_t keep = len;
	if (!text) {
		snprintf(err, n, "--resume: %s", why);
		/* a file that is not one to resume is a usage error; one that does not read, the disk's */
		return errno == EINVAL || errno == EFBIG || errno == ENOENT || errno == ELOOP ? -EINVAL : -EIO;
	}
	if (!(*version = schema_of_header(text, len, need_header)) && *need_header) {
		keep = 0; /* the header itself was cut short: no row was written */
	} else if (!*version) {
		snprintf(err, n, "--resume: %s: the header is not that of a results schema version this "
			 "wcbench knows (1 to %d): not a run to continue", csv_path, SCHEMA_VERSION);
		rc = -EINVAL;
	} else if (text[len - 1] != '\n') {
		/* memrchr, not strrchr: a NUL byte in a row must not move the cut before it */
		const char *nl = memrchr(text, '\n', len);
		keep = nl ? (size_t)(nl - text) + 1 : 0;
	}
	struct stat st;
	if (!rc && keep < len) {
		/* only the partial last line goes: no newline in what is cut, and the file on disk is
		 * the one read (a file changed underneath would be cut at a point that means nothing) */
		if (memchr(text + keep, '\n', len - keep) || fstat(fd, &st) || st.st_size != (off_t)len) {
			snprintf(err, n, "--resume: %s: changed while being read (%zu bytes read): not cut, "
				 "left as it was", csv_path, len);
			rc = -EIO;
		} else if (ftruncate(fd, (off_t)keep)) {
			snprintf(err, n, "--resume: %s: cannot cut the partial last row: %s", csv_path,
				 strerror(errno));
			rc = -EIO;
		} else if (keep) {
			fprintf(stderr, "wcbench run: %s: dropped a partial last row (%zu bytes)\n", csv_path,
				len - keep);
		}
	}
	free(text);
	return rc;
}

int resume_upgrade(const char *csv_path, int *csv_fd, bool need_header, long csv_version,
		   long md_version, struct run_metadata *md, char *err, size_t n)
{
	if (!need_header && csv_version < md_version) {
		snprintf(err, n, "--resume: %s holds rows of results schema version %ld, but its run's "
			 "metadata.json says version %ld wrote it: not this run's results", csv_path,
			 csv_version, md_version);
		return -EINVAL;
	}
	if (md_version >= SCHEMA_VERSION)
		return 0;
	/* recorded even when the rows are of this version already: a resume that upgraded them but
	 * stopped before metadata.json said so left the metadata behind */
	md->upgraded_from = md_version;
	if (need_header || csv_version == SCHEMA_VERSION) {
		fprintf(stderr, "wcbench run: --resume: a run of results schema version %ld continues in version %d "
			"(%s holds no row of an earlier version)\n", md_version, SCHEMA_VERSION, csv_path);
		return 0;
	}
	size_t rows = 0;
	char what[300], uerr[PATH_MAX + 300];
	int rc = results_upgrade(csv_path, &rows, uerr, sizeof uerr);
	if (rc) {
		snprintf(err, n, "--resume: %s", uerr);
		return rc == -EINVAL ? -EINVAL : -EIO;
	}
	close(*csv_fd); /* the replaced file's */
	char why[PATH_MAX + 200];
	if ((*csv_fd = safe_open(csv_path, O_RDWR | O_APPEND, 0, why, sizeof why)) < 0) {
		snprintf(err, n, "--resume: %s", why);
		return -EIO;
	}
	results_upgrade_describe(csv_version, what, sizeof what);
	fprintf(stderr, "wcbench run: --resume: a run of results schema version %ld continues in version %d: "
		"%s rewritten in version %d, all %zu finished rows kept (%s, as every reader takes them)\n",
		md_version, SCHEMA_VERSION, csv_path, SCHEMA_VERSION, rows, what);
	return 0;
}

void resume_options(const struct run_options *o, const struct target *targets, struct resume_texts *rt)
{
	size_t lt = 0, lw = 0;
	rt->targets[0] = rt->windows[0] = '\0';
	for (unsigned i = 0; i < o->ntargets; i++) {
		lt += (size_t)snprintf(rt->targets + lt, sizeof rt->targets - lt, "%s%s", i ? "\n" : "",
				       targets[i].spec);
		lw += (size_t)snprintf(rt->windows + lw, sizeof rt->windows - lw, "%s%zu:%zu", i ? " " : "",
				       targets[i].win_off, targets[i].win_len);
	}
	rt->opts[0] = (struct resume_option){ .name = "env", .value = o->env };
	rt->opts[1] = (struct resume_option){ .name = "target", .value = rt->targets };
	rt->opts[2] = (struct resume_option){ .name = "window", .value = rt->windows };
	rt->opts[3] = (struct resume_option){ .name = "verify", .value = o->verify ? "on" : "off" };
	/* --probe fills a column: the rows of one run either all have it or none (a run of version 1,
	 * before --probe, had none) */
	rt->opts[4] = (struct resume_option){ .name = "probe", .value = o->probe ? "on" : "off",
					      .since = 2, .earlier = "off" };
	/* --latency: what every row of the run measures (runs before version 4 were throughput) */
	rt->opts[5] = (struct resume_option){ .name = "mode", .value = o->latency ? "latency" : "throughput",
					      .since = 4, .earlier = "throughput" };
}
