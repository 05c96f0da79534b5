/* The generic half of the VMM (vmm.h): /dev/kvm, the VM, its two memslots, the vCPU and the
 * KVM_RUN loop. The arch half (tables, vCPU registers, exception decoding) is in arch_<arch>.c. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vm/vmm.h"

/* A trial VM that does not reach ready within this will not (nested TCG guests take ~0.1 s). */
#define VM_TRIAL_MS 5000

#if !defined(__x86_64__) && !defined(__aarch64__)
/* An arch without a VMM half (arch_x86_64.c, arch_aarch64.c): no stage-1 types, no VM. */
const struct stage1_type stage1_types[1];
const size_t stage1_type_count = 0;
int vm_arch_tables(struct vm *vm, char *err)
{
	(void)vm;
	snprintf(err, VM_ERR_LEN, "the microVM has no payload for this arch");
	return -ENOSYS;
}
int vm_arch_vcpu_setup(struct vm *vm, char *err)
{
	return vm_arch_tables(vm, err);
}
bool vm_arch_exception(const struct vm_mailbox *mb, char *buf, size_t n)
{
	(void)mb;
	snprintf(buf, n, "exception");
	return false;
}
#endif

const struct stage1_type *stage1_find(const char *name)
{
	for (size_t i = 0; i < stage1_type_count; i++)
		if (!strcmp(stage1_types[i].name, name))
			return &stage1_types[i];
	return NULL;
}

static size_t payload_size(void)
{
	return (size_t)(vm_payload_image_end - vm_payload_image);
}

/* /dev/kvm opened and checked; the fd, or -errno with err set. */
static int kvm_open(char *err)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			snprintf(err, VM_ERR_LEN, "/dev/kvm is missing: this kernel has no KVM (not built, not "
				 "loaded, or a guest without nested virtualization)");
		else if (e == EACCES || e == EPERM)
			snprintf(err, VM_ERR_LEN, "/dev/kvm: %s: run as root or join the kvm group",
				 strerror(e));
		else
			snprintf(err, VM_ERR_LEN, "/dev/kvm: %s", strerror(e));
		return -e;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		snprintf(err, VM_ERR_LEN, "/dev/kvm speaks KVM API %d, not %d: not a KVM this VMM can drive",
			 api, KVM_API_VERSION);
		close(fd);
		return -ENOTSUP;
	}
	if (ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0) {
		snprintf(err, VM_ERR_LEN, "/dev/kvm lacks KVM_CAP_USER_MEMORY: a restricted KVM that cannot "
			 "map a target into a VM");
		close(fd);
		return -ENOTSUP;
	}
	return fd;
}

int vm_kvm_usable(char *err)
{
	if (!stage1_type_count || !payload_size()) {
		snprintf(err, VM_ERR_LEN, "this build of wcbench has no microVM payload for its arch");
		return -ENOSYS;
	}
	/* a trial VM over one page of anonymous memory, to the payload's ready: a KVM that cannot
	 * run it (a paravirtual or restricted one) is found here, in bounded time */
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *scratch = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED) {
		snprintf(err, VM_ERR_LEN, "cannot allocate a page for a trial VM: %s", strerror(errno));
		return -ENOMEM;
	}
	struct vm vm;
	char why[VM_ERR_LEN];
	int rc = vm_create(&vm, &stage1_types[0], scratch, page, VM_TRIAL_MS, NULL, why);
	if (rc == 0) {
		vm_destroy(&vm);
		err[0] = '\0';
	}
	else if (rc == -ENOENT || rc == -EACCES || rc == -EPERM)
		snprintf(err, VM_ERR_LEN, "%s", why);
	else
		snprintf(err, VM_ERR_LEN, "/dev/kvm cannot run wcbench's microVM: %s", why);
	munmap(scratch, page);
	return rc;
}

/* ---- the time limit: a per-thread timer whose signal interrupts KVM_RUN ---- */
#define VM_TICK_MS 100
static void vm_tick(int sig)
{
	(void)sig;
}

