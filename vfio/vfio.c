/* VFIO UAPI access: see vfio.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>
#if defined(VFIO_DEVICE_BIND_IOMMUFD) && defined(__has_include)
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#define HAVE_VFIO_CDEV 1
#endif
#endif

#include "vfio.h"

#define IOVA_BASE 0x100000000ULL  /* first IOVA handed out when the IOMMU names no ranges */

const char *vfio_path_name(enum vfio_path p)
{
	switch (p) {
	case VFIO_PATH_GROUP: return "group";
	case VFIO_PATH_NOIOMMU: return "noiommu";
	case VFIO_PATH_CDEV: return "iommufd";
	default: return "none";
	}
}

void vfio_init(struct vfio_dev *d)
{
	memset(d, 0, sizeof *d);
	d->container_fd = d->group_fd = d->iommufd = d->device_fd = -1;
	d->group = -1;
}

void vfio_close(struct vfio_dev *d)
{
	if (d->device_fd >= 0)
		close(d->device_fd);
	if (d->group_fd >= 0)
		close(d->group_fd);
	if (d->container_fd >= 0)
		close(d->container_fd);
	if (d->iommufd >= 0)
		close(d->iommufd);
	vfio_init(d);
}

static bool exists(const char *path)
{
	struct stat st;
	return !stat(path, &st);
}

int vfio_check(const struct pci_dev_info *info, char *err, size_t errlen)
{
	const char *bdf = info->bdf;
	if (strcmp(info->driver, "vfio-pci")) {
		char how[200];
		snprintf(how, sizeof how, "modprobe vfio-pci; echo vfio-pci > /sys/bus/pci/devices/%s/driver_override; "
			 "%secho %s > /sys/bus/pci/drivers_probe", bdf, info->driver[0] ? "echo $BDF > .../driver/unbind; " : "", bdf);
		if (info->driver[0])
			snprintf(err, errlen, "%s is bound to %s: bind it to vfio-pci first (%s)", bdf, info->driver, how);
		else
			snprintf(err, errlen, "%s is not bound to any driver: bind it to vfio-pci first (%s)", bdf, how);
		return info->driver[0] ? -EBUSY : -ENXIO;
	}
	if (info->iommu_group < 0) {
		snprintf(err, errlen, "%s has no IOMMU group: enable the IOMMU (intel_iommu=on / amd_iommu=on, "
			 "the SMMU on arm64; in a QEMU guest -device intel-iommu,intremap=on or -machine iommu=smmuv3)", bdf);
		return -ENODEV;
	}
	int rc = pci_group_viable(info->iommu_group, err, errlen);
	if (rc)
		return rc;
	char node[64], node2[64];
	snprintf(node, sizeof node, "/dev/vfio/%d", info->iommu_group);
	snprintf(node2, sizeof node2, "/dev/vfio/noiommu-%d", info->iommu_group);
	if (info->vfio_cdev[0]) {
		char cdev[64];
		snprintf(cdev, sizeof cdev, "/dev/vfio/devices/%s", info->vfio_cdev);
		if (exists(cdev))
			return 0;
	}
	if (!exists(node) && !exists(node2)) {
		snprintf(err, errlen, "%s: group %d has no device node %s: is the vfio module loaded and /dev populated?",
			 bdf, info->iommu_group, node);
		return -ENOENT;
	}
	return 0;
}

static int fail(char *err, size_t errlen, int e, const char *fmt, const char *bdf, const char *what)
{
	snprintf(err, errlen, fmt, bdf, what, strerror(e));
	return -e;
}

static int device_info(struct vfio_dev *d, char *err, size_t errlen)
{
	struct vfio_device_info di = { .argsz = sizeof di };
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_INFO, &di))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_DEVICE_GET_INFO");
	if (!(di.flags & VFIO_DEVICE_FLAGS_PCI)) {
		snprintf(err, errlen, "%s: the vfio device is not a PCI device", d->bdf);
		return -ENODEV;
	}
	d->num_regions = di.num_regions;
	d->num_irqs = di.num_irqs;
	d->flags = di.flags;
	return 0;
}

