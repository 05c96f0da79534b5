/*
 * The stage 1 x stage 2 model (check/model.h): the engine over two tables, the memory types here
 * (name, class, whether stores may combine, arm64 strength) and the rules in model_rules.c (how
 * two stages combine, what a KVM host puts at stage 2, what an x86 host's MTRRs do to the PAT
 * type). model_predict() runs every value an
 * unknown input can take through the rules and reports each distinct result with the condition
 * that leads to it; model_write_rules() prints the same rules.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "check/model.h"
#include "check/model_rules.h"

/* ---- memory types ---- */

struct mt_info {
	const char *name;
	bool known;
	enum model_arch arch;
	enum memclass cls;
	bool may_combine;
	unsigned strength;      /* arm64: Arm ARM order of strength, weakest 1; x86: 0 */
};

/* Strength: Device over Normal, nG over G, nR over R, nE over E, and for Normal Non-cacheable over
 * Write-Through over Write-Back (Arm ARM "Combining the stage 1 and stage 2 attributes"; B2.10.2
 * lists the Device types from weakest to strongest). Device-GRE permits Gathering (B2.10.2): the
 * one Device type whose stores may be merged. x86: WC, WB and WT may combine stores, UC and UC-
 * never (Intel SDM Vol. 3A, "Methods of Caching Available"). */
static const struct mt_info mt_table[MT_COUNT] = {
	[MT_UNKNOWN] = { .name = "unknown", .cls = MEMCLASS_UNKNOWN },
	[MT_NORMAL_WB] = { .name = "Normal-WB", .known = true, .arch = MODEL_ARM64,
			   .cls = MEMCLASS_NORMAL, .may_combine = true, .strength = 1 },
	[MT_NORMAL_WT] = { .name = "Normal-WT", .known = true, .arch = MODEL_ARM64,
			   .cls = MEMCLASS_NORMAL, .may_combine = true, .strength = 2 },
	[MT_NORMAL_NC] = { .name = "Normal-NC", .known = true, .arch = MODEL_ARM64,
			   .cls = MEMCLASS_NORMAL, .may_combine = true, .strength = 3 },
	[MT_DEVICE_GRE] = { .name = "Device-GRE", .known = true, .arch = MODEL_ARM64,
			    .cls = MEMCLASS_DEVICE, .may_combine = true, .strength = 4 },
	[MT_DEVICE_nGRE] = { .name = "Device-nGRE", .known = true, .arch = MODEL_ARM64,
			     .cls = MEMCLASS_DEVICE, .may_combine = false, .strength = 5 },
	[MT_DEVICE_nGnRE] = { .name = "Device-nGnRE", .known = true, .arch = MODEL_ARM64,
			      .cls = MEMCLASS_DEVICE, .may_combine = false, .strength = 6 },
	[MT_DEVICE_nGnRnE] = { .name = "Device-nGnRnE", .known = true, .arch = MODEL_ARM64,
			       .cls = MEMCLASS_DEVICE, .may_combine = false, .strength = 7 },
	[MT_X86_WB] = { .name = "WB", .known = true, .arch = MODEL_X86_64,
			.cls = MEMCLASS_NORMAL, .may_combine = true },
	[MT_X86_WT] = { .name = "WT", .known = true, .arch = MODEL_X86_64,
			.cls = MEMCLASS_NORMAL, .may_combine = true },
	[MT_X86_WC] = { .name = "WC", .known = true, .arch = MODEL_X86_64,
			.cls = MEMCLASS_NORMAL, .may_combine = true },
	[MT_X86_UC_MINUS] = { .name = "UC-", .known = true, .arch = MODEL_X86_64,
			      .cls = MEMCLASS_DEVICE, .may_combine = false },
	[MT_X86_UC] = { .name = "UC", .known = true, .arch = MODEL_X86_64,
			.cls = MEMCLASS_DEVICE, .may_combine = false },
};

static bool mt_valid(enum mt t)
{
	return (unsigned)t < MT_COUNT && mt_table[t].known;
}

static bool mt_of_arch(enum mt t, enum model_arch arch)
{
	return mt_valid(t) && mt_table[t].arch == arch;
}

const char *mt_name(enum mt t)
{
	return (unsigned)t < MT_COUNT ? mt_table[t].name : mt_table[MT_UNKNOWN].name;
}

enum mt mt_parse(const char *s)
{
	if (!s)
		return MT_UNKNOWN;
	for (unsigned t = 0; t < MT_COUNT; t++)
		if (mt_table[t].known && !strcmp(s, mt_table[t].name))
			return (enum mt)t;
	return MT_UNKNOWN;
}

enum memclass mt_class(enum mt t)
{
	return mt_valid(t) ? mt_table[t].cls : MEMCLASS_UNKNOWN;
}

bool mt_may_combine(enum mt t)
{
	return mt_valid(t) && mt_table[t].may_combine;
}

static const char *const vma_names[VMA_COUNT] = {
	[VMA_UNKNOWN] = "unknown",
	[VMA_RAM] = "ram",
	[VMA_PFNMAP_VFIO] = "pfnmap-vfio",
	[VMA_PFNMAP_OTHER] = "pfnmap-other",
	[VMA_PFNMAP_CACHEABLE] = "pfnmap-cacheable",
};

const char *vma_kind_name(enum vma_kind v)
{
	return (unsigned)v < VMA_COUNT ? vma_names[v] : vma_names[VMA_UNKNOWN];
}

/* How a memslot's backing reads in a sentence: "the memslot is a vfio-pci BAR". */
static const char *const vma_nouns[VMA_COUNT] = {
	[VMA_UNKNOWN] = "of an unknown kind",
	[VMA_RAM] = "RAM",
	[VMA_PFNMAP_VFIO] = "a vfio-pci BAR",
	[VMA_PFNMAP_OTHER] = "a non-vfio PFNMAP",
	[VMA_PFNMAP_CACHEABLE] = "a cacheable PFNMAP",
};


static int kver_cmp(struct kver a, struct kver b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	return a.minor < b.minor ? -1 : a.minor > b.minor;
}

static bool kver_open(struct kver v)
{
	return v.major == 0 && v.minor == 0;
}

