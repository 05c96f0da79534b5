#include <string.h>

#include "check.h"
#include "sweep/plan_options.h"
#include "sweep/plan.h"

void test_sweep(void)
{
	struct run_options o;
	char err[256];
	char *argv[] = { "run", "-k", "c_8", "-b", "none", "-s", "64,4K", "-d", "none,fence", NULL };
	options_parse(9, argv, &o, err, sizeof err);
	/* add a second kernel and barriers by hand to exercise the none-once rule */
	o.kernels[o.nkernels++] = kernel_find("c_8") + 0;
	o.barriers[o.nbarriers++] = &barriers[1]; /* a real barrier */
	o.nevery = 3;
	o.every[0] = EVERY_64;
	o.every[1] = EVERY_BURST;
	o.every[2] = EVERY_SAMPLE;
	/* 2 kernels x (none:1 + barrier:3) x 2 drains x 2 sizes */
	size_t n = sweep_count(&o);
	CHECK(n == 2 * 4 * 2 * 2, "sweep: count is the product, barrier none swept once (%zu)", n);
	struct sweep_point p, seen[64];
	bool in_range = true, distinct = true;
	for (size_t i = 0; i < n; i++) {
		sweep_point(&o, i, &p);
		in_range &= p.kernel < o.nkernels && p.barrier < o.nbarriers && p.size < o.nsizes &&
			    p.drain < o.ndrains && p.every < o.nevery && p.threads < o.nthreads;
		if (o.barriers[p.barrier]->id == BARRIER_NONE)
			in_range &= p.every == 0;
		for (size_t j = 0; j < i; j++)
			distinct &= memcmp(&seen[j], &p, sizeof p) != 0;
		seen[i] = p;
	}
	CHECK(in_range, "sweep: every point indexes the lists");
	CHECK(distinct, "sweep: no case twice");
	sweep_point(&o, 0, &p);
	struct sweep_point q;
	sweep_point(&o, 1, &q);
	CHECK(p.size == 0 && q.size == 1 && p.kernel == q.kernel && p.drain == q.drain,
	      "sweep: size varies fastest (a plot's line is contiguous)");
}
