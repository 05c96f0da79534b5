/*
 * Command-line options from tables: each command declares its options once, as typed rows, and
 * the parser, `--help` and the man page are made from them. A row writes one field of the
 * command's options struct (off); a callback only for what no type says.
 */
#ifndef WCBENCH_COMMON_OPTIONS_H
#define WCBENCH_COMMON_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_FLAG,   /* bool, set to true; takes no value */
	OPT_SIZE,   /* size_t: bytes, or with K, M, G (parse_size); within [min, max] when max > 0 */
	OPT_UINT,   /* unsigned, decimal, within [min, max] */
	OPT_DOUBLE, /* double, within [min, max] */
	OPT_LIST,   /* comma-separated: parse is called for each item (none empty) */
	OPT_ENUM,   /* int: the index of the value in choices */
	OPT_STRING, /* const char *, pointing into argv; one of choices when given */
};

struct opt_row {
	const char *name;            /* long name, without the dashes */
	char short_name;             /* or 0 */
	enum opt_type type;
	size_t off;                  /* offsetof the field it writes */
	const char *metavar;         /* the value's name in --help; NULL for OPT_FLAG */
	const char *help;            /* lines separated by \n */
	unsigned group;              /* index into the command's groups */
	const char *def;             /* the value parsed before the arguments, or NULL */
	const char *const *choices;  /* OPT_ENUM, OPT_STRING: the values allowed, NULL-ended */
	double min, max;             /* OPT_UINT, OPT_DOUBLE, OPT_SIZE */
	/* The refusal of a value: a format of one line taking the value (%s). OPT_STRING: also
	 * refuses an empty value when set. */
	const char *bad;
	bool final;                  /* stops parsing when given (--help, --man) */
	/* OPT_LIST: one item; any other type: the whole value (arg NULL for OPT_FLAG), instead of
	 * the type's own parsing. 0, or -EINVAL with one line in err. */
	int (*parse)(void *opts, const char *arg, char *err, size_t errlen);
};

struct opt_table {
	const struct opt_row *rows;
	size_t n;
};
#define OPT_TABLE(rows) { (rows), sizeof(rows) / sizeof((rows)[0]) }

/* What a command does with an argument that is not an option. */
enum opt_operands {
	OPERANDS_NONE,     /* refused: "unexpected argument" */
	OPERANDS_AFTER,    /* options and operands mixed; the operands end up last (GNU getopt) */
	OPERANDS_STOP,     /* the first operand ends the options */
	OPERANDS_IN_ORDER, /* each given to operand() where it stands */
};

/* A command: what --help and the man page say around its rows, and how it parses. */
struct opt_command {
	const char *name;                 /* wcbench NAME */
	const char *summary;              /* the man page's NAME line and `wcbench --help`'s */
	const char *usage;                /* after "usage: wcbench ", e.g. "run [options]" */
	const char *description;          /* paragraphs (\n\n between); or write_description */
	void (*write_description)(FILE *f); /* for text with values in it; NULL: description */
	const char *const *groups;        /* headings of the rows' groups ("Output") */
	unsigned ngroups;
	const struct opt_table *const *tables; /* rows of several tables: each fills its own struct */
	unsigned ntables;
	enum opt_operands operands;
	int (*operand)(void *const *opts, const char *arg, char *err, size_t errlen); /* IN_ORDER */
	const char *notes;                /* after the options, or NULL */
	const char *exit_label;           /* "Exit:" */
	const char *exit;                 /* the exit codes */
	const char *examples_label;       /* "Examples:" */
	const char *const *examples;      /* NULL-ended */
	unsigned help_column;             /* where a row's help starts */
	bool pad_short;                   /* "    --name" beside "-x, --name" */
	const char *source;               /* the table's file; default bench/cmd/NAME.c */
	/* The man page, where the defaults do not fit (run: the page of wcbench itself). */
	const char *man_title;            /* .TH: default WCBENCH-NAME */
	const char *man_name;             /* NAME: default "wcbench-NAME \- summary" (roff) */
	const char *man_synopsis;         /* SYNOPSIS, roff; default from usage */
	const char *man_after_description; /* roff, after DESCRIPTION */
	const char *man_see_also;         /* roff; default wcbench(1) */
};

/*
 * Parse argv (argv[0] is the command's name) into opts[i] for cmd->tables[i]: the defaults first,
 * then each option, --name=value, --name value, -x value and -xvalue. *first_operand (may be
 * NULL) is the index of the first operand left (OPERANDS_AFTER, OPERANDS_STOP). 0, or -EINVAL
 * with one line in err naming the option or value.
 */
int opt_parse(const struct opt_command *cmd, void *const *opts, int argc, char **argv,
	      int *first_operand, char *err, size_t errlen);

/* `wcbench NAME --help` and the same as a man page (roff). */
void opt_write_help(const struct opt_command *cmd, FILE *f);
void opt_write_man(const struct opt_command *cmd, FILE *f);

/* Text in roff: requests, hyphens and backslashes escaped; line breaks become spaces when
 * roff fills. */
void roff_put(FILE *f, const char *s, bool line_start);
#endif
