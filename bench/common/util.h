/* Small helpers shared by the layers: strings, files, directories. */
#ifndef WCBENCH_COMMON_UTIL_H
#define WCBENCH_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Dynamic string, for building tables and files. */
struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_free(struct sbuf *b);

/* Write `len` bytes to path whole, through no link (common/safe_file.h). 0 or -errno. */
int write_file(const char *path, const char *data, size_t len);
/*
 * Read a whole input file that may come from anywhere (another machine, a guest): only a
 * regular file (a FIFO would hang, /dev/zero never ends), whose last component is no symbolic
 * link (ELOOP; common/safe_file.h), at most `max` bytes (-EFBIG beyond).
 * Returns a NUL-terminated malloc'd buffer (its length in *len when len is not NULL; the data
 * may itself hold NUL bytes), or NULL with errno set (EINVAL: not a regular file, EFBIG: too
 * big, EIO or read's errno: fewer bytes than fstat said, never a prefix taken for the file) and a
 * one-line message in err (when err is not NULL).
 */
char *read_regular_file(const char *path, size_t max, size_t *len, char *err, size_t errlen);
/* path.tmp.PID written whole and synced, then renamed over path: readers see the old file or the
 * new one, never a part (metadata.json, verdict.json). 0, or -errno with "PATH: why" in err. */
int replace_file(const char *path, const char *data, size_t len, char *err, size_t errlen);
/* mkdir -p. 0 or -errno (-ENOENT for "", -ENOTDIR when path is something else). */
int make_dirs(const char *path);

/* A /proc/meminfo figure in kB ("MemAvailable", "Hugepagesize"); -1 when absent or unreadable. */
long meminfo_kb(const char *key);
#endif
