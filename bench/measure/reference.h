/*
 * The machine references: what the machine itself delivers, measured the same way in every run
 * whatever its targets, so that `wcbench compare` can tell a case that changed from a machine
 * that changed (another tenant on the host, a frequency step, DRAM bandwidth taken by a
 * neighbour). Two kinds, each the 8-byte baseline store kernel of this architecture, barrier
 * none, no drain, on one CPU, in samples of >= 0.25 ms until the median is known to +-0.5% (the
 * stop rule, measure/stop_rule.h) or the kind's budget has passed:
 *   core:   into its own 4 KiB, 64-byte-aligned buffer (it stays in L1): the core's speed;
 *   memory: 4 KiB bursts streaming through its own 256 MiB anonymous buffer (the RAM target's
 *           default window), prefaulted before timing, as a case cycles through its window:
 *           the path from the core to DRAM.
 * `run` takes both before the first case of a session and after its last (results/metadata.h
 * stores them).
 */
#ifndef WCBENCH_REFERENCE_H
#define WCBENCH_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

enum ref_kind { REF_CORE, REF_MEMORY, REF_KINDS };

struct ref_kind_desc {
	const char *name;      /* as metadata.json's "kind" spells it */
	size_t buffer_bytes;   /* the buffer the kernel stores into */
	size_t burst_bytes;    /* bytes of one burst (the buffer is cycled through burst by burst) */
	double budget_s;       /* sampling stops at the latest after this long */
	const char *measures;  /* what its drift says, for compare's lines */
};
/* The one table of the kinds, indexed by enum ref_kind. */
extern const struct ref_kind_desc ref_kinds[REF_KINDS];

#define REFERENCE_BUFFER_BYTES 4096               /* the core reference's buffer */
/* The memory reference's buffer: the RAM target's default window (targets/ram.c), far beyond the
 * caches of the machines this runs on, so that its stores reach DRAM as the default sweep's do. */
#define REFERENCE_MEMORY_BYTES ((size_t)256 << 20)
#define REFERENCE_MIN_SAMPLE_S 0.00025
#define REFERENCE_PRECISION 0.005
#define REFERENCE_MIN_SAMPLES 10
/* Rounds run untimed before the first sample, after calibration: the core leaves an idle
 * frequency before the reference is taken, not during it. */
#define REFERENCE_WARMUP_S 0.02

/* One measurement of a reference, as metadata.json's "machine_reference" list holds it. */
struct machine_ref {
	char when[8];       /* "start": before the session's first case; "end": after its last */
	enum ref_kind kind;
	char kernel[32];    /* the store kernel (kernels/kernels.h) */
	uint64_t buffer_bytes;
	int cpu;
	double median;      /* ns per KiB stored: the median of the samples */
	double ci_lo, ci_hi; /* the median's 95% confidence interval (core/stats.h, for a series) */
	unsigned samples;
};

/* The kind named name ("core", "memory"): 0 with *kind set, or -1 for any other text. */
int ref_kind_parse(const char *name, enum ref_kind *kind);

/* The reference kernel of this build's architecture: mov_8 (x86_64), str_8 (aarch64), else c_8. */
const char *reference_kernel_name(void);

/* What a reference measures, as one sentence: "mov_8 stores into a 4 KiB L1-resident buffer,
 * barrier none, drain none, on CPU 3" (core), or the memory reference's buffer and bursts. */
void reference_describe(enum ref_kind kind, const char *kernel, uint64_t buffer_bytes, int cpu, char *buf,
			size_t len);

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
