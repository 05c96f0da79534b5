/*
 * When a case has sampled enough: once the median is known well enough, not once the samples
 * agree. The median's distribution-free 95% confidence interval (core/stats.h, from order
 * statistics, widened as far as the samples, in the order taken, depend on their neighbours:
 * median_ci_series) must lie within +-precision of the median, after min_samples; the time
 * budget and max_samples end a case whatever the interval (the budget wins over the minimum: a
 * case never runs past it).
 */
#ifndef WCBENCH_CORE_STOP_RULE_H
#define WCBENCH_CORE_STOP_RULE_H

#include <stddef.h>

struct stop_rule {
	double precision;        /* relative: 0.01 = the interval within +-1% of the median */
	unsigned min_samples;    /* before the precision may end a case */
	unsigned max_samples;
	double budget_ns;        /* since the case began (calibration and warm-up included) */
};

enum stop_why { STOP_NOT_YET, STOP_PRECISION, STOP_MAX_SAMPLES, STOP_BUDGET };
extern const char *const stop_why_names[];

/* Whether to stop after the samples in_order[0..n) (as taken), the same sorted ascending in
 * sorted[0..n), elapsed_ns after the case began. */
enum stop_why stop_rule_check(const struct stop_rule *r, const double *sorted, const double *in_order, size_t n,
			      double elapsed_ns);

/* Insert v into the ascending x[0..n) (room for n + 1). */
void sorted_insert(double *x, size_t n, double v);

/* The rule in words, for metadata.json and --help: "the median's 95% confidence interval
 * (order statistics, for a series) within +-1% of it, after >= 10 samples; at most 1000 samples
 * and 0.5 s". */
void stop_rule_describe(const struct stop_rule *r, char *buf, size_t len);
#endif
