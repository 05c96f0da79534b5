#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/util.h"
#include "results/run_dir.h"

int run_dir_prepare(const char *dir, char *err, size_t n)
{
	struct stat st;
	int rc = 0;
	if (!stat(dir, &st)) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, n, "--out %s: exists and is not a directory", dir);
			return -ENOTDIR;
		}
	} else {
		rc = errno == ENOENT ? make_dirs(dir) : -errno;
		if (rc) {
			snprintf(err, n, "--out %s: cannot create the directory: %s", dir, strerror(-rc));
			return rc;
		}
	}
	if (access(dir, W_OK | X_OK)) {
		rc = -errno;
		snprintf(err, n, "--out %s: cannot write into it: %s", dir, strerror(-rc));
	}
	return rc;
}

const char *const run_dir_outputs[] = {
	"results.csv", "metadata.json", "gnuplot.log", "barrier_cost.csv",
	"gbps_vs_size.png", "gbps_vs_size.svg", "barrier_cost.png", "barrier_cost.svg",
	"latency_cdf.png", "latency_cdf.svg", "verdict.json", "junit.xml", NULL,
};

int run_dir_lock(const char *dir, char *err, size_t n)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		snprintf(err, n, "--out %s: %s", dir, strerror(e));
		return -e;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		if (e == EWOULDBLOCK)
			snprintf(err, n, "%s is in use by another wcbench run (one run or resume at a time per directory)", dir);
		else
			snprintf(err, n, "%s: cannot lock: %s", dir, strerror(e));
		close(fd);
		return -(e == EWOULDBLOCK ? EBUSY : e);
	}
	return fd;
}

int run_dir_append_line(int fd, const char *line, size_t len)
{
	int rc = write_all(fd, line, len);
	if (rc)
		return rc;
	return fdatasync(fd) ? -errno : 0; /* a finished row survives a crash of the machine too */
}

int run_dir_append_header(int fd)
{
	char *line;
	size_t len;
	int rc = csv_header_line(&line, &len);
	if (!rc) {
		rc = run_dir_append_line(fd, line, len);
		free(line);
	}
	return rc;
}

int run_dir_create_results(const char *csv_path, char *err, size_t n)
{
	/* O_EXCL: never over an existing file, nor through a link (safe_open says why it refuses) */
	int fd = safe_open(csv_path, O_RDWR | O_APPEND | O_CREAT | O_EXCL, 0644, err, n);
	if (fd < 0)
		return fd;
	int rc = run_dir_append_header(fd);
	if (rc) {
		snprintf(err, n, "%s: %s", csv_path, strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	return fd;
}

int run_dir_append_row(int fd, const struct row *row)
{
	char *line;
	size_t len;
	int rc = csv_row_line(row, &line, &len);
	if (rc)
		return rc;
	off_t good = lseek(fd, 0, SEEK_END);
	rc = run_dir_append_line(fd, line, len);
	free(line);
	/* leave no partial row behind when we can (a resume would cut it off too) */
	if ((rc == -ENOSPC || rc == -EFBIG || rc == -EDQUOT) && good >= 0)
		(void)!ftruncate(fd, good);
	return rc;
}

/* A file of a writable directory that the command replaces: absent, or regular with one link. */
static int output_file_ok(const char *option, const char *shown, const char *path, char *err, size_t n)
{
	char what[PATH_MAX + 64];
	snprintf(what, sizeof what, "%s %s", option, shown);
	struct stat st;
	if (lstat(path, &st)) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		snprintf(err, n, "%s: %s", what, strerror(e));
		return -e;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, n, "%s: is a symbolic link: wcbench writes through no link", what);
		return -ELOOP;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(err, n, "%s: is a directory, not a file", what);
		return -EISDIR;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, n, "%s: not a regular file", what);
		return -EINVAL;
	}
	if (st.st_nlink > 1) {
		snprintf(err, n, "%s: has %lu hard links: wcbench writes into no file that other paths share",
			 what, (unsigned long)st.st_nlink);
		return -EMLINK;
	}
	return 0;
}

/* dir is a directory this process may create files in: 0, or -errno with err set (after what,
 * when the directory named is only the part of shown that exists). */
static int writable_dir(const char *option, const char *shown, const char *what, const char *dir,
			char *err, size_t n)
{
	struct stat st;
	int e = stat(dir, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
	if (!e && access(dir, W_OK | X_OK))
		e = errno;
	if (e == ENOENT)
		snprintf(err, n, "%s %s: %sthe directory %s does not exist", option, shown, what, dir);
	else if (e == ENOTDIR)
		snprintf(err, n, "%s %s: %s%s is not a directory", option, shown, what, dir);
	else if (e)
		snprintf(err, n, "%s %s: %scannot write into %s: %s", option, shown, what, dir, strerror(e));
	return -e;
}

int run_dir_check_output(const char *option, const char *path, const char *const *names, char *err,
			 size_t n)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	if (!len || len >= sizeof buf) {
		snprintf(err, n, "%s '%.100s': %s", option, path, len ? "path too long" : "needs a path");
		return len ? -ENAMETOOLONG : -EINVAL;
	}
	memcpy(buf, path, len + 1);
	while (len > 1 && buf[len - 1] == '/')
		buf[--len] = '\0';
	char *slash = strrchr(buf, '/');
	const char *leaf = slash ? slash + 1 : buf;
	if (!names) {
		if (path[strlen(path) - 1] == '/' || !strcmp(leaf, ".") || !strcmp(leaf, "..") || !*leaf) {
			snprintf(err, n, "%s %s: names a directory, not a file", option, path);
			return -EISDIR;
		}
		/* the file is written whole (NAME.tmp.PID renamed over NAME): its directory takes it */
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash == buf ? 1 : slash - buf) : 1,
			 slash ? buf : ".");
		int rc = writable_dir(option, path, "", dir, err, n);
		return rc ? rc : output_file_ok(option, path, path, err, n);
	}
	struct stat st;
	if (!stat(buf, &st)) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, n, "%s %s: exists and is not a directory", option, path);
			return -ENOTDIR;
		}
		int rc = writable_dir(option, path, "", buf, err, n);
		for (size_t i = 0; !rc && names[i]; i++) {
			char file[PATH_MAX + 256];
			snprintf(file, sizeof file, "%s/%s", buf, names[i]);
			rc = output_file_ok(option, file, file, err, n);
		}
		return rc;
	}
	if (errno != ENOENT && errno != ENOTDIR) {
		int e = errno;
		snprintf(err, n, "%s %s: %s", option, path, strerror(e));
		return -e;
	}
	/* to be made: the nearest part that exists must be a directory that takes a new entry */
	for (;;) {
		slash = strrchr(buf, '/');
		if (!slash) {
			strcpy(buf, ".");
		} else {
			while (slash > buf && slash[-1] == '/')
				slash--;
			slash[slash == buf] = '\0';
		}
		if (!stat(buf, &st) || (errno != ENOENT && errno != ENOTDIR) || !strcmp(buf, ".") ||
		    !strcmp(buf, "/"))
			break;
	}
	return writable_dir(option, path, "cannot create the directory: ", buf, err, n);
}
