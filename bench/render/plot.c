#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "render/figure.h"
#include "render/plot.h"
#include "results/csv.h"
#include "results/groups.h"
#include "results/keys.h"
#include "results/resultset.h"

/* ---- the plots of one run ---- */

struct run_rows {
	const struct row **ok; /* the ok rows, in file order */
	size_t n;
	unsigned varies;       /* case-key bits (case_key_bit) of the columns whose value varies */
	char *note;            /* what the figures left out, "; "-separated (NULL: not wanted) */
	size_t notelen;
};

/* "NAME: what f left out" added to rr's note. */
static void note_left_out(const struct run_rows *rr, const char *name, const char *what)
{
	if (!rr->note || !*what)
		return;
	size_t o = strlen(rr->note);
	if (o < rr->notelen)
		snprintf(rr->note + o, rr->notelen - o, "%s%s: %s", o ? "; " : "", name, what);
}

/* Which case-key columns take more than one value among the ok rows. */
static unsigned varying_columns(const struct row *const *rows, size_t n)
{
	const struct column *cols[32];
	size_t nc = key_columns(KEY_CASE, cols, 32);
	unsigned varies = 0;
	for (size_t c = 0; c < nc; c++) {
		char first[256], v[256];
		row_field_text(rows[0], cols[c], first, sizeof first);
		for (size_t i = 1; i < n; i++)
			if (strcmp(row_field_text(rows[i], cols[c], v, sizeof v), first)) {
				varies |= case_key_bit(cols[c]->name);
				break;
			}
	}
	return varies;
}

/* "movnti_8 ram threads=2": the kernel, the target when shown, then each other case-key column
 * in `show` (target_kind and map follow from the target: shown only without it). */
static void case_label(const struct row *r, unsigned show, char *buf, size_t len)
{
	const struct column *cols[32];
	size_t nc = key_columns(KEY_CASE, cols, 32);
	size_t o = (size_t)snprintf(buf, len, "%s", r->kernel);
	if (show & case_key_bit("target")) {
		o += (size_t)snprintf(buf + o, len - o, " %s", r->target);
		show &= ~(case_key_bit("target") | case_key_bit("target_kind") | case_key_bit("map"));
	}
	for (size_t c = 0; c < nc && o < len; c++) {
		if (!(show & case_key_bit(cols[c]->name)) || !strcmp(cols[c]->name, "kernel"))
			continue;
		char v[256];
		o += (size_t)snprintf(buf + o, len - o, " %s=%s", cols[c]->name,
				      row_field_text(r, cols[c], v, sizeof v));
	}
}

static const struct row *const *sort_rows_group_base;
static const size_t *sort_rows_group;

/* by series (first-seen order), then by burst size */
static int by_series_then_burst(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (sort_rows_group[x] != sort_rows_group[y])
		return sort_rows_group[x] < sort_rows_group[y] ? -1 : 1;
	uint64_t bx = sort_rows_group_base[x]->burst_bytes, by = sort_rows_group_base[y]->burst_bytes;
	return bx < by ? -1 : bx > by ? 1 : (x > y) - (x < y);
}

/* "cpu | timer tsc | drain fence | median of >= 20 samples" */
static void run_subtitle(const struct run_rows *rr, char *buf, size_t len)
{
	unsigned smin = UINT_MAX;
	for (size_t i = 0; i < rr->n; i++)
		if (rr->ok[i]->samples < smin)
			smin = rr->ok[i]->samples;
	const struct row *r = rr->ok[0];
	snprintf(buf, len, "%s | timer %s | drain %s | median of >= %u samples, bars p10-p90", r->cpu_model,
		 r->timer, rr->varies & case_key_bit("drain") ? "varies" : r->drain, smin);
}

static void sort_by_group(const struct row *const *rows, const size_t *group, size_t *order, size_t n);

/* The panels of a figure: memtype x barrier, each in first-seen order (none when out of memory),
 * at most LINE_FIG_MAX_PANELS of each: a figure shows no more panels, and the search stays
 * linear in the rows. */
