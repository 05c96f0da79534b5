/* bench/targets/: the kinds' flags as callers ask them (target_kind_find, target_kind_flags). */
#include <string.h>

#include "check.h"
#include "targets/target.h"
#include "targets/kinds.h"

void test_target_flags(void)
{
	static const struct {
		const char *kind;
		unsigned flags;
		enum target_vma vma;
	} want[] = {
		{ "ram", TARGET_MEMORY | TARGET_READS_OUTSIDE_OK | TARGET_ALLOCATED, TARGET_VMA_MEMORY },
		{ "file", TARGET_MEMORY | TARGET_READS_OUTSIDE_OK, TARGET_VMA_MEMORY },
		{ "vfio", TARGET_PCI_BAR, TARGET_VMA_VFIO },
		{ "sysfs", TARGET_PCI_BAR, TARGET_VMA_SYSFS },
		{ "sysfs-wc", TARGET_PCI_BAR | TARGET_PCI_BAR_WC_FILE, TARGET_VMA_SYSFS_WC },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct target_ops *ops = target_kind_find(want[i].kind);
		CHECK(ops && !strcmp(ops->kind, want[i].kind) && ops->flags == want[i].flags &&
			      ops->vma == want[i].vma && target_kind_flags(want[i].kind) == want[i].flags,
		      "targets: %s has its flags and host mapping", want[i].kind);
	}
	CHECK(target_kind_find("ram:hugetlb") == NULL && target_kind_find("") == NULL &&
		      target_kind_find("RAM") == NULL,
	      "targets: a kind is found by its exact name only (not a spec, not another case)");
	CHECK(target_kind_flags("ivshmem") == 0 && target_kind_flags("") == 0,
	      "targets: a kind no target has (a CSV row's) has no flags: taken as a device");

	/* the BAR paths check tries for BDF:barN, in the table's order */
	const char *bars[4];
	unsigned nbars = 0;
	for (size_t i = 0; i < target_kind_count && nbars < 4; i++)
		if (target_kinds[i]->flags & TARGET_PCI_BAR)
			bars[nbars++] = target_kinds[i]->kind;
	CHECK(nbars == 3 && !strcmp(bars[0], "vfio") && !strcmp(bars[1], "sysfs") && !strcmp(bars[2], "sysfs-wc"),
	      "targets: the PCI BAR paths are vfio, sysfs, sysfs-wc, in that order");

	struct target t = { .ops = NULL };
	CHECK(!target_has(&t, TARGET_MEMORY) && !target_has(&t, 0), "targets: a target not probed has no flags");
	t.ops = target_kind_find("ram");
	CHECK(target_has(&t, TARGET_MEMORY | TARGET_ALLOCATED) && !target_has(&t, TARGET_MEMORY | TARGET_PCI_BAR),
	      "targets: target_has wants every flag asked");
}
