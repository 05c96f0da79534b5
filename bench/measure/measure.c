#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fault.h"
#include "measure/latency.h"
#include "measure/measure.h"
#include "core/timer.h"

#define GUARD_CHECK 4096UL

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
	__asm__ volatile("pause");
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/* One thread's part of the case. */
struct worker {
	pthread_t th;
	int cpu;
	int bind_rc;
	struct store_job job;
	uint64_t t0, t1;
	/* a latency round: lat_n bursts, each one's ticks and the empty region's before it */
	uint64_t lat_n;
	double *lat_burst, *lat_empty;
	int fault;
	struct fault_info fi;
	struct crew *crew;
};

/* The threads of one case. Thread 0 is the caller; the others spin on `gen`. */
struct crew {
	const struct store_kernel *k;
	enum drain_mode drain;
	unsigned n;
	bool latency;                 /* the round under way is a latency round */
	_Atomic unsigned gen;
	_Atomic unsigned done;
	_Atomic int stop;
	_Atomic unsigned ready;
	const struct timer_info *ti;  /* converts the round's ticks for the runner */
	struct worker w[64];
};

/* The drain inside a timed region, after the kernel: nothing, the fence, or the fence and a read
 * of the part's first line (from a device, the read waits for the posted writes before it). */
static inline void drain_in_region(enum drain_mode drain, const uint8_t *base)
{
	if (drain != DRAIN_NONE)
		drain_fence();
	if (drain == DRAIN_READBACK)
		(void)*(const volatile uint64_t *)base;
}

static void note_fault(struct worker *w)
{
	w->fault = fault_last()->sig;
	w->fi = *fault_last();
}

/* Run the worker's job once, timed, with the drain inside the timed region. */
static void run_timed(struct worker *w)
{
	const struct store_kernel *k = w->crew->k;
	enum drain_mode drain = w->crew->drain;
	if (FAULT_TRY()) {
		note_fault(w);
		return;
	}
	uint64_t t0 = timer_start();
	size_t next = k->fn(&w->job);
	drain_in_region(drain, w->job.base);
	uint64_t t1 = timer_stop();
	fault_disarm();
	w->t0 = t0;
	w->t1 = t1;
	w->job.start = next;
}

/* lat_n single bursts, each timed alone with its drain; before each, the same timed region
 * holding nothing (what the timer itself adds). Ticks, converted by the round. Out of line: the
 * caller's recovery point keeps no local of this loop. */
static __attribute__((noinline)) void latency_bursts(struct worker *w)
{
	const struct store_kernel *k = w->crew->k;
	enum drain_mode drain = w->crew->drain;
	struct store_job *job = &w->job;
	job->bursts = 1;
	for (uint64_t i = 0; i < w->lat_n; i++) {
		uint64_t e0 = timer_start();
		uint64_t e1 = timer_stop();
		uint64_t t0 = timer_start();
		size_t next = k->fn(job);
		drain_in_region(drain, job->base);
		uint64_t t1 = timer_stop();
		job->start = next;
		w->lat_empty[i] = (double)(e1 - e0);
		w->lat_burst[i] = (double)(t1 - t0);
	}
}

static void run_latency(struct worker *w)
{
	if (FAULT_TRY()) {
		note_fault(w);
		return;
	}
	latency_bursts(w);
	fault_disarm();
}

/* The round's work on one thread, whichever kind of round it is. */
static void run_round_work(struct worker *w)
{
	if (w->fault)
		return;
	if (w->crew->latency)
		run_latency(w);
	else
		run_timed(w);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct crew *c = w->crew;
	w->bind_rc = place_bind_self(w->cpu);
	atomic_fetch_add(&c->ready, 1);
	unsigned seen = 0;
	for (;;) {
		unsigned g;
		while ((g = atomic_load_explicit(&c->gen, memory_order_acquire)) == seen)
			cpu_relax();
		seen = g;
		if (atomic_load(&c->stop))
			return NULL;
		run_round_work(w);
		atomic_fetch_add_explicit(&c->done, 1, memory_order_release);
	}
}

/* Every thread does the round's work (thread 0 the caller); back when all are done. */
static void crew_go(struct crew *c)
{
	atomic_store(&c->done, 0);
	atomic_fetch_add_explicit(&c->gen, 1, memory_order_release);
	run_round_work(&c->w[0]);
	while (atomic_load_explicit(&c->done, memory_order_acquire) != c->n - 1)
		cpu_relax();
}

