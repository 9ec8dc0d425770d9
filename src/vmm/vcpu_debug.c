// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/vcpu_debug.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "vmm/vcpu_exit.h"
#include "vmm/vcpu_mem.h"
#include "vmm/watchpoint.h"

#define DB_VECTOR 1   /* SDM vol. 3A 6.15: debug exception */
#define BP_VECTOR 3   /* breakpoint (int3) */

static void vcpu_fill_location(struct vcpu *v, struct vm_stop_event *ev);

/* A hit with no condition and no ignore count is a stop, counted here.
 * Any other is the monitor's to decide (deferred_stop.h), which counts it
 * as gdb does. */
static void vcpu_count_hit(unsigned long *hits, bool checked, struct vm_stop_event *ev)
{
	if (checked)
		ev->undecided = true;
	else
		++*hits;
}

void vcpu_apply_guest_debug_locked(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint32_t ctl = 0;
	/* While stepping off a breakpoint the debug registers stay quiet, or
	 * an instruction breakpoint there would fire again at once. */
	bool hw = hwbp_any(&vm->bps) && !v->resume_after_step;
	if (v->step_left)
		ctl |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP | vm->guest_debug_blockirq;
	if (vm->bps.planted)
		ctl |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_SW_BP;
	if (hw)
		ctl |= KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_USE_HW_BP;
	if (ctl == v->debug_applied && (!hw || v->hw_generation_applied == vm->bps.hw_generation))
		return;
	struct kvm_guest_debug dbg = { .control = ctl };
	if (hw) {
		for (int i = 0; i < HWBP_MAX; i++)
			dbg.arch.debugreg[i] = vm->bps.hw[i].addr;
		dbg.arch.debugreg[7] = hwbp_dr7(&vm->bps);
	}
	if (ioctl(v->fd, KVM_SET_GUEST_DEBUG, &dbg) == 0) {
		v->debug_applied = ctl;
		v->hw_generation_applied = vm->bps.hw_generation;
	}
}

/* ctl_lock held. DR6's B0-B3 name the debug register that matched. */
static bool vcpu_hit_hw_breakpoint_locked(struct vcpu *v, uint64_t dr6, struct vm_stop_event *ev)
{
	struct hw_breakpoint *h = hwbp_from_dr6(&v->vm->bps, dr6);
	if (!h)
		return false;
	static const char *const kinds[] = {
		[HWBP_EXEC] = "hardware breakpoint", [HWBP_WRITE] = "watchpoint (write)",
		[HWBP_RW] = "watchpoint (read/write)",
	};
	v->want_run = false;
	ev->kind = STOP_BREAKPOINT;
	ev->bp_id = h->id;
	vcpu_fill_location(v, ev);
	snprintf(ev->text, sizeof(ev->text), "vCPU %d: %s %d at 0x%llx", v->id,
		 kinds[h->kind], h->id, (unsigned long long)h->addr);
	vcpu_count_hit(&h->hits, bp_rule_checked(h->cond, h->ignore), ev);
	return true;
}

/* Hand an int3 that hvmon did not plant back to the guest as #BP. On a
 * #BP exit RIP is still at the int3 and KVM supplies the instruction
 * length when it injects the soft exception (as QEMU relies on); after an
 * emulation failure nothing was executed, so RIP is moved past the int3
 * first (docs/design.md 1, tested here). */
static void vcpu_reinject_bp(struct vcpu *v, unsigned advance)
{
	if (advance) {
		struct kvm_regs r;
		if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
			return;
		r.rip += advance;
		ioctl(v->fd, KVM_SET_REGS, &r);
	}
	struct kvm_vcpu_events e;
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e) < 0)
		return;
	e.exception.injected = 1;
	e.exception.nr = BP_VECTOR;
	e.exception.has_error_code = 0;
	e.exception.error_code = 0;
	e.flags = 0;
	ioctl(v->fd, KVM_SET_VCPU_EVENTS, &e);
}

static void vcpu_fill_location(struct vcpu *v, struct vm_stop_event *ev)
{
	uint64_t rip = 0;
	int bits = 64;
	vcpu_linear_rip(v, &rip, &bits);
	ev->vcpu = v->id;
	ev->rip = rip;
	ev->cpu_bits = bits;
}

/* ctl_lock held. A hit on one of ours stops the machine. */
static bool vcpu_hit_breakpoint_locked(struct vcpu *v, uint64_t pc, struct vm_stop_event *ev)
{
	struct breakpoint *b = bp_planted_at(v->vm, v, pc);
	if (!b)
		return false;
	v->want_run = false;
	ev->kind = STOP_BREAKPOINT;
	ev->bp_id = b->id;
	ev->bp_temporary = b->temporary;
	vcpu_fill_location(v, ev);
	snprintf(ev->text, sizeof(ev->text), "vCPU %d: breakpoint %d at 0x%llx (%s)",
		 v->id, b->id, (unsigned long long)pc, b->where);
	vcpu_count_hit(&b->hits, bp_rule_checked(b->cond, b->ignore), ev);
	return true;
}

void vcpu_debug_exit(struct vcpu *v, struct vm_stop_event *ev)
{
	struct vm *vm = v->vm;
	struct kvm_debug_exit_arch *d = &v->run->debug.arch;
	pthread_mutex_lock(&vm->ctl_lock);
	if (d->exception == DB_VECTOR && watch_fetch_step_done_locked(v)) {
		/* Stepped an instruction fetched from a read-watched page: the
		 * page is protected again and the vCPU runs on. */
	} else if (d->exception == DB_VECTOR && (d->dr6 & 0xf) &&
	    vcpu_hit_hw_breakpoint_locked(v, d->dr6, ev)) {
		v->step_left = 0;
	} else if (d->exception == DB_VECTOR && v->step_left) {
		if (--v->step_left == 0) {
			if (v->resume_after_step) {
				vcpu_step_off_done_locked(v);
			} else {
				v->want_run = false;
				ev->kind = STOP_STEP;
				vcpu_fill_location(v, ev);
				snprintf(ev->text, sizeof(ev->text), "vCPU %d: step done at 0x%llx",
					 v->id, (unsigned long long)ev->rip);
			}
		}
	} else if (d->exception == BP_VECTOR) {
		if (!vcpu_hit_breakpoint_locked(v, d->pc, ev))
			vcpu_reinject_bp(v, 0);
	}
	pthread_mutex_unlock(&vm->ctl_lock);
}

bool vcpu_int3_emulation_failure(struct vcpu *v, const struct vm_stop_event *fault,
				 struct vm_stop_event *ev)
{
	uint8_t first;
	if (fault->insn_len > 0)
		first = fault->insn[0];
	else if (vcpu_read_virt_byte(v, fault->rip, &first) < 0)
		return false;
	struct vm *vm = v->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	bool ours = bp_planted_at(vm, v, fault->rip) != NULL;
	bool handled = false;
	if (ours) {
		handled = vcpu_hit_breakpoint_locked(v, fault->rip, ev);
	} else if (first == BP_INT3) {
		vcpu_reinject_bp(v, 1);
		handled = true;
	}
	pthread_mutex_unlock(&vm->ctl_lock);
	return handled;
}
