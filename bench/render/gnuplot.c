#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "render/gnuplot.h"
#include "render/plot.h"

int gp_data_open(struct gp_data *d, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp || strlen(tmp) > 400)
		tmp = "/tmp";
	snprintf(d->dir, sizeof d->dir, "%s/wcbench-plot.XXXXXX", tmp);
	if (!mkdtemp(d->dir)) {
		int e = errno;
		snprintf(err, errlen, "cannot create a temporary directory in %s: %s", tmp, strerror(e));
		d->dir[0] = '\0';
		return -e;
	}
	return 0;
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

static int run_gnuplot(const char *path, const char *const *args, const char *logpath)
{
	const char *argv[GP_MAX_ARGS + 4] = { "gnuplot", "-c", path };
	size_t n = 3;
	for (; args[n - 3]; n++) {
		if (n - 3 == GP_MAX_ARGS)
			return -E2BIG;
		argv[n] = args[n - 3];
	}
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		execvp("gnuplot", (char *const *)argv);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return -ENOENT;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -EIO;
}

int gp_draw(const char *script, const char *const *args, const char *logpath, char *err,
	    size_t errlen)
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
	int rc = run_gnuplot(path, args, logpath);
	if (rc == -ENOENT)
		snprintf(err, errlen, "gnuplot not found (install gnuplot-nox)");
	else if (rc == -EIO)
		snprintf(err, errlen, "gnuplot failed on %s: see %s", script, logpath);
	else if (rc)
		snprintf(err, errlen, "gnuplot on %s: %s", script, strerror(-rc));
	else
		unlink(logpath);
	return rc;
}
