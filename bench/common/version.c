#include "common/version.h"

const char wcbench_version[] = WCBENCH_VERSION;
