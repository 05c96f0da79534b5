#include <math.h>

#include "check.h"
#include "core/stats.h"

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(b) + 1);
}

void test_stats(void)
{
	double x[] = { 5, 1, 4, 2, 3 };
	struct summary s;
	summarize(x, 5, &s);
	CHECK(near(s.median, 3) && near(s.min, 1) && near(s.max, 5), "stats: median/min/max of 1..5");
	CHECK(near(s.p10, 1.4) && near(s.p90, 4.6), "stats: p10/p90 interpolate (type 7): %g %g", s.p10, s.p90);
	CHECK(near(s.mean, 3) && near(s.stddev, sqrt(2.5)), "stats: mean and sample stddev");
	CHECK(near(s.cv, sqrt(2.5) / 3), "stats: cv = stddev/mean");

	double even[] = { 10, 20, 30, 40 };
	CHECK(near(quantile(even, 4, 0.5), 25), "stats: median of an even count averages the middle two");
	double one[] = { 7 };
	summarize(one, 1, &s);
	CHECK(near(s.median, 7) && near(s.p10, 7) && s.stddev == 0 && s.cv == 0, "stats: one sample");

	double flat[20], noisy[20];
	for (int i = 0; i < 20; i++) {
		flat[i] = 100 + (i % 2) * 0.1;
		noisy[i] = 100 + (i % 5) * 10;
	}
	CHECK(stats_stable(flat, 20, 10, 0.01), "stats: tight samples are stable");
	CHECK(!stats_stable(noisy, 20, 10, 0.01), "stats: spread samples are not stable");
	CHECK(!stats_stable(flat, 5, 10, 0.01), "stats: fewer than min samples is never stable");
}
