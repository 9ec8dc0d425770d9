// SPDX-License-Identifier: GPL-3.0-or-later
/* The monitor's own foreground process group (term_fg.h). */
#include "monitor/term_fg.h"

#include <signal.h>
#include <unistd.h>

/* tcsetpgrp from a background group raises SIGTTOU (POSIX, General
 * Terminal Interface 11.1.4) unless it is blocked: block it around. */
static int set_fg(int fd, pid_t pgrp)
{
	sigset_t ttou, old;

	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &ttou, &old);
	int rc = tcsetpgrp(fd, pgrp);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

void term_fg_take(struct term_fg *t, int fd)
{
	*t = (struct term_fg){ .fd = fd, .old = -1 };
	pid_t me = getpid(), fg = tcgetpgrp(fd);

	if (fg < 0 || fg != getpgrp() || getpgrp() == me)
		return;
	if (setpgid(0, 0) < 0)
		return;
	if (set_fg(fd, me) < 0) {
		setpgid(0, fg);   /* back where we were: nothing taken */
		return;
	}
	t->old = fg;
	t->taken = true;
	/* Ctrl-Z would stop only us, while the parent waits on with the
	 * terminal lost to a stopped group: nobody could resume us. */
	signal(SIGTSTP, SIG_IGN);
}

void term_fg_restore(struct term_fg *t)
{
	if (!t->taken)
		return;
	set_fg(t->fd, t->old);
	signal(SIGTSTP, SIG_DFL);
	t->taken = false;
}
