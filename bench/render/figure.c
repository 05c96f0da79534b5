#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/figure.h"

enum { LF_POINTS, LF_SERIES, LF_PANELS, LF_PANEL_TITLES };
enum { BF_BARS, BF_GROUPS, BF_GROUP_TITLES };

static int open_all(struct gp_data *d, const char *const *names, FILE **files, char (*paths)[600],
		      size_t n, char *err, size_t errlen)
{
	if (gp_data_open(d, err, errlen))
		return -EIO;
	for (size_t i = 0; i < n; i++) {
		files[i] = gp_data_file(d, names[i], paths[i], sizeof paths[i], err, errlen);
		if (!files[i]) {
			for (size_t j = 0; j < i; j++)
				fclose(files[j]);
			gp_data_close(d);
			return -EIO;
		}
	}
	return 0;
}

/* Close every file; -EIO when one could not be written. */
static int close_all(FILE **files, size_t n, char *err, size_t errlen)
{
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (files[i] && (ferror(files[i]) | fclose(files[i])) && !rc) {
			snprintf(err, errlen, "cannot write the plot data: %s", strerror(errno ? errno : EIO));
			rc = -EIO;
		}
		files[i] = NULL;
	}
	return rc;
}

static void put_num(FILE *f, double v, char sep)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "NaN%c", sep);
	else
		fprintf(f, "%.6g%c", v, sep);
}

/* ---------------------------------------------------------------- line figures */

int line_fig_open(struct line_fig *f, char *err, size_t errlen)
{
	static const char *const names[] = { "points.tsv", "series.txt", "panels.tsv", "panel_titles.txt" };
	memset(f, 0, sizeof *f);
	if (open_all(&f->data, names, f->file, f->paths, 4, err, errlen))
		return -EIO;
	fprintf(f->file[LF_PANELS], "first\tlast\n");
	return 0;
}

static void end_panel(struct line_fig *f)
{
	if (f->npanels)
		fprintf(f->file[LF_PANELS], "%zu\t%zu\n", f->panel_first, f->nseries);
}

void line_fig_panel(struct line_fig *f, const char *title)
{
	if (f->skip_panel || f->npanels == LINE_FIG_MAX_PANELS) {
		f->skip_panel = true;
		f->left_panels++;
		return;
	}
	end_panel(f);
	f->npanels++;
	f->panel_first = f->nseries + 1;
	f->panel_series = 0;
	gp_put_text(f->file[LF_PANEL_TITLES], title);
}

/*
 * Points: series k is data block k-1 (blocks apart by two blank lines), so the script reads a
 * series with `index`, skipping lines rather than evaluating every point once per series. A
 * block starts with an undefined point: a series whose every point was left out is still a block.
 */
void line_fig_series(struct line_fig *f, const char *label)
{
	f->all_series++;
	f->skip_series = f->skip_panel || !f->npanels || f->panel_series == LINE_FIG_MAX_SERIES;
	if (f->skip_series) {
		f->left_series++;
		return;
	}
	f->nseries++;
	f->panel_series++;
	gp_put_text(f->file[LF_SERIES], label);
	fprintf(f->file[LF_POINTS], "%s%zu\tNaN\tNaN\tNaN\tNaN\n", f->nseries > 1 ? "\n\n" : "", f->nseries);
}

void line_fig_point(struct line_fig *f, double x, double y, double lo, double hi)
{
	f->all_points++;
	if (f->skip_series || !f->nseries || f->npoints == LINE_FIG_MAX_POINTS) {
		f->left_points++;
		return;
	}
	f->npoints++;
	fprintf(f->file[LF_POINTS], "%zu\t", f->nseries);
	put_num(f->file[LF_POINTS], x, '\t');
	put_num(f->file[LF_POINTS], y, '\t');
	put_num(f->file[LF_POINTS], isnan(lo) ? y : lo, '\t');
	put_num(f->file[LF_POINTS], isnan(hi) ? y : hi, '\n');
}

void line_fig_close(struct line_fig *f)
{
	char ignore[8];
	close_all(f->file, 4, ignore, sizeof ignore);
	gp_data_close(&f->data);
}

int line_fig_draw(struct line_fig *f, const char *title, const char *out, bool logy,
		  const char *logpath, char *err, size_t errlen)
{
	return line_fig_draw_script(f, "gbps_vs_size.gp", title, out, logy ? "log" : "linear", logpath,
				    err, errlen);
}

