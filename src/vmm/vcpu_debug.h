/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Single-step and breakpoint traps on the vCPU thread. */
#ifndef HVMON_VCPU_DEBUG_H
#define HVMON_VCPU_DEBUG_H

#include <stdbool.h>

#include "vmm/vcpu.h"

/* Set KVM_SET_GUEST_DEBUG to what the vCPU needs now (single-step while
 * step_left, software breakpoints while planted). ctl_lock held. */
void vcpu_apply_guest_debug_locked(struct vcpu *v);

/* KVM_EXIT_DEBUG: a finished single-step or an int3. Fills ev when the
 * machine must stop. */
void vcpu_debug_exit(struct vcpu *v, struct vm_stop_event *ev);

/* An emulation failure on an int3 (this is how a ring-0 int3 surfaces on
 * hosts whose KVM emulates guest kernel code, docs/design.md 1). Returns true
 * when it was an int3: one of ours (ev says breakpoint) or the guest's own
 * (re-injected as #BP, ev left empty). */
bool vcpu_int3_emulation_failure(struct vcpu *v, const struct vm_stop_event *fault,
				 struct vm_stop_event *ev);

#endif
