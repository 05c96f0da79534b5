/* wcbench run: options -> sweep -> for each target: map -> for each case: measure -> row. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "results/json.h"
#include "results/csv.h"
#include "core/machine.h"
#include "cmd/run_options.h"
#include "render/plot.h"
#include "results/schema.h"
#include "core/timer.h"
#include "common/util.h"

#define QUICK_RAM_WINDOW (16UL << 20)

static const char run_help[] =
	"usage: wcbench run [options]\n"
	"\n"
	"Times bursts of stores into a target for every combination of the lists given, and writes\n"
	"one CSV row per case (flushed as it finishes) plus plots. With no options: a sweep over RAM\n"
	"of every store kernel and barrier of this CPU, burst sizes 64 B to 1 MiB.\n"
	"\n"
	"What to store into:\n"
	"  -t, --target SPEC      repeatable. ram (default), ram:hugetlb, ram:node=N,\n"
	"                         vfio:BDF:barN, sysfs:BDF:barN, sysfs-wc:BDF:barN,\n"
	"                         file:PATH\n"
	"                         (wcbench list targets)\n"
	"  -w, --window OFF:LEN   store only into LEN bytes from OFF (sizes: 4K, 16M...).\n"
	"                         RAM default 0:256M (--quick 0:16M); BARs: the whole BAR\n"
	"      --force            allow sysfs targets on a device bound to a host driver\n"
	"\n"
	"What to run (comma-separated lists; the sweep is their product):\n"
	"  -k, --kernel LIST|all  store kernels (wcbench list kernels); default all of this arch\n"
	"  -b, --barrier LIST|all barriers (wcbench list barriers); default all of this arch\n"
	"      --barrier-every L  where the barrier goes: 64 (after each 64 B, default), burst,\n"
	"                         sample (once per timed sample)\n"
	"  -s, --size LIST        burst sizes, powers of two from 8 to 1G, e.g. 64,4K,1M\n"
	"  -j, --threads LIST     threads storing at once, each into its own part of the window\n"
	"  -c, --cpu LIST         CPUs for the threads, e.g. 0,2-3 (default: distinct cores first)\n"
	"  -d, --drain LIST       what the timed region waits for: none (stores issued),\n"
	"                         fence (SFENCE / DSB ST: left the core; default), readback\n"
	"                         (fence + a read from the target: arrived at the device)\n"
	"\n"
	"How long and how exact:\n"
	"  -T, --time SECONDS     time budget per case (default 0.5; --quick 0.05)\n"
	"      --min-samples N    samples before the stop rule may end a case (default 10)\n"
	"      --max-samples N    (default 1000)\n"
	"      --cv FRACTION      stop once (p90-p10)/median <= 2 x FRACTION (default 0.01)\n"
	"      --sample-ms MS     shortest sample (default 1; also >= 1000 x timer resolution)\n"
	"  -q, --quick            short preset for smoke runs: sizes 64,4K,64K, 16 MiB RAM window,\n"
	"                         0.05 s per case, 5 samples of >= 0.2 ms\n"
	"  -V, --verify           after each case, fill the window, store one pass and check every\n"
	"                         byte, and that nothing outside the window changed\n"
	"\n"
	"Output:\n"
	"  -o, --out DIR          results directory (default results/<run_id>): results.csv,\n"
	"                         metadata.json, plots (PNG and SVG)\n"
	"      --resume           continue an interrupted run in --out DIR: skip finished cases\n"
	"      --no-plot          CSV only\n"
	"      --env host|guest   label for the env column (the guest launcher sets guest)\n"
	"\n"
	"Every figure is the median over samples of (sample time / bursts per thread), with p10,\n"
	"p90, min and the coefficient of variation beside it; GB/s is 10^9 bytes per second.\n"
	"The stored data is a fixed non-zero 64-byte pattern (in metadata.json).\n"
	"Exit: 0 ok, 1 a case failed (status fault or error) or plotting failed, 2 bad usage.\n"
	"\n"
	"Examples:\n"
	"  wcbench run --quick\n"
	"  wcbench run -k movnti_8,vmovntdq_64 -b none,sfence -s 64,4K -w 0:1G -c 2\n"
	"  wcbench run -t vfio:0000:01:00.0:bar2 -w 0:1M -d readback --verify\n";

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void join_ints(char *out, size_t n, const int *v, unsigned count)
{
	out[0] = '\0';
	for (unsigned i = 0; i < count; i++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%d", i ? ";" : "", v[i]);
	}
}

/* The identity of a case for --resume. */
static void case_key(char *out, size_t n, const char *target, const char *kernel,
		     const char *barrier, const char *every, const char *burst, const char *threads,
		     const char *drain)
{
	snprintf(out, n, "%s|%s|%s|%s|%s|%s|%s", target, kernel, barrier, every, burst, threads, drain);
}

