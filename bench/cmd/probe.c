/*
 * wcbench probe SPEC...: what a target maps to, without storing anything. Runs the same probe and
 * map as `wcbench run` (target_probe, ops->map/unmap) and prints the mapping path, the memory type
 * asked for and the one the OS reports (x86 PAT), the region and window; for vfio targets also the
 * access path, the IOMMU group, every vfio region, and a DMA check (vfio_dma_alloc of 2 MiB, its
 * IOVA, vfio_dma_free). Nothing is written to the BAR: the only device access is the config-space
 * read that map does to check memory decoding.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>

#include "cmd/commands.h"
#include "common/cli.h"
#include "common/parse.h"
#include "common/util.h"
#include "common/json.h"
#include "pcisys.h"
#include "targets/kinds.h"
#include "targets/target.h"
#include "targets/bar.h"
#include "vfio.h"

#define PROBE_DMA_LEN (2UL << 20)

static const char probe_description[] =
	"Shows what each target maps to, without storing anything: it runs the same checks and the\n"
	"same mapping as `wcbench run --target SPEC`, prints what it found, and unmaps again.\n"
	"SPEC is a target as `wcbench list targets` shows it: vfio:BDF:barN, sysfs:BDF:barN,\n"
	"sysfs-wc:BDF:barN, ram[:hugetlb][,node=N], file:PATH. A --window that does not fit the\n"
	"target (past the end of the BAR or file; RAM: more than MemAvailable) is refused as run\n"
	"refuses it: exit 2, before anything is mapped.\n"
	"\n"
	"Per target, one `key: value` per line (a blank line between targets):\n"
	"  spec, kind, device (BDF and BAR), map (the mapping path),\n"
	"  memtype        the memory type this path asks for (x86: UC, UC-, WC, WB;\n"
	"                 arm64: Device-nGnRnE, Device-nGnRE, Normal-NC, Normal-WB),\n"
	"  memtype_seen   what the OS reports it really got (x86: the PAT memtype list in debugfs;\n"
	"                 \"unknown\" where it cannot be read),\n"
	"  region_len     bytes that may be mapped (the BAR size), window (OFF:LEN, bytes) the part\n"
	"                 stores would reach (--window as for run).\n"
	"vfio targets also show: vfio_path (group, noiommu or iommufd), iommu_group, vfio_regions and\n"
	"one regionN line per vfio region (BARs 0-5, rom, config, vga: size, offset, flags incl. mmap),\n"
	"and a DMA check: a 2 MiB RAM buffer is mapped for the device through the IOMMU\n"
	"(vfio_dma_alloc), its iova printed, and unmapped again (dma: ok; skipped under noiommu).\n"
	"\n"
	"It never writes to the device: the BAR is mapped and unmapped without a load or a store\n"
	"(only config space is read, to check that memory decoding is on), and the DMA buffer's\n"
	"address is never given to the device. Opening a vfio device is what run does too: vfio-pci\n"
	"may reset the function on open and close. sysfs targets of a device bound to a host driver\n"
	"still need --force, as for run.";

static const char probe_exit[] =
	"0 every target mapped (and DMA-mapped); 1 a mapping or the DMA check failed;\n"
	"2 bad usage or a target that run would refuse (no such device, BAR, window; not bound).";

/* What probe's rows fill. */
struct probe_args {
	bool json, help, man;
	struct target_opts topts;
};

static int probe_window(void *opts, const char *v, char *err, size_t n)
{
	struct target_opts *t = &((struct probe_args *)opts)->topts;
	if (parse_window(v, &t->window_off, &t->window_len, err, n))
		return -EINVAL;
	t->window_set = true;
	return 0;
}

#define PROBE_OPT(field) offsetof(struct probe_args, field)
static const struct opt_row probe_option_rows[] = {
	{ .name = "json", .type = OPT_FLAG, .off = PROBE_OPT(json),
	  .help = "one JSON array of objects instead of key: value lines" },
	{ .name = "force", .type = OPT_FLAG, .off = PROBE_OPT(topts.force),
	  .help = "accept sysfs targets of a device bound to a host driver" },
	{ .name = "window", .short_name = 'w', .type = OPT_STRING, .metavar = "OFF:LEN", .parse = probe_window,
	  .help = "the window to check against the target, as `wcbench run --window`" },
	{ .name = "help", .short_name = 'h', .type = OPT_FLAG, .off = PROBE_OPT(help), .final = true,
	  .help = "this text" },
	{ .name = "man", .type = OPT_FLAG, .off = PROBE_OPT(man), .final = true,
	  .help = "this text as a man page (roff)" },
};
static const struct opt_table probe_option_table = OPT_TABLE(probe_option_rows);

