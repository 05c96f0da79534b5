/*
 * The sweep behind `wcbench run` and `wcbench vm`: targets, the results directory (metadata
 * first, rows appended as they finish, resume, interrupts), the machine references, progress and
 * the closing summary, once. A command says how it sees a target (run: as mapped on this host,
 * once; vm: through the microVM, once per stage-1 type: a "view") and how a case is measured.
 */
#ifndef WCBENCH_SWEEP_SWEEP_H
#define WCBENCH_SWEEP_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "targets/memtype.h"
#include "check/platform.h"
#include "sweep/plan.h"
#include "core/machine.h"
#include "results/metadata.h"
#include "results/schema.h"
#include "sweep/dir.h"
#include "sweep/views.h"

/* How a sweep (or a check) ended; the command's exit status follows from it. Every end but
 * SWEEP_DONE has been said on stderr. */
enum sweep_end {
	SWEEP_DONE,        /* every case ran: ok, unsupported, or finished before a resume */
	SWEEP_FAILED,      /* a case faulted or failed, or the disk or the system did */
	SWEEP_REFUSED,     /* bad usage (a target, --out, a run that is not this one): nothing measured */
	SWEEP_INTERRUPTED, /* SIGINT/SIGTERM (sweep_stopped() says which): resume continues it */
};

struct sweep_hooks {
	const char *cmd;                  /* "run", "vm": in messages */
	const char *env;                  /* the rows' env, NULL: --env's */
	unsigned views;                   /* views per target; 0 means 1 */
	bool probes;                      /* every view is probed (vm), not only with --probe */
	struct resume_option resume_extra; /* one more option a --resume must repeat (.name NULL: none) */
	void *ctx;
	/* A probed target the command cannot take: 0, or -EINVAL with one line in err (exit 2,
	 * nothing written). NULL: every target. */
	int (*target_ok)(void *ctx, const struct target *t, char *err, size_t n);
	/* Before the first case of view v of target t that runs (mapped unless map_err is set):
	 * probe, fill vc, say how into metadata.json (view_columns_report). 0, or -errno with one
	 * line in err when the run must stop (metadata.json could not be written). */
	int (*begin_view)(void *ctx, const struct run_options *o, const char *dir, struct target *t,
			  unsigned v, const char *map_err, bool tty, struct view_columns *vc, char *err,
			  size_t errlen);
	/* The row's fields view v decides (vm: memtype, the stage-1 type), also before resume's
	 * lookup of finished cases. NULL: none. */
	void (*view_row)(void *ctx, const struct target *t, unsigned v, struct row *row);
	int (*measure)(void *ctx, struct target *t, unsigned v, const struct case_spec *cs,
		       struct case_result *r);
	void (*end_view)(void *ctx, unsigned v); /* NULL: nothing */
};

/* The sweep o describes, under the hooks; argv (argv[0] the command's name) goes into
 * metadata.json. Prints its progress, its summary and why it stopped. */
enum sweep_end sweep_run(struct run_options *o, int argc, char **argv, const struct sweep_hooks *h);

#endif