struct panels {
	const struct row **mts, **bars; /* a row of each memtype, of each barrier */
	size_t nm, nb;
	size_t outside; /* rows of a memtype or barrier beyond those */
};

static void panels_find(const struct run_rows *rr, struct panels *pn)
{
	pn->mts = malloc(LINE_FIG_MAX_PANELS * sizeof *pn->mts);
	pn->bars = malloc(LINE_FIG_MAX_PANELS * sizeof *pn->bars);
	pn->nm = pn->nb = pn->outside = 0;
	for (size_t i = 0; pn->mts && pn->bars && i < rr->n; i++) {
		const struct row *r = rr->ok[i];
		size_t k, j;
		for (k = 0; k < pn->nm && strcmp(pn->mts[k]->memtype, r->memtype); k++)
			;
		if (k == pn->nm && pn->nm < LINE_FIG_MAX_PANELS)
			pn->mts[pn->nm++] = r;
		for (j = 0; j < pn->nb && strcmp(pn->bars[j]->barrier, r->barrier); j++)
			;
		if (j == pn->nb && pn->nb < LINE_FIG_MAX_PANELS)
			pn->bars[pn->nb++] = r;
		pn->outside += k == pn->nm || j == pn->nb;
	}
}

/* Rows no panel holds count as points left out. */
static void panels_left_out(const struct panels *pn, struct line_fig *f)
{
	f->all_points += pn->outside;
	f->left_points += pn->outside;
}

static bool panel_has(const struct panels *pn, size_t m, size_t b, const struct row *r)
{
	return !strcmp(r->memtype, pn->mts[m]->memtype) && !strcmp(r->barrier, pn->bars[b]->barrier);
}

/* The panel of r's memtype x barrier, titled, before its first series (*open says it is). */
static void panel_open_once(struct line_fig *f, bool *open, const struct row *r)
{
	if (*open)
		return;
	char t[200];
	snprintf(t, sizeof t, "memtype %s, barrier %s", r->memtype, r->barrier);
	line_fig_panel(f, t);
	*open = true;
}

static void panels_free(struct panels *pn)
{
	free(pn->mts);
	free(pn->bars);
}

/* gbps_vs_size: panels memtype x barrier, one series per case less its burst size. */
static int plot_gbps(const struct run_rows *rr, const char *dir, char *err, size_t errlen)
{
	size_t n = rr->n;
	size_t *group = malloc(n * sizeof *group), *order = malloc(n * sizeof *order);
	long ng = group ? group_rows(rr->ok, n, case_key_bit("burst_bytes"), group) : -ENOMEM;
	struct line_fig f;
	int rc = ng < 0 || !order ? -ENOMEM : line_fig_open(&f, err, errlen);
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		free(group);
		free(order);
		return rc;
	}
	sort_by_group(rr->ok, group, order, n);
	unsigned show = rr->varies & ~(case_key_bit("burst_bytes") | case_key_bit("memtype") |
				       case_key_bit("barrier"));
	/* panels: memtype x barrier, each in first-seen order; a series lies in one panel (its
	 * key holds both) */
	struct panels pn;
	panels_find(rr, &pn);
	for (size_t m = 0; m < pn.nm; m++)
		for (size_t b = 0; b < pn.nb; b++) {
			bool panel = false;
			for (size_t j = 0; j < n; j++) {
				const struct row *r = rr->ok[order[j]];
				if (!panel_has(&pn, m, b, r))
					continue;
				panel_open_once(&f, &panel, r);
				if (!j || group[order[j]] != group[order[j - 1]]) {
					char label[400];
					case_label(r, show, label, sizeof label);
					line_fig_series(&f, label);
				}
				line_fig_point(&f, (double)r->burst_bytes, r->gb_per_s_median, r->gb_per_s_p10,
					       r->gb_per_s_p90);
			}
		}
	panels_left_out(&pn, &f);
	panels_free(&pn);
	char sub[600], title[700], out[PATH_MAX], logpath[PATH_MAX];
	run_subtitle(rr, sub, sizeof sub);
	snprintf(title, sizeof title, "Store bandwidth vs burst size\n%s", sub);
	snprintf(out, sizeof out, "%s/gbps_vs_size", dir);
	snprintf(logpath, sizeof logpath, "%s/gnuplot.log", dir);
	rc = line_fig_draw(&f, title, out, false, logpath, err, errlen);
	note_left_out(rr, "gbps_vs_size", f.note);
	free(group);
	free(order);
	return rc;
}

