/*
 * `wcbench report -o DIR RUN...`: one HTML page (and its Markdown twin) comparing the runs of
 * several machines, or host and guest of one machine: who they are, which memory types they
 * showed, the best store kernel + barrier per memory type, GB/s vs burst size side by side, and
 * what each barrier costs per 64-byte burst. Every figure is drawn by gnuplot (PNG and SVG) from
 * a CSV written next to it, and its caption says how it was measured.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/util.h"
#include "results/json.h"
#include "results/keys.h"
#include "results/resultset.h"
#include "render/plot.h"
#include "results/schema.h"

/* ---------------------------------------------------------------- small helpers */

#define SET_MAX 32
#define SET_W 96

/* A small ordered set of strings (first-seen order). */
struct strset {
	size_t n;
	char v[SET_MAX][SET_W];
};

static size_t set_add(struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return i;
	if (s->n == SET_MAX)
		return SET_MAX;
	snprintf(s->v[s->n], SET_W, "%s", x);
	return s->n++;
}

static void set_join(const struct strset *s, const char *sep, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? sep : "", s->v[i]);
}

/* Text safe inside a gnuplot word list ("'a b' 'c'") and a single-quoted string. */
static void gp_word(const char *s, char *buf, size_t len)
{
	size_t o = 0;
	for (; *s && o + 1 < len; s++)
		buf[o++] = (*s == '\'' || *s == '"' || *s == '\\' || *s == '`' || *s == '$' ||
			    *s == '\n' || *s == '\r') ? ' ' : *s;
	buf[o] = '\0';
}

static void html_esc(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': sb_printf(b, "&lt;"); break;
		case '>': sb_printf(b, "&gt;"); break;
		case '&': sb_printf(b, "&amp;"); break;
		case '"': sb_printf(b, "&quot;"); break;
		default: sb_printf(b, "%c", *s);
		}
	}
}

static void md_esc(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[')
			sb_printf(b, "\\");
		sb_printf(b, "%c", *s == '\n' ? ' ' : *s);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Width and height of a PNG from its IHDR chunk; 0 when it is not a PNG. */
static int png_size(const char *path, unsigned *w, unsigned *h)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char b[24];
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t n = fread(b, 1, sizeof b, f);
	fclose(f);
	if (n != sizeof b || memcmp(b, sig, 8) || memcmp(b + 12, "IHDR", 4))
		return -EINVAL;
	*w = (unsigned)b[16] << 24 | (unsigned)b[17] << 16 | (unsigned)b[18] << 8 | b[19];
	*h = (unsigned)b[20] << 24 | (unsigned)b[21] << 16 | (unsigned)b[22] << 8 | b[23];
	return 0;
}


/* ---------------------------------------------------------------- machines */

struct machine {
	char cpu_model[96], os_release[64], env[16], arch[16], run_id[40];
	char slug[64];      /* directory name under DIR */
	char tag[8];        /* M1, M2... */
	char shortname[128]; /* "M1 x86_64 host (hostname)" */
	const struct result_set *rs;
	size_t n, cap;
	const struct row **rows;
	/* from metadata.json, when it is there and names the same run */
	char hostname[64], hypervisor[96], cpu_id[64], timer_hz[32], timer_res[32], timer_src[96],
		version[48], pattern[160], stop_rule[64], started[40];
	/* derived */
	struct strset drains, timers, memtypes, threads;
	unsigned smin, smax;
	double timer_ns;    /* median of the rows' timer read cost */
	size_t nstat[4];
	char plot_err[300]; /* why the per-machine plots are missing, or empty */
	int has_gbps, has_cost;
	unsigned gw, gh, cw, ch; /* PNG sizes */
};

static int machine_push(struct machine *m, const struct row *r)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		const struct row **v = realloc(m->rows, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		m->rows = v;
		m->cap = cap;
	}
	m->rows[m->n++] = r;
	return 0;
}

static int machine_has(const struct machine *m, const struct row *r)
{
	return m->n && same_machine(m->rows[0], r);
}

static void slugify(const char *s, char *out, size_t len)
{
	size_t o = 0;
	int dash = 0;
	for (; *s && o + 1 < len; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
			out[o++] = c;
			dash = 0;
		} else if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
			dash = 0;
		} else if (!dash && o) {
			out[o++] = '-';
			dash = 1;
		}
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

static void machine_meta(struct machine *m)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/metadata.json", m->rs->dir);
	char *js = read_regular_file(path, 1 << 16, NULL, NULL, 0);
	if (!js)
		return;
	char rid[64];
	json_get(js, "run_id", rid, sizeof rid);
	/* a metadata.json of another run (a CSV copied next to it) says nothing about this one */
	if (!rid[0] || !strcmp(rid, m->run_id)) {
		json_get(js, "hostname", m->hostname, sizeof m->hostname);
		json_get(js, "hypervisor", m->hypervisor, sizeof m->hypervisor);
		json_get(js, "cpu_id", m->cpu_id, sizeof m->cpu_id);
		json_get(js, "timer_hz", m->timer_hz, sizeof m->timer_hz);
		json_get(js, "timer_resolution_ns", m->timer_res, sizeof m->timer_res);
		json_get(js, "timer_frequency_source", m->timer_src, sizeof m->timer_src);
		json_get(js, "wcbench_version", m->version, sizeof m->version);
		json_get(js, "pattern_hex", m->pattern, sizeof m->pattern);
		json_get(js, "stop_rule", m->stop_rule, sizeof m->stop_rule);
		json_get(js, "started_utc", m->started, sizeof m->started);
	}
	free(js);
}

static void machine_derive(struct machine *m)
{
	m->smin = ~0u;
	double *t = calloc(m->n ? m->n : 1, sizeof *t);
	size_t nt = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct row *r = m->rows[i];
		m->nstat[r->status]++;
		set_add(&m->memtypes, r->memtype);
		if (r->status != STATUS_OK)
			continue;
		set_add(&m->drains, r->drain);
		set_add(&m->timers, r->timer);
		char th[16];
		snprintf(th, sizeof th, "%u", r->threads);
		set_add(&m->threads, th);
		if (r->samples < m->smin)
			m->smin = r->samples;
		if (r->samples > m->smax)
			m->smax = r->samples;
		if (t && !isnan(r->timer_ns))
			t[nt++] = r->timer_ns;
	}
	if (m->smin == ~0u)
		m->smin = 0;
	m->timer_ns = NAN;
	if (t && nt) {
		qsort(t, nt, sizeof *t, cmp_double);
		m->timer_ns = t[nt / 2];
	}
	free(t);
}

