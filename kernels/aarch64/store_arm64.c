/* aarch64 store kernels. Inline asm fixes the exact instruction (a compiler may turn a pair of
 * STRs into STP, or STP into something else); the compiler only keeps the pattern in registers.
 * Each store names the memory it writes as an output, so no "memory" clobber is needed (which
 * would make the compiler reload the pattern every chunk); volatile asm is never reordered
 * against the barriers, which do clobber memory. */
#include <arm_neon.h>
#ifndef WC_FREESTANDING
#include <sys/auxv.h>
#endif

#include "../store_loop.h"

/* Newer than the libc headers this may build against. */
#ifndef AT_HWCAP3
#define AT_HWCAP3 29
#endif
#define WC_HWCAP2_DGH (1UL << 15)
#define WC_HWCAP3_LS64 (1UL << 3)

/* DGH is HINT #6: a NOP on cores without FEAT_DGH, so always safe to emit. */
#define DGH_INSN ".inst 0xd50320df"

static inline ALWAYS_INLINE void barrier_do(enum barrier_id b)
{
	switch (b) {
	case BARRIER_DMB_ST:
		__asm__ volatile("dmb st" ::: "memory");
		break;
	case BARRIER_DMB_ISHST:
		__asm__ volatile("dmb ishst" ::: "memory");
		break;
	case BARRIER_DMB_OSHST:
		__asm__ volatile("dmb oshst" ::: "memory");
		break;
	case BARRIER_DSB_ST:
		__asm__ volatile("dsb st" ::: "memory");
		break;
	case BARRIER_DSB_OSHST:
		__asm__ volatile("dsb oshst" ::: "memory");
		break;
	case BARRIER_DGH:
		__asm__ volatile(DGH_INSN ::: "memory");
		break;
	default:
		break;
	}
}

static inline ALWAYS_INLINE size_t store_by_barrier(const struct store_job *j, chunk_fn *chunk,
						    const void *regs)
{
	switch (j->barrier) {
	case BARRIER_DMB_ST:
		return store_loop(j, chunk, regs, BARRIER_DMB_ST);
	case BARRIER_DMB_ISHST:
		return store_loop(j, chunk, regs, BARRIER_DMB_ISHST);
	case BARRIER_DMB_OSHST:
		return store_loop(j, chunk, regs, BARRIER_DMB_OSHST);
	case BARRIER_DSB_ST:
		return store_loop(j, chunk, regs, BARRIER_DSB_ST);
	case BARRIER_DSB_OSHST:
		return store_loop(j, chunk, regs, BARRIER_DSB_OSHST);
	case BARRIER_DGH:
		return store_loop(j, chunk, regs, BARRIER_DGH);
	default:
		return store_loop(j, chunk, regs, BARRIER_NONE);
	}
}

void drain_fence(void)
{
	__asm__ volatile("dsb st" ::: "memory");
}

/* ---- general-purpose register stores ---- */
struct gpr8 { uint64_t q[8]; };
struct u64x2 { uint64_t q[2]; };  /* the memory one STP writes */
struct u8x32 { uint8_t b[32]; }; /* the memory one Q-register pair writes */
struct u8x64 { uint8_t b[64]; };

static inline ALWAYS_INLINE void gpr8_load(struct gpr8 *r, const uint8_t *pattern)
{
	/* element by element, so the compiler keeps each in a register (a block copy pins the
	 * whole struct to the stack) */
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 8; i++)
		r->q[i] = ((const uint64_t *)pattern)[i];
}

static inline ALWAYS_INLINE void chunk_str_8(uint8_t *d, const void *regs, size_t len)
{
	const struct gpr8 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 8; i++)
		__asm__ volatile("str %x1, %0" : "=m"(*(uint64_t *)(d + 8 * i)) : "r"(r->q[i]));
}

