#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/timer.h"
#include "measure/case_row.h"

static void join_ints(char *out, size_t n, const int *v, unsigned count)
{
	out[0] = '\0';
	for (unsigned i = 0; i < count; i++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%d", i ? ";" : "", v[i]);
	}
}


/* Everything a row says that does not come from measuring: the case and where it ran. */
void case_row_fill_case(struct row *row, const char *env, const char *run_id, const struct machine_info *m,
			const struct target *t, const struct case_spec *cs)
{
	const struct timer_info *ti = timer_init();
	memset(row, 0, sizeof *row);
	for (size_t i = 0; i < schema_column_count; i++) /* not measured: empty in the CSV */
		if (schema_columns[i].type == COL_DOUBLE)
			*(double *)((char *)row + schema_columns[i].offset) = NAN;
	snprintf(row->run_id, sizeof row->run_id, "%s", run_id);
	snprintf(row->env, sizeof row->env, "%s", env);
	snprintf(row->arch, sizeof row->arch, "%s", m->arch);
	snprintf(row->cpu_model, sizeof row->cpu_model, "%s", m->cpu_model);
	snprintf(row->os_release, sizeof row->os_release, "%s", m->os_release);
	snprintf(row->target, sizeof row->target, "%s", t->spec);
	target_kind_of(t->spec, row->target_kind, sizeof row->target_kind);
	snprintf(row->device, sizeof row->device, "%s", t->device);
	snprintf(row->map, sizeof row->map, "%s", t->map);
	snprintf(row->memtype, sizeof row->memtype, "%s", t->memtype);
	snprintf(row->memtype_seen, sizeof row->memtype_seen, "%s", t->memtype_seen);
	snprintf(row->kernel, sizeof row->kernel, "%s", cs->kernel->name);
	row->width_bytes = cs->kernel->width;
	snprintf(row->barrier, sizeof row->barrier, "%s", cs->barrier->name);
	snprintf(row->barrier_every, sizeof row->barrier_every, "%s", every_names[cs->every]);
	row->burst_bytes = cs->burst;
	row->window_bytes = t->win_len;
	row->threads = cs->threads;
	join_ints(row->cpus, sizeof row->cpus, cs->cpus, cs->threads);
	snprintf(row->drain, sizeof row->drain, "%s", drain_name(cs->drain));
	snprintf(row->mode, sizeof row->mode, "%s", cs->latency ? "latency" : "throughput");
	snprintf(row->timer, sizeof row->timer, "%s", ti->name);
	row->timer_ns = ti->cost_ns;
}

void case_row_fill(struct row *row, const char *env, const char *run_id, const struct machine_info *m,
		   const struct target *t, const struct case_spec *cs, const struct case_result *res)
{
	case_row_fill_case(row, env, run_id, m, t, cs);
	if (res->window_used)
		row->window_bytes = res->window_used;
	int nodes[64], pkgs[64];
	for (unsigned i = 0; i < cs->threads; i++) {
		nodes[i] = res->place[i].node;
		pkgs[i] = res->place[i].package;
	}
	join_ints(row->nodes, sizeof row->nodes, nodes, cs->threads);
	join_ints(row->packages, sizeof row->packages, pkgs, cs->threads);
	row->samples = res->samples;
	row->bursts_per_sample = res->bursts_per_sample;
	row->ns_per_burst_median = res->ns.median;
	row->ns_per_burst_p10 = res->ns.p10;
	row->ns_per_burst_p90 = res->ns.p90;
	row->ns_per_burst_min = res->ns.min;
	row->ns_per_burst_ci_lo = res->samples ? res->ns.ci_lo : NAN;
	row->ns_per_burst_ci_hi = res->samples ? res->ns.ci_hi : NAN;
	row->latency_ns_p50 = res->lat.p50;
	row->latency_ns_p90 = res->lat.p90;
	row->latency_ns_p99 = res->lat.p99;
	row->latency_ns_p999 = res->lat.p999;
	row->latency_ns_max = res->lat.max;
	row->latency_timer_ns = res->lat.timer_ns;
	row->gb_per_s_median = res->gbps_median;
	row->gb_per_s_p10 = res->gbps_p10;
	row->gb_per_s_p90 = res->gbps_p90;
	row->cv = res->samples ? res->ns.cv : NAN;
	snprintf(row->verify, sizeof row->verify, "%s", res->verify);
	row->status = res->status;
	snprintf(row->reason, sizeof row->reason, "%s", res->reason);
}

void case_result_unmapped(struct case_result *res, const struct case_spec *cs, int map_rc,
			  const char *map_err)
{
	/* -EFAULT: the mapping faulted while it was touched (a file cut short) */
	res->status = map_rc == -EFAULT ? STATUS_FAULT : STATUS_ERROR;
	snprintf(res->reason, sizeof res->reason, "%s", map_err);
	snprintf(res->verify, sizeof res->verify, "off");
	res->ns.median = res->ns.p10 = res->ns.p90 = res->ns.min = NAN;
	res->ns.ci_lo = res->ns.ci_hi = NAN;
	res->lat = (struct latency_summary){ NAN, NAN, NAN, NAN, NAN, NAN };
	res->gbps_median = res->gbps_p10 = res->gbps_p90 = NAN;
	for (unsigned k = 0; k < cs->threads; k++)
		place_describe(cs->cpus[k], &res->place[k]);
}
