#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results/csv.h"
#include "render/plot.h"
#include "common/util.h"

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *wc_data_dir(const char *name)
{
	static char buf[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(buf, sizeof buf, "%s/%s", exe, name);
	if (is_dir(buf))
		return buf;
	snprintf(buf, sizeof buf, "%s/../share/wcbench/%s", exe, name);
	if (is_dir(buf))
		return buf;
	return NULL;
}

const char *plot_script_dir(void)
{
	const char *env = getenv("WCBENCH_PLOTS");
	if (env && is_dir(env))
		return env;
	return wc_data_dir("plots");
}

int plot_gnuplot(const char *script, const char *vars, const char *errfile)
{
	const char *dir = plot_script_dir();
	if (!dir)
		return -ENOENT;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, script);
	if (access(path, R_OK))
		return -ENOENT;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(errfile ? errfile : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
			close(fd);
		}
		execlp("gnuplot", "gnuplot", "-e", vars, path, (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* ---- the plots of one run ---- */

#define MAXW 64

struct words {
	size_t n;
	char v[MAXW][96];
};

static void add_word(struct words *w, const char *s)
{
	for (size_t i = 0; i < w->n; i++)
		if (!strcmp(w->v[i], s))
			return;
	if (w->n < MAXW)
		snprintf(w->v[w->n++], sizeof w->v[0], "%s", s);
}

/* gnuplot word list: each word single-quoted inside a double-quoted string */
static void words_join(const struct words *w, char *out, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < w->n; i++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s'%s'", i ? " " : "", w->v[i]);
	}
}


struct cols {
	int kernel, memtype, barrier, every, burst, threads, drain, target, status, ns, p10, p90,
		gbps, timer, samples, cpu, env;
};

static int find_cols(const struct csv_table *t, struct cols *c)
{
	c->kernel = csv_col(t, "kernel");
	c->memtype = csv_col(t, "memtype");
	c->barrier = csv_col(t, "barrier");
	c->every = csv_col(t, "barrier_every");
	c->burst = csv_col(t, "burst_bytes");
	c->threads = csv_col(t, "threads");
	c->drain = csv_col(t, "drain");
	c->target = csv_col(t, "target");
	c->status = csv_col(t, "status");
	c->ns = csv_col(t, "ns_per_burst_median");
	c->p10 = csv_col(t, "ns_per_burst_p10");
	c->p90 = csv_col(t, "ns_per_burst_p90");
	c->gbps = csv_col(t, "gb_per_s_median");
	c->timer = csv_col(t, "timer");
	c->samples = csv_col(t, "samples");
	c->cpu = csv_col(t, "cpu_model");
	c->env = csv_col(t, "env");
	const int *all = &c->kernel;
	for (size_t i = 0; i < sizeof *c / sizeof(int); i++)
		if (all[i] < 0)
			return -EINVAL;
	return 0;
}

/*
 * Barrier cost per 64-byte burst: ns with the barrier minus ns without, same kernel, target,
 * threads, drain and placement. Wide format, one line per case without barrier, columns
 * cost_ns_<barrier>, cost_ns_p10_<barrier>, cost_ns_p90_<barrier> (empty where not measured).
 */
static int write_barrier_costs(const struct csv_table *t, const struct cols *c, const char *path,
			       const struct words *bars, size_t *nrows)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "kernel,memtype,target,threads,drain,label,base_ns");
	for (size_t b = 0; b < bars->n; b++)
		fprintf(f, ",cost_ns_%s,cost_ns_p10_%s,cost_ns_p90_%s", bars->v[b], bars->v[b], bars->v[b]);
	fputc('\n', f);
	*nrows = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		char **base = t->rows[i];
		if (strcmp(base[c->status], "ok") || strcmp(base[c->burst], "64") ||
		    strcmp(base[c->barrier], "none"))
			continue;
		double base_ns = atof(base[c->ns]);
		fprintf(f, "%s,%s,%s,%s,%s,%s (%s),%.3f", base[c->kernel], base[c->memtype], base[c->target],
			base[c->threads], base[c->drain], base[c->kernel], base[c->memtype], base_ns);
		for (size_t b = 0; b < bars->n; b++) {
			char **r = NULL;
			for (size_t j = 0; j < t->nrows && !r; j++) {
				char **x = t->rows[j];
				if (!strcmp(x[c->status], "ok") && !strcmp(x[c->burst], "64") &&
				    !strcmp(x[c->barrier], bars->v[b]) && !strcmp(x[c->kernel], base[c->kernel]) &&
				    !strcmp(x[c->target], base[c->target]) &&
				    !strcmp(x[c->threads], base[c->threads]) && !strcmp(x[c->drain], base[c->drain]))
					r = x;
			}
			if (r)
				fprintf(f, ",%.3f,%.3f,%.3f", atof(r[c->ns]) - base_ns,
					atof(r[c->p10]) - base_ns, atof(r[c->p90]) - base_ns);
			else
				fprintf(f, ",,,");
		}
		fputc('\n', f);
		(*nrows)++;
	}
	return fclose(f) ? -errno : 0;
}

