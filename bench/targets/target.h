/*
 * Targets: where stores land. One ops table per kind (ram, vfio, sysfs, sysfs-wc, file);
 * a spec names the kind before the first ':' ("ram", "ram:hugetlb", "vfio:0000:00:03.0:bar2").
 */
#ifndef WCBENCH_TARGETS_TARGET_H
#define WCBENCH_TARGETS_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TARGET_ERR_LEN 256

/* What the user asked for on the command line that targets need. */
struct target_opts {
	bool window_set;      /* --window given */
	size_t window_off;    /* bytes from the start of the mapping (RAM: of the allocation) */
	size_t window_len;    /* 0 with window_set: to the end of the mappable region */
	bool force;           /* --force: allow sysfs stores to a device bound to a host driver */
};

struct target {
	const struct target_ops *ops;
	char spec[160];          /* as given by the user */

	/* set by probe */
	size_t region_len;       /* bytes that may be mapped (BAR size; RAM: allocation size) */
	size_t win_off, win_len; /* the window stores may reach, inside [0, region_len) */

	/* set by map */
	uint8_t *base;           /* start of the mapped region; stores go to base + win_off .. */
	char map[24];            /* mapping path: anon, hugetlb, vfio, sysfs-resource, sysfs-resource-wc, file */
	char memtype[24];        /* the type this path asks for: WB, WC, UC-, UC, Normal-WB, Normal-NC, Device-nGnRE, Device-nGnRnE */
	char memtype_seen[24];   /* what the OS reports it really got (x86 PAT list), or "unknown" */
	char device[64];         /* BDF and BAR for device targets, "" for RAM */

	void *priv;              /* the kind's own state */
};

/*
 * Each hook returns 0 or -errno; on failure it writes one line naming the object and the cause
 * (and, where it can, what to do) into err, and leaves the target as it found it.
 */
/*
 * What a kind is, for the callers that treat kinds apart (as fio's engines declare FIO_SYNCIO):
 * they ask these, never the kind's name, so a new kind is a change here alone.
 */
enum target_flag {
	/* Memory, not a device (ram, file): the machine references (measure/reference.h) measure
	 * memory, so they speak for its rows in compare. */
	TARGET_MEMORY = 1u << 0,
	/* --verify may read the 4 KiB on each side of the window, to check that no store landed
	 * there: memory, where a read has no effect. Not a PCI BAR: beyond the window may lie device
	 * registers, where a read can have side effects (clear-on-read status, FIFO pops), so verify
	 * there reads back only the window itself and the unused part of it. */
	TARGET_READS_OUTSIDE_OK = 1u << 1,
	/* The region is memory allocated for the run (ram): a shorter default window costs nothing
	 * and stays in the caches' reach, as run --quick and check take it. */
	TARGET_ALLOCATED = 1u << 2,
	/* A PCI BAR (BDF:barN): one of the mapping paths check tries for a BAR, in target_kinds
	 * order, with a PCIe link behind it. */
	TARGET_PCI_BAR = 1u << 3,
	/* The BAR's sysfs resourceN_wc: offered only where the kernel made that file (a
	 * prefetchable BAR, arch_can_pci_mmap_wc). */
	TARGET_PCI_BAR_WC_FILE = 1u << 4,
};

/* The host mapping a kind's map makes, as KVM's stage-2 rules (check/model.h's vma) and the
 * verdict's advice tell mappings apart. */
enum target_vma {
	TARGET_VMA_MEMORY,   /* ordinary memory: anonymous, hugetlb, a file's pages */
	TARGET_VMA_VFIO,     /* a vfio-pci region mmap: VM_PFNMAP, VM_ALLOW_ANY_UNCACHED since 6.9 */
	TARGET_VMA_SYSFS,    /* sysfs resourceN: VM_PFNMAP|VM_IO, pgprot_noncached by design */
	TARGET_VMA_SYSFS_WC, /* sysfs resourceN_wc: VM_PFNMAP|VM_IO, pgprot_writecombine */
};

struct target_ops {
	const char *kind;        /* spec prefix */
	const char *usage;       /* "ram[:hugetlb][,node=N]", for list and --help */
	const char *summary;
	unsigned flags;          /* enum target_flag */
	enum target_vma vma;
	/* Parse the arguments after "kind:" (args may be ""), check that the object exists and that
	 * the window fits, fill region_len, win_off, win_len. Touches no memory of the target and
	 * allocates nothing that needs unmap: a failed run leaves no trace. */
	int (*probe)(struct target *t, const char *args, const struct target_opts *o, char *err);
	/* Map the region. Afterwards base, map, memtype, memtype_seen, device are set. */
	int (*map)(struct target *t, char *err);
	/* Undo map and free priv. Safe after a failed probe or map. */
	void (*unmap)(struct target *t);
};

/* Whether t's kind has every flag of flags (a target not probed has none). */
bool target_has(const struct target *t, unsigned flags);

/* Place the --window of o in a region of region_len bytes, for each kind's probe (window.c), so
 * that run and probe refuse the same windows. Without --window, or with LEN 0, the window is
 * default_len bytes, or with default_len 0 the rest of the region rounded down to 64 bytes.
 * Overflow-safe: OFF + LEN is never computed before it is known to fit. 0, or -ERANGE with
 * "SPEC: --window OFF:LEN goes past the end of REGION: nothing written" in err; region names
 * the region and its size, e.g. "the file (4096 bytes)". */
int target_window_fit(const struct target *t, const struct target_opts *o, size_t region_len,
		      size_t default_len, const char *region, size_t *off, size_t *len, char *err);

/* The largest region a window of a target without a known size may be placed in (RAM on hugetlb
 * pages, a device node): keeps OFF + LEN and the guards around it far from wrapping. */
#define TARGET_REGION_MAX (SIZE_MAX / 4)

/* Kind of a spec ("ram" for "ram:hugetlb"); writes into buf. */
const char *target_kind_of(const char *spec, char *buf, size_t n);

extern const struct target_ops target_ram_ops;
extern const struct target_ops target_file_ops;
/* target_bar.c: vfio-pci region mmap, sysfs resourceN, sysfs resourceN_wc */
extern const struct target_ops target_vfio_ops, target_sysfs_ops, target_sysfs_wc_ops;
#endif
