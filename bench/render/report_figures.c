#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/util.h"
#include "render/figure.h"
#include "render/plot.h"
#include "render/png.h"
#include "render/report_figures.h"
#include "results/csv.h"
#include "results/groups.h"
#include "results/keys.h"

static const char *drain_words(const char *d)
{
	if (!strcmp(d, "none"))
		return "none (stores issued)";
	if (!strcmp(d, "fence"))
		return "fence (MFENCE / DSB ST: the stores left the core)";
	if (!strcmp(d, "readback"))
		return "readback (fence and a read from the target: the stores reached it)";
	return d;
}

static const char *timer_words(const char *t)
{
	if (!strcmp(t, "tsc"))
		return "tsc (RDTSCP, LFENCE-bracketed, calibrated against CLOCK_MONOTONIC_RAW)";
	if (!strcmp(t, "cntvct"))
		return "cntvct (CNTVCT_EL0 behind ISB, frequency from CNTFRQ_EL0)";
	if (!strcmp(t, "clock_gettime"))
		return "clock_gettime (CLOCK_MONOTONIC_RAW)";
	return t;
}

/* "drain fence (...); timer tsc (...), 7.1 ns per read; median of 20 samples per point" for a
 * set of machines (mask bit i: machine i). */
void measured_text(const struct report_machine *ms, size_t nm, unsigned long mask, char *buf,
			  size_t len)
{
	struct strset drains = { 0 }, threads = { 0 };
	unsigned smin = ~0u, smax = 0;
	for (size_t i = 0; i < nm; i++) {
		if (!(mask & (1ul << i)))
			continue;
		for (size_t k = 0; k < ms[i].drains.n; k++)
			set_add(&drains, ms[i].drains.v[k]);
		for (size_t k = 0; k < ms[i].threads.n; k++)
			set_add(&threads, ms[i].threads.v[k]);
		if (ms[i].smax) {
			smin = ms[i].smin < smin ? ms[i].smin : smin;
			smax = ms[i].smax > smax ? ms[i].smax : smax;
		}
	}
	char d[600] = "", tm[800] = "", th[100];
	size_t o = 0;
	for (size_t k = 0; k < drains.n; k++)
		o += (size_t)snprintf(d + o, o < sizeof d ? sizeof d - o : 0, "%s%s", k ? ", " : "",
				      drain_words(drains.v[k]));
	o = 0;
	for (size_t i = 0; i < nm; i++) {
		if (!(mask & (1ul << i)))
			continue;
		for (size_t k = 0; k < ms[i].timers.n && o < sizeof tm; k++) {
			char cost[48] = "";
			if (!isnan(ms[i].timer_ns))
				snprintf(cost, sizeof cost, ", %.1f ns per read", ms[i].timer_ns);
			o += (size_t)snprintf(tm + o, sizeof tm - o, "%s%s %s%s", o ? "; " : "",
					      ms[i].tag, timer_words(ms[i].timers.v[k]), cost);
		}
	}
	set_join(&threads, ", ", th, sizeof th);
	char samples[96];
	if (smax == 0)
		snprintf(samples, sizeof samples, "no measured rows");
	else if (smin == smax)
		snprintf(samples, sizeof samples, "median of %u samples per point", smax);
	else
		snprintf(samples, sizeof samples, "median of %u to %u samples per point", smin, smax);
	snprintf(buf, len, "Drain: %s. Timer: %s. Statistic: %s, error bars p10-p90 of the samples. "
			   "Threads: %s. GB/s = 10^9 bytes/s, all threads together.",
		 d[0] ? d : "-", tm[0] ? tm : "-", samples, th[0] ? th : "-");
}

void kb_name(const struct row *r, char *buf, size_t len)
{
	if (!strcmp(r->barrier, "none") || !r->barrier[0])
		snprintf(buf, len, "%s", r->kernel);
	else
		snprintf(buf, len, "%s+%s@%s", r->kernel, r->barrier, r->barrier_every);
}


/* An ok row of throughput mode: the figures here are of GB/s and barrier cost, which latency
 * rows (one burst timed alone) do not measure. */
static int throughput_ok(const struct row *r)
{
	return row_ok(r) && strcmp(r->mode, "latency") != 0;
}

static void fig_error(struct fig *f, int rc, const char *err)
{
	snprintf(f->err, sizeof f->err, "%s", rc == -ENODATA ? "nothing to plot" : err);
	f->ok = 0;
}

