/*
 * JSON for metadata.json, verdict.json and other small files: one writer of strings, one loose
 * reader of flat objects (json_get), and one strict reader (json_parse) for files that may come
 * from anywhere; and the UTF-8 checks they rest on, which also keep text from such files on its
 * line where it is shown.
 */
#ifndef WCBENCH_COMMON_JSON_H
#define WCBENCH_COMMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* s as a JSON string, quoted and escaped; always valid UTF-8 (a byte that does not start a
 * well-formed sequence is written as U+FFFD). */
void json_str(FILE *f, const char *s);
/* The same, cut before the character that would take the string past max bytes (as decoded). */
void json_strn(FILE *f, const char *s, size_t max);


/* s as text that stays on its line, for a terminal, TAP or a table cell: line breaks and tabs
 * become spaces, other control characters (C0, DEL, C1) and bytes that are not UTF-8 become '?',
 * and the ASCII characters in escape (NULL: none) get a backslash before them. Cut at a
 * character to fit out (outlen > 0). */
void utf8_one_line(const char *s, const char *escape, char *out, size_t outlen);

/* The value of "key" in a flat JSON object, read loosely: a string (with \" and \\ undone) or
 * a bare number/word. Empty when absent or malformed, and for any key when a member name
 * repeats in one object of json (readers disagree on which counts), even in a document cut short;
 * never fails. json may be NULL. */
void json_get(const char *json, const char *key, char *out, size_t len);

/* The strict reader: RFC 8259 JSON parsed into a tree of nodes. */
enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_node {
	enum json_type type;
	bool boolean;
	double number;          /* finite */
	const char *key;        /* the member's name when the parent is an object, else NULL */
	const char *str;        /* JSON_STRING: the decoded text, NUL-terminated; JSON_NUMBER: the
				 * number's text as written ("1.0000000001", "1e0") */
	size_t len;             /* JSON_STRING, JSON_NUMBER: bytes in str; JSON_ARRAY, JSON_OBJECT:
				 * elements */
	size_t first, next;     /* node indexes of the first element and of the next sibling; 0:
				 * none (node 0 is the root, never an element) */
};

struct json_doc {
	struct json_node *node; /* node[0] is the root */
	size_t n, cap;
	char *pool;             /* the decoded strings and names */
};

/* Nesting deeper than this, more values than JSON_MAX_NODES, or a number written with more than
 * JSON_MAX_NUMBER_CHARS characters is refused: bounds on what a hostile file can make us do. */
#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES (1u << 18)
#define JSON_MAX_NUMBER_CHARS 40

/*
 * Parse text[0..len): one JSON value with optional white space around it. Refused: a NUL byte,
 * text that is not UTF-8, "\u0000" (every string is a C string), a lone surrogate escape, a
 * number that does not fit a double, a member name that repeats in one object (at any depth:
 * readers differ on which one counts), and anything RFC 8259 does not allow. Object members keep
 * their order. 0, or -EINVAL
 * ("line L column C: why" in err) or -ENOMEM; doc is freed on failure.
 */
int json_parse(const char *text, size_t len, struct json_doc *doc, char *err, size_t errlen);
void json_doc_free(struct json_doc *doc);

/* The member named key of object o, or NULL (also when o is not an object). */
const struct json_node *json_member(const struct json_doc *doc, const struct json_node *o,
				    const char *key);
/* The first element (member) of an array (object), and the one after n; NULL at the end. */
const struct json_node *json_first(const struct json_doc *doc, const struct json_node *n);
const struct json_node *json_next(const struct json_doc *doc, const struct json_node *n);
/* "null", "true or false", "a number", "a string", "an array", "an object": for messages. */
const char *json_type_name(enum json_type t);
#endif
