/*
 * `wcbench compare BASE NEW`: match the rows of two runs by case key and say, for each case,
 * whether NEW is slower or faster than BASE beyond the noise both rows measured themselves; and
 * when both runs hold a verdict.json, which target's verdict got worse.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "common/cli.h"
#include "common/escape.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "render/gnuplot.h"
#include "results/run_dir.h"
#include "measure/reference.h"
#include "check/verdict_compare.h"
#include "render/compare_out.h"
#include "common/json.h"
#include "results/keys.h"
#include "results/resultset.h"

static const char compare_description[] =
"Compare two runs of `wcbench run`. BASE and NEW are result directories (holding results.csv)\n"
"or results CSV files. Only the CSV is read: the runs may come from other machines.\n"
"\n"
"Rows are matched by their case key, the schema's case-key columns:\n"
"  %s\n"
"(--ignore drops some: e.g. --ignore target for BARs at other PCI addresses on another\n"
"machine). Cases found on one side only are listed\n"
"(only-in-BASE / only-in-NEW), never dropped silently. If a key repeats in one file, the\n"
"repeats are paired in file order and shown as #2, #3...\n"
"\n"
"For each pair: GB/s NEW/BASE (below 1 is slower) and ns per burst NEW/BASE (above 1 is\n"
"slower), from the medians. The change is judged against what each row measured itself: the\n"
"95%% confidence interval of its median (ns_per_burst_ci_lo/_hi, as GB/s) where both rows\n"
"have one (results schema 4, %u samples or more), else its p10-p90 GB/s range:\n"
"  REGRESSION   GB/s ratio <= 1 - T  and NEW's interval entirely below BASE's\n"
"  improvement  GB/s ratio >= 1 + T  and NEW's interval entirely above BASE's\n"
"  same         otherwise (the change is below T, or the intervals overlap)\n"
"  machine?     a REGRESSION or improvement the machine's own drift may explain (below)\n"
"where T is --threshold (default 5%%). Judged by p10-p90 (a row of schema 1 to 3, or with\n"
"fewer than %u samples), T is raised to T*sqrt(10/n) when the smaller of the two rows' sample\n"
"counts n is below 10: p10/p90 of a few samples say little; a confidence interval needs no\n"
"such raise, it widens by itself as n shrinks. Each line's note names the intervals that\n"
"decided. Rows of schema 1 to 3 read mode as throughput, so they pair with throughput rows;\n"
"a latency row never pairs with a throughput row (mode is part of the key).\n"
"A case whose status goes from ok to unsupported/fault/error, or from unsupported\n"
"to fault/error, is a STATUS-REGRESSION.\n"
"\n"
"Machine references: each run measures the machine itself before its first case and after its\n"
"last (every session, resumes included), with no target, on the CPU of the run's first case:\n"
"  core    %s stores into a %zu KiB L1-resident buffer, barrier none, no drain: the core's speed\n"
"  memory  %s stores in %zu KiB bursts streaming through its own %zu MiB anonymous buffer (the RAM\n"
"          default window, prefaulted): the path to DRAM, as the default sweep's cases use it\n"
"(taken only when that buffer can be had). The median ns per KiB and its 95%% CI are in\n"
"metadata.json (machine_reference). A line per kind above the table gives the machine's drift:\n"
"the range of NEW/BASE speed ratios over every pairing of a BASE reference with a NEW one of\n"
"that kind, widened by their CIs. The within-run intervals cannot see such drift (another\n"
"tenant, a frequency step, DRAM bandwidth taken by a neighbour).\n"
"Which reference speaks for a case:\n"
"%s"
"The machine rule:\n"
"%s"
"Without the reference that speaks for a case on both sides (a CSV alone, an earlier wcbench,\n"
"a damaged metadata.json) its verdict is the noise rule's. Neither reference sees a device's\n"
"PCIe path.\n"
"\n"
"The table lists the worst regressions first: status regressions, then regressions by GB/s\n"
"ratio, machine?, improvements, status changes and one-sided cases.\n"
"\n"
"Verdicts: when BASE and NEW both hold a verdict.json of `wcbench check` (of the same run as\n"
"their rows), their targets are paired by target and map (--ignore target / map drop those)\n"
"and listed after the cases. A verdict that got worse (works < degraded < broken) is a\n"
"VERDICT-REGRESSION; unknown on either side is not-comparable, never a regression. With\n"
"--format csv they are not in the CSV: regressions are named on stderr, and -o DIR writes\n"
"them all to DIR/compare-verdicts.csv.";

static const char compare_exit[] =
"0 nothing regressed beyond noise (machine? is not a regression), 1 something did\n"
"(a case or a verdict), 2 bad input (missing file, a later schema version, missing column,\n"
"damaged row, no case in common, a verdict.json that cannot be read). An ok row whose median\n"
"is nan, inf, empty, 0 or negative (or whose p10 or p90 is such a number) is a damaged row:\n"
"its case cannot be judged, and compare says which (file and line) and exits 2, never 0.";

static const char *const compare_examples[] = {
	"wcbench compare results/before results/after",
	"wcbench compare --threshold 10 --format md -o cmp base.csv new.csv",
	"wcbench compare --ignore env results/host results/guest",
	NULL,
};

/* The verdict.json of both runs, when both have one. */
struct verdicts {
	struct verdict_file base, nw;
	bool compared;
	char note[600];          /* why they were not compared, when only one run has one */
	struct verdict_pair *p;
	size_t n, count[VC_COUNT];
};

