// SPDX-License-Identifier: GPL-3.0-or-later
/* tbreak: a breakpoint deleted by its first hit, as gdb's (with `if EXPR`,
 * by the first that stops). It is an ordinary breakpoint (cmd_break) that
 * the monitor deletes when it prints that breakpoint's stop
 * (mon_tbreak_hit); the vmm's own temporary
 * breakpoints (next, until, finish) differ: any stop deletes them. */
#include <stdlib.h>

#include "monitor/commands.h"
#include "monitor/mon_frames.h"
#include "vmm/breakpoint.h"
#include "vmm/vcpu.h"

int cmd_tbreak(struct monitor *mon, int argc, char **argv)
{
	struct mon_kernel *k = mon->kern;
	if (argc < 2)
		return mon_error(mon, "usage: tbreak ADDR|SYMBOL[+OFF] [if EXPR]");
	if (!k)
		return mon_error(mon, "tbreak needs the kernel image (none was loaded)");
	if (k->ntbreaks == MON_MAX_TBREAKS)
		return mon_error(mon, "%d temporary breakpoints already", MON_MAX_TBREAKS);
	/* break's own parsing, `if EXPR` included: argv[0] names the command
	 * in its usage line. */
	if (cmd_break(mon, argc, argv) < 0)
		return -1;
	/* The one just added: ids only grow (bp_add). */
	struct vm *vm = &mon->m->vm;
	pthread_mutex_lock(&vm->ctl_lock);
	int id = vm->bps.next_id;
	pthread_mutex_unlock(&vm->ctl_lock);
	k->tbreaks[k->ntbreaks++] = id;
	mon_printf(mon, "(temporary: deleted when it is hit)\n");
	return 0;
}

void mon_tbreak_hit(struct monitor *mon, int bp_id)
{
	struct mon_kernel *k = mon->kern;
	for (int i = 0; k && i < k->ntbreaks; i++) {
		if (k->tbreaks[i] != bp_id)
			continue;
		k->tbreaks[i] = k->tbreaks[--k->ntbreaks];
		char num[16];
		snprintf(num, sizeof(num), "%d", bp_id);
		char *args[] = { "delete", num, NULL };
		if (cmd_delete(mon, 2, args) == 0)
			mon_printf(mon, "temporary breakpoint %d deleted\n", bp_id);
		return;
	}
}
