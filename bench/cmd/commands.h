/* Subcommands of the wcbench CLI. Each returns the process exit code:
 * 0 ok, 1 failure (or, for compare, a regression), 2 bad usage, 77 skipped. */
#ifndef WCBENCH_COMMANDS_H
#define WCBENCH_COMMANDS_H

#include "common/exit_codes.h"

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
#endif
