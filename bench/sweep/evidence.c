/*
 * check's evidence, per target: map, probe the effective memory type, time a few readback-drained
 * cases (rows in results.csv), look up the link, ask the model (and the microVM); then the
 * verdicts (check/verdict.h) into verdict.json.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check/link.h"
#include "check/model.h"
#include "check/platform.h"
#include "check/verdict.h"
#include "check/verdict_io.h"
#include "common/parse.h"
#include "common/util.h"
#include "core/place.h"
#include "core/timer.h"
#include "measure/case_row.h"
#include "measure/measure.h"
#include "results/metadata.h"
#include "results/resultset.h"
#include "results/run_dir.h"
#include "sweep/evidence.h"
#include "sweep/signals.h"
#include "targets/kinds.h"
#include "targets/memtype.h"
#include "vm/microvm.h"
#include "pcisys.h"

#define STREAM_BURST 4096 /* bytes per burst of the streamed cases */
#define CHECK_RAM_WINDOW (16UL << 20)
#define BAR_NOTES 4 /* at most one note per PCI BAR path (TARGET_PCI_BAR): more than there are */

/*
 * BDF:barN -> every mapping path this kernel offers, each a target in out[], with a note for each
 * path it does not offer. Paths that run would refuse (a device owned by a host driver, without
 * --force) are left out with their reason as the note. 0, or -EINVAL with one line in err.
 */
static int expand_bar(const char *spec, const struct evidence_opts *o, struct checked *out, unsigned *n,
		      char *err, size_t errlen)
{
	char bdf[PCI_BDF_LEN], head[32], notes[BAR_NOTES][200] = { "" };
	const char *colon = strrchr(spec, ':');
	int bar = -EINVAL;
	if (colon && !strncmp(colon + 1, "bar", 3) && (size_t)(colon - spec) < sizeof head) {
		snprintf(head, sizeof head, "%.*s", (int)(colon - spec), spec);
		if (!pci_bdf_parse(head, bdf))
			bar = pci_bar_parse(colon + 1);
	}
	if (bar < 0) {
		snprintf(err, errlen, "'%s': not a target (KIND:... as `wcbench list targets` shows, or BDF:barN)", spec);
		return -EINVAL;
	}
	struct pci_dev_info info;
	char why[TARGET_ERR_LEN];
	if (pci_dev_read(bdf, &info, why, sizeof why)) {
		snprintf(err, errlen, "%s: %s", spec, why);
		return -EINVAL;
	}
	bool wc_file = pci_resource_exists(bdf, bar, true);
	unsigned added = 0, nn = 0;
	for (size_t k = 0; k < target_kind_count && nn < BAR_NOTES; k++) {
		const struct target_ops *ops = target_kinds[k];
		if (!(ops->flags & TARGET_PCI_BAR))
			continue;
		if ((ops->flags & TARGET_PCI_BAR_WC_FILE) && !wc_file) {
			if (info.bar[bar].size && !(info.bar[bar].flags & PCI_RES_PREFETCH))
				snprintf(notes[nn++], sizeof notes[0], "BAR %d is not prefetchable: the kernel offers no "
					 "resource%d_wc (write combining needs a prefetchable BAR)", bar, bar);
			else
				snprintf(notes[nn++], sizeof notes[0], "BAR %d of %s has no resource%d_wc: this kernel "
					 "offers no WC mapping of it (arch_can_pci_mmap_wc)", bar, bdf, bar);
			continue;
		}
		if (*n >= EVIDENCE_MAX_TARGETS) {
			snprintf(err, errlen, "at most %d targets", EVIDENCE_MAX_TARGETS);
			return -EINVAL;
		}
		struct checked *c = &out[*n];
		snprintf(c->spec, sizeof c->spec, "%s:%s:bar%d", ops->kind, bdf, bar);
		if (target_probe(&c->t, c->spec, &o->topts, why)) {
			if (c->t.ops && c->t.priv)
				c->t.ops->unmap(&c->t);
			memset(c, 0, sizeof *c);
			snprintf(notes[nn++], sizeof notes[0], "%s left out: %.150s", ops->kind, why);
			continue;
		}
		(*n)++;
		added++;
	}
	if (!added) {
		snprintf(err, errlen, "%s: no mapping path of this BAR can be used: %s%s%s", spec, notes[0],
			 nn > 1 ? "; " : "", nn > 1 ? notes[1] : "");
		return -EINVAL;
	}
	for (unsigned i = *n - added; i < *n; i++)
		for (unsigned j = 0; j < nn && out[i].nnotes < 2; j++)
			snprintf(out[i].notes[out[i].nnotes++], sizeof out[i].notes[0], "%s", notes[j]);
	return 0;
}

