/* wcbench list [kernels|barriers|targets] */
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

int cmd_list(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "all";
	if (argc > 2 || !strcmp(what, "-h") || !strcmp(what, "--help")) {
		FILE *f = argc > 2 ? stderr : stdout;
		fprintf(f, "usage: wcbench list [kernels|barriers|targets]\n"
			   "Shows each store kernel, barrier or target kind this binary knows: its name\n"
			   "(as --kernel/--barrier/--target take it), arch, what it executes, and whether\n"
			   "it can run here or why not (not this arch, CPU lacks the feature).\n");
		return argc > 2 ? EXIT_USAGE : 0;
	}
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
