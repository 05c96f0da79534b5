/* The case loop (bench/measure/measure.c) and the file target's fault-in: a stop flag ends a case
 * promptly, and target memory that faults outside the timed kernels gives a fault, not SIGBUS;
 * measure_case_with around a runner that is not the host's threads (as a microVM's is); latency
 * mode (bench/measure/latency.c) on RAM, on a fake runner with known times, faulting, stopped. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/stats.h"
#include "core/timer.h"
#include "measure/case_row.h"
#include "measure/measure.h"
#include "targets/kinds.h"

static struct case_spec one_case(unsigned threads, double budget_s, bool verify)
{
	struct case_spec cs = {
		.kernel = kernel_find("c_8"),
		.barrier = barrier_find("none"),
		.every = EVERY_64,
		.burst = 64,
		.threads = threads,
		.drain = DRAIN_NONE,
		.verify = verify,
		.budget_s = budget_s,
		.min_sample_s = 0.001,
		.min_samples = 100000, /* never stable: only the budget or the stop flag ends it */
		.max_samples = 100000,
		.precision = 0.0001,
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	for (unsigned i = 0; i < threads; i++)
		cs.cpus[i] = (int)(i % (unsigned)(ncpu > 0 ? ncpu : 1));
	return cs;
}

static volatile int stop_flag;

static void *raise_stop_later(void *arg)
{
	(void)arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	stop_flag = 1;
	return NULL;
}

/* A case with a 30 s budget and a stop flag raised after 50 ms ends within a second. */
static void stop_ends_case(unsigned threads)
{
	char err[TARGET_ERR_LEN];
	struct target t;
	struct target_opts o = { .window_set = true, .window_len = 1 << 20 };
	if (target_probe(&t, "ram", &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "stop flag: RAM target: %s", err);
		return;
	}
	struct case_spec cs = one_case(threads, 30, false);
	cs.stop = &stop_flag;
	stop_flag = 0;
	pthread_t th;
	pthread_create(&th, NULL, raise_stop_later, NULL);
	struct case_result *r = calloc(1, sizeof *r);
	uint64_t t0 = mono_raw_ns();
	measure_case(&t, &cs, r);
	double took = (double)(mono_raw_ns() - t0) / 1e9;
	pthread_join(th, NULL);
	CHECK(r->interrupted && took < 1.5,
	      "stop flag raised after 50 ms ends a 30 s case of %u thread(s) promptly: %.2f s, interrupted %d",
	      threads, took, r->interrupted);

	stop_flag = 1; /* already set: the case does not start measuring */
	t0 = mono_raw_ns();
	measure_case(&t, &cs, r);
	took = (double)(mono_raw_ns() - t0) / 1e9;
	CHECK(r->interrupted && r->samples == 0 && took < 1.5,
	      "stop flag already set: no sample taken, %.2f s", took);
	free(r);
	t.ops->unmap(&t);
}

/* A file of 64 KiB in TMPDIR; its path in path, open fd returned (or -1). */
static int make_file(char *path, size_t n)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, n, "%s/wcbench-unit.XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd >= 0 && ftruncate(fd, 64 << 10)) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

/* The file shrinks underneath a mapped target: --verify's look around the window and the kernels
 * fault; the case is a fault row with the decoded signal, and the process lives on. */
