/*
 * check/verdict_io.c and the strict JSON reader under it (common/json.c): verdict.json written
 * and read back, hostile verdict.json files refused with one line, and JUnit/TAP/text made from
 * hostile strings. With WCBENCH_UNIT_ARTIFACTS naming a directory, the JUnit, TAP, text and
 * verdict.json made from those strings are left there for tests/t_verdict_formats.sh.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "check/verdict_io.h"
#include "common/util.h"
#include "common/json.h"

static char tmpdir[PATH_MAX];

static void sample(struct target_verdict *v, const char *target, enum verdict vd)
{
	memset(v, 0, sizeof *v);
	snprintf(v->target, sizeof v->target, "%s", target);
	snprintf(v->map, sizeof v->map, "sysfs-resource-wc");
	snprintf(v->device, sizeof v->device, "0000:01:00.0 bar2");
	snprintf(v->memtype_requested, sizeof v->memtype_requested, "Normal-NC");
	snprintf(v->memtype_os, sizeof v->memtype_os, "unknown");
	snprintf(v->memtype_effective, sizeof v->memtype_effective, "Device");
	snprintf(v->memtype_predicted, sizeof v->memtype_predicted, "Normal-NC or Device-nGnRE");
	v->verdict = vd;
	snprintf(v->rule, sizeof v->rule, "probe-device");
	snprintf(v->rule_text, sizeof v->rule_text, "the probe saw Device memory: stores cannot combine");
	v->nevidence = 2;
	snprintf(v->evidence[0].kind, sizeof v->evidence[0].kind, "memtype-probe");
	snprintf(v->evidence[0].observed, sizeof v->evidence[0].observed, "SIGBUS BUS_ADRALN at window+1");
	snprintf(v->evidence[0].expected, sizeof v->evidence[0].expected, "no fault (Normal)");
	snprintf(v->evidence[0].source, sizeof v->evidence[0].source, "Arm ARM B2.8");
	v->evidence[0].points_to = VERDICT_BROKEN;
	snprintf(v->evidence[1].kind, sizeof v->evidence[1].kind, "throughput-8B");
	snprintf(v->evidence[1].observed, sizeof v->evidence[1].observed, "0.2 GB/s");
	v->evidence[1].points_to = VERDICT_UNKNOWN;
	v->nadvice = 2;
	snprintf(v->advice[0], sizeof v->advice[0], "map resource2_wc instead");
	snprintf(v->advice[1], sizeof v->advice[1], "check the host kernel");
	v->gbps_8 = 0.25;
	v->gbps_8_fenced = NAN;
	v->gbps_64 = 3.5;
	v->tlp8_ceiling = NAN;
	v->tlp64_ceiling = 24.75;
	v->wc_uc_ratio = 1.0;
	snprintf(v->link, sizeof v->link, "gen4x16");
}

static const struct check_run sample_run = {
	.run_id = "20260101T000000.000Z-box-1", .hostname = "box", .arch = "aarch64",
	.cpu_model = "cpu \"x\"", .os_release = "6.12.0", .env = "guest",
	.platform = "MIDR implementer 0x00: QEMU", .host_kernel = "", .emulated = "yes",
};

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* data as DIR/verdict.json, read back with verdict_json_read(DIR): its return value, err set. */
static int read_this(const void *data, size_t len, char *err, size_t errlen)
{
	char path[PATH_MAX + 32];
	path_in(path, sizeof path, "verdict.json");
	unlink(path);
	if (write_file(path, data, len))
		return -999;
	struct verdict_file vf;
	int rc = verdict_json_read(tmpdir, &vf, err, errlen);
	verdict_file_free(&vf);
	return rc;
}

/* Refused with -EINVAL and one line that names the file and says needle. */
static void refused(const char *what, const char *data, size_t len, const char *needle)
{
	char err[1024] = "";
	int rc = read_this(data, len, err, sizeof err);
	CHECK(rc == -EINVAL && err[0] && !strchr(err, '\n') && strstr(err, "verdict.json: ") &&
	      (!needle || strstr(err, needle)), "verdict.json read: %s refused with one line (%s)", what, err);
}

