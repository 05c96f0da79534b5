/* `wcbench run` options and the sweep they describe. */
#ifndef WCBENCH_OPTIONS_H
#define WCBENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

struct option_state; /* what the parsers fill (run_options.c) */

/* One option of `wcbench run`: getopt's tables, --help and the man page are made from these. */
struct run_option {
	const char *name;           /* long name, without the dashes */
	char letter;                /* short option, or 0 */
	const char *arg;            /* argument name in --help; NULL: takes no value */
	enum option_group group;
	const char *help;           /* lines separated by \n */
	/* arg is NULL for an option without value. 0, or -EINVAL with one line in err. */
	int (*parse)(struct option_state *st, const char *arg, char *err, size_t errlen);
};
extern const struct run_option run_option_table[];
extern const size_t run_option_count;
const struct run_option *option_find(const char *name);

/* `wcbench run --help`, and the same as a man page in roff (docs/wcbench.1). */
void options_write_help(FILE *f);
void options_write_man(FILE *f);

/*
 * Parse `wcbench run` arguments (argv[0] is "run"). Returns 0, or -EINVAL with a one-line
 * message naming the bad option or value in err. Nothing outside *o is touched.
 */
int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t errlen);


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
