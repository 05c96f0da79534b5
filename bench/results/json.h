/* metadata.json and other small JSON files: one writer of strings, one loose reader. */
#ifndef WCBENCH_JSON_H
#define WCBENCH_JSON_H

#include <stddef.h>
#include <stdio.h>

/* s as a JSON string, quoted and escaped. */
void json_str(FILE *f, const char *s);

/* The value of "key" in a flat JSON object, read loosely: a string (with \" and \\ undone) or
 * a bare number/word. Empty when absent or malformed; never fails. json may be NULL. */
void json_get(const char *json, const char *key, char *out, size_t len);
#endif
