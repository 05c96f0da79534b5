/* The process exit codes every subcommand returns, and the helpers below cmd/ that produce one
 * (cli_error): 0 ok, 1 failure (or, for compare, a regression), 2 bad usage, 77 skipped (the
 * automake convention test runners know). */
#ifndef WCBENCH_COMMON_EXIT_CODES_H
#define WCBENCH_COMMON_EXIT_CODES_H

#define EXIT_USAGE 2
#define EXIT_SKIP 77
#endif
