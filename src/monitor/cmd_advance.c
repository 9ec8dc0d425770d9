// SPDX-License-Identifier: GPL-3.0-or-later
/* advance LOCATION, as gdb's: run until LOCATION is reached or the
 * selected frame returns, whichever comes first (gdb's until_break_command
 * with anywhere set: a temporary breakpoint at LOCATION, in any frame, and
 * one at the frame's return address, for that frame only). The return
 * address comes from the unwinder, as finish's does. */
#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "monitor/run_to.h"
#include "vmm/vcpu.h"

int cmd_advance(struct monitor *mon, int argc, char **argv)
{
	if (argc != 2)
		return mon_error(mon, "usage: advance ADDR|SYMBOL[+OFF]");
	struct vcpu *v = mon_paused_vcpu(mon);
	struct run_target t[2];
	if (!v || mon_eval(mon, argv[1], &t[0].addr) < 0)
		return -1;
	t[0].min_rsp = 0;
	static struct uw_frame f[MON_MAX_FRAMES];
	char why[320];
	uint64_t rip;
	int bits = 0;
	if (vcpu_linear_rip(v, &rip, &bits) == 0 && bits != 64) {
		/* The unwinder reads 64-bit stacks only (unwind.h). */
		mon_printf(mon, "note: vCPU %d is in %d-bit mode, where hvmon finds no return "
			   "address: running to 0x%llx only\n", v->id, bits,
			   (unsigned long long)t[0].addr);
		return mon_run_to(mon, t, 1, "advance");
	}
	int sel = mon_selected_frame(mon, v);
	int n = mon_unwind(mon, v, f, sel + 2, why, sizeof(why));
	if (n < 0)
		return -1;
	if (n < sel + 2 || !f[sel + 1].reliable) {
		/* gdb runs to the location alone when the frame has no caller. */
		mon_printf(mon, "note: the return address of frame #%d is not known (%s): running "
			   "to 0x%llx only\n", sel, why, (unsigned long long)t[0].addr);
		return mon_run_to(mon, t, 1, "advance");
	}
	/* Back in the caller, RSP is above the frame's: a hit there from a
	 * deeper, recursive call of the same function is not its return. */
	t[1].addr = f[sel + 1].regs.v[UW_RIP];
	t[1].min_rsp = f[sel + 1].regs.v[UW_RSP];
	return mon_run_to(mon, t, 2, "advance");
}
