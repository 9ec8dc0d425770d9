/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Breakpoint hits that the monitor decides (a condition or an ignore
 * count, breakpoint.h): the vCPU that hit one stops the whole machine, as
 * at any hit, but reports no stop. The monitor, woken through the event
 * fd, takes each such hit once every vCPU has parked, evaluates its
 * condition on that vCPU (as gdb does, in all-stop mode) and either posts
 * it as the machine's stop or lets the machine run on (vcpu_resume_all,
 * which steps every vCPU off its breakpoint). Until then no stop is
 * counted (stop_seq), so `wait stop`, the gdb stub and the stop queue
 * never see a hit that does not stop. */
#ifndef HVMON_DEFERRED_STOP_H
#define HVMON_DEFERRED_STOP_H

#include <stdbool.h>

#include "vmm/vm.h"

struct vcpu;

/* On v's thread, ctl_lock held, v no longer wanting to run: keep ev as v's
 * undecided hit, stop the other vCPUs and wake the monitor. */
void vm_defer_stop_locked(struct vcpu *v, const struct vm_stop_event *ev);
/* v's stop event: deferred when ev->undecided, else posted. */
void vm_post_or_defer_locked(struct vcpu *v, const struct vm_stop_event *ev);
/* Is any hit waiting for a decision? (takes ctl_lock) */
bool vm_any_deferred(struct vm *vm);
bool vm_any_deferred_locked(struct vm *vm);
/* Take one undecided hit; false when none is left. The machine should be
 * parked (vcpu_pause_all) before its vCPU's registers are read. */
bool vm_take_deferred(struct vm *vm, struct vm_stop_event *ev);
/* The monitor decided ev stops the machine: post it as this round's stop. */
void vm_post_deferred(struct vm *vm, const struct vm_stop_event *ev);
/* Has this round posted a stop (one of its own, a pause, the guest's
 * end)? Then the machine stays stopped whatever the deferred hits say. */
bool vm_round_stopped(struct vm *vm);
/* The machine stays stopped after its deferred hits were decided: delete
 * the vmm's temporary breakpoints as every stop does (vm_note_parked_locked
 * kept them while a decision was pending, since a resume needs them). */
void vm_deferred_settled(struct vm *vm);

#endif
