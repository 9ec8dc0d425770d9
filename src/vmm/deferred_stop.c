// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/deferred_stop.h"

#include <unistd.h>

#include "vmm/vcpu.h"

void vm_defer_stop_locked(struct vcpu *v, const struct vm_stop_event *ev)
{
	struct vm *vm = v->vm;
	v->deferred = true;
	v->deferred_ev = *ev;
	vcpu_request_stop_all_locked(vm);
	uint64_t one = 1;
	if (write(vm->event_fd, &one, sizeof(one)) < 0) {
		/* The counter cannot overflow in practice; the monitor also
		 * looks for deferred hits whenever it waits for a stop. */
	}
	pthread_cond_broadcast(&vm->ctl_cond);
}

void vm_post_or_defer_locked(struct vcpu *v, const struct vm_stop_event *ev)
{
	if (ev->undecided)
		vm_defer_stop_locked(v, ev);
	else
		vm_post_event_locked(v->vm, ev);
}

bool vm_any_deferred_locked(struct vm *vm)
{
	for (int i = 0; i < vm->nvcpus; i++)
		if (vm->vcpu[i]->deferred)
			return true;
	return false;
}

bool vm_any_deferred(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool any = vm_any_deferred_locked(vm);
	pthread_mutex_unlock(&vm->ctl_lock);
	return any;
}

bool vm_take_deferred(struct vm *vm, struct vm_stop_event *ev)
{
	bool have = false;
	pthread_mutex_lock(&vm->ctl_lock);
	for (int i = 0; i < vm->nvcpus && !have; i++) {
		struct vcpu *v = vm->vcpu[i];
		if (v->deferred) {
			v->deferred = false;
			*ev = v->deferred_ev;
			have = true;
		}
	}
	pthread_mutex_unlock(&vm->ctl_lock);
	return have;
}

void vm_post_deferred(struct vm *vm, const struct vm_stop_event *ev)
{
	struct vm_stop_event decided = *ev;
	decided.undecided = false;
	pthread_mutex_lock(&vm->ctl_lock);
	vm_post_event_locked(vm, &decided);
	pthread_mutex_unlock(&vm->ctl_lock);
}

bool vm_round_stopped(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bool stopped = vm->round_reported || vm->end != VM_END_NONE;
	pthread_mutex_unlock(&vm->ctl_lock);
	return stopped;
}

void vm_deferred_settled(struct vm *vm)
{
	pthread_mutex_lock(&vm->ctl_lock);
	bp_delete_temporary(&vm->bps);
	pthread_mutex_unlock(&vm->ctl_lock);
}