struct done_set {
	size_t n;
	char **keys;
};

static int load_done(const char *csv, struct done_set *d, char *err, size_t errlen)
{
	struct csv_table t;
	d->n = 0;
	d->keys = NULL;
	int rc = csv_read(csv, &t, err, errlen);
	if (rc)
		return rc;
	int c[7] = { csv_col(&t, "target"), csv_col(&t, "kernel"), csv_col(&t, "barrier"),
		     csv_col(&t, "barrier_every"), csv_col(&t, "burst_bytes"), csv_col(&t, "threads"),
		     csv_col(&t, "drain") };
	int cv = csv_col(&t, "schema_version");
	for (int i = 0; i < 7; i++)
		if (c[i] < 0 || cv < 0) {
			snprintf(err, errlen, "%s: not a wcbench results file", csv);
			csv_free(&t);
			return -EINVAL;
		}
	d->keys = calloc(t.nrows + 1, sizeof *d->keys);
	for (size_t r = 0; d->keys && r < t.nrows; r++) {
		char **f = t.rows[r];
		if (atoi(f[cv]) != SCHEMA_VERSION) {
			snprintf(err, errlen, "%s: schema version %s, this wcbench writes %d", csv, f[cv],
				 SCHEMA_VERSION);
			csv_free(&t);
			return -EINVAL;
		}
		char key[512];
		case_key(key, sizeof key, f[c[0]], f[c[1]], f[c[2]], f[c[3]], f[c[4]], f[c[5]], f[c[6]]);
		d->keys[d->n++] = strdup(key);
	}
	csv_free(&t);
	return 0;
}

static bool is_done(const struct done_set *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->keys[i], key))
			return true;
	return false;
}

static void write_metadata(const char *dir, const char *run_id, const struct machine *m,
			   const struct run_options *o, int argc, char **argv, bool resumed)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	const struct timer_info *ti = timer_init();
	fprintf(f, "{\n  \"schema_version\": %d,\n  \"wcbench_version\": ", SCHEMA_VERSION);
	json_str(f, WCBENCH_VERSION);
	fprintf(f, ",\n  \"run_id\": ");
	json_str(f, run_id);
	fprintf(f, ",\n  \"resumed\": %s,\n  \"env\": ", resumed ? "true" : "false");
	json_str(f, o->env);
	const char *kv[][2] = {
		{ "hostname", m->hostname }, { "arch", m->arch }, { "cpu_model", m->cpu_model },
		{ "cpu_id", m->cpu_id }, { "os_release", m->os_release }, { "hwcaps", m->hwcaps },
		{ "hypervisor", m->hypervisor }, { "transparent_hugepage", m->thp },
		{ "topology_source", place_source() }, { "timer", ti->name },
		{ "timer_frequency_source", ti->freq_note },
	};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		fprintf(f, ",\n  \"%s\": ", kv[i][0]);
		json_str(f, kv[i][1]);
	}
	fprintf(f, ",\n  \"timer_hz\": %.0f,\n  \"timer_cost_ns\": %.2f,\n  \"timer_resolution_ns\": %.3f",
		ti->hz, ti->cost_ns, ti->resolution_ns);
	fprintf(f, ",\n  \"pattern_hex\": \"");
	for (int i = 0; i < PATTERN_BYTES; i++)
		fprintf(f, "%02x", store_pattern[i]);
	fprintf(f, "\",\n  \"sampling\": {\"budget_s\": %g, \"min_sample_s\": %g, \"min_samples\": %u, "
		   "\"max_samples\": %u, \"stop_rule\": \"(p90-p10)/median <= %g\"}",
		o->time_s, o->min_sample_s, o->min_samples, o->max_samples, 2 * o->cv_target);
	fprintf(f, ",\n  \"command_line\": [");
	for (int i = 0; i < argc; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_str(f, argv[i]);
	}
	time_t now = time(NULL);
	char ts[40];
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	fprintf(f, "],\n  \"started_utc\": \"%s\"\n}\n", ts);
	fclose(f);
}

