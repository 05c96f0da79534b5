/*
 * A check's verdicts written as verdict.json (schema: check/SCHEMA.md), JUnit XML, TAP version 13
 * and terminal text, and verdict.json read back as the hostile input it may be. Text from the
 * facts (target names, sysfs strings, CPU names) is data in every format: escaped for XML and
 * JSON, kept on its line for TAP and the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/verdict_io.h"
#include "common/escape.h"
#include "common/util.h"
#include "common/json.h"
#include "common/version.h"

/* The reader's bounds: a verdict.json is a few KiB per target. */
#define VERDICT_JSON_MAX (4u << 20)
#define VERDICT_READ_MAX_TARGETS 4096


/* --- the fields of verdict.json, in the order they are written --- */

/* Top level: the check_run strings; max is what the reader keeps (0: not read back). */
struct run_field {
	const char *name;
	size_t off;
	size_t max;
};
#define RUN_AT(f) .off = offsetof(struct check_run, f)
#define FILE_SIZE(f) .max = sizeof(((struct verdict_file *)0)->f)
static const struct run_field run_fields[] = {
	{ .name = "run_id", RUN_AT(run_id), FILE_SIZE(run_id) },
	{ .name = "hostname", RUN_AT(hostname), FILE_SIZE(hostname) },
	{ .name = "arch", RUN_AT(arch), FILE_SIZE(arch) },
	{ .name = "cpu_model", RUN_AT(cpu_model) },
	{ .name = "os_release", RUN_AT(os_release) },
	{ .name = "env", RUN_AT(env), FILE_SIZE(env) },
	{ .name = "platform", RUN_AT(platform) },
	{ .name = "host_kernel", RUN_AT(host_kernel) },
	{ .name = "emulated", RUN_AT(emulated) },
};
#define NRUN_FIELDS (sizeof run_fields / sizeof run_fields[0])

static const char *run_value(const struct check_run *run, const struct run_field *rf)
{
	const char *s = *(const char *const *)((const char *)run + rf->off);
	return s ? s : "";
}

/* Per target. */
enum field_kind { F_STR, F_VERDICT, F_BOOL, F_EVIDENCE, F_ADVICE, F_NUM };
struct target_field {
	const char *name;
	enum field_kind kind;
	size_t off, size;
};
#define TV_AT(f) .off = offsetof(struct target_verdict, f), .size = sizeof(((struct target_verdict *)0)->f)
static const struct target_field target_fields[] = {
	{ .name = "target", .kind = F_STR, TV_AT(target) },
	{ .name = "map", .kind = F_STR, TV_AT(map) },
	{ .name = "device", .kind = F_STR, TV_AT(device) },
	{ .name = "memtype_requested", .kind = F_STR, TV_AT(memtype_requested) },
	{ .name = "memtype_os", .kind = F_STR, TV_AT(memtype_os) },
	{ .name = "memtype_effective", .kind = F_STR, TV_AT(memtype_effective) },
	{ .name = "memtype_predicted", .kind = F_STR, TV_AT(memtype_predicted) },
	{ .name = "verdict", .kind = F_VERDICT, TV_AT(verdict) },
	{ .name = "rule", .kind = F_STR, TV_AT(rule) },
	{ .name = "rule_text", .kind = F_STR, TV_AT(rule_text) },
	{ .name = "conflict", .kind = F_BOOL, TV_AT(conflict) },
	{ .name = "evidence", .kind = F_EVIDENCE },
	{ .name = "advice", .kind = F_ADVICE },
	{ .name = "gb_per_s_8", .kind = F_NUM, TV_AT(gbps_8) },
	{ .name = "gb_per_s_8_fenced", .kind = F_NUM, TV_AT(gbps_8_fenced) },
	{ .name = "gb_per_s_64", .kind = F_NUM, TV_AT(gbps_64) },
	{ .name = "tlp8_ceiling_gb_per_s", .kind = F_NUM, TV_AT(tlp8_ceiling) },
	{ .name = "tlp64_ceiling_gb_per_s", .kind = F_NUM, TV_AT(tlp64_ceiling) },
	{ .name = "wc_uc_ratio", .kind = F_NUM, TV_AT(wc_uc_ratio) },
	{ .name = "link", .kind = F_STR, TV_AT(link) },
};
#define NTARGET_FIELDS (sizeof target_fields / sizeof target_fields[0])

