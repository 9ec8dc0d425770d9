/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running to one of a few places (next, until, finish, advance): a
 * temporary breakpoint at each, deleted at the stop (cmd_step.c). */
#ifndef HVMON_RUN_TO_H
#define HVMON_RUN_TO_H

#include <stdint.h>

#include "monitor/monitor.h"

struct run_target {
	uint64_t addr;
	/* 0, or: a hit there with RSP below this is a deeper frame's (a
	 * recursive call reaching the same return address): run on. */
	uint64_t min_rsp;
};

/* Run until the machine stops: at one of t[0..n-1], at another
 * breakpoint, on a fault, or by Ctrl-C (in a script, after a long
 * timeout). 0, or -1 with the error printed. */
int mon_run_to(struct monitor *mon, const struct run_target *t, int n, const char *why);

#endif
