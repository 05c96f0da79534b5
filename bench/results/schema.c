#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>

#include "common/util.h"
#include "results/csv.h"
#include "results/schema.h"

/* The trailing arguments are more designated initializers: `.key = KEY_CASE` marks a key column. */
#define STR(f, u, d, ...) { .name = #f, .unit = u, .desc = d, .type = COL_STR, \
			.offset = offsetof(struct row, f), .size = sizeof(((struct row *)0)->f), __VA_ARGS__ }
#define UINT(f, u, d, ...) { .name = #f, .unit = u, .desc = d, .type = COL_UINT, \
			.offset = offsetof(struct row, f), __VA_ARGS__ }
#define U64(f, u, d, ...) { .name = #f, .unit = u, .desc = d, .type = COL_U64, \
		       .offset = offsetof(struct row, f), __VA_ARGS__ }
#define DBL(f, u, format, d, ...) { .name = #f, .unit = u, .desc = d, .type = COL_DOUBLE, \
			       .offset = offsetof(struct row, f), .fmt = format, __VA_ARGS__ }

const struct column schema_columns[] = {
	{ .name = "schema_version", .unit = "", .type = COL_SCHEMA_VERSION,
	  .desc = "version of this column set; readers take this version and earlier ones, and refuse later ones" },
	STR(run_id, "", "identifier of the run (UTC time and host), shared by its rows", .key = KEY_MACHINE),
	STR(env, "", "host, guest (a Linux guest running the same binary) or microvm (a VM wcbench creates itself: the rows of wcbench vm)",
	    .key = KEY_CASE | KEY_MACHINE),
	STR(arch, "", "x86_64 or aarch64", .key = KEY_MACHINE),
	STR(cpu_model, "", "CPU model name (x86) or implementer/part from MIDR_EL1 (arm64)", .key = KEY_MACHINE),
	STR(os_release, "", "kernel release (uname -r)", .key = KEY_MACHINE),
	STR(target, "", "target spec as given: ram, ram:hugetlb, vfio:BDF:barN, ...", .key = KEY_CASE),
	STR(target_kind, "", "ram, vfio, sysfs, sysfs-wc or file", .key = KEY_CASE),
	STR(device, "", "PCI device and BAR of a BAR target (0000:01:00.0 bar2), empty for RAM"),
	STR(map, "", "mapping path: anon, hugetlb, vfio, sysfs-resource, sysfs-resource-wc, file", .key = KEY_CASE),
	STR(memtype, "", "memory type the mapping path asks for (WB, WC, UC-, UC; Normal-WB, Normal-NC, Device-nGnRE, Device-nGnRnE)", .key = KEY_CASE),
	STR(memtype_seen, "", "memory type the OS reports it gave (x86 PAT list), or unknown"),
	STR(memtype_effective, "", "Device or Normal: the class of memory type the CPU applied, as run --probe finds it (arm64: an unaligned 8-byte store at window offset 1 faults only on Device memory); empty when not probed (x86_64 has no such probe)",
	    .added_in = 2),
	STR(memtype_stage2, "", "the stage-2 memory type a microVM's probe inferred (Device or Normal; wcbench vm), empty elsewhere",
	    .added_in = 3),
	STR(kernel, "", "store kernel, <insn>_<width>", .key = KEY_CASE),
	UINT(width_bytes, "B", "bytes written by one store instruction"),
	STR(barrier, "", "barrier name as in the ISA, or none", .key = KEY_CASE),
	STR(barrier_every, "", "where the barrier goes: 64 (after every 64 B), burst, sample", .key = KEY_CASE),
	U64(burst_bytes, "B", "bytes written by one burst", .key = KEY_CASE),
	U64(window_bytes, "B", "bytes of the target the bursts cycle through (all threads)"),
	UINT(threads, "", "threads storing at once, each to its own part of the window", .key = KEY_CASE),
	STR(cpus, "", "OS CPU number of each thread, ';'-separated"),
	STR(nodes, "", "NUMA node of each thread's CPU"),
	STR(packages, "", "package (socket) of each thread's CPU"),
	STR(drain, "", "what the timed region waits for: none (stores issued), fence (left the core), readback (reached the target)", .key = KEY_CASE),
	STR(mode, "", "throughput (bursts back to back, a sample timing many) or latency (run --latency: every burst timed alone with its drain); rows of versions before 4 read as throughput",
	    .key = KEY_CASE, .added_in = 4, .earlier = "throughput"),
	STR(timer, "", "timer used: tsc (RDTSCP), cntvct (CNTVCT_EL0), clock_gettime"),
	DBL(timer_ns, "ns", "%.2f", "cost of one timer read (median of back-to-back reads)"),
	UINT(samples, "", "timed samples taken"),
	U64(bursts_per_sample, "", "bursts per thread in one timed sample"),
	DBL(ns_per_burst_median, "ns", "%.3f", "median over samples of sample time / bursts per thread"),
	DBL(ns_per_burst_p10, "ns", "%.3f", "10th percentile of ns per burst"),
	DBL(ns_per_burst_p90, "ns", "%.3f", "90th percentile of ns per burst"),
	DBL(ns_per_burst_min, "ns", "%.3f", "fastest sample's ns per burst"),
	DBL(ns_per_burst_ci_lo, "ns", "%.3f", "low end of the median's 95% confidence interval: an order statistic of the samples (distribution-free; ranks widened as far as neighbouring samples are alike; empty below 6 effective samples)",
	    .added_in = 4),
	DBL(ns_per_burst_ci_hi, "ns", "%.3f", "high end of the median's 95% confidence interval (the stop rule ends a case once both ends are within --precision of the median)",
	    .added_in = 4),
	DBL(gb_per_s_median, "GB/s", "%.4f", "10^9 bytes per second, all threads, from the median sample"),
	DBL(gb_per_s_p10, "GB/s", "%.4f", "GB/s of the p90 (slow) ns per burst"),
	DBL(gb_per_s_p90, "GB/s", "%.4f", "GB/s of the p10 (fast) ns per burst"),
	DBL(cv, "", "%.5f", "coefficient of variation of the samples (stddev / mean)"),
	DBL(latency_ns_p50, "ns", "%.2f", "latency rows: median time of one burst with its drain, each burst timed alone (the timer's cost included)",
	    .added_in = 4),
	DBL(latency_ns_p90, "ns", "%.2f", "latency rows: 90th percentile of one burst's time", .added_in = 4),
	DBL(latency_ns_p99, "ns", "%.2f", "latency rows: 99th percentile of one burst's time", .added_in = 4),
	DBL(latency_ns_p999, "ns", "%.2f", "latency rows: 99.9th percentile of one burst's time", .added_in = 4),
	DBL(latency_ns_max, "ns", "%.2f", "latency rows: the slowest burst", .added_in = 4),
	DBL(latency_timer_ns, "ns", "%.2f", "latency rows: median of the same timed region holding no burst and no drain, taken between the bursts: the timer's share of every latency figure, not subtracted",
	    .added_in = 4),
	STR(verify, "", "off, ok, or mismatch (then status is error)"),
	{ .name = "status", .unit = "", .type = COL_STATUS, .offset = offsetof(struct row, status),
	  .desc = "ok, unsupported, fault (the kernel raised SIGBUS/SIGILL/SIGSEGV) or error" },
	STR(reason, "", "why a row is not ok, or a caveat on an ok row"),
};
const size_t schema_column_count = sizeof schema_columns / sizeof schema_columns[0];

