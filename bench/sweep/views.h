/* A sweep's views of a target: the columns its memory-type probe decides, and whether probing
 * it could stop the VM this runs in. */
#ifndef WCBENCH_SWEEP_VIEWS_H
#define WCBENCH_SWEEP_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

#include "check/platform.h"
#include "targets/memtype.h"
#include "targets/target.h"

/* The columns a view's probe decides, as the CSV spells them ("" when not decided). */
struct view_columns {
	char effective[16], stage2[16];
};

/* A view's probe result into vc, onto stderr, and into metadata.json's memtype_probes under the
 * name spec (the target's, and for vm its stage-1 type). */
int view_columns_report(const char *cmd, const char *dir, const char *spec,
			const struct memtype_probe *p, enum memclass stage2, bool tty,
			struct view_columns *vc, char *err, size_t errlen);

/* Whether a probe of t could stop the VM this runs in (memtype_probe_risks_vm); if so, the
 * probe's "not probed: ..." line into how, ending with way_out (what probes anyway). */
bool sweep_probe_risky(const struct target *t, const struct platform *pf, const char *way_out,
		       char *how, size_t n);
#endif