static void truncated_file_faults(void)
{
	char path[256], spec[300], err[TARGET_ERR_LEN];
	int fd = make_file(path, sizeof path);
	if (fd < 0) {
		CHECK(0, "truncated file: cannot make a file: %s", strerror(errno));
		return;
	}
	snprintf(spec, sizeof spec, "file:%s", path);
	struct target t;
	struct target_opts o = { .window_set = true, .window_off = 8192, .window_len = 8192 };
	if (target_probe(&t, spec, &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "truncated file: %s", err);
		goto done;
	}
	CHECK(ftruncate(fd, 0) == 0, "truncated file: truncate the mapped file to 0 bytes");
	struct case_spec cs = one_case(1, 0.2, true);
	struct case_result *r = calloc(1, sizeof *r);
	measure_case(&t, &cs, r);
	CHECK(r->status == STATUS_FAULT && strstr(r->reason, "SIGBUS"),
	      "--verify on a file truncated underneath: status fault with the signal: %s", r->reason);
	free(r);
	t.ops->unmap(&t);

	/* shrunk between probe and map: the fault-in fails with a message */
	CHECK(ftruncate(fd, 64 << 10) == 0, "truncated file: grow it back");
	if (target_probe(&t, spec, &o, err)) {
		CHECK(0, "truncated file: probe: %s", err);
		goto done;
	}
	CHECK(ftruncate(fd, 0) == 0, "truncated file: truncate between probe and map");
	int rc = t.ops->map(&t, err);
	CHECK(rc == -EFAULT && strstr(err, "SIGBUS") && strstr(err, path),
	      "file shrunk between probe and map: map fails with the signal and the path: %s", err);
	t.ops->unmap(&t);
done:
	close(fd);
	unlink(path);
}

/* The host's threads: --verify on RAM is ok and the whole used window is the pattern. */
static void crew_verifies(unsigned threads)
{
	char err[TARGET_ERR_LEN];
	struct target t;
	struct target_opts o = { .window_set = true, .window_off = 4096, .window_len = 256 << 10 };
	if (target_probe(&t, "ram", &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "crew --verify: RAM target: %s", err);
		return;
	}
	struct case_spec cs = one_case(threads, 0.1, true);
	cs.min_samples = 3;
	cs.precision = 0.5;
	struct case_result *r = calloc(1, sizeof *r);
	measure_case(&t, &cs, r);
	size_t used = case_part_len(&t, &cs) * threads;
	bool pattern = used > 0;
	for (size_t x = 0; x < used && pattern; x++)
		pattern = t.base[t.win_off + x] == expected_byte(store_pattern, cs.burst, x % case_part_len(&t, &cs));
	CHECK(r->status == STATUS_OK && !strcmp(r->verify, "ok") && r->samples > 0 && !r->interrupted &&
	      r->window_used == used && pattern && r->ns.median > 0,
	      "measure_case, %u thread(s), --verify on RAM: ok, %u samples, the %zu used bytes hold the pattern (%s)",
	      threads, r->samples, used, r->reason);
	free(r);
	t.ops->unmap(&t);
}

/*
 * A runner without threads of its own, standing in for a microVM: it stores the pattern into the
 * window itself, through the same host mapping measure_case_with reads back, and times a round at
 * ns_per_burst per burst. Knobs make it misbehave in one way each.
 */
struct fake_runner {
	struct target *t;
	const struct case_spec *cs;
	size_t part;
	size_t next[64];          /* where each thread's next round starts in its part */
	double ns_per_burst;
	unsigned rounds, rewinds;
	bool rewound;             /* rewind came, no round since */
	unsigned rounds_since_rewind;
	uint64_t verify_bursts;   /* bursts of the round after the rewind */
	bool filled;              /* at that round every byte of every part was the pattern's complement */
	/* misbehaviour */
	unsigned fail_on;         /* this round (1-based) fails, with fail_status; 0: none */
	bool fail_verify;         /* the round after the rewind fails */
	enum row_status fail_status;
	bool fail_silently;       /* failing rounds set no status */
	bool zero_time;           /* rounds take 0 ns */
	bool corrupt;             /* in the round after the rewind, flip the byte at window + corrupt_off */
	long corrupt_off;
	volatile int *stop;       /* raised after round stop_after */
	unsigned stop_after;
	unsigned rounds_after_stop;
};

