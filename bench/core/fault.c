#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "core/fault.h"

__thread sigjmp_buf fault_jmp;
__thread volatile int fault_armed;
static __thread struct fault_info last;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!fault_armed) {
		/* A fault outside a kernel is a bug: die with the default action. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	fault_armed = 0;
	last.sig = sig;
	last.addr = (uintptr_t)si->si_addr;
	last.code = si->si_code;
	siglongjmp(fault_jmp, sig);
}

void fault_install(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
}

const struct fault_info *fault_last(void)
{
	return &last;
}

int fault_call(void (*fn)(void *), void *arg, struct fault_info *fi)
{
	fault_install();
	if (FAULT_TRY()) {
		*fi = last;
		return fi->sig;
	}
	fn(arg);
	fault_disarm();
	*fi = (struct fault_info){ 0 };
	return 0;
}

void fault_describe(const struct fault_info *f, char *buf, unsigned long n)
{
	const char *name = f->sig == SIGBUS ? "SIGBUS" : f->sig == SIGSEGV ? "SIGSEGV"
			 : f->sig == SIGILL ? "SIGILL" : "signal";
	const char *code = "";
	if (f->sig == SIGBUS)
		code = f->code == BUS_ADRERR ? " (BUS_ADRERR: nonexistent physical address)"
		     : f->code == BUS_ADRALN ? " (BUS_ADRALN: misaligned)"
		     : f->code == BUS_OBJERR ? " (BUS_OBJERR: object-specific error)" : "";
	else if (f->sig == SIGILL)
		code = f->code == ILL_ILLOPC ? " (ILL_ILLOPC: instruction not implemented here)" : "";
	else if (f->sig == SIGSEGV)
		code = f->code == SEGV_MAPERR ? " (SEGV_MAPERR)" : f->code == SEGV_ACCERR ? " (SEGV_ACCERR)" : "";
	snprintf(buf, n, "%s%s at 0x%lx", name, code, (unsigned long)f->addr);
}