/* What the reader keeps of a target: strings, bounded by their fields. */
struct entry_field {
	const char *name;
	size_t off, size;
};
#define VE_STR(f) .off = offsetof(struct verdict_entry, f), .size = sizeof(((struct verdict_entry *)0)->f)
/* What the writer writes from a field fits the reader's field of the same name. */
#define FITS(f) (sizeof(((struct verdict_entry *)0)->f) >= sizeof(((struct target_verdict *)0)->f))
_Static_assert(FITS(target) && FITS(map) && FITS(memtype_requested) && FITS(memtype_effective) &&
	       FITS(rule) && sizeof(((struct verdict_entry *)0)->advice) >= sizeof(((struct target_verdict *)0)->advice[0]),
	       "verdict_entry holds less than target_verdict writes");
static const struct entry_field entry_fields[] = {
	{ .name = "target", VE_STR(target) },
	{ .name = "map", VE_STR(map) },
	{ .name = "memtype_requested", VE_STR(memtype_requested) },
	{ .name = "memtype_effective", VE_STR(memtype_effective) },
	{ .name = "rule", VE_STR(rule) },
};

/* --- writing whole files --- */

/* Close a memory stream and put its text in path. */
static int finish_file(FILE *mem, char **text, size_t *len, const char *path, char *err, size_t errlen)
{
	bool bad = ferror(mem);
	int rc = fclose(mem) || bad ? -ENOMEM : 0;
	if (rc)
		snprintf(err, errlen, "%s: out of memory", path);
	else
		rc = replace_file(path, *text, *len, err, errlen);
	free(*text);
	*text = NULL;
	return rc;
}

/* The name of a verdict; one out of range reads as unknown, as it is counted. */
static const char *vname(enum verdict v)
{
	return verdict_name((unsigned)v < VERDICT_COUNT ? v : VERDICT_UNKNOWN);
}

static void count_verdicts(const struct target_verdict *v, size_t n, size_t count[VERDICT_COUNT])
{
	memset(count, 0, VERDICT_COUNT * sizeof *count);
	for (size_t i = 0; i < n; i++)
		count[(unsigned)v[i].verdict < VERDICT_COUNT ? v[i].verdict : VERDICT_UNKNOWN]++;
}

static unsigned nevidence(const struct target_verdict *v)
{
	return v->nevidence < VERDICT_MAX_EVIDENCE ? v->nevidence : VERDICT_MAX_EVIDENCE;
}

static unsigned nadvice(const struct target_verdict *v)
{
	return v->nadvice < VERDICT_MAX_ADVICE ? v->nadvice : VERDICT_MAX_ADVICE;
}

/* --- verdict.json --- */

static void json_number(FILE *f, double x)
{
	if (isfinite(x))
		fprintf(f, "%.6g", x);
	else
		fputs("null", f);
}

static void json_evidence(FILE *f, const struct target_verdict *v)
{
	fputc('[', f);
	for (unsigned k = 0; k < nevidence(v); k++) {
		const struct evidence *e = &v->evidence[k];
		fprintf(f, "%s\n        {\"kind\": ", k ? "," : "");
		json_str(f, e->kind);
		fputs(", \"observed\": ", f);
		json_str(f, e->observed);
		fputs(", \"expected\": ", f);
		json_str(f, e->expected);
		fputs(", \"source\": ", f);
		json_str(f, e->source);
		fputs(", \"points_to\": ", f);
		json_str(f, vname(e->points_to));
		fputc('}', f);
	}
	fputs(nevidence(v) ? "\n      ]" : "]", f);
}

static void json_target(FILE *f, const struct target_verdict *v)
{
	fputs("    {", f);
	for (size_t i = 0; i < NTARGET_FIELDS; i++) {
		const struct target_field *tf = &target_fields[i];
		const void *at = (const char *)v + tf->off;
		fprintf(f, "%s\n      \"%s\": ", i ? "," : "", tf->name);
		switch (tf->kind) {
		case F_STR:
			json_strn(f, at, tf->size - 1);
			break;
		case F_VERDICT:
			json_str(f, vname(*(const enum verdict *)at));
			break;
		case F_BOOL:
			fputs(*(const bool *)at ? "true" : "false", f);
			break;
		case F_EVIDENCE:
			json_evidence(f, v);
			break;
		case F_ADVICE:
			fputc('[', f);
			for (unsigned k = 0; k < nadvice(v); k++) {
				fputs(k ? ", " : "", f);
				json_strn(f, v->advice[k], sizeof v->advice[k] - 1);
			}
			fputc(']', f);
			break;
		case F_NUM:
			json_number(f, *(const double *)at);
			break;
		}
	}
	fputs("\n    }", f);
}

