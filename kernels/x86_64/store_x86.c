/* x86_64 store kernels. Inline asm fixes the exact instruction; the compiler only holds the
 * pattern in registers. Stores name their memory as outputs instead of clobbering "memory", so
 * the pattern stays in registers; volatile asm keeps them in order with the barriers. AVX and AVX-512 kernels are compiled with target attributes so one
 * binary runs everywhere and gates at run time. */
#include <cpuid.h>
#include <immintrin.h>
#include <string.h>

#include "../store_loop.h"

static inline ALWAYS_INLINE void barrier_do(enum barrier_id b)
{
	switch (b) {
	case BARRIER_SFENCE:
		__asm__ volatile("sfence" ::: "memory");
		break;
	case BARRIER_MFENCE:
		__asm__ volatile("mfence" ::: "memory");
		break;
	default:
		break;
	}
}

/* Instantiate the loop once per barrier this arch has, each with the barrier as a constant. */
static inline ALWAYS_INLINE size_t store_by_barrier(const struct store_job *j, chunk_fn *chunk,
						    const void *regs)
{
	switch (j->barrier) {
	case BARRIER_SFENCE:
		return store_loop(j, chunk, regs, BARRIER_SFENCE);
	case BARRIER_MFENCE:
		return store_loop(j, chunk, regs, BARRIER_MFENCE);
	default:
		return store_loop(j, chunk, regs, BARRIER_NONE);
	}
}

void drain_fence(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

/* ---- 8-byte general-purpose stores ---- */
struct gpr8 { uint64_t q[8]; };

static inline ALWAYS_INLINE void gpr8_load(struct gpr8 *r, const uint8_t *pattern)
{
	/* element by element, so the compiler keeps each in a register (a block copy pins the
	 * whole struct to the stack) */
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 8; i++)
		r->q[i] = ((const uint64_t *)pattern)[i];
}

static inline ALWAYS_INLINE void chunk_mov_8(uint8_t *d, const void *regs, size_t len)
{
	const struct gpr8 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 8; i++)
		__asm__ volatile("movq %1, %0" : "=m"(*(uint64_t *)(d + 8 * i)) : "r"(r->q[i]));
}

static inline ALWAYS_INLINE void chunk_movnti_8(uint8_t *d, const void *regs, size_t len)
{
	const struct gpr8 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 8; i++)
		__asm__ volatile("movnti %1, %0" : "=m"(*(uint64_t *)(d + 8 * i)) : "r"(r->q[i]));
}

FLATTEN size_t k_mov_8(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_mov_8, &r);
}

FLATTEN size_t k_movnti_8(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_movnti_8, &r);
}

/* ---- 16-byte SSE2 stores ---- */
struct xmm4 { __m128i x[4]; };

static inline ALWAYS_INLINE void xmm4_load(struct xmm4 *r, const uint8_t *pattern)
{
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 4; i++)
		r->x[i] = _mm_load_si128((const __m128i *)(pattern + 16 * i));
}

static inline ALWAYS_INLINE void chunk_movdqa_16(uint8_t *d, const void *regs, size_t len)
{
	const struct xmm4 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 16; i++)
		__asm__ volatile("movdqa %1, %0" : "=m"(*(__m128i *)(d + 16 * i)) : "x"(r->x[i]));
}

static inline ALWAYS_INLINE void chunk_movntdq_16(uint8_t *d, const void *regs, size_t len)
{
	const struct xmm4 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 16; i++)
		__asm__ volatile("movntdq %1, %0" : "=m"(*(__m128i *)(d + 16 * i)) : "x"(r->x[i]));
}

FLATTEN size_t k_movdqa_16(const struct store_job *j)
{
	struct xmm4 r;
	xmm4_load(&r, j->pattern);
	return store_by_barrier(j, chunk_movdqa_16, &r);
}

FLATTEN size_t k_movntdq_16(const struct store_job *j)
{
	struct xmm4 r;
	xmm4_load(&r, j->pattern);
	return store_by_barrier(j, chunk_movntdq_16, &r);
}

/* ---- 32-byte AVX stores ---- */
struct ymm2 { __m256i y[2]; };

#define TARGET_AVX __attribute__((target("avx")))

static inline ALWAYS_INLINE TARGET_AVX void ymm2_load(struct ymm2 *r, const uint8_t *pattern)
{
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 2; i++)
		r->y[i] = _mm256_load_si256((const __m256i *)(pattern + 32 * i));
}

static inline ALWAYS_INLINE TARGET_AVX void chunk_vmovdqa_32(uint8_t *d, const void *regs, size_t len)
{
	const struct ymm2 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 32; i++)
		__asm__ volatile("vmovdqa %1, %0" : "=m"(*(__m256i *)(d + 32 * i)) : "x"(r->y[i]));
}

