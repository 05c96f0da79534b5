/*
 * `wcbench compare BASE NEW`: match the rows of two runs by case key and say, for each case,
 * whether NEW is slower or faster than BASE beyond the noise both rows measured themselves.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/util.h"
#include "results/keys.h"
#include "results/resultset.h"
#include "render/plot.h"
#include "results/schema.h"

/* ---------------------------------------------------------------- compare */

enum verdict {
	V_STATUS_REGRESSION, /* ok -> not ok, or -> fault/error */
	V_REGRESSION,
	V_NOISE,
	V_IMPROVEMENT,
	V_STATUS_IMPROVED,   /* not ok -> ok */
	V_STATUS_CHANGED,    /* between non-ok statuses, not worse */
	V_NOT_MEASURED,      /* same non-ok status on both sides */
	V_ONLY_BASE,
	V_ONLY_NEW,
};

static const char *const verdict_names[] = {
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

struct entry {
	enum verdict v;
	const struct row *b, *n; /* either may be NULL for one-sided rows */
	unsigned occ;            /* occurrence of the key on its side (duplicates) */
	double gb_ratio, ns_ratio;
	double lo_pct, hi_pct;   /* change range implied by the two p10-p90 intervals */
	double thr_eff;          /* threshold applied, in percent */
	char name[200];
	char note[200];
};

struct keyed {
	char key[1024];
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

/* GB/s interval of a row: [p10, p90] (p10 is the slow end), or the median alone. */
static void gb_interval(const struct row *r, double *lo, double *hi)
{
	double a = r->gb_per_s_p10, b = r->gb_per_s_p90, m = r->gb_per_s_median;
	if (isnan(a) || isnan(b)) {
		*lo = *hi = m;
		return;
	}
	*lo = minf(minf(a, b), m);
	*hi = maxf(maxf(a, b), m);
}

#define FULL_SAMPLES 10

static void judge(struct entry *e, double thr)
{
	const struct row *b = e->b, *n = e->n;
	e->gb_ratio = e->ns_ratio = e->lo_pct = e->hi_pct = NAN;
	e->thr_eff = thr;
	if (!is_ok(b) || !is_ok(n)) {
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
	gb_interval(b, &blo, &bhi);
	gb_interval(n, &nlo, &nhi);
	e->lo_pct = (nlo / bhi - 1) * 100;
	e->hi_pct = (nhi / blo - 1) * 100;
	unsigned ns = b->samples < n->samples ? b->samples : n->samples;
	if (ns < FULL_SAMPLES)
		e->thr_eff = thr * sqrt((double)FULL_SAMPLES / (ns ? ns : 1));
	double chg = (e->gb_ratio - 1) * 100;
	char few[80] = "";
	if (ns < FULL_SAMPLES)
		snprintf(few, sizeof few, "; only %u samples: threshold %.1f%%", ns, e->thr_eff);
	if (chg <= -e->thr_eff && nhi < blo) {
		e->v = V_REGRESSION;
		snprintf(e->note, sizeof e->note, "NEW p90 %.4g < BASE p10 %.4g GB/s%s", nhi, blo, few);
	} else if (chg >= e->thr_eff && nlo > bhi) {
		e->v = V_IMPROVEMENT;
		snprintf(e->note, sizeof e->note, "NEW p10 %.4g > BASE p90 %.4g GB/s%s", nlo, bhi, few);
	} else {
		e->v = V_NOISE;
		if (fabs(chg) < e->thr_eff)
			snprintf(e->note, sizeof e->note, "|%+.1f%%| below threshold %.1f%%%s", chg,
				 e->thr_eff, few);
		else
			snprintf(e->note, sizeof e->note, "p10-p90 intervals overlap%s", few);
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

/* ---------------------------------------------------------------- output */

struct cmp_opts {
	double thr;
	enum { FMT_TEXT, FMT_CSV, FMT_MD } fmt;
	const char *outdir;
	unsigned ignore;
	int strict;
	int all;
};

static void fmt_gb(const struct row *r, char *buf, size_t len)
{
	if (!r) {
		snprintf(buf, len, "-");
		return;
	}
	if (!is_ok(r) || isnan(r->gb_per_s_median)) {
		snprintf(buf, len, "%s", status_name(r->status));
		return;
	}
	double lo, hi;
	gb_interval(r, &lo, &hi);
	snprintf(buf, len, "%.3f [%.3f-%.3f]", r->gb_per_s_median, lo, hi);
}

static void fmt_ratio(double x, char *buf, size_t len)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f (%+.1f%%)", x, (x - 1) * 100);
}

static void fmt_samples(const struct entry *e, char *buf, size_t len)
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
		 "a case changed when |GB/s ratio - 1| >= %.1f%% (x sqrt(%d/n) when a row has n < %d samples) "
		 "AND the p10-p90 GB/s intervals of BASE and NEW do not overlap; ok -> fault/error/unsupported "
		 "is a regression too",
		 o->thr, FULL_SAMPLES, FULL_SAMPLES);
}

static void csv_field(struct sbuf *b, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		sb_printf(b, "%s", s);
		return;
	}
	sb_printf(b, "\"");
	for (; *s; s++)
		sb_printf(b, *s == '"' ? "\"\"" : "%c", *s);
	sb_printf(b, "\"");
}

static void csv_num(struct sbuf *b, double x, const char *fmt)
{
	sb_printf(b, ",");
	if (!isnan(x))
		sb_printf(b, fmt, x);
}

static void out_csv(struct sbuf *b, const struct entry *e, size_t n, const struct cmp_opts *o)
{
	const struct column *kc[32];
	size_t nk = key_columns(KEY_CASE, kc, 32);
	sb_printf(b, "rank,verdict,case");
	for (size_t k = 0; k < nk; k++)
		sb_printf(b, ",%s", kc[k]->name);
	sb_printf(b, ",occurrence,base_status,new_status,base_gb_per_s_median,base_gb_per_s_p10,"
		     "base_gb_per_s_p90,new_gb_per_s_median,new_gb_per_s_p10,new_gb_per_s_p90,"
		     "gb_per_s_ratio,ns_per_burst_ratio,change_pct,change_lo_pct,change_hi_pct,"
		     "base_samples,new_samples,threshold_pct,note\n");
	for (size_t i = 0; i < n; i++) {
		const struct row *any = e[i].b ? e[i].b : e[i].n;
		sb_printf(b, "%zu,%s,", i + 1, verdict_names[e[i].v]);
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
			if (rr[s]) {
				csv_num(b, rr[s]->gb_per_s_median, "%.4f");
				csv_num(b, rr[s]->gb_per_s_p10, "%.4f");
				csv_num(b, rr[s]->gb_per_s_p90, "%.4f");
			} else {
				sb_printf(b, ",,,");
			}
		}
		csv_num(b, e[i].gb_ratio, "%.5f");
		csv_num(b, e[i].ns_ratio, "%.5f");
		csv_num(b, isnan(e[i].gb_ratio) ? NAN : (e[i].gb_ratio - 1) * 100, "%.3f");
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
		sb_printf(b, ",");
		csv_field(b, e[i].note);
		sb_printf(b, "\n");
	}
}