/* After gnuplot: the PNG's size for the page. */
static int fig_done(const char *outdir, struct fig *f)
{
	char png[4300];
	snprintf(png, sizeof png, "%s/%s.png", outdir, f->base);
	if (png_size(png, &f->w, &f->h)) {
		snprintf(f->err, sizeof f->err, "gnuplot wrote no valid %s.png", f->base);
		return -EIO;
	}
	f->ok = 1;
	return 0;
}

static void drains_of(const struct report_machine *ms, size_t nm, char *buf, size_t len)
{
	struct strset drains = { 0 };
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < ms[i].drains.n; k++)
			set_add(&drains, ms[i].drains.v[k]);
	set_join(&drains, ", ", buf, len);
}

/* One series of figure 1: the rows of best's series on m, by burst size, into the figure and
 * the CSV. */
static void best_series(const struct report_machine *m, size_t mi, size_t s, const struct row *best,
			const char *label, struct line_fig *lf, struct sbuf *csv)
{
	uint64_t prev = 0;
	for (;;) {
		const struct row *next = NULL;
		for (size_t j = 0; j < m->n; j++) {
			const struct row *r = m->rows[j];
			if (throughput_ok(r) && same_series(r, best) && r->burst_bytes > prev &&
			    (!next || r->burst_bytes < next->burst_bytes))
				next = r;
		}
		if (!next)
			return;
		prev = next->burst_bytes;
		double lo = isnan(next->gb_per_s_p10) ? next->gb_per_s_median : next->gb_per_s_p10;
		double hi = isnan(next->gb_per_s_p90) ? next->gb_per_s_median : next->gb_per_s_p90;
		line_fig_point(lf, (double)next->burst_bytes, next->gb_per_s_median, lo, hi);
		sb_printf(csv, "%zu,%zu,", mi + 1, s);
		const char *const text[] = { label, next->memtype, next->kernel, next->barrier,
					     next->barrier_every, next->target };
		for (size_t t = 0; t < sizeof text / sizeof *text; t++) {
			csv_field(csv, text[t]);
			sb_printf(csv, ",");
		}
		sb_printf(csv, "%u,", next->threads);
		csv_field(csv, next->drain);
		sb_printf(csv, ",%llu,%.4f,%.4f,%.4f,%u\n", (unsigned long long)next->burst_bytes,
			  next->gb_per_s_median, lo, hi, next->samples);
	}
}

int report_fig_best(const char *outdir, const struct report_machine *ms, size_t nm, struct fig *f)
{
	char err[512];
	struct line_fig lf;
	int rc = line_fig_open(&lf, err, sizeof err);
	if (rc) {
		fig_error(f, rc, err);
		return rc;
	}
	struct sbuf csv = { 0 };
	sb_printf(&csv, "machine,series,label,memtype,kernel,barrier,barrier_every,target,threads,drain,"
			"burst_bytes,gb_per_s_median,gb_per_s_p10,gb_per_s_p90,samples\n");
	size_t s = 0;
	for (size_t i = 0; i < nm; i++) {
		const struct report_machine *m = &ms[i];
		bool panel = false; /* a machine without an ok throughput row has none */
		for (size_t k = 0; k < m->memtypes.n; k++) {
			const struct row *b = best_row(m, m->memtypes.v[k], 0);
			if (!b || !throughput_ok(b))
				continue;
			if (!panel) {
				char t[300];
				snprintf(t, sizeof t, "%s: %.60s, %s, %s", m->tag, m->cpu_model, m->os_release, m->env);
				line_fig_panel(&lf, t);
				panel = true;
			}
			char kbn[96], lab[200];
			kb_name(b, kbn, sizeof kbn);
			snprintf(lab, sizeof lab, "%s: %s (%s)", b->memtype, kbn, b->target_kind);
			line_fig_series(&lf, lab);
			best_series(m, i, ++s, b, lab, &lf, &csv);
		}
	}
	char data[4200];
	snprintf(data, sizeof data, "%s/best_vs_size.csv", outdir);
	rc = csv.oom ? -ENOMEM : write_file(data, csv.s, csv.len);
	sb_free(&csv);
	if (rc || !s) {
		line_fig_close(&lf);
		snprintf(f->err, sizeof f->err, rc ? "best_vs_size.csv: %s" : "%s",
			 rc ? strerror(-rc) : "no machine has an ok throughput row to plot");
		return rc ? rc : -ENODATA;
	}
	char dl[300], title[600], out[4300], logpath[4300];
	drains_of(ms, nm, dl, sizeof dl);
	snprintf(title, sizeof title, "Store bandwidth vs burst size, machines side by side\nbest kernel+barrier per memory type | drain %s | median GB/s, bars p10-p90 | GB/s = 10^9 B/s", dl);
	snprintf(out, sizeof out, "%s/%s", outdir, f->base);
	snprintf(logpath, sizeof logpath, "%s/%s-gnuplot.log", outdir, f->base);
	rc = line_fig_draw(&lf, title, out, true, logpath, err, sizeof err);
	if (rc) {
		fig_error(f, rc, err);
		return rc;
	}
	unsigned long all = nm >= 64 ? ~0ul : (1ul << nm) - 1;
	char meas[3000];
	measured_text(ms, nm, all, meas, sizeof meas);
	snprintf(f->alt, sizeof f->alt, "GB/s vs burst size, best kernel and barrier per memory type, one panel per machine");
	snprintf(f->caption, sizeof f->caption,
		 "GB/s vs burst size (log-log), one panel per machine with an ok throughput row "
		 "(latency rows are not drawn here). In each panel, one "
		 "line per memory type: the store kernel + barrier that reached the highest median GB/s "
		 "on that machine (named in the key with the target kind), at every burst size it was "
		 "run. %s Data: best_vs_size.csv.", meas);
	return fig_done(outdir, f);
}

