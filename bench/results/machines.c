#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/json.h"
#include "results/keys.h"
#include "results/machines.h"

size_t set_add(struct strset *s, const char *x)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i], x))
			return i;
	if (s->n == SET_MAX)
		return SET_MAX;
	snprintf(s->v[s->n], SET_W, "%s", x);
	return s->n++;
}

void set_join(const struct strset *s, const char *sep, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? sep : "", s->v[i]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int machine_push(struct report_machine *m, const struct row *r)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		const struct row **v = realloc(m->rows, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		m->rows = v;
		m->cap = cap;
	}
	m->rows[m->n++] = r;
	return 0;
}

static int machine_has(const struct report_machine *m, const struct row *r)
{
	return m->n && same_machine(m->rows[0], r);
}

void slugify(const char *s, char *out, size_t len)
{
	size_t o = 0;
	int dash = 0;
	for (; *s && o + 1 < len; s++) {
		char c = *s;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
			out[o++] = c;
			dash = 0;
		} else if (c >= 'A' && c <= 'Z') {
			out[o++] = (char)(c - 'A' + 'a');
			dash = 0;
		} else if (!dash && o) {
			out[o++] = '-';
			dash = 1;
		}
	}
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

static void machine_meta(struct report_machine *m)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/metadata.json", m->rs->dir);
	char *js = read_regular_file(path, 1 << 16, NULL, NULL, 0);
	if (!js)
		return;
	char rid[64];
	json_get(js, "run_id", rid, sizeof rid);
	/* a metadata.json of another run (a CSV copied next to it) says nothing about this one */
	if (!rid[0] || !strcmp(rid, m->run_id)) {
		json_get(js, "hostname", m->hostname, sizeof m->hostname);
		json_get(js, "hypervisor", m->hypervisor, sizeof m->hypervisor);
		json_get(js, "cpu_id", m->cpu_id, sizeof m->cpu_id);
		json_get(js, "timer_hz", m->timer_hz, sizeof m->timer_hz);
		json_get(js, "timer_resolution_ns", m->timer_res, sizeof m->timer_res);
		json_get(js, "timer_frequency_source", m->timer_src, sizeof m->timer_src);
		json_get(js, "wcbench_version", m->version, sizeof m->version);
		json_get(js, "pattern_hex", m->pattern, sizeof m->pattern);
		json_get(js, "stop_rule", m->stop_rule, sizeof m->stop_rule);
		json_get(js, "started_utc", m->started, sizeof m->started);
	}
	free(js);
}

static void machine_derive(struct report_machine *m)
{
	m->smin = ~0u;
	double *t = calloc(m->n ? m->n : 1, sizeof *t);
	size_t nt = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct row *r = m->rows[i];
		m->nstat[r->status]++;
		set_add(&m->memtypes, r->memtype);
		if (r->status != STATUS_OK)
			continue;
		if (strcmp(r->mode, "latency"))
			m->nthroughput_ok++;
		set_add(&m->drains, r->drain);
		set_add(&m->timers, r->timer);
		char th[16];
		snprintf(th, sizeof th, "%u", r->threads);
		set_add(&m->threads, th);
		if (r->samples < m->smin)
			m->smin = r->samples;
		if (r->samples > m->smax)
			m->smax = r->samples;
		if (t && !isnan(r->timer_ns))
			t[nt++] = r->timer_ns;
	}
	if (m->smin == ~0u)
		m->smin = 0;
	m->timer_ns = NAN;
	if (t && nt) {
		qsort(t, nt, sizeof *t, cmp_double);
		m->timer_ns = t[nt / 2];
	}
	free(t);
}

int same_series(const struct row *r, const struct row *s)
{
	return same_case(r, s, case_key_bit("burst_bytes"));
}

int row_ok(const struct row *r)
{
	return r->status == STATUS_OK && !isnan(r->gb_per_s_median) && r->gb_per_s_median > 0;
}

const struct row *best_row(const struct report_machine *m, const char *mt, uint64_t burst)
{
	const struct row *best = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct row *r = m->rows[i];
		if (!row_ok(r) || !strcmp(r->mode, "latency") || strcmp(r->memtype, mt) || (burst && r->burst_bytes != burst))
			continue;
		if (!best || r->gb_per_s_median > best->gb_per_s_median)
			best = r;
	}
	return best;
}


/* Tag, directory name and short name, once metadata.json has been read. */
static void machine_name(struct report_machine *m, size_t idx)
{
	snprintf(m->tag, sizeof m->tag, "M%zu", idx + 1);
	char s[200];
	snprintf(s, sizeof s, "m%zu-%s-%s-%s", idx + 1, m->arch, m->env,
		 m->hostname[0] ? m->hostname : m->os_release);
	slugify(s, m->slug, 48);
	if (m->hostname[0])
		snprintf(m->shortname, sizeof m->shortname, "%s %s %s", m->hostname, m->arch, m->env);
	else
		snprintf(m->shortname, sizeof m->shortname, "%s %s", m->arch, m->env);
}

/* The machine of r in ms[0..*nm), added when new. NULL with err set on failure. */
static struct report_machine *machine_of(const struct row *r, const struct result_set *rs,
				  struct report_machine **ms, size_t *nm, size_t *cap, char *err, size_t errlen)
{
	for (size_t m = 0; m < *nm; m++)
		if (machine_has(&(*ms)[m], r))
			return &(*ms)[m];
	if (*nm == MACHINES_MAX) {
		snprintf(err, errlen, "more than %d machines (cpu_model, os_release, env, arch, run_id) in the runs given",
			 MACHINES_MAX);
		return NULL;
	}
	if (*nm == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		struct report_machine *x = realloc(*ms, c * sizeof *x);
		if (!x) {
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
		*ms = x;
		*cap = c;
	}
	struct report_machine *n = &(*ms)[(*nm)++];
	memset(n, 0, sizeof *n);
	snprintf(n->cpu_model, sizeof n->cpu_model, "%s", r->cpu_model);
	snprintf(n->os_release, sizeof n->os_release, "%s", r->os_release);
	snprintf(n->env, sizeof n->env, "%s", r->env);
	snprintf(n->arch, sizeof n->arch, "%s", r->arch);
	snprintf(n->run_id, sizeof n->run_id, "%s", r->run_id);
	n->rs = rs;
	return n;
}

int machines_group(const struct result_set *rs, size_t nruns, struct report_machine **ms, size_t *nm,
		   char *err, size_t errlen)
{
	size_t cap = 0;
	*ms = NULL;
	*nm = 0;
	for (size_t k = 0; k < nruns; k++)
		for (size_t i = 0; i < rs[k].nrows; i++) {
			const struct row *r = &rs[k].rows[i];
			struct report_machine *m = machine_of(r, &rs[k], ms, nm, &cap, err, errlen);
			int rc = m ? machine_push(m, r) : (*nm == MACHINES_MAX ? -E2BIG : -ENOMEM);
			if (m && rc)
				snprintf(err, errlen, "out of memory");
			if (rc) {
				machines_free(*ms, *nm);
				*ms = NULL;
				*nm = 0;
				return rc;
			}
		}
	for (size_t i = 0; i < *nm; i++) {
		machine_meta(&(*ms)[i]);
		machine_derive(&(*ms)[i]);
		machine_name(&(*ms)[i], i);
	}
	return 0;
}

void machines_free(struct report_machine *ms, size_t nm)
{
	for (size_t i = 0; i < nm; i++)
		free(ms[i].rows);
	free(ms);
}
