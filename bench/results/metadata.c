/* metadata.json: written once when a run starts, amended by each --resume. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/util.h"
#include "core/stats.h"
#include "core/stop_rule.h"
#include "core/place.h"
#include "core/timer.h"
#include "kernels.h"
#include "common/json.h"
#include "common/version.h"
#include "results/metadata.h"
#include "results/schema.h"

#define METADATA_MAX (1UL << 20)

static void utc_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void write_command_line(FILE *f, const struct run_metadata *md)
{
	fputc('[', f);
	for (int i = 0; i < md->argc; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, md->argv[i]);
	}
	fputc(']', f);
}

/* How cases are sampled: the stop rule and its parameters, as one JSON object. */
static void write_sampling(FILE *f, const struct run_metadata *md)
{
	const struct stop_rule rule = { .precision = md->precision, .min_samples = md->min_samples,
					.max_samples = md->max_samples, .budget_ns = md->budget_s * 1e9 };
	char rule_text[400];
	if (md->latency)
		snprintf(rule_text, sizeof rule_text, "latency mode: single bursts, each timed alone with its drain, "
			 "up to %u per thread or %g s per case (a row says when fewer than %u per thread were "
			 "timed); the median's interval is over those bursts", md->max_samples, md->budget_s,
			 md->min_samples);
	else
		stop_rule_describe(&rule, rule_text, sizeof rule_text);
	fprintf(f, "{\"mode\": \"%s\", \"budget_s\": %g, \"min_sample_s\": %g, \"min_samples\": %u, \"max_samples\": %u, "
		   "\"precision\": %g, \"confidence\": %g, \"stop_rule\": ",
		md->latency ? "latency" : "throughput", md->budget_s, md->min_sample_s, md->min_samples, md->max_samples, md->precision,
		MEDIAN_CI_CONFIDENCE);
	json_str(f, rule_text);
	fputc('}', f);
}