static bool fake_round(void *ctx, uint64_t bursts, double *ns, struct case_result *r)
{
	struct fake_runner *f = ctx;
	f->rounds++;
	f->rounds_since_rewind++;
	if (f->stop && *f->stop)
		f->rounds_after_stop++;
	bool verify_round = f->rewound;
	f->rewound = false;
	if (f->fail_on == f->rounds || (verify_round && f->fail_verify)) {
		if (!f->fail_silently) {
			r->status = f->fail_status;
			snprintf(r->reason, sizeof r->reason, "fake runner: round %u failed", f->rounds);
		}
		return false;
	}
	uint8_t *win = f->t->base + f->t->win_off;
	size_t burst = f->cs->burst;
	if (verify_round) {
		f->verify_bursts = bursts;
		f->filled = true;
		for (size_t x = 0; x < f->part * f->cs->threads && f->filled; x++) {
			uint8_t filler = (uint8_t)~expected_byte(store_pattern, burst, x % f->part);
			f->filled = win[x] == filler;
		}
	}
	for (unsigned i = 0; i < f->cs->threads; i++)
		for (uint64_t b = 0; b < bursts; b++) {
			for (size_t x = 0; x < burst; x++)
				win[i * f->part + f->next[i] + x] = expected_byte(store_pattern, burst, x);
			f->next[i] = (f->next[i] + burst) % f->part;
		}
	if (verify_round && f->corrupt)
		win[f->corrupt_off] ^= 0xff;
	*ns = f->zero_time ? 0 : f->ns_per_burst * (double)bursts;
	if (f->stop && f->rounds == f->stop_after)
		*f->stop = 1;
	return true;
}

static void fake_rewind(void *ctx)
{
	struct fake_runner *f = ctx;
	f->rewinds++;
	f->rewound = true;
	f->rounds_since_rewind = 0;
	memset(f->next, 0, sizeof f->next);
}

/* A RAM-like target over a buffer: `around` bytes on each side of a window of win bytes. */
static bool fake_target(struct target *t, size_t around, size_t win)
{
	memset(t, 0, sizeof *t);
	t->ops = &target_ram_ops; /* memory: --verify looks around the window */
	snprintf(t->spec, sizeof t->spec, "ram");
	t->region_len = (2 * around + win + 4095) / 4096 * 4096;
	t->base = aligned_alloc(4096, t->region_len);
	if (!t->base)
		return false;
	memset(t->base, 0x5a, t->region_len);
	t->win_off = around;
	t->win_len = win;
	return true;
}

/* Two threads of 64-byte bursts, verify on, stable after 7 equal samples. */
static struct case_spec fake_case(void)
{
	struct case_spec cs = one_case(2, 10, true);
	cs.min_sample_s = 0.0001; /* 1e5 ns: less than the runner's cost asks for */
	cs.min_samples = 7;
	cs.max_samples = 1000;
	cs.precision = 0.01;
	return cs;
}

/* Run one case through a fresh fake runner (f's knobs kept); the result in *r. */
static void run_fake(struct target *t, const struct case_spec *cs, struct fake_runner *f, struct case_result *r)
{
	struct fake_runner knobs = *f;
	*f = knobs;
	f->t = t;
	f->cs = cs;
	f->part = case_part_len(t, cs);
	f->ns_per_burst = 1000;
	f->rounds = f->rewinds = f->rounds_since_rewind = f->rounds_after_stop = 0;
	memset(f->next, 0, sizeof f->next);
	memset(t->base, 0x5a, t->region_len);
	/* the clock: resolution 1 ns, a read costs 1 us, so samples last >= 1 ms = 1000 bursts */
	const struct case_runner run = { .ctx = f, .round = fake_round, .rewind = fake_rewind,
					 .resolution_ns = 1, .cost_ns = 1000 };
	measure_case_with(t, cs, &run, r);
}