const struct opt_command probe_cli = {
	.name = "probe",
	.summary = "what a target maps to (memtype, regions, IOMMU, DMA) without storing",
	.usage = "probe [--json] [--force] [-w|--window OFF:LEN] SPEC...",
	.description = probe_description,
	.tables = (const struct opt_table *const[]){ &probe_option_table },
	.ntables = 1,
	.operands = OPERANDS_STOP,
	.exit_label = "Exit:",
	.exit = probe_exit,
	.help_column = 20,
};

/* Output as key: value lines or JSON, one object per target. */
struct out {
	bool json;
	bool first_key;          /* JSON: no comma before the next key */
	unsigned objects;        /* JSON: objects written so far */
};

static void obj_begin(struct out *o)
{
	if (o->json)
		fputs(o->objects ? ",\n  {" : "  {", stdout);
	else if (o->objects)
		putchar('\n');
	o->objects++;
	o->first_key = true;
}

static void obj_end(struct out *o)
{
	if (o->json)
		fputs("}", stdout);
	fflush(stdout);
}

static void key(struct out *o, const char *k)
{
	if (o->json) {
		fputs(o->first_key ? "" : ", ", stdout);
		json_str(stdout, k);
		fputs(": ", stdout);
	} else {
		printf("%s: ", k);
	}
	o->first_key = false;
}

static void kv_str(struct out *o, const char *k, const char *v)
{
	key(o, k);
	if (o->json)
		json_str(stdout, v);
	else
		cli_line(stdout, "%s", v); /* sysfs and device strings: kept on their line */
}

static void kv_u64(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	printf("%" PRIu64 "%s", v, o->json ? "" : "\n");
}

static void kv_int(struct out *o, const char *k, int v)
{
	key(o, k);
	printf("%d%s", v, o->json ? "" : "\n");
}

static const char *region_name(unsigned index, char *buf, size_t n)
{
	if (index <= VFIO_PCI_BAR5_REGION_INDEX)
		snprintf(buf, n, "bar%u", index - VFIO_PCI_BAR0_REGION_INDEX);
	else if (index == VFIO_PCI_ROM_REGION_INDEX)
		snprintf(buf, n, "rom");
	else if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		snprintf(buf, n, "config");
	else if (index == VFIO_PCI_VGA_REGION_INDEX)
		snprintf(buf, n, "vga");
	else
		snprintf(buf, n, "device-specific");
	return buf;
}

static const char *region_flags(uint32_t f, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s%s%s", f & VFIO_REGION_INFO_FLAG_READ ? ",read" : "",
		 f & VFIO_REGION_INFO_FLAG_WRITE ? ",write" : "", f & VFIO_REGION_INFO_FLAG_MMAP ? ",mmap" : "",
		 f & VFIO_REGION_INFO_FLAG_CAPS ? ",caps" : "");
	if (!buf[0])
		snprintf(buf, n, ",none");
	memmove(buf, buf + 1, strlen(buf));
	return buf;
}

/* The vfio part: path, group, regions, DMA. Returns 0 or 1 (a region or the DMA check failed). */
static int probe_vfio(struct out *o, struct vfio_dev *d, const char *spec)
{
	char err[VFIO_ERR_LEN], name[24], flags[40], line[200];
	int rc = 0;
	kv_str(o, "vfio_path", vfio_path_name(d->path));
	struct pci_dev_info info;
	int group = d->group;
	if (!pci_dev_read(d->bdf, &info, err, sizeof err))
		group = info.iommu_group;
	kv_int(o, "iommu_group", group);
	kv_u64(o, "vfio_regions", d->num_regions);
	kv_u64(o, "vfio_irqs", d->num_irqs);
	if (o->json) {
		key(o, "regions");
		putchar('[');
	}
	unsigned shown = 0;   /* JSON: regions written, for the commas */
	for (unsigned i = 0; i < d->num_regions; i++) {
		struct vfio_region r;
		region_name(i, name, sizeof name);
		int e = vfio_region_info(d, i, &r, err, sizeof err);
		if (e == -EINVAL) {
			/* vfio-pci answers EINVAL for a region this device lacks (vga on a non-VGA device) */
			const char *why = i == VFIO_PCI_VGA_REGION_INDEX ? "absent (not a VGA device)" : "absent";
			if (o->json) {
				printf("%s{\"index\": %u, \"name\": ", shown++ ? ", " : "", i);
				json_str(stdout, name);
				fputs(", \"absent\": true}", stdout);
			} else {
				char k[24];
				snprintf(k, sizeof k, "region%u", i);
				snprintf(line, sizeof line, "%s %s", name, why);
				kv_str(o, k, line);
			}
			continue;
		}
		if (e) {
			cli_line(stderr, "wcbench probe: %s: %s", spec, err);
			rc = 1;
			continue;
		}
		region_flags(r.flags, flags, sizeof flags);
		if (o->json) {
			printf("%s{\"index\": %u, \"name\": ", shown++ ? ", " : "", i);
			json_str(stdout, name);
			printf(", \"size\": %" PRIu64 ", \"offset\": \"0x%" PRIx64 "\", \"flags\": \"0x%" PRIx32
			       "\", \"flag_names\": ", r.size, r.offset, r.flags);
			json_str(stdout, flags);
			printf(", \"mmap\": %s}", r.mmap ? "true" : "false");
		} else {
			char k[24];
			snprintf(k, sizeof k, "region%u", i);
			snprintf(line, sizeof line, "%s size=%" PRIu64 " offset=0x%" PRIx64 " flags=0x%" PRIx32 " %s",
				 name, r.size, r.offset, r.flags, flags);
			kv_str(o, k, line);
		}
	}
	if (o->json)
		putchar(']');

	/* DMA: map 2 MiB of RAM for the device, show where it landed, unmap */
	struct vfio_dma dma = { 0 };
	int drc = vfio_dma_alloc(d, PROBE_DMA_LEN, &dma, err, sizeof err);
	if (drc == -ENOTSUP && d->path == VFIO_PATH_NOIOMMU) {
		kv_str(o, "dma", "skipped (noiommu: no IOMMU to map DMA through; the device sees physical addresses)");
		return rc;
	}
	if (drc) {
		kv_str(o, "dma", "failed");
		cli_line(stderr, "wcbench probe: %s: DMA mapping of %lu bytes failed: %s", spec, PROBE_DMA_LEN, err);
		return 1;
	}
	char iova[24];
	snprintf(iova, sizeof iova, "0x%" PRIx64, dma.iova);
	kv_str(o, "iova", iova);
	kv_u64(o, "dma_len", dma.len);
	drc = vfio_dma_free(d, &dma);
	if (drc) {
		kv_str(o, "dma", "failed");
		cli_line(stderr, "wcbench probe: %s: DMA unmap of %s failed: %s", spec, iova, strerror(-drc));
		return 1;
	}
	kv_str(o, "dma", "ok");
	return rc;
}