/* Probe every target (and expand BDF:barN) before anything is written. */
static int probe_all(const struct evidence_opts *o, struct checked *c, unsigned *n, char *err, size_t errlen)
{
	*n = 0;
	for (unsigned i = 0; i < o->nspecs; i++) {
		const char *s = o->specs[i];
		char kind[32];
		const struct target_ops *ops = target_kind_find(target_kind_of(s, kind, sizeof kind));
		if (!ops) {
			if (expand_bar(s, o, c, n, err, errlen))
				return -EINVAL;
			continue;
		}
		if (*n >= EVIDENCE_MAX_TARGETS) {
			snprintf(err, errlen, "at most %d targets", EVIDENCE_MAX_TARGETS);
			return -EINVAL;
		}
		snprintf(c[*n].spec, sizeof c[*n].spec, "%s", s);
		char why[TARGET_ERR_LEN];
		struct target_opts topts = o->topts;
		if (!topts.window_set && (ops->flags & TARGET_ALLOCATED)) {
			/* RAM: a window that stays in the caches' reach, as run --quick takes */
			topts.window_set = true;
			topts.window_len = CHECK_RAM_WINDOW;
		}
		if (target_probe(&c[*n].t, s, &topts, why)) {
			snprintf(err, errlen, "%s", why);
			return -EINVAL;
		}
		(*n)++;
	}
	return 0;
}

static enum model_arch this_arch(void)
{
	return wc_build_arch() == WC_ARCH_AARCH64 ? MODEL_ARM64 : MODEL_X86_64;
}

/* The kernels a check times on this CPU: 8-byte stores, the fence after each, 64-byte stores. */
struct check_kernels {
	const struct store_kernel *k8;
	const struct barrier_desc *fence, *none;
	const struct store_kernel *k64[8];
	unsigned n64;
};

static void pick_kernels(struct check_kernels *ck)
{
	const char *why = NULL;
	memset(ck, 0, sizeof *ck);
	bool arm = this_arch() == MODEL_ARM64;
	ck->k8 = kernel_find(arm ? "str_8" : "mov_8");
	if (!ck->k8 || !kernel_usable(ck->k8, &why))
		ck->k8 = kernel_find("c_8");
	ck->fence = barrier_find(arm ? "dsb_st" : "sfence");
	ck->none = barrier_find("none");
	for (size_t i = 0; i < store_kernel_count && ck->n64 < 8; i++) {
		const struct store_kernel *k = &store_kernels[i];
		if (k->width == 64 && k->arch == wc_build_arch() && kernel_usable(k, &why))
			ck->k64[ck->n64++] = k;
	}
}

struct check_ctx {
	const char *run_id, *env;
	const struct machine_info *m;
	int csv_fd;
	size_t rows, faults;
	struct sampling sampling;    /* every case's; --time is its budget */
	int write_rc;
	int cpu;                     /* the one CPU every case runs on */
	char effective[16];          /* the target's memtype_effective column */
};

