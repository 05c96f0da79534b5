/* The plots of a run. render/gnuplot.h runs gnuplot (its scripts found through
 * common/data_dir.h); render/figure.h builds the figures. */
#ifndef WCBENCH_RENDER_PLOT_H
#define WCBENCH_RENDER_PLOT_H

#include <stddef.h>

/* The plots of one run, from its CSV (read with rs_load: refused when damaged, of another
 * schema version, or holding no ok row), PNG and SVG, into dir. From the throughput rows:
 * gbps_vs_size and, when some 64-byte barrier row has a barrier-free twin, barrier_cost
 * (+ barrier_cost.csv); from the latency rows (mode latency): latency_cdf. No figure mixes the
 * two modes; a run of one mode draws only its own. A figure shows a bounded number of panels,
 * series and points (render/figure.h): note (notelen 0: not wanted) gets "" or one line saying
 * what was left out. Each figure is written whole or not at all. Returns 0 or -errno; err always
 * says what failed. */
int plot_run_dir(const char *csv_path, const char *dir, char *note, size_t notelen, char *err,
		 size_t errlen);
/* The same from rows already loaded; -ENODATA when none is ok. */
struct result_set;
int plot_run(const struct result_set *rs, const char *dir, char *note, size_t notelen, char *err,
	     size_t errlen);
/* "DIR/gbps_vs_size.png (.svg), barrier_cost.png (.svg)": the plots found in dir after plot_run
 * (gbps_vs_size, barrier_cost, latency_cdf: each where it is), for the commands to print. */
void plot_run_describe(const char *dir, char *buf, size_t len);
#endif
