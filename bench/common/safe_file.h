/*
 * Files inside a directory whose contents wcbench does not trust: a run directory copied from
 * another machine, what a guest sent back, a results tree anyone could have planted links in.
 * wcbench runs as root, so a writer that followed a planted link could overwrite any file.
 *
 * The rule: the directory part of a path is the user's (it is what they typed: --out, plot DIR);
 * its last component is opened relative to that directory with O_NOFOLLOW and checked with fstat:
 * a symbolic link, anything but a regular file, and a file with other hard links are refused, each
 * with one line that says so ("PATH: is a symbolic link: wcbench writes through no link").
 *
 * Whole files (metadata.json, figures, reports) are written as NAME.tmp.PID beside NAME, synced,
 * and renamed over it: readers see the old file or the new one, never a part, and a link at NAME
 * is replaced, not followed. What a killed writer leaves (NAME.tmp.PID, NAME.upgrade.PID) is
 * removed by the next writer that holds the directory (safe_sweep_leftovers).
 */
#ifndef WCBENCH_COMMON_SAFE_FILE_H
#define WCBENCH_COMMON_SAFE_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * Open the last component of path relative to its directory: flags as open(2) (O_NOFOLLOW,
 * O_CLOEXEC and O_NOCTTY are added, and O_NONBLOCK until fstat said it is a regular file, so
 * that a FIFO cannot hang the opener). Refused: a symbolic link (-ELOOP), not
 * a regular file (-EINVAL), more than one hard link (-EMLINK). Returns the fd, or -errno with
 * "PATH: why" in err.
 */
int safe_open(const char *path, int flags, mode_t mode, char *err, size_t errlen);

/*
 * The same for a name inside an open directory (dirfd), for trees walked one level at a time;
 * name must be one component (no '/'). what names the file in err.
 */
int safe_openat(int dirfd, const char *name, const char *what, int flags, mode_t mode, char *err,
		size_t errlen);

/* One file being written whole: NAME.tmp.PID in NAME's directory until safe_whole_commit. */
struct safe_whole {
	int dirfd, fd;
	char name[NAME_MAX + 1], tmp[NAME_MAX + 1];
	char path[PATH_MAX];
};

/* Start writing path whole. 0 or -errno with err set (w->fd is the file to write). */
int safe_whole_open(struct safe_whole *w, const char *path, char *err, size_t errlen);
/* The same for name inside dirfd (dirfd is duplicated; what names it in messages). */
int safe_whole_openat(struct safe_whole *w, int dirfd, const char *name, const char *what, char *err,
		      size_t errlen);
/* Sync the file and rename it over NAME (a directory there is refused). 0 or -errno with err set;
 * on failure the temporary file is removed. Either way w is closed. */
int safe_whole_commit(struct safe_whole *w, char *err, size_t errlen);
/* Give up: remove the temporary file, close. Safe to call on a closed or failed w. */
void safe_whole_abort(struct safe_whole *w);

/* len bytes written to path whole (safe_whole_*). 0 or -errno with "PATH: why" in err. */
int safe_write_whole(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* Copy the regular file src (a private temporary file) to dst whole. 0 or -errno with err set. */
int safe_copy_whole(const char *src, const char *dst, char *err, size_t errlen);

/*
 * Remove what killed writers left in dir: regular files named *.tmp.N or *.upgrade.N (N
 * digits) whose process N no longer runs (or any N when all_pids: the caller holds the
 * directory's lock, so no other writer can be at work there). Returns how many were removed.
 */
int safe_sweep_leftovers(const char *dir, bool all_pids);
/* All len bytes to fd, across short writes and EINTR. 0 or -errno (-EIO when write makes no
 * progress). */
int write_all(int fd, const void *buf, size_t len);
#endif
