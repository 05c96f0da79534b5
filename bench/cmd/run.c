/* wcbench run: options -> sweep -> for each target: map -> (probe) -> for each case: measure -> row. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check/memtype.h"
#include "cmd/commands.h"
#include "cmd/run_options.h"
#include "cmd/run_sweep.h"
#include "check/platform.h"
#include "common/safe_file.h"
#include "common/util.h"
#include "core/machine.h"
#include "core/stats.h"
#include "core/timer.h"
#include "measure/case_row.h"
#include "measure/reference.h"
#include "render/gnuplot.h"
#include "render/plot.h"
#include "results/keys.h"
#include "results/metadata.h"
#include "results/resultset.h"
#include "results/run_dir.h"
#include "results/schema.h"
#include "results/upgrade.h"

#define QUICK_RAM_WINDOW (16UL << 20)
#define RESULTS_MAX (1UL << 30) /* a results.csv to resume: far more rows than any sweep */

/* The first SIGINT/SIGTERM: the signal number. The case under way ends after its sample. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	if (stop_signal)
		_exit(128 + sig); /* the second: at once (finished rows are on disk already) */
	stop_signal = sig;
}

/* The schema version (1 to this one) whose complete header text begins with, or 0; *partial: text
 * holds no line yet and is the beginning of a version's header (a header cut short). */
static long schema_of_header(const char *text, size_t len, bool *partial)
{
	*partial = false;
	for (long v = SCHEMA_VERSION; v >= 1; v--) {
		char *header;
		size_t hlen;
		if (csv_header_line_of_version(v, &header, &hlen))
			return 0;
		bool whole = len >= hlen && !memcmp(text, header, hlen);
		*partial |= len < hlen && !memcmp(text, header, len);
		free(header);
		if (whole)
			return v;
	}
	return 0;
}

/*
 * The results.csv of a run to resume must begin with exactly the header of this schema version or
 * of an earlier one (*version: which; the caller upgrades an earlier one's rows); a last line
 * without its newline (a full disk, a crash) is a partial row and is cut off, and nothing else
 * ever is: the bytes removed are those after the last newline, of the file as it is when cut.
 * *need_header: the file held no complete header (cut to nothing). 0, or the exit code (2: not a
 * run to continue; 1: the file cannot be read or cut, left as it was) with one line in err.
 */
static int trim_results(const char *csv_path, int fd, bool *need_header, long *version, char *err,
			size_t n)
{
	size_t len = 0;
	char why[PATH_MAX + 100];
	char *text = read_regular_file(csv_path, RESULTS_MAX, &len, why, sizeof why);
	int rc = 0;
	*need_header = false;
	*version = 0;
	size_t keep = len;
	if (!text) {
		snprintf(err, n, "--resume: %s", why);
		/* a file that is not one to resume is a usage error; one that does not read, the disk's */
		return errno == EINVAL || errno == EFBIG || errno == ENOENT || errno == ELOOP ? EXIT_USAGE : 1;
	}
	if (!(*version = schema_of_header(text, len, need_header)) && *need_header) {
		keep = 0; /* the header itself was cut short: no row was written */
	} else if (!*version) {
		snprintf(err, n, "--resume: %s: the header is not that of a results schema version this "
			 "wcbench knows (1 to %d): not a run to continue", csv_path, SCHEMA_VERSION);
		rc = EXIT_USAGE;
	} else if (text[len - 1] != '\n') {
		/* memrchr, not strrchr: a NUL byte in a row must not move the cut before it */
		const char *nl = memrchr(text, '\n', len);
		keep = nl ? (size_t)(nl - text) + 1 : 0;
	}
	struct stat st;
	if (!rc && keep < len) {
		/* only the partial last line goes: no newline in what is cut, and the file on disk is
		 * the one read (a file changed underneath would be cut at a point that means nothing) */
		if (memchr(text + keep, '\n', len - keep) || fstat(fd, &st) || st.st_size != (off_t)len) {
			snprintf(err, n, "--resume: %s: changed while being read (%zu bytes read): not cut, "
				 "left as it was", csv_path, len);
			rc = 1;
		} else if (ftruncate(fd, (off_t)keep)) {
			snprintf(err, n, "--resume: %s: cannot cut the partial last row: %s", csv_path,
				 strerror(errno));
			rc = 1;
		} else if (keep) {
			fprintf(stderr, "wcbench run: %s: dropped a partial last row (%zu bytes)\n", csv_path,
				len - keep);
		}
	}
	free(text);
	return rc;
}