/* A memory stream's text, or -ENOMEM. */
static int close_text(FILE *mem, char **text, char *err, size_t errlen)
{
	bool bad = ferror(mem);
	if (fclose(mem) || bad) {
		free(*text);
		*text = NULL;
		snprintf(err, errlen, "metadata.json: out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* The value as the loose reader gives it back once written, so stored and wanted compare alike. */
static void stored_form(const char *value, char *out, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	out[0] = '\0';
	FILE *mem = open_memstream(&text, &n);
	if (!mem)
		return;
	fputs("{\"v\": ", mem);
	json_str(mem, value);
	fputs("}", mem);
	if (!fclose(mem))
		json_get(text, "v", out, len);
	free(text);
}

int metadata_write(const char *dir, const struct run_metadata *md, char *err, size_t errlen)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	const struct machine_info *m = md->machine;
	const struct timer_info *ti = timer_init();
	fprintf(f, "{\n  \"schema_version\": %d,\n  \"wcbench_version\": ", SCHEMA_VERSION);
	json_str(f, wcbench_version);
	fprintf(f, ",\n  \"run_id\": ");
	json_str(f, md->run_id);
	fprintf(f, ",\n  \"env\": ");
	json_str(f, md->env);
	const char *kv[][2] = {
		{ "hostname", m->hostname }, { "arch", m->arch }, { "cpu_model", m->cpu_model },
		{ "cpu_id", m->cpu_id }, { "os_release", m->os_release }, { "hwcaps", m->hwcaps },
		{ "hypervisor", m->hypervisor }, { "transparent_hugepage", m->thp },
		{ "topology_source", place_source() }, { "timer", ti->name },
		{ "timer_frequency_source", ti->freq_note },
	};
	for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
		fprintf(f, ",\n  \"%s\": ", kv[i][0]);
		json_str(f, kv[i][1]);
	}
	fprintf(f, ",\n  \"timer_hz\": %.0f,\n  \"timer_cost_ns\": %.2f,\n  \"timer_resolution_ns\": %.3f",
		ti->hz, ti->cost_ns, ti->resolution_ns);
	fprintf(f, ",\n  \"pattern_hex\": \"");
	for (int i = 0; i < PATTERN_BYTES; i++)
		fprintf(f, "%02x", store_pattern[i]);
	fprintf(f, "\",\n  \"sampling\": ");
	write_sampling(f, md);
	/* the options a --resume must repeat (compared by metadata_check_resume) */
	fprintf(f, ",\n  \"must_match_on_resume\": {");
	for (size_t i = 0; i < md->noptions; i++) {
		fprintf(f, "%s\"option_%s\": ", i ? ", " : "", md->options[i].name);
		json_str(f, md->options[i].value);
	}
	fprintf(f, "},\n  \"command_line\": ");
	write_command_line(f, md);
	char ts[40];
	utc_now(ts, sizeof ts);
	fprintf(f, ",\n  \"started_utc\": \"%s\"", ts);
	/* the lists later sessions append to (append_to_list) */
	if (md->probe)
		fprintf(f, ",\n  \"memtype_probes\": []");
	fprintf(f, ",\n  \"" MACHINE_REF_LIST "\": []");
	fprintf(f, ",\n  \"resumes\": []\n}\n");
	int rc = close_text(f, &text, err, errlen);
	if (!rc)
		rc = replace_file(path, text, len, err, errlen);
	free(text);
	return rc;
}

static char *read_metadata(const char *dir, char *path, size_t pathlen, char *err, size_t errlen)
{
	snprintf(path, pathlen, "%s/metadata.json", dir);
	char why[PATH_MAX + 100];
	char *text = read_regular_file(path, METADATA_MAX, NULL, why, sizeof why);
	if (!text)
		snprintf(err, errlen, "--resume: %s: cannot tell whether this is the same run", why);
	return text;
}

int metadata_check_resume(const char *dir, const struct run_metadata *md, char *run_id,
			  size_t idlen, long *version, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *text = read_metadata(dir, path, sizeof path, err, errlen);
	if (!text) /* a read error is the disk's (-EIO: exit 1); a file that is no metadata, usage */
		return errno == EINVAL || errno == ELOOP || errno == EFBIG || errno == ENOENT ? -EINVAL : -EIO;
	int rc = 0;
	char stored[24];
	json_get(text, "schema_version", stored, sizeof stored);
	size_t digits = strspn(stored, "0123456789");
	json_get(text, "run_id", run_id, idlen);
	*version = digits && !stored[digits] && digits <= 9 ? atol(stored) : 0;
	if (*version < 1) {
		snprintf(err, errlen, "--resume: %s has no schema_version this wcbench can read: cannot tell "
			 "whether this is the same run", path);
		rc = -EINVAL;
	} else if (*version > SCHEMA_VERSION) {
		schema_refuse_resume(err, errlen, path, *version);
		rc = -EINVAL;
	} else if (!run_id[0]) {
		snprintf(err, errlen, "--resume: %s names no run_id", path);
		rc = -EINVAL;
	}
	for (size_t i = 0; i < md->noptions && !rc; i++) {
		const struct resume_option *opt = &md->options[i];
		char key[64], had[1024], want[1024];
		snprintf(key, sizeof key, "option_%s", opt->name);
		json_get(text, key, had, sizeof had);
		stored_form(opt->value, want, sizeof want);
		bool recorded = strstr(text, key) != NULL;
		/* a version before the option existed ran every case without it */
		if (!recorded && *version < (long)opt->since && opt->earlier) {
			stored_form(opt->earlier, had, sizeof had);
			recorded = true;
		}
		if (!recorded) {
			snprintf(err, errlen, "--resume: %s does not record --%s: cannot tell whether this is the same run",
				 path, opt->name);
			rc = -EINVAL;
		} else if (strcmp(had, want)) {
			snprintf(err, errlen, "--resume: --%s is '%.200s' but the run in %s used '%.200s': "
				 "resume with the run's options, or start a new run", opt->name,
				 want, dir, had);
			rc = -EINVAL;
		}
	}
	free(text);
	return rc;
}

/* JSON text, read as a hostile file: p at a '"'; just past the closing quote, or NULL. */
static const char *skip_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\\') { /* an escape: the next character is not the end */
			if (!*++p)
				return NULL;
		} else if (*p == '"') {
			return p + 1;
		}
	}
	return NULL;
}

/* p at '[' or '{': just past its matching bracket (strings skipped), or NULL. */
static const char *skip_nested(const char *p)
{
	size_t depth = 0;
	while (*p) {
		if (*p == '"') {
			p = skip_string(p);
			if (!p)
				return NULL;
			continue;
		}
		if (*p == '[' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == '}') && --depth == 0)
			return p + 1;
		p++;
	}
	return NULL;
}

#define JSON_SPACE " \t\r\n"

