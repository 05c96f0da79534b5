#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sweep/plan_options.h"

#define ARGV(...) ((char *[]){ "run", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "run", __VA_ARGS__ }) / sizeof(char *)))

static struct run_options o;
static char err[256];

static int parse(int argc, char **argv)
{
	err[0] = '\0';
	return options_parse(argc, argv, &o, err, sizeof err);
}

/* Each bad input: -EINVAL and a message naming the problem. */
static void bad(int argc, char **argv, const char *needle)
{
	int rc = parse(argc, argv);
	char cmd[200] = "";
	for (int i = 1; i < argc; i++) {
		strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 1);
	}
	CHECK(rc == -EINVAL && strstr(err, needle) && !strchr(err, '\n'),
	      "options: rejects%s (one line naming '%s'; got '%s')", cmd, needle, err);
}

/* A value each option accepts and one it refuses (NULL: the option takes no value; then
 * "--name=x" must be refused), with a word the refusal names. */
struct option_example {
	const char *name, *good, *bad, *needle;
};
static const struct option_example option_examples[] = {
	{ .name = "target", .good = "ram", .bad = "", .needle = "--target needs a value" },
	{ .name = "window", .good = "0:4K", .bad = "100", .needle = "OFF:LEN" },
	{ .name = "force" },
	{ .name = "probe" },
	{ .name = "kernel", .good = "c_8", .bad = "nope_8", .needle = "unknown kernel" },
	{ .name = "barrier", .good = "none", .bad = "lfence", .needle = "unknown barrier" },
	{ .name = "barrier-every", .good = "burst", .bad = "32", .needle = "not one of 64, burst, sample" },
	{ .name = "size", .good = "64", .bad = "48", .needle = "power of two" },
	{ .name = "threads", .good = "1", .bad = "0", .needle = "from 1 to 64" },
	{ .name = "cpu", .good = "(first allowed)", .bad = "1-0", .needle = "not a CPU list" },
	{ .name = "drain", .good = "readback", .bad = "sync", .needle = "not one of none, fence, readback" },
	{ .name = "time", .good = "0.1", .bad = "0", .needle = "--time" },
	{ .name = "min-samples", .good = "3", .bad = "0", .needle = "--min-samples" },
	{ .name = "max-samples", .good = "50", .bad = "0", .needle = "--max-samples" },
	{ .name = "precision", .good = "0.5%", .bad = "2", .needle = "--precision" },
	{ .name = "latency" },
	{ .name = "full" },
	{ .name = "sample-ms", .good = "2", .bad = "-1", .needle = "--sample-ms" },
	{ .name = "quick" },
	{ .name = "verify" },
	{ .name = "out", .good = "x", .bad = "", .needle = "--out needs a directory" },
	{ .name = "resume" },
	{ .name = "no-plot" },
	{ .name = "env", .good = "guest", .bad = "cloud", .needle = "host or guest" },
	{ .name = "help" },
	{ .name = "man" },
};

static const struct option_example *example_of(const char *name)
{
	for (size_t i = 0; i < sizeof option_examples / sizeof option_examples[0]; i++)
		if (!strcmp(option_examples[i].name, name))
			return &option_examples[i];
	return NULL;
}