/* ---------------------------------------------------------------- what a figure measured */

static const char *drain_words(const char *d)
{
	if (!strcmp(d, "none"))
		return "none (stores issued)";
	if (!strcmp(d, "fence"))
		return "fence (SFENCE / DSB ST: the stores left the core)";
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
static void measured_text(const struct machine *ms, size_t nm, unsigned long mask, char *buf,
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

/* ---------------------------------------------------------------- selections */

/* Is r the same series as s (all but burst size)? */
static int same_series(const struct row *r, const struct row *s)
{
	return same_case(r, s, case_key_bit("burst_bytes"));
}

static int row_ok(const struct row *r)
{
	return r->status == STATUS_OK && !isnan(r->gb_per_s_median) && r->gb_per_s_median > 0;
}

/* The fastest ok row of memtype mt on machine m (burst == 0: any size); NULL when none. */
static const struct row *best_row(const struct machine *m, const char *mt, uint64_t burst)
{
	const struct row *best = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct row *r = m->rows[i];
		if (!row_ok(r) || strcmp(r->memtype, mt) || (burst && r->burst_bytes != burst))
			continue;
		if (!best || r->gb_per_s_median > best->gb_per_s_median)
			best = r;
	}
	return best;
}

static void kb_name(const struct row *r, char *buf, size_t len)
{
	if (!strcmp(r->barrier, "none") || !r->barrier[0])
		snprintf(buf, len, "%s", r->kernel);
	else
		snprintf(buf, len, "%s+%s@%s", r->kernel, r->barrier, r->barrier_every);
}

static void gb_text(const struct row *r, char *buf, size_t len)
{
	if (isnan(r->gb_per_s_p10) || isnan(r->gb_per_s_p90))
		snprintf(buf, len, "%.3f", r->gb_per_s_median);
	else
		snprintf(buf, len, "%.3f [%.3f-%.3f]", r->gb_per_s_median, r->gb_per_s_p10,
			 r->gb_per_s_p90);
}

/* ---------------------------------------------------------------- figures */

struct fig {
	char base[64];     /* path under DIR without extension */
	char alt[200];
	char caption[2400];
	unsigned w, h;
	int ok;
	char err[300];
};

static int gp_figure(const char *outdir, const char *script, const char *vars, struct fig *f)
{
	char logf[4200], png[4200];
	snprintf(logf, sizeof logf, "%s/%s-gnuplot.log", outdir, f->base);
	int rc = plot_gnuplot(script, vars, logf);
	if (rc == -ENOENT) {
		if (plot_script_dir())
			snprintf(f->err, sizeof f->err, "gnuplot or plots/%s not found (install gnuplot-nox)", script);
		else
			snprintf(f->err, sizeof f->err, "plot scripts not found (set WCBENCH_PLOTS)");
		return rc;
	}
	if (rc) {
		snprintf(f->err, sizeof f->err, "gnuplot failed on %s, see %s-gnuplot.log", script, f->base);
		return rc;
	}
	unlink(logf);
	snprintf(png, sizeof png, "%s/%s.png", outdir, f->base);
	if (png_size(png, &f->w, &f->h)) {
		snprintf(f->err, sizeof f->err, "gnuplot wrote no valid %s.png", f->base);
		return -EIO;
	}
	f->ok = 1;
	return 0;
}

/* GB/s vs burst size, side by side, one panel per machine: for each memory type the series of
 * the kernel + barrier that reached the highest median GB/s on that machine. */
static int fig_best_vs_size(const char *outdir, struct machine *ms, size_t nm, struct fig *f)
{
	struct sbuf csv = { 0 }, labels = { 0 }, first = { 0 }, last = { 0 }, titles = { 0 };
	sb_printf(&csv, "machine,series,label,memtype,kernel,barrier,barrier_every,target,threads,drain,"
			"burst_bytes,gb_per_s_median,gb_per_s_p10,gb_per_s_p90,samples\n");
	size_t s = 0;
	double ymin = INFINITY, ymax = 0;
	for (size_t i = 0; i < nm; i++) {
		struct machine *m = &ms[i];
		size_t s0 = s + 1;
		for (size_t k = 0; k < m->memtypes.n; k++) {
			const struct row *b = best_row(m, m->memtypes.v[k], 0);
			if (!b)
				continue;
			s++;
			char kb[96], lab[200], w[200];
			kb_name(b, kb, sizeof kb);
			snprintf(lab, sizeof lab, "%s: %s (%s)", b->memtype, kb, b->target_kind);
			gp_word(lab, w, sizeof w);
			sb_printf(&labels, "%s'%s'", s > 1 ? " " : "", w);
			/* rows of the series sorted by burst size (a run writes them in that order,
			 * but a merged or edited CSV may not) */
			uint64_t prev = 0;
			for (;;) {
				const struct row *next = NULL;
				for (size_t j = 0; j < m->n; j++) {
					const struct row *r = m->rows[j];
					if (row_ok(r) && same_series(r, b) && r->burst_bytes > prev &&
					    (!next || r->burst_bytes < next->burst_bytes))
						next = r;
				}
				if (!next)
					break;
				prev = next->burst_bytes;
				sb_printf(&csv, "%zu,%zu,%s,%s,%s,%s,%s,%s,%u,%s,%llu,%.4f,", i + 1, s, w,
					  next->memtype, next->kernel, next->barrier, next->barrier_every,
					  next->target, next->threads, next->drain,
					  (unsigned long long)next->burst_bytes, next->gb_per_s_median);
				double lo = isnan(next->gb_per_s_p10) ? next->gb_per_s_median : next->gb_per_s_p10;
				double hi = isnan(next->gb_per_s_p90) ? next->gb_per_s_median : next->gb_per_s_p90;
				sb_printf(&csv, "%.4f,%.4f,%u\n", lo, hi, next->samples);
				if (lo > 0 && lo < ymin)
					ymin = lo;
				if (hi > ymax)
					ymax = hi;
			}
		}
		char t[300], w[300];
		snprintf(t, sizeof t, "%s: %.60s, %s, %s", m->tag, m->cpu_model, m->os_release, m->env);
		gp_word(t, w, sizeof w);
		sb_printf(&titles, "%s'%s'", i ? " " : "", w);
		sb_printf(&first, "%s%zu", i ? " " : "", s0);
		sb_printf(&last, "%s%zu", i ? " " : "", s);
	}
	char data[4200];
	snprintf(data, sizeof data, "%s/best_vs_size.csv", outdir);
	int rc = csv.oom ? -ENOMEM : write_file(data, csv.s, csv.len);
	if (rc) {
		snprintf(f->err, sizeof f->err, "best_vs_size.csv: %s", strerror(-rc));
		goto out;
	}
	if (!s) {
		rc = -ENODATA;
		snprintf(f->err, sizeof f->err, "no machine has an ok row to plot");
		goto out;
	}
	if (!(ymin < INFINITY))
		ymin = 0.01;
	/* log axis: whole decades around the data */
	double y0 = pow(10, floor(log10(ymin))), y1 = pow(10, ceil(log10(ymax > ymin ? ymax : ymin * 10)));
	char qd[4300], qo[4300], sub[1200];
	snprintf(qo, sizeof qo, "%s/%s", outdir, f->base);
	char tmp[4300];
	gp_quote(data, qd, sizeof qd);
	gp_quote(qo, tmp, sizeof tmp);
	unsigned long all = nm >= 64 ? ~0ul : (1ul << nm) - 1;
	char meas[3000];
	measured_text(ms, nm, all, meas, sizeof meas);
	struct strset drains = { 0 };
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < ms[i].drains.n; k++)
			set_add(&drains, ms[i].drains.v[k]);
	char dl[300];
	set_join(&drains, ", ", dl, sizeof dl);
	snprintf(sub, sizeof sub, "best kernel+barrier per memory type | drain %s | median GB/s, bars p10-p90 | GB/s = 10^9 B/s", dl);
	char qs[1300];
	gp_word(sub, qs, sizeof qs);
	struct sbuf v = { 0 };
	sb_printf(&v, "csv='%s'; out='%s'; subtitle='%s'; labels=\"%s\"; titles=\"%s\"; sfirst=\"%s\"; "
		      "slast=\"%s\"; nm=%zu; ymin=%g; ymax=%g",
		  qd, tmp, qs, labels.s ? labels.s : "", titles.s, first.s, last.s, nm, y0, y1);
	rc = v.oom ? -ENOMEM : gp_figure(outdir, "report_gbps_vs_size.gp", v.s, f);
	sb_free(&v);
	snprintf(f->alt, sizeof f->alt, "GB/s vs burst size, best kernel and barrier per memory type, one panel per machine");
	snprintf(f->caption, sizeof f->caption,
		 "GB/s vs burst size (log-log), one panel per machine, same y scale. In each panel, one "
		 "line per memory type: the store kernel + barrier that reached the highest median GB/s "
		 "on that machine (named in the key with the target kind), at every burst size it was "
		 "run. %s Data: best_vs_size.csv.", meas);
out:
	sb_free(&csv);
	sb_free(&labels);
	sb_free(&first);
	sb_free(&last);
	sb_free(&titles);
	return rc;
}

