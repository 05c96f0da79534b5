/*
 * The x86_64 side of wcbench's VMM (vm/vmm.h): the VMM puts the vCPU straight into 64-bit long
 * mode (no real-mode trampoline in the payload) with page tables, a GDT and a TSS of its own in
 * the arch area of guest RAM (VM_ARCH_OFF). The payload builds its IDT itself at start
 * (bench/vm/payload/x86_64/start.S): it knows where its exception stubs are, the VMM does not.
 *
 * The memory type of the target window: 2 MiB pages whose PAT/PCD/PWT bits index IA32_PAT
 * (Intel SDM Vol. 3A 11.12.3, "Selecting a memory type from the PAT"); pat_layout[] below is
 * the one table both the page-table entries and the PAT MSR come from. In the mailbox, the
 * fields the aarch64 entry loads (MAIR, TTBR0) carry their x86 counterparts for the VMM and for
 * tests: mb->mair = IA32_PAT, mb->ttbr0 = CR3.
 */
#if defined(__x86_64__)
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vm/vmm.h"

/* PAT memory type encodings (Intel SDM Vol. 3A, Table 11-10). */
enum pat_type { PAT_UC = 0x00, PAT_WC = 0x01, PAT_WB = 0x06, PAT_UC_MINUS = 0x07 };

const struct stage1_type stage1_types[] = {
	{ .name = "uc", .memtype = "UC", .attr = PAT_UC,
	  .desc = "uncacheable: every store goes out on its own, in order" },
	{ .name = "uc-", .memtype = "UC-", .attr = PAT_UC_MINUS,
	  .desc = "uncacheable, but an MTRR of WC makes it WC (what a sysfs resourceN mmap gets)" },
	{ .name = "wc", .memtype = "WC", .attr = PAT_WC,
	  .desc = "write-combining: stores may merge in the core's WC buffers (resourceN_wc)" },
	{ .name = "wb", .memtype = "WB", .attr = PAT_WB,
	  .desc = "write-back cacheable: the RAM type, a baseline" },
};
const size_t stage1_type_count = sizeof(stage1_types) / sizeof(stage1_types[0]);

/* IA32_PAT, entry by entry (PA0..PA7). A 2 MiB PDE selects entry PAT(bit 12)*4 + PCD*2 + PWT;
 * the upper half repeats the lower so the PAT bit never matters. */
static const uint8_t pat_layout[8] = {
	PAT_WB, PAT_WC, PAT_UC_MINUS, PAT_UC, PAT_WB, PAT_WC, PAT_UC_MINUS, PAT_UC,
};

#define MSR_IA32_PAT           0x277
#define MSR_IA32_MTRR_DEF_TYPE 0x2ff
/* MTRRs on with a default of WB, so that PAT alone decides: with MTRRs off (E clear) all
 * memory is UC (Intel SDM Vol. 3A 11.11.2.1). */
#define MTRR_DEF_TYPE_E        (1ull << 11)

/* The arch area (VM_ARCH_OFF, VM_ARCH_SIZE), as offsets into it. */
#define ARCH_PML4       0x0000ull
#define ARCH_PDPT       0x1000ull
#define ARCH_PD(gib)    (0x2000ull + 0x1000ull * (gib)) /* one page directory per GiB 0..3 */
#define ARCH_GDT        0x6000ull
#define ARCH_TSS        0x7000ull
#define ARCH_IST_TOP    0x10000ull /* the exception stack (TSS IST1): 0x8000..0x10000 */
_Static_assert(ARCH_IST_TOP <= VM_ARCH_SIZE, "the arch area holds the tables");

#define ARCH_IPA(off)   (VM_RAM_IPA + VM_ARCH_OFF + (off))

/* Paging entry bits (Intel SDM Vol. 3A 4.5). */
#define PTE_P       (1ull << 0)
#define PTE_RW      (1ull << 1)
#define PTE_PWT     (1ull << 3)
#define PTE_PCD     (1ull << 4)
#define PTE_A       (1ull << 5)
#define PTE_D       (1ull << 6)
#define PTE_PS      (1ull << 7)
#define PDE_PAT     (1ull << 12) /* in a 2 MiB PDE */
#define PAGE_2M     0x200000ull

/* Control registers and EFER. */
#define CR0_PE      (1ull << 0)
#define CR0_MP      (1ull << 1)
#define CR0_ET      (1ull << 4)
#define CR0_NE      (1ull << 5)
#define CR0_PG      (1ull << 31)
#define CR4_PAE     (1ull << 5)
#define CR4_OSFXSR  (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define EFER_LME    (1ull << 8)
#define EFER_LMA    (1ull << 10)