static const char *const status_names[] = {
	[STATUS_OK] = "ok",
	[STATUS_UNSUPPORTED] = "unsupported",
	[STATUS_FAULT] = "fault",
	[STATUS_ERROR] = "error",
};

const char *status_name(enum row_status s)
{
	return status_names[s];
}

int status_parse(const char *s, enum row_status *out)
{
	for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum row_status)i;
			return 0;
		}
	return -1;
}

int column_in_version(const struct column *c, long version)
{
	return version >= (c->added_in ? (long)c->added_in : 1) && version <= SCHEMA_VERSION;
}

/* The header of schema version `version`, or row r (this version) when not NULL, as one CSV
 * line into b: every field as row_field_text gives it, quoted by csv_field where it needs it. */
static void format_line(struct sbuf *b, const struct row *r, long version)
{
	char v[512]; /* more than any field: the longest string column is 200 bytes */
	bool first = true;
	for (size_t i = 0; i < schema_column_count; i++) {
		const struct column *c = &schema_columns[i];
		if (!column_in_version(c, r ? SCHEMA_VERSION : version))
			continue;
		if (!first)
			sb_printf(b, ",");
		first = false;
		csv_field(b, r ? row_field_text(r, c, v, sizeof v) : c->name);
	}
	sb_printf(b, "\n");
}