/* Cost of each barrier per 64-byte burst, every machine: added ns with the barrier vs without,
 * measured with the kernel that is fastest without a barrier at 64 B for that memory type. */
static int fig_barrier_cost(const char *outdir, struct machine *ms, size_t nm, struct fig *f,
			    size_t *nbars_out)
{
	struct sbuf csv = { 0 }, xt = { 0 }, bl = { 0 };
	struct strset bars = { 0 };
	sb_printf(&csv, "x,group,machine,memtype,target,barrier,barrier_index,barrier_every,kernel,threads,drain,"
			"base_ns,with_ns,cost_ns,cost_p10_ns,cost_p90_ns,base_samples,with_samples\n");
	double x = 0;
	size_t nb = 0;
	for (size_t i = 0; i < nm; i++) {
		struct machine *m = &ms[i];
		for (size_t k = 0; k < m->memtypes.n; k++) {
			/* the fastest barrier-free 64 B row */
			const struct row *base = NULL;
			for (size_t j = 0; j < m->n; j++) {
				const struct row *r = m->rows[j];
				if (row_ok(r) && r->burst_bytes == 64 && !strcmp(r->memtype, m->memtypes.v[k]) &&
				    !strcmp(r->barrier, "none") && !isnan(r->ns_per_burst_median) &&
				    (!base || r->gb_per_s_median > base->gb_per_s_median))
					base = r;
			}
			if (!base)
				continue;
			size_t placed = 0;
			double x0 = x + 1;
			for (size_t j = 0; j < m->n; j++) {
				const struct row *r = m->rows[j];
				if (!row_ok(r) || r->burst_bytes != 64 || !strcmp(r->barrier, "none") ||
				    strcmp(r->kernel, base->kernel) || strcmp(r->target, base->target) ||
				    strcmp(r->memtype, base->memtype) || r->threads != base->threads ||
				    strcmp(r->drain, base->drain) || isnan(r->ns_per_burst_median))
					continue;
				size_t bi = set_add(&bars, r->barrier);
				if (bi == SET_MAX)
					continue;
				x += 1;
				placed++;
				double c = r->ns_per_burst_median - base->ns_per_burst_median;
				double lo = isnan(r->ns_per_burst_p10) ? c : r->ns_per_burst_p10 - base->ns_per_burst_median;
				double hi = isnan(r->ns_per_burst_p90) ? c : r->ns_per_burst_p90 - base->ns_per_burst_median;
				sb_printf(&csv, "%g,%s %s,%s,%s,%s,%s,%zu,%s,%s,%u,%s,%.3f,%.3f,%.3f,%.3f,%.3f,%u,%u\n",
					  x, m->tag, r->memtype, m->tag, r->memtype, r->target, r->barrier,
					  bi + 1, r->barrier_every, r->kernel, r->threads, r->drain,
					  base->ns_per_burst_median, r->ns_per_burst_median, c, lo, hi,
					  base->samples, r->samples);
				nb++;
			}
			if (placed) {
				char g[200], w[200];
				snprintf(g, sizeof g, "%s %s (%s)", m->tag, base->memtype, base->kernel);
				gp_word(g, w, sizeof w);
				sb_printf(&xt, "%s'%s' %g", xt.len ? ", " : "", w, (x0 + x) / 2);
				x += 1; /* gap between groups */
			}
		}
	}
	for (size_t k = 0; k < bars.n; k++)
		sb_printf(&bl, "%s'%s'", k ? " " : "", bars.v[k]);
	*nbars_out = nb;
	char data[4200];
	snprintf(data, sizeof data, "%s/barrier_cost_all.csv", outdir);
	int rc = csv.oom ? -ENOMEM : write_file(data, csv.s, csv.len);
	if (rc) {
		snprintf(f->err, sizeof f->err, "barrier_cost_all.csv: %s", strerror(-rc));
		goto out;
	}
	if (!nb) {
		rc = -ENODATA;
		snprintf(f->err, sizeof f->err, "no machine measured a barrier at 64-byte bursts next to the same case without one");
		goto out;
	}
	char qd[4300], qo[4300], tmp[4300];
	snprintf(tmp, sizeof tmp, "%s/%s", outdir, f->base);
	gp_quote(data, qd, sizeof qd);
	gp_quote(tmp, qo, sizeof qo);
	struct strset drains = { 0 };
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < ms[i].drains.n; k++)
			set_add(&drains, ms[i].drains.v[k]);
	char dl[300], sub[600], qs[700];
	set_join(&drains, ", ", dl, sizeof dl);
	snprintf(sub, sizeof sub, "64-byte bursts, ns with the barrier minus ns without (medians), bars p10-p90 | drain %s", dl);
	gp_word(sub, qs, sizeof qs);
	struct sbuf v = { 0 };
	sb_printf(&v, "csv='%s'; out='%s'; subtitle='%s'; barriers=\"%s\"; xt=\"%s\"; xmax=%g",
		  qd, qo, qs, bl.s ? bl.s : "", xt.s ? xt.s : "", x + 1);
	rc = v.oom ? -ENOMEM : gp_figure(outdir, "report_barrier_cost.gp", v.s, f);
	sb_free(&v);
	unsigned long all = nm >= 64 ? ~0ul : (1ul << nm) - 1;
	char meas[3000];
	measured_text(ms, nm, all, meas, sizeof meas);
	snprintf(f->alt, sizeof f->alt, "Added nanoseconds per 64-byte burst for each barrier, grouped by machine and memory type");
	snprintf(f->caption, sizeof f->caption,
		 "Cost of each barrier per 64-byte burst, all machines. Each group is one machine and "
		 "memory type, measured with the store kernel that is fastest there without a barrier "
		 "(named under the group); a bar is the median ns per burst with the barrier minus the "
		 "median without it, same target, threads and drain; its error bar spans the p10 and p90 "
		 "ns per burst with the barrier, minus the same median. %s Data: barrier_cost_all.csv.",
		 meas);