static void md_cell(struct sbuf *b, const char *s)
{
	sb_printf(b, " ");
	for (; *s; s++)
		sb_printf(b, *s == '|' ? "\\|" : "%c", *s);
	sb_printf(b, " |");
}

#define NCELL 8
static const char *const cell_head[NCELL] = {
	"verdict", "case", "BASE GB/s median [p10-p90]", "NEW GB/s median [p10-p90]",
	"GB/s NEW/BASE", "ns/burst NEW/BASE", "samples B/N", "why",
};

static void entry_cells(const struct entry *e, char cell[NCELL][256])
{
	snprintf(cell[0], 256, "%s", verdict_names[e->v]);
	if (e->occ > 1)
		snprintf(cell[1], 256, "%s #%u", e->name, e->occ);
	else
		snprintf(cell[1], 256, "%s", e->name);
	fmt_gb(e->b, cell[2], 256);
	fmt_gb(e->n, cell[3], 256);
	fmt_ratio(e->gb_ratio, cell[4], 256);
	if (isnan(e->ns_ratio))
		snprintf(cell[5], 256, "-");
	else
		snprintf(cell[5], 256, "%.3f", e->ns_ratio);
	fmt_samples(e, cell[6], 256);
	snprintf(cell[7], 256, "%s", e->note);
}

