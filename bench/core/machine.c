#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif
#if defined(__aarch64__)
#include <sys/auxv.h>
#ifndef AT_HWCAP3
#define AT_HWCAP3 29
#endif
#endif

#include "core/machine.h"

static void read_line(const char *path, char *buf, size_t n)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(buf, (int)n, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* CSV-friendly: no commas or quotes in free text that lands in rows. */
static void tidy(char *s)
{
	for (; *s; s++)
		if (*s == ',' || *s == '"')
			*s = ' ';
}

#if defined(__aarch64__)
struct part_name {
	unsigned implementer, part;
	const char *name;
};
static const struct part_name arm_parts[] = {
	{ 0x41, 0xd03, "Arm Cortex-A53" }, { 0x41, 0xd07, "Arm Cortex-A57" },
	{ 0x41, 0xd08, "Arm Cortex-A72" }, { 0x41, 0xd0b, "Arm Cortex-A76" },
	{ 0x41, 0xd0c, "Arm Neoverse-N1" }, { 0x41, 0xd40, "Arm Neoverse-V1" },
	{ 0x41, 0xd49, "Arm Neoverse-N2" }, { 0x41, 0xd4f, "Arm Neoverse-V2" },
	{ 0x41, 0xd84, "Arm Neoverse-V3" }, { 0x41, 0xd8e, "Arm Neoverse-N3" },
	{ 0x00, 0x051, "QEMU -cpu max (emulated)" }, { 0x48, 0xd01, "HiSilicon Kunpeng-920" },
	{ 0xc0, 0xac3, "Ampere AmpereOne" }, { 0x51, 0x800, "Qualcomm Kryo" },
	{ 0x4e, 0x004, "NVIDIA Carmel" },
};
#endif

void machine_probe(struct machine_info *m)
{
	memset(m, 0, sizeof *m);
	struct utsname u;
	uname(&u);
	snprintf(m->arch, sizeof m->arch, "%.15s", u.machine);
	snprintf(m->os_release, sizeof m->os_release, "%.63s", u.release);
	gethostname(m->hostname, sizeof m->hostname - 1);
	read_line("/sys/kernel/mm/transparent_hugepage/enabled", m->thp, sizeof m->thp);
	if (!m->thp[0])
		snprintf(m->thp, sizeof m->thp, "unknown");
	snprintf(m->hypervisor, sizeof m->hypervisor, "none seen");
#if defined(__x86_64__)
	snprintf(m->arch, sizeof m->arch, "x86_64");
	unsigned a = 0, b = 0, c = 0, d = 0;
	char name[49] = "";
	if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
		unsigned *w = (unsigned *)name;
		for (unsigned i = 0; i < 3; i++)
			__get_cpuid(0x80000002 + i, &w[4 * i], &w[4 * i + 1], &w[4 * i + 2], &w[4 * i + 3]);
	}
	char *p = name;
	while (*p == ' ')
		p++;
	__get_cpuid(1, &a, &b, &c, &d);
	unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
	if (family == 0xf)
		family += (a >> 20) & 0xff;
	if (family >= 6)
		model |= ((a >> 16) & 0xf) << 4;
	snprintf(m->cpu_id, sizeof m->cpu_id, "family 0x%x model 0x%x stepping %u", family, model,
		 stepping);
	snprintf(m->cpu_model, sizeof m->cpu_model, "%s", *p ? p : "unknown x86_64");
	char sig[13];
	cpu_hypervisor_signature(sig);
	if (sig[0])
		snprintf(m->hypervisor, sizeof m->hypervisor, "cpuid hypervisor bit set (%s)", sig);
	/* the flags that decide which kernels run */
	unsigned c7 = 0, b7 = 0, d7 = 0;
	__get_cpuid_count(7, 0, &a, &b7, &c7, &d7);
	snprintf(m->hwcaps, sizeof m->hwcaps, "sse2%s%s%s%s%s%s", (c & bit_AVX) ? " avx" : "",
		 (b7 & bit_AVX2) ? " avx2" : "", (b7 & bit_AVX512F) ? " avx512f" : "",
		 (c7 & (1u << 27)) ? " movdiri" : "", (c7 & (1u << 28)) ? " movdir64b" : "",
		 (d7 & (1u << 18)) ? " pconfig" : "");
#elif defined(__aarch64__)
	uint64_t midr = cpu_midr();
	char buf[64];
	unsigned impl = (unsigned)(midr >> 24) & 0xff, part = (unsigned)(midr >> 4) & 0xfff;
	const char *pname = NULL;
	for (size_t i = 0; i < sizeof arm_parts / sizeof arm_parts[0]; i++)
		if (arm_parts[i].implementer == impl && arm_parts[i].part == part)
			pname = arm_parts[i].name;
	snprintf(m->cpu_id, sizeof m->cpu_id, "MIDR_EL1 0x%08llx", (unsigned long long)midr);
	if (pname)
		snprintf(m->cpu_model, sizeof m->cpu_model, "%s", pname);
	else
		snprintf(m->cpu_model, sizeof m->cpu_model, "implementer 0x%02x part 0x%03x", impl, part);
	unsigned long h1 = getauxval(AT_HWCAP), h2 = getauxval(AT_HWCAP2), h3 = getauxval(AT_HWCAP3);
	snprintf(m->hwcaps, sizeof m->hwcaps, "AT_HWCAP 0x%lx AT_HWCAP2 0x%lx AT_HWCAP3 0x%lx:%s%s", h1,
		 h2, h3, (h2 & (1UL << 15)) ? " dgh" : " no-dgh", (h3 & (1UL << 3)) ? " ls64" : " no-ls64");
	read_line("/sys/hypervisor/type", buf, sizeof buf);
	if (buf[0])
		snprintf(m->hypervisor, sizeof m->hypervisor, "%s", buf);
#else
	snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
#endif
	tidy(m->cpu_model);
}

void cpu_hypervisor_signature(char sig[13])
{
	sig[0] = '\0';
#if defined(__x86_64__)
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(sig, &b, 4), memcpy(sig + 4, &c, 4), memcpy(sig + 8, &d, 4);
	sig[12] = '\0';
	for (int i = 0; i < 12 && sig[i]; i++)
		if (sig[i] < 0x20 || sig[i] > 0x7e)
			sig[i] = '?';
#endif
}

uint64_t cpu_midr(void)
{
	uint64_t midr = 0;
#if defined(__aarch64__)
	char buf[64];
	read_line("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1", buf, sizeof buf);
	if (buf[0])
		midr = strtoull(buf, NULL, 16);
	else if (getauxval(AT_HWCAP) & (1UL << 11)) /* HWCAP_CPUID: the kernel emulates MRS */
		__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
#endif
	return midr;
}

void make_run_id(char *buf, size_t n, const char *hostname)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct tm tm;
	gmtime_r(&now.tv_sec, &tm);
	char ts[32];
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%S", &tm);
	/* milliseconds and the pid: two runs started in one second (or one millisecond) differ */
	char suffix[24];
	snprintf(suffix, sizeof suffix, "-%ld", (long)getpid());
	char host[32];
	snprintf(host, sizeof host, "%s", hostname[0] ? hostname : "host");
	for (char *p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
			*p = '-';
	/* the host gives way so that the whole id fits a row's run_id (RUN_ID_MAX) */
	int room = RUN_ID_MAX - 1 - (int)strlen(ts) - 6 - (int)strlen(suffix);
	snprintf(buf, n, "%s.%03ldZ-%.*s%s", ts, now.tv_nsec / 1000000, room > 1 ? room : 1, host, suffix);
}