static void csv_fields(struct sbuf *csv, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_printf(csv, ",");
		csv_field(csv, v[i]);
	}
}

/* The barrier rows of m paired with base (same case less barrier and barrier_every): one bar
 * per barrier@where, into the figure and the CSV. Returns how many. */
static size_t cost_bars(const struct report_machine *m, const struct row *base, struct bar_fig *bf,
			struct sbuf *csv)
{
	size_t placed = 0;
	for (size_t j = 0; j < m->n; j++) {
		const struct row *r = m->rows[j];
		if (!throughput_ok(r) || !strcmp(r->barrier, "none") || isnan(r->ns_per_burst_median) ||
		    !same_case(r, base, barrier_pair_ignore()))
			continue;
		struct barrier_cost bc;
		barrier_cost_of(base, r, &bc);
		int k = bar_fig_bar(bf, bc.kind, bc.ns, bc.lo, bc.hi);
		if (k < 0)
			continue;
		placed++;
		char group[200], index[16];
		snprintf(group, sizeof group, "%s %s", m->tag, r->memtype);
		snprintf(index, sizeof index, "%d", k + 1);
		sb_printf(csv, "%g,", bf->x);
		const char *const text[] = { group, m->tag, r->memtype, r->target, r->barrier, index,
					     r->barrier_every, r->kernel };
		csv_fields(csv, text, sizeof text / sizeof *text);
		sb_printf(csv, ",%u,", r->threads);
		csv_field(csv, r->drain);
		sb_printf(csv, ",%.3f,%.3f,%.3f,%.3f,%.3f,%u,%u\n", base->ns_per_burst_median,
			  r->ns_per_burst_median, bc.ns, bc.lo, bc.hi, base->samples, r->samples);
	}
	return placed;
}

/* The fastest barrier-free ok 64-byte row of memtype mt on m, or NULL. */
static const struct row *cost_base(const struct report_machine *m, const char *mt)
{
	const struct row *base = NULL;
	for (size_t j = 0; j < m->n; j++) {
		const struct row *r = m->rows[j];
		if (throughput_ok(r) && r->burst_bytes == 64 && !strcmp(r->memtype, mt) &&
		    !strcmp(r->barrier, "none") && !isnan(r->ns_per_burst_median) &&
		    (!base || r->gb_per_s_median > base->gb_per_s_median))
			base = r;
	}
	return base;
}

