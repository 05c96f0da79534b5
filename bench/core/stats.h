/* Sample statistics. */
#ifndef WCBENCH_STATS_H
#define WCBENCH_STATS_H

#include <stddef.h>

/* The confidence of the median's interval wcbench records and stops on. */
#define MEDIAN_CI_CONFIDENCE 0.95

struct summary {
	size_t n;
	double median, p10, p90, min, max, mean, stddev, cv;
	double ci_lo, ci_hi;     /* the median's MEDIAN_CI_CONFIDENCE interval (NAN: too few samples) */
};

/* Quantile q in [0,1] of x[0..n), linear interpolation between order statistics (Hyndman-Fan
 * type 7, as R and numpy default). Sorts x in place. n must be > 0. */
double quantile(double *x, size_t n, double q);

/* Quantile q of x[0..n) already sorted ascending (the same interpolation). n must be > 0. */
double quantile_sorted(const double *x, size_t n, double q);

/* Summary of x[0..n) (n > 0). Sorts x in place. cv = stddev / mean (sample stddev, n-1). */
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

/* How far the median may be from the interval's ends, relative to it: max(median - lo,
 * hi - median) / median; INFINITY without an interval or with a median <= 0. */
double median_ci_rel_halfwidth(double median, double lo, double hi);
#endif
