/* wcbench vm: run's sweep inside wcbench's own microVM (bench/vm/), once per stage-1 type. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "sweep/plan_options.h"
#include "sweep/sweep.h"
#include "vm/microvm.h"

#define MAX_STAGE1 16

struct vm_cmd_ctx {
	const struct stage1_type *s1[MAX_STAGE1];
	unsigned n;
	char list[MAX_STAGE1 * 16];
	struct microvm mv;
};

/* What vm's own rows fill; run's rows fill run's options. */
struct vm_args {
	const char *stage1;
	bool latency;
};

static void vm_write_description(FILE *f)
{
	fputs("Runs run's sweep inside wcbench's own KVM microVM: the target's window (and nothing else\n"
	      "of it) becomes a memory slot of a one-vCPU VM whose payload maps it with the stage-1\n"
	      "memory type asked for; the host kernel's stage 2 decides what the stores really get. For\n"
	      "each target and stage-1 type: a fresh VM, the effective-type probe (an unaligned 8-byte\n"
	      "store: an alignment fault in the VM means stage 1 made it Device, KVM_RUN failing with\n"
	      "EFAULT means stage 2 did), then the cases, timed inside the VM with the arch counter\n"
	      "(CNTVCT_EL0 / TSC), drained and verified as on the host. Rows have env microvm, memtype\n"
	      "the stage-1 type, memtype_effective the probe's class and memtype_stage2 the stage-2 class\n"
	      "inferred. A payload exception or a KVM failure is a row with status fault and the decoded\n"
	      "reason (ESR/FAR, exit); the next case gets a fresh VM. Needs a usable /dev/kvm (exit 2\n"
	      "otherwise) and a page-aligned window of at most 1 GiB; one thread. TARGET is a target as\n"
	      "for --target; every run option below applies.\n"
	      "\n"
	      "Stage-1 types (--stage1):", f);
	for (size_t i = 0; i < stage1_type_count; i++)
		fprintf(f, "\n  %-14s %s: %s", stage1_types[i].name, stage1_types[i].memtype, stage1_types[i].desc);
	if (!stage1_type_count)
		fprintf(f, "\n  (none: this build has no microVM payload for its arch)");
}

static int vm_no_latency(void *opts, const char *arg, char *err, size_t n)
{
	(void)opts, (void)arg;
	snprintf(err, n, "--latency: the microVM has no latency mode (wcbench run --latency times bursts on the host)");
	return -EINVAL;
}

/* Before run's rows: a row of the same name replaces run's. */
static const struct opt_row vm_option_rows[] = {
	{ .name = "stage1", .type = OPT_STRING, .off = offsetof(struct vm_args, stage1), .metavar = "LIST",
	  .group = GROUP_TARGET, .help = "stage-1 types, comma-separated (default: all of this arch's)" },
	{ .name = "latency", .type = OPT_FLAG, .off = offsetof(struct vm_args, latency), .group = GROUP_SAMPLING,
	  .parse = vm_no_latency,
	  .help = "refused: the microVM has no latency mode (wcbench run --latency\n"
		  "times bursts on the host)" },
};

static int vm_operand(void *const *opts, const char *arg, char *err, size_t n)
{
	return run_option_target(opts[1], arg, err, n); /* TARGET: run's --target TARGET */
}

static const struct opt_table vm_option_table = OPT_TABLE(vm_option_rows);
static const char *const vm_examples[] = {
	"wcbench vm --stage1 normal-nc,device-ngnre --verify vfio:0000:01:00.0:bar2",
	NULL,
};

const struct opt_command vm_cli = {
	.name = "vm",
	.summary = "run's sweep inside wcbench's own KVM microVM, per stage-1 memory type",
	.usage = "vm [run options] [--stage1 LIST] TARGET...",
	.write_description = vm_write_description,
	.groups = option_group_titles,
	.ngroups = OPTION_GROUPS,
	.tables = (const struct opt_table *const[]){ &vm_option_table, &run_option_rows },
	.ntables = 2,
	.operands = OPERANDS_IN_ORDER,
	.operand = vm_operand,
	.exit_label = "Exit:",
	.exit = "as for run (wcbench run --help); 2 also without a usable /dev/kvm.",
	.examples_label = "Examples:",
	.examples = vm_examples,
	.help_column = 25,
	.pad_short = true,
};

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

int cmd_vm(int argc, char **argv)
{
	struct vm_cmd_ctx *c = calloc(1, sizeof *c);
	struct run_options *ro = calloc(1, sizeof *ro);
	const struct opt_command *cmd = &vm_cli;
	struct vm_args args = { 0 };
	char err[PATH_MAX + TARGET_ERR_LEN];
	int rc = EXIT_USAGE;
	if (!c || !ro) {
		rc = 1;
		goto out;
	}
	/* the whole command line now, to know the views; run_sweep reads it again into its own */
	if (options_parse_with(cmd, &args, argc, argv, ro, err, sizeof err)) {
		fprintf(stderr, "wcbench vm: %s\n", err);
		goto out;
	}
	if (ro->help || ro->man) {
		(ro->help ? opt_write_help : opt_write_man)(cmd, stdout);
		rc = 0;
		goto out;
	}
	if (args.stage1) {
		if (parse_stage1(c, args.stage1, err, sizeof err)) {
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
	if (vm_kvm_usable(err)) {
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
	rc = sweep_exit_status(sweep_run(ro, argc, argv, &h)); /* ro: parsed above, with vm's rows */
out:
	if (c)
		microvm_fini(&c->mv);
	free(ro);
	free(c);
	return rc;
}
