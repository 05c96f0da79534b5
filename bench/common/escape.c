#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"

size_t utf8_next(const char *s, size_t avail, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	if (!avail)
		return 0;
	unsigned c = u[0], min;
	size_t n;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, min = 0x80, c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, min = 0x800, c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* One character of the input: its bytes, its code point (valid false: a lone byte that is not
 * UTF-8), and where it stands in the whole text. */
struct ch {
	const char *text; /* the whole input */
	size_t at, n;
	unsigned cp;
	bool valid;
};

/* What replaces one character: written into put (returns its length), or -1 for the
 * character's own bytes. */
typedef int (*unit_fn)(const struct ch *c, char put[16]);

static size_t run(char *out, size_t outlen, const char *s, unit_fn unit)
{
	size_t left = strlen(s), need = 0, o = 0;
	bool full = false;
	struct ch c = { .text = s };
	while (c.at < left) {
		const unsigned char *u = (const unsigned char *)s + c.at;
		c.n = utf8_next((const char *)u, left - c.at, &c.cp);
		c.valid = c.n != 0;
		if (!c.valid)
			c.n = 1, c.cp = u[0];
		char put[16];
		int w = unit(&c, put);
		const char *from = w < 0 ? (const char *)u : put;
		size_t len = w < 0 ? c.n : (size_t)w;
		need += len;
		if (!full && outlen && o + len < outlen) {
			memcpy(out + o, from, len);
			o += len;
		} else {
			full = true; /* nothing after a unit that did not fit: no hole in the text */
		}
		c.at += c.n;
	}
	if (outlen)
		out[o] = '\0';
	return need;
}

/* The visible form of a character no output shows as itself, or -1. */
static int visible(const struct ch *c, char put[16])
{
	if (!c->valid || c->cp < 0x20 || c->cp == 0x7f) {
		const char *short_form = c->valid && c->cp ? strchr("\n\r\t", (int)c->cp) : NULL;
		if (short_form)
			return snprintf(put, 16, "\\%c", "nrt"[short_form - "\n\r\t"]);
		return snprintf(put, 16, "\\x%02x", c->cp);
	}
	if ((c->cp >= 0x80 && c->cp <= 0x9f) || c->cp == 0x2028 || c->cp == 0x2029 ||
	    (c->cp >= 0x202a && c->cp <= 0x202e) || (c->cp >= 0x2066 && c->cp <= 0x2069))
		return snprintf(put, 16, "\\u%04x", c->cp);
	return -1;
}

static int unit_terminal(const struct ch *c, char put[16])
{
	if (c->cp == '\\' && c->valid)
		return snprintf(put, 16, "\\\\");
	return visible(c, put);
}

static int unit_tap(const struct ch *c, char put[16])
{
	if (c->cp == '#' && c->valid)
		return snprintf(put, 16, "\\#");
	return unit_terminal(c, put);
}

static int entity(unsigned cp, char put[16])
{
	switch (cp) {
	case '&': return snprintf(put, 16, "&amp;");
	case '<': return snprintf(put, 16, "&lt;");
	case '>': return snprintf(put, 16, "&gt;");
	case '"': return snprintf(put, 16, "&quot;");
	case '\'': return snprintf(put, 16, "&#39;");
	}
	return -1;
}

/* A '.' or ')' after nothing but digits from the start, before a blank or the end: "1. " and
 * "1) " open a list. */
static bool ends_list_number(const struct ch *c)
{
	char next = c->text[c->at + 1];
	if ((c->cp != '.' && c->cp != ')') || c->at == 0 || (next && next != ' ' && next != '\t'))
		return false;
	for (size_t i = 0; i < c->at; i++)
		if (c->text[i] < '0' || c->text[i] > '9')
			return false;
	return true;
}

static int unit_markdown(const struct ch *c, char put[16])
{
	if (c->valid && (c->cp == '\n' || c->cp == '\r' || c->cp == '\t'))
		return snprintf(put, 16, " ");
	if (c->valid && c->cp < 0x80 && c->cp >= 0x20) {
		/* quotes matter only inside a tag or a link title, which cannot start here */
		int w = c->cp == '"' || c->cp == '\'' ? -1 : entity(c->cp, put);
		if (w >= 0)
			return w;
		if (strchr("\\`*_[]|~#!", (int)c->cp) || (c->at == 0 && strchr("-+=", (int)c->cp)) ||
		    ends_list_number(c))
			return snprintf(put, 16, "\\%c", (char)c->cp);
		if (c->at == 0 && c->cp == ' ')
			return snprintf(put, 16, "&#32;"); /* four leading spaces make a code block */
		return -1;
	}
	char v[16];
	int w = visible(c, v);
	if (w < 0)
		return -1;
	/* the backslash of "\x1b" doubled, so Markdown shows it */
	return snprintf(put, 16, "\\%s", v);
}

static int unit_html(const struct ch *c, char put[16])
{
	if (c->valid && (c->cp == '\n' || c->cp == '\t'))
		return -1;
	int w = c->valid ? entity(c->cp, put) : -1;
	return w >= 0 ? w : visible(c, put);
}

static int unit_xml(const struct ch *c, char put[16], bool attribute)
{
	if (c->valid && c->cp == '\r')
		return snprintf(put, 16, "&#13;");
	if (c->valid && (c->cp == '\n' || c->cp == '\t'))
		return attribute ? snprintf(put, 16, "&#%u;", c->cp) : -1;
	if (c->valid && (c->cp == 0xfffe || c->cp == 0xffff))
		return snprintf(put, 16, "\\u%04x", c->cp);
	if (c->valid && c->cp == '\'')
		return snprintf(put, 16, "&apos;"); /* XML's own name for it */
	int w = c->valid ? entity(c->cp, put) : -1;
	return w >= 0 ? w : visible(c, put);
}

static int unit_xml_text(const struct ch *c, char put[16])
{
	return unit_xml(c, put, false);
}

static int unit_xml_attr(const struct ch *c, char put[16])
{
	return unit_xml(c, put, true);
}

static int unit_csv(const struct ch *c, char put[16])
{
	if (c->cp == '"')
		return snprintf(put, 16, "\"\"");
	return -1;
}

size_t esc_terminal(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_terminal);
}

size_t esc_tap(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_tap);
}

size_t esc_markdown(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_markdown);
}

size_t esc_html(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_html);
}

size_t esc_xml_text(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_xml_text);
}

size_t esc_xml_attr(char *out, size_t outlen, const char *s)
{
	return run(out, outlen, s, unit_xml_attr);
}

size_t esc_csv(char *out, size_t outlen, const char *s)
{
	if (!strpbrk(s, ",\"\n\r"))
		return run(out, outlen, s, unit_csv);
	if (outlen < 3) {
		if (outlen)
			out[0] = '\0';
		return run(NULL, 0, s, unit_csv) + 2;
	}
	/* the quotes go around whatever fits between them */
	out[0] = '"';
	size_t need = run(out + 1, outlen - 2, s, unit_csv);
	size_t o = strlen(out);
	out[o] = '"';
	out[o + 1] = '\0';
	return need + 2;
}

void sb_esc(struct sbuf *b, esc_fn fn, const char *s)
{
	char small[256];
	size_t need = fn(small, sizeof small, s);
	if (need < sizeof small) {
		sb_printf(b, "%s", small);
		return;
	}
	char *big = malloc(need + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	fn(big, need + 1, s);
	sb_printf(b, "%s", big);
	free(big);
}