/*
 * A resumed run written by an earlier schema version: its results.csv rewritten in this one
 * (results/upgrade.h), csv_fd reopened on the new file, one line on stderr; md->upgraded_from
 * records it in metadata.json. 0, or the exit code (2: the run is not this one or its rows do not
 * read; 1: the disk) with one line in err.
 */
static int upgrade_resumed(const char *csv_path, int *csv_fd, bool need_header, long csv_version,
			   long md_version, struct run_metadata *md, char *err, size_t n)
{
	if (!need_header && csv_version < md_version) {
		snprintf(err, n, "--resume: %s holds rows of results schema version %ld, but its run's "
			 "metadata.json says version %ld wrote it: not this run's results", csv_path,
			 csv_version, md_version);
		return EXIT_USAGE;
	}
	if (md_version >= SCHEMA_VERSION)
		return 0;
	/* recorded even when the rows are of this version already: a resume that upgraded them but
	 * stopped before metadata.json said so left the metadata behind */
	md->upgraded_from = md_version;
	if (need_header || csv_version == SCHEMA_VERSION) {
		fprintf(stderr, "wcbench run: --resume: a run of results schema version %ld continues in version %d "
			"(%s holds no row of an earlier version)\n", md_version, SCHEMA_VERSION, csv_path);
		return 0;
	}
	size_t rows = 0;
	char what[300], uerr[PATH_MAX + 300];
	int rc = results_upgrade(csv_path, &rows, uerr, sizeof uerr);
	if (rc) {
		snprintf(err, n, "--resume: %s", uerr);
		return rc == -EINVAL ? EXIT_USAGE : 1;
	}
	close(*csv_fd); /* the replaced file's */
	char why[PATH_MAX + 200];
	if ((*csv_fd = safe_open(csv_path, O_RDWR | O_APPEND, 0, why, sizeof why)) < 0) {
		snprintf(err, n, "--resume: %s", why);
		return 1;
	}
	results_upgrade_describe(csv_version, what, sizeof what);
	fprintf(stderr, "wcbench run: --resume: a run of results schema version %ld continues in version %d: "
		"%s rewritten in version %d, all %zu finished rows kept (%s, as every reader takes them)\n",
		md_version, SCHEMA_VERSION, csv_path, SCHEMA_VERSION, rows, what);
	return 0;
}

