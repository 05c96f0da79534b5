/* Thread and memory placement: hwloc when built with it, the kernel's affinity calls and sysfs
 * otherwise (static builds for guests). */
#ifndef WCBENCH_CORE_PLACE_H
#define WCBENCH_CORE_PLACE_H

#include <stdbool.h>
#include <stddef.h>

#define PLACE_MAX_CPUS 1024

struct cpu_place {
	int cpu;      /* OS index */
	int node;     /* NUMA node, -1 unknown */
	int package;  /* socket, -1 unknown */
};

/* Where topology comes from, for the metadata: "hwloc 2.9.0" or "sysfs (...)". */
const char *place_source(void);

/* CPUs this process may run on, in OS order. Returns the count (>0) or -errno. */
int place_allowed(int *cpus, int max);

/* Choose `n` CPUs for n threads: distinct cores first, then their SMT siblings.
 * Returns 0 or -EINVAL when fewer than n CPUs are allowed. */
int place_pick(int n, int *cpus);

/* Pin the calling thread to one CPU. 0 or -errno. */
int place_bind_self(int cpu);

/* Node and package of a CPU. */
void place_describe(int cpu, struct cpu_place *p);

/* Does NUMA node `node` exist (and have memory)? */
bool place_node_exists(int node);

/* Bind [addr, addr+len) to NUMA node `node` before it is touched. 0 or -errno. */
int place_bind_memory(void *addr, size_t len, int node);
#endif
