/*
 * wcbench check TARGET...: does write combining work there, and if not, why. Per target: map,
 * probe the effective memory type, time a few readback-drained cases (rows in results.csv), look
 * up the link, ask the model, then verdict_decide. Writes DIR/results.csv, metadata.json,
 * verdict.json; --junit and --tap for CI dashboards.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/link.h"
#include "check/memtype.h"
#include "check/model.h"
#include "check/platform.h"
#include "check/verdict.h"
#include "check/verdict_io.h"
#include "cmd/commands.h"
#include "common/parse.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "core/machine.h"
#include "core/place.h"
#include "core/timer.h"
#include "measure/case_row.h"
#include "measure/measure.h"
#include "results/metadata.h"
#include "results/resultset.h"
#include "results/run_dir.h"
#include "targets/target.h"
#include "vm/microvm.h"
#include "pcisys.h"

#define CHECK_MAX_TARGETS 16
#define STREAM_BURST 4096 /* bytes per burst of the streamed cases */
#define CHECK_RAM_WINDOW (16UL << 20)

static const char check_description[] =
	"Says per target whether CPU stores combine there (works, degraded, broken, unknown), with the\n"
	"evidence that decided it, the rule, and what to do. TARGET is a target as for `wcbench run`\n"
	"(vfio:BDF:barN, sysfs:BDF:barN, sysfs-wc:BDF:barN, file:PATH, ram), or BDF:barN for every\n"
	"mapping path this kernel offers for that BAR (vfio when bound to vfio-pci, sysfs, sysfs-wc\n"
	"when the BAR is prefetchable), which also gives the WC/UC ratio on the same BAR.\n"
	"\n"
	"Evidence, per target:\n"
	"  memtype-probe   the effective memory type, probed (arm64: one unaligned 8-byte STR at\n"
	"                  window+1; an alignment fault means Device, none means Normal, NC or WB);\n"
	"                  x86 has no such probe\n"
	"  memtype-os      what the OS reports it gave (x86: the PAT memtype list)\n"
	"  model           the type predicted from stage 1 x stage 2 (`--rules` prints the table)\n"
	"  link            the PCIe link (sysfs, or --link) and what it carries in 8 B and 64 B TLPs\n"
	"  throughput-8B   8-byte stores, readback-drained; above the 8 B-TLP ceiling proves combining\n"
	"  fingerprint     streamed vs each-fenced 8-byte stores (timing: UC ~1x, WC >= 4x)\n"
	"  throughput-64B  the best 64-byte store, and its fraction of the 64 B-TLP ceiling\n"
	"  wc-uc-ratio     this path's 8-byte rate over that of the BAR's uncached path\n"
	"Under a full-system emulator (QEMU TCG: detected) timing means nothing: only a type that cannot\n"
	"combine is decided there, everything else is unknown.\n"
	"\n"
	"Writes DIR/results.csv (the timed cases, as run writes them), metadata.json and verdict.json\n"
	"(schema: check/SCHEMA.md). Stores go only inside the window; the probe stores 8 bytes at\n"
	"window offset 1. Takes about 6 cases x --time per path.";

static const char check_exit[] =
	"0 every target works (unknown ones skipped, as in JUnit), 1 any degraded or broken (or a\n"
	"failure), 2 bad usage (nothing written), 77 every verdict unknown.";

static volatile sig_atomic_t check_stop;

static void on_check_signal(int sig)
{
	if (check_stop)
		_exit(128 + sig);
	check_stop = sig;
}

struct check_opts {
	const char *specs[CHECK_MAX_TARGETS];
	unsigned nspecs;
	const char *out, *junit, *host_kernel, *env;
	bool tap, rules, force, probe_in_guest, no_microvm;
	bool help, man;               /* --help, --man: printed by parse_args */
	struct link_info link;       /* --link */
	struct target_opts topts;
	double time_s;
};

/* One target being checked. */
struct checked {
	char spec[160];
	struct target t;
	struct check_facts f;
	char notes[2][200];
	unsigned nnotes;
};

/*
 * BDF:barN -> every mapping path this kernel offers, each a target in out[], with a note for each
 * path it does not offer. Paths that run would refuse (a device owned by a host driver, without
 * --force) are left out with their reason as the note. 0, or -EINVAL with one line in err.
 */
