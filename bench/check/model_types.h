/* The model's vocabulary, types only: memory types, arches, environments, what backs guest
 * memory on the host. Both the rule table (model_rules.c) and the engine (model.c) speak it. */
#ifndef WCBENCH_CHECK_MODEL_TYPES_H
#define WCBENCH_CHECK_MODEL_TYPES_H

/* Memory types. The arm64 ones are in the Arm ARM's order of strength: when two stages combine
 * without FWB the stronger (later) one wins. */
enum mt {
	MT_UNKNOWN,
	MT_NORMAL_WB, MT_NORMAL_WT, MT_NORMAL_NC,
	MT_DEVICE_GRE, MT_DEVICE_nGRE, MT_DEVICE_nGnRE, MT_DEVICE_nGnRnE,
	MT_X86_WB, MT_X86_WT, MT_X86_WC, MT_X86_UC_MINUS, MT_X86_UC,
	MT_COUNT
};

enum model_arch { MODEL_ARM64, MODEL_X86_64 };
enum model_env {
	MODEL_HOST,        /* no stage 2: the effective type is stage 1 */
	MODEL_EMULATED,    /* a guest of a full-system emulator (QEMU TCG): no stage 2 either */
	MODEL_KVM_GUEST,   /* a KVM guest: stage 2 from the host's KVM rules */
	MODEL_GUEST,       /* a guest of an unknown hypervisor: stage 2 unknown */
};
/* What backs the guest's memory at that address on the KVM host (the memslot's VMA). */
enum vma_kind {
	VMA_UNKNOWN,
	VMA_RAM,           /* ordinary memory: guest RAM, RAM-backed emulated BARs (ivshmem) */
	VMA_PFNMAP_VFIO,   /* a vfio-pci BAR mmap: VM_PFNMAP with VM_ALLOW_ANY_UNCACHED */
	VMA_PFNMAP_OTHER,  /* any other non-cacheable VM_PFNMAP/VM_IO mapping (sysfs resourceN, _wc) */
	VMA_PFNMAP_CACHEABLE, /* a cacheable PFNMAP (device memory the host maps cacheable) */
	VMA_COUNT
};
enum x86_vendor { X86_VENDOR_UNKNOWN, X86_VENDOR_INTEL, X86_VENDOR_AMD };

#define TRI_UNKNOWN (-1)
#endif
