/*
 * Surviving a faulting store instruction: ST64B on memory that does not support it, a trapped
 * STP in a guest, an unmapped page. Each thread arms a recovery point before running a kernel;
 * SIGBUS, SIGSEGV and SIGILL raised while armed return there instead of killing the process.
 */
#ifndef WCBENCH_CORE_FAULT_H
#define WCBENCH_CORE_FAULT_H

#include <setjmp.h>
#include <stdint.h>

struct fault_info {
	int sig;            /* 0 when no fault */
	uintptr_t addr;     /* si_addr */
	int code;           /* si_code */
};

/* Install the handlers once per process (idempotent). */
void fault_install(void);

/* The calling thread's recovery point. FAULT_TRY evaluates to 0 when armed, or to the signal
 * number after a fault came back here (then fault_last() tells the details). */
extern __thread sigjmp_buf fault_jmp;
extern __thread volatile int fault_armed;
#define FAULT_TRY() (fault_armed = 1, sigsetjmp(fault_jmp, 1))
static inline void fault_disarm(void)
{
	fault_armed = 0;
}
const struct fault_info *fault_last(void);
/* Run fn(arg) armed, for accesses to target memory outside the timed kernels (fault-in, --verify's
 * fill and checks): 0, or the signal number when fn faulted, with *fi filled (fn stopped there).
 * Installs the handlers if needed. */
int fault_call(void (*fn)(void *), void *arg, struct fault_info *fi);
/* "SIGBUS (BUS_ADRERR) at 0x7f..." */
void fault_describe(const struct fault_info *f, char *buf, unsigned long n);
#endif
