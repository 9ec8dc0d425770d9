/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A virtqueue's notifications on the host side, the same for every
 * transport: one eventfd per queue, watched by the I/O thread, which hands
 * each signal to virtio_dev_queue_notify. The transport binds the eventfd
 * to a KVM ioeventfd where it can (the driver's write then never exits)
 * and signals it itself for a notify write that did exit, so every kick
 * reaches the device on one thread, one way. Work deferred for the queue
 * (virtio_transport.defer: DRIVER_OK's early buffers, a backend's next
 * burst) goes to the same thread. */
#ifndef HVMON_DEV_VIRTIO_VIRTIO_KICK_H
#define HVMON_DEV_VIRTIO_VIRTIO_KICK_H

#include <stdbool.h>
#include <stdint.h>

struct iothread;
struct virtio_dev;

struct virtio_kick {
	struct virtio_dev *dev;
	struct iothread *io;   /* NULL: kicks run on the writing thread */
	uint16_t q;
	int fd;                /* the eventfd; -1 without an I/O thread */
	bool registered;       /* the transport bound a KVM ioeventfd to fd */
};

/* Queue q of dev; with io, its eventfd watched there. 0, or -1 (no
 * eventfd, or the I/O thread watches too many). */
int virtio_kick_open(struct virtio_kick *k, struct virtio_dev *dev, uint16_t q,
		     struct iothread *io);
/* Stops the watch and closes the eventfd; the transport unbinds its
 * ioeventfd first. Safe on a kick never opened (fd -1). */
void virtio_kick_close(struct virtio_kick *k);
/* A notify write that reached userspace: through the eventfd, else (no
 * I/O thread) to the device right here. */
void virtio_kick_signal(struct virtio_kick *k);
/* Serve the queue on the I/O thread's next round (virtio_dev_queue_release);
 * false without one, or when it cannot take more. */
bool virtio_kick_defer(struct virtio_kick *k);
/* A notification signalled and not yet handed to the device (the eventfd
 * is readable): what a KVM ioeventfd delivered while the I/O thread had
 * not come round. False without an eventfd. */
bool virtio_kick_pending(const struct virtio_kick *k);

#endif
