#include <stdio.h>
#include <string.h>

#include "targets/target.h"

const char *target_kind_of(const char *spec, char *buf, size_t n)
{
	size_t len = strcspn(spec, ":");
	if (len >= n)
		len = n - 1;
	memcpy(buf, spec, len);
	buf[len] = '\0';
	return buf;
}

bool target_has(const struct target *t, unsigned flags)
{
	return t->ops && (t->ops->flags & flags) == flags;
}
