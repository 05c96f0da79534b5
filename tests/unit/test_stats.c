#include <math.h>

#include "check.h"
#include "core/stats.h"

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(b) + 1);
}

void test_stats(void)
{
	double x[] = { 5, 1, 4, 2, 3 };
	struct summary s;
	summarize(x, 5, &s);
	CHECK(near(s.median, 3) && near(s.min, 1) && near(s.max, 5), "stats: median/min/max of 1..5");
	CHECK(near(s.p10, 1.4) && near(s.p90, 4.6), "stats: p10/p90 interpolate (type 7): %g %g", s.p10, s.p90);
	CHECK(near(s.mean, 3) && near(s.stddev, sqrt(2.5)), "stats: mean and sample stddev");
	CHECK(near(s.cv, sqrt(2.5) / 3), "stats: cv = stddev/mean");

	double even[] = { 10, 20, 30, 40 };
	CHECK(near(quantile(even, 4, 0.5), 25), "stats: median of an even count averages the middle two");
	double one[] = { 7 };
	summarize(one, 1, &s);
	CHECK(near(s.median, 7) && near(s.p10, 7) && s.stddev == 0 && s.cv == 0, "stats: one sample");

	/* the median's interval: ranks from the binomial(n, 1/2) tails */
	double sorted[3000];
	for (int i = 0; i < 3000; i++)
		sorted[i] = i + 1;
	double lo, hi;
	size_t k;
	CHECK(median_ci_sorted(sorted, 5, 0.95, &lo, &hi, &k) == 0 && isnan(lo) && isnan(hi) && k == 0,
	      "stats: 5 samples give no 95%% interval of the median");
	double cov = median_ci_sorted(sorted, 6, 0.95, &lo, &hi, &k);
	CHECK(k == 1 && lo == 1 && hi == 6 && near(cov, 1 - 2.0 / 64),
	      "stats: 6 samples: the interval is min..max, coverage 1 - 2/64 (k %zu, %g)", k, cov);
	cov = median_ci_sorted(sorted, 10, 0.95, &lo, &hi, &k);
	CHECK(k == 2 && lo == 2 && hi == 9 && near(cov, 1 - 22.0 / 1024),
	      "stats: 10 samples: ranks 2 and 9, coverage 1 - 22/1024 (k %zu, %g)", k, cov);
	median_ci_sorted(sorted, 100, 0.95, &lo, &hi, &k);
	CHECK(lo == 40 && hi == 61, "stats: 100 samples: ranks 40 and 61 (the published table): %g %g", lo, hi);
	size_t k_exact, k_approx;
	median_ci_sorted(sorted, 2000, 0.95, &lo, &hi, &k_exact);
	median_ci_sorted(sorted, 2001, 0.95, &lo, &hi, &k_approx);
	CHECK(k_approx + 1 >= k_exact && k_approx <= k_exact + 1,
	      "stats: the normal approximation above 2000 samples meets the exact ranks (%zu vs %zu)",
	      k_approx, k_exact);
	/* coverage, simulated: the exponential distribution (skewed; true median ln 2), 30 samples */
	unsigned long long seed = 42;
	int covered = 0, trials = 4000;
	for (int t = 0; t < trials; t++) {
		double x30[30];
		for (int i = 0; i < 30; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double u = ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
			x30[i] = -log(u);
		}
		struct summary e;
		summarize(x30, 30, &e);
		covered += e.ci_lo <= M_LN2 && M_LN2 <= e.ci_hi;
	}
	CHECK(covered >= (int)(0.94 * trials),
	      "stats: the 95%% interval covers an exponential's median in %d of %d draws", covered, trials);
	CHECK(median_ci_rel_halfwidth(100, 99, 102) == 0.02 && isinf(median_ci_rel_halfwidth(100, NAN, 101)),
	      "stats: relative half-width is the larger side over the median");
}