static const char good_target[] =
	"{\"target\": \"ram\", \"map\": \"anon\", \"memtype_requested\": \"WB\", "
	"\"memtype_effective\": \"Normal\", \"verdict\": \"works\", \"rule\": \"r\", \"advice\": []}";

/* A verdict.json around one target object (its text t) with a schema_version sv. */
static char *file_with(const char *sv, const char *t)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"schema_version\": %s, \"run_id\": \"r\", \"hostname\": \"h\", \"arch\": \"x86_64\", "
		      "\"env\": \"host\", \"targets\": [%s]}", sv, t);
	return b.s;
}

static void refused_target(const char *what, const char *t, const char *needle)
{
	char *s = file_with("1", t);
	refused(what, s, strlen(s), needle);
	free(s);
}

static void test_json_parse(void)
{
	struct json_doc d;
	char err[256];
	const char *ok = " {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\\n\"], \"c\": {\"a\": 2}, \"b\": {}} ";
	CHECK(json_parse(ok, strlen(ok), &d, err, sizeof err) == 0, "json_parse: a valid document (%s)", err);
	const struct json_node *a = json_member(&d, &d.node[0], "a");
	const struct json_node *e = a ? json_first(&d, a) : NULL;
	CHECK(a && a->type == JSON_ARRAY && a->len == 6 && e && e->number == 1 &&
	      json_next(&d, e)->number == -2500, "json_parse: members in order, a name in another object its own");
	const struct json_node *s = e;
	for (int i = 0; i < 5 && s; i++)
		s = json_next(&d, s);
	CHECK(s && s->type == JSON_STRING && !strcmp(s->str, "x\xc3\xa9\xf0\x9f\x98\x80\n") && s->len == 8,
	      "json_parse: escapes and a surrogate pair decode to UTF-8");
	CHECK(!json_member(&d, a, "a") && !json_first(&d, s), "json_parse: no member of an array, no child of a string");
	json_doc_free(&d);
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "ends" }, { "   ", "ends" }, { "01", "after" }, { "1.", "'.'" }, { "1e", "exponent" },
		{ "[1,]", "not a JSON value" }, { "{\"a\":1,}", "member name" }, { "{\"a\" 1}", "':'" },
		{ "tru", "not a JSON value" }, { "[1 2]", "','" }, { "\"abc", "does not end" },
		{ "\"a\x01\"", "control character" }, { "\"\\x\"", "unknown escape" },
		{ "\"\\u12\"", "four hex" }, { "\"\\udc00\"", "low surrogate" }, { "\"\\ud800x\"", "high surrogate" },
		{ "\"\\u0000\"", "NUL" }, { "\"\xff\"", "UTF-8" }, { "\"\xc0\xaf\"", "UTF-8" },
		{ "\"\xed\xa0\x80\"", "UTF-8" }, { "1e999", "range" }, { "{} x", "after" }, { "[", "ends" },
		{ "{\"a\":", "ends" }, { "\xef\xbb\xbf{}", "not a JSON value" },
		{ "12345678901234567890123456789012345678901", "characters" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		int rc = json_parse(bad[i].text, strlen(bad[i].text), &d, err, sizeof err);
		CHECK(rc == -EINVAL && strstr(err, bad[i].why) && !d.node && !d.pool,
		      "json_parse: '%.20s' refused (%s)", bad[i].text[0] == '"' ? "a string" : bad[i].text, err);
	}
	/* a repeated member name, at every depth, in its decoded form: refused at its second place */
	static const struct {
		const char *text, *what, *where;
	} dup[] = {
		{ "{\"verdict\":\"works\",\"verdict\":\"broken\"}", "\"verdict\" repeats", "column 20" },
		{ "{\"t\": [{\"v\": 1}, {\"v\": 1, \"w\": 2, \"v\": 3}]}", "\"v\" repeats", "column 35" },
		{ "{\"x\": {\"y\": {\"z\": {\"k\": 1,\n \"k\": 2}}}}", "\"k\" repeats", "line 2 column 2" },
		{ "{\"a\": 1, \"\\u0061\": 2}", "\"a\" repeats", "column 10" },
		{ "{\"b\": 1, \"a\": 2, \"c\": 3, \"a\": 4, \"b\": 5}", "repeats", "column" },
	};
	for (size_t i = 0; i < sizeof dup / sizeof dup[0]; i++) {
		err[0] = '\0';
		int rc = json_parse(dup[i].text, strlen(dup[i].text), &d, err, sizeof err);
		CHECK(rc == -EINVAL && strstr(err, dup[i].what) && strstr(err, dup[i].where) && !d.node,
		      "json_parse: a repeated member name refused, named, at its second place (%s)", err);
	}
	/* many distinct names in one object: read, in n log n (not n squared) */
	struct sbuf many = { 0 };
	sb_printf(&many, "{");
	for (int i = 0; i < 100000; i++)
		sb_printf(&many, "%s\"k%d\": %d", i ? "," : "", i, i);
	sb_printf(&many, "}");
	err[0] = '\0';
	CHECK(!many.oom && json_parse(many.s, many.len, &d, err, sizeof err) == 0 && d.node[0].len == 100000,
	      "json_parse: 100000 distinct member names in one object read (%s)", err);
	json_doc_free(&d);
	many.len--; /* the closing brace: one more member, a name the first 100000 had */
	sb_printf(&many, ", \"k99999\": 0}");
	CHECK(!many.oom && json_parse(many.s, many.len, &d, err, sizeof err) == -EINVAL && strstr(err, "\"k99999\" repeats"),
	      "json_parse: the 100001st member repeating a name refused (%s)", err);
	sb_free(&many);
	/* the loose reader gives nothing of a document whose names repeat */
	char v[32];
	json_get("{\"run_id\": \"a\", \"x\": {\"run_id\": \"c\"}}", "run_id", v, sizeof v);
	bool first = !strcmp(v, "a");
	json_get("{\"run_id\": \"a\", \"run_id\": \"b\"}", "run_id", v, sizeof v);
	CHECK(first && !v[0], "json_get: the first of a name in two objects; nothing of a name twice in one (%s)", v);
	json_get("{\"run_id\": \"a\", \"broken\": [1, 2", "run_id", v, sizeof v);
	first = !strcmp(v, "a");
	json_get("{\"run_id\": \"a\", \"run_id\": \"b\", \"broken\": [1, 2", "run_id", v, sizeof v);
	CHECK(first && !v[0], "json_get: a document cut short read as far as it goes, but nothing of one naming run_id twice (%s)", v);
	CHECK(json_parse("[1,\0]", 5, &d, err, sizeof err) == -EINVAL && strstr(err, "NUL byte") &&
	      strstr(err, "column 4"), "json_parse: a NUL byte refused, its column named (%s)", err);
	char deep[2 * JSON_MAX_DEPTH + 3];
	for (int depth = JSON_MAX_DEPTH; depth <= JSON_MAX_DEPTH + 1; depth++) {
		memset(deep, '[', (size_t)depth);
		memset(deep + depth, ']', (size_t)depth);
		int rc = json_parse(deep, 2 * (size_t)depth, &d, err, sizeof err);
		if (depth == JSON_MAX_DEPTH) {
			CHECK(rc == 0, "json_parse: %d nested arrays read", depth);
			json_doc_free(&d);
		} else {
			CHECK(rc == -EINVAL && strstr(err, "nested"), "json_parse: %d nested arrays refused (%s)", depth, err);
		}
	}
}

