/*
 * The runs given to `wcbench report`, grouped into machines by machine key (results/keys.h),
 * with what each machine's rows and metadata.json say about it.
 */
#ifndef WCBENCH_RESULTS_MACHINES_H
#define WCBENCH_RESULTS_MACHINES_H

#include <stddef.h>
#include <stdint.h>

#include "results/resultset.h"

#define SET_MAX 32
#define SET_W 96

/* A small ordered set of strings (first-seen order). */
struct strset {
	size_t n;
	char v[SET_MAX][SET_W];
};

/* Index of x, added when new; SET_MAX when the set is full. */
size_t set_add(struct strset *s, const char *x);
void set_join(const struct strset *s, const char *sep, char *buf, size_t len);

struct report_machine {
	char cpu_model[96], os_release[64], env[16], arch[16], run_id[40];
	char slug[64];      /* directory name under DIR */
	char tag[8];        /* M1, M2... */
	char shortname[128]; /* "M1 x86_64 host (hostname)" */
	const struct result_set *rs;
	size_t n, cap;
	const struct row **rows;
	/* from metadata.json, when it is there and names the same run */
	char hostname[64], hypervisor[96], cpu_id[64], timer_hz[32], timer_res[32], timer_src[96],
		version[48], pattern[160], stop_rule[64], started[40];
	/* derived */
	struct strset drains, timers, memtypes, threads;
	unsigned smin, smax;
	double timer_ns;    /* median of the rows' timer read cost */
	size_t nstat[4];
	size_t nthroughput_ok; /* ok rows of mode throughput: the ones the GB/s figures draw */
	char plot_err[300]; /* why the per-machine plots are missing, or empty */
	int has_gbps, has_cost;
	unsigned gw, gh, cw, ch; /* PNG sizes */
};

/* More machines than this do not fit the report's masks. */
#define MACHINES_MAX 63

/*
 * Group the rows of rs[0..nruns) into machines, in the order first seen, named M1, M2...,
 * each with its metadata.json (when it names the same run) and derived sets. 0, or -errno with
 * err set (-E2BIG: more than MACHINES_MAX).
 */
int machines_group(const struct result_set *rs, size_t nruns, struct report_machine **ms, size_t *nm,
		   char *err, size_t errlen);
void machines_free(struct report_machine *ms, size_t nm);

/* ok with a positive GB/s median */
int row_ok(const struct row *r);
/* The fastest ok throughput row (not latency) of memtype mt on m (burst == 0: any size); or NULL. */
const struct row *best_row(const struct report_machine *m, const char *mt, uint64_t burst);
/* Is r the same series as s (all but burst size)? */
int same_series(const struct row *r, const struct row *s);
/* Lower-case letters, digits, '_' and single dashes: for directory names and HTML ids. */
void slugify(const char *s, char *out, size_t len);
#endif
