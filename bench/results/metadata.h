/*
 * metadata.json of a run directory: the machine, the timer, how cases were sampled, the command
 * line, the options a --resume must repeat, and the resumes themselves. Written whole into a
 * temporary file and renamed, so a reader never sees half of it.
 */
#ifndef WCBENCH_METADATA_H
#define WCBENCH_METADATA_H

#include <stddef.h>

#include "core/machine.h"

/* An option that decides which cases a run holds or what they measure: a resume must repeat it. */
struct resume_option {
	const char *name;   /* "env", "window", ... (stored as "option_<name>") */
	const char *value;  /* canonical text */
};

struct run_metadata {
	const char *run_id;
	const char *env;                  /* host or guest */
	const struct machine *machine;
	double budget_s, min_sample_s, cv_target;
	unsigned min_samples, max_samples;
	const struct resume_option *options;
	size_t noptions;
	int argc;                         /* the command line, argv[0] being "run" */
	char **argv;
};

/* Write DIR/metadata.json for a new run. 0, or -errno with one line naming the file in err. */
int metadata_write(const char *dir, const struct run_metadata *md, char *err, size_t errlen);

/*
 * Before resuming the run in DIR: its run_id into run_id, and whether every option in md->options
 * equals what the run stored. 0; -EINVAL with one line in err when the metadata is missing,
 * unreadable or differs (a usage error); other -errno when it cannot be read.
 */
int metadata_check_resume(const char *dir, const struct run_metadata *md, char *run_id,
			  size_t idlen, char *err, size_t errlen);

/* Record a resume (UTC time, command line) in DIR/metadata.json, keeping everything else as it
 * was. 0, or -errno with one line in err. */
int metadata_add_resume(const char *dir, const struct run_metadata *md, char *err, size_t errlen);
#endif
