/* The run directory a sweep writes (run, vm, check). */
#ifndef WCBENCH_SWEEP_DIR_H
#define WCBENCH_SWEEP_DIR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/machine.h"
#include "results/run_dir.h"

/* A run directory being written (run, vm, check): the machine, the run id, the directory
 * (--out, or results/<run_id>), prepared and locked, what a killed writer left there removed. */
struct sweep_dir {
	struct machine_info m;
	char run_id[RUN_ID_MAX], dir[PATH_MAX], csv_path[PATH_MAX + 16];
	int dir_fd;    /* holds the lock; -1 when closed */
	bool resuming; /* results.csv was there and resume was asked */
};
/* 0, or -errno with one line in err: the directory cannot be made or locked, or holds results
 * already and resume is false (may_resume: the message offers --resume). */
int sweep_dir_open(struct sweep_dir *d, const char *out, bool may_resume, bool resume, char *err,
		   size_t n);
void sweep_dir_close(struct sweep_dir *d);
#endif
