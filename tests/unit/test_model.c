/*
 * The stage 1 x stage 2 model (bench/check/model.c). Expected results are worked out here from
 * the sources themselves, not read from the model's tables: the Arm ARM order of strength, the
 * KVM stage-2 choice per host kernel and memslot, the x86 PAT/MTRR/EPT rules.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check/model.h"

/* Arm ARM "Combining the stage 1 and stage 2 attributes": weakest first; without FWB the
 * stronger of the two stages wins. */
static const char *const arm_order[] = {
	"Normal-WB", "Normal-WT", "Normal-NC", "Device-GRE", "Device-nGRE", "Device-nGnRE",
	"Device-nGnRnE",
};
#define ARM_TYPES (sizeof arm_order / sizeof arm_order[0])

static const char *const x86_types[] = { "WB", "WT", "WC", "UC-", "UC" };
#define X86_TYPES (sizeof x86_types / sizeof x86_types[0])

static int arm_rank(const char *name)
{
	for (size_t i = 0; i < ARM_TYPES; i++)
		if (!strcmp(arm_order[i], name))
			return (int)i;
	return -1;
}

static const char *stronger(const char *a, const char *b)
{
	return arm_rank(a) >= arm_rank(b) ? a : b;
}

static bool is_device(const char *name)
{
	return !strncmp(name, "Device-", 7) || !strcmp(name, "UC") || !strcmp(name, "UC-");
}

static struct model_prediction predict(const struct model_query *q)
{
	struct model_prediction p;
	memset(&p, 0x5a, sizeof p);  /* the model must fill everything */
	model_predict(q, &p);
	return p;
}

/* The outcome whose effective type is `name` ("fault" for the -EFAULT one), or NULL. */
static const char *outcome_when(const struct model_prediction *p, const char *name)
{
	for (unsigned i = 0; i < p->noutcomes && i < MODEL_MAX_OUTCOMES; i++) {
		bool fault = strstr(p->outcomes[i].when, "-EFAULT") != NULL;
		if (!strcmp(name, "fault") ? fault : !fault && !strcmp(mt_name(p->outcomes[i].effective), name))
			return p->outcomes[i].when;
	}
	return NULL;
}

/* Whether the outcomes are exactly `names` (a NULL-terminated list; "fault" for -EFAULT). */
static bool outcomes_are(const struct model_prediction *p, const char *const *names)
{
	unsigned n = 0;
	for (; names[n]; n++)
		if (!outcome_when(p, names[n]))
			return false;
	return p->noutcomes == n;
}

static void show(const struct model_prediction *p)
{
	printf("#   effective %s, stage 2 %s; %s\n", mt_name(p->effective), mt_name(p->stage2), p->rule);
	for (unsigned i = 0; i < p->noutcomes && i < MODEL_MAX_OUTCOMES; i++)
		printf("#   outcome %s: %s\n", mt_name(p->outcomes[i].effective), p->outcomes[i].when);
}

static void test_names(void)
{
	static const char *const spellings[] = {
		"Normal-WB", "Normal-WT", "Normal-NC", "Device-GRE", "Device-nGRE", "Device-nGnRE",
		"Device-nGnRnE", "WB", "WT", "WC", "UC-", "UC",
	};
	bool round = true, classes = true, combine = true;
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		enum mt t = mt_parse(spellings[i]);
		round &= t != MT_UNKNOWN && !strcmp(mt_name(t), spellings[i]);
		enum memclass want = is_device(spellings[i]) ? MEMCLASS_DEVICE : MEMCLASS_NORMAL;
		classes &= mt_class(t) == want;
		/* Normal memory, WC/WB/WT, and Device-GRE (G: Gathering) may combine stores */
		bool may = !is_device(spellings[i]) || !strcmp(spellings[i], "Device-GRE");
		combine &= mt_may_combine(t) == may;
	}
	CHECK(round, "mt_parse/mt_name: every CSV spelling round-trips");
	CHECK(classes, "mt_class: Device-*, UC, UC- are Device; Normal-*, WB, WT, WC are Normal");
	CHECK(combine, "mt_may_combine: Normal-*, Device-GRE, WB, WT, WC; never nG Device, UC, UC-");
	CHECK(mt_parse("normal-wb") == MT_UNKNOWN && mt_parse("") == MT_UNKNOWN &&
	      mt_parse("WC ") == MT_UNKNOWN && mt_parse(NULL) == MT_UNKNOWN &&
	      mt_parse("unknown") == MT_UNKNOWN && mt_parse("Device") == MT_UNKNOWN,
	      "mt_parse: case-sensitive, exact, NULL-safe");
	CHECK(!strcmp(mt_name(MT_UNKNOWN), "unknown") && !strcmp(mt_name((enum mt)99), "unknown") &&
	      mt_class((enum mt)99) == MEMCLASS_UNKNOWN && !mt_may_combine((enum mt)-1) &&
	      mt_class(MT_UNKNOWN) == MEMCLASS_UNKNOWN,
	      "mt_name/mt_class/mt_may_combine: unknown and out-of-range types");
	bool vnames = true;
	for (int a = 0; a < VMA_COUNT; a++) {
		vnames &= vma_kind_name((enum vma_kind)a)[0] != '\0';
		for (int b = 0; b < a; b++)
			vnames &= strcmp(vma_kind_name((enum vma_kind)a), vma_kind_name((enum vma_kind)b)) != 0;
	}
	CHECK(vnames && !strcmp(vma_kind_name((enum vma_kind)42), vma_kind_name(VMA_UNKNOWN)),
	      "vma_kind_name: distinct names, out of range reads unknown");
	struct model_query q;
	memset(&q, 0x5a, sizeof q);
	model_query_init(&q, MODEL_X86_64, MT_X86_WC, MODEL_HOST);
	CHECK(q.arch == MODEL_X86_64 && q.stage1 == MT_X86_WC && q.env == MODEL_HOST &&
	      q.host_major == 0 && q.host_minor == 0 && q.vma == VMA_UNKNOWN && q.fwb == TRI_UNKNOWN &&
	      q.cache_dic == TRI_UNKNOWN && q.vendor == X86_VENDOR_UNKNOWN &&
	      q.ignore_guest_pat == TRI_UNKNOWN && q.x86_mtrr_wc == TRI_UNKNOWN,
	      "model_query_init: everything but arch, stage 1 and env unknown");
}

