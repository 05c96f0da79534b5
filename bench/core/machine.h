/* Facts about the machine and the run, for rows and for metadata.json. */
#ifndef WCBENCH_CORE_MACHINE_H
#define WCBENCH_CORE_MACHINE_H

#include <stdint.h>
#include <stdio.h>

struct machine_info {
	char arch[16];
	char cpu_model[96];     /* as in the rows */
	char cpu_id[64];        /* "family 0x19 model 0x11 stepping 1" or "MIDR_EL1 0x410fd4f0" */
	char os_release[64];
	char hostname[64];
	char hwcaps[256];       /* arm64: AT_HWCAP/2/3 in hex and the flags that matter; x86: cpuid flags */
	char hypervisor[64];    /* "none seen" or what cpuid / sysfs reports */
	char thp[32];           /* transparent hugepage setting */
};

void machine_probe(struct machine_info *m);

/* x86_64: the 12-character CPUID 0x40000000 signature ("KVMKVMKVM", "TCGTCGTCGTCG"; bytes that
 * do not print as '?') when CPUID.1:ECX bit 31 says a hypervisor is present; "" otherwise, and on
 * other architectures. */
void cpu_hypervisor_signature(char sig[13]);
/* arm64: MIDR_EL1 from sysfs, else by MRS where the kernel emulates it (HWCAP_CPUID); 0 when
 * unreadable, and on other architectures. */
uint64_t cpu_midr(void);

/* Longest run_id plus its NUL: a row's run_id field (results/schema.h) holds 40 bytes. */
#define RUN_ID_MAX 40
/* run_id: UTC time to the millisecond, host (shortened when long) and pid, unique per run on a
 * machine: e.g. 20261121T060102.123Z-myhost-4711 */
void make_run_id(char *buf, size_t n, const char *hostname);
#endif
