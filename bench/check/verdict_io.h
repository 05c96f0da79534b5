/*
 * A check's verdicts on disk and on screen: verdict.json (its schema in check/SCHEMA.md), JUnit
 * XML, TAP version 13, and the terminal text; and verdict.json read back (report, compare) as the
 * hostile input it may be.
 */
#ifndef WCBENCH_CHECK_VERDICT_IO_H
#define WCBENCH_CHECK_VERDICT_IO_H

#include <stddef.h>
#include <stdio.h>

#include "check/verdict.h"

#define VERDICT_SCHEMA_VERSION 1

/* What verdict.json says about the check as a whole. */
struct check_run {
	const char *run_id;
	const char *hostname, *arch, *cpu_model, *os_release;
	const char *env;                  /* host, guest */
	const char *platform;             /* platform.how */
	const char *host_kernel;          /* "" unknown */
	const char *emulated;             /* "yes", "no", "unknown" */
};

/* DIR/verdict.json, written whole to a temporary file and renamed. 0, or -errno with one line in
 * err. */
int verdict_json_write(const char *dir, const struct check_run *run, const struct target_verdict *v,
		       size_t n, char *err, size_t errlen);
/* JUnit XML to path: one testsuite "wcbench check", one testcase per target; broken and degraded
 * are failures, unknown is skipped; evidence and advice in the text. 0 or -errno. */
int verdict_junit_write(const char *path, const struct check_run *run, const struct target_verdict *v,
			size_t n, char *err, size_t errlen);
/* TAP version 13 as kselftest prints it: "ok N target # verdict", "not ok" for broken/degraded,
 * "# SKIP" for unknown, evidence as "# " lines. */
void verdict_tap_write(FILE *f, const struct target_verdict *v, size_t n);
/* One line per target, then its evidence and advice, indented. */
void verdict_text_write(FILE *f, const struct target_verdict *v, size_t n);

/* verdict.json read back: the fields report and compare use. */
struct verdict_entry {
	char target[160], map[24], memtype_requested[24], memtype_effective[24];
	enum verdict verdict;
	char rule[32];
	char advice[300];            /* the first advice */
};
struct verdict_file {
	char run_id[40], hostname[64], arch[16], env[16];
	size_t n;
	struct verdict_entry *e;
};
/* Read DIR/verdict.json (or the file itself). A missing file is -ENOENT (no message); anything
 * malformed, oversized or of another schema version is -EINVAL with one line naming the file.
 * Strings are bounded by the fields; never trusts a length it reads. */
int verdict_json_read(const char *path, struct verdict_file *vf, char *err, size_t errlen);
void verdict_file_free(struct verdict_file *vf);
#endif
