#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check/verdict.h"

/* Timing thresholds. A ratio of rates on the same BAR is not a proof the way a link ceiling is:
 * the rules that use them say "timing evidence". UC cannot go faster streamed than fenced (every
 * store is its own transaction either way); WC streamed 8-byte stores become 64-byte TLPs, a
 * factor of up to 8 in TLPs. Published WC/UC ratios on one BAR: x49 to x271 (AWS F1 wc_perf). */
#define RATIO_COMBINES 4.0   /* at or above: stores combine */
#define RATIO_UC_LIKE 1.5    /* at or below: every store its own transaction */
#define SEQUENCE_LOSS 1.25   /* a 64-byte store this much faster than 8-byte stores: degraded */

static const char *const verdict_names[VERDICT_COUNT] = { "works", "degraded", "broken", "unknown" };

const char *verdict_name(enum verdict v)
{
	return (unsigned)v < VERDICT_COUNT ? verdict_names[v] : "unknown";
}

int verdict_parse(const char *s)
{
	for (int i = 0; i < VERDICT_COUNT; i++)
		if (s && !strcmp(s, verdict_names[i]))
			return i;
	return -1;
}

int verdict_worse(enum verdict a, enum verdict b)
{
	if (a == VERDICT_UNKNOWN || b == VERDICT_UNKNOWN || a >= VERDICT_COUNT || b >= VERDICT_COUNT)
		return -1;
	return b > a;
}

void check_facts_init(struct check_facts *f)
{
	memset(f, 0, sizeof *f);
	f->model.effective = MT_UNKNOWN;
	f->model.may_combine = TRI_UNKNOWN;
}

static void add_evidence(struct target_verdict *v, const char *kind, enum verdict points_to,
			 const char *source, const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static void add_evidence(struct target_verdict *v, const char *kind, enum verdict points_to,
			 const char *source, const char *expected, const char *fmt, ...)
{
	if (v->nevidence >= VERDICT_MAX_EVIDENCE)
		return;
	struct evidence *e = &v->evidence[v->nevidence++];
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->observed, sizeof e->observed, fmt, ap);
	va_end(ap);
	snprintf(e->expected, sizeof e->expected, "%s", expected ? expected : "");
	snprintf(e->source, sizeof e->source, "%s", source ? source : "");
	e->points_to = points_to;
}