int verdict_json_write(const char *dir, const struct check_run *run, const struct target_verdict *v,
		       size_t n, char *err, size_t errlen)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	if (snprintf(path, sizeof path, "%s/verdict.json", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	fprintf(f, "{\n  \"schema_version\": %d,\n  \"wcbench_version\": ", VERDICT_SCHEMA_VERSION);
	json_str(f, wcbench_version);
	for (size_t i = 0; i < NRUN_FIELDS; i++) {
		fprintf(f, ",\n  \"%s\": ", run_fields[i].name);
		/* what the reader keeps, it reads back whole */
		json_strn(f, run_value(run, &run_fields[i]), run_fields[i].max ? run_fields[i].max - 1 : SIZE_MAX);
	}
	size_t count[VERDICT_COUNT];
	count_verdicts(v, n, count);
	fputs(",\n  \"summary\": {", f);
	for (int k = 0; k < VERDICT_COUNT; k++)
		fprintf(f, "%s\"%s\": %zu", k ? ", " : "", vname((enum verdict)k), count[k]);
	fputs("},\n  \"targets\": [", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "\n", f);
		json_target(f, &v[i]);
	}
	fputs(n ? "\n  ]\n}\n" : "]\n}\n", f);
	return finish_file(f, &text, &len, path, err, errlen);
}

/* --- one line of text (TAP, terminal) --- */

/* s on one line, for the reader's messages (the emitters below escape through common/escape.h). */
static void one_line(const char *s, bool tap_description, char *out, size_t outlen)
{
	utf8_one_line(s, tap_description ? "\\#" : NULL, out, outlen);
}

static const char *or_dash(const char *s)
{
	return s[0] ? s : "-";
}

#define DETAIL_LINE 1400

/* The detail of a verdict, one line at a time (raw: each writer makes it safe): the rule, the
 * memory types, the conflict, each item of evidence, each advice. */
static void detail_lines(const struct target_verdict *v, void (*emit)(void *ctx, const char *line), void *ctx)
{
	char line[DETAIL_LINE];
	snprintf(line, sizeof line, "rule %s: %s", or_dash(v->rule), or_dash(v->rule_text));
	emit(ctx, line);
	snprintf(line, sizeof line, "memory type: requested %s, OS reports %s, effective %s, predicted %s",
		 or_dash(v->memtype_requested), or_dash(v->memtype_os), or_dash(v->memtype_effective),
		 or_dash(v->memtype_predicted));
	emit(ctx, line);
	if (v->conflict)
		emit(ctx, "conflict: the evidence disagrees (the items of kind conflict say how)");
	for (unsigned k = 0; k < nevidence(v); k++) {
		const struct evidence *e = &v->evidence[k];
		char points[32] = "";
		if (e->points_to != VERDICT_UNKNOWN) /* unknown: neutral, it decides nothing alone */
			snprintf(points, sizeof points, " (points to %s)", vname(e->points_to));
		snprintf(line, sizeof line, "evidence %s%s: %s%s%s%s%s%s", or_dash(e->kind), points,
			 or_dash(e->observed), e->expected[0] ? "; expected " : "",
			 e->expected, e->source[0] ? " [" : "", e->source, e->source[0] ? "]" : "");
		emit(ctx, line);
	}
	for (unsigned k = 0; k < nadvice(v); k++) {
		snprintf(line, sizeof line, "advice: %s", v->advice[k]);
		emit(ctx, line);
	}
}

struct line_out {
	FILE *f;
	const char *prefix;
};

static void emit_line(void *ctx, const char *line)
{
	const struct line_out *lo = ctx;
	char clean[DETAIL_LINE * 4];
	esc_terminal(clean, sizeof clean, line);
	fprintf(lo->f, "%s%s\n", lo->prefix, clean);
}

