/* Where the data shipped with wcbench lives (plots/ for gnuplot's scripts, guest/ for the guest
 * launcher's): found beside the binary or under its share/, for every layer that needs one. */
#ifndef WCBENCH_COMMON_DATA_DIR_H
#define WCBENCH_COMMON_DATA_DIR_H

/* Directory holding the .gp scripts: $WCBENCH_PLOTS, <exe dir>/plots, or
 * <exe dir>/../share/wcbench/plots. NULL when none exists. */
const char *plot_script_dir(void);

/* Data files shipped beside the binary (guest/ scripts...): same search as plot_script_dir for
 * `name` ("plots", "guest"). Returns a static buffer or NULL. */
const char *wc_data_dir(const char *name);
#endif
