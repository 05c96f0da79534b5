/* The page of `wcbench report`: index.html and its Markdown twin report.md. */
#ifndef WCBENCH_RENDER_REPORT_PAGE_H
#define WCBENCH_RENDER_REPORT_PAGE_H

#include <stddef.h>

#include "check/verdict_io.h"
#include "render/report_figures.h"
#include "results/machines.h"

/* Write DIR/index.html and DIR/report.md: machines, the verdicts of wcbench check (verdicts[i]
 * for machine i, NULL where it has none; verdicts may be NULL), memory types, best kernels, the
 * figures (or why each is missing), how it was measured. 0 or -errno with err set. */
int report_write_page(const char *outdir, const char *title, const struct report_machine *ms, size_t nm,
		      size_t nruns, const struct verdict_file *const *verdicts, const struct fig *fbest,
		      const struct fig *fcost, char *err, size_t errlen);
#endif
