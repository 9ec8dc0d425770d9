/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The I/O thread: one epoll loop for console input, device backends and
 * timers, so vCPU threads only ever do register-sized work. */
#ifndef HVMON_IOTHREAD_H
#define HVMON_IOTHREAD_H

#include <stdint.h>

typedef void (*iothread_fd_fn)(void *opaque, int fd, uint32_t events);

struct iothread;

struct iothread *iothread_new(void);
/* events: EPOLLIN etc. Safe from any thread. 0 or -errno. */
int iothread_add_fd(struct iothread *t, int fd, uint32_t events,
		    iothread_fd_fn fn, void *opaque);
int iothread_del_fd(struct iothread *t, int fd);
/* Run fn(opaque) on the I/O thread soon (once, however often it is asked
 * before it runs). From any thread; from the I/O thread itself it runs on
 * a later round, after the events waiting now (how a backend that served
 * a burst lets the others go). 0, or -errno (-ENOSPC: too many waiting;
 * -EAGAIN: not started) and the caller must do the work itself. */
int iothread_defer(struct iothread *t, void (*fn)(void *opaque), void *opaque);
int iothread_start(struct iothread *t);
void iothread_stop(struct iothread *t);   /* joins */
void iothread_free(struct iothread *t);

#endif