static void runner_cases(void)
{
	struct target t;
	/* 12480-byte window: 2 parts of 6208 bytes (97 bursts of 64), 64 bytes unused at its end */
	if (!fake_target(&t, 4096, 3 * 4096 + 192)) {
		CHECK(0, "runner: a buffer for the fake target");
		return;
	}
	struct case_spec cs = fake_case();
	size_t part = case_part_len(&t, &cs);
	CHECK(part == 6208, "case_part_len: 12480 B for 2 threads of 64-byte bursts: %zu B each", part);
	struct case_result *r = calloc(1, sizeof *r);
	struct fake_runner f = { 0 };

	/* a runner that stores right: sampled on its clock, verified through the host mapping */
	run_fake(&t, &cs, &f, r);
	bool pattern = true;
	for (size_t x = 0; x < 2 * part && pattern; x++)
		pattern = t.base[t.win_off + x] == expected_byte(store_pattern, 64, x % part);
	CHECK(r->status == STATUS_OK && !r->reason[0] && !r->interrupted && r->samples == 7 &&
	      r->ns.median == 1000 && r->ns.p10 == 1000 && r->ns.p90 == 1000 && r->gbps_median == 2 * 64 / 1000.0,
	      "runner: 7 samples (stable at min_samples), 1000 ns per burst from the runner's time, %.3f GB/s (%s)",
	      r->gbps_median, r->reason);
	CHECK(r->bursts_per_sample * 1000 >= 1000000 && r->bursts_per_sample * 1000 < 2100000,
	      "runner: a sample lasts >= 1000 x the runner's timer cost (1 ms): %llu bursts of 1 us",
	      (unsigned long long)r->bursts_per_sample);
	CHECK(!strcmp(r->verify, "ok") && f.rewinds == 1 && f.rounds_since_rewind == 1 && f.filled &&
	      f.verify_bursts == part / 64 && r->window_used == 2 * part && pattern,
	      "runner --verify: filled with the complement, rewound, one last round of %llu bursts, ok",
	      (unsigned long long)f.verify_bursts);
	cs.verify = false;
	run_fake(&t, &cs, &f, r);
	CHECK(r->status == STATUS_OK && !strcmp(r->verify, "off") && f.rewinds == 0 && r->samples == 7,
	      "runner without --verify: no rewind, verify off");
	cs.verify = true;

	/* wrong bytes in the window: the first one named */
	struct fake_runner bad = { .corrupt = true, .corrupt_off = (long)part + 100 };
	run_fake(&t, &cs, &bad, r);
	char want[120];
	uint8_t exp = expected_byte(store_pattern, 64, 100);
	snprintf(want, sizeof want, "verify: byte at window+0x%zx is 0x%02x, expected 0x%02x", part + 100,
		 (uint8_t)~exp, exp);
	CHECK(r->status == STATUS_ERROR && !strcmp(r->verify, "mismatch") && !strcmp(r->reason, want) && r->samples == 7,
	      "runner storing a wrong byte: verify mismatch, status error: %s", r->reason);
	/* a store before the window, and one into its unused tail */
	bad = (struct fake_runner){ .corrupt = true, .corrupt_off = -3 };
	run_fake(&t, &cs, &bad, r);
	CHECK(r->status == STATUS_ERROR && !strcmp(r->verify, "mismatch") &&
	      strstr(r->reason, "a byte outside the written part changed, at window-8"),
	      "runner storing before the window: mismatch at window-8: %s", r->reason);
	bad = (struct fake_runner){ .corrupt = true, .corrupt_off = (long)(2 * part + 10) };
	run_fake(&t, &cs, &bad, r);
	snprintf(want, sizeof want, "changed, at window+%zu", 2 * part + 8);
	CHECK(r->status == STATUS_ERROR && !strcmp(r->verify, "mismatch") && strstr(r->reason, want),
	      "runner storing into the unused tail of the window: mismatch %s: %s", want, r->reason);

	/* a runner that fails: its status and reason, and no round after */
	struct fake_runner fail = { .fail_on = 3, .fail_status = STATUS_FAULT };
	run_fake(&t, &cs, &fail, r);
	CHECK(r->status == STATUS_FAULT && !strcmp(r->reason, "fake runner: round 3 failed") && fail.rounds == 3 &&
	      r->samples == 0 && !r->interrupted && !strcmp(r->verify, "off"),
	      "runner failing round 3: status fault, its reason, no more rounds: %s", r->reason);
	fail = (struct fake_runner){ .fail_on = 10, .fail_status = STATUS_ERROR };
	run_fake(&t, &cs, &fail, r);
	CHECK(r->status == STATUS_ERROR && !strcmp(r->reason, "fake runner: round 10 failed") && fail.rounds == 10 &&
	      !r->interrupted && isnan(r->gbps_median),
	      "runner failing round 10 (a sample): status error, its reason, no figures: %s", r->reason);
	fail = (struct fake_runner){ .fail_verify = true, .fail_status = STATUS_FAULT };
	run_fake(&t, &cs, &fail, r);
	CHECK(r->status == STATUS_FAULT && strstr(r->reason, "fake runner: round") && fail.rewinds == 1 &&
	      strcmp(r->verify, "ok") != 0,
	      "runner failing the --verify round: status fault, its reason, verify not ok: %s", r->reason);
	fail = (struct fake_runner){ .fail_on = 2, .fail_silently = true };
	run_fake(&t, &cs, &fail, r);
	CHECK(r->status == STATUS_ERROR && strstr(r->reason, "without saying why") && fail.rounds == 2,
	      "runner failing without a status: status error all the same: %s", r->reason);
	fail = (struct fake_runner){ .zero_time = true };
	run_fake(&t, &cs, &fail, r);
	CHECK(r->status == STATUS_ERROR && strstr(r->reason, "timed at 0 ns") && fail.rounds == 1 && r->samples == 0,
	      "runner timing a round at 0 ns: status error after that round: %s", r->reason);

	/* the stop flag: no round after it is raised, wherever the case is (calibration, warm-up,
	 * samples; after round 12, the last sample, it stops the case before --verify's round 13) */
	static volatile int stop;
	cs.stop = &stop;
	for (unsigned after = 0; after <= 12; after += 2) {
		stop = after == 0;
		struct fake_runner st = { .stop = &stop, .stop_after = after };
		run_fake(&t, &cs, &st, r);
		CHECK(r->interrupted && r->status == STATUS_ERROR &&
		      !strcmp(r->reason, "interrupted before the case finished") && st.rounds == after &&
		      st.rounds_after_stop == 0,
		      "runner, stop flag raised after round %u: interrupted, %u rounds, none after", after, st.rounds);
	}
	free(r);
	free(t.base);
}