static inline ALWAYS_INLINE TARGET_AVX void chunk_vmovntdq_32(uint8_t *d, const void *regs, size_t len)
{
	const struct ymm2 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 32; i++)
		__asm__ volatile("vmovntdq %1, %0" : "=m"(*(__m256i *)(d + 32 * i)) : "x"(r->y[i]));
}

/* vzeroupper on the way out: the caller is SSE code and must not pay the AVX transition. */
TARGET_AVX FLATTEN size_t k_vmovdqa_32(const struct store_job *j)
{
	struct ymm2 r;
	ymm2_load(&r, j->pattern);
	size_t next = store_by_barrier(j, chunk_vmovdqa_32, &r);
	_mm256_zeroupper();
	return next;
}

TARGET_AVX FLATTEN size_t k_vmovntdq_32(const struct store_job *j)
{
	struct ymm2 r;
	ymm2_load(&r, j->pattern);
	size_t next = store_by_barrier(j, chunk_vmovntdq_32, &r);
	_mm256_zeroupper();
	return next;
}

/* ---- 64-byte AVX-512 stores ---- */
#define TARGET_AVX512 __attribute__((target("avx512f")))

static inline ALWAYS_INLINE TARGET_AVX512 void chunk_vmovdqa64_64(uint8_t *d, const void *regs, size_t len)
{
	(void)len; /* width 64: a burst is never shorter */
	__asm__ volatile("vmovdqa64 %1, %0" : "=m"(*(__m512i *)d) : "v"(*(const __m512i *)regs));
}

static inline ALWAYS_INLINE TARGET_AVX512 void chunk_vmovntdq_64(uint8_t *d, const void *regs, size_t len)
{
	(void)len;
	__asm__ volatile("vmovntdq %1, %0" : "=m"(*(__m512i *)d) : "v"(*(const __m512i *)regs));
}

TARGET_AVX512 FLATTEN size_t k_vmovdqa64_64(const struct store_job *j)
{
	__m512i r = _mm512_load_si512(j->pattern);
	size_t next = store_by_barrier(j, chunk_vmovdqa64_64, &r);
	_mm256_zeroupper();
	return next;
}

TARGET_AVX512 FLATTEN size_t k_vmovntdq_64(const struct store_job *j)
{
	__m512i r = _mm512_load_si512(j->pattern);
	size_t next = store_by_barrier(j, chunk_vmovntdq_64, &r);
	_mm256_zeroupper();
	return next;
}

struct u8x64 { uint8_t b[64]; };

/* ---- MOVDIR64B: 64-byte direct store, source read from (L1-resident) memory ---- */
static inline ALWAYS_INLINE void chunk_movdir64b_64(uint8_t *d, const void *regs, size_t len)
{
	(void)len;
	/* movdir64b (%rsi-like source), %dst; encoded by hand so any assembler accepts it */
	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02" /* movdir64b (%rdx), %rax */
			 : : "a"(d), "d"(regs));
}

FLATTEN size_t k_movdir64b_64(const struct store_job *j)
{
	return store_by_barrier(j, chunk_movdir64b_64, j->pattern);
}

/* ---- portable C stores, with this arch's barriers ---- */
FLATTEN size_t k_c_8(const struct store_job *j)
{
	struct c8_regs r;
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 8; i++)
		r.q[i] = ((const uint64_t *)j->pattern)[i];
	return store_by_barrier(j, chunk_c_8, &r);
}

/* ---- run-time gates ---- */
static bool os_saves(uint64_t xcr0_mask)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return false;
	uint32_t lo, hi;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((((uint64_t)hi << 32) | lo) & xcr0_mask) == xcr0_mask;
}

bool x86_has_avx(const char **why)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_AVX)) {
		*why = "CPU lacks AVX (cpuid.1:ECX.AVX)";
		return false;
	}
	if (!os_saves(0x6)) {
		*why = "OS does not save YMM state (XCR0)";
		return false;
	}
	return true;
}

bool x86_has_avx512f(const char **why)
{
	unsigned a, b, c, d;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(b & bit_AVX512F)) {
		*why = "CPU lacks AVX-512F (cpuid.7:EBX.AVX512F)";
		return false;
	}
	if (!os_saves(0xe6)) {
		*why = "OS does not save ZMM/opmask state (XCR0)";
		return false;
	}
	return true;
}

bool x86_has_movdir64b(const char **why)
{
	unsigned a, b, c, d;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d) || !(c & (1u << 28))) {
		*why = "CPU lacks MOVDIR64B (cpuid.7:ECX.MOVDIR64B)";
		return false;
	}
	return true;
}
