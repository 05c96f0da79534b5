/* RAM targets: ram, ram:hugetlb, ram:node=N (combinable: ram:hugetlb,node=1). Anonymous memory is
 * Normal-WB (arm64) / WB (x86). A guard of GUARD bytes is mapped on each side of the window so
 * --verify can check that nothing outside it changed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/util.h"
#include "core/place.h"
#include "targets/target.h"

#define RAM_DEFAULT_WINDOW (256UL << 20)
#define GUARD 4096UL

struct ram_priv {
	bool hugetlb;
	int node;           /* -1: no binding */
	size_t huge_page;
	size_t map_len;
};

static int ram_probe(struct target *t, const char *args, const struct target_opts *o, char *err)
{
	struct ram_priv p = { .node = -1 };
	char buf[128];
	snprintf(buf, sizeof buf, "%s", args);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		if (!strcmp(tok, "hugetlb")) {
			p.hugetlb = true;
		} else if (!strncmp(tok, "node=", 5)) {
			long n = strtol(tok + 5, &end, 10);
			if (end == tok + 5 || *end || n < 0 || n > 4095) {
				snprintf(err, TARGET_ERR_LEN, "%s: node must be a NUMA node number, got '%s'",
					 t->spec, tok + 5);
				return -EINVAL;
			}
			p.node = (int)n;
		} else {
			snprintf(err, TARGET_ERR_LEN,
				 "%s: unknown RAM option '%s' (use ram, ram:hugetlb, ram:node=N)", t->spec, tok);
			return -EINVAL;
		}
	}
	if (p.node >= 0 && !place_node_exists(p.node)) {
		snprintf(err, TARGET_ERR_LEN, "%s: NUMA node %d does not exist on this machine", t->spec,
			 p.node);
		return -ENOENT;
	}
	/* The mapping is GUARD + window + GUARD and ram_map writes all of it. Huge pages are counted
	 * apart (HugePages_Free, below); anything else must fit in MemAvailable now, or the fault-in
	 * would end in the OOM killer instead of a message. */
	size_t region = TARGET_REGION_MAX;
	char region_name[128] = "the address space";
	if (!p.hugetlb) {
		long avail_kb = meminfo_kb("MemAvailable");
		if (avail_kb >= 0) {
			size_t avail = (size_t)avail_kb << 10;
			region = avail > 2 * GUARD ? avail - 2 * GUARD : 0;
			snprintf(region_name, sizeof region_name,
				 "the memory available (MemAvailable: %zu bytes, less %lu of guard pages)", avail,
				 2 * GUARD);
		}
	}
	size_t off, len;
	int rc = target_window_fit(t, o, region, RAM_DEFAULT_WINDOW, region_name, &off, &len, err);
	if (rc)
		return rc;
	size_t total = GUARD + off + len + GUARD;
	if (p.hugetlb) {
		long hp_kb = meminfo_kb("Hugepagesize"), free_pages = meminfo_kb("HugePages_Free");
		if (hp_kb <= 0) {
			snprintf(err, TARGET_ERR_LEN, "%s: this kernel has no hugetlb support", t->spec);
			return -ENOTSUP;
		}
		p.huge_page = (size_t)hp_kb << 10;
		total = (total + p.huge_page - 1) / p.huge_page * p.huge_page;
		size_t need = total / p.huge_page;
		if (free_pages < (long)need) {
			snprintf(err, TARGET_ERR_LEN,
				 "%s: needs %zu huge pages of %ld kB, %ld free: reserve them first, e.g. "
				 "echo %zu > /proc/sys/vm/nr_hugepages", t->spec, need, hp_kb,
				 free_pages < 0 ? 0 : free_pages, need);
			return -ENOMEM;
		}
	}
	struct ram_priv *pp = malloc(sizeof *pp);
	if (!pp)
		return -ENOMEM;
	p.map_len = total;
	*pp = p;
	t->priv = pp;
	t->region_len = total;
	t->win_off = GUARD + off;
	t->win_len = len;
	return 0;
}

static int ram_map(struct target *t, char *err)
{
	struct ram_priv *p = t->priv;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (p->hugetlb ? MAP_HUGETLB : 0);
	void *m = mmap(NULL, p->map_len, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (m == MAP_FAILED) {
		int e = errno;
		snprintf(err, TARGET_ERR_LEN, "%s: mmap of %zu bytes failed: %s", t->spec, p->map_len,
			 strerror(e));
		return -e;
	}
	if (p->node >= 0) {
		int rc = place_bind_memory(m, p->map_len, p->node);
		if (rc) {
			munmap(m, p->map_len);
			snprintf(err, TARGET_ERR_LEN, "%s: binding memory to node %d failed: %s", t->spec,
				 p->node, strerror(-rc));
			return rc;
		}
	}
	memset(m, 0, p->map_len); /* fault every page in now, not while timed */
	t->base = m;
	snprintf(t->map, sizeof t->map, "%s", p->hugetlb ? "hugetlb" : "anon");
#if defined(__aarch64__)
	snprintf(t->memtype, sizeof t->memtype, "Normal-WB");
#else
	snprintf(t->memtype, sizeof t->memtype, "WB");
#endif
	/* anonymous memory is always write-back: nothing to look up */
	snprintf(t->memtype_seen, sizeof t->memtype_seen, "%s", t->memtype);
	return 0;
}

static void ram_unmap(struct target *t)
{
	struct ram_priv *p = t->priv;
	if (t->base && p)
		munmap(t->base, p->map_len);
	t->base = NULL;
	free(p);
	t->priv = NULL;
}

const struct target_ops target_ram_ops = {
	.kind = "ram",
	.usage = "ram[:hugetlb][,node=N]",
	.summary = "anonymous RAM (Normal-WB / WB); hugetlb pages; bound to NUMA node N",
	.flags = TARGET_MEMORY | TARGET_READS_OUTSIDE_OK | TARGET_ALLOCATED,
	.vma = TARGET_VMA_MEMORY,
	.probe = ram_probe,
	.map = ram_map,
	.unmap = ram_unmap,
};