static bool req_match(enum req r, int value)
{
	return r == REQ_ANY || (r == REQ_YES && value == 1) || (r == REQ_NO && value == 0);
}

/* ---- bounded text ---- */

struct text {
	char *s;
	size_t size, len;
	bool cut;
};

static void text_init(struct text *t, char *buf, size_t size)
{
	*t = (struct text){ .s = buf, .size = size };
	buf[0] = '\0';
}

static void __attribute__((format(printf, 2, 3))) text_add(struct text *t, const char *fmt, ...)
{
	if (t->cut)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->s + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->size - t->len) {
		t->cut = true;
		t->len = t->size - 1;
		if (t->size > 4)
			memcpy(t->s + t->size - 4, "...", 4);
		return;
	}
	t->len += (size_t)n;
}

/* ---- host kernel ranges: the breakpoints of the KVM rules of one arch ---- */

#define MAX_KRANGES 8

struct kranges {
	unsigned n;
	struct kver lo[MAX_KRANGES];  /* range i is [lo[i], lo[i + 1]); the last is open */
};

static void kranges_add(struct kranges *k, struct kver v)
{
	if (kver_open(v) || k->n >= MAX_KRANGES)
		return;
	unsigned i = 0;
	while (i < k->n && kver_cmp(k->lo[i], v) < 0)
		i++;
	if (i < k->n && !kver_cmp(k->lo[i], v))
		return;
	memmove(&k->lo[i + 1], &k->lo[i], (k->n - i) * sizeof k->lo[0]);
	k->lo[i] = v;
	k->n++;
}

static void kranges_build(struct kranges *k, enum model_arch arch)
{
	k->n = 1;
	k->lo[0] = (struct kver){ 0, 0 };
	for (size_t r = 0; r < model_rule_count; r++) {
		if (model_rules[r].kind != RULE_STAGE2 || model_rules[r].arch != arch)
			continue;
		kranges_add(k, model_rules[r].since);
		kranges_add(k, model_rules[r].until);
	}
}

static unsigned kranges_find(const struct kranges *k, struct kver v)
{
	unsigned i = 0;
	while (i + 1 < k->n && kver_cmp(k->lo[i + 1], v) <= 0)
		i++;
	return i;
}

/* Whether range i lies inside [since, until) (ranges never straddle a rule's bounds). */
static bool kranges_match(const struct kranges *k, unsigned i, const struct model_rule *r)
{
	if (kver_cmp(k->lo[i], r->since) < 0)
		return false;
	if (kver_open(r->until))
		return true;
	return i + 1 < k->n && kver_cmp(k->lo[i + 1], r->until) <= 0;
}

/* "before 6.9", "6.17 or later", "6.9 to 6.16": host kernel ranges first..last, merged */
static void kranges_phrase(struct text *t, const struct kranges *k, unsigned first, unsigned last)
{
	struct kver lo = k->lo[first];
	bool open_end = last + 1 >= k->n;
	struct kver hi = open_end ? (struct kver){ 0, 0 } : k->lo[last + 1];
	if (first == 0 && open_end)
		text_add(t, "any version");
	else if (first == 0)
		text_add(t, "before %u.%u", hi.major, hi.minor);
	else if (open_end)
		text_add(t, "%u.%u or later", lo.major, lo.minor);
	else if (hi.minor > 0)
		text_add(t, "%u.%u to %u.%u", lo.major, lo.minor, hi.major, hi.minor - 1);
	else
		text_add(t, "%u.%u or later and before %u.%u", lo.major, lo.minor, hi.major, hi.minor);
}

/* ---- evaluating one assignment of every input ---- */

#define RESULT_FAULT (-1)

/* One stage 2 an unknown hypervisor may have put there. */
struct choice {
	unsigned rule;
	enum mt stage2;        /* MT_UNKNOWN: stage 1 decides */
};
#define MAX_CHOICES 16

struct point {
	enum mt stage1;
	unsigned krange;
	enum vma_kind vma;
	int fwb, cache_dic, ignore_guest_pat, mtrr_wc;
	enum x86_vendor vendor;
	unsigned choice;
};

struct result {
	int effective;          /* enum mt (MT_UNKNOWN: no rule applies), or RESULT_FAULT */
	enum mt stage2;         /* MT_UNKNOWN: none */
	uint64_t rules_used;
};

struct model_ctx {
	const struct model_query *q;
	struct kranges kr;
	struct choice choices[MAX_CHOICES];
	unsigned nchoices;
};

static enum mt apply_op(const struct model_rule *r, enum mt s1, enum mt s2)
{
	switch (r->op) {
	case OP_STRONGER:
		return mt_table[s1].strength >= mt_table[s2].strength ? s1 : s2;
	case OP_STAGE2:
		return s2;
	case OP_STAGE1:
		return s1;
	case OP_PAT_UNDER_UC:
		return s1 == MT_X86_WC ? MT_X86_WC : MT_X86_UC;
	case OP_PAT_UNDER_WB:
		return s1 == MT_X86_UC_MINUS ? MT_X86_UC : s1;
	case OP_FIXED:
		return r->result;
	case OP_NONE:
		break;
	}
	return MT_UNKNOWN;
}

static bool rule_matches(const struct model_ctx *c, const struct model_rule *r,
			 const struct point *p)
{
	if (r->arch != c->q->arch)
		return false;
	if (r->vma_mask && !(r->vma_mask & VMA_BIT(p->vma)))
		return false;
	if (r->s1_mask && !(r->s1_mask & MT_BIT(p->stage1)))
		return false;
	if (r->vendor != X86_VENDOR_UNKNOWN && r->vendor != p->vendor)
		return false;
	if (r->kind == RULE_STAGE2 && !kranges_match(&c->kr, p->krange, r))
		return false;
	return req_match(r->fwb, p->fwb) && req_match(r->cache_dic, p->cache_dic) &&
	       req_match(r->ignore_guest_pat, p->ignore_guest_pat) && req_match(r->mtrr_wc, p->mtrr_wc);
}

