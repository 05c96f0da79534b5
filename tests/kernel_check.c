/*
 * Every store kernel x barrier x placement x burst size against a C reference: after the kernel
 * runs, the span holds exactly the bytes the reference wrote, the guards on both sides are
 * untouched, and the returned offset is where the next burst starts. Kernels this CPU lacks must
 * say why, and running one anyway must come back as a caught fault (or correct bytes), never a
 * crash. Also: measure_case turns a faulting store into a row with status fault.
 * Built for each arch the suite covers (aarch64 runs under qemu-aarch64 -cpu max).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "core/fault.h"
#include "kernels.h"
#include "measure/measure.h"

#define GUARD 256
#define CANARY 0xe7

static int passed, failed, skipped;

static void report(bool ok, const char *fmt, const char *name, const char *detail)
{
	printf("%s - ", ok ? "ok" : "not ok");
	printf(fmt, name);
	if (!ok && detail[0])
		printf(": %s", detail);
	putchar('\n');
	ok ? passed++ : failed++;
}

/* The reference: what a kernel must leave in the span. */
static size_t reference(uint8_t *span_mem, const struct store_job *j)
{
	size_t off = j->start;
	for (uint64_t n = 0; n < j->bursts; n++) {
		for (size_t x = 0; x < j->burst; x++)
			span_mem[off + x] = expected_byte(j->pattern, j->burst, x);
		off += j->burst;
		if (off == j->span)
			off = 0;
	}
	return off;
}

/* Run one combination; returns "" when it matches, else what differed. */
static const char *check_one(const struct store_kernel *k, enum barrier_id b, enum barrier_every e,
			     size_t burst, char *why, size_t n)
{
	size_t span = burst * 3; /* three bursts: the job below wraps once */
	size_t total = GUARD + span + GUARD;
	/* file-scope buffers: a kernel that faults jumps out of here and must leak nothing */
	static uint8_t *mem, *want;
	free(mem);
	free(want);
	mem = aligned_alloc(64, (total + 63) / 64 * 64);
	want = malloc(total);
	memset(mem, CANARY, total);
	memset(want, CANARY, total);
	struct store_job j = {
		.base = mem + GUARD, .span = span, .burst = burst, .start = burst, .bursts = 4,
		.barrier = b, .every = e, .pattern = store_pattern,
	};
	size_t next_want = reference(want + GUARD, &j);
	size_t next = k->fn(&j);
	why[0] = '\0';
	if (next != next_want)
		snprintf(why, n, "returned next offset %zu, expected %zu", next, next_want);
	for (size_t i = 0; i < total && !why[0]; i++)
		if (mem[i] != want[i]) {
			bool guard = i < GUARD || i >= GUARD + span;
			snprintf(why, n, "%s byte %zd is 0x%02x, expected 0x%02x (burst %zu)",
				 guard ? "guard" : "span", (ssize_t)i - GUARD, mem[i], want[i], burst);
		}
	return why;
}

static void check_kernel(const struct store_kernel *k)
{
	static const size_t sizes[] = { 8, 16, 32, 64, 128, 4096 };
	const char *why = NULL;
	char detail[200] = "";
	if (!kernel_usable(k, &why)) {
		report(why && why[0], "kernel %s unavailable here and says why", k->name, "no reason given");
		printf("skip - kernel %s matches the C reference: %s\n", k->name, why ? why : "unavailable");
		skipped++;
		if (!k->fn)
			return;
		/* Compiled in but the CPU lacks it: executing it must be a caught fault or correct. */
		fault_install();
		int sig = 0;
		if ((sig = FAULT_TRY()) == 0) {
			check_one(k, BARRIER_NONE, EVERY_BURST, 64, detail, sizeof detail);
			fault_disarm();
		}
		char d[160] = "";
		if (sig)
			fault_describe(fault_last(), d, sizeof d);
		else if (detail[0])
			snprintf(d, sizeof d, "ran without a fault but wrong: %s", detail);
		printf("# %s without its feature: %s\n", k->name, sig ? d : detail[0] ? d : "ran correctly");
		report(sig == SIGILL || sig == SIGBUS || (!sig && !detail[0]),
		       "kernel %s without its feature is a caught fault, not a crash", k->name, d);
		return;
	}
	size_t combos = 0;
	for (size_t bi = 0; bi < barrier_count && !detail[0]; bi++) {
		const struct barrier_desc *b = &barriers[bi];
		const char *bwhy = NULL;
		if (!barrier_usable(b, &bwhy))
			continue;
		for (int e = 0; e < 3 && !detail[0]; e++)
			for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && !detail[0]; s++) {
				if (sizes[s] < k->width)
					continue;
				check_one(k, b->id, (enum barrier_every)e, sizes[s], detail, sizeof detail);
				if (detail[0]) {
					char tmp[200];
					snprintf(tmp, sizeof tmp, "barrier %s every %d: %s", b->name, e, detail);
					memcpy(detail, tmp, sizeof tmp);
				}
				combos++;
			}
	}
	printf("# %s: %zu barrier x placement x size combinations\n", k->name, combos);
	report(!detail[0] && combos > 0, "kernel %s matches the C reference, guards untouched", k->name,
	       detail);
}

