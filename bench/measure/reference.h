/*
 * Measuring the machine references (results/machine_ref.h: their kinds and record): each the
 * 8-byte baseline store kernel of this architecture, barrier none, no drain, on one CPU, in
 * samples of >= 0.25 ms until the median is known to +-0.5% (the stop rule, core/stop_rule.h) or
 * the kind's budget has passed. `run` takes both kinds before the first case of a session and
 * after its last (results/metadata.h stores them).
 */
#ifndef WCBENCH_MEASURE_REFERENCE_H
#define WCBENCH_MEASURE_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "results/machine_ref.h"

#define MREF_MIN_SAMPLE_S 0.00025
#define MREF_PRECISION 0.005
#define MREF_MIN_SAMPLES 10
/* Rounds run untimed before the first sample, after calibration: the core leaves an idle
 * frequency before the reference is taken, not during it. */
#define MREF_WARMUP_S 0.02

/* The reference kernel of this build's architecture: mov_8 (x86_64), str_8 (aarch64), else c_8. */
const char *reference_kernel_name(void);

/*
 * Measure the reference of `kind` on CPU cpu (the calling thread pinned there, its buffer placed
 * and prefaulted from there, its affinity restored after) into r (when left as the caller set
 * it). 0; or -errno with one line in why (the kernel is not usable, the CPU cannot be pinned, too
 * little memory available for the memory reference's buffer or its mmap failed, too few samples
 * for an interval), r then unusable.
 */
int reference_measure(enum ref_kind kind, int cpu, const char *when, struct machine_ref *r, char *why,
		      size_t whylen);
#endif