/* The value of the top-level member `name` of the object in text: from *open to *close (its last
 * character: the ']' of a list). 0; 1 when the object has no such member (*close then at the
 * object's closing '}'); -1 when text is not such an object. */
static int member_value(const char *text, const char *name, const char **open, const char **close)
{
	const char *p = text + strspn(text, JSON_SPACE);
	if (*p++ != '{')
		return -1;
	for (bool first = true;; first = false) {
		p += strspn(p, JSON_SPACE);
		if (first && *p == '}') {
			*close = p;
			return 1;
		}
		if (*p != '"')
			return -1;
		const char *key = p + 1, *key_end = skip_string(p);
		if (!key_end)
			return -1;
		p = key_end + strspn(key_end, JSON_SPACE);
		if (*p++ != ':')
			return -1;
		p += strspn(p, JSON_SPACE);
		const char *value = p;
		if (*p == '"')
			p = skip_string(p);
		else if (*p == '[' || *p == '{')
			p = skip_nested(p);
		else
			p += strcspn(p, ",}]" JSON_SPACE);
		if (!p || p == value)
			return -1;
		size_t key_len = (size_t)(key_end - 1 - key);
		if (key_len == strlen(name) && !memcmp(key, name, key_len)) {
			*open = value;
			*close = p - 1;
			return 0;
		}
		p += strspn(p, JSON_SPACE);
		if (*p == '}') {
			*close = p;
			return 1;
		}
		if (*p++ != ',')
			return -1;
	}
}

/* A change to metadata.json's text: [at, end) replaced by text. */
struct splice {
	const char *at, *end;
	char *text; /* malloc'd */
};

static int splice_cmp(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;
	return (x->at > y->at) - (x->at < y->at);
}

/* The splice that appends entry (one JSON value) to the top-level list `name` of text; with
 * create, a file without that list (one an earlier wcbench wrote) gains it, holding the entry, as
 * its last member. 0, or -EINVAL (no such list: one line in err) / -ENOMEM. */
