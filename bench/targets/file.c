/* file:PATH — any mmap-able file, mapped shared: a file in /dev/shm or on a DAX filesystem, a
 * device node that supports mmap. Stores reach the page cache (or the device) through a
 * write-back mapping. The window defaults to the whole file; the file is never grown. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fault.h"
#include "targets/target.h"

struct file_priv {
	int fd;
	size_t map_len;
};

static int file_probe(struct target *t, const char *args, const struct target_opts *o, char *err)
{
	if (!*args) {
		snprintf(err, TARGET_ERR_LEN, "%s: name a file: file:PATH", t->spec);
		return -EINVAL;
	}
	struct stat st;
	if (stat(args, &st)) {
		int e = errno;
		snprintf(err, TARGET_ERR_LEN, "%s: %s", args, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, TARGET_ERR_LEN, "%s: not a regular file or device node", args);
		return -EINVAL;
	}
	size_t size = (size_t)st.st_size, region = size, off, len;
	char region_name[96];
	snprintf(region_name, sizeof region_name, "the file (%zu bytes)", size);
	bool sizeless = S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && size == 0);
	if (sizeless) {
		if (!o->window_set || !o->window_len) {
			snprintf(err, TARGET_ERR_LEN, "%s: a device node has no size here: give --window OFF:LEN", args);
			return -EINVAL;
		}
		region = TARGET_REGION_MAX;
		snprintf(region_name, sizeof region_name, "what one mapping can address");
	}
	int rc = target_window_fit(t, o, region, 0, region_name, &off, &len, err);
	if (rc)
		return rc;
	if (sizeless)
		size = off + len; /* map just up to the window's end */
	struct file_priv *p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->fd = -1;
	p->map_len = size;
	t->priv = p;
	t->region_len = size;
	t->win_off = off;
	t->win_len = len;
	return 0;
}

struct fault_in_pages {
	const uint8_t *base;
	size_t len;
};

static void fault_in_pages(void *arg)
{
	struct fault_in_pages *f = arg;
	for (size_t i = 0; i < f->len; i += 4096)
		(void)*(const volatile uint8_t *)(f->base + i);
}

static int file_map(struct target *t, char *err)
{
	struct file_priv *p = t->priv;
	const char *path = t->spec + strlen("file:");
	p->fd = open(path, O_RDWR);
	if (p->fd < 0) {
		int e = errno;
		snprintf(err, TARGET_ERR_LEN, "%s: %s", path, strerror(e));
		return -e;
	}
	void *m = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		close(p->fd);
		p->fd = -1;
		snprintf(err, TARGET_ERR_LEN, "%s: mmap failed: %s", path, strerror(e));
		return -e;
	}
	/* fault the pages in before anything is timed: read them, never write outside the window.
	 * Armed: a file truncated since probe raises SIGBUS here, which must become a message. */
	struct fault_in_pages pages = { .base = m, .len = p->map_len };
	struct fault_info fi;
	if (fault_call(fault_in_pages, &pages, &fi)) {
		char why[160];
		fault_describe(&fi, why, sizeof why);
		munmap(m, p->map_len);
		close(p->fd);
		p->fd = -1;
		snprintf(err, TARGET_ERR_LEN, "%s: %s, %zu bytes into the %zu mapped, while faulting the file "
			 "in: it is shorter than when it was probed (truncated underneath?)", path, why,
			 (size_t)(fi.addr - (uintptr_t)m), p->map_len);
		return -EFAULT;
	}
	t->base = m;
	snprintf(t->map, sizeof t->map, "file");
#if defined(__aarch64__)
	snprintf(t->memtype, sizeof t->memtype, "Normal-WB");
#else
	snprintf(t->memtype, sizeof t->memtype, "WB");
#endif
	snprintf(t->memtype_seen, sizeof t->memtype_seen, "unknown");
	return 0;
}

static void file_unmap(struct target *t)
{
	struct file_priv *p = t->priv;
	if (p && t->base)
		munmap(t->base, p->map_len);
	if (p && p->fd >= 0)
		close(p->fd);
	t->base = NULL;
	free(p);
	t->priv = NULL;
}

const struct target_ops target_file_ops = {
	.kind = "file",
	.usage = "file:PATH",
	.summary = "any mmap-able file or device node, mapped shared (WB: /dev/shm, DAX)",
	.flags = TARGET_MEMORY | TARGET_READS_OUTSIDE_OK,
	.vma = TARGET_VMA_MEMORY,
	.probe = file_probe,
	.map = file_map,
	.unmap = file_unmap,
};
