// SPDX-License-Identifier: GPL-3.0-or-later
/* condition and ignore, as gdb's, and their lines in `info break`. The
 * condition and count live with the breakpoint or watchpoint
 * (vmm/stop_rule.h); a hit is decided by mon_decide_hits (bp_hit.c). */
#include <limits.h>

#include "monitor/break_if.h"
#include "monitor/commands.h"
#include "monitor/cond_check.h"
#include "monitor/parse.h"
#include "vmm/stop_rule.h"

/* Breakpoint number word: 0 and *id, or -1 with the error printed. */
static int bp_number(struct monitor *mon, const char *word, int *id)
{
	uint64_t n;
	if (!parse_u64(word, &n) || n == 0 || n > INT_MAX)
		return mon_error(mon, "bad breakpoint number '%s'", word);
	*id = (int)n;
	return 0;
}

static void leave(struct bp_rule_ref *r, void *arg)
{
	(void)r;
	(void)arg;
}

static void set_cond(struct bp_rule_ref *r, void *arg)
{
	snprintf(r->cond, BP_COND_MAX, "%s", (const char *)arg);
}

static void set_ignore(struct bp_rule_ref *r, void *arg)
{
	*r->ignore = *(unsigned long *)arg;
}

int cmd_condition(struct monitor *mon, int argc, char **argv)
{
	int id = 0;
	char cond[BP_COND_MAX];
	if (argc < 2)
		return mon_error(mon, "usage: condition N [EXPR]");
	if (bp_number(mon, argv[1], &id) < 0)
		return -1;
	if (!break_if_join(argc - 2, argv + 2, cond, sizeof(cond)))
		return mon_error(mon, "the condition is longer than %d bytes", BP_COND_MAX - 1);
	/* The vCPUs read it under its lock at every hit: it may change while
	 * the guest runs. */
	if (!vm_with_stop_rule(&mon->m->vm, id, leave, NULL))
		return mon_error(mon, "no breakpoint or watchpoint %d", id);
	if (mon_check_condition(mon, cond) < 0)
		return -1;
	if (!vm_with_stop_rule(&mon->m->vm, id, set_cond, cond))
		return mon_error(mon, "no breakpoint or watchpoint %d", id);
	if (!cond[0])
		mon_printf(mon, "Breakpoint %d now unconditional.\n", id);
	return 0;
}

int cmd_ignore(struct monitor *mon, int argc, char **argv)
{
	int id = 0;
	uint64_t count;
	if (argc != 3)
		return mon_error(mon, "usage: ignore N COUNT");
	if (bp_number(mon, argv[1], &id) < 0)
		return -1;
	if (!parse_u64(argv[2], &count) || count > LONG_MAX)
		return mon_error(mon, "bad count '%s'", argv[2]);
	unsigned long n = (unsigned long)count;
	if (!vm_with_stop_rule(&mon->m->vm, id, set_ignore, &n))
		return mon_error(mon, "no breakpoint or watchpoint %d", id);
	/* gdb's words (breakpoint.c, set_ignore_count). */
	if (count == 0)
		mon_printf(mon, "Will stop next time breakpoint %d is reached.\n", id);
	else if (count == 1)
		mon_printf(mon, "Will ignore next crossing of breakpoint %d.\n", id);
	else
		mon_printf(mon, "Will ignore next %llu crossings of breakpoint %d.\n",
			   (unsigned long long)count, id);
	return 0;
}

void mon_print_bp_rule(struct monitor *mon, const char *cond, unsigned long hits,
		       unsigned long ignore)
{
	if (cond[0])
		mon_printf(mon, "\tstop only if %s\n", cond);
	if (hits)
		mon_printf(mon, "\tbreakpoint already hit %lu time%s\n", hits, hits == 1 ? "" : "s");
	if (ignore)
		mon_printf(mon, "\tWill ignore next %lu crossings of breakpoint.\n", ignore);
}
