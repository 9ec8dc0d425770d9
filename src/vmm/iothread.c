// SPDX-License-Identifier: GPL-3.0-or-later
#include "vmm/iothread.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define IOTHREAD_MAX_FDS 128
#define IOTHREAD_MAX_DEFERRED 64
/* epoll data of the thread's own eventfds, past the watch slots. */
#define SLOT_STOP  IOTHREAD_MAX_FDS
#define SLOT_DEFER (IOTHREAD_MAX_FDS + 1)

struct iothread_watch {
	int fd;
	uint32_t gen;     /* bumped at each add: an event for an older
			     watch in the same slot is stale */
	iothread_fd_fn fn;
	void *opaque;
};

struct iothread_deferred {
	void (*fn)(void *opaque);
	void *opaque;
};

struct iothread {
	int epfd;
	int stopfd;                 /* eventfd that wakes the loop to exit */
	int deferfd;                /* eventfd: deferred calls are waiting */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;       /* guards watch and deferred */
	struct iothread_watch watch[IOTHREAD_MAX_FDS];
	struct iothread_deferred deferred[IOTHREAD_MAX_DEFERRED];
	int ndeferred;
};

struct iothread *iothread_new(void)
{
	struct iothread *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	t->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->deferfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->epfd < 0 || t->stopfd < 0 || t->deferfd < 0) {
		iothread_free(t);
		return NULL;
	}
	pthread_mutex_init(&t->lock, NULL);
	for (int i = 0; i < IOTHREAD_MAX_FDS; i++)
		t->watch[i].fd = -1;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = SLOT_STOP };
	epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->stopfd, &ev);
	ev.data.u64 = SLOT_DEFER;
	epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->deferfd, &ev);
	return t;
}

int iothread_add_fd(struct iothread *t, int fd, uint32_t events,
		    iothread_fd_fn fn, void *opaque)
{
	pthread_mutex_lock(&t->lock);
	int slot = -1;
	for (int i = 0; i < IOTHREAD_MAX_FDS && slot < 0; i++)
		if (t->watch[i].fd < 0)
			slot = i;
	if (slot < 0) {
		pthread_mutex_unlock(&t->lock);
		return -ENOSPC;
	}
	uint32_t gen = t->watch[slot].gen + 1;
	t->watch[slot] = (struct iothread_watch){ .fd = fd, .gen = gen, .fn = fn, .opaque = opaque };
	struct epoll_event ev = { .events = events,
				  .data.u64 = (uint64_t)gen << 32 | (uint32_t)slot };
	int rc = epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
	if (rc)
		t->watch[slot].fd = -1;
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int iothread_del_fd(struct iothread *t, int fd)
{
	pthread_mutex_lock(&t->lock);
	int rc = -ENOENT;
	for (int i = 0; i < IOTHREAD_MAX_FDS; i++) {
		if (t->watch[i].fd == fd) {
			epoll_ctl(t->epfd, EPOLL_CTL_DEL, fd, NULL);
			t->watch[i].fd = -1;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}

int iothread_defer(struct iothread *t, void (*fn)(void *opaque), void *opaque)
{
	uint64_t one = 1;
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	bool queued = false;
	for (int i = 0; i < t->ndeferred; i++)
		queued |= t->deferred[i].fn == fn && t->deferred[i].opaque == opaque;
	if (!t->started)
		rc = -EAGAIN;
	else if (!queued && t->ndeferred == IOTHREAD_MAX_DEFERRED)
		rc = -ENOSPC;
	else if (!queued)
		t->deferred[t->ndeferred++] = (struct iothread_deferred){ fn, opaque };
	pthread_mutex_unlock(&t->lock);
	if (rc == 0 && write(t->deferfd, &one, sizeof(one)) < 0) {
		/* A saturated counter: the loop is woken anyway. */
	}
	return rc;
}

/* Take the waiting calls and make them, outside the lock. */
static void run_deferred(struct iothread *t)
{
	struct iothread_deferred calls[IOTHREAD_MAX_DEFERRED];
	uint64_t v;

	if (read(t->deferfd, &v, sizeof(v)) < 0) {
		/* EAGAIN: nothing signalled; the list is looked at anyway. */
	}
	pthread_mutex_lock(&t->lock);
	int n = t->ndeferred;
	memcpy(calls, t->deferred, sizeof(calls[0]) * (size_t)n);
	t->ndeferred = 0;
	pthread_mutex_unlock(&t->lock);
	for (int i = 0; i < n; i++)
		calls[i].fn(calls[i].opaque);
}

static void *iothread_main(void *arg)
{
	struct iothread *t = arg;
	for (;;) {
		struct epoll_event evs[16];
		int n = epoll_wait(t->epfd, evs, 16, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			uint32_t slot = (uint32_t)evs[i].data.u64, gen = evs[i].data.u64 >> 32;
			if (slot == SLOT_STOP)
				return NULL;
			if (slot == SLOT_DEFER) {
				run_deferred(t);
				continue;
			}
			pthread_mutex_lock(&t->lock);
			struct iothread_watch w = t->watch[slot];
			pthread_mutex_unlock(&t->lock);
			/* Removed (and maybe the slot reused) since epoll_wait
			 * returned: not this watch's event. */
			if (w.fd >= 0 && w.gen == gen)
				w.fn(w.opaque, w.fd, evs[i].events);
		}
	}
	return NULL;
}

int iothread_start(struct iothread *t)
{
	int rc = pthread_create(&t->thread, NULL, iothread_main, t);
	if (rc == 0) {
		t->started = true;
		pthread_setname_np(t->thread, "hvmon-io");
	}
	return -rc;
}

void iothread_stop(struct iothread *t)
{
	if (!t->started)
		return;
	uint64_t one = 1;
	/* Only a saturated counter could refuse, and then the loop is
	 * woken anyway: join whatever the write says. */
	if (write(t->stopfd, &one, sizeof(one)) < 0) {
		/* see above */
	}
	pthread_join(t->thread, NULL);
	t->started = false;
}

void iothread_free(struct iothread *t)
{
	if (!t)
		return;
	iothread_stop(t);
	if (t->epfd >= 0)
		close(t->epfd);
	if (t->stopfd >= 0)
		close(t->stopfd);
	if (t->deferfd >= 0)
		close(t->deferfd);
	free(t);
}
