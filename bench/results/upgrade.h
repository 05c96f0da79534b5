/*
 * Upgrading the results.csv of a run that an earlier schema version wrote, so that `run --resume`
 * can append rows of this version to it: every finished row kept, rewritten in this version's
 * columns, the file replaced atomically.
 */
#ifndef WCBENCH_RESULTS_UPGRADE_H
#define WCBENCH_RESULTS_UPGRADE_H

#include <stddef.h>

/*
 * Rewrite csv_path (whole rows only: a partial last row is cut before) in this schema version:
 * the header of this version, then every row in file order, each field of a column its version
 * has copied as it was, a column added after its version holding what rs_load reads there (the
 * column's `earlier` value, or empty), schema_version this version. The new text goes to a
 * temporary file in the same directory, is synced, read back with rs_load and compared row by row
 * with the old file's rows, then renamed over csv_path (and the directory synced): a crash leaves
 * the old file or the new one. *nrows: the rows kept. 0; -EINVAL with one line in err when the
 * old file is not a run's (a damaged row: a usage error, the file untouched); -EIO when it cannot
 * be read whole or changed while read (the file untouched, nothing upgraded from part of it);
 * other -errno when the new one cannot be written (the old file untouched).
 */
int results_upgrade(const char *csv_path, size_t *nrows, char *err, size_t errlen);

/* What the columns added after version `from` read as in its upgraded rows, for the message that
 * reports an upgrade: "mode throughput, the other N added columns empty". */
void results_upgrade_describe(long from, char *buf, size_t len);
#endif