/* arm64: combine stage 1 with a stage-2 type under the FWB setting of p */
static void combine_arm64(const struct model_ctx *c, const struct point *p, enum mt s2,
			  struct result *res)
{
	for (size_t r = 0; r < model_rule_count; r++) {
		if (model_rules[r].kind != RULE_COMBINE || !(model_rules[r].s2_mask & MT_BIT(s2)) ||
		    !rule_matches(c, &model_rules[r], p))
			continue;
		res->rules_used |= 1ull << r;
		res->effective = apply_op(&model_rules[r], p->stage1, s2);
		return;
	}
}

static void evaluate(const struct model_ctx *c, const struct point *p, struct result *res)
{
	*res = (struct result){ .effective = MT_UNKNOWN, .stage2 = MT_UNKNOWN };
	const struct model_query *q = c->q;
	if (q->env == MODEL_HOST || q->env == MODEL_EMULATED) {
		for (size_t r = 0; r < model_rule_count; r++) {
			if (model_rules[r].kind != RULE_HOST || !rule_matches(c, &model_rules[r], p))
				continue;
			res->rules_used |= 1ull << r;
			res->effective = apply_op(&model_rules[r], p->stage1, MT_UNKNOWN);
			return;
		}
		return;
	}
	if (q->env == MODEL_GUEST) {
		const struct choice *ch = &c->choices[p->choice];
		const struct model_rule *r = &model_rules[ch->rule];
		res->rules_used |= 1ull << ch->rule;
		res->stage2 = ch->stage2;
		res->effective = apply_op(r, p->stage1, ch->stage2);
		return;
	}
	for (size_t r = 0; r < model_rule_count; r++) {
		if (model_rules[r].kind != RULE_STAGE2 || !rule_matches(c, &model_rules[r], p))
			continue;
		res->rules_used |= 1ull << r;
		if (model_rules[r].fault) {
			res->effective = RESULT_FAULT;
			return;
		}
		res->stage2 = model_rules[r].stage2;
		if (model_rules[r].op == OP_NONE)
			combine_arm64(c, p, model_rules[r].stage2, res);
		else
			res->effective = apply_op(&model_rules[r], p->stage1, model_rules[r].stage2);
		return;
	}
}

/* An unknown hypervisor's possible stage 2s: arm64, every combining rule for each stage-2 type it
 * takes (only those of the host's FWB setting when that is known); x86, each distinct treatment
 * a KVM rule gives. */
static void build_choices(struct model_ctx *c)
{
	const struct model_query *q = c->q;
	c->nchoices = 0;
	for (size_t r = 0; r < model_rule_count; r++) {
		const struct model_rule *rule = &model_rules[r];
		if (rule->arch != q->arch)
			continue;
		if (q->arch == MODEL_ARM64 && rule->kind == RULE_COMBINE) {
			if (q->fwb != TRI_UNKNOWN && !req_match(rule->fwb, q->fwb))
				continue;
			if (!rule->s2_mask && c->nchoices < MAX_CHOICES)
				c->choices[c->nchoices++] = (struct choice){ (unsigned)r, MT_UNKNOWN };
			for (unsigned t = 0; t < MT_COUNT; t++)
				if ((rule->s2_mask & MT_BIT(t)) && c->nchoices < MAX_CHOICES)
					c->choices[c->nchoices++] = (struct choice){ (unsigned)r, (enum mt)t };
		} else if (q->arch == MODEL_X86_64 && rule->kind == RULE_STAGE2) {
			bool seen = false;
			for (unsigned i = 0; i < c->nchoices; i++)
				seen |= c->choices[i].stage2 == rule->stage2 &&
					model_rules[c->choices[i].rule].op == rule->op;
			if (!seen && c->nchoices < MAX_CHOICES)
				c->choices[c->nchoices++] = (struct choice){ (unsigned)r, rule->stage2 };
		}
	}
}

static void choice_phrase(struct text *t, const struct choice *ch)
{
	const struct model_rule *r = &model_rules[ch->rule];
	if (r->as_choice)
		text_add(t, "%s", r->as_choice);
	else
		text_add(t, "%s%s", r->fwb == REQ_YES ? "FWB " : "", mt_name(ch->stage2));
}

/* ---- the unknown inputs, as dimensions to enumerate ---- */

enum dim_id {
	DIM_STAGE1, DIM_KERNEL, DIM_VMA, DIM_FWB, DIM_CACHE_DIC, DIM_VENDOR, DIM_IGNORE_PAT,
	DIM_MTRR_WC, DIM_STAGE2, DIM_COUNT
};

static const char *const dim_names[DIM_COUNT] = {
	[DIM_STAGE1] = "the stage-1 type",
	[DIM_KERNEL] = "the host kernel",
	[DIM_VMA] = "the memslot",
	[DIM_FWB] = "FEAT_S2FWB",
	[DIM_CACHE_DIC] = "CTR_EL0.DIC",
	[DIM_VENDOR] = "the CPU vendor",
	[DIM_IGNORE_PAT] = "the guest-PAT quirk",
	[DIM_MTRR_WC] = "the MTRRs",
	[DIM_STAGE2] = "stage 2",
};

#define MAX_VALUES 16
#define MAX_POINTS 1024
#define MODEL_MAX_TERMS 32

struct dim {
	enum dim_id id;
	unsigned n;
	int value[MAX_VALUES];  /* the input's value (enum mt, vma_kind, vendor, 0/1) or an index */
};

struct space {
	unsigned ndims;
	struct dim dims[DIM_COUNT];
	unsigned npoints;
};

static void add_dim(struct space *s, enum dim_id id, const int *values, unsigned n)
{
	struct dim *d = &s->dims[s->ndims++];
	d->id = id;
	d->n = n < MAX_VALUES ? n : MAX_VALUES;
	memcpy(d->value, values, d->n * sizeof values[0]);
}

static void add_index_dim(struct space *s, enum dim_id id, unsigned n)
{
	int v[MAX_VALUES];
	for (unsigned i = 0; i < n && i < MAX_VALUES; i++)
		v[i] = (int)i;
	add_dim(s, id, v, n);
}

