/* The rows that fill a sweep plan (sweep/plan.h): `wcbench run`'s options, which `vm` shares; its
 * parser, --help and man page come from them (common/options.h). */
#ifndef WCBENCH_SWEEP_PLAN_OPTIONS_H
#define WCBENCH_SWEEP_PLAN_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/options.h"
#include "common/parse.h"
#include "sweep/plan.h"
#include "kernels.h"
#include "measure/measure.h"
#include "core/place.h"
#include "targets/target.h"

/* The headings of --help and of the man page, in their order. */
enum option_group { GROUP_TARGET, GROUP_SWEEP, GROUP_SAMPLING, GROUP_OUTPUT, GROUP_OTHER, OPTION_GROUPS };
extern const char *const option_group_titles[OPTION_GROUPS];

/* Every option of `wcbench run`: the parser, --help and the man page are made from these. */
extern const struct opt_row run_option_table[];
extern const size_t run_option_count;
extern const struct opt_table run_option_rows; /* the same, for another command's tables (vm) */
extern const struct opt_command run_cli;
const struct opt_row *option_find(const char *name);
/* --target's row: SPEC into the options (opts: what run's rows fill), for a command whose
 * operands are targets (vm). */
int run_option_target(void *opts, const char *spec, char *err, size_t errlen);

/* `wcbench run --help`, and the same as a man page in roff (docs/wcbench-run.1). */
void options_write_help(FILE *f);
void options_write_man(FILE *f);

/*
 * Parse `wcbench run` arguments (argv[0] is "run"). Returns 0, or -EINVAL with a one-line
 * message naming the bad option or value in err. Nothing outside *o is touched.
 */
int options_parse(int argc, char **argv, struct run_options *o, char *err, size_t errlen);
/* The same for a command whose rows come before run's (cmd->tables[0], filling cmd_opts) with
 * run's as cmd->tables[1]: vm. cmd NULL: run's alone. */
int options_parse_with(const struct opt_command *cmd, void *cmd_opts, int argc, char **argv,
		       struct run_options *o, char *err, size_t errlen);

#endif