/* A target whose window cannot be written: the kernel faults, the case says so. */
static void check_fault_row(void)
{
	size_t len = 1 << 16;
	uint8_t *ro = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct target t = { .ops = &target_ram_ops, .base = ro, .region_len = len, .win_off = 0, .win_len = len };
	snprintf(t.spec, sizeof t.spec, "ram");
	struct case_spec cs = {
		.kernel = kernel_find("c_8"), .barrier = barrier_find("none"), .every = EVERY_64,
		.burst = 64, .threads = 1, .cpus = { 0 }, .drain = DRAIN_FENCE, .budget_s = 0.05,
		.min_sample_s = 0.0001, .min_samples = 3, .max_samples = 10, .precision = 0.01,
	};
	int allowed[PLACE_MAX_CPUS];
	if (place_allowed(allowed, PLACE_MAX_CPUS) > 0)
		cs.cpus[0] = allowed[0];
	struct case_result r;
	measure_case(&t, &cs, &r);
	printf("# faulting case: status %s, reason %s\n", status_name(r.status), r.reason);
	report(r.status == STATUS_FAULT && strstr(r.reason, "SIGSEGV"),
	       "%s: a store that faults becomes a row with status fault", "measure_case", r.reason);
	munmap(ro, len);

	/* and the run goes on: the next case on good memory works */
	uint8_t *rw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	t.base = rw;
	cs.verify = true;
	measure_case(&t, &cs, &r);
	report(r.status == STATUS_OK && !strcmp(r.verify, "ok"),
	       "%s: the next case after a fault runs and verifies", "measure_case", r.reason);
	munmap(rw, len);
}

/* What the CPU itself reports about the optional feature behind a barrier, read apart from the
 * barrier's gate: 1 reported, 0 not, -1 when the barrier has no optional feature. arm64 kernels
 * list features on the "Features" line of /proc/cpuinfo; where there is none (qemu-user shows the
 * host's file) the auxiliary vector is what the kernel reported. */
static int cpu_reports_feature(enum barrier_id id, char *source, size_t n)
{
	if (id != BARRIER_DGH)
		return -1;
	int found = -1;
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096];
	while (f && found < 0 && fgets(line, sizeof line, f)) {
		if (strncmp(line, "Features", 8))
			continue;
		found = 0;
		for (char *w = strtok(strchr(line, ':') ? strchr(line, ':') + 1 : line, " \t\n"); w;
		     w = strtok(NULL, " \t\n"))
			found |= !strcmp(w, "dgh");
	}
	if (f)
		fclose(f);
	if (found >= 0) {
		snprintf(source, n, "/proc/cpuinfo Features %s dgh", found ? "has" : "lacks");
		return found;
	}
#if defined(__aarch64__)
	found = (getauxval(AT_HWCAP2) & HWCAP2_DGH) != 0;
	snprintf(source, n, "AT_HWCAP2 %s HWCAP2_DGH", found ? "has" : "lacks");
#else
	found = 0;
	snprintf(source, n, "not an arm64 CPU");
#endif
	return found;
}

/* A barrier of this arch: its gate agrees with what the CPU reports (usable, with a caveat exactly
 * when the optional feature is missing), and every kernel storing with it writes the right bytes. */
static void check_barrier(const struct barrier_desc *b)
{
	const char *why = NULL;
	char source[80] = "", detail[200] = "";
	bool usable = barrier_usable(b, &why);
	int feature = cpu_reports_feature(b->id, source, sizeof source);
	if (why)
		printf("# barrier %s: %s\n", b->name, why);
	if (feature < 0) {
		snprintf(detail, sizeof detail, "usable=%d, caveat '%s'", usable, why ? why : "");
		report(usable && !why, "barrier %s usable on this arch without a caveat", b->name, detail);
	} else {
		snprintf(detail, sizeof detail, "%s, but the gate says usable=%d, caveat '%s'", source, usable,
			 why ? why : "");
		report(usable && (why != NULL) == !feature,
		       "barrier %s usable, with a caveat exactly when the CPU does not report its feature",
		       b->name, detail);
	}
	if (!usable)
		return;
	static const size_t sizes[] = { 64, 4096 };
	size_t runs = 0;
	detail[0] = '\0';
	for (size_t i = 0; i < store_kernel_count && !detail[0]; i++) {
		const struct store_kernel *k = &store_kernels[i];
		const char *kwhy = NULL;
		if (!kernel_usable(k, &kwhy))
			continue;
		for (int e = 0; e < 3 && !detail[0]; e++)
			for (size_t si = 0; si < sizeof sizes / sizeof sizes[0] && !detail[0]; si++, runs++)
				if (check_one(k, b->id, (enum barrier_every)e, sizes[si], detail, sizeof detail)[0]) {
					char tmp[200];
					snprintf(tmp, sizeof tmp, "kernel %s every %d: %s", k->name, e, detail);
					memcpy(detail, tmp, sizeof tmp);
				}
	}
	printf("# barrier %s: %zu kernel x placement x size runs\n", b->name, runs);
	report(!detail[0] && runs > 0, "barrier %s: every kernel storing with it writes the reference bytes",
	       b->name, detail);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line out before anything can abort the process */
	printf("# kernel_check for %s\n", wc_arch_name(wc_build_arch()));
	for (size_t i = 0; i < store_kernel_count; i++) {
		const struct store_kernel *k = &store_kernels[i];
		if (k->arch != WC_ARCH_ANY && k->arch != wc_build_arch())
			continue;
		check_kernel(k);
	}
	for (size_t i = 0; i < barrier_count; i++)
		if (barriers[i].arch == wc_build_arch() || barriers[i].arch == WC_ARCH_ANY)
			check_barrier(&barriers[i]);
	check_fault_row();
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
