/*
 * `wcbench report -o DIR RUN...`: one HTML page (and its Markdown twin) comparing the runs of
 * several machines, or host and guest of one machine. The rows are grouped into machines by
 * results/machines.c, the figures drawn by render/report_figures.c, the page written by
 * render/report_page.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/commands.h"
#include "check/verdict_io.h"
#include "common/cli.h"
#include "common/escape.h"
#include "common/safe_file.h"
#include "common/data_dir.h"
#include "common/util.h"
#include "render/gnuplot.h"
#include "results/run_dir.h"
#include "render/plot.h"
#include "render/report_page.h"
#include "common/json.h"
#include "results/machines.h"
#include "results/resultset.h"

static const char report_description[] =
"Make a report comparing runs of `wcbench run` from different machines, or the host and a\n"
"guest of one machine. Each RUN is a result directory (holding results.csv, and optionally\n"
"metadata.json) or a results CSV file. Only the CSV is needed: the report can be made\n"
"anywhere. Rows are grouped into machines by (cpu_model, os_release, env, arch, run_id),\n"
"named M1, M2... in the order given.\n"
"\n"
"Writes, into DIR:\n"
"  index.html             the report: self-contained (inline CSS, relative links, no scripts)\n"
"  report.md              the same in Markdown\n"
"  best_vs_size.png/.svg  GB/s vs burst size, one panel per machine side by side: for each\n"
"                         memory type the kernel+barrier that reached the highest GB/s\n"
"  barrier_cost_all.png/.svg  added ns per 64-byte burst for each barrier, every machine\n"
"  best_vs_size.csv, barrier_cost_all.csv  the data of those two figures\n"
"  <machine>/             per machine: its rows (results.csv) and the plots of `wcbench run`\n"
"                         (gbps_vs_size, barrier_cost; PNG and SVG)\n"
"The page has: a table of the machines (CPU, kernel, env, timer, hypervisor when\n"
"metadata.json says); when a run directory holds the verdict.json of `wcbench check` (of\n"
"the same run and env as the rows), a table of its verdicts (target, map, memory type\n"
"requested and probed, verdict, rule, first advice); the memory types each one saw\n"
"(requested, as the OS reports it, how many cases ran or faulted), the best kernel+barrier\n"
"per memory type and machine, and the figures. Every figure's caption says the drain mode,\n"
"the timer, the statistic (median of N samples, p10-p90 bars) and that GB/s = 10^9 bytes/s.";

static const char report_exit[] =
"0 written; 1 written, but a figure could not be made (gnuplot missing or\n"
"failed: the page says which); 2 bad input (no RUN, no results.csv, another schema\n"
"version, a damaged row, a verdict.json that cannot be read, DIR cannot be created),\n"
"nothing written.";

static const char *const report_examples[] = {
	"wcbench report -o report results/hostA results/hostB",
	"wcbench report -o kvm-cost --title 'host vs guest' results/host results/guest",
	NULL,
};

/* What report's rows fill. */
struct report_args {
	const char *outdir, *title;
	bool help, man;
};

