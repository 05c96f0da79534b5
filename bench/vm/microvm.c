/* A target in the microVM: the probe and the rounds of a case (microvm.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/timer.h"
#include "vm/microvm.h"

_Static_assert((int)VM_DRAIN_NONE == (int)DRAIN_NONE && (int)VM_DRAIN_FENCE == (int)DRAIN_FENCE &&
		       (int)VM_DRAIN_READBACK == (int)DRAIN_READBACK,
	       "abi.h's vm_drain spells measure's drain_mode");

/* A VM that does not start within this is not going to (TCG nested guests start in ~0.1 s). */
#define VM_START_MS 5000

int microvm_window_ok(const struct target *t, char *err, size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (t->win_off % page || t->win_len % page || !t->win_len) {
		snprintf(err, n, "%s: the window (offset %zu, %zu bytes) must start and end on a page "
			 "boundary (%zu bytes) to be a memslot of its own: give --window OFF:LEN in whole "
			 "pages", t->spec, t->win_off, t->win_len, page);
		return -EINVAL;
	}
	if (t->win_len > VM_TARGET_MAX) {
		snprintf(err, n, "%s: the window is %zu bytes; the microVM maps at most %llu: give "
			 "--window OFF:LEN", t->spec, t->win_len, VM_TARGET_MAX);
		return -EINVAL;
	}
	return 0;
}

void microvm_init(struct microvm *mv, struct target *t, const struct stage1_type *s1,
		  const volatile int *stop)
{
	memset(mv, 0, sizeof *mv);
	mv->t = t;
	mv->s1 = s1;
	mv->stop = stop;
}

void microvm_fini(struct microvm *mv)
{
	if (mv->live)
		vm_destroy(&mv->vm);
	mv->live = false;
}

static int ensure_vm(struct microvm *mv, char *err)
{
	if (mv->live && !mv->vm.faulted)
		return 0;
	microvm_fini(mv);
	int rc = vm_create(&mv->vm, mv->s1, mv->t->base + mv->t->win_off, mv->t->win_len, VM_START_MS,
			   mv->stop, err);
	mv->live = rc == 0;
	return rc;
}

int microvm_probe(struct microvm *mv, struct memtype_probe *p, enum memclass *stage2)
{
	memset(p, 0, sizeof *p);
	*stage2 = MEMCLASS_UNKNOWN;
	if (!memtype_probe_available()) {
		snprintf(p->how, sizeof p->how, "not probed: this arch has no timing-free probe");
		return 0;
	}
	if (mv->t->win_len < 16) {
		snprintf(p->how, sizeof p->how, "not probed: the window is shorter than 16 bytes");
		return 0;
	}
	char err[VM_ERR_LEN];
	microvm_fini(mv); /* a fresh VM: the probe may end it */
	int rc = ensure_vm(mv, err);
	if (rc) {
		snprintf(p->how, sizeof p->how, "not probed: %s", err);
		return rc;
	}
	uint64_t addr = vm_window_ipa(1);
	mv->vm.mb->probe_addr = addr;
	struct vm_exit x;
	vm_command(&mv->vm, VM_CMD_PROBE, VM_START_MS, &x);
	p->probed = true;
	char what[240];
	bool alignment;
	vm_exit_describe(&mv->vm, &x, what, sizeof what, &alignment);
	const char *s1 = mv->s1->memtype;
	if (x.stop == VM_STOP_REPORT && x.value == VM_REPORT_DONE) {
		if (mv->s1->device) {
			/* Device at stage 1 must fault: an emulator that does not check alignment */
			p->probed = false;
			snprintf(p->how, sizeof p->how, "unaligned 8-byte store at 0x%llx with stage 1 %s "
				 "completed: this CPU or emulator raises no Device alignment fault, so the "
				 "probe cannot decide", (unsigned long long)addr, s1);
			return 0;
		}
		p->effective = MEMCLASS_NORMAL;
		*stage2 = MEMCLASS_NORMAL;
		snprintf(p->how, sizeof p->how, "microVM, stage 1 %s: unaligned 8-byte store at 0x%llx "
			 "completed: Normal at stage 1 and stage 2", s1, (unsigned long long)addr);
	} else if (alignment) {
		p->effective = MEMCLASS_DEVICE;
		snprintf(p->how, sizeof p->how, "microVM, stage 1 %s: unaligned store at 0x%llx took an "
			 "alignment fault inside the VM: Device at stage 1 (stage 2 not reached)", s1,
			 (unsigned long long)addr);
	} else if (x.stop == VM_STOP_EFAULT && !mv->s1->device) {
		p->effective = MEMCLASS_DEVICE;
		*stage2 = MEMCLASS_DEVICE;
		snprintf(p->how, sizeof p->how, "microVM, stage 1 %s: unaligned store at 0x%llx: KVM_RUN "
			 "failed with EFAULT (an alignment fault KVM cannot handle): Device at stage 2", s1,
			 (unsigned long long)addr);
	} else if (x.stop == VM_STOP_INTERRUPTED) {
		p->probed = false;
		snprintf(p->how, sizeof p->how, "not probed: interrupted");
	} else {
		p->probed = false;
		snprintf(p->how, sizeof p->how, "microVM, stage 1 %s: the probe's store at 0x%llx ended "
			 "otherwise: %s", s1, (unsigned long long)addr, what);
	}
	microvm_fini(mv);
	return 0;
}

