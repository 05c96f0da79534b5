#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "targets/kinds.h"

const struct target_ops *const target_kinds[] = {
	&target_ram_ops,
	&target_vfio_ops,
	&target_sysfs_ops,
	&target_sysfs_wc_ops,
	&target_file_ops,
};
const size_t target_kind_count = sizeof target_kinds / sizeof target_kinds[0];

const struct target_ops *target_kind_find(const char *kind)
{
	for (size_t i = 0; i < target_kind_count; i++)
		if (!strcmp(target_kinds[i]->kind, kind))
			return target_kinds[i];
	return NULL;
}

unsigned target_kind_flags(const char *kind)
{
	const struct target_ops *ops = target_kind_find(kind);
	return ops ? ops->flags : 0;
}

int target_probe(struct target *t, const char *spec, const struct target_opts *o, char *err)
{
	char kind[32];
	memset(t, 0, sizeof *t);
	if (strlen(spec) >= sizeof t->spec) {
		snprintf(err, TARGET_ERR_LEN, "target spec too long: %.40s...", spec);
		return -EINVAL;
	}
	strcpy(t->spec, spec);
	target_kind_of(spec, kind, sizeof kind);
	const char *args = spec + strlen(kind);
	if (*args == ':')
		args++;
	if ((t->ops = target_kind_find(kind)))
		return t->ops->probe(t, args, o, err);
	char kinds[160] = "";
	for (size_t i = 0; i < target_kind_count; i++) {
		strncat(kinds, i ? ", " : "", sizeof kinds - strlen(kinds) - 1);
		strncat(kinds, target_kinds[i]->kind, sizeof kinds - strlen(kinds) - 1);
	}
	snprintf(err, TARGET_ERR_LEN, "unknown target kind '%s' in '%s' (known: %s)", kind, spec, kinds);
	return -EINVAL;
}
