/* Build support for arches without a kernels/<arch>/ directory: the portable kernel, no barriers
 * beyond none, and the compiler's full fence as the drain. */
#if !defined(__x86_64__) && !defined(__aarch64__)
#include <string.h>

#include "../store_loop.h"

static inline ALWAYS_INLINE void barrier_do(enum barrier_id b)
{
	(void)b;
}

FLATTEN size_t k_c_8(const struct store_job *j)
{
	struct c8_regs r;
	memcpy(r.q, j->pattern, sizeof r.q);
	return store_loop(j, chunk_c_8, &r, BARRIER_NONE);
}

void drain_fence(void)
{
	__sync_synchronize();
}
#else
typedef int wcbench_generic_unused; /* ISO C forbids an empty translation unit */
#endif
