/* The options engine (common/options.h) on a table of every type. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "common/options.h"

struct demo {
	bool flag, help;
	size_t size;
	unsigned count, items;
	double ratio;
	int mode;
	const char *name;
};

static int demo_item(void *opts, const char *v, char *err, size_t n)
{
	(void)v, (void)err, (void)n;
	((struct demo *)opts)->items++;
	return 0;
}

static const char *const modes[] = { "fast", "slow", NULL };
static const struct opt_row demo_rows[] = {
	{ .name = "flag", .short_name = 'f', .type = OPT_FLAG, .off = offsetof(struct demo, flag), .help = "a flag" },
	{ .name = "size", .type = OPT_SIZE, .off = offsetof(struct demo, size), .metavar = "BYTES", .help = "a size" },
	{ .name = "count", .short_name = 'c', .type = OPT_UINT, .off = offsetof(struct demo, count), .metavar = "N",
	  .min = 1, .max = 9, .def = "3", .bad = "--count: '%s' must be from 1 to 9", .help = "a count" },
	{ .name = "ratio", .type = OPT_DOUBLE, .off = offsetof(struct demo, ratio), .metavar = "R", .max = 1,
	  .help = "a ratio" },
	{ .name = "list", .type = OPT_LIST, .metavar = "LIST", .parse = demo_item, .help = "items" },
	{ .name = "mode", .type = OPT_ENUM, .off = offsetof(struct demo, mode), .metavar = "M", .choices = modes,
	  .help = "fast or slow" },
	{ .name = "name", .type = OPT_STRING, .off = offsetof(struct demo, name), .metavar = "S", .bad = "--name needs one",
	  .help = "a name" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = offsetof(struct demo, help), .final = true,
	  .help = "this text" },
};
static const struct opt_table demo_table = OPT_TABLE(demo_rows);
static const struct opt_command demo_cli = {
	.name = "demo", .summary = "a demo", .usage = "demo [options]", .description = "Demo.",
	.tables = (const struct opt_table *const[]){ &demo_table }, .ntables = 1, .operands = OPERANDS_NONE,
	.exit = "0 ok.", .help_column = 20,
};

static struct demo d;
static char err[256];

static int parse(int argc, char **argv)
{
	memset(&d, 0, sizeof d);
	err[0] = '\0';
	return opt_parse(&demo_cli, (void *const[]){ &d }, argc, argv, NULL, err, sizeof err);
}

void test_opt_engine(void)
{
	CHECK(parse(1, (char *[]){ "demo", NULL }) == 0 && d.count == 3, "opt engine: a row's default is parsed first");
	CHECK(parse(11, (char *[]){ "demo", "-f", "--size", "4K", "-c5", "--ratio=0.5", "--list", "a,b,c", "--mode",
				    "slow", "--name=x", NULL }) == 0 &&
	      d.flag && d.size == 4096 && d.count == 5 && d.ratio == 0.5 && d.items == 3 && d.mode == 1 &&
	      !strcmp(d.name, "x"), "opt engine: every type, short and long, --opt=value and --opt value");
	CHECK(parse(3, (char *[]){ "demo", "-c", "0", NULL }) == -EINVAL && !strcmp(err, "--count: '0' must be from 1 to 9"),
	      "opt engine: a value out of range gets the row's message (%s)", err);
	CHECK(parse(2, (char *[]){ "demo", "--flag=1", NULL }) == -EINVAL && !strcmp(err, "--flag takes no value"),
	      "opt engine: a flag given a value (%s)", err);
	CHECK(parse(2, (char *[]){ "demo", "--size", NULL }) == -EINVAL && !strcmp(err, "--size needs a value"),
	      "opt engine: a missing value (%s)", err);
	CHECK(parse(2, (char *[]){ "demo", "--bogus", NULL }) == -EINVAL &&
	      !strcmp(err, "unknown option '--bogus' (see: wcbench demo --help)"), "opt engine: an unknown option (%s)", err);
	CHECK(parse(3, (char *[]){ "demo", "--list", "a,,b", NULL }) == -EINVAL && strstr(err, "empty item"),
	      "opt engine: an empty list item (%s)", err);
	CHECK(parse(3, (char *[]){ "demo", "--mode", "odd", NULL }) == -EINVAL && strstr(err, "'odd'"),
	      "opt engine: a value not among the choices (%s)", err);
	CHECK(parse(3, (char *[]){ "demo", "--name", "", NULL }) == -EINVAL && !strcmp(err, "--name needs one"),
	      "opt engine: an empty string where one is needed (%s)", err);
	CHECK(parse(2, (char *[]){ "demo", "extra", NULL }) == -EINVAL && strstr(err, "unexpected argument 'extra'"),
	      "opt engine: an operand where none is taken (%s)", err);
	CHECK(parse(3, (char *[]){ "demo", "-h", "extra", NULL }) == 0 && d.help,
	      "opt engine: a final option (--help) ends parsing");

	char *text = NULL, *man = NULL;
	size_t len = 0, mlen = 0;
	FILE *f = open_memstream(&text, &len), *m = open_memstream(&man, &mlen);
	if (f && m) {
		opt_write_help(&demo_cli, f);
		opt_write_man(&demo_cli, m);
		fclose(f);
		fclose(m);
	}
	CHECK(text && strstr(text, "usage: wcbench demo [options]\n\nDemo.\n\noptions:\n  -f, --flag        a flag\n") &&
	      strstr(text, "  --size BYTES      a size\n") && strstr(text, "\nExit: 0 ok.\n"),
	      "opt engine: --help from the rows, at the command's column");
	CHECK(man && strstr(man, ".TH WCBENCH\\-demo 1") && strstr(man, "\\fB\\-f\\fR, \\fB\\-\\-flag\\fR\n") &&
	      strstr(man, ".SH EXIT STATUS\n0 ok.\n") && strstr(man, ".SH SEE ALSO\n\\fBwcbench\\fR(1)\n"),
	      "opt engine: the man page from the rows");
	free(text);
	free(man);
}
