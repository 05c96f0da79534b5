/*
 * A small library over the kernel's VFIO UAPI (linux/vfio.h): open a PCI device bound to
 * vfio-pci, read its regions, mmap a BAR, DMA-map RAM for it.
 *
 * Two ways in, chosen by vfio_open:
 *  - cdev + iommufd (Linux 6.6+, when the headers have VFIO_DEVICE_BIND_IOMMUFD):
 *    /dev/vfio/devices/vfioN bound to /dev/iommu, one IOAS;
 *  - group + container: /dev/vfio/vfio with the type1v2 IOMMU (or noiommu when the kernel was
 *    built with VFIO_NOIOMMU and enable_unsafe_noiommu_mode=1), /dev/vfio/<group>.
 * Every function returns 0 or -errno and, where it takes err, writes one line into it that names the
 * object, the cause and, where it can, what to do.
 */
#ifndef WCBENCH_VFIO_H
#define WCBENCH_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcisys.h"

#define VFIO_ERR_LEN 256

enum vfio_path { VFIO_PATH_NONE, VFIO_PATH_GROUP, VFIO_PATH_NOIOMMU, VFIO_PATH_CDEV };

struct vfio_dev {
	char bdf[PCI_BDF_LEN];
	enum vfio_path path;
	int container_fd;       /* group path */
	int group_fd;
	int group;
	int iommufd;            /* cdev path */
	uint32_t ioas_id;
	int device_fd;
	uint32_t num_regions, num_irqs, flags;
	uint64_t next_iova;     /* where vfio_dma_alloc places the next buffer */
};

struct vfio_region {
	unsigned index;
	uint64_t size, offset;  /* offset: the mmap/pread offset on the device fd */
	uint32_t flags;         /* VFIO_REGION_INFO_FLAG_* */
	bool mmap;              /* VFIO_REGION_INFO_FLAG_MMAP */
};

struct vfio_dma {
	void *va;
	size_t len;
	uint64_t iova;          /* the address the device uses */
};

/* Name of the access path ("group", "noiommu", "iommufd"). */
const char *vfio_path_name(enum vfio_path p);

/* Check that bdf (canonical) can be opened through vfio without opening it: bound to vfio-pci,
 * in an IOMMU group, the group viable, the device node present. */
int vfio_check(const struct pci_dev_info *info, char *err, size_t errlen);

/* Open the device. prefer_group: skip the cdev path even when available. */
int vfio_open(struct vfio_dev *d, const char *bdf, bool prefer_group, char *err, size_t errlen);

/* Region (BAR) info: index 0-5 for BARs, 7 for config space. */
int vfio_region_info(struct vfio_dev *d, unsigned index, struct vfio_region *r, char *err,
		     size_t errlen);

/* mmap a BAR's whole region read/write; *len is its size. -ENOTSUP when the BAR has no mmap flag. */
int vfio_map_bar(struct vfio_dev *d, unsigned bar, void **va, size_t *len, char *err, size_t errlen);

/* Read the device's config space through the vfio config region. */
int vfio_config_read(struct vfio_dev *d, unsigned off, void *buf, size_t len);

/* Allocate len bytes of anonymous RAM and map it for device DMA at the next free IOVA. */
int vfio_dma_alloc(struct vfio_dev *d, size_t len, struct vfio_dma *dma, char *err, size_t errlen);
/* Unmap it from the IOMMU and free it. */
int vfio_dma_free(struct vfio_dev *d, struct vfio_dma *dma);

/* Close everything vfio_open opened (safe on a zeroed or half-opened struct after vfio_init). */
void vfio_close(struct vfio_dev *d);
/* Mark every fd unused: call before vfio_open's failure can reach vfio_close. */
void vfio_init(struct vfio_dev *d);
#endif