static int tick_start(timer_t *tid)
{
	struct sigaction sa = { .sa_handler = vm_tick }; /* no SA_RESTART: KVM_RUN returns EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGRTMIN + 2, &sa, NULL))
		return -errno;
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGRTMIN + 2 };
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, tid))
		return -errno;
	struct itimerspec its = { .it_interval = { 0, VM_TICK_MS * 1000000L },
				  .it_value = { 0, VM_TICK_MS * 1000000L } };
	if (timer_settime(*tid, 0, &its, NULL)) {
		int e = errno;
		timer_delete(*tid);
		return -e;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static const char *exit_name(uint32_t r)
{
	switch (r) {
	case KVM_EXIT_UNKNOWN: return "KVM_EXIT_UNKNOWN";
	case KVM_EXIT_EXCEPTION: return "KVM_EXIT_EXCEPTION";
	case KVM_EXIT_IO: return "KVM_EXIT_IO";
	case KVM_EXIT_HLT: return "KVM_EXIT_HLT";
	case KVM_EXIT_MMIO: return "KVM_EXIT_MMIO";
	case KVM_EXIT_SHUTDOWN: return "KVM_EXIT_SHUTDOWN (triple fault)";
	case KVM_EXIT_FAIL_ENTRY: return "KVM_EXIT_FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "KVM_EXIT_INTERNAL_ERROR";
	case KVM_EXIT_SYSTEM_EVENT: return "KVM_EXIT_SYSTEM_EVENT";
#ifdef KVM_EXIT_ARM_NISV
	case KVM_EXIT_ARM_NISV: return "KVM_EXIT_ARM_NISV (a data abort KVM could not decode)";
#endif
	default: return "an unexpected exit";
	}
}

int vm_run(struct vm *vm, unsigned timeout_ms, struct vm_exit *x)
{
	memset(x, 0, sizeof *x);
	if (vm->faulted) {
		x->stop = VM_STOP_OTHER;
		snprintf(x->why, sizeof x->why, "the VM faulted before: make a fresh one");
		return -EINVAL;
	}
	struct kvm_run *run = vm->run;
	timer_t tid;
	int rc = tick_start(&tid);
	if (rc) {
		x->stop = VM_STOP_OTHER;
		snprintf(x->why, sizeof x->why, "cannot start the time limit's timer: %s", strerror(-rc));
		return rc;
	}
	uint64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		run->immediate_exit = 0;
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			int e = errno;
			if (e == EINTR || e == EAGAIN) {
				if (vm->stop && *vm->stop) {
					x->stop = VM_STOP_INTERRUPTED;
					snprintf(x->why, sizeof x->why, "interrupted");
					break;
				}
				if (now_ms() >= deadline) {
					x->stop = VM_STOP_TIMEOUT;
					vm->faulted = true;
					snprintf(x->why, sizeof x->why,
						 "the payload did not report within %u ms", timeout_ms);
					break;
				}
				continue;
			}
			vm->faulted = true;
			x->stop = e == EFAULT ? VM_STOP_EFAULT : VM_STOP_OTHER;
			if (e == EFAULT)
				snprintf(x->why, sizeof x->why, "KVM_RUN failed with EFAULT: the host could not map "
					 "the guest's access at stage 2");
			else
				snprintf(x->why, sizeof x->why, "KVM_RUN failed: %s", strerror(e));
			break;
		}
		if (run->exit_reason == KVM_EXIT_INTR)
			continue; /* the tick: the loop above checks time and stop on EINTR only */
		if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write &&
		    run->mmio.phys_addr == VM_REPORT_IPA && run->mmio.len == 8) {
			uint64_t v;
			memcpy(&v, run->mmio.data, sizeof v);
			x->stop = VM_STOP_REPORT;
			x->value = v;
			if (v == VM_REPORT_EXCEPTION)
				vm->faulted = true;
			break;
		}
		vm->faulted = true;
		x->stop = VM_STOP_OTHER;
		if (run->exit_reason == KVM_EXIT_MMIO)
			snprintf(x->why, sizeof x->why, "the payload %s %u bytes at guest address 0x%llx, "
				 "where no memory is", run->mmio.is_write ? "wrote" : "read", run->mmio.len,
				 (unsigned long long)run->mmio.phys_addr);
#ifdef KVM_EXIT_ARM_NISV
		else if (run->exit_reason == KVM_EXIT_ARM_NISV)
			snprintf(x->why, sizeof x->why, "%s at guest address 0x%llx (ESR 0x%llx)",
				 exit_name(run->exit_reason),
				 (unsigned long long)run->arm_nisv.fault_ipa,
				 (unsigned long long)run->arm_nisv.esr_iss);
#endif
		else if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR)
			snprintf(x->why, sizeof x->why, "%s (suberror %u)", exit_name(run->exit_reason),
				 run->internal.suberror);
		else if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
			snprintf(x->why, sizeof x->why, "%s (hardware reason 0x%llx)",
				 exit_name(run->exit_reason),
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		else
			snprintf(x->why, sizeof x->why, "%s (exit reason %u)", exit_name(run->exit_reason),
				 run->exit_reason);
		break;
	}
	timer_delete(tid);
	return 0;
}

void vm_exit_describe(const struct vm *vm, const struct vm_exit *x, char *buf, size_t n,
		      bool *alignment)
{
	*alignment = false;
	if (x->stop == VM_STOP_REPORT && x->value == VM_REPORT_EXCEPTION) {
		char e[200];
		*alignment = vm_arch_exception(vm->mb, e, sizeof e);
		snprintf(buf, n, "the payload took an exception: %s", e);
	} else if (x->stop == VM_STOP_REPORT) {
		snprintf(buf, n, "the payload reported 0x%llx (a command it did not understand, or not "
			 "the report expected)", (unsigned long long)x->value);
	} else {
		snprintf(buf, n, "%s", x->why);
	}
}

