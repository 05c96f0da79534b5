/*
 * Continuing a run (--resume), inside the sweep: its results.csv cut to whole rows, a run of an
 * earlier schema version upgraded, and the options a resume must repeat, as text.
 */
#ifndef WCBENCH_SWEEP_RESUME_H
#define WCBENCH_SWEEP_RESUME_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/plan.h"
#include "results/metadata.h"

/*
 * The results.csv of a run to resume must begin with exactly the header of this schema version or
 * of an earlier one (*version: which; the caller upgrades an earlier one's rows); a last line
 * without its newline (a full disk, a crash) is a partial row and is cut off, and nothing else
 * ever is: the bytes removed are those after the last newline, of the file as it is when cut.
 * *need_header: the file held no complete header (cut to nothing). 0, or with one line in err
 * -EINVAL (not a run to continue) or -EIO (the file cannot be read or cut, left as it was).
 */
int resume_trim_results(const char *csv_path, int fd, bool *need_header, long *version, char *err,
			size_t n);

/*
 * A resumed run written by an earlier schema version: its results.csv rewritten in this one
 * (results/upgrade.h), csv_fd reopened on the new file, one line on stderr; md->upgraded_from
 * records it in metadata.json. 0, or with one line in err -EINVAL (the run is not this one or its
 * rows do not read) or -EIO (the disk).
 */
int resume_upgrade(const char *csv_path, int *csv_fd, bool need_header, long csv_version,
		   long md_version, struct run_metadata *md, char *err, size_t n);

/* The options a --resume must repeat, as text: the effective windows (after --quick and the
 * targets' defaults), so "the same run" means the same cases measuring the same bytes. */
struct resume_texts {
	char targets[MAX_TARGETS * 164], windows[MAX_TARGETS * 44];
	struct resume_option opts[7]; /* the last: the command's own (vm: stage1), or none */
};
/* All but the last of rt->opts, from o and its probed targets. */
void resume_options(const struct run_options *o, const struct target *targets, struct resume_texts *rt);
#endif
