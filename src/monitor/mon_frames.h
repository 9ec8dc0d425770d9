/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The monitor's view of the guest kernel's stack: what it keeps of the
 * image (kimage.h), unwinding the selected vCPU (unwind.h) through its page
 * tables, and the frame that up/down/frame selected. */
#ifndef HVMON_MON_FRAMES_H
#define HVMON_MON_FRAMES_H

#include <stdio.h>

#include "monitor/kimage.h"
#include "monitor/mon_ktypes.h"
#include "monitor/monitor.h"
#include "monitor/unwind.h"

/* Most tbreak breakpoints at once. */
#define MON_MAX_TBREAKS 64
/* Most modules whose symbols lsmod adds. */
#define MON_MAX_MODULES 256
/* Most frames bt shows or frame N reaches. */
#define MON_MAX_FRAMES 256

struct mon_kernel {
	struct kimage img;
	/* The selected frame is valid while the vCPU it was selected on stays
	 * where it was (same cpu, rip and rsp): any run or step resets it. */
	int sel_frame, sel_cpu;
	uint64_t sel_rip, sel_rsp;
	struct btf *btf;        /* parsed from img.btf on first use (mon_ktypes.c) */
	bool btf_failed;
	struct mon_display displays[MON_MAX_DISPLAYS];
	/* Modules whose symbols lsmod added (by text base), not to add twice. */
	uint64_t mod_base[MON_MAX_MODULES];
	int nmods;
	int tbreaks[MON_MAX_TBREAKS];   /* ids of tbreak breakpoints not hit yet */
	int ntbreaks;
};

/* After printing the stop at breakpoint bp_id: delete it if tbreak set it
 * (cmd_tbreak.c). */
void mon_tbreak_hit(struct monitor *mon, int bp_id);

/* What the debugger keeps of m's kernel image (NULL when there is no ELF
 * image, or it is malformed: then one line goes to msg). */
struct mon_kernel *mon_kernel_load(const struct machine *m, FILE *msg);
void mon_kernel_free(struct mon_kernel *k);

/* Unwind the parked vCPU v into f[0..max-1]; the number of frames, or -1
 * (error printed). why says where the unwind ended. */
int mon_unwind(struct monitor *mon, struct vcpu *v, struct uw_frame *f, int max,
	       char *why, size_t whylen);
/* The same from a sleeping task's saved registers (mon_task_regs), read
 * through v's page tables. */
int mon_unwind_task(struct monitor *mon, struct vcpu *v, const struct uw_regs *start,
		    struct uw_frame *f, int max, char *why, size_t whylen);
/* The registers a sleeping task pid saved when it was switched out
 * (cmd_kernel.c): 0, or -1 with the error printed. */
int mon_task_regs(struct monitor *mon, struct vcpu *v, int32_t pid, struct uw_regs *start);

/* The selected frame number for v (0 when none was selected, or v has
 * moved since). */
int mon_selected_frame(struct monitor *mon, struct vcpu *v);

/* The registers of the selected frame when it is not frame 0: true and
 * *regs filled; false when frame 0 is selected (read the vCPU). */
bool mon_frame_regs(struct monitor *mon, struct vcpu *v, struct uw_regs *regs, int *frame);

/* regs with a frame above #0 selected: print that frame's registers and
 * return true; false when frame 0 is selected (cmd_bt.c). */
bool mon_print_frame_regs(struct monitor *mon, struct vcpu *v);

/* "#N  0x... in sym+0xoff sp=0x..." for frame f. */
void mon_print_frame(struct monitor *mon, int n, const struct uw_frame *f);

#endif