/* A run's verdict.json (beside its rows): 1 read, 0 none, or one of another run (a note on
 * stderr), -1 refused (said: exit 2). */
static int load_verdict_file(const char *side, const struct result_set *rs, struct verdict_file *vf)
{
	char err[PATH_MAX + 400];
	int rc = verdict_json_read(rs->dir, vf, err, sizeof err);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		cli_error("compare", "%s %s", side, err);
		return -1;
	}
	for (size_t i = 0; i < rs->nrows; i++)
		if (!strcmp(rs->rows[i].run_id, vf->run_id))
			return 1;
	cli_line(stderr, "wcbench compare: note: %s %s/verdict.json is of run '%s', not of the rows beside it: "
		 "its verdicts are not compared", side, rs->dir, vf->run_id);
	verdict_file_free(vf);
	return 0;
}

/* Both verdict.json read and paired, or a note on why not. 0, or the exit code (2). */
static int load_verdicts(const struct result_set *base, const struct result_set *nw, unsigned ignore,
			 struct verdicts *vd)
{
	int hb = load_verdict_file("BASE", base, &vd->base);
	int hn = hb < 0 ? 0 : load_verdict_file("NEW", nw, &vd->nw);
	if (hb < 0 || hn < 0)
		return EXIT_USAGE;
	if (hb != hn)
		snprintf(vd->note, sizeof vd->note, "note: only %s holds a verdict.json: verdicts not compared",
			 hb ? "BASE" : "NEW");
	if (!hb || !hn)
		return 0;
	if (compare_verdicts(&vd->base, &vd->nw, ignore, &vd->p, &vd->n, vd->count))
		return cli_error("compare", "out of memory");
	vd->compared = true;
	return 0;
}

/* --format csv has no room for verdicts: a regression is named on stderr. */
static void say_verdict_regressions(const struct verdicts *vd)
{
	for (size_t i = 0; vd->compared && i < vd->n; i++) {
		if (vd->p[i].c != VC_WORSE)
			continue;
		cli_line(stderr, "wcbench compare: VERDICT-REGRESSION %s (%s): %s -> %s", vd->p[i].b->target,
			 vd->p[i].b->map, verdict_name(vd->p[i].b->verdict), verdict_name(vd->p[i].n->verdict));
	}
}

static void free_verdicts(struct verdicts *vd)
{
	verdict_file_free(&vd->base);
	verdict_file_free(&vd->nw);
	free(vd->p);
}

/* A run's machine references: those of the metadata.json beside its rows, when that file is of
 * the same run (else none, saying so). Read as a hostile file: anything wrong is "none". */
static void load_machine_refs(const struct result_set *rs, struct machine_refs *mr)
{
	metadata_read_machine_refs(rs->dir, mr);
	if (!mr->n)
		return;
	for (size_t i = 0; i < rs->nrows; i++)
		if (!strcmp(rs->rows[i].run_id, mr->run_id))
			return;
	/* raw: escaped where it is shown (compare_write_text) */
	mr->n = 0;
	snprintf(mr->why, sizeof mr->why, "its metadata.json is of run '%s', not of the rows beside it", mr->run_id);
}

static const char *run_name(const struct result_set *rs)
{
	const char *p = rs->csv_path;
	const char *s = strrchr(p, '/');
	if (s && !strcmp(s + 1, "results.csv")) {
		/* name the directory */
		const char *d = rs->dir;
		const char *t = strrchr(d, '/');
		return t && t[1] ? t + 1 : d;
	}
	return s ? s + 1 : p;
}

