#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep/plan_options.h"
#include "common/parse.h"
#include "results/run_dir.h"

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* What the rows fill: the options, and the values whose defaults depend on --quick. */
struct run_parse {
	struct run_options o;
	double time_s, precision, sample_ms; /* < 0: not given */
	unsigned min_samples, max_samples;   /* 0: not given */
};

static int add_kernel(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	if (!strcmp(v, "all")) {
		for (size_t i = 0; i < store_kernel_count; i++) {
			const struct store_kernel *k = &store_kernels[i];
			if (k->arch != WC_ARCH_ANY && k->arch != wc_build_arch())
				continue;
			bool dup = false;
			for (unsigned j = 0; j < o->nkernels; j++)
				dup |= o->kernels[j] == k;
			if (!dup && o->nkernels < MAX_LIST)
				o->kernels[o->nkernels++] = k;
		}
		return 0;
	}
	const struct store_kernel *k = kernel_find(v);
	if (!k)
		return fail(err, n, "--kernel: unknown kernel '%s' (see: wcbench list kernels)", v);
	for (unsigned j = 0; j < o->nkernels; j++)
		if (o->kernels[j] == k)
			return fail(err, n, "--kernel: '%s' listed twice", v);
	if (o->nkernels >= MAX_LIST)
		return fail(err, n, "--kernel: too many kernels");
	o->kernels[o->nkernels++] = k;
	return 0;
}

static int add_barrier(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	if (!strcmp(v, "all")) {
		for (size_t i = 0; i < barrier_count; i++) {
			const struct barrier_desc *b = &barriers[i];
			if (b->arch != WC_ARCH_ANY && b->arch != wc_build_arch())
				continue;
			bool dup = false;
			for (unsigned j = 0; j < o->nbarriers; j++)
				dup |= o->barriers[j] == b;
			if (!dup)
				o->barriers[o->nbarriers++] = b;
		}
		return 0;
	}
	const struct barrier_desc *b = barrier_find(v);
	if (!b)
		return fail(err, n, "--barrier: unknown barrier '%s' (see: wcbench list barriers)", v);
	for (unsigned j = 0; j < o->nbarriers; j++)
		if (o->barriers[j] == b)
			return fail(err, n, "--barrier: '%s' listed twice", v);
	o->barriers[o->nbarriers++] = b;
	return 0;
}

static int add_every(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	for (int e = 0; e < 3; e++)
		if (!strcmp(v, every_names[e])) {
			for (unsigned j = 0; j < o->nevery; j++)
				if (o->every[j] == (enum barrier_every)e)
					return fail(err, n, "--barrier-every: '%s' listed twice", v);
			o->every[o->nevery++] = (enum barrier_every)e;
			return 0;
		}
	return fail(err, n, "--barrier-every: '%s' is not one of 64, burst, sample", v);
}

static int add_drain(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	for (int d = 0; d < 3; d++)
		if (!strcmp(v, drain_name((enum drain_mode)d))) {
			for (unsigned j = 0; j < o->ndrains; j++)
				if (o->drains[j] == (enum drain_mode)d)
					return fail(err, n, "--drain: '%s' listed twice", v);
			o->drains[o->ndrains++] = (enum drain_mode)d;
			return 0;
		}
	return fail(err, n, "--drain: '%s' is not one of none, fence, readback", v);
}

static int add_size(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	size_t s;
	if (parse_size(v, &s))
		return fail(err, n, "--size: '%s' is not a size (bytes, or with K, M, G)", v);
	if (s < 8 || s > (1UL << 30) || (s & (s - 1)))
		return fail(err, n, "--size: %s must be a power of two from 8 to 1G", v);
	for (unsigned j = 0; j < o->nsizes; j++)
		if (o->sizes[j] == s)
			return fail(err, n, "--size: %s listed twice", v);
	if (o->nsizes >= MAX_LIST)
		return fail(err, n, "--size: too many sizes");
	o->sizes[o->nsizes++] = s;
	return 0;
}