static void build_space(struct model_ctx *c, struct space *s)
{
	static const int bools[] = { 0, 1 };
	static const int quirk[] = { 1, 0 };   /* the default first */
	static const int vmas[] = { VMA_RAM, VMA_PFNMAP_VFIO, VMA_PFNMAP_OTHER, VMA_PFNMAP_CACHEABLE };
	static const int vendors[] = { X86_VENDOR_INTEL, X86_VENDOR_AMD };
	const struct model_query *q = c->q;
	bool arm = q->arch == MODEL_ARM64;
	s->ndims = 0;
	if (q->stage1 == MT_UNKNOWN) {
		int v[MAX_VALUES];
		unsigned n = 0;
		for (unsigned t = 0; t < MT_COUNT; t++)
			if (mt_of_arch((enum mt)t, q->arch))
				v[n++] = (int)t;
		add_dim(s, DIM_STAGE1, v, n);
	}
	switch (q->env) {
	case MODEL_HOST:
	case MODEL_EMULATED:
		if (!arm && q->x86_mtrr_wc == TRI_UNKNOWN)
			add_dim(s, DIM_MTRR_WC, bools, 2);
		break;
	case MODEL_KVM_GUEST:
		if (arm && q->host_major == 0 && q->host_minor == 0 && c->kr.n > 1)
			add_index_dim(s, DIM_KERNEL, c->kr.n);
		if (q->vma == VMA_UNKNOWN)
			add_dim(s, DIM_VMA, vmas, 4);
		if (arm && q->fwb == TRI_UNKNOWN)
			add_dim(s, DIM_FWB, bools, 2);
		if (arm && q->cache_dic == TRI_UNKNOWN)
			add_dim(s, DIM_CACHE_DIC, bools, 2);
		if (!arm && q->vendor == X86_VENDOR_UNKNOWN)
			add_dim(s, DIM_VENDOR, vendors, 2);
		if (!arm && q->ignore_guest_pat == TRI_UNKNOWN)
			add_dim(s, DIM_IGNORE_PAT, quirk, 2);
		break;
	case MODEL_GUEST:
		add_index_dim(s, DIM_STAGE2, c->nchoices);
		break;
	}
	s->npoints = 1;
	for (unsigned d = 0; d < s->ndims; d++)
		s->npoints *= s->dims[d].n;
}

/* The value index of each dimension at point index i (mixed radix, first dimension slowest). */
static void decode(const struct space *s, unsigned i, unsigned *vi)
{
	for (unsigned d = s->ndims; d-- > 0;) {
		vi[d] = i % s->dims[d].n;
		i /= s->dims[d].n;
	}
}

static unsigned encode(const struct space *s, const unsigned *vi)
{
	unsigned i = 0;
	for (unsigned d = 0; d < s->ndims; d++)
		i = i * s->dims[d].n + vi[d];
	return i;
}

static void make_point(const struct model_ctx *c, const struct space *s, const unsigned *vi,
		       struct point *p)
{
	const struct model_query *q = c->q;
	*p = (struct point){
		.stage1 = q->stage1,
		.krange = kranges_find(&c->kr, (struct kver){ q->host_major, q->host_minor }),
		.vma = q->vma, .fwb = q->fwb, .cache_dic = q->cache_dic,
		.ignore_guest_pat = q->ignore_guest_pat, .mtrr_wc = q->x86_mtrr_wc, .vendor = q->vendor,
	};
	for (unsigned d = 0; d < s->ndims; d++) {
		int v = s->dims[d].value[vi[d]];
		switch (s->dims[d].id) {
		case DIM_STAGE1: p->stage1 = (enum mt)v; break;
		case DIM_KERNEL: p->krange = (unsigned)v; break;
		case DIM_VMA: p->vma = (enum vma_kind)v; break;
		case DIM_FWB: p->fwb = v; break;
		case DIM_CACHE_DIC: p->cache_dic = v; break;
		case DIM_VENDOR: p->vendor = (enum x86_vendor)v; break;
		case DIM_IGNORE_PAT: p->ignore_guest_pat = v; break;
		case DIM_MTRR_WC: p->mtrr_wc = v; break;
		case DIM_STAGE2: p->choice = (unsigned)v; break;
		case DIM_COUNT: break;
		}
	}
}

/* "the memslot is RAM or a vfio-pci BAR": dimension d restricted to the value indexes in mask */
static void dim_phrase(struct text *t, const struct model_ctx *c, const struct dim *d,
		       unsigned mask)
{
	unsigned n = (unsigned)__builtin_popcount(mask), k = 0;
	switch (d->id) {
	case DIM_FWB:
		text_add(t, "%s", d->value[__builtin_ctz(mask)] ? "the host has FEAT_S2FWB" :
								   "the host lacks FEAT_S2FWB");
		return;
	case DIM_CACHE_DIC:
		text_add(t, "%s", d->value[__builtin_ctz(mask)] ? "the host has CTR_EL0.DIC" :
								   "the host lacks CTR_EL0.DIC");
		return;
	case DIM_IGNORE_PAT:
		text_add(t, "%s", d->value[__builtin_ctz(mask)] ?
					  "KVM ignores the guest PAT (quirk in effect)" :
					  "KVM honours the guest PAT (quirk off)");
		return;
	case DIM_MTRR_WC:
		text_add(t, "%s", d->value[__builtin_ctz(mask)] ? "an MTRR marks the range WC" :
								   "no MTRR marks the range WC");
		return;
	case DIM_KERNEL:
		text_add(t, "the host kernel is ");
		for (unsigned i = 0; i < d->n; i++) {
			if (!(mask & (1u << i)))
				continue;
			unsigned last = i;
			while (last + 1 < d->n && (mask & (1u << (last + 1))))
				last++;
			text_add(t, "%s", k++ ? " or " : "");
			kranges_phrase(t, &c->kr, i, last);
			i = last;
		}
		return;
	case DIM_STAGE1: text_add(t, "stage 1 is "); break;
	case DIM_VMA: text_add(t, "the memslot is "); break;
	case DIM_VENDOR: text_add(t, "the host CPU is "); break;
	case DIM_STAGE2: text_add(t, "stage 2 is "); break;
	case DIM_COUNT: return;
	}
	/* a long list reads better as what it leaves out */
	unsigned all = (1u << d->n) - 1, rest = all & ~mask;
	if (rest && n >= 3 && n > (unsigned)__builtin_popcount(rest)) {
		text_add(t, "anything but ");
		mask = rest;
		n = (unsigned)__builtin_popcount(rest);
	}
	for (unsigned i = 0; i < d->n; i++) {
		if (!(mask & (1u << i)))
			continue;
		k++;
		text_add(t, "%s", k == 1 ? "" : k == n ? " or " : ", ");
		int v = d->value[i];
		if (d->id == DIM_STAGE1)
			text_add(t, "%s", mt_name((enum mt)v));
		else if (d->id == DIM_VMA)
			text_add(t, "%s", vma_nouns[v]);
		else if (d->id == DIM_VENDOR)
			text_add(t, "%s", v == X86_VENDOR_INTEL ? "Intel" : "AMD");
		else
			choice_phrase(t, &c->choices[v]);
	}
}

