#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/escape.h"
#include "render/compare_out.h"
#include "render/gnuplot.h"
#include "results/csv.h"
#include "common/json.h"
#include "results/keys.h"

static int is_ok(const struct row *r)
{
	return r->status == STATUS_OK;
}

static const char *basis_tag(enum cmp_basis basis)
{
	return basis == BASIS_CI ? "CI" : "p10-p90";
}

/* A row's GB/s median and interval: the one that judged the pair (lo, hi when the pair was
 * judged on numbers), else the row's own (its CI, or p10-p90), tagged with which it is. */
static void fmt_gb(const struct row *r, enum cmp_basis basis, double lo, double hi, char *buf, size_t len)
{
	if (!r) {
		snprintf(buf, len, "-");
		return;
	}
	if (!is_ok(r) || isnan(r->gb_per_s_median)) {
		snprintf(buf, len, "%s", status_name(r->status));
		return;
	}
	if (basis == BASIS_NONE)
		basis = gb_row_interval(r, &lo, &hi);
	snprintf(buf, len, "%.3f [%.3f-%.3f %s]", r->gb_per_s_median, lo, hi, basis_tag(basis));
}

static void fmt_ratio(double x, char *buf, size_t len)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f (%+.1f%%)", x, (x - 1) * 100);
}

static void fmt_samples(const struct cmp_entry *e, char *buf, size_t len)
{
	char a[16] = "-", b[16] = "-";
	if (e->b && is_ok(e->b))
		snprintf(a, sizeof a, "%u", e->b->samples);
	if (e->n && is_ok(e->n))
		snprintf(b, sizeof b, "%u", e->n->samples);
	snprintf(buf, len, "%s/%s", a, b);
}

static void rule_text(const struct cmp_opts *o, char *buf, size_t len)
{
	snprintf(buf, len,
		 "a case changed when |GB/s ratio - 1| >= %.1f%% AND the GB/s intervals of BASE and NEW are "
		 "disjoint: the 95%% confidence intervals of the two medians (CI) where both rows have one, "
		 "else (a row of schema 1-3 or with < %u samples) their p10-p90 ranges, the threshold then "
		 "x sqrt(%d/n) when a row has n < %d samples; ok -> fault/error/unsupported is a regression too",
		 o->thr, ci_min_samples(), FULL_SAMPLES, FULL_SAMPLES);
}

/* What [lo-hi] after a median means, above the table. */
static const char interval_legend[] =
	"[lo-hi CI]: the median's 95% confidence interval, [lo-hi p10-p90]: the row's p10-p90 range; "
	"a pair shows the intervals that judged it";

static void csv_num(struct sbuf *b, double x, const char *fmt)
{
	sb_printf(b, ",");
	if (!isnan(x))
		sb_printf(b, fmt, x);
}

