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
}

int stats_stable(const double *x, size_t n, size_t min_n, double cv_target)
{
	if (n < min_n || n == 0)
		return 0;
	double *tmp = malloc(n * sizeof *tmp);
	if (!tmp)
		return 0;
	memcpy(tmp, x, n * sizeof *tmp);
	qsort(tmp, n, sizeof *tmp, cmp_double);
	double med = sorted_quantile(tmp, n, 0.5);
	double spread = sorted_quantile(tmp, n, 0.9) - sorted_quantile(tmp, n, 0.1);
	free(tmp);
	return med > 0 && spread / med <= 2 * cv_target;
}
