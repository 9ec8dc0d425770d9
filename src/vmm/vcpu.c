// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/cpuid.h"
#include "vmm/deferred_stop.h"
#include "vmm/vcpu_debug.h"
#include "vmm/msr.h"
#include "vmm/vcpu_exit.h"

/* Local APIC register offsets and delivery modes (SDM vol. 3A, 11.5.1). */
#define APIC_LVT0        0x350
#define APIC_LVT1        0x360
#define APIC_DM_NMI      0x400
#define APIC_DM_EXTINT   0x700

static uint32_t *lapic_reg(struct kvm_lapic_state *s, unsigned off)
{
	return (uint32_t *)(void *)&s->regs[off];
}

/* Route the 8259 PIC through LINT0 (ExtINT) and NMI through LINT1, the
 * "virtual wire" wiring firmware sets up; without it KVM's LAPIC refuses
 * PIC interrupts until the guest programs LVT0 itself. */
static int vcpu_setup_lapic_lint(int fd)
{
	struct kvm_lapic_state s;
	if (ioctl(fd, KVM_GET_LAPIC, &s) < 0)
		return -errno;
	*lapic_reg(&s, APIC_LVT0) = APIC_DM_EXTINT;
	*lapic_reg(&s, APIC_LVT1) = APIC_DM_NMI;
	return ioctl(fd, KVM_SET_LAPIC, &s) < 0 ? -errno : 0;
}

/* Reset state of the x87 and SSE control words (SDM vol. 1, 8.1.5, 10.2.3). */
static int vcpu_setup_fpu(int fd)
{
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };
	return ioctl(fd, KVM_SET_FPU, &fpu) < 0 ? -errno : 0;
}

int vcpu_create(struct vm *vm, int id, char *err, size_t errlen)
{
	if (id < 0 || id >= vm->max_vcpus) {
		snprintf(err, errlen, "vCPU %d: room for %d only (vm_alloc_vcpus)", id, vm->max_vcpus);
		return -1;
	}
	struct vcpu *v = calloc(1, sizeof(*v));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	v->vm = vm;
	v->id = id;
	v->state = VCPU_PARKED;
	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (v->fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
		free(v);
		return -1;
	}
	v->run = mmap(NULL, (size_t)vm->run_mmap_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		snprintf(err, errlen, "mmap kvm_run: %s", strerror(errno));
		close(v->fd);
		free(v);
		return -1;
	}
	vm->vcpu[vm->nvcpus++] = v;

	if (!vm->cpuid && !(vm->cpuid = cpuid_supported(vm->kvm_fd, err, errlen)))
		return -1;
	int rc;
	const char *what;
	if ((rc = cpuid_apply(v->fd, vm->cpuid, (unsigned)id, (unsigned)vm->max_vcpus)) < 0)
		what = "KVM_SET_CPUID2";
	else if ((rc = msr_set_boot_values(vm->kvm_fd, v->fd)) < 0)
		what = "KVM_SET_MSRS";
	else if ((rc = vcpu_setup_lapic_lint(v->fd)) < 0)
		what = "KVM_SET_LAPIC";
	else if ((rc = vcpu_setup_fpu(v->fd)) < 0)
		what = "KVM_SET_FPU";
	else
		return 0;
	snprintf(err, errlen, "vCPU %d: %s: %s", id, what, strerror(-rc));
	return -1;
}

void vcpu_destroy(struct vcpu *v)
{
	if (!v)
		return;
	munmap(v->run, (size_t)v->vm->run_mmap_size);
	close(v->fd);
	free(v);
}

/* The kick signal only has to interrupt KVM_RUN; immediate_exit covers
 * the window before the ioctl is entered. */
static void vcpu_kick_handler(int sig)
{
	(void)sig;
}

static void vcpu_install_kick_handler_once(void)
{
	/* No SA_RESTART: KVM_RUN must come back with EINTR. */
	struct sigaction sa = { .sa_handler = vcpu_kick_handler };
	sigemptyset(&sa.sa_mask);
	sigaction(VCPU_KICK_SIGNAL, &sa, NULL);
}

static void vcpu_install_kick_handler(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, vcpu_install_kick_handler_once);
}

/* Handle the exit KVM_RUN just returned (at exit_ns, exit clock ticks)
 * and record it in the exit statistics. True when it was a port-I/O or
 * MMIO access, which the next KVM_RUN completes (KVM API, KVM_RUN). */
static bool vcpu_handle_and_record(struct vcpu *v, struct vm_stop_event *ev, uint64_t exit_ns)
{
	unsigned reason = v->run->exit_reason;
	vcpu_handle_exit(v, ev);
	exit_stats_record(&v->stats, v->run, exit_ns, exit_clock_now() - exit_ns);
	return reason == KVM_EXIT_IO || reason == KVM_EXIT_MMIO;
}

/* Clear the stop event after it was posted. Handlers write its fields
 * only when they set its kind, so one that stayed STOP_NONE is clean and
 * the ~650 bytes are not cleared at every exit. */