void compare_write_csv(struct sbuf *b, const struct cmp_entry *e, size_t n, const struct cmp_opts *o,
		       const struct machine_drift d[REF_KINDS])
{
	const struct column *kc[32];
	size_t nk = key_columns(KEY_CASE, kc, 32);
	sb_printf(b, "rank,verdict,case");
	for (size_t k = 0; k < nk; k++)
		sb_printf(b, ",%s", kc[k]->name);
	sb_printf(b, ",occurrence,base_status,new_status,base_gb_per_s_median,base_gb_per_s_p10,"
		     "base_gb_per_s_p90,base_gb_per_s_ci_lo,base_gb_per_s_ci_hi,new_gb_per_s_median,"
		     "new_gb_per_s_p10,new_gb_per_s_p90,new_gb_per_s_ci_lo,new_gb_per_s_ci_hi,"
		     "gb_per_s_ratio,ns_per_burst_ratio,change_pct,judged_by,change_lo_pct,change_hi_pct,"
		     "base_samples,new_samples,threshold_pct,machine_reference,machine_change_lo_pct,"
		     "machine_change_hi_pct,note\n");
	for (size_t i = 0; i < n; i++) {
		const struct row *any = e[i].b ? e[i].b : e[i].n;
		sb_printf(b, "%zu,%s,", i + 1, cmp_verdict_names[e[i].v]);
		csv_field(b, e[i].name);
		for (size_t k = 0; k < nk; k++) {
			char v[256];
			row_field_text(any, kc[k], v, sizeof v);
			sb_printf(b, ",");
			csv_field(b, v);
		}
		sb_printf(b, ",%u,%s,%s", e[i].occ, e[i].b ? status_name(e[i].b->status) : "",
			  e[i].n ? status_name(e[i].n->status) : "");
		const struct row *rr[2] = { e[i].b, e[i].n };
		for (int s = 0; s < 2; s++) {
			double lo = NAN, hi = NAN;
			if (rr[s] && !gb_ci_interval(rr[s], &lo, &hi))
				lo = hi = NAN;
			if (rr[s]) {
				csv_num(b, rr[s]->gb_per_s_median, "%.4f");
				csv_num(b, rr[s]->gb_per_s_p10, "%.4f");
				csv_num(b, rr[s]->gb_per_s_p90, "%.4f");
				csv_num(b, lo, "%.4f");
				csv_num(b, hi, "%.4f");
			} else {
				sb_printf(b, ",,,,,");
			}
		}
		csv_num(b, e[i].gb_ratio, "%.5f");
		csv_num(b, e[i].ns_ratio, "%.5f");
		csv_num(b, isnan(e[i].gb_ratio) ? NAN : (e[i].gb_ratio - 1) * 100, "%.3f");
		sb_printf(b, ",%s", e[i].basis == BASIS_CI ? "median-ci95" : e[i].basis == BASIS_SPREAD ? "p10-p90" : "");
		csv_num(b, e[i].lo_pct, "%.3f");
		csv_num(b, e[i].hi_pct, "%.3f");
		sb_printf(b, ",");
		if (e[i].b)
			sb_printf(b, "%u", e[i].b->samples);
		sb_printf(b, ",");
		if (e[i].n)
			sb_printf(b, "%u", e[i].n->samples);
		csv_num(b, e[i].v <= V_STATUS_CHANGED && !isnan(e[i].gb_ratio) ? e[i].thr_eff : o->thr,
			"%.2f");
		/* the reference that speaks for the case (empty for none) and its NEW/BASE speed change
		 * (empty when the runs lack it) */
		const struct machine_drift *md = e[i].ref >= 0 ? &d[e[i].ref] : NULL;
		sb_printf(b, ",%s", e[i].ref >= 0 ? ref_kinds[e[i].ref].name : "");
		csv_num(b, md && md->known ? (md->speed_lo - 1) * 100 : NAN, "%.3f");
		csv_num(b, md && md->known ? (md->speed_hi - 1) * 100 : NAN, "%.3f");
		sb_printf(b, ",");
		csv_field(b, e[i].note);
		sb_printf(b, "\n");
	}
}

/* Text from the runs reaches the terminal table and the Markdown one through these: a cell's
 * raw text is escaped where it is written (the widths measured on the escaped text). */
static void md_cell(struct sbuf *b, const char *s)
{
	sb_printf(b, " ");
	sb_esc(b, esc_markdown, s);
	sb_printf(b, " |");
}

#define CELL_MAX 400 /* the widest cell array below */
static void term_cells(char *cell, size_t ncell, size_t cellsize)
{
	for (size_t k = 0; k < ncell; k++) {
		char *c = cell + k * cellsize, raw[CELL_MAX];
		snprintf(raw, sizeof raw, "%s", c);
		esc_terminal(c, cellsize, raw);
	}
}

static void put_text(struct sbuf *b, const char *s, int md)
{
	sb_esc(b, md ? esc_markdown : esc_terminal, s);
}

#define NCELL 8
static const char *const cell_head[NCELL] = {
	"verdict", "case", "BASE GB/s median [interval]", "NEW GB/s median [interval]",
	"GB/s NEW/BASE", "ns/burst NEW/BASE", "samples B/N", "why",
};

