// SPDX-License-Identifier: GPL-3.0-or-later
#include "dev/virtio/virtio_kick.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dev/virtio/virtio_dev.h"
#include "vmm/iothread.h"

/* The eventfd is readable, so the kick was sent before this runs: how
 * the device stood is asked first, then the count read. Asked after the
 * read, a vCPU that set DRIVER_OK in between would hide an early kick
 * (kick_before_driver_ok sees only a count still unread). */
static void kick_ready(void *opaque, int fd, uint32_t events)
{
	struct virtio_kick *k = opaque;
	uint64_t n;

	(void)events;
	struct virtio_kick_view seen = virtio_dev_queue_kick_view(k->dev, k->q);
	if (read(fd, &n, sizeof(n)) == sizeof(n))
		virtio_dev_queue_notify_seen(k->dev, k->q, seen);
}

int virtio_kick_open(struct virtio_kick *k, struct virtio_dev *dev, uint16_t q,
		     struct iothread *io)
{
	*k = (struct virtio_kick){ .dev = dev, .io = io, .q = q, .fd = -1 };
	if (!io)
		return 0;
	k->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (k->fd < 0)
		return -1;
	if (iothread_add_fd(io, k->fd, EPOLLIN, kick_ready, k) < 0) {
		close(k->fd);
		k->fd = -1;
		return -1;
	}
	return 0;
}

void virtio_kick_close(struct virtio_kick *k)
{
	if (k->fd < 0)
		return;
	iothread_del_fd(k->io, k->fd);
	close(k->fd);
	k->fd = -1;
}

bool virtio_kick_pending(const struct virtio_kick *k)
{
	struct pollfd p = { .fd = k->fd, .events = POLLIN };

	return k->fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

void virtio_kick_signal(struct virtio_kick *k)
{
	uint64_t one = 1;

	/* An eventfd counter does not overflow from kicks. */
	if (k->fd >= 0 && write(k->fd, &one, sizeof(one)) == sizeof(one))
		return;
	virtio_dev_queue_notify(k->dev, k->q);
}

static void release_on_iothread(void *opaque)
{
	struct virtio_kick *k = opaque;

	virtio_dev_queue_release(k->dev, k->q);
}

bool virtio_kick_defer(struct virtio_kick *k)
{
	return k->io && iothread_defer(k->io, release_on_iothread, k) == 0;
}