static void test_json_strn(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_strn(f, "a\xc3\xa9z", 2);  /* 'a' fits, the 2-byte é does not */
	fputc(' ', f);
	json_str(f, "\xff\"\x01");       /* a stray byte, a quote, a control */
	fputc(' ', f);
	json_strn(f, "\xff\xff", 4);     /* U+FFFD is 3 bytes: one fits in 4 */
	fclose(f);
	CHECK(text && !strcmp(text, "\"a\" \"\xef\xbf\xbd\\\"\\u0001\" \"\xef\xbf\xbd\""),
	      "json_str: cut at a character, bytes that are not UTF-8 as U+FFFD (%s)", text ? text : "");
	free(text);
}

static bool same_entry(const struct verdict_entry *e, const struct target_verdict *v)
{
	return !strcmp(e->target, v->target) && !strcmp(e->map, v->map) &&
	       !strcmp(e->memtype_requested, v->memtype_requested) &&
	       !strcmp(e->memtype_effective, v->memtype_effective) && e->verdict == v->verdict &&
	       !strcmp(e->rule, v->rule) && !strcmp(e->advice, v->nadvice ? v->advice[0] : "");
}

/* The good file written by verdict_json_write, read back. Returns its text (for the hostile
 * variants), NULL on failure. */
static char *test_round_trip(size_t *len)
{
	struct target_verdict v[4];
	sample(&v[0], "sysfs-wc:0000:01:00.0:bar2", VERDICT_BROKEN);
	sample(&v[1], "ram", VERDICT_WORKS);
	v[1].nadvice = 0;
	sample(&v[2], "vfio:0000:02:00.0:bar0 \"quoted\" back\\slash\nnew line\ttab\x01 \xc2\xb5s", VERDICT_DEGRADED);
	snprintf(v[2].advice[0], sizeof v[2].advice[0], "<advice> & \"more\"");
	sample(&v[3], "file:/dev/shm/x", VERDICT_UNKNOWN);
	memset(v[3].rule, 'r', sizeof v[3].rule - 1);   /* a field filled to the last byte */
	char err[512] = "";
	int rc = verdict_json_write(tmpdir, &sample_run, v, 4, err, sizeof err);
	CHECK(rc == 0, "verdict_json_write: written (%s)", err);
	struct verdict_file vf;
	rc = verdict_json_read(tmpdir, &vf, err, sizeof err);
	CHECK(rc == 0 && vf.n == 4, "verdict_json_read: the file just written reads back (%s)", err);
	bool same = rc == 0 && vf.n == 4;
	for (size_t i = 0; same && i < 4; i++)
		same = same_entry(&vf.e[i], &v[i]);
	CHECK(same, "verdict.json round trip: target, map, memtypes, verdict, rule, first advice of 4 targets");
	CHECK(rc == 0 && !strcmp(vf.run_id, sample_run.run_id) && !strcmp(vf.hostname, "box") &&
	      !strcmp(vf.arch, "aarch64") && !strcmp(vf.env, "guest"), "verdict.json round trip: run_id, hostname, arch, env");
	verdict_file_free(&vf);

	char path[PATH_MAX + 32];
	path_in(path, sizeof path, "verdict.json");
	char *text = read_regular_file(path, 1 << 20, len, NULL, 0);
	CHECK(text && strstr(text, "\"schema_version\": 1,") && strstr(text, "\"gb_per_s_8_fenced\": null") &&
	      strstr(text, "\"gb_per_s_64\": 3.5") &&
	      strstr(text, "\"summary\": {\"works\": 1, \"degraded\": 1, \"broken\": 1, \"unknown\": 1}") &&
	      strstr(text, "\"points_to\": \"broken\"") && strstr(text, "\"conflict\": false"),
	      "verdict.json: schema_version, null for a figure not measured, summary per verdict, evidence");
	/* the temporary file was renamed, not left behind */
	char tmp[PATH_MAX + 64];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	CHECK(access(tmp, F_OK) && errno == ENOENT, "verdict_json_write: no temporary file left");

	/* the longest strings the writer writes read back, even of bytes that grow as U+FFFD */
	struct target_verdict w;
	sample(&w, "", VERDICT_WORKS);
	memset(w.target, 0xff, sizeof w.target - 1);
	memset(w.advice[0], 0xfe, sizeof w.advice[0] - 1);
	struct check_run run = sample_run;
	char longhost[200];
	memset(longhost, 'h', sizeof longhost - 1);
	longhost[sizeof longhost - 1] = '\0';
	run.hostname = longhost;
	char dir2[PATH_MAX];
	path_in(dir2, sizeof dir2, "long");
	mkdir(dir2, 0700);
	rc = verdict_json_write(dir2, &run, &w, 1, err, sizeof err);
	rc = rc ? rc : verdict_json_read(dir2, &vf, err, sizeof err);
	CHECK(rc == 0 && vf.n == 1 && strlen(vf.hostname) == sizeof vf.hostname - 1 &&
	      !strncmp(vf.e[0].target, "\xef\xbf\xbd", 3) && strlen(vf.e[0].target) < sizeof vf.e[0].target,
	      "verdict.json: the longest fields (and bytes that are not UTF-8) are written so they read back (%s)", err);
	verdict_file_free(&vf);
	path_in(path, sizeof path, "long/verdict.json");
	unlink(path);
	rmdir(dir2);
	return text;
}

