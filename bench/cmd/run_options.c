#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/run_options.h"
#include "common/parse.h"
#include "results/run_dir.h"

static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int each_item(const char *list, const char *opt, char *err, size_t n,
		     int (*item)(const char *v, void *ctx, char *err, size_t n), void *ctx)
{
	char buf[1024];
	if (!*list)
		return fail(err, n, "%s needs a value", opt);
	if (strlen(list) >= sizeof buf)
		return fail(err, n, "%s: list too long", opt);
	strcpy(buf, list);
	if (buf[strlen(buf) - 1] == ',' || buf[0] == ',' || strstr(buf, ",,"))
		return fail(err, n, "%s: empty item in '%s'", opt, list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int rc = item(t, ctx, err, n);
		if (rc)
			return rc;
	}
	return 0;
}

static int add_kernel(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int add_barrier(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int add_every(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int add_drain(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int add_size(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int add_threads(const char *v, void *ctx, char *err, size_t n)
{
	struct run_options *o = ctx;
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

static int parse_double(const char *v, double lo, double hi, double *out)
{
	char *end;
	double d = strtod(v, &end);
	if (end == v || *end || !(d >= lo && d <= hi))
		return -EINVAL;
	*out = d;
	return 0;
}

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (end == v || *end || x < (long)lo || x > (long)hi)
		return -EINVAL;
	*out = (unsigned)x;
	return 0;
}

/* What the parsers fill: the options, and the values whose defaults depend on --quick. */
struct option_state {
	struct run_options *o;
	double time_s, precision, sample_ms;    /* < 0: not given */
	unsigned min_samples, max_samples; /* 0: not given */
};

static int opt_target(struct option_state *st, const char *v, char *err, size_t n)
{
	struct run_options *o = st->o;
	if (o->ntargets >= MAX_TARGETS)
		return fail(err, n, "--target: at most %d targets", MAX_TARGETS);
	if (!*v)
		return fail(err, n, "--target needs a value");
	o->targets[o->ntargets++] = v;
	return 0;
}

static int opt_window(struct option_state *st, const char *v, char *err, size_t n)
{
	size_t off, len;
	if (parse_window(v, &off, &len, err, n))
		return -EINVAL;
	st->o->topts.window_set = true;
	st->o->topts.window_off = off;
	st->o->topts.window_len = len;
	return 0;
}

static int opt_force(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->topts.force = true;
	return 0;
}

static int opt_kernel(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--kernel", err, n, add_kernel, st->o);
}

static int opt_barrier(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--barrier", err, n, add_barrier, st->o);
}

static int opt_every(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--barrier-every", err, n, add_every, st->o);
}

static int opt_size(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--size", err, n, add_size, st->o);
}

static int opt_threads(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--threads", err, n, add_threads, st->o);
}

static int opt_cpu(struct option_state *st, const char *v, char *err, size_t n)
{
	int k = parse_cpu_list(v, st->o->cpus, PLACE_MAX_CPUS);
	if (k < 0)
		return fail(err, n, "--cpu: '%s' is not a CPU list such as 0,2-3 (each CPU once)", v);
	st->o->ncpus = (unsigned)k;
	return 0;
}

static int opt_drain(struct option_state *st, const char *v, char *err, size_t n)
{
	return each_item(v, "--drain", err, n, add_drain, st->o);
}

static int opt_time(struct option_state *st, const char *v, char *err, size_t n)
{
	if (parse_double(v, 0.001, 3600, &st->time_s))
		return fail(err, n, "--time: '%s' must be seconds per case, from 0.001 to 3600", v);
	return 0;
}

static int opt_min_samples(struct option_state *st, const char *v, char *err, size_t n)
{
	if (parse_uint(v, 1, 100000, &st->min_samples))
		return fail(err, n, "--min-samples: '%s' must be from 1 to 100000", v);
	return 0;
}

static int opt_max_samples(struct option_state *st, const char *v, char *err, size_t n)
{
	if (parse_uint(v, 1, 100000, &st->max_samples))
		return fail(err, n, "--max-samples: '%s' must be from 1 to 100000", v);
	return 0;
}

static int opt_precision(struct option_state *st, const char *v, char *err, size_t n)
{
	char buf[32];
	size_t l = strlen(v);
	bool pct = l && v[l - 1] == '%';
	if (l >= sizeof buf)
		return fail(err, n, "--precision: '%s' is too long", v);
	memcpy(buf, v, l + 1);
	if (pct)
		buf[l - 1] = '\0';
	double d;
	if (parse_double(buf, pct ? 0.01 : 0.0001, pct ? 100 : 1, &d))
		return fail(err, n, "--precision: '%s' must be a percentage from 0.01%% to 100%% (1%%) or a "
			    "fraction from 0.0001 to 1 (0.01)", v);
	st->precision = pct ? d / 100 : d;
	return 0;
}

static int opt_latency(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->latency = true;
	return 0;
}

static int opt_full(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->full = true;
	return 0;
}

static int opt_sample_ms(struct option_state *st, const char *v, char *err, size_t n)
{
	if (parse_double(v, 0.001, 10000, &st->sample_ms))
		return fail(err, n, "--sample-ms: '%s' must be from 0.001 to 10000", v);
	return 0;
}

static int opt_quick(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->quick = true;
	return 0;
}

static int opt_verify(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->verify = true;
	return 0;
}

static int opt_probe(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->probe = true;
	return 0;
}

static int opt_out(struct option_state *st, const char *v, char *err, size_t n)
{
	if (!*v)
		return fail(err, n, "--out needs a directory");
	st->o->out = v;
	return 0;
}

static int opt_resume(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->resume = true;
	return 0;
}

static int opt_no_plot(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->no_plot = true;
	return 0;
}

static int opt_env(struct option_state *st, const char *v, char *err, size_t n)
{
	if (strcmp(v, "host") && strcmp(v, "guest"))
		return fail(err, n, "--env: '%s' must be host or guest", v);
	st->o->env = v;
	return 0;
}

static int opt_help(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->help = true;
	return 0;
}

static int opt_man(struct option_state *st, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	st->o->man = true;
	return 0;
}

const char *const option_group_titles[OPTION_GROUPS] = {
	[GROUP_TARGET] = "What to store into",
	[GROUP_SWEEP] = "What to run (comma-separated lists; the sweep is their product)",
	[GROUP_SAMPLING] = "How long and how exact",
	[GROUP_OUTPUT] = "Output",
	[GROUP_OTHER] = "Help",
};

/* Every option of `wcbench run`, once: getopt's tables, --help and the man page come from here. */
const struct run_option run_option_table[] = {
	{ .name = "target", .letter = 't', .arg = "SPEC", .group = GROUP_TARGET, .parse = opt_target,
	  .help = "repeatable. ram (default), ram:hugetlb, ram:node=N, vfio:BDF:barN,\n"
		  "sysfs:BDF:barN, sysfs-wc:BDF:barN, file:PATH (wcbench list targets)" },
	{ .name = "window", .letter = 'w', .arg = "OFF:LEN", .group = GROUP_TARGET, .parse = opt_window,
	  .help = "store only into LEN bytes from OFF (sizes: 4K, 16M...).\n"
		  "RAM default 0:256M (--quick 0:16M); BARs: the whole BAR.\n"
		  "A window that does not fit the target (RAM: MemAvailable) is refused" },
	{ .name = "force", .group = GROUP_TARGET, .parse = opt_force,
	  .help = "allow sysfs targets on a device bound to a host driver" },
	{ .name = "probe", .group = GROUP_TARGET, .parse = opt_probe,
	  .help = "before a target's first case, find the memory type the CPU really\n"
		  "applies: the memtype_effective column (Device or Normal), and how\n"
		  "it was decided in metadata.json. arm64: one unaligned 8-byte store\n"
		  "of the pattern at window offset 1 (inside the window) faults only\n"
		  "on Device memory; x86_64 has no such probe: the column stays empty.\n"
		  "In a KVM guest whose stage 2 is Device under a Normal stage 1, that\n"
		  "fault goes to the host: KVM_RUN fails and the VMM stops the guest" },
	{ .name = "kernel", .letter = 'k', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_kernel,
	  .help = "store kernels, or all (wcbench list kernels); default all of this arch" },
	{ .name = "barrier", .letter = 'b', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_barrier,
	  .help = "barriers, or all (wcbench list barriers); default all of this arch" },
	{ .name = "barrier-every", .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_every,
	  .help = "where the barrier goes: 64 (after each 64 B, default), burst,\n"
		  "sample (once per timed sample)" },
	{ .name = "size", .letter = 's', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_size,
	  .help = "burst sizes, powers of two from 8 to 1G, e.g. 64,4K,1M" },
	{ .name = "threads", .letter = 'j', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_threads,
	  .help = "threads storing at once, each into its own part of the window" },
	{ .name = "cpu", .letter = 'c', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_cpu,
	  .help = "CPUs for the threads, e.g. 0,2-3 (default: distinct cores first)" },
	{ .name = "drain", .letter = 'd', .arg = "LIST", .group = GROUP_SWEEP, .parse = opt_drain,
	  .help = "what the timed region waits for: none (stores issued),\n"
		  "fence (MFENCE / DSB ST: left the core; default), readback\n"
		  "(fence + a read from the target: arrived at the device)" },
	{ .name = "time", .letter = 'T', .arg = "SECONDS", .group = GROUP_SAMPLING, .parse = opt_time,
	  .help = "time budget per case (default 0.5; --quick 0.05)" },
	{ .name = "min-samples", .arg = "N", .group = GROUP_SAMPLING, .parse = opt_min_samples,
	  .help = "samples before the stop rule may end a case (default 10)" },
	{ .name = "max-samples", .arg = "N", .group = GROUP_SAMPLING, .parse = opt_max_samples,
	  .help = "most samples per case (default 1000)" },
	{ .name = "precision", .arg = "PCT", .group = GROUP_SAMPLING, .parse = opt_precision,
	  .help = "stop a case once the median's 95% confidence interval (from\n"
		  "order statistics: no distribution assumed; widened as far as\n"
		  "neighbouring samples are alike) lies within +-PCT of the median\n"
		  "(default 1%; 0.01 means the same). The interval is in\n"
		  "the ns_per_burst_ci_lo/_hi columns; a case the budget ends first\n"
		  "says how well its median is known in its reason" },
	{ .name = "latency", .group = GROUP_SAMPLING, .parse = opt_latency,
	  .help = "latency mode: time every burst alone with its drain (a doorbell:\n"
		  "one 64-byte descriptor and a fence), thousands per case: p50, p90,\n"
		  "p99, p99.9 and max ns per burst in the latency_* columns, rows of\n"
		  "mode latency, and latency_cdf plots. Each thread times bursts until\n"
		  "--max-samples bursts (default " WC_STR(LATENCY_MAX_BURSTS) ") or --time; fewer than\n"
		  "--min-samples (default " WC_STR(LATENCY_TAIL_BURSTS) ") says so in the reason. The timer's\n"
		  "own cost is measured beside it (latency_timer_ns), not subtracted" },
	{ .name = "sample-ms", .arg = "MS", .group = GROUP_SAMPLING, .parse = opt_sample_ms,
	  .help = "shortest sample (default 0.25; also >= 1000 x timer resolution\n"
		  "and cost). Short samples keep the median clear of interrupts:\n"
		  "at a 4 ms tick one 0.25 ms sample in 16 holds one" },
	{ .name = "quick", .letter = 'q', .group = GROUP_SAMPLING, .parse = opt_quick,
	  .help = "short preset for smoke runs: sizes 64,4K,64K, 16 MiB RAM window,\n"
		  "0.05 s per case, 5 samples of >= 0.2 ms" },
	{ .name = "full", .group = GROUP_SWEEP, .parse = opt_full,
	  .help = "every case this machine offers: all kernels and barriers, every\n"
		  "barrier placement and drain, sizes 64 B to 1 MiB, threads 1, the\n"
		  "powers of two and one per CPU. A list given beside it replaces\n"
		  "that dimension (--full -t vfio:... -d readback)" },
	{ .name = "verify", .letter = 'V', .group = GROUP_SAMPLING, .parse = opt_verify,
	  .help = "after each case, fill the window, store one pass and check every\n"
		  "byte, and that nothing beside it changed (RAM and files: 4 KiB each\n"
		  "side; BARs: only the unused part of the window; wcbench list targets)" },
	{ .name = "out", .letter = 'o', .arg = "DIR", .group = GROUP_OUTPUT, .parse = opt_out,
	  .help = "results directory (default results/<run_id>): results.csv,\n"
		  "metadata.json, plots (PNG and SVG). One run at a time per DIR" },
	{ .name = "resume", .group = GROUP_OUTPUT, .parse = opt_resume,
	  .help = "continue an interrupted run in --out DIR: skip finished cases;\n"
		  "--env, --window, --verify, --probe and --target must be the run's.\n"
		  "A run of an earlier results schema has its results.csv rewritten in\n"
		  "this one first (every finished row kept); a later schema's is refused" },
	{ .name = "no-plot", .group = GROUP_OUTPUT, .parse = opt_no_plot,
	  .help = "CSV only" },
	{ .name = "env", .arg = "host|guest", .group = GROUP_OUTPUT, .parse = opt_env,
	  .help = "label for the env column (the guest launcher sets guest)" },
	{ .name = "help", .letter = 'h', .group = GROUP_OTHER, .parse = opt_help,
	  .help = "this text" },
	{ .name = "man", .group = GROUP_OTHER, .parse = opt_man,
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
};

#define HELP_COLUMN 25

/* "-t, --target SPEC" / "    --force": how an option is named in --help. */
static void option_synopsis(const struct run_option *opt, char *buf, size_t len)
{
	snprintf(buf, len, "%c%c%c --%s%s%s", opt->letter ? '-' : ' ', opt->letter ? opt->letter : ' ',
		 opt->letter ? ',' : ' ', opt->name, opt->arg ? " " : "", opt->arg ? opt->arg : "");
}

void options_write_help(FILE *f)
{
	fprintf(f, "usage: wcbench run [options]\n\n%s\n", run_intro);
	for (int g = 0; g < OPTION_GROUPS; g++) {
		fprintf(f, "\n%s:\n", option_group_titles[g]);
		for (size_t i = 0; i < run_option_count; i++) {
			const struct run_option *opt = &run_option_table[i];
			if ((int)opt->group != g)
				continue;
			char syn[64];
			option_synopsis(opt, syn, sizeof syn);
			int used = fprintf(f, "  %s", syn);
			const char *h = opt->help;
			if (used >= HELP_COLUMN) {
				fputc('\n', f);
				used = 0;
			}
			while (*h) {
				size_t l = strcspn(h, "\n");
				fprintf(f, "%*s%.*s\n", HELP_COLUMN - used, "", (int)l, h);
				used = 0;
				h += l + (h[l] == '\n');
			}
		}
	}
	fprintf(f, "\n%s\nExit: %s\n\nExamples:\n", run_notes, run_exit);
	for (size_t i = 0; i < sizeof run_examples / sizeof run_examples[0]; i++)
		fprintf(f, "  %s\n", run_examples[i]);
}

/* Text in roff: a line starting with . or ' would be a request; - would be a hyphen; \ escapes.
 * Line breaks inside a paragraph become spaces (roff fills). */
static void roff_put(FILE *f, const char *s, bool line_start)
{
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void roff_text(FILE *f, const char *s)
{
	roff_put(f, s, true);
	fputc('\n', f);
}

void options_write_man(FILE *f)
{
	fputs(".\\\" Generated by `wcbench run --man` from the option table in bench/cmd/run_options.c.\n"
	      ".TH WCBENCH 1 \"\" \"wcbench\" \"User Commands\"\n"
	      ".SH NAME\nwcbench \\- write\\-combining MMIO benchmark: how fast CPU store bursts reach RAM and PCIe BARs\n"
	      ".SH SYNOPSIS\n.B wcbench run\n[\\fIoptions\\fR]\n.br\n"
	      ".B wcbench\n\\fIcommand\\fR [\\fIoptions\\fR]\n"
	      ".SH DESCRIPTION\n", f);
	roff_text(f, run_intro);
	fputs(".PP\nThe other commands (list, compare, report, probe, plot, guest, schema) describe "
	      "themselves: \\fBwcbench \\-\\-help\\fR, \\fBwcbench\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR.\n"
	      ".SH OPTIONS\n", f);
	for (int g = 0; g < OPTION_GROUPS; g++) {
		fputs(".SS ", f);
		roff_text(f, option_group_titles[g]);
		for (size_t i = 0; i < run_option_count; i++) {
			const struct run_option *opt = &run_option_table[i];
			if ((int)opt->group != g)
				continue;
			fputs(".TP\n", f);
			if (opt->letter)
				fprintf(f, "\\fB\\-%c\\fR, ", opt->letter);
			fputs("\\fB\\-\\-", f);
			roff_put(f, opt->name, false);
			fputs("\\fR", f);
			if (opt->arg) {
				fputs(" \\fI", f);
				roff_put(f, opt->arg, false);
				fputs("\\fR", f);
			}
			fputc('\n', f);
			roff_text(f, opt->help);
		}
	}
	fputs(".SH NOTES\n", f);
	roff_text(f, run_notes);
	fputs(".SH EXIT STATUS\n", f);
	roff_text(f, run_exit);
	fputs(".SH EXAMPLES\n", f);
	for (size_t i = 0; i < sizeof run_examples / sizeof run_examples[0]; i++) {
		fputs(".PP\n.nf\n", f);
		roff_text(f, run_examples[i]);
		fputs(".fi\n", f);
	}
	fputs(".SH SEE ALSO\n\\fBgnuplot\\fR(1), \\fBqemu\\fR(1)\n", f);
}

const struct run_option *option_find(const char *name)
{
	for (size_t i = 0; i < run_option_count; i++)
		if (!strcmp(run_option_table[i].name, name))
			return &run_option_table[i];
	return NULL;
}

#define OPTION_INDEX_BASE 256

int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t n)
{
	memset(o, 0, sizeof *o);
	o->env = "host";
	struct option_state st = { .o = o, .time_s = -1, .precision = -1, .sample_ms = -1 };
	/* getopt's tables, from the option table */
	struct option longs[sizeof run_option_table / sizeof run_option_table[0] + 1];
	char shorts[2 * sizeof run_option_table / sizeof run_option_table[0] + 2] = ":";
	size_t ns = 1;
	for (size_t i = 0; i < run_option_count; i++) {
		const struct run_option *opt = &run_option_table[i];
		longs[i] = (struct option){ .name = opt->name,
					    .has_arg = opt->arg ? required_argument : no_argument,
					    .val = OPTION_INDEX_BASE + (int)i };
		if (opt->letter) {
			shorts[ns++] = opt->letter;
			if (opt->arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	longs[run_option_count] = (struct option){ 0 };

	optind = 0; /* 0, not 1: glibc then also forgets where it was inside an argument */
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		int c = getopt_long(argc, argv, shorts, longs, NULL);
		if (c == -1)
			break;
		const char *name = argv[prev] ? argv[prev] : "?";
		const struct run_option *opt = NULL;
		if (c >= OPTION_INDEX_BASE)
			opt = &run_option_table[c - OPTION_INDEX_BASE];
		for (size_t i = 0; !opt && c != ':' && c != '?' && i < run_option_count; i++)
			if (run_option_table[i].letter == c)
				opt = &run_option_table[i];
		if (c == ':')
			return fail(err, n, "%s needs a value", name);
		if (!opt) {
			if (optopt >= OPTION_INDEX_BASE && optopt < OPTION_INDEX_BASE + (int)run_option_count)
				return fail(err, n, "--%s takes no value", run_option_table[optopt - OPTION_INDEX_BASE].name);
			return fail(err, n, "unknown option '%s' (see: wcbench run --help)", name);
		}
		int rc = opt->parse(&st, opt->arg ? optarg : NULL, err, n);
		if (rc)
			return rc;
		if (o->help || o->man)
			return 0;
	}
	if (optind < argc)
		return fail(err, n, "unexpected argument '%s' (see: wcbench run --help)", argv[optind]);
	if (o->resume && !o->out)
		return fail(err, n, "--resume needs --out DIR: the run to continue");
	/* a --out that cannot take the run is a usage error found now, not after the sweep */
	if (o->out && run_dir_check_output("--out", o->out, run_dir_outputs, err, n))
		return -EINVAL;
	double time_s = st.time_s, precision = st.precision, sample_ms = st.sample_ms;
	unsigned min_samples = st.min_samples, max_samples = st.max_samples;

	/* Defaults; --quick is a short preset for smoke runs. */
	if (!o->ntargets)
		o->targets[o->ntargets++] = "ram";
	if (!o->nkernels)
		add_kernel("all", o, err, n);
	if (!o->nbarriers)
		add_barrier("all", o, err, n);
	if (o->full && o->quick)
		return fail(err, n, "--full and --quick ask for opposite sweeps: choose one");
	/* --full: every placement, drain and thread count (1, powers of two, and one per CPU) */
	if (o->full && !o->nevery)
		for (int e = 0; e < 3; e++)
			o->every[o->nevery++] = (enum barrier_every)e;
	if (o->full && !o->ndrains)
		for (int d = 0; d < 3; d++)
			o->drains[o->ndrains++] = (enum drain_mode)d;
	if (o->full && !o->nthreads) {
		int allowed[PLACE_MAX_CPUS];
		int na = place_allowed(allowed, PLACE_MAX_CPUS);
		unsigned most = na > 64 ? 64 : na > 0 ? (unsigned)na : 1;
		for (unsigned t = 1; t < most; t *= 2)
			o->threads[o->nthreads++] = t;
		o->threads[o->nthreads++] = most;
	}
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
	o->time_s = time_s > 0 ? time_s : d->budget_s;
	o->min_sample_s = sample_ms > 0 ? sample_ms / 1000 : d->min_sample_s;
	o->min_samples = min_samples ? min_samples : d->min_samples;
	o->max_samples = max_samples ? max_samples : d->max_samples;
	if (o->latency) { /* counted in bursts per thread (measure_latency) */
		o->max_samples = max_samples ? max_samples : LATENCY_MAX_BURSTS;
		o->min_samples = min_samples ? min_samples : LATENCY_TAIL_BURSTS;
		if (!min_samples && o->min_samples > o->max_samples)
			o->min_samples = o->max_samples;
	}
	if (o->max_samples < o->min_samples)
		return fail(err, n, "--max-samples %u is below --min-samples %u", o->max_samples, o->min_samples);
	o->precision = precision > 0 ? precision : d->precision;

	/* Threads need CPUs: explicit ones, or the allowed set. */
	unsigned max_threads = 0;
	for (unsigned i = 0; i < o->nthreads; i++)
		if (o->threads[i] > max_threads)
			max_threads = o->threads[i];
	if (o->ncpus) {
		int allowed[PLACE_MAX_CPUS];
		int na = place_allowed(allowed, PLACE_MAX_CPUS);
		for (unsigned i = 0; i < o->ncpus; i++) {
			bool ok = false;
			for (int k = 0; k < na; k++)
				ok |= allowed[k] == o->cpus[i];
			if (!ok)
				return fail(err, n, "--cpu: CPU %d is not available to this process", o->cpus[i]);
		}
		if (o->ncpus < max_threads)
			return fail(err, n, "--cpu lists %u CPU(s) but --threads asks for %u", o->ncpus, max_threads);
	} else {
		int allowed[PLACE_MAX_CPUS];
		int na = place_allowed(allowed, PLACE_MAX_CPUS);
		if (na < (int)max_threads)
			return fail(err, n, "--threads %u: only %d CPU(s) available (one thread per CPU)", max_threads, na);
		if (place_pick((int)max_threads, o->cpus))
			return fail(err, n, "--threads %u: cannot pick CPUs", max_threads);
		o->ncpus = max_threads;
	}
	return 0;
}

/* Barrier none takes a single placement: the sweep skips its other barrier-every values. */
static unsigned everies_for(const struct run_options *o, unsigned barrier)
{
	return o->barriers[barrier]->id == BARRIER_NONE ? 1 : o->nevery;
}

size_t sweep_count(const struct run_options *o)
{
	size_t per_kernel = 0;
	for (unsigned b = 0; b < o->nbarriers; b++)
		per_kernel += everies_for(o, b);
	return (size_t)o->nthreads * o->nkernels * per_kernel * o->ndrains * o->nsizes;
}

void sweep_point(const struct run_options *o, size_t i, struct sweep_point *p)
{
	p->target = 0;
	p->size = (unsigned)(i % o->nsizes);
	i /= o->nsizes;
	p->drain = (unsigned)(i % o->ndrains);
	i /= o->ndrains;
	size_t per_kernel = 0;
	for (unsigned b = 0; b < o->nbarriers; b++)
		per_kernel += everies_for(o, b);
	size_t be = i % per_kernel;
	i /= per_kernel;
	for (unsigned b = 0; b < o->nbarriers; b++) {
		unsigned ne = everies_for(o, b);
		if (be < ne) {
			p->barrier = b;
			p->every = (unsigned)be;
			break;
		}
		be -= ne;
	}
	p->kernel = (unsigned)(i % o->nkernels);
	i /= o->nkernels;
	p->threads = (unsigned)i;
}
