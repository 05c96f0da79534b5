/* Numbers from the command line: sizes, CPU lists, windows. Shared by run, probe and the tests. */
#ifndef WCBENCH_COMMON_PARSE_H
#define WCBENCH_COMMON_PARSE_H

#include <stddef.h>

/* "64", "4K", "1M", "2G" (binary multiples). 0 or -EINVAL. */
int parse_size(const char *s, size_t *out);
/* "0,2-5" into cpus: CPU numbers below max, each at most once, so at most max of them (the
 * caller's limit: run passes PLACE_MAX_CPUS). Returns the count or -EINVAL. */
int parse_cpu_list(const char *s, int *cpus, int max);
/* "--window OFF:LEN": offset and length, multiples of 64, length > 0. 0, or -EINVAL with one
 * line in err. Whether the window fits a target is the target's check (targets/). */
int parse_window(const char *s, size_t *off, size_t *len, char *err, size_t errlen);
#endif
