/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Whether a breakpoint hit stops the machine, given its condition's value
 * and its ignore count, as gdb decides it (gdb's bpstat_check_breakpoint_
 * conditions): a false condition runs on without counting the hit; a true
 * one (or none) counts it, and then an ignore count above zero is used up
 * instead of stopping. An evaluation error counts as true: gdb says so
 * and stops. Pure: no I/O, no locks, so it is tested on its own. */
#ifndef HVMON_BP_DECIDE_H
#define HVMON_BP_DECIDE_H

#include <stdbool.h>

enum bp_cond_value {
	BP_COND_NONE,    /* the breakpoint has no condition */
	BP_COND_TRUE,    /* evaluated, nonzero */
	BP_COND_FALSE,   /* evaluated, zero */
	BP_COND_ERROR,   /* could not be evaluated */
};

struct bp_counts {
	unsigned long hits;     /* gdb's "already hit N times": condition true */
	unsigned long ignore;   /* hits still to pass without stopping */
};

/* Update c for one hit whose condition gave cond; true when it stops. */
bool bp_decide(struct bp_counts *c, enum bp_cond_value cond);

#endif