/* XCR0 state components (Intel SDM Vol. 1 13.1). */
#define XCR0_X87    (1ull << 0)
#define XCR0_SSE    (1ull << 1)
#define XCR0_AVX    (1ull << 2)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM: all three or none */

/* The segments the payload runs with: selector = GDT index * 8. The GDT in guest memory is
 * encoded from these same values (gdt_descriptor), so the two cannot disagree. */
static const struct kvm_segment seg_code = {
	.selector = 0x08, .limit = 0xffffffff, .type = 0xb, /* execute/read, accessed */
	.present = 1, .s = 1, .l = 1, .g = 1,
};
static const struct kvm_segment seg_data = {
	.selector = 0x10, .limit = 0xffffffff, .type = 0x3, /* read/write, accessed */
	.present = 1, .s = 1, .db = 1, .g = 1,
};
#define TSS_SELECTOR 0x18 /* a 64-bit TSS descriptor takes two GDT slots: 3 and 4 */
#define TSS_LIMIT    0x67 /* the 104-byte 64-bit TSS */
#define TSS_IST1     0x24 /* byte offset of IST1 in the 64-bit TSS */

static struct kvm_segment seg_tss(void)
{
	return (struct kvm_segment){
		.selector = TSS_SELECTOR, .base = ARCH_IPA(ARCH_TSS), .limit = TSS_LIMIT,
		.type = 0xb, /* 64-bit TSS, busy: what a loaded TR holds */
		.present = 1,
	};
}

/* The 8-byte descriptor of a segment (Intel SDM Vol. 3A 3.4.5); for a system segment (s = 0)
 * in 64-bit mode the caller adds the upper 8 bytes (base 63:32). */
static uint64_t gdt_descriptor(const struct kvm_segment *s)
{
	uint32_t limit = s->g ? s->limit >> 12 : s->limit;
	uint64_t d = limit & 0xffffull;
	d |= (s->base & 0xffffffull) << 16;
	d |= (uint64_t)(s->type & 0xf) << 40;
	d |= (uint64_t)(s->s & 1) << 44;
	d |= (uint64_t)(s->dpl & 3) << 45;
	d |= (uint64_t)(s->present & 1) << 47;
	d |= (uint64_t)((limit >> 16) & 0xf) << 48;
	d |= (uint64_t)(s->avl & 1) << 52;
	d |= (uint64_t)(s->l & 1) << 53;
	d |= (uint64_t)(s->db & 1) << 54;
	d |= (uint64_t)(s->g & 1) << 55;
	d |= ((s->base >> 24) & 0xffull) << 56;
	return d;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* The PAT/PCD/PWT bits of a 2 MiB PDE that select the first pat_layout entry of type; false when
 * the layout has none. */
static bool pde_type_bits(uint8_t type, uint64_t *bits)
{
	for (unsigned i = 0; i < 8; i++) {
		if (pat_layout[i] != type)
			continue;
		*bits = (i & 1 ? PTE_PWT : 0) | (i & 2 ? PTE_PCD : 0) | (i & 4 ? PDE_PAT : 0);
		return true;
	}
	return false;
}

static uint64_t pat_msr_value(void)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)pat_layout[i] << (8 * i);
	return v;
}

/* A guest-physical region the payload may touch, identity-mapped with 2 MiB pages. */
struct map_region {
	const char *what;
	uint64_t ipa, size;
	uint8_t type;
};

static int map_region(uint8_t *arch, const struct map_region *r, char *err)
{
	uint64_t bits;
	if (!pde_type_bits(r->type, &bits)) {
		snprintf(err, VM_ERR_LEN, "vm: PAT type 0x%x of the %s region is not in the PAT layout",
			 r->type, r->what);
		return -EINVAL;
	}
	if (r->ipa % PAGE_2M || r->ipa + r->size > 4ull << 30 || r->ipa < 1ull << 30) {
		snprintf(err, VM_ERR_LEN, "vm: the %s region 0x%llx+0x%llx is outside 1..4 GiB",
			 r->what, (unsigned long long)r->ipa, (unsigned long long)r->size);
		return -EINVAL;
	}
	for (uint64_t a = r->ipa; a < r->ipa + r->size; a += PAGE_2M) {
		uint64_t gib = a >> 30, idx = (a >> 21) & 511;
		put64(arch + ARCH_PD(gib) + 8 * idx, a | bits | PTE_P | PTE_RW | PTE_PS | PTE_A | PTE_D);
	}
	return 0;
}

