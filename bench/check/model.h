/*
 * The model: which memory type the CPU applies, predicted from stage 1 (the page tables of the OS
 * wcbench runs in) x stage 2 (what a hypervisor put below it). One rule table in model.c; each rule
 * cites where it comes from (Arm ARM section, kernel commit). check compares the prediction with
 * the probe: a disagreement is reported as a conflict.
 */
#ifndef WCBENCH_CHECK_MODEL_H
#define WCBENCH_CHECK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "targets/memtype.h"

/* Memory types. The arm64 ones are in the Arm ARM's order of strength: when two stages combine
 * without FWB the stronger (later) one wins. */
enum mt {
	MT_UNKNOWN,
	MT_NORMAL_WB, MT_NORMAL_WT, MT_NORMAL_NC,
	MT_DEVICE_GRE, MT_DEVICE_nGRE, MT_DEVICE_nGnRE, MT_DEVICE_nGnRnE,
	MT_X86_WB, MT_X86_WT, MT_X86_WC, MT_X86_UC_MINUS, MT_X86_UC,
	MT_COUNT
};
/* "Normal-WB", "Device-nGnRE", "WC", "UC-", ... as the CSV spells them; "unknown". */
const char *mt_name(enum mt t);
/* The inverse (case-sensitive); MT_UNKNOWN for anything else. */
enum mt mt_parse(const char *s);
/* Device for Device-* and UC/UC-, Normal for Normal-* and WB/WT/WC. */
enum memclass mt_class(enum mt t);
/* Whether stores to memory of this type may be combined by the CPU (Normal-NC/WB/WT; Device-GRE,
 * whose G permits Gathering, Arm ARM B2.10.2; WC, WB, WT). */
bool mt_may_combine(enum mt t);

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
const char *vma_kind_name(enum vma_kind v);
enum x86_vendor { X86_VENDOR_UNKNOWN, X86_VENDOR_INTEL, X86_VENDOR_AMD };

#define TRI_UNKNOWN (-1)

struct model_query {
	enum model_arch arch;
	enum mt stage1;          /* what the path asks for in the OS wcbench runs in */
	enum model_env env;
	unsigned host_major, host_minor; /* the KVM host's kernel version; 0.0: unknown */
	enum vma_kind vma;
	int fwb;                 /* arm64 FEAT_S2FWB at the host: 1, 0, TRI_UNKNOWN */
	int cache_dic;           /* arm64 CTR_EL0.DIC at the host: 1, 0, TRI_UNKNOWN (6.17 cacheable PFNMAP) */
	enum x86_vendor vendor;  /* x86 KVM host CPU vendor */
	int ignore_guest_pat;    /* x86 Intel: KVM_X86_QUIRK_IGNORE_GUEST_PAT in effect (default on);
				  * 1, 0, TRI_UNKNOWN */
	int x86_mtrr_wc;         /* x86 host: an MTRR marks the range WC: 1, 0, TRI_UNKNOWN */
};
/* The query for a plain host: no stage 2, everything else unknown. */
void model_query_init(struct model_query *q, enum model_arch arch, enum mt stage1, enum model_env env);

#define MODEL_MAX_OUTCOMES 8
struct model_prediction {
	enum mt stage2;          /* MT_UNKNOWN when there is none or it depends on an unknown */
	enum mt effective;       /* MT_UNKNOWN when the outcome depends on an unknown input */
	enum memclass cls;       /* the class the probe should read; UNKNOWN when undecided */
	int may_combine;         /* 1, 0, TRI_UNKNOWN */
	/* every outcome the unknown inputs allow, each with the condition that leads to it:
	 * "Normal-NC if the host kernel is 6.9 or later (8c47ce3e1d2c)" */
	unsigned noutcomes;
	struct {
		enum mt effective;
		char when[200];
	} outcomes[MODEL_MAX_OUTCOMES];
	char rule[600];          /* how it was derived, with the citations of the rules used */
};
/* Predict; always fills p. */
void model_predict(const struct model_query *q, struct model_prediction *p);

/* Parse "6.1.0-28-arm64", "6.12", "v6.9-rc1" into major.minor: 0, or -EINVAL. */
int kernel_version_parse(const char *s, unsigned *major, unsigned *minor);

/* The rule tables as text (stage 1 x stage 2 combining, KVM stage 2 by host kernel and VMA kind,
 * x86 EPT), each rule with its citation: for `wcbench check --rules` and docs/check.md. */
void model_write_rules(FILE *f);
#endif
