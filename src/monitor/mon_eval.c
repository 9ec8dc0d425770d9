// SPDX-License-Identifier: GPL-3.0-or-later
/* Address expressions in monitor commands: the expression language of
 * expr.c with registers of the selected vCPU and the kernel's symbols. */
#include <sys/ioctl.h>

#include "monitor/expr.h"
#include "monitor/mon_eval.h"
#include "monitor/monitor.h"
#include "monitor/symtab.h"
#include "vmm/vcpu.h"

bool mon_eval_reg(void *opaque, const char *name, uint64_t *val)
{
	struct eval_ctx *c = opaque;
	if (!c->have_regs) {
		struct vm *vm = &c->mon->m->vm;
		struct vcpu *v = vm->vcpu[c->mon->selected_cpu];
		if (vm_is_running(vm) || !vcpu_all_parked(vm)) {
			c->regs_unavailable = true;
			return false;
		}
		if (ioctl(v->fd, KVM_GET_REGS, &c->rf.regs) < 0 ||
		    ioctl(v->fd, KVM_GET_SREGS, &c->rf.sregs) < 0)
			return false;
		c->have_regs = true;
		c->in_frame = mon_frame_regs(c->mon, v, &c->frame_regs, &c->frame);
	}
	int r = c->in_frame ? uw_reg_by_name(name) : -1;
	if (r >= 0) {
		if (!(c->frame_regs.known & (1u << r))) {
			c->not_saved = uw_reg_name(r);
			return false;
		}
		*val = c->frame_regs.v[r];
		return true;
	}
	return reg_get(&c->rf, name, val);
}

bool mon_eval_sym(void *opaque, const char *name, uint64_t *val)
{
	struct eval_ctx *c = opaque;
	return c->mon->syms && symtab_lookup_name(c->mon->syms, name, val);
}

int mon_eval_error(struct eval_ctx *c, const char *err)
{
	if (c->not_saved)
		return mon_error(c->mon, "$%s is not known in frame #%d (the unwind did not recover it)",
				 c->not_saved, c->frame);
	if (c->regs_unavailable)
		return mon_error(c->mon, "registers are readable only while the guest is paused; "
				 "'pause' first");
	return mon_error(c->mon, "%s", err);
}

int mon_eval(struct monitor *mon, const char *text, uint64_t *out)
{
	struct eval_ctx c = { .mon = mon };
	struct expr_env env = { .reg = mon_eval_reg, .sym = mon_eval_sym, .opaque = &c };
	char err[160];
	if (expr_eval(text, &env, out, err, sizeof(err)) == 0)
		return 0;
	return mon_eval_error(&c, err);
}
