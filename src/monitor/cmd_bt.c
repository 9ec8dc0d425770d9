// SPDX-License-Identifier: GPL-3.0-or-later
/* Stack commands: bt, up, down, frame, info frame (unwinding: unwind.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "monitor/parse.h"
#include "vmm/vcpu.h"

#define BT_DEFAULT 64

static struct uw_frame frames[MON_MAX_FRAMES];

int cmd_bt(struct monitor *mon, int argc, char **argv)
{
	uint64_t max = BT_DEFAULT, pid = 0;
	/* "bt N" counts frames, as in gdb; a task is named "bt pid PID". */
	bool task = argc >= 3 && !strcmp(argv[1], "pid");
	int at = task ? 3 : 1;
	if ((task && (!parse_u64(argv[2], &pid) || pid > INT32_MAX)) || argc > at + 1 ||
	    (argc == at + 1 && (!parse_u64(argv[at], &max) || max == 0)))
		return mon_error(mon, "usage: %s [N] | %s pid PID [N] (N frames, default %d)",
				 argv[0], argv[0], BT_DEFAULT);
	if (max > MON_MAX_FRAMES)
		max = MON_MAX_FRAMES;
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	char why[320];
	struct uw_regs start;
	if (task && mon_task_regs(mon, v, (int32_t)pid, &start) < 0)
		return -1;
	int n = task ? mon_unwind_task(mon, v, &start, frames, (int)max, why, sizeof(why))
		     : mon_unwind(mon, v, frames, (int)max, why, sizeof(why));
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		mon_print_frame(mon, i, &frames[i]);
	mon_printf(mon, "(%s)\n", why);
	return 0;
}

/* Select frame n (clamped to what the unwind reaches) and show it. */
static int select_frame(struct monitor *mon, struct vcpu *v, long n)
{
	if (!mon->kern)
		return mon_error(mon, "no kernel image to unwind with");
	char why[320];
	int max = n < 0 ? 1 : n >= MON_MAX_FRAMES ? MON_MAX_FRAMES : (int)n + 1;
	int got = mon_unwind(mon, v, frames, max, why, sizeof(why));
	if (got < 0)
		return -1;
	if (n < 0)
		return mon_error(mon, "already at the innermost frame (#0)");
	if (n >= got)
		return mon_error(mon, "no frame #%ld: the stack has %d (%s)", n, got, why);
	struct kvm_regs r;
	if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
		return mon_error(mon, "cannot read the vCPU's registers");
	struct mon_kernel *k = mon->kern;
	k->sel_frame = (int)n;
	k->sel_cpu = v->id;
	k->sel_rip = r.rip;
	k->sel_rsp = r.rsp;
	mon_print_frame(mon, (int)n, &frames[n]);
	return 0;
}

static bool frame_arg(struct monitor *mon, int argc, char **argv, uint64_t dflt, uint64_t *n)
{
	*n = dflt;
	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], n) || *n >= MON_MAX_FRAMES))) {
		mon_error(mon, "usage: %s [N] (N below %d)", argv[0], MON_MAX_FRAMES);
		return false;
	}
	return true;
}

int cmd_frame(struct monitor *mon, int argc, char **argv)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t n;
	if (!v || !frame_arg(mon, argc, argv, 0, &n))
		return -1;
	if (argc == 1)
		n = (uint64_t)mon_selected_frame(mon, v);
	return select_frame(mon, v, (long)n);
}

int cmd_up(struct monitor *mon, int argc, char **argv)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t n;
	if (!v || !frame_arg(mon, argc, argv, 1, &n))
		return -1;
	return select_frame(mon, v, mon_selected_frame(mon, v) + (long)n);
}

int cmd_down(struct monitor *mon, int argc, char **argv)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	uint64_t n;
	if (!v || !frame_arg(mon, argc, argv, 1, &n))
		return -1;
	return select_frame(mon, v, mon_selected_frame(mon, v) - (long)n);
}

bool mon_print_frame_regs(struct monitor *mon, struct vcpu *v)
{
	struct uw_regs r;
	int n;
	if (!mon_frame_regs(mon, v, &r, &n))
		return false;
	mon_printf(mon, "frame #%d (registers the unwind recovered; 'frame 0' for all of the vCPU's):\n", n);
	static const enum uw_reg order[] = {
		UW_RAX, UW_RBX, UW_RCX, UW_RDX, UW_RSI, UW_RDI, UW_RBP, UW_RSP, UW_R8, UW_R9,
		UW_R10, UW_R11, UW_R12, UW_R13, UW_R14, UW_R15, UW_RIP, UW_RFLAGS,
	};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (r.known & (1u << order[i]))
			mon_printf(mon, "%s=0x%016llx\n", uw_reg_name(order[i]),
				   (unsigned long long)r.v[order[i]]);
		else
			mon_printf(mon, "%s=<not saved>\n", uw_reg_name(order[i]));
	}
	return true;
}

static const char *const how_names[] = {
	[UW_HOW_CPU] = "the vCPU's registers", [UW_HOW_ORC] = "ORC",
	[UW_HOW_FP] = "the frame-pointer chain", [UW_HOW_SCAN] = "a stack scan (unreliable)",
};

int info_frame(struct monitor *mon)
{
	struct vcpu *v = mon_paused_vcpu(mon);
	if (!v)
		return -1;
	int n = mon_selected_frame(mon, v);
	char why[320];
	int got = mon_unwind(mon, v, frames, n + 2 > MON_MAX_FRAMES ? MON_MAX_FRAMES : n + 2,
			     why, sizeof(why));
	if (got <= n)
		return got < 0 ? -1 : mon_error(mon, "frame #%d is gone (%s)", n, why);
	const struct uw_frame *f = &frames[n];
	mon_print_frame(mon, n, f);
	mon_printf(mon, "  found by %s\n", how_names[f->how]);
	if (f->cfa)
		mon_printf(mon, "  cfa=0x%llx (caller's rsp after the return)\n",
			   (unsigned long long)f->cfa);
	if (f->rule[0])
		mon_printf(mon, "  rule: %s\n", f->rule);
	if (got > n + 1) {
		mon_printf(mon, "  caller: ");
		mon_print_frame(mon, n + 1, &frames[n + 1]);
	} else {
		mon_printf(mon, "  caller: none (%s)\n", why);
	}
	mon_printf(mon, "  saved registers:");
	bool any = false;
	for (int r = 0; r < UW_NREGS; r++)
		if (f->saved_at[r]) {
			mon_printf(mon, " %s at 0x%llx", uw_reg_name(r),
				   (unsigned long long)f->saved_at[r]);
			any = true;
		}
	mon_printf(mon, "%s\n  registers known in this frame:", any ? "" : " none");
	for (int r = 0; r < UW_NREGS; r++)
		if (f->regs.known & (1u << r))
			mon_printf(mon, " %s", uw_reg_name(r));
	mon_printf(mon, "\n");
	return 0;
}
