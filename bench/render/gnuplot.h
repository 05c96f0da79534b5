/*
 * The one place that hands data to gnuplot. Data never becomes gnuplot program text: the C side
 * writes it into files in a private temporary directory (numbers as tab-separated columns with a
 * header, texts one per line through gp_put_text) and runs `gnuplot -c plots/SCRIPT ARG...` with
 * file paths, plain numbers and single texts as arguments, which the scripts only read as strings.
 */
#ifndef WCBENCH_GNUPLOT_H
#define WCBENCH_GNUPLOT_H

#include <stddef.h>
#include <stdio.h>

#define GP_MAX_ARGS 9 /* gnuplot -c passes ARG1..ARG9 */
#define GP_MAX_FILES 8

struct gp_data {
	char dir[512];
	size_t nfiles;
	char files[GP_MAX_FILES][600];
};

/* A fresh private directory under $TMPDIR (or /tmp) for one figure's data. 0 or -errno. */
int gp_data_open(struct gp_data *d, char *err, size_t errlen);
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
 * GP_MAX_ARGS), gnuplot's output kept in logpath, removed when it succeeded. Returns 0,
 * -ENOENT when gnuplot or the script is missing, -EIO when gnuplot failed; err says which in
 * one line.
 */
int gp_draw(const char *script, const char *const *args, const char *logpath, char *err,
	    size_t errlen);
#endif
