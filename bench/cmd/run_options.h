/* `wcbench run` options and the sweep they describe. */
#ifndef WCBENCH_RUN_OPTIONS_H
#define WCBENCH_RUN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/options.h"
#include "common/parse.h"
#include "kernels.h"
#include "measure/measure.h"
#include "core/place.h"
#include "targets/target.h"

#define MAX_TARGETS 16
#define MAX_LIST 64

struct run_options {
	const char *targets[MAX_TARGETS];
	unsigned ntargets;
	const struct store_kernel *kernels[MAX_LIST];
	unsigned nkernels;
	const struct barrier_desc *barriers[MAX_LIST];
	unsigned nbarriers;
	enum barrier_every every[3];
	unsigned nevery;
	size_t sizes[MAX_LIST];
	unsigned nsizes;
	unsigned threads[MAX_LIST];
	unsigned nthreads;
	int cpus[PLACE_MAX_CPUS];
	unsigned ncpus;              /* 0: choose (distinct cores first) */
	enum drain_mode drains[3];
	unsigned ndrains;
	struct target_opts topts;
	bool verify;
	bool probe;                  /* --probe: each target's effective memory type into its rows */
	bool quick;
	bool no_plot;
	bool resume;
	bool help;
	bool man;                    /* print the man page */
	double time_s;               /* per-case budget */
	double min_sample_s;
	unsigned min_samples, max_samples;
	double precision;            /* --precision: the stop rule's (measure/stop_rule.h) */
	bool latency;                /* --latency: every burst timed alone (mode latency) */
	bool full;                   /* --full: every case this machine offers */
	const char *out;             /* NULL: results/<run_id> */
	const char *env;             /* host (default) or guest */
};

/* The headings of --help and of the man page, in their order. */
enum option_group { GROUP_TARGET, GROUP_SWEEP, GROUP_SAMPLING, GROUP_OUTPUT, GROUP_OTHER, OPTION_GROUPS };
extern const char *const option_group_titles[OPTION_GROUPS];

/* Every option of `wcbench run`: the parser, --help and the man page are made from these. */
extern const struct opt_row run_option_table[];
extern const size_t run_option_count;
extern const struct opt_table run_option_rows; /* the same, for another command's tables (vm) */
extern const struct opt_command run_cli;
const struct opt_row *option_find(const char *name);
/* --target's row: SPEC into the options (opts: what run's rows fill), for a command whose
 * operands are targets (vm). */
int run_option_target(void *opts, const char *spec, char *err, size_t errlen);

/* `wcbench run --help`, and the same as a man page in roff (docs/wcbench-run.1). */
void options_write_help(FILE *f);
void options_write_man(FILE *f);

/*
 * Parse `wcbench run` arguments (argv[0] is "run"). Returns 0, or -EINVAL with a one-line
 * message naming the bad option or value in err. Nothing outside *o is touched.
 */
int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t errlen);
/* The same for a command whose rows come before run's (cmd->tables[0], filling cmd_opts) with
 * run's as cmd->tables[1]: vm. cmd NULL: run's alone. */
int options_parse_with(const struct opt_command *cmd, void *cmd_opts, int argc, char **argv,
		       struct run_options *o, char *err, size_t errlen);

/* One point of the sweep. */
struct sweep_point {
	unsigned target, threads, kernel, barrier, every, drain, size; /* indices into run_options */
};
/* Number of cases per target, and the i-th case (0 <= i < count) in sweep order: threads,
 * kernel, barrier, barrier-every, drain, size (size varies fastest). A barrier of none is
 * swept with one barrier-every value only (the placement of no barrier changes nothing). */
size_t sweep_count(const struct run_options *o);
void sweep_point(const struct run_options *o, size_t i, struct sweep_point *p);

#endif
