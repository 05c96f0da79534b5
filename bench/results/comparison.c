#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "results/comparison.h"
#include "results/keys.h"
#include "results/machine_ref.h"
#include "targets/kinds.h"
#include "targets/target.h"

const char *const cmp_verdict_names[] = {
	[V_STATUS_REGRESSION] = "STATUS-REGRESSION",
	[V_REGRESSION] = "REGRESSION",
	[V_MACHINE] = "machine?",
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

static void judge_status(struct cmp_entry *e)
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
static void judge(struct cmp_entry *e, double thr)
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

/* A side's references of kind into *lo, *hi (the lowest and highest CI ends), *count; the first
 * one of them in *first (NULL: none). */
static void refs_of_kind(const struct machine_refs *m, enum ref_kind kind, double *lo, double *hi, size_t *count,
			 const struct machine_ref **first)
{
	*lo = INFINITY, *hi = 0, *count = 0, *first = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct machine_ref *r = &m->r[i];
		if (r->kind != kind)
			continue;
		if (!*first)
			*first = r;
		(*count)++;
		*lo = minf(*lo, r->ci_lo);
		*hi = maxf(*hi, r->ci_hi);
	}
}

void machine_drift_of(const struct machine_refs *base, const struct machine_refs *nw, enum ref_kind kind,
		      struct machine_drift *d)
{
	memset(d, 0, sizeof *d);
	d->kind = kind;
	d->base_lo = d->base_hi = d->new_lo = d->new_hi = d->speed_lo = d->speed_hi = NAN;
	const struct machine_refs *side[2] = { base, nw };
	const struct machine_ref *first[2];
	double lo[2], hi[2];
	size_t count[2];
	char none[2][320];
	for (int k = 0; k < 2; k++) {
		refs_of_kind(side[k], kind, &lo[k], &hi[k], &count[k], &first[k]);
		if (!side[k]->n)
			snprintf(none[k], sizeof none[k], "%.300s", side[k]->why);
		else
			snprintf(none[k], sizeof none[k], "its metadata.json lists none of this kind: a run of an "
				 "earlier wcbench, or one that could not take it (its stderr said why)");
	}
	d->nbase = count[0];
	d->nnew = count[1];
	if (!count[0] && !count[1]) {
		snprintf(d->why, sizeof d->why, "none in BASE (%.150s) nor in NEW (%.150s)", none[0], none[1]);
		return;
	}
	if (!count[0] || !count[1]) {
		snprintf(d->why, sizeof d->why, "none in %s (%.300s)", count[0] ? "NEW" : "BASE", none[count[0] ? 1 : 0]);
		return;
	}
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < side[k]->n; i++) {
			const struct machine_ref *r = &side[k]->r[i];
			if (r->kind != kind)
				continue;
			if (strcmp(r->kernel, first[0]->kernel) || r->buffer_bytes != first[0]->buffer_bytes) {
				snprintf(d->why, sizeof d->why, "the runs' references differ (%s into %llu bytes in BASE, "
					 "%s into %llu bytes in %s): not comparable", first[0]->kernel,
					 (unsigned long long)first[0]->buffer_bytes, r->kernel,
					 (unsigned long long)r->buffer_bytes, k ? "NEW" : "BASE");
				return;
			}
		}
	snprintf(d->kernel, sizeof d->kernel, "%s", first[0]->kernel);
	d->buffer_bytes = first[0]->buffer_bytes;
	d->base_lo = lo[0], d->base_hi = hi[0], d->new_lo = lo[1], d->new_hi = hi[1];
	/* speed NEW/BASE = BASE ns / NEW ns: over every pairing of a BASE reference with a NEW one,
	 * widened by both CIs, from the lowest BASE end over the highest NEW end to the highest BASE
	 * end over the lowest NEW end */
	d->speed_lo = lo[0] / hi[1];
	d->speed_hi = hi[0] / lo[1];
	d->known = true;
	/* (written so that NAN is beyond too) */
	d->beyond_limit = !(d->speed_lo >= 1 / MACHINE_DRIFT_LIMIT && d->speed_hi <= MACHINE_DRIFT_LIMIT);
}

