// SPDX-License-Identifier: GPL-3.0-or-later
/* The pause / run state machine (docs/design.md 5): the monitor flips want_run
 * under ctl_lock, kicks the vCPU out of KVM_RUN with immediate_exit plus a
 * signal, and waits on ctl_cond until the vCPU thread reports it parked. */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>

#include "vmm/deadline.h"
#include "vmm/deferred_stop.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_exit.h"
#include "vmm/watchpoint.h"

static void vcpu_kick_locked(struct vcpu *v)
{
	v->want_run = false;
	/* A step or a step off a breakpoint cut short is abandoned; the next
	 * resume decides afresh. */
	v->step_left = 0;
	v->resume_after_step = false;
	/* Set before the signal: if the thread is between its want_run check
	 * and KVM_RUN, the ioctl returns EINTR at once. */
	vcpu_set_immediate_exit(v, 1);
	if (v->thread_started && v->state == VCPU_RUNNING)
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

void vcpu_request_stop_all_locked(struct vm *vm)
{
	for (int i = 0; i < vm->nvcpus; i++)
		vcpu_kick_locked(vm->vcpu[i]);
}

static bool all_parked_locked(struct vm *vm)
{
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i]->state == VCPU_RUNNING)
			return false;
	return true;
}

int vcpu_pause_all(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	int were_running = 0;
	for (int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		/* A vCPU already stopping by itself (a breakpoint that just hit)
		 * was not running in the sense the caller means. */
		if (v->want_run)
			were_running++;
		vcpu_kick_locked(v);
	}
	while (!all_parked_locked(vm)) {
		/* immediate_exit plus the signal cannot miss a vCPU, but a
		 * pause must never hang the monitor: re-kick every 10 ms. */
		struct timespec ts = deadline_after(CLOCK_REALTIME, 0.010);
		if (pthread_cond_timedwait(&vm->ctl_cond, &vm->ctl_lock, &ts) == ETIMEDOUT)
			vcpu_request_stop_all_locked(vm);
	}
	pthread_mutex_unlock(&vm->ctl_lock);
	return were_running;
}

void vm_note_parked_locked(struct vm *vm)
{
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i]->want_run || vm->vcpu[i]->state == VCPU_RUNNING)
			return;
	bp_lift_all(vm);
	/* A stop the monitor has yet to decide may become a resume, which
	 * needs them (vmm/deferred_stop.h). */
	if (!vm_any_deferred_locked(vm))
		bp_delete_temporary(&vm->bps);
	watch_note_parked_locked(vm);
}

void vm_note_user_pause(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	struct vm_stop_event ev = { .vcpu = 0, .kind = STOP_PAUSE };
	int bits;
	if (vm->nvcpus)
		vcpu_linear_rip(vm->vcpu[0], &ev.rip, &bits);
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i]->stop_kind == STOP_NONE)
			vm->vcpu[i]->stop_kind = STOP_PAUSE;
	vm->last_stop = ev;
	vm_count_stop_locked(vm);
	vm->faulted = vm->end == VM_END_TRIPLE_FAULT;
	pthread_mutex_unlock(&vm->ctl_lock);
}

int vcpu_linear_rip(struct vcpu *v, uint64_t *rip, int *bits)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	*bits = vcpu_mode_bits(&s);
	*rip = *bits == 64 ? r.rip : s.cs.base + r.rip;
	return 0;
}

/* Start a round: the vCPUs about to run have no stop of their own yet,
 * and the first event posted will be the round's cause (last_stop). */
static void vcpu_begin_round_locked(struct vm *vm, struct vcpu *only)
{
	vm->round_reported = false;
	for (int i = 0; i < vm->nvcpus; i++) {
		if (!only || vm->vcpu[i] == only)
			vm->vcpu[i]->stop_kind = STOP_NONE;
		/* A hit still undecided when the machine is resumed anyway
		 * (by gdb, say) is moot: the vCPU has moved on. */
		vm->vcpu[i]->deferred = false;
	}
}

bool vcpu_resume_all(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool ok = vm->end == VM_END_NONE;
	/* Only a fully parked machine can be resumed: its registers are
	 * readable and no breakpoint is planted yet. */
	bool parked = all_parked_locked(vm);
	for (int i = 0; i < vm->nvcpus; i++)
		parked &= !vm->vcpu[i]->want_run;
	if (ok && parked) {
		vcpu_begin_round_locked(vm, NULL);
		/* Every vCPU parked on one of our breakpoints (the ones that
		 * hit it, and any stopped there by the others) must execute
		 * the real instruction there before int3 goes back, or it
		 * would trap on the same one again at once. They single-step
		 * together, the breakpoints lifted and the other vCPUs still
		 * parked; the last to finish plants them all and releases
		 * everyone (vcpu_debug.c, vcpu_step_off_done_locked). */
		bool any_bp = bp_any(&vm->bps) || hwbp_any(&vm->bps);
		int stepping = 0;
		for (int i = 0; i < vm->nvcpus && any_bp; i++) {
			struct vcpu *v = vm->vcpu[i];
			uint64_t rip;
			int bits;
			if (vcpu_linear_rip(v, &rip, &bits) == 0 &&
			    (bp_at(vm, v, rip) || hwbp_exec_at(&vm->bps, rip))) {
				v->step_left = 1;
				v->resume_after_step = true;
				v->want_run = true;
				stepping++;
			}
		}
		if (!stepping) {
			if (bp_any(&vm->bps))
				bp_plant_all(vm, vm->vcpu[0]);
			for (int i = 0; i < vm->nvcpus; i++)
				vm->vcpu[i]->want_run = true;
		}
		pthread_cond_broadcast(&vm->ctl_cond);
	}
	pthread_mutex_unlock(&vm->ctl_lock);
	return ok;
}

