/* The one table of store kernels and the one table of barriers. Entries for other arches stay
 * in the table with fn = NULL so `wcbench list` and sweeps show them with the reason. */
#include <string.h>

#include "kernels.h"

/* WC_FREESTANDING: the microVM payload's build (bench/vm/payload/), where the host has already
 * decided what the CPU has: no gates, so nothing needs libc. */
#if defined(__x86_64__) && defined(WC_FREESTANDING)
#define X86(f) f
#define X86_GATE(g) NULL
#elif defined(__x86_64__)
#define X86(f) f
#define X86_GATE(g) g
#else
#define X86(f) NULL
#define X86_GATE(g) NULL
#endif
#if defined(__aarch64__) && defined(WC_FREESTANDING)
#define ARM64(f) f
#define ARM64_GATE(g) NULL
#elif defined(__aarch64__)
#define ARM64(f) f
#define ARM64_GATE(g) g
#else
#define ARM64(f) NULL
#define ARM64_GATE(g) NULL
#endif

/* Non-zero, every byte distinct within a 64-byte block, so a shifted or torn store shows. */
_Alignas(64) const uint8_t store_pattern[PATTERN_BYTES] = {
	0xa5, 0x5a, 0xc3, 0x3c, 0x96, 0x69, 0xf0, 0x0f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x01, 0x12, 0x23, 0x34, 0x45, 0x56, 0x67, 0x78, 0x89,
	0x9a, 0xab, 0xbc, 0xcd, 0xde, 0xef, 0xf1, 0x02, 0x13, 0x24, 0x35, 0x46, 0x57, 0x68, 0x79, 0x8a,
	0x9b, 0xac, 0xbd, 0xce, 0xdf, 0xe1, 0xf2, 0x03, 0x14, 0x25, 0x36, 0x47, 0x58, 0x6a, 0x7b, 0x8c,
};

const struct store_kernel store_kernels[] = {
	{ .name = "c_8", .desc = "portable C: volatile 8-byte stores", .arch = WC_ARCH_ANY,
	  .width = 8, .fn = k_c_8 },
	/* x86_64 */
	{ .name = "mov_8", .desc = "MOV r64 -> m64", .arch = WC_ARCH_X86_64, .width = 8,
	  .fn = X86(k_mov_8) },
	{ .name = "movnti_8", .desc = "MOVNTI (non-temporal 8 B)", .arch = WC_ARCH_X86_64,
	  .width = 8, .fn = X86(k_movnti_8) },
	{ .name = "movdqa_16", .desc = "MOVDQA xmm (SSE2 16 B)", .arch = WC_ARCH_X86_64,
	  .width = 16, .fn = X86(k_movdqa_16) },
	{ .name = "movntdq_16", .desc = "MOVNTDQ xmm (non-temporal 16 B)", .arch = WC_ARCH_X86_64,
	  .width = 16, .fn = X86(k_movntdq_16) },
	{ .name = "vmovdqa_32", .desc = "VMOVDQA ymm (AVX 32 B)", .arch = WC_ARCH_X86_64,
	  .width = 32, .feature = "avx", .fn = X86(k_vmovdqa_32), .cpu_has = X86_GATE(x86_has_avx) },
	{ .name = "vmovntdq_32", .desc = "VMOVNTDQ ymm (AVX non-temporal 32 B)",
	  .arch = WC_ARCH_X86_64, .width = 32, .feature = "avx", .fn = X86(k_vmovntdq_32),
	  .cpu_has = X86_GATE(x86_has_avx) },
	{ .name = "vmovdqa64_64", .desc = "VMOVDQA64 zmm (AVX-512 64 B)", .arch = WC_ARCH_X86_64,
	  .width = 64, .feature = "avx512f", .fn = X86(k_vmovdqa64_64),
	  .cpu_has = X86_GATE(x86_has_avx512f) },
	{ .name = "vmovntdq_64", .desc = "VMOVNTDQ zmm (AVX-512 non-temporal 64 B)",
	  .arch = WC_ARCH_X86_64, .width = 64, .feature = "avx512f", .fn = X86(k_vmovntdq_64),
	  .cpu_has = X86_GATE(x86_has_avx512f) },
	{ .name = "movdir64b_64", .desc = "MOVDIR64B (64-byte direct store)", .arch = WC_ARCH_X86_64,
	  .width = 64, .feature = "movdir64b", .fn = X86(k_movdir64b_64),
	  .cpu_has = X86_GATE(x86_has_movdir64b) },
	/* aarch64 */
	{ .name = "str_8", .desc = "STR Xt", .arch = WC_ARCH_AARCH64, .width = 8,
	  .fn = ARM64(k_str_8) },
	{ .name = "stp_16", .desc = "STP Xt1, Xt2", .arch = WC_ARCH_AARCH64, .width = 16,
	  .fn = ARM64(k_stp_16) },
	{ .name = "stp_q32", .desc = "STP Qt1, Qt2", .arch = WC_ARCH_AARCH64, .width = 32,
	  .fn = ARM64(k_stp_q32) },
	{ .name = "stnp_q32", .desc = "STNP Qt1, Qt2 (non-temporal pair)", .arch = WC_ARCH_AARCH64,
	  .width = 32, .fn = ARM64(k_stnp_q32) },
	{ .name = "st1_q64", .desc = "NEON ST1 {4 x Q} (mlx5 WC sequence)", .arch = WC_ARCH_AARCH64,
	  .width = 64, .fn = ARM64(k_st1_q64) },
	{ .name = "st4_64", .desc = "NEON ST4 {4 x 2D} (rdma-core mmio_memcpy_x64)",
	  .arch = WC_ARCH_AARCH64, .width = 64, .fn = ARM64(k_st4_64) },
	{ .name = "str8_dgh", .desc = "8 x STR then DGH (Linux __iowrite64_copy)",
	  .arch = WC_ARCH_AARCH64, .width = 64, .fn = ARM64(k_str8_dgh) },
	{ .name = "stlr_8", .desc = "STLR Xt (store-release)", .arch = WC_ARCH_AARCH64, .width = 8,
	  .fn = ARM64(k_stlr_8) },
	{ .name = "st64b_64", .desc = "ST64B (FEAT_LS64 64-byte atomic store)",
	  .arch = WC_ARCH_AARCH64, .width = 64, .feature = "ls64", .fn = ARM64(k_st64b_64),
	  .cpu_has = ARM64_GATE(arm64_has_ls64) },
};
const size_t store_kernel_count = sizeof store_kernels / sizeof store_kernels[0];