static bool is_failure(enum verdict v)
{
	return v == VERDICT_BROKEN || v == VERDICT_DEGRADED;
}

void verdict_tap_write(FILE *f, const struct target_verdict *v, size_t n)
{
	size_t count[VERDICT_COUNT];
	count_verdicts(v, n, count);
	fprintf(f, "TAP version 13\n1..%zu\n", n);
	struct line_out lo = { .f = f, .prefix = "# " };
	for (size_t i = 0; i < n; i++) {
		char name[sizeof v->target * 4 + 8], why[sizeof v->rule_text * 4];
		esc_tap(name, sizeof name, v[i].target);
		/* diagnostics first, then the result line, as kselftest prints a test's output */
		detail_lines(&v[i], emit_line, &lo);
		if (v[i].verdict == VERDICT_UNKNOWN || (unsigned)v[i].verdict >= VERDICT_COUNT) {
			esc_tap(why, sizeof why, v[i].rule_text);
			fprintf(f, "ok %zu %s # SKIP unknown: %s\n", i + 1, name, or_dash(why));
		} else {
			fprintf(f, "%s %zu %s # %s\n", is_failure(v[i].verdict) ? "not ok" : "ok", i + 1, name,
				vname(v[i].verdict));
		}
	}
	fprintf(f, "# Totals: pass:%zu fail:%zu xfail:0 xpass:0 skip:%zu error:0\n", count[VERDICT_WORKS],
		count[VERDICT_DEGRADED] + count[VERDICT_BROKEN], count[VERDICT_UNKNOWN]);
}

static int text_width(const struct target_verdict *v, size_t n, size_t off, size_t cap)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		char clean[200];
		esc_terminal(clean, sizeof clean, (const char *)&v[i] + off);
		size_t l = strlen(clean);
		if (l > w)
			w = l;
	}
	return (int)(w < cap ? w : cap);
}

void verdict_text_write(FILE *f, const struct target_verdict *v, size_t n)
{
	int wt = text_width(v, n, offsetof(struct target_verdict, target), 48);
	int wm = text_width(v, n, offsetof(struct target_verdict, map), 20);
	struct line_out lo = { .f = f, .prefix = "    " };
	for (size_t i = 0; i < n; i++) {
		char target[sizeof v->target * 4], map[64], req[64], eff[64], rule[80];
		esc_terminal(target, sizeof target, v[i].target);
		esc_terminal(map, sizeof map, v[i].map);
		esc_terminal(req, sizeof req, or_dash(v[i].memtype_requested));
		esc_terminal(eff, sizeof eff, v[i].memtype_effective[0] ? v[i].memtype_effective : "unknown");
		esc_terminal(rule, sizeof rule, or_dash(v[i].rule));
		fprintf(f, "%-*s  %-8s  %-*s  %s -> %s  (%s)\n", wt, target, vname(v[i].verdict), wm,
			or_dash(map), req, eff, rule);
		detail_lines(&v[i], emit_line, &lo);
	}
}

/* --- JUnit XML --- */

/* s as XML 1.0 character data or a double-quoted attribute value (common/escape.h). */
static void xml_put(FILE *f, const char *s, bool attribute)
{
	esc_fn fn = attribute ? esc_xml_attr : esc_xml_text;
	size_t need = fn(NULL, 0, s);
	char *x = malloc(need + 1);
	if (!x) {
		fputs("(out of memory)", f);
		return;
	}
	fn(x, need + 1, s);
	fputs(x, f);
	free(x);
}

static void emit_xml_line(void *ctx, const char *line)
{
	FILE *f = ctx;
	xml_put(f, line, false);
	fputc('\n', f);
}

