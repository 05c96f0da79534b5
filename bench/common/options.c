#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/options.h"
#include "common/parse.h"

#define OPT_MAX_ROWS 128 /* over all tables of one command */
#define OPT_VAL_BASE 256 /* getopt's val for row i: OPT_VAL_BASE + i, above every short option */

static int fail(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The row's own refusal: bad is a format taking the value. */
static int refuse(const struct opt_row *r, const char *v, char *err, size_t n)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (r->bad)
		snprintf(err, n, r->bad, v);
	else
		snprintf(err, n, "--%s: '%s' is not a valid value", r->name, v);
#pragma GCC diagnostic pop
	return -EINVAL;
}

static int each_item(const struct opt_row *r, void *opts, const char *list, char *err, size_t n)
{
	char buf[1024];
	if (!*list)
		return fail(err, n, "--%s needs a value", r->name);
	if (strlen(list) >= sizeof buf)
		return fail(err, n, "--%s: list too long", r->name);
	strcpy(buf, list);
	if (buf[strlen(buf) - 1] == ',' || buf[0] == ',' || strstr(buf, ",,"))
		return fail(err, n, "--%s: empty item in '%s'", r->name, list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int rc = r->parse(opts, t, err, n);
		if (rc)
			return rc;
	}
	return 0;
}

static int choice_of(const struct opt_row *r, const char *v)
{
	for (int i = 0; r->choices && r->choices[i]; i++)
		if (!strcmp(r->choices[i], v))
			return i;
	return -1;
}

/* One value into its field, by the row's type. */
static int set_value(const struct opt_row *r, void *opts, const char *v, char *err, size_t n)
{
	char *field = (char *)opts + r->off, *end;
	if (r->type == OPT_LIST)
		return each_item(r, opts, v, err, n);
	if (r->parse)
		return r->parse(opts, v, err, n);
	switch (r->type) {
	case OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_SIZE: {
		size_t s;
		if (parse_size(v, &s) || (r->max > 0 && (s < r->min || s > r->max)))
			return refuse(r, v, err, n);
		*(size_t *)field = s;
		return 0;
	}
	case OPT_UINT: {
		errno = 0;
		long long x = strtoll(v, &end, 10);
		if (end == v || *end || errno || x < (long long)r->min || x > (long long)r->max)
			return refuse(r, v, err, n);
		*(unsigned *)field = (unsigned)x;
		return 0;
	}
	case OPT_DOUBLE: {
		double d = strtod(v, &end);
		if (end == v || *end || !(d >= r->min && d <= r->max))
			return refuse(r, v, err, n);
		*(double *)field = d;
		return 0;
	}
	case OPT_ENUM: {
		int i = choice_of(r, v);
		if (i < 0)
			return refuse(r, v, err, n);
		*(int *)field = i;
		return 0;
	}
	case OPT_STRING:
		if ((r->bad && !*v) || (r->choices && choice_of(r, v) < 0))
			return refuse(r, v, err, n);
		*(const char **)field = v;
		return 0;
	case OPT_LIST:
		break;
	}
	return fail(err, n, "--%s: no parser", r->name);
}

/* The rows of all tables in one list, with the struct each writes. */
struct flat {
	const struct opt_row *row[OPT_MAX_ROWS];
	void *opts[OPT_MAX_ROWS];
	size_t n;
};

static int flatten(const struct opt_command *cmd, void *const *opts, struct flat *fl, char *err, size_t n)
{
	fl->n = 0;
	for (unsigned t = 0; t < cmd->ntables; t++)
		for (size_t i = 0; i < cmd->tables[t]->n; i++) {
			if (fl->n == OPT_MAX_ROWS)
				return fail(err, n, "wcbench %s: more than %d options", cmd->name, OPT_MAX_ROWS);
			fl->row[fl->n] = &cmd->tables[t]->rows[i];
			fl->opts[fl->n++] = opts[t];
		}
	return 0;
}

static int apply_defaults(const struct flat *fl, char *err, size_t n)
{
	for (size_t i = 0; i < fl->n; i++)
		if (fl->row[i]->def) {
			int rc = set_value(fl->row[i], fl->opts[i], fl->row[i]->def, err, n);
			if (rc)
				return rc;
		}
	return 0;
}