#define REPORT_OPT(field) offsetof(struct report_args, field)
static const struct opt_row report_option_rows[] = {
	{ .name = "out", .short_name = 'o', .type = OPT_STRING, .off = REPORT_OPT(outdir), .metavar = "DIR",
	  .help = "where to write (created; files in it are overwritten)" },
	{ .name = "title", .type = OPT_STRING, .off = REPORT_OPT(title), .metavar = "TEXT", .def = "wcbench report",
	  .help = "the report's title (default: \"wcbench report\")" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = REPORT_OPT(help), .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = REPORT_OPT(man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table report_option_table = OPT_TABLE(report_option_rows);

const struct opt_command report_cli = {
	.name = "report",
	.summary = "an HTML/Markdown report comparing machines",
	.usage = "report -o DIR [OPTIONS] RUN...",
	.description = report_description,
	.tables = (const struct opt_table *const[]){ &report_option_table },
	.ntables = 1,
	.operands = OPERANDS_STOP,
	.exit_label = "exit status:",
	.exit = report_exit,
	.examples_label = "examples:",
	.examples = report_examples,
	.help_column = 20,
};

static const char *const report_required[] = {
	"run_id", "env", "arch", "cpu_model", "os_release", "target", "target_kind", "memtype",
	"kernel", "barrier", "barrier_every", "burst_bytes", "threads", "drain", "timer", "samples",
	"status", "ns_per_burst_median", "gb_per_s_median", "gb_per_s_p10", "gb_per_s_p90", NULL
};

/*
 * The verdict.json in each run's directory (vf[k] for rs[k]; -ENOENT: none) and, per machine,
 * the one of its run and env (mv[i], NULL where none). A file that cannot be read is bad input
 * (-EINVAL, said); one that belongs to no machine here is named in a note.
 */
static int load_verdicts(const struct result_set *rs, size_t nruns, struct verdict_file *vf,
			 const struct report_machine *ms, size_t nm, const struct verdict_file **mv)
{
	char err[PATH_MAX + 400];
	for (size_t k = 0; k < nruns; k++) {
		int rc = verdict_json_read(rs[k].dir, &vf[k], err, sizeof err);
		if (rc && rc != -ENOENT) {
			cli_error("report", "%s", err);
			return rc;
		}
	}
	for (size_t i = 0; i < nm; i++)
		for (size_t k = 0; k < nruns && !mv[i]; k++)
			if (ms[i].rs == &rs[k] && vf[k].e && !strcmp(vf[k].run_id, ms[i].run_id) &&
			    !strcmp(vf[k].env, ms[i].env))
				mv[i] = &vf[k];
	for (size_t k = 0; k < nruns; k++) {
		bool used = false;
		for (size_t i = 0; i < nm; i++)
			used = used || mv[i] == &vf[k];
		if (vf[k].e && !used) {
			cli_line(stderr, "wcbench report: note: %s/verdict.json is of run '%s' env '%s', which no "
				 "rows beside it are from: not shown", rs[k].dir, vf[k].run_id, vf[k].env);
		}
	}
	return 0;
}

/* What was written, warnings for figures not made. 0, or 1 when a figure is missing. */
static int print_result(const char *outdir, const struct report_machine *ms, size_t nm, const struct fig *fbest,
			const struct fig *fcost, size_t ncost)
{
	/* a figure of GB/s is missing only where there were throughput rows to draw it from (a
	 * latency-only run has its latency_cdf instead) */
	size_t throughput = 0;
	for (size_t i = 0; i < nm; i++)
		throughput += ms[i].nthroughput_ok;
	int missing = (throughput && !fbest->ok) || (!fcost->ok && ncost);
	for (size_t i = 0; i < nm; i++)
		if (!ms[i].has_gbps && ms[i].nthroughput_ok)
			missing = 1;
	if (!fbest->ok)
		cli_line(stderr, "wcbench report: %s: figure 1 not made: %s", throughput ? "warning" : "note",
			 fbest->err);
	if (!fcost->ok)
		cli_line(stderr, "wcbench report: %s: figure 2 not made: %s", ncost ? "warning" : "note", fcost->err);
	for (size_t i = 0; i < nm; i++)
		if (ms[i].plot_err[0])
			cli_line(stderr, "wcbench report: %s: %s plots: %s", ms[i].nthroughput_ok ? "warning" : "note",
				 ms[i].tag, ms[i].plot_err);
	/* each piece escaped as it enters the line: a name cut short cannot eat the ones after it */
	struct sbuf line = { 0 };
	sb_esc(&line, esc_terminal, outdir);
	sb_printf(&line, "/index.html: %zu machines", nm);
	for (size_t i = 0; i < nm; i++) {
		sb_printf(&line, "%s ", i ? "," : ":");
		sb_esc(&line, esc_terminal, ms[i].tag);
		sb_printf(&line, " = ");
		sb_esc(&line, esc_terminal, ms[i].shortname);
		sb_printf(&line, " (");
		sb_esc(&line, esc_terminal, ms[i].cpu_model);
		sb_printf(&line, ", %zu rows)", ms[i].n);
	}
	printf("%s\n", line.s ? line.s : "");
	sb_free(&line);
	cli_line(stdout, "%s/report.md", outdir);
	return missing;
}

/* The options into a; -1 to go on, else the exit code (help: 0, bad usage: 2). */
static int parse_options(int argc, char **argv, struct report_args *a, int *first)
{
	char err[512];
	if (opt_parse(&report_cli, (void *const[]){ a }, argc, argv, first, err, sizeof err))
		return cli_error("report", "%s", err);
	if (a->help || a->man) {
		(a->help ? opt_write_help : opt_write_man)(&report_cli, stdout);
		return 0;
	}
	if (!a->outdir)
		return cli_error("report", "no output directory: give -o DIR (wcbench report --help)");
	return -1;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	int first = 1; /* the first RUN */
	int done = parse_options(argc, argv, &a, &first);
	if (done >= 0)
		return done;
	const char *outdir = a.outdir, *title = a.title;
	static const char *const report_outputs[] = {
		"index.html", "report.md", "best_vs_size.png", "best_vs_size.svg", "best_vs_size.csv",
		"best_vs_size-gnuplot.log", "barrier_cost_all.png", "barrier_cost_all.svg",
		"barrier_cost_all.csv", "barrier_cost_all-gnuplot.log", NULL,
	};
	char oerr[PATH_MAX + 300];
	if (run_dir_check_output("-o", outdir, report_outputs, oerr, sizeof oerr))
		return cli_error("report", "%s", oerr);
	size_t nruns = (size_t)(argc - first);
	if (!nruns)
		return cli_error("report", "no RUN given: name one or more result directories or results CSV files (wcbench report --help)");

	int ret = EXIT_USAGE;
	struct result_set *rs = calloc(nruns, sizeof *rs);
	struct verdict_file *vf = calloc(nruns, sizeof *vf);
	const struct verdict_file **mv = NULL;
	struct report_machine *ms = NULL;
	size_t nm = 0;
	char err[1024];
	if (!rs || !vf) {
		free(rs);
		free(vf);
		return cli_error("report", "out of memory");
	}
	for (size_t k = 0; k < nruns; k++) {
		if (rs_load(argv[first + (int)k], report_required, &rs[k], err, sizeof err)) {
			cli_error("report", "%s", err);
			goto done;
		}
		if (!rs[k].nrows) {
			cli_error("report", "%s: header only, no rows", rs[k].csv_path);
			goto done;
		}
	}
	if (machines_group(rs, nruns, &ms, &nm, err, sizeof err)) {
		cli_error("report", "%s", err);
		goto done;
	}
	mv = calloc(nm ? nm : 1, sizeof *mv);
	if (!mv) {
		cli_error("report", "out of memory");
		goto done;
	}
	if (load_verdicts(rs, nruns, vf, ms, nm, mv))
		goto done;
	/* the inputs are good: now the output directory */
	int rc = make_dirs(outdir);
	if (rc) {
		cli_error("report", "-o %s: cannot create the directory: %s", outdir, strerror(-rc));
		goto done;
	}
	/* its files were checked with the options (run_dir_check_output); each is written through
	 * safe_file, which refuses a link planted since */
	safe_sweep_leftovers(outdir, false); /* no lock here: only dead writers' leftovers */
	gp_stop_on_signals();
	if (!plot_script_dir())
		cli_line(stderr, "wcbench report: warning: plot scripts not found (set WCBENCH_PLOTS): no figures");
	for (size_t i = 0; i < nm; i++)
		report_machine_plots(outdir, &ms[i]);
	struct fig fbest = { .base = "best_vs_size" }, fcost = { .base = "barrier_cost_all" };
	report_fig_best(outdir, ms, nm, &fbest);
	size_t ncost = 0;
	report_fig_barrier_cost(outdir, ms, nm, &fcost, &ncost);
	if (report_write_page(outdir, title, ms, nm, nruns, mv, &fbest, &fcost, err, sizeof err)) {
		cli_line(stderr, "wcbench report: %s", err);
		ret = 1;
		goto done;
	}
	ret = print_result(outdir, ms, nm, &fbest, &fcost, ncost);
done:
	machines_free(ms, nm);
	free(mv);
	for (size_t i = 0; i < nruns; i++) {
		rs_free(&rs[i]); /* zeroed where not loaded */
		verdict_file_free(&vf[i]);
	}
	free(rs);
	free(vf);
	return ret;
}