static int add_threads(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	char *end;
	long t = strtol(v, &end, 10);
	if (end == v || *end || t < 1 || t > 64)
		return fail(err, n, "--threads: '%s' must be a number from 1 to 64", v);
	for (unsigned j = 0; j < o->nthreads; j++)
		if (o->threads[j] == (unsigned)t)
			return fail(err, n, "--threads: %s listed twice", v);
	if (o->nthreads >= MAX_LIST)
		return fail(err, n, "--threads: too many values");
	o->threads[o->nthreads++] = (unsigned)t;
	return 0;
}

int run_option_target(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	if (o->ntargets >= MAX_TARGETS)
		return fail(err, n, "--target: at most %d targets", MAX_TARGETS);
	if (!*v)
		return fail(err, n, "--target needs a value");
	o->targets[o->ntargets++] = v;
	return 0;
}

static int opt_window(void *opts, const char *v, char *err, size_t n)
{
	struct target_opts *t = &((struct run_parse *)opts)->o.topts;
	size_t off, len;
	if (parse_window(v, &off, &len, err, n))
		return -EINVAL;
	t->window_set = true;
	t->window_off = off;
	t->window_len = len;
	return 0;
}

static int opt_cpu(void *opts, const char *v, char *err, size_t n)
{
	struct run_options *o = &((struct run_parse *)opts)->o;
	int k = parse_cpu_list(v, o->cpus, PLACE_MAX_CPUS);
	if (k < 0)
		return fail(err, n, "--cpu: '%s' is not a CPU list such as 0,2-3 (each CPU once)", v);
	o->ncpus = (unsigned)k;
	return 0;
}

/* A percentage (0.5%) or a fraction (0.005). */
static int opt_precision(void *opts, const char *v, char *err, size_t n)
{
	char buf[32], *end;
	size_t l = strlen(v);
	bool pct = l && v[l - 1] == '%';
	if (l >= sizeof buf)
		return fail(err, n, "--precision: '%s' is too long", v);
	memcpy(buf, v, l + 1);
	if (pct)
		buf[l - 1] = '\0';
	double d = strtod(buf, &end), lo = pct ? 0.01 : 0.0001, hi = pct ? 100 : 1;
	if (end == buf || *end || !(d >= lo && d <= hi))
		return fail(err, n, "--precision: '%s' must be a percentage from 0.01%% to 100%% (1%%) or a "
			    "fraction from 0.0001 to 1 (0.01)", v);
	((struct run_parse *)opts)->precision = pct ? d / 100 : d;
	return 0;
}

static const char *const env_choices[] = { "host", "guest", NULL };

const char *const option_group_titles[OPTION_GROUPS] = {
	[GROUP_TARGET] = "What to store into",
	[GROUP_SWEEP] = "What to run (comma-separated lists; the sweep is their product)",
	[GROUP_SAMPLING] = "How long and how exact",
	[GROUP_OUTPUT] = "Output",
	[GROUP_OTHER] = "Help",
};

