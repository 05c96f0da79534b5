/* A sweep plan: the targets and the lists whose product is the sweep's cases (struct
 * run_options, filled by run's and vm's option rows in sweep/plan_options.c), and the order the
 * cases are taken in. */
#ifndef WCBENCH_SWEEP_PLAN_H
#define WCBENCH_SWEEP_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/place.h"
#include "kernels.h"
#include "measure/measure.h"
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
