/*
 * The machine references, as a run keeps them: what the machine itself delivers, measured the
 * same way in every run whatever its targets, so that `wcbench compare` can tell a case that
 * changed from a machine that changed (another tenant on the host, a frequency step, DRAM
 * bandwidth taken by a neighbour). Two kinds (measure/reference.h measures them):
 *   core:   into its own 4 KiB, 64-byte-aligned buffer (it stays in L1): the core's speed;
 *   memory: 4 KiB bursts streaming through its own 256 MiB anonymous buffer (the RAM target's
 *           default window), prefaulted before timing, as a case cycles through its window:
 *           the path from the core to DRAM.
 */
#ifndef WCBENCH_RESULTS_MACHINE_REF_H
#define WCBENCH_RESULTS_MACHINE_REF_H

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

#define MREF_BUFFER_BYTES 4096               /* the core reference's buffer */
/* The memory reference's buffer: the RAM target's default window (targets/ram.c), far beyond the
 * caches of the machines this runs on, so that its stores reach DRAM as the default sweep's do. */
#define MREF_MEMORY_BYTES ((size_t)256 << 20)

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

/* What a reference measures, as one sentence: "mov_8 stores into a 4 KiB L1-resident buffer,
 * barrier none, drain none, on CPU 3" (core), or the memory reference's buffer and bursts. */
void reference_describe(enum ref_kind kind, const char *kernel, uint64_t buffer_bytes, int cpu, char *buf,
			size_t len);
#endif
