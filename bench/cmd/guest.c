/*
 * wcbench guest: hands over to the launcher script guest/run (QEMU orchestration lives in shell),
 * found in $WCBENCH_GUEST_DIR, <exe dir>/guest or <exe dir>/../share/wcbench/guest. The launcher
 * learns where this binary is from $WCBENCH_EXE, to find the static wcbench-<arch> beside it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "render/plot.h"

int cmd_guest(int argc, char **argv)
{
	char run[PATH_MAX], exe[PATH_MAX];
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
