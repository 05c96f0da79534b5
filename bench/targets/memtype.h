/*
 * The effective memory type, probed: the type the CPU really applies to a mapped target, whatever
 * this OS's page tables asked for (in a guest: stage 1 x stage 2).
 *
 * arm64: one unaligned 8-byte STR at window + 1, under the fault guard. Device memory always takes
 * an alignment fault on an unaligned access (Arm ARM B2.8), Normal memory (NC or WB) does not:
 * SIGBUS with si_code BUS_ADRALN reads Device, completion reads Normal. The probe cannot tell
 * Normal-NC from Normal-WB. x86_64 has no timing-free probe: the class stays unknown there, and
 * check's evidence is the PAT type plus the fenced-versus-streamed timing fingerprint.
 */
#ifndef WCBENCH_TARGETS_MEMTYPE_H
#define WCBENCH_TARGETS_MEMTYPE_H

#include <stdbool.h>

#include "targets/target.h"

enum memclass { MEMCLASS_UNKNOWN, MEMCLASS_DEVICE, MEMCLASS_NORMAL };

/* "Device", "Normal", or "" for unknown: the spelling of the memtype_effective column. */
const char *memclass_name(enum memclass c);
/* The class of a memory type name: Device-* and UC/UC- are Device-like (uncached; of them only
 * Device-GRE may gather stores, and Linux maps none as GRE), Normal-* and WB/WC/WT are Normal;
 * anything else unknown. */
enum memclass memclass_of(const char *memtype);

struct memtype_probe {
	bool probed;            /* a probe ran (false: none exists for this arch, or it could not run) */
	enum memclass effective;
	char how[200];          /* what was done and seen, e.g. "unaligned 8-byte STR at window+1
				 * (0x...1001): SIGBUS BUS_ADRALN: alignment fault, Device memory" */
};

/*
 * In a guest under a hypervisor (not an emulator), an unaligned access to a BAR mapping whose
 * stage 1 is Normal but whose stage 2 is Device is an alignment fault taken to EL2, which KVM
 * cannot handle: KVM_RUN fails with EFAULT and the VMM stops the whole VM (linux-arm-kernel
 * thread "[PATCH v2] kvm/arm64: fixed passthrough gpu into vm on arm64", 2022-04-01; host log
 * "kvm: Unsupported FSC: EC=0x24 xFSC=0x21"). True when probing t there risks that: callers skip
 * the probe unless the user asks for it. A Device stage 1 faults inside the guest (safe), and
 * guest RAM is Normal at stage 2 (safe).
 */
bool memtype_probe_risks_vm(const struct target *t, bool under_hypervisor);

/* Whether this build has a timing-free probe (arm64). */
bool memtype_probe_available(void);

/*
 * Probe a mapped target (t->base set). Stores 8 bytes of the stored pattern at window offset 1
 * (needs a window of at least 16 bytes) and nothing else; never reads. Any fault other than an
 * alignment fault is reported as such, with effective left unknown. Always fills p; returns 0.
 */
int memtype_probe(struct target *t, struct memtype_probe *p);
#endif
