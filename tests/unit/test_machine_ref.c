/* The machine reference: its entries in metadata.json (written, read back, hostile files) and the
 * machine rule of compare (bench/results/comparison.c) on hand-made references and rows. */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "common/util.h"
#include "core/place.h"
#include "core/timer.h"
#include "measure/reference.h"
#include "results/comparison.h"
#include "common/json.h"
#include "results/metadata.h"

/* n more references of kind, of median ns per KiB, CI +-rel of it, alternately start and end. */
static void refs_add(struct machine_refs *m, enum ref_kind kind, size_t n, const double *median, double rel,
		     const char *kernel)
{
	for (size_t i = 0; i < n; i++) {
		struct machine_ref *r = &m->r[m->n++];
		r->kind = kind;
		r->buffer_bytes = ref_kinds[kind].buffer_bytes;
		snprintf(r->when, sizeof r->when, "%s", i % 2 ? "end" : "start");
		snprintf(r->kernel, sizeof r->kernel, "%s", kernel);
		r->median = median[i];
		r->ci_lo = median[i] * (1 - rel);
		r->ci_hi = median[i] * (1 + rel);
		r->samples = 20;
	}
}

/* n core references of median ns per KiB, CI +-rel of it, alternately start and end. */
static void refs_of(struct machine_refs *m, size_t n, const double *median, double rel, const char *kernel)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < n; i++) {
		struct machine_ref *r = &m->r[i];
		r->buffer_bytes = MREF_BUFFER_BYTES;
		snprintf(r->when, sizeof r->when, "%s", i % 2 ? "end" : "start");
		snprintf(r->kernel, sizeof r->kernel, "%s", kernel);
		r->median = median[i];
		r->ci_lo = median[i] * (1 - rel);
		r->ci_hi = median[i] * (1 + rel);
		r->samples = 20;
	}
	m->n = n;
	if (!n)
		snprintf(m->why, sizeof m->why, "no metadata.json beside its rows");
}

/* An ok throughput row of a 64-byte case: ns per burst, its CI +-0.5%, 20 samples. */
static void row_of(struct row *r, const char *kernel, double ns)
{
	memset(r, 0, sizeof *r);
	strcpy(r->env, "host");
	strcpy(r->target, "ram");
	strcpy(r->target_kind, "ram");
	strcpy(r->map, "anon");
	strcpy(r->memtype, "WB");
	snprintf(r->kernel, sizeof r->kernel, "%s", kernel);
	strcpy(r->barrier, "none");
	strcpy(r->barrier_every, "64");
	strcpy(r->drain, "none");
	strcpy(r->mode, "throughput");
	r->burst_bytes = 64;
	r->threads = 1;
	r->status = STATUS_OK;
	r->samples = 20;
	r->ns_per_burst_median = ns;
	r->ns_per_burst_ci_lo = ns * 0.995;
	r->ns_per_burst_ci_hi = ns * 1.005;
	r->gb_per_s_median = 64 / ns;
	r->gb_per_s_p10 = 64 / (ns * 1.01);
	r->gb_per_s_p90 = 64 / (ns * 0.99);
}

#define NCASES 4
/* BASE: every case at 10 ns; NEW: case i at 10 / gb_ratio[i] ns (kernels k0..k3, 64-byte bursts
 * into RAM, no window recorded: the core reference's cases). The entries after compare_runs and
 * the machine rule with the core drift d (NULL: none; the memory drift unknown; threshold 5%): *e
 * (malloc'd), *ne, *c. */
static void compare_cases(const double gb_ratio[NCASES], const struct machine_drift *d, struct cmp_entry **e,
			  size_t *ne, struct cmp_counts *c)
{
	struct machine_drift dd[REF_KINDS];
	memset(dd, 0, sizeof dd);
	for (int k = 0; k < REF_KINDS; k++)
		dd[k].kind = (enum ref_kind)k;
	if (d)
		dd[REF_CORE] = *d;
	static struct row b[NCASES], n[NCASES];
	static size_t line[NCASES];
	for (int i = 0; i < NCASES; i++) {
		char k[8];
		snprintf(k, sizeof k, "k%d", i);
		row_of(&b[i], k, 10);
		row_of(&n[i], k, 10 / gb_ratio[i]);
		line[i] = (size_t)i + 2;
	}
	struct result_set rb = { .nrows = NCASES, .rows = b, .line = line };
	struct result_set rn = { .nrows = NCASES, .rows = n, .line = line };
	*e = NULL;
	*ne = 0;
	if (compare_runs(&rb, &rn, 0, 5, e, ne, c) == 0)
		compare_apply_machine_drift(*e, *ne, c, dd, 5);
}

/* The entry of kernel k (case name holds " k<i> "), or NULL. */
static const struct cmp_entry *entry_of(const struct cmp_entry *e, size_t n, int i)
{
	char k[8];
	snprintf(k, sizeof k, " k%d ", i);
	for (size_t j = 0; j < n; j++)
		if (strstr(e[j].name, k))
			return &e[j];
	return NULL;
}

