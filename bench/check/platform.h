/*
 * Where check runs, as far as it can tell: on a host, in a KVM guest, in another hypervisor's
 * guest, or under a full-system emulator (QEMU TCG), where timing means nothing. And the KVM
 * host's kernel, which decides stage 2 (check/model.h).
 */
#ifndef WCBENCH_CHECK_PLATFORM_H
#define WCBENCH_CHECK_PLATFORM_H

#include <stdbool.h>

#include "check/model.h"

struct platform {
	enum model_env env;
	bool emulated;          /* timing is meaningless: a full-system emulator */
	char how[240];          /* the evidence: "CPUID 0x40000000: TCGTCGTCGTCG (QEMU TCG)",
				 * "MIDR_EL1 0x000f0510: implementer 0x00 (software use): QEMU -cpu max" */
	char host_kernel[64];   /* the KVM host's kernel: this kernel on a host, --host-kernel in a
				 * guest, "" unknown */
	unsigned host_major, host_minor;
	enum x86_vendor vendor;
};

/* Look at this machine. */
void platform_detect(struct platform *p);
/* --env host|guest: what the user states wins over what was detected (said in how). 0 or -EINVAL. */
int platform_state_env(struct platform *p, const char *env);
/* --host-kernel VERSION: 0, or -EINVAL when VERSION has no major.minor. */
int platform_state_host_kernel(struct platform *p, const char *version);
/* A guest whose stage 2 is a real hypervisor's (KVM or unknown), not an emulator's. */
bool under_hypervisor(const struct platform *p);
/* "host", "KVM guest", "guest (hypervisor unknown)", "emulated (QEMU TCG)" */
const char *platform_env_name(const struct platform *p);
#endif
