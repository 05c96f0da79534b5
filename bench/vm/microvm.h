/*
 * A target seen from inside wcbench's microVM with one stage-1 type: the probe (stage 1 x the
 * stage 2 this host builds) and a case_runner whose rounds run in the VM, so measure's sampling,
 * drain and --verify apply unchanged. The VM is made lazily and made afresh after any fault.
 */
#ifndef WCBENCH_VM_MICROVM_H
#define WCBENCH_VM_MICROVM_H

#include <stdbool.h>

#include "targets/memtype.h"
#include "measure/measure.h"
#include "targets/target.h"
#include "vm/vmm.h"

struct microvm {
	struct vm vm;
	bool live;                    /* vm made and not faulted */
	struct target *t;             /* mapped */
	const struct stage1_type *s1;
	const volatile int *stop;
	/* the round under way */
	const struct case_spec *cs;
	size_t start;                 /* where the next round starts, from the window's start */
	size_t part;                  /* bytes of the window the case cycles through */
};

/* Whether the target's window can be a memslot by itself (page aligned, at most VM_TARGET_MAX):
 * 0, or -EINVAL with one line in err naming the window and what to give instead. */
int microvm_window_ok(const struct target *t, char *err, size_t n);

void microvm_init(struct microvm *mv, struct target *t, const struct stage1_type *s1,
		  const volatile int *stop);
void microvm_fini(struct microvm *mv);

/*
 * The probe: one unaligned 8-byte store at window + 1 from inside a fresh VM (aarch64). The
 * payload's own vector catching an alignment fault: stage 1 made it Device (stage 2 not seen).
 * KVM_RUN failing with EFAULT on it: stage 1 was Normal and stage 2 made it Device. No fault:
 * Normal at both stages. p->effective and *stage2 (MEMCLASS_UNKNOWN where not seen) and p->how
 * say which. Where the arch has no probe (x86_64) or the VM cannot be made, both stay unknown.
 * Returns 0, or -errno when no VM could be made (p->how says why).
 */
int microvm_probe(struct microvm *mv, struct memtype_probe *p, enum memclass *stage2);

/* Measure one case in the VM (threads must be 1: the VM has one vCPU). Same contract as
 * measure_case: the result says how it went. */
int microvm_measure(struct microvm *mv, const struct case_spec *cs, struct case_result *r);
#endif
