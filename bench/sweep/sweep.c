/* The sweep: options -> targets -> for each target: map -> for each view: (probe) -> for each
 * case: measure -> row. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "core/timer.h"
#include "measure/case_row.h"
#include "render/gnuplot.h"
#include "render/plot.h"
#include "results/keys.h"
#include "results/resultset.h"
#include "results/run_dir.h"
#include "sweep/progress.h"
#include "sweep/resume.h"
#include "sweep/signals.h"
#include "sweep/sweep.h"
#include "targets/kinds.h"

#define QUICK_RAM_WINDOW (16UL << 20)

/* One sweep under way: what its steps share. */
struct sweep {
	struct run_options *o;
	const struct sweep_hooks *h;
	struct target *targets;
	struct sweep_dir d;
	struct resume_texts rt;
	struct run_metadata md;
	int csv_fd;
	bool need_header;
	struct result_set prev;      /* a resumed run's rows */
	struct case_key_set done;    /* and their cases, skipped */
	struct best (*best)[MAX_LIST];
	const struct timer_info *ti;
	bool tty;
	unsigned views;
	size_t per_target, total, n_done, on_disk, skipped;
	size_t counts[4];            /* rows written, by status */
	uint64_t t0;
	int write_rc;                /* what stopped the run: 0, or -errno */
	char err[PATH_MAX + TARGET_ERR_LEN];
	char stop_err[PATH_MAX + TARGET_ERR_LEN]; /* what stopped the run, when write_rc */
};

static void unmap_targets(struct target *targets, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (targets[i].ops && targets[i].priv)
			targets[i].ops->unmap(&targets[i]);
}

/* Probe every target before anything is written: bad input leaves no trace. */
static int probe_targets(const struct run_options *o, struct target *targets, char *err)
{
	for (unsigned i = 0; i < o->ntargets; i++) {
		struct target_opts topts = o->topts;
		char kind[32];
		const struct target_ops *ops = target_kind_find(target_kind_of(o->targets[i], kind, sizeof kind));
		if (o->quick && !topts.window_set && ops && (ops->flags & TARGET_ALLOCATED)) {
			topts.window_set = true;
			topts.window_len = QUICK_RAM_WINDOW;
		}
		int rc = target_probe(&targets[i], o->targets[i], &topts, err);
		if (rc) {
			unmap_targets(targets, i + 1);
			return rc;
		}
	}
	return 0;
}

/* The targets probed and taken by the command; SWEEP_DONE, or the end said on stderr. */
static enum sweep_end take_targets(struct sweep *s)
{
	const struct sweep_hooks *h = s->h;
	s->targets = calloc(s->o->ntargets, sizeof *s->targets);
	int prc = s->targets ? probe_targets(s->o, s->targets, s->err) : -ENOMEM;
	for (unsigned i = 0; !prc && h->target_ok && i < s->o->ntargets; i++)
		if ((prc = h->target_ok(h->ctx, &s->targets[i], s->err, sizeof s->err)))
			unmap_targets(s->targets, s->o->ntargets);
	if (!prc)
		return SWEEP_DONE;
	fprintf(stderr, "wcbench %s: %s\n", h->cmd, s->targets ? s->err : "out of memory");
	return s->targets ? SWEEP_REFUSED : SWEEP_FAILED;
}

/* -EINVAL, -EIO as the end they mean: bad usage, or the disk's */
static enum sweep_end end_of(int rc)
{
	return rc == -EIO ? SWEEP_FAILED : SWEEP_REFUSED;
}

/* A --resume: the run's metadata, its results.csv cut to whole rows and upgraded, the finished
 * cases. SWEEP_DONE, or the end (err says why, not yet said). */