/* Time one case, write its row; the figure into *tp when it went ok. */
static void time_case(struct check_ctx *x, struct target *t, const struct store_kernel *k,
		      const struct barrier_desc *b, size_t burst, struct throughput *tp)
{
	memset(tp, 0, sizeof *tp);
	if (!k || !b || x->write_rc || sweep_stopped()) {
		snprintf(tp->how, sizeof tp->how, "%s", sweep_stopped() ? "interrupted" : "no kernel for it here");
		return;
	}
	if (burst > t->win_len) {
		snprintf(tp->how, sizeof tp->how, "the window (%zu B) is shorter than a burst of %zu B", t->win_len, burst);
		return;
	}
	struct case_spec cs = {
		.kernel = k, .barrier = b, .every = EVERY_BURST, .burst = burst, .threads = 1,
		.drain = DRAIN_READBACK, .budget_s = x->sampling.budget_s,
		.min_sample_s = x->sampling.min_sample_s, .min_samples = x->sampling.min_samples,
		.max_samples = x->sampling.max_samples, .precision = x->sampling.precision,
		.stop = sweep_stop_flag(),
	};
	struct case_result *res = calloc(1, sizeof *res);
	if (!res) {
		x->write_rc = -ENOMEM;
		return;
	}
	cs.cpus[0] = x->cpu;
	measure_case(t, &cs, res); /* says itself when the case cannot run (gates, sizes) */
	if (res->interrupted) {
		free(res);
		snprintf(tp->how, sizeof tp->how, "interrupted");
		return;
	}
	struct row row;
	case_row_fill(&row, x->env, x->run_id, x->m, t, &cs, res);
	snprintf(row.memtype_effective, sizeof row.memtype_effective, "%s", x->effective);
	x->write_rc = run_dir_append_row(x->csv_fd, &row);
	if (!x->write_rc)
		x->rows++;
	if (row.status == STATUS_FAULT || row.status == STATUS_ERROR)
		x->faults++;
	char burst_s[24];
	fmt_bytes(burst, burst_s, sizeof burst_s);
	if (row.status == STATUS_OK) {
		tp->measured = true;
		tp->gbps = row.gb_per_s_median;
		tp->p10 = row.gb_per_s_p10;
		tp->p90 = row.gb_per_s_p90;
		snprintf(tp->how, sizeof tp->how, "%s, burst %s, %s%s, drain readback, %u samples, timer %s",
			 k->name, burst_s, b->id == BARRIER_NONE ? "no barrier" : b->name,
			 b->id == BARRIER_NONE ? "" : " after each burst", row.samples, row.timer);
	} else if (!tp->how[0]) {
		snprintf(tp->how, sizeof tp->how, "%s: %s: %s", k->name, status_name(row.status), row.reason);
	}
	snprintf(tp->kernel, sizeof tp->kernel, "%s", k->name);
	free(res);
}

static size_t stream_burst(const struct target *t)
{
	size_t b = STREAM_BURST;
	while (b > 64 && b > t->win_len)
		b /= 2;
	return b;
}

static void measure_target(struct check_ctx *x, struct checked *c, const struct check_kernels *ck)
{
	struct target *t = &c->t;
	struct check_facts *f = &c->f;
	size_t burst = stream_burst(t);
	time_case(x, t, ck->k8, ck->none, burst, &f->st8);
	time_case(x, t, ck->k8, ck->fence, ck->k8 ? ck->k8->width : 8, &f->st8_fenced);
	if (f->st8_fenced.measured) {
		/* the fenced case stores one 8-byte word per burst: say so, the kernel's name alone does not */
		size_t l = strlen(f->st8_fenced.how);
		snprintf(f->st8_fenced.how + l, sizeof f->st8_fenced.how - l, " (each store fenced)");
	}
	for (unsigned i = 0; i < ck->n64; i++) {
		struct throughput tp;
		time_case(x, t, ck->k64[i], ck->none, burst, &tp);
		if (tp.measured && (!f->best64.measured || tp.gbps > f->best64.gbps))
			f->best64 = tp;
		else if (!f->best64.measured && !f->best64.how[0])
			snprintf(f->best64.how, sizeof f->best64.how, "%s", tp.how);
	}
	if (!ck->n64)
		snprintf(f->best64.how, sizeof f->best64.how, "no 64-byte store kernel runs on this CPU");
}

static void bdf_of(const char *device, char *bdf, size_t n)
{
	snprintf(bdf, n, "%.*s", (int)strcspn(device, " "), device);
}

/* The model's query for a target on this platform. */
static void predict(struct check_facts *f)
{
	struct model_query q;
	/* what stage 1 really got where the OS says (x86 PAT), else what the path asks for */
	enum mt s1 = f->arch == MODEL_X86_64 ? mt_parse(f->memtype_os) : MT_UNKNOWN;
	if (s1 == MT_UNKNOWN)
		s1 = mt_parse(f->memtype_requested);
	model_query_init(&q, f->arch, s1, f->platform.env);
	q.host_major = f->platform.host_major;
	q.host_minor = f->platform.host_minor;
	q.vendor = f->platform.vendor;
	if (!f->device[0])
		q.vma = VMA_RAM; /* ram, file: memory, guest RAM in a guest */
	model_predict(&q, &f->model);
}

