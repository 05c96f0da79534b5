/*
 * Physical evidence: the PCIe link a BAR sits behind and what it can carry. A readback-drained
 * throughput of 8-byte stores above the link's ceiling for 8-byte TLPs proves the stores were
 * combined (PCIe posted-write overheads: each memory-write TLP carries a header, LCRC and framing).
 */
#ifndef WCBENCH_CHECK_LINK_H
#define WCBENCH_CHECK_LINK_H

#include <stdbool.h>
#include <stddef.h>

struct link_info {
	bool known;
	unsigned gen;           /* 1..6 */
	unsigned width;         /* lanes */
	double gt_s;            /* transfer rate per lane, GT/s */
	char source[200];       /* "sysfs: 0000:00:01.0 (port above 0000:01:00.0) current_link_speed
				 * 16.0 GT/s PCIe, current_link_width 16", "--link gen4x16",
				 * or why it is unknown */
};

/* "gen4x16", "Gen3x8", "gen5x4": 0, or -EINVAL with one line in err. */
int link_parse(const char *s, struct link_info *l, char *err, size_t n);

/* The current link of PCI device BDF (DDDD:BB:DD.F) from sysfs (under pcisys_root(), as every
 * PCI read): the device's own current_link_speed/_width, or the first bridge above it with a real
 * link (width > 0, a known speed). known=false with the reason in source when there is none (a
 * root-complex integrated device, an emulated bus). */
void link_from_sysfs(const char *bdf, struct link_info *l);

/* What the link can carry, in GB/s (10^9 B/s) of payload, and the assumptions behind it. */
struct link_ceilings {
	double raw_gbps;        /* after line coding (8b/10b, 128b/130b), all lanes */
	double tlp8_gbps;       /* 8-byte payload per TLP, generous: 3-DW header, 22 B overhead,
				 * no DLLPs: any 8-byte-store rate above it needs combining */
	double tlp64_gbps;      /* 64-byte payload per TLP, 26 B overhead (4-DW header): the most
				 * CPU write combining can reach */
	char assumptions[300];
};
void link_ceilings(const struct link_info *l, struct link_ceilings *c);
#endif
