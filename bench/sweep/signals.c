#include <signal.h>
#include <unistd.h>

#include "sweep/signals.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	if (stop_signal)
		_exit(128 + sig); /* the second: at once */
	stop_signal = sig;
}

void sweep_signals_catch(struct sweep_signals *saved)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &saved->old_int);
	sigaction(SIGTERM, &sa, &saved->old_term);
}

void sweep_signals_restore(const struct sweep_signals *saved)
{
	sigaction(SIGINT, &saved->old_int, NULL);
	sigaction(SIGTERM, &saved->old_term, NULL);
}

int sweep_stopped(void)
{
	return stop_signal;
}

const volatile int *sweep_stop_flag(void)
{
	return &stop_signal;
}

const char *sweep_signal_name(int sig)
{
	return sig == SIGTERM ? "SIGTERM" : "SIGINT";
}
