/*
 * x86_64 payload entry. The VMM (bench/vm/arch_x86_64.c) starts the vCPU in 64-bit long mode with
 * its page tables (CR3), GDT, TSS, IA32_PAT and XCR0 already loaded: rdi = the mailbox, rsp = the
 * stack top. Here: keep the mailbox for the exception stubs, build and load the IDT (32 gates
 * to the stubs below, each on the TSS's IST1 stack), call payload_main. Any exception is written
 * into the mailbox and reported; the payload then waits for the VMM to discard the VM.
 */
#include "vm/payload/mailbox_offsets.h"

#define IDT_VECTORS	32
#define GATE_IST1	(1 << 32)		/* IST index 1 (bits 34:32) */
#define GATE_INTR	(0x8e << 40)		/* present, DPL 0, 64-bit interrupt gate */

	.section .text.entry, "ax"
	.globl _start
_start:
	mov	%rdi, payload_mailbox(%rip)
	mov	%rdi, %r12
	xor	%ebp, %ebp
	/* A gate (Intel SDM Vol. 3A 6.14.1): offset 15:0 | selector << 16 | IST << 32 |
	 * type << 40 | offset 31:16 << 48, then offset 63:32 in the next 8 bytes. */
	mov	%cs, %eax
	movzwl	%ax, %eax
	shl	$16, %rax
	movabs	$(GATE_IST1 | GATE_INTR), %r10
	or	%rax, %r10
	lea	exc_stub_table(%rip), %rsi
	lea	idt(%rip), %rdx
	mov	$IDT_VECTORS, %ecx
1:	mov	(%rsi), %rax
	movzwl	%ax, %r8d
	or	%r10, %r8
	mov	%rax, %r9
	shr	$16, %r9
	shl	$48, %r9
	or	%r9, %r8
	mov	%r8, (%rdx)
	shr	$32, %rax
	mov	%rax, 8(%rdx)
	add	$8, %rsi
	add	$16, %rdx
	dec	%ecx
	jnz	1b
	lidt	idtr(%rip)
	mov	%r12, %rdi
	call	payload_main
2:	hlt
	jmp	2b

	.text
/* One 8-byte store at addr (rdi). The probe is an aarch64 one (Device alignment faults); x86 has
 * no timing-free probe of the memory type, and the VMM does not send it there. */
	.globl payload_probe_store
payload_probe_store:
	mov	$0x5a5a, %eax
	mov	%rax, (%rdi)
	ret

/* Stub for vector vec: the CPU pushes an error code for 8, 10-14, 17, 21, 29, 30 (Intel SDM
 * Vol. 3A, Table 6-1; the decoder's exception_names[] in bench/vm/arch_x86_64.c has the same
 * list); for the others a dummy 0 keeps one frame layout: vector, error code, RIP, CS, RFLAGS. */
	.macro	stub vec
exc_stub_\vec:
	.if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$\vec
	jmp	exception
	.endm

	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	stub	\v
	.endr

exception:
	mov	payload_mailbox(%rip), %rbx
	mov	(%rsp), %rax
	mov	%eax, MB_EXC_VECTOR(%rbx)
	mov	8(%rsp), %rax
	mov	%rax, MB_EXC_SYNDROME(%rbx)
	mov	%cr2, %rax
	mov	%rax, MB_EXC_ADDR(%rbx)
	mov	16(%rsp), %rax
	mov	%rax, MB_EXC_PC(%rbx)
	incl	MB_EXC_COUNT(%rbx)
	mov	$MB_REPORT_EXCEPTION, %eax
	mov	$MB_REPORT_IPA, %edx		/* zero-extended: 0xc0000000 */
	mov	%rax, (%rdx)
1:	hlt
	jmp	1b

	.section .rodata
	.balign	8
exc_stub_table:
	.irp	v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	exc_stub_\v
	.endr

	.data
	.balign	16
	.skip	6			/* so the base is 8-byte aligned */
idtr:
	.word	IDT_VECTORS * 16 - 1
	.quad	idt

	.bss
	.balign	16
idt:
	.skip	IDT_VECTORS * 16
	.balign	8
payload_mailbox:
	.skip	8

	.section .note.GNU-stack, "", %progbits