/* Every cut of the good file, and the good file with single bytes changed. */
static void test_damaged(const char *good, size_t len)
{
	char err[1024];
	/* every cut of the good file */
	size_t bad_cuts = 0, first_bad = 0;
	for (size_t cut = 0; cut < len; cut++) {
		/* white space at the end is no damage */
		if (strspn(good + cut, " \n") == len - cut)
			continue;
		err[0] = '\0';
		int rc = read_this(good, cut, err, sizeof err);
		if (rc != -EINVAL || !err[0] || strchr(err, '\n')) {
			if (!bad_cuts++)
				first_bad = cut;
		}
	}
	CHECK(!bad_cuts, "verdict.json read: every cut of the file (%zu) refused with one line (%zu not, first at %zu)",
	      len, bad_cuts, first_bad);
	/* single bytes changed everywhere: read or refused, never a crash or a second line */
	char *m = malloc(len);
	size_t odd = 0;
	static const char subst[] = { '"', '\\', '{', ']', ',', 0, (char)0xff, '9', 'x' };
	for (size_t i = 0; m && i < len; i += 2) {
		for (size_t k = 0; k < sizeof subst; k++) {
			memcpy(m, good, len);
			m[i] = subst[k];
			err[0] = '\0';
			int rc = read_this(m, len, err, sizeof err);
			if (!(rc == 0 || (rc == -EINVAL && err[0] && !strchr(err, '\n'))))
				odd++;
		}
	}
	free(m);
	CHECK(!odd, "verdict.json read: %zu files with one byte changed: each read or refused with one line (%zu not)",
	      len / 2 * sizeof subst, odd);
}