static void progress(size_t done, size_t total, const struct row *r, double elapsed)
{
	double eta = done ? elapsed / (double)done * (double)(total - done) : 0;
	if (r->status == STATUS_OK)
		fprintf(stderr, "\r\033[K[%zu/%zu, %.0f s left] %s %s %s/%s %llu B: %.2f GB/s (cv %.1f%%)",
			done, total, eta, r->target, r->kernel, r->barrier, r->barrier_every,
			(unsigned long long)r->burst_bytes, r->gb_per_s_median, 100 * r->cv);
	else
		fprintf(stderr, "\r\033[K[%zu/%zu, %.0f s left] %s %s %s/%s %llu B: %s", done, total, eta,
			r->target, r->kernel, r->barrier, r->barrier_every,
			(unsigned long long)r->burst_bytes, status_name(r->status));
}

static void fill_row(struct row *row, const struct run_options *o, const char *run_id,
		     const struct machine *m, const struct target *t, const struct case_spec *cs,
		     const struct case_result *res)
{
	const struct timer_info *ti = timer_init();
	memset(row, 0, sizeof *row);
	snprintf(row->run_id, sizeof row->run_id, "%s", run_id);
	snprintf(row->env, sizeof row->env, "%s", o->env);
	snprintf(row->arch, sizeof row->arch, "%s", m->arch);
	snprintf(row->cpu_model, sizeof row->cpu_model, "%s", m->cpu_model);
	snprintf(row->os_release, sizeof row->os_release, "%s", m->os_release);
	snprintf(row->target, sizeof row->target, "%s", t->spec);
	target_kind_of(t->spec, row->target_kind, sizeof row->target_kind);
	snprintf(row->device, sizeof row->device, "%s", t->device);
	snprintf(row->map, sizeof row->map, "%s", t->map);
	snprintf(row->memtype, sizeof row->memtype, "%s", t->memtype);
	snprintf(row->memtype_seen, sizeof row->memtype_seen, "%s", t->memtype_seen);
	snprintf(row->kernel, sizeof row->kernel, "%s", cs->kernel->name);
	row->width_bytes = cs->kernel->width;
	snprintf(row->barrier, sizeof row->barrier, "%s", cs->barrier->name);
	snprintf(row->barrier_every, sizeof row->barrier_every, "%s", every_names[cs->every]);
	row->burst_bytes = cs->burst;
	row->window_bytes = res->window_used ? res->window_used : t->win_len;
	row->threads = cs->threads;
	int nodes[64], pkgs[64];
	for (unsigned i = 0; i < cs->threads; i++) {
		nodes[i] = res->place[i].node;
		pkgs[i] = res->place[i].package;
	}
	join_ints(row->cpus, sizeof row->cpus, cs->cpus, cs->threads);
	join_ints(row->nodes, sizeof row->nodes, nodes, cs->threads);
	join_ints(row->packages, sizeof row->packages, pkgs, cs->threads);
	snprintf(row->drain, sizeof row->drain, "%s", drain_name(cs->drain));
	snprintf(row->timer, sizeof row->timer, "%s", ti->name);
	row->timer_ns = ti->cost_ns;
	row->samples = res->samples;
	row->bursts_per_sample = res->bursts_per_sample;
	row->ns_per_burst_median = res->ns.median;
	row->ns_per_burst_p10 = res->ns.p10;
	row->ns_per_burst_p90 = res->ns.p90;
	row->ns_per_burst_min = res->ns.min;
	row->gb_per_s_median = res->gbps_median;
	row->gb_per_s_p10 = res->gbps_p10;
	row->gb_per_s_p90 = res->gbps_p90;
	row->cv = res->samples ? res->ns.cv : NAN;
	snprintf(row->verify, sizeof row->verify, "%s", res->verify);
	row->status = res->status;
	snprintf(row->reason, sizeof row->reason, "%s", res->reason);
}

/* The fastest case of each kernel on each target, for the closing summary. */
struct best {
	bool set;
	double gbps, p10, p90;
	size_t burst;
	const char *barrier, *every, *drain;
};