out:
	sb_free(&csv);
	sb_free(&xt);
	sb_free(&bl);
	return rc;
}

/* ---------------------------------------------------------------- the page */

static const char css[] =
	"body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:24px auto;"
	"max-width:1400px;padding:0 16px;color:#222;line-height:1.4}"
	"h1{font-size:1.6em;border-bottom:2px solid #444}h2{margin-top:1.6em;border-bottom:1px solid #bbb}"
	"table{border-collapse:collapse;margin:8px 0 16px;font-size:0.92em}"
	"th,td{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top}"
	"th{background:#eef1f5}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"tr:nth-child(even) td{background:#fafafa}"
	"figure{margin:12px 0 24px;border:1px solid #ddd;padding:8px;background:#fff}"
	"figure img{max-width:100%;height:auto;display:block}"
	"figcaption{font-size:0.9em;color:#333;margin-top:6px}"
	".row{display:flex;gap:12px;flex-wrap:wrap}.row figure{flex:1 1 600px;min-width:0}"
	".note{color:#555;font-size:0.92em}.missing{color:#a00}code{background:#f3f3f3;padding:0 3px}";

struct page {
	struct sbuf h, md;
};

/* A table: cells separated by '\t' in each row string. */
static void table_begin(struct page *p, const char *const *head, size_t n)
{
	sb_printf(&p->h, "<table>\n<tr>");
	sb_printf(&p->md, "\n|");
	for (size_t i = 0; i < n; i++) {
		sb_printf(&p->h, "<th>");
		html_esc(&p->h, head[i]);
		sb_printf(&p->h, "</th>");
		sb_printf(&p->md, " %s |", head[i]);
	}
	sb_printf(&p->h, "</tr>\n");
	sb_printf(&p->md, "\n|");
	for (size_t i = 0; i < n; i++)
		sb_printf(&p->md, "---|");
	sb_printf(&p->md, "\n");
}

static void table_row(struct page *p, const char *const *cell, size_t n, unsigned numeric_mask)
{
	sb_printf(&p->h, "<tr>");
	sb_printf(&p->md, "|");
	for (size_t i = 0; i < n; i++) {
		sb_printf(&p->h, "<td%s>", numeric_mask & (1u << i) ? " class=\"num\"" : "");
		html_esc(&p->h, cell[i]);
		sb_printf(&p->h, "</td>");
		sb_printf(&p->md, " ");
		md_esc(&p->md, cell[i]);
		sb_printf(&p->md, " |");
	}
	sb_printf(&p->h, "</tr>\n");
	sb_printf(&p->md, "\n");
}

static void table_end(struct page *p)
{
	sb_printf(&p->h, "</table>\n");
	sb_printf(&p->md, "\n");
}

static void para(struct page *p, const char *cls, const char *text)
{
	sb_printf(&p->h, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
	html_esc(&p->h, text);
	sb_printf(&p->h, "</p>\n");
	sb_printf(&p->md, "%s\n\n", text);
}

static void heading(struct page *p, int level, const char *id, const char *text)
{
	sb_printf(&p->h, "<h%d id=\"%s\">", level, id);
	html_esc(&p->h, text);
	sb_printf(&p->h, "</h%d>\n", level);
	sb_printf(&p->md, "%.*s %s\n\n", level, "######", text);
}

static void figure(struct page *p, const struct fig *f, const char *title)
{
	if (!f->ok) {
		sb_printf(&p->h, "<figure><p class=\"missing\">");
		html_esc(&p->h, title);
		sb_printf(&p->h, ": figure not made: ");
		html_esc(&p->h, f->err);
		sb_printf(&p->h, "</p></figure>\n");
		sb_printf(&p->md, "**%s**: figure not made: %s\n\n", title, f->err);
		return;
	}
	sb_printf(&p->h, "<figure><a href=\"%s.svg\"><img src=\"%s.png\" width=\"%u\" height=\"%u\" alt=\"",
		  f->base, f->base, f->w, f->h);
	html_esc(&p->h, f->alt);
	sb_printf(&p->h, "\"></a>\n<figcaption><b>");
	html_esc(&p->h, title);
	sb_printf(&p->h, ".</b> ");
	html_esc(&p->h, f->caption);
	sb_printf(&p->h, " <a href=\"%s.svg\">SVG</a>, <a href=\"%s.png\">PNG</a>.</figcaption></figure>\n",
		  f->base, f->base);
	sb_printf(&p->md, "![%s](%s.png)\n\n*%s.* %s ([SVG](%s.svg))\n\n", f->alt, f->base, title,
		  f->caption, f->base);
}

/* ---------------------------------------------------------------- command */

static const char report_help[] =
"usage: wcbench report -o DIR [OPTIONS] RUN...\n"
"\n"
"Make a report comparing runs of `wcbench run` from different machines, or the host and a\n"
"guest of one machine. Each RUN is a result directory (holding results.csv, and optionally\n"
"metadata.json) or a results CSV file. Only the CSV is needed: the report can be made\n"
"anywhere. Rows are grouped into machines by (cpu_model, os_release, env, arch, run_id),\n"
"named M1, M2... in the order given.\n"
"\n"
"Writes, into DIR:\n"
"  index.html             the report: self-contained (inline CSS, relative links, no scripts)\n"
"  report.md              the same in Markdown\n"
"  best_vs_size.png/.svg  GB/s vs burst size, one panel per machine side by side: for each\n"
"                         memory type the kernel+barrier that reached the highest GB/s\n"
"  barrier_cost_all.png/.svg  added ns per 64-byte burst for each barrier, every machine\n"
"  best_vs_size.csv, barrier_cost_all.csv  the data of those two figures\n"
"  <machine>/             per machine: its rows (results.csv) and the plots of `wcbench run`\n"
"                         (gbps_vs_size, barrier_cost; PNG and SVG)\n"
"The page has: a table of the machines (CPU, kernel, env, timer, hypervisor when\n"
"metadata.json says), the memory types each one saw (requested, as the OS reports it, how\n"
"many cases ran or faulted), the best kernel+barrier per memory type and machine, and the\n"
"figures. Every figure's caption says the drain mode, the timer, the statistic (median of N\n"
"samples, p10-p90 bars) and that GB/s = 10^9 bytes/s.\n"
"\n"
"options:\n"
"  -o, --out DIR     where to write (created; files in it are overwritten)\n"
"  --title TEXT      the report's title (default: \"wcbench report\")\n"
"  -h, --help        this text\n"
"\n"
"exit status: 0 written; 1 written, but a figure could not be made (gnuplot missing or\n"
"failed: the page says which); 2 bad input (no RUN, no results.csv, another schema\n"
"version, a damaged row, DIR cannot be created), nothing written.\n"
"\n"
"examples:\n"
"  wcbench report -o report results/hostA results/hostB\n"
"  wcbench report -o kvm-cost --title 'host vs guest' results/host results/guest\n";


static const char *const report_required[] = {
	"run_id", "env", "arch", "cpu_model", "os_release", "target", "target_kind", "memtype",
	"kernel", "barrier", "barrier_every", "burst_bytes", "threads", "drain", "timer", "samples",
	"status", "ns_per_burst_median", "gb_per_s_median", "gb_per_s_p10", "gb_per_s_p90", NULL
};

/* Per machine: its rows as a results.csv of their own, and the plots `wcbench run` makes. */
static void machine_plots(const char *outdir, struct machine *m)
{
	char dir[4200], csv[4300], png[4400];
	snprintf(dir, sizeof dir, "%s/%s", outdir, m->slug);
	int rc = make_dirs(dir);
	if (rc) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", dir, strerror(-rc));
		return;
	}
	snprintf(csv, sizeof csv, "%s/results.csv", dir);
	FILE *f = fopen(csv, "w");
	if (!f) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", csv, strerror(errno));
		return;
	}
	csv_write_header(f);
	for (size_t i = 0; i < m->n; i++)
		csv_write_row(f, m->rows[i]);
	if (fclose(f)) {
		snprintf(m->plot_err, sizeof m->plot_err, "%s: %s", csv, strerror(errno));
		return;
	}
	char err[300] = "";
	rc = plot_run_dir(csv, dir, err, sizeof err);
	if (rc)
		snprintf(m->plot_err, sizeof m->plot_err, "%s", err);
	snprintf(png, sizeof png, "%s/gbps_vs_size.png", dir);
	m->has_gbps = !png_size(png, &m->gw, &m->gh);
	snprintf(png, sizeof png, "%s/barrier_cost.png", dir);
	m->has_cost = !png_size(png, &m->cw, &m->ch);
	if (!m->has_gbps && !m->plot_err[0])
		snprintf(m->plot_err, sizeof m->plot_err, "gnuplot wrote no gbps_vs_size.png");
}

