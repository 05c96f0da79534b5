#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/data_dir.h"

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *wc_data_dir(const char *name)
{
	static char buf[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	snprintf(buf, sizeof buf, "%s/%s", exe, name);
	if (is_dir(buf))
		return buf;
	snprintf(buf, sizeof buf, "%s/../share/wcbench/%s", exe, name);
	if (is_dir(buf))
		return buf;
	return NULL;
}

const char *plot_script_dir(void)
{
	const char *env = getenv("WCBENCH_PLOTS");
	if (env && is_dir(env))
		return env;
	return wc_data_dir("plots");
}