/* Split "A, B or C" (up to " (" or the end) into tokens; "anything but X" is every token of
 * `universe` but those. Returns the number of tokens in `out`. */
static size_t parse_choices(const char *list, const char *const *universe, size_t nuniverse,
			    char out[][48], size_t max)
{
	char buf[200];
	snprintf(buf, sizeof buf, "%s", list);
	char *end = strstr(buf, " (");
	if (end)
		*end = '\0';
	bool but = !strncmp(buf, "anything but ", 13);
	char *s = but ? buf + 13 : buf;
	char listed[16][48];
	size_t n = 0;
	while (*s && n < 16) {
		char *comma = strstr(s, ", "), *or = strstr(s, " or ");
		char *stop = comma && (!or || comma < or) ? comma : or;
		size_t len = stop ? (size_t)(stop - s) : strlen(s);
		snprintf(listed[n++], sizeof listed[0], "%.*s", (int)len, s);
		if (!stop)
			break;
		s = stop + (stop == comma ? 2 : 4);
	}
	size_t k = 0;
	if (!but) {
		for (size_t i = 0; i < n && k < max; i++)
			snprintf(out[k++], 48, "%s", listed[i]);
		return k;
	}
	for (size_t u = 0; u < nuniverse && k < max; u++) {
		bool excluded = false;
		for (size_t i = 0; i < n; i++)
			excluded |= !strcmp(listed[i], universe[u]);
		if (!excluded)
			snprintf(out[k++], 48, "%s", universe[u]);
	}
	return k;
}

/* The effective type of the one outcome whose condition names stage-2 choice s2 ("if stage 2 is
 * A, B or C", or "whatever stage 2 is" when there is one outcome); NULL unless exactly one does. */
static const char *outcome_naming(const struct model_prediction *p, const char *s2,
				  const char *const *universe, size_t nu)
{
	unsigned found = 0;
	const char *got = NULL;
	for (unsigned o = 0; o < p->noutcomes && o < MODEL_MAX_OUTCOMES; o++) {
		const char *w = p->outcomes[o].when, *list = strstr(w, " if stage 2 is ");
		char tokens[16][48];
		size_t nt = 0;
		if (list)
			nt = parse_choices(list + 15, universe, nu, tokens, 16);
		else if (p->noutcomes == 1 && strstr(w, " whatever stage 2 is"))
			for (size_t i = 0; i < nu && i < 16; i++)
				snprintf(tokens[nt++], 48, "%s", universe[i]);
		for (size_t t = 0; t < nt; t++)
			if (!strcmp(tokens[t], s2)) {
				found++;
				got = mt_name(p->outcomes[o].effective);
			}
	}
	return found == 1 ? got : NULL;
}

/* Every stage 1 x stage 2 pair, with and without FWB, through a guest of an unknown hypervisor,
 * whose outcomes name the stage-2 choices that lead to each. */