int vm_arch_tables(struct vm *vm, char *err)
{
	if (!vm->s1) {
		snprintf(err, VM_ERR_LEN, "vm: no stage-1 type");
		return -EINVAL;
	}
	if (vm->window_len > VM_TARGET_MAX) {
		snprintf(err, VM_ERR_LEN, "vm: a window of %zu bytes is more than the %llu the VM maps",
			 vm->window_len, (unsigned long long)VM_TARGET_MAX);
		return -EINVAL;
	}
	uint8_t *arch = vm->ram + VM_ARCH_OFF;
	memset(arch, 0, VM_ARCH_SIZE);

	/* PML4[0] -> PDPT; PDPT[1..3] -> the page directories of GiB 1..3. PDPT[0] stays empty:
	 * nothing below 1 GiB, so a null pointer faults. */
	const uint64_t table = PTE_P | PTE_RW | PTE_A;
	put64(arch + ARCH_PML4, ARCH_IPA(ARCH_PDPT) | table);
	for (uint64_t gib = 1; gib < 4; gib++)
		put64(arch + ARCH_PDPT + 8 * gib, ARCH_IPA(ARCH_PD(gib)) | table);

	/* The window rounded up to whole 2 MiB pages; a stray access beyond that faults (#PF,
	 * CR2 says where) instead of leaving the VM as an unexpected MMIO exit. */
	const struct map_region regions[] = {
		{ .what = "RAM", .ipa = VM_RAM_IPA, .size = VM_RAM_SIZE, .type = PAT_WB },
		{ .what = "target", .ipa = VM_TARGET_IPA,
		  .size = (vm->window_len + PAGE_2M - 1) & ~(PAGE_2M - 1), .type = (uint8_t)vm->s1->attr },
		{ .what = "report", .ipa = VM_REPORT_IPA, .size = PAGE_2M, .type = PAT_UC },
	};
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
		int rc = map_region(arch, &regions[i], err);
		if (rc)
			return rc;
	}

	/* GDT: null, code, data, TSS (two slots). */
	struct kvm_segment tss = seg_tss();
	put64(arch + ARCH_GDT + seg_code.selector, gdt_descriptor(&seg_code));
	put64(arch + ARCH_GDT + seg_data.selector, gdt_descriptor(&seg_data));
	put64(arch + ARCH_GDT + TSS_SELECTOR, gdt_descriptor(&tss));
	put64(arch + ARCH_GDT + TSS_SELECTOR + 8, tss.base >> 32);
	/* Every exception runs on its own stack (IST1, set by the payload's IDT gates): a fault
	 * with a broken RSP still reaches the mailbox instead of becoming a triple fault. */
	put64(arch + ARCH_TSS + TSS_IST1, ARCH_IPA(ARCH_IST_TOP));

	vm->mb->mair = pat_msr_value();
	vm->mb->ttbr0 = ARCH_IPA(ARCH_PML4);
	vm->mb->tcr = 0;
	vm->mb->sctlr = 0;
	return 0;
}

/* KVM_GET_SUPPORTED_CPUID into a buffer that grows until it fits (E2BIG). */
static struct kvm_cpuid2 *supported_cpuid(int kvm_fd, char *err)
{
	for (unsigned n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c) {
			snprintf(err, VM_ERR_LEN, "vm: out of memory");
			return NULL;
		}
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		int e = errno;
		free(c);
		if (e != E2BIG) {
			snprintf(err, VM_ERR_LEN, "vm: KVM_GET_SUPPORTED_CPUID: %s", strerror(e));
			errno = e;
			return NULL;
		}
	}
	snprintf(err, VM_ERR_LEN, "vm: KVM_GET_SUPPORTED_CPUID: more than 4096 entries");
	errno = E2BIG;
	return NULL;
}

static const struct kvm_cpuid_entry2 *cpuid_leaf(const struct kvm_cpuid2 *c, uint32_t fn,
						 uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn && c->entries[i].index == index)
			return &c->entries[i];
	return NULL;
}

/* XCR0 for the payload: x87 and SSE always, AVX and the AVX-512 state when KVM offers them
 * (CPUID leaf 0xD sub-leaf 0: the XCR0 bits that may be set), so the wide kernels run. */
