#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/util.h"
#include "core/place.h"
#include "core/stats.h"
#include "core/timer.h"
#include "kernels.h"
#include "measure/reference.h"
#include "core/stop_rule.h"

/* At most this many samples: more than any kind's budget holds at MREF_MIN_SAMPLE_S. */
#define MREF_MAX_SAMPLES 2000

const char *reference_kernel_name(void)
{
#if defined(__x86_64__)
	return "mov_8";
#elif defined(__aarch64__)
	return "str_8";
#else
	return "c_8";
#endif
}

/* One timed round of `bursts` passes over the buffer: ns. */
static double timed_round(const struct store_kernel *k, struct store_job *job, uint64_t bursts,
			  const struct timer_info *ti)
{
	job->bursts = bursts;
	uint64_t t0 = timer_start();
	job->start = k->fn(job);
	uint64_t t1 = timer_stop();
	return ticks_to_ns(ti, t1 > t0 ? t1 - t0 : 1);
}

/* Calibrate, warm up and sample on the calling thread (pinned): r's figures. 0 or -errno. */
static int sample(const struct store_kernel *k, const struct ref_kind_desc *kd, uint8_t *buf, struct machine_ref *r,
		  char *why, size_t whylen)
{
	const struct timer_info *ti = timer_init();
	uint64_t start = mono_raw_ns();
	/* the bursts cycle through the buffer, each round going on where the last one stopped, as a
	 * case's do through its window */
	struct store_job job = {
		.base = buf, .span = kd->buffer_bytes, .burst = kd->burst_bytes,
		.barrier = BARRIER_NONE, .every = EVERY_BURST, .pattern = store_pattern,
	};
	/* a sample lasts MREF_MIN_SAMPLE_S and 1000 timer resolutions and read costs, as a
	 * case's do; sized from the fastest round, so one stall cannot shorten every sample */
	double want_ns = MREF_MIN_SAMPLE_S * 1e9;
	want_ns = fmax(want_ns, fmax(1000 * ti->resolution_ns, 1000 * ti->cost_ns));
	uint64_t n = 1;
	double best = INFINITY;
	for (;;) {
		best = fmin(best, timed_round(k, &job, n, ti) / (double)n);
		if ((double)n * best >= want_ns || mono_raw_ns() - start > kd->budget_s * 1e9 / 2)
			break;
		double next = ceil(want_ns / best * 1.05);
		n = next > (double)(16 * n) ? 16 * n : next > (double)(2 * n) ? (uint64_t)next : 2 * n;
	}
	uint64_t warm_until = mono_raw_ns() + (uint64_t)(MREF_WARMUP_S * 1e9);
	while (mono_raw_ns() < warm_until)
		timed_round(k, &job, n, ti);

	const struct stop_rule rule = { .precision = MREF_PRECISION, .min_samples = MREF_MIN_SAMPLES,
					.max_samples = MREF_MAX_SAMPLES,
					.budget_ns = kd->budget_s * 1e9 };
	double *sorted = malloc(MREF_MAX_SAMPLES * sizeof *sorted);
	double *in_order = malloc(MREF_MAX_SAMPLES * sizeof *in_order);
	int rc = 0;
	if (!sorted || !in_order) {
		snprintf(why, whylen, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	const double kib_per_round = (double)n * (double)kd->burst_bytes / 1024;
	size_t s = 0;
	enum stop_why stopped = STOP_NOT_YET;
	while (stopped == STOP_NOT_YET) {
		in_order[s] = timed_round(k, &job, n, ti) / kib_per_round;
		sorted_insert(sorted, s, in_order[s]);
		s++;
		stopped = stop_rule_check(&rule, sorted, in_order, s, (double)(mono_raw_ns() - start));
	}
	struct summary sum;
	summarize(in_order, s, &sum);
	if (!(sum.ci_lo > 0) || !(sum.ci_hi >= sum.ci_lo) || isinf(sum.ci_hi)) {
		snprintf(why, whylen, "%zu samples in %.2f s: too few for the median's interval", s,
			 kd->budget_s);
		rc = -EAGAIN;
		goto out;
	}
	r->median = sum.median;
	r->ci_lo = sum.ci_lo;
	r->ci_hi = sum.ci_hi;
	r->samples = (unsigned)s;
out:
	free(sorted);
	free(in_order);
	return rc;
}

/* The kind's buffer, on the calling thread's node (first touch), every page faulted in now and
 * not while timed. NULL with why set. */
static uint8_t *buffer_get(const struct ref_kind_desc *kd, char *why, size_t whylen)
{
	if (kd->buffer_bytes <= MREF_BUFFER_BYTES) {
		uint8_t *b = aligned_alloc(64, kd->buffer_bytes);
		if (!b)
			snprintf(why, whylen, "out of memory");
		return b;
	}
	/* the buffer must not push the machine into reclaim (or the OOM killer): as much again must
	 * stay available beside it */
	long avail_kb = meminfo_kb("MemAvailable");
	if (avail_kb >= 0 && (size_t)avail_kb < kd->buffer_bytes / 1024 * 2) {
		snprintf(why, whylen, "MemAvailable is %ld MiB: its %zu MiB buffer wants as much again left over",
			 avail_kb >> 10, kd->buffer_bytes >> 20);
		return NULL;
	}
	/* MAP_POPULATE faults every page in for writing at about half the cost of touching them
	 * one by one (this is paid at every start and end) */
	void *m = mmap(NULL, kd->buffer_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		       -1, 0);
	if (m == MAP_FAILED) {
		snprintf(why, whylen, "mmap of its %zu MiB buffer failed: %s", kd->buffer_bytes >> 20, strerror(errno));
		return NULL;
	}
	return m;
}

static void buffer_put(const struct ref_kind_desc *kd, uint8_t *b)
{
	if (kd->buffer_bytes <= MREF_BUFFER_BYTES)
		free(b);
	else if (b)
		munmap(b, kd->buffer_bytes);
}

int reference_measure(enum ref_kind kind, int cpu, const char *when, struct machine_ref *r, char *why,
		      size_t whylen)
{
	memset(r, 0, sizeof *r);
	if ((unsigned)kind >= REF_KINDS) {
		snprintf(why, whylen, "no such reference kind");
		return -EINVAL;
	}
	const struct ref_kind_desc *kd = &ref_kinds[kind];
	r->kind = kind;
	r->buffer_bytes = kd->buffer_bytes;
	snprintf(r->when, sizeof r->when, "%s", when);
	snprintf(r->kernel, sizeof r->kernel, "%s", reference_kernel_name());
	r->cpu = cpu;
	const struct store_kernel *k = kernel_find(r->kernel);
	const char *unusable = NULL;
	if (!k || !kernel_usable(k, &unusable)) {
		snprintf(why, whylen, "%s: %s", r->kernel, unusable ? unusable : "not in this build");
		return -ENOTSUP;
	}
	cpu_set_t saved;
	if (sched_getaffinity(0, sizeof saved, &saved)) {
		int e = errno;
		snprintf(why, whylen, "cannot read this thread's CPU affinity: %s", strerror(e));
		return -e;
	}
	int rc = place_bind_self(cpu);
	if (rc) {
		snprintf(why, whylen, "cannot pin to CPU %d: %s", cpu, strerror(-rc));
		return rc;
	}
	uint8_t *buf = buffer_get(kd, why, whylen);
	if (buf)
		rc = sample(k, kd, buf, r, why, whylen);
	else
		rc = -ENOMEM;
	buffer_put(kd, buf);
	if (sched_setaffinity(0, sizeof saved, &saved) && !rc) {
		rc = -errno;
		snprintf(why, whylen, "cannot restore this thread's CPU affinity: %s", strerror(-rc));
	}
	return rc;
}