static int list_append(const char *text, const char *path, const char *name, const char *entry, bool create,
		       struct splice *s, char *err, size_t errlen)
{
	const char *open, *close;
	int found = member_value(text, name, &open, &close);
	if (found == 1 && create) {
		const char *last = close;
		while (strchr(JSON_SPACE, last[-1]))
			last--; /* text starts with '{': this stops there at the latest */
		*s = (struct splice){ .at = last, .end = last };
		if (asprintf(&s->text, "%s\n  \"%s\": [\n    %s\n  ]", *last == '{' ? "" : ",", name, entry) < 0) {
			s->text = NULL;
			snprintf(err, errlen, "%s: out of memory", path);
			return -ENOMEM;
		}
		return 0;
	}
	if (found || *open != '[') {
		snprintf(err, errlen, "%s: holds no \"%s\" list to add to", path, name);
		return -EINVAL;
	}
	const char *last = close;
	while (last > open + 1 && strchr(JSON_SPACE, last[-1]))
		last--;
	*s = (struct splice){ .at = last, .end = close };
	if (asprintf(&s->text, "%s\n    %s\n  ", last == open + 1 ? "" : ",", entry) < 0) {
		s->text = NULL;
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	return 0;
}

/* The splices that make text a run of this schema version (md->upgraded_from: the one it was):
 * schema_version set to this version, and every option md names that the earlier version did not
 * record yet added to must_match_on_resume with the value that version had (the value of this
 * resume: metadata_check_resume compared them). 0, or -EINVAL / -ENOMEM with one line in err. */
static int upgrade_splices(const char *text, const char *path, const struct run_metadata *md,
			   struct splice s[2], size_t *n, char *err, size_t errlen)
{
	const char *open, *close;
	*n = 0;
	if (member_value(text, "schema_version", &open, &close)) {
		snprintf(err, errlen, "%s: holds no schema_version to update", path);
		return -EINVAL;
	}
	s[0] = (struct splice){ .at = open, .end = close + 1 };
	if (asprintf(&s[0].text, "%d", SCHEMA_VERSION) < 0) {
		s[0].text = NULL;
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	*n = 1;
	if (member_value(text, "must_match_on_resume", &open, &close) || *open != '{') {
		snprintf(err, errlen, "%s: holds no must_match_on_resume object to update", path);
		return -EINVAL;
	}
	const char *last = close;
	while (last > open + 1 && strchr(JSON_SPACE, last[-1]))
		last--;
	char *added = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&added, &len);
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	bool empty = last == open + 1;
	for (size_t i = 0; i < md->noptions; i++) {
		const struct resume_option *opt = &md->options[i];
		char key[80];
		snprintf(key, sizeof key, "\"option_%s\"", opt->name);
		if ((long)opt->since <= md->upgraded_from || memmem(open, (size_t)(close - open), key, strlen(key)))
			continue;
		fprintf(f, "%s%s: ", empty ? "" : ", ", key);
		json_str(f, opt->value);
		empty = false;
	}
	if (close_text(f, &added, err, errlen))
		return -ENOMEM;
	s[1] = (struct splice){ .at = last, .end = last, .text = added };
	*n = 2;
	return 0;
}

/* DIR/metadata.json with the splices made (ns of them, freed here), written whole. 0, or -errno
 * with one line in err. */
static int write_spliced(const char *path, const char *text, struct splice *s, size_t ns, char *err,
			 size_t errlen)
{
	qsort(s, ns, sizeof *s, splice_cmp);
	char *out = NULL;
	size_t len = 0;
	int rc = 0;
	FILE *f = open_memstream(&out, &len);
	const char *p = text;
	for (size_t i = 0; f && i < ns; i++) {
		if (s[i].at < p) { /* overlapping: not a file metadata_write wrote */
			snprintf(err, errlen, "%s: members out of their order: not changed", path);
			rc = -EINVAL;
			break;
		}
		fwrite(p, 1, (size_t)(s[i].at - p), f);
		fputs(s[i].text, f);
		p = s[i].end;
	}
	if (f)
		fputs(p, f);
	for (size_t i = 0; i < ns; i++)
		free(s[i].text);
	if (!f) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	if (close_text(f, &out, err, errlen))
		return -ENOMEM;
	if (!rc)
		rc = replace_file(path, out, len, err, errlen);
	free(out);
	return rc;
}

/* Append entry (one JSON value) to the top-level list `name` of DIR/metadata.json, keeping
 * everything else as it was; with md (a resume that upgraded the run), upgrade_splices too. 0, or
 * -errno with one line in err. */
static int append_to_list(const char *dir, const char *name, const char *entry, bool create,
			  const struct run_metadata *md, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *text = read_metadata(dir, path, sizeof path, err, errlen);
	if (!text)
		return -EINVAL;
	struct splice s[3] = { 0 };
	size_t ns = 0;
	int rc = md ? upgrade_splices(text, path, md, s, &ns, err, errlen) : 0;
	if (!rc && !(rc = list_append(text, path, name, entry, create, &s[ns], err, errlen)))
		ns++;
	if (rc) {
		for (size_t i = 0; i < ns; i++)
			free(s[i].text);
	} else {
		rc = write_spliced(path, text, s, ns, err, errlen);
	}
	free(text);
	return rc;
}

/* A new entry of one of the file's lists, built in memory: the stream, and the time (ts, 40
 * bytes) it is stamped with. NULL (err set) when out of memory. */
static FILE *entry_open(const char *dir, char **entry, size_t *len, char *ts, char *err, size_t errlen)
{
	utc_now(ts, 40);
	FILE *f = open_memstream(entry, len);
	if (!f)
		snprintf(err, errlen, "%s/metadata.json: out of memory", dir);
	return f;
}

/* The entry written into f appended to the list `list` of dir's metadata.json (and the schema
 * upgrade of md recorded, when md is not NULL). 0 or -errno with err set. */
static int entry_append(FILE *f, char **entry, const char *dir, const char *list, const struct run_metadata *md,
			char *err, size_t errlen)
{
	int rc = close_text(f, entry, err, errlen);
	/* the machine reference came after runs that are still resumed: their file gains the list */
	if (!rc)
		rc = append_to_list(dir, list, *entry, !strcmp(list, MACHINE_REF_LIST), md, err, errlen);
	free(*entry);
	return rc;
}

int metadata_add_resume(const char *dir, const struct run_metadata *md, char *err, size_t errlen)
{
	char ts[40], *entry = NULL;
	size_t len = 0;
	FILE *f = entry_open(dir, &entry, &len, ts, err, errlen);
	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"utc\": \"%s\", \"wcbench_version\": ", ts);
	json_str(f, wcbench_version);
	/* the rows from here on are of this version (the file's schema_version says so too) */
	if (md->upgraded_from)
		fprintf(f, ", \"upgraded_from_schema\": %ld", md->upgraded_from);
	fputs(", \"sampling\": ", f);
	write_sampling(f, md);
	fputs(", \"command_line\": ", f);
	write_command_line(f, md);
	fputc('}', f);
	return entry_append(f, &entry, dir, "resumes", md->upgraded_from ? md : NULL, err, errlen);
}

