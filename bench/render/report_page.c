#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/escape.h"
#include "common/util.h"
#include "common/version.h"
#include "render/report_figures.h"
#include "render/report_page.h"

/* Text from the runs reaches index.html and report.md through these two only. */
static void html_esc(struct sbuf *b, const char *s)
{
	sb_esc(b, esc_html, s);
}

static void md_esc(struct sbuf *b, const char *s)
{
	sb_esc(b, esc_markdown, s);
}

static void gb_text(const struct row *r, char *buf, size_t len)
{
	if (isnan(r->gb_per_s_p10) || isnan(r->gb_per_s_p90))
		snprintf(buf, len, "%.3f", r->gb_per_s_median);
	else
		snprintf(buf, len, "%.3f [%.3f-%.3f]", r->gb_per_s_median, r->gb_per_s_p10,
			 r->gb_per_s_p90);
}

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
		sb_printf(&p->md, " ");
		md_esc(&p->md, head[i]);
		sb_printf(&p->md, " |");
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
	md_esc(&p->md, text);
	sb_printf(&p->md, "\n\n");
}

static void heading(struct page *p, int level, const char *id, const char *text)
{
	sb_printf(&p->h, "<h%d id=\"%s\">", level, id);
	html_esc(&p->h, text);
	sb_printf(&p->h, "</h%d>\n", level);
	sb_printf(&p->md, "%.*s ", level, "######");
	md_esc(&p->md, text);
	sb_printf(&p->md, "\n\n");
}

/* base is a file name the report made (a machine's slug and a fixed name): a link target that
 * needs no escaping; the rest is text. */
static void md_figure(struct page *p, const char *alt, const char *base, const char *title,
		      const char *caption)
{
	sb_printf(&p->md, "![");
	md_esc(&p->md, alt);
	sb_printf(&p->md, "](%s.png)\n\n*", base);
	md_esc(&p->md, title);
	sb_printf(&p->md, ".* ");
	md_esc(&p->md, caption);
	sb_printf(&p->md, " ([SVG](%s.svg))\n\n", base);
}

