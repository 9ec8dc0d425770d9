// SPDX-License-Identifier: GPL-3.0-or-later
/* Where vCPUs failed emulation, and what run and step say then
 * (emu_fail.h). */
#include "monitor/emu_fail.h"

#include <string.h>

#include "monitor/commands.h"
#include "vmm/vcpu.h"
#include "vmm/vcpu_mem.h"

void emu_fail_note(struct monitor *mon, const struct vm_stop_event *ev)
{
	if (ev->kind != STOP_FAULT || ev->vcpu < 0 || ev->vcpu >= VM_MAX_VCPUS ||
	    !strstr(ev->text, "emulation failure"))
		return;
	struct emu_fail *f = &mon->emu_fail[ev->vcpu];
	f->valid = true;
	f->rip = ev->rip;
	f->insn_len = ev->insn_len > 0 && ev->insn_len <= (int)sizeof(f->insn) ? ev->insn_len : 0;
	memcpy(f->insn, ev->insn, (size_t)f->insn_len);
}

bool emu_fail_stuck(struct monitor *mon, struct vcpu *v, const char *what)
{
	struct emu_fail *f = &mon->emu_fail[v->id];
	uint64_t rip;
	int bits;
	uint8_t now[16];

	if (!f->valid || vcpu_linear_rip(v, &rip, &bits) < 0)
		return false;
	/* Moved on (regs rip=, skip, jump), or the instruction was patched
	 * (x/... and a write): KVM may get past it now. */
	if (rip != f->rip || (f->insn_len &&
	    (vcpu_read_virt(v, rip, now, (size_t)f->insn_len) != (size_t)f->insn_len ||
	     memcmp(now, f->insn, (size_t)f->insn_len)))) {
		f->valid = false;
		return false;
	}
	char sym[160];
	mon_symbolize(mon, rip, sym, sizeof(sym));
	mon_error(mon, "%s: vCPU %d cannot go on: KVM cannot emulate the instruction at "
		  "rip=0x%llx%s%s%s and would stop there again. 'skip' moves past it, "
		  "'jump ADDR' resumes elsewhere; 'regs', 'x' and 'disas' inspect it",
		  what, v->id, (unsigned long long)rip, sym[0] ? " <" : "", sym, sym[0] ? ">" : "");
	return true;
}

bool emu_fail_any_stuck(struct monitor *mon, const char *what)
{
	struct vm *vm = &mon->m->vm;

	for (int i = 0; i < vm->nvcpus; i++)
		if (emu_fail_stuck(mon, vm->vcpu[i], what))
			return true;
	return false;
}
