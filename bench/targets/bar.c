/*
 * PCI BAR targets:
 *   vfio:BDF:barN      the BAR mmapped through vfio-pci (the device must be bound to vfio-pci)
 *   sysfs:BDF:barN     /sys/bus/pci/devices/BDF/resourceN
 *   sysfs-wc:BDF:barN  /sys/bus/pci/devices/BDF/resourceN_wc (prefetchable BARs only)
 * Memory types requested by each path (drivers/vfio/pci/vfio_pci_core.c: pgprot_noncached;
 * drivers/pci/pci-sysfs.c and mmap.c: resourceN uncached, resourceN_wc pgprot_writecombine):
 * vfio = Device-nGnRnE / UC, sysfs = Device-nGnRE / UC-, sysfs-wc = Normal-NC / WC. On x86 the PAT type really obtained is
 * read from /sys/kernel/debug/x86/pat_memtype_list when it is readable.
 * Safety: probe refuses a window that does not fit the BAR, a device whose memory decoding is off,
 * and (sysfs paths) a device bound to a host driver unless --force.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcisys.h"
#include "targets/target.h"
#include "targets/bar.h"
#include "vfio.h"

enum bar_kind { BAR_VFIO, BAR_SYSFS, BAR_SYSFS_WC };

struct bar_priv {
	enum bar_kind kind;
	char bdf[PCI_BDF_LEN];
	int bar;
	uint64_t bar_start, bar_size;
	void *map;
	size_t map_len;
	int fd;                 /* sysfs resource file */
	struct vfio_dev vd;
};

static const char *requested_memtype(enum bar_kind k)
{
#if defined(__aarch64__)
	return k == BAR_VFIO ? "Device-nGnRnE" : k == BAR_SYSFS ? "Device-nGnRE" : "Normal-NC";
#else
	return k == BAR_VFIO ? "UC" : k == BAR_SYSFS ? "UC-" : "WC";
#endif
}

static const char *map_name(enum bar_kind k)
{
	return k == BAR_VFIO ? "vfio" : k == BAR_SYSFS ? "sysfs-resource" : "sysfs-resource-wc";
}

/* x86: the PAT type of the newest pat_memtype_list entry that covers start. */
static void pat_lookup(uint64_t start, char *out, size_t n)
{
	char path[PATH_MAX], line[256];
	snprintf(out, n, "unknown");
#if !defined(__x86_64__)
	(void)start; /* PAT is x86's: elsewhere the type is not reported */
	(void)path;
	(void)line;
	return;
#endif
	snprintf(path, sizeof path, "%.1024s/kernel/debug/x86/pat_memtype_list", pcisys_root());
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	static const struct { const char *name, *type; } names[] = {
		{ "write-back", "WB" }, { "write-combining", "WC" }, { "uncached-minus", "UC-" },
		{ "uncached", "UC" }, { "write-through", "WT" }, { "write-protect", "WP" },
	};
	while (fgets(line, sizeof line, f)) {
		uint64_t s, e;
		char kind[48];
		if (sscanf(line, "PAT: [mem 0x%" SCNx64 "-0x%" SCNx64 "] %47s", &s, &e, kind) != 3)
			continue;
		if (start < s || start >= e)
			continue;
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(kind, names[i].name))
				snprintf(out, n, "%s", names[i].type);
	}
	fclose(f);
}

