/* Latency mode (run --latency): every burst timed alone with its drain. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stats.h"
#include "core/timer.h"
#include "measure/latency.h"

/* Bursts per thread in the warm-up round, whose times are dropped: the first touches of the
 * part's lines and pages. */
#define WARMUP_BURSTS 64
/* A round lasts about this long (the stop flag and the budget are looked at between rounds),
 * and holds at most ROUND_MAX bursts per thread. */
#define ROUND_NS 1e6
#define ROUND_MAX 1024

/* One latency round through the runner; false ends the case (status and reason set, by the
 * runner or here when it broke its contract: a failure without a status, a time that is not a
 * number >= 0). */
static bool latency_round(const struct case_runner *run, uint64_t bursts, unsigned threads,
			  double *burst_ns, double *empty_ns, struct case_result *r)
{
	if (!run->latency_round(run->ctx, bursts, burst_ns, empty_ns, r)) {
		if (r->status == STATUS_OK) {
			r->status = STATUS_ERROR;
			case_reason_add(r, "%s", "a latency round of the store kernel failed without saying why");
		}
		return false;
	}
	for (uint64_t j = 0; j < threads * bursts; j++)
		if (!(burst_ns[j] >= 0) || isinf(burst_ns[j]) || !(empty_ns[j] >= 0) || isinf(empty_ns[j])) {
			char d[48];
			snprintf(d, sizeof d, "%g", burst_ns[j] >= 0 ? empty_ns[j] : burst_ns[j]);
			r->status = STATUS_ERROR;
			case_reason_add(r, "a burst was timed at %s ns: no time to sample", d);
			return false;
		}
	return true;
}

enum sample_end latency_sample(const struct case_spec *cs, const struct case_runner *run,
			       uint64_t case_start, struct case_result *r)
{
	uint64_t budget_ns = (uint64_t)(cs->budget_s * 1e9);
	unsigned threads = cs->threads;
	size_t want = cs->max_samples; /* bursts per thread */
	enum sample_end end = SAMPLE_FAILED;
	/* every thread's bursts: thread i's in [i * want, i * want + n) until merged */
	double *burst_ns = malloc(threads * want * sizeof *burst_ns);
	double *empty_ns = malloc(threads * want * sizeof *empty_ns);
	double *round_b = malloc(threads * ROUND_MAX * sizeof *round_b);
	double *round_e = malloc(threads * ROUND_MAX * sizeof *round_e);
	if (!burst_ns || !empty_ns || !round_b || !round_e) {
		r->status = STATUS_ERROR;
		case_reason_add(r, "%s", "out of memory for the bursts' times");
		goto out;
	}

	if (measure_stop_requested(cs))
		goto interrupted;
	if (!latency_round(run, WARMUP_BURSTS, threads, round_b, round_e, r))
		goto out;

	size_t n = 0;           /* bursts timed per thread */
	uint64_t chunk = 16;    /* this round's bursts per thread */
	while (n < want) {
		if (measure_stop_requested(cs))
			goto interrupted;
		if (chunk > want - n)
			chunk = want - n;
		uint64_t r0 = mono_raw_ns();
		if (!latency_round(run, chunk, threads, round_b, round_e, r))
			goto out;
		uint64_t r1 = mono_raw_ns();
		for (unsigned i = 0; i < threads; i++) {
			memcpy(burst_ns + i * want + n, round_b + i * chunk, chunk * sizeof *burst_ns);
			memcpy(empty_ns + i * want + n, round_e + i * chunk, chunk * sizeof *empty_ns);
		}
		n += chunk;
		if (r1 - case_start >= budget_ns)
			break;
		/* the next round about ROUND_NS long */
		double per = (double)(r1 - r0) / (double)chunk;
		double next = per > 0 ? ROUND_NS / per : ROUND_MAX;
		chunk = next < 1 ? 1 : next > ROUND_MAX ? ROUND_MAX : (uint64_t)next;
	}
	r->stopped = n >= want ? STOP_MAX_SAMPLES : STOP_BUDGET;

	/* merge the threads' bursts */
	for (unsigned i = 1; i < threads; i++) {
		memmove(burst_ns + i * n, burst_ns + i * want, n * sizeof *burst_ns);
		memmove(empty_ns + i * n, empty_ns + i * want, n * sizeof *empty_ns);
	}
	size_t total = threads * n;
	r->samples = (unsigned)total;
	r->bursts_per_sample = 1;
	summarize(burst_ns, total, &r->ns); /* in each thread's order taken; sorts */
	r->lat.p50 = quantile_sorted(burst_ns, total, 0.5);
	r->lat.p90 = quantile_sorted(burst_ns, total, 0.9);
	r->lat.p99 = quantile_sorted(burst_ns, total, 0.99);
	r->lat.p999 = quantile_sorted(burst_ns, total, 0.999);
	r->lat.max = burst_ns[total - 1];
	r->lat.timer_ns = quantile(empty_ns, total, 0.5);
	double bytes = (double)cs->burst * threads; /* a burst shorter than a timer step reads 0 ns: no rate */
	r->gbps_median = r->ns.median > 0 ? bytes / r->ns.median : NAN;
	r->gbps_p10 = r->ns.p90 > 0 ? bytes / r->ns.p90 : NAN;
	r->gbps_p90 = r->ns.p10 > 0 ? bytes / r->ns.p10 : NAN;

	/* A counter that steps slower than it is read (CNTVCT at tens of MHz, an emulator's clock)
	 * makes every figure a whole number of steps; where a step is not small against p50, say so. */
	if (run->resolution_ns > run->cost_ns && !(run->resolution_ns * 10 <= r->lat.p50)) {
		char d[160];
		snprintf(d, sizeof d, "timer steps of %.3g ns, over a tenth of p50 (%.3g ns): the figures are "
			 "whole steps", run->resolution_ns, r->lat.p50);
		case_reason_add(r, "%s", d);
	}
	if (n < cs->min_samples) {
		char d[64];
		snprintf(d, sizeof d, "%zu of %u", n, cs->min_samples);
		case_reason_add(r, "time budget reached after %s bursts per thread", d);
	}
	if (total < LATENCY_TAIL_BURSTS) {
		char d[160];
		snprintf(d, sizeof d, "only %zu bursts timed: p99.9 needs >= %d to be a tail (raise --time or "
			 "--max-samples)", total, LATENCY_TAIL_BURSTS);
		case_reason_add(r, "%s", d);
	}
	end = SAMPLE_DONE;
	goto out;
interrupted:
	end = SAMPLE_INTERRUPTED;
out:
	free(burst_ns);
	free(empty_ns);
	free(round_b);
	free(round_e);
	return end;
}