static void junit_testcase(FILE *f, const struct target_verdict *v)
{
	fputs("  <testcase classname=\"wcbench.check\" name=\"", f);
	xml_put(f, v->target, true);
	fputs("\">\n", f);
	const char *vn = vname(v->verdict);
	char msg[sizeof v->rule_text + 80];
	snprintf(msg, sizeof msg, "%s (rule %s): %s", vn, or_dash(v->rule), or_dash(v->rule_text));
	if (is_failure(v->verdict)) {
		fprintf(f, "    <failure type=\"%s\" message=\"", vn);
		xml_put(f, msg, true);
		fputs("\">", f);
		detail_lines(v, emit_xml_line, f);
		fputs("</failure>\n", f);
	} else {
		if (v->verdict != VERDICT_WORKS) {
			fputs("    <skipped message=\"", f);
			xml_put(f, msg, true);
			fputs("\"/>\n", f);
		}
		fputs("    <system-out>", f);
		detail_lines(v, emit_xml_line, f);
		fputs("</system-out>\n", f);
	}
	fputs("  </testcase>\n", f);
}

int verdict_junit_write(const char *path, const struct check_run *run, const struct target_verdict *v,
			size_t n, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	size_t count[VERDICT_COUNT];
	count_verdicts(v, n, count);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<testsuite name=\"wcbench check\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\"",
		n, count[VERDICT_BROKEN] + count[VERDICT_DEGRADED], count[VERDICT_UNKNOWN]);
	fputs(" hostname=\"", f);
	xml_put(f, run->hostname ? run->hostname : "", true);
	fputs("\">\n  <properties>\n", f);
	for (size_t i = 0; i < NRUN_FIELDS; i++) {
		fprintf(f, "    <property name=\"%s\" value=\"", run_fields[i].name);
		xml_put(f, run_value(run, &run_fields[i]), true);
		fputs("\"/>\n", f);
	}
	fputs("  </properties>\n", f);
	for (size_t i = 0; i < n; i++)
		junit_testcase(f, &v[i]);
	fputs("</testsuite>\n", f);
	return finish_file(f, &text, &len, path, err, errlen);
}

/* --- verdict.json read back --- */

