#include <stdio.h>
#include <string.h>

#include "results/machine_ref.h"

const struct ref_kind_desc ref_kinds[REF_KINDS] = {
	[REF_CORE] = { .name = "core", .buffer_bytes = MREF_BUFFER_BYTES, .burst_bytes = MREF_BUFFER_BYTES,
		       .budget_s = 0.2, .measures = "the core's own store speed" },
	[REF_MEMORY] = { .name = "memory", .buffer_bytes = MREF_MEMORY_BYTES, .burst_bytes = 4096,
			 .budget_s = 0.25, .measures = "the core's store path to DRAM" },
};

int ref_kind_parse(const char *name, enum ref_kind *kind)
{
	for (int k = 0; k < REF_KINDS; k++)
		if (!strcmp(name, ref_kinds[k].name)) {
			*kind = (enum ref_kind)k;
			return 0;
		}
	return -1;
}

void reference_describe(enum ref_kind kind, const char *kernel, uint64_t buffer_bytes, int cpu, char *buf,
			size_t len)
{
	if (kind == REF_MEMORY)
		snprintf(buf, len, "%s stores in %zu KiB bursts streaming through a %llu MiB anonymous buffer "
			 "(prefaulted before timing; beyond the caches: DRAM), barrier none, drain none, on CPU %d",
			 kernel, ref_kinds[REF_MEMORY].burst_bytes / 1024, (unsigned long long)(buffer_bytes >> 20), cpu);
	else
		snprintf(buf, len, "%s stores into a %llu KiB L1-resident buffer, barrier none, drain none, on CPU %d",
			 kernel, (unsigned long long)(buffer_bytes / 1024), cpu);
}