static inline ALWAYS_INLINE void chunk_stp_16(uint8_t *d, const void *regs, size_t len)
{
	const struct gpr8 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 16; i++)
		__asm__ volatile("stp %x1, %x2, %0"
				 : "=Ump"(*(struct u64x2 *)(d + 16 * i))
				 : "r"(r->q[2 * i]), "r"(r->q[2 * i + 1]));
}

static inline ALWAYS_INLINE void chunk_stlr_8(uint8_t *d, const void *regs, size_t len)
{
	const struct gpr8 *r = regs;
	/* STLR has no offset form */
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 8; i++)
		__asm__ volatile("stlr %x1, %0" : "=Q"(*(uint64_t *)(d + 8 * i)) : "r"(r->q[i]));
}

/* As the kernel's __iowrite64_copy: eight STR of a 64-byte block, then DGH. */
static inline ALWAYS_INLINE void chunk_str8_dgh(uint8_t *d, const void *regs, size_t len)
{
	(void)len; /* width 64 */
	const struct gpr8 *r = regs;
	__asm__ volatile("str %x2, [%1, #0]\n\tstr %x3, [%1, #8]\n\t"
			 "str %x4, [%1, #16]\n\tstr %x5, [%1, #24]\n\t"
			 "str %x6, [%1, #32]\n\tstr %x7, [%1, #40]\n\t"
			 "str %x8, [%1, #48]\n\tstr %x9, [%1, #56]\n\t" DGH_INSN
			 : "=m"(*(struct u8x64 *)d)
			 : "r"(d), "r"(r->q[0]), "r"(r->q[1]), "r"(r->q[2]), "r"(r->q[3]),
			   "r"(r->q[4]), "r"(r->q[5]), "r"(r->q[6]), "r"(r->q[7]));
}

FLATTEN size_t k_str_8(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_str_8, &r);
}

FLATTEN size_t k_stp_16(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_stp_16, &r);
}

FLATTEN size_t k_stlr_8(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_stlr_8, &r);
}

FLATTEN size_t k_str8_dgh(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_str8_dgh, &r);
}

/* ---- NEON (Q register) stores ---- */
struct q4 { uint8x16_t v[4]; };

static inline ALWAYS_INLINE void q4_load(struct q4 *r, const uint8_t *pattern)
{
	_Pragma("GCC unroll 8")
	for (int i = 0; i < 4; i++)
		r->v[i] = vld1q_u8(pattern + 16 * i);
}

static inline ALWAYS_INLINE void chunk_stp_q32(uint8_t *d, const void *regs, size_t len)
{
	const struct q4 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 32; i++)
		__asm__ volatile("stp %q1, %q2, %0"
				 : "=Ump"(*(struct u8x32 *)(d + 32 * i))
				 : "w"(r->v[2 * i]), "w"(r->v[2 * i + 1]));
}

static inline ALWAYS_INLINE void chunk_stnp_q32(uint8_t *d, const void *regs, size_t len)
{
	const struct q4 *r = regs;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 32; i++)
		__asm__ volatile("stnp %q1, %q2, %0"
				 : "=Ump"(*(struct u8x32 *)(d + 32 * i))
				 : "w"(r->v[2 * i]), "w"(r->v[2 * i + 1]));
}

/* ST1 and ST4 name four consecutive registers: bind them explicitly. */
static inline ALWAYS_INLINE void chunk_st1_q64(uint8_t *d, const void *regs, size_t len)
{
	(void)len;
	const struct q4 *r = regs;
	register uint8x16_t v0 __asm__("v16") = r->v[0];
	register uint8x16_t v1 __asm__("v17") = r->v[1];
	register uint8x16_t v2 __asm__("v18") = r->v[2];
	register uint8x16_t v3 __asm__("v19") = r->v[3];
	__asm__ volatile("st1 {v16.16b, v17.16b, v18.16b, v19.16b}, %0"
			 : "=Q"(*(struct u8x64 *)d) : "w"(v0), "w"(v1), "w"(v2), "w"(v3));
}