/* A set of points, one value set per dimension (bit i: value index i). */
struct term {
	unsigned mask[DIM_COUNT];
};

/* Call fn on every point of term t (an odometer over the set bits of each mask); stops and
 * returns false as soon as fn does. */
static bool term_each(const struct space *s, const struct term *t,
		      bool (*fn)(unsigned point, void *arg), void *arg)
{
	unsigned vi[DIM_COUNT];
	for (unsigned d = 0; d < s->ndims; d++) {
		if (!t->mask[d])
			return true;
		vi[d] = (unsigned)__builtin_ctz(t->mask[d]);
	}
	for (;;) {
		if (!fn(encode(s, vi), arg))
			return false;
		unsigned d = s->ndims;
		for (;;) {
			if (d == 0)
				return true;
			d--;
			unsigned above = t->mask[d] & ~((2u << vi[d]) - 1);
			if (above) {
				vi[d] = (unsigned)__builtin_ctz(above);
				break;
			}
			vi[d] = (unsigned)__builtin_ctz(t->mask[d]);
		}
	}
}

struct cover {
	const struct space *s;
	const bool *in_group;    /* per point: its result is the one being described */
	bool *covered;           /* per point: already in a chosen term */
	unsigned count;
};

static bool point_in_group(unsigned point, void *arg)
{
	return ((struct cover *)arg)->in_group[point];
}

static bool count_uncovered(unsigned point, void *arg)
{
	struct cover *c = arg;
	c->count += !c->covered[point];
	return true;
}

static bool mark_covered(unsigned point, void *arg)
{
	((struct cover *)arg)->covered[point] = true;
	return true;
}

/* Grow t one dimension at a time, starting with dimension `start`, while every point it holds
 * keeps the result described. */
static void term_grow(struct cover *c, const bool *relevant, struct term *t, unsigned start)
{
	const struct space *s = c->s;
	for (unsigned k = 0; k < s->ndims; k++) {
		unsigned d = (start + k) % s->ndims;
		if (!relevant[d])
			continue;
		for (unsigned v = 0; v < s->dims[d].n; v++) {
			struct term wider = *t;
			wider.mask[d] |= 1u << v;
			if (wider.mask[d] != t->mask[d] && term_each(s, &wider, point_in_group, c))
				*t = wider;
		}
	}
}

/* Cover the points of one result with few, large terms: seed each term with the first point not
 * yet covered and grow it in every dimension order, keeping the growth that covers most. */
static unsigned cover_group(struct cover *c, const bool *relevant, const unsigned *full,
			    struct term *out, unsigned max)
{
	const struct space *s = c->s;
	unsigned n = 0, vi[DIM_COUNT];
	for (unsigned i = 0; i < s->npoints && n < max; i++) {
		if (!c->in_group[i] || c->covered[i])
			continue;
		decode(s, i, vi);
		struct term seed, best = { { 0 } };
		unsigned best_count = 0;
		for (unsigned d = 0; d < s->ndims; d++)
			seed.mask[d] = relevant[d] ? 1u << vi[d] : full[d];
		for (unsigned start = 0; start < (s->ndims ? s->ndims : 1); start++) {
			struct term t = seed;
			term_grow(c, relevant, &t, start);
			c->count = 0;
			term_each(s, &t, count_uncovered, c);
			if (c->count > best_count) {
				best = t;
				best_count = c->count;
			}
		}
		term_each(s, &best, mark_covered, c);
		out[n++] = best;
	}
	return n;
}

/* ---- the prediction ---- */

/* The points with one result, in the order they first appear. */
struct group {
	int effective;
	uint64_t rules_used;
};

static const char *result_name(int effective)
{
	return effective == RESULT_FAULT ? "no mapping" : mt_name((enum mt)effective);
}

static void add_cites(struct text *t, uint64_t set)
{
	unsigned k = 0;
	for (size_t r = 0; r < model_rule_count; r++) {
		if (!(set & (1ull << r)))
			continue;
		bool dup = false;
		for (size_t e = 0; e < r && !dup; e++)
			dup = (set & (1ull << e)) && !strcmp(model_rules[e].cite, model_rules[r].cite);
		if (!dup)
			text_add(t, "%s%s", k++ ? "; " : " (", model_rules[r].cite);
	}
	if (k)
		text_add(t, ")");
}

static void outcome_head(struct text *t, int effective)
{
	if (effective == RESULT_FAULT)
		text_add(t, "no mapping: the stage-2 fault fails with -EFAULT (KVM_RUN returns "
			    "EFAULT, the guest stops)");
	else
		text_add(t, "%s", result_name(effective));
}

