/* A sweep's views of a target (views.h). */
#include <stdio.h>

#include "results/metadata.h"
#include "sweep/views.h"

int view_columns_report(const char *cmd, const char *dir, const char *spec,
			const struct memtype_probe *p, enum memclass stage2, bool tty,
			struct view_columns *vc, char *err, size_t errlen)
{
	snprintf(vc->effective, sizeof vc->effective, "%s", memclass_name(p->effective));
	snprintf(vc->stage2, sizeof vc->stage2, "%s", memclass_name(stage2));
	fprintf(stderr, "%swcbench %s: %s: memtype_effective %s: %s\n", tty ? "\r\033[K" : "", cmd,
		spec, vc->effective[0] ? vc->effective : "not decided", p->how);
	return metadata_add_memtype_probe(dir, spec, vc->effective, p->how, err, errlen);
}


bool sweep_probe_risky(const struct target *t, const struct platform *pf, const char *way_out,
		       char *how, size_t n)
{
	if (!memtype_probe_risks_vm(t, under_hypervisor(pf)))
		return false;
	snprintf(how, n, "not probed: in a %s a Normal mapping that stage 2 made Device would stop the "
		 "VM (KVM cannot handle the alignment fault); %s", platform_env_name(pf), way_out);
	return true;
}
