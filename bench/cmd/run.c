/* wcbench run: options -> the sweep (sweep/sweep.h), each target seen as mapped on this host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "targets/memtype.h"
#include "check/platform.h"
#include "cmd/commands.h"
#include "sweep/plan_options.h"
#include "sweep/signals.h"
#include "sweep/sweep.h"

int sweep_exit_status(int end)
{
	switch ((enum sweep_end)end) {
	case SWEEP_DONE: return 0;
	case SWEEP_REFUSED: return EXIT_USAGE;
	case SWEEP_INTERRUPTED: return 128 + sweep_stopped();
	case SWEEP_FAILED: break;
	}
	return 1;
}

int run_options_sweep(int argc, char **argv, const struct sweep_hooks *h)
{
	struct run_options *o = calloc(1, sizeof *o);
	char err[PATH_MAX + TARGET_ERR_LEN];
	int rc = 0;
	if (!o)
		return 1;
	if (options_parse(argc, argv, o, err, sizeof err)) {
		fprintf(stderr, "wcbench %s: %s\n", h->cmd, err);
		rc = EXIT_USAGE;
	} else if (o->help || o->man) {
		(o->help ? opt_write_help : opt_write_man)(&run_cli, stdout);
	} else {
		rc = sweep_exit_status(sweep_run(o, argc, argv, h));
	}
	free(o);
	return rc;
}

/* --probe: could a probe stop the VM we run in (detected before the first probe) */
struct run_platform {
	struct platform pf;
	bool detected;
};

/* run's view of a target (the only one): with --probe, the effective memory type of target t
 * (mapped unless map_err is set), as the memtype_effective column spells it, and how it was
 * decided into metadata.json and onto stderr. 0, or -errno with one line in err (metadata.json
 * could not be written). */
static int run_begin_view(void *ctx, const struct run_options *o, const char *dir, struct target *t,
			  unsigned view, const char *map_err, bool tty, struct view_columns *vc, char *err,
			  size_t errlen)
{
	struct run_platform *rp = ctx;
	(void)view;
	if (!o->probe)
		return 0;
	if (!rp->detected) { /* once per run, not per target */
		platform_detect(&rp->pf);
		rp->detected = true;
	}
	struct memtype_probe p;
	memset(&p, 0, sizeof p);
	if (map_err[0])
		snprintf(p.how, sizeof p.how, "not probed: the target did not map (%s)", map_err);
	else if (!sweep_probe_risky(t, &rp->pf, "wcbench check --probe-in-guest probes anyway (wcbench vm "
				    "shows the stage 2 safely)", p.how, sizeof p.how))
		memtype_probe(t, &p);
	return view_columns_report("run", dir, t->spec, &p, MEMCLASS_UNKNOWN, tty, vc, err, errlen);
}

static int run_measure(void *ctx, struct target *t, unsigned view, const struct case_spec *cs,
		       struct case_result *r)
{
	(void)ctx;
	(void)view;
	return measure_case(t, cs, r);
}

int cmd_run(int argc, char **argv)
{
	struct run_platform rp = { .detected = false };
	struct sweep_hooks h = {
		.cmd = "run", .ctx = &rp, .begin_view = run_begin_view, .measure = run_measure,
	};
	return run_options_sweep(argc, argv, &h);
}