static enum sweep_end open_resumed(struct sweep *s)
{
	const char *csv_path = s->d.csv_path;
	long md_version = 0, csv_version = 0;
	char why[PATH_MAX + 200];
	int rc = metadata_check_resume(s->d.dir, &s->md, s->d.run_id, sizeof s->d.run_id, &md_version, s->err,
				       sizeof s->err);
	if (rc)
		return end_of(rc); /* a read error is the disk's */
	if ((s->csv_fd = safe_open(csv_path, O_RDWR | O_APPEND, 0, why, sizeof why)) < 0) {
		snprintf(s->err, sizeof s->err, "--resume: %s", why);
		return SWEEP_REFUSED;
	}
	if ((rc = resume_trim_results(csv_path, s->csv_fd, &s->need_header, &csv_version, s->err, sizeof s->err)) ||
	    (rc = resume_upgrade(csv_path, &s->csv_fd, s->need_header, csv_version, md_version, &s->md, s->err,
				 sizeof s->err)))
		return end_of(rc);
	if (s->need_header)
		return SWEEP_DONE;
	if ((rc = rs_load(csv_path, NULL, &s->prev, why, sizeof why))) {
		snprintf(s->err, sizeof s->err, "--resume: %s", why);
		return end_of(rc); /* a read error is the disk's */
	}
	if (case_key_set_build(&s->done, s->prev.rows, s->prev.nrows)) {
		snprintf(s->err, sizeof s->err, "out of memory");
		return SWEEP_REFUSED;
	}
	return SWEEP_DONE;
}

/* The directory, and a resume's checks: usage errors first (bad --out, a busy directory, a run
 * that is not this one), nothing measured. SWEEP_DONE, or the end said on stderr. */
static enum sweep_end open_dir(struct sweep *s, int argc, char **argv)
{
	const struct run_options *o = s->o;
	enum sweep_end end = SWEEP_REFUSED;
	if (!sweep_dir_open(&s->d, o->out, true, o->resume, s->err, sizeof s->err)) {
		resume_options(o, s->targets, &s->rt);
		s->rt.opts[6] = s->h->resume_extra;
		s->md = (struct run_metadata){
			.run_id = s->d.run_id, .env = o->env, .machine = &s->d.m, .budget_s = o->time_s,
			.min_sample_s = o->min_sample_s, .precision = o->precision,
			.min_samples = o->min_samples, .max_samples = o->max_samples,
			.options = s->rt.opts,
			.noptions = sizeof s->rt.opts / sizeof s->rt.opts[0] - !s->h->resume_extra.name,
			.argc = argc, .argv = argv, .probe = o->probe || s->h->probes, .latency = o->latency,
		};
		s->need_header = !s->d.resuming;
		end = s->d.resuming ? open_resumed(s) : SWEEP_DONE;
	}
	if (end != SWEEP_DONE)
		cli_line(stderr, "wcbench %s: %s", s->h->cmd, s->err);
	return end;
}

/* From here on a failure is the disk's or the system's, saying what is on disk. A new run's
 * metadata comes first: a results.csv never exists without it. 0, or -errno (said). */
static int begin_files(struct sweep *s)
{
	const char *csv_path = s->d.csv_path;
	s->on_disk = s->prev.nrows;
	int rc = s->d.resuming ? metadata_add_resume(s->d.dir, &s->md, s->err, sizeof s->err)
			       : metadata_write(s->d.dir, &s->md, s->err, sizeof s->err);
	if (!rc && !s->d.resuming) {
		s->csv_fd = run_dir_create_results(csv_path, s->err, sizeof s->err);
		rc = s->csv_fd < 0 ? s->csv_fd : 0;
	} else if (!rc && s->need_header) { /* a resume whose header was cut short */
		rc = run_dir_append_header(s->csv_fd);
		if (rc)
			snprintf(s->err, sizeof s->err, "%s: %s", csv_path, strerror(-rc));
	}
	if (rc)
		fprintf(stderr, "wcbench %s: %s; %zu rows are on disk in %s\n", s->h->cmd, s->err, s->on_disk,
			csv_path);
	return rc;
}

/* Case i of the sweep, as measure takes it. */
static void case_of(const struct run_options *o, size_t i, struct sweep_point *p, struct case_spec *cs)
{
	sweep_point(o, i, p);
	*cs = (struct case_spec){
		.kernel = o->kernels[p->kernel],
		.barrier = o->barriers[p->barrier],
		.every = o->every[p->every],
		.burst = o->sizes[p->size],
		.threads = o->threads[p->threads],
		.drain = o->drains[p->drain],
		.verify = o->verify,
		.budget_s = o->time_s,
		.min_sample_s = o->min_sample_s,
		.min_samples = o->min_samples,
		.max_samples = o->max_samples,
		.precision = o->precision,
		.latency = o->latency,
		.stop = sweep_stop_flag(),
	};
	memcpy(cs->cpus, o->cpus, sizeof cs->cpus);
}

/* One measured case into its row and onto disk. false: the run stops (interrupted, or
 * write_rc says why). */
