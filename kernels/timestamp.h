/* The arch timestamp every timed region reads: RDTSCP (x86_64, LFENCE-bracketed) or CNTVCT_EL0
 * behind ISB (aarch64). Freestanding (no libc), so the microVM's payload times its rounds with
 * the very instructions the host uses. Elsewhere arch_timestamp_available is 0. */
#ifndef WCBENCH_TIMESTAMP_H
#define WCBENCH_TIMESTAMP_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__aarch64__)
#define arch_timestamp_available 1
static inline uint64_t arch_timestamp(void)
{
#if defined(__x86_64__)
	uint32_t lo, hi, aux;
	__asm__ volatile("lfence\n\trdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((uint64_t)hi << 32) | lo;
#else
	uint64_t v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v) : : "memory");
	return v;
#endif
}
#else
#define arch_timestamp_available 0
#endif
#endif