/* DIR/compare.{txt,md,csv} and the plot; 0, or -errno after saying what failed. */
static int write_outputs(const struct cmp_opts *o, const struct sbuf *out, const struct cmp_entry *e,
			 size_t ne, const struct result_set *base, const struct result_set *nw,
			 const struct verdicts *vd, const struct machine_drift drift[REF_KINDS])
{
	char path[4096], err[1024];
	const char *ext = o->fmt == FMT_CSV ? "csv" : o->fmt == FMT_MD ? "md" : "txt";
	snprintf(path, sizeof path, "%s/compare.%s", o->outdir, ext);
	int rc = write_file(path, out->s, out->len);
	if (!rc && o->fmt != FMT_CSV) {
		struct sbuf cs = { 0 };
		compare_write_csv(&cs, e, ne, o, drift);
		snprintf(path, sizeof path, "%s/compare.csv", o->outdir);
		rc = cs.oom ? -ENOMEM : write_file(path, cs.s, cs.len);
		sb_free(&cs);
	}
	if (!rc && vd->compared) {
		struct sbuf cs = { 0 };
		compare_write_verdicts_csv(&cs, vd->p, vd->n);
		snprintf(path, sizeof path, "%s/compare-verdicts.csv", o->outdir);
		rc = cs.oom ? -ENOMEM : write_file(path, cs.s, cs.len);
		sb_free(&cs);
	}
	if (rc) {
		cli_line(stderr, "wcbench compare: %s: %s", path, strerror(-rc));
		return rc;
	}
	/* the plot is an extra: without gnuplot the verdict still stands */
	if (compare_plot(e, ne, o, run_name(base), run_name(nw), err, sizeof err))
		cli_line(stderr, "wcbench compare: warning: plot not written: %s", err);
	return 0;
}

/* text as lines of at most width columns, each starting with indent: for --help. */
static void wrap(struct sbuf *b, const char *text, const char *indent, size_t width)
{
	size_t col = 0;
	while (*text) {
		size_t word = strcspn(text, " ");
		if (col && col + 1 + word > width) {
			sb_printf(b, "\n");
			col = 0;
		}
		sb_printf(b, "%s%.*s", col ? " " : indent, (int)word, text);
		col += (col ? 1 : strlen(indent)) + word;
		text += word;
		text += strspn(text, " ");
	}
	sb_printf(b, "\n");
}

static void compare_write_description(FILE *f)
{
	char keys[256], rule[1024], choice[1024];
	key_column_list(KEY_CASE, keys, sizeof keys);
	unsigned ci_n = ci_min_samples();
	machine_rule_text(-1, rule, sizeof rule);
	machine_ref_choice_text(choice, sizeof choice);
	struct sbuf wrapped = { 0 }, wrapped_choice = { 0 };
	wrap(&wrapped, rule, "  ", 94);
	wrap(&wrapped_choice, choice, "  ", 94);
	const struct ref_kind_desc *core = &ref_kinds[REF_CORE], *mem = &ref_kinds[REF_MEMORY];
	fprintf(f, compare_description, keys, ci_n, ci_n, reference_kernel_name(), core->buffer_bytes / 1024,
	       reference_kernel_name(), mem->burst_bytes / 1024, mem->buffer_bytes >> 20,
	       wrapped_choice.s ? wrapped_choice.s : choice, wrapped.s ? wrapped.s : rule);
	sb_free(&wrapped);
	sb_free(&wrapped_choice);
}

/* What compare's rows fill. */
struct compare_args {
	struct cmp_opts o;
	bool strict, all, help, man;
};

static int compare_threshold(void *opts, const char *v, char *err, size_t n)
{
	char *end;
	double t = strtod(v, &end);
	if (end != v && *end == '%')
		end++;
	if (end == v || *end || !(t >= 0) || t >= 100) {
		snprintf(err, n, "--threshold '%s': want a percentage in [0, 100), e.g. 5", v);
		return -EINVAL;
	}
	((struct compare_args *)opts)->o.thr = t;
	return 0;
}

static int compare_format(void *opts, const char *v, char *err, size_t n)
{
	struct cmp_opts *o = &((struct compare_args *)opts)->o;
	if (!strcmp(v, "text"))
		o->fmt = FMT_TEXT;
	else if (!strcmp(v, "csv"))
		o->fmt = FMT_CSV;
	else if (!strcmp(v, "md") || !strcmp(v, "markdown"))
		o->fmt = FMT_MD;
	else {
		snprintf(err, n, "--format '%s': want text, csv or md", v);
		return -EINVAL;
	}
	return 0;
}

