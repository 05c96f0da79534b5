#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check/link.h"
#include "pcisys.h"

/* Per lane: transfer rate and line coding, by generation (PCIe base spec). Gen6 runs in flit
 * mode (1b/1b, 242 of every 256 flit bytes carry TLPs): its ceilings are approximate. */
static const struct {
	unsigned gen;
	double gt_s;
	double coding; /* payload bits per transferred bit */
	const char *coding_name;
} pcie_gens[] = {
	{ 1, 2.5, 8.0 / 10, "8b/10b" },
	{ 2, 5.0, 8.0 / 10, "8b/10b" },
	{ 3, 8.0, 128.0 / 130, "128b/130b" },
	{ 4, 16.0, 128.0 / 130, "128b/130b" },
	{ 5, 32.0, 128.0 / 130, "128b/130b" },
	{ 6, 64.0, 242.0 / 256, "flit mode, 242/256" },
};
#define NGENS (sizeof pcie_gens / sizeof pcie_gens[0])

/* Bytes a TLP costs besides its payload: framing 4 + sequence 2 + LCRC 4, plus the header. */
#define TLP_OVERHEAD_3DW 22
#define TLP_OVERHEAD_4DW 26

static int gen_index(unsigned gen)
{
	for (size_t i = 0; i < NGENS; i++)
		if (pcie_gens[i].gen == gen)
			return (int)i;
	return -1;
}

static bool valid_width(unsigned w)
{
	return w == 1 || w == 2 || w == 4 || w == 8 || w == 12 || w == 16 || w == 32;
}

int link_parse(const char *s, struct link_info *l, char *err, size_t n)
{
	memset(l, 0, sizeof *l);
	unsigned gen = 0, width = 0;
	int used = 0;
	if (!s || strncasecmp(s, "gen", 3) || !isdigit((unsigned char)s[3]) ||
	    strspn(s + 3, "0123456789xX") != strlen(s + 3) ||
	    sscanf(s + 3, "%2u%*[xX]%3u%n", &gen, &width, &used) != 2 || s[3 + used] ||
	    !isdigit((unsigned char)s[3 + used - 1])) {
		snprintf(err, n, "--link '%.40s': not a link: give genGxW, e.g. gen4x16 or gen3x8", s ? s : "");
		return -EINVAL;
	}
	int gi = gen_index(gen);
	if (gi < 0 || !valid_width(width)) {
		snprintf(err, n, "--link '%.40s': %s", s,
			 gi < 0 ? "PCIe generations are 1 to 6" : "a link has 1, 2, 4, 8, 12, 16 or 32 lanes");
		return -EINVAL;
	}
	l->known = true;
	l->gen = gen;
	l->width = width;
	l->gt_s = pcie_gens[gi].gt_s;
	snprintf(l->source, sizeof l->source, "--link gen%ux%u (stated by the user)", gen, width);
	return 0;
}

/* The first line of DIR/NAME into buf (no newline); false when unreadable. */
static bool read_attr(const char *dir, const char *name, char *buf, size_t n)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	bool ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool is_bdf(const char *s)
{
	unsigned d, b, dev, fn;
	int used = 0;
	return sscanf(s, "%4x:%2x:%2x.%1x%n", &d, &b, &dev, &fn, &used) == 4 && (size_t)used == strlen(s);
}

/* "16.0 GT/s PCIe", "8 GT/s", "2.5 GT/s": the generation; 0 for "Unknown" or anything else. */
static unsigned speed_gen(const char *speed, double *gt_s)
{
	char *end;
	double v = strtod(speed, &end);
	if (end == speed || strncmp(end, " GT/s", 5))
		return 0;
	for (size_t i = 0; i < NGENS; i++)
		if (v > pcie_gens[i].gt_s * 0.99 && v < pcie_gens[i].gt_s * 1.01) {
			*gt_s = pcie_gens[i].gt_s;
			return pcie_gens[i].gen;
		}
	return 0;
}

void link_from_sysfs(const char *bdf, struct link_info *l)
{
	memset(l, 0, sizeof *l);
	char path[PATH_MAX], real[PATH_MAX];
	if (pci_dev_path(path, sizeof path, bdf, "") || !realpath(path, real)) {
		snprintf(l->source, sizeof l->source, "sysfs: no PCI device %.16s: link unknown (give --link)", bdf);
		return;
	}
	char first_seen[200] = "";
	/* the device, then each bridge above it, while the path component is a PCI address */
	for (unsigned hops = 0; hops < 16; hops++) {
		char *slash = strrchr(real, '/');
		if (!slash || !is_bdf(slash + 1))
			break;
		char speed[64], width[16];
		if (read_attr(real, "current_link_speed", speed, sizeof speed) &&
		    read_attr(real, "current_link_width", width, sizeof width)) {
			double gt = 0;
			unsigned gen = speed_gen(speed, &gt);
			char *end;
			unsigned long w = strtoul(width, &end, 10);
			if (gen && *end == '\0' && valid_width((unsigned)w)) {
				l->known = true;
				l->gen = gen;
				l->width = (unsigned)w;
				l->gt_s = gt;
				snprintf(l->source, sizeof l->source,
					 "sysfs: %s%s%s current_link_speed '%.20s', current_link_width %lu",
					 slash + 1, hops ? ", the port above " : "", hops ? bdf : "", speed, w);
				return;
			}
			if (!first_seen[0])
				snprintf(first_seen, sizeof first_seen, "%s reports speed '%.24s' width '%.8s'",
					 slash + 1, speed, width);
		}
		*slash = '\0';
	}
	snprintf(l->source, sizeof l->source, "sysfs: no real link at %s or above it%s%s: link unknown "
		 "(an emulated or integrated device; give --link genGxW)", bdf, first_seen[0] ? "; " : "",
		 first_seen);
}

void link_ceilings(const struct link_info *l, struct link_ceilings *c)
{
	memset(c, 0, sizeof *c);
	int gi = l->known ? gen_index(l->gen) : -1;
	if (gi < 0) {
		snprintf(c->assumptions, sizeof c->assumptions, "no link known: no ceilings");
		return;
	}
	c->raw_gbps = pcie_gens[gi].gt_s * pcie_gens[gi].coding / 8.0 * l->width;
	c->tlp8_gbps = c->raw_gbps * 8.0 / (8 + TLP_OVERHEAD_3DW);
	c->tlp64_gbps = c->raw_gbps * 64.0 / (64 + TLP_OVERHEAD_4DW);
	snprintf(c->assumptions, sizeof c->assumptions,
		 "gen%u x%u: %.1f GT/s per lane, %s: %.2f GB/s raw; 8 B TLPs at most 8/%d of it (3-DW "
		 "header: %d B per TLP, no DLLPs: generous), 64 B TLPs 64/%d (4-DW header: %d B)%s",
		 l->gen, l->width, pcie_gens[gi].gt_s, pcie_gens[gi].coding_name, c->raw_gbps,
		 8 + TLP_OVERHEAD_3DW, TLP_OVERHEAD_3DW, 64 + TLP_OVERHEAD_4DW, TLP_OVERHEAD_4DW,
		 l->gen == 6 ? "; gen6 flit mode: approximate" : "");
}
