/* What the subcommands print: one line per message, escaped for the terminal. */
#ifndef WCBENCH_COMMON_CLI_H
#define WCBENCH_COMMON_CLI_H

#include <stdio.h>

/* "wcbench CMD: message" on stderr, one line (esc_terminal: a value quoted from a file cannot
 * break it); returns EXIT_USAGE (2). */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line to a terminal (f: stdout or stderr): the formatted text through esc_terminal and a
 * newline, for messages and lines that quote anything read from a file, a guest or a device. */
void cli_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