#ifdef HAVE_VFIO_CDEV
/* cdev + iommufd. Returns -ENOENT when the kernel lacks it (caller falls back to the group path). */
static int open_cdev(struct vfio_dev *d, const struct pci_dev_info *info, char *err, size_t errlen)
{
	char node[64];
	if (!info->vfio_cdev[0])
		return -ENOENT;
	snprintf(node, sizeof node, "/dev/vfio/devices/%s", info->vfio_cdev);
	d->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (d->iommufd < 0)
		return -ENOENT;
	d->device_fd = open(node, O_RDWR | O_CLOEXEC);
	if (d->device_fd < 0)
		return fail(err, errlen, errno, "%s: cannot open %s: %s", d->bdf, node);
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof bind, .iommufd = d->iommufd };
	if (ioctl(d->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_DEVICE_BIND_IOMMUFD");
	struct iommu_ioas_alloc ioas = { .size = sizeof ioas };
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &ioas))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "IOMMU_IOAS_ALLOC");
	d->ioas_id = ioas.out_ioas_id;
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof at, .pt_id = d->ioas_id };
	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	d->path = VFIO_PATH_CDEV;
	return 0;
}
#endif

static int open_group(struct vfio_dev *d, const struct pci_dev_info *info, char *err, size_t errlen)
{
	char node[64];
	bool noiommu = false;
	d->group = info->iommu_group;
	d->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container_fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot open /dev/vfio/vfio (%s): load vfio (modprobe vfio-pci)%s",
			 d->bdf, strerror(e), e == EACCES ? " and run as root" : "");
		return -e;
	}
	if (ioctl(d->container_fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		snprintf(err, errlen, "%s: /dev/vfio/vfio speaks another VFIO API version than %d", d->bdf,
			 VFIO_API_VERSION);
		return -EPROTO;
	}
	snprintf(node, sizeof node, "/dev/vfio/%d", d->group);
	d->group_fd = open(node, O_RDWR | O_CLOEXEC);
	if (d->group_fd < 0 && errno == ENOENT) {
		snprintf(node, sizeof node, "/dev/vfio/noiommu-%d", d->group);
		d->group_fd = open(node, O_RDWR | O_CLOEXEC);
		noiommu = d->group_fd >= 0;
	}
	if (d->group_fd < 0) {
		int e = errno;
		if (e == EBUSY)
			snprintf(err, errlen, "%s: group %d is already open in another process (QEMU? another wcbench?)",
				 d->bdf, d->group);
		else
			snprintf(err, errlen, "%s: cannot open %s: %s%s", d->bdf, node, strerror(e),
				 e == EACCES || e == EPERM ? ": run as root or give your user that device node" : "");
		return -e;
	}
	struct vfio_group_status gs = { .argsz = sizeof gs };
	if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &gs))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_GROUP_GET_STATUS");
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		if (!pci_group_viable(d->group, err, errlen))
			snprintf(err, errlen, "group %d is not viable: every device in it must be bound to vfio-pci "
				 "(ls /sys/kernel/iommu_groups/%d/devices)", d->group, d->group);
		return -EBUSY;
	}
	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->container_fd))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_GROUP_SET_CONTAINER");
	int type;
	if (noiommu)
		type = VFIO_NOIOMMU_IOMMU;
	else if (ioctl(d->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0)
		type = VFIO_TYPE1v2_IOMMU;
	else if (ioctl(d->container_fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0)
		type = VFIO_TYPE1_IOMMU;
	else {
		snprintf(err, errlen, "%s: the kernel offers no type1 IOMMU for vfio: modprobe vfio_iommu_type1", d->bdf);
		return -ENOTSUP;
	}
	if (ioctl(d->container_fd, VFIO_SET_IOMMU, type)) {
		int e = errno;
		if (e == EPERM)
			snprintf(err, errlen, "no interrupt remapping: vfio_iommu_type1 refuses %s (VFIO_SET_IOMMU: %s): "
				 "enable interrupt remapping (intel_iommu=on with intremap; in a QEMU guest "
				 "-device intel-iommu,intremap=on) or, knowing the risk, load vfio_iommu_type1 "
				 "allow_unsafe_interrupts=1", d->bdf, strerror(e));
		else
			snprintf(err, errlen, "%s: VFIO_SET_IOMMU failed: %s", d->bdf, strerror(e));
		return -e;
	}
	d->device_fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device_fd < 0)
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_GROUP_GET_DEVICE_FD");
	d->path = noiommu ? VFIO_PATH_NOIOMMU : VFIO_PATH_GROUP;
	return 0;
}