int metadata_add_memtype_probe(const char *dir, const char *target, const char *memtype_effective,
			       const char *how, char *err, size_t errlen)
{
	char ts[40], *entry = NULL;
	size_t len = 0;
	FILE *f = entry_open(dir, &entry, &len, ts, err, errlen);
	if (!f)
		return -ENOMEM;
	fputs("{\"target\": ", f);
	json_str(f, target);
	fputs(", \"memtype_effective\": ", f);
	json_str(f, memtype_effective);
	fputs(", \"how\": ", f);
	json_str(f, how);
	fprintf(f, ", \"utc\": \"%s\"}", ts);
	return entry_append(f, &entry, dir, "memtype_probes", NULL, err, errlen);
}

int metadata_add_machine_reference(const char *dir, const struct machine_ref *r, char *err, size_t errlen)
{
	char ts[40], *entry = NULL, what[200];
	size_t len = 0;
	FILE *f = entry_open(dir, &entry, &len, ts, err, errlen);
	if (!f)
		return -ENOMEM;
	reference_describe(r->kind, r->kernel, r->buffer_bytes, r->cpu, what, sizeof what);
	fprintf(f, "{\"utc\": \"%s\", \"when\": ", ts);
	json_str(f, r->when);
	fputs(", \"kind\": ", f);
	json_str(f, ref_kinds[r->kind].name);
	fputs(", \"what\": ", f);
	json_str(f, what);
	fputs(", \"kernel\": ", f);
	json_str(f, r->kernel);
	fprintf(f, ", \"buffer_bytes\": %llu, \"cpu\": %d, \"ns_per_kib_median\": %.6g, \"ns_per_kib_ci_lo\": %.6g, "
		   "\"ns_per_kib_ci_hi\": %.6g, \"samples\": %u}", (unsigned long long)r->buffer_bytes, r->cpu, r->median,
		r->ci_lo, r->ci_hi, r->samples);
	return entry_append(f, &entry, dir, MACHINE_REF_LIST, NULL, err, errlen);
}

/* A whole number member of o in [lo, hi] into *v: NULL, or what is wrong with it. */
static const char *ref_whole(const struct json_doc *doc, const struct json_node *o, const char *key, double lo,
			     double hi, double *v)
{
	const struct json_node *x = json_member(doc, o, key);
	if (!x)
		return "missing";
	if (x->type != JSON_NUMBER || x->number != floor(x->number) || x->number < lo || x->number > hi)
		return "not a whole number in range";
	*v = x->number;
	return NULL;
}