/* All threads run their job with `bursts` bursts. Returns the wall time in ticks (first start to
 * last end), or 0 when a thread faulted. */
static uint64_t crew_round(struct crew *c, uint64_t bursts)
{
	for (unsigned i = 0; i < c->n; i++)
		c->w[i].job.bursts = bursts;
	crew_go(c);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned i = 0; i < c->n; i++) {
		if (c->w[i].fault)
			return 0;
		if (c->w[i].t0 < lo)
			lo = c->w[i].t0;
		if (c->w[i].t1 > hi)
			hi = c->w[i].t1;
	}
	return hi > lo ? hi - lo : 1;
}

/* Bytes outside the used part of the window that the case must leave alone: up to GUARD_CHECK
 * bytes on each side where the target kind allows reads outside the window, else only the unused
 * tail of the window. */
struct outside {
	const struct target *t;
	size_t off[2], len[2];
	uint8_t *copy[2];
	bool changed;
	long long where;    /* when changed: the first changed offset from the window start */
};

static void outside_copy(void *arg)
{
	struct outside *o = arg;
	for (int i = 0; i < 2; i++) {
		const volatile uint64_t *src = (const volatile uint64_t *)(o->t->base + o->off[i]);
		for (size_t j = 0; j < o->len[i] / 8; j++)
			((uint64_t *)o->copy[i])[j] = src[j];
	}
}

static void outside_compare(void *arg)
{
	struct outside *o = arg;
	for (int i = 0; i < 2; i++) {
		const volatile uint64_t *src = (const volatile uint64_t *)(o->t->base + o->off[i]);
		for (size_t j = 0; j < o->len[i] / 8; j++)
			if (src[j] != ((const uint64_t *)o->copy[i])[j]) {
				o->changed = true;
				o->where = (long long)(o->off[i] + 8 * j) - (long long)o->t->win_off;
				return;
			}
	}
}

/* Where to look and room for the copy; nothing of the target is read yet. */
static void outside_plan(const struct target *t, size_t used, struct outside *o)
{
	/* a target of no known kind is read as a device would be: the window only */
	size_t margin = target_has(t, TARGET_READS_OUTSIDE_OK) ? GUARD_CHECK : 0;
	size_t lo = t->win_off > margin ? t->win_off - margin : 0;
	size_t hi_start = t->win_off + used;
	size_t hi_end = t->win_off + t->win_len;
	hi_end = t->region_len - hi_end > margin ? hi_end + margin : t->region_len;
	o->t = t;
	o->len[0] = (t->win_off - lo) & ~7UL;
	o->off[0] = t->win_off - o->len[0];
	o->off[1] = hi_start;
	o->len[1] = hi_end > hi_start ? (hi_end - hi_start) & ~7UL : 0;
	for (int i = 0; i < 2; i++) {
		o->copy[i] = o->len[i] ? malloc(o->len[i]) : NULL;
		if (!o->copy[i])
			o->len[i] = 0;
	}
}

static void outside_free(struct outside *o)
{
	free(o->copy[0]);
	free(o->copy[1]);
}

size_t case_part_len(const struct target *t, const struct case_spec *c)
{
	/* whole 64-byte lines at least, so no two threads share a line */
	size_t unit = c->burst > 64 ? c->burst : 64;
	return c->threads ? t->win_len / c->threads / unit * unit : 0;
}

bool case_feasible(const struct target *t, const struct case_spec *c, struct case_result *r)
{
	const char *why = NULL;
	r->status = STATUS_OK;
	r->reason[0] = '\0';
	if (!kernel_usable(c->kernel, &why)) {
		r->status = STATUS_UNSUPPORTED;
		snprintf(r->reason, sizeof r->reason, "%s", why);
		return false;
	}
	why = NULL;
	if (!barrier_usable(c->barrier, &why)) {
		r->status = STATUS_UNSUPPORTED;
		snprintf(r->reason, sizeof r->reason, "%s", why);
		return false;
	}
	if (why) /* a caveat on a usable barrier */
		snprintf(r->reason, sizeof r->reason, "%s", why);
	if (c->burst < c->kernel->width) {
		r->status = STATUS_UNSUPPORTED;
		snprintf(r->reason, sizeof r->reason,
			 "burst of %zu B is shorter than one %u-byte %s store", c->burst,
			 c->kernel->width, c->kernel->name);
		return false;
	}
	if (case_part_len(t, c) < c->burst) {
		r->status = STATUS_ERROR;
		snprintf(r->reason, sizeof r->reason,
			 "window of %zu B is too small for %u thread(s) x %zu-byte bursts", t->win_len,
			 c->threads, c->burst);
		return false;
	}
	return true;
}