int report_fig_barrier_cost(const char *outdir, const struct report_machine *ms, size_t nm, struct fig *f,
			    size_t *nbars)
{
	char err[512];
	struct bar_fig bf;
	*nbars = 0;
	int rc = bar_fig_open(&bf, err, sizeof err);
	if (rc) {
		fig_error(f, rc, err);
		return rc;
	}
	struct sbuf csv = { 0 };
	sb_printf(&csv, "x,group,machine,memtype,target,barrier,barrier_index,barrier_every,kernel,threads,drain,"
			"base_ns,with_ns,cost_ns,cost_p10_ns,cost_p90_ns,base_samples,with_samples\n");
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < ms[i].memtypes.n; k++) {
			const struct row *base = cost_base(&ms[i], ms[i].memtypes.v[k]);
			if (!base || !cost_bars(&ms[i], base, &bf, &csv))
				continue;
			char g[200];
			snprintf(g, sizeof g, "%s %s (%s)", ms[i].tag, base->memtype, base->kernel);
			bar_fig_group(&bf, g);
		}
	*nbars = bf.nbars;
	char data[4200];
	snprintf(data, sizeof data, "%s/barrier_cost_all.csv", outdir);
	rc = csv.oom ? -ENOMEM : write_file(data, csv.s, csv.len);
	sb_free(&csv);
	if (rc || !*nbars) {
		bar_fig_close(&bf);
		snprintf(f->err, sizeof f->err, rc ? "barrier_cost_all.csv: %s" : "%s", rc ? strerror(-rc)
			 : "no machine measured a barrier at 64-byte bursts next to the same case without one");
		return rc ? rc : -ENODATA;
	}
	char dl[300], title[700], out[4300], logpath[4300];
	drains_of(ms, nm, dl, sizeof dl);
	snprintf(title, sizeof title, "Barrier cost per 64-byte burst, all machines\n64-byte bursts, ns with the barrier minus ns without (medians), bars p10-p90 | drain %s", dl);
	snprintf(out, sizeof out, "%s/%s", outdir, f->base);
	snprintf(logpath, sizeof logpath, "%s/%s-gnuplot.log", outdir, f->base);
	rc = bar_fig_draw(&bf, title, "added ns per 64-byte burst (median; bars p10-p90)",
			  "machine, memory type (store kernel)", out, logpath, err, sizeof err);
	if (rc) {
		fig_error(f, rc, err);
		return rc;
	}
	unsigned long all = nm >= 64 ? ~0ul : (1ul << nm) - 1;
	char meas[3000];
	measured_text(ms, nm, all, meas, sizeof meas);
	snprintf(f->alt, sizeof f->alt, "Added nanoseconds per 64-byte burst for each barrier, grouped by machine and memory type");
	snprintf(f->caption, sizeof f->caption,
		 "Cost of each barrier per 64-byte burst, all machines. Each group is one machine and "
		 "memory type, measured with the store kernel that is fastest there without a barrier "
		 "(named under the group); a bar is the median ns per burst with the barrier minus the "
		 "median without it, same case otherwise (target, threads, drain...), one bar per "
		 "barrier and where it goes (@64: after every 64 B, @burst: once per burst); its error "
		 "bar spans the p10 and p90 ns per burst with the barrier, minus the same median. %s "
		 "Data: barrier_cost_all.csv.", meas);
	return fig_done(outdir, f);
}

/* Per machine: its rows as a results.csv of their own, and the plots `wcbench run` makes. */
void report_machine_plots(const char *outdir, struct report_machine *m)
{
	char dir[4200], csv[4300], png[4400];
	snprintf(dir, sizeof dir, "%s/%s", outdir, m->slug);
	int rc = make_dirs(dir);
	if (rc) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", dir, strerror(-rc));
		return;
	}
	struct stat st;
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: is a symbolic link: wcbench writes through no link", dir);
		return;
	}
	snprintf(csv, sizeof csv, "%s/results.csv", dir);
	struct safe_whole w;
	if (safe_whole_open(&w, csv, m->plot_err, sizeof m->plot_err))
		return;
	int fd = dup(w.fd);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!f) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", csv, strerror(errno));
		if (fd >= 0)
			close(fd);
		safe_whole_abort(&w);
		return;
	}
	csv_write_header(f);
	for (size_t i = 0; i < m->n; i++)
		csv_write_row(f, m->rows[i]);
	if (ferror(f) | fclose(f)) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", csv, strerror(errno ? errno : EIO));
		safe_whole_abort(&w);
		return;
	}
	if (safe_whole_commit(&w, m->plot_err, sizeof m->plot_err))
		return;
	char err[300] = "";
	rc = plot_run_dir(csv, dir, NULL, 0, err, sizeof err); /* each figure's title says what it left out */
	if (rc)
		snprintf(m->plot_err, sizeof m->plot_err, "%s", err);
	snprintf(png, sizeof png, "%s/gbps_vs_size.png", dir);
	m->has_gbps = !png_size(png, &m->gw, &m->gh);
	snprintf(png, sizeof png, "%s/barrier_cost.png", dir);
	m->has_cost = !png_size(png, &m->cw, &m->ch);
	bool throughput = false;
	for (size_t i = 0; i < m->n && !throughput; i++)
		throughput = throughput_ok(m->rows[i]);
	if (!m->has_gbps && !m->plot_err[0])
		snprintf(m->plot_err, sizeof m->plot_err, "%s", throughput ? "gnuplot wrote no gbps_vs_size.png"
			 : "no ok throughput row, so no gbps_vs_size.png (latency rows: latency_cdf.png)");
}

