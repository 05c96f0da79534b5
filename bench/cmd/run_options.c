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

const char *const every_names[3] = { [EVERY_64] = "64", [EVERY_BURST] = "burst",
				     [EVERY_SAMPLE] = "sample" };

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

enum { OPT_BARRIER_EVERY = 256, OPT_NO_PLOT, OPT_ENV, OPT_RESUME, OPT_FORCE, OPT_MIN_SAMPLES,
       OPT_MAX_SAMPLES, OPT_CV, OPT_SAMPLE_MS };

static const struct option long_opts[] = {
	{ "target", required_argument, NULL, 't' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "barrier", required_argument, NULL, 'b' },
	{ "barrier-every", required_argument, NULL, OPT_BARRIER_EVERY },
	{ "size", required_argument, NULL, 's' },
	{ "window", required_argument, NULL, 'w' },
	{ "threads", required_argument, NULL, 'j' },
	{ "cpu", required_argument, NULL, 'c' },
	{ "drain", required_argument, NULL, 'd' },
	{ "verify", no_argument, NULL, 'V' },
	{ "time", required_argument, NULL, 'T' },
	{ "quick", no_argument, NULL, 'q' },
	{ "out", required_argument, NULL, 'o' },
	{ "no-plot", no_argument, NULL, OPT_NO_PLOT },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "min-samples", required_argument, NULL, OPT_MIN_SAMPLES },
	{ "max-samples", required_argument, NULL, OPT_MAX_SAMPLES },
	{ "cv", required_argument, NULL, OPT_CV },
	{ "sample-ms", required_argument, NULL, OPT_SAMPLE_MS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (end == v || *end || x < (long)lo || x > (long)hi)
		return -EINVAL;
	*out = (unsigned)x;
	return 0;
}

int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t n)
{
	memset(o, 0, sizeof *o);
	o->env = "host";
	double time_s = -1, cv = -1, sample_ms = -1;
	unsigned min_samples = 0, max_samples = 0;
	int rc = 0;
	optind = 1;
	opterr = 0;
	for (;;) {
		int prev = optind;
		int c = getopt_long(argc, argv, ":t:k:b:s:w:j:c:d:VT:qo:h", long_opts, NULL);
		if (c == -1)
			break;
		const char *name = argv[prev] ? argv[prev] : "?";
		switch (c) {
		case 't':
			if (o->ntargets >= MAX_TARGETS)
				return fail(err, n, "--target: at most %d targets", MAX_TARGETS);
			if (!*optarg)
				return fail(err, n, "--target needs a value");
			o->targets[o->ntargets++] = optarg;
			break;
		case 'k':
			rc = each_item(optarg, "--kernel", err, n, add_kernel, o);
			break;
		case 'b':
			rc = each_item(optarg, "--barrier", err, n, add_barrier, o);
			break;
		case OPT_BARRIER_EVERY:
			rc = each_item(optarg, "--barrier-every", err, n, add_every, o);
			break;
		case 's':
			rc = each_item(optarg, "--size", err, n, add_size, o);
			break;
		case 'w': {
			size_t off, len;
			if (parse_window(optarg, &off, &len, err, n))
				return -EINVAL;
			o->topts.window_set = true;
			o->topts.window_off = off;
			o->topts.window_len = len;
			break;
		}
		case 'j':
			rc = each_item(optarg, "--threads", err, n, add_threads, o);
			break;
		case 'c': {
			int k = parse_cpu_list(optarg, o->cpus, PLACE_MAX_CPUS);
			if (k < 0)
				return fail(err, n, "--cpu: '%s' is not a CPU list such as 0,2-3 (each CPU once)", optarg);
			o->ncpus = (unsigned)k;
			break;
		}
		case 'd':
			rc = each_item(optarg, "--drain", err, n, add_drain, o);
			break;
		case 'V':
			o->verify = true;
			break;
		case 'T':
			if (parse_double(optarg, 0.001, 3600, &time_s))
				return fail(err, n, "--time: '%s' must be seconds per case, from 0.001 to 3600", optarg);
			break;
		case 'q':
			o->quick = true;
			break;
		case 'o':
			if (!*optarg)
				return fail(err, n, "--out needs a directory");
			o->out = optarg;
			break;
		case OPT_NO_PLOT:
			o->no_plot = true;
			break;
		case OPT_ENV:
			if (strcmp(optarg, "host") && strcmp(optarg, "guest"))
				return fail(err, n, "--env: '%s' must be host or guest", optarg);
			o->env = optarg;
			break;
		case OPT_RESUME:
			o->resume = true;
			break;
		case OPT_FORCE:
			o->topts.force = true;
			break;
		case OPT_MIN_SAMPLES:
			if (parse_uint(optarg, 1, 100000, &min_samples))
				return fail(err, n, "--min-samples: '%s' must be from 1 to 100000", optarg);
			break;
		case OPT_MAX_SAMPLES:
			if (parse_uint(optarg, 1, 100000, &max_samples))
				return fail(err, n, "--max-samples: '%s' must be from 1 to 100000", optarg);
			break;
		case OPT_CV:
			if (parse_double(optarg, 0.0001, 1, &cv))
				return fail(err, n, "--cv: '%s' must be a fraction from 0.0001 to 1", optarg);
			break;
		case OPT_SAMPLE_MS:
			if (parse_double(optarg, 0.001, 10000, &sample_ms))
				return fail(err, n, "--sample-ms: '%s' must be from 0.001 to 10000", optarg);
			break;
		case 'h':
			o->help = true;
			return 0;
		case ':':
			return fail(err, n, "%s needs a value", name);
		default:
			return fail(err, n, "unknown option '%s' (see: wcbench run --help)", name);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return fail(err, n, "unexpected argument '%s' (see: wcbench run --help)", argv[optind]);
	if (o->resume && !o->out)
		return fail(err, n, "--resume needs --out DIR: the run to continue");

	/* Defaults; --quick is a short preset for smoke runs. */
	if (!o->ntargets)
		o->targets[o->ntargets++] = "ram";
	if (!o->nkernels)
		add_kernel("all", o, err, n);
	if (!o->nbarriers)
		add_barrier("all", o, err, n);
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
	o->time_s = time_s > 0 ? time_s : o->quick ? 0.05 : 0.5;
	o->min_sample_s = sample_ms > 0 ? sample_ms / 1000 : o->quick ? 0.0002 : 0.001;
	o->min_samples = min_samples ? min_samples : o->quick ? 5 : 10;
	o->max_samples = max_samples ? max_samples : 1000;
	if (o->max_samples < o->min_samples)
		return fail(err, n, "--max-samples %u is below --min-samples %u", o->max_samples, o->min_samples);
	o->cv_target = cv > 0 ? cv : 0.01;

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
