/*
 * PCI devices as sysfs shows them: BDF parsing, driver, IOMMU group, BARs (the `resource` file),
 * the COMMAND register. Every path starts at the sysfs root, "/sys" unless $WCBENCH_SYSFS_ROOT
 * (or pcisys_set_root) names another tree: tests use a fake one.
 * Functions return 0 or -errno; where they take err, they write one line naming the object and
 * the cause into it (errlen bytes).
 */
#ifndef WCBENCH_PCISYS_H
#define WCBENCH_PCISYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_BDF_LEN 16    /* "0000:00:03.0" + NUL, rounded up */
#define PCI_NUM_BARS 6

/* linux/ioport.h resource flags, as printed in the sysfs `resource` file */
#define PCI_RES_IO       0x00000100UL
#define PCI_RES_MEM      0x00000200UL
#define PCI_RES_PREFETCH 0x00002000UL
#define PCI_RES_MEM_64   0x00100000UL

#define PCI_CMD_MEMORY   0x2      /* COMMAND bit 1: memory space decoding */

struct pci_bar {
	uint64_t start, end, flags;
	uint64_t size;            /* 0: the BAR is not implemented */
};

struct pci_dev_info {
	char bdf[PCI_BDF_LEN];    /* canonical: 0000:00:03.0 */
	unsigned vendor, device;
	unsigned class_code;      /* 0x050000 */
	char driver[64];          /* "" when no driver is bound */
	int iommu_group;          /* -1 when the device has none */
	struct pci_bar bar[PCI_NUM_BARS];
	bool command_known;       /* the config file could be read */
	uint16_t command;
	char vfio_cdev[32];       /* "vfio3" when the kernel offers /dev/vfio/devices/vfio3, else "" */
};

/* The sysfs root in use ("/sys" by default). */
const char *pcisys_root(void);
/* Use another root (NULL: back to $WCBENCH_SYSFS_ROOT or "/sys"). */
void pcisys_set_root(const char *root);

/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) into the canonical lower-case form.
 * Returns 0 or -EINVAL. */
int pci_bdf_parse(const char *s, char out[PCI_BDF_LEN]);

/* Parse "barN" (N 0-5) or "N". Returns the index or -EINVAL (-ERANGE for a number past 5). */
int pci_bar_parse(const char *s);

/* snprintf a path under <root>/bus/pci/devices/<bdf>/<leaf>. */
int pci_dev_path(char *out, size_t n, const char *bdf, const char *leaf);

/* Read everything above for bdf (canonical). -ENODEV with a message when the device is absent. */
int pci_dev_read(const char *bdf, struct pci_dev_info *info, char *err, size_t errlen);

/* Memory decoding on? false when unknown too (callers check command_known). */
static inline bool pci_mem_decoding(const struct pci_dev_info *info)
{
	return info->command_known && (info->command & PCI_CMD_MEMORY);
}

/*
 * Is IOMMU group `group` viable for vfio, i.e. is every device in it bound to vfio-pci, to
 * pci-stub, unbound, or a bridge? Returns 0, or -EBUSY with "group 7 is not viable: 0000:00:03.1
 * in the same group is bound to e1000e: ..." in err; -ENOENT when the group does not exist.
 */
int pci_group_viable(int group, char *err, size_t errlen);

/* Does <dev>/resourceN (wc: resourceN_wc) exist? */
bool pci_resource_exists(const char *bdf, int bar, bool wc);

/* Human size: "4 MiB", "256 B". */
const char *pci_size_str(uint64_t bytes, char *buf, size_t n);
#endif
