#include <errno.h>
#include <fcntl.h>
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

int run_dir_refuse_links(const char *dir, const char *const *names, char *err, size_t n)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0; /* no directory yet: nothing planted in it; the writers say why they cannot write */
	int rc = 0;
	for (size_t i = 0; names[i] && !rc; i++) {
		struct stat st;
		if (fstatat(dfd, names[i], &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, n, "%s/%s: is a symbolic link: wcbench writes through no link", dir, names[i]);
			rc = -ELOOP;
		} else if (!S_ISREG(st.st_mode)) {
			snprintf(err, n, "%s/%s: not a regular file", dir, names[i]);
			rc = -EINVAL;
		} else if (st.st_nlink > 1) {
			snprintf(err, n, "%s/%s: has %lu hard links: wcbench writes into no file that other paths share",
				 dir, names[i], (unsigned long)st.st_nlink);
			rc = -EMLINK;
		}
	}
	close(dfd);
	return rc;
}

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