static int shown(const struct entry *e, const struct cmp_opts *o)
{
	/* the terminal and Markdown tables list everything but unchanged cases unless --all;
	 * the CSV always has every case */
	return o->all || (e->v != V_NOISE && e->v != V_NOT_MEASURED);
}

struct counts {
	size_t v[V_ONLY_NEW + 1];
	size_t paired, dup_b, dup_n;
};

static void summary(struct sbuf *b, const struct counts *c, const struct cmp_opts *o, int md)
{
	sb_printf(b, "%s%zu cases in both: %zu regressions, %zu status regressions (ok -> not ok), "
		     "%zu improvements, %zu within noise, %zu not measured on either side, %zu status "
		     "improved/changed; %zu only in BASE, %zu only in NEW%s\n",
		  md ? "\n**Summary:** " : "summary: ", c->paired, c->v[V_REGRESSION],
		  c->v[V_STATUS_REGRESSION], c->v[V_IMPROVEMENT], c->v[V_NOISE], c->v[V_NOT_MEASURED],
		  c->v[V_STATUS_IMPROVED] + c->v[V_STATUS_CHANGED], c->v[V_ONLY_BASE], c->v[V_ONLY_NEW],
		  o->strict && c->v[V_ONLY_BASE] ? " (--strict: rows only in BASE count as regressions)" : "");
	if (!o->all && c->v[V_NOISE] + c->v[V_NOT_MEASURED])
		sb_printf(b, "%s%zu unchanged cases not listed (--all lists them; --format csv always does)\n",
			  md ? "\n" : "", c->v[V_NOISE] + c->v[V_NOT_MEASURED]);
	if (c->dup_b || c->dup_n)
		sb_printf(b, "%snote: %zu BASE and %zu NEW rows repeat a case key; repeats are paired in file order (#2, #3...)\n",
			  md ? "\n" : "", c->dup_b, c->dup_n);
}

