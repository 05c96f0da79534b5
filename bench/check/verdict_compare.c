#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check/verdict.h"
#include "check/verdict_compare.h"
#include "results/keys.h"

const char *const verdict_change_names[] = {
	[VC_WORSE] = "VERDICT-REGRESSION",
	[VC_NOT_COMPARABLE] = "not-comparable",
	[VC_BETTER] = "verdict-improved",
	[VC_SAME] = "same",
	[VC_ONLY_BASE] = "only-in-BASE",
	[VC_ONLY_NEW] = "only-in-NEW",
};

static bool same_target(const struct verdict_entry *a, const struct verdict_entry *b, unsigned ignore)
{
	return ((ignore & case_key_bit("target")) || !strcmp(a->target, b->target)) &&
	       ((ignore & case_key_bit("map")) || !strcmp(a->map, b->map));
}

/* Which occurrence of its target and map each entry is on its side (1 for the first); NULL when
 * out of memory. n squared comparisons, n bounded by what verdict_json_read takes. */
static unsigned *occurrences(const struct verdict_file *vf, unsigned ignore)
{
	unsigned *occ = calloc(vf->n ? vf->n : 1, sizeof *occ);
	for (size_t i = 0; occ && i < vf->n; i++) {
		occ[i] = 1;
		for (size_t k = 0; k < i; k++)
			occ[i] += same_target(&vf->e[k], &vf->e[i], ignore);
	}
	return occ;
}

static enum verdict_change judge_verdicts(enum verdict b, enum verdict n)
{
	if (verdict_worse(b, n) < 0)
		return VC_NOT_COMPARABLE;
	if (verdict_worse(b, n))
		return VC_WORSE;
	return verdict_worse(n, b) ? VC_BETTER : VC_SAME;
}

static int pair_cmp(const void *a, const void *b)
{
	const struct verdict_pair *x = a, *y = b;
	if (x->c != y->c)
		return x->c < y->c ? -1 : 1;
	const struct verdict_entry *ex = x->b ? x->b : x->n, *ey = y->b ? y->b : y->n;
	int c = strcmp(ex->target, ey->target);
	if (!c)
		c = strcmp(ex->map, ey->map);
	return c ? c : (x->occ > y->occ) - (x->occ < y->occ);
}

int compare_verdicts(const struct verdict_file *base, const struct verdict_file *nw, unsigned ignore,
		     struct verdict_pair **pairs, size_t *n, size_t count[VC_COUNT])
{
	memset(count, 0, VC_COUNT * sizeof *count);
	*pairs = NULL;
	*n = 0;
	struct verdict_pair *p = calloc(base->n + nw->n ? base->n + nw->n : 1, sizeof *p);
	bool *taken = calloc(nw->n ? nw->n : 1, sizeof *taken);
	unsigned *ob = occurrences(base, ignore), *on = occurrences(nw, ignore);
	if (!p || !taken || !ob || !on) {
		free(p);
		free(taken);
		free(ob);
		free(on);
		return -ENOMEM;
	}
	size_t np = 0;
	for (size_t i = 0; i < base->n; i++) {
		struct verdict_pair *x = &p[np++];
		x->b = &base->e[i];
		x->occ = ob[i];
		for (size_t j = 0; j < nw->n && !x->n; j++) {
			if (!taken[j] && on[j] == ob[i] && same_target(&base->e[i], &nw->e[j], ignore)) {
				taken[j] = true;
				x->n = &nw->e[j];
			}
		}
		x->c = x->n ? judge_verdicts(x->b->verdict, x->n->verdict) : VC_ONLY_BASE;
	}
	for (size_t j = 0; j < nw->n; j++) {
		if (taken[j])
			continue;
		struct verdict_pair *x = &p[np++];
		x->n = &nw->e[j];
		x->occ = on[j];
		x->c = VC_ONLY_NEW;
	}
	free(taken);
	free(ob);
	free(on);
	for (size_t i = 0; i < np; i++)
		count[p[i].c]++;
	qsort(p, np, sizeof *p, pair_cmp);
	*pairs = p;
	*n = np;
	return 0;
}