static uint64_t xcr0_for(const struct kvm_cpuid2 *c)
{
	const struct kvm_cpuid_entry2 *d = cpuid_leaf(c, 0xd, 0);
	uint64_t supported = d ? ((uint64_t)d->edx << 32 | d->eax) : 0;
	uint64_t xcr0 = XCR0_X87 | XCR0_SSE;
	if (supported & XCR0_AVX) {
		xcr0 |= XCR0_AVX;
		if ((supported & XCR0_AVX512) == XCR0_AVX512)
			xcr0 |= XCR0_AVX512;
	}
	return xcr0;
}

static int fail(char *err, const char *what)
{
	int e = errno;
	snprintf(err, VM_ERR_LEN, "vm: %s: %s", what, strerror(e));
	return -e;
}

int vm_arch_vcpu_setup(struct vm *vm, char *err)
{
	struct kvm_cpuid2 *cpuid = supported_cpuid(vm->kvm_fd, err);
	if (!cpuid)
		return -errno;
	if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
		int rc = fail(err, "KVM_SET_CPUID2");
		free(cpuid);
		return rc;
	}
	const struct kvm_cpuid_entry2 *leaf1 = cpuid_leaf(cpuid, 1, 0);
	const struct kvm_cpuid_entry2 *ext1 = cpuid_leaf(cpuid, 0x80000001, 0);
	bool xsave = leaf1 && (leaf1->ecx & (1u << 26)); /* CPUID.1:ECX.XSAVE */
	bool rdtscp = ext1 && (ext1->edx & (1u << 27)); /* CPUID.80000001H:EDX.RDTSCP */
	uint64_t xcr0 = xcr0_for(cpuid);
	free(cpuid);
	/* The payload times its rounds with RDTSCP (kernels/timestamp.h): without it every round
	 * would end in #UD or, on some KVMs, an emulation failure. Say so once, here. */
	if (!rdtscp) {
		snprintf(err, VM_ERR_LEN, "vm: this KVM does not offer RDTSCP to its guests "
			 "(KVM_GET_SUPPORTED_CPUID 0x80000001:EDX bit 27), and the payload times with it");
		return -ENOTSUP;
	}

	struct kvm_sregs sregs;
	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return fail(err, "KVM_GET_SREGS");
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_PG;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | (xsave ? CR4_OSXSAVE : 0);
	sregs.efer = EFER_LME | EFER_LMA;
	sregs.cr3 = vm->mb->ttbr0;
	sregs.cs = seg_code;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = seg_data;
	sregs.tr = seg_tss();
	sregs.ldt = (struct kvm_segment){ .type = 0x2, .unusable = 1 };
	sregs.gdt = (struct kvm_dtable){ .base = ARCH_IPA(ARCH_GDT), .limit = TSS_SELECTOR + 16 - 1 };
	sregs.idt = (struct kvm_dtable){ .base = 0, .limit = 0 }; /* the payload loads its own */
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return fail(err, "KVM_SET_SREGS (64-bit long mode)");

	/* KVM_SET_MSRS returns how many of the entries it set. */
	const struct kvm_msr_entry msr_values[] = {
		{ .index = MSR_IA32_PAT, .data = vm->mb->mair },
		{ .index = MSR_IA32_MTRR_DEF_TYPE, .data = MTRR_DEF_TYPE_E | PAT_WB },
	};
	const size_t nmsrs = sizeof(msr_values) / sizeof(msr_values[0]);
	struct kvm_msrs *msrs = calloc(1, sizeof(*msrs) + sizeof(msr_values));
	if (!msrs) {
		snprintf(err, VM_ERR_LEN, "vm: out of memory");
		return -ENOMEM;
	}
	msrs->nmsrs = nmsrs;
	memcpy(msrs->entries, msr_values, sizeof(msr_values));
	int set = ioctl(vm->vcpu_fd, KVM_SET_MSRS, msrs);
	int e = errno;
	free(msrs);
	if (set < 0) {
		errno = e;
		return fail(err, "KVM_SET_MSRS");
	}
	if ((size_t)set != nmsrs) {
		snprintf(err, VM_ERR_LEN, "vm: KVM_SET_MSRS refused MSR 0x%x (value 0x%llx)",
			 msr_values[set].index, (unsigned long long)msr_values[set].data);
		return -EINVAL;
	}

	if (xsave) {
		struct kvm_xcrs xcrs = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = xcr0 } } };
		if (ioctl(vm->vcpu_fd, KVM_SET_XCRS, &xcrs) < 0)
			return fail(err, "KVM_SET_XCRS");
	}

	struct kvm_regs regs = {
		.rip = VM_RAM_IPA,
		.rsp = VM_RAM_IPA + VM_STACK_TOP,
		.rdi = VM_RAM_IPA + VM_MAILBOX_OFF,
		.rflags = 2, /* bit 1 is always set; IF clear: nothing may interrupt */
	};
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return fail(err, "KVM_SET_REGS");
	return 0;
}

