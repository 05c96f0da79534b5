/* Sample statistics. */
#ifndef WCBENCH_STATS_H
#define WCBENCH_STATS_H

#include <stddef.h>

struct summary {
	size_t n;
	double median, p10, p90, min, max, mean, stddev, cv;
};

/* Quantile q in [0,1] of x[0..n), linear interpolation between order statistics (Hyndman-Fan
 * type 7, as R and numpy default). Sorts x in place. n must be > 0. */
double quantile(double *x, size_t n, double q);

/* Summary of x[0..n) (n > 0). Sorts x in place. cv = stddev / mean (sample stddev, n-1). */
void summarize(double *x, size_t n, struct summary *s);

/* The adaptive stop: true once the spread is small enough to trust the median:
 * at least min_n samples and (p90 - p10) / median <= 2 * cv_target. x is not modified. */
int stats_stable(const double *x, size_t n, size_t min_n, double cv_target);
#endif
