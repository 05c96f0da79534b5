/*
 * Comparing two runs: rows paired by case key (results/keys.h), each pair judged against what
 * both rows measured themselves: the 95% confidence intervals of their medians where both rows
 * have one (schema 4, 6 samples or more), else their p10-p90 spreads. The data logic of
 * `wcbench compare`; render/compare_out.h writes the tables and the plot.
 */
#ifndef WCBENCH_COMPARISON_H
#define WCBENCH_COMPARISON_H

#include <stddef.h>

#include "check/verdict_io.h"
#include "results/resultset.h"

/* What became of one case (rows paired by case key). */
enum cmp_verdict {
	V_STATUS_REGRESSION, /* ok -> not ok, or -> fault/error */
	V_REGRESSION,
	V_NOISE,
	V_IMPROVEMENT,
	V_STATUS_IMPROVED,   /* not ok -> ok */
	V_STATUS_CHANGED,    /* between non-ok statuses, not worse */
	V_NOT_MEASURED,      /* same non-ok status on both sides */
	V_ONLY_BASE,
	V_ONLY_NEW,
};

extern const char *const cmp_verdict_names[];

/* Which intervals judged a pair (and which a row shows). */
enum cmp_basis {
	BASIS_NONE,   /* not judged on numbers: a status change, one side only, a median missing */
	BASIS_CI,     /* the medians' 95% confidence intervals (both rows have one) */
	BASIS_SPREAD, /* the rows' p10-p90 GB/s ranges (a row has no interval: schema 1-3, < 6 samples) */
};

struct entry {
	enum cmp_verdict v;
	const struct row *b, *n; /* either may be NULL for one-sided rows */
	unsigned occ;            /* occurrence of the key on its side (duplicates) */
	double gb_ratio, ns_ratio;
	enum cmp_basis basis;
	double b_lo, b_hi, n_lo, n_hi; /* the GB/s intervals of BASE and NEW that basis names */
	double lo_pct, hi_pct;   /* change range those two intervals allow, in percent */
	double thr_eff;          /* threshold applied, in percent */
	char name[200];
	char note[200];
};

struct counts {
	size_t v[V_ONLY_NEW + 1];
	size_t paired, dup_b, dup_n;
};

/* Judged by p10-p90 (no interval on a side), below this many samples in either row the threshold
 * is raised by sqrt(FULL_SAMPLES/n): p10 and p90 of a few samples say little. A confidence
 * interval needs no such raise: its width already grows as n shrinks. */
#define FULL_SAMPLES 10

/* GB/s of a row's p10-p90 range: [p10, p90] (p10 is the slow end), or the median alone. */
void gb_spread_interval(const struct row *r, double *lo, double *hi);
/* GB/s of the median's 95% confidence interval of an ok row: median x ns_median / ns_ci_hi ..
 * median x ns_median / ns_ci_lo (= threads x burst_bytes / ns_per_burst_ci_hi .. / _ci_lo).
 * 1, or 0 when the row has none (an earlier schema, fewer than 6 samples, or ends that are not
 * positive numbers around the median: a damaged row is judged as one without). */
int gb_ci_interval(const struct row *r, double *lo, double *hi);
/* The fewest samples a row has a confidence interval of its median with (core/stats.h), for the
 * texts that explain the rule. */
unsigned ci_min_samples(void);
/* The interval a row shows alone (one side only): its confidence interval, else p10-p90. */
enum cmp_basis gb_row_interval(const struct row *r, double *lo, double *hi);

/*
 * Pair the rows of base and nw by case key less the columns in `ignore` (repeats paired in file
 * order), judge each pair with threshold thr (percent) and sort the entries worst first.
 * *entries is malloc'd (*n of them); counts filled. 0 or -ENOMEM.
 */
int compare_runs(const struct result_set *base, const struct result_set *nw, unsigned ignore,
		 double thr, struct entry **entries, size_t *n, struct counts *cnt);

/* What became of one target's verdict (check/verdict.h orders works < degraded < broken). */
enum verdict_change {
	VC_WORSE,            /* further from works: a regression */
	VC_NOT_COMPARABLE,   /* unknown on either side: neither a regression nor an improvement */
	VC_BETTER,
	VC_SAME,
	VC_ONLY_BASE,
	VC_ONLY_NEW,
	VC_COUNT
};
extern const char *const verdict_change_names[];

struct verdict_pair {
	enum verdict_change c;
	const struct verdict_entry *b, *n; /* either may be NULL for a target on one side only */
	unsigned occ;                      /* occurrence of the target on its side (repeats) */
};

/*
 * Pair the targets of two verdict.json files by target and map, less what `ignore` drops (the
 * case-key bits of "target" and "map", as --ignore gives them), repeats in file order; judge
 * each pair and sort them worst first. *pairs is malloc'd (*n of them); count[] filled.
 * 0 or -ENOMEM.
 */
int compare_verdicts(const struct verdict_file *base, const struct verdict_file *nw, unsigned ignore,
		     struct verdict_pair **pairs, size_t *n, size_t count[VC_COUNT]);
#endif
