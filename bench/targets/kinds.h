/* The target kinds wcbench knows, in one table, and the probe that picks one by a spec's kind.
 * Apart from targets/target.h, which each kind's file includes: the table knows every kind, no
 * kind knows the table. */
#ifndef WCBENCH_TARGETS_KINDS_H
#define WCBENCH_TARGETS_KINDS_H

#include "targets/target.h"

extern const struct target_ops *const target_kinds[];
extern const size_t target_kind_count;

/* The ops of a kind ("ram", not "ram:hugetlb"), or NULL when no kind has that name. */
const struct target_ops *target_kind_find(const char *kind);
/* A kind's flags (enum target_flag), as a results.csv row's target_kind names it; 0 for a name
 * no kind has (a row of a kind this wcbench does not know is taken as a device's). */
unsigned target_kind_flags(const char *kind);

/* Split spec, find the kind, call its probe. */
int target_probe(struct target *t, const char *spec, const struct target_opts *o, char *err);
#endif