/* getopt's tables from the rows: longs[i] is row i; shorts in the order given. */
static void getopt_tables(const struct opt_command *cmd, const struct flat *fl, struct option *longs,
			  char *shorts)
{
	size_t ns = 0;
	if (cmd->operands == OPERANDS_STOP)
		shorts[ns++] = '+';
	else if (cmd->operands == OPERANDS_IN_ORDER)
		shorts[ns++] = '-';
	shorts[ns++] = ':';
	for (size_t i = 0; i < fl->n; i++) {
		const struct opt_row *r = fl->row[i];
		bool arg = r->type != OPT_FLAG;
		longs[i] = (struct option){ .name = r->name, .has_arg = arg ? required_argument : no_argument,
					    .val = OPT_VAL_BASE + (int)i };
		if (r->short_name && !memchr(shorts, r->short_name, ns)) {
			shorts[ns++] = r->short_name;
			if (arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	longs[fl->n] = (struct option){ 0 };
}

static long row_of(const struct flat *fl, int c)
{
	if (c >= OPT_VAL_BASE && c < OPT_VAL_BASE + (int)fl->n)
		return c - OPT_VAL_BASE;
	for (size_t i = 0; c > 1 && c != ':' && c != '?' && i < fl->n; i++)
		if (fl->row[i]->short_name == c)
			return (long)i;
	return -1;
}

int opt_parse(const struct opt_command *cmd, void *const *opts, int argc, char **argv,
	      int *first_operand, char *err, size_t n)
{
	struct flat fl;
	struct option longs[OPT_MAX_ROWS + 1];
	char shorts[3 * OPT_MAX_ROWS + 4];
	if (flatten(cmd, opts, &fl, err, n) || apply_defaults(&fl, err, n))
		return -EINVAL;
	getopt_tables(cmd, &fl, longs, shorts);
	bool stopped = false; /* by a final option: what follows is not looked at */
	optind = 0; /* 0, not 1: glibc then also forgets where it was inside an argument */
	opterr = 0;
	for (;;) {
		int prev = optind ? optind : 1;
		int c = getopt_long(argc, argv, shorts, longs, NULL);
		if (c == -1)
			break;
		const char *name = argv[prev] ? argv[prev] : "?";
		if (c == 1) { /* OPERANDS_IN_ORDER */
			int rc = cmd->operand(opts, optarg, err, n);
			if (rc)
				return rc;
			continue;
		}
		if (c == ':')
			return fail(err, n, "%s needs a value", name);
		long i = row_of(&fl, c);
		if (i < 0) {
			if (optopt >= OPT_VAL_BASE && optopt < OPT_VAL_BASE + (int)fl.n)
				return fail(err, n, "--%s takes no value", fl.row[optopt - OPT_VAL_BASE]->name);
			return fail(err, n, "unknown option '%s' (see: wcbench %s --help)", name, cmd->name);
		}
		const struct opt_row *r = fl.row[i];
		int rc = set_value(r, fl.opts[i], r->type == OPT_FLAG ? NULL : optarg, err, n);
		if (rc)
			return rc;
		if (r->final) {
			stopped = true;
			break;
		}
	}
	if (first_operand)
		*first_operand = optind;
	if (!stopped && cmd->operands == OPERANDS_NONE && optind < argc)
		return fail(err, n, "unexpected argument '%s' (see: wcbench %s --help)", argv[optind], cmd->name);
	return 0;
}

/* --help */

/* A row of an earlier table replaces a later one of the same name (vm's --latency, run's). */
static bool shown(const struct opt_command *cmd, unsigned t, size_t i, unsigned g)
{
	const struct opt_row *r = &cmd->tables[t]->rows[i];
	if (r->group != g)
		return false;
	for (unsigned u = 0; u < t; u++)
		for (size_t k = 0; k < cmd->tables[u]->n; k++)
			if (!strcmp(cmd->tables[u]->rows[k].name, r->name))
				return false;
	return true;
}

/* "-t, --target SPEC" / "    --force" (pad_short) / "--force". */
static void row_synopsis(const struct opt_command *cmd, const struct opt_row *r, char *buf, size_t len)
{
	char shortpart[8] = "";
	if (r->short_name)
		snprintf(shortpart, sizeof shortpart, "-%c, ", r->short_name);
	else if (cmd->pad_short)
		snprintf(shortpart, sizeof shortpart, "    ");
	snprintf(buf, len, "%s--%s%s%s", shortpart, r->name, r->metavar ? " " : "", r->metavar ? r->metavar : "");
}

static void write_row_help(const struct opt_command *cmd, const struct opt_row *r, FILE *f)
{
	int col = cmd->help_column ? (int)cmd->help_column : 25;
	char syn[96];
	row_synopsis(cmd, r, syn, sizeof syn);
	int used = fprintf(f, "  %s", syn);
	if (used >= col) {
		fputc('\n', f);
		used = 0;
	}
	for (const char *h = r->help; *h;) {
		size_t l = strcspn(h, "\n");
		fprintf(f, "%*s%.*s\n", col - used, "", (int)l, h);
		used = 0;
		h += l + (h[l] == '\n');
	}
}

static void write_description(const struct opt_command *cmd, FILE *f)
{
	if (cmd->write_description)
		cmd->write_description(f);
	else if (cmd->description)
		fputs(cmd->description, f);
}

void opt_write_help(const struct opt_command *cmd, FILE *f)
{
	fprintf(f, "usage: wcbench %s\n\n", cmd->usage);
	write_description(cmd, f);
	fputc('\n', f);
	for (unsigned g = 0; g < (cmd->ngroups ? cmd->ngroups : 1); g++) {
		fprintf(f, "\n%s:\n", cmd->ngroups ? cmd->groups[g] : "options");
		for (unsigned t = 0; t < cmd->ntables; t++)
			for (size_t i = 0; i < cmd->tables[t]->n; i++)
				if (shown(cmd, t, i, g))
					write_row_help(cmd, &cmd->tables[t]->rows[i], f);
	}
	if (cmd->notes)
		fprintf(f, "\n%s\n", cmd->notes);
	else
		fputc('\n', f);
	if (cmd->exit)
		fprintf(f, "%s %s\n", cmd->exit_label ? cmd->exit_label : "Exit:", cmd->exit);
	if (cmd->examples && cmd->examples[0]) {
		fprintf(f, "\n%s\n", cmd->examples_label ? cmd->examples_label : "Examples:");
		for (size_t i = 0; cmd->examples[i]; i++)
			fprintf(f, "  %s\n", cmd->examples[i]);
	}
}

/* man page */

void roff_put(FILE *f, const char *s, bool line_start)
{
	for (; *s; s++) {
		if (line_start && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		line_start = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

/* Paragraphs of text: a blank line starts a new one (.PP), a line that starts with a space keeps
 * its break (.br), as --help shows them. */
static void roff_text(FILE *f, const char *s)
{
	bool line_start = true;
	while (*s) {
		size_t l = strcspn(s, "\n");
		if (!l && line_start) {
			fputs(".PP\n", f);
		} else {
			char line[1024];
			snprintf(line, sizeof line, "%.*s", (int)l, s);
			roff_put(f, line, true);
			fputc('\n', f);
		}
		s += l + (s[l] == '\n');
		line_start = true;
	}
}

static void man_description(const struct opt_command *cmd, FILE *f)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m) {
		write_description(cmd, m);
		fclose(m);
	}
	roff_text(f, text ? text : "");
	free(text);
}

static void man_row(const struct opt_row *r, FILE *f)
{
	fputs(".TP\n", f);
	if (r->short_name)
		fprintf(f, "\\fB\\-%c\\fR, ", r->short_name);
	fputs("\\fB\\-\\-", f);
	roff_put(f, r->name, false);
	fputs("\\fR", f);
	if (r->metavar) {
		fputs(" \\fI", f);
		roff_put(f, r->metavar, false);
		fputs("\\fR", f);
	}
	fputc('\n', f);
	roff_text(f, r->help);
}

static void man_head(const struct opt_command *cmd, FILE *f)
{
	if (cmd->source)
		fprintf(f, ".\\\" Generated by `wcbench %s --man` from the option table in %s.\n", cmd->name, cmd->source);
	else
		fprintf(f, ".\\\" Generated by `wcbench %s --man` from the option table in bench/cmd/%s.c.\n",
			cmd->name, cmd->name);
	if (cmd->man_title)
		fprintf(f, ".TH %s 1 \"\" \"wcbench\" \"User Commands\"\n", cmd->man_title);
	else
		fprintf(f, ".TH WCBENCH\\-%s 1 \"\" \"wcbench\" \"User Commands\"\n", cmd->name);
	fputs(".SH NAME\n", f);
	if (cmd->man_name) {
		fprintf(f, "%s\n", cmd->man_name);
	} else {
		fprintf(f, "wcbench\\-%s \\- ", cmd->name);
		roff_put(f, cmd->summary, false);
		fputc('\n', f);
	}
	fputs(".SH SYNOPSIS\n", f);
	if (cmd->man_synopsis) {
		fputs(cmd->man_synopsis, f);
	} else {
		const char *rest = cmd->usage + strlen(cmd->name);
		fprintf(f, ".B wcbench %s\n", cmd->name);
		roff_put(f, rest + strspn(rest, " "), false);
		fputc('\n', f);
	}
}

void opt_write_man(const struct opt_command *cmd, FILE *f)
{
	man_head(cmd, f);
	fputs(".SH DESCRIPTION\n", f);
	man_description(cmd, f);
	if (cmd->man_after_description)
		fputs(cmd->man_after_description, f);
	fputs(".SH OPTIONS\n", f);
	for (unsigned g = 0; g < (cmd->ngroups ? cmd->ngroups : 1); g++) {
		if (cmd->ngroups > 1) {
			fputs(".SS ", f);
			roff_text(f, cmd->groups[g]);
		}
		for (unsigned t = 0; t < cmd->ntables; t++)
			for (size_t i = 0; i < cmd->tables[t]->n; i++)
				if (shown(cmd, t, i, g))
					man_row(&cmd->tables[t]->rows[i], f);
	}
	if (cmd->notes) {
		fputs(".SH NOTES\n", f);
		roff_text(f, cmd->notes);
	}
	if (cmd->exit) {
		fputs(".SH EXIT STATUS\n", f);
		roff_text(f, cmd->exit);
	}
	if (cmd->examples && cmd->examples[0]) {
		fputs(".SH EXAMPLES\n", f);
		for (size_t i = 0; cmd->examples[i]; i++) {
			fputs(".PP\n.nf\n", f);
			roff_text(f, cmd->examples[i]);
			fputs(".fi\n", f);
		}
	}
	fputs(".SH SEE ALSO\n", f);
	fputs(cmd->man_see_also ? cmd->man_see_also : "\\fBwcbench\\fR(1)\n", f);
}
