/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An eventfd that producers write to wake a consumer's poll() loop (the
 * monitor draining a live trace), created on first use from any thread.
 * Signals fold into one: the consumer takes everything queued on each
 * wake-up, consuming the signal before it looks. */
#ifndef HVMON_WAKEUP_H
#define HVMON_WAKEUP_H

#include <stdatomic.h>

struct wakeup {
	atomic_int fd;   /* -1 until created */
};
#define WAKEUP_INIT { -1 }

/* The eventfd (-1 if it cannot be created). */
int wakeup_fd(struct wakeup *w);
/* Wake the consumer (a full counter means a wake-up is pending anyway). */
void wakeup_signal(struct wakeup *w);
/* Consumer side: clear the signal, before taking what was queued. */
void wakeup_consume(struct wakeup *w);

#endif
