#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "render/gnuplot.h"
#include "common/data_dir.h"

enum { GP_PNG, GP_SVG, GP_LOG, GP_FIXED };

/* What a signal handler needs, in static storage: the running gnuplot and the directories of
 * the figures being drawn (a few at a time: a command opens the next figure only after the last). */
#define GP_LIVE_MAX 4
static volatile sig_atomic_t gp_child;
static volatile sig_atomic_t gp_stopped;
static struct gp_data *volatile gp_live[GP_LIVE_MAX];

static void live_add(struct gp_data *d)
{
	for (size_t i = 0; i < GP_LIVE_MAX; i++)
		if (!gp_live[i]) {
			gp_live[i] = d;
			return;
		}
}

static void live_remove(struct gp_data *d)
{
	for (size_t i = 0; i < GP_LIVE_MAX; i++)
		if (gp_live[i] == d)
			gp_live[i] = NULL;
}

void gp_stop_from_signal(void)
{
	int e = errno;
	gp_stopped = 1;
	pid_t pid = (pid_t)gp_child;
	if (pid > 0)
		kill(pid, SIGKILL);
	for (size_t i = 0; i < GP_LIVE_MAX; i++) {
		struct gp_data *d = gp_live[i];
		if (!d)
			continue;
		for (size_t k = 0; k < d->nfiles; k++)
			unlink(d->files[k]);
		rmdir(d->dir);
	}
	errno = e;
}

static void stop_and_die(int sig)
{
	gp_stop_from_signal();
	signal(sig, SIG_DFL);
	raise(sig);
}

