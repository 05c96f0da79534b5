/* wcbench plot RUN [-o DIR]: draw (again) the plots of a results directory or CSV. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/util.h"
#include "render/plot.h"

int cmd_plot(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: wcbench plot RUN [-o DIR]\n"
			       "Draws the plots of a run from its CSV alone: RUN is a results directory or a\n"
			       "results.csv. Writes gbps_vs_size.png/.svg and barrier_cost.png/.svg/.csv into DIR\n"
			       "(default: the run's directory). For runs made with --no-plot, resumed runs, or\n"
			       "results brought back from a guest.\n");
			return 0;
		}
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) {
			if (++i == argc)
				return cli_error("plot", "%s needs a directory", argv[i - 1]);
			out = argv[i];
		} else if (argv[i][0] == '-') {
			return cli_error("plot", "unknown option '%s' (see: wcbench plot --help)", argv[i]);
		} else if (in) {
			return cli_error("plot", "one run at a time: unexpected '%s'", argv[i]);
		} else {
			in = argv[i];
		}
	}
	if (!in)
		return cli_error("plot", "name a results directory or results.csv (see: wcbench plot --help)");
	char csv[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	if (stat(in, &st))
		return cli_error("plot", "%s: %s", in, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		snprintf(csv, sizeof csv, "%s/results.csv", in);
		snprintf(dir, sizeof dir, "%s", in);
	} else {
		snprintf(csv, sizeof csv, "%s", in);
		const char *slash = strrchr(in, '/');
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - in) : 1, slash ? in : ".");
	}
	if (access(csv, R_OK))
		return cli_error("plot", "%s: %s", csv, strerror(errno));
	if (out) {
		int rc = make_dirs(out);
		if (rc)
			return cli_error("plot", "cannot create %s: %s", out, strerror(-rc));
		snprintf(dir, sizeof dir, "%s", out);
	}
	char err[256];
	int rc = plot_run_dir(csv, dir, err, sizeof err);
	if (rc) {
		fprintf(stderr, "wcbench plot: %s\n", err);
		return rc == -EINVAL ? EXIT_USAGE : 1;
	}
	char cost[PATH_MAX + 20];
	snprintf(cost, sizeof cost, "%s/barrier_cost.png", dir);
	printf("plots: %s/gbps_vs_size.png (.svg)%s\n", dir,
	       access(cost, F_OK) ? "" : ", barrier_cost.png (.svg)");
	return 0;
}