/* How far a drift beyond the limit moved, as "1e+09x (NEW ran 1e+09 times slower)". */
static void drift_beyond_text(const struct machine_drift *d, char *buf, size_t len)
{
	double slower = 1 / d->speed_lo, faster = d->speed_hi;
	if (!(slower > 0) || !(faster > 0)) /* NAN, or a reference of no positive time */
		snprintf(buf, len, "an amount that is no number (NEW/BASE speed %g-%g)", d->speed_lo, d->speed_hi);
	else if (slower >= faster)
		snprintf(buf, len, "%.3gx (NEW ran up to %.3g times slower)", slower, slower);
	else
		snprintf(buf, len, "%.3gx (NEW ran up to %.3g times faster)", faster, faster);
}

double machine_drift_move(const struct machine_drift *d, double chg)
{
	if (!d || !d->known || chg == 0)
		return 0;
	double move = chg < 0 ? (1 - d->speed_lo) * 100 : (d->speed_hi - 1) * 100;
	return move > 0 ? move : 0;
}

bool machine_drift_explains(const struct machine_drift *d, double chg, double thr)
{
	double move = machine_drift_move(d, chg);
	return d && d->known && !d->beyond_limit && chg != 0 && move >= thr && fabs(chg) <= move + thr;
}

/* One row's say in case_reference: 0 none, 1 core, 2 memory. */
static int row_reference(const struct row *r)
{
	if (!(target_kind_flags(r->target_kind) & TARGET_MEMORY))
		return 0;
	return r->window_bytes >= MEMORY_REF_MIN_WINDOW ? 2 : 1;
}

int case_reference(const struct row *b, const struct row *n, enum ref_kind *kind)
{
	int wb = b ? row_reference(b) : 2, wn = n ? row_reference(n) : 2;
	if (!b && !n)
		return 0;
	int w = wb < wn ? wb : wn;
	if (!w)
		return 0;
	*kind = w == 2 ? REF_MEMORY : REF_CORE;
	return 1;
}

void machine_ref_choice_text(char *buf, size_t len)
{
	snprintf(buf, len,
		 "a case on a RAM or file target (target_kind ram, file) whose window_bytes is at least %llu MiB "
		 "in both rows is judged against the memory reference (its stores stream to DRAM as that "
		 "reference's do); a RAM or file case with a smaller window (or none recorded) against the core "
		 "reference; a case on a device BAR (vfio, sysfs, sysfs-wc) or any other target against neither: no reference "
		 "measures the path to a device, its verdict is the noise rule's",
		 (unsigned long long)(MEMORY_REF_MIN_WINDOW >> 20));
}

void machine_rule_text(double thr, char *buf, size_t len)
{
	char t[32] = "T";
	if (thr >= 0)
		snprintf(t, sizeof t, "%.1f%%", thr);
	snprintf(buf, len,
		 "when the machine reference that speaks for a case (measured before and after each session "
		 "of both runs) moved by at least %s in one direction, a regression or improvement in "
		 "that direction no larger than the reference's largest move + %s is machine?: it cannot be "
		 "told from the machine's own drift; listed and counted apart, never a regression (exit "
		 "status); a larger change, or one in the other direction, keeps its verdict. A reference "
		 "that moved by more than %gx (NEW's machine more than %g times slower or faster, beyond the "
		 "tens of percent of a machine's own clock steps and neighbours) explains nothing: that move "
		 "is reported as a finding and every regression counts", t, t,
		 MACHINE_DRIFT_LIMIT, MACHINE_DRIFT_LIMIT);
}

