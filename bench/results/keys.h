/*
 * Which case is this, and which machine: the one definition, built from the key columns that
 * results/schema.c flags (KEY_CASE, KEY_MACHINE). Resume, compare, report, plots and the
 * barrier-cost pairing all use these.
 *
 * Case key: env, target, target_kind, map, memtype, kernel, barrier, barrier_every,
 * burst_bytes, threads, drain. Machine key: run_id, env, arch, cpu_model, os_release.
 * (The lists come from the schema table; these comments only name them.)
 */
#ifndef WCBENCH_RESULTS_KEYS_H
#define WCBENCH_RESULTS_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "results/schema.h"

/* Key columns of `kind` (KEY_CASE or KEY_MACHINE) in schema order; returns how many (<= max). */
size_t key_columns(unsigned kind, const struct column **cols, size_t max);

/* Bit of a case-key column in an ignore mask (1 << its index among the case-key columns), or 0
 * when name is not a case-key column. */
unsigned case_key_bit(const char *name);

/* "env, target, ..." : the key columns of kind, for help texts and error messages. */
void key_column_list(unsigned kind, char *buf, size_t len);

/* The key of r as one string, fields separated by \x1f (which no field contains once read
 * back: the reader takes fields verbatim, and a 0x1f byte would only make keys differ).
 * Case-key columns whose bit is set in `ignore` are left out. Returns the length written
 * (truncated like snprintf). */
int case_key(const struct row *r, unsigned ignore, char *buf, size_t len);
int machine_key(const struct row *r, char *buf, size_t len);

/* The case keys of many rows, sorted, for "was this case measured already" (resume) without
 * comparing every row with every case. */
#define CASE_KEY_LEN 1024 /* more than the case-key columns' widths together */
struct case_key_set {
	size_t n;
	char (*keys)[CASE_KEY_LEN];
};
/* 0 or -ENOMEM. */
int case_key_set_build(struct case_key_set *s, const struct row *rows, size_t n);
bool case_key_set_has(const struct case_key_set *s, const struct row *r);
void case_key_set_free(struct case_key_set *s);

/* Equal case keys, leaving out the columns in `ignore`. */
bool same_case(const struct row *a, const struct row *b, unsigned ignore);
bool same_machine(const struct row *a, const struct row *b);
#endif