/* Group, series or bar order: sort `order` (indices into rows) by group, then burst size. */
static void sort_by_group(const struct row *const *rows, const size_t *group, size_t *order, size_t n)
{
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_rows_group_base = rows;
	sort_rows_group = group;
	qsort(order, n, sizeof *order, by_series_then_burst);
}

static void cost_csv_line(struct sbuf *csv, const struct row *base, const struct row *r,
			  const struct barrier_cost *bc)
{
	char name[400];
	row_case_name(base, name, sizeof name);
	csv_field(csv, name);
	const char *const text[] = { base->kernel, base->memtype, base->target, r->barrier, r->barrier_every,
				     base->drain };
	for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
		sb_printf(csv, ",");
		csv_field(csv, text[i]);
	}
	sb_printf(csv, ",%u,%.3f,%.3f,%.3f,%.3f,%.3f\n", base->threads, base->ns_per_burst_median,
		  r->ns_per_burst_median, bc->ns, bc->lo, bc->hi);
}

/*
 * barrier_cost: each 64-byte barrier row against the barrier-free row of the same case (case
 * key less barrier and barrier_every); one bar per barrier@where, so a barrier placed every 64 B
 * and once per burst stay apart. Writes barrier_cost.csv too; nothing when no row has a twin.
 */
static int plot_barrier_cost(const struct run_rows *rr, const char *dir, char *err,
			     size_t errlen)
{
	size_t pairs = 0;
	const struct row **rows = malloc(rr->n * sizeof *rows);
	size_t n = 0;
	for (size_t i = 0; rows && i < rr->n; i++)
		if (rr->ok[i]->burst_bytes == 64 && !isnan(rr->ok[i]->ns_per_burst_median))
			rows[n++] = rr->ok[i];
	size_t *group = malloc((n ? n : 1) * sizeof *group), *order = malloc((n ? n : 1) * sizeof *order);
	long ng = rows && group ? group_rows(rows, n, barrier_pair_ignore(), group)
				: -ENOMEM;
	struct sbuf csv = { 0 };
	struct bar_fig f;
	int rc = ng < 0 || !order ? -ENOMEM : bar_fig_open(&f, err, errlen);
	if (rc) {
		if (rc == -ENOMEM)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	sort_by_group(rows, group, order, n);
	sb_printf(&csv, "case,kernel,memtype,target,barrier,barrier_every,drain,threads,base_ns,with_ns,"
			"cost_ns,cost_p10_ns,cost_p90_ns\n");
	unsigned show = rr->varies & ~(case_key_bit("burst_bytes") | case_key_bit("memtype") |
				       barrier_pair_ignore());
	for (size_t j = 0, end; j < n; j = end) {
		const struct row *base = NULL;
		for (end = j; end < n && group[order[end]] == group[order[j]]; end++)
			if (!base && !strcmp(rows[order[end]]->barrier, "none"))
				base = rows[order[end]];
		for (size_t k = j; base && k < end; k++) {
			const struct row *r = rows[order[k]];
			if (!strcmp(r->barrier, "none"))
				continue;
			struct barrier_cost bc;
			barrier_cost_of(base, r, &bc);
			if (bar_fig_bar(&f, bc.kind, bc.ns, bc.lo, bc.hi) < 0)
				continue;
			cost_csv_line(&csv, base, r, &bc);
			pairs++;
		}
		if (base) {
			char label[400], l2[460];
			case_label(base, show, label, sizeof label);
			snprintf(l2, sizeof l2, "%s (%s)", label, base->memtype);
			bar_fig_group(&f, l2);
		}
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/barrier_cost.csv", dir);
	if (!pairs) {
		bar_fig_close(&f);
		goto out;
	}
	rc = csv.oom ? -ENOMEM : write_file(path, csv.s, csv.len);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		bar_fig_close(&f);
		goto out;
	}
	char sub[600], title[700], out[PATH_MAX], logpath[PATH_MAX];
	run_subtitle(rr, sub, sizeof sub);
	snprintf(title, sizeof title, "Barrier cost per 64-byte burst: ns with the barrier minus ns without\n%s", sub);
	snprintf(out, sizeof out, "%s/barrier_cost", dir);
	snprintf(logpath, sizeof logpath, "%s/gnuplot.log", dir);
	rc = bar_fig_draw(&f, title, "added ns per 64-byte burst (median; bars p10-p90)",
			  "store kernel (memtype)", out, logpath, err, errlen);
	if (f.left_bars) {
		char what[120];
		snprintf(what, sizeof what, "%zu bars left out (at most %d drawn)", f.left_bars, BAR_FIG_MAX_BARS);
		note_left_out(rr, "barrier_cost", what);
	}
out:
	sb_free(&csv);
	free(rows);
	free(group);
	free(order);
	return rc;
}

static bool is_latency_row(const struct row *r)
{
	return !strcmp(r->mode, "latency");
}

/* A point of a latency row's line when x is a time a log axis can show. */
static bool latency_point(struct line_fig *f, double x, double y)
{
	if (!(x > 0) || isinf(x))
		return false;
	line_fig_point(f, x, y, NAN, NAN);
	return true;
}

/*
 * latency_cdf: panels memtype x barrier, a line per latency row through its recorded quantiles:
 * x the ns per burst, y the fraction of bursts that took at least that long (1 - F): min at 1,
 * p10 at 0.9, p50 at 0.5, p90 at 0.1, p99 at 0.01, p99.9 at 0.001, the slowest at 1/N. A
 * quantile whose level is not above 1/N (p99.9 of fewer than 1000 bursts) stands on no burst
 * of its own: left out.
 */
static int plot_latency(const struct run_rows *rr, const char *dir, char *err, size_t errlen)
{
	struct line_fig f;
	int rc = line_fig_open(&f, err, errlen);
	if (rc)
		return rc;
	unsigned show = rr->varies & ~(case_key_bit("memtype") | case_key_bit("barrier"));
	struct panels pn;
	panels_find(rr, &pn);
	unsigned smin = UINT_MAX;
	double tmin = INFINITY, tmax = -INFINITY;
	for (size_t m = 0; m < pn.nm; m++)
		for (size_t b = 0; b < pn.nb; b++) {
			bool panel = false;
			for (size_t j = 0; j < rr->n; j++) {
				const struct row *r = rr->ok[j];
				if (!panel_has(&pn, m, b, r) || r->samples == 0)
					continue;
				panel_open_once(&f, &panel, r);
				char label[400];
				case_label(r, show, label, sizeof label);
				line_fig_series(&f, label);
				const double one = 1.0 / r->samples;
				const struct { double x, level; } q[] = {
					{ r->ns_per_burst_min, 1 }, { r->ns_per_burst_p10, 0.9 },
					{ r->latency_ns_p50, 0.5 }, { r->latency_ns_p90, 0.1 },
					{ r->latency_ns_p99, 0.01 }, { r->latency_ns_p999, 0.001 },
				};
				for (size_t k = 0; k < sizeof q / sizeof *q; k++)
					if (q[k].level > one)
						latency_point(&f, q[k].x, q[k].level);
				latency_point(&f, r->latency_ns_max, one);
				smin = r->samples < smin ? r->samples : smin;
				if (r->latency_timer_ns < tmin)
					tmin = r->latency_timer_ns;
				if (r->latency_timer_ns > tmax)
					tmax = r->latency_timer_ns;
			}
		}
	panels_left_out(&pn, &f);
	panels_free(&pn);
	const struct row *r0 = rr->ok[0];
	char timer[96], sub[700], title[800], out[PATH_MAX], logpath[PATH_MAX];
	if (isinf(tmin))
		snprintf(timer, sizeof timer, "timer %.40s", r0->timer);
	else if (tmin == tmax)
		snprintf(timer, sizeof timer, "timer %.40s: %.1f ns of every figure (included)", r0->timer, tmin);
	else
		snprintf(timer, sizeof timer, "timer %.40s: %.1f-%.1f ns of every figure (included)", r0->timer,
			 tmin, tmax);
	snprintf(sub, sizeof sub, "%s | %s | drain %s | >= %u bursts per line, each timed alone", r0->cpu_model,
		 timer, rr->varies & case_key_bit("drain") ? "varies" : r0->drain, smin == UINT_MAX ? 0 : smin);
	snprintf(title, sizeof title, "Latency of one burst with its drain: fraction of bursts taking at least x\n%s", sub);
	snprintf(out, sizeof out, "%s/latency_cdf", dir);
	snprintf(logpath, sizeof logpath, "%s/gnuplot.log", dir);
	rc = line_fig_draw_script(&f, "latency_cdf.gp", title, out, "log", logpath, err, errlen);
	note_left_out(rr, "latency_cdf", f.note);
	return rc;
}

/* The figures of one mode's ok rows (rr->ok, rr->n set). */
static int plot_mode(struct run_rows *rr, bool latency, const char *dir, char *err, size_t errlen)
{
	if (!rr->n)
		return 0;
	rr->varies = varying_columns(rr->ok, rr->n);
	if (latency)
		return plot_latency(rr, dir, err, errlen);
	int rc = plot_gbps(rr, dir, err, errlen);
	return rc ? rc : plot_barrier_cost(rr, dir, err, errlen);
}

int plot_run(const struct result_set *rs, const char *dir, char *note, size_t notelen, char *err,
	     size_t errlen)
{
	/* throughput and latency rows apart: no figure mixes them */
	size_t cap = rs->nrows ? rs->nrows : 1;
	if (note && notelen)
		note[0] = '\0';
	struct run_rows thr = { .ok = malloc(cap * sizeof *thr.ok), .note = notelen ? note : NULL, .notelen = notelen },
			lat = { .ok = malloc(cap * sizeof *lat.ok), .note = notelen ? note : NULL, .notelen = notelen };
	int rc = 0;
	if (!thr.ok || !lat.ok) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < rs->nrows; i++)
		if (rs->rows[i].status == STATUS_OK) {
			struct run_rows *rr = is_latency_row(&rs->rows[i]) ? &lat : &thr;
			rr->ok[rr->n++] = &rs->rows[i];
		}
	if (!thr.n && !lat.n) {
		snprintf(err, errlen, "%s: no ok rows to plot", rs->csv_path);
		rc = -ENODATA;
		goto out;
	}
	rc = plot_mode(&thr, false, dir, err, errlen);
	if (!rc)
		rc = plot_mode(&lat, true, dir, err, errlen);
out:
	free(thr.ok);
	free(lat.ok);
	return rc;
}

int plot_run_dir(const char *csv_path, const char *dir, char *note, size_t notelen, char *err,
		 size_t errlen)
{
	struct result_set rs;
	int rc = rs_load(csv_path, NULL, &rs, err, errlen);
	if (rc)
		return rc;
	rc = plot_run(&rs, dir, note, notelen, err, errlen);
	rs_free(&rs);
	return rc;
}

void plot_run_describe(const char *dir, char *buf, size_t len)
{
	static const char *const names[] = { "gbps_vs_size", "barrier_cost", "latency_cdf" };
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof names / sizeof *names && o < len; i++) {
		char png[PATH_MAX + 20];
		snprintf(png, sizeof png, "%s/%s.png", dir, names[i]);
		if (access(png, F_OK))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s.png (.svg)", o ? ", " : dir, o ? "" : "/",
				      names[i]);
	}
	if (!o)
		snprintf(buf, len, "none in %s", dir);
}
