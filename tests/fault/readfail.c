/*
 * LD_PRELOAD fault shim for the tests: read()/pread() on a file whose path ends with
 * $READFAIL_PATH return at most the bytes before offset $READFAIL_AFTER (a short read), then -1
 * with errno EIO, as a failing disk does. $READFAIL_PASSES (default 0): that many reads of the
 * file from its start go through whole first (a program that reads a file twice fails the second
 * time). Other files read as usual. Built by the test scripts:
 *   cc -shared -fPIC -o readfail.so tests/fault/readfail.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* The bytes of fd a read at offset `at` may still return (-1: not the failing file). */
static long long room(int fd, off_t at)
{
	const char *want = getenv("READFAIL_PATH"), *after = getenv("READFAIL_AFTER");
	char link[64], path[4096];
	if (!want || !*want || !after)
		return -1;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof path - 1);
	if (n < 0)
		return -1;
	path[n] = '\0';
	size_t wl = strlen(want);
	if ((size_t)n < wl || strcmp(path + n - wl, want))
		return -1;
	static int starts, passing_fd = -1;
	const char *passes = getenv("READFAIL_PASSES");
	if (at == 0) {
		passing_fd = ++starts <= (passes ? atoi(passes) : 0) ? fd : -1;
	}
	if (fd == passing_fd)
		return -1;
	long long limit = atoll(after);
	return at >= limit ? 0 : limit - at;
}

static ssize_t limited(int fd, void *buf, size_t count, off_t at, bool positioned)
{
	static ssize_t (*real_read)(int, void *, size_t);
	static ssize_t (*real_pread)(int, void *, size_t, off_t);
	if (!real_read) {
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
		real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread");
	}
	long long left = room(fd, at);
	if (left == 0 && count) {
		errno = EIO;
		return -1;
	}
	if (left > 0 && (unsigned long long)left < count)
		count = (size_t)left;
	return positioned ? real_pread(fd, buf, count, at) : real_read(fd, buf, count);
}

ssize_t read(int fd, void *buf, size_t count)
{
	off_t at = lseek(fd, 0, SEEK_CUR);
	return limited(fd, buf, count, at < 0 ? 0 : at, false);
}

ssize_t __read_chk(int fd, void *buf, size_t count, size_t buflen)
{
	(void)buflen;
	return read(fd, buf, count);
}

ssize_t pread(int fd, void *buf, size_t count, off_t at)
{
	return limited(fd, buf, count, at, true);
}

ssize_t pread64(int fd, void *buf, size_t count, off_t at)
{
	return pread(fd, buf, count, at);
}