/* The exception vectors (Intel SDM Vol. 3A, Table 6-1). has_error: the CPU pushes an error code
 * (start.S pushes a dummy 0 for the others: the same list, in its macro). */
static const struct {
	const char *name;
	bool has_error;
} exception_names[32] = {
	[0] = { "#DE divide error", false },
	[1] = { "#DB debug", false },
	[2] = { "NMI", false },
	[3] = { "#BP breakpoint", false },
	[4] = { "#OF overflow", false },
	[5] = { "#BR bound range exceeded", false },
	[6] = { "#UD invalid opcode", false },
	[7] = { "#NM device not available", false },
	[8] = { "#DF double fault", true },
	[9] = { "coprocessor segment overrun", false },
	[10] = { "#TS invalid TSS", true },
	[11] = { "#NP segment not present", true },
	[12] = { "#SS stack-segment fault", true },
	[13] = { "#GP general protection", true },
	[14] = { "#PF page fault", true },
	[16] = { "#MF x87 floating-point error", false },
	[17] = { "#AC alignment check", true },
	[18] = { "#MC machine check", false },
	[19] = { "#XM SIMD floating-point exception", false },
	[20] = { "#VE virtualization exception", false },
	[21] = { "#CP control protection", true },
	[28] = { "#HV hypervisor injection", false },
	[29] = { "#VC VMM communication", true },
	[30] = { "#SX security exception", true },
};

/* "(write, not present)": the page-fault error code's bits (Intel SDM Vol. 3A 4.7). */
static void pf_error_text(uint64_t e, char *buf, size_t n)
{
	snprintf(buf, n, " (%s, %s%s%s%s%s%s)", e & (1u << 4) ? "instruction fetch" :
		 e & (1u << 1) ? "write" : "read",
		 e & 1 ? "protection violation" : "not present", e & (1u << 2) ? ", user" : "",
		 e & (1u << 3) ? ", reserved bit set" : "", e & (1u << 5) ? ", protection key" : "",
		 e & (1u << 6) ? ", shadow stack" : "", e & (1u << 15) ? ", SGX" : "");
}

/* "(IDT entry 13)": a selector error code (Intel SDM Vol. 3A 6.13); nothing for 0. */
static void selector_error_text(uint64_t e, char *buf, size_t n)
{
	static const char *const table[] = { "GDT", "IDT", "LDT", "IDT" };
	if (e == 0)
		buf[0] = 0;
	else
		snprintf(buf, n, " (%s entry %llu%s)", table[(e >> 1) & 3],
			 (unsigned long long)((e >> 3) & 0x1fff), e & 1 ? ", external" : "");
}

bool vm_arch_exception(const struct vm_mailbox *mb, char *buf, size_t n)
{
	uint32_t v = mb->exc_vector;
	uint64_t e = mb->exc_syndrome;
	const char *name = v < 32 ? exception_names[v].name : NULL;
	char vec[48], detail[96] = "", cr2[40] = "";
	if (!name)
		snprintf(vec, sizeof(vec), "exception vector %u (%s)", v,
			 v < 32 ? "reserved" : "not an exception");
	else
		snprintf(vec, sizeof(vec), "%s", name);
	if (v < 32 && exception_names[v].has_error) {
		char why[80] = "";
		if (v == 14)
			pf_error_text(e, why, sizeof(why));
		else if (v >= 10 && v <= 13)
			selector_error_text(e, why, sizeof(why));
		snprintf(detail, sizeof(detail), ", error 0x%llx%s", (unsigned long long)e, why);
	}
	if (v == 14)
		snprintf(cr2, sizeof(cr2), ", CR2 0x%llx", (unsigned long long)mb->exc_addr);
	snprintf(buf, n, "%s%s%s, RIP 0x%llx", vec, detail, cr2, (unsigned long long)mb->exc_pc);
	return false; /* x86 has no timing-free probe of the effective type */
}
#endif
