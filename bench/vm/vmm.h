/*
 * wcbench's own VMM: one vCPU, a RAM memslot with the payload (abi.h), and a memslot over the
 * target's window (the host mapping of a BAR through vfio or sysfs, a file, RAM) and nothing else
 * of it. The payload's stage 1 picks the memory type the guest asks for; the host kernel's
 * stage 2 decides what it gets. A VM lives for as long as its cases do not fault: after an
 * exception or a failed KVM_RUN, the caller destroys it and makes a fresh one.
 */
#ifndef WCBENCH_VM_VMM_H
#define WCBENCH_VM_VMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/abi.h"

#define VM_ERR_LEN 256

/* One stage-1 memory type the payload can map the window with (the --stage1 list). */
struct stage1_type {
	const char *name;     /* as --stage1 spells it: normal-nc, device-ngnre, wc, uc- */
	const char *memtype;  /* as the memtype column spells it: Normal-NC, Device-nGnRE, WC, UC- */
	const char *desc;     /* one line for --help and docs */
	uint64_t attr;        /* aarch64: the MAIR_EL1 attribute byte; x86_64: the PAT entry's type */
	bool device;          /* aarch64: a Device type (an unaligned access faults at stage 1) */
};
/* This build's arch's table (empty where there is no payload). */
extern const struct stage1_type stage1_types[];
extern const size_t stage1_type_count;
const struct stage1_type *stage1_find(const char *name);

/* How a run of the vCPU ended. */
enum vm_stop {
	VM_STOP_REPORT,      /* the payload reported (value: enum vm_report) */
	VM_STOP_EFAULT,      /* KVM_RUN failed with EFAULT: the host could not map the access at
			      * stage 2 (arm64: a Device stage 2 with an access it cannot emulate) */
	VM_STOP_TIMEOUT,     /* the time limit passed (the payload hangs, or KVM cannot run it) */
	VM_STOP_INTERRUPTED, /* *vm->stop became non-zero (SIGINT, SIGTERM) */
	VM_STOP_OTHER,       /* any other exit or error: why says which */
};

struct vm_exit {
	enum vm_stop stop;
	uint64_t value;      /* VM_STOP_REPORT: what the payload stored */
	char why[200];       /* VM_STOP_EFAULT / OTHER / TIMEOUT: decoded, one line */
};

struct vm {
	int kvm_fd, vm_fd, vcpu_fd;
	void *run;                  /* struct kvm_run, mmapped */
	size_t run_size;
	uint8_t *ram;               /* the host's view of guest RAM (VM_RAM_SIZE) */
	struct vm_mailbox *mb;      /* in ram */
	uint8_t *window;            /* the host mapping the target memslot is made of */
	size_t window_len;
	const struct stage1_type *s1;
	const volatile int *stop;   /* polled when KVM_RUN is interrupted; NULL: never */
	bool faulted;               /* an exception or EFAULT happened: do not run it again */
};

/* Can this host run the payload? A trial VM over one anonymous page, run to the payload's ready
 * (bounded in time). 0 with err empty, or -errno with one line in err naming the cause: no
 * /dev/kvm, no permission, an API version other than 12, KVM without what the payload needs
 * (arm64: KVM_ARM_PREFERRED_TARGET; x86_64: user memory, a usable vCPU). */
int vm_kvm_usable(char *err);

/* Make a VM whose target memslot is [window, window + len) of the caller's mapping (page
 * aligned, len a multiple of the page size, at most VM_TARGET_MAX), load the payload, and run it
 * until it reports ready (time limit timeout_ms). 0, or -errno with one line in err. */
int vm_create(struct vm *vm, const struct stage1_type *s1, uint8_t *window, size_t len,
	      unsigned timeout_ms, const volatile int *stop, char *err);

/* Run the vCPU until the payload reports, it faults, or timeout_ms pass. A report of
 * VM_REPORT_EXCEPTION, EFAULT and a timeout leave vm->faulted set. 0, or -errno when KVM_RUN
 * could not be called at all (x->why says why). */
int vm_run(struct vm *vm, unsigned timeout_ms, struct vm_exit *x);

/* How a run of the vCPU that did not end in the report wanted ended, in one line: the payload's
 * exception decoded (vm_arch_exception; *alignment set when it is the Device alignment fault),
 * another report, or the exit's why. */
void vm_exit_describe(const struct vm *vm, const struct vm_exit *x, char *buf, size_t n,
		      bool *alignment);

/* Tell the payload to do mb->cmd (set by the caller) and wait for its report. */
int vm_command(struct vm *vm, enum vm_cmd cmd, unsigned timeout_ms, struct vm_exit *x);

void vm_destroy(struct vm *vm);

/* The guest address of byte off of the window. */
static inline uint64_t vm_window_ipa(size_t off) { return VM_TARGET_IPA + off; }

/* The payload image linked into wcbench for this arch (bench/vm/payload/blob.S); empty where
 * there is none. */
extern const unsigned char vm_payload_image[], vm_payload_image_end[];

/* ---- per arch: bench/vm/arch_aarch64.c, bench/vm/arch_x86_64.c ---- */
/* Write the arch's tables into vm->ram (at VM_ARCH_OFF) and the mailbox's arch fields for s1. */
int vm_arch_tables(struct vm *vm, char *err);
/* After KVM_CREATE_VCPU: initialise the vCPU (arm64: preferred target, VCPU_INIT; x86_64:
 * CPUID, special registers, PAT MSR) and set it to start the payload at VM_RAM_IPA with the
 * mailbox's guest address as argument. */
int vm_arch_vcpu_setup(struct vm *vm, char *err);
/* The exception the payload reported, decoded into one line ("data abort at EL1: alignment
 * fault (ESR 0x96000021), FAR 0x80000001, ELR 0x40000a10"). Returns true when it is the fault an
 * unaligned access to a Device type raises (aarch64 EC 0x25 DFSC 0x21). */
bool vm_arch_exception(const struct vm_mailbox *mb, char *buf, size_t n);
#endif