static int compare_ignore(void *opts, const char *v, char *err, size_t n)
{
	unsigned bit = case_key_bit(v);
	if (!bit) {
		char names[256];
		key_column_list(KEY_CASE, names, sizeof names);
		snprintf(err, n, "--ignore '%s': not a case key column (%s)", v, names);
		return -EINVAL;
	}
	((struct compare_args *)opts)->o.ignore |= bit;
	return 0;
}

#define COMPARE_OPT(field) offsetof(struct compare_args, field)
static const struct opt_row compare_option_rows[] = {
	{ .name = "threshold", .type = OPT_DOUBLE, .metavar = "PCT", .def = "5", .parse = compare_threshold,
	  .help = "smallest change that counts, in percent (default 5)" },
	{ .name = "format", .type = OPT_ENUM, .metavar = "FMT", .parse = compare_format,
	  .help = "text (aligned table, default), md (Markdown, for reports and CI\n"
		  "summaries) or csv (every case, one line each, for scripts)" },
	{ .name = "all", .type = OPT_FLAG, .off = COMPARE_OPT(all),
	  .help = "list unchanged cases too in text and md (csv always lists all)" },
	{ .name = "ignore", .type = OPT_LIST, .metavar = "FIELDS", .parse = compare_ignore,
	  .help = "leave key fields out of the match, comma-separated (e.g. env, to\n"
		  "compare a host run with a guest run)" },
	{ .name = "strict", .type = OPT_FLAG, .off = COMPARE_OPT(strict),
	  .help = "cases (and targets) only in BASE count as regressions (they vanished)" },
	{ .name = "out", .short_name = 'o', .type = OPT_STRING, .off = COMPARE_OPT(o.outdir), .metavar = "DIR",
	  .help = "also write DIR/compare.{txt,md,csv} (the chosen format), the full CSV\n"
		  "DIR/compare.csv, and the plot DIR/compare.png and .svg (gnuplot): the\n"
		  "change of GB/s per case with the range its two intervals allow" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = COMPARE_OPT(help), .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = COMPARE_OPT(man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table compare_option_table = OPT_TABLE(compare_option_rows);

const struct opt_command compare_cli = {
	.name = "compare",
	.summary = "what got slower or faster between two runs (exit 1 on regression)",
	.usage = "compare [OPTIONS] BASE NEW",
	.write_description = compare_write_description,
	.tables = (const struct opt_table *const[]){ &compare_option_table },
	.ntables = 1,
	.operands = OPERANDS_STOP,
	.exit_label = "exit status:",
	.exit = compare_exit,
	.examples_label = "examples:",
	.examples = compare_examples,
	.help_column = 20,
};

/* Options into o; returns -1 to go on, else the exit code (help: 0, bad usage: 2). */
static int parse_options(int argc, char **argv, struct cmp_opts *o, int *first)
{
	struct compare_args a = { .o = { .fmt = FMT_TEXT } };
	char err[512];
	if (opt_parse(&compare_cli, (void *const[]){ &a }, argc, argv, first, err, sizeof err))
		return cli_error("compare", "%s", err);
	if (a.help || a.man) {
		(a.help ? opt_write_help : opt_write_man)(&compare_cli, stdout);
		return 0;
	}
	*o = a.o;
	o->strict = a.strict;
	o->all = a.all;
	if (argc - *first != 2)
		return cli_error("compare", "want two runs, BASE and NEW, got %d (wcbench compare --help)",
				 argc - *first);
	return -1;
}

/* The output directory, once the inputs are good, before anything is printed. 0 or exit 2. */
static int prepare_outdir(const char *outdir)
{
	int rc = make_dirs(outdir);
	if (rc)
		return cli_error("compare", "-o %s: cannot create the directory: %s", outdir, strerror(-rc));
	/* its files were checked with the options (run_dir_check_output); each is written
	 * through safe_file, which refuses a link planted since */
	safe_sweep_leftovers(outdir, false); /* no lock here: only dead writers' leftovers */
	gp_stop_on_signals();
	return 0;
}

/* The machine references of both runs, and the drift of each kind. 0, or -ENOMEM. */
static int load_drift(const struct result_set *base, const struct result_set *nw,
		      struct machine_drift drift[REF_KINDS])
{
	struct machine_refs *refs = malloc(2 * sizeof *refs);
	if (!refs)
		return -ENOMEM;
	load_machine_refs(base, &refs[0]);
	load_machine_refs(nw, &refs[1]);
	for (int k = 0; k < REF_KINDS; k++)
		machine_drift_of(&refs[0], &refs[1], (enum ref_kind)k, &drift[k]);
	free(refs);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_opts o;
	int first = 1; /* BASE */
	int done = parse_options(argc, argv, &o, &first);
	if (done >= 0)
		return done;

	char err[1024];
	static const char *const compare_outputs[] = {
		"compare.txt", "compare.md", "compare.csv", "compare-verdicts.csv", "compare-plot.csv",
		"compare.png", "compare.svg", "compare-gnuplot.log", NULL,
	};
	if (o.outdir && run_dir_check_output("-o", o.outdir, compare_outputs, err, sizeof err))
		return cli_error("compare", "%s", err);
	struct result_set base, nw;
	if (rs_load(argv[first], NULL, &base, err, sizeof err))
		return cli_error("compare", "BASE %s", err);
	if (rs_load(argv[first + 1], NULL, &nw, err, sizeof err)) {
		rs_free(&base);
		return cli_error("compare", "NEW %s", err);
	}
	int ret = EXIT_USAGE;
	struct cmp_entry *e = NULL;
	size_t ne = 0;
	struct sbuf out = { 0 };
	struct cmp_counts cnt;
	struct verdicts vd = { 0 };
	struct machine_drift drift[REF_KINDS];
	if (!base.nrows || !nw.nrows) {
		cli_error("compare", "%s %s: header only, no rows", base.nrows ? "NEW" : "BASE",
			  base.nrows ? nw.csv_path : base.csv_path);
		goto done;
	}
	if (compare_check_rows(&base, "BASE", err, sizeof err) || compare_check_rows(&nw, "NEW", err, sizeof err)) {
		cli_error("compare", "%s", err);
		goto done;
	}
	if (load_verdicts(&base, &nw, o.ignore, &vd))
		goto done;
	if (load_drift(&base, &nw, drift) || compare_runs(&base, &nw, o.ignore, o.thr, &e, &ne, &cnt)) {
		cli_error("compare", "out of memory");
		goto done;
	}
	compare_apply_machine_drift(e, ne, &cnt, drift, o.thr);
	if (!cnt.paired) {
		char nb[200], nn[200];
		row_case_name(&base.rows[0], nb, sizeof nb);
		row_case_name(&nw.rows[0], nn, sizeof nn);
		cli_error("compare", "no case in common between BASE (%zu rows, e.g. '%s') and NEW (%zu rows, e.g. '%s')%s",
			  base.nrows, nb, nw.nrows, nn,
			  strcmp(base.rows[0].env, nw.rows[0].env) ? "; different env: try --ignore env" : "");
		goto done;
	}
	/* inputs are good: now the output directory, before anything is printed */
	if (o.outdir && prepare_outdir(o.outdir))
		goto done;
	if (o.fmt == FMT_CSV) {
		compare_write_csv(&out, e, ne, &o, drift);
	} else {
		compare_write_text(&out, e, ne, &o, &base, &nw, &cnt, drift, o.fmt == FMT_MD);
		if (vd.compared)
			compare_write_verdicts(&out, vd.p, vd.n, vd.count, &o, o.fmt == FMT_MD);
		else if (vd.note[0]) {
			sb_printf(&out, "\n");
			sb_esc(&out, o.fmt == FMT_MD ? esc_markdown : esc_terminal, vd.note);
			sb_printf(&out, "\n");
		}
	}
	if (out.oom) {
		cli_error("compare", "out of memory");
		goto done;
	}
	fwrite(out.s, 1, out.len, stdout);
	fflush(stdout);

	if (o.fmt == FMT_CSV)
		say_verdict_regressions(&vd);
	int regressed = cnt.v[V_REGRESSION] || cnt.v[V_STATUS_REGRESSION] ||
			(o.strict && cnt.v[V_ONLY_BASE]) || vd.count[VC_WORSE] ||
			(o.strict && vd.count[VC_ONLY_BASE]);
	ret = regressed ? 1 : 0;
	if (o.outdir && write_outputs(&o, &out, e, ne, &base, &nw, &vd, drift))
		ret = EXIT_USAGE; /* as when DIR cannot be made */
done:
	free_verdicts(&vd);
	sb_free(&out);
	free(e);
	rs_free(&base);
	rs_free(&nw);
	return ret;
}