static void context_phrase(struct text *t, const struct model_query *q)
{
	const char *arch = q->arch == MODEL_ARM64 ? "arm64" : "x86-64";
	switch (q->env) {
	case MODEL_HOST:
		text_add(t, "%s host, no stage 2", arch);
		break;
	case MODEL_EMULATED:
		text_add(t, "%s guest of a full-system emulator, no stage 2", arch);
		break;
	case MODEL_KVM_GUEST:
		text_add(t, "%s KVM guest", arch);
		if (q->arch == MODEL_ARM64) {
			if (q->host_major || q->host_minor)
				text_add(t, ", host kernel %u.%u", q->host_major, q->host_minor);
			else
				text_add(t, ", host kernel unknown");
		} else {
			text_add(t, ", %s host", q->vendor == X86_VENDOR_INTEL ? "Intel" :
						 q->vendor == X86_VENDOR_AMD ? "AMD" : "unknown-vendor");
		}
		text_add(t, ", memslot %s", vma_nouns[q->vma]);
		break;
	case MODEL_GUEST:
		text_add(t, "%s guest of an unknown hypervisor: stage 2 unknown", arch);
		break;
	}
	text_add(t, "; stage 1 %s", q->stage1 == MT_UNKNOWN ? "unknown" : mt_name(q->stage1));
}

static bool query_valid(const struct model_query *q, const char **why)
{
	*why = NULL;
	if ((unsigned)q->arch > MODEL_X86_64 || (unsigned)q->env > MODEL_GUEST)
		*why = "invalid arch or environment";
	else if ((unsigned)q->vma >= VMA_COUNT || (unsigned)q->vendor > X86_VENDOR_AMD)
		*why = "invalid memslot kind or CPU vendor";
	else if (q->fwb < TRI_UNKNOWN || q->fwb > 1 || q->cache_dic < TRI_UNKNOWN ||
		 q->cache_dic > 1 || q->ignore_guest_pat < TRI_UNKNOWN || q->ignore_guest_pat > 1 ||
		 q->x86_mtrr_wc < TRI_UNKNOWN || q->x86_mtrr_wc > 1)
		*why = "a yes/no input is neither 1, 0 nor unknown";
	else if (q->stage1 != MT_UNKNOWN && !mt_of_arch(q->stage1, q->arch))
		*why = q->arch == MODEL_ARM64 ? "stage 1 is not an arm64 memory type" :
						"stage 1 is not an x86 PAT type";
	return *why == NULL;
}

void model_query_init(struct model_query *q, enum model_arch arch, enum mt stage1, enum model_env env)
{
	*q = (struct model_query){
		.arch = arch, .stage1 = stage1, .env = env, .vma = VMA_UNKNOWN, .fwb = TRI_UNKNOWN,
		.cache_dic = TRI_UNKNOWN, .vendor = X86_VENDOR_UNKNOWN,
		.ignore_guest_pat = TRI_UNKNOWN, .x86_mtrr_wc = TRI_UNKNOWN,
	};
}

/* A dimension matters when changing it alone changes the result somewhere. */
static void find_relevant(const struct space *s, const struct result *res, bool relevant[DIM_COUNT])
{
	unsigned vi[DIM_COUNT];
	for (unsigned d = 0; d < s->ndims; d++)
		for (unsigned i = 0; i < s->npoints && !relevant[d]; i++) {
			decode(s, i, vi);
			unsigned own = vi[d];
			for (unsigned v = 0; v < s->dims[d].n && !relevant[d]; v++) {
				vi[d] = v;
				relevant[d] = res[encode(s, vi)].effective != res[i].effective;
			}
			vi[d] = own;
		}
}

/* The results grouped by effective type, with the rules each group used; the stage 2 when every
 * point agrees on it. Returns the number of groups. */
static unsigned group_results(const struct space *s, const struct result *res,
			      struct group groups[MODEL_MAX_OUTCOMES + 1], uint64_t *used_all,
			      struct model_prediction *p)
{
	unsigned ngroups = 0;
	bool stage2_same = true, stage2_set = false;
	*used_all = 0;
	for (unsigned i = 0; i < s->npoints; i++) {
		*used_all |= res[i].rules_used;
		if (i && res[i].stage2 != res[0].stage2)
			stage2_same = false;
		stage2_set |= res[i].stage2 != MT_UNKNOWN;
		unsigned g = 0;
		while (g < ngroups && groups[g].effective != res[i].effective)
			g++;
		if (g == ngroups) {
			if (ngroups == MODEL_MAX_OUTCOMES + 1)
				continue;     /* more results than types: cannot happen */
			groups[ngroups++] = (struct group){ .effective = res[i].effective };
		}
		groups[g].rules_used |= res[i].rules_used;
	}
	if (stage2_same && stage2_set)
		p->stage2 = res[0].stage2;
	return ngroups;
}

/* Each outcome's "when": the only outcome whatever the inputs, or the cover of its points. */
static void phrase_outcomes(const struct model_ctx *c, const struct space *s, const struct result *res,
			    const bool relevant[DIM_COUNT], const struct group *groups, unsigned ngroups,
			    struct model_prediction *p)
{
	/* rules used in every outcome do not tell the outcomes apart: cite the others, and of those
	 * the stage-2 rules first (what the host did, rather than how the stages combine) */
	uint64_t common = ~0ull, stage2_rules = 0;
	for (unsigned g = 0; g < ngroups; g++)
		common &= groups[g].rules_used;
	for (size_t r = 0; r < model_rule_count; r++)
		if (model_rules[r].kind == RULE_STAGE2)
			stage2_rules |= 1ull << r;

	unsigned full[DIM_COUNT];
	for (unsigned d = 0; d < s->ndims; d++)
		full[d] = (1u << s->dims[d].n) - 1;
	bool in_group[MAX_POINTS], covered[MAX_POINTS];
	struct term terms[MODEL_MAX_TERMS];

