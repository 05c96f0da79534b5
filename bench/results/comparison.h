/*
 * Comparing two runs: rows paired by case key (results/keys.h), each pair judged against what
 * both rows measured themselves: the 95% confidence intervals of their medians where both rows
 * have one (schema 4, 6 samples or more), else their p10-p90 spreads. The data logic of
 * `wcbench compare`; render/compare_out.h writes the tables and the plot.
 */
#ifndef WCBENCH_RESULTS_COMPARISON_H
#define WCBENCH_RESULTS_COMPARISON_H

#include <stddef.h>

#include "results/metadata.h"
#include "results/resultset.h"

/* What became of one case (rows paired by case key). */
enum cmp_verdict {
	V_STATUS_REGRESSION, /* ok -> not ok, or -> fault/error */
	V_REGRESSION,
	V_MACHINE,           /* REGRESSION or improvement by the noise rule, but within the machine's
			      * own drift (machine_drift_explains): unknown, not counted as either */
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

struct cmp_entry {
	enum cmp_verdict v;
	const struct row *b, *n; /* either may be NULL for one-sided rows */
	unsigned occ;            /* occurrence of the key on its side (duplicates) */
	double gb_ratio, ns_ratio;
	enum cmp_basis basis;
	double b_lo, b_hi, n_lo, n_hi; /* the GB/s intervals of BASE and NEW that basis names */
	double lo_pct, hi_pct;   /* change range those two intervals allow, in percent */
	double thr_eff;          /* threshold applied, in percent */
	int ref;                 /* the reference kind that speaks for it (case_reference), -1: none */
	char name[200];
	char note[240];
};

struct cmp_counts {
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
 * The machine's drift between two runs, from their machine references of one kind
 * (results/machine_ref.h, metadata.json): the range of NEW/BASE speed ratios (speed = 1 / ns per
 * KiB) over every pairing of a BASE reference of that kind with a NEW one, each widened by the two
 * medians' 95% CIs: from BASE ci_lo / NEW ci_hi to BASE ci_hi / NEW ci_lo.
 */
struct machine_drift {
	bool known;                 /* both runs have references of this kind, of the same kernel and buffer */
	enum ref_kind kind;
	char kernel[32];
	uint64_t buffer_bytes;
	size_t nbase, nnew;         /* references of this kind on each side */
	double base_lo, base_hi;    /* ns per KiB: the lowest CI end and the highest of BASE's */
	double new_lo, new_hi;      /* ... and NEW's */
	double speed_lo, speed_hi;  /* the NEW/BASE speed ratio's range */
	bool beyond_limit;          /* known, but moved by more than MACHINE_DRIFT_LIMIT: explains nothing */
	char why[400];              /* !known: which side has none, and why */
};

/*
 * The most a machine reference may move between two runs and still explain a change: NEW's
 * machine at most this many times slower or faster than BASE's. A machine's own drift (clock
 * steps between base and turbo frequency, a neighbour taking cores or DRAM bandwidth) moves a
 * store loop by tens of percent; twice as slow or fast is no drift of one machine but a reference
 * that measured something else (another machine, a broken spell, an edited file), and taking it
 * as an explanation would excuse any regression up to its size. Beyond it the drift is reported
 * as a finding and every regression counts.
 */
#define MACHINE_DRIFT_LIMIT 2.0

/* The drift of kind `kind` of nw against base (either may have no reference of it: then !known,
 * why says which side and why; beyond_limit when the speed ratio's range leaves
 * 1/MACHINE_DRIFT_LIMIT .. MACHINE_DRIFT_LIMIT, or is no number). */
void machine_drift_of(const struct machine_refs *base, const struct machine_refs *nw, enum ref_kind kind,
		      struct machine_drift *d);

/* The largest move of the machine's speed in the direction of a change of chg percent (GB/s
 * NEW/BASE - 1, x 100): how much slower NEW's machine may have run for chg < 0, faster for chg > 0;
 * >= 0, in percent; 0 without a known drift. */
double machine_drift_move(const struct machine_drift *d, double chg);

/*
 * The machine rule, the one place it is decided: a change of chg percent that the noise rule
 * calls a REGRESSION (or an improvement) is machine? when the reference that speaks for the case
 * moved by at least thr (the threshold) in the same direction and |chg| is no larger than that
 * move + thr. Then the machine's own drift may explain the change whole: it is unknown, not a
 * regression. Never when the drift is beyond MACHINE_DRIFT_LIMIT.
 */
bool machine_drift_explains(const struct machine_drift *d, double chg, double thr);

/* A RAM or file case whose window is at least this large is judged against the memory reference:
 * its stores stream to DRAM as the memory reference's do (a quarter of that reference's buffer,
 * beyond the last-level caches of the machines this runs on). */
#define MEMORY_REF_MIN_WINDOW ((uint64_t)64 << 20)

/*
 * Which reference speaks for a case, the one place it is decided (b, n: its BASE and NEW rows,
 * either may be NULL): 1 with *kind set, or 0 for none. A case on a RAM or file target
 * (target_kind ram, file) whose window_bytes is at least MEMORY_REF_MIN_WINDOW in each row: the
 * memory reference; another RAM or file case (a smaller window, or none recorded): the core
 * reference; a case on any other target (a device BAR: vfio, sysfs, sysfs-wc): none, as no
 * reference measures the path to a device.
 */
int case_reference(const struct row *b, const struct row *n, enum ref_kind *kind);

/* case_reference's rule in words for --help, the tables' headers and the docs. */
void machine_ref_choice_text(char *buf, size_t len);

/* The rule in words for --help, the tables' headers and the docs; thr < 0: "T". */
void machine_rule_text(double thr, char *buf, size_t len);

/* One reference kind as one line, for above the table: its kernel and buffer, each side's ns per
 * KiB, how much slower or faster NEW ran, and what the rule makes of it at threshold thr; or
 * which side has none and why. */
void machine_drift_describe(const struct machine_drift *d, double thr, char *buf, size_t len);

/*
 * Whether every ok row of rs can be judged: its ns_per_burst_median and gb_per_s_median positive
 * finite numbers, its gb_per_s_p10 and _p90 missing or such numbers. An ok row with a median of
 * nan, inf, empty, 0 or below is damaged: no verdict of its case would mean anything (it would
 * read as same or not-measured). 0, or -EINVAL with one line in err naming side (BASE, NEW), the
 * file, the first such row's line, its column and value, and how many more there are.
 */
int compare_check_rows(const struct result_set *rs, const char *side, char *err, size_t errlen);

/*
 * Pair the rows of base and nw by case key less the columns in `ignore` (repeats paired in file
 * order), judge each pair with threshold thr (percent) and sort the entries worst first.
 * *entries is malloc'd (*n of them); counts filled. 0 or -ENOMEM.
 */
int compare_runs(const struct result_set *base, const struct result_set *nw, unsigned ignore,
		 double thr, struct cmp_entry **entries, size_t *n, struct cmp_counts *cnt);

/* The machine rule over compare_runs' entries (threshold thr, as given to it), d indexed by
 * enum ref_kind: each REGRESSION or improvement the drift of the reference that speaks for it
 * explains becomes machine? (its note naming the reference's figures), one the rule reached but
 * that is larger keeps its verdict with the drift named in its note, one no reference speaks for
 * keeps its verdict with a note saying so; counts updated, the entries sorted again. No drift
 * known: nothing changes. */
void compare_apply_machine_drift(struct cmp_entry *e, size_t n, struct cmp_counts *cnt,
				 const struct machine_drift d[REF_KINDS], double thr);
#endif
