#include <stdarg.h>
#include <stdio.h>

#include "common/cli.h"
#include "common/escape.h"
#include "common/exit_codes.h"

static void vline(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
	char raw[8192], shown[4 * sizeof raw];
	vsnprintf(raw, sizeof raw, fmt, ap);
	/* messages quote names and values from files and guests: escaped here, where they reach
	 * the terminal, so none of them starts a line or an escape sequence */
	esc_terminal(shown, sizeof shown, raw);
	fprintf(f, "%s%s\n", prefix, shown);
}

void cli_line(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vline(f, "", fmt, ap);
	va_end(ap);
}

int cli_error(const char *cmd, const char *fmt, ...)
{
	char prefix[64];
	snprintf(prefix, sizeof prefix, "wcbench %s: ", cmd);
	va_list ap;
	va_start(ap, fmt);
	vline(stderr, prefix, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}