	p->noutcomes = ngroups < MODEL_MAX_OUTCOMES ? ngroups : MODEL_MAX_OUTCOMES;
	for (unsigned g = 0; g < p->noutcomes; g++) {
		int eff = groups[g].effective;
		p->outcomes[g].effective = eff == RESULT_FAULT ? MT_UNKNOWN : (enum mt)eff;
		struct text w;
		text_init(&w, p->outcomes[g].when, sizeof p->outcomes[g].when);
		outcome_head(&w, eff);
		if (ngroups == 1) {
			if (s->ndims) {
				text_add(&w, " whatever ");
				for (unsigned d = 0; d < s->ndims; d++)
					text_add(&w, "%s%s", d == 0 ? "" : d + 1 == s->ndims ? " and " : ", ",
						 dim_names[s->dims[d].id]);
				text_add(&w, "%s", s->ndims == 1 ? " is" : " are");
			}
			add_cites(&w, groups[g].rules_used);
			continue;
		}
		for (unsigned i = 0; i < s->npoints; i++) {
			in_group[i] = res[i].effective == eff;
			covered[i] = false;
		}
		struct cover cov = { .s = s, .in_group = in_group, .covered = covered };
		unsigned nterms = cover_group(&cov, relevant, full, terms, MODEL_MAX_TERMS);
		text_add(&w, " if ");
		for (unsigned k = 0; k < nterms; k++) {
			text_add(&w, "%s", k ? "; or " : "");
			unsigned parts = 0;
			for (unsigned d = 0; d < s->ndims; d++) {
				if (terms[k].mask[d] == full[d])
					continue;
				text_add(&w, "%s", parts++ ? " and " : "");
				dim_phrase(&w, c, &s->dims[d], terms[k].mask[d]);
			}
		}
		uint64_t telling = groups[g].rules_used & ~common;
		if (telling & stage2_rules)
			telling &= stage2_rules;
		add_cites(&w, telling);
	}
}

/* Definite only where every outcome agrees: the type, its class, whether it may combine. */
static void decide_definite(const struct group *groups, unsigned ngroups, struct model_prediction *p)
{
	bool all_types = ngroups > 0;
	for (unsigned g = 0; g < ngroups; g++)
		all_types &= groups[g].effective != RESULT_FAULT && mt_valid((enum mt)groups[g].effective);
	if (!all_types)
		return;
	enum mt first = (enum mt)groups[0].effective;
	bool same_cls = true, same_combine = true;
	for (unsigned g = 1; g < ngroups; g++) {
		same_cls &= mt_class((enum mt)groups[g].effective) == mt_class(first);
		same_combine &= mt_may_combine((enum mt)groups[g].effective) == mt_may_combine(first);
	}
	if (ngroups == 1)
		p->effective = first;
	if (same_cls)
		p->cls = mt_class(first);
	if (same_combine)
		p->may_combine = mt_may_combine(first);
}

/* rule: the situation, the rules used (in words when they fit, else their citations), and what
 * follows. */
static void phrase_rule(struct text *rule, const struct model_query *q, const struct space *s,
			const bool relevant[DIM_COUNT], const struct group *groups, unsigned ngroups,
			uint64_t used_all, struct model_prediction *p)
{
	char summary[160], used[sizeof p->rule];
	struct text sum, u;
	text_init(&sum, summary, sizeof summary);
	if (ngroups == 1) {
		text_add(&sum, " => ");
		outcome_head(&sum, groups[0].effective);
	} else {
		text_add(&sum, " => %u outcomes, depending on ", ngroups);
		unsigned k = 0;
		for (unsigned d = 0; d < s->ndims; d++)
			if (relevant[d])
				text_add(&sum, "%s%s", k++ ? ", " : "", dim_names[s->dims[d].id]);
	}
	context_phrase(rule, q);
	text_add(rule, ": ");
	size_t room = sizeof p->rule - rule->len - sum.len;
	text_init(&u, used, room);
	unsigned k = 0;
	for (size_t r = 0; r < model_rule_count; r++)
		if (used_all & (1ull << r))
			text_add(&u, "%s%s [%s]", k++ ? "; " : "", model_rules[r].what, model_rules[r].cite);
	if (u.cut) {
		text_init(&u, used, room);
		text_add(&u, "rules");
		add_cites(&u, used_all);
	}
	text_add(rule, "%s%s", used, summary);
}

void model_predict(const struct model_query *q, struct model_prediction *p)
{
	*p = (struct model_prediction){
		.stage2 = MT_UNKNOWN, .effective = MT_UNKNOWN, .cls = MEMCLASS_UNKNOWN,
		.may_combine = TRI_UNKNOWN,
	};
	struct text rule;
	text_init(&rule, p->rule, sizeof p->rule);
	const char *why;
	if (!q) {
		text_add(&rule, "no query");
		return;
	}
	if (!query_valid(q, &why)) {
		text_add(&rule, "nothing predicted: %s", why);
		return;
	}

	struct model_ctx c = { .q = q };
	kranges_build(&c.kr, q->arch);
	build_choices(&c);
	struct space s;
	build_space(&c, &s);
	if (s.npoints == 0 || s.npoints > MAX_POINTS) {
		text_add(&rule, "nothing predicted: %u cases to enumerate", s.npoints);
		return;
	}

	struct result res[MAX_POINTS];
	unsigned vi[DIM_COUNT];
	struct point pt;
	for (unsigned i = 0; i < s.npoints; i++) {
		decode(&s, i, vi);
		make_point(&c, &s, vi, &pt);
		evaluate(&c, &pt, &res[i]);
	}

	bool relevant[DIM_COUNT] = { false };
	find_relevant(&s, res, relevant);
	struct group groups[MODEL_MAX_OUTCOMES + 1];
	uint64_t used_all;
	unsigned ngroups = group_results(&s, res, groups, &used_all, p);
	phrase_outcomes(&c, &s, res, relevant, groups, ngroups, p);
	decide_definite(groups, ngroups, p);
	phrase_rule(&rule, q, &s, relevant, groups, ngroups, used_all, p);
}

/* ---- parsing a kernel version ---- */

static int parse_number(const char **sp, unsigned *out)
{
	const char *s = *sp;
	unsigned long long v = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT_MAX)
			return -EINVAL;
	}
	*sp = s;
	*out = (unsigned)v;
	return 0;
}

int kernel_version_parse(const char *s, unsigned *major, unsigned *minor)
{
	unsigned a, b;
	if (!s || !major || !minor)
		return -EINVAL;
	if (*s == 'v')
		s++;
	if (parse_number(&s, &a) || *s != '.')
		return -EINVAL;
	s++;
	if (parse_number(&s, &b))
		return -EINVAL;
	/* what may follow: ".0-28-arm64", "-rc1", "+", "_1", "~bpo" */
	if (*s && !strchr(".-+_~", *s))
		return -EINVAL;
	*major = a;
	*minor = b;
	return 0;
}

