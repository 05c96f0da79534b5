/* Numbers from the command line: sizes, CPU lists, windows. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"

int parse_size(const char *s, size_t *out)
{
	char *end;
	/* digits first: strtoull would skip spaces and negate a '-' */
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	unsigned shift = 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	/* tolerate KiB, KB and a plain B; "Ki" or an "i" on its own is a typo */
	if (shift && end[0] == 'i' && end[1] == 'B')
		end += 2;
	else if (end[0] == 'B')
		end++;
	if (*end || v > (SIZE_MAX >> shift))
		return -EINVAL;
	*out = (size_t)v << shift;
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
		if (b < a || b >= max)
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

int parse_window(const char *s, size_t *off, size_t *len, char *err, size_t errlen)
{
	const char *colon = strchr(s, ':');
	if (!colon) {
		snprintf(err, errlen, "--window: '%.64s' must be OFF:LEN (e.g. 0:16M)", s);
		return -EINVAL;
	}
	/* OFF is copied to end it at the colon; LEN is parsed where it stands, so no part of a long
	 * argument is ever cut off */
	char off_s[32];
	size_t off_chars = (size_t)(colon - s);
	bool off_ok = off_chars < sizeof off_s;
	if (off_ok) {
		memcpy(off_s, s, off_chars);
		off_s[off_chars] = '\0';
		off_ok = parse_size(off_s, off) == 0;
	}
	if (!off_ok || parse_size(colon + 1, len)) {
		snprintf(err, errlen, "--window: '%.64s' must be OFF:LEN with sizes such as 4K, 16M", s);
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