static void test_combining(void)
{
	/* with FWB: MemAttr 0b110 forces Normal-WB, 0b101 is Normal-NC, MemAttr[2] 0 the Device
	 * types, 0b111 leaves stage 1; there is no stage-2 Write-Through */
	static const char *const fwb_choices[] = {
		"FWB forced Normal-WB", "FWB Normal-NC", "FWB Device-GRE", "FWB Device-nGRE",
		"FWB Device-nGnRE", "FWB Device-nGnRnE", "FWB stage 1 decides",
	};
	for (int fwb = 0; fwb <= 1; fwb++) {
		const char *const *universe = fwb ? fwb_choices : arm_order;
		size_t nu = fwb ? sizeof fwb_choices / sizeof fwb_choices[0] : ARM_TYPES;
		for (size_t s1i = 0; s1i < ARM_TYPES; s1i++) {
			const char *s1 = arm_order[s1i];
			struct model_query q;
			model_query_init(&q, MODEL_ARM64, mt_parse(s1), MODEL_GUEST);
			q.fwb = fwb;
			struct model_prediction p = predict(&q);
			unsigned pairs = 0;
			for (size_t u = 0; u < nu; u++) {
				const char *s2 = universe[u], *want;
				if (!fwb)
					want = stronger(s1, s2);
				else if (!strcmp(s2, "FWB forced Normal-WB"))
					want = "Normal-WB";
				else if (!strcmp(s2, "FWB stage 1 decides"))
					want = s1;
				else
					want = stronger(s1, s2 + strlen("FWB "));
				const char *got = outcome_naming(&p, s2, universe, nu);
				if (got && !strcmp(got, want))
					pairs++;
				else
					printf("# stage 1 %s, stage 2 %s%s: want %s, got %s\n", s1, s2,
					       fwb ? "" : " (no FWB)", want, got ? got : "none or several");
			}
			CHECK(pairs == nu, "combining %s %s FWB: %u/%zu stage-2 choices give the Arm ARM result",
			      s1, fwb ? "with" : "without", pairs, nu);
			if (pairs != nu)
				show(&p);
		}
	}
}

/* What KVM on an arm64 host puts at stage 2, worked out from the kernel history:
 * before 6.9 every PFNMAP is Device-nGnRE; 6.9 (8c47ce3e1d2c) makes a vfio-pci BAR Normal-NC;
 * 6.17 (0c67288e0c8b) maps a cacheable PFNMAP cacheable with FWB and CTR_EL0.DIC, else fails the
 * fault; RAM is Normal-WB. NULL: the fault fails. */
static const char *kvm_stage2(unsigned major, unsigned minor, enum vma_kind vma, int fwb, int dic)
{
	unsigned v = major * 1000 + minor;
	switch (vma) {
	case VMA_RAM:
		return "Normal-WB";
	case VMA_PFNMAP_VFIO:
		return v < 6009 ? "Device-nGnRE" : "Normal-NC";
	case VMA_PFNMAP_OTHER:
		return "Device-nGnRE";
	case VMA_PFNMAP_CACHEABLE:
		if (v < 6017)
			return "Device-nGnRE";
		return fwb && dic ? "Normal-WB" : NULL;
	default:
		return "?";
	}
}

/* One KVM arm64 case against kvm_stage2() and the combining rules. */
static bool kvm_case(unsigned major, unsigned minor, enum vma_kind vma, int fwb, int dic,
		     const char *s1)
{
	struct model_query q;
	model_query_init(&q, MODEL_ARM64, mt_parse(s1), MODEL_KVM_GUEST);
	q.host_major = major;
	q.host_minor = minor;
	q.vma = vma;
	q.fwb = fwb;
	q.cache_dic = dic;
	struct model_prediction p = predict(&q);
	const char *s2 = kvm_stage2(major, minor, vma, fwb, dic);
	bool ok;
	if (!s2) {
		ok = p.noutcomes == 1 && p.effective == MT_UNKNOWN && p.cls == MEMCLASS_UNKNOWN &&
		     outcome_when(&p, "fault") && strstr(p.rule, "-EFAULT");
	} else {
		/* with FWB, stage-2 Normal-WB is forced over stage 1 */
		const char *want = fwb && !strcmp(s2, "Normal-WB") ? "Normal-WB" : stronger(s1, s2);
		ok = p.noutcomes == 1 && !strcmp(mt_name(p.stage2), s2) &&
		     !strcmp(mt_name(p.effective), want) && p.cls == mt_class(p.effective) &&
		     p.may_combine == mt_may_combine(p.effective);
	}
	if (!ok) {
		printf("# host %u.%u %s fwb %d dic %d stage 1 %s: want stage 2 %s\n", major, minor,
		       vma_kind_name(vma), fwb, dic, s1, s2 ? s2 : "fault");
		show(&p);
	}
	return ok;
}

