/* The target kinds wcbench knows, in one table, and the probe that picks one by a spec's kind.
 * Apart from targets/target.h, which each kind's file includes: the table knows every kind, no
 * kind knows the table. */
#ifndef WCBENCH_KINDS_H
#define WCBENCH_KINDS_H

#include "targets/target.h"

extern const struct target_ops *const target_kinds[];
extern const size_t target_kind_count;

/* Split spec, find the kind, call its probe. */
int target_probe(struct target *t, const char *spec, const struct target_opts *o, char *err);
#endif
