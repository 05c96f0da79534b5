#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_file.h"
#include "common/util.h"

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	if (b->oom)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->len;
		int n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap ? 2 * b->cap : 4096;
		while (cap - b->len <= (size_t)n)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

int write_file(const char *path, const char *data, size_t len)
{
	return safe_write_whole(path, data, len, NULL, 0);
}

char *read_regular_file(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	char dummy[1];
	if (!err) {
		err = dummy;
		errlen = sizeof dummy;
	}
	/* through no link (a results.csv planted as a link to a host file is not read into a report),
	 * and a FIFO or a device refused at open, before it can hang the reader */
	int fd = safe_open(path, O_RDONLY, 0, err, errlen);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	struct stat st;
	int e = 0;
	if (fstat(fd, &st)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
	} else if ((unsigned long long)st.st_size > max) {
		snprintf(err, errlen, "%s: %lld bytes, more than the %zu this reader accepts", path,
			 (long long)st.st_size, max);
		e = EFBIG;
	}
	char *buf = e ? NULL : malloc((size_t)st.st_size + 1);
	if (!buf && !e) {
		snprintf(err, errlen, "%s: out of memory", path);
		e = ENOMEM;
	}
	/* all of it or an error: a caller that took a prefix for the file would act on part of it
	 * (a resume cutting finished rows off, an upgrade dropping them) */
	size_t got = 0;
	while (buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			snprintf(err, errlen, "%s: read error after %zu of %lld bytes: %s", path, got,
				 (long long)st.st_size, strerror(e));
			break;
		}
		if (n == 0) {
			e = EIO;
			snprintf(err, errlen, "%s: %zu of %lld bytes read: the file shrank while being read",
				 path, got, (long long)st.st_size);
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (e) {
		free(buf);
		errno = e;
		return NULL;
	}
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

int make_dirs(const char *path)
{
	char buf[4096];
	if (!*path)
		return -ENOENT;
	if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || !*p) {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, 0777) && errno != EEXIST)
				return -errno;
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int replace_file(const char *path, const char *data, size_t len, char *err, size_t errlen)
{
	return safe_write_whole(path, data, len, err, errlen);
}

long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	char line[128];
	long v = -1;
	size_t kl = strlen(key);
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}