const struct barrier_desc barriers[] = {
	{ .name = "none", .desc = "no barrier", .id = BARRIER_NONE, .arch = WC_ARCH_ANY },
	{ .name = "sfence", .desc = "SFENCE: orders stores, flushes WC buffers", .id = BARRIER_SFENCE,
	  .arch = WC_ARCH_X86_64 },
	{ .name = "mfence", .desc = "MFENCE: full fence", .id = BARRIER_MFENCE,
	  .arch = WC_ARCH_X86_64 },
	{ .name = "dmb_st", .desc = "DMB ST (full system, stores)", .id = BARRIER_DMB_ST,
	  .arch = WC_ARCH_AARCH64 },
	{ .name = "dmb_ishst", .desc = "DMB ISHST (inner shareable, stores)", .id = BARRIER_DMB_ISHST,
	  .arch = WC_ARCH_AARCH64 },
	{ .name = "dmb_oshst", .desc = "DMB OSHST (outer shareable, stores; rte_io_wmb)",
	  .id = BARRIER_DMB_OSHST, .arch = WC_ARCH_AARCH64 },
	{ .name = "dsb_st", .desc = "DSB ST (completes stores; mmio_flush_writes)",
	  .id = BARRIER_DSB_ST, .arch = WC_ARCH_AARCH64 },
	{ .name = "dsb_oshst", .desc = "DSB OSHST", .id = BARRIER_DSB_OSHST,
	  .arch = WC_ARCH_AARCH64 },
	{ .name = "dgh", .desc = "DGH data gathering hint (HINT #6)", .id = BARRIER_DGH,
	  .arch = WC_ARCH_AARCH64, .cpu_has = ARM64_GATE(arm64_has_dgh) },
};
const size_t barrier_count = sizeof barriers / sizeof barriers[0];

enum wc_arch wc_build_arch(void)
{
#if defined(__x86_64__)
	return WC_ARCH_X86_64;
#elif defined(__aarch64__)
	return WC_ARCH_AARCH64;
#else
	return WC_ARCH_ANY;
#endif
}

const char *wc_arch_name(enum wc_arch a)
{
	switch (a) {
	case WC_ARCH_X86_64:
		return "x86_64";
	case WC_ARCH_AARCH64:
		return "aarch64";
	default:
		return "any";
	}
}

const struct store_kernel *kernel_find(const char *name)
{
	for (size_t i = 0; i < store_kernel_count; i++)
		if (!strcmp(store_kernels[i].name, name))
			return &store_kernels[i];
	return NULL;
}

const struct barrier_desc *barrier_find(const char *name)
{
	for (size_t i = 0; i < barrier_count; i++)
		if (!strcmp(barriers[i].name, name))
			return &barriers[i];
	return NULL;
}

const struct barrier_desc *barrier_by_id(enum barrier_id id)
{
	for (size_t i = 0; i < barrier_count; i++)
		if (barriers[i].id == id)
			return &barriers[i];
	return NULL;
}

static bool arch_ok(enum wc_arch a, const char **why)
{
	if (a == WC_ARCH_ANY || a == wc_build_arch())
		return true;
	*why = a == WC_ARCH_X86_64 ? "x86_64 only; this binary is not built for x86_64"
				    : "aarch64 only; this binary is not built for aarch64";
	return false;
}

bool kernel_usable(const struct store_kernel *k, const char **why)
{
	if (!arch_ok(k->arch, why))
		return false;
	if (!k->fn) {
		*why = "not compiled into this binary";
		return false;
	}
	return !k->cpu_has || k->cpu_has(why);
}

bool barrier_usable(const struct barrier_desc *b, const char **why)
{
	if (!arch_ok(b->arch, why))
		return false;
	return !b->cpu_has || b->cpu_has(why);
}
