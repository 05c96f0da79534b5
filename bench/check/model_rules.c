/* The stage 1 x stage 2 model's rules (model_rules.h), each citing its source; the engine that
 * enumerates and phrases them is model.c. */
#include "check/model_rules.h"

const struct model_rule model_rules[] = {
	/* arm64: stage 1 x stage 2 */
	{
		.kind = RULE_COMBINE, .arch = MODEL_ARM64, .fwb = REQ_NO, .s2_mask = ARM64_TYPES,
		.op = OP_STRONGER,
		.what = "without FWB the stronger of stage 1 and stage 2 wins (stage 2 Normal-WB leaves "
			"stage 1 as it is)",
		.cite = "Arm ARM R_TNHFM",
		.source = SRC_ARM_COMBINE "; arch/arm64/include/asm/memory.h MT_S2_NORMAL 0xf, "
			  "MT_S2_NORMAL_NC 0x5, MT_S2_DEVICE_nGnRE 0x1",
	},
	{
		.kind = RULE_COMBINE, .arch = MODEL_ARM64, .fwb = REQ_YES,
		.s2_mask = MT_BIT(MT_NORMAL_WB), .op = OP_STAGE2, .as_choice = "FWB forced Normal-WB",
		.what = "with FWB, stage 2 Normal-WB (MemAttr 0b110) forces Normal-WB over any stage 1, "
			"Device included (whether a misaligned access still takes the stage-1 alignment "
			"fault is CONSTRAINED UNPREDICTABLE, R_RMTWN)",
		.cite = "Arm ARM R_RHWZM",
		.source = SRC_ARM_FWB "; memory.h MT_S2_FWB_NORMAL 6",
	},
	{
		.kind = RULE_COMBINE, .arch = MODEL_ARM64, .fwb = REQ_YES,
		.s2_mask = MT_BIT(MT_NORMAL_NC), .op = OP_STRONGER,
		.what = "with FWB, stage 2 Normal-NC (MemAttr 0b101): Normal becomes Normal-NC, Device "
			"stays Device (the stronger wins)",
		.cite = "Arm ARM R_RHWZM",
		.source = SRC_ARM_FWB "; memory.h MT_S2_FWB_NORMAL_NC 5",
	},
	{
		.kind = RULE_COMBINE, .arch = MODEL_ARM64, .fwb = REQ_YES, .s2_mask = ARM64_DEVICE_TYPES,
		.op = OP_STRONGER,
		.what = "with FWB, a stage-2 Device type (MemAttr[2] 0) combines with stage 1: the "
			"stronger wins",
		.cite = "Arm ARM R_GSDKZ",
		.source = SRC_ARM_FWB "; R_GSDKZ; memory.h MT_S2_FWB_DEVICE_nGnRE 1",
	},
	{
		.kind = RULE_COMBINE, .arch = MODEL_ARM64, .fwb = REQ_YES, .op = OP_STAGE1,
		.as_choice = "FWB stage 1 decides",
		.what = "with FWB, stage 2 MemAttr 0b111 leaves stage 1 as it is (Linux 7.0 "
			"MT_S2_FWB_AS_S1, for pKVM; no KVM rule below uses it)",
		.cite = "Arm ARM R_RHWZM",
		.source = SRC_ARM_FWB "; memory.h MT_S2_FWB_AS_S1 7",
	},
	/* arm64 KVM: what user_mem_abort() puts at stage 2 */
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .vma_mask = VMA_BIT(VMA_RAM),
		.stage2 = MT_NORMAL_WB,
		.what = "a RAM memslot (guest RAM, RAM-backed BARs such as ivshmem) is Normal-WB at "
			"stage 2 (with FWB: forced Normal-WB)",
		.cite = "stage2_set_prot_attr()",
		.source = "arch/arm64/kvm/hyp/pgtable.c stage2_set_prot_attr(): KVM_S2_MEMATTR(NORMAL), "
			  "MT_S2_NORMAL or MT_S2_FWB_NORMAL",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .until = { 6, 9 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_VFIO), .stage2 = MT_DEVICE_nGnRE,
		.what = "before 6.9 every PFNMAP memslot, a vfio-pci BAR included, is Device-nGnRE at "
			"stage 2",
		.cite = "user_mem_abort() before 8c47ce3e1d2c",
		.source = SRC_KVM_MMU " before 8c47ce3e1d2c: KVM_PGTABLE_PROT_DEVICE for every device "
			  "PFN",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .since = { 6, 9 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_VFIO), .stage2 = MT_NORMAL_NC,
		.what = "since 6.9 a vfio-pci BAR (VM_ALLOW_ANY_UNCACHED) is Normal-NC at stage 2: the "
			"guest's stage 1 decides",
		.cite = "8c47ce3e1d2c",
		.source = "8c47ce3e1d2c with c034ec84e879, 5c656fcdd6c6, a39d3a966a09 (6.9); " SRC_KVM_MMU
			  ": KVM_PGTABLE_PROT_NORMAL_NC when the VMA has VM_ALLOW_ANY_UNCACHED",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .vma_mask = VMA_BIT(VMA_PFNMAP_OTHER),
		.stage2 = MT_DEVICE_nGnRE,
		.what = "a PFNMAP without VM_ALLOW_ANY_UNCACHED (sysfs resourceN, resourceN_wc: the host "
			"VMA's own pgprot does not matter) is Device-nGnRE at stage 2",
		.cite = "user_mem_abort()",
		.source = SRC_KVM_MMU ": KVM_PGTABLE_PROT_DEVICE unless the VMA has "
			  "VM_ALLOW_ANY_UNCACHED (8c47ce3e1d2c)",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .until = { 6, 17 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_CACHEABLE), .stage2 = MT_DEVICE_nGnRE,
		.what = "before 6.17 a cacheable PFNMAP is Device-nGnRE at stage 2 like any other PFNMAP",
		.cite = "user_mem_abort() before 0c67288e0c8b",
		.source = SRC_KVM_MMU " before 0c67288e0c8b",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .since = { 6, 17 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_CACHEABLE), .fwb = REQ_YES, .cache_dic = REQ_YES,
		.stage2 = MT_NORMAL_WB,
		.what = "since 6.17 a cacheable PFNMAP gets cacheable stage 2 (with FWB: forced "
			"Normal-WB) when the host has FEAT_S2FWB and CTR_EL0.DIC",
		.cite = "0c67288e0c8b",
		.source = "0c67288e0c8b with 2a8dfab26677 and f55ce5a6cd33 "
			  "(KVM_CAP_ARM_CACHEABLE_PFNMAP_SUPPORTED), 6.17; " SRC_KVM_MMU
			  ": kvm_supports_cacheable_pfnmap()",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .since = { 6, 17 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_CACHEABLE), .fwb = REQ_NO, .fault = true,
		.what = "since 6.17 a cacheable PFNMAP on a host without FEAT_S2FWB cannot be mapped: the "
			"stage-2 fault fails with -EFAULT",
		.cite = "0c67288e0c8b",
		.source = "0c67288e0c8b, 2a8dfab26677; " SRC_KVM_MMU ": -EFAULT unless "
			  "kvm_supports_cacheable_pfnmap()",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_ARM64, .since = { 6, 17 },
		.vma_mask = VMA_BIT(VMA_PFNMAP_CACHEABLE), .cache_dic = REQ_NO, .fault = true,
		.what = "since 6.17 a cacheable PFNMAP on a host without CTR_EL0.DIC cannot be mapped: the "
			"stage-2 fault fails with -EFAULT",
		.cite = "0c67288e0c8b",
		.source = "0c67288e0c8b, 2a8dfab26677; " SRC_KVM_MMU ": -EFAULT unless "
			  "kvm_supports_cacheable_pfnmap()",
	},
	/* arm64 without stage 2 */
	{
		.kind = RULE_HOST, .arch = MODEL_ARM64, .op = OP_STAGE1,
		.what = "no stage 2: the stage-1 type (MAIR_ELx) is the effective type",
		.cite = "Arm ARM D8.6.1",
		.source = "Arm ARM (DDI 0487) \"Stage 1 memory type and Cacheability attributes\" "
			  "(K.a and later: D8.6.1)",
	},
	/* x86-64 without stage 2: PAT with MTRR */
	{
		.kind = RULE_HOST, .arch = MODEL_X86_64,
		.s1_mask = MT_BIT(MT_X86_WB) | MT_BIT(MT_X86_WT) | MT_BIT(MT_X86_WC) | MT_BIT(MT_X86_UC),
		.op = OP_STAGE1,
		.what = "PAT WB, WT, WC, UC: the PAT type is the effective type (WC and UC whatever the "
			"MTRR; WB and WT as on RAM, whose MTRR is WB)",
		.cite = "Intel SDM MTRR x PAT",
		.source = SRC_SDM_PAT,
	},
	{
		.kind = RULE_HOST, .arch = MODEL_X86_64, .s1_mask = MT_BIT(MT_X86_UC_MINUS),
		.mtrr_wc = REQ_NO, .op = OP_FIXED, .result = MT_X86_UC,
		.what = "PAT UC- reads UC unless an MTRR marks the range WC",
		.cite = "Intel SDM MTRR x PAT",
		.source = SRC_SDM_PAT,
	},
	{
		.kind = RULE_HOST, .arch = MODEL_X86_64, .s1_mask = MT_BIT(MT_X86_UC_MINUS),
		.mtrr_wc = REQ_YES, .op = OP_FIXED, .result = MT_X86_WC,
		.what = "PAT UC- under a WC MTRR reads WC",
		.cite = "Intel SDM MTRR x PAT",
		.source = SRC_SDM_PAT,
	},
	/* x86-64 KVM: EPT / NPT */
	{
		.kind = RULE_STAGE2, .arch = MODEL_X86_64, .vendor = X86_VENDOR_INTEL,
		.vma_mask = PFNMAP_KINDS, .stage2 = MT_X86_UC, .op = OP_PAT_UNDER_UC,
		.as_choice = "UC with the guest PAT honoured",
		.what = "Intel EPT, MMIO (a passed-through BAR): EPT UC with ignore-PAT clear, so the "
			"guest PAT combines as with an MTRR of UC: WC stays WC, anything else is UC",
		.cite = "vmx_get_mt_mask()",
		.source = "arch/x86/kvm/vmx/vmx.c vmx_get_mt_mask(); " SRC_SDM_PAT " (MTRR UC rows)",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_X86_64, .vendor = X86_VENDOR_INTEL,
		.vma_mask = VMA_BIT(VMA_RAM), .ignore_guest_pat = REQ_YES, .stage2 = MT_X86_WB,
		.op = OP_STAGE2, .as_choice = "WB with the guest PAT ignored",
		.what = "Intel EPT, RAM (ivshmem included) while KVM_X86_QUIRK_IGNORE_GUEST_PAT is in "
			"effect (the default; no non-coherent DMA): EPT WB with ignore-PAT, WB whatever the "
			"guest asked",
		.cite = "54590a4003d9",
		.source = "vmx_get_mt_mask(); honouring guest PAT (377b2f359d1f, 6.11-rc) was reverted "
			  "by 9d70f3fec144; the default-on quirk KVM_X86_QUIRK_IGNORE_GUEST_PAT is "
			  "54590a4003d9 (Intel only)",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_X86_64, .vendor = X86_VENDOR_INTEL,
		.vma_mask = VMA_BIT(VMA_RAM), .ignore_guest_pat = REQ_NO, .stage2 = MT_X86_WB,
		.op = OP_PAT_UNDER_WB, .as_choice = "WB with the guest PAT honoured",
		.what = "Intel EPT, RAM with the guest-PAT quirk disabled: EPT WB with ignore-PAT clear, "
			"the guest PAT decides (UC- reads UC)",
		.cite = "54590a4003d9",
		.source = "vmx_get_mt_mask(); KVM_X86_QUIRK_IGNORE_GUEST_PAT (54590a4003d9) disabled "
			  "through KVM_CAP_DISABLE_QUIRKS2; " SRC_SDM_PAT " (MTRR WB rows)",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_X86_64, .vendor = X86_VENDOR_AMD,
		.vma_mask = PFNMAP_KINDS, .stage2 = MT_X86_UC, .op = OP_PAT_UNDER_UC,
		.what = "AMD NPT, MMIO: the guest PAT is honoured and meets the host's UC for a BAR: WC "
			"stays WC, anything else is UC",
		.cite = "AMD NPT honours guest PAT",
		.source = "KVM_X86_QUIRK_IGNORE_GUEST_PAT is Intel only (54590a4003d9): AMD NPT always "
			  "honours guest PAT; " SRC_SDM_PAT " (MTRR UC rows)",
	},
	{
		.kind = RULE_STAGE2, .arch = MODEL_X86_64, .vendor = X86_VENDOR_AMD,
		.vma_mask = VMA_BIT(VMA_RAM), .stage2 = MT_X86_WB, .op = OP_PAT_UNDER_WB,
		.what = "AMD NPT, RAM: the guest PAT decides (UC- reads UC)",
		.cite = "AMD NPT honours guest PAT",
		.source = "KVM_X86_QUIRK_IGNORE_GUEST_PAT is Intel only (54590a4003d9): AMD NPT always "
			  "honours guest PAT; " SRC_SDM_PAT " (MTRR WB rows)",
	},
};

const size_t model_rule_count = sizeof model_rules / sizeof model_rules[0];
_Static_assert(sizeof model_rules / sizeof model_rules[0] <= 64, "rules are tracked in a 64-bit set");
