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

	/* a series: how much its sides of the median depend on their neighbours */
	double alt[40], blocks[40], same[10] = { 0 };
	for (int i = 0; i < 40; i++) {
		alt[i] = i % 2 ? 2 : 1;       /* above, below, above, ...: anti-correlated */
		blocks[i] = i < 20 ? 1 : 2;   /* 20 below, then 20 above */
	}
	CHECK(median_series_inflation(alt, 40, 1.5) == 1, "stats: alternating sides: no inflation (%g)",
	      median_series_inflation(alt, 40, 1.5));
	double f_blocks = median_series_inflation(blocks, 40, 1.5);
	CHECK(f_blocks > 8, "stats: two spells of 20: the count below the median varies > 8x as much (%g)", f_blocks);
	CHECK(median_series_inflation(same, 10, 0) == 1 && median_series_inflation(blocks, 2, 1.5) == 1,
	      "stats: one side only, or < 3 samples: no inflation");
	/* the interval at inflation 2 is that of n/2 independent samples, ranks scaled: 100 -> 50
	 * samples, k_eff 18 (the published table), k = 36 */
	cov = median_ci_series(sorted, 100, 2, 0.95, &lo, &hi, &k);
	CHECK(k == 36 && lo == 36 && hi == 65 && cov >= 0.95,
	      "stats: inflation 2 at 100 samples: ranks 36 and 65 (k %zu, %g %g)", k, lo, hi);
	size_t k1;
	median_ci_series(sorted, 100, 1, 0.95, &lo, &hi, &k1);
	median_ci_sorted(sorted, 100, 0.95, &lo, &hi, &k);
	CHECK(k1 == k, "stats: inflation 1 is the independent interval (%zu %zu)", k1, k);
	CHECK(median_ci_series(sorted, 100, 30, 0.95, &lo, &hi, &k) == 0 && isnan(lo) && k == 0,
	      "stats: inflation 30 leaves 3 effective samples of 100: no interval");
	/* coverage, simulated on a first-order autoregressive series (Gaussian, phi 0.8, true median
	 * 0), 200 samples: first that the series does defeat the independent interval, then that
	 * the series' interval holds */
	int covered_iid = 0, covered_series = 0;
	trials = 1000;
	for (int t = 0; t < trials; t++) {
		double ar[200], v = 0;
		for (int i = -50; i < 200; i++) {
			double g = 0; /* Box-Muller */
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double u1 = ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			double u2 = ((double)(seed >> 11) + 0.5) / 9007199254740992.0;
			g = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
			v = 0.8 * v + 0.6 * g;
			if (i >= 0)
				ar[i] = v;
		}
		struct summary e;
		summarize(ar, 200, &e); /* sorts ar */
		covered_series += e.ci_lo <= 0 && 0 <= e.ci_hi;
		median_ci_sorted(ar, 200, 0.95, &lo, &hi, NULL);
		covered_iid += lo <= 0 && 0 <= hi;
	}
	CHECK(covered_iid < 0.8 * trials,
	      "stats: an autoregressive series (phi 0.8) defeats the independent-sample interval: it covers the "
	      "median in %d of %d", covered_iid, trials);
	CHECK(covered_series >= 0.88 * trials,
	      "stats: the series' interval covers it in %d of %d (>= 88%%: the sides are not exactly first-order)",
	      covered_series, trials);
	CHECK(median_ci_rel_halfwidth(100, 99, 102) == 0.02 && isinf(median_ci_rel_halfwidth(100, NAN, 101)),
	      "stats: relative half-width is the larger side over the median");
}
