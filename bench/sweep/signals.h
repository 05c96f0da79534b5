/*
 * The one stop signal of a sweep (run, vm, check): the first SIGINT or SIGTERM sets the stop flag
 * and the case under way ends after its sample; the second ends the process at once (finished
 * rows are on disk already).
 */
#ifndef WCBENCH_SWEEP_SIGNALS_H
#define WCBENCH_SWEEP_SIGNALS_H

#include <signal.h>

/* The handlers that were there before sweep_signals_catch, for sweep_signals_restore. */
struct sweep_signals {
	struct sigaction old_int, old_term;
};

void sweep_signals_catch(struct sweep_signals *saved);
void sweep_signals_restore(const struct sweep_signals *saved);

/* The first SIGINT/SIGTERM caught, or 0: the run stops at the next case. */
int sweep_stopped(void);
/* The stop flag for measure's case_spec.stop (and the microVM's). */
const volatile int *sweep_stop_flag(void);
/* "SIGINT", "SIGTERM": the stop signal as messages say it. */
const char *sweep_signal_name(int sig);
#endif