/* Files made to hurt: deep, huge, of the wrong types, with NUL bytes, of another version. */
static void test_hostile_files(void)
{
	char err[1024];

	/* a name twice: read as works here and as broken by a reader that takes the last */
	refused_target("\"verdict\":\"works\",\"verdict\":\"broken\"",
		       "{\"target\": \"ram\", \"map\": \"anon\", \"memtype_requested\": \"WB\", "
		       "\"memtype_effective\": \"Normal\", \"verdict\":\"works\",\"verdict\":\"broken\", "
		       "\"rule\": \"r\", \"advice\": []}",
		       "the member name \"verdict\" repeats");
	char *twice = file_with("1, \"schema_version\": 2", good_target);
	refused("schema_version named twice", twice, strlen(twice), "the member name \"schema_version\" repeats");
	free(twice);

	/* deep nesting, in an unknown member */
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"schema_version\": 1, \"x\": ");
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "[");
	refused("100000 nested arrays", b.s, b.len, "nested more than");
	sb_free(&b);
	/* a huge string in a field, and a file over the size limit */
	char *huge = malloc(1 << 20);
	memset(huge, 'A', (1 << 20) - 1);
	huge[(1 << 20) - 1] = '\0';
	sb_printf(&b, "{\"target\": \"%s\", \"map\": \"anon\", \"memtype_requested\": \"WB\", "
		      "\"memtype_effective\": \"\", \"verdict\": \"works\", \"rule\": \"r\", \"advice\": []}", huge);
	refused_target("a target of 1 MiB", b.s, "more than the 159");
	sb_free(&b);
	sb_printf(&b, "{\"schema_version\": 1, \"pad\": [");
	for (int i = 0; i < 5; i++)
		sb_printf(&b, "%s\"%s\"", i ? "," : "", huge);
	sb_printf(&b, "]}");
	refused("a file of 5 MiB", b.s, b.len, "more than the");
	sb_free(&b);
	free(huge);
	/* wrong types and values */
	char *s = file_with("\"1\"", good_target);
	refused("schema_version as a string", s, strlen(s), "schema_version");
	free(s);
	s = file_with("2", good_target);
	refused("schema version 2", s, strlen(s), "schema version 2; this wcbench reads version 1");
	free(s);
	/* said as written, a version that is not a whole number refused as such (%g would say 1) */
	static const char *const not_whole[] = { "1.0000000001", "1.0", "1e0", "0.99999999999999999999" };
	for (size_t i = 0; i < sizeof not_whole / sizeof not_whole[0]; i++) {
		char want[120], what[80];
		snprintf(want, sizeof want, "schema_version is %s, not a whole number", not_whole[i]);
		snprintf(what, sizeof what, "schema_version %s", not_whole[i]);
		s = file_with(not_whole[i], good_target);
		refused(what, s, strlen(s), want);
		free(s);
	}
	s = file_with("100000000000000000001", good_target);
	refused("schema_version 100000000000000000001", s, strlen(s),
		"schema version 100000000000000000001; this wcbench reads version 1");
	free(s);
	refused("a JSON array", "[1]", 3, "an array, not a JSON object");
	refused("an empty file", "", 0, "ends");
	static const char targets_object[] = "{\"schema_version\": 1, \"run_id\": \"r\", \"hostname\": \"h\", "
					     "\"arch\": \"a\", \"env\": \"host\", \"targets\": {}}";
	refused("targets as an object", targets_object, strlen(targets_object), "targets is an object, not an array");
	refused_target("a target as a number", "7", "targets[0] is a number");
	refused_target("verdict as a number", "{\"target\": \"t\", \"map\": \"m\", \"memtype_requested\": \"WB\", "
		       "\"memtype_effective\": \"\", \"verdict\": 3, \"rule\": \"r\", \"advice\": []}",
		       "targets[0].verdict is a number, not a string");
	refused_target("target as null", "{\"target\": null}", "targets[0].target is null");
	refused_target("a missing map", "{\"target\": \"t\"}", "targets[0].map is missing");
	refused_target("an unknown verdict", "{\"target\": \"t\", \"map\": \"m\", \"memtype_requested\": \"WB\", "
		       "\"memtype_effective\": \"\", \"verdict\": \"gre\\nat\", \"rule\": \"r\", \"advice\": []}",
		       "verdict 'gre at' is not works");
	refused_target("advice as a string", "{\"target\": \"t\", \"map\": \"m\", \"memtype_requested\": \"WB\", "
		       "\"memtype_effective\": \"\", \"verdict\": \"works\", \"rule\": \"r\", \"advice\": \"x\"}",
		       "advice is a string, not an array");
	refused_target("advice of numbers", "{\"target\": \"t\", \"map\": \"m\", \"memtype_requested\": \"WB\", "
		       "\"memtype_effective\": \"\", \"verdict\": \"works\", \"rule\": \"r\", \"advice\": [\"a\", 1]}",
		       "advice[1] is a number");
	/* NUL bytes, raw and escaped */
	static const char nul[] = "{\"schema_version\": 1,\0 \"run_id\": \"r\"}";
	refused("a NUL byte", nul, sizeof nul - 1, "NUL byte");
	refused_target("\\u0000 in a string", "{\"target\": \"a\\u0000b\"}", "NUL character");
	/* unknown members are skipped, at the top and in a target */
	char *t = malloc(strlen(good_target) + 100);
	sprintf(t, "{\"future\": {\"a\": [1, {\"b\": null}]}, %s", good_target + 1);
	s = file_with("1", t);
	struct verdict_file vf;
	err[0] = '\0';
	int rc = read_this(s, strlen(s), err, sizeof err);
	CHECK(rc == 0, "verdict.json read: unknown members skipped (%s)", err);
	free(s);
	free(t);
	/* too many targets */
	sb_printf(&b, "%s", good_target);
	for (int i = 0; i < 4096; i++)
		sb_printf(&b, ",%s", good_target);
	s = file_with("1", b.s);
	refused("4097 targets", s, strlen(s), "more than the 4096");
	free(s);
	sb_free(&b);

	/* not a regular file, and no file */
	char dir[PATH_MAX + 32], path[PATH_MAX + 64];
	path_in(dir, sizeof dir, "fifo");
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/verdict.json", dir);
	rc = mkfifo(path, 0600);
	err[0] = '\0';
	rc = rc ? -999 : verdict_json_read(dir, &vf, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "not a regular file") && !strchr(err, '\n'),
	      "verdict.json read: a FIFO named verdict.json refused, without waiting for a writer (%s)", err);
	unlink(path);
	mkdir(path, 0700);
	rc = verdict_json_read(dir, &vf, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "not a regular file"), "verdict.json read: a directory named verdict.json refused (%s)", err);
	rmdir(path);
	rc = verdict_json_read("/dev/zero", &vf, err, sizeof err);
	CHECK(rc == -EINVAL && strstr(err, "not a regular file"), "verdict.json read: /dev/zero refused (%s)", err);
	strcpy(err, "x");
	rc = verdict_json_read(dir, &vf, err, sizeof err);
	CHECK(rc == -ENOENT && !err[0] && !vf.n && !vf.e, "verdict.json read: none there is -ENOENT, no message");
	rmdir(dir);
}

