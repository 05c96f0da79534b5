/* A case and its result as a results row: what run and check write for every case they measure. */
#ifndef WCBENCH_MEASURE_CASE_ROW_H
#define WCBENCH_MEASURE_CASE_ROW_H

#include "core/machine.h"
#include "measure/measure.h"
#include "results/schema.h"
#include "targets/target.h"

/* Everything a row says that does not come from measuring: the case and where it ran (the case
 * key, for resume's lookup). env: host, guest or microvm. */
void case_row_fill_case(struct row *row, const char *env, const char *run_id, const struct machine_info *m,
			const struct target *t, const struct case_spec *cs);
/* The whole row of a measured case. */
void case_row_fill(struct row *row, const char *env, const char *run_id, const struct machine_info *m,
		   const struct target *t, const struct case_spec *cs, const struct case_result *res);
/* The result of a case that could not run because its target did not map: status fault when the
 * mapping faulted (map_rc -EFAULT), else error, with map_err as reason. */
void case_result_unmapped(struct case_result *res, const struct case_spec *cs, int map_rc,
			  const char *map_err);
#endif
