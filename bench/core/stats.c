#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double sorted_quantile(const double *x, size_t n, double q)
{
	if (n == 1)
		return x[0];
	double h = (double)(n - 1) * q;
	size_t lo = (size_t)floor(h);
	if (lo >= n - 1)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

double quantile_sorted(const double *x, size_t n, double q)
{
	return sorted_quantile(x, n, q);
}

double quantile(double *x, size_t n, double q)
{
	qsort(x, n, sizeof *x, cmp_double);
	return sorted_quantile(x, n, q);
}

void summarize(double *x, size_t n, struct summary *s)
{
	qsort(x, n, sizeof *x, cmp_double);
	s->n = n;
	s->median = sorted_quantile(x, n, 0.5);
	s->p10 = sorted_quantile(x, n, 0.1);
	s->p90 = sorted_quantile(x, n, 0.9);
	s->min = x[0];
	s->max = x[n - 1];
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	s->mean = sum / (double)n;
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - s->mean) * (x[i] - s->mean);
	s->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
	s->cv = s->mean > 0 ? s->stddev / s->mean : 0;
	median_ci_sorted(x, n, MEDIAN_CI_CONFIDENCE, &s->ci_lo, &s->ci_hi, NULL);
}

/* ln P(B = i), B ~ Binomial(n, 1/2) */
static double log_binom_half(size_t n, size_t i)
{
	return lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) - (double)n * M_LN2;
}

/* The normal approximation's z for a two-sided conf (the few levels asked of it). */
static double z_of(double conf)
{
	/* inverse of erf by bisection: conf = erf(z / sqrt 2) */
	double lo = 0, hi = 10;
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;
		if (erf(mid / M_SQRT2) < conf)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

#define CI_EXACT_MAX 2000

double median_ci_sorted(const double *x, size_t n, double conf, double *lo, double *hi, size_t *rank)
{
	double tail = (1 - conf) / 2, coverage = 0;
	size_t k = 0; /* the lower rank, from 1; 0: none */
	if (n <= CI_EXACT_MAX) {
		/* P(B <= k-1) for k = 1, 2, ...: the largest k whose tail stays <= (1-conf)/2. The
		 * terms below 8 standard deviations under n/2 weigh < 1e-15 together: the sum starts
		 * there (at 0 below 64 samples), one lgamma and then the ratio of successive terms,
		 * since this runs after every sample. */
		double start = floor((double)n / 2 - 4 * sqrt((double)n));
		size_t i0 = start > 0 ? (size_t)start : 0;
		double cdf = 0, pmf = exp(log_binom_half(n, i0));
		for (size_t i = i0; 2 * i < n; i++) {
			double next = cdf + pmf;
			if (next > tail)
				break;
			cdf = next;
			k = i + 1;
			pmf *= (double)(n - i) / (double)(i + 1);
		}
		coverage = k ? 1 - 2 * cdf : 0;
	} else {
		double z = z_of(conf);
		k = (size_t)floor(((double)n - z * sqrt((double)n)) / 2);
		coverage = k ? erf(((double)n / 2 - (double)k + 0.5) / sqrt((double)n / 4) / M_SQRT2) : 0;
	}
	if (rank)
		*rank = k;
	if (!k) {
		*lo = *hi = NAN;
		return 0;
	}
	*lo = x[k - 1];
	*hi = x[n - k];
	return coverage;
}

double median_ci_rel_halfwidth(double median, double lo, double hi)
{
	if (!(median > 0) || isnan(lo) || isnan(hi))
		return INFINITY;
	double a = median - lo, b = hi - median;
	return (a > b ? a : b) / median;
}
