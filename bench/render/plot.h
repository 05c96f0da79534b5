/* gnuplot: the scripts live in plots/ (one .gp per figure) and read CSV columns by name. */
#ifndef WCBENCH_PLOT_H
#define WCBENCH_PLOT_H

#include <stddef.h>

/* Directory holding the .gp scripts: $WCBENCH_PLOTS, <exe dir>/plots, or
 * <exe dir>/../share/wcbench/plots. NULL when none exists. */
const char *plot_script_dir(void);

/* Data files shipped beside the binary (guest/ scripts...): same search as plot_script_dir for
 * `name` ("plots", "guest"). Returns a static buffer or NULL. */
const char *wc_data_dir(const char *name);

/*
 * Run `gnuplot -e "<vars>" <plot_script_dir>/<script>`; vars is gnuplot code such as
 * "csv='a.csv'; out='b'". Its stderr is kept in errfile (when not NULL) for the user.
 * Returns 0, -ENOENT when gnuplot or the script is missing, -EIO when gnuplot failed.
 */
int plot_gnuplot(const char *script, const char *vars, const char *errfile);

/* The plots of one run: gbps_vs_size and barrier_cost, PNG and SVG, into dir. Returns 0 or
 * -errno; err tells what failed. */
int plot_run_dir(const char *csv_path, const char *dir, char *err, size_t errlen);
#endif