/* A fault outside the timed kernels, while doing `during`: status fault with the decoded reason. */
static void set_fault(struct case_result *r, const struct fault_info *fi, const char *during)
{
	char d[200];
	fault_describe(fi, d, sizeof d);
	snprintf(d + strlen(d), sizeof d - strlen(d), " %s", during);
	r->status = STATUS_FAULT;
	case_reason_add(r, "%s", d);
}

/* The first faulted thread's signal as the result's status; false when none faulted. */
static bool crew_fault(const struct crew *c, struct case_result *r)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->w[i].fault) {
			set_fault(r, &c->w[i].fi, "in the store kernel");
			return true;
		}
	return false;
}

/* The crew as a case_runner: a round is crew_round, a faulted thread's signal the status. */
static bool crew_runner_round(void *ctx, uint64_t bursts, double *ns, struct case_result *r)
{
	struct crew *c = ctx;
	uint64_t ticks = crew_round(c, bursts);
	if (ticks) {
		*ns = ticks_to_ns(c->ti, ticks);
		return true;
	}
	crew_fault(c, r);
	return false;
}

/* The crew's latency round (case_runner.latency_round): every thread its own bursts at once. */
static bool crew_runner_latency_round(void *ctx, uint64_t bursts, double *burst_ns, double *empty_ns,
				      struct case_result *r)
{
	struct crew *c = ctx;
	for (unsigned i = 0; i < c->n; i++) {
		c->w[i].lat_n = bursts;
		c->w[i].lat_burst = burst_ns + i * bursts;
		c->w[i].lat_empty = empty_ns + i * bursts;
	}
	c->latency = true;
	crew_go(c);
	c->latency = false;
	if (crew_fault(c, r))
		return false;
	for (uint64_t j = 0; j < c->n * bursts; j++) { /* ticks to ns */
		burst_ns[j] = ticks_to_ns(c->ti, (uint64_t)burst_ns[j]);
		empty_ns[j] = ticks_to_ns(c->ti, (uint64_t)empty_ns[j]);
	}
	return true;
}

static void crew_runner_rewind(void *ctx)
{
	struct crew *c = ctx;
	for (unsigned i = 0; i < c->n; i++)
		c->w[i].job.start = 0;
}

/* --verify's pass over every thread's part of the window, through the host mapping (whoever
 * runs the rounds). */
struct verify_pass {
	uint8_t *base;      /* the window's start */
	unsigned parts;
	size_t part, burst;
	bool mismatch;
	char detail[120];   /* on a mismatch: where, what was found and what was expected */
};

/* filler: the complement of the expected byte, so every byte must change */
static void verify_fill(void *arg)
{
	struct verify_pass *v = arg;
	for (unsigned i = 0; i < v->parts; i++) {
		volatile uint64_t *q = (volatile uint64_t *)(v->base + i * v->part);
		for (size_t x = 0; x < v->part; x += 8) {
			uint64_t word;
			uint8_t b[8];
			for (int k = 0; k < 8; k++)
				b[k] = (uint8_t)~expected_byte(store_pattern, v->burst, x + (size_t)k);
			memcpy(&word, b, 8);
			q[x / 8] = word;
		}
	}
}

static void verify_check(void *arg)
{
	struct verify_pass *v = arg;
	for (unsigned i = 0; i < v->parts; i++) {
		const volatile uint64_t *q = (const volatile uint64_t *)(v->base + i * v->part);
		for (size_t x = 0; x < v->part; x += 8) {
			uint64_t word = q[x / 8];
			uint8_t b[8];
			memcpy(b, &word, 8);
			for (int k = 0; k < 8; k++) {
				uint8_t want = expected_byte(store_pattern, v->burst, x + (size_t)k);
				if (b[k] != want) {
					v->mismatch = true;
					snprintf(v->detail, sizeof v->detail,
						 "byte at window+0x%zx is 0x%02x, expected 0x%02x",
						 i * v->part + x + (size_t)k, b[k], want);
					return;
				}
			}
		}
	}
}

/* One round through the runner. false: the case ends, its status and reason set (by the runner,
 * or here when the runner broke its contract). */
