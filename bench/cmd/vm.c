/* wcbench vm: run's sweep inside wcbench's own microVM (bench/vm/), once per stage-1 type. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "cmd/run_options.h"
#include "sweep/sweep.h"
#include "vm/microvm.h"

#define MAX_STAGE1 16

struct vm_cmd_ctx {
	const struct stage1_type *s1[MAX_STAGE1];
	unsigned n;
	char list[MAX_STAGE1 * 16];
	struct microvm mv;
};

static void vm_write_help(FILE *f)
{
	fprintf(f,
		"usage: wcbench vm [run options] [--stage1 LIST] TARGET...\n"
		"\n"
		"Runs run's sweep inside wcbench's own KVM microVM: the target's window (and nothing else\n"
		"of it) becomes a memory slot of a one-vCPU VM whose payload maps it with the stage-1\n"
		"memory type asked for; the host kernel's stage 2 decides what the stores really get. For\n"
		"each target and stage-1 type: a fresh VM, the effective-type probe (an unaligned 8-byte\n"
		"store: an alignment fault in the VM means stage 1 made it Device, KVM_RUN failing with\n"
		"EFAULT means stage 2 did), then the cases, timed inside the VM with the arch counter\n"
		"(CNTVCT_EL0 / TSC), drained and verified as on the host. Rows have env microvm, memtype\n"
		"the stage-1 type, memtype_effective the probe's class and memtype_stage2 the stage-2 class\n"
		"inferred. A payload exception or a KVM failure is a row with status fault and the decoded\n"
		"reason (ESR/FAR, exit); the next case gets a fresh VM. Needs a usable /dev/kvm (exit 2\n"
		"otherwise) and a page-aligned window of at most 1 GiB; one thread.\n"
		"\n"
		"  --stage1 LIST   stage-1 types, comma-separated (default: all of this arch's):\n");
	for (size_t i = 0; i < stage1_type_count; i++)
		fprintf(f, "      %-14s %s: %s\n", stage1_types[i].name, stage1_types[i].memtype,
			stage1_types[i].desc);
	if (!stage1_type_count)
		fprintf(f, "      (none: this build has no microVM payload for its arch)\n");
	fprintf(f, "\nExample: wcbench vm --stage1 normal-nc,device-ngnre --verify vfio:0000:01:00.0:bar2\n\n"
		   "The run options:\n\n");
}

static int vm_target_ok(void *ctx, const struct target *t, char *err, size_t n)
{
	(void)ctx;
	return microvm_window_ok(t, err, n);
}

static int vm_begin_view(void *ctx, const struct run_options *o, const char *dir, struct target *t,
			 unsigned v, const char *map_err, bool tty, struct view_columns *vc, char *err,
			 size_t errlen)
{
	struct vm_cmd_ctx *c = ctx;
	(void)o;
	struct memtype_probe p;
	enum memclass stage2 = MEMCLASS_UNKNOWN;
	microvm_init(&c->mv, t, c->s1[v], NULL);
	if (map_err[0]) {
		memset(&p, 0, sizeof p);
		snprintf(p.how, sizeof p.how, "not probed: the target did not map (%s)", map_err);
	} else {
		microvm_probe(&c->mv, &p, &stage2);
	}
	char spec[sizeof t->spec + 24]; /* memtype_probes: one entry per target and stage 1 */
	snprintf(spec, sizeof spec, "%s stage1=%s", t->spec, c->s1[v]->name);
	return view_columns_report("vm", dir, spec, &p, stage2, tty, vc, err, errlen);
}

static void vm_view_row(void *ctx, const struct target *t, unsigned v, struct row *row)
{
	struct vm_cmd_ctx *c = ctx;
	(void)t;
	snprintf(row->memtype, sizeof row->memtype, "%s", c->s1[v]->memtype);
}

static int vm_measure(void *ctx, struct target *t, unsigned v, const struct case_spec *cs,
		      struct case_result *r)
{
	struct vm_cmd_ctx *c = ctx;
	(void)t;
	(void)v;
	c->mv.stop = cs->stop;
	return microvm_measure(&c->mv, cs, r);
}

static void vm_end_view(void *ctx, unsigned v)
{
	struct vm_cmd_ctx *c = ctx;
	(void)v;
	microvm_fini(&c->mv);
}