int vm_command(struct vm *vm, enum vm_cmd cmd, unsigned timeout_ms, struct vm_exit *x)
{
	vm->mb->cmd = cmd;
	return vm_run(vm, timeout_ms, x);
}

void vm_destroy(struct vm *vm)
{
	if (vm->run && vm->run != MAP_FAILED)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd > 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd > 0)
		close(vm->vm_fd);
	if (vm->kvm_fd > 0)
		close(vm->kvm_fd);
	if (vm->ram && vm->ram != MAP_FAILED)
		munmap(vm->ram, VM_RAM_SIZE);
	memset(vm, 0, sizeof *vm);
}

static int memslot(struct vm *vm, uint32_t slot, uint64_t ipa, void *host, size_t len)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = ipa,
		.memory_size = len,
		.userspace_addr = (uintptr_t)host,
	};
	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) ? -errno : 0;
}

int vm_create(struct vm *vm, const struct stage1_type *s1, uint8_t *window, size_t len,
	      unsigned timeout_ms, const volatile int *stop, char *err)
{
	memset(vm, 0, sizeof *vm);
	vm->s1 = s1;
	vm->stop = stop;
	vm->window = window;
	vm->window_len = len;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int rc;
	if (!payload_size() || payload_size() > VM_PAYLOAD_MAX) {
		snprintf(err, VM_ERR_LEN, "this build of wcbench has no microVM payload for its arch");
		return -ENOSYS;
	}
	if (!len || len > VM_TARGET_MAX || len % page || (uintptr_t)window % page) {
		snprintf(err, VM_ERR_LEN, "a window of %zu bytes at %p cannot be a memslot: it must be a "
			 "non-zero multiple of the page size (%zu), page aligned, at most %llu bytes",
			 len, (void *)window, page, VM_TARGET_MAX);
		return -EINVAL;
	}
	if ((rc = kvm_open(err)) < 0)
		return rc;
	vm->kvm_fd = rc;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		rc = -errno;
		snprintf(err, VM_ERR_LEN, "/dev/kvm cannot create a VM (KVM_CREATE_VM: %s)", strerror(-rc));
		goto fail;
	}
	vm->ram = mmap(NULL, VM_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->ram == MAP_FAILED) {
		rc = -errno;
		vm->ram = NULL;
		snprintf(err, VM_ERR_LEN, "cannot allocate the microVM's %llu bytes of RAM: %s",
			 VM_RAM_SIZE, strerror(-rc));
		goto fail;
	}
	memcpy(vm->ram, vm_payload_image, payload_size());
	vm->mb = (struct vm_mailbox *)(vm->ram + VM_MAILBOX_OFF);
	vm->mb->magic = VM_MAGIC;
	vm->mb->abi = VM_ABI_VERSION;
	if ((rc = vm_arch_tables(vm, err)))
		goto fail;
	if ((rc = memslot(vm, 0, VM_RAM_IPA, vm->ram, VM_RAM_SIZE))) {
		snprintf(err, VM_ERR_LEN, "KVM_SET_USER_MEMORY_REGION for the microVM's RAM: %s",
			 strerror(-rc));
		goto fail;
	}
	if ((rc = memslot(vm, 1, VM_TARGET_IPA, window, len))) {
		snprintf(err, VM_ERR_LEN, "the target's window cannot back a memslot "
			 "(KVM_SET_USER_MEMORY_REGION: %s)", strerror(-rc));
		goto fail;
	}
	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0) {
		rc = -errno;
		snprintf(err, VM_ERR_LEN, "KVM_CREATE_VCPU: %s", strerror(-rc));
		goto fail;
	}
	int sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		rc = sz < 0 ? -errno : -EINVAL;
		snprintf(err, VM_ERR_LEN, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(-rc));
		goto fail;
	}
	vm->run_size = (size_t)sz;
	vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		rc = -errno;
		vm->run = NULL;
		snprintf(err, VM_ERR_LEN, "cannot map the vCPU's run area: %s", strerror(-rc));
		goto fail;
	}
	if ((rc = vm_arch_vcpu_setup(vm, err)))
		goto fail;
	struct vm_exit x;
	vm_run(vm, timeout_ms, &x);
	if (x.stop == VM_STOP_REPORT && x.value == VM_REPORT_READY)
		return 0;
	rc = x.stop == VM_STOP_TIMEOUT ? -ETIMEDOUT : x.stop == VM_STOP_INTERRUPTED ? -EINTR : -EIO;
	if (x.stop == VM_STOP_TIMEOUT) {
		snprintf(err, VM_ERR_LEN, "KVM ran the payload for %u ms without a word from it: a "
			 "paravirtual or restricted KVM that cannot run it?", timeout_ms);
	} else {
		char what[200];
		bool alignment;
		vm_exit_describe(vm, &x, what, sizeof what, &alignment);
		snprintf(err, VM_ERR_LEN, "the payload did not start: %s", what);
	}
fail:
	vm_destroy(vm);
	return rc;
}
