/* Byte offsets into struct vm_mailbox (bench/vm/abi.h) for the payloads' assembly entries;
 * payload.c asserts each against offsetof. */
#ifndef WCBENCH_MAILBOX_OFFSETS_H
#define WCBENCH_MAILBOX_OFFSETS_H
#define MB_MAIR          16
#define MB_TCR           24
#define MB_TTBR0         32
#define MB_SCTLR         40
#define MB_COUNTER_HZ    216
#define MB_EXC_SYNDROME  224
#define MB_EXC_ADDR      232
#define MB_EXC_PC        240
#define MB_EXC_VECTOR    248
#define MB_EXC_COUNT     252
#define MB_REPORT_IPA    0xc0000000
#define MB_REPORT_EXCEPTION 0x5247
#endif