static void test_drift_rule(void)
{
	struct machine_refs b, n;
	struct machine_drift d;
	char line[1024];
	/* BASE at 10 ns per KiB twice, NEW at 10 / 0.93: the machine ran 7% slower (+-0.1% CIs) */
	refs_of(&b, 2, (const double[]){ 10, 10 }, 0.001, "mov_8");
	refs_of(&n, 2, (const double[]){ 10 / 0.93, 10 / 0.93 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	double slower = machine_drift_move(&d, -1);
	machine_drift_describe(&d, 5, line, sizeof line);
	CHECK(d.known && fabs(d.speed_lo - 0.93 * 0.999 / 1.001) < 1e-9 && fabs(d.speed_hi - 0.93 * 1.001 / 0.999) < 1e-9 &&
	      fabs(slower - (1 - 0.93 * 0.999 / 1.001) * 100) < 1e-9 && machine_drift_move(&d, 1) == 0,
	      "drift: NEW/BASE speed over every pairing widened by the CIs: %.4f-%.4f, up to %.2f%% slower",
	      d.speed_lo, d.speed_hi, slower);
	CHECK(strstr(line, "mov_8 into 4 KiB of L1") && strstr(line, "BASE 9.99-10.01 ns/KiB, NEW 10.74-10.76") &&
	      strstr(line, "NEW's CPU ran 6.8-7.2% slower") && strstr(line, "machine?"),
	      "drift: the line names the kernel, both sides' ns per KiB and how much slower NEW's CPU ran (%s)", line);

	/* a -6% case is machine?, a -20% one a REGRESSION, an opposite (+8%) one an improvement, an
	 * unchanged one the same */
	struct cmp_entry *e;
	size_t ne;
	struct cmp_counts c;
	compare_cases((const double[]){ 0.94, 0.80, 1.08, 1.0 }, &d, &e, &ne, &c);
	const struct cmp_entry *m6 = entry_of(e, ne, 0), *r20 = entry_of(e, ne, 1), *i8 = entry_of(e, ne, 2),
			   *s0 = entry_of(e, ne, 3);
	CHECK(m6 && m6->v == V_MACHINE && strstr(m6->note, "within the machine's drift: its core reference ran up to 7.2% slower") &&
	      strstr(m6->note, "by the noise rule alone REGRESSION"),
	      "rule: a -6%% case on a machine 7%% slower is machine?, its note naming the reference (%s)", m6 ? m6->note : "");
	CHECK(r20 && r20->v == V_REGRESSION && strstr(r20->note, "beyond the machine's drift: |-20.0%| > 7.2% + 5.0% (its core reference ran up to 7.2% slower)"),
	      "rule: a -20%% case on a machine 7%% slower stays a REGRESSION, its note naming the drift (%s)",
	      r20 ? r20->note : "");
	CHECK(i8 && i8->v == V_IMPROVEMENT && !strstr(i8->note, "machine"),
	      "rule: a +8%% case (the other direction) stays an improvement (%s)", i8 ? i8->note : "");
	CHECK(s0 && s0->v == V_NOISE, "rule: an unchanged case stays the same");
	CHECK(c.v[V_MACHINE] == 1 && c.v[V_REGRESSION] == 1 && c.v[V_IMPROVEMENT] == 1 && c.v[V_NOISE] == 1 &&
	      ne == 4 && e[0].v == V_REGRESSION && e[1].v == V_MACHINE,
	      "rule: counted apart (1 machine?, 1 regression, 1 improvement, 1 same), listed after the regressions");
	free(e);

	/* without a reference on one side: exactly the noise rule */
	struct machine_refs none;
	refs_of(&none, 0, NULL, 0, "mov_8");
	struct machine_drift dn;
	machine_drift_of(&b, &none, REF_CORE, &dn);
	machine_drift_describe(&dn, 5, line, sizeof line);
	struct cmp_entry *e0;
	size_t ne0;
	struct cmp_counts c0;
	compare_cases((const double[]){ 0.94, 0.80, 1.08, 1.0 }, NULL, &e0, &ne0, &c0);
	compare_cases((const double[]){ 0.94, 0.80, 1.08, 1.0 }, &dn, &e, &ne, &c);
	bool same = ne == ne0 && !memcmp(&c, &c0, sizeof c);
	for (size_t i = 0; same && i < ne; i++)
		same = e[i].v == e0[i].v && !strcmp(e[i].note, e0[i].note) && !strcmp(e[i].name, e0[i].name);
	CHECK(!dn.known && same && c.v[V_MACHINE] == 0 && c.v[V_REGRESSION] == 2 &&
	      strstr(line, "none in NEW (no metadata.json beside its rows)") && strstr(line, "noise rule"),
	      "rule: no reference in NEW: verdicts and notes exactly the noise rule's, the line says which side (%s)", line);
	free(e);
	free(e0);
	machine_drift_of(&none, &none, REF_CORE, &dn);
	CHECK(!dn.known && strstr(dn.why, "none in BASE") && strstr(dn.why, "nor in NEW"), "drift: none on either side (%s)",
	      dn.why);

	/* a machine that moved less than the threshold (3%): the -6% case stays a REGRESSION */
	refs_of(&n, 2, (const double[]){ 10 / 0.97, 10 / 0.97 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	compare_cases((const double[]){ 0.94, 0.80, 1.08, 1.0 }, &d, &e, &ne, &c);
	m6 = entry_of(e, ne, 0);
	CHECK(m6 && m6->v == V_REGRESSION && !strstr(m6->note, "machine") && c.v[V_MACHINE] == 0,
	      "rule: a machine 3%% slower (below the 5%% threshold) leaves a -6%% case a REGRESSION");
	free(e);

	/* faster by 7%: a +6% case is machine?, a -6% one stays a REGRESSION */
	refs_of(&n, 2, (const double[]){ 10 / 1.07, 10 / 1.07 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	machine_drift_describe(&d, 5, line, sizeof line);
	compare_cases((const double[]){ 0.94, 1.06, 1.0, 1.0 }, &d, &e, &ne, &c);
	CHECK(entry_of(e, ne, 1) && entry_of(e, ne, 1)->v == V_MACHINE && entry_of(e, ne, 0) &&
	      entry_of(e, ne, 0)->v == V_REGRESSION && strstr(line, "faster"),
	      "rule: on a machine 7%% faster a +6%% case is machine?, a -6%% case a REGRESSION (%s)", line);
	free(e);

	/* the drift inside one run: NEW's end reference 7% slower, its start as BASE's: a -6% case
	 * cannot be told from it either */
	refs_of(&n, 2, (const double[]){ 10, 10 / 0.93 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	machine_drift_describe(&d, 5, line, sizeof line);
	compare_cases((const double[]){ 0.94, 1.0, 1.0, 1.0 }, &d, &e, &ne, &c);
	CHECK(entry_of(e, ne, 0) && entry_of(e, ne, 0)->v == V_MACHINE && strstr(line, "between 7.2% slower and 0.2% faster"),
	      "rule: NEW's own references 7%% apart (start to end): a -6%% case is machine? (%s)", line);
	free(e);

	/* the bound: the largest move + T, no more (CIs of no width: the move is 10% exactly) */
	refs_of(&b, 2, (const double[]){ 10, 10 }, 0, "mov_8");
	refs_of(&n, 2, (const double[]){ 10 / 0.9, 10 / 0.9 }, 0, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	double move = machine_drift_move(&d, -1);
	CHECK(fabs(move - 10) < 1e-9 && machine_drift_explains(&d, -(move + 5) + 1e-9, 5) &&
	      !machine_drift_explains(&d, -(move + 5) - 1e-6, 5) && !machine_drift_explains(&d, 3, 5) &&
	      !machine_drift_explains(NULL, -3, 5),
	      "rule: machine? up to the reference's move (%.3f%%) + T, not beyond, not the other way", move);

	/* a reference can hide nothing: NEW's at 1e9 times BASE's is reported, not taken as an
	 * explanation, and four -90% cases stay REGRESSIONs */
	refs_of(&b, 2, (const double[]){ 10, 10 }, 0.001, "mov_8");
	refs_of(&n, 2, (const double[]){ 1e10, 1e10 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	machine_drift_describe(&d, 5, line, sizeof line);
	compare_cases((const double[]){ 0.1, 0.1, 0.1, 0.1 }, &d, &e, &ne, &c);
	CHECK(d.known && d.beyond_limit && c.v[V_REGRESSION] == 4 && c.v[V_MACHINE] == 0 &&
	      strstr(e[0].note, "moved by 1e+09x (NEW ran up to 1e+09 times slower), beyond the 2x"),
	      "limit: NEW references 1e9 times slower leave four -90%% cases REGRESSIONs, not machine? (%s)",
	      ne ? e[0].note : "");
	CHECK(strstr(line, "machine reference core moved by 1e+09x (NEW ran up to 1e+09 times slower): more than compare "
			   "accepts as an explanation (limit 2x); regressions counted as regressions"),
	      "limit: the line above the table reports the move as a finding (%s)", line);
	free(e);
	refs_of(&n, 2, (const double[]){ 1e-8, 1e-8 }, 0.001, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	machine_drift_describe(&d, 5, line, sizeof line);
	compare_cases((const double[]){ 3, 1, 1, 1 }, &d, &e, &ne, &c);
	CHECK(d.beyond_limit && c.v[V_IMPROVEMENT] == 1 && c.v[V_MACHINE] == 0 && strstr(line, "times faster"),
	      "limit: NEW references 1e9 times faster explain no improvement either (%s)", line);
	free(e);
	/* at the limit's edges (CIs of no width): 1.9 times slower explains a -45% case, 2.1 times
	 * slower explains nothing */
	refs_of(&b, 2, (const double[]){ 10, 10 }, 0, "mov_8");
	refs_of(&n, 2, (const double[]){ 19, 19 }, 0, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	compare_cases((const double[]){ 0.55, 1, 1, 1 }, &d, &e, &ne, &c);
	CHECK(!d.beyond_limit && c.v[V_MACHINE] == 1, "limit: a machine 1.9 times slower is within it: a -45%% case is machine?");
	free(e);
	refs_of(&n, 2, (const double[]){ 21, 21 }, 0, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	compare_cases((const double[]){ 0.55, 1, 1, 1 }, &d, &e, &ne, &c);
	CHECK(d.beyond_limit && c.v[V_MACHINE] == 0 && c.v[V_REGRESSION] == 1,
	      "limit: a machine 2.1 times slower is beyond it: a -45%% case is a REGRESSION");
	free(e);
	/* a reference of no positive time (NAN drift) explains nothing either */
	refs_of(&n, 2, (const double[]){ 0, 0 }, 0, "mov_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	machine_drift_describe(&d, 5, line, sizeof line);
	CHECK(d.beyond_limit && !machine_drift_explains(&d, -6, 5) && strstr(line, "more than compare accepts"),
	      "limit: references of 0 ns explain nothing (%s)", line);

	/* references of other kernels are not compared */
	refs_of(&n, 2, (const double[]){ 10 / 0.9, 10 / 0.9 }, 0.001, "str_8");
	machine_drift_of(&b, &n, REF_CORE, &d);
	CHECK(!d.known && strstr(d.why, "differ (mov_8 into 4096 bytes in BASE, str_8 into 4096 bytes in NEW)"),
	      "drift: references of other kernels are not compared (%s)", d.why);
}

/* good with its first `from` replaced by `to`, in out; false when good has no `from`. */
static bool edited(const char *good, const char *from, const char *to, char *out, size_t outlen)
{
	const char *at = strstr(good, from);
	if (!at)
		return false;
	snprintf(out, outlen, "%.*s%s%s", (int)(at - good), good, to, at + strlen(from));
	return true;
}

/* Parse text and say whether it gave no reference, with a reason. */
static bool refused(const char *text, size_t len, char *why, size_t whylen)
{
	struct machine_refs m;
	machine_refs_parse(text, len, &m);
	snprintf(why, whylen, "%s", m.why);
	return m.n == 0 && m.why[0];
}

#define ENTRY_OK "{\"when\": \"start\", \"kernel\": \"mov_8\", \"cpu\": 0, \"ns_per_kib_median\": 18.4, " \
	"\"ns_per_kib_ci_lo\": 18.3, \"ns_per_kib_ci_hi\": 18.5, \"samples\": 20}"

static void test_hostile_metadata(void)
{
	char why[400];
	const char *good = "{\"run_id\": \"r1\", \"machine_reference\": [" ENTRY_OK ", " ENTRY_OK "]}";
	struct machine_refs m;
	machine_refs_parse(good, strlen(good), &m);
	CHECK(m.n == 2 && !strcmp(m.run_id, "r1") && m.r[0].median == 18.4 && m.r[0].ci_lo == 18.3 &&
	      m.r[1].ci_hi == 18.5 && !strcmp(m.r[1].kernel, "mov_8") && m.r[1].samples == 20,
	      "metadata: two references read back (%s)", m.why);

	/* each of these leaves no reference, with a reason, and no crash */
	static const struct {
		const char *what, *from, *to;
	} bad[] = {
		{ "a number as a string", "\"ns_per_kib_median\": 18.4", "\"ns_per_kib_median\": \"18.4\"" },
		{ "NaN as bare text", "\"ns_per_kib_median\": 18.4", "\"ns_per_kib_median\": NaN" },
		{ "Infinity", "\"ns_per_kib_ci_hi\": 18.5", "\"ns_per_kib_ci_hi\": Infinity" },
		{ "a number too large for a double", "\"ns_per_kib_ci_hi\": 18.5", "\"ns_per_kib_ci_hi\": 1e999" },
		{ "a huge median", "\"ns_per_kib_ci_hi\": 18.5", "\"ns_per_kib_ci_hi\": 1e300" },
		{ "a negative figure", "\"ns_per_kib_ci_lo\": 18.3", "\"ns_per_kib_ci_lo\": -18.3" },
		{ "a zero figure", "\"ns_per_kib_ci_lo\": 18.3", "\"ns_per_kib_ci_lo\": 0" },
		{ "a CI that does not hold the median", "\"ns_per_kib_ci_lo\": 18.3", "\"ns_per_kib_ci_lo\": 18.45" },
		{ "a missing figure", "\"ns_per_kib_ci_lo\": 18.3, ", "" },
		{ "null for a figure", "\"ns_per_kib_median\": 18.4", "\"ns_per_kib_median\": null" },
		{ "when neither start nor end", "\"when\": \"start\"", "\"when\": \"middle\"" },
		{ "a kernel name with a path", "\"kernel\": \"mov_8\"", "\"kernel\": \"../mov_8\"" },
		{ "a kernel name with a newline", "\"kernel\": \"mov_8\"", "\"kernel\": \"mov\\n_8\"" },
		{ "a fractional cpu", "\"cpu\": 0", "\"cpu\": 0.5" },
		{ "zero samples", "\"samples\": 20", "\"samples\": 0" },
		{ "an entry that is an array", ENTRY_OK ", ", "[1, 2], " },
		{ "the list an object", "\"machine_reference\": [", "\"machine_reference\": {\"a\": [" },
		{ "no list", "\"machine_reference\"", "\"something_else\"" },
		{ "an empty list", "[" ENTRY_OK ", " ENTRY_OK "]", "[]" },
		{ "text cut short", "]}", "]" },
		{ "a trailing comma", "]}", "],}" },
		{ "a figure named twice (readers disagree on which counts)", "\"ns_per_kib_median\": 18.4",
		  "\"ns_per_kib_median\": 18.4, \"ns_per_kib_median\": 1e9" },
		{ "run_id named twice", "\"run_id\": \"r1\"", "\"run_id\": \"r1\", \"run_id\": \"r2\"" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[1024];
		if (!edited(good, bad[i].from, bad[i].to, text, sizeof text)) {
			CHECK(0, "hostile metadata: '%s' not in the good text", bad[i].from);
			continue;
		}
		CHECK(refused(text, strlen(text), why, sizeof why), "hostile metadata: %s: no reference (%s)", bad[i].what, why);
	}
	/* nesting deeper than the reader takes, inside the list */
	char deep[4096];
	int o = snprintf(deep, sizeof deep, "{\"run_id\": \"r1\", \"machine_reference\": [" ENTRY_OK ", ");
	for (int i = 0; i < 1000; i++)
		deep[o++] = '[';
	for (int i = 0; i < 1000; i++)
		deep[o++] = ']';
	o += snprintf(deep + o, sizeof deep - (size_t)o, "]}");
	CHECK(refused(deep, (size_t)o, why, sizeof why), "hostile metadata: 1000 levels of nesting: no reference (%s)", why);
	/* a NUL byte inside, more entries than the reader takes, not an object, nothing */
	char nul[256];
	size_t nl = (size_t)snprintf(nul, sizeof nul, "{\"run_id\": \"r1\", \"machine_reference\": [" ENTRY_OK "]}");
	nul[20] = '\0';
	CHECK(refused(nul, nl, why, sizeof why), "hostile metadata: a NUL byte: no reference (%s)", why);
	struct sbuf many = { 0 };
	sb_printf(&many, "{\"machine_reference\": [");
	for (int i = 0; i <= MACHINE_REFS_MAX; i++)
		sb_printf(&many, "%s" ENTRY_OK, i ? ", " : "");
	sb_printf(&many, "]}");
	CHECK(!many.oom && refused(many.s, many.len, why, sizeof why) && strstr(why, "more than"),
	      "hostile metadata: %d entries: no reference (%s)", MACHINE_REFS_MAX + 1, why);
	sb_free(&many);
	CHECK(refused("[1]", 3, why, sizeof why), "hostile metadata: an array: no reference (%s)", why);
	CHECK(refused("", 0, why, sizeof why), "hostile metadata: an empty file: no reference (%s)", why);
	CHECK(refused("\xff\xfe{}", 4, why, sizeof why), "hostile metadata: bytes that are not UTF-8: no reference (%s)", why);
}

#define ENTRY_MEM "{\"when\": \"end\", \"kind\": \"memory\", \"kernel\": \"mov_8\", \"buffer_bytes\": 268435456, " \
	"\"cpu\": 0, \"ns_per_kib_median\": 120, \"ns_per_kib_ci_lo\": 119, \"ns_per_kib_ci_hi\": 121, \"samples\": 20}"

/* The kind of an entry: none reads as core (an earlier wcbench's); anything but "core" or
 * "memory", or a buffer_bytes that is not a sane whole number, leaves the file no reference. */
static void test_kind_metadata(void)
{
	char why[400];
	const char *good = "{\"run_id\": \"r1\", \"machine_reference\": [" ENTRY_OK ", " ENTRY_MEM "]}";
	struct machine_refs m;
	machine_refs_parse(good, strlen(good), &m);
	CHECK(m.n == 2 && m.r[0].kind == REF_CORE && m.r[0].buffer_bytes == MREF_BUFFER_BYTES &&
	      m.r[1].kind == REF_MEMORY && m.r[1].buffer_bytes == MREF_MEMORY_BYTES && m.r[1].median == 120,
	      "metadata: an entry without kind reads as core (its buffer the core's), one of kind memory as memory (%s)",
	      m.why);
	static const struct {
		const char *what, *from, *to;
	} bad[] = {
		{ "kind in capitals", "\"kind\": \"memory\"", "\"kind\": \"Memory\"" },
		{ "an empty kind", "\"kind\": \"memory\"", "\"kind\": \"\"" },
		{ "an unknown kind", "\"kind\": \"memory\"", "\"kind\": \"disk\"" },
		{ "a kind with a NUL inside", "\"kind\": \"memory\"", "\"kind\": \"core\\u0000memory\"" },
		{ "a kind with more after it", "\"kind\": \"memory\"", "\"kind\": \"memory \"" },
		{ "a number for a kind", "\"kind\": \"memory\"", "\"kind\": 1" },
		{ "null for a kind", "\"kind\": \"memory\"", "\"kind\": null" },
		{ "a list for a kind", "\"kind\": \"memory\"", "\"kind\": [\"memory\"]" },
		{ "a negative buffer", "\"buffer_bytes\": 268435456", "\"buffer_bytes\": -4096" },
		{ "a fractional buffer", "\"buffer_bytes\": 268435456", "\"buffer_bytes\": 4096.5" },
		{ "a buffer as a string", "\"buffer_bytes\": 268435456", "\"buffer_bytes\": \"268435456\"" },
		{ "a huge buffer", "\"buffer_bytes\": 268435456", "\"buffer_bytes\": 1e300" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[1024];
		if (!edited(good, bad[i].from, bad[i].to, text, sizeof text)) {
			CHECK(0, "hostile kind: '%s' not in the good text", bad[i].from);
			continue;
		}
		CHECK(refused(text, strlen(text), why, sizeof why) && (strstr(why, "kind") || strstr(why, "buffer_bytes") ||
								      strstr(why, "JSON")),
		      "hostile metadata: %s: no reference (%s)", bad[i].what, why);
	}
}

/* One ok row of kernel k into target_kind tk with window bytes and ns per burst (see row_of). */
static void row_at(struct row *r, const char *k, const char *tk, uint64_t window, double ns)
{
	row_of(r, k, ns);
	snprintf(r->target_kind, sizeof r->target_kind, "%s", tk);
	snprintf(r->target, sizeof r->target, "%s", tk);
	r->window_bytes = window;
}

#define NMEM 8
/* The memory path 8% slower, the core unchanged: which reference speaks for which case. */
static void test_memory_rule(void)
{
	struct machine_refs b, n;
	memset(&b, 0, sizeof b);
	memset(&n, 0, sizeof n);
	refs_add(&b, REF_CORE, 2, (const double[]){ 10, 10 }, 0.001, "mov_8");
	refs_add(&b, REF_MEMORY, 2, (const double[]){ 100, 100 }, 0.001, "mov_8");
	refs_add(&n, REF_CORE, 2, (const double[]){ 10, 10 }, 0.001, "mov_8");
	refs_add(&n, REF_MEMORY, 2, (const double[]){ 100 / 0.92, 100 / 0.92 }, 0.001, "mov_8");
	struct machine_drift d[REF_KINDS];
	char line[REF_KINDS][1024];
	for (int k = 0; k < REF_KINDS; k++) {
		machine_drift_of(&b, &n, (enum ref_kind)k, &d[k]);
		machine_drift_describe(&d[k], 5, line[k], sizeof line[k]);
	}
	CHECK(d[REF_CORE].known && d[REF_CORE].nbase == 2 && d[REF_CORE].nnew == 2 &&
	      machine_drift_move(&d[REF_CORE], -1) < 1 && strstr(line[REF_CORE], "machine reference core (mov_8 into 4 KiB of L1") &&
	      strstr(line[REF_CORE], "every verdict is the noise rule's"),
	      "kinds: the core drift from the core references alone: unchanged (%s)", line[REF_CORE]);
	CHECK(d[REF_MEMORY].known && d[REF_MEMORY].nbase == 2 && d[REF_MEMORY].nnew == 2 &&
	      fabs(machine_drift_move(&d[REF_MEMORY], -1) - (1 - 0.92 * 0.999 / 1.001) * 100) < 1e-9 &&
	      strstr(line[REF_MEMORY], "machine reference memory (mov_8 in 4 KiB bursts through 256 MiB of RAM") &&
	      strstr(line[REF_MEMORY], "NEW's stores to DRAM ran 7.8-8.2% slower"),
	      "kinds: the memory drift from the memory references alone: 8%% slower (%s)", line[REF_MEMORY]);

	/* every case 7% slower: k0 RAM 256 MiB, k1 RAM 4 KiB, k2 a vfio BAR of 256 MiB, k3 a file of
	 * 64 MiB exactly, k4 RAM 64 MiB less 4 KiB, k5 RAM with no window recorded, k6 sysfs-wc, k7
	 * RAM 256 MiB in BASE but 4 KiB in NEW */
	static const struct {
		const char *tk;
		uint64_t wb, wn;
		enum cmp_verdict want;
		int ref;
	} c[NMEM] = {
		{ "ram", 256 << 20, 256 << 20, V_MACHINE, REF_MEMORY },
		{ "ram", 4096, 4096, V_REGRESSION, REF_CORE },
		{ "vfio", 256 << 20, 256 << 20, V_REGRESSION, -1 },
		{ "file", 64 << 20, 64 << 20, V_MACHINE, REF_MEMORY },
		{ "ram", (64 << 20) - 4096, (64 << 20) - 4096, V_REGRESSION, REF_CORE },
		{ "ram", 0, 0, V_REGRESSION, REF_CORE },
		{ "sysfs-wc", 1 << 20, 1 << 20, V_REGRESSION, -1 },
		{ "ram", 256 << 20, 4096, V_REGRESSION, REF_CORE },
	};
	static struct row rb[NMEM], rn[NMEM];
	static size_t lines[NMEM];
	for (int i = 0; i < NMEM; i++) {
		char k[8];
		snprintf(k, sizeof k, "k%d", i);
		row_at(&rb[i], k, c[i].tk, c[i].wb, 10);
		row_at(&rn[i], k, c[i].tk, c[i].wn, 10 / 0.93);
		lines[i] = (size_t)i + 2;
	}
	struct result_set sb = { .nrows = NMEM, .rows = rb, .line = lines };
	struct result_set sn = { .nrows = NMEM, .rows = rn, .line = lines };
	struct cmp_entry *e = NULL;
	size_t ne = 0;
	struct cmp_counts cnt;
	if (compare_runs(&sb, &sn, 0, 5, &e, &ne, &cnt)) {
		CHECK(0, "kinds: compare_runs");
		return;
	}
	compare_apply_machine_drift(e, ne, &cnt, d, 5);
	for (int i = 0; i < NMEM; i++) {
		const struct cmp_entry *x = entry_of(e, ne, i);
		enum ref_kind kind;
		int has = case_reference(&rb[i], &rn[i], &kind);
		CHECK(x && x->v == c[i].want && x->ref == c[i].ref && (has ? (int)kind : -1) == c[i].ref &&
		      (c[i].want != V_MACHINE || strstr(x->note, "its memory reference ran up to 8.2% slower")) &&
		      (c[i].ref >= 0 || strstr(x->note, "no machine reference speaks for a device BAR")),
		      "kinds: a -7%% case on %s, window %llu/%llu B: %s, judged by %s (%s)", c[i].tk,
		      (unsigned long long)c[i].wb, (unsigned long long)c[i].wn, x ? cmp_verdict_names[x->v] : "?",
		      c[i].ref < 0 ? "no reference" : ref_kinds[c[i].ref].name, x ? x->note : "");
	}
	CHECK(cnt.v[V_MACHINE] == 2 && cnt.v[V_REGRESSION] == 6, "kinds: counted: 2 machine?, 6 regressions");
	free(e);

	/* NEW without a memory reference (an earlier wcbench, or its buffer not to be had), the core
	 * 8% slower: a 256 MiB case stays a REGRESSION (the core cannot speak for the memory path) */
	memset(&n, 0, sizeof n);
	refs_add(&n, REF_CORE, 2, (const double[]){ 10 / 0.92, 10 / 0.92 }, 0.001, "mov_8");
	for (int k = 0; k < REF_KINDS; k++)
		machine_drift_of(&b, &n, (enum ref_kind)k, &d[k]);
	machine_drift_describe(&d[REF_MEMORY], 5, line[REF_MEMORY], sizeof line[REF_MEMORY]);
	if (compare_runs(&sb, &sn, 0, 5, &e, &ne, &cnt)) {
		CHECK(0, "kinds: compare_runs");
		return;
	}
	compare_apply_machine_drift(e, ne, &cnt, d, 5);
	const struct cmp_entry *big = entry_of(e, ne, 0), *small = entry_of(e, ne, 1);
	CHECK(!d[REF_MEMORY].known && big && big->v == V_REGRESSION && small && small->v == V_MACHINE &&
	      strstr(line[REF_MEMORY], "machine reference memory: none in NEW (its metadata.json lists none of this kind") &&
	      strstr(line[REF_MEMORY], "every case it speaks for is judged by the noise rule alone"),
	      "kinds: no memory reference in NEW: the 256 MiB case by the noise rule, the 4 KiB one by the core (%s)",
	      line[REF_MEMORY]);
	free(e);
}

/* Written by run, read back by compare; a file an earlier wcbench wrote gains the list. */
static void test_write_read(void)
{
	char dir[] = "/tmp/wcbench-ref-XXXXXX", path[64], err[512];
	if (!mkdtemp(dir)) {
		CHECK(0, "metadata: a temporary directory");
		return;
	}
	snprintf(path, sizeof path, "%s/metadata.json", dir);
	struct machine_refs m;
	metadata_read_machine_refs(dir, &m);
	CHECK(m.n == 0 && strstr(m.why, "no metadata.json"), "metadata: no file, no reference (%s)", m.why);
	/* as an earlier wcbench left it: no machine_reference list */
	const char *earlier = "{\n  \"run_id\": \"r-1\",\n  \"resumes\": []\n}\n";
	write_file(path, earlier, strlen(earlier));
	struct machine_ref r = { .when = "start", .kernel = "mov_8", .buffer_bytes = MREF_BUFFER_BYTES, .cpu = 3,
				 .median = 18.4321987, .ci_lo = 18.41, .ci_hi = 18.45, .samples = 17 };
	int rc = metadata_add_machine_reference(dir, &r, err, sizeof err);
	r.median = 19.5;
	r.ci_hi = 19.6;
	snprintf(r.when, sizeof r.when, "end");
	int rc2 = metadata_add_machine_reference(dir, &r, err, sizeof err);
	struct machine_ref mem = r;
	mem.kind = REF_MEMORY;
	mem.buffer_bytes = MREF_MEMORY_BYTES;
	mem.median = 120, mem.ci_lo = 119, mem.ci_hi = 121;
	int rc3 = metadata_add_machine_reference(dir, &mem, err, sizeof err);
	metadata_read_machine_refs(dir, &m);
	char *text = read_regular_file(path, 1 << 20, NULL, NULL, 0);
	struct json_doc doc;
	char jerr[200];
	bool parses = text && json_parse(text, strlen(text), &doc, jerr, sizeof jerr) == 0;
	bool resumes_kept = parses && json_member(&doc, &doc.node[0], "resumes") &&
			    json_member(&doc, &doc.node[0], "resumes")->type == JSON_ARRAY;
	if (parses)
		json_doc_free(&doc);
	CHECK(rc3 == 0 && m.n == 3 && m.r[2].kind == REF_MEMORY && m.r[2].buffer_bytes == MREF_MEMORY_BYTES &&
	      m.r[2].median == 120 && m.r[0].kind == REF_CORE && m.r[0].buffer_bytes == MREF_BUFFER_BYTES &&
	      strstr(text, "\"kind\": \"memory\"") && strstr(text, "\"buffer_bytes\": 268435456") &&
	      strstr(text, "streaming through a 256 MiB anonymous buffer"),
	      "metadata: a memory reference written with its kind and buffer, read back as one (%s%s)", err, m.why);
	CHECK(rc == 0 && rc2 == 0 && parses && resumes_kept && m.n == 3 && !strcmp(m.run_id, "r-1") &&
	      !strcmp(m.r[0].when, "start") && !strcmp(m.r[1].when, "end") && fabs(m.r[0].median - 18.4322) < 1e-9 &&
	      m.r[0].cpu == 3 && m.r[0].samples == 17 && m.r[1].median == 19.5 &&
	      strstr(text, "\"what\": \"mov_8 stores into a 4 KiB L1-resident buffer, barrier none, drain none, on CPU 3\""),
	      "metadata: an earlier run's file gains machine_reference, entries read back, the rest kept (%s%s)",
	      err, m.why);
	free(text);
	/* a damaged file is refused, left as it was */
	static const char *const damaged[] = {
		"{\"run_id\": \"r-1\", \"machine_reference\": [",     /* cut short */
		"{\"run_id\": \"r-1\", \"machine_reference\": \"[]\"}", /* not a list */
		"{\"run_id\": \"r-1\"",                              /* no end */
		"[\"machine_reference\", []]",                       /* not an object */
		"",
	};
	for (size_t i = 0; i < sizeof damaged / sizeof damaged[0]; i++) {
		write_file(path, damaged[i], strlen(damaged[i]));
		err[0] = '\0';
		rc = metadata_add_machine_reference(dir, &r, err, sizeof err);
		text = read_regular_file(path, 1 << 20, NULL, NULL, 0);
		CHECK(rc < 0 && text && !strcmp(text, damaged[i]) && strstr(err, "metadata.json"),
		      "metadata: damaged file %zu gets no reference appended and stays as it was (%s)", i, err);
		free(text);
	}
	unlink(path);
	rmdir(dir);
}

/* A real reference on the first CPU this process may use: figures that hold together, the
 * thread's affinity as it was; a CPU that cannot be pinned is an error, the affinity kept too. */
static void test_measure_reference(void)
{
	int cpus[PLACE_MAX_CPUS];
	cpu_set_t before, after;
	if (place_allowed(cpus, PLACE_MAX_CPUS) < 1 || sched_getaffinity(0, sizeof before, &before)) {
		CHECK(0, "reference: this process's CPUs");
		return;
	}
	struct machine_ref r;
	char why[200] = "";
	timer_init(); /* calibrated once per process: not part of the reference's time */
	uint64_t t0 = mono_raw_ns();
	int rc = reference_measure(REF_CORE, cpus[0], "start", &r, why, sizeof why);
	double s = (double)(mono_raw_ns() - t0) / 1e9;
	sched_getaffinity(0, sizeof after, &after);
	CHECK(rc == 0 && r.median > 0 && isfinite(r.ci_hi) && r.ci_lo <= r.median && r.median <= r.ci_hi &&
	      r.samples >= MREF_MIN_SAMPLES && r.cpu == cpus[0] && !strcmp(r.when, "start") &&
	      !strcmp(r.kernel, reference_kernel_name()) && CPU_EQUAL(&before, &after) && r.kind == REF_CORE &&
	      r.buffer_bytes == MREF_BUFFER_BYTES && s < 2 * ref_kinds[REF_CORE].budget_s + 0.1,
	      "reference: %s on CPU %d: %.3f ns per KiB [%.3f-%.3f], %u samples in %.3f s, affinity restored (%s)",
	      r.kernel, r.cpu, r.median, r.ci_lo, r.ci_hi, r.samples, s, why);
	/* the memory reference: its own 256 MiB, or a reason it could not have it */
	t0 = mono_raw_ns();
	rc = reference_measure(REF_MEMORY, cpus[0], "end", &r, why, sizeof why);
	s = (double)(mono_raw_ns() - t0) / 1e9;
	sched_getaffinity(0, sizeof after, &after);
	if (rc && (strstr(why, "MemAvailable") || strstr(why, "mmap")))
		CHECK(CPU_EQUAL(&before, &after), "reference: memory: its buffer not to be had here, said (%s)", why);
	else if (rc && strstr(why, "too few for the median's interval"))
		/* samples so alike in time (an emulator's memory path does this) that no interval is
		 * known: no reference rather than a figure without one -- t_machine_ref.sh checks that
		 * real native runs record it */
		CHECK(CPU_EQUAL(&before, &after) && s < 2 * ref_kinds[REF_MEMORY].budget_s + 1.5,
		      "reference: memory: no interval within its budget, said, affinity restored (%s)", why);
	else
		CHECK(rc == 0 && r.median > 0 && isfinite(r.ci_hi) && r.ci_lo <= r.median && r.median <= r.ci_hi &&
		      r.samples >= MREF_MIN_SAMPLES && r.kind == REF_MEMORY && r.buffer_bytes == MREF_MEMORY_BYTES &&
		      !strcmp(r.when, "end") && CPU_EQUAL(&before, &after) && s < 2 * ref_kinds[REF_MEMORY].budget_s + 1.5,
		      "reference: memory on CPU %d: %.3f ns per KiB [%.3f-%.3f], %u samples in %.3f s, affinity restored (%s)",
		      r.cpu, r.median, r.ci_lo, r.ci_hi, r.samples, s, why);
	rc = reference_measure(REF_CORE, PLACE_MAX_CPUS * 64, "end", &r, why, sizeof why);
	sched_getaffinity(0, sizeof after, &after);
	CHECK(rc < 0 && strstr(why, "cannot pin") && CPU_EQUAL(&before, &after),
	      "reference: a CPU that cannot be pinned is an error, the affinity kept (%s)", why);
}

void test_machine_ref(void)
{
	test_measure_reference();
	test_drift_rule();
	test_hostile_metadata();
	test_kind_metadata();
	test_memory_rule();
	test_write_read();
}