static void part_lengths(void)
{
	struct target t = { .win_len = 1000 };
	struct case_spec cs = { .threads = 3, .burst = 64 };
	CHECK(case_part_len(&t, &cs) == 320, "case_part_len: 1000 B / 3 threads, 64-byte bursts: 320");
	cs.burst = 256;
	CHECK(case_part_len(&t, &cs) == 256, "case_part_len: 256-byte bursts: 256");
	cs.burst = 8;
	CHECK(case_part_len(&t, &cs) == 320, "case_part_len: 8-byte bursts still part whole 64-byte lines: 320");
	cs.burst = 512;
	CHECK(case_part_len(&t, &cs) == 0, "case_part_len: 512-byte bursts do not fit 333 B: 0");
	cs.threads = 0;
	CHECK(case_part_len(&t, &cs) == 0, "case_part_len: no threads, no part");
}

/* ---- latency mode ---- */

static bool latency_ordered(const struct case_result *r)
{
	const struct latency_summary *l = &r->lat;
	return 0 <= r->ns.min && r->ns.min <= l->p50 && l->p50 <= l->p90 && l->p90 <= l->p99 &&
	       l->p99 <= l->p999 && l->p999 <= l->max && l->max > 0;
}

/* A counter that steps slower than it is read (an emulator's, CNTVCT at tens of MHz): short
 * bursts read as 0 or one step, and the row says so. */
static bool timer_coarse(void)
{
	const struct timer_info *ti = timer_init();
	return ti->resolution_ns > ti->cost_ns;
}

static struct case_spec latency_case(unsigned threads, const char *kernel, size_t burst, enum drain_mode d)
{
	struct case_spec cs = one_case(threads, 5, false);
	cs.kernel = kernel_find(kernel);
	cs.burst = burst;
	cs.drain = d;
	cs.latency = true;
	cs.min_samples = LATENCY_TAIL_BURSTS;
	cs.max_samples = 2000;
	return cs;
}

/* The host's threads on RAM: every burst timed, the quantiles in order, the row in latency mode
 * with the figures in its latency columns. */