static void entry_cells(const struct cmp_entry *e, char cell[NCELL][256])
{
	snprintf(cell[0], 256, "%s", cmp_verdict_names[e->v]);
	if (e->occ > 1)
		snprintf(cell[1], 256, "%s #%u", e->name, e->occ);
	else
		snprintf(cell[1], 256, "%s", e->name);
	fmt_gb(e->b, e->basis, e->b_lo, e->b_hi, cell[2], 256);
	fmt_gb(e->n, e->basis, e->n_lo, e->n_hi, cell[3], 256);
	fmt_ratio(e->gb_ratio, cell[4], 256);
	if (isnan(e->ns_ratio))
		snprintf(cell[5], 256, "-");
	else
		snprintf(cell[5], 256, "%.3f", e->ns_ratio);
	fmt_samples(e, cell[6], 256);
	snprintf(cell[7], 256, "%s", e->note);
}

static int shown(const struct cmp_entry *e, const struct cmp_opts *o)
{
	/* the terminal and Markdown tables list everything but unchanged cases unless --all;
	 * the CSV always has every case */
	return o->all || (e->v != V_NOISE && e->v != V_NOT_MEASURED);
}

static void summary(struct sbuf *b, const struct cmp_counts *c, const struct cmp_opts *o, int md)
{
	sb_printf(b, "%s%zu cases in both: %zu regressions, %zu status regressions (ok -> not ok), "
		     "%zu improvements, %zu machine? (within the machine's drift: neither a regression nor an "
		     "improvement), %zu within noise, "
		     "%zu not measured on either side, %zu status "
		     "improved/changed; %zu only in BASE, %zu only in NEW%s\n",
		  md ? "\n**Summary:** " : "summary: ", c->paired, c->v[V_REGRESSION],
		  c->v[V_STATUS_REGRESSION], c->v[V_IMPROVEMENT], c->v[V_MACHINE], c->v[V_NOISE], c->v[V_NOT_MEASURED],
		  c->v[V_STATUS_IMPROVED] + c->v[V_STATUS_CHANGED], c->v[V_ONLY_BASE], c->v[V_ONLY_NEW],
		  o->strict && c->v[V_ONLY_BASE] ? " (--strict: rows only in BASE count as regressions)" : "");
	if (!o->all && c->v[V_NOISE] + c->v[V_NOT_MEASURED])
		sb_printf(b, "%s%zu unchanged cases not listed (--all lists them; --format csv always does)\n",
			  md ? "\n" : "", c->v[V_NOISE] + c->v[V_NOT_MEASURED]);
	if (c->dup_b || c->dup_n)
		sb_printf(b, "%snote: %zu BASE and %zu NEW rows repeat a case key; repeats are paired in file order (#2, #3...)\n",
			  md ? "\n" : "", c->dup_b, c->dup_n);
}

