#include "check.h"

int check_passed, check_failed;

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_stats();
	test_stop_rule();
	test_options();
	test_opt_engine();
	test_sweep();
	test_schema();
	test_parse();
	test_results();
	test_window();
	test_target_flags();
	test_measure();
	test_model();
	test_verdict();
	test_verdict_io();
	test_vm_x86();
	test_machine_ref();
	test_safe_file();
	test_escape();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
