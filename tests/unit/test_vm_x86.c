/*
 * The x86_64 side of the VMM (bench/vm/arch_x86_64.c) where no KVM is needed: the page tables it
 * writes into guest RAM, walked here as the CPU would (Intel SDM Vol. 3A 4.5, 4-level paging),
 * the PAT entry each mapping selects (SDM 11.12.3), and the exception decoder's lines. The
 * expected memory type encodings are the SDM's (Table 11-10), not read from the code under test.
 */
#include <stdio.h>

#include "check.h"

#if defined(__x86_64__)
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/vmm.h"

/* PAT memory type encodings, Intel SDM Vol. 3A Table 11-10; 2, 3 and 8..255 are reserved. */
static const struct { const char *memtype; uint8_t code; } sdm_pat_types[] = {
	{ "UC", 0x00 }, { "WC", 0x01 }, { "WT", 0x04 }, { "WP", 0x05 }, { "WB", 0x06 }, { "UC-", 0x07 },
};

static int sdm_code(const char *memtype)
{
	for (size_t i = 0; i < sizeof(sdm_pat_types) / sizeof(sdm_pat_types[0]); i++)
		if (!strcmp(sdm_pat_types[i].memtype, memtype))
			return sdm_pat_types[i].code;
	return -1;
}

struct walk {
	bool present;
	uint64_t pa;
	bool writable;
	unsigned pat_index; /* PAT * 4 + PCD * 2 + PWT of the leaf */
	const char *why;    /* where the walk stopped */
};

/* Read one 8-byte entry of the table at guest-physical table_ipa; tables must lie in guest RAM. */
static bool read_entry(const uint8_t *ram, uint64_t table_ipa, unsigned idx, uint64_t *e)
{
	if (table_ipa % 4096 || table_ipa < VM_RAM_IPA || table_ipa + 4096 > VM_RAM_IPA + VM_RAM_SIZE)
		return false;
	memcpy(e, ram + (table_ipa - VM_RAM_IPA) + 8 * idx, sizeof(*e));
	return true;
}

#define ADDR_MASK 0x000ffffffffff000ull

static struct walk walk(const uint8_t *ram, uint64_t cr3, uint64_t va)
{
	struct walk w = { 0 };
	uint64_t table = cr3 & ADDR_MASK, e = 0;
	bool rw = true;
	static const char *const level_name[] = { "PML4", "PDPT", "PD", "PT" };
	for (int level = 0; level < 4; level++) {
		unsigned idx = (va >> (39 - 9 * level)) & 511;
		if (!read_entry(ram, table, idx, &e)) {
			w.why = "a table outside guest RAM";
			return w;
		}
		if (!(e & 1)) {
			w.why = level_name[level];
			return w;
		}
		rw = rw && (e & 2);
		bool leaf = level == 3 || ((level == 1 || level == 2) && (e & 0x80));
		if (leaf) {
			unsigned shift = 39 - 9 * level;
			/* the PAT bit: bit 7 in a 4 KiB PTE, bit 12 in a large page */
			unsigned pat = level == 3 ? (e >> 7) & 1 : (e >> 12) & 1;
			uint64_t base_mask = ADDR_MASK & ~((1ull << shift) - 1);
			w.present = true;
			w.pa = (e & base_mask) | (va & ((1ull << shift) - 1));
			w.writable = rw;
			w.pat_index = pat << 2 | ((e >> 4) & 1) << 1 | ((e >> 3) & 1);
			return w;
		}
		table = e & ADDR_MASK;
	}
	w.why = "no leaf";
	return w;
}

static int pat_entry(uint64_t pat_msr, unsigned idx)
{
	return (int)((pat_msr >> (8 * idx)) & 0xff);
}

/* The type a guest access to va gets from stage 1, or -1 when it is not mapped (identity). */
static int mapped_type(const uint8_t *ram, const struct vm_mailbox *mb, uint64_t va, bool *ok)
{
	struct walk w = walk(ram, mb->ttbr0, va);
	*ok = w.present && w.pa == va && w.writable;
	return w.present ? pat_entry(mb->mair, w.pat_index) : -1;
}

