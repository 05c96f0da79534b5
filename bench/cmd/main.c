/* wcbench: write-combining MMIO benchmark. Dispatches to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd/commands.h"
#include "results/schema.h"

static const char help[] =
	"usage: wcbench <command> [options]\n"
	"\n"
	"Measures whether and how fast CPU store bursts reach RAM and PCIe BARs, per memory type,\n"
	"store instruction and barrier, on the host and inside guests.\n"
	"\n"
	"commands:\n"
	"  run       time store bursts, write results.csv, metadata.json and plots\n"
	"            (no options: a sweep over RAM of every kernel and barrier of this CPU)\n"
	"  list      kernels, barriers and target kinds, and whether each can run here\n"
	"  compare   BASE NEW: what got slower or faster between two runs (exit 1 on regression)\n"
	"  report    -o DIR RUN...: an HTML/Markdown report comparing machines\n"
	"  check     TARGET...: does write combining work there, and if not, why (a verdict with\n"
	"            its evidence; verdict.json, JUnit, TAP)\n"
	"  vm        [run options] --stage1 LIST TARGET...: run's sweep inside wcbench's own KVM\n"
	"            microVM, per stage-1 memory type: what a guest's stores get on this host\n"
	"  probe     SPEC...: what a target maps to (memtype, regions, IOMMU, DMA) without storing\n"
	"  plot      RUN: draw the plots of a results directory (again) from its CSV\n"
	"  guest     boot a Linux guest with QEMU and run wcbench inside it\n"
	"  schema    print the results CSV columns (Markdown)\n"
	"\n"
	"`wcbench <command> --help` tells more. Quick start:\n"
	"  wcbench list\n"
	"  wcbench run --quick\n"
	"Exit codes: 0 ok, 1 failure (or a regression, for compare), 2 bad usage, 77 skipped.\n";

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--version")) {
		printf("wcbench %s (results schema %d)\n", WCBENCH_VERSION, SCHEMA_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(cmd, "vm"))
		return cmd_vm(argc - 1, argv + 1);
	if (!strcmp(cmd, "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(cmd, "plot"))
		return cmd_plot(argc - 1, argv + 1);
	if (!strcmp(cmd, "guest"))
		return cmd_guest(argc - 1, argv + 1);
	if (!strcmp(cmd, "guest-import")) /* internal to guest/run: not in the list above */
		return cmd_guest_import(argc - 1, argv + 1);
	if (!strcmp(cmd, "schema")) {
		schema_write_markdown(stdout);
		return 0;
	}
	fprintf(stderr, "wcbench: unknown command '%s' (see: wcbench --help)\n", cmd);
	return EXIT_USAGE;
}
