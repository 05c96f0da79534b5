/* Rows grouped by their case key (results/keys.h), for figures and pairings. */
#ifndef WCBENCH_RESULTS_GROUPS_H
#define WCBENCH_RESULTS_GROUPS_H

#include <stddef.h>

#include "results/schema.h"

/*
 * group[i] = the group of rows[i]: rows whose case keys, less the columns in `ignore`
 * (case_key_bit), are equal share a group; groups are numbered from 0 in the order their first
 * row appears. Returns the number of groups, or -ENOMEM.
 */
long group_rows(const struct row *const *rows, size_t n, unsigned ignore, size_t *group);

/* What a barrier costs: a row with a barrier is paired with the barrier-free row of the same case,
 * the case key less barrier_pair_ignore()'s columns (barrier, barrier_every). */
unsigned barrier_pair_ignore(void);

struct barrier_cost {
	char kind[64];      /* "sfence@64": the barrier and where it goes, one bar kind each */
	double ns;          /* added ns per burst: the medians' difference */
	double lo, hi;      /* with's p10 and p90 less base's median (ns when with has none) */
};
void barrier_cost_of(const struct row *base, const struct row *with, struct barrier_cost *c);
#endif