static bool run_round(const struct case_runner *run, uint64_t bursts, double *ns, struct case_result *r)
{
	*ns = NAN;
	if (!run->round(run->ctx, bursts, ns, r)) {
		if (r->status == STATUS_OK) {
			r->status = STATUS_ERROR;
			case_reason_add(r, "%s", "a round of the store kernel failed without saying why");
		}
		return false;
	}
	if (!(*ns > 0) || isinf(*ns)) {
		char d[48];
		snprintf(d, sizeof d, "%g", *ns);
		r->status = STATUS_ERROR;
		case_reason_add(r, "a round was timed at %s ns: no time to sample", d);
		return false;
	}
	return true;
}

/* Fill, one round over every part from offset 0, then compare each byte. false when the case
 * ends here (a fault, or the round failed: status and reason set); a mismatch is true with
 * status error. */
static bool verify_case(struct target *t, const struct case_spec *cs, const struct case_runner *run,
			size_t part, struct case_result *r)
{
	struct verify_pass v = { .base = t->base + t->win_off, .parts = cs->threads, .part = part,
				 .burst = cs->burst };
	struct fault_info fi;
	if (fault_call(verify_fill, &v, &fi)) {
		set_fault(r, &fi, "while filling the window for --verify");
		return false;
	}
	run->rewind(run->ctx);
	drain_fence();
	double ns;
	if (!run_round(run, part / cs->burst, &ns, r))
		return false;
	drain_fence();
	if (fault_call(verify_check, &v, &fi)) {
		set_fault(r, &fi, "while reading the window back for --verify");
		return false;
	}
	if (v.mismatch) {
		r->status = STATUS_ERROR;
		snprintf(r->verify, sizeof r->verify, "mismatch");
		case_reason_add(r, "verify: %s", v.detail);
		return true;
	}
	snprintf(r->verify, sizeof r->verify, "ok");
	return true;
}

/* The result before anything runs, and whether the case can run (window_used set then). */
static bool case_begin(const struct target *t, const struct case_spec *cs, struct case_result *r)
{
	memset(r, 0, sizeof *r);
	r->ns.median = r->ns.p10 = r->ns.p90 = r->ns.min = NAN;
	r->gbps_median = r->gbps_p10 = r->gbps_p90 = NAN;
	r->ns.cv = r->ns.ci_lo = r->ns.ci_hi = NAN;
	r->lat = (struct latency_summary){ NAN, NAN, NAN, NAN, NAN, NAN };
	snprintf(r->verify, sizeof r->verify, "off");
	for (unsigned i = 0; i < cs->threads; i++)
		place_describe(cs->cpus[i], &r->place[i]);
	if (!case_feasible(t, cs, r))
		return false;
	r->window_used = case_part_len(t, cs) * cs->threads;
	return true;
}

/* What a throughput case's row should say about its samples: stopped before the median was known
 * (its precision then), fewer than --min-samples, samples shorter than wanted (target_ns each). */
static void throughput_caveats(const struct case_spec *cs, unsigned s, bool short_samples, double target_ns,
			       struct case_result *r)
{
	if (r->stopped != STOP_PRECISION && s >= cs->min_samples) {
		char d[64];
		double hw = median_ci_rel_halfwidth(r->ns.median, r->ns.ci_lo, r->ns.ci_hi);
		if (isinf(hw))
			snprintf(d, sizeof d, "%s", "unknown");
		else
			snprintf(d, sizeof d, "+-%.2g%%", 100 * hw);
		char both[160];
		snprintf(both, sizeof both, "%s before the median was known to +-%g%% (it is to %s)",
			 r->stopped == STOP_BUDGET ? "time budget reached" : "--max-samples reached",
			 100 * cs->precision, d);
		case_reason_add(r, "%s", both);
	}
	if (s < cs->min_samples) {
		char d[64];
		snprintf(d, sizeof d, "%u of %u", s, cs->min_samples);
		case_reason_add(r, "time budget reached after %s samples", d);
	}
	if (short_samples) {
		char d[64];
		snprintf(d, sizeof d, "%.0f", target_ns / 1e3);
		case_reason_add(r, "samples shorter than the %s us wanted: raise --time", d);
	}
}

/* Throughput mode's sampling: calibration, warm-up, samples of many bursts until the stop
 * rule; r's figures and caveats. */