struct reader {
	const char *file;
	const struct json_doc *doc;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3))) refuse(struct reader *r, const char *fmt, ...)
{
	int o = snprintf(r->err, r->errlen, "%s: ", r->file);
	if (o >= 0 && (size_t)o < r->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err + o, r->errlen - (size_t)o, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* The member key of o as a string of fewer than size bytes, into dst. */
static int get_string(struct reader *r, const struct json_node *o, const char *where, const char *key,
		      char *dst, size_t size)
{
	const struct json_node *m = json_member(r->doc, o, key);
	if (!m)
		return refuse(r, "%s%s is missing", where, key);
	if (m->type != JSON_STRING)
		return refuse(r, "%s%s is %s, not a string", where, key, json_type_name(m->type));
	if (m->len >= size)
		return refuse(r, "%s%s: %zu bytes, more than the %zu it may hold", where, key, m->len, size - 1);
	memcpy(dst, m->str, m->len + 1);
	return 0;
}

static int read_entry(struct reader *r, const struct json_node *t, size_t i, struct verdict_entry *e)
{
	char where[48];
	snprintf(where, sizeof where, "targets[%zu].", i);
	if (t->type != JSON_OBJECT)
		return refuse(r, "targets[%zu] is %s, not an object", i, json_type_name(t->type));
	for (size_t k = 0; k < sizeof entry_fields / sizeof entry_fields[0]; k++) {
		int rc = get_string(r, t, where, entry_fields[k].name, (char *)e + entry_fields[k].off,
				    entry_fields[k].size);
		if (rc)
			return rc;
	}
	char vname[16];
	int rc = get_string(r, t, where, "verdict", vname, sizeof vname);
	int v = rc ? -1 : verdict_parse(vname);
	if (rc)
		return rc;
	if (v < 0) {
		char shown[64];
		one_line(vname, false, shown, sizeof shown);
		return refuse(r, "%sverdict '%s' is not works, degraded, broken or unknown", where, shown);
	}
	e->verdict = (enum verdict)v;
	const struct json_node *adv = json_member(r->doc, t, "advice");
	if (!adv)
		return refuse(r, "%sadvice is missing", where);
	if (adv->type != JSON_ARRAY)
		return refuse(r, "%sadvice is %s, not an array", where, json_type_name(adv->type));
	size_t k = 0;
	for (const struct json_node *a = json_first(r->doc, adv); a; a = json_next(r->doc, a), k++) {
		if (a->type != JSON_STRING)
			return refuse(r, "%sadvice[%zu] is %s, not a string", where, k, json_type_name(a->type));
		if (k == 0 && a->len >= sizeof e->advice)
			return refuse(r, "%sadvice[0]: %zu bytes, more than the %zu it may hold", where, a->len,
				      sizeof e->advice - 1);
		if (k == 0)
			memcpy(e->advice, a->str, a->len + 1);
	}
	return 0;
}

static int read_doc(struct reader *r, struct verdict_file *vf)
{
	const struct json_node *root = &r->doc->node[0];
	if (root->type != JSON_OBJECT)
		return refuse(r, "%s, not a JSON object", json_type_name(root->type));
	const struct json_node *sv = json_member(r->doc, root, "schema_version");
	if (!sv || sv->type != JSON_NUMBER)
		return refuse(r, "no schema_version number: not a verdict.json of wcbench check");
	/* said as written: "%g" would show 1.0000000001 as the 1 this reader takes */
	char shown[JSON_MAX_NUMBER_CHARS + 1];
	utf8_one_line(sv->str, NULL, shown, sizeof shown);
	if (strpbrk(sv->str, ".eE")) /* 1.0 and 1e0 too: a version is written as an integer */
		return refuse(r, "schema_version is %s, not a whole number: a schema version is 1, 2, ...; "
			      "this wcbench reads version %d", shown, VERDICT_SCHEMA_VERSION);
	if (sv->number != VERDICT_SCHEMA_VERSION)
		return refuse(r, "schema version %s; this wcbench reads version %d", shown,
			      VERDICT_SCHEMA_VERSION);
	int rc = get_string(r, root, "", "run_id", vf->run_id, sizeof vf->run_id);
	if (!rc)
		rc = get_string(r, root, "", "hostname", vf->hostname, sizeof vf->hostname);
	if (!rc)
		rc = get_string(r, root, "", "arch", vf->arch, sizeof vf->arch);
	if (!rc)
		rc = get_string(r, root, "", "env", vf->env, sizeof vf->env);
	if (rc)
		return rc;
	const struct json_node *tg = json_member(r->doc, root, "targets");
	if (!tg)
		return refuse(r, "targets is missing");
	if (tg->type != JSON_ARRAY)
		return refuse(r, "targets is %s, not an array", json_type_name(tg->type));
	if (tg->len > VERDICT_READ_MAX_TARGETS)
		return refuse(r, "%zu targets, more than the %d this reader takes", tg->len,
			      VERDICT_READ_MAX_TARGETS);
	vf->e = calloc(tg->len ? tg->len : 1, sizeof *vf->e);
	if (!vf->e)
		return refuse(r, "out of memory");
	size_t i = 0;
	for (const struct json_node *t = json_first(r->doc, tg); t; t = json_next(r->doc, t), i++) {
		rc = read_entry(r, t, i, &vf->e[i]);
		if (rc)
			return rc;
	}
	vf->n = i;
	return 0;
}

int verdict_json_read(const char *path, struct verdict_file *vf, char *err, size_t errlen)
{
	char file[PATH_MAX], why[PATH_MAX + 200];
	struct stat st;
	memset(vf, 0, sizeof *vf);
	if (errlen)
		err[0] = '\0';
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		snprintf(file, sizeof file, "%s/verdict.json", path);
	else
		snprintf(file, sizeof file, "%s", path);
	size_t len = 0;
	char *text = read_regular_file(file, VERDICT_JSON_MAX, &len, why, sizeof why);
	if (!text) {
		if (errno == ENOENT)
			return -ENOENT;
		snprintf(err, errlen, "%s", why);
		return -EINVAL;
	}
	struct json_doc doc;
	struct reader r = { .file = file, .doc = &doc, .err = err, .errlen = errlen };
	int rc = json_parse(text, len, &doc, why, sizeof why);
	free(text);
	if (rc) {
		snprintf(err, errlen, "%s: %s", file, why);
		return rc == -ENOMEM ? -ENOMEM : -EINVAL;
	}
	rc = read_doc(&r, vf);
	json_doc_free(&doc);
	if (rc) {
		verdict_file_free(vf);
		memset(vf, 0, sizeof *vf);
	}
	return rc;
}

void verdict_file_free(struct verdict_file *vf)
{
	free(vf->e);
	vf->e = NULL;
	vf->n = 0;
}