void vcpu_step_off_done_locked(struct vcpu *v)
{
	struct vm *vm = v->vm;
	v->resume_after_step = false;
	for (int i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpu[i]->resume_after_step) {
			/* Others are still stepping off theirs: wait parked. */
			v->want_run = false;
			return;
		}
	}
	/* Off every breakpoint: plant them all and let everyone run. */
	bp_plant_all(vm, v);
	for (int i = 0; i < vm->nvcpus; i++)
		vm->vcpu[i]->want_run = true;
	pthread_cond_broadcast(&vm->ctl_cond);
}

/* KVM_GET_MP_STATE: a vCPU waiting for INIT or SIPI executes nothing, so
 * a step on it could only time out. */
static bool vcpu_waits_for_sipi(struct vcpu *v)
{
	struct kvm_mp_state mp;
	return ioctl(v->fd, KVM_GET_MP_STATE, &mp) == 0 &&
	       (mp.mp_state == KVM_MP_STATE_UNINITIALIZED ||
		mp.mp_state == KVM_MP_STATE_INIT_RECEIVED);
}

enum step_result vcpu_step(struct vm *vm, int cpu, unsigned long n, unsigned timeout_ms)
{
	struct vcpu *v = vm->vcpu[cpu];
	struct timespec deadline = deadline_after(CLOCK_REALTIME, timeout_ms / 1000.0);
	pthread_mutex_lock(&vm->ctl_lock);
	if (vm->end != VM_END_NONE) {
		pthread_mutex_unlock(&vm->ctl_lock);
		return STEP_ENDED;
	}
	if (vcpu_waits_for_sipi(v)) {
		pthread_mutex_unlock(&vm->ctl_lock);
		return STEP_NOT_STARTED;
	}
	uint64_t seq = vm->stop_seq;
	vcpu_begin_round_locked(vm, v);
	v->step_left = n;
	v->resume_after_step = false;
	v->want_run = true;
	pthread_cond_broadcast(&vm->ctl_cond);
	enum step_result r = STEP_DONE;
	while (v->want_run || v->state == VCPU_RUNNING) {
		if (pthread_cond_timedwait(&vm->ctl_cond, &vm->ctl_lock, &deadline) == ETIMEDOUT) {
			r = STEP_TIMEOUT;
			break;
		}
	}
	/* A watchpoint hit left to the monitor (deferred_stop.h) cut the
	 * step short: the step is this round's stop, so the decision never
	 * lets the machine run; a hit that stops is shown after it. */
	if (r == STEP_DONE && v->deferred && !vm->round_reported) {
		struct vm_stop_event ev = { .vcpu = v->id, .kind = STOP_STEP };
		vcpu_linear_rip(v, &ev.rip, &ev.cpu_bits);
		snprintf(ev.text, sizeof(ev.text), "vCPU %d: step done at 0x%llx", v->id,
			 (unsigned long long)ev.rip);
		vm_post_event_locked(vm, &ev);
	}
	if (r == STEP_DONE && vm->stop_seq != seq && vm->last_stop.kind != STOP_STEP)
		r = vm->end != VM_END_NONE ? STEP_ENDED : STEP_STOPPED_OTHERWISE;
	v->step_left = 0;
	pthread_mutex_unlock(&vm->ctl_lock);
	if (r == STEP_TIMEOUT)
		vcpu_pause_all(vm);
	return r;
}

void vcpu_stop_threads(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	vm->quitting = true;
	vcpu_request_stop_all_locked(vm);
	pthread_cond_broadcast(&vm->ctl_cond);
	pthread_mutex_unlock(&vm->ctl_lock);
	for (int i = 0; i < vm->nvcpus; i++) {
		struct vcpu *v = vm->vcpu[i];
		pthread_mutex_lock(&vm->ctl_lock);
		bool started = v->thread_started;
		pthread_mutex_unlock(&vm->ctl_lock);
		if (started) {
			pthread_join(v->thread, NULL);
			/* Under ctl_lock: the I/O thread may still end the guest
			 * (vm_guest_end) and read it. */
			pthread_mutex_lock(&vm->ctl_lock);
			v->thread_started = false;
			pthread_mutex_unlock(&vm->ctl_lock);
		}
	}
}

bool vcpu_all_parked(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool parked = all_parked_locked(vm);
	pthread_mutex_unlock(&vm->ctl_lock);
	return parked;
}

bool vm_is_running(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool running = false;
	for (int i = 0; i < vm->nvcpus; i++)
		running |= vm->vcpu[i]->want_run || vm->vcpu[i]->state == VCPU_RUNNING;
	pthread_mutex_unlock(&vm->ctl_lock);
	return running;
}
