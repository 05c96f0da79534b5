/* The verdict on synthetic evidence (check/verdict.c), and the link evidence (check/link.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "check/link.h"
#include "check/verdict.h"
#include "pcisys.h"

static bool has_advice(const struct target_verdict *v, const char *needle)
{
	for (unsigned i = 0; i < v->nadvice; i++)
		if (strstr(v->advice[i], needle))
			return true;
	return false;
}

static bool has_evidence(const struct target_verdict *v, const char *kind)
{
	for (unsigned i = 0; i < v->nevidence; i++)
		if (!strcmp(v->evidence[i].kind, kind) && v->evidence[i].observed[0])
			return true;
	return false;
}

static bool rule_documented(const char *rule)
{
	for (size_t i = 0; i < verdict_rule_count; i++)
		if (!strncmp(rule, verdict_rule_docs[i].id, strlen(verdict_rule_docs[i].id)))
			return true;
	return false;
}

static void tp(struct throughput *t, double gbps)
{
	t->measured = true;
	t->gbps = gbps;
	t->p10 = gbps * 0.95;
	t->p90 = gbps * 1.05;
	snprintf(t->kernel, sizeof t->kernel, "k");
	snprintf(t->how, sizeof t->how, "synthetic");
}

/* An arm64 host, a sysfs-wc path of a BAR behind gen4 x16, the probe read Normal. */
static void arm_wc_host(struct check_facts *f)
{
	check_facts_init(f);
	f->arch = MODEL_ARM64;
	f->platform.env = MODEL_HOST;
	snprintf(f->platform.how, sizeof f->platform.how, "test host");
	snprintf(f->target, sizeof f->target, "sysfs-wc:0000:01:00.0:bar2");
	snprintf(f->map, sizeof f->map, "sysfs-resource-wc");
	f->vma = TARGET_VMA_SYSFS_WC;
	snprintf(f->device, sizeof f->device, "0000:01:00.0 bar2");
	snprintf(f->memtype_requested, sizeof f->memtype_requested, "Normal-NC");
	f->probe.probed = true;
	f->probe.effective = MEMCLASS_NORMAL;
	snprintf(f->probe.how, sizeof f->probe.how, "completed");
	f->model.effective = MT_NORMAL_NC;
	f->model.cls = MEMCLASS_NORMAL;
	f->model.may_combine = 1;
	char err[200];
	link_parse("gen4x16", &f->link, err, sizeof err);
	link_ceilings(&f->link, &f->ceil);
}

static void check_well_formed(const struct target_verdict *v, const char *what)
{
	CHECK(rule_documented(v->rule) && v->rule_text[0] && v->nevidence > 0,
	      "%s: names a documented rule (%s) and its evidence", what, v->rule);
}