/* A device target as a guest of this machine would see it: mapped into wcbench's microVM with a
 * Normal-NC stage 1 (where /dev/kvm can run it and the arch has the probe), and what this
 * kernel's KVM rules say of such a memslot. */
/* What backs such a memslot on this host, by the target's host mapping. */
static const enum vma_kind model_vma[] = {
	[TARGET_VMA_MEMORY] = VMA_RAM,
	[TARGET_VMA_VFIO] = VMA_PFNMAP_VFIO,
	[TARGET_VMA_SYSFS] = VMA_PFNMAP_OTHER,
	[TARGET_VMA_SYSFS_WC] = VMA_PFNMAP_OTHER,
};

/* Whether /dev/kvm runs wcbench's microVM: its trial VM is made when the first device target
 * needs it, once per check. */
struct kvm_trial {
	bool tried;
	char err[VM_ERR_LEN]; /* why it cannot, or "" */
};

static void microvm_view(struct checked *ct, struct kvm_trial *kvm, const volatile int *stop)
{
	struct check_facts *f = &ct->f;
	struct utsname u;
	if (!uname(&u))
		snprintf(f->microvm.kernel, sizeof f->microvm.kernel, "%s", u.release);
	const struct stage1_type *nc = stage1_find("normal-nc");
	char why[200];
	if (!nc || !memtype_probe_available()) {
		snprintf(f->microvm.how, sizeof f->microvm.how, "not run: this arch has no microVM probe");
		return;
	}
	if (!kvm->tried) {
		kvm->tried = true;
		vm_kvm_usable(kvm->err); /* leaves err empty when it can */
	}
	if (kvm->err[0]) {
		snprintf(f->microvm.how, sizeof f->microvm.how, "not run: %s", kvm->err);
		return;
	}
	if (microvm_window_ok(&ct->t, why, sizeof why)) {
		snprintf(f->microvm.how, sizeof f->microvm.how, "not run: %s", why);
		return;
	}
	struct microvm mv;
	struct memtype_probe p;
	microvm_init(&mv, &ct->t, nc, stop);
	microvm_probe(&mv, &p, &f->microvm.stage2);
	microvm_fini(&mv);
	f->microvm.ran = p.probed;
	f->microvm.effective = p.effective;
	snprintf(f->microvm.how, sizeof f->microvm.how, "%s", p.how);

	struct model_query q;
	model_query_init(&q, f->arch, MT_NORMAL_NC, MODEL_KVM_GUEST);
	unsigned ma, mi;
	if (!kernel_version_parse(f->microvm.kernel, &ma, &mi)) {
		q.host_major = ma;
		q.host_minor = mi;
	}
	q.vma = model_vma[ct->t.ops->vma];
	model_predict(&q, &f->microvm.model);
}

/* Pair each path that may combine with the uncached path of the same BAR, for the WC/UC ratio. */
static void pair_paths(struct checked *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct check_facts *f = &c[i].f;
		if (!f->device[0] || !f->st8.measured || memclass_of(f->memtype_requested) != MEMCLASS_NORMAL)
			continue;
		for (unsigned j = 0; j < n; j++) {
			const struct check_facts *u = &c[j].f;
			if (j == i || strcmp(u->device, f->device) || !u->st8.measured || !(u->st8.gbps > 0) ||
			    memclass_of(u->memtype_requested) != MEMCLASS_DEVICE)
				continue;
			f->wc_uc_ratio = f->st8.gbps / u->st8.gbps;
			snprintf(f->uc_path, sizeof f->uc_path, "%s (%s)", u->target, u->memtype_requested);
			break;
		}
	}
}


