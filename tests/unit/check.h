/* Minimal test harness: CHECK prints one "ok - ..." / "not ok - ..." line per assertion. */
#ifndef WCBENCH_CHECK_H
#define WCBENCH_CHECK_H

#include <stdio.h>

extern int check_passed, check_failed;

#define CHECK(cond, ...)                                                                   \
	do {                                                                               \
		int ok_ = !!(cond);                                                        \
		printf("%s - ", ok_ ? "ok" : "not ok");                                    \
		printf(__VA_ARGS__);                                                       \
		if (!ok_)                                                                  \
			printf("  [%s:%d: %s]", __FILE__, __LINE__, #cond);                \
		putchar('\n');                                                             \
		ok_ ? check_passed++ : check_failed++;                                     \
	} while (0)

void test_stats(void);
void test_stop_rule(void); /* bench/core/stop_rule.c on synthetic streams */
void test_options(void);
void test_opt_engine(void);
void test_sweep(void);
void test_schema(void);
void test_parse(void);    /* bench/common/parse.c */
void test_results(void);  /* bench/results/: keys, readers */
void test_window(void);   /* parse_window and target_window_fit */
void test_target_flags(void); /* bench/targets/: kinds' flags and host mappings */
void test_measure(void);  /* bench/measure/: stop flag, faults outside the kernels */
void test_model(void);    /* bench/check/model.c: stage 1 x stage 2 */
void test_verdict(void);  /* bench/check/verdict.c on synthetic evidence, check/link.c */
void test_verdict_io(void); /* bench/check/verdict_io.c, the strict JSON reader */
void test_vm_x86(void);
void test_safe_file(void);   /* bench/common/safe_file.c */
void test_escape(void);      /* bench/common/escape.c: one function per output kind */
void test_machine_ref(void); /* the machine reference: metadata.json entries, compare's machine rule */   /* bench/vm/arch_x86_64.c: page tables, PAT, exception lines */
#endif
