#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"

/* Split path into its directory (opened) and its last component. The fd, or -errno. */
static int open_parent(const char *path, char *name, size_t namelen)
{
	const char *slash = strrchr(path, '/');
	const char *leaf = slash ? slash + 1 : path;
	if (!*leaf || !strcmp(leaf, ".") || !strcmp(leaf, ".."))
		return -EISDIR;
	if (strlen(leaf) >= namelen)
		return -ENAMETOOLONG;
	strcpy(name, leaf);
	char dir[PATH_MAX];
	if (!slash) {
		strcpy(dir, ".");
	} else if (slash == path) {
		strcpy(dir, "/");
	} else {
		size_t n = (size_t)(slash - path);
		if (n >= sizeof dir)
			return -ENAMETOOLONG;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void say_why(char *err, size_t errlen, const char *what, int rc, nlink_t links)
{
	if (!err || !errlen)
		return;
	switch (rc) {
	case -ELOOP:
		snprintf(err, errlen, "%s: is a symbolic link: wcbench reads and writes through no link", what);
		break;
	case -EMLINK:
		snprintf(err, errlen, "%s: has %lu hard links: wcbench writes into no file that other paths share",
			 what, (unsigned long)links);
		break;
	case -EINVAL:
		snprintf(err, errlen, "%s: not a regular file", what);
		break;
	default:
		snprintf(err, errlen, "%s: %s", what, strerror(-rc));
	}
}

int safe_openat(int dirfd, const char *name, const char *what, int flags, mode_t mode, char *err,
		size_t errlen)
{
	bool reading = (flags & O_ACCMODE) == O_RDONLY;
	bool trunc = flags & O_TRUNC;
	/* O_NONBLOCK until fstat said "regular file": opening a FIFO must not wait for its other end */
	int of = (flags & ~O_TRUNC) | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	nlink_t links = 0;
	int rc = 0;
	if (strchr(name, '/'))
		rc = -EINVAL;
	int fd = rc ? -1 : openat(dirfd, name, of, mode);
	if (fd < 0 && !rc)
		/* O_NOFOLLOW on a link fails with ELOOP; a FIFO opened for writing without a reader ENXIO */
		rc = errno == ENXIO ? -EINVAL : -errno;
	struct stat st;
	if (!rc && fstat(fd, &st))
		rc = -errno;
	if (!rc && !S_ISREG(st.st_mode))
		rc = -EINVAL;
	if (!rc && st.st_nlink > 1 && !reading) {
		links = st.st_nlink;
		rc = -EMLINK;
	}
	if (!rc && !(flags & O_NONBLOCK) && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK))
		rc = -errno;
	if (!rc && trunc && ftruncate(fd, 0))
		rc = -errno;
	if (rc) {
		if (fd >= 0)
			close(fd);
		say_why(err, errlen, what, rc, links);
		return rc;
	}
	return fd;
}

int safe_open(const char *path, int flags, mode_t mode, char *err, size_t errlen)
{
	char name[NAME_MAX + 1];
	int dfd = open_parent(path, name, sizeof name);
	if (dfd < 0) {
		say_why(err, errlen, path, dfd, 0);
		return dfd;
	}
	int fd = safe_openat(dfd, name, path, flags, mode, err, errlen);
	close(dfd);
	return fd;
}

static int whole_start(struct safe_whole *w, const char *what, char *err, size_t errlen)
{
	int rc = 0;
	if (snprintf(w->tmp, sizeof w->tmp, "%s.tmp.%ld", w->name, (long)getpid()) >= (int)sizeof w->tmp)
		rc = -ENAMETOOLONG;
	if (!rc)
		snprintf(w->path, sizeof w->path, "%s", what);
	/* a file of that name is our own pid's leftover: nobody else writes NAME.tmp.<our pid> */
	if (!rc)
		(void)unlinkat(w->dirfd, w->tmp, 0);
	w->fd = rc ? -1 : openat(w->dirfd, w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (!rc && w->fd < 0)
		rc = -errno;
	if (rc) {
		say_why(err, errlen, what, rc, 0);
		close(w->dirfd);
		w->dirfd = -1;
	}
	return rc;
}

int safe_whole_open(struct safe_whole *w, const char *path, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	w->dirfd = open_parent(path, w->name, sizeof w->name);
	if (w->dirfd < 0) {
		int rc = w->dirfd;
		say_why(err, errlen, path, rc, 0);
		return rc;
	}
	return whole_start(w, path, err, errlen);
}

int safe_whole_openat(struct safe_whole *w, int dirfd, const char *name, const char *what, char *err,
		      size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->fd = -1;
	if (strchr(name, '/') || !*name || strlen(name) >= sizeof w->name) {
		w->dirfd = -1;
		say_why(err, errlen, what, -EINVAL, 0);
		return -EINVAL;
	}
	strcpy(w->name, name);
	w->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	if (w->dirfd < 0) {
		int rc = -errno;
		say_why(err, errlen, what, rc, 0);
		return rc;
	}
	return whole_start(w, what, err, errlen);
}

void safe_whole_abort(struct safe_whole *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->dirfd >= 0) {
		if (w->tmp[0])
			unlinkat(w->dirfd, w->tmp, 0);
		close(w->dirfd);
	}
	w->fd = w->dirfd = -1;
	w->tmp[0] = '\0';
}

int safe_whole_commit(struct safe_whole *w, char *err, size_t errlen)
{
	int rc = w->fd < 0 || w->dirfd < 0 ? -EBADF : 0;
	if (!rc && fsync(w->fd))
		rc = -errno;
	if (!rc) {
		int fd = w->fd;
		w->fd = -1;
		if (close(fd))
			rc = -errno;
	}
	struct stat st;
	/* rename replaces a file or a link at NAME; over a directory it would fail less clearly */
	if (!rc && !fstatat(w->dirfd, w->name, &st, AT_SYMLINK_NOFOLLOW) && S_ISDIR(st.st_mode))
		rc = -EISDIR;
	if (!rc && renameat(w->dirfd, w->tmp, w->dirfd, w->name))
		rc = -errno;
	if (!rc) {
		w->tmp[0] = '\0';
		(void)fsync(w->dirfd); /* the rename on disk too */
	}
	if (rc)
		say_why(err, errlen, w->path, rc, 0);
	safe_whole_abort(w);
	return rc;
}

int safe_write_whole(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
	struct safe_whole w;
	int rc = safe_whole_open(&w, path, err, errlen);
	if (rc)
		return rc;
	rc = write_all(w.fd, data, len);
	if (rc) {
		say_why(err, errlen, path, rc, 0);
		safe_whole_abort(&w);
		return rc;
	}
	return safe_whole_commit(&w, err, errlen);
}

int safe_copy_whole(const char *src, const char *dst, char *err, size_t errlen)
{
	int in = safe_open(src, O_RDONLY, 0, err, errlen);
	if (in < 0)
		return in;
	struct safe_whole w;
	int rc = safe_whole_open(&w, dst, err, errlen);
	char buf[65536];
	while (!rc) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				rc = -errno;
				say_why(err, errlen, src, rc, 0);
			}
			break;
		}
		if ((rc = write_all(w.fd, buf, (size_t)n)))
			say_why(err, errlen, dst, rc, 0);
	}
	close(in);
	if (rc) {
		safe_whole_abort(&w);
		return rc;
	}
	return safe_whole_commit(&w, err, errlen);
}

/* "NAME.tmp.N" or "NAME.upgrade.N": N, else -1. */
static long leftover_pid(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name || !dot[1] || strspn(dot + 1, "0123456789") != strlen(dot + 1) ||
	    strlen(dot + 1) > 9)
		return -1;
	size_t stem = (size_t)(dot - name);
	if (!((stem > 4 && !strncmp(dot - 4, ".tmp", 4)) || (stem > 8 && !strncmp(dot - 8, ".upgrade", 8))))
		return -1;
	return strtol(dot + 1, NULL, 10);
}

int safe_sweep_leftovers(const char *dir, bool all_pids)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return 0;
	}
	int removed = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		long pid = leftover_pid(e->d_name);
		struct stat st;
		if (pid <= 0 || fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode))
			continue;
		if (!all_pids && (pid == (long)getpid() || !kill((pid_t)pid, 0) || errno != ESRCH))
			continue;
		if (!unlinkat(dfd, e->d_name, 0))
			removed++;
	}
	closedir(d);
	return removed;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}
