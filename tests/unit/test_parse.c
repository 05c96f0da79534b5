/* Command-line numbers: sizes, CPU lists, windows (bench/common/parse.c). */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "common/parse.h"

void test_parse(void)
{
	size_t s;
	CHECK(parse_size("64", &s) == 0 && s == 64, "parse_size 64");
	CHECK(parse_size("4K", &s) == 0 && s == 4096, "parse_size 4K");
	CHECK(parse_size("1M", &s) == 0 && s == (1UL << 20), "parse_size 1M");
	CHECK(parse_size("2G", &s) == 0 && s == (2UL << 30), "parse_size 2G");
	CHECK(parse_size("16KiB", &s) == 0 && s == 16384, "parse_size 16KiB");
	CHECK(parse_size("", &s) && parse_size("-1", &s) && parse_size("4X", &s) &&
	      parse_size("K", &s) && parse_size("99999999999999999999", &s), "parse_size rejects junk");
	int cpus[16];
	CHECK(parse_cpu_list("0,2-4", cpus, 16) == 4 && cpus[0] == 0 && cpus[3] == 4, "parse_cpu_list 0,2-4");
	CHECK(parse_cpu_list("3-1", cpus, 16) < 0 && parse_cpu_list("1,1", cpus, 16) < 0 &&
	      parse_cpu_list("a", cpus, 16) < 0 && parse_cpu_list("1,", cpus, 16) < 0 &&
	      parse_cpu_list("", cpus, 16) < 0, "parse_cpu_list rejects reversed, repeated, junk");
}