static void print_best(const struct run_options *o, struct best (*best)[MAX_LIST])
{
	bool any = false;
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++)
			any |= best[t][k].set;
	if (!any)
		return;
	printf("\nfastest case per kernel (GB/s = 10^9 B/s: median, and p10-p90 of the samples):\n");
	printf("  %-16s %-14s %9s %17s %9s %-14s %s\n", "target", "kernel", "GB/s", "p10-p90", "burst",
	       "barrier/every", "drain");
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++) {
			const struct best *b = &best[t][k];
			if (!b->set)
				continue;
			char range[40], burst[24], be[40];
			snprintf(range, sizeof range, "%.2f-%.2f", b->p10, b->p90);
			if (b->burst >= (1UL << 20))
				snprintf(burst, sizeof burst, "%zu MiB", b->burst >> 20);
			else if (b->burst >= 1024)
				snprintf(burst, sizeof burst, "%zu KiB", b->burst >> 10);
			else
				snprintf(burst, sizeof burst, "%zu B", b->burst);
			snprintf(be, sizeof be, "%s/%s", b->barrier, b->every);
			printf("  %-16.16s %-14s %9.2f %17s %9s %-14s %s\n", o->targets[t],
			       o->kernels[k]->name, b->gbps, range, burst, be, b->drain);
		}
}

