/* Sample statistics. */
#ifndef WCBENCH_CORE_STATS_H
#define WCBENCH_CORE_STATS_H

#include <stddef.h>

/* The confidence of the median's interval wcbench records and stops on. */
#define MEDIAN_CI_CONFIDENCE 0.95

struct summary {
	size_t n;
	double median, p10, p90, min, max, mean, stddev, cv;
	double ci_lo, ci_hi;     /* the median's MEDIAN_CI_CONFIDENCE interval, for a series
				  * (median_ci_series; NAN: too few samples) */
	double series_inflation; /* median_series_inflation of the samples in the order taken */
};

/* Quantile q in [0,1] of x[0..n), linear interpolation between order statistics (Hyndman-Fan
 * type 7, as R and numpy default). Sorts x in place. n must be > 0. */
double quantile(double *x, size_t n, double q);

/* Quantile q of x[0..n) already sorted ascending (the same interpolation). n must be > 0. */
double quantile_sorted(const double *x, size_t n, double q);

/* Summary of x[0..n) (n > 0), x in the order the samples were taken (the median's interval
 * depends on it: median_ci_series). Sorts x in place. cv = stddev / mean (sample stddev, n-1). */
void summarize(double *x, size_t n, struct summary *s);

/*
 * The distribution-free confidence interval of the median of sorted x[0..n): [x(k), x(n+1-k)]
 * (ranks from 1), k the largest rank with P(B <= k-1) <= (1-conf)/2 for B ~ Binomial(n, 1/2),
 * so the interval covers the true median with probability >= conf whatever the distribution
 * (exact binomial sums up to n = 2000, the normal approximation above). Returns the coverage
 * the ranks give (>= conf), or 0 with lo = hi = NAN when n is too small for conf (n < 6 at
 * 0.95). Also *rank = k when rank is not NULL.
 */
double median_ci_sorted(const double *x, size_t n, double conf, double *lo, double *hi, size_t *rank);

/*
 * Timed samples are a series, not independent draws: a slow spell (another guest on the core, a
 * frequency step, a neighbour's burst) makes neighbours alike, and an interval built as if they
 * were independent is then too narrow. median_series_inflation is how much more the count of
 * samples below the median varies than it would for independent samples: with b the samples'
 * sides of the median (1 above it, 0 at or below) in the order taken and rho_k their lag-k
 * autocorrelation, 1 + 2 (rho_1 + ... + rho_K), summed up to the lag before the first rho_k <= 0
 * (an initial positive sequence), K <= SERIES_MAX_LAG and <= n/4. 1 when n < 3 or every sample is
 * on one side; never below 1.
 */
#define SERIES_MAX_LAG 100
double median_series_inflation(const double *in_order, size_t n, double median);

/*
 * The median's interval for such a series, inflation from median_series_inflation: the interval
 * that n_eff = floor(n / inflation) independent samples would give (median_ci_sorted's ranks at
 * n_eff), its ranks scaled back to n: k = floor(k_eff n / n_eff), never above median_ci_sorted's
 * k. inflation <= 1 gives median_ci_sorted. Returns the coverage at n_eff, or 0 with
 * lo = hi = NAN when n_eff is too small for conf.
 */
double median_ci_series(const double *sorted, size_t n, double inflation, double conf, double *lo, double *hi,
			size_t *rank);

/* How far the median may be from the interval's ends, relative to it: max(median - lo,
 * hi - median) / median; INFINITY without an interval or with a median <= 0. */
double median_ci_rel_halfwidth(double median, double lo, double hi);
#endif
