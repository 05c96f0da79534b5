#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
	int fd = open(csv_path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int rc = fd < 0 ? -errno : run_dir_append_header(fd);
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