static int expand_bar(const char *spec, const struct check_opts *o, struct checked *out, unsigned *n,
		      char *err, size_t errlen)
{
	char bdf[PCI_BDF_LEN], head[32], notes[3][200] = { "", "", "" };
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
	const char *kinds[3] = { "vfio", "sysfs", "sysfs-wc" };
	unsigned added = 0, nn = 0;
	for (int k = 0; k < 3; k++) {
		if (k == 2 && !wc_file) {
			if (info.bar[bar].size && !(info.bar[bar].flags & PCI_RES_PREFETCH))
				snprintf(notes[nn++], sizeof notes[0], "BAR %d is not prefetchable: the kernel offers no "
					 "resource%d_wc (write combining needs a prefetchable BAR)", bar, bar);
			else
				snprintf(notes[nn++], sizeof notes[0], "BAR %d of %s has no resource%d_wc: this kernel "
					 "offers no WC mapping of it (arch_can_pci_mmap_wc)", bar, bdf, bar);
			continue;
		}
		if (*n >= CHECK_MAX_TARGETS) {
			snprintf(err, errlen, "at most %d targets", CHECK_MAX_TARGETS);
			return -EINVAL;
		}
		struct checked *c = &out[*n];
		snprintf(c->spec, sizeof c->spec, "%s:%s:bar%d", kinds[k], bdf, bar);
		if (target_probe(&c->t, c->spec, &o->topts, why)) {
			if (c->t.ops && c->t.priv)
				c->t.ops->unmap(&c->t);
			memset(c, 0, sizeof *c);
			snprintf(notes[nn++], sizeof notes[0], "%s left out: %.150s", kinds[k], why);
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

static int check_window(void *opts, const char *v, char *err, size_t n)
{
	struct target_opts *t = &((struct check_opts *)opts)->topts;
	if (parse_window(v, &t->window_off, &t->window_len, err, n))
		return -EINVAL;
	t->window_set = true;
	return 0;
}

static int check_link(void *opts, const char *v, char *err, size_t n)
{
	return link_parse(v, &((struct check_opts *)opts)->link, err, n) ? -EINVAL : 0;
}

static int check_host_kernel(void *opts, const char *v, char *err, size_t n)
{
	unsigned ma, mi;
	if (kernel_version_parse(v, &ma, &mi)) {
		snprintf(err, n, "--host-kernel '%.40s': not a kernel version (e.g. 6.1.0-28-arm64, 6.12)", v);
		return -EINVAL;
	}
	((struct check_opts *)opts)->host_kernel = v;
	return 0;
}

static int check_time(void *opts, const char *v, char *err, size_t n)
{
	char *end;
	errno = 0;
	double t = strtod(v, &end);
	if (errno || *end || end == v || !(t > 0 && t <= 60)) {
		snprintf(err, n, "--time '%.40s': give seconds per case, more than 0 and at most 60", v);
		return -EINVAL;
	}
	((struct check_opts *)opts)->time_s = t;
	return 0;
}

static const char *const env_choices[] = { "host", "guest", NULL };

#define CHECK_OPT(field) offsetof(struct check_opts, field)
static const struct opt_row check_option_rows[] = {
	{ .name = "out", .short_name = 'o', .type = OPT_STRING, .off = CHECK_OPT(out), .metavar = "DIR",
	  .help = "the run directory (default results/<run_id>)" },
	{ .name = "link", .type = OPT_STRING, .metavar = "genGxW", .parse = check_link,
	  .help = "the link, e.g. gen4x16, where sysfs shows none (guests)" },
	{ .name = "host-kernel", .type = OPT_STRING, .metavar = "VERSION", .parse = check_host_kernel,
	  .help = "the KVM host's kernel (in a guest; `wcbench guest` passes it)" },
	{ .name = "env", .type = OPT_STRING, .off = CHECK_OPT(env), .metavar = "host|guest", .choices = env_choices,
	  .bad = "--env must be host or guest, not '%.40s'",
	  .help = "say where this runs, when detection gets it wrong" },
	{ .name = "junit", .type = OPT_STRING, .off = CHECK_OPT(junit), .metavar = "FILE",
	  .help = "also write JUnit XML: a testcase per target; broken and degraded\n"
		  "fail, unknown is skipped. FILE's directory must exist (or be DIR)" },
	{ .name = "tap", .type = OPT_FLAG, .off = CHECK_OPT(tap),
	  .help = "print TAP version 13 (as kselftest) instead of the text" },
	{ .name = "window", .short_name = 'w', .type = OPT_STRING, .metavar = "OFF:LEN", .parse = check_window,
	  .help = "where stores may go, as for run (default: the target's)" },
	{ .name = "force", .type = OPT_FLAG, .off = CHECK_OPT(topts.force),
	  .help = "accept sysfs targets of a device bound to a host driver" },
	{ .name = "time", .type = OPT_DOUBLE, .metavar = "S", .parse = check_time,
	  .help = "time budget per case (default 0.5 s; 0.05 s under emulation)" },
	{ .name = "probe-in-guest", .type = OPT_FLAG, .off = CHECK_OPT(probe_in_guest),
	  .help = "arm64, in a KVM guest: probe Normal mappings of a BAR too. If stage 2\n"
		  "made one Device, the alignment fault goes to the host, which cannot\n"
		  "handle it: the VM stops (linux-arm-kernel, 2022-04-01). Without it they are not probed" },
	{ .name = "no-microvm", .type = OPT_FLAG, .off = CHECK_OPT(no_microvm),
	  .help = "do not map device targets into wcbench's own VM. By default, where\n"
		  "/dev/kvm can run it (arm64), each BAR path is also probed from a VM\n"
		  "with a Normal-NC stage 1 (wcbench vm): the evidence says what the\n"
		  "stage 2 this kernel builds gives a guest's write-combining mapping" },
	{ .name = "rules", .type = OPT_FLAG, .off = CHECK_OPT(rules),
	  .help = "print the verdict rules and the model's tables, and exit" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = CHECK_OPT(help), .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = CHECK_OPT(man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table check_option_table = OPT_TABLE(check_option_rows);

const struct opt_command check_cli = {
	.name = "check",
	.summary = "does write combining work on a target, and if not, why (a verdict with its evidence)",
	.usage = "check [options] TARGET...",
	.description = check_description,
	.tables = (const struct opt_table *const[]){ &check_option_table },
	.ntables = 1,
	.operands = OPERANDS_AFTER,
	.exit_label = "Exit:",
	.exit = check_exit,
	.help_column = 25,
};

/* every output path now: a bad one is a usage error, not found after the timed cases. A --junit
 * in the --out directory is checked once that directory exists: check makes it. */
static int check_outputs_ok(const struct check_opts *o, char *err, size_t n)
{
	static const char *const check_outputs[] = { "results.csv", "metadata.json", "verdict.json", NULL };
	if (o->out && run_dir_check_output("--out", o->out, check_outputs, err, n))
		return -EINVAL;
	const char *junit_leaf = o->junit ? strrchr(o->junit, '/') : NULL;
	size_t out_len = o->out ? strlen(o->out) : 0;
	while (out_len > 1 && o->out[out_len - 1] == '/')
		out_len--;
	bool junit_in_new_out = junit_leaf && junit_leaf[1] && out_len &&
				(size_t)(junit_leaf - o->junit) == out_len && !strncmp(o->junit, o->out, out_len) &&
				access(o->out, F_OK);
	if (o->junit && !junit_in_new_out && run_dir_check_output("--junit", o->junit, NULL, err, n))
		return -EINVAL;
	return 0;
}

static int parse_args(int argc, char **argv, struct check_opts *o, char *err, size_t n)
{
	memset(o, 0, sizeof *o);
	int first;
	if (opt_parse(&check_cli, (void *const[]){ o }, argc, argv, &first, err, n))
		return -EINVAL;
	if (o->help || o->man) {
		(o->help ? opt_write_help : opt_write_man)(&check_cli, stdout);
		exit(0);
	}
	if (o->rules)
		return 0;
	for (int i = first; i < argc; i++) {
		if (o->nspecs >= CHECK_MAX_TARGETS) {
			snprintf(err, n, "at most %d targets", CHECK_MAX_TARGETS);
			return -EINVAL;
		}
		o->specs[o->nspecs++] = argv[i];
	}
	if (!o->nspecs) {
		snprintf(err, n, "name at least one TARGET (e.g. sysfs-wc:0000:01:00.0:bar2, 0000:01:00.0:bar2, ram)");
		return -EINVAL;
	}
	return check_outputs_ok(o, err, n);
}

/* Probe every target (and expand BDF:barN) before anything is written. */
static int probe_all(const struct check_opts *o, struct checked *c, unsigned *n, char *err, size_t errlen)
{
	*n = 0;
	for (unsigned i = 0; i < o->nspecs; i++) {
		const char *s = o->specs[i];
		char kind[32];
		target_kind_of(s, kind, sizeof kind);
		bool known = false;
		for (size_t k = 0; k < target_kind_count; k++)
			known |= !strcmp(target_kinds[k]->kind, kind);
		if (!known) {
			if (expand_bar(s, o, c, n, err, errlen))
				return -EINVAL;
			continue;
		}
		if (*n >= CHECK_MAX_TARGETS) {
			snprintf(err, errlen, "at most %d targets", CHECK_MAX_TARGETS);
			return -EINVAL;
		}
		snprintf(c[*n].spec, sizeof c[*n].spec, "%s", s);
		char why[TARGET_ERR_LEN];
		struct target_opts topts = o->topts;
		if (!topts.window_set && !strcmp(kind, "ram")) {
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

static bool usable(const struct store_kernel *k)
{
	const char *why = NULL;
	return k && k->fn && (!k->cpu_has || k->cpu_has(&why));
}

static void pick_kernels(struct check_kernels *ck)
{
	memset(ck, 0, sizeof *ck);
	bool arm = this_arch() == MODEL_ARM64;
	ck->k8 = kernel_find(arm ? "str_8" : "mov_8");
	if (!usable(ck->k8))
		ck->k8 = kernel_find("c_8");
	ck->fence = barrier_find(arm ? "dsb_st" : "sfence");
	ck->none = barrier_find("none");
	for (size_t i = 0; i < store_kernel_count && ck->n64 < 8; i++) {
		const struct store_kernel *k = &store_kernels[i];
		if (k->width == 64 && k->arch == wc_build_arch() && usable(k))
			ck->k64[ck->n64++] = k;
	}
}

struct check_ctx {
	const struct check_opts *o;
	const char *run_id, *env;
	const struct machine *m;
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
	if (!k || !b || x->write_rc || check_stop) {
		snprintf(tp->how, sizeof tp->how, "%s", check_stop ? "interrupted" : "no kernel for it here");
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
		.stop = &check_stop,
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
	q.vma = !strcmp(ct->t.map, "vfio")		? VMA_PFNMAP_VFIO
		: !strncmp(ct->t.map, "sysfs", 5)	? VMA_PFNMAP_OTHER
							: VMA_RAM;
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

static void print_rules(void)
{
	printf("Verdict rules, tried in this order (the first that applies decides):\n");
	for (size_t i = 0; i < verdict_rule_count; i++)
		printf("  %-20s %-9s %s\n", verdict_rule_docs[i].id, verdict_name(verdict_rule_docs[i].verdict),
		       verdict_rule_docs[i].text);
	printf("\n");
	model_write_rules(stdout);
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	char err[PATH_MAX + 2 * TARGET_ERR_LEN];
	if (parse_args(argc, argv, &o, err, sizeof err))
		return cli_error("check", "%s", err);
	if (o.rules) {
		print_rules();
		return 0;
	}
	struct checked *c = calloc(CHECK_MAX_TARGETS, sizeof *c);
	struct target_verdict *v = calloc(CHECK_MAX_TARGETS, sizeof *v);
	int exit_code = EXIT_USAGE, dir_fd = -1, csv_fd = -1;
	unsigned n = 0;
	if (!c || !v) {
		free(c);
		free(v);
		return 1;
	}
	if (probe_all(&o, c, &n, err, sizeof err)) {
		fprintf(stderr, "wcbench check: %s\n", err);
		goto out;
	}

	struct platform pf;
	platform_detect(&pf);
	struct kvm_trial kvm = { .tried = false };
	if (o.env)
		platform_state_env(&pf, o.env);
	if (o.host_kernel)
		platform_state_host_kernel(&pf, o.host_kernel);
	struct machine m;
	machine_probe(&m);
	char run_id[RUN_ID_MAX], dir[PATH_MAX], csv_path[PATH_MAX + 16];
	make_run_id(run_id, sizeof run_id, m.hostname);
	snprintf(dir, sizeof dir, "%s", o.out ? o.out : "");
	if (!o.out)
		snprintf(dir, sizeof dir, "results/%s", run_id);
	snprintf(csv_path, sizeof csv_path, "%s/results.csv", dir);
	if (run_dir_prepare(dir, err, sizeof err) || (dir_fd = run_dir_lock(dir, err, sizeof err)) < 0) {
		fprintf(stderr, "wcbench check: %s\n", err);
		goto out;
	}
	/* under the lock: what a killed writer left here (metadata.json.tmp.PID...) is removed */
	safe_sweep_leftovers(dir, true);
	struct stat csv_st;
	if (!lstat(csv_path, &csv_st)) {
		fprintf(stderr, "wcbench check: %s already holds results: give another --out\n", dir);
		goto out;
	}
	const char *env = pf.env == MODEL_HOST ? "host" : "guest";
	struct sampling smp = *(pf.emulated ? &sampling_quick : &sampling_default);
	if (o.time_s > 0)
		smp.budget_s = o.time_s;
	struct resume_option ropts[] = { { .name = "env", .value = env } };
	struct run_metadata md = {
		.run_id = run_id, .env = env, .machine = &m, .budget_s = smp.budget_s,
		.min_sample_s = smp.min_sample_s, .precision = smp.precision,
		.min_samples = smp.min_samples, .max_samples = smp.max_samples,
		.options = ropts, .noptions = 1, .argc = argc, .argv = argv, .probe = true,
	};
	exit_code = 1;
	int rc = metadata_write(dir, &md, err, sizeof err);
	if (!rc && (csv_fd = run_dir_create_results(csv_path, err, sizeof err)) < 0)
		rc = csv_fd;
	if (rc) {
		fprintf(stderr, "wcbench check: %s\n", err);
		goto out;
	}

	struct check_kernels ck;
	pick_kernels(&ck);
	struct check_ctx x = { .o = &o, .run_id = run_id, .env = env, .m = &m, .csv_fd = csv_fd,
			       .sampling = smp };
	if (place_pick(1, &x.cpu))
		x.cpu = 0;
	struct sigaction sa = { .sa_handler = on_check_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	const struct timer_info *ti = timer_init();
	fprintf(stderr, "wcbench check: %u target(s) into %s (%s; timer %s; %.2f s per case, readback drain)\n",
		n, dir, platform_env_name(&pf), ti->name, smp.budget_s);
	uint64_t t_start = mono_raw_ns();
	double secs_map = 0, secs_cases = 0;
	for (unsigned i = 0; i < n && !check_stop && !x.write_rc; i++) {
		struct checked *ct = &c[i];
		struct check_facts *f = &ct->f;
		check_facts_init(f);
		f->arch = this_arch();
		f->platform = pf;
		snprintf(f->target, sizeof f->target, "%s", ct->spec);
		uint64_t t0 = mono_raw_ns();
		char map_err[TARGET_ERR_LEN] = "";
		int map_rc = ct->t.ops->map(&ct->t, map_err);
		snprintf(f->map, sizeof f->map, "%s", ct->t.map);
		snprintf(f->device, sizeof f->device, "%s", ct->t.device);
		snprintf(f->memtype_requested, sizeof f->memtype_requested, "%s", ct->t.memtype);
		snprintf(f->memtype_os, sizeof f->memtype_os, "%s", ct->t.memtype_seen);
		for (unsigned j = 0; j < ct->nnotes; j++)
			memcpy(f->path_notes[f->npath_notes++], ct->notes[j], sizeof f->path_notes[0]);
		if (map_rc) {
			snprintf(f->probe.how, sizeof f->probe.how, "not probed: the target did not map: %s", map_err);
			snprintf(f->st8.how, sizeof f->st8.how, "the target did not map");
			x.faults++;
		} else {
			if (memtype_probe_risks_vm(&ct->t, under_hypervisor(&pf)) && !o.probe_in_guest)
				snprintf(f->probe.how, sizeof f->probe.how, "not probed: in a %s a Normal mapping "
					 "that stage 2 made Device would stop the VM (KVM cannot handle the "
					 "alignment fault); --probe-in-guest probes anyway", platform_env_name(&pf));
			else
				memtype_probe(&ct->t, &f->probe);
			snprintf(x.effective, sizeof x.effective, "%s", memclass_name(f->probe.effective));
			if ((rc = metadata_add_memtype_probe(dir, ct->spec, x.effective, f->probe.how, err, sizeof err))) {
				fprintf(stderr, "wcbench check: %s\n", err);
				goto out;
			}
			if (f->device[0] && !o.no_microvm)
				microvm_view(ct, &kvm, &check_stop);
			uint64_t t1 = mono_raw_ns();
			secs_map += (double)(t1 - t0) / 1e9;
			measure_target(&x, ct, &ck);
			secs_cases += (double)(mono_raw_ns() - t1) / 1e9;
		}
		if (f->device[0]) {
			if (o.link.known) {
				f->link = o.link;
			} else {
				char bdf[32];
				bdf_of(f->device, bdf, sizeof bdf);
				link_from_sysfs(bdf, &f->link);
			}
		} else {
			snprintf(f->link.source, sizeof f->link.source, "memory, not behind a PCIe link");
		}
		link_ceilings(&f->link, &f->ceil);
		predict(f);
		ct->t.ops->unmap(&ct->t);
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (x.write_rc) {
		fprintf(stderr, "wcbench check: %s: %s: stopped; %zu rows are on disk, no verdict written\n",
			csv_path, strerror(-x.write_rc), x.rows);
		goto out;
	}
	if (check_stop) {
		fprintf(stderr, "wcbench check: interrupted (%s): %zu rows are in %s, no verdict written\n",
			check_stop == SIGTERM ? "SIGTERM" : "SIGINT", x.rows, csv_path);
		exit_code = 128 + check_stop;
		goto out;
	}
	pair_paths(c, n);
	unsigned count[VERDICT_COUNT] = { 0 };
	for (unsigned i = 0; i < n; i++) {
		verdict_decide(&c[i].f, &v[i]);
		count[v[i].verdict]++;
	}
	struct check_run run = {
		.run_id = run_id, .hostname = m.hostname, .arch = m.arch, .cpu_model = m.cpu_model,
		.os_release = m.os_release, .env = env, .platform = pf.how, .host_kernel = pf.host_kernel,
		.emulated = pf.emulated ? "yes" : pf.env == MODEL_HOST ? "no" : "unknown",
	};
	if (verdict_json_write(dir, &run, v, n, err, sizeof err) ||
	    (o.junit && verdict_junit_write(o.junit, &run, v, n, err, sizeof err))) {
		fprintf(stderr, "wcbench check: %s\n", err);
		goto out;
	}
	if (o.tap)
		verdict_tap_write(stdout, v, n);
	else
		verdict_text_write(stdout, v, n);
	double total = (double)(mono_raw_ns() - t_start) / 1e9;
	printf("%s%u works, %u degraded, %u broken, %u unknown; %zu rows in %s, verdicts in %s/verdict.json%s%s\n",
	       o.tap ? "# " : "", count[VERDICT_WORKS], count[VERDICT_DEGRADED], count[VERDICT_BROKEN],
	       count[VERDICT_UNKNOWN], x.rows, csv_path, dir, o.junit ? ", JUnit in " : "", o.junit ? o.junit : "");
	printf("%stime: %.1f s (map and probe %.2f s, timed cases %.1f s, %u target(s))\n", o.tap ? "# " : "",
	       total, secs_map, secs_cases, n);
	if (count[VERDICT_DEGRADED] + count[VERDICT_BROKEN] || x.faults)
		exit_code = 1;
	else if (count[VERDICT_UNKNOWN] == n)
		exit_code = EXIT_SKIP;
	else
		exit_code = 0;
out:
	for (unsigned i = 0; i < n; i++)
		if (c[i].t.ops && c[i].t.priv)
			c[i].t.ops->unmap(&c[i].t);
	if (csv_fd >= 0)
		close(csv_fd);
	if (dir_fd >= 0)
		close(dir_fd);
	free(c);
	free(v);
	return exit_code;
}
