/* Results I/O: case and machine keys (bench/results/keys.c). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "common/util.h"
#include "results/keys.h"

static void sample_row(struct row *r)
{
	memset(r, 0, sizeof *r);
	strcpy(r->run_id, "20261121T000000Z-a");
	strcpy(r->env, "host");
	strcpy(r->arch, "x86_64");
	strcpy(r->cpu_model, "cpu");
	strcpy(r->os_release, "6.1");
	strcpy(r->target, "ram");
	strcpy(r->target_kind, "ram");
	strcpy(r->map, "anon");
	strcpy(r->memtype, "WB");
	strcpy(r->kernel, "mov_8");
	strcpy(r->barrier, "sfence");
	strcpy(r->barrier_every, "64");
	r->burst_bytes = 64;
	r->threads = 1;
	strcpy(r->drain, "fence");
	r->gb_per_s_median = NAN;
}

void test_results(void)
{
	CHECK(make_dirs("") == -ENOENT, "make_dirs: an empty path is refused, not read past");
	struct row a, b;
	sample_row(&a);
	sample_row(&b);
	CHECK(same_case(&a, &b, 0) && same_machine(&a, &b), "keys: equal rows share case and machine key");
	strcpy(b.barrier_every, "burst");
	CHECK(!same_case(&a, &b, 0), "keys: barrier_every is part of the case key");
	CHECK(same_case(&a, &b, case_key_bit("barrier_every")), "keys: --ignore barrier_every matches them");
	b = a;
	strcpy(b.target, "file:/x");
	CHECK(!same_case(&a, &b, 0), "keys: target is part of the case key");
	b = a;
	b.gb_per_s_median = 3;
	strcpy(b.reason, "x");
	CHECK(same_case(&a, &b, 0), "keys: measured values are not part of the case key");
	b = a;
	strcpy(b.run_id, "20261121T000001Z-a");
	CHECK(same_case(&a, &b, 0) && !same_machine(&a, &b), "keys: run_id is the machine's, not the case's");
	CHECK(case_key_bit("burst_bytes") && !case_key_bit("gb_per_s_median") && !case_key_bit("run_id"),
	      "keys: only case-key columns have an ignore bit");
	struct row rows[3];
	sample_row(&rows[0]);
	sample_row(&rows[1]);
	strcpy(rows[1].kernel, "movnti_8");
	sample_row(&rows[2]);
	rows[2].burst_bytes = 4096;
	struct case_key_set set;
	CHECK(case_key_set_build(&set, rows, 3) == 0, "keys: a set of three case keys is built");
	b = rows[2];
	b.gb_per_s_median = 7;
	CHECK(case_key_set_has(&set, &rows[1]) && case_key_set_has(&set, &b),
	      "keys: the set holds each row's case (measured values aside)");
	b.burst_bytes = 64 * 1024;
	CHECK(!case_key_set_has(&set, &b), "keys: the set does not hold a case none of its rows had");
	case_key_set_free(&set);
	CHECK(case_key_set_build(&set, NULL, 0) == 0 && !case_key_set_has(&set, &a),
	      "keys: an empty set holds nothing");
	case_key_set_free(&set);
	char list[256];
	key_column_list(KEY_CASE, list, sizeof list);
	CHECK(strstr(list, "target, target_kind") && strstr(list, "drain"), "keys: case key columns listed (%s)", list);
}
