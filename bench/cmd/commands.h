/* Subcommands of the wcbench CLI. Each returns the process exit code:
 * 0 ok, 1 failure (or, for compare, a regression), 2 bad usage, 77 skipped. */
#ifndef WCBENCH_CMD_COMMANDS_H
#define WCBENCH_CMD_COMMANDS_H

#include "common/exit_codes.h"
#include "common/options.h"

struct sweep_hooks;
/* run's options (argv[0] the command's name), then the sweep under h. Returns the exit code. */
int run_options_sweep(int argc, char **argv, const struct sweep_hooks *h);
/* The exit status of a sweep's or a check's end (sweep/sweep.h's enum sweep_end). */
int sweep_exit_status(int end);

/* argv[0] is the subcommand name itself. */
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_guest(int argc, char **argv);
int cmd_guest_import(int argc, char **argv); /* internal to guest/run */
int cmd_plot(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_vm(int argc, char **argv);

/* Each command's options, --help and man page (common/options.h). */
extern const struct opt_command run_cli, list_cli, compare_cli, report_cli, check_cli, vm_cli, probe_cli,
	plot_cli, guest_cli;
#endif
