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
int iothread_start(struct iothread *t);
void iothread_stop(struct iothread *t);   /* joins */
void iothread_free(struct iothread *t);

#endif
