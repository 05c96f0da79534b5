#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/groups.h"
#include "results/keys.h"


static const char *sort_keys;

static int by_key_then_index(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int d = strcmp(sort_keys + x * CASE_KEY_LEN, sort_keys + y * CASE_KEY_LEN);
	return d ? d : (x > y) - (x < y);
}

long group_rows(const struct row *const *rows, size_t n, unsigned ignore, size_t *group)
{
	if (!n)
		return 0;
	char *keys = malloc(n * CASE_KEY_LEN);
	size_t *order = malloc(n * sizeof *order), *first = malloc(n * sizeof *first);
	if (!keys || !order || !first) {
		free(keys);
		free(order);
		free(first);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		case_key(rows[i], ignore, keys + i * CASE_KEY_LEN, CASE_KEY_LEN);
		order[i] = i;
	}
	sort_keys = keys;
	qsort(order, n, sizeof *order, by_key_then_index);
	/* first[i]: the first row with row i's key; rows sorted by key, then by index */
	for (size_t k = 0; k < n; k++) {
		size_t i = order[k];
		bool same = k && !strcmp(keys + i * CASE_KEY_LEN, keys + order[k - 1] * CASE_KEY_LEN);
		first[i] = same ? first[order[k - 1]] : i;
	}
	long ngroups = 0;
	for (size_t i = 0; i < n; i++)
		group[i] = first[i] == i ? (size_t)ngroups++ : group[first[i]];
	free(keys);
	free(order);
	free(first);
	return ngroups;
}

unsigned barrier_pair_ignore(void)
{
	return case_key_bit("barrier") | case_key_bit("barrier_every");
}

void barrier_cost_of(const struct row *base, const struct row *with, struct barrier_cost *c)
{
	snprintf(c->kind, sizeof c->kind, "%s@%s", with->barrier, with->barrier_every);
	c->ns = with->ns_per_burst_median - base->ns_per_burst_median;
	c->lo = isnan(with->ns_per_burst_p10) ? c->ns : with->ns_per_burst_p10 - base->ns_per_burst_median;
	c->hi = isnan(with->ns_per_burst_p90) ? c->ns : with->ns_per_burst_p90 - base->ns_per_burst_median;
}
