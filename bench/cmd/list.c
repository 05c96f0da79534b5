/* wcbench list [kernels|barriers|targets] */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "kernels.h"
#include "targets/kinds.h"
#include "targets/target.h"

static void list_kernels(void)
{
	printf("%-14s %-8s %5s  %-40s %s\n", "KERNEL", "ARCH", "WIDTH", "EXECUTES", "AVAILABLE");
	for (size_t i = 0; i < store_kernel_count; i++) {
		const struct store_kernel *k = &store_kernels[i];
		const char *why = NULL;
		bool ok = kernel_usable(k, &why);
		printf("%-14s %-8s %4uB  %-40s %s%s\n", k->name, wc_arch_name(k->arch), k->width, k->desc,
		       ok ? "yes" : "no: ", ok ? "" : why);
	}
}

static void list_barriers(void)
{
	printf("%-10s %-8s  %-48s %s\n", "BARRIER", "ARCH", "EXECUTES", "AVAILABLE");
	for (size_t i = 0; i < barrier_count; i++) {
		const struct barrier_desc *b = &barriers[i];
		const char *why = NULL;
		bool ok = barrier_usable(b, &why);
		printf("%-10s %-8s  %-48s %s%s%s\n", b->name, wc_arch_name(b->arch), b->desc,
		       ok ? "yes" : "no: ", ok && why ? " (" : "", why ? why : "");
		if (ok && why)
			printf(")\n");
	}
}

static void list_targets(void)
{
	/* VERIFY-READS: what --verify may read besides the window it writes (targets/target.h) */
	printf("%-26s %-14s %s\n", "TARGET", "VERIFY-READS", "WHAT");
	for (size_t i = 0; i < target_kind_count; i++)
		printf("%-26s %-14s %s\n", target_kinds[i]->usage,
		       target_kinds[i]->flags & TARGET_READS_OUTSIDE_OK ? "window+-4K" : "window only",
		       target_kinds[i]->summary);
}

/* What list's rows fill. */
struct list_args {
	bool help, man;
};

static const struct opt_row list_option_rows[] = {
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = offsetof(struct list_args, help),
	  .final = true, .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = offsetof(struct list_args, man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table list_option_table = OPT_TABLE(list_option_rows);

const struct opt_command list_cli = {
	.name = "list",
	.summary = "kernels, barriers and target kinds, and whether each can run here",
	.usage = "list [kernels|barriers|targets]",
	.description =
		"Shows each store kernel, barrier or target kind this binary knows: its name\n"
		"(as --kernel/--barrier/--target take it), arch, what it executes, and whether\n"
		"it can run here or why not (not this arch, CPU lacks the feature).",
	.tables = (const struct opt_table *const[]){ &list_option_table },
	.ntables = 1,
	.operands = OPERANDS_AFTER,
	.exit_label = "Exit:",
	.exit = "0 listed, 2 bad usage.",
	.help_column = 20,
};

int cmd_list(int argc, char **argv)
{
	struct list_args a = { 0 };
	char err[256];
	int first;
	if (opt_parse(&list_cli, (void *const[]){ &a }, argc, argv, &first, err, sizeof err)) {
		fprintf(stderr, "wcbench list: %s\n", err);
		return EXIT_USAGE;
	}
	if (a.help || a.man || argc - first > 1) {
		FILE *f = a.help || a.man ? stdout : stderr;
		(a.man ? opt_write_man : opt_write_help)(&list_cli, f);
		return f == stderr ? EXIT_USAGE : 0;
	}
	const char *what = argc > first ? argv[first] : "all";
	bool all = !strcmp(what, "all");
	if (!all && strcmp(what, "kernels") && strcmp(what, "barriers") && strcmp(what, "targets")) {
		fprintf(stderr, "wcbench list: unknown list '%s' (kernels, barriers or targets)\n", what);
		return EXIT_USAGE;
	}
	if (all || !strcmp(what, "kernels"))
		list_kernels();
	if (all)
		putchar('\n');
	if (all || !strcmp(what, "barriers"))
		list_barriers();
	if (all)
		putchar('\n');
	if (all || !strcmp(what, "targets"))
		list_targets();
	return 0;
}
