/*
 * aarch64 payload entry, at EL1 with the MMU off: x0 = the mailbox, x1 = the stack top (guest
 * physical, set by the VMM). Loads the stage-1 registers the VMM computed into the mailbox
 * (MAIR_EL1, TCR_EL1, TTBR0_EL1, SCTLR_EL1), enables FP/SIMD (the NEON store kernels), installs
 * the vectors and calls payload_main. Any exception taken here is written into the mailbox and
 * reported; the payload then waits for the VMM to discard the VM.
 */
#include "vm/payload/mailbox_offsets.h"

	.section .text.entry, "ax"
	.globl _start
_start:
	mov	sp, x1
	msr	tpidr_el1, x0			// the vectors find the mailbox here
	mov	x19, x0
	mov	x2, #(3 << 20)			// CPACR_EL1.FPEN: no FP/SIMD trap
	msr	cpacr_el1, x2
	adr	x2, vectors
	msr	vbar_el1, x2
	mrs	x2, cntfrq_el0
	str	x2, [x19, #MB_COUNTER_HZ]
	ldr	x2, [x19, #MB_MAIR]
	msr	mair_el1, x2
	ldr	x2, [x19, #MB_TCR]
	msr	tcr_el1, x2
	ldr	x2, [x19, #MB_TTBR0]
	msr	ttbr0_el1, x2
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x2, [x19, #MB_SCTLR]
	msr	sctlr_el1, x2
	isb
	mov	x0, x19
	bl	payload_main
1:	wfi
	b	1b

	.text
/* One unaligned 8-byte STR (x0 is window + 1): an alignment fault where the access is Device. */
	.globl payload_probe_store
payload_probe_store:
	movz	x1, #0x5a5a
	str	x1, [x0]
	ret

/* Vectors: 16 entries of 0x80 bytes; each records its offset and reports. */
	.macro	vector off
	.balign	0x80
	mov	x9, #\off
	b	exception
	.endm

	.balign	0x800
vectors:
	vector	0x000
	vector	0x080
	vector	0x100
	vector	0x180
	vector	0x200
	vector	0x280
	vector	0x300
	vector	0x380
	vector	0x400
	vector	0x480
	vector	0x500
	vector	0x580
	vector	0x600
	vector	0x680
	vector	0x700
	vector	0x780

exception:
	mrs	x10, tpidr_el1
	mrs	x11, esr_el1
	str	x11, [x10, #MB_EXC_SYNDROME]
	mrs	x11, far_el1
	str	x11, [x10, #MB_EXC_ADDR]
	mrs	x11, elr_el1
	str	x11, [x10, #MB_EXC_PC]
	str	w9, [x10, #MB_EXC_VECTOR]
	ldr	w11, [x10, #MB_EXC_COUNT]
	add	w11, w11, #1
	str	w11, [x10, #MB_EXC_COUNT]
	dsb	sy
	mov	x11, #MB_REPORT_EXCEPTION
	mov	x12, #MB_REPORT_IPA
	str	x11, [x12]
1:	wfi
	b	1b

	.section .note.GNU-stack, "", %progbits
