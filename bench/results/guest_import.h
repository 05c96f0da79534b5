/*
 * What a guest sends back (guest/init: base64 of a ustar stream between WCBENCH-OUT-BEGIN and
 * WCBENCH-OUT-END lines on its PCI serial port, a file on the host) taken in as data, never as a
 * tree to unpack: the host runs this as root, and the guest chose every byte.
 *
 * Accepted: regular files under guest/ (the guest's logs, into OUT/guest/) and run/ (the run's
 * --out directory, into OUT/), each name component from [A-Za-z0-9._-], not starting with '.',
 * at most max_depth components deep; written as new 0644 files owned by the importer (the
 * archive's owner and mode are ignored), each whole through safe_file (NAME.tmp.PID renamed over
 * NAME: a link already at NAME is replaced, never followed; a link or non-directory where a
 * directory should be is refused). Everything else is refused and named in one line: links,
 * devices, FIFOs, GNU long names, pax headers, sparse files, bad names, names the launcher writes
 * itself (guest/console.log...), files past the count and size bounds.
 *
 * A stream that cannot be read as a whole (a line that is not base64, a header whose checksum
 * is wrong, a size that is not octal, a stream that ends early) is refused whole: nothing is
 * imported, and the raw serial file (its first max_total_bytes) is kept as OUT/guest/serial.txt.
 * Names the launcher writes into OUT/guest itself (console.log, qemu.cmd, qemu.version,
 * build.log, serial.txt, import.log, work) and run/guest/ are refused too.
 */
#ifndef WCBENCH_RESULTS_GUEST_IMPORT_H
#define WCBENCH_RESULTS_GUEST_IMPORT_H

#include <stddef.h>
#include <stdint.h>

struct guest_import_limits {
	unsigned max_files;       /* regular files accepted */
	uint64_t max_file_bytes;  /* one file's size */
	uint64_t max_total_bytes; /* all accepted files together */
	unsigned max_depth;       /* name components, guest/ or run/ included */
};

/* Generous for a real run: results.csv of `run --full` is a few MB. */
#define GUEST_IMPORT_MAX_FILES 4096
#define GUEST_IMPORT_MAX_FILE_BYTES (64ull << 20)
#define GUEST_IMPORT_MAX_TOTAL_BYTES (256ull << 20)
#define GUEST_IMPORT_MAX_DEPTH 8

void guest_import_default_limits(struct guest_import_limits *lim);

/* What one import did. */
struct guest_import_result {
	unsigned imported; /* regular files written */
	unsigned refused;  /* entries refused, each said through say() */
};

/* One line (no newline) about an entry refused; names in it are escaped (\n, \x1b as \xNN). */
typedef void (*guest_import_say_fn)(void *ctx, const char *line);

/*
 * Import serial_path into out_dir. Returns 0 when the stream was read (res says how many
 * entries were refused, each said through say), -ENODATA when it holds no complete
 * BEGIN..END section, -EBADMSG when it is corrupt (err says where, names the copy kept as
 * OUT/guest/serial.txt and not serial_path, a scratch file), or another -errno with err set.
 */
int guest_import(const char *serial_path, const char *out_dir, const struct guest_import_limits *lim,
		 guest_import_say_fn say, void *ctx, struct guest_import_result *res, char *err,
		 size_t errlen);

/* Is name one safe component: [A-Za-z0-9._-]+, not starting with '.'? (for tests and callers) */
int guest_import_name_ok(const char *name);
#endif
