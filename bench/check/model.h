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

#include "check/model_types.h"
#include "targets/memtype.h"

/* "Normal-WB", "Device-nGnRE", "WC", "UC-", ... as the CSV spells them; "unknown". */
const char *mt_name(enum mt t);
/* The inverse (case-sensitive); MT_UNKNOWN for anything else. */
enum mt mt_parse(const char *s);
/* Device for Device-* and UC/UC-, Normal for Normal-* and WB/WT/WC. */
enum memclass mt_class(enum mt t);
/* Whether stores to memory of this type may be combined by the CPU (Normal-NC/WB/WT; Device-GRE,
 * whose G permits Gathering, Arm ARM B2.10.2; WC, WB, WT). */
bool mt_may_combine(enum mt t);

const char *vma_kind_name(enum vma_kind v);

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
