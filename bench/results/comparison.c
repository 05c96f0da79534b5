#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "results/comparison.h"
#include "results/keys.h"

const char *const cmp_verdict_names[] = {
	[V_STATUS_REGRESSION] = "STATUS-REGRESSION",
	[V_REGRESSION] = "REGRESSION",
	[V_NOISE] = "same",
	[V_IMPROVEMENT] = "improvement",
	[V_STATUS_IMPROVED] = "status-improved",
	[V_STATUS_CHANGED] = "status-changed",
	[V_NOT_MEASURED] = "not-measured",
	[V_ONLY_BASE] = "only-in-BASE",
	[V_ONLY_NEW] = "only-in-NEW",
};

struct keyed {
	char key[CASE_KEY_LEN];
	size_t idx;
	unsigned occ;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static struct keyed *make_keys(const struct result_set *rs, unsigned ignore, size_t *ndup)
{
	struct keyed *k = calloc(rs->nrows ? rs->nrows : 1, sizeof *k);
	if (!k)
		return NULL;
	for (size_t i = 0; i < rs->nrows; i++) {
		case_key(&rs->rows[i], ignore, k[i].key, sizeof k[i].key);
		k[i].idx = i;
	}
	qsort(k, rs->nrows, sizeof *k, keyed_cmp);
	*ndup = 0;
	for (size_t i = 0; i < rs->nrows; i++) {
		k[i].occ = i && !strcmp(k[i].key, k[i - 1].key) ? k[i - 1].occ + 1 : 1;
		if (k[i].occ > 1)
			(*ndup)++;
	}
	return k;
}

static int is_ok(const struct row *r)
{
	return r->status == STATUS_OK;
}

static double minf(double a, double b) { return a < b ? a : b; }
static double maxf(double a, double b) { return a > b ? a : b; }

void gb_spread_interval(const struct row *r, double *lo, double *hi)
{
	double a = r->gb_per_s_p10, b = r->gb_per_s_p90, m = r->gb_per_s_median;
	if (isnan(a) || isnan(b)) {
		*lo = *hi = m;
		return;
	}
	*lo = minf(minf(a, b), m);
	*hi = maxf(maxf(a, b), m);
}

int gb_ci_interval(const struct row *r, double *lo, double *hi)
{
	double m = r->gb_per_s_median, ns = r->ns_per_burst_median;
	double a = r->ns_per_burst_ci_lo, b = r->ns_per_burst_ci_hi;
	/* (written as !(x > 0) so that NAN fails too) */
	if (!is_ok(r) || !(m > 0) || !(ns > 0) || !(a > 0) || !(b > 0) || !(a <= ns) || !(ns <= b) ||
	    isinf(m) || isinf(b))
		return 0;
	/* the GB/s of the slow end (ns high) is the low end; never narrower than the median itself
	 * (GB/s and ns are rounded apart in the CSV) */
	*lo = minf(m * (ns / b), m);
	*hi = maxf(m * (ns / a), m);
	return 1;
}

unsigned ci_min_samples(void)
{
	double x[64], lo, hi;
	for (unsigned n = 1; n <= 64; n++) {
		x[n - 1] = n; /* sorted */
		if (median_ci_sorted(x, n, MEDIAN_CI_CONFIDENCE, &lo, &hi, NULL) > 0)
			return n;
	}
	return 0; /* not reached at any sensible confidence */
}

enum cmp_basis gb_row_interval(const struct row *r, double *lo, double *hi)
{
	if (gb_ci_interval(r, lo, hi))
		return BASIS_CI;
	gb_spread_interval(r, lo, hi);
	return BASIS_SPREAD;
}

/* Which side lacks a confidence interval, for the note of a pair judged by p10-p90. */
static const char *no_interval_in(bool b_has, bool n_has)
{
	return !b_has && !n_has ? "either" : !b_has ? "BASE" : "NEW";
}

static void judge_status(struct entry *e)
{
	const struct row *b = e->b, *n = e->n;
	const char *sb = status_name(b->status), *sn = status_name(n->status);
	if (is_ok(b)) {
		e->v = V_STATUS_REGRESSION;
		snprintf(e->note, sizeof e->note, "ok -> %s: %.150s", sn, n->reason);
	} else if (is_ok(n)) {
		e->v = V_STATUS_IMPROVED;
		snprintf(e->note, sizeof e->note, "%s -> ok", sb);
	} else if (b->status == n->status) {
		e->v = V_NOT_MEASURED;
		snprintf(e->note, sizeof e->note, "%s on both: %.150s", sb, n->reason);
	} else if (b->status == STATUS_UNSUPPORTED) {
		/* it was skipped, now it runs and breaks */
		e->v = V_STATUS_REGRESSION;
		snprintf(e->note, sizeof e->note, "%s -> %s: %.150s", sb, sn, n->reason);
	} else {
		e->v = V_STATUS_CHANGED;
		snprintf(e->note, sizeof e->note, "%s -> %s: %.150s", sb, sn, n->reason);
	}
}

/*
 * A change counts when it is at least the threshold AND the two rows' intervals are disjoint
 * (NEW's entirely slower or entirely faster than BASE's): the medians' 95% confidence intervals
 * when both rows have one, else the p10-p90 ranges with the threshold raised for few samples.
 */
static void judge(struct entry *e, double thr)
{
	const struct row *b = e->b, *n = e->n;
	e->gb_ratio = e->ns_ratio = e->lo_pct = e->hi_pct = NAN;
	e->b_lo = e->b_hi = e->n_lo = e->n_hi = NAN;
	e->basis = BASIS_NONE;
	e->thr_eff = thr;
	if (!is_ok(b) || !is_ok(n)) {
		judge_status(e);
		return;
	}
	double bm = b->gb_per_s_median, nm = n->gb_per_s_median;
	e->ns_ratio = n->ns_per_burst_median / b->ns_per_burst_median;
	if (isnan(bm) || isnan(nm) || bm <= 0 || nm <= 0) {
		e->v = V_NOT_MEASURED;
		snprintf(e->note, sizeof e->note, "status ok but GB/s median missing or zero");
		return;
	}
	e->gb_ratio = nm / bm;
	double blo, bhi, nlo, nhi;
	bool b_ci = gb_ci_interval(b, &blo, &bhi), n_ci = gb_ci_interval(n, &nlo, &nhi);
	const char *what; /* the intervals, as the note names them */
	char why[120] = ""; /* for p10-p90: why not the CIs, and a raised threshold */
	if (b_ci && n_ci) {
		e->basis = BASIS_CI;
		what = "95% CIs of the medians";
	} else {
		e->basis = BASIS_SPREAD;
		what = "p10-p90 ranges";
		gb_spread_interval(b, &blo, &bhi);
		gb_spread_interval(n, &nlo, &nhi);
		unsigned ns = b->samples < n->samples ? b->samples : n->samples;
		int w = snprintf(why, sizeof why, " (no interval in %s", no_interval_in(b_ci, n_ci));
		if (ns < FULL_SAMPLES) {
			e->thr_eff = thr * sqrt((double)FULL_SAMPLES / (ns ? ns : 1));
			snprintf(why + w, sizeof why - (size_t)w, "; only %u samples: threshold %.1f%%)", ns, e->thr_eff);
		} else {
			snprintf(why + w, sizeof why - (size_t)w, ")");
		}
	}
	e->b_lo = blo, e->b_hi = bhi, e->n_lo = nlo, e->n_hi = nhi;
	e->lo_pct = (nlo / bhi - 1) * 100;
	e->hi_pct = (nhi / blo - 1) * 100;
	double chg = (e->gb_ratio - 1) * 100;
	if (chg <= -e->thr_eff && nhi < blo) {
		e->v = V_REGRESSION;
		snprintf(e->note, sizeof e->note, "%s disjoint: NEW <= %.5g < %.5g <= BASE GB/s%s", what, nhi, blo, why);
	} else if (chg >= e->thr_eff && nlo > bhi) {
		e->v = V_IMPROVEMENT;
		snprintf(e->note, sizeof e->note, "%s disjoint: BASE <= %.5g < %.5g <= NEW GB/s%s", what, bhi, nlo, why);
	} else if (fabs(chg) < e->thr_eff) {
		e->v = V_NOISE;
		snprintf(e->note, sizeof e->note, "|%+.1f%%| below threshold %.1f%%; intervals: %s%s", chg, e->thr_eff,
			 what, why);
	} else {
		e->v = V_NOISE;
		snprintf(e->note, sizeof e->note, "%s overlap%s", what, why);
	}
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	if (!isnan(x->gb_ratio) && !isnan(y->gb_ratio) && x->gb_ratio != y->gb_ratio)
		return x->gb_ratio < y->gb_ratio ? -1 : 1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->occ < y->occ ? -1 : x->occ > y->occ;
}

int compare_runs(const struct result_set *base, const struct result_set *nw, unsigned ignore,
		 double thr, struct entry **entries, size_t *n, struct counts *cnt)
{
	memset(cnt, 0, sizeof *cnt);
	*entries = NULL;
	*n = 0;
	struct keyed *kb = make_keys(base, ignore, &cnt->dup_b);
	struct keyed *kn = make_keys(nw, ignore, &cnt->dup_n);
	struct entry *e = calloc(base->nrows + nw->nrows ? base->nrows + nw->nrows : 1, sizeof *e);
	if (!kb || !kn || !e) {
		free(kb);
		free(kn);
		free(e);
		return -ENOMEM;
	}
	size_t ne = 0, i = 0, j = 0;
	while (i < base->nrows || j < nw->nrows) {
		int d;
		if (i == base->nrows)
			d = 1;
		else if (j == nw->nrows)
			d = -1;
		else {
			d = strcmp(kb[i].key, kn[j].key);
			if (!d)
				d = kb[i].occ < kn[j].occ ? -1 : kb[i].occ > kn[j].occ;
		}
		struct entry *x = &e[ne++];
		x->gb_ratio = x->ns_ratio = x->lo_pct = x->hi_pct = NAN;
		x->b_lo = x->b_hi = x->n_lo = x->n_hi = NAN;
		x->thr_eff = thr;
		if (d < 0) {
			x->b = &base->rows[kb[i].idx];
			x->occ = kb[i++].occ;
			x->v = V_ONLY_BASE;
			snprintf(x->note, sizeof x->note, "BASE line %zu (%s); no such case in NEW",
				 base->line[kb[i - 1].idx], status_name(x->b->status));
		} else if (d > 0) {
			x->n = &nw->rows[kn[j].idx];
			x->occ = kn[j++].occ;
			x->v = V_ONLY_NEW;
			snprintf(x->note, sizeof x->note, "NEW line %zu (%s); no such case in BASE",
				 nw->line[kn[j - 1].idx], status_name(x->n->status));
		} else {
			x->b = &base->rows[kb[i].idx];
			x->n = &nw->rows[kn[j].idx];
			x->occ = kb[i].occ;
			i++, j++;
			judge(x, thr);
			cnt->paired++;
		}
		const struct row *any = x->b ? x->b : x->n;
		int len = row_case_name(any, x->name, sizeof x->name);
		/* a latency case reads like its throughput twin otherwise (rows before version 4 are
		 * all throughput: the name says only the other mode) */
		if (strcmp(any->mode, "throughput") && any->mode[0] && len >= 0 && (size_t)len < sizeof x->name)
			snprintf(x->name + len, sizeof x->name - (size_t)len, " mode=%s", any->mode);
		cnt->v[x->v]++;
	}
	qsort(e, ne, sizeof *e, entry_cmp);
	free(kb);
	free(kn);
	*entries = e;
	*n = ne;
	return 0;
}

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
