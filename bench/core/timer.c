#include <stdio.h>
#include <stdlib.h>

#include "core/stats.h"
#include "core/timer.h"

static struct timer_info info;

static double read_hz(void)
{
#if defined(__x86_64__)
	/* Calibrate: TSC ticks over a CLOCK_MONOTONIC_RAW interval, best (shortest-bracket) of 5. */
	double best = 0, best_bracket = 1e18;
	for (int i = 0; i < 5; i++) {
		uint64_t n0 = mono_raw_ns(), t0 = timer_start(), n0b = mono_raw_ns();
		uint64_t target = n0 + 20000000; /* 20 ms */
		while (mono_raw_ns() < target)
			;
		uint64_t n1 = mono_raw_ns(), t1 = timer_stop(), n1b = mono_raw_ns();
		double bracket = (double)(n0b - n0) + (double)(n1b - n1);
		double ns = ((double)n1 + (double)n1b) / 2 - ((double)n0 + (double)n0b) / 2;
		if (bracket < best_bracket) {
			best_bracket = bracket;
			best = (double)(t1 - t0) * 1e9 / ns;
		}
	}
	info.freq_source = "calibrated";
	snprintf(info.freq_note, sizeof info.freq_note,
		 "TSC calibrated against CLOCK_MONOTONIC_RAW, best of 5 x 20 ms");
	return best;
#elif defined(__aarch64__)
	uint64_t f;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	info.freq_source = "CNTFRQ_EL0";
	snprintf(info.freq_note, sizeof info.freq_note, "CNTFRQ_EL0 = %llu Hz",
		 (unsigned long long)f);
	return (double)f;
#else
	info.freq_source = "clock";
	snprintf(info.freq_note, sizeof info.freq_note, "CLOCK_MONOTONIC_RAW, 1 ns ticks");
	return 1e9;
#endif
}

const struct timer_info *timer_init(void)
{
	if (info.hz > 0)
		return &info;
#if defined(__x86_64__)
	info.name = "tsc";
#elif defined(__aarch64__)
	info.name = "cntvct";
#else
	info.name = "clock_gettime";
#endif
	info.hz = read_hz();

	/* Cost: median of back-to-back pairs. Resolution: smallest non-zero step. */
	enum { N = 2001 };
	double *d = malloc(N * sizeof *d);
	uint64_t min_step = UINT64_MAX;
	for (int i = 0; i < N; i++) {
		uint64_t a = timer_start(), b = timer_stop();
		d[i] = ticks_to_ns(&info, b - a);
		if (b > a && b - a < min_step)
			min_step = b - a;
	}
	/* Keep a step of at least one tick: a fast timer has steps below its read cost. */
	info.cost_ns = quantile(d, N, 0.5);
	free(d);
	double tick_ns = 1e9 / info.hz;
	info.resolution_ns = min_step == UINT64_MAX ? tick_ns : ticks_to_ns(&info, min_step);
	if (info.resolution_ns < tick_ns)
		info.resolution_ns = tick_ns;
	return &info;
}