static enum sample_end throughput_sample(const struct case_spec *cs, const struct case_runner *run,
					 uint64_t case_start, struct case_result *r)
{
	uint64_t budget_ns = (uint64_t)(cs->budget_s * 1e9);
	enum sample_end end = SAMPLE_FAILED;
	double *ns_per_burst = NULL, *in_order = NULL; /* the samples sorted, and as taken */
	double ns;

	/* Calibrate: grow the bursts per sample until a sample lasts min_sample_s and >= 1000x the
	 * timer's resolution and cost. These rounds also warm up caches and TLBs (the target has
	 * faulted its pages in when it was mapped). */
	double target_ns = cs->min_sample_s * 1e9;
	if (target_ns < 1000 * run->resolution_ns)
		target_ns = 1000 * run->resolution_ns;
	if (target_ns < 1000 * run->cost_ns)
		target_ns = 1000 * run->cost_ns;
	/* Size from the fastest round seen, so one stall of the machine cannot end calibration
	 * early and leave samples too short. */
	uint64_t n = 1;
	bool short_samples = false;
	double best_per_burst = INFINITY;
	for (;;) {
		if (measure_stop_requested(cs))
			goto interrupted;
		if (!run_round(run, n, &ns, r))
			goto out;
		double per = ns / (double)n;
		if (per < best_per_burst)
			best_per_burst = per;
		if ((double)n * best_per_burst >= target_ns)
			break;
		if (mono_raw_ns() - case_start > budget_ns / 2) {
			short_samples = true;
			break;
		}
		double want = ceil(target_ns / best_per_burst * 1.05);
		uint64_t next = want > (double)(16 * n) ? 16 * n : (uint64_t)want;
		n = next > 2 * n ? next : 2 * n;
	}
	/* one more untimed round at the final size, so the first sample starts warm */
	if (measure_stop_requested(cs))
		goto interrupted;
	if (!run_round(run, n, &ns, r))
		goto out;
	r->bursts_per_sample = n;

	/* Samples: until the stop rule (core/stop_rule.h) says the median is known, or the
	 * budget or max_samples ends the case. */
	const struct stop_rule rule = { .precision = cs->precision, .min_samples = cs->min_samples,
					.max_samples = cs->max_samples, .budget_ns = (double)budget_ns };
	ns_per_burst = malloc(cs->max_samples * sizeof *ns_per_burst);
	in_order = malloc(cs->max_samples * sizeof *in_order);
	unsigned s = 0;
	while (ns_per_burst && in_order && r->stopped == STOP_NOT_YET) {
		if (!run_round(run, n, &ns, r))
			goto out;
		in_order[s] = ns / (double)n;
		sorted_insert(ns_per_burst, s, in_order[s]);
		s++;
		if (measure_stop_requested(cs))
			goto interrupted;
		r->stopped = stop_rule_check(&rule, ns_per_burst, in_order, s, (double)(mono_raw_ns() - case_start));
	}
	if (!ns_per_burst || !in_order || s == 0) {
		r->status = STATUS_ERROR;
		case_reason_add(r, "%s", "no sample taken");
		goto out;
	}
	r->samples = s;
	summarize(in_order, s, &r->ns); /* needs the order taken */
	double bytes = (double)cs->burst * cs->threads; /* per "burst time" across all threads */
	r->gbps_median = bytes / r->ns.median;
	r->gbps_p10 = bytes / r->ns.p90;
	r->gbps_p90 = bytes / r->ns.p10;
	throughput_caveats(cs, s, short_samples, target_ns, r);
	end = SAMPLE_DONE;
	goto out;
interrupted:
	end = SAMPLE_INTERRUPTED;
out:
	free(ns_per_burst);
	free(in_order);
	return end;
}

/* Everything once the runner's threads run: measure_case_with after case_begin. */
static void sample_case(struct target *t, const struct case_spec *cs, const struct case_runner *run,
			struct case_result *r)
{
	uint64_t case_start = mono_raw_ns();
	size_t part = case_part_len(t, cs);
	struct outside outside = { 0 };
	if (cs->verify) {
		struct fault_info fi;
		outside_plan(t, r->window_used, &outside);
		if (fault_call(outside_copy, &outside, &fi)) {
			set_fault(r, &fi, "while reading around the window for --verify");
			goto out;
		}
	}

	enum sample_end end = cs->latency ? latency_sample(cs, run, case_start, r)
					  : throughput_sample(cs, run, case_start, r);
	if (end == SAMPLE_INTERRUPTED)
		goto interrupted;
	if (end == SAMPLE_FAILED)
		goto out;

