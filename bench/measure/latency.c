/* Latency mode (run --latency): every burst timed alone with its drain. */
#include <stdio.h>
#include <string.h>

#include "measure/measure.h"

int measure_latency(struct target *t, const struct case_spec *cs, struct case_result *r)
{
	(void)t;
	(void)cs;
	memset(r, 0, sizeof *r);
	r->status = STATUS_UNSUPPORTED;
	snprintf(r->reason, sizeof r->reason, "%s", "latency mode is not built yet");
	return 0;
}