/*
 * ST4 interleaves: element i of register k goes to d + 32*i + 8*k. The registers are loaded
 * de-interleaved (LD4) so the bytes in memory equal the pattern, as rdma-core's vst4q_u64 copy.
 */
struct q4x { uint64x2_t v[4]; };

static inline ALWAYS_INLINE void chunk_st4_64(uint8_t *d, const void *regs, size_t len)
{
	(void)len;
	const struct q4x *r = regs;
	register uint64x2_t v0 __asm__("v20") = r->v[0];
	register uint64x2_t v1 __asm__("v21") = r->v[1];
	register uint64x2_t v2 __asm__("v22") = r->v[2];
	register uint64x2_t v3 __asm__("v23") = r->v[3];
	__asm__ volatile("st4 {v20.2d, v21.2d, v22.2d, v23.2d}, %0"
			 : "=Q"(*(struct u8x64 *)d) : "w"(v0), "w"(v1), "w"(v2), "w"(v3));
}

FLATTEN size_t k_stp_q32(const struct store_job *j)
{
	struct q4 r;
	q4_load(&r, j->pattern);
	return store_by_barrier(j, chunk_stp_q32, &r);
}

FLATTEN size_t k_stnp_q32(const struct store_job *j)
{
	struct q4 r;
	q4_load(&r, j->pattern);
	return store_by_barrier(j, chunk_stnp_q32, &r);
}

FLATTEN size_t k_st1_q64(const struct store_job *j)
{
	struct q4 r;
	q4_load(&r, j->pattern);
	return store_by_barrier(j, chunk_st1_q64, &r);
}

FLATTEN size_t k_st4_64(const struct store_job *j)
{
	uint64x2x4_t t = vld4q_u64((const uint64_t *)j->pattern);
	struct q4x r = { { t.val[0], t.val[1], t.val[2], t.val[3] } };
	return store_by_barrier(j, chunk_st4_64, &r);
}

/* ---- ST64B (FEAT_LS64): one 64-byte single-copy-atomic store from x0..x7 ---- */
static inline ALWAYS_INLINE void chunk_st64b_64(uint8_t *d, const void *regs, size_t len)
{
	(void)len;
	const struct gpr8 *r = regs;
	register uint64_t x0 __asm__("x0") = r->q[0];
	register uint64_t x1 __asm__("x1") = r->q[1];
	register uint64_t x2 __asm__("x2") = r->q[2];
	register uint64_t x3 __asm__("x3") = r->q[3];
	register uint64_t x4 __asm__("x4") = r->q[4];
	register uint64_t x5 __asm__("x5") = r->q[5];
	register uint64_t x6 __asm__("x6") = r->q[6];
	register uint64_t x7 __asm__("x7") = r->q[7];
	register uint8_t *x8 __asm__("x8") = d;
	/* st64b x0, [x8]: 0xf83f9000 | Rn << 5 | Rt */
	__asm__ volatile(".inst 0xf83f9100"
			 : "=m"(*(struct u8x64 *)d)
			 : "r"(x0), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x6), "r"(x7),
			   "r"(x8));
}

FLATTEN size_t k_st64b_64(const struct store_job *j)
{
	struct gpr8 r;
	gpr8_load(&r, j->pattern);
	return store_by_barrier(j, chunk_st64b_64, &r);
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

/* ---- run-time gates (the host's: the microVM payload asks none) ---- */
#ifndef WC_FREESTANDING
bool arm64_has_ls64(const char **why)
{
	if (!(getauxval(AT_HWCAP3) & WC_HWCAP3_LS64)) {
		*why = "CPU or kernel lacks FEAT_LS64 (HWCAP3_LS64 not set)";
		return false;
	}
	return true;
}

bool arm64_has_dgh(const char **why)
{
	if (!(getauxval(AT_HWCAP2) & WC_HWCAP2_DGH)) {
		*why = "DGH executes as a NOP here (HWCAP2_DGH not set)";
		return true;
	}
	return true;
}
#endif