/* --stage1 LIST into c; 0, or -EINVAL with err. */
static int parse_stage1(struct vm_cmd_ctx *c, const char *list, char *err, size_t n)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	c->n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct stage1_type *s = stage1_find(tok);
		if (!s) {
			size_t l = (size_t)snprintf(err, n, "--stage1: '%s' is not a stage-1 type here (", tok);
			for (size_t i = 0; i < stage1_type_count && l < n; i++)
				l += (size_t)snprintf(err + l, n - l, "%s%s", i ? ", " : "", stage1_types[i].name);
			if (l < n)
				snprintf(err + l, n - l, "%s)", stage1_type_count ? "" : "none: no payload for this arch");
			return -EINVAL;
		}
		for (unsigned i = 0; i < c->n; i++)
			if (c->s1[i] == s) {
				snprintf(err, n, "--stage1: '%s' twice", tok);
				return -EINVAL;
			}
		if (c->n == MAX_STAGE1) {
			snprintf(err, n, "--stage1: more than %d types", MAX_STAGE1);
			return -EINVAL;
		}
		c->s1[c->n++] = s;
	}
	if (!c->n) {
		snprintf(err, n, "--stage1 needs a list, e.g. normal-nc,device-ngnre");
		return -EINVAL;
	}
	return 0;
}

/* Whether a run option (--name or -x, without "=value") takes its value from the next argument. */
static bool takes_value(const char *a)
{
	const struct run_option *ro = NULL;
	if (a[0] == '-' && a[1] == '-' && !strchr(a, '='))
		ro = option_find(a + 2);
	else if (a[0] == '-' && a[1] && !a[2])
		for (size_t i = 0; i < run_option_count; i++)
			if (run_option_table[i].letter == a[1])
				ro = &run_option_table[i];
	return ro && ro->arg;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_cmd_ctx *c = calloc(1, sizeof *c);
	char **args = calloc(2 * (size_t)argc + 1, sizeof *args);
	if (!c || !args) {
		free(c);
		free(args);
		return 1;
	}
	char err[512];
	const char *list = NULL;
	bool help = false;
	int n = 0, rc = EXIT_USAGE;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--stage1")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "wcbench vm: --stage1 needs a list (see wcbench vm --help)\n");
				goto out;
			}
			list = argv[++i];
			continue;
		}
		if (!strncmp(argv[i], "--stage1=", 9)) {
			list = argv[i] + 9;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			help = true;
		if (!strcmp(argv[i], "--latency")) {
			fprintf(stderr, "wcbench vm: --latency: the microVM has no latency mode (wcbench run "
					"--latency times bursts on the host)\n");
			goto out;
		}
		if (i > 0 && argv[i][0] != '-') { /* TARGET: run's --target TARGET */
			args[n++] = "--target";
			args[n++] = argv[i];
			continue;
		}
		args[n++] = argv[i];
		if (i > 0 && takes_value(argv[i]) && i + 1 < argc)
			args[n++] = argv[++i];
	}
	if (list) {
		if (parse_stage1(c, list, err, sizeof err)) {
			fprintf(stderr, "wcbench vm: %s\n", err);
			goto out;
		}
	} else {
		for (size_t i = 0; i < stage1_type_count && c->n < MAX_STAGE1; i++)
			c->s1[c->n++] = &stage1_types[i];
	}
	size_t l = 0;
	for (unsigned i = 0; i < c->n && l < sizeof c->list; i++)
		l += (size_t)snprintf(c->list + l, sizeof c->list - l, "%s%s", i ? "," : "", c->s1[i]->name);
	if (!help && vm_kvm_usable(err)) {
		fprintf(stderr, "wcbench vm: %s\n", err);
		goto out;
	}
	struct sweep_hooks h = {
		.cmd = "vm",
		.env = "microvm",
		.views = c->n,
		.probes = true,
		.resume_extra = { .name = "stage1", .value = c->list },
		.ctx = c,
		.target_ok = vm_target_ok,
		.begin_view = vm_begin_view,
		.view_row = vm_view_row,
		.measure = vm_measure,
		.end_view = vm_end_view,
	};
	rc = run_options_sweep(n, args, &h, vm_write_help);
out:
	microvm_fini(&c->mv);
	free(args);
	free(c);
	return rc;
}
