/*
 * check's evidence pipeline: per target, map, probe the effective memory type, time a few
 * readback-drained cases (rows in results.csv), look up the link, ask the model (and, for a
 * device, wcbench's microVM); then the verdicts (check/verdict.h) into verdict.json.
 */
#ifndef WCBENCH_SWEEP_EVIDENCE_H
#define WCBENCH_SWEEP_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/link.h"
#include "check/platform.h"
#include "check/verdict.h"
#include "sweep/sweep.h"
#include "targets/target.h"

#define EVIDENCE_MAX_TARGETS 16

/* What check was asked, as the pipeline takes it. */
struct evidence_opts {
	const char *const *specs;    /* TARGET or BDF:barN (every mapping path of that BAR) */
	unsigned nspecs;
	const char *out, *env, *host_kernel; /* NULL: results/<run_id>, detected, unknown */
	struct link_info link;       /* --link; .known false: sysfs's */
	struct target_opts topts;
	double time_s;               /* per case; 0: the platform's default */
	bool probe_in_guest, no_microvm;
	int argc;                    /* the command line, into metadata.json */
	char **argv;
};

/* One target being checked. */
struct checked {
	char spec[160];
	struct target t;
	struct check_facts f;
	char notes[2][200];
	unsigned nnotes;
};

/* A check under way, and what it found. */
struct evidence_run {
	struct checked c[EVIDENCE_MAX_TARGETS];
	unsigned n;
	struct platform pf;
	struct sweep_dir d;
	const char *env;             /* "host", "guest" */
	int csv_fd;
	size_t rows, faults;         /* rows written; those faulted or failed, and targets unmapped */
	double secs_map, secs_cases; /* where the time went */
	uint64_t t_start;
};

/* The evidence of every target into r (rows into r->d.csv_path). SWEEP_DONE; or the end with one
 * line in err, not yet said (SWEEP_REFUSED: nothing written; SWEEP_INTERRUPTED: no verdict). */
enum sweep_end evidence_gather(const struct evidence_opts *o, struct evidence_run *r, char *err, size_t n);

/* The verdict of each target into v (and count, by verdict), written into verdict.json and, with
 * junit, that JUnit file. 0, or -errno with one line in err. */
int evidence_verdicts(struct evidence_run *r, struct target_verdict *v, unsigned count[VERDICT_COUNT],
		      const char *junit, char *err, size_t n);

/* Unmaps what is still mapped, closes the files, releases the directory's lock. */
void evidence_free(struct evidence_run *r);
#endif
