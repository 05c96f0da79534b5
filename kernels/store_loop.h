/*
 * The one store loop every kernel uses. An arch file defines
 *     static inline ALWAYS_INLINE void barrier_do(enum barrier_id b);
 * and, per kernel, a chunk function that writes `len` (<= 64) bytes from values already held in
 * registers, then includes this header. store_by_barrier() turns the barrier into a compile-time
 * constant, so the loop each kernel gets has its barrier inlined (or compiled away for none) and
 * no call per store or per barrier. Kernel functions carry FLATTEN so the chunk, passed as a
 * constant function pointer, is inlined too.
 */
#ifndef WCBENCH_STORE_LOOP_H
#define WCBENCH_STORE_LOOP_H

#include "kernels.h"

#define ALWAYS_INLINE __attribute__((always_inline))
#define FLATTEN __attribute__((flatten, noinline))

typedef void chunk_fn(uint8_t *dst, const void *regs, size_t len);

/* Defined by the including arch file. */
static inline ALWAYS_INLINE void barrier_do(enum barrier_id b);

static inline ALWAYS_INLINE size_t store_loop(const struct store_job *j, chunk_fn *chunk,
					      const void *regs, enum barrier_id b)
{
	uint8_t *const base = j->base;
	const size_t span = j->span, burst = j->burst;
	const int every64 = j->every == EVERY_64, every_burst = j->every == EVERY_BURST;
	size_t off = j->start;

	if (burst >= 64) {
		for (uint64_t n = j->bursts; n; n--) {
			uint8_t *p = base + off, *const end = p + burst;
			do {
				chunk(p, regs, 64);
				p += 64;
				if (every64)
					barrier_do(b);
			} while (p != end);
			if (every_burst)
				barrier_do(b);
			off += burst;
			if (off == span)
				off = 0;
		}
	} else {
		for (uint64_t n = j->bursts; n; n--) {
			/* constant lengths, so every chunk unrolls to fixed registers */
			if (burst == 32)
				chunk(base + off, regs, 32);
			else if (burst == 16)
				chunk(base + off, regs, 16);
			else
				chunk(base + off, regs, 8);
			/* a burst below 64 bytes is its own 64-byte group */
			if (every64 || every_burst)
				barrier_do(b);
			off += burst;
			if (off == span)
				off = 0;
		}
	}
	if (j->every == EVERY_SAMPLE)
		barrier_do(b);
	return off;
}

/* The portable C kernel's chunk: plain volatile 8-byte stores, whatever the compiler makes of them. */
struct c8_regs { uint64_t q[8]; };

static inline ALWAYS_INLINE void chunk_c_8(uint8_t *d, const void *regs, size_t len)
{
	const struct c8_regs *r = regs;
	volatile uint64_t *p = (volatile uint64_t *)d;
	_Pragma("GCC unroll 8")
	for (size_t i = 0; i < len / 8; i++)
		p[i] = r->q[i];
}
#endif
