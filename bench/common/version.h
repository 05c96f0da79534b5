/* wcbench's version (git describe), as --version, metadata.json, verdict.json and the report
 * say it. One object holds it (version.c), rebuilt whenever the version changes: a -D on every
 * object left the version of the last full build in whatever was not recompiled. */
#ifndef WCBENCH_COMMON_VERSION_H
#define WCBENCH_COMMON_VERSION_H

extern const char wcbench_version[];
#endif