static bool vm_round(void *ctx, uint64_t bursts, double *ns, struct case_result *r)
{
	struct microvm *mv = ctx;
	const struct case_spec *cs = mv->cs;
	char err[VM_ERR_LEN];
	if (ensure_vm(mv, err)) {
		r->status = STATUS_ERROR;
		snprintf(r->reason, sizeof r->reason, "microVM: %s", err);
		return false;
	}
	struct vm_mailbox *mb = mv->vm.mb;
	mb->base = vm_window_ipa(0);
	mb->span = mv->part;
	mb->burst = cs->burst;
	mb->start = mv->start;
	mb->bursts = bursts;
	mb->kernel = (uint32_t)(cs->kernel - store_kernels);
	mb->barrier = cs->barrier->id;
	mb->every = cs->every;
	mb->drain = cs->drain;
	memcpy(mb->pattern, store_pattern, sizeof mb->pattern);
	/* a round lasts about min_sample_s; anything near the whole budget is a hang */
	unsigned limit_ms = (unsigned)(cs->budget_s * 2000) + 2000;
	struct vm_exit x;
	vm_command(&mv->vm, VM_CMD_ROUND, limit_ms, &x);
	if (x.stop == VM_STOP_REPORT && x.value == VM_REPORT_DONE && mb->next < mv->part) {
		uint64_t ticks = mb->t1 - mb->t0;
		*ns = ticks_to_ns(timer_init(), ticks ? ticks : 1);
		mv->start = mb->next;
		return true;
	}
	char what[240];
	bool alignment;
	vm_exit_describe(&mv->vm, &x, what, sizeof what, &alignment);
	if (x.stop == VM_STOP_INTERRUPTED) {
		r->status = STATUS_ERROR;
		snprintf(r->reason, sizeof r->reason, "interrupted");
		return false;
	}
	r->status = x.stop == VM_STOP_REPORT && x.value == VM_REPORT_EXCEPTION ? STATUS_FAULT
		    : x.stop == VM_STOP_EFAULT				      ? STATUS_FAULT
										      : STATUS_ERROR;
	snprintf(r->reason, sizeof r->reason, "in the microVM (stage 1 %s): %s", mv->s1->memtype, what);
	microvm_fini(mv); /* the next round or case gets a fresh VM */
	return false;
}

static void vm_rewind(void *ctx)
{
	struct microvm *mv = ctx;
	mv->start = 0;
}

int microvm_measure(struct microvm *mv, const struct case_spec *cs, struct case_result *r)
{
	const struct timer_info *ti = timer_init();
	mv->cs = cs;
	mv->start = 0;
	mv->part = case_part_len(mv->t, cs);
	struct case_runner run = {
		.ctx = mv,
		.round = vm_round,
		.rewind = vm_rewind,
		.resolution_ns = ti->resolution_ns,
		.cost_ns = ti->cost_ns,
		.max_threads = 1,
		.threads_why = "the microVM has one vCPU: --threads 1 only",
	};
	return measure_case_with(mv->t, cs, &run, r);
}
