/* The rules of the stage 1 x stage 2 model, as data: how two stages combine (arm64), what a KVM
 * host puts at stage 2, what an x86 host does without one. Shared by the table (model_rules.c)
 * and the engine that evaluates and phrases it (model.c); nothing outside check/model*.c uses it. */
#ifndef WCBENCH_CHECK_MODEL_RULES_H
#define WCBENCH_CHECK_MODEL_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "check/model_types.h"

enum rule_kind {
	RULE_COMBINE,   /* how stage 1 and a stage-2 type combine (arm64) */
	RULE_STAGE2,    /* what a KVM host puts at stage 2 */
	RULE_HOST,      /* no stage 2: host or emulated guest */
};

/* How the effective type follows from stage 1 (s1) and stage 2 (s2). */
enum combine_op {
	OP_NONE,           /* RULE_STAGE2 on arm64: the RULE_COMBINE rows decide */
	OP_STRONGER,       /* arm64: the stronger of s1 and s2 */
	OP_STAGE2,         /* s2 whatever s1 is */
	OP_STAGE1,         /* s1 whatever s2 is (or there is no s2) */
	OP_PAT_UNDER_UC,   /* x86: s1 combined as with an MTRR of UC: WC stays WC, all else UC */
	OP_PAT_UNDER_WB,   /* x86: s1 combined as with an MTRR of WB: s1, UC- reads UC */
	OP_FIXED,          /* the rule's result */
};

/* A condition on a yes/no input; the default (zero) matches anything. */
enum req { REQ_ANY, REQ_NO, REQ_YES };

struct kver {
	unsigned major, minor;
};

struct model_rule {
	enum rule_kind kind;
	enum model_arch arch;
	/* what the rule applies to */
	struct kver since, until;  /* host kernel in [since, until); 0.0: open */
	unsigned vma_mask;         /* VMA kinds (VMA_BIT); 0: any */
	enum req fwb, cache_dic, ignore_guest_pat, mtrr_wc;
	enum x86_vendor vendor;    /* X86_VENDOR_UNKNOWN: any */
	unsigned s1_mask;          /* stage-1 types (MT_BIT); 0: any */
	unsigned s2_mask;          /* RULE_COMBINE: the stage-2 types it combines */
	/* what follows */
	enum mt stage2;            /* RULE_STAGE2: what the host puts at stage 2 */
	bool fault;                /* RULE_STAGE2: no mapping, the guest's access fails */
	enum combine_op op;
	enum mt result;            /* OP_FIXED */
	const char *as_choice;     /* how this stage 2 is named among an unknown hypervisor's */
	const char *what;          /* the rule, in a sentence */
	const char *cite;          /* short: outcomes */
	const char *source;        /* full: the rules listing */
};

#define MT_BIT(t) (1u << (t))
#define VMA_BIT(v) (1u << (v))
#define ARM64_DEVICE_TYPES \
	(MT_BIT(MT_DEVICE_GRE) | MT_BIT(MT_DEVICE_nGRE) | MT_BIT(MT_DEVICE_nGnRE) | MT_BIT(MT_DEVICE_nGnRnE))
#define ARM64_TYPES \
	(MT_BIT(MT_NORMAL_WB) | MT_BIT(MT_NORMAL_WT) | MT_BIT(MT_NORMAL_NC) | ARM64_DEVICE_TYPES)
#define PFNMAP_KINDS \
	(VMA_BIT(VMA_PFNMAP_VFIO) | VMA_BIT(VMA_PFNMAP_OTHER) | VMA_BIT(VMA_PFNMAP_CACHEABLE))

#define SRC_ARM_COMBINE                                                                            \
	"Arm ARM (DDI 0487) \"Combining the stage 1 and stage 2 attributes\" (K.a and later: "    \
	"D8.6.5.1 Table D8-97, D8.6.5.2 Table D8-98; R_HMNDG, R_TNHFM, R_GQFSF, I_MCQKW)"
#define SRC_ARM_FWB                                                                                \
	"Arm ARM (DDI 0487) \"Stage 2 memory type and Cacheability attributes when FWB is "       \
	"enabled\" (K.a and later: D8.6.6, Tables D8-100 and D8-101; R_VRJSW, R_RHWZM)"
#define SRC_KVM_MMU "arch/arm64/kvm/mmu.c user_mem_abort()"
#define SRC_SDM_PAT                                                                                \
	"Intel SDM Vol. 3A \"Selecting Memory Types for Pentium III and More Recent Processor "   \
	"Families\" (table of effective page-level memory types, MTRR x PAT)"


extern const struct model_rule model_rules[];
extern const size_t model_rule_count;
#endif