static int bar_probe(struct target *t, const char *args, const struct target_opts *o, char *err,
		     enum bar_kind kind)
{
	const char *kname = kind == BAR_VFIO ? "vfio" : kind == BAR_SYSFS ? "sysfs" : "sysfs-wc";
	char buf[64], bdf[PCI_BDF_LEN], sz[32];
	const char *colon = strrchr(args, ':');
	if (!colon || colon == args || strlen(args) >= sizeof buf) {
		snprintf(err, TARGET_ERR_LEN, "%s: a %s target is %s:BDF:barN, e.g. %s:0000:01:00.0:bar2",
			 t->spec, kname, kname, kname);
		return -EINVAL;
	}
	snprintf(buf, sizeof buf, "%.*s", (int)(colon - args), args);
	if (pci_bdf_parse(buf, bdf)) {
		snprintf(err, TARGET_ERR_LEN, "%.80s: '%.40s' is not a PCI address (DDDD:BB:DD.F, e.g. 0000:00:03.0)",
			 t->spec, buf);
		return -EINVAL;
	}
	int bar = pci_bar_parse(colon + 1);
	if (bar == -ERANGE) {
		snprintf(err, TARGET_ERR_LEN, "%s: BAR %s does not exist: PCI devices have BARs 0-5 (bar0..bar5)",
			 t->spec, colon + 1 + (strncmp(colon + 1, "bar", 3) ? 0 : 3));
		return -EINVAL;
	}
	if (bar < 0) {
		snprintf(err, TARGET_ERR_LEN, "%s: '%s' is not a BAR: use bar0..bar5", t->spec, colon + 1);
		return -EINVAL;
	}
	struct pci_dev_info info;
	int rc = pci_dev_read(bdf, &info, err, TARGET_ERR_LEN);
	if (rc)
		return rc;
	/* a device some host driver owns: refuse before anything else, unless --force */
	if (kind != BAR_VFIO && info.driver[0] && strcmp(info.driver, "vfio-pci") && !o->force) {
		snprintf(err, TARGET_ERR_LEN,
			 "%s is bound to %s: sysfs stores would go behind that driver's back; unbind it "
			 "(or bind it to vfio-pci), or pass --force if you know the BAR is safe to write",
			 bdf, info.driver);
		return -EBUSY;
	}
	const struct pci_bar *b = &info.bar[bar];
	if (!b->size) {
		snprintf(err, TARGET_ERR_LEN, "%s has no BAR %d (not implemented, or the upper half of a 64-bit BAR)",
			 bdf, bar);
		return -ENODEV;
	}
	if (!(b->flags & PCI_RES_MEM)) {
		snprintf(err, TARGET_ERR_LEN, "BAR %d of %s is an I/O port BAR: only memory BARs can be mapped", bar, bdf);
		return -ENOTSUP;
	}
	if (kind == BAR_VFIO) {
		rc = vfio_check(&info, err, TARGET_ERR_LEN);
		if (rc)
			return rc;
	} else {
		bool wc = kind == BAR_SYSFS_WC;
		if (!pci_resource_exists(bdf, bar, wc)) {
			if (wc && !(b->flags & PCI_RES_PREFETCH))
				snprintf(err, TARGET_ERR_LEN,
					 "BAR %d of %s is not prefetchable, so the kernel offers no resource%d_wc: "
					 "write combining through sysfs needs a prefetchable BAR (sysfs:%s:bar%d maps it uncached)",
					 bar, bdf, bar, bdf, bar);
			else if (wc)
				snprintf(err, TARGET_ERR_LEN,
					 "%s: this kernel offers no resource%d_wc for prefetchable BAR %d "
					 "(no write-combining PCI mmap on this arch/kernel)", bdf, bar, bar);
			else
				snprintf(err, TARGET_ERR_LEN, "%s: sysfs has no resource%d", bdf, bar);
			return -ENOTSUP;
		}
		if (info.command_known && !pci_mem_decoding(&info)) {
			snprintf(err, TARGET_ERR_LEN,
				 "%s: PCI memory decoding is off (COMMAND register 0x%04x): stores would be "
				 "dropped; enable the device first (echo 1 > /sys/bus/pci/devices/%s/enable, "
				 "before binding vfio-pci)", bdf, info.command, bdf);
			return -EIO;
		}
	}
	char region_name[96];
	snprintf(region_name, sizeof region_name, "BAR %d of %s (%s)", bar, bdf,
		 pci_size_str(b->size, sz, sizeof sz));
	size_t off, len;
	rc = target_window_fit(t, o, (size_t)b->size, 0, region_name, &off, &len, err);
	if (rc)
		return rc;
	struct bar_priv *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->kind = kind;
	snprintf(p->bdf, sizeof p->bdf, "%s", bdf);
	p->bar = bar;
	p->bar_start = b->start;
	p->bar_size = b->size;
	p->fd = -1;
	vfio_init(&p->vd);
	t->priv = p;
	t->region_len = b->size;
	t->win_off = off;
	t->win_len = len;
	return 0;
}

static int vfio_probe(struct target *t, const char *args, const struct target_opts *o, char *err)
{
	return bar_probe(t, args, o, err, BAR_VFIO);
}
static int sysfs_probe(struct target *t, const char *args, const struct target_opts *o, char *err)
{
	return bar_probe(t, args, o, err, BAR_SYSFS);
}
static int sysfs_wc_probe(struct target *t, const char *args, const struct target_opts *o, char *err)
{
	return bar_probe(t, args, o, err, BAR_SYSFS_WC);
}

static void bar_unmap(struct target *t)
{
	struct bar_priv *p = t->priv;
	if (p) {
		if (p->map)
			munmap(p->map, p->map_len);
		if (p->fd >= 0)
			close(p->fd);
		vfio_close(&p->vd);
		free(p);
	}
	t->priv = NULL;
	t->base = NULL;
}

