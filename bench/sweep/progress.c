/* What a sweep says as it goes: progress, the machine references, the closing summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/stats.h"
#include "measure/reference.h"
#include "results/keys.h"
#include "results/metadata.h"
#include "sweep/progress.h"

/* "4:05": a duration for the progress line */
static void mmss(double s, char *buf, size_t len)
{
	long t = s > 0 && s < 1e7 ? (long)(s + 0.5) : 0;
	snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* On a terminal, one line rewritten after every case; otherwise (a log) one plain line every
 * PROGRESS_LOG_S seconds. The ETA is the mean time per case so far times the cases left. */
#define PROGRESS_LOG_S 10.0
void sweep_progress(bool tty, size_t done, size_t total, const struct row *r, double elapsed)
{
	static double logged;
	char el[16], left[16];
	mmss(elapsed, el, sizeof el);
	mmss(done ? elapsed / (double)done * (double)(total - done) : 0, left, sizeof left);
	if (!tty) {
		if (elapsed - logged < PROGRESS_LOG_S && done < total)
			return;
		logged = elapsed;
		fprintf(stderr, "wcbench: %zu of %zu cases in %s, about %s left\n", done, total, el, left);
		return;
	}
	double hw = median_ci_rel_halfwidth(r->ns_per_burst_median, r->ns_per_burst_ci_lo, r->ns_per_burst_ci_hi);
	char how[48];
	if (r->status != STATUS_OK)
		snprintf(how, sizeof how, "%s", status_name(r->status));
	else if (isinf(hw))
		snprintf(how, sizeof how, "%.2f GB/s", r->gb_per_s_median);
	else
		snprintf(how, sizeof how, "%.2f GB/s +-%.1f%%", r->gb_per_s_median, 100 * hw);
	fprintf(stderr, "\r\033[K[%zu/%zu, %s, ETA %s] %s %s %s/%s %s %llu B: %s", done, total, el, left,
		r->target, r->kernel, r->barrier, r->barrier_every, r->drain, (unsigned long long)r->burst_bytes, how);
}

void best_update(struct best *b, const struct row *row, const struct case_spec *cs)
{
	if (row->status != STATUS_OK)
		return;
	bool better = !b->set || (cs->latency ? row->latency_ns_p50 < b->p50_ns : row->gb_per_s_median > b->gbps);
	if (better)
		*b = (struct best){ true, row->gb_per_s_median, row->gb_per_s_p10, row->gb_per_s_p90,
				    row->latency_ns_p50, row->latency_ns_p99, row->latency_ns_p999, cs->burst,
				    cs->barrier->name, every_names[cs->every], drain_name(cs->drain) };
}

static void burst_text(size_t burst, char *buf, size_t len)
{
	if (burst >= (1UL << 20))
		snprintf(buf, len, "%zu MiB", burst >> 20);
	else if (burst >= 1024)
		snprintf(buf, len, "%zu KiB", burst >> 10);
	else
		snprintf(buf, len, "%zu B", burst);
}

/* How the figures were measured, then the best case per kernel. */
void print_best(const struct run_options *o, const struct timer_info *ti, struct best (*best)[MAX_LIST])
{
	if (o->latency)
		printf("each figure: one burst and its drain timed alone, %u to %u bursts per thread (or the "
		       "%.2f s budget), all threads' bursts together; the timer's own cost (latency_timer_ns) "
		       "is included, not subtracted; timer %s\n", o->min_samples, o->max_samples, o->time_s,
		       ti->name);
	else
		printf("each figure: median of >= %u samples (or the %.2f s budget) of sample time / bursts; "
		       "timer %s; GB/s = 10^9 B/s\n", o->min_samples, o->time_s, ti->name);
	bool any = false;
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++)
			any |= best[t][k].set;
	if (!any)
		return;
	if (o->latency) {
		printf("\nquickest case per kernel (ns per burst with its drain: p50, p99, p99.9):\n");
		printf("  %-16s %-14s %10s %10s %10s %9s %-14s %s\n", "target", "kernel", "p50 ns", "p99 ns",
		       "p99.9 ns", "burst", "barrier/every", "drain");
	} else {
		printf("\nfastest case per kernel (GB/s = 10^9 B/s: median, and p10-p90 of the samples):\n");
		printf("  %-16s %-14s %9s %17s %9s %-14s %s\n", "target", "kernel", "GB/s", "p10-p90", "burst",
		       "barrier/every", "drain");
	}
	for (unsigned t = 0; t < o->ntargets; t++)
		for (unsigned k = 0; k < o->nkernels; k++) {
			const struct best *b = &best[t][k];
			if (!b->set)
				continue;
			char range[40], burst[24], be[40];
			burst_text(b->burst, burst, sizeof burst);
			snprintf(be, sizeof be, "%s/%s", b->barrier, b->every);
			if (o->latency) {
				printf("  %-16.16s %-14s %10.1f %10.1f %10.1f %9s %-14s %s\n", o->targets[t],
				       o->kernels[k]->name, b->p50_ns, b->p99_ns, b->p999_ns, burst, be, b->drain);
				continue;
			}
			snprintf(range, sizeof range, "%.2f-%.2f", b->p10, b->p90);
			printf("  %-16.16s %-14s %9.2f %17s %9s %-14s %s\n", o->targets[t],
			       o->kernels[k]->name, b->gbps, range, burst, be, b->drain);
		}
}

int take_reference(const char *cmd, const char *dir, int cpu, const char *when, bool tty, char *err,
			  size_t errlen)
{
	const char *cr = tty ? "\r\033[K" : "";
	for (int k = 0; k < REF_KINDS; k++) {
		struct machine_ref r;
		char why[200], what[300];
		const char *kind = ref_kinds[k].name;
		if (reference_measure((enum ref_kind)k, cpu, when, &r, why, sizeof why)) {
			fprintf(stderr, "%swcbench %s: %s machine reference at the %s not taken: %s\n", cr, cmd, kind, when,
				why);
			continue;
		}
		reference_describe(r.kind, r.kernel, r.buffer_bytes, r.cpu, what, sizeof what);
		fprintf(stderr, "%swcbench: %s machine reference at the %s: %.3f ns per KiB [%.3f-%.3f: the median's "
			"95%% CI, %u samples] (%s)\n", cr, kind, when, r.median, r.ci_lo, r.ci_hi, r.samples, what);
		int rc = metadata_add_machine_reference(dir, &r, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