static void machine_figure(struct page *p, const struct machine *m, const struct machine *ms,
			   size_t nm, size_t idx, int cost)
{
	char base[200], cap[3200], title[300], meas[2400];
	snprintf(base, sizeof base, "%s/%s", m->slug, cost ? "barrier_cost" : "gbps_vs_size");
	measured_text(ms, nm, 1ul << idx, meas, sizeof meas);
	snprintf(title, sizeof title, "%s, %s: %s", m->tag, m->shortname,
		 cost ? "barrier cost per 64-byte burst" : "GB/s vs burst size");
	if (cost)
		snprintf(cap, sizeof cap, "Added ns per 64-byte burst for each barrier (median ns with the "
			 "barrier minus median without, same kernel, target, threads and drain), by store "
			 "kernel and memory type; error bars from the p10 and p90 ns with the barrier. %s "
			 "Data: %s/barrier_cost.csv.", meas, m->slug);
	else
		snprintf(cap, sizeof cap, "Median GB/s vs burst size for every store kernel, one panel per "
			 "memory type x barrier, log2 x axis. %s Data: %s/results.csv.", meas, m->slug);
	unsigned w = cost ? m->cw : m->gw, h = cost ? m->ch : m->gh;
	sb_printf(&p->h, "<figure><a href=\"%s.svg\"><img src=\"%s.png\" width=\"%u\" height=\"%u\" alt=\"",
		  base, base, w, h);
	html_esc(&p->h, title);
	sb_printf(&p->h, "\"></a>\n<figcaption><b>");
	html_esc(&p->h, title);
	sb_printf(&p->h, ".</b> ");
	html_esc(&p->h, cap);
	sb_printf(&p->h, " <a href=\"%s.svg\">SVG</a>.</figcaption></figure>\n", base);
	sb_printf(&p->md, "![%s](%s.png)\n\n*%s.* %s ([SVG](%s.svg))\n\n", title, base, title, cap, base);
}

