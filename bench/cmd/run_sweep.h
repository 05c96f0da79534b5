/*
 * The sweep behind `wcbench run` and `wcbench vm`: options, targets, the results directory
 * (metadata first, rows appended as they finish, resume, interrupts), progress and the closing
 * summary, once. A command says how it sees a target (run: as mapped on this host, once; vm:
 * through the microVM, once per stage-1 type: a "view") and how a case is measured.
 */
#ifndef WCBENCH_RUN_SWEEP_H
#define WCBENCH_RUN_SWEEP_H

#include <stdbool.h>
#include <stdio.h>

#include "check/memtype.h"
#include "cmd/run_options.h"
#include "results/metadata.h"
#include "results/schema.h"

/* The columns a view's probe decides, as the CSV spells them ("" when not decided). */
struct view_columns {
	char effective[16], stage2[16];
};

struct sweep_hooks {
	const char *cmd;                  /* "run", "vm": in messages */
	const char *env;                  /* the rows' env, NULL: --env's */
	unsigned views;                   /* views per target; 0 means 1 */
	bool probes;                      /* every view is probed (vm), not only with --probe */
	struct resume_option resume_extra; /* one more option a --resume must repeat (.name NULL: none) */
	const struct opt_command *options; /* run's rows and the command's (vm), or NULL: run's */
	void *options_ctx;                /* what the command's own rows fill */
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

/* argv[0] is the command's name. Returns the exit code. */
int run_sweep(int argc, char **argv, const struct sweep_hooks *h);

/* A view's probe result into vc, onto stderr, and into metadata.json's memtype_probes under the
 * name spec (the target's, and for vm its stage-1 type). */
int view_columns_report(const char *cmd, const char *dir, const char *spec,
			const struct memtype_probe *p, enum memclass stage2, bool tty,
			struct view_columns *vc, char *err, size_t errlen);
#endif