int vfio_open(struct vfio_dev *d, const char *bdf, bool prefer_group, char *err, size_t errlen)
{
	struct pci_dev_info info;
	vfio_init(d);
	snprintf(d->bdf, sizeof d->bdf, "%s", bdf);
	int rc = pci_dev_read(bdf, &info, err, errlen);
	if (!rc)
		rc = vfio_check(&info, err, errlen);
	if (rc)
		return rc;
	rc = -ENOENT;
#ifdef HAVE_VFIO_CDEV
	if (!prefer_group) {
		rc = open_cdev(d, &info, err, errlen);
		if (rc == -ENOENT) { /* no cdev or no /dev/iommu: the group path */
			vfio_close(d);
			snprintf(d->bdf, sizeof d->bdf, "%s", bdf);
		}
	}
#else
	(void)prefer_group;
#endif
	if (rc == -ENOENT)
		rc = open_group(d, &info, err, errlen);
	if (!rc)
		rc = device_info(d, err, errlen);
	if (rc) {
		vfio_close(d);
		return rc;
	}
	d->next_iova = IOVA_BASE;
	return 0;
}

int vfio_region_info(struct vfio_dev *d, unsigned index, struct vfio_region *r, char *err, size_t errlen)
{
	struct vfio_region_info ri = { .argsz = sizeof ri, .index = index };
	if (index >= d->num_regions) {
		snprintf(err, errlen, "%s: region %u does not exist (the device has %u)", d->bdf, index, d->num_regions);
		return -EINVAL;
	}
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_DEVICE_GET_REGION_INFO");
	r->index = index;
	r->size = ri.size;
	r->offset = ri.offset;
	r->flags = ri.flags;
	r->mmap = ri.flags & VFIO_REGION_INFO_FLAG_MMAP;
	return 0;
}

int vfio_map_bar(struct vfio_dev *d, unsigned bar, void **va, size_t *len, char *err, size_t errlen)
{
	struct vfio_region r = { 0 };
	if (bar >= PCI_NUM_BARS) {
		snprintf(err, errlen, "%s: BAR %u does not exist: PCI devices have BARs 0-5", d->bdf, bar);
		return -EINVAL;
	}
	int rc = vfio_region_info(d, VFIO_PCI_BAR0_REGION_INDEX + bar, &r, err, errlen);
	if (rc)
		return rc;
	if (!r.size) {
		snprintf(err, errlen, "%s: BAR %u is not implemented (size 0)", d->bdf, bar);
		return -ENODEV;
	}
	if (!r.mmap) {
		snprintf(err, errlen, "%s: BAR %u has no mmap flag: vfio-pci does not let it be mapped "
			 "(an I/O BAR, or one smaller than a page that is not page-aligned)", d->bdf, bar);
		return -ENOTSUP;
	}
	void *m = mmap(NULL, r.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->device_fd, (off_t)r.offset);
	if (m == MAP_FAILED)
		return fail(err, errlen, errno, "%s: mmap of %s through vfio failed: %s", d->bdf, "the BAR");
	*va = m;
	*len = r.size;
	return 0;
}

