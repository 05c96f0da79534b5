#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stats.h"
#include "core/stop_rule.h"

const char *const stop_why_names[] = {
	[STOP_NOT_YET] = "not yet", [STOP_PRECISION] = "precision", [STOP_MAX_SAMPLES] = "max-samples",
	[STOP_BUDGET] = "budget",
};

enum stop_why stop_rule_check(const struct stop_rule *r, const double *sorted, const double *in_order, size_t n,
			      double elapsed_ns)
{
	if (n >= r->min_samples && n > 0) {
		double lo, hi;
		double med = quantile_sorted(sorted, n, 0.5);
		/* the series' interval is never narrower than the independent one: that one first,
		 * since it is cheap and most samples fail it */
		if (median_ci_sorted(sorted, n, MEDIAN_CI_CONFIDENCE, &lo, &hi, NULL) > 0 &&
		    median_ci_rel_halfwidth(med, lo, hi) <= r->precision &&
		    median_ci_series(sorted, n, median_series_inflation(in_order, n, med), MEDIAN_CI_CONFIDENCE,
				     &lo, &hi, NULL) > 0 &&
		    median_ci_rel_halfwidth(med, lo, hi) <= r->precision)
			return STOP_PRECISION;
	}
	if (n >= r->max_samples)
		return STOP_MAX_SAMPLES;
	if (elapsed_ns >= r->budget_ns)
		return STOP_BUDGET;
	return STOP_NOT_YET;
}

void sorted_insert(double *x, size_t n, double v)
{
	/* binary search for the first element > v: equal values keep their arrival order */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(x + lo + 1, x + lo, (n - lo) * sizeof *x);
	x[lo] = v;
}

void stop_rule_describe(const struct stop_rule *r, char *buf, size_t len)
{
	snprintf(buf, len, "stop once the median's %.0f%% confidence interval (distribution-free, from order "
		 "statistics; for a series: its ranks those of n / F independent samples, F = 1 + 2 x the sum of the "
		 "autocorrelations of the samples' sides of the median, in the order taken, up to the first <= 0) lies within +-%g%% of the median, after >= %u samples; "
		 "at most %u samples and %g s per case (calibration included)", 100 * MEDIAN_CI_CONFIDENCE, 100 * r->precision,
		 r->min_samples, r->max_samples, r->budget_ns / 1e9);
}