/* The hostile strings the formats must carry without breaking. */
static size_t hostile_verdicts(struct target_verdict *v)
{
	sample(&v[0], "ram", VERDICT_WORKS);
	sample(&v[1], "vfio:0000:01:00.0:bar2 <b>&amp; ]]> \"q\" 'a' # SKIP x\nnot ok 99 injected\r\x01\x1b[31m\x7f\xff",
	       VERDICT_BROKEN);
	snprintf(v[1].rule_text, sizeof v[1].rule_text, "rule with ]]> and <tag> & \"q\"\n# SKIP\nBail out! now\x02\x0b\x0c");
	snprintf(v[1].evidence[0].observed, sizeof v[1].evidence[0].observed,
		 "observed\n1..99\nok 98 fake\r\n\x1f\xc2\x9b end \xef\xbf\xbf");
	sample(&v[2], "sysfs-wc:0000:02:00.0:bar0 # TODO not really \\", VERDICT_DEGRADED);
	snprintf(v[2].advice[1], sizeof v[2].advice[1], "advice\twith a tab\nand a newline <&> ]]>");
	sample(&v[3], "file:/tmp/x\n# SKIP", VERDICT_UNKNOWN);
	snprintf(v[3].rule_text, sizeof v[3].rule_text, "not measured\nnot ok 5 fake # and ]]> & <");
	sample(&v[4], "ram:hugetlb", VERDICT_WORKS);
	v[4].nevidence = 0;
	v[4].nadvice = 0;
	sample(&v[5], "123 starts with digits", VERDICT_BROKEN);
	v[5].conflict = true;
	return 6;
}

