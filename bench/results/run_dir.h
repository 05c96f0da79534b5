/*
 * Writing a run directory: the checks on --out before anything is measured, the lock that keeps
 * one writer per directory, and the append of one finished row (run, check).
 */
#ifndef WCBENCH_RESULTS_RUN_DIR_H
#define WCBENCH_RESULTS_RUN_DIR_H

#include <stddef.h>

#include "results/schema.h"

/* DIR must be a directory, or creatable as one, and writable. 0, or -errno with one line in err. */
int run_dir_prepare(const char *dir, char *err, size_t n);

/*
 * Option checking, before anything is measured or written: whether the command will be able to
 * write where an output option points. names NULL: PATH is a file written whole later (check
 * --junit): its directory must exist and be writable, and PATH must be absent or a regular file
 * with one link, not a symbolic link or a directory (safe_file.h's rules). names a NULL-ended
 * list: PATH is a directory the command makes (mkdir -p) and writes those files into (--out,
 * -o): it must be a writable directory, or the nearest part of it that exists must be, and each
 * named file that is already there must pass the file rules. Nothing is created. 0, or -errno
 * with one line "OPTION PATH: why" in err.
 */
int run_dir_check_output(const char *option, const char *path, const char *const *names, char *err,
			 size_t n);

/* One run at a time per directory: an exclusive lock on it, held while the returned fd is open.
 * fd >= 0, or -errno (-EBUSY: another wcbench holds it) with one line in err. */
int run_dir_lock(const char *dir, char *err, size_t n);

/*
 * The files run writes into its --out directory (results.csv, metadata.json, the figures,
 * gnuplot.log...), NULL-terminated: run_dir_check_output's list for run and vm.
 */
extern const char *const run_dir_outputs[];

/* One whole line with one write, then fdatasync: a line is on disk entirely or detectably
 * partial. 0 or -errno. */
int run_dir_append_line(int fd, const char *line, size_t len);

/* Append the CSV header of this schema. 0 or -errno. */
int run_dir_append_header(int fd);

/* A new run's results.csv: created (never over an existing one) with the header of this schema.
 * The open fd (append mode), or -errno with "PATH: why" in err. */
int run_dir_create_results(const char *csv_path, char *err, size_t n);

/* Append one finished row. On a full disk (ENOSPC, EFBIG, EDQUOT) the partial line is cut off
 * again, so the file ends with a whole row. 0 or -errno. */
int run_dir_append_row(int fd, const struct row *row);
#endif