static bool run_case(struct sweep *s, unsigned ti, struct target *t, unsigned v, const struct view_columns *vc,
		     const char *map_err, int map_rc, const struct sweep_point *p, const struct case_spec *cs,
		     struct row *row)
{
	const struct sweep_hooks *h = s->h;
	struct case_result *res = calloc(1, sizeof *res);
	if (!res) {
		s->write_rc = -ENOMEM;
		return false;
	}
	if (map_rc)
		case_result_unmapped(res, cs, map_rc, map_err);
	else
		h->measure(h->ctx, t, v, cs, res);
	if (res->interrupted) { /* not a finished case: a resume runs it again */
		free(res);
		return false;
	}
	case_row_fill(row, s->o->env, s->d.run_id, &s->d.m, t, cs, res);
	if (h->view_row)
		h->view_row(h->ctx, t, v, row);
	snprintf(row->memtype_effective, sizeof row->memtype_effective, "%s", vc->effective);
	snprintf(row->memtype_stage2, sizeof row->memtype_stage2, "%s", vc->stage2);
	free(res);
	s->write_rc = run_dir_append_row(s->csv_fd, row);
	if (s->write_rc) {
		snprintf(s->stop_err, sizeof s->stop_err, "%s: %s", s->d.csv_path, strerror(-s->write_rc));
		return false;
	}
	s->on_disk++;
	s->counts[row->status]++;
	best_update(&s->best[ti][p->kernel], row, cs);
	s->n_done++;
	sweep_progress(s->tty, s->n_done, s->total, row, (double)(mono_raw_ns() - s->t0) / 1e9);
	return true;
}

/* View v of target ti: its cases, those a resume finished skipped. */
static void run_view(struct sweep *s, unsigned ti, unsigned v, const char *map_err, int map_rc)
{
	const struct sweep_hooks *h = s->h;
	struct target *t = &s->targets[ti];
	struct view_columns vc = { "", "" }; /* what the view's probe found */
	bool begun = false; /* before the first case that runs, not on a resume's skips */
	for (size_t i = 0; i < s->per_target && !sweep_stopped() && !s->write_rc; i++) {
		struct sweep_point p;
		struct case_spec cs;
		struct row row;
		case_of(s->o, i, &p, &cs);
		case_row_fill_case(&row, s->o->env, s->d.run_id, &s->d.m, t, &cs);
		if (h->view_row)
			h->view_row(h->ctx, t, v, &row);
		if (case_key_set_has(&s->done, &row)) {
			s->skipped++;
			s->n_done++;
			continue;
		}
		if (!begun) {
			begun = true;
			s->write_rc = h->begin_view(h->ctx, s->o, s->d.dir, t, v, map_rc ? map_err : "", s->tty, &vc,
						    s->stop_err, sizeof s->stop_err);
			if (s->write_rc)
				break;
		}
		if (!run_case(s, ti, t, v, &vc, map_err, map_rc, &p, &cs, &row))
			break;
	}
	if (h->end_view)
		h->end_view(h->ctx, v);
}

/* Every target and view, between the machine references at the start and the end. */
static void run_cases(struct sweep *s)
{
	const struct run_options *o = s->o;
	s->tty = isatty(2);
	s->views = s->h->views ? s->h->views : 1;
	s->per_target = sweep_count(o);
	s->total = s->per_target * o->ntargets * s->views;
	s->best = calloc(o->ntargets, sizeof *s->best);
	s->t0 = mono_raw_ns();
	fprintf(stderr, "wcbench: %zu cases into %s (timer %s %.3f GHz, read cost %.1f ns; budget %.2f s per case)\n",
		s->total, s->d.dir, s->ti->name, s->ti->hz / 1e9, s->ti->cost_ns, o->time_s);
	if (s->best)
		s->write_rc = take_reference(s->h->cmd, s->d.dir, o->cpus[0], "start", s->tty, s->stop_err,
					     sizeof s->stop_err);
	for (unsigned ti = 0; s->best && ti < o->ntargets && !sweep_stopped() && !s->write_rc; ti++) {
		struct target *t = &s->targets[ti];
		char map_err[TARGET_ERR_LEN] = "";
		int map_rc = t->ops->map(t, map_err);
		if (map_rc)
			fprintf(stderr, "wcbench %s: %s\n", s->h->cmd, map_err);
		for (unsigned v = 0; v < s->views && !sweep_stopped() && !s->write_rc; v++)
			run_view(s, ti, v, map_err, map_rc);
		t->ops->unmap(t); /* also frees what probe kept when map failed */
	}
	/* after the last case, interrupted or not (a second signal still ends the run at once) */
	if (s->best && !s->write_rc)
		s->write_rc = take_reference(s->h->cmd, s->d.dir, o->cpus[0], "end", s->tty, s->stop_err,
					     sizeof s->stop_err);
}