int line_fig_draw_script(struct line_fig *f, const char *script, const char *title, const char *out,
			 const char *yscale, const char *logpath, char *err, size_t errlen)
{
	end_panel(f);
	size_t np = f->npanels, ns = f->nseries;
	int rc = close_all(f->file, 4, err, errlen);
	if (!rc && (!np || !ns)) {
		snprintf(err, errlen, "nothing to plot");
		rc = -ENODATA;
	}
	f->note[0] = '\0';
	if (f->left_series || f->left_points)
		snprintf(f->note, sizeof f->note,
			 "%zu of %zu series and %zu of %zu points left out (at most %d panels, %d series "
			 "each, %d points drawn)", f->left_series, f->all_series, f->left_points,
			 f->all_points, LINE_FIG_MAX_PANELS, LINE_FIG_MAX_SERIES, LINE_FIG_MAX_POINTS);
	char full[1200];
	snprintf(full, sizeof full, "%s%s%s", title, f->note[0] ? "\n" : "", f->note);
	if (!rc) {
		const char *args[] = { f->paths[0], f->paths[1], f->paths[2], f->paths[3], full,
				       gp_data_out(&f->data), yscale, NULL };
		rc = gp_draw(&f->data, script, args, out, logpath, err, errlen);
	}
	gp_data_close(&f->data);
	return rc;
}

/* ---------------------------------------------------------------- bar figures */

int bar_fig_open(struct bar_fig *f, char *err, size_t errlen)
{
	static const char *const names[] = { "bars.tsv", "groups.tsv", "group_titles.txt" };
	memset(f, 0, sizeof *f);
	if (open_all(&f->data, names, f->file, f->paths, 3, err, errlen))
		return -EIO;
	fprintf(f->file[BF_BARS], "x\tkind\ty\ty_lo\ty_hi\n");
	fprintf(f->file[BF_GROUPS], "x\n");
	return 0;
}

int bar_fig_bar(struct bar_fig *f, const char *kind, double y, double lo, double hi)
{
	size_t k;
	for (k = 0; k < f->nkinds && strcmp(f->kinds[k], kind); k++)
		;
	if (k == f->nkinds) {
		if (k == BAR_KINDS_MAX) {
			f->left_bars++;
			return -ENOSPC;
		}
		snprintf(f->kinds[f->nkinds++], sizeof f->kinds[0], "%s", kind);
	}
	if (f->nbars == BAR_FIG_MAX_BARS) {
		f->left_bars++;
		return -ENOSPC;
	}
	if (!f->group_bars)
		f->group_x0 = f->x + 1;
	f->x += 1;
	f->group_bars++;
	f->nbars++;
	fprintf(f->file[BF_BARS], "%g\t%zu\t", f->x, k + 1);
	put_num(f->file[BF_BARS], y, '\t');
	put_num(f->file[BF_BARS], isnan(lo) ? y : lo, '\t');
	put_num(f->file[BF_BARS], isnan(hi) ? y : hi, '\n');
	return (int)k;
}

void bar_fig_group(struct bar_fig *f, const char *label)
{
	if (!f->group_bars)
		return;
	fprintf(f->file[BF_GROUPS], "%g\n", (f->group_x0 + f->x) / 2);
	gp_put_text(f->file[BF_GROUP_TITLES], label);
	f->ngroups++;
	f->group_bars = 0;
	f->x += 1; /* a gap between groups */
}

void bar_fig_close(struct bar_fig *f)
{
	char ignore[8];
	close_all(f->file, 3, ignore, sizeof ignore);
	gp_data_close(&f->data);
}

int bar_fig_draw(struct bar_fig *f, const char *title, const char *ylabel, const char *xlabel,
		 const char *out, const char *logpath, char *err, size_t errlen)
{
	int rc = 0;
	char kinds_path[600];
	FILE *kinds = gp_data_file(&f->data, "kinds.txt", kinds_path, sizeof kinds_path, err, errlen);
	if (!kinds)
		rc = -EIO;
	for (size_t k = 0; kinds && k < f->nkinds; k++)
		gp_put_text(kinds, f->kinds[k]);
	if (kinds && (ferror(kinds) | fclose(kinds))) {
		snprintf(err, errlen, "cannot write the plot data: %s", strerror(errno ? errno : EIO));
		rc = -EIO;
	}
	int crc = close_all(f->file, 3, err, errlen);
	if (!rc)
		rc = crc;
	if (!rc && !f->nbars) {
		snprintf(err, errlen, "nothing to plot");
		rc = -ENODATA;
	}
	if (!rc) {
		char full[1200];
		if (f->left_bars)
			snprintf(full, sizeof full, "%s\n%zu bars left out (at most %d kinds, %d bars drawn)",
				 title, f->left_bars, BAR_KINDS_MAX, BAR_FIG_MAX_BARS);
		else
			snprintf(full, sizeof full, "%s", title);
		const char *args[] = { f->paths[0], kinds_path, f->paths[1], f->paths[2], full, ylabel,
				       xlabel, gp_data_out(&f->data), NULL };
		rc = gp_draw(&f->data, "barrier_cost.gp", args, out, logpath, err, errlen);
	}
	gp_data_close(&f->data);
	return rc;
}