static void test_stage1_table(void)
{
	CHECK(stage1_type_count == 4, "x86 stage1: 4 types (%zu)", stage1_type_count);
	static const char *const want[] = { "uc", "uc-", "wc", "wb" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct stage1_type *t = NULL;
		for (size_t j = 0; j < stage1_type_count; j++)
			if (!strcmp(stage1_types[j].name, want[i]))
				t = &stage1_types[j];
		CHECK(t != NULL, "x86 stage1: %s is in the table", want[i]);
		if (!t)
			continue;
		CHECK(sdm_code(t->memtype) == (int)t->attr && !t->device && t->desc && *t->desc,
		      "x86 stage1: %s is memtype %s, PAT encoding 0x%x (SDM: %d)", t->name,
		      t->memtype, (unsigned)t->attr, sdm_code(t->memtype));
	}
}

static void test_tables(void)
{
	uint8_t *ram = aligned_alloc(4096, VM_RAM_SIZE);
	if (!ram) {
		CHECK(0, "x86 tables: allocate guest RAM");
		return;
	}
	struct vm vm = { .ram = ram, .mb = (struct vm_mailbox *)(ram + VM_MAILBOX_OFF) };
	char err[VM_ERR_LEN];
	/* windows: one page (rounds up to one 2 MiB page), 3 MiB + a page, the largest */
	static const size_t windows[] = { 4096, (3u << 20) + 4096, VM_TARGET_MAX };
	for (size_t i = 0; i < stage1_type_count; i++) {
		const struct stage1_type *s1 = &stage1_types[i];
		size_t len = windows[i % 3];
		size_t mapped = (len + 0x1fffff) & ~(size_t)0x1fffff;
		memset(ram, 0xa5, VM_RAM_SIZE);
		memset(vm.mb, 0, sizeof(*vm.mb));
		vm.s1 = s1;
		vm.window_len = len;
		err[0] = 0;
		int rc = vm_arch_tables(&vm, err);
		CHECK(rc == 0, "x86 tables for %s, window %zu: built (%s)", s1->name, len, err);
		if (rc)
			continue;
		const struct vm_mailbox *mb = vm.mb;
		bool outside_untouched = true;
		for (size_t b = 0; b < VM_MAILBOX_OFF; b++)
			if ((b < VM_ARCH_OFF || b >= VM_ARCH_OFF + VM_ARCH_SIZE) && ram[b] != 0xa5)
				outside_untouched = false;
		CHECK(outside_untouched, "x86 tables for %s: nothing written outside the arch area",
		      s1->name);
		CHECK(mb->ttbr0 >= VM_RAM_IPA + VM_ARCH_OFF &&
		      mb->ttbr0 < VM_RAM_IPA + VM_ARCH_OFF + VM_ARCH_SIZE,
		      "x86 tables for %s: CR3 0x%llx in the arch area", s1->name,
		      (unsigned long long)mb->ttbr0);
		bool pat_valid = true;
		for (unsigned k = 0; k < 8 && i == 0; k++)
			if (pat_entry(mb->mair, k) == 2 || pat_entry(mb->mair, k) == 3 ||
			    pat_entry(mb->mair, k) > 7)
				pat_valid = false;
		if (i == 0)
			CHECK(pat_valid, "x86 tables: IA32_PAT 0x%016llx has no reserved type",
			      (unsigned long long)mb->mair);

		bool ok;
		int t = mapped_type(ram, mb, VM_TARGET_IPA, &ok);
		CHECK(ok && t == (int)s1->attr, "x86 tables for %s: the window's first byte is %s "
		      "(PAT type 0x%x, want 0x%x), identity, writable", s1->name, s1->memtype, t,
		      (unsigned)s1->attr);
		t = mapped_type(ram, mb, VM_TARGET_IPA + len - 1, &ok);
		CHECK(ok && t == (int)s1->attr, "x86 tables for %s: the window's last byte is %s",
		      s1->name, s1->memtype);
		if (mapped < VM_TARGET_MAX) {
			t = mapped_type(ram, mb, VM_TARGET_IPA + mapped, &ok);
			CHECK(t == -1, "x86 tables for %s: nothing mapped past the window's 2 MiB pages",
			      s1->name);
		}
		t = mapped_type(ram, mb, VM_RAM_IPA, &ok);
		CHECK(ok && t == sdm_code("WB"), "x86 tables for %s: guest RAM is WB", s1->name);
		t = mapped_type(ram, mb, VM_RAM_IPA + VM_RAM_SIZE - 8, &ok);
		CHECK(ok && t == sdm_code("WB"), "x86 tables for %s: the stack's top is WB", s1->name);
		t = mapped_type(ram, mb, VM_RAM_IPA + VM_RAM_SIZE, &ok);
		CHECK(t == -1, "x86 tables for %s: nothing past guest RAM", s1->name);
		t = mapped_type(ram, mb, VM_REPORT_IPA, &ok);
		CHECK(ok && t == sdm_code("UC"), "x86 tables for %s: the report page is UC", s1->name);
		struct walk w = walk(ram, mb->ttbr0, 0);
		CHECK(!w.present && w.why && !strcmp(w.why, "PDPT"),
		      "x86 tables for %s: address 0 is unmapped (stops at %s)", s1->name,
		      w.why ? w.why : "-");
		t = mapped_type(ram, mb, 4ull << 30, &ok);
		CHECK(t == -1, "x86 tables for %s: nothing at 4 GiB", s1->name);
	}

	vm.s1 = &stage1_types[0];
	vm.window_len = VM_TARGET_MAX + 4096;
	err[0] = 0;
	CHECK(vm_arch_tables(&vm, err) == -EINVAL && err[0], "x86 tables: a window over "
	      "VM_TARGET_MAX is refused (%s)", err);
	const struct stage1_type wt = { .name = "wt", .memtype = "WT", .attr = 0x04 };
	vm.s1 = &wt;
	vm.window_len = 4096;
	err[0] = 0;
	CHECK(vm_arch_tables(&vm, err) == -EINVAL && strstr(err, "PAT"),
	      "x86 tables: a type the PAT layout lacks is refused (%s)", err);
	vm.s1 = NULL;
	CHECK(vm_arch_tables(&vm, err) == -EINVAL, "x86 tables: no stage-1 type is refused");
	free(ram);
}