static void out_text(struct sbuf *b, const struct entry *e, size_t n, const struct cmp_opts *o,
		     const struct result_set *base, const struct result_set *nw,
		     const struct counts *c, int md)
{
	char rule[512];
	rule_text(o, rule, sizeof rule);
	if (md)
		sb_printf(b, "## wcbench compare\n\n- BASE: `%s` (%zu rows)\n- NEW: `%s` (%zu rows)\n"
			     "- GB/s = 10^9 bytes/s, all threads, median of each row's samples; "
			     "[p10-p90] is the row's own spread\n- Noise rule: %s\n\n",
			  base->csv_path, base->nrows, nw->csv_path, nw->nrows, rule);
	else
		sb_printf(b, "BASE: %s (%zu rows)\nNEW:  %s (%zu rows)\n"
			     "GB/s = 10^9 bytes/s, all threads, median of the row's samples; [p10-p90] is the row's own spread\n"
			     "noise rule: %s\n\n",
			  base->csv_path, base->nrows, nw->csv_path, nw->nrows, rule);

	size_t w[NCELL];
	for (int k = 0; k < NCELL; k++)
		w[k] = strlen(cell_head[k]);
	static char cell[NCELL][256];
	for (size_t i = 0; i < n; i++) {
		if (!shown(&e[i], o))
			continue;
		entry_cells(&e[i], cell);
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

/* The plot: one bar per paired, measured case, change of GB/s in percent with the range the
 * p10-p90 intervals allow, colored by verdict. */
static int write_plot(const struct entry *e, size_t n, const struct cmp_opts *o,
		      const char *base_name, const char *new_name, char *err, size_t errlen)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "rank,verdict,case,change_pct,change_lo_pct,change_hi_pct\n");
	size_t np = 0;
	/* worst at the top: gnuplot's y grows upwards, so the worst gets the highest rank */
	for (size_t i = 0; i < n; i++)
		if (e[i].b && e[i].n && !isnan(e[i].gb_ratio))
			np++;
	size_t y = np;
	for (size_t i = 0; i < n; i++) {
		if (!(e[i].b && e[i].n && !isnan(e[i].gb_ratio)))
			continue;
		sb_printf(&b, "%zu,%s,", y--, e[i].v == V_REGRESSION ? "regression"
					  : e[i].v == V_IMPROVEMENT ? "improvement" : "same");
		char name[220];
		if (e[i].occ > 1)
			snprintf(name, sizeof name, "%s #%u", e[i].name, e[i].occ);
		else
			snprintf(name, sizeof name, "%s", e[i].name);
		csv_field(&b, name);
		sb_printf(&b, ",%.3f,%.3f,%.3f\n", (e[i].gb_ratio - 1) * 100, e[i].lo_pct, e[i].hi_pct);
	}
	if (b.oom) {
		sb_free(&b);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	char data[4096], out[4096], errf[4096];
	snprintf(data, sizeof data, "%s/compare-plot.csv", o->outdir);
	snprintf(out, sizeof out, "%s/compare", o->outdir);
	snprintf(errf, sizeof errf, "%s/compare-gnuplot.log", o->outdir);
	int rc = write_file(data, b.s ? b.s : "", b.len);
	sb_free(&b);
	if (rc) {
		snprintf(err, errlen, "%s: %s", data, strerror(-rc));
		return rc;
	}
	if (!np) {
		snprintf(err, errlen, "no case measured on both sides: nothing to plot");
		return -ENODATA;
	}
	char qd[4200], qo[4200], qt[600], title[512];
	snprintf(title, sizeof title, "GB/s change per case, NEW %s vs BASE %s", new_name, base_name);
	struct sbuf v = { 0 };
	sb_printf(&v, "csv='%s'; out='%s'; title='%s'; n=%zu; thr=%g; labels=%d; unplotted=%zu",
		  gp_quote(data, qd, sizeof qd), gp_quote(out, qo, sizeof qo),
		  gp_quote(title, qt, sizeof qt), np, o->thr, np <= 80, n - np);
	rc = v.oom ? -ENOMEM : plot_gnuplot("compare.gp", v.s, errf);
	sb_free(&v);
	if (rc) {
		snprintf(err, errlen, "gnuplot compare.gp failed (%s)%s%s", strerror(-rc),
			 rc == -EIO ? ", see " : "", rc == -EIO ? errf : "");
		return rc;
	}
	unlink(errf);
	return 0;
}

static const char compare_help[] =
"usage: wcbench compare [OPTIONS] BASE NEW\n"
"\n"
"Compare two runs of `wcbench run`. BASE and NEW are result directories (holding results.csv)\n"
"or results CSV files. Only the CSV is read: the runs may come from other machines.\n"
"\n"
"Rows are matched by their case key: env, target_kind, map, memtype, kernel, barrier,\n"
"barrier_every, burst_bytes, threads, drain. Cases found on one side only are listed\n"
"(only-in-BASE / only-in-NEW), never dropped silently. If a key repeats in one file, the\n"
"repeats are paired in file order and shown as #2, #3...\n"
"\n"
"For each pair: GB/s NEW/BASE (below 1 is slower) and ns per burst NEW/BASE (above 1 is\n"
"slower), from the medians. The change is judged against the spread each row measured:\n"
"  REGRESSION   GB/s ratio <= 1 - T  and NEW's p90 GB/s < BASE's p10 GB/s\n"
"  improvement  GB/s ratio >= 1 + T  and NEW's p10 GB/s > BASE's p90 GB/s\n"
"  same         otherwise (the change is below T, or the p10-p90 intervals overlap)\n"
"where T is --threshold (default 5%), raised to T*sqrt(10/n) when the smaller of the two\n"
"rows' sample counts n is below 10: p10/p90 of a few samples say little, so a larger change\n"
"is needed. A case whose status goes from ok to unsupported/fault/error, or from unsupported\n"
"to fault/error, is a STATUS-REGRESSION.\n"
"\n"
"The table lists the worst regressions first: status regressions, then regressions by GB/s\n"
"ratio, improvements, status changes and one-sided cases.\n"
"\n"
"options:\n"
"  --threshold PCT   smallest change that counts, in percent (default 5)\n"
"  --format FMT      text (aligned table, default), md (Markdown, for reports and CI\n"
"                    summaries) or csv (every case, one line each, for scripts)\n"
"  --all             list unchanged cases too in text and md (csv always lists all)\n"
"  --ignore FIELDS   leave key fields out of the match, comma-separated (e.g. env, to\n"
"                    compare a host run with a guest run)\n"
"  --strict          cases only in BASE count as regressions (a case that vanished)\n"
"  -o, --out DIR     also write DIR/compare.{txt,md,csv} (the chosen format), the full CSV\n"
"                    DIR/compare.csv, and the plot DIR/compare.png and .svg (gnuplot): the\n"
"                    change of GB/s per case with the range the two p10-p90 intervals allow\n"
"  -h, --help        this text\n"
"\n"
"exit status: 0 nothing regressed beyond noise, 1 something did, 2 bad input (missing\n"
"file, other schema version, missing column, damaged row, no case in common).\n"
"\n"
"examples:\n"
"  wcbench compare results/before results/after\n"
"  wcbench compare --threshold 10 --format md -o cmp base.csv new.csv\n"
"  wcbench compare --ignore env results/host results/guest\n";


static const char *run_name(const struct result_set *rs)
{
	const char *p = rs->csv_path;
	const char *s = strrchr(p, '/');
	if (s && !strcmp(s + 1, "results.csv")) {
		/* name the directory */
		const char *d = rs->dir;
		const char *t = strrchr(d, '/');
		return t && t[1] ? t + 1 : d;
	}
	return s ? s + 1 : p;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_opts o = { .thr = 5.0, .fmt = FMT_TEXT };
	static const struct option lo[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "ignore", required_argument, NULL, 'i' },
		{ "strict", no_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+o:h", lo, NULL)) != -1) {
		switch (c) {
		case 't': {
			char *end;
			o.thr = strtod(optarg, &end);
			if (end != optarg && *end == '%')
				end++;
			if (end == optarg || *end || !(o.thr >= 0) || o.thr >= 100)
				return cli_error("compare", "--threshold '%s': want a percentage in [0, 100), e.g. 5", optarg);
			break;
		}
		case 'f':
			if (!strcmp(optarg, "text"))
				o.fmt = FMT_TEXT;
			else if (!strcmp(optarg, "csv"))
				o.fmt = FMT_CSV;
			else if (!strcmp(optarg, "md") || !strcmp(optarg, "markdown"))
				o.fmt = FMT_MD;
			else
				return cli_error("compare", "--format '%s': want text, csv or md", optarg);
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'i': {
			char *dup = strdup(optarg), *save = NULL;
			if (!dup)
				return cli_error("compare", "out of memory");
			for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				unsigned bit = case_key_bit(t);
				if (!bit) {
					char names[256];
					key_column_list(KEY_CASE, names, sizeof names);
					int r = cli_error("compare", "--ignore '%s': not a case key column (%s)", t, names);
					free(dup);
					return r;
				}
				o.ignore |= bit;
			}
			free(dup);
			break;
		}
		case 's':
			o.strict = 1;
			break;
		case 'a':
			o.all = 1;
			break;
		case 'h':
			fputs(compare_help, stdout);
			return 0;
		default:
			return cli_error("compare", "unknown option '%s' (wcbench compare --help)", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_error("compare", "want two runs, BASE and NEW, got %d (wcbench compare --help)",
				 argc - optind);

	char err[1024];
	struct result_set base, nw;
	if (rs_load(argv[optind], NULL, &base, err, sizeof err))
		return cli_error("compare", "BASE %s", err);
	if (rs_load(argv[optind + 1], NULL, &nw, err, sizeof err)) {
		rs_free(&base);
		return cli_error("compare", "NEW %s", err);
	}
	int ret = EXIT_USAGE;
	struct entry *e = NULL;
	struct keyed *kb = NULL, *kn = NULL;
	struct sbuf out = { 0 };
	struct counts cnt = { 0 };
	if (!base.nrows || !nw.nrows) {
		cli_error("compare", "%s %s: header only, no rows", base.nrows ? "NEW" : "BASE",
			  base.nrows ? nw.csv_path : base.csv_path);
		goto done;
	}
	kb = make_keys(&base, o.ignore, &cnt.dup_b);
	kn = make_keys(&nw, o.ignore, &cnt.dup_n);
	e = calloc(base.nrows + nw.nrows, sizeof *e);
	if (!kb || !kn || !e) {
		cli_error("compare", "out of memory");
		goto done;
	}
	size_t ne = 0, i = 0, j = 0;
	while (i < base.nrows || j < nw.nrows) {
		int d;
		if (i == base.nrows)
			d = 1;
		else if (j == nw.nrows)
			d = -1;
		else {
			d = strcmp(kb[i].key, kn[j].key);
			if (!d)
				d = kb[i].occ < kn[j].occ ? -1 : kb[i].occ > kn[j].occ;
		}
		struct entry *x = &e[ne++];
		x->gb_ratio = x->ns_ratio = x->lo_pct = x->hi_pct = NAN;
		x->thr_eff = o.thr;
		if (d < 0) {
			x->b = &base.rows[kb[i].idx];
			x->occ = kb[i++].occ;
			x->v = V_ONLY_BASE;
			snprintf(x->note, sizeof x->note, "BASE line %zu (%s); no such case in NEW",
				 base.line[kb[i - 1].idx], status_name(x->b->status));
		} else if (d > 0) {
			x->n = &nw.rows[kn[j].idx];
			x->occ = kn[j++].occ;
			x->v = V_ONLY_NEW;
			snprintf(x->note, sizeof x->note, "NEW line %zu (%s); no such case in BASE",
				 nw.line[kn[j - 1].idx], status_name(x->n->status));
		} else {
			x->b = &base.rows[kb[i].idx];
			x->n = &nw.rows[kn[j].idx];
			x->occ = kb[i].occ;
			i++, j++;
			judge(x, o.thr);
			cnt.paired++;
		}
		row_case_name(x->b ? x->b : x->n, x->name, sizeof x->name);
		cnt.v[x->v]++;
	}
	if (!cnt.paired) {
		char nb[200], nn[200];
		row_case_name(&base.rows[0], nb, sizeof nb);
		row_case_name(&nw.rows[0], nn, sizeof nn);
		cli_error("compare", "no case in common between BASE (%zu rows, e.g. '%s') and NEW (%zu rows, e.g. '%s')%s",
			  base.nrows, nb, nw.nrows, nn,
			  strcmp(base.rows[0].env, nw.rows[0].env) ? "; different env: try --ignore env" : "");
		goto done;
	}
	qsort(e, ne, sizeof *e, entry_cmp);

	if (o.fmt == FMT_CSV)
		out_csv(&out, e, ne, &o);
	else
		out_text(&out, e, ne, &o, &base, &nw, &cnt, o.fmt == FMT_MD);
	if (out.oom) {
		cli_error("compare", "out of memory");
		goto done;
	}
	fwrite(out.s, 1, out.len, stdout);
	fflush(stdout);

	int regressed = cnt.v[V_REGRESSION] || cnt.v[V_STATUS_REGRESSION] ||
			(o.strict && cnt.v[V_ONLY_BASE]);
	ret = regressed ? 1 : 0;

	if (o.outdir) {
		int rc = make_dirs(o.outdir);
		char path[4096];
		if (rc) {
			ret = cli_error("compare", "-o %s: %s", o.outdir, strerror(-rc));
			goto done;
		}
		const char *ext = o.fmt == FMT_CSV ? "csv" : o.fmt == FMT_MD ? "md" : "txt";
		snprintf(path, sizeof path, "%s/compare.%s", o.outdir, ext);
		rc = write_file(path, out.s, out.len);
		if (!rc && o.fmt != FMT_CSV) {
			struct sbuf cs = { 0 };
			out_csv(&cs, e, ne, &o);
			snprintf(path, sizeof path, "%s/compare.csv", o.outdir);
			rc = cs.oom ? -ENOMEM : write_file(path, cs.s, cs.len);
			sb_free(&cs);
		}
		if (rc) {
			ret = cli_error("compare", "%s: %s", path, strerror(-rc));
			goto done;
		}
		/* the plot is an extra: without gnuplot the verdict still stands */
		if (write_plot(e, ne, &o, run_name(&base), run_name(&nw), err, sizeof err))
			fprintf(stderr, "wcbench compare: warning: plot not written: %s\n", err);
	}
done:
	sb_free(&out);
	free(e);
	free(kb);
	free(kn);
	rs_free(&base);
	rs_free(&nw);
	return ret;
}
