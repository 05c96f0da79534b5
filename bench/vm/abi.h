/*
 * What wcbench (the VMM, bench/vm/) and the payload it runs inside its microVM agree on: the
 * guest-physical layout, the mailbox in guest RAM, and the reports the payload sends by a store
 * to VM_REPORT_IPA (no memslot there: KVM exits with KVM_EXIT_MMIO). Freestanding: the payload
 * (bench/vm/payload/<arch>/) includes it too.
 *
 * The protocol: the VMM writes the mailbox, then KVM_RUN. The payload starts at VM_RAM_IPA with
 * the mailbox's guest address in x0 (aarch64) / rdi (x86_64), sets itself up (aarch64: VBAR,
 * MAIR, TCR, TTBR0 from the mailbox, MMU on; x86_64: the VMM entered long mode for it), reports
 * VM_REPORT_READY and from then on, after each KVM_RUN, does mb->cmd and reports its outcome.
 * An exception taken by the payload's own vectors is reported as VM_REPORT_EXCEPTION with the
 * exc_* fields set; the VMM then discards the VM.
 */
#ifndef WCBENCH_VM_ABI_H
#define WCBENCH_VM_ABI_H

#include <stdint.h>

/* Guest-physical layout (identity-mapped by the payload's stage 1). */
#define VM_RAM_IPA      0x40000000ull  /* guest RAM memslot: payload, tables, mailbox, stack */
#define VM_RAM_SIZE     0x400000ull    /* 4 MiB */
#define VM_PAYLOAD_MAX  0x100000ull    /* the payload image, at VM_RAM_IPA */
#define VM_ARCH_OFF     0x100000ull    /* 64 KiB for the arch: page tables (x86_64: GDT, IDT too) */
#define VM_ARCH_SIZE    0x10000ull
#define VM_MAILBOX_OFF  0x110000ull    /* struct vm_mailbox */
#define VM_STACK_TOP    0x200000ull    /* the stack grows down from here (offset into RAM) */
#define VM_TARGET_IPA   0x80000000ull  /* the target's window memslot */
#define VM_TARGET_MAX   0x40000000ull  /* a window of at most 1 GiB */
#define VM_REPORT_IPA   0xc0000000ull  /* no memslot: a store here exits with KVM_EXIT_MMIO */

#define VM_MAGIC        0x6d76687362637777ull /* "wwcbshvm" */
#define VM_ABI_VERSION  1

/* mb->cmd: what the payload does after the next KVM_RUN. */
enum vm_cmd {
	VM_CMD_NONE,
	VM_CMD_PROBE,   /* one unaligned 8-byte store at probe_addr (arm64: faults only on Device) */
	VM_CMD_ROUND,   /* run job with the kernel, drain, time it: t0, t1, next */
	VM_CMD_FILL,    /* write fill_len bytes of fill_byte at base (aligned 8-byte stores) */
};

/* The value the payload stores to VM_REPORT_IPA. */
enum vm_report {
	VM_REPORT_READY = 0x5245, /* set up, waiting for a command */
	VM_REPORT_DONE,           /* the command finished */
	VM_REPORT_EXCEPTION,      /* the payload's vector took an exception: exc_* */
	VM_REPORT_BAD_CMD,        /* mb->cmd, kernel or magic not understood */
};

/* mb->drain: as measure's enum drain_mode. */
enum vm_drain { VM_DRAIN_NONE, VM_DRAIN_FENCE, VM_DRAIN_READBACK };

struct vm_mailbox {
	uint64_t magic;          /* VM_MAGIC, set by the VMM */
	uint32_t abi;            /* VM_ABI_VERSION */
	uint32_t cmd;            /* enum vm_cmd */
	/* the stage-1 registers the VMM computed: aarch64 MAIR_EL1, TCR_EL1, TTBR0_EL1, SCTLR_EL1,
	 * which the payload's entry loads before it turns the MMU on; x86_64 mair = IA32_PAT and
	 * ttbr0 = CR3, which the VMM itself loads into the vCPU */
	uint64_t mair, tcr, ttbr0, sctlr;
	/* VM_CMD_ROUND: a struct store_job in guest addresses, the kernel as an index into
	 * store_kernels[] (the payload links the same table) */
	uint64_t base, span, burst, start, bursts;
	uint32_t kernel, barrier, every, drain;
	/* VM_CMD_PROBE */
	uint64_t probe_addr;
	/* VM_CMD_FILL */
	uint64_t fill_len;
	uint32_t fill_byte, pad0;
	_Alignas(64) uint8_t pattern[64];
	/* results of VM_CMD_ROUND: arch timestamps around kernel + drain, and where it stopped */
	uint64_t t0, t1, next;
	uint64_t counter_hz;     /* aarch64: CNTFRQ_EL0 as the payload reads it; x86_64: 0 */
	/* VM_REPORT_EXCEPTION: aarch64 ESR_EL1, FAR_EL1, ELR_EL1, vector offset; x86_64 error
	 * code, CR2, RIP, vector number */
	uint64_t exc_syndrome, exc_addr, exc_pc;
	uint32_t exc_vector, exc_count;
};
#endif