static void test_kvm_arm64(void)
{
	static const unsigned versions[][2] = {
		{ 5, 15 }, { 6, 1 }, { 6, 8 }, { 6, 9 }, { 6, 12 }, { 6, 16 }, { 6, 17 }, { 7, 0 },
	};
	static const enum vma_kind vmas[] = {
		VMA_RAM, VMA_PFNMAP_VFIO, VMA_PFNMAP_OTHER, VMA_PFNMAP_CACHEABLE,
	};
	for (size_t vi = 0; vi < sizeof versions / sizeof versions[0]; vi++) {
		unsigned major = versions[vi][0], minor = versions[vi][1];
		for (size_t k = 0; k < sizeof vmas / sizeof vmas[0]; k++) {
			unsigned good = 0, total = 0;
			for (int fwb = 0; fwb <= 1; fwb++)
				for (int dic = 0; dic <= 1; dic++)
					for (size_t s = 0; s < ARM_TYPES; s++, total++)
						good += kvm_case(major, minor, vmas[k], fwb, dic, arm_order[s]);
			CHECK(good == total, "KVM arm64 host %u.%u, memslot %s: %u/%u stage 1 x FWB x DIC cases",
			      major, minor, vma_kind_name(vmas[k]), good, total);
		}
	}
	/* the 6.17 failure says so */
	struct model_query q;
	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, MODEL_KVM_GUEST);
	q.host_major = 6;
	q.host_minor = 17;
	q.vma = VMA_PFNMAP_CACHEABLE;
	q.fwb = 0;
	q.cache_dic = 1;
	struct model_prediction p = predict(&q);
	const char *w = outcome_when(&p, "fault");
	CHECK(w && strstr(w, "-EFAULT") && strstr(w, "0c67288e0c8b") && p.stage2 == MT_UNKNOWN,
	      "KVM 6.17, cacheable PFNMAP without FWB: the outcome says the fault fails with -EFAULT "
	      "(0c67288e0c8b): %s", w ? w : "(none)");
}

static void test_x86(void)
{
	/* host: the PAT type with the MTRR; UC- is UC unless an MTRR marks the range WC */
	bool ok = true;
	for (size_t i = 0; i < X86_TYPES; i++)
		for (int mtrr = 0; mtrr <= 1; mtrr++)
			for (int env = MODEL_HOST; env <= MODEL_EMULATED; env++) {
				struct model_query q;
				model_query_init(&q, MODEL_X86_64, mt_parse(x86_types[i]), (enum model_env)env);
				q.x86_mtrr_wc = mtrr;
				struct model_prediction p = predict(&q);
				const char *want = strcmp(x86_types[i], "UC-") ? x86_types[i] : mtrr ? "WC" : "UC";
				bool one = p.noutcomes == 1 && !strcmp(mt_name(p.effective), want) &&
					   p.stage2 == MT_UNKNOWN;
				if (!one) {
					printf("# x86 %s PAT %s mtrr_wc %d: want %s\n",
					       env == MODEL_HOST ? "host" : "emulated", x86_types[i], mtrr, want);
					show(&p);
				}
				ok &= one;
			}
	CHECK(ok, "x86 host and emulated: PAT WB/WT/WC/UC as they are, UC- is UC, or WC under a WC MTRR");
	struct model_query q;
	model_query_init(&q, MODEL_X86_64, MT_X86_UC_MINUS, MODEL_HOST);
	struct model_prediction p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "UC", "WC", NULL }) && p.effective == MT_UNKNOWN &&
	      p.cls == MEMCLASS_UNKNOWN && p.may_combine == TRI_UNKNOWN &&
	      strstr(outcome_when(&p, "WC"), "MTRR"),
	      "x86 host UC-, MTRRs unknown: UC or WC (under a WC MTRR), nothing definite");
	model_query_init(&q, MODEL_X86_64, MT_X86_WC, MODEL_HOST);
	p = predict(&q);
	CHECK(p.effective == MT_X86_WC && p.noutcomes == 1 && p.cls == MEMCLASS_NORMAL && p.may_combine == 1,
	      "x86 host WC, MTRRs unknown: WC whatever they are");

	/* KVM guest. EPT UC with ignore-PAT clear for MMIO (the guest PAT meets UC as an MTRR of UC
	 * would: WC stays WC, all else UC); RAM: WB with ignore-PAT while the quirk is in effect,
	 * else the guest PAT meets WB (UC- reads UC). AMD NPT always honours the guest PAT. */
	static const enum vma_kind vmas[] = {
		VMA_RAM, VMA_PFNMAP_VFIO, VMA_PFNMAP_OTHER, VMA_PFNMAP_CACHEABLE,
	};
	static const enum x86_vendor vendors[] = { X86_VENDOR_INTEL, X86_VENDOR_AMD };
	for (size_t v = 0; v < 2; v++)
		for (int quirk = 0; quirk <= 1; quirk++) {
			ok = true;
			for (size_t k = 0; k < sizeof vmas / sizeof vmas[0]; k++)
				for (size_t i = 0; i < X86_TYPES; i++) {
					const char *pat = x86_types[i], *want, *s2;
					if (vmas[k] != VMA_RAM) {
						s2 = "UC";
						want = !strcmp(pat, "WC") ? "WC" : "UC";
					} else if (vendors[v] == X86_VENDOR_INTEL && quirk) {
						s2 = "WB";
						want = "WB";
					} else {
						s2 = "WB";
						want = !strcmp(pat, "UC-") ? "UC" : pat;
					}
					model_query_init(&q, MODEL_X86_64, mt_parse(pat), MODEL_KVM_GUEST);
					q.vendor = vendors[v];
					q.vma = vmas[k];
					q.ignore_guest_pat = quirk;
					p = predict(&q);
					bool one = p.noutcomes == 1 && !strcmp(mt_name(p.effective), want) &&
						   !strcmp(mt_name(p.stage2), s2);
					if (!one) {
						printf("# %s quirk %d %s guest PAT %s: want %s over %s\n",
						       vendors[v] == X86_VENDOR_INTEL ? "Intel" : "AMD", quirk,
						       vma_kind_name(vmas[k]), pat, want, s2);
						show(&p);
					}
					ok &= one;
				}
			CHECK(ok, "x86 KVM %s, guest-PAT quirk %s: every memslot x guest PAT type",
			      vendors[v] == X86_VENDOR_INTEL ? "Intel" : "AMD", quirk ? "on" : "off");
		}
	/* Intel, RAM (ivshmem), quirk unknown: WC or WB, both Normal and combining */
	model_query_init(&q, MODEL_X86_64, MT_X86_WC, MODEL_KVM_GUEST);
	q.vendor = X86_VENDOR_INTEL;
	q.vma = VMA_RAM;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "WB", "WC", NULL }) && p.effective == MT_UNKNOWN &&
	      p.cls == MEMCLASS_NORMAL && p.may_combine == 1 && p.stage2 == MT_X86_WB &&
	      strstr(outcome_when(&p, "WB"), "54590a4003d9"),
	      "x86 Intel RAM, quirk unknown: WB (quirk, 54590a4003d9) or WC; class Normal either way");
	q.vendor = X86_VENDOR_UNKNOWN;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "WB", "WC", NULL }) &&
	      strstr(outcome_when(&p, "WC"), "AMD") && strstr(outcome_when(&p, "WB"), "Intel"),
	      "x86 RAM, vendor and quirk unknown: WB only on Intel with the quirk, WC on AMD");
	q.vma = VMA_PFNMAP_VFIO;
	p = predict(&q);
	CHECK(p.effective == MT_X86_WC && p.noutcomes == 1 && p.stage2 == MT_X86_UC,
	      "x86 passed-through BAR, vendor and quirk unknown: guest WC stays WC over EPT/NPT UC");
}

