/* The window check every target kind's probe uses, so that run and probe refuse the same windows. */
#include <errno.h>
#include <stdio.h>

#include "targets/target.h"

int target_window_fit(const struct target *t, const struct target_opts *o, size_t region_len,
		      size_t default_len, const char *region, size_t *off, size_t *len, char *err)
{
	size_t want_off = o->window_set ? o->window_off : 0;
	bool len_given = o->window_set && o->window_len;
	char what[96];
	if (len_given)
		snprintf(what, sizeof what, "--window %zu:%zu", want_off, o->window_len);
	else if (default_len)
		snprintf(what, sizeof what, "the window %zu:%zu (default length)", want_off, default_len);
	else
		snprintf(what, sizeof what, "--window offset %zu", want_off);
	/* compare LEN with the room left after OFF, never OFF + LEN with the end: that sum can wrap */
	size_t room = want_off < region_len ? region_len - want_off : 0;
	size_t want_len = len_given ? o->window_len : default_len ? default_len : room & ~(size_t)63;
	if (want_len == 0 || want_len > room) {
		snprintf(err, TARGET_ERR_LEN, "%s: %s goes past the end of %s: nothing written", t->spec,
			 what, region);
		return -ERANGE;
	}
	*off = want_off;
	*len = want_len;
	return 0;
}
