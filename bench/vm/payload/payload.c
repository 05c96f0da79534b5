/*
 * The microVM's payload, after its arch entry (bench/vm/payload/<arch>/start.S) has set up
 * stage 1, exception vectors and the FP unit: wait for the VMM's command in the mailbox, do it,
 * report (bench/vm/abi.h). It runs the very store kernels the host runs (kernels/, built
 * freestanding) and times them with the same arch timestamp (kernels/timestamp.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"
#include "timestamp.h"
#include "vm/abi.h"
#include "vm/payload/mailbox_offsets.h"

#define AT(field, off) _Static_assert(offsetof(struct vm_mailbox, field) == (off), #field)
AT(mair, MB_MAIR);
AT(tcr, MB_TCR);
AT(ttbr0, MB_TTBR0);
AT(sctlr, MB_SCTLR);
AT(counter_hz, MB_COUNTER_HZ);
AT(exc_syndrome, MB_EXC_SYNDROME);
AT(exc_addr, MB_EXC_ADDR);
AT(exc_pc, MB_EXC_PC);
AT(exc_vector, MB_EXC_VECTOR);
AT(exc_count, MB_EXC_COUNT);
_Static_assert(MB_REPORT_IPA == VM_REPORT_IPA && MB_REPORT_EXCEPTION == VM_REPORT_EXCEPTION,
	       "mailbox_offsets.h");

/* From the arch's start.S: one unaligned 8-byte store (arm64: faults on Device memory). */
void payload_probe_store(uint64_t addr);
void payload_main(struct vm_mailbox *mb);
void payload_report(uint64_t value);

/* The compiler may call these even in freestanding code. */
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int strcmp(const char *a, const char *b);

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;
	while (n--)
		*dp++ = (uint8_t)c;
	return d;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* A store to an address without a memslot: KVM exits to the VMM with KVM_EXIT_MMIO. */
void payload_report(uint64_t value)
{
	*(volatile uint64_t *)(uintptr_t)VM_REPORT_IPA = value;
}

static uint64_t do_round(volatile struct vm_mailbox *mb)
{
	struct store_job job = {
		.base = (uint8_t *)(uintptr_t)mb->base,
		.span = mb->span,
		.burst = mb->burst,
		.start = mb->start,
		.bursts = mb->bursts,
		.barrier = (enum barrier_id)mb->barrier,
		.every = (enum barrier_every)mb->every,
		.pattern = (const uint8_t *)mb->pattern,
	};
	const struct store_kernel *k = &store_kernels[mb->kernel];
	uint32_t drain = mb->drain;
	uint64_t t0 = arch_timestamp();
	size_t next = k->fn(&job);
	if (drain != VM_DRAIN_NONE)
		drain_fence();
	if (drain == VM_DRAIN_READBACK) /* a read from the target waits for the posted writes */
		(void)*(volatile uint64_t *)job.base;
	uint64_t t1 = arch_timestamp();
	mb->t0 = t0;
	mb->t1 = t1;
	mb->next = next;
	return VM_REPORT_DONE;
}

static uint64_t do_command(volatile struct vm_mailbox *mb)
{
	if (mb->magic != VM_MAGIC || mb->abi != VM_ABI_VERSION)
		return VM_REPORT_BAD_CMD;
	switch (mb->cmd) {
	case VM_CMD_ROUND:
		if (mb->kernel >= store_kernel_count || !store_kernels[mb->kernel].fn ||
		    mb->barrier >= BARRIER_COUNT || mb->every > EVERY_SAMPLE)
			return VM_REPORT_BAD_CMD;
		return do_round(mb);
	case VM_CMD_PROBE:
		payload_probe_store(mb->probe_addr);
		return VM_REPORT_DONE;
	case VM_CMD_FILL: {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)mb->base;
		uint64_t v = 0x0101010101010101ull * (mb->fill_byte & 0xff);
		for (uint64_t i = 0; i < mb->fill_len / 8; i++)
			p[i] = v;
		drain_fence();
		return VM_REPORT_DONE;
	}
	default:
		return VM_REPORT_BAD_CMD;
	}
}

void payload_main(struct vm_mailbox *mailbox)
{
	volatile struct vm_mailbox *mb = mailbox;
	payload_report(VM_REPORT_READY);
	for (;;)
		payload_report(do_command(mb));
}