/* "4:05": a duration for the progress line */
static void mmss(double s, char *buf, size_t len)
{
	long t = s > 0 && s < 1e7 ? (long)(s + 0.5) : 0;
	snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* On a terminal, one line rewritten after every case; otherwise (a log) one plain line every
 * PROGRESS_LOG_S seconds. The ETA is the mean time per case so far times the cases left. */
#define PROGRESS_LOG_S 10.0
static void progress(bool tty, size_t done, size_t total, const struct row *r, double elapsed)
{
	static double logged;
	char el[16], left[16];
	mmss(elapsed, el, sizeof el);
	mmss(done ? elapsed / (double)done * (double)(total - done) : 0, left, sizeof left);
	if (!tty) {
		if (elapsed - logged < PROGRESS_LOG_S && done < total)
			return;
		logged = elapsed;
		fprintf(stderr, "wcbench: %zu of %zu cases in %s, about %s left\n", done, total, el, left);
		return;
	}
	double hw = median_ci_rel_halfwidth(r->ns_per_burst_median, r->ns_per_burst_ci_lo, r->ns_per_burst_ci_hi);
	char how[48];
	if (r->status != STATUS_OK)
		snprintf(how, sizeof how, "%s", status_name(r->status));
	else if (isinf(hw))
		snprintf(how, sizeof how, "%.2f GB/s", r->gb_per_s_median);
	else
		snprintf(how, sizeof how, "%.2f GB/s +-%.1f%%", r->gb_per_s_median, 100 * hw);
	fprintf(stderr, "\r\033[K[%zu/%zu, %s, ETA %s] %s %s %s/%s %s %llu B: %s", done, total, el, left,
		r->target, r->kernel, r->barrier, r->barrier_every, r->drain, (unsigned long long)r->burst_bytes, how);
}

/* The best case of each kernel on each target, for the closing summary: the highest GB/s
 * (throughput) or the lowest p50 ns per burst (latency). */
struct best {
	bool set;
	double gbps, p10, p90;
	double p50_ns, p99_ns, p999_ns;
	size_t burst;
	const char *barrier, *every, *drain;
};

static void best_update(struct best *b, const struct row *row, const struct case_spec *cs)
{
	if (row->status != STATUS_OK)
		return;
	bool better = !b->set || (cs->latency ? row->latency_ns_p50 < b->p50_ns : row->gb_per_s_median > b->gbps);
	if (better)
		*b = (struct best){ true, row->gb_per_s_median, row->gb_per_s_p10, row->gb_per_s_p90,
				    row->latency_ns_p50, row->latency_ns_p99, row->latency_ns_p999, cs->burst,
				    cs->barrier->name, every_names[cs->every], drain_name(cs->drain) };
}

static void burst_text(size_t burst, char *buf, size_t len)
{
	if (burst >= (1UL << 20))
		snprintf(buf, len, "%zu MiB", burst >> 20);
	else if (burst >= 1024)
		snprintf(buf, len, "%zu KiB", burst >> 10);
	else
		snprintf(buf, len, "%zu B", burst);
}

/* How the figures were measured, then the best case per kernel. */
static void print_best(const struct run_options *o, const struct timer_info *ti, struct best (*best)[MAX_LIST])
{
	if (o->latency)
		printf("each figure: one burst and its drain timed alone, %u to %u bursts per thread (or the "
		       "%.2f s budget), all threads' bursts together; the timer's own cost (latency_timer_ns) "
		       "is included, not subtracted; timer %s\n", o->min_samples, o->max_samples, o->time_s,
		       ti->name);
	else
		printf("each figure: median of >= %u samples (or the %.2f s budget) of sample time / bursts; "
		       "timer %s; GB/s = 10^9 B/s\n", o->min_samples, o->time_s, ti->name);
	bool any = false;
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++)
			any |= best[t][k].set;
	if (!any)
		return;
	if (o->latency) {
		printf("\nquickest case per kernel (ns per burst with its drain: p50, p99, p99.9):\n");
		printf("  %-16s %-14s %10s %10s %10s %9s %-14s %s\n", "target", "kernel", "p50 ns", "p99 ns",
		       "p99.9 ns", "burst", "barrier/every", "drain");
	} else {
		printf("\nfastest case per kernel (GB/s = 10^9 B/s: median, and p10-p90 of the samples):\n");
		printf("  %-16s %-14s %9s %17s %9s %-14s %s\n", "target", "kernel", "GB/s", "p10-p90", "burst",
		       "barrier/every", "drain");
	}
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++) {
			const struct best *b = &best[t][k];
			if (!b->set)
				continue;
			char range[40], burst[24], be[40];
			burst_text(b->burst, burst, sizeof burst);
			snprintf(be, sizeof be, "%s/%s", b->barrier, b->every);
			if (o->latency) {
				printf("  %-16.16s %-14s %10.1f %10.1f %10.1f %9s %-14s %s\n", o->targets[t],
				       o->kernels[k]->name, b->p50_ns, b->p99_ns, b->p999_ns, burst, be, b->drain);
				continue;
			}
			snprintf(range, sizeof range, "%.2f-%.2f", b->p10, b->p90);
			printf("  %-16.16s %-14s %9.2f %17s %9s %-14s %s\n", o->targets[t],
			       o->kernels[k]->name, b->gbps, range, burst, be, b->drain);
		}
}

/* The options a --resume must repeat, as text: the effective windows (after --quick and the
 * targets' defaults), so "the same run" means the same cases measuring the same bytes. */
struct resume_texts {
	char targets[MAX_TARGETS * 164], windows[MAX_TARGETS * 44];
	struct resume_option opts[7]; /* the last: the command's own (vm: stage1), or none */
};