/* Every option of `wcbench run`, once: the parser, --help and the man page come from here. */
const struct opt_row run_option_table[] = {
	{ .name = "target", .short_name = 't', .type = OPT_STRING, .metavar = "SPEC", .group = GROUP_TARGET,
	  .parse = run_option_target,
	  .help = "repeatable. ram (default), ram:hugetlb, ram:node=N, vfio:BDF:barN,\n"
		  "sysfs:BDF:barN, sysfs-wc:BDF:barN, file:PATH (wcbench list targets)" },
	{ .name = "window", .short_name = 'w', .type = OPT_STRING, .metavar = "OFF:LEN", .group = GROUP_TARGET,
	  .parse = opt_window,
	  .help = "store only into LEN bytes from OFF (sizes: 4K, 16M...).\n"
		  "RAM default 0:256M (--quick 0:16M); BARs: the whole BAR.\n"
		  "A window that does not fit the target (RAM: MemAvailable) is refused" },
	{ .name = "force", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.topts.force), .group = GROUP_TARGET,
	  .help = "allow sysfs targets on a device bound to a host driver" },
	{ .name = "probe", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.probe), .group = GROUP_TARGET,
	  .help = "before a target's first case, find the memory type the CPU really\n"
		  "applies: the memtype_effective column (Device or Normal), and how\n"
		  "it was decided in metadata.json. arm64: one unaligned 8-byte store\n"
		  "of the pattern at window offset 1 (inside the window) faults only\n"
		  "on Device memory; x86_64 has no such probe: the column stays empty.\n"
		  "In a KVM guest whose stage 2 is Device under a Normal stage 1, that\n"
		  "fault goes to the host: KVM_RUN fails and the VMM stops the guest" },
	{ .name = "kernel", .short_name = 'k', .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_kernel,
	  .help = "store kernels, or all (wcbench list kernels); default all of this arch" },
	{ .name = "barrier", .short_name = 'b', .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_barrier,
	  .help = "barriers, or all (wcbench list barriers); default all of this arch" },
	{ .name = "barrier-every", .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_every,
	  .help = "where the barrier goes: 64 (after each 64 B, default), burst,\n"
		  "sample (once per timed sample)" },
	{ .name = "size", .short_name = 's', .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_size,
	  .help = "burst sizes, powers of two from 8 to 1G, e.g. 64,4K,1M" },
	{ .name = "threads", .short_name = 'j', .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_threads,
	  .help = "threads storing at once, each into its own part of the window" },
	{ .name = "cpu", .short_name = 'c', .type = OPT_STRING, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = opt_cpu,
	  .help = "CPUs for the threads, e.g. 0,2-3 (default: distinct cores first)" },
	{ .name = "drain", .short_name = 'd', .type = OPT_LIST, .metavar = "LIST", .group = GROUP_SWEEP,
	  .parse = add_drain,
	  .help = "what the timed region waits for: none (stores issued),\n"
		  "fence (MFENCE / DSB ST: left the core; default), readback\n"
		  "(fence + a read from the target: arrived at the device)" },
	{ .name = "time", .short_name = 'T', .type = OPT_DOUBLE, .off = offsetof(struct run_parse, time_s), .metavar = "SECONDS", .group = GROUP_SAMPLING,
	  .min = 0.001, .max = 3600, .bad = "--time: '%s' must be seconds per case, from 0.001 to 3600",
	  .help = "time budget per case (default 0.5; --quick 0.05)" },
	{ .name = "min-samples", .type = OPT_UINT, .off = offsetof(struct run_parse, min_samples), .metavar = "N", .group = GROUP_SAMPLING,
	  .min = 1, .max = 100000, .bad = "--min-samples: '%s' must be from 1 to 100000",
	  .help = "samples before the stop rule may end a case (default 10)" },
	{ .name = "max-samples", .type = OPT_UINT, .off = offsetof(struct run_parse, max_samples), .metavar = "N", .group = GROUP_SAMPLING,
	  .min = 1, .max = 100000, .bad = "--max-samples: '%s' must be from 1 to 100000",
	  .help = "most samples per case (default 1000)" },
	{ .name = "precision", .type = OPT_DOUBLE, .off = offsetof(struct run_parse, precision), .metavar = "PCT", .group = GROUP_SAMPLING,
	  .parse = opt_precision,
	  .help = "stop a case once the median's 95% confidence interval (from\n"
		  "order statistics: no distribution assumed; widened as far as\n"
		  "neighbouring samples are alike) lies within +-PCT of the median\n"
		  "(default 1%; 0.01 means the same). The interval is in\n"
		  "the ns_per_burst_ci_lo/_hi columns; a case the budget ends first\n"
		  "says how well its median is known in its reason" },
	{ .name = "latency", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.latency), .group = GROUP_SAMPLING,
	  .help = "latency mode: time every burst alone with its drain (a doorbell:\n"
		  "one 64-byte descriptor and a fence), thousands per case: p50, p90,\n"
		  "p99, p99.9 and max ns per burst in the latency_* columns, rows of\n"
		  "mode latency, and latency_cdf plots. Each thread times bursts until\n"
		  "--max-samples bursts (default " WC_STR(LATENCY_MAX_BURSTS) ") or --time; fewer than\n"
		  "--min-samples (default " WC_STR(LATENCY_TAIL_BURSTS) ") says so in the reason. The timer's\n"
		  "own cost is measured beside it (latency_timer_ns), not subtracted" },
	{ .name = "sample-ms", .type = OPT_DOUBLE, .off = offsetof(struct run_parse, sample_ms), .metavar = "MS", .group = GROUP_SAMPLING,
	  .min = 0.001, .max = 10000, .bad = "--sample-ms: '%s' must be from 0.001 to 10000",
	  .help = "shortest sample (default 0.25; also >= 1000 x timer resolution\n"
		  "and cost). Short samples keep the median clear of interrupts:\n"
		  "at a 4 ms tick one 0.25 ms sample in 16 holds one" },
	{ .name = "quick", .short_name = 'q', .type = OPT_FLAG, .off = offsetof(struct run_parse, o.quick), .group = GROUP_SAMPLING,
	  .help = "short preset for smoke runs: sizes 64,4K,64K, 16 MiB RAM window,\n"
		  "0.05 s per case, 5 samples of >= 0.2 ms" },
	{ .name = "full", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.full), .group = GROUP_SWEEP,
	  .help = "every case this machine offers: all kernels and barriers, every\n"
		  "barrier placement and drain, sizes 64 B to 1 MiB, threads 1, the\n"
		  "powers of two and one per CPU. A list given beside it replaces\n"
		  "that dimension (--full -t vfio:... -d readback)" },
	{ .name = "verify", .short_name = 'V', .type = OPT_FLAG, .off = offsetof(struct run_parse, o.verify), .group = GROUP_SAMPLING,
	  .help = "after each case, fill the window, store one pass and check every\n"
		  "byte, and that nothing beside it changed (RAM and files: 4 KiB each\n"
		  "side; BARs: only the unused part of the window; wcbench list targets)" },
	{ .name = "out", .short_name = 'o', .type = OPT_STRING, .off = offsetof(struct run_parse, o.out), .metavar = "DIR", .group = GROUP_OUTPUT,
	  .bad = "--out needs a directory",
	  .help = "results directory (default results/<run_id>): results.csv,\n"
		  "metadata.json, plots (PNG and SVG). One run at a time per DIR" },
	{ .name = "resume", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.resume), .group = GROUP_OUTPUT,
	  .help = "continue an interrupted run in --out DIR: skip finished cases;\n"
		  "--env, --window, --verify, --probe and --target must be the run's.\n"
		  "A run of an earlier results schema has its results.csv rewritten in\n"
		  "this one first (every finished row kept); a later schema's is refused" },
	{ .name = "no-plot", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.no_plot), .group = GROUP_OUTPUT,
	  .help = "CSV only" },
	{ .name = "env", .type = OPT_STRING, .off = offsetof(struct run_parse, o.env), .metavar = "host|guest", .group = GROUP_OUTPUT,
	  .def = "host", .choices = env_choices, .bad = "--env: '%s' must be host or guest",
	  .help = "label for the env column (the guest launcher sets guest)" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = offsetof(struct run_parse, o.help), .group = GROUP_OTHER,
	  .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = offsetof(struct run_parse, o.man), .group = GROUP_OTHER,
	  .final = true,
	  .help = "this text as a man page (roff)" },
};
const size_t run_option_count = sizeof run_option_table / sizeof run_option_table[0];