int cmd_run(int argc, char **argv)
{
	struct run_options *o = calloc(1, sizeof *o);
	char err[TARGET_ERR_LEN + 64];
	int exit_code = 0;
	if (!o)
		return 1;
	if (options_parse(argc, argv, o, err, sizeof err)) {
		fprintf(stderr, "wcbench run: %s\n", err);
		free(o);
		return EXIT_USAGE;
	}
	if (o->help) {
		fputs(run_help, stdout);
		free(o);
		return 0;
	}

	/* Probe every target before anything is written: bad input leaves no trace. */
	struct target *targets = calloc(o->ntargets, sizeof *targets);
	for (unsigned i = 0; i < o->ntargets; i++) {
		struct target_opts topts = o->topts;
		char kind[32];
		target_kind_of(o->targets[i], kind, sizeof kind);
		if (o->quick && !topts.window_set && !strcmp(kind, "ram")) {
			topts.window_set = true;
			topts.window_len = QUICK_RAM_WINDOW;
		}
		if (target_probe(&targets[i], o->targets[i], &topts, err)) {
			fprintf(stderr, "wcbench run: %s\n", err);
			for (unsigned j = 0; j <= i; j++)
				if (targets[j].ops)
					targets[j].ops->unmap(&targets[j]);
			free(targets);
			free(o);
			return EXIT_USAGE;
		}
	}

	struct machine m;
	machine_probe(&m);
	char run_id[40], dir[PATH_MAX];
	make_run_id(run_id, sizeof run_id, m.hostname);
	if (o->out)
		snprintf(dir, sizeof dir, "%s", o->out);
	else
		snprintf(dir, sizeof dir, "results/%s", run_id);
	char csv_path[PATH_MAX + 16];
	snprintf(csv_path, sizeof csv_path, "%s/results.csv", dir);
	bool exists = access(csv_path, F_OK) == 0;
	struct done_set done = { 0 };
	if (exists && !o->resume) {
		fprintf(stderr, "wcbench run: %s already holds results: use --resume to continue it, or another --out\n", dir);
		exit_code = EXIT_USAGE;
		goto out;
	}
	if (o->resume && exists && load_done(csv_path, &done, err, sizeof err)) {
		fprintf(stderr, "wcbench run: --resume: %s\n", err);
		exit_code = EXIT_USAGE;
		goto out;
	}
	int rc = make_dirs(dir);
	if (rc) {
		fprintf(stderr, "wcbench run: cannot create %s: %s\n", dir, strerror(-rc));
		exit_code = 1;
		goto out;
	}
	FILE *csv = fopen(csv_path, "a");
	if (!csv) {
		fprintf(stderr, "wcbench run: cannot write %s: %s\n", csv_path, strerror(errno));
		exit_code = 1;
		goto out;
	}
	if (!exists)
		csv_write_header(csv);
	fflush(csv);
	const struct timer_info *ti = timer_init();
	write_metadata(dir, run_id, &m, o, argc, argv, o->resume && exists);

	struct sigaction sa = { .sa_handler = on_sigint }, old_int, old_term;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	bool tty = isatty(2);
	size_t per_target = sweep_count(o), total = per_target * o->ntargets, n_done = 0;
	size_t counts[4] = { 0 }, skipped = 0;
	struct best(*best)[MAX_LIST] = calloc(o->ntargets, sizeof *best);
	uint64_t t0 = mono_raw_ns();
	fprintf(stderr, "wcbench: %zu cases into %s (timer %s %.3f GHz, read cost %.1f ns; budget %.2f s per case)\n",
		total, dir, ti->name, ti->hz / 1e9, ti->cost_ns, o->time_s);
	for (unsigned ti_ = 0; ti_ < o->ntargets && !interrupted; ti_++) {
		struct target *t = &targets[ti_];
		char map_err[TARGET_ERR_LEN] = "";
		int map_rc = t->ops->map(t, map_err);
		if (map_rc)
			fprintf(stderr, "wcbench run: %s\n", map_err);
		for (size_t i = 0; i < per_target && !interrupted; i++) {
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
				.cv_target = o->cv_target,
			};
			memcpy(cs.cpus, o->cpus, sizeof cs.cpus);
			char key[512], burst_s[24], threads_s[12];
			snprintf(burst_s, sizeof burst_s, "%zu", cs.burst);
			snprintf(threads_s, sizeof threads_s, "%u", cs.threads);
			case_key(key, sizeof key, t->spec, cs.kernel->name, cs.barrier->name,
				 every_names[cs.every], burst_s, threads_s, drain_name(cs.drain));
			if (is_done(&done, key)) {
				skipped++;
				n_done++;
				continue;
			}
			struct case_result *res = calloc(1, sizeof *res);
			if (map_rc) {
				res->status = STATUS_ERROR;
				snprintf(res->reason, sizeof res->reason, "%s", map_err);
				snprintf(res->verify, sizeof res->verify, "off");
				res->ns.median = res->ns.p10 = res->ns.p90 = res->ns.min = NAN;
				res->gbps_median = res->gbps_p10 = res->gbps_p90 = NAN;
				for (unsigned k = 0; k < cs.threads; k++)
					place_describe(cs.cpus[k], &res->place[k]);
			} else {
				measure_case(t, &cs, res);
			}
			struct row row;
			fill_row(&row, o, run_id, &m, t, &cs, res);
			free(res);
			csv_write_row(csv, &row);
			fflush(csv);
			fdatasync(fileno(csv)); /* a finished row survives a crash of the machine too */
			counts[row.status]++;
			struct best *b = &best[ti_][p.kernel];
			if (row.status == STATUS_OK && (!b->set || row.gb_per_s_median > b->gbps))
				*b = (struct best){ true, row.gb_per_s_median, row.gb_per_s_p10, row.gb_per_s_p90,
						    cs.burst, cs.barrier->name, every_names[cs.every],
						    drain_name(cs.drain) };
			n_done++;
			if (tty)
				progress(n_done, total, &row, (double)(mono_raw_ns() - t0) / 1e9);
		}
		t->ops->unmap(t); /* also frees what probe kept when map failed */
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (tty)
		fputs("\r\033[K", stderr);
	fclose(csv);
	printf("%s: %zu rows written (%zu ok, %zu unsupported, %zu fault, %zu error)%s\n", csv_path,
	       counts[0] + counts[1] + counts[2] + counts[3], counts[STATUS_OK],
	       counts[STATUS_UNSUPPORTED], counts[STATUS_FAULT], counts[STATUS_ERROR],
	       skipped ? ", finished cases skipped on resume" : "");
	printf("each figure: median of >= %u samples (or the %.2f s budget) of sample time / bursts; "
	       "timer %s; GB/s = 10^9 B/s\n", o->min_samples, o->time_s, ti->name);
	print_best(o, best);
	free(best);
	if (counts[STATUS_FAULT] + counts[STATUS_ERROR])
		exit_code = 1;
	if (interrupted) {
		fprintf(stderr, "wcbench run: interrupted; every finished row is in %s: continue with "
				"--resume --out %s\n", csv_path, dir);
		exit_code = 130;
	} else if (!o->no_plot) {
		char perr[256];
		if (plot_run_dir(csv_path, dir, perr, sizeof perr)) {
			fprintf(stderr, "wcbench run: plots not written: %s (the CSV is complete)\n", perr);
			exit_code = exit_code ? exit_code : 1;
		} else {
			printf("plots: %s/gbps_vs_size.png (.svg), %s/barrier_cost.png (.svg)\n", dir, dir);
		}
	}
out:
	for (unsigned i = 0; i < o->ntargets; i++)
		if (targets[i].priv)
			targets[i].ops->unmap(&targets[i]);
	for (size_t i = 0; i < done.n; i++)
		free(done.keys[i]);
	free(done.keys);
	free(targets);
	free(o);
	return exit_code;
}
