// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vmm/kvm.h"
#include "vmm/vcpu.h"
#include "vmm/watchpoint.h"

/* Real-mode TSS (3 pages) and the EPT identity-map page must sit in guest
 * physical space that is neither RAM nor MMIO; just below the BIOS area at
 * the top of 4 GiB is the customary place (KVM API, KVM_SET_TSS_ADDR). */
#define VM_IDENTITY_MAP_ADDR 0xfffbc000ULL
#define VM_TSS_ADDR          0xfffbd000ULL

static int vm_map_ram(struct vm *vm, char *err, size_t errlen)
{
	for (int i = 0; i < vm->mem.nregions; i++) {
		struct gmem_region *r = &vm->mem.region[i];
		struct kvm_userspace_memory_region kr = {
			.slot = (uint32_t)i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uint64_t)(uintptr_t)r->hva,
		};
		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &kr) < 0) {
			snprintf(err, errlen, "KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

int vm_init_memory(struct vm *vm, uint64_t ram_size, char *err, size_t errlen)
{
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->event_fd = vm->stop_notify_fd = -1;
	pthread_mutex_init(&vm->ctl_lock, NULL);
	pthread_cond_init(&vm->ctl_cond, NULL);
	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	int rc = gmem_init(&vm->mem, ram_size);
	if (rc < 0) {
		snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM: %s",
			 (unsigned long long)(ram_size >> 20), strerror(-rc));
		return -1;
	}
	return 0;
}

int vm_create(struct vm *vm, char *err, size_t errlen)
{
	vm->kvm_fd = kvm_open(err, errlen);
	if (vm->kvm_fd < 0)
		return -1;
	vm->run_mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_mmap_size < (int)sizeof(struct kvm_run)) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	static const struct { int cap; const char *name; } needed[] = {
		{ KVM_CAP_IRQCHIP, "IRQCHIP" },
		{ KVM_CAP_USER_MEMORY, "USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "SET_TSS_ADDR" },
		{ KVM_CAP_EXT_CPUID, "EXT_CPUID" },
		{ KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT" },
	};
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
		if (!kvm_check_cap(vm->kvm_fd, needed[i].cap)) {
			snprintf(err, errlen, "this KVM lacks KVM_CAP_%s, which hvmon needs",
				 needed[i].name);
			return -1;
		}
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, VM_TSS_ADDR) < 0) {
		snprintf(err, errlen, "KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	uint64_t idmap = VM_IDENTITY_MAP_ADDR;
	if (kvm_check_cap(vm->kvm_fd, KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
	    ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap) < 0) {
		snprintf(err, errlen, "KVM_SET_IDENTITY_MAP_ADDR: %s", strerror(errno));
		return -1;
	}
	/* The irqchip must exist before any vCPU so each gets an in-kernel LAPIC. */
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		snprintf(err, errlen, "KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	struct kvm_pit_config pit = { .flags = 0 };
	if (kvm_check_cap(vm->kvm_fd, KVM_CAP_PIT2) &&
	    ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0) {
		snprintf(err, errlen, "KVM_CREATE_PIT2: %s", strerror(errno));
		return -1;
	}
	/* KVM API 7.27: have emulation failures carry the instruction bytes, so
	 * the monitor can show what the emulator choked on. */
	if (kvm_check_cap(vm->kvm_fd, KVM_CAP_EXIT_ON_EMULATION_FAILURE)) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE, .args = { 1 } };
		ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap);
	}
	/* KVM API 4.62: SET_GUEST_DEBUG2 reports the supported control bits. */
	if (kvm_check_cap(vm->kvm_fd, KVM_CAP_SET_GUEST_DEBUG2) & KVM_GUESTDBG_BLOCKIRQ)
		vm->guest_debug_blockirq = KVM_GUESTDBG_BLOCKIRQ;
	if (vm_map_ram(vm, err, errlen) < 0)
		return -1;
	vm->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->event_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int vm_max_vcpus(const struct vm *vm)
{
	int n = kvm_check_cap(vm->kvm_fd, KVM_CAP_MAX_VCPUS);
	if (n <= 0)
		n = kvm_check_cap(vm->kvm_fd, KVM_CAP_NR_VCPUS);
	if (n <= 0)
		n = 4;
	return n < VM_MAX_VCPUS ? n : VM_MAX_VCPUS;
}

int vm_alloc_vcpus(struct vm *vm, int n, char *err, size_t errlen)
{
	int max = vm_max_vcpus(vm);
	if (n < 1 || n > max) {
		snprintf(err, errlen, "--cpus %d: this KVM runs 1 to %d vCPUs", n, max);
		return -1;
	}
	/* A power of two, so the ring's free-running indices wrap cleanly. */
	unsigned cap = VM_EVENT_QUEUE;
	while (cap < VM_EVENT_QUEUE + 2u * (unsigned)n)
		cap *= 2;
	struct vcpu **v = calloc((size_t)n, sizeof(*v));
	struct vm_stop_event *ev = calloc(cap, sizeof(*ev));
	if (!v || !ev) {
		free(v);
		free(ev);
		snprintf(err, errlen, "out of memory for %d vCPUs", n);
		return -1;
	}
	pthread_mutex_lock(&vm->ctl_lock);
	free(vm->vcpu);
	free(vm->events);
	vm->vcpu = v;
	vm->max_vcpus = n;
	vm->events = ev;
	vm->ev_cap = cap;
	vm->ev_head = vm->ev_tail = 0;
	pthread_mutex_unlock(&vm->ctl_lock);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	vcpu_stop_threads(vm);
	for (int i = 0; i < vm->nvcpus; i++)
		vcpu_destroy(vm->vcpu[i]);
	vm->nvcpus = 0;
	free(vm->vcpu);
	vm->vcpu = NULL;
	vm->max_vcpus = 0;
	free(vm->events);
	vm->events = NULL;
	vm->ev_cap = 0;
	free(vm->cpuid);
	vm->cpuid = NULL;
	watch_free(vm);
	gmem_free(&vm->mem);
	if (vm->event_fd >= 0)
		close(vm->event_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->event_fd = vm->vm_fd = vm->kvm_fd = -1;
}

static void vm_irq_set_level(void *opaque, unsigned gsi, bool level)
{
	struct vm *vm = opaque;
	struct kvm_irq_level irq = { .irq = gsi, .level = level ? 1 : 0 };
	ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq);
}

struct irq_line vm_irq_line(struct vm *vm, unsigned gsi)
{
	return (struct irq_line){ .set_level = vm_irq_set_level, .opaque = vm, .gsi = gsi };
}

static void vm_sysevent(void *opaque, enum sysevent ev, const char *why)
{
	vm_guest_end(opaque, ev == SYSEVENT_RESET ? VM_END_RESET : VM_END_POWEROFF, why);
}

struct sysevent_sink vm_sysevent_sink(struct vm *vm)
{
	return (struct sysevent_sink){ .raise = vm_sysevent, .opaque = vm };
}

const char *vm_end_name(enum vm_end end)
{
	switch (end) {
	case VM_END_NONE: return "running";
	case VM_END_RESET: return "reset";
	case VM_END_POWEROFF: return "powered off";
	case VM_END_TRIPLE_FAULT: return "triple fault";
	}
	return "?";
}

void vm_post_event_locked(struct vm *vm, const struct vm_stop_event *ev)
{
	if (vm->ev_cap) {
		vm->events[vm->ev_tail % vm->ev_cap] = *ev;
		vm->ev_tail++;
		if (vm->ev_tail - vm->ev_head > vm->ev_cap)
			vm->ev_head = vm->ev_tail - vm->ev_cap;  /* drop the oldest */
	}
	/* With several vCPUs stopping in one round the first event is the
	 * cause; a guest end outranks everything. */
	if (!vm->round_reported || ev->kind == STOP_GUEST_END)
		vm->last_stop = *ev;
	vm->round_reported = true;
	if (ev->vcpu >= 0 && ev->vcpu < vm->nvcpus) {
		vm->vcpu[ev->vcpu]->stop_kind = ev->kind;
		vm->vcpu[ev->vcpu]->stop_bp_id = ev->bp_id;
	}
	vm_count_stop_locked(vm);
	vm->faulted = ev->kind == STOP_FAULT ||
		      (ev->kind == STOP_GUEST_END && vm->end == VM_END_TRIPLE_FAULT);
	uint64_t one = 1;
	if (write(vm->event_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow in practice; the event stays queued. */
	}
	pthread_cond_broadcast(&vm->ctl_cond);
}

void vm_count_stop_locked(struct vm *vm)
{
	vm->stop_seq++;
	uint64_t one = 1;
	if (vm->stop_notify_fd >= 0 && write(vm->stop_notify_fd, &one, sizeof(one)) < 0) {
		/* Full counter: the observer has a wake-up pending anyway. */
	}
}

bool vm_take_event(struct vm *vm, struct vm_stop_event *ev)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool have = vm->ev_head != vm->ev_tail;
	if (have)
		*ev = vm->events[vm->ev_head++ % vm->ev_cap];
	pthread_mutex_unlock(&vm->ctl_lock);
	return have;
}

void vm_guest_end(struct vm *vm, enum vm_end end, const char *why)
{
	pthread_mutex_lock(&vm->ctl_lock);
	if (vm->end == VM_END_NONE) {
		vm->end = end;
		snprintf(vm->end_why, sizeof(vm->end_why), "%s", why);
		vcpu_request_stop_all_locked(vm);
		struct vm_stop_event ev = { .vcpu = -1, .kind = STOP_GUEST_END };
		snprintf(ev.text, sizeof(ev.text), "guest %s: %s", vm_end_name(end), why);
		vm_post_event_locked(vm, &ev);
	}
	pthread_mutex_unlock(&vm->ctl_lock);
}