static void resume_options(const struct run_options *o, const struct target *targets,
			   struct resume_texts *rt)
{
	size_t lt = 0, lw = 0;
	rt->targets[0] = rt->windows[0] = '\0';
	for (unsigned i = 0; i < o->ntargets; i++) {
		lt += (size_t)snprintf(rt->targets + lt, sizeof rt->targets - lt, "%s%s", i ? "\n" : "",
				       targets[i].spec);
		lw += (size_t)snprintf(rt->windows + lw, sizeof rt->windows - lw, "%s%zu:%zu", i ? " " : "",
				       targets[i].win_off, targets[i].win_len);
	}
	rt->opts[0] = (struct resume_option){ .name = "env", .value = o->env };
	rt->opts[1] = (struct resume_option){ .name = "target", .value = rt->targets };
	rt->opts[2] = (struct resume_option){ .name = "window", .value = rt->windows };
	rt->opts[3] = (struct resume_option){ .name = "verify", .value = o->verify ? "on" : "off" };
	/* --probe fills a column: the rows of one run either all have it or none (a run of version 1,
	 * before --probe, had none) */
	rt->opts[4] = (struct resume_option){ .name = "probe", .value = o->probe ? "on" : "off",
					      .since = 2, .earlier = "off" };
	/* --latency: what every row of the run measures (runs before version 4 were throughput) */
	rt->opts[5] = (struct resume_option){ .name = "mode", .value = o->latency ? "latency" : "throughput",
					      .since = 4, .earlier = "throughput" };
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
	struct platform *pf = &rp->pf;
	(void)view;
	if (!o->probe)
		return 0;
	if (!rp->detected) { /* once per run, not per target */
		platform_detect(pf);
		rp->detected = true;
	}
	struct memtype_probe p;
	if (map_err[0]) {
		memset(&p, 0, sizeof p);
		snprintf(p.how, sizeof p.how, "not probed: the target did not map (%s)", map_err);
	} else if (memtype_probe_risks_vm(t, under_hypervisor(pf))) {
		memset(&p, 0, sizeof p);
		snprintf(p.how, sizeof p.how, "not probed: in a %s a Normal mapping that stage 2 made Device "
			 "would stop the VM (KVM cannot handle the alignment fault); wcbench check "
			 "--probe-in-guest probes anyway (wcbench vm shows the stage 2 safely)",
			 platform_env_name(pf));
	} else {
		memtype_probe(t, &p);
	}
	return view_columns_report("run", dir, t->spec, &p, MEMCLASS_UNKNOWN, tty, vc, err, errlen);
}

int view_columns_report(const char *cmd, const char *dir, const char *spec,
			const struct memtype_probe *p, enum memclass stage2, bool tty,
			struct view_columns *vc, char *err, size_t errlen)
{
	snprintf(vc->effective, sizeof vc->effective, "%s", memclass_name(p->effective));
	snprintf(vc->stage2, sizeof vc->stage2, "%s", memclass_name(stage2));
	fprintf(stderr, "%swcbench %s: %s: memtype_effective %s: %s\n", tty ? "\r\033[K" : "", cmd,
		spec, vc->effective[0] ? vc->effective : "not decided", p->how);
	return metadata_add_memtype_probe(dir, spec, vc->effective, p->how, err, errlen);
}

/* The machine references (measure/reference.h), every kind, at the session's `when` ("start",
 * "end"), on cpu (the one the run's first case uses): one line each on stderr and an entry each in
 * metadata.json. One that cannot be measured (the memory reference's buffer not to be had, say)
 * is said on stderr and left out (compare then has fewer references). 0, or -errno with one line
 * in err when metadata.json cannot be written: the run stops as for a row. */