static char *captured(void (*writer)(FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	writer(f);
	fclose(f);
	return text;
}

/* Every option in the table: in --help and the man page, a good value parses, a bad one is
 * refused with one line. The table is the list: a new option without an example fails here. */
static void test_option_table(void)
{
	char *help = captured(options_write_help), *man = captured(options_write_man);
	int allowed[PLACE_MAX_CPUS];
	char first_cpu[16];
	snprintf(first_cpu, sizeof first_cpu, "%d", place_allowed(allowed, PLACE_MAX_CPUS) > 0 ? allowed[0] : 0);
	for (size_t i = 0; i < run_option_count; i++) {
		const struct opt_row *opt = &run_option_table[i];
		char longname[64], roffname[96], shortname[8] = "", roffshort[16] = "";
		snprintf(longname, sizeof longname, "--%s", opt->name);
		size_t r = (size_t)snprintf(roffname, sizeof roffname, "\\-\\-");
		for (const char *c = opt->name; *c && r + 3 < sizeof roffname; c++)
			r += (size_t)snprintf(roffname + r, sizeof roffname - r, *c == '-' ? "\\-" : "%c", *c);
		if (opt->short_name) {
			snprintf(shortname, sizeof shortname, "-%c,", opt->short_name);
			snprintf(roffshort, sizeof roffshort, "\\-%c", opt->short_name);
		}
		CHECK(help && strstr(help, longname) && strstr(help, shortname) && (!opt->metavar || strstr(help, opt->metavar)),
		      "options table: --help shows %s%s%s", shortname, longname, opt->metavar ? " and its argument" : "");
		CHECK(man && strstr(man, roffname) && strstr(man, roffshort), "options table: the man page shows %s", longname);
		CHECK(opt->help && *opt->help && option_find(opt->name) == opt &&
		      (opt->type != OPT_LIST || opt->parse) && !opt->metavar == (opt->type == OPT_FLAG),
		      "options table: %s has help text, a value name when it takes a value, and a parser for its list", longname);

		const struct option_example *ex = example_of(opt->name);
		CHECK(ex && !ex->good == !opt->metavar, "options table: %s has an example %s", longname,
		      opt->metavar ? "value" : "(no value)");
		if (!ex || !ex->good != !opt->metavar)
			continue;
		const char *good = strcmp(opt->name, "cpu") ? ex->good : first_cpu;
		char *argv_good[] = { "run", longname, (char *)good, "--out", "x", NULL };
		if (!opt->metavar) {
			argv_good[2] = "--out";
			argv_good[3] = "x";
			argv_good[4] = NULL;
		}
		CHECK(parse(opt->metavar ? 5 : 4, argv_good) == 0, "options table: %s %s accepted (%s)", longname,
		      good ? good : "", err);
		if (opt->short_name) {
			char letter[4] = { '-', opt->short_name, 0, 0 };
			argv_good[1] = letter;
			CHECK(parse(opt->metavar ? 5 : 4, argv_good) == 0, "options table: -%c %s accepted (%s)",
			      opt->short_name, good ? good : "", err);
		}
		char with_value[80];
		snprintf(with_value, sizeof with_value, "%s=x", longname);
		char *argv_bad[] = { "run", opt->metavar ? longname : with_value, (char *)ex->bad, NULL };
		const char *needle = opt->metavar ? ex->needle : "takes no value";
		int rc = parse(opt->metavar ? 3 : 2, argv_bad);
		CHECK(rc == -EINVAL && strstr(err, needle) && !strchr(err, '\n'),
		      "options table: %s %s refused in one line naming '%s' (got '%s')", argv_bad[1],
		      opt->metavar ? ex->bad : "", needle, err);
	}
	free(help);
	free(man);
}

void test_options(void)
{
	test_option_table();
	CHECK(parse(1, (char *[]){ "run", NULL }) == 0, "options: no arguments is the default sweep");
	CHECK(o.ntargets == 1 && !strcmp(o.targets[0], "ram"), "options: default target ram");
	CHECK(o.nkernels >= 1 && o.nbarriers >= 1 && o.nsizes == 8 && o.ndrains == 1 &&
	      o.drains[0] == DRAIN_FENCE && o.every[0] == EVERY_64 && o.threads[0] == 1,
	      "options: defaults (all kernels, all barriers, 8 sizes, drain fence, every 64, 1 thread)");
	bool all_native = true;
	for (unsigned i = 0; i < o.nkernels; i++)
		all_native &= o.kernels[i]->arch == WC_ARCH_ANY || o.kernels[i]->arch == wc_build_arch();
	CHECK(all_native, "options: --kernel all means this arch's kernels and c_8");

	CHECK(parse(ARGC("--quick"), ARGV("--quick")) == 0 && o.nsizes == 3 && o.time_s < 0.1,
	      "options: --quick preset");
	CHECK(parse(ARGC("-k", "c_8", "-b", "none", "-s", "8,64,4K", "--barrier-every", "64,burst,sample",
			 "-d", "none,fence,readback", "-T", "0.2", "-o", "x", "--verify", "--no-plot"),
		    ARGV("-k", "c_8", "-b", "none", "-s", "8,64,4K", "--barrier-every", "64,burst,sample",
			 "-d", "none,fence,readback", "-T", "0.2", "-o", "x", "--verify", "--no-plot")) == 0 &&
	      o.nkernels == 1 && o.nsizes == 3 && o.sizes[2] == 4096 && o.nevery == 3 && o.ndrains == 3 &&
	      o.verify && o.no_plot && o.time_s == 0.2 && !strcmp(o.out, "x"),
	      "options: every list option parsed");
	CHECK(parse(ARGC("-w", "4K:1M"), ARGV("-w", "4K:1M")) == 0 && o.topts.window_set &&
	      o.topts.window_off == 4096 && o.topts.window_len == (1UL << 20), "options: --window 4K:1M");
	CHECK(parse(ARGC("-t", "ram", "-t", "ram:hugetlb"), ARGV("-t", "ram", "-t", "ram:hugetlb")) == 0 &&
	      o.ntargets == 2, "options: --target repeats");

	bad(ARGC("--bogus"), ARGV("--bogus"), "unknown option '--bogus'");
	bad(ARGC("extra"), ARGV("extra"), "unexpected argument 'extra'");
	bad(ARGC("--kernel"), ARGV("--kernel"), "needs a value");
	bad(ARGC("-k", "nope_8"), ARGV("-k", "nope_8"), "unknown kernel 'nope_8'");
	bad(ARGC("-k", "c_8,c_8"), ARGV("-k", "c_8,c_8"), "listed twice");
	bad(ARGC("-k", "c_8,"), ARGV("-k", "c_8,"), "empty item");
	bad(ARGC("-b", "lfence"), ARGV("-b", "lfence"), "unknown barrier 'lfence'");
	bad(ARGC("--barrier-every", "32"), ARGV("--barrier-every", "32"), "not one of 64, burst, sample");
	bad(ARGC("-s", "48"), ARGV("-s", "48"), "power of two");
	bad(ARGC("-s", "4"), ARGV("-s", "4"), "power of two from 8");
	bad(ARGC("-s", "2G"), ARGV("-s", "2G"), "to 1G");
	bad(ARGC("-s", "abc"), ARGV("-s", "abc"), "not a size");
	bad(ARGC("-s", "64,64"), ARGV("-s", "64,64"), "listed twice");
	bad(ARGC("-w", "100"), ARGV("-w", "100"), "must be OFF:LEN");
	bad(ARGC("-w", "8:4K"), ARGV("-w", "8:4K"), "not a multiple of 64");
	bad(ARGC("-w", "0:0"), ARGV("-w", "0:0"), "non-zero multiple of 64");
	bad(ARGC("-w", "0:100"), ARGV("-w", "0:100"), "non-zero multiple of 64");
	bad(ARGC("-w", "x:4K"), ARGV("-w", "x:4K"), "sizes such as");
	bad(ARGC("-j", "0"), ARGV("-j", "0"), "from 1 to 64");
	bad(ARGC("-j", "65"), ARGV("-j", "65"), "from 1 to 64");
	bad(ARGC("-j", "4096"), ARGV("-j", "4096"), "from 1 to 64");
	bad(ARGC("-j", "1,1"), ARGV("-j", "1,1"), "listed twice");
	int allowed[PLACE_MAX_CPUS];
	if (place_allowed(allowed, PLACE_MAX_CPUS) < 64)
		bad(ARGC("-j", "64"), ARGV("-j", "64"), "CPU(s) available");
	bad(ARGC("-c", "1-0"), ARGV("-c", "1-0"), "not a CPU list");
	bad(ARGC("-c", "1000"), ARGV("-c", "1000"), "not available to this process");
	bad(ARGC("-c", "0", "-j", "2"), ARGV("-c", "0", "-j", "2"), "--threads asks for 2");
	bad(ARGC("-d", "sync"), ARGV("-d", "sync"), "not one of none, fence, readback");
	bad(ARGC("-T", "0"), ARGV("-T", "0"), "--time");
	bad(ARGC("-T", "abc"), ARGV("-T", "abc"), "--time");
	bad(ARGC("--env", "cloud"), ARGV("--env", "cloud"), "host or guest");
	bad(ARGC("--resume"), ARGV("--resume"), "--resume needs --out");
	bad(ARGC("--min-samples", "0"), ARGV("--min-samples", "0"), "--min-samples");
	bad(ARGC("--max-samples", "2", "--min-samples", "5"), ARGV("--max-samples", "2", "--min-samples", "5"),
	    "below --min-samples");
	CHECK(parse(1, (char *[]){ "run", NULL }) == 0 && o.precision == 0.01,
	      "options: the stop rule's precision defaults to 1%% (%g)", o.precision);
	CHECK(parse(3, (char *[]){ "run", "--precision", "0.5%", NULL }) == 0 && fabs(o.precision - 0.005) < 1e-12 &&
	      parse(3, (char *[]){ "run", "--precision", "0.02", NULL }) == 0 && o.precision == 0.02,
	      "options: --precision takes a percentage (0.5%%) or a fraction (0.02)");
	int cpus_allowed[PLACE_MAX_CPUS];
	int nallowed = place_allowed(cpus_allowed, PLACE_MAX_CPUS);
	CHECK(parse(2, (char *[]){ "run", "--full", NULL }) == 0 && o.nevery == 3 && o.ndrains == 3 &&
	      o.nsizes == 8 && o.nthreads >= 1 && o.threads[0] == 1 &&
	      o.threads[o.nthreads - 1] == (unsigned)(nallowed > 64 ? 64 : nallowed) && o.nkernels >= 1,
	      "options: --full sweeps every placement, drain and size, threads 1 to one per CPU (%u values, last %u)",
	      o.nthreads, o.nthreads ? o.threads[o.nthreads - 1] : 0);
	CHECK(parse(4, (char *[]){ "run", "--full", "-d", "readback", NULL }) == 0 && o.ndrains == 1 &&
	      o.drains[0] == DRAIN_READBACK && o.nevery == 3,
	      "options: a list beside --full replaces that dimension only");
	bad(ARGC("--full", "--quick"), ARGV("--full", "--quick"), "--full and --quick");
	bad(ARGC("--precision", "0"), ARGV("--precision", "0"), "--precision");
	bad(ARGC("--precision", "1%x"), ARGV("--precision", "1%x"), "--precision");
	bad(ARGC("--sample-ms", "-1"), ARGV("--sample-ms", "-1"), "--sample-ms");
	bad(ARGC("-o", ""), ARGV("-o", ""), "--out needs a directory");
	bad(ARGC("-t", ""), ARGV("-t", ""), "--target needs a value");
}
