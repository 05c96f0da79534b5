/* Inside the sweep: what it says as it goes (progress.c). */
#ifndef WCBENCH_SWEEP_PROGRESS_H
#define WCBENCH_SWEEP_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "sweep/plan.h"
#include "core/timer.h"
#include "results/schema.h"

/* On a terminal, one line rewritten after every case; otherwise (a log) one plain line every
 * PROGRESS_LOG_S seconds. The ETA is the mean time per case so far times the cases left. */
void sweep_progress(bool tty, size_t done, size_t total, const struct row *r, double elapsed);

/* The best case of each kernel on each target, for the closing summary: the highest GB/s
 * (throughput) or the lowest p50 ns per burst (latency). */
struct best {
	bool set;
	double gbps, p10, p90;
	double p50_ns, p99_ns, p999_ns;
	size_t burst;
	const char *barrier, *every, *drain;
};
void best_update(struct best *b, const struct row *row, const struct case_spec *cs);
/* How the figures were measured, then the best case per kernel. */
void print_best(const struct run_options *o, const struct timer_info *ti, struct best (*best)[MAX_LIST]);

/* The machine references (measure/reference.h), every kind, at the session's `when` ("start",
 * "end"), on cpu (the one the run's first case uses): one line each on stderr and an entry each in
 * metadata.json. One that cannot be measured (the memory reference's buffer not to be had, say)
 * is said on stderr and left out (compare then has fewer references). 0, or -errno with one line
 * in err when metadata.json cannot be written: the run stops as for a row. */
int take_reference(const char *cmd, const char *dir, int cpu, const char *when, bool tty, char *err,
		   size_t errlen);
#endif
