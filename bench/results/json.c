#include <stdio.h>
#include <string.h>

#include "results/json.h"

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* The value of "key" in a flat JSON object, read loosely: a string (with \" and \\ undone) or
 * a bare number/word. Empty when absent or malformed; never fails. */
void json_get(const char *json, const char *key, char *out, size_t len)
{
	char pat[80];
	out[0] = '\0';
	if (!json)
		return;
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *p = strstr(json, pat);
	if (!p)
		return;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	if (*p != ':')
		return;
	p++;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	size_t o = 0;
	if (*p == '"') {
		for (p++; *p && *p != '"' && o + 1 < len; p++) {
			if (*p == '\\' && p[1])
				p++;
			out[o++] = (*p == '\n' || *p == '\t') ? ' ' : *p;
		}
	} else {
		for (; *p && !strchr(",}]\n\r", *p) && o + 1 < len; p++)
			out[o++] = *p;
		while (o && out[o - 1] == ' ')
			o--;
	}
	out[o] = '\0';
}