static void test_unknowns(void)
{
	struct model_query q;
	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, MODEL_KVM_GUEST);
	q.vma = VMA_PFNMAP_VFIO;
	struct model_prediction p = predict(&q);
	const char *nc = outcome_when(&p, "Normal-NC"), *dev = outcome_when(&p, "Device-nGnRE");
	CHECK(p.noutcomes == 2 && nc && dev && strstr(nc, "6.9 or later") && strstr(nc, "8c47ce3e1d2c") &&
	      strstr(dev, "before 6.9") && p.effective == MT_UNKNOWN && p.cls == MEMCLASS_UNKNOWN &&
	      p.may_combine == TRI_UNKNOWN && p.stage2 == MT_UNKNOWN,
	      "vfio-pci BAR, host kernel unknown: Normal-NC if 6.9 or later (8c47ce3e1d2c), else "
	      "Device-nGnRE");
	if (!(nc && dev))
		show(&p);

	model_query_init(&q, MODEL_ARM64, MT_DEVICE_nGnRE, MODEL_KVM_GUEST);
	q.vma = VMA_PFNMAP_VFIO;
	p = predict(&q);
	CHECK(p.effective == MT_DEVICE_nGnRE && p.noutcomes == 1 && p.cls == MEMCLASS_DEVICE &&
	      p.may_combine == 0 && strstr(p.outcomes[0].when, "whatever"),
	      "stage 1 Device-nGnRE on a vfio-pci BAR: Device whatever the host kernel and FWB");
	q.vma = VMA_PFNMAP_OTHER;
	p = predict(&q);
	CHECK(p.effective == MT_DEVICE_nGnRE && p.stage2 == MT_DEVICE_nGnRE && p.noutcomes == 1,
	      "resourceN in a guest: Device-nGnRE at stage 2 and effective, whatever the kernel");
	q.stage1 = MT_NORMAL_NC;
	p = predict(&q);
	CHECK(p.effective == MT_DEVICE_nGnRE && p.noutcomes == 1 && p.may_combine == 0,
	      "resourceN_wc (Normal-NC) in a guest: Device-nGnRE whatever the kernel (no "
	      "VM_ALLOW_ANY_UNCACHED)");

	/* everything unknown: a RAM memslot under FWB forces Normal-WB even over Device, and 6.17
	 * may refuse a cacheable PFNMAP */
	model_query_init(&q, MODEL_ARM64, MT_DEVICE_nGnRE, MODEL_KVM_GUEST);
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Device-nGnRE", "Normal-WB", "fault", NULL }) &&
	      p.effective == MT_UNKNOWN && p.cls == MEMCLASS_UNKNOWN,
	      "stage 1 Device-nGnRE, all unknown: Device-nGnRE, Normal-WB (RAM under FWB) or -EFAULT");
	q.host_major = 6;
	q.host_minor = 16;
	q.fwb = 0;
	p = predict(&q);
	CHECK(p.effective == MT_DEVICE_nGnRE && p.noutcomes == 1 && p.cls == MEMCLASS_DEVICE,
	      "stage 1 Device-nGnRE, host 6.16 without FWB, memslot unknown: Device-nGnRE");
	q.host_major = 0;
	q.host_minor = 0;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Device-nGnRE", "fault", NULL }) &&
	      strstr(outcome_when(&p, "fault"), "6.17 or later"),
	      "stage 1 Device-nGnRE, no FWB, kernel unknown: Device-nGnRE, or -EFAULT on 6.17+");

	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, MODEL_KVM_GUEST);
	q.vma = VMA_RAM;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Normal-NC", "Normal-WB", NULL }) &&
	      strstr(outcome_when(&p, "Normal-NC"), "lacks FEAT_S2FWB") &&
	      strstr(outcome_when(&p, "Normal-WB"), "has FEAT_S2FWB") && p.cls == MEMCLASS_NORMAL &&
	      p.may_combine == 1 && p.stage2 == MT_NORMAL_WB,
	      "RAM memslot (ivshmem), FWB unknown: Normal-NC without FWB, Normal-WB with it");

	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, MODEL_KVM_GUEST);
	q.vma = VMA_PFNMAP_CACHEABLE;
	q.host_major = 7;
	q.fwb = 1;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Normal-WB", "fault", NULL }) &&
	      strstr(outcome_when(&p, "fault"), "CTR_EL0.DIC") &&
	      strstr(outcome_when(&p, "Normal-WB"), "CTR_EL0.DIC"),
	      "cacheable PFNMAP on 7.0 with FWB, DIC unknown: Normal-WB with DIC, -EFAULT without");
	q.host_major = 0;
	q.fwb = TRI_UNKNOWN;
	q.cache_dic = TRI_UNKNOWN;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Device-nGnRE", "Normal-WB", "fault", NULL }) &&
	      strstr(outcome_when(&p, "Device-nGnRE"), "before 6.17"),
	      "cacheable PFNMAP, all unknown: Device-nGnRE before 6.17, Normal-WB or -EFAULT after");

	/* a guest of an unknown hypervisor */
	model_query_init(&q, MODEL_ARM64, MT_DEVICE_nGnRE, MODEL_GUEST);
	q.fwb = 0;
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "Device-nGnRE", "Device-nGnRnE", NULL }) &&
	      p.effective == MT_UNKNOWN && p.cls == MEMCLASS_DEVICE && p.may_combine == 0,
	      "unknown hypervisor without FWB, stage 1 Device-nGnRE: Device whatever stage 2 is");
	q.fwb = TRI_UNKNOWN;
	p = predict(&q);
	CHECK(outcome_when(&p, "Normal-WB") && p.cls == MEMCLASS_UNKNOWN,
	      "unknown hypervisor, FWB unknown, stage 1 Device: a forced Normal-WB stage 2 is possible");
	model_query_init(&q, MODEL_X86_64, MT_X86_WC, MODEL_GUEST);
	p = predict(&q);
	CHECK(outcomes_are(&p, (const char *const[]){ "WC", "WB", NULL }) && p.cls == MEMCLASS_NORMAL,
	      "x86 unknown hypervisor, guest WC: WC, or WB where stage 2 ignores the guest PAT");

	/* no stage 2: stage 1 is it, whatever the host-side inputs say */
	bool ok = true;
	for (size_t i = 0; i < ARM_TYPES; i++) {
		model_query_init(&q, MODEL_ARM64, mt_parse(arm_order[i]), MODEL_HOST);
		q.fwb = 1;
		q.vma = VMA_RAM;
		p = predict(&q);
		ok &= p.noutcomes == 1 && !strcmp(mt_name(p.effective), arm_order[i]);
		q.env = MODEL_EMULATED;
		p = predict(&q);
		ok &= p.noutcomes == 1 && !strcmp(mt_name(p.effective), arm_order[i]);
	}
	CHECK(ok, "arm64 host and emulated guest: the effective type is stage 1");
	model_query_init(&q, MODEL_ARM64, MT_UNKNOWN, MODEL_HOST);
	p = predict(&q);
	CHECK(p.noutcomes == ARM_TYPES && p.effective == MT_UNKNOWN,
	      "arm64 host, stage 1 unknown: each arm64 type is an outcome");

	/* nonsense in, nothing out */
	model_query_init(&q, MODEL_ARM64, MT_X86_WC, MODEL_KVM_GUEST);
	p = predict(&q);
	CHECK(p.noutcomes == 0 && p.effective == MT_UNKNOWN && strstr(p.rule, "arm64"),
	      "arm64 query with an x86 stage 1: nothing predicted (%s)", p.rule);
	model_query_init(&q, MODEL_X86_64, MT_NORMAL_NC, MODEL_HOST);
	p = predict(&q);
	bool bad = p.noutcomes == 0;
	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, (enum model_env)9);
	p = predict(&q);
	bad &= p.noutcomes == 0;
	model_query_init(&q, MODEL_ARM64, MT_NORMAL_NC, MODEL_KVM_GUEST);
	q.fwb = 7;
	p = predict(&q);
	bad &= p.noutcomes == 0;
	q.fwb = 1;
	q.vma = (enum vma_kind)77;
	p = predict(&q);
	bad &= p.noutcomes == 0;
	model_query_init(&q, (enum model_arch)5, MT_NORMAL_NC, MODEL_HOST);
	p = predict(&q);
	bad &= p.noutcomes == 0 && p.cls == MEMCLASS_UNKNOWN && p.may_combine == TRI_UNKNOWN;
	model_predict(NULL, &p);
	bad &= p.noutcomes == 0;
	CHECK(bad, "invalid arch, env, yes/no value, memslot kind or stage 1: nothing predicted");
}

