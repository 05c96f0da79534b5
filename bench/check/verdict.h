/*
 * The verdict on one target: does write combining work there, and if not, why. Made from facts
 * (what check observed and what the user stated) by one ordered table of rules in verdict.c; every
 * verdict names the rule that decided it and the evidence behind it, and says "unknown" rather
 * than guess. Conflicting evidence is reported as a conflict, never resolved silently.
 */
#ifndef WCBENCH_CHECK_VERDICT_H
#define WCBENCH_CHECK_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "check/link.h"
#include "targets/memtype.h"
#include "check/model.h"
#include "check/platform.h"
#include "targets/target.h"

enum verdict { VERDICT_WORKS, VERDICT_DEGRADED, VERDICT_BROKEN, VERDICT_UNKNOWN, VERDICT_COUNT };
/* "works", "degraded", "broken", "unknown" */
const char *verdict_name(enum verdict v);
/* The inverse; -1 for anything else. */
int verdict_parse(const char *s);
/* Worse = further from works: works < degraded < broken; unknown is not ordered (-1 when either is
 * unknown, else 1 when b is worse than a, 0 otherwise). */
int verdict_worse(enum verdict a, enum verdict b);

/* One readback-drained throughput figure (the median of a case written to results.csv). */
struct throughput {
	bool measured;
	double gbps, p10, p90;  /* GB/s = 10^9 B/s: median, p10, p90 of the samples */
	char kernel[24];
	char how[200];          /* "str_8, burst 4 KiB, barrier none, drain readback, 12 samples,
				 * timer cntvct" or why it was not measured */
};

/* Everything the verdict on one target is made from. */
struct check_facts {
	enum model_arch arch;
	char target[160], map[24], device[64];
	enum target_vma vma;        /* the host mapping of the path (its kind's) */
	char memtype_requested[24]; /* what the path asks for */
	char memtype_os[24];        /* what the OS reports it gave (x86 PAT list); "" or "unknown" */
	struct memtype_probe probe;
	struct platform platform;
	struct model_prediction model;
	struct link_info link;
	struct link_ceilings ceil;  /* valid when link.known */
	struct throughput st8;      /* 8-byte stores streamed, no barrier */
	struct throughput st8_fenced; /* 8-byte stores each followed by SFENCE / DSB ST */
	struct throughput best64;   /* the fastest 64-byte store kernel */
	/* WC/UC ratio on the same BAR: this path's 8-byte rate over that of the BAR's Device/UC path
	 * (0 when there is none); uc_path names it */
	double wc_uc_ratio;
	char uc_path[160];
	/* notes on the BAR's mapping paths this kernel does not offer ("BAR 0 is not prefetchable:
	 * the kernel offers no resource0_wc"), copied into the advice */
	char path_notes[2][200];
	unsigned npath_notes;
	/* This machine's KVM seen through wcbench's microVM (bench/vm/): the target's window mapped
	 * into a VM whose stage 1 is Normal-NC, as a guest driver maps a BAR to combine stores; and
	 * what this kernel's KVM rules predict for that memslot. For a guest's view, not this path's
	 * verdict. */
	struct {
		bool ran;                /* the microVM's probe ran (ran or not, how says) */
		enum memclass effective, stage2;
		char how[200];
		char kernel[64];         /* this kernel: the KVM host of that VM */
		struct model_prediction model;
	} microvm;
};
void check_facts_init(struct check_facts *f);

#define VERDICT_MAX_EVIDENCE 16
#define VERDICT_MAX_ADVICE 6

struct evidence {
	char kind[24];          /* memtype-probe, memtype-os, model, emulation, link, throughput-8B,
				 * fingerprint, throughput-64B, wc-uc-ratio, microvm, microvm-model,
				 * conflict */
	char observed[700];     /* long enough for the model's derivation */
	char expected[300];     /* what the rule expected, or "" */
	char source[200];       /* the rule or reference it rests on */
	enum verdict points_to; /* what this item alone suggests (unknown: neutral) */
};

struct target_verdict {
	char target[160], map[24], device[64];
	char memtype_requested[24], memtype_os[24];
	char memtype_effective[24]; /* "Device", "Normal" (probed), or "" */
	char memtype_predicted[80]; /* the model's type, or its outcomes joined by " or " */
	enum verdict verdict;
	char rule[32];              /* the id of the rule that decided */
	char rule_text[300];
	bool conflict;
	unsigned nevidence;
	struct evidence evidence[VERDICT_MAX_EVIDENCE];
	unsigned nadvice;
	char advice[VERDICT_MAX_ADVICE][300];
	/* the figures, for verdict.json (NAN when not measured) */
	double gbps_8, gbps_8_fenced, gbps_64, tlp8_ceiling, tlp64_ceiling, wc_uc_ratio;
	char link[40];              /* "gen4x16", "" */
};

/* Apply the rules to f. Always fills v. */
void verdict_decide(const struct check_facts *f, struct target_verdict *v);

/* What a rule reads: the facts and the figures derived from them (defined in verdict.c). */
struct verdict_reading;

/* One rule. The rules are one table, in the order they are tried: the first whose applies() holds
 * decides, and the same table is printed by --rules and carried by docs/check.md. */
struct verdict_rule {
	const char *id;
	enum verdict verdict;
	const char *text;       /* one line: why the rule gives its verdict */
	bool (*applies)(const struct verdict_reading *r);
	void (*advise)(const struct verdict_reading *r, struct target_verdict *v); /* NULL: none */
};
extern const struct verdict_rule verdict_rule_docs[];
extern const size_t verdict_rule_count;
#endif
