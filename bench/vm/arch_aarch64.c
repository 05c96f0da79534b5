/* The VMM's aarch64 half: the stage-1 types (MAIR attributes), the payload's level-1 table of
 * 1 GiB blocks, the vCPU's start, and ESR decoding. Facts: Arm ARM D8 (VMSAv8-64: block
 * descriptors, MAIR_EL1 encodings, TCR_EL1), D17 (ESR_ELx EC and DFSC values). */
#if defined(__aarch64__)
#include <errno.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm/vmm.h"

const struct stage1_type stage1_types[] = {
	{ "device-ngnrne", "Device-nGnRnE", "Device, no gathering, reordering or early write ack "
	  "(Linux ioremap_np)", 0x00, true },
	{ "device-ngnre", "Device-nGnRE", "Device with early write ack (Linux ioremap, sysfs "
	  "resourceN)", 0x04, true },
	{ "device-gre", "Device-GRE", "Device that may gather and reorder: stores may combine, "
	  "unaligned accesses still fault", 0x0c, true },
	{ "normal-nc", "Normal-NC", "Normal non-cacheable (Linux ioremap_wc, sysfs resourceN_wc, "
	  "vfio-pci from 6.9 on): write combining", 0x44, false },
	{ "normal-wb", "Normal-WB", "Normal write-back cacheable (RAM)", 0xff, false },
};
const size_t stage1_type_count = sizeof stage1_types / sizeof stage1_types[0];

/* MAIR_EL1 attribute indexes of the payload's blocks. */
enum { ATTR_RAM, ATTR_TARGET, ATTR_REPORT };
#define MAIR_NORMAL_WB 0xffull
#define MAIR_DEVICE_NGNRNE 0x00ull

/* Level-1 block descriptor fields. */
#define DESC_BLOCK     1ull
#define DESC_ATTR(i)   ((uint64_t)(i) << 2)
#define DESC_SH_INNER  (3ull << 8)
#define DESC_AF        (1ull << 10)
#define DESC_PXN       (1ull << 53)
#define DESC_UXN       (1ull << 54)

/* TCR_EL1: T0SZ 32 (4 GiB, the walk starts at level 1), inner/outer write-back walks, inner
 * shareable, 4 KiB granule, TTBR1 walks off (EPD1), IPS 0 (32-bit: every address is below 4 GiB). */
#define TCR_VALUE (32ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23))
/* SCTLR_EL1: M (MMU), C, I; A clear (Normal memory may be accessed unaligned); the RES1 bits of
 * ARMv8.0 (11, 20, 22, 23, 28, 29). */
#define SCTLR_VALUE ((1ull << 0) | (1ull << 2) | (1ull << 12) | (1ull << 11) | (1ull << 20) | \
		     (1ull << 22) | (1ull << 23) | (1ull << 28) | (1ull << 29))

int vm_arch_tables(struct vm *vm, char *err)
{
	(void)err;
	uint64_t *l1 = (uint64_t *)(vm->ram + VM_ARCH_OFF);
	memset(l1, 0, 4096);
	/* block 0 (0..1 GiB) stays invalid: a stray null pointer faults */
	l1[VM_RAM_IPA >> 30] = VM_RAM_IPA | DESC_BLOCK | DESC_ATTR(ATTR_RAM) | DESC_SH_INNER | DESC_AF;
	l1[VM_TARGET_IPA >> 30] = VM_TARGET_IPA | DESC_BLOCK | DESC_ATTR(ATTR_TARGET) | DESC_SH_INNER |
				  DESC_AF | DESC_PXN | DESC_UXN;
	l1[VM_REPORT_IPA >> 30] = VM_REPORT_IPA | DESC_BLOCK | DESC_ATTR(ATTR_REPORT) | DESC_AF |
				  DESC_PXN | DESC_UXN;
	vm->mb->mair = MAIR_NORMAL_WB << (8 * ATTR_RAM) | vm->s1->attr << (8 * ATTR_TARGET) |
		       MAIR_DEVICE_NGNRNE << (8 * ATTR_REPORT);
	vm->mb->tcr = TCR_VALUE;
	vm->mb->ttbr0 = VM_RAM_IPA + VM_ARCH_OFF;
	vm->mb->sctlr = SCTLR_VALUE;
	return 0;
}

