/*
 * wcbench guest: hands over to the launcher script guest/run (QEMU orchestration lives in shell),
 * found in $WCBENCH_GUEST_DIR, <exe dir>/guest or <exe dir>/../share/wcbench/guest. The launcher
 * learns where this binary is from $WCBENCH_EXE, to find the static wcbench-<arch> beside it.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/cli.h"
#include "common/parse.h"
#include "common/util.h"
#include "common/data_dir.h"
#include "results/guest_import.h"

/* guest's options are its launcher's (guest/run, in shell): --help is the launcher's; these rows
 * say only what the binary itself answers. */
static const struct opt_row guest_option_rows[] = {
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .help = "the launcher's options (guest/run)" },
	{ .name = "man", .type = OPT_FLAG, .help = "this page (roff)" },
};
static const struct opt_table guest_option_table = OPT_TABLE(guest_option_rows);

const struct opt_command guest_cli = {
	.name = "guest",
	.summary = "boot a Linux guest with QEMU and run wcbench inside it",
	.usage = "guest [launcher options] [-- run|vm|check ARGS...]",
	.description =
		"Hands over to the guest launcher (guest/run, found in $WCBENCH_GUEST_DIR, beside this\n"
		"binary, or in <prefix>/share/wcbench/guest): it boots a Linux guest with QEMU, passes\n"
		"the devices through, runs wcbench inside and takes its results back into --out DIR.\n"
		"The launcher's options are listed by `wcbench guest --help`.",
	.tables = (const struct opt_table *const[]){ &guest_option_table },
	.ntables = 1,
	.operands = OPERANDS_AFTER,
	.exit_label = "Exit:",
	.exit = "the launcher's (wcbench guest --help); 1 when the launcher is not installed.",
	.help_column = 20,
};

int cmd_guest(int argc, char **argv)
{
	char run[PATH_MAX], exe[PATH_MAX];
	if (argc == 2 && !strcmp(argv[1], "--man")) {
		opt_write_man(&guest_cli, stdout);
		return 0;
	}
	const char *dir = getenv("WCBENCH_GUEST_DIR");
	if (!dir || !*dir)
		dir = wc_data_dir("guest");
	if (!dir || snprintf(run, sizeof run, "%s/run", dir) >= (int)sizeof run || access(run, X_OK)) {
		fprintf(stderr,
			"wcbench guest: the guest launcher (guest/run) is not installed beside this binary: "
			"run it from the source tree, `make install`, or set WCBENCH_GUEST_DIR\n");
		return 1;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		setenv("WCBENCH_EXE", exe, 1);
	}
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (!args)
		return 1;
	args[0] = run;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	fflush(NULL);
	execv(run, args);
	int e = errno;
	fprintf(stderr, "wcbench guest: cannot run %s: %s\n", run, strerror(e));
	free(args);
	return 1;
}

static void say_refused(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "%s\n", line);
}

/*
 * wcbench guest-import --from SERIAL --out DIR: the launcher's (guest/run) import of what a guest
 * sent back; internal, not in the main --help.
 */
int cmd_guest_import(int argc, char **argv)
{
	const char *from = NULL, *out = NULL;
	struct guest_import_limits lim;
	guest_import_default_limits(&lim);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("usage: wcbench guest-import --from SERIAL --out DIR [--max-files N] [--max-file-size SIZE]\n"
			       "                            [--max-total-size SIZE]\n"
			       "Internal to `wcbench guest`: takes the results a guest wrote to its serial port\n"
			       "(base64 of a ustar stream between WCBENCH-OUT-BEGIN/END lines) into DIR: regular\n"
			       "files under guest/ into DIR/guest/, under run/ into DIR/, names of\n"
			       "[A-Za-z0-9._-] not starting with '.', at most %d levels deep, at most %d files of\n"
			       "%llu MiB each and %llu MiB in all (the defaults), written as new 0644 files\n"
			       "through no link. Links, devices, FIFOs, long names, pax headers and other names\n"
			       "are refused, one line each. A corrupt stream is refused whole and kept as\n"
			       "DIR/guest/serial.txt.\n"
			       "exit status: 0 all taken; 1 something refused, or no results, or a corrupt\n"
			       "stream; 2 bad usage.\n",
			       GUEST_IMPORT_MAX_DEPTH, GUEST_IMPORT_MAX_FILES, GUEST_IMPORT_MAX_FILE_BYTES >> 20,
			       GUEST_IMPORT_MAX_TOTAL_BYTES >> 20);
			return 0;
		}
		if (i + 1 == argc)
			return cli_error("guest-import", "%s: unknown option or missing value", a);
		const char *v = argv[++i];
		size_t n;
		if (!strcmp(a, "--from")) {
			from = v;
		} else if (!strcmp(a, "--out")) {
			out = v;
		} else if (!strcmp(a, "--max-files") || !strcmp(a, "--max-file-size") || !strcmp(a, "--max-total-size")) {
			if (parse_size(v, &n) || !n)
				return cli_error("guest-import", "%s %s: not a positive size", a, v);
			if (!strcmp(a, "--max-files")) {
				if (n > UINT32_MAX)
					return cli_error("guest-import", "%s %s: too many", a, v);
				lim.max_files = (unsigned)n;
			} else if (!strcmp(a, "--max-file-size")) {
				lim.max_file_bytes = n;
			} else {
				lim.max_total_bytes = n;
			}
		} else {
			return cli_error("guest-import", "unknown option '%s' (see: wcbench guest-import --help)", a);
		}
	}
	if (!from || !out)
		return cli_error("guest-import", "--from SERIAL and --out DIR are required");
	char err[PATH_MAX + 1024] = "";
	struct guest_import_result res;
	int rc = guest_import(from, out, &lim, say_refused, NULL, &res, err, sizeof err);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (res.refused) {
		fprintf(stderr, "%u entr%s refused, %u file%s taken\n", res.refused, res.refused == 1 ? "y" : "ies",
			res.imported, res.imported == 1 ? "" : "s");
		return 1;
	}
	return 0;
}
