/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Ctrl-C reaches the monitor alone when a parent (make run) shares its
 * process group: a session on a pty stands in for the terminal, a parent
 * process for make, the child for hvmon. */
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "monitor/term_fg.h"
#include "unit.h"

static volatile sig_atomic_t got_int;

static void on_int(int sig)
{
	(void)sig;
	got_int = 1;
}

/* The "hvmon": takes the terminal, says so on ready, waits for SIGINT,
 * gives the terminal back. Exit 0 when all of that held. */
static int monitor_side(int tty, int ready, pid_t parent_pgrp)
{
	struct term_fg t;
	struct sigaction sa = { .sa_handler = on_int };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	term_fg_take(&t, tty);
	char c = t.taken && tcgetpgrp(tty) == getpid() ? 'y' : 'n';
	if (write(ready, &c, 1) != 1 || c != 'y')
		return 1;
	alarm(10);
	while (!got_int)
		pause();
	term_fg_restore(&t);
	return tcgetpgrp(tty) == parent_pgrp ? 0 : 2;
}

START_TEST(ctrl_c_reaches_only_the_monitor)
{
	int master, slave, ready[2];

	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid_t make = fork();
	ck_assert_int_ge(make, 0);
	if (make == 0) {
		/* The "make": session leader on the pty, SIGINT's default
		 * action (death) in place, waiting for its child. */
		struct termios tio;
		setsid();
		if (ioctl(slave, TIOCSCTTY, 0) < 0 || tcgetattr(slave, &tio) < 0)
			_exit(10);
		tio.c_lflag |= ISIG;
		tio.c_cc[VINTR] = 3;
		tcsetattr(slave, TCSANOW, &tio);
		signal(SIGINT, SIG_DFL);
		pid_t mon = fork();
		if (mon == 0)
			_exit(monitor_side(slave, ready[1], getpgrp()));
		int st;
		if (waitpid(mon, &st, 0) < 0 || !WIFEXITED(st))
			_exit(11);
		_exit(WEXITSTATUS(st));
	}
	close(ready[1]);
	char c = 0;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(c, 'y');
	ck_assert_int_eq(write(master, "\x03", 1), 1);
	int st;
	ck_assert_int_eq(waitpid(make, &st, 0), make);
	/* Killed by SIGINT, the "make" would not have exited at all. */
	ck_assert_msg(WIFEXITED(st), "the parent died of signal %d", WTERMSIG(st));
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	close(master);
	close(slave);
}
END_TEST

/* A group leader (started from a shell) keeps its group: nothing taken. */
START_TEST(leader_keeps_its_group)
{
	struct term_fg t;
	int master, slave;

	ck_assert_int_eq(openpty(&master, &slave, NULL, NULL, NULL), 0);
	term_fg_take(&t, slave);   /* not our controlling terminal */
	ck_assert(!t.taken);
	close(master);
	close(slave);
}
END_TEST

static Suite *term_fg_suite(void)
{
	Suite *s = suite_create("term_fg");
	TCase *tc = tcase_create("term_fg");
	tcase_add_test(tc, ctrl_c_reaches_only_the_monitor);
	tcase_add_test(tc, leader_keeps_its_group);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN(term_fg_suite)