static size_t count_lines_starting(const char *text, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		n += !strncmp(l, prefix, pl);
	return n;
}

static void test_formats(void)
{
	struct target_verdict v[8];
	size_t n = hostile_verdicts(v), fails = 0, skips = 0;
	for (size_t i = 0; i < n; i++) {
		fails += v[i].verdict == VERDICT_BROKEN || v[i].verdict == VERDICT_DEGRADED;
		skips += v[i].verdict == VERDICT_UNKNOWN;
	}
	const char *art = getenv("WCBENCH_UNIT_ARTIFACTS");
	const char *dir = art && *art ? art : tmpdir;
	char path[PATH_MAX + 32], err[512] = "";
	struct check_run run = sample_run;
	run.hostname = "box <&> \"]]>\"\n\x01";
	snprintf(path, sizeof path, "%s/junit.xml", dir);
	CHECK(verdict_junit_write(path, &run, v, n, err, sizeof err) == 0, "junit: written (%s)", err);
	char *xml = read_regular_file(path, 1 << 20, NULL, NULL, 0);
	bool clean = xml != NULL;
	for (const char *c = xml; clean && *c; c++)
		clean = (unsigned char)*c >= 0x20 || *c == '\n' || *c == '\t';
	CHECK(clean && !strstr(xml, "]]>") && count_lines_starting(xml, "  <testcase ") == n &&
	      strstr(xml, "failures=\"3\"") && strstr(xml, "skipped=\"1\"") &&
	      strstr(xml, "&lt;b&gt;&amp;amp; ]]&gt; &quot;q&quot; &apos;a&apos; # SKIP x&#10;not ok") &&
	      strstr(xml, "injected&#13;\\x01\\x1b[31m\\x7f\\xff\""),
	      "junit: one testcase per target, markup escaped, control characters and bad UTF-8 visible");
	if (art && *art) {
		snprintf(path, sizeof path, "%s/expect.txt", dir);
		char ex[128];
		int len = snprintf(ex, sizeof ex, "tests=%zu failures=%zu skipped=%zu\n", n, fails, skips);
		CHECK(write_file(path, ex, (size_t)len) == 0, "artifacts: expected counts written to %s", path);
	}

	char *tap = NULL, *text = NULL;
	size_t tlen = 0, xlen = 0;
	FILE *f = open_memstream(&tap, &tlen);
	verdict_tap_write(f, v, n);
	fclose(f);
	f = open_memstream(&text, &xlen);
	verdict_text_write(f, v, n);
	fclose(f);
	size_t lines = count_lines_starting(tap, ""), ok = count_lines_starting(tap, "ok "),
	       notok = count_lines_starting(tap, "not ok "), diag = count_lines_starting(tap, "# ");
	CHECK(!strncmp(tap, "TAP version 13\n1..6\n", 20) && lines == 2 + ok + notok + diag &&
	      ok + notok == n && notok == fails && count_lines_starting(tap, "ok 4 file:/tmp/x\\n\\# SKIP # SKIP unknown: not measured\\nnot ok 5 fake \\#") == 1 &&
	      strstr(tap, "\nnot ok 2 vfio:0000:01:00.0:bar2 <b>&amp; ]]> \"q\" 'a' \\# SKIP x\\nnot ok 99 injected\\r\\x01\\x1b[31m\\x7f\\xff # broken\n"),
	      "tap: version 13, the plan, one result line per target, '#' escaped, no line broken by data");
	CHECK(count_lines_starting(tap, "ok 3 ") == 0 && strstr(tap, "\nnot ok 3 sysfs-wc:0000:02:00.0:bar0 \\# TODO not really \\\\ # degraded\n"),
	      "tap: degraded is not ok; TODO and '\\' in a name escaped");
	size_t heads = 0;
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		heads += *l != ' ' && *l != '\n';
	clean = true;
	for (const char *c = text; *c; c++)
		clean = clean && ((unsigned char)*c >= 0x20 || *c == '\n') && *c != 0x7f;
	CHECK(heads == n && clean && strstr(text, "\n    advice: advice\\twith a tab\\nand a newline <&> ]]>\n") &&
	      strstr(text, "broken    sysfs-resource-wc  Normal-NC -> Device  (probe-device)"),
	      "text: one line per target, then its evidence and advice indented, no control character");
	if (art && *art) {
		snprintf(path, sizeof path, "%s/tap.txt", dir);
		CHECK(write_file(path, tap, tlen) == 0, "artifacts: tap.txt written");
		snprintf(path, sizeof path, "%s/text.txt", dir);
		CHECK(write_file(path, text, xlen) == 0, "artifacts: text.txt written");
		CHECK(verdict_json_write(dir, &run, v, n, err, sizeof err) == 0, "artifacts: verdict.json written (%s)", err);
	}
	free(xml);
	free(tap);
	free(text);
}

void test_verdict_io(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s/wcbench-verdict.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		CHECK(0, "verdict_io: a temporary directory (%s)", strerror(errno));
		return;
	}
	test_json_parse();
	test_json_strn();
	size_t len = 0;
	char *good = test_round_trip(&len);
	if (good)
		test_damaged(good, len);
	free(good);
	test_hostile_files();
	test_formats();
	char path[PATH_MAX + 32];
	path_in(path, sizeof path, "verdict.json");
	unlink(path);
	path_in(path, sizeof path, "junit.xml");
	unlink(path);
	CHECK(rmdir(tmpdir) == 0, "verdict_io: its temporary directory left empty (%s)", tmpdir);
}