void gp_stop_on_signals(void)
{
	struct sigaction sa = { .sa_handler = stop_and_die };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* A private directory is wcbench-plot.PID.XXXXXX, only its own files inside: what a process killed
 * with SIGKILL left (no handler ran) is removed by the next one that draws, once PID is gone. */
static void sweep_dead_dirs(const char *tmp)
{
	DIR *t = opendir(tmp);
	if (!t)
		return;
	struct dirent *e;
	while ((e = readdir(t))) {
		char *end;
		if (strncmp(e->d_name, "wcbench-plot.", 13))
			continue;
		long pid = strtol(e->d_name + 13, &end, 10);
		if (pid <= 0 || *end != '.' || pid == (long)getpid() || !kill((pid_t)pid, 0) || errno != ESRCH)
			continue;
		int dfd = openat(dirfd(t), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat st;
		if (dfd < 0)
			continue;
		/* only our own kind of directory: the caller's, holding plain files */
		if (!fstat(dfd, &st) && st.st_uid == geteuid()) {
			DIR *d = fdopendir(dfd);
			struct dirent *f;
			while (d && (f = readdir(d)))
				if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
					unlinkat(dfd, f->d_name, 0);
			if (d)
				closedir(d);
			else
				close(dfd);
			unlinkat(dirfd(t), e->d_name, AT_REMOVEDIR);
		} else {
			close(dfd);
		}
	}
	closedir(t);
}

int gp_data_open(struct gp_data *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (gp_stopped) {
		snprintf(err, errlen, "interrupted: no figure drawn");
		return -EINTR;
	}
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 400)
		tmp = "/tmp";
	sweep_dead_dirs(tmp);
	snprintf(d->dir, sizeof d->dir, "%s/wcbench-plot.%ld.XXXXXX", tmp, (long)getpid());
	if (!mkdtemp(d->dir)) {
		int e = errno;
		snprintf(err, errlen, "cannot create a temporary directory in %s: %s", tmp, strerror(e));
		d->dir[0] = '\0';
		return -e;
	}
	static const char *const fixed[GP_FIXED] = { "figure.png", "figure.svg", "gnuplot.log" };
	for (size_t i = 0; i < GP_FIXED; i++)
		snprintf(d->files[i], sizeof d->files[i], "%s/%s", d->dir, fixed[i]);
	snprintf(d->out, sizeof d->out, "%s/figure", d->dir);
	d->nfiles = GP_FIXED;
	live_add(d);
	return 0;
}

const char *gp_data_out(const struct gp_data *d)
{
	return d->out;
}

FILE *gp_data_file(struct gp_data *d, const char *name, char *path, size_t pathlen, char *err,
		   size_t errlen)
{
	if (d->nfiles == GP_MAX_FILES) {
		snprintf(err, errlen, "%s: too many plot data files", name);
		return NULL;
	}
	char file[sizeof d->files[0]];
	snprintf(file, sizeof file, "%s/%s", d->dir, name);
	memcpy(d->files[d->nfiles], file, sizeof file);
	FILE *f = fopen(d->files[d->nfiles], "wx");
	if (!f) {
		snprintf(err, errlen, "%s: %s", d->files[d->nfiles], strerror(errno));
		return NULL;
	}
	snprintf(path, pathlen, "%s", d->files[d->nfiles++]);
	return f;
}

void gp_data_close(struct gp_data *d)
{
	live_remove(d);
	for (size_t i = 0; i < d->nfiles; i++)
		unlink(d->files[i]);
	if (d->dir[0])
		rmdir(d->dir);
	memset(d, 0, sizeof *d);
}

void gp_put_text(FILE *f, const char *s)
{
	fputc('L', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		fputc(c == '"' ? 1 : c < 0x20 || c == 0x7f ? ' ' : c, f);
	}
	fputc('\n', f);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static unsigned timeout_s(void)
{
	const char *env = getenv("WCBENCH_GNUPLOT_TIMEOUT");
	char *end;
	unsigned long v = env && *env ? strtoul(env, &end, 10) : 0;
	return env && *env && !*end && v > 0 && v <= 86400 ? (unsigned)v : GP_TIMEOUT_S;
}

/* gnuplot -c path args..., its messages in logpath; waited for at most limit seconds. */
static int run_gnuplot(const char *path, const char *const *args, const char *logpath, unsigned limit)
{
	const char *argv[GP_MAX_ARGS + 4] = { "gnuplot", "-c", path };
	size_t n = 3;
	for (; args[n - 3]; n++) {
		if (n - 3 == GP_MAX_ARGS)
			return -E2BIG;
		argv[n] = args[n - 3];
	}
	argv[n] = NULL;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* gone with its parent, even one killed by SIGKILL */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(126);
		int fd = open(logpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execvp("gnuplot", (char *const *)argv);
		_exit(127);
	}
	gp_child = pid;
	if (gp_stopped) /* a signal came before gp_child said whom to kill */
		kill(pid, SIGKILL);
	double deadline = now_s() + limit;
	bool late = false;
	int st, rc = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (!late && now_s() > deadline) {
			late = true;
			kill(pid, SIGKILL);
		}
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	gp_child = 0;
	if (rc)
		return rc;
	if (gp_stopped)
		return -EINTR;
	if (late)
		return -ETIME;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

/* dir/figure.png and .svg copied whole to out.png and out.svg. */
static int publish(const struct gp_data *d, const char *out, char *err, size_t errlen)
{
	static const char *const ext[] = { "png", "svg" };
	for (size_t i = 0; i < 2; i++) {
		char dst[PATH_MAX];
		if (snprintf(dst, sizeof dst, "%s.%s", out, ext[i]) >= (int)sizeof dst) {
			snprintf(err, errlen, "%s.%s: %s", out, ext[i], strerror(ENAMETOOLONG));
			return -ENAMETOOLONG;
		}
		int rc = safe_copy_whole(d->files[i], dst, err, errlen);
		if (rc) {
			if (rc == -ENOENT && access(d->files[i], F_OK))
				snprintf(err, errlen, "gnuplot wrote no %s", dst);
			return rc;
		}
	}
	return 0;
}

int gp_draw(struct gp_data *d, const char *script, const char *const *args, const char *out,
	    const char *logpath, char *err, size_t errlen)
{
	const char *dir = plot_script_dir();
	if (!dir) {
		snprintf(err, errlen, "plot scripts not found (set WCBENCH_PLOTS)");
		return -ENOENT;
	}
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, script);
	if (access(path, R_OK)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -ENOENT;
	}
	unsigned limit = timeout_s();
	int rc = run_gnuplot(path, args, d->files[GP_LOG], limit);
	if (rc == -EIO || rc == -ETIME) {
		char why[PATH_MAX + 200];
		/* its messages beside the figure it did not draw, written as any file there */
		int lrc = safe_copy_whole(d->files[GP_LOG], logpath, why, sizeof why);
		const char *verb = rc == -EIO ? "failed on" : "killed:";
		if (lrc)
			snprintf(err, errlen, "gnuplot %s %s%s (its messages not kept: %s)", verb, script,
				 rc == -ETIME ? " took too long" : "", why);
		else if (rc == -ETIME)
			snprintf(err, errlen, "gnuplot killed: %s took more than %u s (WCBENCH_GNUPLOT_TIMEOUT); see %s",
				 script, limit, logpath);
		else
			snprintf(err, errlen, "gnuplot failed on %s: see %s", script, logpath);
	} else if (rc == -ENOENT) {
		snprintf(err, errlen, "gnuplot not found (install gnuplot-nox)");
	} else if (rc == -EINTR) {
		snprintf(err, errlen, "interrupted: gnuplot stopped, %s not drawn", script);
	} else if (rc) {
		snprintf(err, errlen, "gnuplot on %s: %s", script, strerror(-rc));
	} else {
		rc = publish(d, out, err, errlen);
		if (!rc)
			unlink(logpath); /* a failed run's log; unlink removes a link, not its target */
	}
	return rc;
}
