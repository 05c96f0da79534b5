#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/keys.h"

size_t key_columns(unsigned kind, const struct column **cols, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < schema_column_count; i++)
		if (schema_columns[i].key & kind) {
			if (n < max)
				cols[n] = &schema_columns[i];
			n++;
		}
	return n < max ? n : max;
}

unsigned case_key_bit(const char *name)
{
	unsigned bit = 1;
	for (size_t i = 0; i < schema_column_count; i++)
		if (schema_columns[i].key & KEY_CASE) {
			if (!strcmp(schema_columns[i].name, name))
				return bit;
			bit <<= 1;
		}
	return 0;
}

void key_column_list(unsigned kind, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < schema_column_count && o < len; i++)
		if (schema_columns[i].key & kind)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", schema_columns[i].name);
}

static int key_of(const struct row *r, unsigned kind, unsigned ignore, char *buf, size_t len)
{
	size_t o = 0;
	unsigned bit = 1;
	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < schema_column_count; i++) {
		const struct column *c = &schema_columns[i];
		if (!(c->key & kind))
			continue;
		bool skip = kind == KEY_CASE && (ignore & bit);
		if (c->key & KEY_CASE)
			bit <<= 1;
		if (skip)
			continue;
		char v[256];
		row_field_text(r, c, v, sizeof v);
		o += (size_t)snprintf(buf + (o < len ? o : len), o < len ? len - o : 0, "%s\x1f", v);
	}
	return (int)o;
}

int case_key(const struct row *r, unsigned ignore, char *buf, size_t len)
{
	return key_of(r, KEY_CASE, ignore, buf, len);
}

int machine_key(const struct row *r, char *buf, size_t len)
{
	return key_of(r, KEY_MACHINE, 0, buf, len);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int case_key_set_build(struct case_key_set *s, const struct row *rows, size_t n)
{
	s->n = 0;
	s->keys = n ? malloc(n * sizeof *s->keys) : NULL;
	if (n && !s->keys)
		return -ENOMEM;
	for (; s->n < n; s->n++)
		case_key(&rows[s->n], 0, s->keys[s->n], sizeof *s->keys);
	if (s->n) /* qsort wants a base even for nothing */
		qsort(s->keys, s->n, sizeof *s->keys, key_cmp);
	return 0;
}

bool case_key_set_has(const struct case_key_set *s, const struct row *r)
{
	char key[CASE_KEY_LEN];
	case_key(r, 0, key, sizeof key);
	return s->n && bsearch(key, s->keys, s->n, sizeof *s->keys, key_cmp);
}

void case_key_set_free(struct case_key_set *s)
{
	free(s->keys);
	s->keys = NULL;
	s->n = 0;
}

bool same_case(const struct row *a, const struct row *b, unsigned ignore)
{
	char ka[CASE_KEY_LEN], kb[CASE_KEY_LEN];
	case_key(a, ignore, ka, sizeof ka);
	case_key(b, ignore, kb, sizeof kb);
	return !strcmp(ka, kb);
}

bool same_machine(const struct row *a, const struct row *b)
{
	char ka[512], kb[512];
	machine_key(a, ka, sizeof ka);
	machine_key(b, kb, sizeof kb);
	return !strcmp(ka, kb);
}
