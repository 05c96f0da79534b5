/* The run directory a sweep or a check writes: sweep.h's sweep_dir. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "results/run_dir.h"
#include "sweep/dir.h"

int sweep_dir_open(struct sweep_dir *d, const char *out, bool may_resume, bool resume, char *err,
		   size_t n)
{
	d->dir_fd = -1;
	d->resuming = false;
	machine_probe(&d->m);
	make_run_id(d->run_id, sizeof d->run_id, d->m.hostname);
	snprintf(d->dir, sizeof d->dir, "%s", out ? out : "");
	if (!out)
		snprintf(d->dir, sizeof d->dir, "results/%s", d->run_id);
	snprintf(d->csv_path, sizeof d->csv_path, "%s/results.csv", d->dir);
	int rc = run_dir_prepare(d->dir, err, n);
	if (rc || (rc = d->dir_fd = run_dir_lock(d->dir, err, n)) < 0)
		return rc;
	/* under the lock no other writer is at work here: what one killed left is ours to remove */
	safe_sweep_leftovers(d->dir, true);
	struct stat st;
	if (lstat(d->csv_path, &st))
		return 0;
	if (!resume) {
		snprintf(err, n, "%s already holds results: %s", d->dir,
			 may_resume ? "use --resume to continue it, or another --out" : "give another --out");
		return -EEXIST;
	}
	d->resuming = true;
	return 0;
}

void sweep_dir_close(struct sweep_dir *d)
{
	if (d->dir_fd >= 0)
		close(d->dir_fd); /* releases the lock */
	d->dir_fd = -1;
}