static void latency_on_ram(unsigned threads, enum drain_mode d)
{
	char err[TARGET_ERR_LEN];
	struct target t;
	struct target_opts o = { .window_set = true, .window_len = 1 << 20 };
	if (target_probe(&t, "ram", &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "latency on RAM: RAM target: %s", err);
		return;
	}
	struct case_spec cs = latency_case(threads, "c_8", 64, d);
	struct case_result *r = calloc(1, sizeof *r);
	measure_case(&t, &cs, r);
	bool coarse = timer_coarse() && !(timer_init()->resolution_ns * 10 <= r->lat.p50);
	CHECK(r->status == STATUS_OK && (coarse ? strstr(r->reason, "timer steps of") != NULL : !r->reason[0]) &&
	      r->samples == threads * cs.max_samples &&
	      r->bursts_per_sample == 1 && r->stopped == STOP_MAX_SAMPLES && !strcmp(r->verify, "off"),
	      "latency, %u thread(s), drain %s on RAM: ok, %u bursts timed (%u per thread), one burst per "
	      "sample (%s)", threads, drain_name(d), r->samples, cs.max_samples, r->reason);
	CHECK(latency_ordered(r) && r->ns.median == r->lat.p50 && r->ns.p90 == r->lat.p90,
	      "latency, %u thread(s), drain %s: min %.1f <= p50 %.1f <= p90 %.1f <= p99 %.1f <= p99.9 %.1f <= "
	      "max %.1f ns; ns_per_burst's median is p50", threads, drain_name(d), r->ns.min, r->lat.p50,
	      r->lat.p90, r->lat.p99, r->lat.p999, r->lat.max);
	CHECK((coarse ? r->lat.timer_ns >= 0 : r->lat.timer_ns > 0) && r->lat.timer_ns <= r->lat.p50 + 1e-9,
	      "latency, %u thread(s): the empty timed region costs %.1f ns, %s and within p50 %.1f", threads,
	      r->lat.timer_ns, coarse ? ">= 0 (a coarse timer)" : "> 0", r->lat.p50);
	CHECK(r->lat.p50 > 0 ? fabs(r->gbps_median - 64.0 * threads / r->lat.p50) < 1e-9 * r->gbps_median
			     : coarse && isnan(r->gbps_median),
	      "latency, %u thread(s): GB/s = 64 B x threads / p50 (none for a p50 of 0 steps): %.3f", threads,
	      r->gbps_median);
	struct machine_info m;
	memset(&m, 0, sizeof m);
	struct row *row = calloc(1, sizeof *row);
	case_row_fill(row, "host", "unit", &m, &t, &cs, r);
	CHECK(!strcmp(row->mode, "latency") && row->latency_ns_p50 == r->lat.p50 &&
	      row->latency_ns_p999 == r->lat.p999 && row->latency_ns_max == r->lat.max &&
	      row->latency_timer_ns == r->lat.timer_ns && row->samples == r->samples,
	      "latency row: mode %s, latency_ns_p50/_p999/_max and latency_timer_ns from the result", row->mode);
	free(row);

	if (threads == 1 && d == DRAIN_FENCE) {
		/* fewer bursts than a tail needs: the row says so */
		cs.min_samples = cs.max_samples = 100;
		measure_case(&t, &cs, r);
		CHECK(r->status == STATUS_OK && r->samples == 100 && latency_ordered(r) &&
		      strstr(r->reason, "only 100 bursts timed: p99.9 needs >= 1000 to be a tail"),
		      "latency, 100 bursts: ok, ordered, the reason says p99.9 is no tail: %s", r->reason);
		/* the budget ends a case asking for more than it allows */
		cs = latency_case(1, "c_8", 65536, DRAIN_READBACK);
		cs.min_samples = cs.max_samples = 100000;
		cs.budget_s = 0.05;
		uint64_t t0 = mono_raw_ns();
		measure_case(&t, &cs, r);
		double took = (double)(mono_raw_ns() - t0) / 1e9;
		CHECK(r->status == STATUS_OK && r->stopped == STOP_BUDGET && r->samples > 0 &&
		      r->samples < 100000 && latency_ordered(r) && took < 1 &&
		      strstr(r->reason, "time budget reached after") && strstr(r->reason, "of 100000 bursts per thread"),
		      "latency, 0.05 s budget for 100000 64 KiB bursts: ended by the budget after %u bursts (%.2f s), "
		      "said so: %s", r->samples, took, r->reason);
		/* --verify after the latency bursts */
		cs = latency_case(1, "c_8", 64, DRAIN_FENCE);
		cs.verify = true;
		measure_case(&t, &cs, r);
		CHECK(r->status == STATUS_OK && !strcmp(r->verify, "ok") && latency_ordered(r),
		      "latency with --verify on RAM: ok, verify ok (%s)", r->reason);
	}
	free(r);
	t.ops->unmap(&t);
}