#define CORE_REG(field) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(field))

static int set_reg(struct vm *vm, uint64_t id, uint64_t value)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&value };
	return ioctl(vm->vcpu_fd, KVM_SET_ONE_REG, &r) ? -errno : 0;
}

int vm_arch_vcpu_setup(struct vm *vm, char *err)
{
	struct kvm_vcpu_init init;
	memset(&init, 0, sizeof init);
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		int e = errno;
		snprintf(err, VM_ERR_LEN, "KVM_ARM_PREFERRED_TARGET: %s: a KVM that cannot make an "
			 "ordinary vCPU (a restricted or protected KVM?)", strerror(e));
		return -e;
	}
	if (ioctl(vm->vcpu_fd, KVM_ARM_VCPU_INIT, &init)) {
		int e = errno;
		snprintf(err, VM_ERR_LEN, "KVM_ARM_VCPU_INIT: %s", strerror(e));
		return -e;
	}
	int rc;
	/* VCPU_INIT leaves the vCPU at EL1h with DAIF masked and the MMU off; start the payload */
	if ((rc = set_reg(vm, CORE_REG(regs.pc), VM_RAM_IPA)) ||
	    (rc = set_reg(vm, CORE_REG(regs.regs[0]), VM_RAM_IPA + VM_MAILBOX_OFF)) ||
	    (rc = set_reg(vm, CORE_REG(regs.regs[1]), VM_RAM_IPA + VM_STACK_TOP))) {
		snprintf(err, VM_ERR_LEN, "KVM_SET_ONE_REG (the payload's entry): %s", strerror(-rc));
		return rc;
	}
	return 0;
}

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason (an undefined instruction?)";
	case 0x01: return "WFI/WFE trapped";
	case 0x07: return "FP/SIMD access trapped";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x18: return "system register access trapped";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	default: return "exception";
	}
}

static const char *fsc_name(unsigned fsc, char *buf, size_t n)
{
	if (fsc >= 0x04 && fsc <= 0x07)
		snprintf(buf, n, "translation fault, level %u", fsc - 0x04);
	else if (fsc >= 0x08 && fsc <= 0x0b)
		snprintf(buf, n, "access flag fault, level %u", fsc - 0x08);
	else if (fsc >= 0x0c && fsc <= 0x0f)
		snprintf(buf, n, "permission fault, level %u", fsc - 0x0c);
	else if (fsc == 0x10)
		snprintf(buf, n, "synchronous external abort");
	else if (fsc == 0x21)
		snprintf(buf, n, "alignment fault");
	else if (fsc == 0x30)
		snprintf(buf, n, "TLB conflict abort");
	else
		snprintf(buf, n, "fault status 0x%02x", fsc);
	return buf;
}

bool vm_arch_exception(const struct vm_mailbox *mb, char *buf, size_t n)
{
	uint64_t esr = mb->exc_syndrome;
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	unsigned fsc = (unsigned)esr & 0x3f;
	char f[48] = "";
	if (ec == 0x24 || ec == 0x25 || ec == 0x20 || ec == 0x21) {
		char what[40];
		snprintf(f, sizeof f, ": %s%s", fsc_name(fsc, what, sizeof what),
			 (ec == 0x24 || ec == 0x25) ? ((esr >> 6) & 1 ? " on a write" : " on a read") : "");
	}
	snprintf(buf, n, "%s%s (ESR_EL1 0x%llx), FAR 0x%llx, ELR 0x%llx, vector +0x%x", ec_name(ec),
		 f, (unsigned long long)esr, (unsigned long long)mb->exc_addr,
		 (unsigned long long)mb->exc_pc, mb->exc_vector);
	return (ec == 0x25 || ec == 0x24) && fsc == 0x21;
}
#else
typedef int wcbench_arch_aarch64_unused; /* ISO C forbids an empty translation unit */
#endif
