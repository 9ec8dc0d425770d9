/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ctrl-C at the prompt is hvmon's alone. The terminal sends SIGINT to its
 * whole foreground process group: started by `make run` (or a script),
 * hvmon shares that group with make, which the same Ctrl-C interrupts
 * ("make: *** [Makefile: run] Interrupt", and what followed on the command
 * line never runs). So an interactive hvmon that is not its group's leader
 * moves into a group of its own and makes it the terminal's foreground
 * group, as a job-control shell does for a job (POSIX tcsetpgrp), and
 * gives the terminal back to the old group when the monitor ends. */
#ifndef HVMON_MONITOR_TERM_FG_H
#define HVMON_MONITOR_TERM_FG_H

#include <stdbool.h>
#include <sys/types.h>

struct term_fg {
	int fd;        /* the terminal */
	pid_t old;     /* the group that had it */
	bool taken;
};

/* Take the terminal on fd for a group of our own when we share the
 * foreground group with a parent; a no-op otherwise (already a leader, or
 * fd is not our controlling terminal's foreground). */
void term_fg_take(struct term_fg *t, int fd);
/* Give it back to the old group (if taken). */
void term_fg_restore(struct term_fg *t);

#endif