/* ---- the rules as text ---- */

static const char *section_title(const struct model_rule *r)
{
	switch (r->kind) {
	case RULE_COMBINE:
		return "arm64: combining stage 1 and stage 2 (HCR_EL2.FWB 0 and 1)";
	case RULE_STAGE2:
		return r->arch == MODEL_ARM64 ?
			       "arm64 KVM: stage 2 by host kernel and memslot VMA (user_mem_abort())" :
			       "x86-64 KVM: the EPT/NPT memory type and the guest PAT";
	case RULE_HOST:
		return r->arch == MODEL_ARM64 ? "arm64 without stage 2 (host, emulated guest)" :
						"x86-64 without stage 2 (host, emulated guest): PAT with MTRR";
	}
	return "";
}

static void write_conditions(FILE *f, const struct model_rule *r)
{
	const char *sep = "";
	if (!kver_open(r->since) || !kver_open(r->until)) {
		fprintf(f, "host kernel ");
		if (!kver_open(r->since) && !kver_open(r->until))
			fprintf(f, "%u.%u to before %u.%u", r->since.major, r->since.minor,
				r->until.major, r->until.minor);
		else if (!kver_open(r->since))
			fprintf(f, "%u.%u or later", r->since.major, r->since.minor);
		else
			fprintf(f, "before %u.%u", r->until.major, r->until.minor);
		sep = ", ";
	}
	if (r->vendor != X86_VENDOR_UNKNOWN) {
		fprintf(f, "%s%s", sep, r->vendor == X86_VENDOR_INTEL ? "Intel" : "AMD");
		sep = ", ";
	}
	if (r->vma_mask) {
		fprintf(f, "%smemslot", sep);
		const char *or = " ";
		for (unsigned v = 0; v < VMA_COUNT; v++)
			if (r->vma_mask & VMA_BIT(v)) {
				fprintf(f, "%s%s", or, vma_nouns[v]);
				or = " or ";
			}
		sep = ", ";
	}
	static const char *const yes_no[][2] = {
		{ "no FEAT_S2FWB", "FEAT_S2FWB" },
		{ "no CTR_EL0.DIC", "CTR_EL0.DIC" },
		{ "guest-PAT quirk off", "KVM_X86_QUIRK_IGNORE_GUEST_PAT in effect" },
		{ "no WC MTRR over the range", "a WC MTRR over the range" },
	};
	const enum req reqs[] = { r->fwb, r->cache_dic, r->ignore_guest_pat, r->mtrr_wc };
	for (unsigned i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
		if (reqs[i] != REQ_ANY) {
			fprintf(f, "%s%s", sep, yes_no[i][reqs[i] == REQ_YES]);
			sep = ", ";
		}
	const unsigned masks[] = { r->s1_mask, r->kind == RULE_COMBINE ? r->s2_mask : 0 };
	const char *const which[] = { "stage 1", "stage 2" };
	for (unsigned m = 0; m < 2; m++) {
		if (!masks[m])
			continue;
		fprintf(f, "%s%s", sep, which[m]);
		const char *or = " ";
		for (unsigned t = 0; t < MT_COUNT; t++)
			if (masks[m] & MT_BIT(t)) {
				fprintf(f, "%s%s", or, mt_name((enum mt)t));
				or = ", ";
			}
		sep = ", ";
	}
	if (r->kind == RULE_COMBINE && !r->s2_mask)
		fprintf(f, "%sstage 2 MemAttr 0b111", sep);
	else if (!*sep)
		fprintf(f, "always");
	fprintf(f, " -> ");
	if (r->fault)
		fprintf(f, "no mapping (-EFAULT)");
	else if (r->kind == RULE_STAGE2)
		fprintf(f, "stage 2 %s", mt_name(r->stage2));
	else if (r->op == OP_FIXED)
		fprintf(f, "%s", mt_name(r->result));
	else if (r->op == OP_STRONGER)
		fprintf(f, "the stronger");
	else if (r->op == OP_STAGE2)
		fprintf(f, "stage 2");
	else
		fprintf(f, "stage 1");
}

void model_write_rules(FILE *f)
{
	fprintf(f, "The stage 1 x stage 2 model: the effective memory type predicted from the page "
		   "tables of the OS wcbench runs in (stage 1) and what a hypervisor put below it "
		   "(stage 2). An input check cannot learn is left unknown: every value it may take is "
		   "run through these rules and each distinct result is reported with its "
		   "condition.\n\n");
	fprintf(f, "arm64 memory types, weakest to strongest:");
	unsigned strongest = 0;
	for (unsigned t = 0; t < MT_COUNT; t++)
		if (mt_table[t].strength > strongest)
			strongest = mt_table[t].strength;
	for (unsigned rank = 1; rank <= strongest; rank++)
		for (unsigned t = 0; t < MT_COUNT; t++)
			if (mt_table[t].strength == rank)
				fprintf(f, "%s%s", rank == 1 ? " " : " < ", mt_table[t].name);
	fprintf(f, "\n(Arm ARM \"Combining the stage 1 and stage 2 attributes\"; Device types: B2.10.2)"
		   "\nStores may combine in:");
	for (unsigned t = 0; t < MT_COUNT; t++)
		if (mt_table[t].may_combine)
			fprintf(f, " %s", mt_table[t].name);
	fprintf(f, " (Device-GRE: G permits Gathering, Arm ARM B2.10.2)\n");

	const char *last = NULL;
	for (size_t r = 0; r < model_rule_count; r++) {
		const char *title = section_title(&model_rules[r]);
		if (!last || strcmp(title, last)) {
			fprintf(f, "\n## %s\n\n", title);
			last = title;
		}
		fprintf(f, "- ");
		write_conditions(f, &model_rules[r]);
		fprintf(f, ": %s.\n  Source: %s.\n", model_rules[r].what, model_rules[r].source);
	}
	fprintf(f, "\n## A guest of an unknown hypervisor\n\nStage 2 may be any of the stage-2 types "
		   "above (arm64: with or without FWB as far as known; x86-64: each EPT/NPT treatment "
		   "above); every one that gives a different effective type is an outcome.\n");
}
