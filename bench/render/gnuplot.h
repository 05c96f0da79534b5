/*
 * The one place that hands data to gnuplot. Data never becomes gnuplot program text: the C side
 * writes it into files in a private temporary directory (numbers as tab-separated columns with a
 * header, texts one per line through gp_put_text) and runs `gnuplot -c plots/SCRIPT ARG...` with
 * file paths, plain numbers and single texts as arguments, which the scripts only read as strings.
 */
#ifndef WCBENCH_RENDER_GNUPLOT_H
#define WCBENCH_RENDER_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#define GP_MAX_ARGS 9 /* gnuplot -c passes ARG1..ARG9 */
#define GP_MAX_FILES 12
#define GP_TIMEOUT_S 120 /* gnuplot killed after this long (WCBENCH_GNUPLOT_TIMEOUT: seconds) */

/*
 * gnuplot opens its output files itself, following any link: it writes only into this private
 * directory (its figure as gp_data_out(d).png/.svg, its messages as gnuplot.log there), and
 * gp_draw copies the finished figure into the results directory whole (safe_copy_whole).
 */
struct gp_data {
	char dir[512];
	size_t nfiles;
	char files[GP_MAX_FILES][600]; /* the first three: figure.png, figure.svg, gnuplot.log */
	char out[600];                 /* dir/figure: what gnuplot is told to write */
};

/* A fresh private directory under $TMPDIR (or /tmp) for one figure's data. 0 or -errno. */
int gp_data_open(struct gp_data *d, char *err, size_t errlen);
/* The output path (no extension) to hand gnuplot: inside d's directory. */
const char *gp_data_out(const struct gp_data *d);
/* Create file `name` in it for writing; its path goes to path. NULL with err set on failure. */
FILE *gp_data_file(struct gp_data *d, const char *name, char *path, size_t pathlen, char *err,
		   size_t errlen);
/* Remove the files and the directory. */
void gp_data_close(struct gp_data *d);

/*
 * One line of a text file a script reads into an array: 'L', then s with '"' written as byte
 * 0x01 (the scripts turn it back: gnuplot's data reader would take a quote as a delimiter) and
 * other control characters (tab, newline...) as spaces, then a newline. The 'L' keeps a text
 * that is empty or starts with '#' or a blank from being read as anything but this line.
 */
void gp_put_text(FILE *f, const char *s);

/*
 * Draw one figure: `gnuplot -c <plot_script_dir>/script args...` (args NULL-terminated, at most
 * GP_MAX_ARGS; the output argument is gp_data_out(d)), then copy its out.png and out.svg whole
 * to `out`.png and `out`.svg. gnuplot is killed after GP_TIMEOUT_S seconds. When it fails, its
 * messages are copied to logpath (a stale logpath is removed when it succeeds). Returns 0,
 * -ENOENT when gnuplot or the script is missing, -EIO when gnuplot failed, -ETIME when it was
 * killed for taking too long, -EINTR when a signal stopped it; err says which in one line.
 */
int gp_draw(struct gp_data *d, const char *script, const char *const *args, const char *out,
	    const char *logpath, char *err, size_t errlen);

/*
 * For a SIGINT/SIGTERM handler (async-signal-safe): kill a running gnuplot and remove the
 * private directories of the figures being drawn. Later gp_draw calls fail with -EINTR.
 */
void gp_stop_from_signal(void);
/* Install handlers for SIGINT and SIGTERM that call gp_stop_from_signal, then die of the signal
 * as before (for plot, report, compare: commands with no handler of their own). */
void gp_stop_on_signals(void);
#endif
