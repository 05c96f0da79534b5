/* Numbers from the command line: sizes, CPU lists, windows. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "core/place.h"

int parse_size(const char *s, size_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (end == s || errno)
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B') /* tolerate KiB / KB / MiB */
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > (ULLONG_MAX >> shift))
		return -EINVAL;
	*out = (size_t)(v << shift);
	return 0;
}

int parse_cpu_list(const char *s, int *cpus, int max)
{
	int n = 0;
	const char *p = s;
	if (!*p)
		return -EINVAL;
	while (*p) {
		char *end;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		long a = strtol(p, &end, 10), b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			b = strtol(end + 1, &end, 10);
		}
		if (b < a || b >= PLACE_MAX_CPUS)
			return -EINVAL;
		for (long c = a; c <= b; c++) {
			if (n >= max)
				return -EINVAL;
			for (int k = 0; k < n; k++)
				if (cpus[k] == c)
					return -EINVAL; /* listed twice */
			cpus[n++] = (int)c;
		}
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
		if (end[-1] == ',' && !*p)
			return -EINVAL;
	}
	return n;
}

/* Split a comma-separated list; calls item() per element. */

int parse_window(const char *s, size_t *off, size_t *len, char *err, size_t errlen)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", s);
	char *colon = strchr(buf, ':');
	if (!colon) {
		snprintf(err, errlen, "--window: '%s' must be OFF:LEN (e.g. 0:16M)", s);
		return -EINVAL;
	}
	*colon = '\0';
	if (parse_size(buf, off) || parse_size(colon + 1, len)) {
		snprintf(err, errlen, "--window: '%s' must be OFF:LEN with sizes such as 4K, 16M", s);
		return -EINVAL;
	}
	if (*off % 64) {
		snprintf(err, errlen, "--window: offset %zu is not a multiple of 64", *off);
		return -EINVAL;
	}
	if (*len == 0 || *len % 64) {
		snprintf(err, errlen, "--window: length %zu must be a non-zero multiple of 64", *len);
		return -EINVAL;
	}
	return 0;
}
