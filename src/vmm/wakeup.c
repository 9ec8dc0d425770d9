// SPDX-License-Identifier: GPL-3.0-or-later
/* Wake-up eventfds (wakeup.h). */
#include "vmm/wakeup.h"

#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

int wakeup_fd(struct wakeup *w)
{
	int fd = atomic_load(&w->fd);
	if (fd >= 0)
		return fd;
	int made = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (made < 0)
		return -1;
	/* Two first users race: one eventfd wins, the other goes. */
	if (!atomic_compare_exchange_strong(&w->fd, &fd, made)) {
		close(made);
		return fd;
	}
	return made;
}

void wakeup_signal(struct wakeup *w)
{
	uint64_t one = 1;
	int fd = wakeup_fd(w);

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is saturated, a wake-up is pending. */
	}
}

void wakeup_consume(struct wakeup *w)
{
	uint64_t v;
	int fd = wakeup_fd(w);

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing was signalled; the caller looks anyway. */
	}
}
