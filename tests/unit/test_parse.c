/* Command-line numbers: sizes, CPU lists, windows (bench/common/parse.c). */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "common/parse.h"
#include "targets/kinds.h"
#include "targets/target.h"

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

/* --window: what parse_window accepts, and target_window_fit, which every target kind's probe
 * (and so run and probe alike) places it with. */
void test_window(void)
{
	size_t s, off, len;
	char err[256];
	CHECK(parse_size(" 64", &s) && parse_size("-64", &s) && parse_size(" -64", &s) &&
	      parse_size("+64", &s), "parse_size rejects leading spaces and signs");
	CHECK(parse_size("64i", &s) && parse_size("64iB", &s) && parse_size("4Ki", &s) &&
	      parse_size("4KiBx", &s), "parse_size rejects a lone 'i' and other stray suffixes");
	CHECK(parse_size("4KB", &s) == 0 && s == 4096 && parse_size("64B", &s) == 0 && s == 64,
	      "parse_size takes KB and a plain B");
	CHECK(parse_size("18446744073709551552", &s) == 0 && s == 18446744073709551552UL &&
	      parse_size("17179869184G", &s), "parse_size: the largest sizes, and an overflowing multiple");
	CHECK(parse_window("0: -64", &off, &len, err, sizeof err) == -EINVAL, "parse_window rejects '0: -64'");
	CHECK(parse_window("0:64i", &off, &len, err, sizeof err) == -EINVAL, "parse_window rejects '0:64i'");
	CHECK(parse_window("4K:64K", &off, &len, err, sizeof err) == 0 && off == 4096 && len == 65536,
	      "parse_window 4K:64K");
	char longw[200] = "0:";
	memset(longw + 2, '0', 150);
	strcpy(longw + 152, "64K");
	CHECK(parse_window(longw, &off, &len, err, sizeof err) == 0 && off == 0 && len == 65536,
	      "parse_window reads a 155-character LEN whole (64K, not cut to 64): len %zu", len);
	longw[0] = '0';
	memset(longw, '0', 150);
	strcpy(longw + 150, ":64K");
	CHECK(parse_window(longw, &off, &len, err, sizeof err) == -EINVAL,
	      "parse_window refuses an OFF too long for any size, not a cut one");

	struct target t = { .spec = "file:x" };
	struct target_opts o = { .window_set = true };
	o.window_off = 18446744073709551552UL;
	o.window_len = 128;
	CHECK(target_window_fit(&t, &o, 4096, 0, "the file (4096 bytes)", &off, &len, err) == -ERANGE &&
	      strstr(err, "file:x: --window 18446744073709551552:128 goes past the end of the file (4096 bytes)"),
	      "window fit: an offset whose sum with LEN wraps is refused: %s", err);
	o.window_off = 0;
	o.window_len = 18446744073709551552UL;
	CHECK(target_window_fit(&t, &o, 4096, 0, "the file", &off, &len, err) == -ERANGE,
	      "window fit: a length near SIZE_MAX is refused");
	o.window_off = 4032;
	o.window_len = 64;
	CHECK(target_window_fit(&t, &o, 4096, 0, "the file", &off, &len, err) == 0 && off == 4032 && len == 64,
	      "window fit: the last 64 bytes fit");
	o.window_len = 128;
	CHECK(target_window_fit(&t, &o, 4096, 0, "the file", &off, &len, err) == -ERANGE,
	      "window fit: one line past the end is refused");
	o.window_off = 4096;
	o.window_len = 64;
	CHECK(target_window_fit(&t, &o, 4096, 0, "the file", &off, &len, err) == -ERANGE,
	      "window fit: an offset at the end is refused");
	o = (struct target_opts){ .window_set = true, .window_off = 64 };
	CHECK(target_window_fit(&t, &o, 4100, 0, "the file", &off, &len, err) == 0 && off == 64 && len == 4032,
	      "window fit: no LEN is the rest of the region, in whole 64-byte lines");
	o = (struct target_opts){ 0 };
	CHECK(target_window_fit(&t, &o, 1 << 20, 4096, "RAM", &off, &len, err) == 0 && off == 0 && len == 4096,
	      "window fit: no --window is the kind's default length");
	CHECK(target_window_fit(&t, &o, 2048, 4096, "RAM", &off, &len, err) == -ERANGE,
	      "window fit: a default length that does not fit is refused too");

	/* the kinds' probes use it: a RAM window above MemAvailable is refused, naming it */
	struct target rt;
	o = (struct target_opts){ .window_set = true, .window_off = 0, .window_len = 18446744073709551552UL };
	CHECK(target_probe(&rt, "ram", &o, err) == -ERANGE && strstr(err, "MemAvailable"),
	      "ram probe refuses a window above MemAvailable: %s", err);
	if (rt.ops)
		rt.ops->unmap(&rt);
}
