/* Measuring one case on a mapped target: pin, warm up, calibrate, time samples, drain, verify. */
#ifndef WCBENCH_MEASURE_MEASURE_H
#define WCBENCH_MEASURE_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "measure/case.h"
#include "targets/target.h"

/* Decide whether the case can run at all (gates, sizes); false with reason and status set. */
bool case_feasible(const struct target *t, const struct case_spec *c, struct case_result *r);

/* Sample one case with a runner whose thread i cycles through part i of the window (parts of
 * case_part_len bytes, one after the other from the window's start), its threads already
 * running. Same contract as measure_case, which is this with the host's threads: r is filled from
 * scratch, and --verify fills, checks and looks around the window through t->base. */
int measure_case_with(struct target *t, const struct case_spec *c, const struct case_runner *run,
		      struct case_result *r);
/* The bytes of the window each of the case's threads cycles through: win_len / threads rounded
 * down to whole max(burst, 64) bytes (0 for no threads; below burst the case is infeasible). */
size_t case_part_len(const struct target *t, const struct case_spec *c);

/* Run one case. Never crashes on a fault: every access to target memory (the kernels, --verify's
 * fill, read-back and the look around the window) runs armed, and a fault becomes status fault
 * with the decoded signal as reason. A thread that cannot be started or pinned: status error.
 * Returns 0 (the result says how it went). */
int measure_case(struct target *t, const struct case_spec *c, struct case_result *r);

/* measure_case in latency mode, whether or not c->latency is set (measure_case calls it when it
 * is): after a warm-up round per thread whose times are dropped (latency.c), each thread times
 * single bursts (bursts = 1, cycling through its part of the window as throughput mode does),
 * each followed by the case's drain inside its timed region, until max_samples bursts per
 * thread or the budget; the threads time their own bursts at once. min_samples (per thread) only decides the
 * caveat "time budget reached after N of M bursts". r->samples: bursts timed, all threads;
 * bursts_per_sample 1; r->ns: over every burst (median = lat.p50); gbps_* = burst x threads /
 * those ns; r->lat from the merged bursts; lat.timer_ns the median of the empty timed regions,
 * not subtracted. --verify as measure_case. Same contract as measure_case. */
int measure_latency(struct target *t, const struct case_spec *c, struct case_result *r);
#endif
