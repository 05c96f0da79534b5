/* The case loop (bench/measure/measure.c) and the file target's fault-in: a stop flag ends a case
 * promptly, and target memory that faults outside the timed kernels gives a fault, not SIGBUS. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/timer.h"
#include "measure/measure.h"

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
		.cv_target = 0.0001,
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

void test_measure(void)
{
	stop_ends_case(1);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
		stop_ends_case(2);
	truncated_file_faults();
}
