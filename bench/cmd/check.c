/*
 * wcbench check TARGET...: does write combining work there, and if not, why. The evidence per
 * target (sweep/evidence.h), then the verdicts (check/verdict.h): DIR/results.csv, metadata.json,
 * verdict.json; --junit and --tap for CI dashboards.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/link.h"
#include "check/model.h"
#include "check/verdict.h"
#include "check/verdict_io.h"
#include "cmd/commands.h"
#include "common/cli.h"
#include "common/parse.h"
#include "common/util.h"
#include "core/timer.h"
#include "results/run_dir.h"
#include "sweep/evidence.h"
#include "targets/target.h"

#define CHECK_MAX_TARGETS EVIDENCE_MAX_TARGETS

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

static void print_rules(void)
{
	printf("Verdict rules, tried in this order (the first that applies decides):\n");
	for (size_t i = 0; i < verdict_rule_count; i++)
		printf("  %-20s %-9s %s\n", verdict_rule_docs[i].id, verdict_name(verdict_rule_docs[i].verdict),
		       verdict_rule_docs[i].text);
	printf("\n");
	model_write_rules(stdout);
}

/* The verdicts as text (or TAP), the counts and where the time went; the exit status. */
static int print_verdicts(const struct check_opts *o, const struct evidence_run *r,
			  const struct target_verdict *v, const unsigned count[VERDICT_COUNT])
{
	if (o->tap)
		verdict_tap_write(stdout, v, r->n);
	else
		verdict_text_write(stdout, v, r->n);
	double total = (double)(mono_raw_ns() - r->t_start) / 1e9;
	printf("%s%u works, %u degraded, %u broken, %u unknown; %zu rows in %s, verdicts in %s/verdict.json%s%s\n",
	       o->tap ? "# " : "", count[VERDICT_WORKS], count[VERDICT_DEGRADED], count[VERDICT_BROKEN],
	       count[VERDICT_UNKNOWN], r->rows, r->d.csv_path, r->d.dir, o->junit ? ", JUnit in " : "",
	       o->junit ? o->junit : "");
	printf("%stime: %.1f s (map and probe %.2f s, timed cases %.1f s, %u target(s))\n", o->tap ? "# " : "",
	       total, r->secs_map, r->secs_cases, r->n);
	if (count[VERDICT_DEGRADED] + count[VERDICT_BROKEN] || r->faults)
		return 1;
	return count[VERDICT_UNKNOWN] == r->n ? EXIT_SKIP : 0;
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
	const struct evidence_opts eo = {
		.specs = o.specs, .nspecs = o.nspecs, .out = o.out, .env = o.env, .host_kernel = o.host_kernel,
		.link = o.link, .topts = o.topts, .time_s = o.time_s, .probe_in_guest = o.probe_in_guest,
		.no_microvm = o.no_microvm, .argc = argc, .argv = argv,
	};
	struct evidence_run *r = calloc(1, sizeof *r);
	struct target_verdict *v = calloc(EVIDENCE_MAX_TARGETS, sizeof *v);
	unsigned count[VERDICT_COUNT] = { 0 };
	if (!r || !v) {
		free(r);
		free(v);
		return 1;
	}
	int rc;
	enum sweep_end end = evidence_gather(&eo, r, err, sizeof err);
	if (end != SWEEP_DONE) {
		fprintf(stderr, "wcbench check: %s\n", err);
		rc = sweep_exit_status(end);
	} else if (evidence_verdicts(r, v, count, o.junit, err, sizeof err)) {
		fprintf(stderr, "wcbench check: %s\n", err);
		rc = 1;
	} else {
		rc = print_verdicts(&o, r, v, count);
	}
	evidence_free(r);
	free(r);
	free(v);
	return rc;
}
