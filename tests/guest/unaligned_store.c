/*
 * unaligned_store FILE [OFFSET]: map FILE (a sysfs resourceN or resourceN_wc of a PCI BAR) shared
 * and writable, do one 8-byte STR at OFFSET (default 1, i.e. not 8-byte aligned) and say what
 * happened, on one line:
 *   alignment-fault   SIGBUS with si_code BUS_ADRALN: the mapping is Device memory
 *   completed         no fault: the mapping is Normal memory (or the emulator checks nothing)
 *   other-fault ...   any other signal: nothing can be concluded
 * Exit 0 for the first two, 1 otherwise. A helper of tests/t_check_guest.sh, independent of
 * wcbench's own probe: it checks that the emulator raises the fault the probe relies on.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if !defined(__aarch64__)
#error "unaligned_store is an aarch64 helper (build it with aarch64-linux-gnu-gcc -static)"
#endif

static sigjmp_buf back;
static volatile sig_atomic_t got_signal, got_code;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	got_signal = sig;
	got_code = si->si_code;
	siglongjmp(back, 1);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: unaligned_store FILE [OFFSET]\n");
		return 2;
	}
	char *end;
	unsigned long off = argc == 3 ? strtoul(argv[2], &end, 0) : 1;
	if (argc == 3 && (*end || off > 4096 - 8)) {
		fprintf(stderr, "unaligned_store: OFFSET must be 0..4088\n");
		return 2;
	}
	int fd = open(argv[1], O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	volatile uint8_t *base = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	uint64_t value = 0x0123456789abcdefULL;
	if (!sigsetjmp(back, 1)) {
		/* one STR: in assembly so that the compiler cannot split or align it */
		__asm__ volatile("str %x0, [%1]" : : "r"(value), "r"(base + off) : "memory");
		printf("completed\n");
		return 0;
	}
	if (got_signal == SIGBUS && got_code == BUS_ADRALN) {
		printf("alignment-fault\n");
		return 0;
	}
	printf("other-fault signal=%d si_code=%d\n", (int)got_signal, (int)got_code);
	return 1;
}