/* Add the commit ids (12 lower-case hex digits standing alone) of text to cites. */
static void collect_commits(const char *text, char **cites, size_t *ncites)
{
	for (const char *s = text; *s; s++) {
		size_t len = 0;
		while (isxdigit((unsigned char)s[len]) && !isupper((unsigned char)s[len]))
			len++;
		bool alone = (s == text || !isalnum((unsigned char)s[-1])) && !isalnum((unsigned char)s[len]);
		if (len == 12 && alone) {
			bool seen = false;
			for (size_t k = 0; k < *ncites && !seen; k++)
				seen = !strncmp(cites[k], s, 12);
			if (!seen && *ncites < 64)
				cites[(*ncites)++] = strndup(s, 12);
		}
		if (len)
			s += len - 1;
	}
}

/* Whether a prediction agrees with itself: outcomes distinct, bounded, of q's arch, each text
 * starting with its type (or saying -EFAULT); definite fields only where every outcome agrees. */
static bool consistent(const struct model_query *q, const struct model_prediction *p, bool valid)
{
	bool ok = p->noutcomes <= MODEL_MAX_OUTCOMES && p->rule[0] &&
		  strnlen(p->rule, sizeof p->rule) < sizeof p->rule;
	ok &= valid ? p->noutcomes >= 1 : p->noutcomes == 0;
	unsigned faults = 0;
	for (unsigned i = 0; ok && i < p->noutcomes; i++) {
		const char *w = p->outcomes[i].when;
		enum mt t = p->outcomes[i].effective;
		ok &= w[0] && strnlen(w, sizeof p->outcomes[i].when) < sizeof p->outcomes[i].when;
		bool fault = strstr(w, "-EFAULT") != NULL;
		faults += fault;
		if (fault)
			ok &= t == MT_UNKNOWN;
		else
			ok &= t != MT_UNKNOWN && !strncmp(w, mt_name(t), strlen(mt_name(t))) &&
			      (q->arch == MODEL_ARM64) == (t <= MT_DEVICE_nGnRnE);
		for (unsigned j = 0; j < i; j++)
			ok &= fault || p->outcomes[j].effective != t;
	}
	ok &= faults <= 1;
	if (p->effective != MT_UNKNOWN)
		ok &= p->noutcomes == 1 && p->outcomes[0].effective == p->effective &&
		      p->cls == mt_class(p->effective) && p->may_combine == mt_may_combine(p->effective);
	else
		ok &= p->noutcomes != 1 || faults == 1;
	for (unsigned i = 0; ok && p->cls != MEMCLASS_UNKNOWN && i < p->noutcomes; i++)
		ok &= mt_class(p->outcomes[i].effective) == p->cls;
	return ok;
}

