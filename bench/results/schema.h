/*
 * The results CSV: one row per case, columns declared once in schema.c. A new column is a new
 * SCHEMA_VERSION and names it in .added_in; readers take every version up to this one, a row of
 * an earlier version reading the columns added since as empty.
 */
#ifndef WCBENCH_RESULTS_SCHEMA_H
#define WCBENCH_RESULTS_SCHEMA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SCHEMA_VERSION 4

enum row_status { STATUS_OK, STATUS_UNSUPPORTED, STATUS_FAULT, STATUS_ERROR };

struct row {
	char run_id[40];
	char env[16];            /* host, guest, microvm */
	char arch[16];
	char cpu_model[96];
	char os_release[64];
	char target[160];        /* the spec as given */
	char target_kind[16];    /* ram, vfio, sysfs, sysfs-wc */
	char device[64];         /* BDF and BAR of a device target, empty for RAM */
	char map[24];
	char memtype[24];
	char memtype_seen[24];
	char memtype_effective[16]; /* Device, Normal, or "" when not probed */
	char memtype_stage2[16]; /* Device, Normal: a microVM's stage 2 as probed; "" elsewhere */
	char kernel[24];
	unsigned width_bytes;
	char barrier[16];
	char barrier_every[8];   /* 64, burst, sample */
	uint64_t burst_bytes;
	uint64_t window_bytes;
	unsigned threads;
	char cpus[64];           /* ';'-separated OS CPU numbers, one per thread */
	char nodes[64];          /* NUMA node of each thread */
	char packages[64];       /* package (socket) of each thread */
	char drain[12];          /* none, fence, readback */
	char mode[12];           /* throughput, latency */
	char timer[16];          /* tsc, cntvct, clock_gettime */
	double timer_ns;         /* cost of one timer read */
	unsigned samples;
	uint64_t bursts_per_sample;
	double ns_per_burst_median, ns_per_burst_p10, ns_per_burst_p90, ns_per_burst_min;
	double ns_per_burst_ci_lo, ns_per_burst_ci_hi; /* the median's 95% confidence interval */
	double gb_per_s_median, gb_per_s_p10, gb_per_s_p90;
	double cv;
	double latency_ns_p50, latency_ns_p90, latency_ns_p99, latency_ns_p999, latency_ns_max;
	double latency_timer_ns;
	char verify[16];         /* off, ok, mismatch */
	enum row_status status;
	char reason[200];
};

enum col_type { COL_STR, COL_UINT, COL_U64, COL_DOUBLE, COL_STATUS, COL_SCHEMA_VERSION };

struct column {
	const char *name;
	const char *unit;        /* "" when dimensionless */
	const char *desc;
	enum col_type type;
	size_t offset;           /* into struct row */
	const char *fmt;         /* printf format for doubles */
	size_t size;             /* bytes of a COL_STR field (readers bound their copies by it) */
	unsigned key;            /* KEY_CASE, KEY_MACHINE: which keys this column is part of */
	unsigned added_in;       /* the schema version that added it; 0: there from version 1 */
	const char *earlier;     /* what a row of a version before added_in reads here (NULL: empty) */
};

/* Key columns (results/keys.h builds the keys from these flags). */
#define KEY_CASE 1u    /* identifies a case: two rows of one run with equal case keys measured the same thing */
#define KEY_MACHINE 2u /* identifies the machine and run a row came from */

extern const struct column schema_columns[];
extern const size_t schema_column_count;

const char *status_name(enum row_status s);
int status_parse(const char *s, enum row_status *out);

/* The header line; 0, or -errno when the stream failed. */
int csv_write_header(FILE *f);
/* One line, RFC 4180 quoting where a field needs it; 0, or -errno when the stream failed. */
int csv_write_row(FILE *f, const struct row *r);
/* The same lines in a malloc'd buffer (*len bytes, newline included), for writers that need a
 * row to reach the file whole or detectably partial (one write). 0 or -errno. */
int csv_header_line(char **line, size_t *len);
int csv_row_line(const struct row *r, char **line, size_t *len);
/* A field of r as it appears in the CSV (numbers not measured: ""). Returns buf. */
const char *row_field_text(const struct row *r, const struct column *c, char *buf, size_t len);
/* Whether column c is part of the rows of schema version `version`. */
int column_in_version(const struct column *c, long version);
/* The header line of an earlier schema version (1 <= version <= SCHEMA_VERSION), for telling an
 * earlier run's results.csv apart from a foreign file. 0 or -errno. */
int csv_header_line_of_version(long version, char **line, size_t *len);
/* The one-line refusal to continue a run that a later schema version wrote (file: what says so);
 * a run of an earlier version is upgraded instead (results/upgrade.h). */
void schema_refuse_resume(char *err, size_t n, const char *file, long version);
/* Column by name, or NULL. */
const struct column *schema_column(const char *name);
/* Write the column table as Markdown (results/SCHEMA.md is generated from this). */
void schema_write_markdown(FILE *f);
#endif