/* A latency case with a 30 s budget and 100000 bursts per thread ends promptly on the stop flag. */
static void latency_stop_flag(void)
{
	char err[TARGET_ERR_LEN];
	struct target t;
	struct target_opts o = { .window_set = true, .window_len = 1 << 20 };
	if (target_probe(&t, "ram", &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "latency stop flag: RAM target: %s", err);
		return;
	}
	struct case_spec cs = latency_case(1, "c_8", 65536, DRAIN_FENCE);
	cs.budget_s = 30;
	cs.min_samples = cs.max_samples = 100000;
	cs.stop = &stop_flag;
	stop_flag = 0;
	pthread_t th;
	pthread_create(&th, NULL, raise_stop_later, NULL);
	struct case_result *r = calloc(1, sizeof *r);
	uint64_t t0 = mono_raw_ns();
	measure_case(&t, &cs, r);
	double took = (double)(mono_raw_ns() - t0) / 1e9;
	pthread_join(th, NULL);
	CHECK(r->interrupted && r->status == STATUS_ERROR && took < 1.5,
	      "latency: stop flag raised after 50 ms ends a 30 s case promptly: %.2f s, interrupted %d", took,
	      r->interrupted);
	free(r);
	t.ops->unmap(&t);
}

/* The file shrinks underneath without --verify: the threads fault in the store kernel, in a
 * throughput case or in latency bursts; status fault, no figures, the process lives on. */
static void truncated_file_fault(bool latency)
{
	const char *what = latency ? "latency fault" : "kernel fault";
	char path[256], spec[300], err[TARGET_ERR_LEN];
	int fd = make_file(path, sizeof path);
	if (fd < 0) {
		CHECK(0, "%s: cannot make a file: %s", what, strerror(errno));
		return;
	}
	snprintf(spec, sizeof spec, "file:%s", path);
	struct target t;
	struct target_opts o = { .window_set = true, .window_off = 8192, .window_len = 8192 };
	if (target_probe(&t, spec, &o, err) || t.ops->map(&t, err)) {
		CHECK(0, "%s: %s", what, err);
	} else {
		CHECK(ftruncate(fd, 0) == 0, "%s: truncate the mapped file to 0 bytes", what);
		struct case_spec cs = latency ? latency_case(1, "c_8", 64, DRAIN_FENCE) : one_case(1, 0.2, false);
		struct case_result *r = calloc(1, sizeof *r);
		if (latency)
			measure_latency(&t, &cs, r);
		else
			measure_case(&t, &cs, r);
		CHECK(r->status == STATUS_FAULT && strstr(r->reason, "SIGBUS") &&
		      strstr(r->reason, "in the store kernel") && r->samples == 0 && (!latency || isnan(r->lat.p50)),
		      "%s faulting on a truncated file: status fault, in the store kernel%s: %s",
		      latency ? "latency bursts" : "a store kernel", latency ? ", no figures" : "", r->reason);
		free(r);
		t.ops->unmap(&t);
	}
	close(fd);
	unlink(path);
}

/* A runner whose latency rounds time burst k (counted over every round and thread) at
 * 100 + k ns and every empty region at 7 ns; its throughput round stores the pattern. */
struct fake_latency {
	struct fake_runner f;
	double next;
	unsigned rounds;
	bool nan_time;    /* a round's first burst takes NaN ns */
};

static bool fake_latency_round(void *ctx, uint64_t bursts, double *burst_ns, double *empty_ns,
			       struct case_result *r)
{
	struct fake_latency *fl = ctx;
	(void)r;
	fl->rounds++;
	for (uint64_t j = 0; j < fl->f.cs->threads * bursts; j++) {
		burst_ns[j] = 100 + fl->next++;
		empty_ns[j] = 7;
	}
	if (fl->nan_time)
		burst_ns[0] = NAN;
	return true;
}