/* Every query over a grid of inputs, unknowns included; collects the commits the predictions
 * cite. */
static void test_invariants(char **cites, size_t *ncites)
{
	static const unsigned kernels[][2] = { { 0, 0 }, { 6, 8 }, { 6, 17 } };
	unsigned n = 0, bad = 0;
	for (int arch = MODEL_ARM64; arch <= MODEL_X86_64; arch++)
	for (int s1 = 0; s1 < MT_COUNT; s1++)
	for (int env = MODEL_HOST; env <= MODEL_GUEST; env++)
	for (int vma = 0; vma < VMA_COUNT; vma++)
	for (int a = -1; a <= 1; a++)
	for (int b = -1; b <= 1; b++)
	for (int c = 0; c < 3; c++) {
		struct model_query q;
		model_query_init(&q, (enum model_arch)arch, (enum mt)s1, (enum model_env)env);
		q.vma = (enum vma_kind)vma;
		if (arch == MODEL_ARM64) {
			q.fwb = a;
			q.cache_dic = b;
			q.host_major = kernels[c][0];
			q.host_minor = kernels[c][1];
		} else {
			q.ignore_guest_pat = a;
			q.x86_mtrr_wc = b;
			q.vendor = (enum x86_vendor)c;
		}
		struct model_prediction p = predict(&q);
		bool valid = s1 == MT_UNKNOWN ||
			     (arch == MODEL_ARM64 ? s1 <= MT_DEVICE_nGnRnE : s1 >= MT_X86_WB);
		n++;
		if (!consistent(&q, &p, valid) && bad++ < 3) {
			printf("# arch %d stage 1 %s env %d vma %d: %d %d %d\n", arch, mt_name((enum mt)s1),
			       env, vma, a, b, c);
			show(&p);
		}
		for (unsigned i = 0; i < p.noutcomes && i < MODEL_MAX_OUTCOMES; i++)
			collect_commits(p.outcomes[i].when, cites, ncites);
		collect_commits(p.rule, cites, ncites);
	}
	CHECK(!bad, "%u queries over every input (unknowns included): outcomes distinct and bounded, "
		    "definite fields only when the outcomes agree (%u inconsistent)", n, bad);
}

