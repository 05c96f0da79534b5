/* The output of `wcbench compare`: text and Markdown tables, the CSV, the plot; the verdicts. */
#ifndef WCBENCH_RENDER_COMPARE_OUT_H
#define WCBENCH_RENDER_COMPARE_OUT_H

#include <stddef.h>

#include "common/util.h"
#include "check/verdict_compare.h"
#include "results/comparison.h"

struct cmp_opts {
	double thr;
	enum { FMT_TEXT, FMT_CSV, FMT_MD } fmt;
	const char *outdir;
	unsigned ignore;
	int strict;
	int all;
};

/* Every case, one line each (with the reference that speaks for it and that reference's drift,
 * when known, on its line); d indexed by enum ref_kind. */
void compare_write_csv(struct sbuf *b, const struct cmp_entry *e, size_t n, const struct cmp_opts *o,
		       const struct machine_drift d[REF_KINDS]);
/* A line per machine reference kind, the table (worst first; unchanged cases only with --all) and a
 * summary; md: Markdown. */
void compare_write_text(struct sbuf *b, const struct cmp_entry *e, size_t n, const struct cmp_opts *o,
			const struct result_set *base, const struct result_set *nw,
			const struct cmp_counts *c, const struct machine_drift d[REF_KINDS], int md);
/* The verdicts of both runs (verdict.json), after the case table: worst first (same ones only with
 * --all), then a summary; md: Markdown. Text from the files is kept on its line. */
void compare_write_verdicts(struct sbuf *b, const struct verdict_pair *p, size_t n,
			    const size_t count[VC_COUNT], const struct cmp_opts *o, int md);
/* Every target, one line each (DIR/compare-verdicts.csv). */
void compare_write_verdicts_csv(struct sbuf *b, const struct verdict_pair *p, size_t n);
/* o->outdir/compare.png and .svg (and compare-plot.csv, their data). 0 or -errno, err set. */
int compare_plot(const struct cmp_entry *e, size_t n, const struct cmp_opts *o, const char *base_name,
		 const char *new_name, char *err, size_t errlen);
#endif
