/* Comparing two verdict.json files (compare, when BASE and NEW both hold one): each target's
 * verdict paired by target and map, judged by check/verdict.h's order. render/compare_out.h
 * writes the table. */
#ifndef WCBENCH_CHECK_VERDICT_COMPARE_H
#define WCBENCH_CHECK_VERDICT_COMPARE_H

#include <stddef.h>

#include "check/verdict_io.h"

/* What became of one target's verdict (check/verdict.h orders works < degraded < broken). */
enum verdict_change {
	VC_WORSE,            /* further from works: a regression */
	VC_NOT_COMPARABLE,   /* unknown on either side: neither a regression nor an improvement */
	VC_BETTER,
	VC_SAME,
	VC_ONLY_BASE,
	VC_ONLY_NEW,
	VC_COUNT
};
extern const char *const verdict_change_names[];

struct verdict_pair {
	enum verdict_change c;
	const struct verdict_entry *b, *n; /* either may be NULL for a target on one side only */
	unsigned occ;                      /* occurrence of the target on its side (repeats) */
};

/*
 * Pair the targets of two verdict.json files by target and map, less what `ignore` drops (the
 * case-key bits of "target" and "map", as --ignore gives them), repeats in file order; judge
 * each pair and sort them worst first. *pairs is malloc'd (*n of them); count[] filled.
 * 0 or -ENOMEM.
 */
int compare_verdicts(const struct verdict_file *base, const struct verdict_file *nw, unsigned ignore,
		     struct verdict_pair **pairs, size_t *n, size_t count[VC_COUNT]);
#endif