static void test_kernel_version(void)
{
	static const struct {
		const char *s;
		unsigned major, minor;
	} good[] = {
		{ "6.1.0-28-arm64", 6, 1 }, { "6.12", 6, 12 }, { "v6.9-rc1", 6, 9 },
		{ "5.15.0-105-generic", 5, 15 }, { "6.10.3-200.fc40.x86_64", 6, 10 }, { "7.0", 7, 0 },
		{ "6.17+", 6, 17 }, { "4294967295.0", 4294967295u, 0 },
	};
	bool ok = true;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		unsigned major = 99, minor = 99;
		int rc = kernel_version_parse(good[i].s, &major, &minor);
		if (rc || major != good[i].major || minor != good[i].minor) {
			printf("# %s: rc %d, %u.%u\n", good[i].s, rc, major, minor);
			ok = false;
		}
	}
	CHECK(ok, "kernel_version_parse: distribution, plain and -rc versions");
	static const char *const bad[] = {
		"", "v", "6", "6.", ".6", "abc", "6.x", "-6.1", " 6.1", "6.1rc1", "vv6.1", "6..1",
		"4294967296.1", "6.99999999999", "99999999999999999999.1", "V6.1", "6,1", "6.1 ",
	};
	ok = true;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned major = 99, minor = 99;
		int rc = kernel_version_parse(bad[i], &major, &minor);
		if (rc != -EINVAL || major != 99 || minor != 99) {
			printf("# '%s' accepted: %u.%u\n", bad[i], major, minor);
			ok = false;
		}
	}
	unsigned major, minor;
	ok &= kernel_version_parse(NULL, &major, &minor) == -EINVAL;
	CHECK(ok, "kernel_version_parse: rejects empty, garbage, overflow, NULL; leaves outputs alone");
}

static void test_rules_text(char **cites, size_t ncites)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		CHECK(0, "open_memstream");
		return;
	}
	model_write_rules(f);
	fclose(f);
	static const char *const commits[] = {
		"8c47ce3e1d2c", "c034ec84e879", "5c656fcdd6c6", "a39d3a966a09", "0c67288e0c8b",
		"377b2f359d1f", "9d70f3fec144", "54590a4003d9",
	};
	bool all = true;
	for (size_t i = 0; i < sizeof commits / sizeof commits[0]; i++)
		if (!strstr(text, commits[i])) {
			printf("# rules do not mention %s\n", commits[i]);
			all = false;
		}
	CHECK(all, "model_write_rules: cites the KVM commits of the model");
	all = ncites > 0;
	for (size_t i = 0; i < ncites; i++)
		if (!strstr(text, cites[i])) {
			printf("# %s is cited by a prediction but not in the rules\n", cites[i]);
			all = false;
		}
	CHECK(all, "model_write_rules: every one of the %zu commits the predictions cite is listed", ncites);
	char order[200] = "";
	for (size_t i = 0; i < ARM_TYPES; i++) {
		strcat(order, i ? " < " : "");
		strcat(order, arm_order[i]);
	}
	CHECK(strstr(text, order) && strstr(text, "Combining the stage 1 and stage 2 attributes") &&
	      strstr(text, "FWB") && strstr(text, "-EFAULT") && strstr(text, "vmx_get_mt_mask") &&
	      strstr(text, "UC-"),
	      "model_write_rules: the Arm ARM order, FWB, the 6.17 -EFAULT, EPT and PAT rules");
	free(text);
}

void test_model(void)
{
	test_names();
	test_combining();
	test_kvm_arm64();
	test_x86();
	test_unknowns();
	char *cites[64];
	size_t ncites = 0;
	test_invariants(cites, &ncites);
	test_kernel_version();
	test_rules_text(cites, ncites);
	for (size_t i = 0; i < ncites; i++)
		free(cites[i]);
}