static void figure(struct page *p, const struct fig *f, const char *title)
{
	if (!f->ok) {
		sb_printf(&p->h, "<figure><p class=\"missing\">");
		html_esc(&p->h, title);
		sb_printf(&p->h, ": figure not made: ");
		html_esc(&p->h, f->err);
		sb_printf(&p->h, "</p></figure>\n");
		sb_printf(&p->md, "**");
		md_esc(&p->md, title);
		sb_printf(&p->md, "**: figure not made: ");
		md_esc(&p->md, f->err);
		sb_printf(&p->md, "\n\n");
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
	md_figure(p, f->alt, f->base, title, f->caption);
}

static void machine_figure(struct page *p, const struct report_machine *m, const struct report_machine *ms,
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
	md_figure(p, title, base, title, cap);
}

static void page_intro(struct page *p, const char *title, size_t nm, size_t nruns)
{
	time_t now = time(NULL);
	char ts[40];
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M UTC", gmtime(&now));
	sb_printf(&p->h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_esc(&p->h, title);
	sb_printf(&p->h, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	heading(p, 1, "top", title);
	char intro[1200];
	snprintf(intro, sizeof intro,
		 "%zu machine%s from %zu run%s, made by wcbench %s on %s. GB/s means 10^9 bytes per "
		 "second, all threads together. Every number is the median of the samples a case took, "
		 "with p10-p90 as its spread; each caption says the drain mode (what the timed region "
		 "waited for), the timer and the sample counts behind a figure.",
		 nm, nm == 1 ? "" : "s", nruns, nruns == 1 ? "" : "s", wcbench_version, ts);
	para(p, "note", intro);

}

static void page_machines(struct page *p, const struct report_machine *ms, size_t nm)
{
	/* machines */
	heading(p, 2, "machines", "Machines");
	static const char *const head[] = { "machine", "CPU", "arch", "kernel (OS)", "env",
					    "hypervisor", "timer", "drain", "cases ok / unsupported / fault / error",
					    "run", "source" };
	table_begin(p, head, 11);
	for (size_t i = 0; i < nm; i++) {
		const struct report_machine *m = &ms[i];
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
		table_row(p, cell, 11, 0);
	}
	table_end(p);

}

static void page_verdicts(struct page *p, const struct report_machine *ms, size_t nm,
			  const struct verdict_file *const *vf)
{
	size_t with = 0;
	for (size_t i = 0; vf && i < nm; i++)
		with += vf[i] != NULL;
	if (!with)
		return;
	heading(p, 2, "verdicts", "Does write combining work? Verdicts of wcbench check");
	para(p, "note", "Per machine whose run directory holds a verdict.json of the same run as its rows "
			 "(written by wcbench check): each target's verdict (works, degraded, broken or "
			 "unknown), the memory type its path asks for and the one probed, the rule that "
			 "decided and the first advice. The evidence behind each verdict is in verdict.json "
			 "(schema: bench/check/SCHEMA.md).");
	static const char *const head[] = { "target", "map", "memtype requested", "effective (probed)",
					    "verdict", "rule", "first advice" };
	for (size_t i = 0; i < nm; i++) {
		const struct verdict_file *v = vf[i];
		if (!v)
			continue;
		char h3[300], id[80], line[300];
		snprintf(h3, sizeof h3, "%s: %s", ms[i].tag, ms[i].shortname);
		snprintf(id, sizeof id, "verdicts-%s", ms[i].slug);
		heading(p, 3, id, h3);
		size_t count[VERDICT_COUNT] = { 0 };
		for (size_t k = 0; k < v->n; k++)
			count[v->e[k].verdict]++;
		snprintf(line, sizeof line, "%zu target%s: %zu works, %zu degraded, %zu broken, %zu unknown "
			 "(%s/verdict.json).", v->n, v->n == 1 ? "" : "s", count[VERDICT_WORKS],
			 count[VERDICT_DEGRADED], count[VERDICT_BROKEN], count[VERDICT_UNKNOWN], ms[i].rs->dir);
		para(p, "note", line);
		table_begin(p, head, 7);
		for (size_t k = 0; k < v->n; k++) {
			const struct verdict_entry *e = &v->e[k];
			const char *cell[] = { e->target, e->map[0] ? e->map : "-",
					       e->memtype_requested[0] ? e->memtype_requested : "-",
					       e->memtype_effective[0] ? e->memtype_effective : "-",
					       verdict_name(e->verdict), e->rule[0] ? e->rule : "-",
					       e->advice[0] ? e->advice : "-" };
			table_row(p, cell, 7, 0);
		}
		table_end(p);
	}
}

static void page_memtypes(struct page *p, const struct report_machine *ms, size_t nm)
{
	/* memory types seen */
	heading(p, 2, "memtypes", "Memory types seen");
	para(p, "note", "Per machine, each memory type its runs asked for: the targets mapped with "
			 "it, what the OS reports it gave (x86 PAT; \"unknown\" where the OS does not say), "
			 "and how many cases ran (ok), were not supported, faulted or failed, with the "
			 "first reason given.");
	static const char *const head[] = { "machine", "memtype requested", "targets", "OS reports",
					    "ok", "unsupported", "fault", "error", "first reason" };
	table_begin(p, head, 9);
	for (size_t i = 0; i < nm; i++) {
		const struct report_machine *m = &ms[i];
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
			table_row(p, cell, 9, 0xf0);
		}
	}
	table_end(p);

}

static void page_best(struct page *p, const struct report_machine *ms, size_t nm)
{
	/* best per memtype */
	heading(p, 2, "best", "Best kernel + barrier per memory type");
	para(p, "note", "For each memory type and machine: the store kernel + barrier with the highest "
			 "median GB/s at any burst size (peak), and the best at 64-byte bursts (one cache "
			 "line, where write combining matters most). GB/s median [p10-p90], 10^9 bytes/s, "
			 "all threads; N is the sample count of that case.");
	struct strset all = { 0 };
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < ms[i].memtypes.n; k++)
			set_add(&all, ms[i].memtypes.v[k]);
	for (size_t k = 0; k < all.n; k++) {
		char h3[160];
		snprintf(h3, sizeof h3, "memtype %s", all.v[k]);
		char id[80];
		slugify(h3, id, sizeof id);
		heading(p, 3, id, h3);
		static const char *const head[] = { "machine", "peak: kernel+barrier", "target",
						    "burst", "GB/s median [p10-p90]", "N", "drain",
						    "threads", "64 B: kernel+barrier", "GB/s median [p10-p90]", "N" };
		table_begin(p, head, 11);
		for (size_t i = 0; i < nm; i++) {
			const struct report_machine *m = &ms[i];
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
			table_row(p, cell, 11, 1u << 3 | 1u << 4 | 1u << 5 | 1u << 9 | 1u << 10);
		}
		table_end(p);
	}

}

static void page_figures(struct page *p, const struct report_machine *ms, size_t nm, const struct fig *fbest,
			 const struct fig *fcost)
{
	heading(p, 2, "compare-size", "GB/s vs burst size, machines side by side");
	figure(p, fbest, "Figure 1: best store bandwidth per memory type, per machine");
	heading(p, 2, "compare-barrier", "Barrier cost, all machines");
	figure(p, fcost, "Figure 2: barrier cost per 64-byte burst");

	heading(p, 2, "per-machine", "Per machine: every kernel and barrier");
	para(p, "note", "The plots `wcbench run` makes, from each machine's rows (written beside them "
			 "as results.csv). Side by side: one column per machine.");
	for (int cost = 0; cost < 2; cost++) {
		sb_printf(&p->h, "<div class=\"row\">\n");
		for (size_t i = 0; i < nm; i++) {
			const struct report_machine *m = &ms[i];
			if ((cost ? m->has_cost : m->has_gbps)) {
				machine_figure(p, m, ms, nm, i, cost);
			} else if (!cost || m->plot_err[0]) {
				char t[600];
				snprintf(t, sizeof t, "%s: %s not made: %s", m->tag,
					 cost ? "barrier cost plot" : "GB/s vs burst size plot",
					 m->plot_err[0] ? m->plot_err : "no barrier measured next to the same case without one");
				sb_printf(&p->h, "<figure>");
				para(p, "missing", t);
				sb_printf(&p->h, "</figure>\n");
			}
		}
		sb_printf(&p->h, "</div>\n");
	}

}

static void page_method(struct page *p, const struct report_machine *ms, size_t nm)
{
	heading(p, 2, "method", "How these numbers were measured");
	para(p, NULL, "Each case times store bursts of one kernel into one mapped target. A sample "
		       "lasts at least 0.25 ms (1 ms before schema 4) and 1000 timer resolutions; a case takes "
		       "samples until the median's 95% confidence interval (order statistics, widened as far as "
		       "neighbouring samples are alike) lies within "
		       "the run's precision of it (before schema 4: until (p90-p10)/median was small), or "
		       "its time budget is spent. Drain modes: "
		       "none = stores issued; fence = MFENCE / DSB ST, the stores left the core (the timer waits for it); readback "
		       "= a fence and a read from the target, the stores reached it (PCIe reads do not pass "
		       "posted writes). GB/s = 10^9 bytes/s. The data stored is a fixed non-zero pattern.");
	for (size_t i = 0; i < nm; i++) {
		const struct report_machine *m = &ms[i];
		if (!m->pattern[0] && !m->stop_rule[0] && !m->timer_src[0])
			continue;
		char t[800];
		snprintf(t, sizeof t, "%s: timer frequency from %s%s%s%s; sampling stops when %s; stored pattern %.32s%s; started %s.",
			 m->tag, m->timer_src[0] ? m->timer_src : "?", m->timer_res[0] ? ", timer resolution " : "",
			 m->timer_res[0] ? m->timer_res : "", m->timer_res[0] ? " ns" : "",
			 m->stop_rule[0] ? m->stop_rule : "?", m->pattern[0] ? m->pattern : "?",
			 strlen(m->pattern) > 32 ? "..." : "", m->started[0] ? m->started : "?");
		para(p, "note", t);
	}
}

int report_write_page(const char *outdir, const char *title, const struct report_machine *ms, size_t nm,
		      size_t nruns, const struct verdict_file *const *verdicts, const struct fig *fbest,
		      const struct fig *fcost, char *err, size_t errlen)
{
	struct page pg = { { 0 }, { 0 } }, *p = &pg;
	page_intro(p, title, nm, nruns);
	page_machines(p, ms, nm);
	page_verdicts(p, ms, nm, verdicts);
	page_memtypes(p, ms, nm);
	page_best(p, ms, nm);
	page_figures(p, ms, nm, fbest, fcost);
	page_method(p, ms, nm);
	sb_printf(&p->h, "</body>\n</html>\n");
	char path[4200];
	int rc = p->h.oom || p->md.oom ? -ENOMEM : 0;
	snprintf(path, sizeof path, "%s/index.html", outdir);
	if (!rc)
		rc = write_file(path, p->h.s, p->h.len);
	if (!rc) {
		snprintf(path, sizeof path, "%s/report.md", outdir);
		rc = write_file(path, p->md.s, p->md.len);
	}
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
	sb_free(&p->h);
	sb_free(&p->md);
	return rc;
}
