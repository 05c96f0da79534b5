#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/place.h"

#ifdef HAVE_HWLOC
#include <hwloc.h>
#endif

/* ---- sysfs helpers (used in both builds: cheap and exact for OS numbering) ---- */
static int read_int_file(const char *path, int *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	int ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* Does a kernel cpulist ("0-3,8") contain cpu? */
static bool cpulist_has(const char *list, int cpu)
{
	const char *p = list;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (cpu >= a && cpu <= b)
			return true;
		p = *end == ',' ? end + 1 : end;
		if (*p == '\n')
			break;
	}
	return false;
}

static int sysfs_first_sibling(int cpu)
{
	char path[128], buf[256];
	snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", cpu);
	FILE *f = fopen(path, "r");
	if (!f)
		return cpu;
	int first = cpu;
	if (fgets(buf, sizeof buf, f))
		first = atoi(buf);
	fclose(f);
	return first;
}

static int sysfs_node_of(int cpu)
{
	for (int node = 0; node < 1024; node++) {
		char path[96], buf[4096];
		snprintf(path, sizeof path, "/sys/devices/system/node/node%d/cpulist", node);
		FILE *f = fopen(path, "r");
		if (!f) {
			if (node > 64)
				break;
			continue;
		}
		bool has = fgets(buf, sizeof buf, f) && cpulist_has(buf, cpu);
		fclose(f);
		if (has)
			return node;
	}
	return -1;
}

#ifdef HAVE_HWLOC
static hwloc_topology_t topo;
static int topo_state; /* 0 not loaded, 1 ok, -1 failed */

static hwloc_topology_t get_topo(void)
{
	if (topo_state == 0) {
		topo_state = -1;
		if (hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0)
			topo_state = 1;
	}
	return topo_state == 1 ? topo : NULL;
}
#endif

const char *place_source(void)
{
#ifdef HAVE_HWLOC
	static char buf[64];
	unsigned v = hwloc_get_api_version();
	snprintf(buf, sizeof buf, "hwloc %u.%u.%u%s", v >> 16, (v >> 8) & 0xff, v & 0xff,
		 get_topo() ? "" : " (topology load failed: sysfs)");
	return buf;
#else
	return "sysfs and sched_setaffinity (built without hwloc)";
#endif
}

int place_allowed(int *cpus, int max)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set))
		return -errno;
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n ? n : -ENODEV;
}

int place_pick(int n, int *cpus)
{
	int allowed[PLACE_MAX_CPUS];
	int na = place_allowed(allowed, PLACE_MAX_CPUS);
	if (na < 0)
		return na;
	if (n > na)
		return -EINVAL;
	int k = 0;
	/* first pass: one CPU per core (the core's first sibling); second: the rest */
	for (int pass = 0; pass < 2 && k < n; pass++)
		for (int i = 0; i < na && k < n; i++) {
			bool primary = sysfs_first_sibling(allowed[i]) == allowed[i];
			if (primary == (pass == 0))
				cpus[k++] = allowed[i];
		}
	return 0;
}

int place_bind_self(int cpu)
{
#ifdef HAVE_HWLOC
	hwloc_topology_t t = get_topo();
	if (t) {
		hwloc_bitmap_t set = hwloc_bitmap_alloc();
		hwloc_bitmap_only(set, (unsigned)cpu);
		int rc = hwloc_set_cpubind(t, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT);
		int e = errno;
		hwloc_bitmap_free(set);
		if (rc == 0)
			return 0;
		if (e != ENOSYS && e != EXDEV)
			return -e;
	}
#endif
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set) ? -errno : 0;
}

void place_describe(int cpu, struct cpu_place *p)
{
	p->cpu = cpu;
	p->node = -1;
	p->package = -1;
#ifdef HAVE_HWLOC
	hwloc_topology_t t = get_topo();
	if (t) {
		hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, (unsigned)cpu);
		if (pu) {
			hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, pu);
			if (pkg)
				p->package = (int)pkg->os_index;
			if (pu->nodeset && !hwloc_bitmap_iszero(pu->nodeset))
				p->node = hwloc_bitmap_first(pu->nodeset);
			return;
		}
	}
#endif
	char path[128];
	snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
	read_int_file(path, &p->package);
	p->node = sysfs_node_of(cpu);
	if (p->node < 0 && access("/sys/devices/system/node", F_OK) != 0)
		p->node = 0; /* kernel without NUMA: one node */
}

bool place_node_exists(int node)
{
	if (node < 0)
		return false;
#ifdef HAVE_HWLOC
	hwloc_topology_t t = get_topo();
	if (t)
		return hwloc_get_numanode_obj_by_os_index(t, (unsigned)node) != NULL;
#endif
	char path[96];
	snprintf(path, sizeof path, "/sys/devices/system/node/node%d", node);
	if (access(path, F_OK) == 0)
		return true;
	return node == 0 && access("/sys/devices/system/node", F_OK) != 0;
}

int place_bind_memory(void *addr, size_t len, int node)
{
#ifdef HAVE_HWLOC
	hwloc_topology_t t = get_topo();
	if (t) {
		hwloc_obj_t obj = hwloc_get_numanode_obj_by_os_index(t, (unsigned)node);
		if (!obj)
			return -ENOENT;
		int rc = hwloc_set_area_membind(t, addr, len, obj->nodeset, HWLOC_MEMBIND_BIND,
						HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT);
		return rc ? -errno : 0;
	}
#endif
	/* mbind(2) directly: MPOL_BIND = 2, MPOL_MF_STRICT = 1 */
	unsigned long mask[16] = { 0 };
	if (node >= (int)(sizeof mask * 8))
		return -EINVAL;
	mask[node / (8 * sizeof(long))] |= 1UL << (node % (8 * sizeof(long)));
	long rc = syscall(SYS_mbind, addr, len, 2, mask, sizeof mask * 8, 1);
	return rc ? -errno : 0;
}