static int take_line(struct sbuf *b, char **line, size_t *len)
{
	if (b->oom) {
		sb_free(b);
		return -ENOMEM;
	}
	*line = b->s;
	*len = b->len;
	return 0;
}

int csv_header_line_of_version(long version, char **line, size_t *len)
{
	if (version < 1 || version > SCHEMA_VERSION)
		return -EINVAL;
	struct sbuf b = { 0 };
	format_line(&b, NULL, version);
	return take_line(&b, line, len);
}

int csv_header_line(char **line, size_t *len)
{
	return csv_header_line_of_version(SCHEMA_VERSION, line, len);
}

int csv_row_line(const struct row *r, char **line, size_t *len)
{
	struct sbuf b = { 0 };
	format_line(&b, r, SCHEMA_VERSION);
	return take_line(&b, line, len);
}

void schema_refuse_resume(char *err, size_t n, const char *file, long version)
{
	snprintf(err, n, "--resume: %s was written by results schema version %ld, later than version %d "
		 "that this wcbench writes and upgrades to: continue it with the later wcbench that started "
		 "it (`wcbench --version` names its schema), or start a new run with another --out",
		 file, version, SCHEMA_VERSION);
}

static int write_line(FILE *f, const struct row *r)
{
	struct sbuf b = { 0 };
	format_line(&b, r, SCHEMA_VERSION);
	errno = 0;
	int rc = b.oom ? -ENOMEM : fwrite(b.s, 1, b.len, f) == b.len ? 0 : errno ? -errno : -EIO;
	sb_free(&b);
	return rc;
}

int csv_write_header(FILE *f)
{
	return write_line(f, NULL);
}

int csv_write_row(FILE *f, const struct row *r)
{
	return write_line(f, r);
}

const struct column *schema_column(const char *name)
{
	for (size_t i = 0; i < schema_column_count; i++)
		if (!strcmp(schema_columns[i].name, name))
			return &schema_columns[i];
	return NULL;
}

const char *row_field_text(const struct row *r, const struct column *c, char *buf, size_t len)
{
	const void *p = (const char *)r + c->offset;
	switch (c->type) {
	case COL_SCHEMA_VERSION:
		snprintf(buf, len, "%d", SCHEMA_VERSION);
		break;
	case COL_STR:
		snprintf(buf, len, "%s", (const char *)p);
		break;
	case COL_UINT:
		snprintf(buf, len, "%u", *(const unsigned *)p);
		break;
	case COL_U64:
		snprintf(buf, len, "%llu", (unsigned long long)*(const uint64_t *)p);
		break;
	case COL_DOUBLE:
		if (isnan(*(const double *)p))
			buf[0] = '\0';
		else
			snprintf(buf, len, c->fmt, *(const double *)p);
		break;
	case COL_STATUS:
		snprintf(buf, len, "%s", status_name(*(const enum row_status *)p));
		break;
	}
	return buf;
}

void schema_write_markdown(FILE *f)
{
	fprintf(f, "| # | column | unit | meaning | key | since |\n|---|---|---|---|---|---|\n");
	for (size_t i = 0; i < schema_column_count; i++) {
		const struct column *c = &schema_columns[i];
		unsigned k = c->key;
		fprintf(f, "| %zu | `%s` | %s | %s | %s%s%s | %u |\n", i + 1, c->name, c->unit, c->desc,
			k & KEY_CASE ? "case" : "", (k & KEY_CASE) && (k & KEY_MACHINE) ? ", " : "",
			k & KEY_MACHINE ? "machine" : "", c->added_in ? c->added_in : 1);
	}
}
