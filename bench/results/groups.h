/* Rows grouped by their case key (results/keys.h), for figures and pairings. */
#ifndef WCBENCH_GROUPS_H
#define WCBENCH_GROUPS_H

#include <stddef.h>

#include "results/schema.h"

/*
 * group[i] = the group of rows[i]: rows whose case keys, less the columns in `ignore`
 * (case_key_bit), are equal share a group; groups are numbered from 0 in the order their first
 * row appears. Returns the number of groups, or -ENOMEM.
 */
long group_rows(const struct row *const *rows, size_t n, unsigned ignore, size_t *group);
#endif