void compare_write_text(struct sbuf *b, const struct cmp_entry *e, size_t n, const struct cmp_opts *o,
		     const struct result_set *base, const struct result_set *nw,
		     const struct cmp_counts *c, const struct machine_drift d[REF_KINDS], int md)
{
	char rule[768], mrule[768], choice[768], ref[REF_KINDS][1024];
	rule_text(o, rule, sizeof rule);
	machine_rule_text(o->thr, mrule, sizeof mrule);
	machine_ref_choice_text(choice, sizeof choice);
	for (int k = 0; k < REF_KINDS; k++)
		machine_drift_describe(&d[k], o->thr, ref[k], sizeof ref[k]);
	const char *const label[2][6] = {
		{ "BASE: ", "NEW:  ", "GB/s = 10^9 bytes/s, all threads, median of the row's samples; ",
		  "noise rule: ", "machine rule: ", "which reference: " },
		{ "- BASE: ", "- NEW: ", "- GB/s = 10^9 bytes/s, all threads, median of each row's samples; ",
		  "- Noise rule: ", "- Machine rule: ", "- Which reference: " },
	};
	const char *const text[6] = { base->csv_path, nw->csv_path, interval_legend, rule, mrule, choice };
	const size_t rows[2] = { base->nrows, nw->nrows };
	if (md)
		sb_printf(b, "## wcbench compare\n\n");
	for (int k = 0; k < 6; k++) {
		sb_printf(b, "%s", label[!!md][k]);
		put_text(b, text[k], md);
		if (k < 2)
			sb_printf(b, " (%zu rows)", rows[k]);
		sb_printf(b, "\n");
	}
	if (md)
		sb_printf(b, "\n");
	for (int k = 0; k < REF_KINDS; k++) {
		put_text(b, ref[k], md);
		sb_printf(b, "\n%s", md ? "\n" : "");
	}
	sb_printf(b, "\n");

	size_t w[NCELL];
	for (int k = 0; k < NCELL; k++)
		w[k] = strlen(cell_head[k]);
	static char cell[NCELL][256];
	for (size_t i = 0; i < n; i++) {
		if (!shown(&e[i], o))
			continue;
		entry_cells(&e[i], cell);
		if (!md)
			term_cells(&cell[0][0], NCELL, sizeof cell[0]);
		for (int k = 0; k < NCELL; k++)
			if (strlen(cell[k]) > w[k])
				w[k] = strlen(cell[k]);
	}
	if (md) {
		sb_printf(b, "|");
		for (int k = 0; k < NCELL; k++)
			md_cell(b, cell_head[k]);
		sb_printf(b, "\n|");
		for (int k = 0; k < NCELL; k++)
			sb_printf(b, "%s|", k >= 2 && k <= 5 ? "---:" : "---");
		sb_printf(b, "\n");
	} else {
		for (int k = 0; k < NCELL; k++) {
			if (k == NCELL - 1)
				sb_printf(b, "%s\n", cell_head[k]);
			else
				sb_printf(b, "%-*s  ", (int)w[k], cell_head[k]);
		}
	}
	size_t listed = 0;
	for (size_t i = 0; i < n; i++) {
		if (!shown(&e[i], o))
			continue;
		listed++;
		entry_cells(&e[i], cell);
		if (!md)
			term_cells(&cell[0][0], NCELL, sizeof cell[0]);
		if (md) {
			sb_printf(b, "|");
			for (int k = 0; k < NCELL; k++)
				md_cell(b, cell[k]);
			sb_printf(b, "\n");
		} else {
			for (int k = 0; k < NCELL; k++) {
				int right = k >= 2 && k <= 6;
				if (k == NCELL - 1)
					sb_printf(b, "%s\n", cell[k]);
				else
					sb_printf(b, right ? "%*s  " : "%-*s  ", (int)w[k], cell[k]);
			}
		}
	}
	if (!listed)
		sb_printf(b, "%s(no case changed beyond noise)\n", md ? "\n" : "");
	sb_printf(b, "\n");
	summary(b, c, o, md);
}

/* --- verdicts --- */

#define NVCELL 7
#define VCELL 320
static const char *const vcell_head[NVCELL] = {
	"change", "target", "map", "BASE", "NEW", "rule", "first advice",
};

static void verdict_cells(const struct verdict_pair *p, char cell[NVCELL][VCELL])
{
	const struct verdict_entry *any = p->n ? p->n : p->b;
	snprintf(cell[0], VCELL, "%s", verdict_change_names[p->c]);
	snprintf(cell[1], VCELL, p->occ > 1 ? "%s #%u" : "%s", any->target, p->occ);
	snprintf(cell[2], VCELL, "%s", any->map);
	snprintf(cell[3], VCELL, "%s", p->b ? verdict_name(p->b->verdict) : "-");
	snprintf(cell[4], VCELL, "%s", p->n ? verdict_name(p->n->verdict) : "-");
	snprintf(cell[5], VCELL, "%s", any->rule[0] ? any->rule : "-");
	snprintf(cell[6], VCELL, "%s", any->advice[0] ? any->advice : "-");
}

static int verdict_shown(const struct verdict_pair *p, const struct cmp_opts *o)
{
	return o->all || p->c != VC_SAME;
}