static void test_verdict_rules(void)
{
	struct check_facts f;
	struct target_verdict v;

	arm_wc_host(&f);
	tp(&f.st8, f.ceil.tlp8_gbps * 1.2);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_WORKS && !strcmp(v.rule, "link-ceiling") && has_evidence(&v, "throughput-8B"),
	      "8-byte stores above the 8 B-TLP ceiling: works by the link rule (%s, %s)", verdict_name(v.verdict), v.rule);
	check_well_formed(&v, "works");
	CHECK(!strcmp(v.memtype_effective, "Normal") && !strcmp(v.link, "gen4x16") && v.gbps_8 > 0 &&
	      isnan(v.gbps_64), "works: effective Normal, link and figures carried, unmeasured ones NAN");

	tp(&f.best64, f.st8.gbps * 1.6);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_DEGRADED && strstr(v.rule, "64B-better") && has_advice(&v, "64-byte store") &&
	      has_advice(&v, "ST1"), "combining, but one 64-byte store is 1.6x faster: degraded, advice names ST1");
	check_well_formed(&v, "degraded (sequence)");

	arm_wc_host(&f);
	tp(&f.st8, f.ceil.tlp8_gbps * 0.5);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && !strcmp(v.rule, "not-enough-evidence") && has_advice(&v, "BDF:barN"),
	      "below the ceiling, no WC/UC pair: unknown, suggests checking every path of the BAR");
	f.link.known = false;
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && has_advice(&v, "--link"), "no link known: unknown, asks for --link");

	arm_wc_host(&f);
	tp(&f.st8, 1.0);
	f.wc_uc_ratio = 20;
	snprintf(f.uc_path, sizeof f.uc_path, "sysfs:0000:01:00.0:bar2 (Device-nGnRE)");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_WORKS && !strcmp(v.rule, "wc-uc-ratio") && has_evidence(&v, "wc-uc-ratio"),
	      "WC/UC ratio 20 on the same BAR: works by timing evidence");

	/* arm64 host, sysfs resourceN: Device */
	arm_wc_host(&f);
	snprintf(f.target, sizeof f.target, "sysfs:0000:01:00.0:bar2");
	snprintf(f.map, sizeof f.map, "sysfs-resource");
	f.vma = TARGET_VMA_SYSFS;
	snprintf(f.memtype_requested, sizeof f.memtype_requested, "Device-nGnRE");
	f.probe.effective = MEMCLASS_DEVICE;
	f.model.effective = MT_DEVICE_nGnRE;
	f.model.cls = MEMCLASS_DEVICE;
	f.model.may_combine = 0;
	snprintf(f.path_notes[f.npath_notes++], sizeof f.path_notes[0], "BAR 0 is not prefetchable: test note");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_BROKEN && !strcmp(v.rule, "probe-device") && has_advice(&v, "resourceN_wc") &&
	      has_advice(&v, "not prefetchable") && !strcmp(v.memtype_effective, "Device"),
	      "probe Device on resourceN: broken, advice resourceN_wc, the path note carried");
	check_well_formed(&v, "broken");

	/* the same, emulated: the probe needs no timing, still broken */
	f.platform.env = MODEL_EMULATED;
	f.platform.emulated = true;
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_BROKEN, "probe Device under emulation: still broken (no timing needed)");

	/* linux-arm-kernel, 2022-04-01 ("kvm/arm64: fixed passthrough gpu into vm on arm64"): a guest's Normal-NC mapping made Device by stage 2 of a 6.1 host */
	arm_wc_host(&f);
	f.platform.env = MODEL_KVM_GUEST;
	snprintf(f.platform.host_kernel, sizeof f.platform.host_kernel, "6.1.0-28-arm64");
	f.platform.host_major = 6;
	f.platform.host_minor = 1;
	f.probe.effective = MEMCLASS_DEVICE;
	f.model.effective = MT_UNKNOWN;
	f.model.cls = MEMCLASS_UNKNOWN;
	f.model.may_combine = TRI_UNKNOWN;
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_BROKEN && has_advice(&v, "6.1.0-28-arm64") && has_advice(&v, "8c47ce3e1d2c"),
	      "guest Normal-NC probed Device, host 6.1: broken, advice names the host kernel and 8c47ce3e1d2c");

	/* emulated, Normal: timing means nothing */
	arm_wc_host(&f);
	f.platform.env = MODEL_EMULATED;
	f.platform.emulated = true;
	tp(&f.st8, f.ceil.tlp8_gbps * 3);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && !strcmp(v.rule, "emulated") && !strcmp(v.memtype_effective, "Normal"),
	      "emulated Normal-NC: unknown even with a rate above the ceiling (timing ignored)");

	/* conflicts */
	arm_wc_host(&f);
	f.model.effective = MT_DEVICE_nGnRE;
	f.model.cls = MEMCLASS_DEVICE;
	f.model.may_combine = 0;
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && v.conflict && !strcmp(v.rule, "conflict") && has_evidence(&v, "conflict"),
	      "probe Normal vs model Device: a conflict, reported, verdict unknown");
	arm_wc_host(&f);
	f.probe.effective = MEMCLASS_DEVICE;
	f.model.cls = MEMCLASS_UNKNOWN;
	f.model.effective = MT_UNKNOWN;
	tp(&f.st8, f.ceil.tlp8_gbps * 2);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && v.conflict, "probe Device but 8-byte rate above the ceiling: a conflict");

	/* x86 host */
	check_facts_init(&f);
	f.arch = MODEL_X86_64;
	f.platform.env = MODEL_HOST;
	snprintf(f.target, sizeof f.target, "sysfs-wc:0000:01:00.0:bar2");
	snprintf(f.device, sizeof f.device, "0000:01:00.0 bar2");
	snprintf(f.memtype_requested, sizeof f.memtype_requested, "WC");
	snprintf(f.memtype_os, sizeof f.memtype_os, "UC-");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_DEGRADED && !strcmp(v.rule, "pat-uc-minus") && has_advice(&v, "nopat") &&
	      has_evidence(&v, "memtype-os"), "x86: WC asked, UC- obtained: degraded, asks whether PAT is off");
	snprintf(f.memtype_os, sizeof f.memtype_os, "UC");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_BROKEN && !strcmp(v.rule, "pat-uc"), "x86 host: PAT UC: broken");
	snprintf(f.memtype_os, sizeof f.memtype_os, "WC");
	tp(&f.st8, 6.0);
	tp(&f.st8_fenced, 1.0);
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_WORKS && !strcmp(v.rule, "fingerprint-wc") && has_evidence(&v, "fingerprint"),
	      "x86 host: PAT WC and streamed 6x faster than fenced: works (timing evidence)");
	tp(&f.st8_fenced, 5.0);
	snprintf(f.memtype_os, sizeof f.memtype_os, "UC-");
	snprintf(f.memtype_requested, sizeof f.memtype_requested, "UC-");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_BROKEN && !strcmp(v.rule, "fingerprint-uc"),
	      "x86 host: UC- path, streamed no faster than fenced: broken (timing evidence)");
	/* x86 guest under TCG: PAT is stage 1 only, timing meaningless */
	f.platform.env = MODEL_EMULATED;
	f.platform.emulated = true;
	snprintf(f.memtype_os, sizeof f.memtype_os, "WC");
	snprintf(f.memtype_requested, sizeof f.memtype_requested, "WC");
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && has_evidence(&v, "memtype-os"), "x86 emulated: unknown, PAT evidence shown");

	/* RAM */
	check_facts_init(&f);
	f.arch = MODEL_X86_64;
	snprintf(f.target, sizeof f.target, "ram");
	snprintf(f.memtype_requested, sizeof f.memtype_requested, "WB");
	f.model.effective = MT_X86_WB;
	f.model.cls = MEMCLASS_NORMAL;
	f.model.may_combine = 1;
	verdict_decide(&f, &v);
	CHECK(v.verdict == VERDICT_UNKNOWN && !strcmp(v.rule, "cached-memory"), "RAM (WB): unknown, cached memory");

	CHECK(verdict_worse(VERDICT_WORKS, VERDICT_BROKEN) == 1 && verdict_worse(VERDICT_BROKEN, VERDICT_WORKS) == 0 &&
	      verdict_worse(VERDICT_WORKS, VERDICT_DEGRADED) == 1 && verdict_worse(VERDICT_UNKNOWN, VERDICT_BROKEN) == -1,
	      "verdict_worse orders works < degraded < broken, unknown not ordered");
	CHECK(verdict_parse("broken") == VERDICT_BROKEN && verdict_parse("Broken") == -1 && verdict_parse(NULL) == -1,
	      "verdict_parse");
}

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_link(void)
{
	struct link_info l;
	struct link_ceilings c;
	char err[200];
	CHECK(!link_parse("gen4x16", &l, err, sizeof err) && l.gen == 4 && l.width == 16, "link_parse gen4x16");
	CHECK(!link_parse("Gen3x8", &l, err, sizeof err) && l.gen == 3 && l.width == 8, "link_parse Gen3x8");
	CHECK(link_parse("gen7x16", &l, err, sizeof err) && link_parse("gen4x3", &l, err, sizeof err) &&
	      link_parse("gen4", &l, err, sizeof err) && link_parse("gen4x16 ", &l, err, sizeof err) &&
	      link_parse("gen4x+16", &l, err, sizeof err) && link_parse("", &l, err, sizeof err) &&
	      link_parse("x16", &l, err, sizeof err), "link_parse refuses junk");
	link_parse("gen4x16", &l, err, sizeof err);
	link_ceilings(&l, &c);
	/* PCIe TLP overheads: gen4 x16 raw 31.5 GB/s; 8 B TLPs with 3-DW headers 8.4; 64 B TLPs 22.4 */
	CHECK(fabs(c.raw_gbps - 31.5) < 0.05 && fabs(c.tlp8_gbps - 8.4) < 0.05 && fabs(c.tlp64_gbps - 22.4) < 0.05,
	      "gen4x16 ceilings: raw %.2f, 8 B %.2f, 64 B %.2f GB/s", c.raw_gbps, c.tlp8_gbps, c.tlp64_gbps);
	link_parse("gen3x16", &l, err, sizeof err);
	link_ceilings(&l, &c);
	CHECK(fabs(c.tlp8_gbps - 4.2) < 0.05 && fabs(c.tlp64_gbps - 11.2) < 0.05 && strstr(c.assumptions, "22 B"),
	      "gen3x16 ceilings 4.2 / 11.2 GB/s, assumptions stated");

	/* a fake sysfs: the endpoint reports no link, the port above it gen4 x16 */
	char root[] = "/tmp/wcbench-link-XXXXXX";
	if (!mkdtemp(root)) {
		CHECK(0, "mkdtemp");
		return;
	}
	char d[512], port[512], ep[512];
	snprintf(d, sizeof d, "%s/devices/pci0000:00", root);
	snprintf(port, sizeof port, "%s/0000:00:01.0", d);
	snprintf(ep, sizeof ep, "%s/0000:01:00.0", port);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "mkdir -p %s %s/bus/pci/devices && ln -s %s %s/bus/pci/devices/0000:01:00.0", ep,
		 root, ep, root);
	CHECK(system(cmd) == 0, "fake sysfs made");
	put(ep, "current_link_speed", "Unknown\n");
	put(ep, "current_link_width", "0\n");
	pcisys_set_root(root);
	put(port, "current_link_speed", "16.0 GT/s PCIe\n");
	put(port, "current_link_width", "16\n");
	link_from_sysfs("0000:01:00.0", &l);
	CHECK(l.known && l.gen == 4 && l.width == 16 && strstr(l.source, "0000:00:01.0") && strstr(l.source, "above"),
	      "link_from_sysfs: the port above a link-less endpoint (%s)", l.source);
	put(ep, "current_link_speed", "8.0 GT/s PCIe\n");
	put(ep, "current_link_width", "8\n");
	link_from_sysfs("0000:01:00.0", &l);
	CHECK(l.known && l.gen == 3 && l.width == 8, "link_from_sysfs: the device's own link first");
	put(ep, "current_link_speed", "Unknown\n");
	put(port, "current_link_width", "garbage\n");
	link_from_sysfs("0000:01:00.0", &l);
	CHECK(!l.known && strstr(l.source, "--link"), "link_from_sysfs: no real link: unknown, says --link");
	link_from_sysfs("0000:09:00.0", &l);
	CHECK(!l.known, "link_from_sysfs: an absent device");
	pcisys_set_root(NULL);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	(void)!system(cmd);
}

void test_verdict(void)
{
	test_verdict_rules();
	test_link();
}
