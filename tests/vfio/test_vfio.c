/* Unit checks of vfio/pcisys.c and vfio_check() against a fake sysfs tree that tests/t_vfio.sh
 * builds (argv[1] is its root). Prints "ok - NAME" / "not ok - NAME: why". */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pcisys.h"
#include "vfio.h"

static int failures;

static void check(int cond, const char *name, const char *why)
{
	if (cond)
		printf("ok - %s\n", name);
	else {
		printf("not ok - %s: %s\n", name, why);
		failures++;
	}
}

static void bdf_ok(const char *in, const char *want)
{
	char out[PCI_BDF_LEN] = "", name[96];
	int rc = pci_bdf_parse(in, out);
	snprintf(name, sizeof name, "pci_bdf_parse(\"%s\") = %s", in, want);
	check(rc == 0 && !strcmp(out, want), name, out);
}

static void bdf_bad(const char *in)
{
	char out[PCI_BDF_LEN] = "", name[96];
	snprintf(name, sizeof name, "pci_bdf_parse(\"%s\") is -EINVAL", in);
	check(pci_bdf_parse(in, out) == -EINVAL, name, out);
}

static void bar(const char *in, int want)
{
	char name[96], got[32];
	int rc = pci_bar_parse(in);
	snprintf(name, sizeof name, "pci_bar_parse(\"%s\") = %d", in, want);
	snprintf(got, sizeof got, "%d", rc);
	check(rc == want, name, got);
}

int main(int argc, char **argv)
{
	char err[VFIO_ERR_LEN], sz[32];
	if (argc != 2) {
		fprintf(stderr, "usage: %s FAKE_SYSFS_ROOT\n", argv[0]);
		return 2;
	}
	bdf_ok("0000:00:03.0", "0000:00:03.0");
	bdf_ok("00:03.0", "0000:00:03.0");
	bdf_ok("0001:0A:1F.7", "0001:0a:1f.7");
	bdf_bad("0000:00:20.0");
	bdf_bad("00:03.8");
	bdf_bad("0:0:3.0");
	bdf_bad("");
	bdf_bad("0000:00:03.0x");
	bdf_bad("zz:00.0");
	bdf_bad("@dev");
	bar("bar2", 2);
	bar("0", 0);
	bar("bar5", 5);
	bar("bar7", -ERANGE);
	bar("bar", -EINVAL);
	bar("barx", -EINVAL);
	bar("bar-1", -EINVAL);
	check(!strcmp(pci_size_str(4 << 20, sz, sizeof sz), "4 MiB"), "pci_size_str 4 MiB", sz);
	check(!strcmp(pci_size_str(256, sz, sizeof sz), "256 B"), "pci_size_str 256 B", sz);

	pcisys_set_root(argv[1]);
	struct pci_dev_info info;
	int rc = pci_dev_read("0000:00:03.0", &info, err, sizeof err);
	check(rc == 0, "pci_dev_read finds the fake device", err);
	check(info.vendor == 0x1af4 && info.device == 0x1110, "vendor and device read", "wrong ids");
	check(info.class_code == 0x050000, "class read", "wrong class");
	check(!strcmp(info.driver, "vfio-pci"), "driver from the driver link", info.driver);
	check(info.iommu_group == 7, "IOMMU group from the iommu_group link", "wrong group");
	check(info.bar[0].size == 256 && !(info.bar[0].flags & PCI_RES_PREFETCH), "BAR 0: 256 B, not prefetchable", "");
	check(info.bar[2].size == 1 << 20 && (info.bar[2].flags & PCI_RES_PREFETCH) &&
	      (info.bar[2].flags & PCI_RES_MEM_64), "BAR 2: 1 MiB, prefetchable, 64-bit", "");
	check(info.bar[3].size == 0, "BAR 3 (upper half) is not implemented", "");
	check(pci_mem_decoding(&info), "COMMAND register: memory decoding on", "");
	check(pci_resource_exists("0000:00:03.0", 2, true) && !pci_resource_exists("0000:00:03.0", 0, true),
	      "resource2_wc exists, resource0_wc does not", "");

	rc = pci_dev_read("0000:00:1e.7", &info, err, sizeof err);
	check(rc == -ENODEV && strstr(err, "no PCI device 0000:00:1e.7"), "absent device: -ENODEV and says so", err);

	rc = pci_dev_read("0000:00:04.0", &info, err, sizeof err);
	check(rc == 0 && info.command_known && !pci_mem_decoding(&info), "device with decoding off seen as such", err);

	rc = pci_group_viable(7, err, sizeof err);
	check(rc == -EBUSY && strstr(err, "group 7 is not viable: 0000:00:03.1 in the same group is bound to e1000e"),
	      "group 7 not viable: names the device and its driver", err);
	rc = pci_group_viable(9, err, sizeof err);
	check(rc == 0, "group 9 (vfio-pci, a bridge on pcieport, an unbound device) is viable", err);
	rc = pci_group_viable(42, err, sizeof err);
	check(rc == -ENOENT, "absent group: -ENOENT", err);

	pci_dev_read("0000:00:03.1", &info, err, sizeof err);
	rc = vfio_check(&info, err, sizeof err);
	check(rc == -EBUSY && strstr(err, "0000:00:03.1 is bound to e1000e: bind it to vfio-pci first"),
	      "vfio_check: bound to a host driver", err);
	pci_dev_read("0000:00:04.0", &info, err, sizeof err);
	rc = vfio_check(&info, err, sizeof err);
	check(rc == -ENXIO && strstr(err, "is not bound to any driver: bind it to vfio-pci first"),
	      "vfio_check: unbound device", err);
	pci_dev_read("0000:00:03.0", &info, err, sizeof err);
	rc = vfio_check(&info, err, sizeof err);
	check(rc == -EBUSY && strstr(err, "group 7 is not viable"), "vfio_check: non-viable group", err);
	pci_dev_read("0000:00:05.0", &info, err, sizeof err);
	rc = vfio_check(&info, err, sizeof err);
	check(rc == -ENODEV && strstr(err, "has no IOMMU group"), "vfio_check: no IOMMU group", err);

	return failures ? 1 : 0;
}