static void add_advice(struct target_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_advice(struct target_verdict *v, const char *fmt, ...)
{
	if (v->nadvice >= VERDICT_MAX_ADVICE)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->advice[v->nadvice++], sizeof v->advice[0], fmt, ap);
	va_end(ap);
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

static const char *sixty_four_advice(enum model_arch a)
{
	return a == MODEL_ARM64 ? "use one 64-byte store: NEON ST1 {4 x Q} (st1_q64) or ST64B where the "
				  "device takes it, instead of 8 x STR"
				: "use one 64-byte store: MOVDIR64B or AVX-512 VMOVNTDQ, instead of 8-byte MOVs";
}

/* Advice for a path whose effective type is Device. */
static void advise_device(const struct check_facts *f, struct target_verdict *v)
{
	bool guest = f->platform.env == MODEL_KVM_GUEST || f->platform.env == MODEL_GUEST;
	if (guest && memclass_of(f->memtype_requested) == MEMCLASS_NORMAL) {
		if (f->platform.host_major && (f->platform.host_major < 6 ||
					       (f->platform.host_major == 6 && f->platform.host_minor < 9)))
			add_advice(v, "host kernel %s maps vfio-pci BARs Device-nGnRE at stage 2; Normal-NC "
				   "since 6.9 (8c47ce3e1d2c): upgrade the host, and pass the BAR through "
				   "vfio-pci", f->platform.host_kernel);
		else
			add_advice(v, "stage 2 made this %s mapping Device: KVM before 6.9 maps every PFNMAP "
				   "Device-nGnRE; 6.9+ (8c47ce3e1d2c) maps vfio-pci BARs Normal-NC and other "
				   "PFNMAPs (sysfs resourceN_wc) still Device%s", f->memtype_requested,
				   f->platform.host_kernel[0] ? "" : " (host kernel unknown: give --host-kernel)");
	} else if (f->vma == TARGET_VMA_SYSFS) {
		add_advice(v, "resourceN maps Device-nGnRE by design: write combining needs resourceN_wc "
			   "(Normal-NC), for a prefetchable BAR: the sysfs-wc: target");
	} else if (f->vma == TARGET_VMA_VFIO) {
		add_advice(v, "vfio-pci maps BARs Device-nGnRnE (pgprot_noncached): write-combining vfio "
			   "mappings are not upstream; use sysfs resourceN_wc or a driver's WC mapping");
	}
}

/* What the rules read: the facts and what follows from them. */
struct verdict_reading {
	const struct check_facts *f;
	bool host;              /* no stage 2 below this OS */
	bool timing;            /* not emulated: rates mean something */
	enum memclass probe;    /* UNKNOWN unless probed */
	enum memclass predicted; /* the model's class, UNKNOWN unless definite */
	double ratio_fp;        /* streamed over fenced 8-byte rate; 0 when either is missing */
	bool over_ceiling;      /* the p10 of 8-byte stores beats the link's 8 B-TLP ceiling */
	char conflict[300];     /* what disagrees, or "" */
};

static bool any_conflict(const struct verdict_reading *r)
{
	return r->conflict[0] != '\0';
}

static void advise_conflict(const struct verdict_reading *r, struct target_verdict *v)
{
	v->conflict = true;
	add_evidence(v, "conflict", VERDICT_UNKNOWN, "", "", "%s", r->conflict);
	add_advice(v, "repeat on an idle machine; check the mapping (wcbench probe %s) and the "
		   "stated host kernel and link", r->f->target);
}

static bool probe_device(const struct verdict_reading *r)
{
	return r->probe == MEMCLASS_DEVICE;
}

static void advise_type_device(const struct verdict_reading *r, struct target_verdict *v)
{
	advise_device(r->f, v);
}

static bool pat_uc(const struct verdict_reading *r)
{
	return r->host && is(r->f->memtype_os, "UC");
}

static void advise_pat_uc(const struct verdict_reading *r, struct target_verdict *v)
{
	(void)r;
	add_advice(v, "PAT gave UC: a WC mapping needs ioremap_wc / resourceN_wc / pgprot_writecombine");
}

static bool pat_uc_minus(const struct verdict_reading *r)
{
	return is(r->f->memtype_requested, "WC") && is(r->f->memtype_os, "UC-");
}

static void advise_pat_uc_minus(const struct verdict_reading *r, struct target_verdict *v)
{
	(void)r;
	add_advice(v, "PAT gave UC- where WC was asked: is PAT off (nopat)? Or another mapping of "
		   "the range is UC- (cat /sys/kernel/debug/x86/pat_memtype_list)");
}

static bool model_uncached(const struct verdict_reading *r)
{
	return r->f->model.may_combine == 0 && r->probe != MEMCLASS_NORMAL;
}

static bool cached_memory(const struct verdict_reading *r)
{
	const struct check_facts *f = r->f;
	return (is(f->memtype_requested, "WB") || is(f->memtype_requested, "Normal-WB")) &&
	       f->model.may_combine != 0;
}

static void advise_cached_memory(const struct verdict_reading *r, struct target_verdict *v)
{
	(void)r;
	add_advice(v, "check a device BAR (wcbench check BDF:barN): combining is a question for "
		   "uncached mappings");
}

static bool emulated(const struct verdict_reading *r)
{
	return !r->timing;
}

static void advise_emulated(const struct verdict_reading *r, struct target_verdict *v)
{
	(void)r;
	add_advice(v, "decide on real hardware, or in a guest under KVM (wcbench guest --accel kvm): "
		   "under emulation stores never reach a link");
}

static bool link_proof(const struct verdict_reading *r)
{
	return r->over_ceiling;
}

static bool wc_uc_ratio(const struct verdict_reading *r)
{
	return r->f->wc_uc_ratio >= RATIO_COMBINES;
}

static bool fingerprint_wc(const struct verdict_reading *r)
{
	return r->host && is(r->f->memtype_os, "WC") && r->ratio_fp >= RATIO_COMBINES;
}

static bool fingerprint_uc(const struct verdict_reading *r)
{
	return r->host && r->ratio_fp > 0 && r->ratio_fp <= RATIO_UC_LIKE;
}

static bool always(const struct verdict_reading *r)
{
	(void)r;
	return true;
}

static void advise_not_enough(const struct verdict_reading *r, struct target_verdict *v)
{
	const struct check_facts *f = r->f;
	if (!f->link.known && f->device[0])
		add_advice(v, "state the link with --link genGxW (sysfs shows none): then an 8-byte "
			   "rate above its 8 B-TLP ceiling proves combining");
	if (!f->uc_path[0] && f->device[0])
		add_advice(v, "check every path of the BAR at once (wcbench check BDF:barN) for the "
			   "WC/UC ratio");
}

/* The rules, in the order they are tried: the first that applies decides. The last always does. */
const struct verdict_rule verdict_rule_docs[] = {
	{ .id = "conflict", .verdict = VERDICT_UNKNOWN, .applies = any_conflict, .advise = advise_conflict,
	  .text = "two pieces of evidence disagree (probe vs model, PAT vs timing, a type that cannot "
		  "combine vs a rate only combining reaches): reported as a conflict, not resolved" },
	{ .id = "probe-device", .verdict = VERDICT_BROKEN, .applies = probe_device,
	  .advise = advise_type_device,
	  .text = "the probe took an alignment fault: the effective type is Device; the Device types "
		  "Linux and KVM map (nGnRE, nGnRnE) never gather stores (Arm ARM B2.10.2: only G, "
		  "Device-GRE, would)" },
	{ .id = "pat-uc", .verdict = VERDICT_BROKEN, .applies = pat_uc, .advise = advise_pat_uc,
	  .text = "on a host, PAT gave UC: uncached whatever the MTRRs say, stores never combine" },
	{ .id = "pat-uc-minus", .verdict = VERDICT_DEGRADED, .applies = pat_uc_minus,
	  .advise = advise_pat_uc_minus,
	  .text = "WC was asked but PAT gave UC-: stores combine only where an MTRR marks the range WC" },
	{ .id = "model-uncached", .verdict = VERDICT_BROKEN, .applies = model_uncached,
	  .advise = advise_type_device,
	  .text = "the stage 1 x stage 2 model gives a type that cannot combine (Device, UC) for every "
		  "possible input, and nothing contradicts it" },
	{ .id = "cached-memory", .verdict = VERDICT_UNKNOWN, .applies = cached_memory,
	  .advise = advise_cached_memory,
	  .text = "cached memory (WB): stores merge in the cache; combining of uncached stores does not "
		  "apply and no link bounds it" },
	{ .id = "emulated", .verdict = VERDICT_UNKNOWN, .applies = emulated, .advise = advise_emulated,
	  .text = "a full-system emulator: timing means nothing, so only a type that cannot combine "
		  "could be decided, and it was not seen" },
	{ .id = "link-ceiling", .verdict = VERDICT_WORKS, .applies = link_proof,
	  .text = "even the p10 of readback-drained 8-byte stores exceeds what the link carries in "
		  "8-byte TLPs: stores were combined (degraded when a 64-byte store is 1.25x faster "
		  "still)" },
	{ .id = "wc-uc-ratio", .verdict = VERDICT_WORKS, .applies = wc_uc_ratio,
	  .text = "timing evidence: 8-byte stores on this path are at least 4x faster than on the same "
		  "BAR's uncached path (degraded when a 64-byte store is 1.25x faster still)" },
	{ .id = "fingerprint-wc", .verdict = VERDICT_WORKS, .applies = fingerprint_wc,
	  .text = "timing evidence: PAT gave WC and streamed 8-byte stores are at least 4x faster than "
		  "each fenced (degraded when a 64-byte store is 1.25x faster still)" },
	{ .id = "fingerprint-uc", .verdict = VERDICT_BROKEN, .applies = fingerprint_uc,
	  .text = "timing evidence on a host: streamed 8-byte stores are at most 1.5x faster than each "
		  "fenced: every store is its own transaction, as on UC" },
	{ .id = "not-enough-evidence", .verdict = VERDICT_UNKNOWN, .applies = always,
	  .advise = advise_not_enough,
	  .text = "nothing above applied: the evidence neither proves nor excludes combining" },
};
const size_t verdict_rule_count = sizeof verdict_rule_docs / sizeof verdict_rule_docs[0];

/* The target, its types and its figures, copied for the output. */
static void describe_target(const struct check_facts *f, struct target_verdict *v)
{
	snprintf(v->target, sizeof v->target, "%s", f->target);
	snprintf(v->map, sizeof v->map, "%s", f->map);
	snprintf(v->device, sizeof v->device, "%s", f->device);
	snprintf(v->memtype_requested, sizeof v->memtype_requested, "%s", f->memtype_requested);
	snprintf(v->memtype_os, sizeof v->memtype_os, "%s", f->memtype_os);
	if (f->probe.probed)
		snprintf(v->memtype_effective, sizeof v->memtype_effective, "%s", memclass_name(f->probe.effective));
	if (f->model.effective != MT_UNKNOWN) {
		snprintf(v->memtype_predicted, sizeof v->memtype_predicted, "%s", mt_name(f->model.effective));
	} else {
		size_t l = 0;
		for (unsigned i = 0; i < f->model.noutcomes && l < sizeof v->memtype_predicted; i++)
			l += (size_t)snprintf(v->memtype_predicted + l, sizeof v->memtype_predicted - l, "%s%s",
					      i ? " or " : "", mt_name(f->model.outcomes[i].effective));
	}
	v->gbps_8 = f->st8.measured ? f->st8.gbps : NAN;
	v->gbps_8_fenced = f->st8_fenced.measured ? f->st8_fenced.gbps : NAN;
	v->gbps_64 = f->best64.measured ? f->best64.gbps : NAN;
	v->tlp8_ceiling = f->link.known ? f->ceil.tlp8_gbps : NAN;
	v->tlp64_ceiling = f->link.known ? f->ceil.tlp64_gbps : NAN;
	v->wc_uc_ratio = f->wc_uc_ratio > 0 ? f->wc_uc_ratio : NAN;
	if (f->link.known)
		snprintf(v->link, sizeof v->link, "gen%ux%u", f->link.gen, f->link.width);
}

static void read_facts(const struct check_facts *f, struct verdict_reading *r)
{
	*r = (struct verdict_reading){
		.f = f,
		.host = f->platform.env == MODEL_HOST,
		.timing = !f->platform.emulated,
		.probe = f->probe.probed ? f->probe.effective : MEMCLASS_UNKNOWN,
		.predicted = f->model.cls,
		.ratio_fp = f->st8.measured && f->st8_fenced.measured && f->st8_fenced.gbps > 0
				    ? f->st8.gbps / f->st8_fenced.gbps : 0,
	};
	r->over_ceiling = r->timing && f->st8.measured && f->link.known && f->st8.p10 > f->ceil.tlp8_gbps;
}

/* The evidence on the mapping's type: platform, probe, the OS's report, the model, the link. */
static void add_type_evidence(const struct verdict_reading *r, struct target_verdict *v)
{
	const struct check_facts *f = r->f;
	/* what the OS reports it gave: x86 PAT; arm64 has no such report */
	bool pat_known = f->arch == MODEL_X86_64 && f->memtype_os[0] && !is(f->memtype_os, "unknown");
	add_evidence(v, "platform", VERDICT_UNKNOWN, "check/platform.c", NULL,
		     "%s: %s%s%s", platform_env_name(&f->platform), f->platform.how,
		     f->platform.host_kernel[0] ? "; host kernel " : "", f->platform.host_kernel);
	if (f->probe.probed || f->probe.how[0])
		add_evidence(v, "memtype-probe", r->probe == MEMCLASS_DEVICE ? VERDICT_BROKEN : VERDICT_UNKNOWN,
			     "Arm ARM B2.8: an unaligned access to any Device type takes an alignment fault; "
			     "Normal memory does not",
			     r->predicted != MEMCLASS_UNKNOWN ? (r->predicted == MEMCLASS_DEVICE ? "Device (the model)" : "Normal (the model)") : "",
			     "%s", f->probe.how);
	if (pat_known)
		add_evidence(v, "memtype-os",
			     is(f->memtype_os, "UC") && r->host ? VERDICT_BROKEN
			     : is(f->memtype_os, "UC-") && is(f->memtype_requested, "WC") ? VERDICT_DEGRADED
			     : VERDICT_UNKNOWN,
			     "/sys/kernel/debug/x86/pat_memtype_list", f->memtype_requested,
			     "the OS reports %s for this range (asked: %s)", f->memtype_os, f->memtype_requested);
	add_evidence(v, "model", f->model.may_combine == 0 ? VERDICT_BROKEN : VERDICT_UNKNOWN, "check/model.c rule table",
		     NULL, "predicted %s: %s", v->memtype_predicted[0] ? v->memtype_predicted : "unknown",
		     f->model.rule);
	add_evidence(v, "link", VERDICT_UNKNOWN, "PCIe: 22-26 B of overhead per TLP", NULL, "%s%s%s",
		     f->link.source, f->link.known ? "; " : "", f->link.known ? f->ceil.assumptions : "");
}

/* The evidence of the timed cases: 8-byte rate, streamed vs fenced, 64-byte rate, WC/UC ratio. */
static void add_timing_evidence(const struct verdict_reading *r, struct target_verdict *v)
{
	const struct check_facts *f = r->f;
	char ceiling8[80] = "", frac64[80] = "";
	if (f->link.known) {
		snprintf(ceiling8, sizeof ceiling8, "; the link carries at most %.3f GB/s in 8 B TLPs",
			 f->ceil.tlp8_gbps);
		if (f->best64.measured && f->ceil.tlp64_gbps > 0)
			snprintf(frac64, sizeof frac64, "; %.0f%% of the 64 B-TLP ceiling (%.3f GB/s)",
				 100 * f->best64.gbps / f->ceil.tlp64_gbps, f->ceil.tlp64_gbps);
	}
	if (f->st8.measured)
		add_evidence(v, "throughput-8B", r->over_ceiling ? VERDICT_WORKS : VERDICT_UNKNOWN,
			     "PCIe TLP overheads: a rate above the 8 B-TLP ceiling needs combining",
			     f->link.known ? "p10 above the 8 B-TLP ceiling if stores combine" : "",
			     "8-byte stores, readback-drained: %.3f GB/s (p10-p90 %.3f-%.3f)%s; %s",
			     f->st8.gbps, f->st8.p10, f->st8.p90, ceiling8, f->st8.how);
	else if (f->st8.how[0])
		add_evidence(v, "throughput-8B", VERDICT_UNKNOWN, "", "", "not measured: %s", f->st8.how);
	if (r->ratio_fp > 0)
		add_evidence(v, "fingerprint",
			     !r->timing || !f->device[0] ? VERDICT_UNKNOWN : r->ratio_fp >= RATIO_COMBINES ? VERDICT_WORKS
			     : r->ratio_fp <= RATIO_UC_LIKE ? VERDICT_BROKEN : VERDICT_UNKNOWN,
			     "timing evidence: UC makes every store its own transaction, streamed or fenced",
			     "UC: ratio <= 1.5; WC: >= 4",
			     "streamed 8-byte stores %.3f GB/s vs each fenced %.3f GB/s: ratio %.2f%s",
			     f->st8.gbps, f->st8_fenced.gbps, r->ratio_fp, r->timing ? "" : " (emulated: not used)");
	if (f->best64.measured)
		add_evidence(v, "throughput-64B", VERDICT_UNKNOWN, "PCIe TLP overheads: 64 B TLPs are the most CPU "
			     "combining produces", "",
			     "best 64-byte store %s: %.3f GB/s (p10-p90 %.3f-%.3f)%s; %s", f->best64.kernel,
			     f->best64.gbps, f->best64.p10, f->best64.p90, frac64, f->best64.how);
	if (f->wc_uc_ratio > 0)
		add_evidence(v, "wc-uc-ratio",
			     r->timing && f->wc_uc_ratio >= RATIO_COMBINES ? VERDICT_WORKS : VERDICT_UNKNOWN,
			     "timing evidence; published WC/UC ratios on one BAR: x49 to x271 (AWS F1 wc_perf)",
			     ">= 4 when stores combine",
			     "8-byte stores here vs on %s: ratio %.2f%s", f->uc_path, f->wc_uc_ratio,
			     r->timing ? "" : " (emulated: not used)");
}

/* The BAR seen from wcbench's own VM: evidence for a guest's view, and advice. */
static void add_microvm_evidence(const struct check_facts *f, struct target_verdict *v)
{
	if (!f->microvm.ran && !f->microvm.how[0])
		return;
	const struct model_prediction *m = &f->microvm.model;
	add_evidence(v, "microvm", VERDICT_UNKNOWN,
		     "wcbench vm: an unaligned store from a VM; EFAULT from KVM_RUN means stage 2 Device",
		     m->stage2 != MT_UNKNOWN ? mt_name(m->stage2) : "",
		     "in a VM on this host (kernel %s): %s",
		     f->microvm.kernel[0] ? f->microvm.kernel : "unknown", f->microvm.how);
	add_evidence(v, "microvm-model", VERDICT_UNKNOWN, "check/model.c rule table", NULL,
		     "what this kernel's KVM gives such a VM: %s", m->rule);
	if (f->microvm.ran && f->microvm.stage2 == MEMCLASS_DEVICE)
		add_advice(v, "in a guest, this BAR is Device at stage 2 (host kernel %s, seen from "
			   "wcbench's own VM): no write combining in VMs on this host (evidence "
			   "microvm-model names the rule)", f->microvm.kernel);
	else if (f->microvm.ran && f->microvm.stage2 == MEMCLASS_NORMAL)
		add_advice(v, "in a guest, this BAR is Normal at stage 2 (host kernel %s, seen from "
			   "wcbench's own VM): a guest that maps it Normal-NC can combine stores",
			   f->microvm.kernel);
}

/* Evidence that disagrees, in r->conflict ("" when none). */
static void find_conflict(struct verdict_reading *r, const struct target_verdict *v)
{
	const struct check_facts *f = r->f;
	if (r->probe != MEMCLASS_UNKNOWN && r->predicted != MEMCLASS_UNKNOWN && r->probe != r->predicted)
		snprintf(r->conflict, sizeof r->conflict, "the probe reads %s but the model predicts %s",
			 memclass_name(r->probe), v->memtype_predicted);
	else if (r->over_ceiling && (r->probe == MEMCLASS_DEVICE || (r->host && is(f->memtype_os, "UC"))))
		snprintf(r->conflict, sizeof r->conflict, "8-byte stores beat the 8 B-TLP ceiling, which needs "
			 "combining, on a path whose type (%s) cannot combine",
			 r->probe == MEMCLASS_DEVICE ? "Device, probed" : "UC");
	else if (r->timing && r->host && is(f->memtype_os, "WC") && r->ratio_fp > 0 &&
		 r->ratio_fp <= RATIO_UC_LIKE && (r->over_ceiling || (f->wc_uc_ratio >= RATIO_COMBINES)))
		snprintf(r->conflict, sizeof r->conflict, "PAT gave WC and the link or the WC/UC ratio shows "
			 "combining, but streamed stores are no faster than fenced ones");
}

static void decide(struct target_verdict *v, const struct verdict_rule *rule)
{
	v->verdict = rule->verdict;
	snprintf(v->rule, sizeof v->rule, "%s", rule->id);
	snprintf(v->rule_text, sizeof v->rule_text, "%s", rule->text);
}

/* works, but a 64-byte store does better than 8-byte ones: this sequence loses some */
static void check_sequence(const struct check_facts *f, struct target_verdict *v)
{
	if (v->verdict != VERDICT_WORKS || !f->best64.measured || !f->st8.measured ||
	    f->best64.gbps <= SEQUENCE_LOSS * f->st8.gbps)
		return;
	v->verdict = VERDICT_DEGRADED;
	size_t l = strlen(v->rule);
	snprintf(v->rule + l, sizeof v->rule - l, "+64B-better");
	l = strlen(v->rule_text);
	snprintf(v->rule_text + l, sizeof v->rule_text - l, "; degraded: one 64-byte store (%s) "
		 "reaches %.2fx the rate of 8-byte stores", f->best64.kernel, f->best64.gbps / f->st8.gbps);
	add_advice(v, "%s", sixty_four_advice(f->arch));
}

void verdict_decide(const struct check_facts *f, struct target_verdict *v)
{
	memset(v, 0, sizeof *v);
	describe_target(f, v);
	struct verdict_reading r;
	read_facts(f, &r);
	/* the evidence, all of it, whatever decides */
	add_type_evidence(&r, v);
	add_timing_evidence(&r, v);
	add_microvm_evidence(f, v);
	find_conflict(&r, v);

	const struct verdict_rule *rule = &verdict_rule_docs[verdict_rule_count - 1];
	for (size_t i = 0; i < verdict_rule_count; i++)
		if (verdict_rule_docs[i].applies(&r)) {
			rule = &verdict_rule_docs[i];
			break;
		}
	decide(v, rule);
	if (rule->advise)
		rule->advise(&r, v);
	if (v->conflict)
		return; /* a conflict's advice is all there is to say */
	check_sequence(f, v);
	for (unsigned i = 0; i < f->npath_notes; i++)
		add_advice(v, "%s", f->path_notes[i]);
}
