/* The arch timer: RDTSCP (x86_64, LFENCE-bracketed) or CNTVCT_EL0 behind ISB (aarch64),
 * CLOCK_MONOTONIC_RAW elsewhere. Ticks are converted with a frequency that is read (CNTFRQ_EL0)
 * or calibrated against CLOCK_MONOTONIC_RAW (TSC). */
#ifndef WCBENCH_CORE_TIMER_H
#define WCBENCH_CORE_TIMER_H

#include <stdint.h>
#include <time.h>

#include "timestamp.h"

struct timer_info {
	const char *name;        /* tsc, cntvct, clock_gettime */
	double hz;               /* ticks per second */
	double cost_ns;          /* median cost of one read, back to back */
	double resolution_ns;    /* smallest non-zero step seen between reads (>= one tick) */
	const char *freq_source; /* "CNTFRQ_EL0", "calibrated against CLOCK_MONOTONIC_RAW over N ms" */
	char freq_note[96];
};

static inline uint64_t mono_raw_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Timestamp before / after the timed region: fences keep the region's work inside. */
static inline uint64_t timer_start(void)
{
#if arch_timestamp_available
	return arch_timestamp();
#else
	return mono_raw_ns();
#endif
}

static inline uint64_t timer_stop(void)
{
	return timer_start();
}

/* Measure frequency, cost and resolution once per process. Returns the shared info. */
const struct timer_info *timer_init(void);
static inline double ticks_to_ns(const struct timer_info *t, uint64_t ticks)
{
	return (double)ticks * 1e9 / t->hz;
}
#endif
