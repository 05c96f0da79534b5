/* core/stop_rule.c on synthetic sample streams, with a clock that advances one sample at a time. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "core/stats.h"
#include "core/stop_rule.h"

/* Feed samples value(i) each lasting sample_ns until the rule stops; *n_out samples taken,
 * *elapsed_out the clock then. The case "began" start_ns before the first sample (calibration). */
struct stream_end {
	enum stop_why why;
	size_t n;
	double elapsed_ns;
	double halfwidth;       /* the median's relative half-width at the stop */
	double halfwidth_prev;  /* ... one sample before */
};

static unsigned long long rng = 1;
static double uniform(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

/* the interval the rule stops on: for the series, in the order taken */
static double relhw(const double *sorted, const double *in_order, size_t n)
{
	double lo, hi;
	if (!n)
		return INFINITY;
	double med = quantile_sorted(sorted, n, 0.5);
	if (median_ci_series(sorted, n, median_series_inflation(in_order, n, med), MEDIAN_CI_CONFIDENCE, &lo, &hi,
			     NULL) == 0)
		return INFINITY;
	return median_ci_rel_halfwidth(med, lo, hi);
}

static struct stream_end run_stream(const struct stop_rule *r, double start_ns, double sample_ns,
				    double (*value)(size_t i))
{
	double *x = malloc((r->max_samples + 1) * sizeof *x), *in = malloc((r->max_samples + 1) * sizeof *in);
	struct stream_end e = { .why = STOP_NOT_YET, .halfwidth_prev = INFINITY };
	double clock = start_ns;
	while (e.why == STOP_NOT_YET && e.n < 200000) {
		e.halfwidth_prev = relhw(x, in, e.n);
		in[e.n] = value(e.n);
		sorted_insert(x, e.n, in[e.n]);
		e.n++;
		clock += sample_ns;
		e.why = stop_rule_check(r, x, in, e.n, clock);
	}
	e.elapsed_ns = clock;
	e.halfwidth = relhw(x, in, e.n);
	free(x);
	free(in);
	return e;
}

static double flat(size_t i) { (void)i; return 100; }
static double noisy20(size_t i) { (void)i; return 100 * (0.8 + 0.4 * uniform()); }
static double noisy5(size_t i) { (void)i; return 100 * (0.95 + 0.1 * uniform()); }
/* a shared machine: mostly near 100, one sample in 8 hit by something else (2-4x) */
static double stalls(size_t i) { return i % 8 == 3 ? 200 + 200 * uniform() : 100 * (0.98 + 0.04 * uniform()); }
/* spells: +-5% noise around 100 for 40 samples, then around 104 for 40, and so on (a neighbour
 * that comes and goes) */
static double spells(size_t i) { return ((i / 40) % 2 ? 104 : 100) * (0.95 + 0.1 * uniform()); }

void test_stop_rule(void)
{
	const struct stop_rule r = { .precision = 0.01, .min_samples = 10, .max_samples = 1000, .budget_ns = 500e6 };
	struct stream_end e = run_stream(&r, 0, 1e6, flat);
	CHECK(e.why == STOP_PRECISION && e.n == 10,
	      "stop rule: identical samples stop at the minimum, not before (%zu samples, %s)", e.n,
	      stop_why_names[e.why]);

	struct stop_rule few = r;
	few.min_samples = 3;
	e = run_stream(&few, 0, 1e6, flat);
	CHECK(e.why == STOP_PRECISION && e.n == 6,
	      "stop rule: below 6 samples no 95%% interval exists, so even identical samples go on to 6 (%zu)", e.n);

	rng = 7;
	e = run_stream(&r, 0, 1e6, noisy5);
	CHECK(e.why == STOP_PRECISION && e.halfwidth <= 0.01 && e.halfwidth_prev > 0.01 && e.n > 10 && e.n < 500,
	      "stop rule: +-5%% noise stops as soon as the median is known to +-1%% (%zu samples, +-%.3f%%, "
	      "+-%.3f%% one sample before)", e.n, 100 * e.halfwidth, 100 * e.halfwidth_prev);

	rng = 7;
	e = run_stream(&r, 0, 1e6, stalls);
	CHECK(e.why == STOP_PRECISION && e.n < 200,
	      "stop rule: one stalled sample in 8 does not keep the median unknown (%zu samples, +-%.3f%%)",
	      e.n, 100 * e.halfwidth);

	/* the same noise in spells: where independent-sample ranks would call the median known, the
	 * series' interval sees the neighbours alike and goes on */
	rng = 7;
	double sp[500], sp_sorted[500];
	size_t independent_n = 0;
	for (size_t i = 0; i < 500; i++) {
		sp[i] = spells(i);
		sorted_insert(sp_sorted, i, sp[i]);
		double lo, hi;
		if (!independent_n && i + 1 >= r.min_samples &&
		    median_ci_sorted(sp_sorted, i + 1, MEDIAN_CI_CONFIDENCE, &lo, &hi, NULL) > 0 &&
		    median_ci_rel_halfwidth(quantile_sorted(sp_sorted, i + 1, 0.5), lo, hi) <= r.precision)
			independent_n = i + 1;
	}
	rng = 7;
	e = run_stream(&r, 0, 1e6, spells);
	CHECK(independent_n > 0 && e.n > independent_n + 100,
	      "stop rule: noise in spells: independent ranks would stop at %zu samples, the series' interval "
	      "goes on to %zu (%s)", independent_n, e.n, stop_why_names[e.why]);

	struct stop_rule tight = r;
	tight.precision = 0.001;
	rng = 7;
	e = run_stream(&tight, 0, 1e6, noisy20);
	CHECK(e.why == STOP_BUDGET && e.elapsed_ns >= tight.budget_ns && e.elapsed_ns < tight.budget_ns + 1e6 &&
	      e.n == 500,
	      "stop rule: a median that cannot be known to +-0.1%% stops at the budget, not past it (%zu samples, "
	      "%.1f ms)", e.n, e.elapsed_ns / 1e6);

	struct stop_rule capped = tight;
	capped.max_samples = 50;
	e = run_stream(&capped, 0, 1e6, noisy20);
	CHECK(e.why == STOP_MAX_SAMPLES && e.n == 50, "stop rule: max_samples ends the case (%zu)", e.n);

	/* calibration took most of the budget: the budget wins over the minimum */
	e = run_stream(&r, 497e6, 1e6, flat);
	CHECK(e.why == STOP_BUDGET && e.n == 3 && e.elapsed_ns <= r.budget_ns,
	      "stop rule: the budget ends a case even below the minimum (%zu samples)", e.n);

	double x[8] = { 0 };
	size_t n = 0;
	double in[] = { 5, 1, 4, 1, 3, 9, 2 };
	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
		sorted_insert(x, n++, in[i]);
	CHECK(x[0] == 1 && x[1] == 1 && x[2] == 2 && x[3] == 3 && x[4] == 4 && x[5] == 5 && x[6] == 9,
	      "stop rule: sorted_insert keeps the samples ascending");
}