static int gp_run(const char *script, const char *vars, const char *dir, char *err, size_t errlen)
{
	char errfile[PATH_MAX];
	snprintf(errfile, sizeof errfile, "%s/gnuplot.log", dir);
	int rc = plot_gnuplot(script, vars, errfile);
	if (rc == -ENOENT)
		snprintf(err, errlen, "%s", plot_script_dir() ? "gnuplot not found (install gnuplot-nox)"
							      : "plot scripts not found (set WCBENCH_PLOTS)");
	else if (rc)
		snprintf(err, errlen, "gnuplot failed on %s: see %s", script, errfile);
	else
		unlink(errfile);
	return rc;
}

int plot_run_dir(const char *csv_path, const char *dir, char *err, size_t errlen)
{
	struct csv_table t;
	int rc = csv_read(csv_path, &t, err, errlen);
	if (rc)
		return rc;
	struct cols c;
	if (find_cols(&t, &c)) {
		snprintf(err, errlen, "%s: not a wcbench results file (columns missing)", csv_path);
		csv_free(&t);
		return -EINVAL;
	}
	/* Panels: memtype x barrier. Series: kernel, qualified by whatever else varies. */
	struct words memtypes = { 0 }, bars = { 0 }, threads = { 0 }, drains = { 0 }, everies = { 0 },
		     targets = { 0 }, timers = { 0 }, cpus = { 0 };
	size_t ok_rows = 0;
	unsigned min_samples = UINT_MAX;
	for (size_t i = 0; i < t.nrows; i++) {
		char **r = t.rows[i];
		if (strcmp(r[c.status], "ok"))
			continue;
		ok_rows++;
		add_word(&memtypes, r[c.memtype]);
		add_word(&bars, r[c.barrier]);
		add_word(&threads, r[c.threads]);
		add_word(&drains, r[c.drain]);
		add_word(&everies, r[c.every]);
		add_word(&targets, r[c.target]);
		add_word(&timers, r[c.timer]);
		add_word(&cpus, r[c.cpu]);
		unsigned s = (unsigned)atoi(r[c.samples]);
		if (s < min_samples)
			min_samples = s;
	}
	if (!ok_rows) {
		snprintf(err, errlen, "%s: no ok rows to plot", csv_path);
		csv_free(&t);
		return -ENODATA;
	}
	struct words s_kernel = { 0 }, s_threads = { 0 }, s_drain = { 0 }, s_every = { 0 },
		     s_target = { 0 }, s_label = { 0 };
	for (size_t i = 0; i < t.nrows; i++) {
		char **r = t.rows[i];
		if (strcmp(r[c.status], "ok"))
			continue;
		char label[96];
		snprintf(label, sizeof label, "%s%s%s%s%s%s%s%s%s", r[c.kernel],
			 targets.n > 1 ? " " : "", targets.n > 1 ? r[c.target] : "",
			 threads.n > 1 ? " x" : "", threads.n > 1 ? r[c.threads] : "",
			 drains.n > 1 ? " drain=" : "", drains.n > 1 ? r[c.drain] : "",
			 everies.n > 1 ? " every=" : "", everies.n > 1 ? r[c.every] : "");
		size_t before = s_label.n;
		add_word(&s_label, label);
		if (s_label.n != before) {
			/* parallel lists: index k describes series k */
			snprintf(s_kernel.v[s_kernel.n++], 96, "%s", r[c.kernel]);
			snprintf(s_threads.v[s_threads.n++], 96, "%s", r[c.threads]);
			snprintf(s_drain.v[s_drain.n++], 96, "%s", r[c.drain]);
			snprintf(s_every.v[s_every.n++], 96, "%s", r[c.every]);
			snprintf(s_target.v[s_target.n++], 96, "%s", r[c.target]);
		}
	}
	size_t panels = memtypes.n * bars.n;
	size_t cols = panels < 3 ? panels : 3, rows = (panels + cols - 1) / cols;

	static char vars[16384];
	char q_csv[1024], q_out[1024], q_cost[1024], l_mt[2048], l_b[1024], l_sk[4096], l_st[1024],
		l_sd[1024], l_se[1024], l_sg[4096], l_sl[6144], sub[512], cpu[128];
	gp_quote(csv_path, q_csv, sizeof q_csv);
	char out[PATH_MAX];
	snprintf(out, sizeof out, "%s/gbps_vs_size", dir);
	gp_quote(out, q_out, sizeof q_out);
	words_join(&memtypes, l_mt, sizeof l_mt);
	words_join(&bars, l_b, sizeof l_b);
	words_join(&s_kernel, l_sk, sizeof l_sk);
	words_join(&s_threads, l_st, sizeof l_st);
	words_join(&s_drain, l_sd, sizeof l_sd);
	words_join(&s_every, l_se, sizeof l_se);
	words_join(&s_target, l_sg, sizeof l_sg);
	words_join(&s_label, l_sl, sizeof l_sl);
	gp_quote(cpus.v[0], cpu, sizeof cpu);
	snprintf(sub, sizeof sub, "%s%s | timer %s | drain %s | barrier every %s B | median of >= %u samples, bars p10-p90",
		 cpu, cpus.n > 1 ? " (and others)" : "", timers.v[0], drains.n > 1 ? "varies" : drains.v[0],
		 everies.n > 1 ? "varies" : everies.v[0], min_samples);
	char q_sub[600];
	gp_quote(sub, q_sub, sizeof q_sub);
	snprintf(vars, sizeof vars,
		 "csv='%s'; out='%s'; subtitle='%s'; memtypes=\"%s\"; barriers=\"%s\"; "
		 "s_kernel=\"%s\"; s_threads=\"%s\"; s_drain=\"%s\"; s_every=\"%s\"; s_target=\"%s\"; "
		 "s_label=\"%s\"; ncols=%zu; nrows=%zu",
		 q_csv, q_out, q_sub, l_mt, l_b, l_sk, l_st, l_sd, l_se, l_sg, l_sl, cols, rows);
	rc = gp_run("gbps_vs_size.gp", vars, dir, err, errlen);

	char cost_path[PATH_MAX];
	snprintf(cost_path, sizeof cost_path, "%s/barrier_cost.csv", dir);
	size_t ncost = 0;
	struct words real_bars = { 0 };
	for (size_t i = 0; i < bars.n; i++)
		if (strcmp(bars.v[i], "none"))
			add_word(&real_bars, bars.v[i]);
	words_join(&real_bars, l_b, sizeof l_b);
	if (!rc && real_bars.n)
		rc = write_barrier_costs(&t, &c, cost_path, &real_bars, &ncost);
	if (!rc && ncost) {
		snprintf(out, sizeof out, "%s/barrier_cost", dir);
		gp_quote(out, q_out, sizeof q_out);
		gp_quote(cost_path, q_cost, sizeof q_cost);
		snprintf(sub, sizeof sub, "%s | timer %s | 64-byte bursts, ns with barrier minus ns without (medians); bars p10-p90",
			 cpu, timers.v[0]);
		gp_quote(sub, q_sub, sizeof q_sub);
		snprintf(vars, sizeof vars, "csv='%s'; out='%s'; subtitle='%s'; barriers=\"%s\"", q_cost,
			 q_out, q_sub, l_b);
		rc = gp_run("barrier_cost.gp", vars, dir, err, errlen);
	}
	csv_free(&t);
	return rc;
}