int cmd_report(int argc, char **argv)
{
	const char *outdir = NULL, *title = "wcbench report";
	static const struct option lo[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "title", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 1;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			outdir = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 'h':
			fputs(report_help, stdout);
			return 0;
		default:
			if (optopt == 'o')
				return cli_error("report", "-o needs a directory (wcbench report --help)");
			return cli_error("report", "unknown option '%s' (wcbench report --help)", argv[optind - 1]);
		}
	}
	if (!outdir)
		return cli_error("report", "no output directory: give -o DIR (wcbench report --help)");
	size_t nruns = (size_t)(argc - optind);
	if (!nruns)
		return cli_error("report", "no RUN given: name one or more result directories or results CSV files (wcbench report --help)");

	int ret = EXIT_USAGE;
	struct result_set *rs = calloc(nruns, sizeof *rs);
	struct machine *ms = NULL;
	size_t nm = 0, cap = 0;
	struct page p = { { 0 }, { 0 } };
	if (!rs)
		return cli_error("report", "out of memory");
	size_t loaded = 0;
	for (; loaded < nruns; loaded++) {
		char err[1024];
		if (rs_load(argv[optind + (int)loaded], report_required, &rs[loaded], err, sizeof err)) {
			cli_error("report", "%s", err);
			goto done;
		}
		if (!rs[loaded].nrows) {
			cli_error("report", "%s: header only, no rows", rs[loaded].csv_path);
			goto done;
		}
	}
	/* machines, in the order first seen */
	for (size_t k = 0; k < nruns; k++) {
		for (size_t i = 0; i < rs[k].nrows; i++) {
			const struct row *r = &rs[k].rows[i];
			size_t m;
			for (m = 0; m < nm && !machine_has(&ms[m], r); m++)
				;
			if (m == nm) {
				if (nm == 63) {
					cli_error("report", "more than 63 machines (cpu_model, os_release, env, arch, run_id) in the runs given");
					goto done;
				}
				if (nm == cap) {
					cap = cap ? 2 * cap : 8;
					struct machine *x = realloc(ms, cap * sizeof *x);
					if (!x) {
						cli_error("report", "out of memory");
						goto done;
					}
					ms = x;
				}
				struct machine *n = &ms[nm++];
				memset(n, 0, sizeof *n);
				snprintf(n->cpu_model, sizeof n->cpu_model, "%s", r->cpu_model);
				snprintf(n->os_release, sizeof n->os_release, "%s", r->os_release);
				snprintf(n->env, sizeof n->env, "%s", r->env);
				snprintf(n->arch, sizeof n->arch, "%s", r->arch);
				snprintf(n->run_id, sizeof n->run_id, "%s", r->run_id);
				n->rs = &rs[k];
			}
			if (machine_push(&ms[m], r)) {
				cli_error("report", "out of memory");
				goto done;
			}
		}
	}
	int rc = make_dirs(outdir);
	if (rc) {
		cli_error("report", "-o %s: cannot create the directory: %s", outdir, strerror(-rc));
		goto done;
	}
	for (size_t i = 0; i < nm; i++) {
		struct machine *m = &ms[i];
		machine_meta(m);
		machine_derive(m);
		snprintf(m->tag, sizeof m->tag, "M%zu", i + 1);
		char s[200];
		snprintf(s, sizeof s, "m%zu-%s-%s-%s", i + 1, m->arch, m->env,
			 m->hostname[0] ? m->hostname : m->os_release);
		slugify(s, m->slug, 48);
		if (m->hostname[0])
			snprintf(m->shortname, sizeof m->shortname, "%s %s %s", m->hostname, m->arch, m->env);
		else
			snprintf(m->shortname, sizeof m->shortname, "%s %s", m->arch, m->env);
	}
	if (!plot_script_dir())
		fprintf(stderr, "wcbench report: warning: plot scripts not found (set WCBENCH_PLOTS): no figures\n");
	for (size_t i = 0; i < nm; i++)
		machine_plots(outdir, &ms[i]);
	struct fig fbest = { .base = "best_vs_size" }, fcost = { .base = "barrier_cost_all" };
	fig_best_vs_size(outdir, ms, nm, &fbest);
	size_t ncost = 0;
	fig_barrier_cost(outdir, ms, nm, &fcost, &ncost);

	/* ---- the page ---- */
	time_t now = time(NULL);
	char ts[40];
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	sb_printf(&p.h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_esc(&p.h, title);
	sb_printf(&p.h, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	heading(&p, 1, "top", title);
	char intro[1200];
	snprintf(intro, sizeof intro,
		 "%zu machine%s from %zu run%s, made by wcbench %s on %s. GB/s means 10^9 bytes per "
		 "second, all threads together. Every number is the median of the samples a case took, "
		 "with p10-p90 as its spread; each caption says the drain mode (what the timed region "
		 "waited for), the timer and the sample counts behind a figure.",
		 nm, nm == 1 ? "" : "s", nruns, nruns == 1 ? "" : "s", WCBENCH_VERSION, ts);
	para(&p, "note", intro);

	/* machines */
	heading(&p, 2, "machines", "Machines");
	{
		static const char *const head[] = { "machine", "CPU", "arch", "kernel (OS)", "env",
						    "hypervisor", "timer", "drain", "cases ok / unsupported / fault / error",
						    "run", "source" };
		table_begin(&p, head, 11);
		for (size_t i = 0; i < nm; i++) {
			struct machine *m = &ms[i];
			char cpu[200], tm[300], dr[200], cnt[80], run[200], hyp[100];
			snprintf(cpu, sizeof cpu, "%s%s%s%s", m->cpu_model, m->cpu_id[0] ? " (" : "",
				 m->cpu_id, m->cpu_id[0] ? ")" : "");
			char tl[200];
			set_join(&m->timers, ", ", tl, sizeof tl);
			size_t o = (size_t)snprintf(tm, sizeof tm, "%s", tl[0] ? tl : "-");
			if (!isnan(m->timer_ns))
				o += (size_t)snprintf(tm + o, sizeof tm - o, ", %.1f ns per read", m->timer_ns);
			if (m->timer_hz[0] && o < sizeof tm) {
				double hz = atof(m->timer_hz);
				if (hz > 0)
					snprintf(tm + o, sizeof tm - o, ", %.4g MHz", hz / 1e6);
			}
			set_join(&m->drains, ", ", dr, sizeof dr);
			snprintf(cnt, sizeof cnt, "%zu / %zu / %zu / %zu", m->nstat[STATUS_OK],
				 m->nstat[STATUS_UNSUPPORTED], m->nstat[STATUS_FAULT], m->nstat[STATUS_ERROR]);
			snprintf(run, sizeof run, "%s%s%s", m->run_id, m->version[0] ? ", wcbench " : "",
				 m->version);
			snprintf(hyp, sizeof hyp, "%s", m->hypervisor[0] ? m->hypervisor : "(no metadata.json)");
			char name[200];
			snprintf(name, sizeof name, "%s: %s", m->tag, m->shortname);
			const char *cell[] = { name, cpu, m->arch, m->os_release, m->env, hyp, tm,
					       dr[0] ? dr : "-", cnt, run, m->rs->csv_path };
			table_row(&p, cell, 11, 0);
		}
		table_end(&p);
	}

	/* memory types seen */
	heading(&p, 2, "memtypes", "Memory types seen");
	para(&p, "note", "Per machine, each memory type its runs asked for: the targets mapped with "
			 "it, what the OS reports it gave (x86 PAT; \"unknown\" where the OS does not say), "
			 "and how many cases ran (ok), were not supported, faulted or failed, with the "
			 "first reason given.");
	{
		static const char *const head[] = { "machine", "memtype requested", "targets", "OS reports",
						    "ok", "unsupported", "fault", "error", "first reason" };
		table_begin(&p, head, 9);
		for (size_t i = 0; i < nm; i++) {
			struct machine *m = &ms[i];
			for (size_t k = 0; k < m->memtypes.n; k++) {
				struct strset tg = { 0 }, seen = { 0 };
				size_t st[4] = { 0 };
				const char *reason = "";
				for (size_t j = 0; j < m->n; j++) {
					const struct row *r = m->rows[j];
					if (strcmp(r->memtype, m->memtypes.v[k]))
						continue;
					set_add(&tg, r->target);
					if (r->memtype_seen[0])
						set_add(&seen, r->memtype_seen);
					st[r->status]++;
					if (r->status != STATUS_OK && !reason[0])
						reason = r->reason;
				}
				char t1[600], t2[300], n[4][24];
				set_join(&tg, ", ", t1, sizeof t1);
				set_join(&seen, ", ", t2, sizeof t2);
				for (int s = 0; s < 4; s++)
					snprintf(n[s], sizeof n[s], "%zu", st[s]);
				const char *cell[] = { m->tag, m->memtypes.v[k], t1, t2[0] ? t2 : "-", n[0], n[1],
						       n[2], n[3], reason[0] ? reason : "-" };
				table_row(&p, cell, 9, 0xf0);
			}
		}
		table_end(&p);
	}

	/* best per memtype */
	heading(&p, 2, "best", "Best kernel + barrier per memory type");
	para(&p, "note", "For each memory type and machine: the store kernel + barrier with the highest "
			 "median GB/s at any burst size (peak), and the best at 64-byte bursts (one cache "
			 "line, where write combining matters most). GB/s median [p10-p90], 10^9 bytes/s, "
			 "all threads; N is the sample count of that case.");
	{
		struct strset all = { 0 };
		for (size_t i = 0; i < nm; i++)
			for (size_t k = 0; k < ms[i].memtypes.n; k++)
				set_add(&all, ms[i].memtypes.v[k]);
		for (size_t k = 0; k < all.n; k++) {
			char h3[160];
			snprintf(h3, sizeof h3, "memtype %s", all.v[k]);
			char id[80];
			slugify(h3, id, sizeof id);
			heading(&p, 3, id, h3);
			static const char *const head[] = { "machine", "peak: kernel+barrier", "target",
							    "burst", "GB/s median [p10-p90]", "N", "drain",
							    "threads", "64 B: kernel+barrier", "GB/s median [p10-p90]", "N" };
			table_begin(&p, head, 11);
			for (size_t i = 0; i < nm; i++) {
				struct machine *m = &ms[i];
				size_t j;
				for (j = 0; j < m->memtypes.n && strcmp(m->memtypes.v[j], all.v[k]); j++)
					;
				if (j == m->memtypes.n)
					continue;
				const struct row *b = best_row(m, all.v[k], 0), *b64 = best_row(m, all.v[k], 64);
				char kb[96] = "no ok case", tg[160] = "-", bs[32] = "-", gb[80] = "-", n[16] = "-",
				     th[16] = "-", kb64[96] = "-", gb64[80] = "-", n64[16] = "-";
				const char *dr = "-";
				if (b) {
					kb_name(b, kb, sizeof kb);
					snprintf(tg, sizeof tg, "%s", b->target);
					fmt_bytes(b->burst_bytes, bs, sizeof bs);
					gb_text(b, gb, sizeof gb);
					snprintf(n, sizeof n, "%u", b->samples);
					dr = b->drain;
					snprintf(th, sizeof th, "%u", b->threads);
				}
				if (b64) {
					kb_name(b64, kb64, sizeof kb64);
					gb_text(b64, gb64, sizeof gb64);
					snprintf(n64, sizeof n64, "%u", b64->samples);
				}
				const char *cell[] = { m->tag, kb, tg, bs, gb, n, dr, th, kb64, gb64, n64 };
				table_row(&p, cell, 11, 1u << 3 | 1u << 4 | 1u << 5 | 1u << 9 | 1u << 10);
			}
			table_end(&p);
		}
	}

	heading(&p, 2, "compare-size", "GB/s vs burst size, machines side by side");
	figure(&p, &fbest, "Figure 1: best store bandwidth per memory type, per machine");
	heading(&p, 2, "compare-barrier", "Barrier cost, all machines");
	figure(&p, &fcost, "Figure 2: barrier cost per 64-byte burst");

	heading(&p, 2, "per-machine", "Per machine: every kernel and barrier");
	para(&p, "note", "The plots `wcbench run` makes, from each machine's rows (written beside them "
			 "as results.csv). Side by side: one column per machine.");
	for (int cost = 0; cost < 2; cost++) {
		sb_printf(&p.h, "<div class=\"row\">\n");
		for (size_t i = 0; i < nm; i++) {
			struct machine *m = &ms[i];
			if ((cost ? m->has_cost : m->has_gbps)) {
				machine_figure(&p, m, ms, nm, i, cost);
			} else if (!cost || m->plot_err[0]) {
				char t[600];
				snprintf(t, sizeof t, "%s: %s not made: %s", m->tag,
					 cost ? "barrier cost plot" : "GB/s vs burst size plot",
					 m->plot_err[0] ? m->plot_err : "no barrier measured next to the same case without one");
				sb_printf(&p.h, "<figure>");
				para(&p, "missing", t);
				sb_printf(&p.h, "</figure>\n");
			}
		}
		sb_printf(&p.h, "</div>\n");
	}

	heading(&p, 2, "method", "How these numbers were measured");
	para(&p, NULL, "Each case times store bursts of one kernel into one mapped target. A sample "
		       "lasts at least 1 ms and 1000 timer resolutions; a case takes several samples and "
		       "stops once (p90-p10)/median is small or its time budget is spent. Drain modes: "
		       "none = stores issued; fence = SFENCE / DSB ST, the stores left the core; readback "
		       "= a fence and a read from the target, the stores reached it (PCIe reads do not pass "
		       "posted writes). GB/s = 10^9 bytes/s. The data stored is a fixed non-zero pattern.");
	for (size_t i = 0; i < nm; i++) {
		struct machine *m = &ms[i];
		if (!m->pattern[0] && !m->stop_rule[0] && !m->timer_src[0])
			continue;
		char t[800];
		snprintf(t, sizeof t, "%s: timer frequency from %s%s%s%s; sampling stops when %s; stored pattern %.32s%s; started %s.",
			 m->tag, m->timer_src[0] ? m->timer_src : "?", m->timer_res[0] ? ", timer resolution " : "",
			 m->timer_res[0] ? m->timer_res : "", m->timer_res[0] ? " ns" : "",
			 m->stop_rule[0] ? m->stop_rule : "?", m->pattern[0] ? m->pattern : "?",
			 strlen(m->pattern) > 32 ? "..." : "", m->started[0] ? m->started : "?");
		para(&p, "note", t);
	}
	sb_printf(&p.h, "</body>\n</html>\n");

	if (p.h.oom || p.md.oom) {
		cli_error("report", "out of memory");
		goto done;
	}
	char path[4200];
	snprintf(path, sizeof path, "%s/index.html", outdir);
	rc = write_file(path, p.h.s, p.h.len);
	if (!rc) {
		snprintf(path, sizeof path, "%s/report.md", outdir);
		rc = write_file(path, p.md.s, p.md.len);
	}
	if (rc) {
		cli_error("report", "%s: %s", path, strerror(-rc));
		goto done;
	}
	ret = 0;
	int missing = !fbest.ok || (!fcost.ok && ncost);
	for (size_t i = 0; i < nm; i++)
		if (!ms[i].has_gbps && ms[i].nstat[STATUS_OK])
			missing = 1;
	if (!fbest.ok)
		fprintf(stderr, "wcbench report: warning: figure 1 not made: %s\n", fbest.err);
	if (!fcost.ok)
		fprintf(stderr, "wcbench report: %s: figure 2 not made: %s\n", ncost ? "warning" : "note", fcost.err);
	for (size_t i = 0; i < nm; i++)
		if (ms[i].plot_err[0])
			fprintf(stderr, "wcbench report: warning: %s plots: %s\n", ms[i].tag, ms[i].plot_err);
	printf("%s/index.html: %zu machines", outdir, nm);
	for (size_t i = 0; i < nm; i++)
		printf("%s %s = %s (%s, %zu rows)", i ? "," : ":", ms[i].tag, ms[i].shortname,
		       ms[i].cpu_model, ms[i].n);
	printf("\n%s/report.md\n", outdir);
	if (missing)
		ret = 1;
done:
	sb_free(&p.h);
	sb_free(&p.md);
	for (size_t i = 0; i < nm; i++)
		free(ms[i].rows);
	free(ms);
	for (size_t i = 0; i < nruns; i++)
		rs_free(&rs[i]); /* zeroed where not loaded */
	free(rs);
	return ret;
}
