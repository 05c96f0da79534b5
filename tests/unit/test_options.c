#include <errno.h>
#include <string.h>

#include "check.h"
#include "cmd/run_options.h"

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

void test_options(void)
{
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
	bad(ARGC("--cv", "2"), ARGV("--cv", "2"), "--cv");
	bad(ARGC("--sample-ms", "-1"), ARGV("--sample-ms", "-1"), "--sample-ms");
	bad(ARGC("-o", ""), ARGV("-o", ""), "--out needs a directory");
	bad(ARGC("-t", ""), ARGV("-t", ""), "--target needs a value");
}