void machine_drift_describe(const struct machine_drift *d, double thr, char *buf, size_t len)
{
	const char *kind = ref_kinds[d->kind].name;
	const char *who = d->kind == REF_MEMORY ? "NEW's stores to DRAM" : "NEW's CPU";
	if (!d->known) {
		snprintf(buf, len, "machine reference %s: %s: every case it speaks for is judged by the noise rule alone", kind,
			 d->why);
		return;
	}
	if (d->beyond_limit) {
		char moved[120];
		drift_beyond_text(d, moved, sizeof moved);
		snprintf(buf, len, "machine reference %s moved by %s: more than compare accepts as an "
			 "explanation (limit %gx); regressions counted as regressions (BASE %.4g-%.4g ns/KiB, "
			 "NEW %.4g-%.4g)", kind, moved, MACHINE_DRIFT_LIMIT, d->base_lo, d->base_hi, d->new_lo,
			 d->new_hi);
		return;
	}
	double a = (d->speed_lo - 1) * 100, b = (d->speed_hi - 1) * 100;
	char ran[160], rule[160] = "", buffer[80];
	if (b <= 0)
		snprintf(ran, sizeof ran, "%s ran %.1f-%.1f%% slower", who, -b, -a);
	else if (a >= 0)
		snprintf(ran, sizeof ran, "%s ran %.1f-%.1f%% faster", who, a, b);
	else
		snprintf(ran, sizeof ran, "%s ran between %.1f%% slower and %.1f%% faster", who, -a, b);
	double slower = machine_drift_move(d, -1), faster = machine_drift_move(d, 1);
	int w = 0;
	if (slower >= thr)
		w = snprintf(rule, sizeof rule, "; a slowdown of up to %.1f%% (%.1f%% + the %.1f%% threshold) is machine?",
			     slower + thr, slower, thr);
	if (faster >= thr && w >= 0 && (size_t)w < sizeof rule)
		snprintf(rule + w, sizeof rule - (size_t)w, "; a speedup of up to %.1f%% (%.1f%% + the %.1f%% threshold) "
			 "is machine?", faster + thr, faster, thr);
	if (!rule[0])
		snprintf(rule, sizeof rule, "; less than the %.1f%% threshold: every verdict is the noise rule's", thr);
	if (d->kind == REF_MEMORY)
		snprintf(buffer, sizeof buffer, "in %zu KiB bursts through %llu MiB of RAM", ref_kinds[REF_MEMORY].burst_bytes / 1024,
			 (unsigned long long)(d->buffer_bytes >> 20));
	else
		snprintf(buffer, sizeof buffer, "into %llu KiB of L1", (unsigned long long)(d->buffer_bytes / 1024));
	snprintf(buf, len, "machine reference %s (%s %s, no target; the medians' 95%% CIs of %zu "
		 "BASE and %zu NEW references): BASE %.2f-%.2f ns/KiB, NEW %.2f-%.2f: %s%s", kind, d->kernel,
		 buffer, d->nbase, d->nnew, d->base_lo, d->base_hi, d->new_lo, d->new_hi, ran, rule);
}

/* A pair the noise rule called a REGRESSION or an improvement, against the machine's drift
 * (machine_drift_explains): machine? with a note naming the reference's figures, or its verdict
 * kept with the drift named when the rule applied but the change is larger. */
static void judge_machine(struct cmp_entry *e, const struct machine_drift *d, double thr)
{
	if ((e->v != V_REGRESSION && e->v != V_IMPROVEMENT) || !d || !d->known)
		return;
	if (d->beyond_limit) {
		char moved[120];
		drift_beyond_text(d, moved, sizeof moved);
		size_t l = strlen(e->note);
		snprintf(e->note + l, sizeof e->note - l, "; its %s reference moved by %s, beyond the %gx "
			 "compare accepts as an explanation", ref_kinds[d->kind].name, moved, MACHINE_DRIFT_LIMIT);
		return;
	}
	double chg = (e->gb_ratio - 1) * 100, move = machine_drift_move(d, chg);
	if (move < thr)
		return;
	const char *way = chg < 0 ? "slower" : "faster";
	char was[sizeof e->note];
	memcpy(was, e->note, sizeof was);
	if (machine_drift_explains(d, chg, thr)) {
		snprintf(e->note, sizeof e->note, "within the machine's drift: its %s reference ran up to %.1f%% %s, "
			 "|%+.1f%%| <= %.1f%% + %.1f%%; by the noise rule alone %s: %s", ref_kinds[d->kind].name, move,
			 way, chg, move, thr,
			 cmp_verdict_names[e->v], was);
		e->v = V_MACHINE;
	} else {
		snprintf(e->note, sizeof e->note, "%s; beyond the machine's drift: |%+.1f%%| > %.1f%% + %.1f%% (its "
			 "%s reference ran up to %.1f%% %s)", was, chg, move, thr, ref_kinds[d->kind].name, move, way);
	}
}

