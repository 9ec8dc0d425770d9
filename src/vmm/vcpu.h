/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A vCPU: its KVM fd, its thread running the KVM_RUN loop, and the
 * pause / run state machine the monitor drives. */
#ifndef HVMON_VCPU_H
#define HVMON_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/exit_stats.h"
#include "vmm/vm.h"

#define VCPU_KICK_SIGNAL  SIGUSR1  /* interrupts KVM_RUN for pause */

enum vcpu_state {
	VCPU_PARKED,    /* out of KVM_RUN, waiting: the monitor may touch it */
	VCPU_RUNNING,   /* in or about to enter KVM_RUN */
	VCPU_GONE,      /* thread exited */
};

struct vcpu {
	struct vm *vm;
	int id;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	bool thread_started;

	/* Guarded by vm->ctl_lock. */
	bool want_run;          /* the monitor wants it in KVM_RUN */
	enum vcpu_state state;
	unsigned long step_left;   /* single-steps to take before stopping */
	bool resume_after_step;    /* stepping off a breakpoint, then run on */
	uint32_t debug_applied;    /* KVM_SET_GUEST_DEBUG control in force */
	/* Why it stopped in the latest round: its own event's kind, STOP_PAUSE
	 * for a monitor pause, STOP_NONE when another vCPU stopped the machine. */
	enum vcpu_stop_kind stop_kind;
	int stop_bp_id;            /* STOP_BREAKPOINT: which one */
	unsigned hw_generation_applied;  /* bps.hw_generation loaded into DR0-7 */
	/* A hit the monitor has yet to decide (vmm/deferred_stop.h). */
	bool deferred;
	struct vm_stop_event deferred_ev;

	/* Statistics, written only by the vCPU thread: every userspace exit,
	 * per reason, port and MMIO address, and the last exits. */
	struct exit_stats stats;
};

/* Create vCPU id: fd, kvm_run mapping, CPUID, MSRs, LAPIC LINT setup.
 * -1 and one line in err on failure. */
int vcpu_create(struct vm *vm, int id, char *err, size_t errlen);
void vcpu_destroy(struct vcpu *v);

/* Start the vCPU's thread; it parks until vcpu_resume_all. */
int vcpu_start_thread(struct vcpu *v);

/* Ask every vCPU to leave KVM_RUN and wait until all are parked.
 * Returns the number of vCPUs that were running. */
int vcpu_pause_all(struct vm *vm);
/* Record that the monitor paused the machine (the latest stop is no longer
 * a fault or a breakpoint). */
void vm_note_user_pause(struct vm *vm);

/* Let every vCPU run, planting breakpoints; a vCPU sitting on a
 * breakpoint first steps off it. False when the guest has ended. */
bool vcpu_resume_all(struct vm *vm);

enum step_result {
	STEP_DONE, STEP_ENDED, STEP_TIMEOUT, STEP_STOPPED_OTHERWISE,
	STEP_NOT_STARTED,   /* an AP still waiting for INIT/SIPI: nothing to execute */
};
/* Single-step vCPU cpu n instructions (with interrupts blocked where KVM
 * offers KVM_GUESTDBG_BLOCKIRQ) and wait for it, at most timeout_ms; on a
 * timeout the machine is paused. The other vCPUs stay parked. */
enum step_result vcpu_step(struct vm *vm, int cpu, unsigned long n, unsigned timeout_ms);

/* Linear address of the next instruction (CS.base + RIP outside long
 * mode). The vCPU must be parked. 0 or -errno. */
int vcpu_linear_rip(struct vcpu *v, uint64_t *rip, int *bits);
/* Stop the threads for good (quit). */
void vcpu_stop_threads(struct vm *vm);

/* Ask every vCPU to stop without waiting (ctl_lock held): used when one
 * vCPU stops on an event and the whole machine must follow. */
void vcpu_request_stop_all_locked(struct vm *vm);

/* A vCPU finished stepping off a breakpoint (vcpu_resume_all): when no
 * other is still stepping off one, plant the breakpoints and release every
 * vCPU; else park until the last does. ctl_lock held. */
void vcpu_step_off_done_locked(struct vcpu *v);

/* Called by each vCPU thread as it parks (ctl_lock held): once the whole
 * machine has stopped, breakpoints are lifted from guest memory and
 * temporary ones deleted, so the monitor sees the guest's own bytes. */
void vm_note_parked_locked(struct vm *vm);

bool vcpu_all_parked(struct vm *vm);
/* Any vCPU running (or asked to run)? */
bool vm_is_running(struct vm *vm);

const char *vcpu_exit_reason_name(unsigned reason);

/* kvm_run's immediate_exit is written by the vCPU's own thread and by
 * whoever kicks it (vcpu_kick_locked, under ctl_lock, while the thread may
 * be finishing a watched access without it): an atomic store, so the two
 * never race. KVM reads it at KVM_RUN's entry. */
static inline void vcpu_set_immediate_exit(struct vcpu *v, uint8_t value)
{
	__atomic_store_n(&v->run->immediate_exit, value, __ATOMIC_RELAXED);
}

#endif
