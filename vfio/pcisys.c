/* PCI devices through sysfs: see pcisys.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcisys.h"

#define ROOT_MAX 1024 /* longest sysfs root honoured */
static char root_override[ROOT_MAX + 1];

const char *pcisys_root(void)
{
	if (root_override[0])
		return root_override;
	const char *env = getenv("WCBENCH_SYSFS_ROOT");
	return env && *env ? env : "/sys";
}

void pcisys_set_root(const char *root)
{
	snprintf(root_override, sizeof root_override, "%s", root ? root : "");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* n hex digits at s into *v; returns 0 or -EINVAL */
static int hexn(const char *s, int n, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		int d = hexval((unsigned char)s[i]);
		if (d < 0)
			return -EINVAL;
		*v = *v * 16 + (unsigned)d;
	}
	return 0;
}

int pci_bdf_parse(const char *s, char out[PCI_BDF_LEN])
{
	unsigned dom = 0, bus, dev, fn;
	size_t len = s ? strlen(s) : 0;
	if (len == 12 && s[4] == ':') {
		if (hexn(s, 4, &dom))
			return -EINVAL;
		s += 5;
		len -= 5;
	}
	if (len != 7 || s[2] != ':' || s[5] != '.' || hexn(s, 2, &bus) || hexn(s + 3, 2, &dev) ||
	    hexn(s + 6, 1, &fn) || dev > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, PCI_BDF_LEN, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

int pci_bar_parse(const char *s)
{
	if (!strncmp(s, "bar", 3))
		s += 3;
	if (!*s || strlen(s) > 3)
		return -EINVAL;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
	int n = atoi(s);
	return n < PCI_NUM_BARS ? n : -ERANGE;
}

int pci_dev_path(char *out, size_t n, const char *bdf, const char *leaf)
{
	int len = snprintf(out, n, "%.*s/bus/pci/devices/%.31s%s%.63s", ROOT_MAX, pcisys_root(), bdf,
			   *leaf ? "/" : "", leaf);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static int read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	int rc = fgets(buf, (int)n, f) ? 0 : -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return rc;
}

static int read_hex(const char *bdf, const char *leaf, unsigned *v)
{
	char path[PATH_MAX], buf[32];
	int rc = pci_dev_path(path, sizeof path, bdf, leaf);
	if (!rc)
		rc = read_line(path, buf, sizeof buf);
	if (rc)
		return rc;
	char *end;
	unsigned long x = strtoul(buf, &end, 16);
	if (end == buf)
		return -EINVAL;
	*v = (unsigned)x;
	return 0;
}

/* basename of the symlink <dev>/<leaf>; "" when it does not exist */
static void link_base(const char *bdf, const char *leaf, char *out, size_t n)
{
	char path[PATH_MAX], target[PATH_MAX];
	out[0] = '\0';
	if (pci_dev_path(path, sizeof path, bdf, leaf))
		return;
	ssize_t len = readlink(path, target, sizeof target - 1);
	if (len <= 0)
		return;
	target[len] = '\0';
	const char *b = strrchr(target, '/');
	snprintf(out, n, "%.*s", (int)n - 1, b ? b + 1 : target);
}

int pci_dev_read(const char *bdf, struct pci_dev_info *info, char *err, size_t errlen)
{
	char path[PATH_MAX], buf[64];
	struct stat st;
	memset(info, 0, sizeof *info);
	info->iommu_group = -1;
	snprintf(info->bdf, sizeof info->bdf, "%s", bdf);
	if (pci_dev_path(path, sizeof path, bdf, "") || stat(path, &st)) {
		snprintf(err, errlen, "no PCI device %s on this system (lspci -D lists them)", bdf);
		return -ENODEV;
	}
	read_hex(bdf, "vendor", &info->vendor);
	read_hex(bdf, "device", &info->device);
	read_hex(bdf, "class", &info->class_code);
	link_base(bdf, "driver", info->driver, sizeof info->driver);
	link_base(bdf, "iommu_group", buf, sizeof buf);
	if (buf[0])
		info->iommu_group = atoi(buf);

	/* resource: one line per resource, "0x<start> 0x<end> 0x<flags>" */
	pci_dev_path(path, sizeof path, bdf, "resource");
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s: cannot read %s: %s", bdf, path, strerror(e));
		return -e;
	}
	char line[128];
	for (int i = 0; i < PCI_NUM_BARS && fgets(line, sizeof line, f); i++) {
		struct pci_bar *b = &info->bar[i];
		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &b->start, &b->end, &b->flags) != 3)
			continue;
		b->size = (b->start || b->end) && b->end >= b->start ? b->end - b->start + 1 : 0;
	}
	fclose(f);

	/* COMMAND register: config space offset 4 (the first 64 bytes are readable by anyone) */
	pci_dev_path(path, sizeof path, bdf, "config");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		uint8_t cmd[2];
		if (pread(fd, cmd, 2, 4) == 2) {
			info->command = (uint16_t)(cmd[0] | cmd[1] << 8);
			info->command_known = true;
		}
		close(fd);
	}

	/* vfio cdev: <dev>/vfio-dev/vfioN (Linux 6.6+) */
	pci_dev_path(path, sizeof path, bdf, "vfio-dev");
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, "vfio", 4) && isdigit((unsigned char)e->d_name[4])) {
				snprintf(info->vfio_cdev, sizeof info->vfio_cdev, "%.*s",
					 (int)sizeof info->vfio_cdev - 1, e->d_name);
				break;
			}
		closedir(d);
	}
	return 0;
}

int pci_group_viable(int group, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%.*s/kernel/iommu_groups/%d/devices", ROOT_MAX, pcisys_root(), group);
	DIR *d = opendir(path);
	if (!d) {
		snprintf(err, errlen, "IOMMU group %d does not exist (%s)", group, path);
		return -ENOENT;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char drv[64];
		unsigned cls = 0;
		link_base(e->d_name, "driver", drv, sizeof drv);
		read_hex(e->d_name, "class", &cls);
		bool bridge = (cls >> 8) == 0x0604;  /* vfio allows bridges whatever their driver */
		if (!drv[0] || bridge || !strcmp(drv, "vfio-pci") || !strcmp(drv, "pci-stub"))
			continue;
		snprintf(err, errlen,
			 "group %d is not viable: %s in the same group is bound to %s: bind it to vfio-pci "
			 "too, or unbind it (echo %.16s > /sys/bus/pci/devices/%.16s/driver/unbind)",
			 group, e->d_name, drv, e->d_name, e->d_name);
		rc = -EBUSY;
		break;
	}
	closedir(d);
	return rc;
}

bool pci_resource_exists(const char *bdf, int bar, bool wc)
{
	char path[PATH_MAX], leaf[32];
	struct stat st;
	snprintf(leaf, sizeof leaf, "resource%d%s", bar, wc ? "_wc" : "");
	return !pci_dev_path(path, sizeof path, bdf, leaf) && !stat(path, &st);
}

const char *pci_size_str(uint64_t bytes, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (u < 4 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%" PRIu64 " %s", bytes, unit[u]);
	return buf;
}
