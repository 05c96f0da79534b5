/*
 * The two kinds of figure wcbench draws, built point by point and drawn by gnuplot through
 * render/gnuplot.h (texts travel as data, never as gnuplot code):
 *  - line figures (plots/gbps_vs_size.gp, plots/latency_cdf.gp): panels, each with series of
 *    (x, y, y_lo, y_hi);
 *  - bar figures (plots/barrier_cost.gp): groups of bars, each bar of a named kind with an
 *    error bar.
 */
#ifndef WCBENCH_RENDER_FIGURE_H
#define WCBENCH_RENDER_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "render/gnuplot.h"

/*
 * What one figure shows is bounded, so that drawing takes time linear in the rows and a figure
 * stays readable whatever a results file holds: panels, series per panel and points beyond these
 * are left out (the first ones kept), and the figure's title and note say how many.
 */
#define LINE_FIG_MAX_PANELS 12
#define LINE_FIG_MAX_SERIES 16   /* per panel */
#define LINE_FIG_MAX_POINTS 6000 /* per figure */
#define BAR_FIG_MAX_BARS 400

struct line_fig {
	struct gp_data data;
	FILE *file[4];          /* points, series labels, panel ranges, panel titles */
	char paths[4][600];
	size_t npanels, nseries, panel_first; /* series numbers start at 1 */
	size_t panel_series, npoints;         /* in the current panel; in the figure */
	size_t all_series, all_points, left_series, left_points, left_panels;
	bool skip_panel, skip_series;
	bool failed;
	char note[200]; /* after _draw: "" or what was left out, one line */
};

/* 0, or -errno with err set. */
int line_fig_open(struct line_fig *f, char *err, size_t errlen);
/* Start a panel (the previous one ends). */
void line_fig_panel(struct line_fig *f, const char *title);
/* Start a series in the current panel. */
void line_fig_series(struct line_fig *f, const char *label);
/* A point of the current series; NAN lo/hi mean no error bar. */
void line_fig_point(struct line_fig *f, double x, double y, double lo, double hi);
/* Draw out.png and out.svg (each whole or not at all, see gp_draw), then remove the data; title
 * may hold a newline. logy: log y axis. f->note says what was left out. Returns 0 or -errno
 * with err set. */
int line_fig_draw(struct line_fig *f, const char *title, const char *out, bool logy,
		  const char *logpath, char *err, size_t errlen);
/* The same with another script taking gbps_vs_size.gp's arguments (plots/latency_cdf.gp), its
 * last one `yscale` ("linear", "log"). */
int line_fig_draw_script(struct line_fig *f, const char *script, const char *title, const char *out,
			 const char *yscale, const char *logpath, char *err, size_t errlen);

#define BAR_KINDS_MAX 32

struct bar_fig {
	struct gp_data data;
	FILE *file[3];          /* bars, group positions, group labels */
	char paths[3][600];
	size_t nkinds, nbars, ngroups, group_bars, left_bars;
	char kinds[BAR_KINDS_MAX][64];
	double x, group_x0;
	bool failed;
};

int bar_fig_open(struct bar_fig *f, char *err, size_t errlen);
/* A bar of kind `kind` (its legend entry) in the current group. Returns the kind's index (from
 * 0), or -ENOSPC beyond BAR_KINDS_MAX kinds or BAR_FIG_MAX_BARS bars (the bar is left out). */
int bar_fig_bar(struct bar_fig *f, const char *kind, double y, double lo, double hi);
/* End the current group (bars since the previous end) under tic label `label`. */
void bar_fig_group(struct bar_fig *f, const char *label);
int bar_fig_draw(struct bar_fig *f, const char *title, const char *ylabel, const char *xlabel,
		 const char *out, const char *logpath, char *err, size_t errlen);

/* Without drawing: remove the data (when a figure is given up before its _draw). */
void line_fig_close(struct line_fig *f);
void bar_fig_close(struct bar_fig *f);
#endif
