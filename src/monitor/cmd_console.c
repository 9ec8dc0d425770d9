// SPDX-License-Identifier: GPL-3.0-or-later
/* `console [ttyS0|hvcN]`: this terminal becomes the guest's serial console
 * or virtio console hvcN until Ctrl-], as in telnet; the console's pty
 * stays attached meanwhile. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "dev/chardev.h"
#include "monitor/commands.h"
#include "monitor/parse.h"
#include "board/machine.h"
#include "vmm/vcpu.h"

#define CONSOLE_ESCAPE 0x1d   /* Ctrl-] */

static void console_to_terminal(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	chardev_write_fd(STDOUT_FILENO, buf, len);
}

/* Relay keystrokes until the escape byte; returns when it arrives or the
 * terminal goes away. Bytes after the escape in the same read are dropped. */
static void console_relay(struct monitor *mon, struct chardev *cd)
{
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = 0, .events = POLLIN },
			{ .fd = mon->m->vm.event_fd, .events = POLLIN },
		};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[1].revents & POLLIN)
			mon_show_events(mon);
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		uint8_t buf[256];
		ssize_t n = read(0, buf, sizeof(buf));
		if (n <= 0)
			return;
		uint8_t *esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
		size_t keep = esc ? (size_t)(esc - buf) : (size_t)n;
		if (keep)
			chardev_inject_input(cd, buf, keep);
		if (esc)
			return;
	}
}

/* ttyS0 (com1) is the serial console; hvcN the N-th --hvc console, the
 * guest's hvcN. NULL after an error line. */
static struct chardev *pick_console(struct monitor *mon, const char *name)
{
	uint64_t n;

	if (!strcmp(name, "ttyS0") || !strcmp(name, "com1"))
		return mon->m->console;
	if (!strncmp(name, "hvc", 3) && parse_u64(name + 3, &n)) {
		if (n < MACHINE_MAX_HVCS && mon->m->hvc[n])
			return mon->m->hvc[n];
		mon_error(mon, "no console %s (%d --hvc given)", name, mon->m->cfg.nhvcs);
		return NULL;
	}
	mon_error(mon, "usage: console [ttyS0|hvcN]");
	return NULL;
}

int cmd_console(struct monitor *mon, int argc, char **argv)
{
	const char *name = argc == 2 ? argv[1] : "ttyS0";
	if (argc > 2)
		return mon_error(mon, "usage: console [ttyS0|hvcN]");
	struct chardev *cd = pick_console(mon, name);
	if (!cd)
		return -1;
	if (!mon->readline)
		return mon_error(mon, "console needs an interactive terminal (attach to %s instead)",
				 chardev_path(cd));
	if (chardev_kind(cd) == CHARDEV_STDIO)
		return mon_error(mon, "the console is already on this terminal (--console stdio)");
	struct termios saved, raw;
	if (tcgetattr(0, &saved) < 0)
		return mon_error(mon, "cannot read the terminal settings: %s", strerror(errno));
	mon_printf(mon, "attached to %s; Ctrl-] returns to the prompt\n", name);
	/* A paused guest prints nothing: say so, or the user waits forever. */
	if (!vm_is_running(&mon->m->vm))
		mon_printf(mon, "the guest is paused: nothing will come until it runs "
			   "(Ctrl-], then 'run')\n");
	mon_readline_suspend(mon);
	raw = saved;
	cfmakeraw(&raw);
	tcsetattr(0, TCSANOW, &raw);
	chardev_add_tap(cd, console_to_terminal, NULL);
	console_relay(mon, cd);
	chardev_remove_tap(cd, console_to_terminal, NULL);
	tcsetattr(0, TCSANOW, &saved);
	mon_printf(mon, "\ndetached from %s\n", name);
	mon_readline_resume(mon);
	return 0;
}
