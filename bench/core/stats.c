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
	/* the series' order is needed after the median is known: keep a copy of it to sort */
	double *in_order = malloc(n * sizeof *in_order);
	if (in_order)
		memcpy(in_order, x, n * sizeof *x);
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
	if (in_order) {
		s->series_inflation = median_series_inflation(in_order, n, s->median);
		median_ci_series(x, n, s->series_inflation, MEDIAN_CI_CONFIDENCE, &s->ci_lo, &s->ci_hi, NULL);
		free(in_order);
	} else {
		/* without the order there is no honest interval */
		s->series_inflation = NAN;
		s->ci_lo = s->ci_hi = NAN;
	}
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

/* The lower rank k (from 1; 0: none) of median_ci_sorted for n samples, *coverage what it gives. */
static size_t median_ci_rank(size_t n, double conf, double *coverage)
{
	double tail = (1 - conf) / 2;
	size_t k = 0;
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
		*coverage = k ? 1 - 2 * cdf : 0;
	} else {
		double z = z_of(conf);
		k = (size_t)floor(((double)n - z * sqrt((double)n)) / 2);
		*coverage = k ? erf(((double)n / 2 - (double)k + 0.5) / sqrt((double)n / 4) / M_SQRT2) : 0;
	}
	return k;
}

double median_ci_sorted(const double *x, size_t n, double conf, double *lo, double *hi, size_t *rank)
{
	double coverage;
	size_t k = median_ci_rank(n, conf, &coverage);
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

double median_series_inflation(const double *in_order, size_t n, double median)
{
	if (n < 3)
		return 1;
	size_t above = 0;
	for (size_t i = 0; i < n; i++)
		above += in_order[i] > median;
	if (above == 0 || above == n)
		return 1;
	double mean = (double)above / (double)n, den = 0, inflation = 1;
	for (size_t i = 0; i < n; i++) {
		double d = (in_order[i] > median) - mean;
		den += d * d;
	}
	size_t max_lag = n / 4 < SERIES_MAX_LAG ? n / 4 : SERIES_MAX_LAG;
	for (size_t k = 1; k <= max_lag; k++) {
		double num = 0;
		for (size_t i = 0; i + k < n; i++)
			num += ((in_order[i] > median) - mean) * ((in_order[i + k] > median) - mean);
		if (!(num > 0))
			break;
		inflation += 2 * num / den;
	}
	return inflation;
}

double median_ci_series(const double *sorted, size_t n, double inflation, double conf, double *lo, double *hi,
			size_t *rank)
{
	if (!(inflation > 1)) /* NAN too: as independent */
		return median_ci_sorted(sorted, n, conf, lo, hi, rank);
	size_t m = (size_t)floor((double)n / inflation), k_eff = 0;
	double coverage = 0;
	if (m > 0)
		k_eff = median_ci_rank(m, conf, &coverage);
	size_t k = k_eff ? (size_t)floor((double)k_eff * (double)n / (double)m) : 0;
	double iid_coverage;
	size_t k_iid = median_ci_rank(n, conf, &iid_coverage);
	if (k > k_iid) /* never narrower than for independent samples (small counts are coarse) */
		k = k_iid;
	if (rank)
		*rank = k;
	if (!k) {
		*lo = *hi = NAN;
		return 0;
	}
	*lo = sorted[k - 1];
	*hi = sorted[n - k];
	return coverage;
}
