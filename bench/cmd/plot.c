/* wcbench plot RUN [-o DIR]: draw (again) the plots of a results directory or CSV. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/cli.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "render/gnuplot.h"
#include "render/plot.h"
#include "results/resultset.h"
#include "results/run_dir.h"

/* What plot's rows fill. */
struct plot_args {
	const char *out;
	bool help, man;
};

#define PLOT_OPT(field) offsetof(struct plot_args, field)
static const struct opt_row plot_option_rows[] = {
	{ .name = "out", .short_name = 'o', .type = OPT_STRING, .off = PLOT_OPT(out), .metavar = "DIR",
	  .help = "where the plots go (default: the run's directory)" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = PLOT_OPT(help), .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = PLOT_OPT(man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table plot_option_table = OPT_TABLE(plot_option_rows);

const struct opt_command plot_cli = {
	.name = "plot",
	.summary = "draw the plots of a results directory (again) from its CSV",
	.usage = "plot RUN [-o DIR]",
	.description =
		"Draws the plots of a run from its CSV alone: RUN is a results directory or a\n"
		"results.csv. Writes gbps_vs_size.png/.svg and barrier_cost.png/.svg/.csv (from\n"
		"throughput rows) and latency_cdf.png/.svg (from latency rows) into DIR\n"
		"(default: the run's directory). For runs made with --no-plot, resumed runs, or\n"
		"results brought back from a guest.\n"
		"A figure shows at most 12 panels, 16 series a panel and 6000 points; what is\n"
		"left out is said on a line of its own and in the figure's title. gnuplot is\n"
		"killed after 120 s (WCBENCH_GNUPLOT_TIMEOUT). No file is written through a\n"
		"symbolic link or into a file with other hard links; each figure is whole.",
	.tables = (const struct opt_table *const[]){ &plot_option_table },
	.ntables = 1,
	.operands = OPERANDS_AFTER,
	.exit_label = "exit status:",
	.exit = "0 drawn; 1 gnuplot missing, failed or too slow, no ok row, a link\n"
		"planted in DIR, or DIR in use by a run; 2 bad input\n"
		"(a damaged or foreign CSV, DIR cannot be made), nothing written.",
	.help_column = 20,
};

int cmd_plot(int argc, char **argv)
{
	struct plot_args a = { 0 };
	char err[1024] = "";
	int first;
	if (opt_parse(&plot_cli, (void *const[]){ &a }, argc, argv, &first, err, sizeof err))
		return cli_error("plot", "%s", err);
	if (a.help || a.man) {
		(a.help ? opt_write_help : opt_write_man)(&plot_cli, stdout);
		return 0;
	}
	if (argc - first > 1)
		return cli_error("plot", "one run at a time: unexpected '%s'", argv[first + 1]);
	const char *in = argc > first ? argv[first] : NULL, *out = a.out;
	if (!in)
		return cli_error("plot", "name a results directory or results.csv (see: wcbench plot --help)");
	struct result_set rs;
	if (rs_load(in, NULL, &rs, err, sizeof err))
		return cli_error("plot", "%s", err);
	/* the output directory only once the input is known to be good */
	const char *dir = out ? out : rs.dir;
	static const char *const plot_outputs[] = {
		"gbps_vs_size.png", "gbps_vs_size.svg", "barrier_cost.png", "barrier_cost.svg",
		"barrier_cost.csv", "latency_cdf.png", "latency_cdf.svg", "gnuplot.log", NULL,
	};
	char oerr[PATH_MAX + 300];
	if (run_dir_check_output(out ? "-o" : "RUN", dir, plot_outputs, oerr, sizeof oerr)) {
		rs_free(&rs);
		return cli_error("plot", "%s", oerr);
	}
	int rc = make_dirs(dir);
	if (rc) {
		rs_free(&rs);
		return cli_error("plot", "-o %s: cannot create the directory: %s", dir, strerror(-rc));
	}
	/* one writer per directory, as for run: what a killed writer left there is then ours to sweep */
	int lock = run_dir_lock(dir, err, sizeof err);
	rc = lock < 0 ? lock : 0;
	char note[600] = "";
	if (!rc) {
		safe_sweep_leftovers(dir, true);
		gp_stop_on_signals();
		rc = plot_run(&rs, dir, note, sizeof note, err, sizeof err);
	}
	if (rc) {
		fprintf(stderr, "wcbench plot: %s\n", err);
	} else {
		char drawn[2 * PATH_MAX];
		plot_run_describe(dir, drawn, sizeof drawn);
		printf("plots: %s\n", drawn);
		if (note[0])
			printf("plots: %s\n", note);
	}
	if (lock >= 0)
		close(lock);
	rs_free(&rs); /* dir may point into it */
	return rc ? 1 : 0;
}