/* One entry of the list into r: NULL, or the member that is wrong ("key: why", in why). */
static const char *ref_entry(const struct json_doc *doc, const struct json_node *o, struct machine_ref *r,
			     char *why, size_t whylen)
{
	if (o->type != JSON_OBJECT)
		return "not an object";
	const struct json_node *w = json_member(doc, o, "when"), *k = json_member(doc, o, "kernel");
	if (!w || w->type != JSON_STRING || (strcmp(w->str, "start") && strcmp(w->str, "end")))
		return "when: not \"start\" or \"end\"";
	if (!k || k->type != JSON_STRING || !k->len || k->len >= sizeof r->kernel ||
	    strspn(k->str, "abcdefghijklmnopqrstuvwxyz0123456789_") != k->len)
		return "kernel: not a kernel name";
	snprintf(r->when, sizeof r->when, "%s", w->str);
	snprintf(r->kernel, sizeof r->kernel, "%s", k->str);
	/* an entry without a kind is of a wcbench that took the core reference alone */
	const struct json_node *kind = json_member(doc, o, "kind");
	r->kind = REF_CORE;
	if (kind && (kind->type != JSON_STRING || strlen(kind->str) != kind->len || ref_kind_parse(kind->str, &r->kind)))
		return "kind: not \"core\" or \"memory\"";
	double cpu, samples, bytes = (double)ref_kinds[r->kind].buffer_bytes;
	const char *bad;
	if (json_member(doc, o, "buffer_bytes") && (bad = ref_whole(doc, o, "buffer_bytes", 64, 0x1p40, &bytes))) {
		snprintf(why, whylen, "buffer_bytes: %s", bad);
		return why;
	}
	r->buffer_bytes = (uint64_t)bytes;
	if ((bad = ref_whole(doc, o, "cpu", 0, PLACE_MAX_CPUS * 1024.0, &cpu))) {
		snprintf(why, whylen, "cpu: %s", bad);
		return why;
	}
	if ((bad = ref_whole(doc, o, "samples", 1, 1e9, &samples))) {
		snprintf(why, whylen, "samples: %s", bad);
		return why;
	}
	r->cpu = (int)cpu;
	r->samples = (unsigned)samples;
	static const char *const keys[3] = { "ns_per_kib_ci_lo", "ns_per_kib_median", "ns_per_kib_ci_hi" };
	double v[3];
	for (int i = 0; i < 3; i++) {
		const struct json_node *x = json_member(doc, o, keys[i]);
		if (!x || x->type != JSON_NUMBER || !(x->number >= MACHINE_REF_NS_MIN && x->number <= MACHINE_REF_NS_MAX)) {
			snprintf(why, whylen, "%s: not a number of ns per KiB in %g..%g", keys[i], MACHINE_REF_NS_MIN,
				 MACHINE_REF_NS_MAX);
			return why;
		}
		v[i] = x->number;
	}
	if (!(v[0] <= v[1] && v[1] <= v[2]))
		return "ns_per_kib_ci_lo <= ns_per_kib_median <= ns_per_kib_ci_hi does not hold";
	r->ci_lo = v[0], r->median = v[1], r->ci_hi = v[2];
	return NULL;
}

void machine_refs_parse(const char *text, size_t len, struct machine_refs *out)
{
	memset(out, 0, sizeof *out);
	struct json_doc doc;
	char err[200];
	if (json_parse(text, len, &doc, err, sizeof err)) {
		snprintf(out->why, sizeof out->why, "metadata.json is not JSON this reader takes (%s)", err);
		return;
	}
	const struct json_node *root = &doc.node[0];
	const struct json_node *id = json_member(&doc, root, "run_id");
	const struct json_node *list = json_member(&doc, root, MACHINE_REF_LIST);
	if (root->type != JSON_OBJECT)
		snprintf(out->why, sizeof out->why, "metadata.json is not an object");
	else if (!list)
		snprintf(out->why, sizeof out->why, "metadata.json has no " MACHINE_REF_LIST
			 " (a run of an earlier wcbench)");
	else if (list->type != JSON_ARRAY)
		snprintf(out->why, sizeof out->why, "metadata.json's " MACHINE_REF_LIST " is not a list");
	else if (!list->len)
		snprintf(out->why, sizeof out->why, "metadata.json's " MACHINE_REF_LIST " is empty");
	else if (list->len > MACHINE_REFS_MAX)
		snprintf(out->why, sizeof out->why, "metadata.json's " MACHINE_REF_LIST " has %zu entries, more "
			 "than the %d this reader takes", list->len, MACHINE_REFS_MAX);
	if (out->why[0]) {
		json_doc_free(&doc);
		return;
	}
	if (id && id->type == JSON_STRING)
		snprintf(out->run_id, sizeof out->run_id, "%s", id->str);
	size_t i = 0;
	for (const struct json_node *e = json_first(&doc, list); e; e = json_next(&doc, e), i++) {
		char why[160];
		const char *bad = ref_entry(&doc, e, &out->r[i], why, sizeof why);
		if (bad) {
			snprintf(out->why, sizeof out->why, "metadata.json's " MACHINE_REF_LIST " entry %zu: %s",
				 i + 1, bad);
			memset(out->r, 0, sizeof out->r);
			json_doc_free(&doc);
			return;
		}
	}
	out->n = i;
	json_doc_free(&doc);
}

void metadata_read_machine_refs(const char *dir, struct machine_refs *out)
{
	char path[PATH_MAX], why[PATH_MAX + 100];
	size_t len = 0;
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	char *text = read_regular_file(path, METADATA_MAX, &len, why, sizeof why);
	if (!text) {
		memset(out, 0, sizeof *out);
		if (errno == ENOENT)
			snprintf(out->why, sizeof out->why, "no metadata.json beside its rows");
		else
			utf8_one_line(why, NULL, out->why, sizeof out->why);
		return;
	}
	machine_refs_parse(text, len, out);
	free(text);
}
