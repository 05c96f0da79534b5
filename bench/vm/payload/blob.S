/* The payload image (bench/vm/payload/<arch>/, linked at VM_RAM_IPA, raw binary), inside
 * wcbench. The Makefile defines PAYLOAD_BIN where this arch has a payload. */
	.section .rodata
	.balign 64
	.globl vm_payload_image
	.globl vm_payload_image_end
vm_payload_image:
#ifdef PAYLOAD_BIN
	.incbin PAYLOAD_BIN
#endif
vm_payload_image_end:
	.section .note.GNU-stack,"",%progbits