void compare_write_verdicts(struct sbuf *b, const struct verdict_pair *p, size_t n,
			    const size_t count[VC_COUNT], const struct cmp_opts *o, int md)
{
	static char cell[NVCELL][VCELL];
	size_t w[NVCELL], listed = 0;
	if (md)
		sb_printf(b, "\n### Verdicts (verdict.json of both runs)\n\nworks < degraded < broken; a verdict "
			     "that got worse is a regression, unknown on either side is not comparable. Rule "
			     "and advice are NEW's (BASE's for a target only in BASE).\n\n|");
	else
		sb_printf(b, "\nverdicts (verdict.json of both runs; works < degraded < broken, unknown is not "
			     "comparable; rule and advice of NEW, of BASE for a target only there):\n");
	for (int k = 0; k < NVCELL; k++)
		w[k] = strlen(vcell_head[k]);
	for (size_t i = 0; i < n; i++) {
		if (!verdict_shown(&p[i], o))
			continue;
		listed++;
		verdict_cells(&p[i], cell);
		if (!md)
			term_cells(&cell[0][0], NVCELL, sizeof cell[0]);
		for (int k = 0; k < NVCELL; k++)
			if (strlen(cell[k]) > w[k])
				w[k] = strlen(cell[k]);
	}
	for (int k = 0; k < NVCELL; k++) {
		if (md)
			md_cell(b, vcell_head[k]);
		else if (k == NVCELL - 1)
			sb_printf(b, "%s\n", vcell_head[k]);
		else
			sb_printf(b, "%-*s  ", (int)w[k], vcell_head[k]);
	}
	if (md) {
		sb_printf(b, "\n|");
		for (int k = 0; k < NVCELL; k++)
			sb_printf(b, "---|");
		sb_printf(b, "\n");
	}
	for (size_t i = 0; i < n; i++) {
		if (!verdict_shown(&p[i], o))
			continue;
		verdict_cells(&p[i], cell);
		if (!md)
			term_cells(&cell[0][0], NVCELL, sizeof cell[0]);
		if (md)
			sb_printf(b, "|");
		for (int k = 0; k < NVCELL; k++) {
			if (md)
				md_cell(b, cell[k]);
			else if (k == NVCELL - 1)
				sb_printf(b, "%s", cell[k]);
			else
				sb_printf(b, "%-*s  ", (int)w[k], cell[k]);
		}
		sb_printf(b, "\n");
	}
	if (!listed)
		sb_printf(b, "%s(no verdict changed)\n", md ? "\n" : "");
	size_t paired = count[VC_WORSE] + count[VC_NOT_COMPARABLE] + count[VC_BETTER] + count[VC_SAME];
	sb_printf(b, "%s%zu targets in both: %zu worse (VERDICT-REGRESSION), %zu improved, %zu same, %zu not "
		     "comparable (unknown on a side); %zu only in BASE, %zu only in NEW%s\n",
		  md ? "\n**Verdicts:** " : "\nverdicts: ", paired, count[VC_WORSE], count[VC_BETTER],
		  count[VC_SAME], count[VC_NOT_COMPARABLE], count[VC_ONLY_BASE], count[VC_ONLY_NEW],
		  o->strict && count[VC_ONLY_BASE] ? " (--strict: targets only in BASE count as regressions)" : "");
	if (!o->all && count[VC_SAME])
		sb_printf(b, "%s%zu unchanged verdicts not listed (--all lists them)\n", md ? "\n" : "", count[VC_SAME]);
}

void compare_write_verdicts_csv(struct sbuf *b, const struct verdict_pair *p, size_t n)
{
	sb_printf(b, "rank,change,target,map,occurrence,base_verdict,new_verdict,base_rule,new_rule,new_first_advice\n");
	for (size_t i = 0; i < n; i++) {
		const struct verdict_entry *any = p[i].n ? p[i].n : p[i].b;
		sb_printf(b, "%zu,%s,", i + 1, verdict_change_names[p[i].c]);
		csv_field(b, any->target);
		sb_printf(b, ",");
		csv_field(b, any->map);
		sb_printf(b, ",%u,%s,%s,", p[i].occ, p[i].b ? verdict_name(p[i].b->verdict) : "",
			  p[i].n ? verdict_name(p[i].n->verdict) : "");
		csv_field(b, p[i].b ? p[i].b->rule : "");
		sb_printf(b, ",");
		csv_field(b, p[i].n ? p[i].n->rule : "");
		sb_printf(b, ",");
		csv_field(b, p[i].n ? p[i].n->advice : "");
		sb_printf(b, "\n");
	}
}

static const char *plot_verdict(enum cmp_verdict v)
{
	return v == V_REGRESSION ? "regression" : v == V_IMPROVEMENT ? "improvement" : v == V_MACHINE ? "machine?" : "same";
}

static bool plotted(const struct cmp_entry *e)
{
	return e->b && e->n && !isnan(e->gb_ratio);
}

