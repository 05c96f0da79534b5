/*
 * The machine reference: what the CPU core itself delivers, measured the same way in every run
 * whatever its targets, so that `wcbench compare` can tell a case that changed from a machine
 * that changed (another tenant on the host, a frequency step). The 8-byte baseline store kernel
 * of this architecture into the reference's own 4 KiB, 64-byte-aligned buffer (it stays in L1),
 * barrier none, no drain, on one CPU; samples of >= 0.25 ms until the median is known to +-0.5%
 * (the stop rule, measure/stop_rule.h) or about 0.2 s have passed. `run` takes it before the first
 * case of a session and after its last (results/metadata.h stores it).
 */
#ifndef WCBENCH_REFERENCE_H
#define WCBENCH_REFERENCE_H

#include <stddef.h>

#define REFERENCE_BUFFER_BYTES 4096
#define REFERENCE_MIN_SAMPLE_S 0.00025
#define REFERENCE_PRECISION 0.005
#define REFERENCE_MIN_SAMPLES 10
#define REFERENCE_BUDGET_S 0.2
/* Rounds run untimed before the first sample, after calibration: the core leaves an idle
 * frequency before the reference is taken, not during it. */
#define REFERENCE_WARMUP_S 0.02

/* One measurement of the reference, as metadata.json's "machine_reference" list holds it. */
struct machine_ref {
	char when[8];       /* "start": before the session's first case; "end": after its last */
	char kernel[32];    /* the store kernel (kernels/kernels.h) */
	int cpu;
	double median;      /* ns per KiB stored: the median of the samples */
	double ci_lo, ci_hi; /* the median's 95% confidence interval (core/stats.h, for a series) */
	unsigned samples;
};

/* The reference kernel of this build's architecture: mov_8 (x86_64), str_8 (aarch64), else c_8. */
const char *reference_kernel_name(void);

/* What a reference measures, as one sentence: "mov_8 stores into a 4 KiB L1-resident buffer,
 * barrier none, drain none, on CPU 3". */
void reference_describe(const char *kernel, int cpu, char *buf, size_t len);

/*
 * Measure the reference on CPU cpu (the calling thread pinned there, its affinity restored after)
 * into r (when left as the caller set it). 0; or -errno with one line in why (the kernel is not
 * usable, the CPU cannot be pinned, too few samples for an interval, out of memory), r then
 * unusable.
 */
int reference_measure(int cpu, const char *when, struct machine_ref *r, char *why, size_t whylen);
#endif
