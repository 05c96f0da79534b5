/* The figures of `wcbench report`, drawn by gnuplot through render/figure.h. */
#ifndef WCBENCH_RENDER_REPORT_FIGURES_H
#define WCBENCH_RENDER_REPORT_FIGURES_H

#include <stddef.h>

#include "results/machines.h"

struct fig {
	char base[64];     /* path under DIR without extension */
	char alt[200];
	char caption[2400];
	unsigned w, h;
	int ok;
	char err[300];
};

/* Figure 1: GB/s vs burst size, one panel per machine with an ok throughput row (latency rows,
 * here and in figure 2, are left out): for each memory type the series of the
 * kernel + barrier that reached the highest median GB/s there. Also writes best_vs_size.csv. */
int report_fig_best(const char *outdir, const struct report_machine *ms, size_t nm, struct fig *f);
/* Figure 2: added ns per 64-byte burst for each barrier@where, every machine, measured with the
 * kernel that is fastest without a barrier at 64 B for each memory type; each barrier row is
 * paired with the barrier-free row of the same case. Also writes barrier_cost_all.csv.
 * *nbars: how many bars. */
int report_fig_barrier_cost(const char *outdir, const struct report_machine *ms, size_t nm, struct fig *f,
			    size_t *nbars);
/* Per machine: its rows as DIR/<slug>/results.csv and the plots `wcbench run` makes there. */
void report_machine_plots(const char *outdir, struct report_machine *m);

/* "Drain: ... Timer: ... Statistic: ..." for the machines in mask (bit i: ms[i]). */
void measured_text(const struct report_machine *ms, size_t nm, unsigned long mask, char *buf, size_t len);
/* "movnti_8" or "movnti_8+sfence@64" */
void kb_name(const struct row *r, char *buf, size_t len);
#endif
