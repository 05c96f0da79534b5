/*
 * Text from files, guests and devices made safe for the output it lands in: one function per
 * kind of output. Each writes s, escaped, into out like snprintf: at most outlen - 1 bytes and a
 * NUL (outlen > 0), cut before an escape or a character that would not fit whole, and returns
 * the length the whole escaped text needs. Escape where text enters an output, once.
 *
 * "Visible" below means a character is written as a backslash form the reader can see and
 * tell apart: \n \r \t \\, \xHH for other C0 controls, DEL and bytes that are not well-formed
 * UTF-8, \uHHHH for C1 controls (U+0080-U+009F) and the characters that reorder or break a
 * line on their own (U+2028, U+2029, U+202A-U+202E, U+2066-U+2069).
 */
#ifndef WCBENCH_COMMON_ESCAPE_H
#define WCBENCH_COMMON_ESCAPE_H

#include <stddef.h>

#include "common/util.h"

/* The well-formed UTF-8 sequence at s (at most avail bytes): its length, 1 to 4, with its code
 * point in *cp; 0 when s does not start one (a stray continuation byte, an overlong form, a
 * surrogate, above U+10FFFF, cut short) or avail is 0. */
size_t utf8_next(const char *s, size_t avail, unsigned *cp);

/* A terminal line (stdout, stderr): everything above visible, nothing else changed, so no
 * byte from s starts an escape sequence or a line of its own. */
size_t esc_terminal(char *out, size_t outlen, const char *s);

/* A TAP test-point description or directive reason (TAP 13 and 14, testanything.org): the
 * terminal's escapes, and '#' as "\#" (TAP 14: "a # character ... must be escaped with a
 * backslash", and "\\" for a backslash) so nothing in s starts a directive. The writer puts
 * the test number before it, so a leading digit is never read as one. */
size_t esc_tap(char *out, size_t outlen, const char *s);

/* Markdown text or a table cell (CommonMark, GitHub tables): & < > as HTML entities, so no
 * tag survives; \ ` * _ [ ] | ~ # ! as backslash escapes, and a leading - + = or list
 * number, so nothing becomes a link, an image, emphasis, code, a heading, a list or a new
 * cell; tabs and line breaks as spaces; other controls visible (their backslash escaped). */
size_t esc_markdown(char *out, size_t outlen, const char *s);

/* HTML text or a double-quoted attribute value: & < > " ' as entities; line breaks and tabs
 * kept; other controls and bytes that are not UTF-8 visible. */
size_t esc_html(char *out, size_t outlen, const char *s);

/* XML 1.0 character data: markup as entities, CR as &#13; (a parser would drop it); the
 * characters XML 1.0 cannot hold even as a reference (C0 controls but tab, LF, CR; U+FFFE,
 * U+FFFF), C1 controls and bytes that are not UTF-8 visible. */
size_t esc_xml_text(char *out, size_t outlen, const char *s);
/* The same for a double-quoted attribute value; LF and tab as references too, which a parser
 * would otherwise turn into spaces. */
size_t esc_xml_attr(char *out, size_t outlen, const char *s);

/* A CSV field (RFC 4180, section 2): quoted, with each '"' doubled, when it holds a comma, a
 * quote, CR or LF; the bytes kept as they are, so a reader gets the field back. */
size_t esc_csv(char *out, size_t outlen, const char *s);

/* s through one of the above, appended to b whole. */
typedef size_t (*esc_fn)(char *out, size_t outlen, const char *s);
void sb_esc(struct sbuf *b, esc_fn fn, const char *s);

#endif
