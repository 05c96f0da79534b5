/* What a case is and what became of it: the spec, the result, the runner that times it, and the
 * helpers measure.c's case loop and latency.c's sampling both use (latency.c sits below
 * measure.c: it includes this, never measure.h). */
#ifndef WCBENCH_MEASURE_CASE_H
#define WCBENCH_MEASURE_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels.h"
#include "core/place.h"
#include "results/schema.h"
#include "core/stats.h"
#include "core/stop_rule.h"
#include "targets/target.h"

enum drain_mode { DRAIN_NONE, DRAIN_FENCE, DRAIN_READBACK };
const char *drain_name(enum drain_mode d);
/* "64", "burst", "sample": the barrier-every values as the CSV and the options spell them */
extern const char *const every_names[3];

/* How a case is sampled unless the user says otherwise (the fields of case_spec of that name):
 * the default, and quick (a smoke run, and any run under an emulator, where timing means
 * nothing). run and check both start from these. */
struct sampling {
	double budget_s, min_sample_s, precision;
	unsigned min_samples, max_samples;
};
extern const struct sampling sampling_default, sampling_quick;

struct case_spec {
	const struct store_kernel *kernel;
	const struct barrier_desc *barrier;
	enum barrier_every every;
	size_t burst;
	unsigned threads;
	int cpus[64];            /* one per thread */
	enum drain_mode drain;
	bool verify;
	double budget_s;         /* never run a case longer than this (warm-up and calibration included) */
	double min_sample_s;     /* a sample lasts at least this long */
	unsigned min_samples;    /* before the stop rule may end the case */
	unsigned max_samples;
	double precision;        /* stop once the median's 95% interval is within +-precision (core/stop_rule.h) */
	bool latency;            /* latency mode: every burst timed alone with its drain (measure_latency) */
	const volatile int *stop; /* when set and *stop becomes non-zero (a signal), the case ends
				   * after the calibration round or sample under way (polled
				   * between them and before verify), threads joined, with
				   * interrupted set; NULL: never */
};

/* Latency mode: the bursts per thread a case times unless --min-samples / --max-samples say
 * otherwise. From LATENCY_TAIL_BURSTS bursts on (all threads together) p99.9 stands on real
 * points; a row with fewer says so in its reason. */
#define LATENCY_TAIL_BURSTS 1000
#define LATENCY_MAX_BURSTS 10000
/* A number macro as a string literal, for help texts: WC_STR(LATENCY_MAX_BURSTS) is "10000". */
#define WC_STR_(x) #x
#define WC_STR(x) WC_STR_(x)

/* Latency mode: the bursts' own times, each burst timed alone with its drain. */
struct latency_summary {
	double p50, p90, p99, p999, max;  /* ns per burst */
	double timer_ns;  /* median of the same timed region with no burst and no drain, taken between
			   * the bursts: the timer's share of each figure, not subtracted from them */
};

struct case_result {
	bool interrupted;            /* case_spec.stop ended the case early: not a finished row */
	enum row_status status;
	char reason[200];
	unsigned samples;
	uint64_t bursts_per_sample;  /* per thread */
	size_t window_used;          /* bytes of the window the threads cycle through */
	struct summary ns;           /* ns per burst (ci_lo, ci_hi: the median's interval) */
	double gbps_median, gbps_p10, gbps_p90;
	enum stop_why stopped;       /* what ended the sampling */
	struct latency_summary lat;  /* latency mode only; NAN otherwise */
	char verify[16];
	struct cpu_place place[64];
};

/*
 * Who runs the rounds of a case: measure_case's host threads, or a microVM (bench/vm/). The
 * sampling around them (calibration, warm-up, samples, the stop rule, --verify's fill, check and
 * the look around the window through the host mapping t->base) is the same for both.
 */
struct case_runner {
	void *ctx;
	/* Every thread's job runs `bursts` bursts on from where its last round stopped, drained as
	 * the case says, timed. true with the round's time in *ns (> 0); false when it faulted or
	 * failed: then it has set r->status and r->reason. (A false without a status, or a time
	 * that is not > 0, ends the case as an error all the same.) No round follows a false. */
	bool (*round)(void *ctx, uint64_t bursts, double *ns, struct case_result *r);
	/* The next round starts at offset 0 of every thread's part of the window. */
	void (*rewind)(void *ctx);
	/* The clock the rounds are timed with: calibration makes samples >= 1000x both. */
	double resolution_ns, cost_ns;
	/* The most threads the runner has (0: as many as a case asks); a case wanting more is
	 * unsupported, with threads_why as its reason. */
	unsigned max_threads;
	const char *threads_why;
	/* Latency mode: every thread times `bursts` single bursts on from where its last round
	 * stopped, each alone with its drain, and before each the same timed region holding
	 * nothing; thread i's j-th times in ns go to burst_ns[i * bursts + j] and
	 * empty_ns[i * bursts + j]. Fails as round does. NULL: the runner has no latency mode (a
	 * latency case is unsupported, with latency_why as its reason). */
	bool (*latency_round)(void *ctx, uint64_t bursts, double *burst_ns, double *empty_ns,
			      struct case_result *r);
	const char *latency_why;
};

/* Whether the case's stop flag (case_spec.stop: a signal) asks it to end: polled between rounds. */
bool measure_stop_requested(const struct case_spec *cs);

/* Add printf(fmt, detail) to r's reason, before an earlier caveat. */
void case_reason_add(struct case_result *r, const char *fmt, const char *detail);
#endif