	if (cs->verify) {
		if (measure_stop_requested(cs))
			goto interrupted;
		if (!verify_case(t, cs, run, part, r))
			goto out;
		struct fault_info fi;
		if (r->status == STATUS_OK && fault_call(outside_compare, &outside, &fi)) {
			set_fault(r, &fi, "while reading around the window for --verify");
		} else if (r->status == STATUS_OK && outside.changed) {
			char d[96];
			snprintf(d, sizeof d, "%+lld", outside.where);
			r->status = STATUS_ERROR;
			snprintf(r->verify, sizeof r->verify, "mismatch");
			case_reason_add(r, "verify: a byte outside the written part changed, at window%s", d);
		}
	}
	goto out;

interrupted:
	/* the caller stops the run and keeps no row of this case */
	r->interrupted = true;
	r->status = STATUS_ERROR;
	case_reason_add(r, "%s", "interrupted before the case finished");
out:
	if (cs->verify)
		outside_free(&outside);
}

int measure_case_with(struct target *t, const struct case_spec *cs, const struct case_runner *run,
		      struct case_result *r)
{
	if (!case_begin(t, cs, r))
		return 0;
	if (run->max_threads && cs->threads > run->max_threads) {
		r->status = STATUS_UNSUPPORTED;
		case_reason_add(r, "%s", run->threads_why ? run->threads_why : "more threads than the runner has");
		return 0;
	}
	if (cs->latency && !run->latency_round) {
		r->status = STATUS_UNSUPPORTED;
		case_reason_add(r, "%s", run->latency_why ? run->latency_why : "this runner has no latency mode");
		return 0;
	}
	sample_case(t, cs, run, r);
	return 0;
}

/* The case on this host's threads, in the mode cs says (measure_case and measure_latency). */
static int measure_case_host(struct target *t, const struct case_spec *cs, struct case_result *r);

int measure_case(struct target *t, const struct case_spec *cs, struct case_result *r)
{
	if (cs->latency)
		return measure_latency(t, cs, r);
	return measure_case_host(t, cs, r);
}

static int measure_case_host(struct target *t, const struct case_spec *cs, struct case_result *r)
{
	if (!case_begin(t, cs, r))
		return 0;
	struct crew *c = calloc(1, sizeof *c);
	if (!c) {
		r->status = STATUS_ERROR;
		case_reason_add(r, "%s", "out of memory");
		return 0;
	}
	c->ti = timer_init();
	fault_install();
	size_t part = case_part_len(t, cs);
	c->k = cs->kernel;
	c->drain = cs->drain;
	c->n = cs->threads;
	for (unsigned i = 0; i < c->n; i++) {
		struct worker *w = &c->w[i];
		w->crew = c;
		w->cpu = cs->cpus[i];
		w->job = (struct store_job){
			.base = t->base + t->win_off + i * part,
			.span = part,
			.burst = cs->burst,
			.start = 0,
			.bursts = 0,
			.barrier = cs->barrier->id,
			.every = cs->every,
			.pattern = store_pattern,
		};
	}

	char why[160] = "";
	unsigned started = 1;        /* threads running: the caller and those created */
	int rc = place_bind_self(cs->cpus[0]);
	if (rc)
		snprintf(why, sizeof why, "cannot pin thread 1 to CPU %d: %s", cs->cpus[0], strerror(-rc));
	while (!rc && started < c->n) {
		int e = pthread_create(&c->w[started].th, NULL, worker_main, &c->w[started]);
		if (e) {
			rc = -e;
			snprintf(why, sizeof why, "cannot start thread %u of %u: %s", started + 1, c->n,
				 strerror(e));
			break;
		}
		started++;
	}
	while (atomic_load(&c->ready) != started - 1)
		cpu_relax();
	for (unsigned i = 1; !rc && i < started; i++)
		if ((rc = c->w[i].bind_rc))
			snprintf(why, sizeof why, "cannot pin thread %u to CPU %d: %s", i + 1, c->w[i].cpu,
				 strerror(-rc));
	if (rc) {
		r->status = STATUS_ERROR;
		case_reason_add(r, "%s", why);
	} else {
		const struct case_runner run = {
			.ctx = c,
			.round = crew_runner_round,
			.rewind = crew_runner_rewind,
			.latency_round = crew_runner_latency_round,
			.resolution_ns = c->ti->resolution_ns,
			.cost_ns = c->ti->cost_ns,
		};
		sample_case(t, cs, &run, r);
	}
	atomic_store(&c->stop, 1);
	atomic_fetch_add(&c->gen, 1);
	for (unsigned i = 1; i < started; i++)
		pthread_join(c->w[i].th, NULL);
	free(c);
	return 0;
}

int measure_latency(struct target *t, const struct case_spec *cs, struct case_result *r)
{
	struct case_spec lat = *cs;
	lat.latency = true;
	return measure_case_host(t, &lat, r);
}
