#include <stdio.h>
#include <string.h>

#include "measure/case.h"

const struct sampling sampling_default = {
	.budget_s = 0.5, .min_sample_s = 0.00025, .precision = 0.01, .min_samples = 10, .max_samples = 1000,
};
const struct sampling sampling_quick = {
	.budget_s = 0.05, .min_sample_s = 0.0002, .precision = 0.01, .min_samples = 5, .max_samples = 1000,
};

const char *const every_names[3] = { [EVERY_64] = "64", [EVERY_BURST] = "burst",
				     [EVERY_SAMPLE] = "sample" };

const char *drain_name(enum drain_mode d)
{
	static const char *const names[] = {
		[DRAIN_NONE] = "none", [DRAIN_FENCE] = "fence", [DRAIN_READBACK] = "readback"
	};
	return names[d];
}

bool measure_stop_requested(const struct case_spec *cs)
{
	return cs->stop && *cs->stop;
}

void case_reason_add(struct case_result *r, const char *fmt, const char *detail)
{
	char tmp[sizeof r->reason];
	snprintf(tmp, sizeof tmp, fmt, detail);
	if (r->reason[0]) { /* keep an earlier caveat */
		char both[2 * sizeof r->reason + 2];
		snprintf(both, sizeof both, "%s; %s", tmp, r->reason);
		snprintf(r->reason, sizeof r->reason, "%.*s", (int)sizeof r->reason - 1, both);
	} else {
		memcpy(r->reason, tmp, sizeof tmp);
	}
}