/* The facts a mapped (or unmapped) target gives before anything is timed. */
static void facts_of_target(struct checked *ct, const struct platform *pf)
{
	struct check_facts *f = &ct->f;
	check_facts_init(f);
	f->arch = this_arch();
	f->platform = *pf;
	snprintf(f->target, sizeof f->target, "%s", ct->spec);
	snprintf(f->map, sizeof f->map, "%s", ct->t.map);
	f->vma = ct->t.ops->vma;
	snprintf(f->device, sizeof f->device, "%s", ct->t.device);
	snprintf(f->memtype_requested, sizeof f->memtype_requested, "%s", ct->t.memtype);
	snprintf(f->memtype_os, sizeof f->memtype_os, "%s", ct->t.memtype_seen);
	for (unsigned j = 0; j < ct->nnotes; j++)
		memcpy(f->path_notes[f->npath_notes++], ct->notes[j], sizeof f->path_notes[0]);
}

/* The link a device target sits behind (--link, or sysfs's), and its ceilings. */
static void link_of_target(struct check_facts *f, const struct link_info *given)
{
	if (f->device[0]) {
		if (given->known) {
			f->link = *given;
		} else {
			char bdf[32];
			bdf_of(f->device, bdf, sizeof bdf);
			link_from_sysfs(bdf, &f->link);
		}
	} else {
		snprintf(f->link.source, sizeof f->link.source, "memory, not behind a PCIe link");
	}
	link_ceilings(&f->link, &f->ceil);
}

/* A mapped target: the probe (into metadata.json), the microVM's view, the timed cases.
 * 0, or -errno with one line in err (metadata.json could not be written). */
static int probe_and_time(const struct evidence_opts *o, struct evidence_run *r, struct check_ctx *x,
			  struct checked *ct, const struct check_kernels *ck, struct kvm_trial *kvm,
			  uint64_t t0, char *err, size_t n)
{
	struct check_facts *f = &ct->f;
	if (o->probe_in_guest ||
	    !sweep_probe_risky(&ct->t, &r->pf, "--probe-in-guest probes anyway", f->probe.how, sizeof f->probe.how))
		memtype_probe(&ct->t, &f->probe);
	snprintf(x->effective, sizeof x->effective, "%s", memclass_name(f->probe.effective));
	int rc = metadata_add_memtype_probe(r->d.dir, ct->spec, x->effective, f->probe.how, err, n);
	if (rc)
		return rc;
	if (f->device[0] && !o->no_microvm)
		microvm_view(ct, kvm, sweep_stop_flag());
	uint64_t t1 = mono_raw_ns();
	r->secs_map += (double)(t1 - t0) / 1e9;
	measure_target(x, ct, ck);
	r->secs_cases += (double)(mono_raw_ns() - t1) / 1e9;
	return 0;
}

/* The targets probed, the platform, the directory, metadata.json and an empty results.csv.
 * SWEEP_DONE, or the end with one line in err. */
static enum sweep_end evidence_begin(const struct evidence_opts *o, struct evidence_run *r,
				     struct sampling *smp, char *err, size_t n)
{
	r->csv_fd = -1;
	r->d.dir_fd = -1;
	if (probe_all(o, r->c, &r->n, err, n))
		return SWEEP_REFUSED;
	platform_detect(&r->pf);
	if (o->env)
		platform_state_env(&r->pf, o->env);
	if (o->host_kernel)
		platform_state_host_kernel(&r->pf, o->host_kernel);
	if (sweep_dir_open(&r->d, o->out, false, false, err, n))
		return SWEEP_REFUSED;
	r->env = r->pf.env == MODEL_HOST ? "host" : "guest";
	*smp = *(r->pf.emulated ? &sampling_quick : &sampling_default);
	if (o->time_s > 0)
		smp->budget_s = o->time_s;
	struct resume_option ropts[] = { { .name = "env", .value = r->env } };
	struct run_metadata md = {
		.run_id = r->d.run_id, .env = r->env, .machine = &r->d.m, .budget_s = smp->budget_s,
		.min_sample_s = smp->min_sample_s, .precision = smp->precision,
		.min_samples = smp->min_samples, .max_samples = smp->max_samples,
		.options = ropts, .noptions = 1, .argc = o->argc, .argv = o->argv, .probe = true,
	};
	int rc = metadata_write(r->d.dir, &md, err, n);
	if (!rc && (r->csv_fd = run_dir_create_results(r->d.csv_path, err, n)) < 0)
		rc = r->csv_fd;
	return rc ? SWEEP_FAILED : SWEEP_DONE;
}

