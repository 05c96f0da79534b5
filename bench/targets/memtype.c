#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "targets/memtype.h"
#include "core/fault.h"
#include "kernels.h"

const char *memclass_name(enum memclass c)
{
	return c == MEMCLASS_DEVICE ? "Device" : c == MEMCLASS_NORMAL ? "Normal" : "";
}

enum memclass memclass_of(const char *mt)
{
	if (!mt)
		return MEMCLASS_UNKNOWN;
	if (!strncmp(mt, "Device", 6) || !strcmp(mt, "UC") || !strcmp(mt, "UC-"))
		return MEMCLASS_DEVICE;
	if (!strncmp(mt, "Normal", 6) || !strcmp(mt, "WB") || !strcmp(mt, "WC") || !strcmp(mt, "WT"))
		return MEMCLASS_NORMAL;
	return MEMCLASS_UNKNOWN;
}

bool memtype_probe_risks_vm(const struct target *t, bool under_hypervisor)
{
	return memtype_probe_available() && under_hypervisor && t->device[0] &&
	       memclass_of(t->memtype) == MEMCLASS_NORMAL;
}

#if defined(__aarch64__)
struct unaligned_store {
	volatile uint8_t *addr;
	uint64_t value;
};

/* One 8-byte STR to an address that is 1 mod 8: the compiler must not split or align it, so it
 * is written in assembly. */
static void store_unaligned(void *arg)
{
	const struct unaligned_store *u = arg;
	__asm__ volatile("str %x0, [%1]" : : "r"(u->value), "r"(u->addr) : "memory");
}

bool memtype_probe_available(void)
{
	return true;
}

int memtype_probe(struct target *t, struct memtype_probe *p)
{
	memset(p, 0, sizeof *p);
	if (!t->base || t->win_len < 16) {
		snprintf(p->how, sizeof p->how, "not probed: %s", t->base ? "the window is shorter than 16 bytes"
									: "the target is not mapped");
		return 0;
	}
	struct unaligned_store u = { .addr = t->base + t->win_off + 1 };
	memcpy(&u.value, store_pattern, sizeof u.value);
	struct fault_info fi;
	int sig = fault_call(store_unaligned, &u, &fi);
	p->probed = true;
	if (!sig) {
		p->effective = MEMCLASS_NORMAL;
		snprintf(p->how, sizeof p->how,
			 "unaligned 8-byte STR at window+1: completed, no alignment fault: Normal memory "
			 "(NC or WB: this probe cannot tell them apart)");
	} else if (sig == SIGBUS && fi.code == BUS_ADRALN) {
		p->effective = MEMCLASS_DEVICE;
		snprintf(p->how, sizeof p->how,
			 "unaligned 8-byte STR at window+1: SIGBUS BUS_ADRALN, an alignment fault: Device "
			 "memory (Arm ARM: every unaligned access to Device memory faults)");
	} else {
		char d[120];
		fault_describe(&fi, d, sizeof d);
		p->probed = false;
		snprintf(p->how, sizeof p->how,
			 "unaligned 8-byte STR at window+1: %s, not an alignment fault: type not decided", d);
	}
	return 0;
}
#else
bool memtype_probe_available(void)
{
	return false;
}

int memtype_probe(struct target *t, struct memtype_probe *p)
{
	(void)t;
	memset(p, 0, sizeof *p);
	snprintf(p->how, sizeof p->how,
		 "not probed: %s has no timing-free probe of the memory type (unaligned stores never "
		 "fault on UC or WC); the evidence is the PAT type and the timing fingerprint",
		 wc_arch_name(wc_build_arch()));
	return 0;
}
#endif