static int map_vfio(struct target *t, struct bar_priv *p, char *err)
{
	int rc = vfio_open(&p->vd, p->bdf, false, err, TARGET_ERR_LEN);
	if (rc)
		return rc;
	rc = vfio_map_bar(&p->vd, (unsigned)p->bar, &p->map, &p->map_len, err, TARGET_ERR_LEN);
	if (rc)
		return rc;
	if (p->map_len < t->win_off + t->win_len) {
		snprintf(err, TARGET_ERR_LEN, "%s: vfio maps only %zu bytes of BAR %d, the window needs %zu",
			 p->bdf, p->map_len, p->bar, t->win_off + t->win_len);
		return -ERANGE;
	}
	uint8_t cmd[2];
	if (!vfio_config_read(&p->vd, 4, cmd, 2) && !(cmd[0] & PCI_CMD_MEMORY)) {
		snprintf(err, TARGET_ERR_LEN,
			 "%s: PCI memory decoding is off (COMMAND register 0x%04x) even with vfio-pci: stores "
			 "would be dropped; unbind vfio-pci, echo 1 > /sys/bus/pci/devices/%s/enable, bind again",
			 p->bdf, cmd[0] | cmd[1] << 8, p->bdf);
		return -EIO;
	}
	return 0;
}

static int map_sysfs(struct bar_priv *p, char *err)
{
	char path[PATH_MAX], leaf[32];
	snprintf(leaf, sizeof leaf, "resource%d%s", p->bar, p->kind == BAR_SYSFS_WC ? "_wc" : "");
	pci_dev_path(path, sizeof path, p->bdf, leaf);
	p->fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (p->fd < 0) {
		int e = errno;
		snprintf(err, TARGET_ERR_LEN, "%s: cannot open %.120s: %s%s", p->bdf, path, strerror(e),
			 e == EACCES || e == EPERM ? ": run as root (CAP_SYS_ADMIN)" : "");
		return -e;
	}
	long page = sysconf(_SC_PAGESIZE);
	p->map_len = ((size_t)p->bar_size + (size_t)page - 1) & ~((size_t)page - 1);
	void *m = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		struct pci_dev_info info;
		char ignore[TARGET_ERR_LEN];
		bool vfio = !pci_dev_read(p->bdf, &info, ignore, sizeof ignore) && !strcmp(info.driver, "vfio-pci");
		snprintf(err, TARGET_ERR_LEN, "%s: mmap of %s failed: %s%s", p->bdf, leaf, strerror(e),
			 vfio && e == EINVAL ? ": vfio-pci claims the BAR and the kernel has IO_STRICT_DEVMEM: "
			 "boot with iomem=relaxed, or use the vfio target" : "");
		p->map_len = 0;
		return -e;
	}
	p->map = m;
	return 0;
}

static int bar_map(struct target *t, char *err)
{
	struct bar_priv *p = t->priv;
	int rc = p->kind == BAR_VFIO ? map_vfio(t, p, err) : map_sysfs(p, err);
	if (rc) {
		if (p->map)
			munmap(p->map, p->map_len);
		p->map = NULL;
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		vfio_close(&p->vd);
		return rc;
	}
	t->base = p->map;
	snprintf(t->map, sizeof t->map, "%s", map_name(p->kind));
	snprintf(t->memtype, sizeof t->memtype, "%s", requested_memtype(p->kind));
	pat_lookup(p->bar_start, t->memtype_seen, sizeof t->memtype_seen);
	snprintf(t->device, sizeof t->device, "%s bar%d", p->bdf, p->bar);
	return 0;
}

struct vfio_dev *target_bar_vfio(const struct target *t)
{
	struct bar_priv *p = t->ops == &target_vfio_ops ? t->priv : NULL;
	return p && t->base && p->vd.device_fd >= 0 ? &p->vd : NULL;
}

const struct target_ops target_vfio_ops = {
	.kind = "vfio",
	.usage = "vfio:BDF:barN",
	.summary = "PCI BAR mapped through vfio-pci (Device-nGnRnE / UC); device bound to vfio-pci",
	/* not TARGET_READS_OUTSIDE_OK: registers may lie beside the window (target.h) */
	.flags = TARGET_PCI_BAR,
	.vma = TARGET_VMA_VFIO,
	.probe = vfio_probe,
	.map = bar_map,
	.unmap = bar_unmap,
};

const struct target_ops target_sysfs_ops = {
	.kind = "sysfs",
	.usage = "sysfs:BDF:barN",
	.summary = "PCI BAR through sysfs resourceN (Device-nGnRE / UC-); root; --force if a driver owns it",
	/* not TARGET_READS_OUTSIDE_OK: registers may lie beside the window (target.h) */
	.flags = TARGET_PCI_BAR,
	.vma = TARGET_VMA_SYSFS,
	.probe = sysfs_probe,
	.map = bar_map,
	.unmap = bar_unmap,
};

const struct target_ops target_sysfs_wc_ops = {
	.kind = "sysfs-wc",
	.usage = "sysfs-wc:BDF:barN",
	.summary = "prefetchable PCI BAR through sysfs resourceN_wc (Normal-NC / WC)",
	/* not TARGET_READS_OUTSIDE_OK: registers may lie beside the window (target.h) */
	.flags = TARGET_PCI_BAR | TARGET_PCI_BAR_WC_FILE,
	.vma = TARGET_VMA_SYSFS_WC,
	.probe = sysfs_wc_probe,
	.map = bar_map,
	.unmap = bar_unmap,
};