/* compare-plot.csv, for readers; gnuplot gets the same numbers and the case names apart. */
static int write_plot_csv(const struct cmp_entry *e, size_t n, const char *path, char *err, size_t errlen)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "rank,verdict,case,change_pct,change_lo_pct,change_hi_pct\n");
	size_t y = 0;
	for (size_t i = 0; i < n; i++)
		y += plotted(&e[i]);
	for (size_t i = 0; i < n; i++) {
		if (!plotted(&e[i]))
			continue;
		char name[220];
		snprintf(name, sizeof name, e[i].occ > 1 ? "%s #%u" : "%s", e[i].name, e[i].occ);
		sb_printf(&b, "%zu,%s,", y--, plot_verdict(e[i].v));
		csv_field(&b, name);
		sb_printf(&b, ",%.3f,%.3f,%.3f\n", (e[i].gb_ratio - 1) * 100, e[i].lo_pct, e[i].hi_pct);
	}
	int rc = b.oom ? -ENOMEM : write_file(path, b.s ? b.s : "", b.len);
	sb_free(&b);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	return rc;
}

/* The plot: one line per paired, measured case, change of GB/s in percent with the range the two
 * intervals that judged it allow (CIs or p10-p90), coloured by verdict; the worst at the top. */
int compare_plot(const struct cmp_entry *e, size_t n, const struct cmp_opts *o, const char *base_name,
		 const char *new_name, char *err, size_t errlen)
{
	char csv[4096], out[4096], logpath[4096];
	snprintf(csv, sizeof csv, "%s/compare-plot.csv", o->outdir);
	snprintf(out, sizeof out, "%s/compare", o->outdir);
	snprintf(logpath, sizeof logpath, "%s/compare-gnuplot.log", o->outdir);
	int rc = write_plot_csv(e, n, csv, err, errlen);
	if (rc)
		return rc;
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += plotted(&e[i]);
	if (!np) {
		snprintf(err, errlen, "no case measured on both sides: nothing to plot");
		return -ENODATA;
	}
	struct gp_data d;
	char points[600], names[600];
	if ((rc = gp_data_open(&d, err, errlen)))
		return rc;
	FILE *fp = gp_data_file(&d, "points.tsv", points, sizeof points, err, errlen);
	FILE *fn = fp ? gp_data_file(&d, "cases.txt", names, sizeof names, err, errlen) : NULL;
	if (fn) {
		/* rank 1 at the bottom: cases.txt lists them from rank 1 up */
		fprintf(fp, "rank\tverdict\tchange_pct\tchange_lo_pct\tchange_hi_pct\n");
		size_t y = np;
		for (size_t i = n; i-- > 0;) {
			if (!plotted(&e[i]))
				continue;
			char name[220];
			snprintf(name, sizeof name, e[i].occ > 1 ? "%s #%u" : "%s", e[i].name, e[i].occ);
			gp_put_text(fn, name);
			fprintf(fp, "%zu\t%d\t%.3f\t%.3f\t%.3f\n", np - --y, e[i].v == V_REGRESSION ? 1 :
				e[i].v == V_IMPROVEMENT ? 3 : 2, (e[i].gb_ratio - 1) * 100, e[i].lo_pct, e[i].hi_pct);
		}
	}
	int werr = fp && (ferror(fp) | fclose(fp));
	if (fn && (ferror(fn) | fclose(fn)))
		werr = 1;
	if (!fn || werr) {
		if (werr)
			snprintf(err, errlen, "cannot write the plot data");
		gp_data_close(&d);
		return -EIO;
	}
	char title[600], thr[32], nn[32], unplotted[32];
	snprintf(title, sizeof title, "GB/s change per case, NEW %s vs BASE %s", new_name, base_name);
	snprintf(thr, sizeof thr, "%g", o->thr);
	snprintf(nn, sizeof nn, "%d", np <= 80);
	snprintf(unplotted, sizeof unplotted, "%zu", n - np);
	const char *args[] = { points, names, title, gp_data_out(&d), thr, nn, unplotted, NULL };
	rc = gp_draw(&d, "compare.gp", args, out, logpath, err, errlen);
	gp_data_close(&d);
	return rc;
}
