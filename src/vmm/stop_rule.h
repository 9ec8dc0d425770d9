/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The condition and counters (breakpoint.h, struct bp_rule_ref) of a
 * breakpoint or watchpoint by its number, whichever table holds it, under
 * the lock that guards that table: breakpoints and debug-register ones
 * under ctl_lock, memory watchpoints under the watch lock. */
#ifndef HVMON_STOP_RULE_H
#define HVMON_STOP_RULE_H

#include <stdbool.h>

#include "vmm/breakpoint.h"

struct vm;

/* Run fn on id's rule with its lock held; false when nothing has id. */
bool vm_with_stop_rule(struct vm *vm, int id, void (*fn)(struct bp_rule_ref *r, void *arg),
		       void *arg);

#endif