static int take_reference(const char *cmd, const char *dir, int cpu, const char *when, bool tty, char *err,
			  size_t errlen)
{
	const char *cr = tty ? "\r\033[K" : "";
	for (int k = 0; k < REF_KINDS; k++) {
		struct machine_ref r;
		char why[200], what[300];
		const char *kind = ref_kinds[k].name;
		if (reference_measure((enum ref_kind)k, cpu, when, &r, why, sizeof why)) {
			fprintf(stderr, "%swcbench %s: %s machine reference at the %s not taken: %s\n", cr, cmd, kind, when,
				why);
			continue;
		}
		reference_describe(r.kind, r.kernel, r.buffer_bytes, r.cpu, what, sizeof what);
		fprintf(stderr, "%swcbench: %s machine reference at the %s: %.3f ns per KiB [%.3f-%.3f: the median's "
			"95%% CI, %u samples] (%s)\n", cr, kind, when, r.median, r.ci_lo, r.ci_hi, r.samples, what);
		int rc = metadata_add_machine_reference(dir, &r, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
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
	return run_sweep(argc, argv, &h);
}

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
		target_kind_of(o->targets[i], kind, sizeof kind);
		if (o->quick && !topts.window_set && !strcmp(kind, "ram")) {
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

int run_sweep(int argc, char **argv, const struct sweep_hooks *h)
{
	struct run_options *o = calloc(1, sizeof *o);
	char err[PATH_MAX + TARGET_ERR_LEN];
	int exit_code = 0, dir_fd = -1, csv_fd = -1;
	struct result_set prev = { 0 };
	struct case_key_set done = { 0 };
	struct target *targets = NULL;
	struct best(*best)[MAX_LIST] = NULL;
	if (!o)
		return 1;
	if (options_parse_with(h->options, h->options_ctx, argc, argv, o, err, sizeof err)) {
		fprintf(stderr, "wcbench %s: %s\n", h->cmd, err);
		free(o);
		return EXIT_USAGE;
	}
	if (o->help || o->man) {
		(o->help ? opt_write_help : opt_write_man)(h->options ? h->options : &run_cli, stdout);
		free(o);
		return 0;
	}
	if (h->env)
		o->env = h->env;
	targets = calloc(o->ntargets, sizeof *targets);
	int prc = targets ? probe_targets(o, targets, err) : -ENOMEM;
	for (unsigned i = 0; !prc && h->target_ok && i < o->ntargets; i++)
		if ((prc = h->target_ok(h->ctx, &targets[i], err, sizeof err)))
			unmap_targets(targets, o->ntargets);
	if (prc) {
		fprintf(stderr, "wcbench %s: %s\n", h->cmd, targets ? err : "out of memory");
		free(targets);
		free(o);
		return targets ? EXIT_USAGE : 1;
	}

	struct machine m;
	machine_probe(&m);
	char run_id[RUN_ID_MAX], dir[PATH_MAX];
	make_run_id(run_id, sizeof run_id, m.hostname);
	snprintf(dir, sizeof dir, "%s", o->out ? o->out : "");
	if (!o->out)
		snprintf(dir, sizeof dir, "results/%s", run_id);
	char csv_path[PATH_MAX + 16];
	snprintf(csv_path, sizeof csv_path, "%s/results.csv", dir);
	struct resume_texts rt;
	resume_options(o, targets, &rt);
	rt.opts[6] = h->resume_extra;
	struct run_metadata md = {
		.run_id = run_id, .env = o->env, .machine = &m, .budget_s = o->time_s,
		.min_sample_s = o->min_sample_s, .precision = o->precision,
		.min_samples = o->min_samples, .max_samples = o->max_samples,
		.options = rt.opts, .noptions = sizeof rt.opts / sizeof rt.opts[0] - !h->resume_extra.name,
		.argc = argc, .argv = argv, .probe = o->probe || h->probes, .latency = o->latency,
	};

	/* Usage errors first (bad --out, a busy directory, a run that is not this one): exit 2 with
	 * nothing measured. */
	exit_code = EXIT_USAGE;
	if (run_dir_prepare(dir, err, sizeof err) || (dir_fd = run_dir_lock(dir, err, sizeof err)) < 0)
		goto fail;
	/* under the lock no other writer is at work here: what one killed left is ours to remove */
	safe_sweep_leftovers(dir, true);
	struct stat csv_st;
	bool resuming = lstat(csv_path, &csv_st) == 0, need_header = !resuming;
	if (resuming && !o->resume) {
		snprintf(err, sizeof err, "%s already holds results: use --resume to continue it, or another --out", dir);
		goto fail;
	}
	long md_version = 0, csv_version = 0;
	char lerr_open[PATH_MAX + 200];
	int mrc = resuming ? metadata_check_resume(dir, &md, run_id, sizeof run_id, &md_version, err, sizeof err) : 0;
	if (mrc) {
		exit_code = mrc == -EIO ? 1 : EXIT_USAGE; /* a read error is the disk's */
		goto fail;
	}
	if (resuming && (csv_fd = safe_open(csv_path, O_RDWR | O_APPEND, 0, lerr_open, sizeof lerr_open)) < 0) {
		snprintf(err, sizeof err, "--resume: %s", lerr_open);
		goto fail;
	}
	if (resuming && (exit_code = trim_results(csv_path, csv_fd, &need_header, &csv_version, err,
						     sizeof err)))
		goto fail;
	if (resuming && (exit_code = upgrade_resumed(csv_path, &csv_fd, need_header, csv_version, md_version,
						       &md, err, sizeof err)))
		goto fail;
	exit_code = EXIT_USAGE;
	if (resuming && !need_header) {
		char lerr[PATH_MAX + 200];
		int lrc = rs_load(csv_path, NULL, &prev, lerr, sizeof lerr);
		if (lrc) {
			snprintf(err, sizeof err, "--resume: %s", lerr);
			exit_code = lrc == -EIO ? 1 : EXIT_USAGE; /* a read error is the disk's */
			goto fail;
		}
		if (case_key_set_build(&done, prev.rows, prev.nrows)) {
			snprintf(err, sizeof err, "out of memory");
			goto fail;
		}
	}

	/* From here on a failure is the disk's or the system's: exit 1, saying what is on disk.
	 * A new run's metadata comes first: a results.csv never exists without it. */
	exit_code = 1;
	size_t on_disk = prev.nrows;
	int rc = resuming ? metadata_add_resume(dir, &md, err, sizeof err) : metadata_write(dir, &md, err, sizeof err);
	if (!rc && !resuming) {
		csv_fd = run_dir_create_results(csv_path, err, sizeof err);
		rc = csv_fd < 0 ? csv_fd : 0;
	} else if (!rc && need_header) { /* a resume whose header was cut short */
		rc = run_dir_append_header(csv_fd);
		if (rc)
			snprintf(err, sizeof err, "%s: %s", csv_path, strerror(-rc));
	}
	if (rc) {
		fprintf(stderr, "wcbench %s: %s; %zu rows are on disk in %s\n", h->cmd, err, on_disk, csv_path);
		goto out;
	}

	const struct timer_info *ti = timer_init();
	struct sigaction sa = { .sa_handler = on_stop_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	bool tty = isatty(2);
	unsigned views = h->views ? h->views : 1;
	size_t per_target = sweep_count(o), total = per_target * o->ntargets * views, n_done = 0;
	size_t counts[4] = { 0 }, skipped = 0;
	int write_rc = 0;
	char stop_err[PATH_MAX + TARGET_ERR_LEN] = ""; /* what stopped the run, when write_rc */
	best = calloc(o->ntargets, sizeof *best);
	uint64_t t0 = mono_raw_ns();
	fprintf(stderr, "wcbench: %zu cases into %s (timer %s %.3f GHz, read cost %.1f ns; budget %.2f s per case)\n",
		total, dir, ti->name, ti->hz / 1e9, ti->cost_ns, o->time_s);
	if (best)
		write_rc = take_reference(h->cmd, dir, o->cpus[0], "start", tty, stop_err, sizeof stop_err);
	for (unsigned ti_ = 0; best && ti_ < o->ntargets && !stop_signal && !write_rc; ti_++) {
		struct target *t = &targets[ti_];
		char map_err[TARGET_ERR_LEN] = "";
		int map_rc = t->ops->map(t, map_err);
		if (map_rc)
			fprintf(stderr, "wcbench %s: %s\n", h->cmd, map_err);
		for (unsigned v = 0; v < views && !stop_signal && !write_rc; v++) {
			struct view_columns vc = { "", "" }; /* what the view's probe found */
			bool begun = false; /* before the first case that runs, not on a resume's skips */
			for (size_t i = 0; i < per_target && !stop_signal && !write_rc; i++) {
				struct sweep_point p;
				sweep_point(o, i, &p);
				struct case_spec cs = {
					.kernel = o->kernels[p.kernel],
					.barrier = o->barriers[p.barrier],
					.every = o->every[p.every],
					.burst = o->sizes[p.size],
					.threads = o->threads[p.threads],
					.drain = o->drains[p.drain],
					.verify = o->verify,
					.budget_s = o->time_s,
					.min_sample_s = o->min_sample_s,
					.min_samples = o->min_samples,
					.max_samples = o->max_samples,
					.precision = o->precision,
					.latency = o->latency,
					.stop = &stop_signal,
				};
				memcpy(cs.cpus, o->cpus, sizeof cs.cpus);
				struct row row;
				case_row_fill_case(&row, o->env, run_id, &m, t, &cs);
				if (h->view_row)
					h->view_row(h->ctx, t, v, &row);
				if (case_key_set_has(&done, &row)) {
					skipped++;
					n_done++;
					continue;
				}
				if (!begun) {
					begun = true;
					write_rc = h->begin_view(h->ctx, o, dir, t, v, map_rc ? map_err : "", tty, &vc,
								 stop_err, sizeof stop_err);
					if (write_rc)
						break;
				}
				struct case_result *res = calloc(1, sizeof *res);
				if (!res) {
					write_rc = -ENOMEM;
					break;
				}
				if (map_rc) {
					case_result_unmapped(res, &cs, map_rc, map_err);
				} else {
					h->measure(h->ctx, t, v, &cs, res);
				}
				if (res->interrupted) { /* not a finished case: a resume runs it again */
					free(res);
					break;
				}
				case_row_fill(&row, o->env, run_id, &m, t, &cs, res);
				if (h->view_row)
					h->view_row(h->ctx, t, v, &row);
				snprintf(row.memtype_effective, sizeof row.memtype_effective, "%s", vc.effective);
				snprintf(row.memtype_stage2, sizeof row.memtype_stage2, "%s", vc.stage2);
				free(res);
				write_rc = run_dir_append_row(csv_fd, &row);
				if (write_rc) {
					snprintf(stop_err, sizeof stop_err, "%s: %s", csv_path, strerror(-write_rc));
					break;
				}
				on_disk++;
				counts[row.status]++;
				best_update(&best[ti_][p.kernel], &row, &cs);
				n_done++;
				progress(tty, n_done, total, &row, (double)(mono_raw_ns() - t0) / 1e9);
			}
			if (h->end_view)
				h->end_view(h->ctx, v);
		}
		t->ops->unmap(t); /* also frees what probe kept when map failed */
	}
	/* after the last case, interrupted or not (a second signal still ends the run at once) */
	if (best && !write_rc)
		write_rc = take_reference(h->cmd, dir, o->cpus[0], "end", tty, stop_err, sizeof stop_err);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (tty)
		fputs("\r\033[K", stderr);
	if (!best || write_rc) {
		if (!stop_err[0])
			snprintf(stop_err, sizeof stop_err, "%s: %s", csv_path, strerror(best ? -write_rc : ENOMEM));
		fprintf(stderr, "wcbench %s: %s: stopped; %zu rows are on disk (continue with "
				"--resume --out %s once that is fixed)\n", h->cmd, stop_err, on_disk, dir);
		goto out;
	}
	exit_code = 0;
	printf("%s: %zu rows written (%zu ok, %zu unsupported, %zu fault, %zu error)%s\n", csv_path,
	       counts[0] + counts[1] + counts[2] + counts[3], counts[STATUS_OK],
	       counts[STATUS_UNSUPPORTED], counts[STATUS_FAULT], counts[STATUS_ERROR],
	       skipped ? ", finished cases skipped on resume" : "");
	print_best(o, ti, best);
	if (counts[STATUS_FAULT] + counts[STATUS_ERROR])
		exit_code = 1;
	if (stop_signal) {
		fprintf(stderr, "wcbench %s: interrupted (%s); %zu finished rows are in %s: continue with "
				"--resume --out %s\n", h->cmd, stop_signal == SIGTERM ? "SIGTERM" : "SIGINT",
			on_disk, csv_path, dir);
		exit_code = 128 + stop_signal;
	} else if (!o->no_plot) {
		char perr[256], note[600];
		gp_stop_on_signals(); /* a SIGINT/SIGTERM now ends gnuplot and its data too */
		if (plot_run_dir(csv_path, dir, note, sizeof note, perr, sizeof perr)) {
			fprintf(stderr, "wcbench %s: plots not written: %s (the CSV is complete)\n", h->cmd, perr);
			exit_code = exit_code ? exit_code : 1;
		} else {
			char drawn[2 * PATH_MAX];
			plot_run_describe(dir, drawn, sizeof drawn);
			printf("plots: %s\n", drawn);
			if (note[0])
				printf("plots: %s\n", note);
		}
	}
	goto out;
fail:
	cli_line(stderr, "wcbench %s: %s", h->cmd, err);
out:
	unmap_targets(targets, o->ntargets);
	if (csv_fd >= 0)
		close(csv_fd);
	if (dir_fd >= 0)
		close(dir_fd); /* releases the lock */
	rs_free(&prev);
	case_key_set_free(&done);
	free(best);
	free(targets);
	free(o);
	return exit_code;
}