/* The plots of a finished run. SWEEP_DONE, or SWEEP_FAILED (said). */
static enum sweep_end draw_plots(const struct sweep *s)
{
	char perr[256], note[600];
	gp_stop_on_signals(); /* a SIGINT/SIGTERM now ends gnuplot and its data too */
	if (plot_run_dir(s->d.csv_path, s->d.dir, note, sizeof note, perr, sizeof perr)) {
		fprintf(stderr, "wcbench %s: plots not written: %s (the CSV is complete)\n", s->h->cmd, perr);
		return SWEEP_FAILED;
	}
	char drawn[2 * PATH_MAX];
	plot_run_describe(s->d.dir, drawn, sizeof drawn);
	printf("plots: %s\n", drawn);
	if (note[0])
		printf("plots: %s\n", note);
	return SWEEP_DONE;
}

/* What the run did, and how it ended: stopped, interrupted, or done (and plotted). */
static enum sweep_end finish(struct sweep *s)
{
	const char *cmd = s->h->cmd;
	if (s->tty)
		fputs("\r\033[K", stderr);
	if (!s->best || s->write_rc) {
		if (!s->stop_err[0])
			snprintf(s->stop_err, sizeof s->stop_err, "%s: %s", s->d.csv_path,
				 strerror(s->best ? -s->write_rc : ENOMEM));
		fprintf(stderr, "wcbench %s: %s: stopped; %zu rows are on disk (continue with "
				"--resume --out %s once that is fixed)\n", cmd, s->stop_err, s->on_disk, s->d.dir);
		return SWEEP_FAILED;
	}
	const size_t *c = s->counts;
	printf("%s: %zu rows written (%zu ok, %zu unsupported, %zu fault, %zu error)%s\n", s->d.csv_path,
	       c[0] + c[1] + c[2] + c[3], c[STATUS_OK], c[STATUS_UNSUPPORTED], c[STATUS_FAULT], c[STATUS_ERROR],
	       s->skipped ? ", finished cases skipped on resume" : "");
	print_best(s->o, s->ti, s->best);
	enum sweep_end end = c[STATUS_FAULT] + c[STATUS_ERROR] ? SWEEP_FAILED : SWEEP_DONE;
	if (sweep_stopped()) {
		fprintf(stderr, "wcbench %s: interrupted (%s); %zu finished rows are in %s: continue with "
				"--resume --out %s\n", cmd, sweep_signal_name(sweep_stopped()), s->on_disk,
			s->d.csv_path, s->d.dir);
		return SWEEP_INTERRUPTED;
	}
	if (!s->o->no_plot && draw_plots(s) != SWEEP_DONE)
		end = SWEEP_FAILED;
	return end;
}

enum sweep_end sweep_run(struct run_options *o, int argc, char **argv, const struct sweep_hooks *h)
{
	struct sweep *s = calloc(1, sizeof *s);
	if (!s)
		return SWEEP_FAILED;
	*s = (struct sweep){ .o = o, .h = h, .csv_fd = -1, .d = { .dir_fd = -1 } };
	if (h->env)
		o->env = h->env;
	enum sweep_end end = take_targets(s);
	if (end == SWEEP_DONE)
		end = open_dir(s, argc, argv);
	if (end == SWEEP_DONE) {
		end = SWEEP_FAILED;
		if (!begin_files(s)) {
			struct sweep_signals saved;
			s->ti = timer_init();
			sweep_signals_catch(&saved);
			run_cases(s);
			sweep_signals_restore(&saved);
			end = finish(s);
		}
	}
	if (s->targets)
		unmap_targets(s->targets, o->ntargets);
	if (s->csv_fd >= 0)
		close(s->csv_fd);
	sweep_dir_close(&s->d); /* releases the lock */
	rs_free(&s->prev);
	case_key_set_free(&s->done);
	free(s->best);
	free(s->targets);
	free(s);
	return end;
}