static const char run_intro[] =
	"Times bursts of stores into a target for every combination of the lists given, and writes\n"
	"one CSV row per case (on disk as it finishes) plus plots. With no options: a sweep over RAM\n"
	"of every store kernel and barrier of this CPU, burst sizes 64 B to 1 MiB.";
static const char run_notes[] =
	"Every figure is the median over samples of (sample time / bursts per thread), with p10,\n"
	"p90, min and the coefficient of variation beside it; GB/s is 10^9 bytes per second.\n"
	"The stored data is a fixed non-zero 64-byte pattern (in metadata.json).\n"
	"Ctrl-C or SIGTERM ends the run after the sample under way, keeping every finished row\n"
	"(exit 130 or 143); a second one ends it at once. --resume --out DIR continues it.";
static const char run_exit[] =
	"0 ok, 1 a case failed (status fault or error), plotting failed or the results could not be\n"
	"written (full disk: the message says how many rows are on disk), 2 bad usage (nothing\n"
	"measured), 130 SIGINT, 143 SIGTERM.";
static const char *const run_examples[] = {
	"wcbench run --quick",
	"wcbench run -k movnti_8,vmovntdq_64 -b none,sfence -s 64,4K -w 0:1G -c 2",
	"wcbench run -t vfio:0000:01:00.0:bar2 -w 0:1M -d readback --verify",
	NULL,
};

