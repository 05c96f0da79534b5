/* Inside measure/: latency mode's sampling (latency.c), called by measure.c's case loop; it calls
 * nothing of measure.c (measure/case.h holds what both use). Callers outside measure/ use
 * measure.h. */
#ifndef WCBENCH_MEASURE_LATENCY_H
#define WCBENCH_MEASURE_LATENCY_H

#include <stdint.h>

#include "measure/case.h"

/* How the sampling part of a case ended. */
enum sample_end {
	SAMPLE_DONE,         /* figures set; --verify may follow */
	SAMPLE_FAILED,       /* status and reason set; nothing follows */
	SAMPLE_INTERRUPTED,  /* the stop flag: the case ends unfinished */
};

/* Latency mode's sampling with a runner that has a latency_round: warm-up, then rounds of single
 * bursts until max_samples bursts per thread or the budget (counted from case_start, a
 * mono_raw_ns), the stop flag polled between rounds; r->samples, ns, gbps_*, lat, stopped and
 * the reason's caveats from the bursts of every thread merged. */
enum sample_end latency_sample(const struct case_spec *cs, const struct case_runner *run,
			       uint64_t case_start, struct case_result *r);
#endif