/* Why an ok row's figure cannot be judged (NULL: it can): a median must be a positive finite
 * number; a p10 or p90 may be missing (empty: the median stands for it) but not such a value. */
static const char *unjudgeable(double v, bool may_be_missing)
{
	if (isnan(v))
		return may_be_missing ? NULL : "empty or nan";
	if (isinf(v))
		return v > 0 ? "inf" : "-inf";
	return v > 0 ? NULL : v == 0 ? "0" : "negative";
}

int compare_check_rows(const struct result_set *rs, const char *side, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t offset;
		bool may_be_missing;
	} figures[] = {
		{ "ns_per_burst_median", offsetof(struct row, ns_per_burst_median), false },
		{ "gb_per_s_median", offsetof(struct row, gb_per_s_median), false },
		{ "gb_per_s_p10", offsetof(struct row, gb_per_s_p10), true },
		{ "gb_per_s_p90", offsetof(struct row, gb_per_s_p90), true },
	};
	size_t damaged = 0, first = 0;
	const char *first_col = NULL, *first_why = NULL;
	double first_val = 0;
	for (size_t i = 0; i < rs->nrows; i++) {
		if (!is_ok(&rs->rows[i]))
			continue;
		for (size_t f = 0; f < sizeof figures / sizeof figures[0]; f++) {
			double v = *(const double *)((const char *)&rs->rows[i] + figures[f].offset);
			const char *why = unjudgeable(v, figures[f].may_be_missing);
			if (!why)
				continue;
			if (!damaged++) {
				first = i;
				first_col = figures[f].name;
				first_why = why;
				first_val = v;
			}
			break;
		}
	}
	if (!damaged)
		return 0;
	char val[64];
	if (!strcmp(first_why, "negative"))
		snprintf(val, sizeof val, "%.6g", first_val);
	else
		snprintf(val, sizeof val, "%s", first_why);
	char more[64] = "";
	if (damaged > 1)
		snprintf(more, sizeof more, " (and %zu more such rows)", damaged - 1);
	snprintf(err, errlen, "%s %s: line %zu: status ok but %s is %s: damaged row, its case cannot be "
		 "judged%s", side, rs->csv_path, rs->line[first], first_col, val, more);
	return -EINVAL;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct cmp_entry *x = a, *y = b;
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
		 double thr, struct cmp_entry **entries, size_t *n, struct cmp_counts *cnt)
{
	memset(cnt, 0, sizeof *cnt);
	*entries = NULL;
	*n = 0;
	struct keyed *kb = make_keys(base, ignore, &cnt->dup_b);
	struct keyed *kn = make_keys(nw, ignore, &cnt->dup_n);
	struct cmp_entry *e = calloc(base->nrows + nw->nrows ? base->nrows + nw->nrows : 1, sizeof *e);
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
		struct cmp_entry *x = &e[ne++];
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
		enum ref_kind kind;
		x->ref = case_reference(x->b, x->n, &kind) ? (int)kind : -1;
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

void compare_apply_machine_drift(struct cmp_entry *e, size_t n, struct cmp_counts *cnt,
				 const struct machine_drift d[REF_KINDS], double thr)
{
	bool any = false;
	for (int k = 0; k < REF_KINDS; k++)
		any = any || d[k].known;
	if (!any)
		return;
	for (size_t i = 0; i < n; i++) {
		if (e[i].v != V_REGRESSION && e[i].v != V_IMPROVEMENT)
			continue;
		if (e[i].ref < 0) {
			size_t l = strlen(e[i].note);
			snprintf(e[i].note + l, sizeof e[i].note - l, "; no machine reference speaks for a device BAR");
			continue;
		}
		cnt->v[e[i].v]--;
		judge_machine(&e[i], &d[e[i].ref], thr);
		cnt->v[e[i].v]++;
	}
	qsort(e, n, sizeof *e, entry_cmp);
}
