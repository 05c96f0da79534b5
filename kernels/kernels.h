/* Store kernels and barriers: one table each (kernels.c), per-arch code in kernels/<arch>/. */
#ifndef WCBENCH_KERNELS_H
#define WCBENCH_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wc_arch { WC_ARCH_ANY, WC_ARCH_X86_64, WC_ARCH_AARCH64 };

enum barrier_id {
	BARRIER_NONE,
	BARRIER_SFENCE,
	BARRIER_MFENCE,
	BARRIER_DMB_ST,
	BARRIER_DMB_ISHST,
	BARRIER_DMB_OSHST,
	BARRIER_DSB_ST,
	BARRIER_DSB_OSHST,
	BARRIER_DGH,
	BARRIER_COUNT
};

/* Where the barrier goes: after every 64 bytes, after every burst, once per timed sample. */
enum barrier_every { EVERY_64, EVERY_BURST, EVERY_SAMPLE };

#define PATTERN_BYTES 64

/*
 * One call of a store kernel: `bursts` bursts of `burst` bytes, the first at base + start, each
 * next one right after the previous, wrapping to base when the span is full.
 * Guarantees the caller gives: base is 64-byte aligned, span is a non-zero multiple of burst,
 * start is a multiple of burst below span, burst is a power of two >= the kernel's width.
 * Byte x of a burst (x counted from the burst's start) receives pattern[x % min(burst, 64)].
 */
struct store_job {
	uint8_t *base;
	size_t span;
	size_t burst;
	size_t start;
	uint64_t bursts;
	enum barrier_id barrier;
	enum barrier_every every;
	const uint8_t *pattern; /* PATTERN_BYTES, 64-byte aligned */
};

/* Returns the offset (from base) where the next burst would start. */
typedef size_t (*store_fn)(const struct store_job *job);

struct store_kernel {
	const char *name;        /* stable machine name: <insn>_<width> */
	const char *desc;        /* what it executes, for `wcbench list` */
	enum wc_arch arch;
	unsigned width;          /* bytes written by one store instruction */
	const char *feature;     /* ISA feature it needs, NULL for baseline */
	store_fn fn;             /* gate 1: NULL when not compiled into this binary */
	/* gate 2: does this CPU have it? NULL means always. On false, *why says what is missing. */
	bool (*cpu_has)(const char **why);
};

struct barrier_desc {
	const char *name;        /* as in the ISA: dmb_oshst, sfence, ... */
	const char *desc;
	enum barrier_id id;
	enum wc_arch arch;       /* WC_ARCH_ANY for none */
	/* NULL: always usable. Returns false with *why when unusable; true with *why set when usable
	 * with a caveat (DGH executes as a NOP on cores without FEAT_DGH). */
	bool (*cpu_has)(const char **why);
};

extern const struct store_kernel store_kernels[];
extern const size_t store_kernel_count;
extern const struct barrier_desc barriers[];
extern const size_t barrier_count;

enum wc_arch wc_build_arch(void);
const char *wc_arch_name(enum wc_arch a);

const struct store_kernel *kernel_find(const char *name);
const struct barrier_desc *barrier_find(const char *name);
const struct barrier_desc *barrier_by_id(enum barrier_id id);

/* Both gates. Returns true when usable; else *why explains (never NULL then). */
bool kernel_usable(const struct store_kernel *k, const char **why);
/* Usable? false with *why; true with *why set when there is a caveat for the row's reason
 * (callers set *why = NULL first). */
bool barrier_usable(const struct barrier_desc *b, const char **why);

/* Fence the current arch uses to wait until the stores have left the core (drain=fence), the
 * timer read after it included: MFENCE (the timer's LFENCE follows: the SDM's MFENCE;LFENCE
 * before RDTSC; SFENCE would let the timer read before the stores drain) / DSB ST. */
void drain_fence(void);

/* The expected byte at offset x of a span written by bursts of `burst` bytes. */
static inline uint8_t expected_byte(const uint8_t *pattern, size_t burst, size_t x)
{
	size_t period = burst < PATTERN_BYTES ? burst : PATTERN_BYTES;
	return pattern[x % period];
}

/* The project's non-zero store pattern (recorded in the metadata). */
extern const uint8_t store_pattern[PATTERN_BYTES];

/* Per-arch kernel functions and gates (defined only in the matching kernels/<arch>/ file). */
size_t k_c_8(const struct store_job *j);
#if defined(__x86_64__)
size_t k_mov_8(const struct store_job *j);
size_t k_movnti_8(const struct store_job *j);
size_t k_movdqa_16(const struct store_job *j);
size_t k_movntdq_16(const struct store_job *j);
size_t k_vmovdqa_32(const struct store_job *j);
size_t k_vmovntdq_32(const struct store_job *j);
size_t k_vmovdqa64_64(const struct store_job *j);
size_t k_vmovntdq_64(const struct store_job *j);
size_t k_movdir64b_64(const struct store_job *j);
bool x86_has_avx(const char **why);
bool x86_has_avx512f(const char **why);
bool x86_has_movdir64b(const char **why);
#endif
#if defined(__aarch64__)
size_t k_str_8(const struct store_job *j);
size_t k_stp_16(const struct store_job *j);
size_t k_stp_q32(const struct store_job *j);
size_t k_stnp_q32(const struct store_job *j);
size_t k_st1_q64(const struct store_job *j);
size_t k_st4_64(const struct store_job *j);
size_t k_str8_dgh(const struct store_job *j);
size_t k_stlr_8(const struct store_job *j);
size_t k_st64b_64(const struct store_job *j);
bool arm64_has_ls64(const char **why);
bool arm64_has_dgh(const char **why);
#endif

#endif