static bool fake_latency_throughput_round(void *ctx, uint64_t bursts, double *ns, struct case_result *r)
{
	return fake_round(&((struct fake_latency *)ctx)->f, bursts, ns, r);
}

static void fake_latency_rewind(void *ctx)
{
	fake_rewind(&((struct fake_latency *)ctx)->f);
}

static void latency_runner_cases(void)
{
	struct target t;
	if (!fake_target(&t, 4096, 3 * 4096 + 192)) {
		CHECK(0, "latency runner: a buffer for the fake target");
		return;
	}
	struct case_spec cs = fake_case(); /* 2 threads, --verify */
	cs.latency = true;
	cs.min_samples = 1000;
	cs.max_samples = 3000;
	struct fake_latency fl = { .f = { .t = &t, .cs = &cs, .part = case_part_len(&t, &cs), .ns_per_burst = 1000 } };
	struct case_runner run = { .ctx = &fl, .round = fake_latency_throughput_round,
				   .rewind = fake_latency_rewind, .latency_round = fake_latency_round,
				   .resolution_ns = 1, .cost_ns = 1000 };
	struct case_result *r = calloc(1, sizeof *r);
	measure_case_with(&t, &cs, &run, r);
	/* the warm-up's 2 x 64 bursts are dropped: the row's are 100 + 128 .. 100 + 128 + 5999 */
	double lo = 228, n = 6000;
	double *ref = malloc(6000 * sizeof *ref);
	for (int k = 0; k < 6000; k++)
		ref[k] = lo + k;
	CHECK(r->status == STATUS_OK && r->samples == 6000 && r->ns.min == lo && r->lat.max == lo + n - 1 &&
	      r->lat.p50 == quantile_sorted(ref, 6000, 0.5) && r->lat.p99 == quantile_sorted(ref, 6000, 0.99) &&
	      r->lat.p999 == quantile_sorted(ref, 6000, 0.999) && r->lat.timer_ns == 7,
	      "latency runner, 2 threads x 3000 bursts: both threads' bursts merged after the warm-up, "
	      "p50 %.1f, p99.9 %.1f, max %.0f ns, timer 7 ns (%s)", r->lat.p50, r->lat.p999, r->lat.max, r->reason);
	CHECK(!strcmp(r->verify, "ok") && fl.f.rewinds == 1,
	      "latency runner --verify: one rewound round through the runner's own, verify ok");
	free(ref);

	fl.nan_time = true;
	fl.rounds = 0;
	measure_case_with(&t, &cs, &run, r);
	CHECK(r->status == STATUS_ERROR && strstr(r->reason, "a burst was timed at nan ns") && fl.rounds == 1,
	      "latency runner timing a burst at NaN: status error after that round: %s", r->reason);
	fl.nan_time = false;

	/* a runner without a latency round: the case is unsupported, nothing runs */
	run.latency_round = NULL;
	run.latency_why = "fake runner: no latency mode";
	fl.rounds = 0;
	fl.f.rounds = 0;
	measure_case_with(&t, &cs, &run, r);
	CHECK(r->status == STATUS_UNSUPPORTED && !strcmp(r->reason, "fake runner: no latency mode") &&
	      fl.rounds == 0 && fl.f.rounds == 0,
	      "latency case on a runner without a latency round: unsupported, its reason, no round: %s", r->reason);
	free(r);
	free(t.base);
}

void test_measure(void)
{
	part_lengths();
	stop_ends_case(1);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		stop_ends_case(2);
	truncated_file_faults();
	truncated_file_fault(false);
	crew_verifies(1);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		crew_verifies(2);
	runner_cases();
	latency_on_ram(1, DRAIN_FENCE);
	latency_on_ram(1, DRAIN_READBACK);
	latency_on_ram(1, DRAIN_NONE);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		latency_on_ram(2, DRAIN_FENCE);
	latency_stop_flag();
	truncated_file_fault(true);
	latency_runner_cases();
}