int vfio_config_read(struct vfio_dev *d, unsigned off, void *buf, size_t len)
{
	struct vfio_region_info ri = { .argsz = sizeof ri, .index = VFIO_PCI_CONFIG_REGION_INDEX };
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri))
		return -errno;
	ssize_t n = pread(d->device_fd, buf, len, (off_t)(ri.offset + off));
	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

/* type1: the first IOVA range that holds len bytes at or above next_iova */
static uint64_t type1_iova(struct vfio_dev *d, size_t len)
{
	uint64_t want = d->next_iova;
	size_t sz = sizeof(struct vfio_iommu_type1_info) + 4096;
	struct vfio_iommu_type1_info *ii = calloc(1, sz);
	if (!ii)
		return want;
	ii->argsz = (uint32_t)sz;
	if (ioctl(d->container_fd, VFIO_IOMMU_GET_INFO, ii) || !(ii->flags & VFIO_IOMMU_INFO_CAPS) ||
	    !ii->cap_offset) {
		free(ii);
		return want;
	}
	uint32_t off = ii->cap_offset;
	while (off && off + sizeof(struct vfio_info_cap_header) <= ii->argsz && off < sz) {
		struct vfio_info_cap_header *h = (void *)((char *)ii + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *cr = (void *)h;
			for (uint32_t i = 0; i < cr->nr_iovas; i++) {
				uint64_t s = cr->iova_ranges[i].start, e = cr->iova_ranges[i].end;
				uint64_t at = s > want ? s : want;
				if (at <= e && e - at + 1 >= len) {
					free(ii);
					return at;
				}
			}
		}
		off = h->next;
	}
	free(ii);
	return want;
}

int vfio_dma_alloc(struct vfio_dev *d, size_t len, struct vfio_dma *dma, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	len = (len + (size_t)page - 1) & ~((size_t)page - 1);
	if (d->path == VFIO_PATH_NOIOMMU) {
		snprintf(err, errlen, "%s: noiommu mode has no IOMMU to map DMA through", d->bdf);
		return -ENOTSUP;
	}
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (va == MAP_FAILED)
		return fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "mmap of the DMA buffer");
	memset(va, 0, len);
	uint64_t iova = 0;
	int rc = 0;
#ifdef HAVE_VFIO_CDEV
	if (d->path == VFIO_PATH_CDEV) {
		struct iommu_ioas_map m = {
			.size = sizeof m, .flags = IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE,
			.ioas_id = d->ioas_id, .user_va = (uintptr_t)va, .length = len,
		};
		if (ioctl(d->iommufd, IOMMU_IOAS_MAP, &m))
			rc = fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "IOMMU_IOAS_MAP");
		iova = m.iova;
	} else
#endif
	{
		iova = type1_iova(d, len);
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof m, .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
			.vaddr = (uintptr_t)va, .iova = iova, .size = len,
		};
		if (ioctl(d->container_fd, VFIO_IOMMU_MAP_DMA, &m))
			rc = fail(err, errlen, errno, "%s: %s failed: %s", d->bdf, "VFIO_IOMMU_MAP_DMA");
		else
			d->next_iova = iova + len;
	}
	if (rc) {
		munmap(va, len);
		return rc;
	}
	dma->va = va;
	dma->len = len;
	dma->iova = iova;
	return 0;
}

int vfio_dma_free(struct vfio_dev *d, struct vfio_dma *dma)
{
	int rc = 0;
	if (!dma->va)
		return 0;
#ifdef HAVE_VFIO_CDEV
	if (d->path == VFIO_PATH_CDEV) {
		struct iommu_ioas_unmap u = { .size = sizeof u, .ioas_id = d->ioas_id, .iova = dma->iova,
					      .length = dma->len };
		if (ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &u))
			rc = -errno;
	} else
#endif
	{
		struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof u, .iova = dma->iova, .size = dma->len };
		if (ioctl(d->container_fd, VFIO_IOMMU_UNMAP_DMA, &u))
			rc = -errno;
	}
	munmap(dma->va, dma->len);
	memset(dma, 0, sizeof *dma);
	return rc;
}
