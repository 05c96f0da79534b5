#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "check/platform.h"
#include "core/machine.h"

#if defined(__aarch64__)
static bool file_has(const char *path, const char *needle)
{
	char buf[512];
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* device-tree strings are NUL-separated: look through each */
	for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
		if (strstr(buf + i, needle))
			return true;
	return false;
}
#endif

#if defined(__x86_64__)
static void detect_arch(struct platform *p)
{
	unsigned a, b, c, d;
	char vendor[13] = "";
	if (__get_cpuid(0, &a, &b, &c, &d)) {
		memcpy(vendor, &b, 4), memcpy(vendor + 4, &d, 4), memcpy(vendor + 8, &c, 4);
		p->vendor = !strcmp(vendor, "GenuineIntel") ? X86_VENDOR_INTEL
			  : !strcmp(vendor, "AuthenticAMD") ? X86_VENDOR_AMD : X86_VENDOR_UNKNOWN;
	}
	char sig[13];
	cpu_hypervisor_signature(sig);
	if (!sig[0]) {
		snprintf(p->how, sizeof p->how, "CPUID.1:ECX bit 31 (hypervisor present) clear: a host");
		return;
	}
	if (!strcmp(sig, "TCGTCGTCGTCG")) {
		p->env = MODEL_EMULATED;
		p->emulated = true;
		snprintf(p->how, sizeof p->how, "CPUID 0x40000000 signature TCGTCGTCGTCG: QEMU's TCG emulator");
	} else if (!strcmp(sig, "KVMKVMKVM")) {
		p->env = MODEL_KVM_GUEST;
		snprintf(p->how, sizeof p->how, "CPUID 0x40000000 signature KVMKVMKVM: a KVM guest (%s CPU)",
			 vendor[0] ? vendor : "unknown");
	} else {
		p->env = MODEL_GUEST;
		snprintf(p->how, sizeof p->how, "CPUID hypervisor bit set, signature '%s': a guest of a "
			 "hypervisor whose stage 2 rules wcbench does not model", sig);
	}
}
#elif defined(__aarch64__)
static void detect_arch(struct platform *p)
{
	bool qemu_virt = file_has("/sys/firmware/devicetree/base/compatible", "linux,dummy-virt") ||
			 file_has("/sys/class/dmi/id/sys_vendor", "QEMU");
	bool xen = file_has("/sys/hypervisor/type", "xen");
	uint64_t midr = cpu_midr();
	bool have_midr = midr != 0;
	unsigned implementer = (unsigned)(midr >> 24) & 0xff, part = (unsigned)(midr >> 4) & 0xfff;
	if (have_midr && implementer == 0 && part == 0x051) {
		/* QEMU's -cpu max: implementer 0 ("reserved for software use"), part 'Q' */
		p->env = MODEL_EMULATED;
		p->emulated = true;
		snprintf(p->how, sizeof p->how, "MIDR_EL1 0x%08llx: implementer 0x00 (software use), part "
			 "0x051: QEMU's emulated -cpu max", (unsigned long long)midr);
	} else if (xen) {
		p->env = MODEL_GUEST;
		snprintf(p->how, sizeof p->how, "/sys/hypervisor/type: xen: a Xen guest (stage 2 not modelled)");
	} else if (qemu_virt) {
		p->env = MODEL_GUEST;
		snprintf(p->how, sizeof p->how, "a QEMU virt machine (device tree or DMI) with MIDR_EL1 "
			 "0x%08llx: KVM likely but not confirmed; stage 2 unknown", (unsigned long long)midr);
	} else {
		snprintf(p->how, sizeof p->how, "no hypervisor seen (MIDR_EL1 0x%08llx%s): a host",
			 (unsigned long long)midr, have_midr ? "" : ", not readable");
	}
}
#else
static void detect_arch(struct platform *p)
{
	snprintf(p->how, sizeof p->how, "this architecture has no platform detection: assumed a host");
}
#endif

void platform_detect(struct platform *p)
{
	memset(p, 0, sizeof *p);
	p->env = MODEL_HOST;
	detect_arch(p);
	if (p->env == MODEL_HOST) {
		struct utsname u;
		if (!uname(&u) && !platform_state_host_kernel(p, u.release))
			snprintf(p->host_kernel, sizeof p->host_kernel, "%s", u.release);
	}
}

int platform_state_env(struct platform *p, const char *env)
{
	size_t l = strlen(p->how);
	if (!strcmp(env, "host")) {
		if (p->env != MODEL_HOST)
			snprintf(p->how + l, sizeof p->how - l, "; --env host states a host");
		p->env = MODEL_HOST;
		p->emulated = false;
	} else if (!strcmp(env, "guest")) {
		if (p->env == MODEL_HOST) {
			snprintf(p->how + l, sizeof p->how - l, "; --env guest states a guest");
			p->env = MODEL_GUEST;
		}
	} else {
		return -EINVAL;
	}
	return 0;
}

int platform_state_host_kernel(struct platform *p, const char *version)
{
	unsigned major, minor;
	if (kernel_version_parse(version, &major, &minor))
		return -EINVAL;
	p->host_major = major;
	p->host_minor = minor;
	snprintf(p->host_kernel, sizeof p->host_kernel, "%s", version);
	return 0;
}

const char *platform_env_name(const struct platform *p)
{
	switch (p->env) {
	case MODEL_HOST: return "host";
	case MODEL_EMULATED: return "emulated (QEMU TCG)";
	case MODEL_KVM_GUEST: return "KVM guest";
	case MODEL_GUEST: break;
	}
	return "guest (hypervisor unknown)";
}

bool under_hypervisor(const struct platform *p)
{
	return p->env == MODEL_KVM_GUEST || p->env == MODEL_GUEST;
}