/* Map one probed target, print it, unmap. Returns 0 or 1. */
static int probe_one(struct out *o, struct target *t)
{
	char err[TARGET_ERR_LEN], kind[32], win[64];
	int rc = t->ops->map(t, err);
	if (rc) {
		cli_line(stderr, "wcbench probe: %s", err);
		if (o->json) { /* the array keeps one object per SPEC */
			obj_begin(o);
			kv_str(o, "spec", t->spec);
			kv_str(o, "error", err);
			obj_end(o);
		}
		t->ops->unmap(t);
		return 1;
	}
	obj_begin(o);
	kv_str(o, "spec", t->spec);
	kv_str(o, "kind", target_kind_of(t->spec, kind, sizeof kind));
	kv_str(o, "device", t->device[0] ? t->device : "-");
	kv_str(o, "map", t->map);
	kv_str(o, "memtype", t->memtype);
	kv_str(o, "memtype_seen", t->memtype_seen[0] ? t->memtype_seen : "unknown");
	kv_u64(o, "region_len", t->region_len);
	snprintf(win, sizeof win, "%zu:%zu", t->win_off, t->win_len);
	kv_str(o, "window", win);
	struct vfio_dev *d = target_bar_vfio(t);
	if (d)
		rc = probe_vfio(o, d, t->spec);
	obj_end(o);
	t->ops->unmap(t);
	return rc;
}

int cmd_probe(int argc, char **argv)
{
	struct probe_args a = { 0 };
	struct out o = { 0 };
	char err[TARGET_ERR_LEN];
	int first;
	if (opt_parse(&probe_cli, (void *const[]){ &a }, argc, argv, &first, err, sizeof err)) {
		cli_line(stderr, "wcbench probe: %s", err);
		return EXIT_USAGE;
	}
	if (a.help || a.man) {
		(a.help ? opt_write_help : opt_write_man)(&probe_cli, stdout);
		return 0;
	}
	o.json = a.json;
	int n = argc - first;
	if (n < 1) {
		fprintf(stderr, "wcbench probe: no target: give one or more SPECs, e.g. wcbench probe "
			"vfio:0000:01:00.0:bar2 (see: wcbench probe --help)\n");
		return EXIT_USAGE;
	}
	struct target *targets = calloc((size_t)n, sizeof *targets);
	if (!targets) {
		fprintf(stderr, "wcbench probe: out of memory\n");
		return 1;
	}
	/* Probe every target first: a bad spec stops everything before anything is mapped. */
	for (int i = 0; i < n; i++) {
		if (target_probe(&targets[i], argv[first + i], &a.topts, err)) {
			cli_line(stderr, "wcbench probe: %s", err);
			for (int j = 0; j <= i; j++)
				if (targets[j].ops)
					targets[j].ops->unmap(&targets[j]);
			free(targets);
			return EXIT_USAGE;
		}
	}
	int rc = 0;
	if (o.json)
		puts("[");
	for (int i = 0; i < n; i++)
		rc |= probe_one(&o, &targets[i]);
	if (o.json)
		puts("\n]");
	free(targets);
	return rc ? 1 : 0;
}
