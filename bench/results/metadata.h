/*
 * metadata.json of a run directory: the machine, the timer, how cases were sampled, the command
 * line, the options a --resume must repeat, the resumes themselves, the machine reference taken
 * before and after each session and, with --probe, how each target's effective memory type was
 * decided. Written whole into a temporary file and renamed, so
 * a reader never sees half of it.
 */
#ifndef WCBENCH_RESULTS_METADATA_H
#define WCBENCH_RESULTS_METADATA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/machine.h"
#include "results/machine_ref.h"

/* An option that decides which cases a run holds or what they measure: a resume must repeat it. */
struct resume_option {
	const char *name;   /* "env", "window", ... (stored as "option_<name>") */
	const char *value;  /* canonical text */
	unsigned since;     /* the first schema version whose metadata.json records it (0: all) */
	const char *earlier; /* what a run of a version before `since` had (it lacked the option) */
};

struct run_metadata {
	const char *run_id;
	const char *env;                  /* host or guest */
	const struct machine_info *machine;
	double budget_s, min_sample_s, precision;
	unsigned min_samples, max_samples;
	const struct resume_option *options;
	size_t noptions;
	int argc;                         /* the command line, argv[0] being "run" */
	char **argv;
	bool probe;                       /* --probe: the file holds a "memtype_probes" list */
	bool latency;                     /* --latency: every burst timed alone (mode latency) */
	long upgraded_from;               /* a resume: the schema version the run was in before this
					   * resume upgraded it (0: none) */
};

/* Write DIR/metadata.json for a new run. 0, or -errno with one line naming the file in err. */
int metadata_write(const char *dir, const struct run_metadata *md, char *err, size_t errlen);

/*
 * Before resuming the run in DIR: its run_id into run_id, the schema version its rows are in into
 * *version (this one or an earlier one: the caller upgrades an earlier run; a later one is
 * refused), and whether every option in md->options equals what the run stored (an option the
 * run's version did not record yet compares as its `earlier` value). 0; -EINVAL with one line in
 * err when the metadata is missing, not a file, or differs (a usage error); -EIO when reading it
 * failed (the disk's error, not the user's).
 */
int metadata_check_resume(const char *dir, const struct run_metadata *md, char *run_id,
			  size_t idlen, long *version, char *err, size_t errlen);

/* Record a resume (UTC time, the sampling rule of this session, command line; with
 * md->upgraded_from, "upgraded_from_schema" and the top-level schema_version set to this one) in
 * DIR/metadata.json, keeping everything else as it was. 0, or -errno with one line in err. */
int metadata_add_resume(const char *dir, const struct run_metadata *md, char *err, size_t errlen);

/* Append one probe of a target's effective memory type (a run with --probe, once per target and
 * session) to the "memtype_probes" list of DIR/metadata.json: the target spec, the class as the
 * memtype_effective column spells it ("" when not decided), how it was decided, and when.
 * 0, or -errno with one line in err. */
int metadata_add_memtype_probe(const char *dir, const char *target, const char *memtype_effective,
			       const char *how, char *err, size_t errlen);

/* The top-level list of metadata.json holding the machine references (results/machine_ref.h). */
#define MACHINE_REF_LIST "machine_reference"

/* Append one machine reference (UTC time, start or end, its kind, what it measures in a sentence,
 * kernel, buffer bytes, CPU, ns per KiB median and its 95% CI, samples) to the machine_reference
 * list of DIR/metadata.json; a file of an earlier wcbench, without the list, gains it. 0, or -errno
 * with one line in err. */
int metadata_add_machine_reference(const char *dir, const struct machine_ref *r, char *err, size_t errlen);

/* The machine references a metadata.json holds, read as a hostile file (another machine's). */
#define MACHINE_REFS_MAX 64
/* The range of ns per KiB a reference may have: outside it a figure is taken as garbled. */
#define MACHINE_REF_NS_MIN 1e-3
#define MACHINE_REF_NS_MAX 1e9
struct machine_refs {
	size_t n;                 /* 0: none (why says why) */
	struct machine_ref r[MACHINE_REFS_MAX];
	char run_id[64];          /* the file's run_id ("" when it names none) */
	char why[300];
};

/*
 * The references of metadata.json's text (text[0..len)), by the strict reader (common/json.h):
 * every entry of the machine_reference list must have "when" start or end, a kernel name of
 * lower-case letters, digits and '_', a cpu and samples that are whole numbers (samples >= 1),
 * "kind" core or memory when it has one (none: core, as an earlier wcbench wrote), buffer_bytes a
 * whole number in 64 .. 2^40 when it has one (none: the kind's),
 * and ns_per_kib_ci_lo <= ns_per_kib_median <= ns_per_kib_ci_hi, all within MACHINE_REF_NS_MIN ..
 * MACHINE_REF_NS_MAX. Anything else (text that does not parse, no such list, an entry that is
 * damaged or more than MACHINE_REFS_MAX of them) leaves n = 0 with why saying what: one bad entry
 * makes the whole file's references untrusted. Never fails otherwise.
 */
void machine_refs_parse(const char *text, size_t len, struct machine_refs *out);
/* The same for DIR/metadata.json (a regular file of at most 1 MiB); why names a missing file. */
void metadata_read_machine_refs(const char *dir, struct machine_refs *out);
#endif