static void vcpu_clear_event(struct vcpu *v, struct vm_stop_event *ev)
{
	*ev = (struct vm_stop_event){ .vcpu = v->id, .kind = STOP_NONE };
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;
	sigset_t kick;
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	exit_stats_start(&v->stats, v->id, vm->vm_fd, v->run, (size_t)vm->run_mmap_size);

	struct vm_stop_event ev;
	vcpu_clear_event(v, &ev);
	bool needs_completion = false, clock_noted = true;
	pthread_mutex_lock(&vm->ctl_lock);
	for (;;) {
		while (!v->want_run && !vm->quitting) {
			if (!clock_noted) {
				/* Tell the guest's kernel that this stop is the
				 * host's doing, so its soft-lockup watchdog does not
				 * fire (KVM API, KVM_KVMCLOCK_CTRL; QEMU does it for
				 * every vCPU when the VM stops). Every vCPU of an
				 * all-stop does it on itself, out of KVM_RUN. EINVAL
				 * just means the guest has not enabled kvmclock. */
				clock_noted = true;
				pthread_mutex_unlock(&vm->ctl_lock);
				ioctl(v->fd, KVM_KVMCLOCK_CTRL, 0);
				pthread_mutex_lock(&vm->ctl_lock);
				continue;
			}
			if (needs_completion) {
				/* KVM API, KVM_RUN: an I/O or MMIO exit is complete,
				 * and the registers consistent, only after the next
				 * KVM_RUN; immediate_exit makes that one return at once. */
				needs_completion = false;
				vcpu_set_immediate_exit(v, 1);
				pthread_mutex_unlock(&vm->ctl_lock);
				/* Finishing it can exit again: the write half of a
				 * read-modify-write on a watched page. */
				if (ioctl(v->fd, KVM_RUN, 0) == 0 &&
				    (v->run->exit_reason == KVM_EXIT_IO ||
				     v->run->exit_reason == KVM_EXIT_MMIO))
					needs_completion = vcpu_handle_and_record(v, &ev, exit_clock_now());
				pthread_mutex_lock(&vm->ctl_lock);
				if (ev.kind != STOP_NONE) {
					vm_post_or_defer_locked(v, &ev);
					vcpu_clear_event(v, &ev);
				}
				continue;
			}
			if (v->state != VCPU_PARKED) {
				v->state = VCPU_PARKED;
				vm_note_parked_locked(vm);
				pthread_cond_broadcast(&vm->ctl_cond);
			}
			pthread_cond_wait(&vm->ctl_cond, &vm->ctl_lock);
		}
		if (vm->quitting)
			break;
		v->state = VCPU_RUNNING;
		clock_noted = false;
		vcpu_set_immediate_exit(v, 0);
		vcpu_apply_guest_debug_locked(v);
		pthread_mutex_unlock(&vm->ctl_lock);

		/* Without ctl_lock for as long as exits need nothing it guards:
		 * a port-I/O or MMIO access that stopped nothing changes no run
		 * control (a stop, a guest end or a step's end takes the lock
		 * and leaves by the slow way below), and whoever wants this vCPU
		 * out sets immediate_exit before its signal (vcpu_kick_locked),
		 * so the next KVM_RUN returns EINTR at once (docs/architecture.md,
		 * "Pause"). Guest debug changes only while the machine is parked. */
		bool fast;
		do {
			int rc = ioctl(v->fd, KVM_RUN, 0);
			fast = false;
			needs_completion = false;
			if (rc < 0) {
				int saved_errno = errno;
				if (saved_errno != EINTR && saved_errno != EAGAIN) {
					ev.kind = STOP_FAULT;
					snprintf(ev.text, sizeof(ev.text), "vCPU %d: KVM_RUN failed: %s",
						 v->id, strerror(saved_errno));
				}
			} else {
				needs_completion = vcpu_handle_and_record(v, &ev, exit_clock_now());
				fast = needs_completion && ev.kind == STOP_NONE;
			}
		} while (fast);

		pthread_mutex_lock(&vm->ctl_lock);
		if (ev.kind != STOP_NONE) {
			vcpu_request_stop_all_locked(vm);
			vm_post_or_defer_locked(v, &ev);
			vcpu_clear_event(v, &ev);
		}
	}
	v->state = VCPU_GONE;
	pthread_cond_broadcast(&vm->ctl_cond);
	pthread_mutex_unlock(&vm->ctl_lock);
	return NULL;
}

int vcpu_start_thread(struct vcpu *v)
{
	vcpu_install_kick_handler();
	/* Block the kick signal while creating the thread so it never lands
	 * before the thread has its handler context; the thread unblocks it. */
	sigset_t kick, old;
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &kick, &old);
	int rc = pthread_create(&v->thread, NULL, vcpu_thread, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc)
		return -rc;
	/* Under ctl_lock: a stop request from another thread (the I/O
	 * thread's guest end) reads it to decide whether to signal. */
	pthread_mutex_lock(&v->vm->ctl_lock);
	v->thread_started = true;
	pthread_mutex_unlock(&v->vm->ctl_lock);
	char name[16];
	snprintf(name, sizeof(name), "hvmon-vcpu%d", v->id);
	pthread_setname_np(v->thread, name);
	return 0;
}