const struct opt_table run_option_rows = OPT_TABLE(run_option_table);

const struct opt_command run_cli = {
	.name = "run",
	.summary = "time store bursts, write results.csv, metadata.json and plots",
	.usage = "run [options]",
	.description = run_intro,
	.groups = option_group_titles,
	.ngroups = OPTION_GROUPS,
	.tables = (const struct opt_table *const[]){ &run_option_rows },
	.ntables = 1,
	.operands = OPERANDS_NONE,
	.notes = run_notes,
	.exit_label = "Exit:",
	.exit = run_exit,
	.examples_label = "Examples:",
	.examples = run_examples,
	.help_column = 25,
	.pad_short = true,
	.source = "bench/sweep/plan_options.c",
	/* run's page is wcbench's own: it names the program and every command */
	.man_title = "WCBENCH",
	.man_name = "wcbench \\- write\\-combining MMIO benchmark: how fast CPU store bursts reach RAM and PCIe BARs",
	.man_synopsis = ".B wcbench run\n[\\fIoptions\\fR]\n.br\n.B wcbench\n\\fIcommand\\fR [\\fIoptions\\fR]\n",
	.man_after_description = ".PP\nThe other commands (list, compare, report, probe, plot, guest, schema) describe "
				 "themselves: \\fBwcbench \\-\\-help\\fR, \\fBwcbench\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR.\n",
	.man_see_also = "\\fBgnuplot\\fR(1), \\fBqemu\\fR(1)\n",
};

void options_write_help(FILE *f)
{
	opt_write_help(&run_cli, f);
}

void options_write_man(FILE *f)
{
	opt_write_man(&run_cli, f);
}

const struct opt_row *option_find(const char *name)
{
	for (size_t i = 0; i < run_option_count; i++)
		if (!strcmp(run_option_table[i].name, name))
			return &run_option_table[i];
	return NULL;
}

/* --full: every placement, drain and thread count (1, powers of two, and one per CPU). */
static void full_defaults(struct run_options *o)
{
	if (!o->nevery)
		for (int e = 0; e < 3; e++)
			o->every[o->nevery++] = (enum barrier_every)e;
	if (!o->ndrains)
		for (int d = 0; d < 3; d++)
			o->drains[o->ndrains++] = (enum drain_mode)d;
	if (!o->nthreads) {
		int allowed[PLACE_MAX_CPUS];
		int na = place_allowed(allowed, PLACE_MAX_CPUS);
		unsigned most = na > 64 ? 64 : na > 0 ? (unsigned)na : 1;
		for (unsigned t = 1; t < most; t *= 2)
			o->threads[o->nthreads++] = t;
		o->threads[o->nthreads++] = most;
	}
}