/* Every target's evidence, in turn. SWEEP_DONE, or the end with one line in err. */
static enum sweep_end gather_targets(const struct evidence_opts *o, struct evidence_run *r, struct check_ctx *x,
				     char *err, size_t n)
{
	struct check_kernels ck;
	struct kvm_trial kvm = { .tried = false };
	pick_kernels(&ck);
	for (unsigned i = 0; i < r->n && !sweep_stopped() && !x->write_rc; i++) {
		struct checked *ct = &r->c[i];
		uint64_t t0 = mono_raw_ns();
		char map_err[TARGET_ERR_LEN] = "";
		int map_rc = ct->t.ops->map(&ct->t, map_err);
		facts_of_target(ct, &r->pf);
		if (map_rc) {
			snprintf(ct->f.probe.how, sizeof ct->f.probe.how, "not probed: the target did not map: %s", map_err);
			snprintf(ct->f.st8.how, sizeof ct->f.st8.how, "the target did not map");
			x->faults++;
		} else if (probe_and_time(o, r, x, ct, &ck, &kvm, t0, err, n)) {
			return SWEEP_FAILED;
		}
		link_of_target(&ct->f, &o->link);
		predict(&ct->f);
		ct->t.ops->unmap(&ct->t);
	}
	return SWEEP_DONE;
}

enum sweep_end evidence_gather(const struct evidence_opts *o, struct evidence_run *r, char *err, size_t n)
{
	struct sampling smp;
	enum sweep_end end = evidence_begin(o, r, &smp, err, n);
	if (end != SWEEP_DONE)
		return end;
	struct check_ctx x = { .run_id = r->d.run_id, .env = r->env, .m = &r->d.m, .csv_fd = r->csv_fd,
			       .sampling = smp };
	if (place_pick(1, &x.cpu))
		x.cpu = 0;
	struct sweep_signals saved;
	sweep_signals_catch(&saved);
	const struct timer_info *ti = timer_init();
	fprintf(stderr, "wcbench check: %u target(s) into %s (%s; timer %s; %.2f s per case, readback drain)\n",
		r->n, r->d.dir, platform_env_name(&r->pf), ti->name, smp.budget_s);
	r->t_start = mono_raw_ns();
	end = gather_targets(o, r, &x, err, n);
	sweep_signals_restore(&saved);
	r->rows = x.rows;
	r->faults = x.faults;
	if (end != SWEEP_DONE)
		return end;
	if (x.write_rc) {
		snprintf(err, n, "%s: %s: stopped; %zu rows are on disk, no verdict written", r->d.csv_path,
			 strerror(-x.write_rc), x.rows);
		return SWEEP_FAILED;
	}
	if (sweep_stopped()) {
		snprintf(err, n, "interrupted (%s): %zu rows are in %s, no verdict written",
			 sweep_signal_name(sweep_stopped()), x.rows, r->d.csv_path);
		return SWEEP_INTERRUPTED;
	}
	return SWEEP_DONE;
}

int evidence_verdicts(struct evidence_run *r, struct target_verdict *v, unsigned count[VERDICT_COUNT],
		      const char *junit, char *err, size_t n)
{
	const struct machine_info *m = &r->d.m;
	pair_paths(r->c, r->n);
	for (unsigned i = 0; i < r->n; i++) {
		verdict_decide(&r->c[i].f, &v[i]);
		count[v[i].verdict]++;
	}
	struct check_run run = {
		.run_id = r->d.run_id, .hostname = m->hostname, .arch = m->arch, .cpu_model = m->cpu_model,
		.os_release = m->os_release, .env = r->env, .platform = r->pf.how, .host_kernel = r->pf.host_kernel,
		.emulated = r->pf.emulated ? "yes" : r->pf.env == MODEL_HOST ? "no" : "unknown",
	};
	int rc = verdict_json_write(r->d.dir, &run, v, r->n, err, n);
	if (!rc && junit)
		rc = verdict_junit_write(junit, &run, v, r->n, err, n);
	return rc;
}

void evidence_free(struct evidence_run *r)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->c[i].t.ops && r->c[i].t.priv)
			r->c[i].t.ops->unmap(&r->c[i].t);
	if (r->csv_fd >= 0)
		close(r->csv_fd);
	sweep_dir_close(&r->d);
}