static void check_decode(uint32_t vector, uint64_t error, uint64_t cr2, uint64_t rip,
			 const char *want)
{
	struct vm_mailbox mb = { .exc_vector = vector, .exc_syndrome = error, .exc_addr = cr2,
				 .exc_pc = rip, .exc_count = 1 };
	char buf[200];
	bool probe = vm_arch_exception(&mb, buf, sizeof(buf));
	CHECK(!probe && !strcmp(buf, want), "x86 exception %u: \"%s\" (want \"%s\")", vector, buf,
	      want);
}

static void test_decoder(void)
{
	check_decode(14, 0x2, 0x80000000, 0x40001234,
		     "#PF page fault, error 0x2 (write, not present), CR2 0x80000000, RIP 0x40001234");
	check_decode(14, 0x11, 0xc0200000, 0x40000010, "#PF page fault, error 0x11 "
		     "(instruction fetch, protection violation), CR2 0xc0200000, RIP 0x40000010");
	check_decode(14, 0x0, 0x8, 0x40000020,
		     "#PF page fault, error 0x0 (read, not present), CR2 0x8, RIP 0x40000020");
	check_decode(6, 0, 0x1234, 0x40000100, "#UD invalid opcode, RIP 0x40000100");
	check_decode(13, 0, 0, 0x40000200, "#GP general protection, error 0x0, RIP 0x40000200");
	check_decode(13, 0x6a, 0, 0x40000200,
		     "#GP general protection, error 0x6a (IDT entry 13), RIP 0x40000200");
	check_decode(17, 0, 0, 0x40000300, "#AC alignment check, error 0x0, RIP 0x40000300");
	check_decode(15, 0, 0, 0x40000400, "exception vector 15 (reserved), RIP 0x40000400");
	check_decode(4000000000u, 0, 0, 0x1, "exception vector 4000000000 (not an exception), RIP 0x1");

	/* a short buffer is cut, not overrun (the sanitizer build would see it) */
	struct vm_mailbox mb = { .exc_vector = 14, .exc_syndrome = 0x7f, .exc_addr = ~0ull,
				 .exc_pc = ~0ull };
	char small[9];
	memset(small, 'x', sizeof(small));
	vm_arch_exception(&mb, small, 8);
	CHECK(small[7] == 0 && small[8] == 'x', "x86 exception: a short buffer is cut at its size");
}

void test_vm_x86(void)
{
	test_stage1_table();
	test_tables();
	test_decoder();
}
#else
void test_vm_x86(void)
{
	printf("# the x86_64 VMM is not built for this arch\n");
}
#endif