/* The lists not given, and the sampling (--quick is a short preset for smoke runs). */
static int sweep_defaults(struct run_parse *p, char *err, size_t n)
{
	struct run_options *o = &p->o;
	if (!o->ntargets)
		o->targets[o->ntargets++] = "ram";
	if (!o->nkernels)
		add_kernel(p, "all", err, n);
	if (!o->nbarriers)
		add_barrier(p, "all", err, n);
	if (o->full && o->quick)
		return fail(err, n, "--full and --quick ask for opposite sweeps: choose one");
	if (o->full)
		full_defaults(o);
	if (!o->nevery)
		o->every[o->nevery++] = EVERY_64;
	if (!o->ndrains)
		o->drains[o->ndrains++] = DRAIN_FENCE;
	if (!o->nthreads)
		o->threads[o->nthreads++] = 1;
	if (!o->nsizes) {
		static const size_t def[] = { 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576 };
		static const size_t quick[] = { 64, 4096, 65536 };
		const size_t *s = o->quick ? quick : def;
		unsigned k = o->quick ? 3 : 8;
		for (unsigned i = 0; i < k; i++)
			o->sizes[o->nsizes++] = s[i];
	}
	const struct sampling *d = o->quick ? &sampling_quick : &sampling_default;
	o->time_s = p->time_s > 0 ? p->time_s : d->budget_s;
	o->min_sample_s = p->sample_ms > 0 ? p->sample_ms / 1000 : d->min_sample_s;
	o->min_samples = p->min_samples ? p->min_samples : d->min_samples;
	o->max_samples = p->max_samples ? p->max_samples : d->max_samples;
	if (o->latency) { /* counted in bursts per thread (measure_latency) */
		o->max_samples = p->max_samples ? p->max_samples : LATENCY_MAX_BURSTS;
		o->min_samples = p->min_samples ? p->min_samples : LATENCY_TAIL_BURSTS;
		if (!p->min_samples && o->min_samples > o->max_samples)
			o->min_samples = o->max_samples;
	}
	if (o->max_samples < o->min_samples)
		return fail(err, n, "--max-samples %u is below --min-samples %u", o->max_samples, o->min_samples);
	o->precision = p->precision > 0 ? p->precision : d->precision;
	return 0;
}

/* Threads need CPUs: explicit ones, or the allowed set. */
static int pick_cpus(struct run_options *o, char *err, size_t n)
{
	unsigned max_threads = 0;
	for (unsigned i = 0; i < o->nthreads; i++)
		if (o->threads[i] > max_threads)
			max_threads = o->threads[i];
	int allowed[PLACE_MAX_CPUS];
	int na = place_allowed(allowed, PLACE_MAX_CPUS);
	if (o->ncpus) {
		for (unsigned i = 0; i < o->ncpus; i++) {
			bool ok = false;
			for (int k = 0; k < na; k++)
				ok |= allowed[k] == o->cpus[i];
			if (!ok)
				return fail(err, n, "--cpu: CPU %d is not available to this process", o->cpus[i]);
		}
		if (o->ncpus < max_threads)
			return fail(err, n, "--cpu lists %u CPU(s) but --threads asks for %u", o->ncpus, max_threads);
		return 0;
	}
	if (na < (int)max_threads)
		return fail(err, n, "--threads %u: only %d CPU(s) available (one thread per CPU)", max_threads, na);
	if (place_pick((int)max_threads, o->cpus))
		return fail(err, n, "--threads %u: cannot pick CPUs", max_threads);
	o->ncpus = max_threads;
	return 0;
}

int options_parse_with(const struct opt_command *cmd, void *cmd_opts, int argc, char **argv,
		       struct run_options *o, char *err, size_t n)
{
	struct run_parse *p = calloc(1, sizeof *p);
	if (!p)
		return fail(err, n, "out of memory");
	p->time_s = p->precision = p->sample_ms = -1;
	void *opts[] = { cmd_opts, p };
	int rc = cmd ? opt_parse(cmd, opts, argc, argv, NULL, err, n)
		     : opt_parse(&run_cli, opts + 1, argc, argv, NULL, err, n);
	if (!rc && !p->o.help && !p->o.man) {
		if (p->o.resume && !p->o.out)
			rc = fail(err, n, "--resume needs --out DIR: the run to continue");
		/* a --out that cannot take the run is a usage error found now, not after the sweep */
		else if (p->o.out && run_dir_check_output("--out", p->o.out, run_dir_outputs, err, n))
			rc = -EINVAL;
		else
			rc = sweep_defaults(p, err, n);
		if (!rc)
			rc = pick_cpus(&p->o, err, n);
	}
	*o = p->o; /* also on failure: nothing outside *o is touched */
	free(p);
	return rc;
}

int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t n)
{
	return options_parse_with(NULL, NULL, argc, argv, o, err, n);
}
